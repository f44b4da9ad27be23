"""Accepting (受理): the materials received with their page counts, and the committed due date shown before the clerk
confirms (TIME-1). A catalogue matter needs every required document (TAKE-1); a case with no matter takes its limit
from the choice of TIME-4 days. Confirming saves and prints the receipt (收件回执).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList, SelectionList
from textual.widgets.selection_list import Selection

from firstask import rules
from firstask.desk import LIMITS, Case, Desk
from firstask.i18n import t
from firstask.rules import RuleError, Staff
from firstask.screens.dialog import ActionDialog, label, reason_line
from firstask.widgets.cells import one_line
from firstask.widgets.materials import Material, MaterialsTable
from firstask.widgets.naming import weekday
from firstask.widgets.prose import Prose

# TIME-4: the limits a clerk may choose for a case with no catalogue matter, by the policy's names for them.
DAY_CHOICES = ("own", "department", "complaint_departments", "departments", "leadership")


class AcceptDialog(ActionDialog):
    """Taking the application in. On a case that had a one-time notice (the visitor came back with the documents)
    the checklist starts from the notices: what the visitor presented before is ticked, what the notices asked for
    comes first and unticked, for the clerk to tick what was brought today; if anything is still missing, F3 gives
    the notice for it instead (NOT-2 flags only what no earlier notice asked for)."""

    CSS_PATH = ["dialog.tcss", "accept.tcss"]
    AUTO_FOCUS = "#materials"
    TITLE = "dialog.accept.title"
    CONFIRM = "dialog.key.accept"
    FIELDS: ClassVar[dict[str, str]] = {
        "materials": "materials",
        "item": "materials",
        "days": "days",
        "applies": "applies",
    }
    BINDINGS = [
        Binding(
            "f3",
            "notice_instead",
            "dialog.key.notice_instead",
            id="notice_instead",
            tooltip="dialog.key.notice_instead_tip",
        ),
    ]

    def __init__(self, desk: Desk, clerk: Staff, case: Case) -> None:
        super().__init__(desk, clerk, case)
        self.matter = case.matter_info
        earlier = desk.notices(case.no)
        presented = {item for notice in earlier for item in notice.presented}
        asked = list(dict.fromkeys(item for notice in earlier for item in notice.items))
        self.applies = set(earlier[-1].applies) if earlier else set()
        documents = sorted(self.matter.documents if self.matter else (), key=lambda d: d.when is not None)
        by_name = {d.name: d for d in documents}
        # What the notices asked for first, in their order (free-text items too: ticked when brought), then the
        # rest of the matter's documents; what was presented before starts ticked.
        asked_first = [by_name.get(item, item) for item in asked] + [d for d in documents if d.name not in asked]
        self.materials = []
        for entry in asked_first:
            tag = t("dialog.accept.asked_tag") if (entry if isinstance(entry, str) else entry.name) in asked else ""
            if isinstance(entry, str):
                self.materials.append(Material(entry, note=tag, received=False, added=True))
                continue
            note = (
                (t("screens.catalogue_bracketed", text=entry.form) if entry.form else "")
                + (t("dialog.notice.condition_tag", when=entry.when) if entry.when else "")
                + tag
            )
            received = entry.name in presented if earlier else entry.when is None
            self.materials.append(Material(entry.name, note=note, received=received))
        self.conditions = list(dict.fromkeys(d.when for d in documents if d.when))
        fallback = desk.policy.fallback_days
        self.day_choices = [(name, fallback[name]) for name in DAY_CHOICES if name in fallback]
        self.default_days = fallback.get("complaint" if case.kind == "complaint" else "own", 2)

    def compose_body(self) -> ComposeResult:
        yield label("dialog.accept.materials")
        yield MaterialsTable(self.materials, id="materials")
        yield reason_line("materials")
        yield Input(placeholder=t("dialog.accept.add_placeholder"), max_length=LIMITS["item"], id="add")
        if self.conditions:
            yield label("dialog.accept.conditions")
            yield SelectionList[str](*(Selection(Text(c), c, c in self.applies) for c in self.conditions), id="applies")
            yield reason_line("applies")
        if self.matter is None:
            yield label("dialog.accept.days")
            width = max(len(str(days)) for _, days in self.day_choices)
            yield OptionList(
                *(Text(t(f"dialog.accept.days_{name}", days=f"{days:>{width}}")) for name, days in self.day_choices),
                id="days",
            )
            yield reason_line("days")
        yield Prose(id="missing", classes="warning")
        yield Prose(id="due")
        yield label("dialog.accept.receipt").add_class("note")

    def on_mount(self) -> None:
        super().on_mount()
        for choices in self.query("#days").results(OptionList):
            days = [days for _, days in self.day_choices]
            choices.highlighted = days.index(self.default_days) if self.default_days in days else 0
        self.show_state()

    # --- what accepting now would commit to ----------------------------------------------------------------------

    def days(self) -> int | None:
        """The TIME-4 limit chosen for a case with no matter (None for a catalogue matter: it has its own)."""
        if self.matter is not None:
            return None
        for choices in self.query("#days").results(OptionList):
            if choices.highlighted is not None:
                return self.day_choices[choices.highlighted][1]
        return self.default_days

    def received(self) -> list[tuple[str, int]]:
        return [(m.name, m.page_count()) for m in self.materials if m.received]

    def show_state(self) -> None:
        """The TAKE-1 check and the due date, as they stand with what is ticked now."""
        matter = self.matter
        if matter is not None and matter.kind == "guide":
            self.say("#missing", t("dialog.accept.guide", matter=matter.name))
        elif matter is not None:
            missing = rules.required_missing(matter, [name for name, _ in self.received()], self.ticked("applies"))
            if missing:
                key = (
                    "dialog.accept.notice_instead"
                    if self.case.status in rules.ALLOWED_FROM["notify"]
                    else "dialog.accept.missing"
                )
                self.say("#missing", t(key, items=t("dialog.list_sep").join(missing), key="F3"))
            else:
                self.say("#missing", t("dialog.accept.complete"), style="green")
        elif not self.received():
            self.say("#missing", t("dialog.accept.no_materials"))
        else:
            self.say("#missing", "")
        self.show_due()
        self.refresh_bindings()

    def still_missing(self) -> list[str]:
        if self.matter is None or self.matter.kind == "guide":
            return []
        return rules.required_missing(self.matter, [name for name, _ in self.received()], self.ticked("applies"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "notice_instead":
            return bool(self.still_missing()) and self.case.status in rules.ALLOWED_FROM["notify"]
        return super().check_action(action, parameters)

    def action_notice_instead(self) -> None:
        """Still missing something: the one-time notice for it instead, with what was brought marked presented.
        The notice's result is this dialog's result."""
        from firstask.screens.notice import NoticeDialog

        documents = {d.name for d in self.matter.documents} if self.matter else set()
        brought = [name for name, _ in self.received() if name in documents]
        notice = NoticeDialog(self.desk, self.clerk, self.case, presented=brought, applies=self.ticked("applies"))

        def noticed(case: Case | None) -> None:
            if case is not None:
                self.dismiss(case)

        self.app.push_screen(notice, noticed)

    def show_due(self) -> None:
        days = self.days()
        try:
            due, provisional = self.desk.preview_due(self.case.no, days)
        except RuleError as refused:
            self.say("#due", refused.message())
            return
        limit = days if days is not None else (self.matter.limit_days if self.matter else 0)
        immediate = self.matter.immediate if self.matter else days == 0
        text = t(
            "dialog.accept.due_immediate" if immediate else "dialog.accept.due",
            date=due.isoformat(),
            weekday=weekday(due),
            days=limit,
        )
        if provisional:
            text += t("dialog.accept.provisional") + "\n" + t("dialog.accept.provisional_why")
        self.say("#due", text, style="bold")

    @on(MaterialsTable.Changed)
    @on(SelectionList.SelectedChanged)
    @on(OptionList.OptionHighlighted, "#days")
    def state_changed(self) -> None:
        self.form_changed()
        self.show_state()

    @on(Input.Submitted, "#add")
    def material_given(self) -> None:
        self.add_typed_material(tell=True)
        self.query_one(MaterialsTable).focus()

    def add_typed_material(self, *, tell: bool) -> None:
        box = self.query_one("#add", Input)
        name = one_line(box.value)
        if name:
            self.query_one(MaterialsTable).add(name, tell=tell)
        with box.prevent(Input.Changed):
            box.value = ""

    # --- confirming ----------------------------------------------------------------------------------------------

    def before_confirm(self) -> None:
        if self.query_one("#add", Input).value.strip():
            self.add_typed_material(tell=False)  # no message: the refusal that may follow must stay on screen
            self.show_state()

    def act(self, expect: int) -> Case:
        return self.desk.accept(
            self.case.no,
            self.clerk.code,
            materials=self.received(),
            days=self.days(),
            applies=self.ticked("applies"),
            expect=expect,
        )
