"""The frame every action dialog shares (answer, notice, accept, refer, reject).

A dialog is a `ModalScreen` that returns the updated `Case`, or None when the clerk cancels. Confirming (Ctrl+S)
calls the desk as the logged-in clerk with the case version the dialog was opened on (`expect=`), so a case changed
in another window is refused as CONFLICT instead of acted on blindly. A refusal is shown inside the dialog, next to
the field it is about — every field the desk found wrong at once, each under its own — and nothing typed is lost.
Text that goes to the visitor is checked for forbidden phrases as it is typed (LANG-1); a first confirm with one only
asks again, a second confirm of the same words goes ahead and the desk records the flag; once the words are edited,
the clerk is asked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static, TextArea

from firstask import rules
from firstask.desk import Case, Desk
from firstask.i18n import t
from firstask.rules import ConflictError, RuleError, Staff
from firstask.store import StoreError
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.prose import Prose

CONFIRM_KEY = "Ctrl+S"


def label(key: str, **params: object) -> Prose:
    """A line of the dialog's own words."""
    return Prose(t(key, **params), classes="label")


def reason_line(field: str) -> Prose:
    """The line under a field where the desk's reason for refusing it is shown."""
    return Prose(id=f"{field}-reason", classes="reason")


def visitor_of(case: Case) -> str:
    return case.visitor_name if case.visitor_name is not None else t("dialog.anonymous")


def refusal_lines(
    screen: ModalScreen[Any], fields: Mapping[str, str], refused: RuleError
) -> tuple[dict[str, list[str]], str | None]:
    """Every reason the desk found, by the line it is shown on — under the field it is about (`fields`: the desk's
    field names -> widget ids), or the form's own `#message` — in the desk's order; and the field of the first."""
    reasons: dict[str, list[str]] = {}
    focus: str | None = None
    for problem in refused.problems:
        widget_id = fields.get(problem.field or "")
        if widget_id and screen.query(f"#{widget_id}-reason"):
            line = f"#{widget_id}-reason"
            focus = focus or f"#{widget_id}"
        else:
            line = "#message"
        said = reasons.setdefault(line, [])
        if problem.message() not in said:
            said.append(problem.message())
    return reasons, focus


def printed(desk: Desk, case: Case) -> Path | None:
    """The PDF the case's last action saved (notice, receipt, rejection notice, referral slip), if it saved one."""
    if not case.history:
        return None
    name = case.history[-1].detail.get("document")
    return desk.document_pdf(name) if name else None


class ActionDialog(ModalScreen[Case | None]):
    """One action on one case, confirmed with Ctrl+S or cancelled with Esc."""

    CSS_PATH = ["dialog.tcss"]
    BINDINGS = [
        Binding(
            "ctrl+s", "confirm", "dialog.key.confirm", id="confirm", tooltip="dialog.key.confirm_tip", priority=True
        ),
        Binding("escape", "cancel", "dialog.key.cancel", id="cancel", tooltip="dialog.key.cancel_tip"),
    ]
    TITLE: ClassVar[str] = ""  # catalogue key of the dialog's title
    CONFIRM: ClassVar[str] = ""  # catalogue key of the confirm binding's words (and `…_tip`)
    FIELDS: ClassVar[dict[str, str]] = {}  # the desk's field names -> the id of the widget that holds each

    def __init__(self, desk: Desk, clerk: Staff, case: Case) -> None:
        super().__init__()
        self.desk = desk
        self.clerk = clerk
        self.case = case
        # The visitor's text as it stood when the clerk was asked about a forbidden phrase in it (LANG-1): a second
        # Ctrl+S on these very words goes ahead; once they are edited, the clerk is asked again.
        self.asked_about: tuple[str, ...] | None = None
        localise(self, self.CONFIRM)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = t(self.TITLE)
            yield Static(id="header")
            yield from self.compose_body()
            yield Prose(id="lang")
            yield Prose(id="message")
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.show_header()
        for line in self.query(".reason, #lang, #message"):
            line.display = False
        self.check_language()

    def show_header(self) -> None:
        case = self.case
        self.query_one("#header", Static).update(
            Text(
                t(
                    "dialog.header",
                    no=case.no,
                    visitor=visitor_of(case),
                    matter=case.matter_name or t("dialog.no_matter"),
                    status=t(f"status.{case.status}"),
                )
            )
        )

    # --- what a dialog fills in ----------------------------------------------------------------------------------

    def act(self, expect: int) -> Case:
        """Call the desk as the clerk; return the updated case or raise RuleError."""
        raise NotImplementedError

    def visitor_texts(self) -> Iterable[str]:
        """The free text this dialog sends to the visitor (LANG-1)."""
        return ()

    def before_confirm(self) -> None:
        """Take in whatever is typed but not yet added, so that nothing typed is silently dropped."""

    # --- confirming and cancelling -------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        self.before_confirm()
        found = self.forbidden()
        if found and not self.asked():
            self.asked_about = tuple(self.visitor_texts())
            self.show_language(found, asking=True)
            return
        self.clear_refusals()
        try:
            case = self.act(self.case.version)
        except RuleError as refused:
            self.refuse(refused)
            return
        except StoreError as problem:  # busy, disk full: nothing was written; the form stays as typed
            self.say("#message", problem.message())
            return
        except Exception as error:  # the clerk's window must never fall over: say so and keep the form
            self.log.error("action failed", error)
            self.say("#message", t("dialog.failed", reason=str(error) or type(error).__name__))
            return
        self.dismiss(case)

    def refuse(self, refused: RuleError) -> None:
        """Every reason the desk found, each next to the field it is about, or under the form when it is about no
        field of the dialog; the field of the first (the desk's own reason) gets the focus."""
        if isinstance(refused, ConflictError):
            self.catch_up(refused)
            return
        reasons, focus = refusal_lines(self, self.FIELDS, refused)
        for line, said in reasons.items():
            self.say(line, "\n".join(said))
        if focus is not None:
            self.query_one(focus).focus()

    def catch_up(self, conflict: ConflictError) -> None:
        """Another window changed the case: show it as it is now and keep the form, so that a second Ctrl+S acts
        knowingly on the new version (or the rules refuse it for what changed)."""
        try:
            self.case = self.desk.case(self.case.no)
        except RuleError as refused:
            self.say("#message", refused.message())
            return
        self.show_header()
        self.say("#message", conflict.message() + " " + t("dialog.conflict_again"))

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(SelectionList.SelectedChanged)
    def form_changed(self) -> None:
        """A reason next to a field was about what the field held: once the clerk changes the form, it goes."""
        for line in self.query(".reason").results(Prose):
            line.display = False

    def clear_refusals(self) -> None:
        for line in self.query(".reason, #message").results(Prose):
            line.show("")
            line.display = False

    def refusals(self) -> list[str]:
        """Every reason shown now (for the clerk's eyes; tests read it too)."""
        return [line.text for line in self.query(".reason, #message").results(Prose) if line.display]

    def ticked(self, list_id: str) -> list[str]:
        """The values ticked in a SelectionList of the dialog (none when the dialog does not have it)."""
        for found in self.query(f"#{list_id}").results(SelectionList):
            return [str(value) for value in found.selected]
        return []

    def say(self, selector: str, text: str, style: str = "") -> None:
        """Show a line of the dialog (a reason, a warning, the due date), or hide it when there is nothing to say."""
        line = self.query_one(selector, Prose)
        line.show(text, style)
        line.display = bool(text)

    # --- LANG-1 ------------------------------------------------------------------------------------------------

    def forbidden(self) -> list[str]:
        return rules.forbidden_in(" ".join(self.visitor_texts()), self.desk.policy.forbidden_phrases)

    def asked(self) -> bool:
        """Whether the clerk has been asked about the visitor's text exactly as it stands now."""
        return self.asked_about is not None and self.asked_about == tuple(self.visitor_texts())

    def check_language(self) -> None:
        """Called as the visitor's text changes: name any forbidden phrase at once. Edited words are not the words the
        clerk confirmed: the line goes back from asking to naming, and the next Ctrl+S asks again."""
        found = self.forbidden()
        self.show_language(found, asking=bool(found) and self.asked())

    def show_language(self, found: list[str], *, asking: bool) -> None:
        line = self.query_one("#lang", Prose)
        line.set_class(asking, "asking")
        phrases = t("dialog.list_sep").join(found)
        if not found:
            self.say("#lang", "")
        elif asking:
            self.say("#lang", t("dialog.lang_again", phrases=phrases, key=CONFIRM_KEY))
        else:
            self.say("#lang", t("dialog.lang_found", phrases=phrases))
