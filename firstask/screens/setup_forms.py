"""The supervisor's forms: a staff member (roster), a PIN reset, a matter (catalogue), the centre's identity and
slip settings, a CSV path, and the review of a violation (ACC-1). Each is a modal dialog that calls the desk as the
supervisor when confirmed (Ctrl+S) and returns True, or None when cancelled (Esc). A refusal is shown next to the
field it is about and nothing typed is lost — the shape of the clerk's action dialogs (`dialog.py`), for forms that
are not about one case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from firstask import catalogue_csv, printing
from firstask.desk import LIMITS, Desk, Violation
from firstask.i18n import t
from firstask.rules import MATTER_KINDS, Document, Matter, RuleError, Staff
from firstask.screens.dialog import label, reason_line, refusal_lines
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.naming import who
from firstask.widgets.prose import Prose

PIN_DIGITS = 12
MATTER_TEXT = 200  # the desk keeps a matter's note and forms place to this many characters


def finding_text(v: Violation) -> str:
    """What the violation found, in the current language, from the key and parameters it was recorded with."""
    key = v.detail.get("key")
    return t(str(key), **dict(v.detail.get("params") or {})) if key else t(f"setup.rule.{v.rule}")


class FormDialog(ModalScreen[bool | None]):
    """A form confirmed with Ctrl+S or cancelled with Esc; `save()` calls the desk or raises RuleError."""

    CSS_PATH = ["setup_forms.tcss"]
    BINDINGS = [
        Binding("ctrl+s", "confirm", "setup.key.save", id="confirm", tooltip="setup.key.save_tip", priority=True),
        Binding("escape", "cancel", "setup.key.cancel", id="cancel", tooltip="setup.key.cancel_tip"),
    ]
    TITLE: ClassVar[str] = ""
    CONFIRM: ClassVar[str] = ""  # catalogue key for the confirm binding's words (and `…_tip`), when not "save"
    FIELDS: ClassVar[dict[str, str]] = {}  # the desk's field names -> the id of the widget that holds each
    SUBMITS: ClassVar[tuple[str, ...]] = ()  # the inputs where Enter confirms

    def __init__(self, desk: Desk, supervisor: Staff) -> None:
        super().__init__()
        self.desk = desk
        self.supervisor = supervisor
        localise(self, self.CONFIRM or None)

    def compose(self) -> ComposeResult:
        with Vertical(id="form") as frame:
            frame.border_title = self.title_text()
            yield Static(id="header")
            yield from self.compose_body()
            yield Prose(id="message")
        yield KeyBar()

    def title_text(self) -> str:
        return t(self.TITLE)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def header_text(self) -> str:
        return ""

    def on_mount(self) -> None:
        header = self.query_one("#header", Static)
        header.update(Text(self.header_text()))
        header.display = bool(self.header_text())
        for line in self.query(".reason, #message"):
            line.display = False

    def save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        self.clear_refusals()
        try:
            self.save()
        except RuleError as refused:
            self.refuse(refused)
            return
        self.dismiss(True)

    def refuse(self, refused: RuleError) -> None:
        """Every reason the desk found, each under the field it is about (or under the form), at once; the field of
        the first gets the focus."""
        reasons, focus = refusal_lines(self, self.FIELDS, refused)
        for line, said in reasons.items():
            self.say(line, "\n".join(said))
        if focus is not None:
            self.query_one(focus).focus()

    def say(self, selector: str, text: str) -> None:
        line = self.query_one(selector, Prose)
        line.show(text)
        line.display = bool(text)

    def clear_refusals(self) -> None:
        for line in self.query(".reason, #message").results(Prose):
            line.show("")
            line.display = False

    def refusals(self) -> list[str]:
        """Every reason shown now (for the supervisor's eyes; tests read it too)."""
        return [line.text for line in self.query(".reason, #message").results(Prose) if line.display]

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Enter in the form's last line confirms, as Ctrl+S does; elsewhere it goes on to the next field."""
        if event.input.id in self.SUBMITS:
            self.action_confirm()
        else:
            self.focus_next()


def field(key: str, widget: Input | TextArea | Select[Any] | Checkbox, field_id: str) -> ComposeResult:
    """A labelled field with the line under it where the desk's reason for refusing it is shown."""
    with Vertical(classes="field", id=f"{field_id}-field"):
        if not isinstance(widget, Checkbox):
            yield label(key)
        yield widget
        yield reason_line(field_id)


# --- roster ----------------------------------------------------------------------------------------------------


class StaffDialog(FormDialog):
    """Add a staff member (code, name, role, backup, first PIN), or edit one (name, role, backup)."""

    FIELDS: ClassVar[dict[str, str]] = {
        "code": "code",
        "name": "name",
        "role": "role",
        "backup": "backup",
        "pin": "pin",
    }

    def __init__(self, desk: Desk, supervisor: Staff, staff: Staff | None = None) -> None:
        super().__init__(desk, supervisor)
        self.staff = staff

    def title_text(self) -> str:
        if self.staff is None:
            return t("setup.staff.new_title")
        return t("setup.staff.edit_title", who=who(self.staff.code, {self.staff.code: self.staff}))

    def compose_body(self) -> ComposeResult:
        s = self.staff
        with Horizontal(classes="pair"):
            yield from field(
                "setup.staff.code",
                Input(
                    s.code if s else "",
                    max_length=LIMITS["code"],
                    id="code",
                    placeholder=t("setup.staff.code_placeholder"),
                    disabled=s is not None,
                ),
                "code",
            )
            yield from field(
                "setup.staff.name", Input(s.name if s else "", max_length=LIMITS["name"], id="name"), "name"
            )
        with Horizontal(classes="pair"):
            yield from field(
                "setup.staff.backup",
                Input(
                    s.backup or "" if s else "",
                    max_length=LIMITS["code"],
                    id="backup",
                    placeholder=t("setup.staff.backup_placeholder"),
                ),
                "backup",
            )
            with Vertical(classes="field"):
                yield label("setup.staff.role")
                yield Checkbox(t("setup.staff.supervisor"), s is not None and s.is_supervisor, id="role")
                yield reason_line("role")
        yield Prose(id="backup-name", classes="note")
        if s is None:
            yield from field(
                "setup.staff.pin",
                Input(
                    password=True,
                    restrict=r"[0-9]*",
                    max_length=PIN_DIGITS,
                    id="pin",
                    placeholder=t("setup.staff.pin_placeholder"),
                ),
                "pin",
            )
            yield label("setup.staff.pin_hint").add_class("note")

    def on_mount(self) -> None:
        super().on_mount()
        self.backup_typed()

    @on(Input.Changed, "#backup")
    def backup_typed(self) -> None:
        """Name the backup as the code is typed, so a wrong code shows before saving."""
        code = self.value("backup").strip()
        staff = self.desk.staff()
        if not code:
            text = t("setup.staff.no_backup")
        elif code in staff:
            text = t("setup.staff.backup_is", who=who(code, staff))
            if staff[code].backup == self.value("code").strip() and code != self.value("code").strip():
                text += t("setup.staff.mutual")
        else:
            text = t("setup.staff.backup_unknown", code=code)
        self.query_one("#backup-name", Prose).show(text)

    def save(self) -> None:
        pin = self.value("pin") if self.staff is None else None
        role = "supervisor" if self.query_one("#role", Checkbox).value else "clerk"
        self.desk.save_staff(
            self.value("code"),
            self.value("name"),
            role=role,
            backup=self.value("backup").strip() or None,
            pin=pin or None,
            by=self.supervisor.code,
        )


class PinResetDialog(FormDialog):
    """PIN reset: the staff member must choose a new PIN at the next log-in; a temporary PIN for one forgotten."""

    TITLE = "setup.pin.title"
    CONFIRM = "setup.key.reset"
    AUTO_FOCUS = "#pin"
    FIELDS: ClassVar[dict[str, str]] = {"pin": "pin"}
    SUBMITS = ("pin",)

    def __init__(self, desk: Desk, supervisor: Staff, staff: Staff) -> None:
        super().__init__(desk, supervisor)
        self.staff = staff

    def header_text(self) -> str:
        return t("setup.pin.header", who=who(self.staff.code, {self.staff.code: self.staff}))

    def compose_body(self) -> ComposeResult:
        yield label("setup.pin.hint").add_class("note")
        yield from field(
            "setup.pin.temporary",
            Input(
                restrict=r"[0-9]*", max_length=PIN_DIGITS, id="pin", placeholder=t("setup.pin.temporary_placeholder")
            ),
            "pin",
        )

    def save(self) -> None:
        self.desk.reset_pin(self.staff.code, by=self.supervisor.code, temporary=self.value("pin") or None)


# --- catalogue -------------------------------------------------------------------------------------------------


def document_lines(docs: tuple[Document, ...]) -> str:
    return "\n".join(catalogue_csv.encode_document(d) for d in docs)


class MatterDialog(FormDialog):
    """Add or edit a matter: name, kind, limit, documents one per line (名称（形式）【情形】), written notice,
    department, where its forms are obtained (the notice prints it), a note for the clerk (never printed), basis,
    active. Cases already checked in keep the matter as it was."""

    FIELDS: ClassVar[dict[str, str]] = {
        "code": "code",
        "name": "name",
        "kind": "kind",
        "limit_days": "limit",
        "documents": "documents",
        "basis": "basis",
        "dept": "dept",
        "forms_at": "forms_at",
        "note": "note",
    }

    def __init__(self, desk: Desk, supervisor: Staff, matter: Matter | None = None, active: bool = True) -> None:
        super().__init__(desk, supervisor)
        self.matter = matter
        self.active = active

    def title_text(self) -> str:
        if self.matter is None:
            return t("setup.matter.new_title")
        return t("setup.matter.edit_title", code=self.matter.code, name=self.matter.name)

    def compose_body(self) -> ComposeResult:
        m = self.matter
        yield label("setup.matter.new_cases_only").add_class("note")
        with Horizontal(classes="pair"):
            yield from field(
                "setup.matter.code",
                Input(m.code if m else "", max_length=LIMITS["code"], id="code", disabled=m is not None),
                "code",
            )
            yield from field("setup.matter.name", Input(m.name if m else "", max_length=120, id="name"), "name")
        with Horizontal(classes="pair"):
            kinds = [(t(f"setup.kind.{k}"), k) for k in MATTER_KINDS]
            yield from field(
                "setup.matter.kind",
                Select(kinds, value=m.kind if m else "promised", allow_blank=False, id="kind"),
                "kind",
            )
            yield from field(
                "setup.matter.limit",
                Input(str(m.limit_days) if m else "", restrict=r"[0-9]*", max_length=3, id="limit"),
                "limit",
            )
        with Horizontal(classes="pair"):
            yield from field("setup.matter.dept", Input(m.dept or "" if m else "", id="dept"), "dept")
            with Vertical(classes="field checks"):
                yield Checkbox(t("setup.matter.written_notice"), bool(m and m.written_notice), id="written_notice")
                yield Checkbox(t("setup.matter.active"), self.active, id="active")
        with Horizontal(classes="pair"):
            yield from field(
                "setup.matter.forms_at",
                Input(
                    m.forms_at or "" if m else "",
                    max_length=MATTER_TEXT,
                    id="forms_at",
                    placeholder=t("setup.matter.forms_at_placeholder"),
                ),
                "forms_at",
            )
            yield from field(
                "setup.matter.note",
                Input(
                    m.note or "" if m else "",
                    max_length=MATTER_TEXT,
                    id="note",
                    placeholder=t("setup.matter.note_placeholder"),
                ),
                "note",
            )
        yield from field(
            "setup.matter.documents",
            TextArea(document_lines(m.documents) if m else "", id="documents", soft_wrap=True),
            "documents",
        )
        yield from field(
            "setup.matter.basis", TextArea(m.basis or "" if m else "", id="basis", soft_wrap=True), "basis"
        )

    def documents(self) -> list[str | dict[str, str]]:
        out: list[str | dict[str, str]] = []
        for number, line in enumerate(self.query_one("#documents", TextArea).text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                doc = catalogue_csv.decode_document(line)
            except ValueError as e:
                raise RuleError(
                    "INPUT", "setup.matter.bad_line", field="documents", line=number, reason=t(str(e))
                ) from e
            if catalogue_csv.unwritable(doc):
                raise RuleError(
                    "INPUT", "setup.matter.bad_line", field="documents", line=number, reason=t("setup.csv.bracket")
                )
            out.append(doc.as_json())
        return out

    def save(self) -> None:
        limit = self.value("limit").strip()
        kind = self.query_one("#kind", Select).value
        if not limit.isdigit():
            raise RuleError("INPUT", "matter.limit", field="limit_days")
        basis = self.query_one("#basis", TextArea).text.strip()
        self.desk.save_matter(
            self.value("code"),
            self.value("name"),
            by=self.supervisor.code,
            kind=str(kind),
            limit_days=int(limit),
            documents=self.documents(),
            written_notice=self.query_one("#written_notice", Checkbox).value,
            dept=self.value("dept").strip() or None,
            basis=basis or None,
            estimated=bool(self.matter and self.matter.estimated),
            active=self.query_one("#active", Checkbox).value,
            forms_at=self.value("forms_at").strip() or None,
            note=self.value("note").strip() or None,
        )


# --- the centre ------------------------------------------------------------------------------------------------

# The policy's settings the centre tab shows and edits, in the order of the form (SPEC §8, §11).
CENTRE_FIELDS = (
    "centre_name",
    "centre_address",
    "centre_phone",
    "centre_hours",
    "reconsideration_body",
    "forms_place",
    "pickup",
)
CENTRE_TEXT = {"centre_name": 60, "centre_phone": 60, "centre_hours": 120}  # others: MATTER_TEXT
CENTRE_PAIRS = (
    ("centre_name",),
    ("centre_address",),
    ("centre_phone", "centre_hours"),
    ("reconsideration_body",),
    ("forms_place",),
    ("pickup",),
)


class CentreDialog(FormDialog):
    """The centre's identity and what its slips say: one form for the policy's centre settings, saved with
    `desk.set_policy` as the supervisor (only what changed). Slips printed from now on carry them."""

    TITLE = "setup.centre.title"
    FIELDS: ClassVar[dict[str, str]] = {key: key for key in CENTRE_FIELDS}
    SUBMITS = ("pickup",)

    def __init__(self, desk: Desk, supervisor: Staff, *, focus: str | None = None) -> None:
        super().__init__(desk, supervisor)
        self.start = focus if focus in CENTRE_FIELDS else "centre_name"
        self.changed: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        policy = self.desk.policy
        yield label("setup.centre.hint").add_class("note")
        for pair in CENTRE_PAIRS:
            with Horizontal(classes="pair"):
                for key in pair:
                    box = Input(
                        str(getattr(policy, key) or ""),
                        max_length=CENTRE_TEXT.get(key, MATTER_TEXT),
                        id=key,
                        placeholder=t(f"setup.centre.{key}_placeholder"),
                    )
                    yield from field(f"setup.centre.{key}", box, key)
            if pair == ("centre_name",):
                yield Prose(id="title-preview", classes="note")

    def on_mount(self) -> None:
        super().on_mount()
        self.name_typed()
        self.query_one(f"#{self.start}", Input).focus()

    @on(Input.Changed, "#centre_name")
    def name_typed(self) -> None:
        """How the slips' titles will read, or that they will lack the centre's name."""
        name = self.value("centre_name").strip()
        text = (
            t("setup.centre.title_preview", title=name + printing.TITLES["notice"])
            if name
            else t("setup.centre.no_name")
        )
        self.query_one("#title-preview", Prose).show(text)

    def save(self) -> None:
        self.desk.supervisor_only(self.supervisor.code, "setup")
        policy = self.desk.policy
        values = {key: " ".join(self.value(key).split()) for key in CENTRE_FIELDS}
        self.changed = {key: value for key, value in values.items() if value != (getattr(policy, key) or "")}
        if self.changed:
            self.desk.set_policy(by=self.supervisor.code, **self.changed)


class CsvDialog(FormDialog):
    """Import or export the catalogue as CSV: the path, with a default in the database's folder."""

    AUTO_FOCUS = "#path"
    FIELDS: ClassVar[dict[str, str]] = {"path": "path"}
    SUBMITS = ("path",)

    def __init__(self, desk: Desk, supervisor: Staff, *, importing: bool, path: Path) -> None:
        super().__init__(desk, supervisor)
        self.importing = importing
        self.path = path
        self.count = 0
        localise(self, f"setup.key.{'import' if importing else 'export'}")

    def title_text(self) -> str:
        return t("setup.csv.import_title" if self.importing else "setup.csv.export_title")

    def compose_body(self) -> ComposeResult:
        yield label("setup.csv.import_hint" if self.importing else "setup.csv.export_hint").add_class("note")
        yield from field("setup.csv.path", Input(str(self.path), id="path"), "path")

    def save(self) -> None:
        path = Path(self.value("path").strip()).expanduser()
        if self.importing:
            self.count = catalogue_csv.import_csv(self.desk, path, by=self.supervisor.code)
        else:
            self.count = catalogue_csv.export_csv(self.desk, path)
        self.path = path


# --- violations ------------------------------------------------------------------------------------------------


class ReviewDialog(FormDialog):
    """ACC-1: a supervisor confirms or excuses a violation, with a reason."""

    AUTO_FOCUS = "#reason"
    FIELDS: ClassVar[dict[str, str]] = {"reason": "reason", "decision": "reason"}
    SUBMITS = ("reason",)

    def __init__(self, desk: Desk, supervisor: Staff, violation: Violation, decision: str) -> None:
        super().__init__(desk, supervisor)
        self.violation = violation
        self.decision = decision
        self.result: Violation | None = None
        localise(self, f"setup.key.{decision}")

    def title_text(self) -> str:
        return t(f"setup.review.{self.decision}_title")

    def header_text(self) -> str:
        v = self.violation
        return t(
            "setup.review.header",
            rule=v.rule,
            who=who(v.staff, self.desk.staff()),
            case=v.case_no or t("setup.none"),
            at=v.at.strftime("%Y-%m-%d %H:%M"),
        )

    def compose_body(self) -> ComposeResult:
        yield Prose(finding_text(self.violation), classes="finding")
        yield label(f"setup.review.{self.decision}_hint").add_class("note")
        yield from field(
            "setup.review.reason",
            Input(max_length=LIMITS["text"], id="reason", placeholder=t("setup.review.reason_placeholder")),
            "reason",
        )

    def save(self) -> None:
        self.result = self.desk.review(
            self.violation.id, self.supervisor.code, decision=self.decision, reason=self.value("reason")
        )
