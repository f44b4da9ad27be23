"""Handing a case to a colleague (移交): pick them by code, name or pinyin initials; the list shows who is present
and each one's backup, and says when an absent colleague's hand-off will go to their backup instead (HO-2). A note of
what was done is required (HO-1). The case stays with the sender until the receiver accepts (HO-3).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from firstask.desk import LIMITS, Case, Desk
from firstask.i18n import t
from firstask.rules import Staff
from firstask.screens.dialog import ActionDialog, label, reason_line
from firstask.widgets.prose import Prose


class HandOffDialog(ActionDialog):
    CSS_PATH = ["dialog.tcss", "hand_off.tcss"]
    AUTO_FOCUS = "#pick"
    TITLE = "follow.hand_off.title"
    CONFIRM = "follow.dkey.hand_off"
    FIELDS: ClassVar[dict[str, str]] = {"to": "pick", "note": "note", "text": "note"}
    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, desk: Desk, clerk: Staff, case: Case) -> None:
        super().__init__(desk, clerk, case)
        self.staff = desk.staff()

    def compose_body(self) -> ComposeResult:
        yield label("follow.hand_off.pick")
        yield Input(placeholder=t("follow.hand_off.pick_placeholder"), max_length=LIMITS["name"], id="pick")
        colleagues = OptionList(id="colleagues")
        colleagues.can_focus = False  # Tab goes on to the note; the list follows the typing, ↑/↓ move in it
        yield colleagues
        yield reason_line("pick")
        yield Prose(id="route")
        yield label("follow.hand_off.note")
        yield Input(placeholder=t("follow.hand_off.note_placeholder"), max_length=LIMITS["text"], id="note")
        yield reason_line("note")
        yield label("follow.hand_off.hint").add_class("note")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_colleagues()

    # --- choosing the colleague ----------------------------------------------------------------------------------

    def candidates(self) -> list[Staff]:
        query = self.query_one("#pick", Input).value
        return [person for person in self.desk.find_staff(query, limit=None) if person.code != self.case.owner]

    def option(self, person: Staff) -> Option:
        backup = self.staff.get(person.backup or "")
        line = t(
            "follow.hand_off.row",
            code=person.code,
            name=person.name,
            presence=t(f"follow.hand_off.{'absent' if person.absent else 'present'}"),
            backup=t("follow.hand_off.backup", name=backup.name) if backup else t("follow.hand_off.no_backup"),
        )
        return Option(Text(line, style="dim" if person.absent else ""), id=person.code)

    def show_colleagues(self) -> None:
        found = self.candidates()
        listed = self.query_one("#colleagues", OptionList)
        listed.clear_options()
        listed.add_options([self.option(person) for person in found])
        # Nobody is chosen until the clerk types or moves: a note and Ctrl+S must not hand it to the first name.
        typed = bool(self.query_one("#pick", Input).value.strip())
        listed.highlighted = 0 if found and typed else None
        self.show_route()

    @property
    def chosen(self) -> str | None:
        listed = self.query_one("#colleagues", OptionList)
        if listed.highlighted is None or not listed.option_count:
            return None
        return listed.get_option_at_index(listed.highlighted).id

    def route(self, to: str) -> str:
        """Where the desk will send it (to `to`, or to their backup while they are away): the desk's own routing,
        asked for this case as this clerk."""
        return self.desk.preview_route(self.case.no, to, self.clerk.code)

    def show_route(self) -> None:
        to = self.chosen
        if to is None:
            typed = bool(self.query_one("#pick", Input).value.strip())
            self.say("#route", t("follow.hand_off.none_found" if typed else "follow.hand_off.choose"), "bold")
            return
        if self.case.kind == "complaint" and to == self.case.about_staff:  # HO-7: said before, not after Ctrl+S
            self.say("#route", t("ho7.receive"), "bold red")
            return
        person = self.staff[to]
        goes_to = self.route(to)
        if goes_to != to:
            backup = self.staff[goes_to]
            text = t("follow.hand_off.route_backup", name=person.name, code=to, backup=backup.name, backup_code=goes_to)
        elif person.absent:
            text = t("follow.hand_off.route_wait", name=person.name, code=to)
        else:
            text = t("follow.hand_off.route_direct", name=person.name, code=to)
        self.say("#route", text, "bold" if person.absent else "")

    @on(Input.Changed, "#pick")
    def pick_typed(self) -> None:
        self.show_colleagues()

    @on(OptionList.OptionHighlighted, "#colleagues")
    def colleague_highlighted(self) -> None:
        self.show_route()

    def action_move(self, delta: int) -> None:
        listed = self.query_one("#colleagues", OptionList)
        if self.focused is self.query_one("#pick") and listed.option_count:
            now = listed.highlighted
            listed.highlighted = 0 if now is None else max(0, min(listed.option_count - 1, now + delta))

    @on(Input.Submitted, "#pick")
    @on(OptionList.OptionSelected, "#colleagues")
    def colleague_chosen(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def note_given(self) -> None:
        self.action_confirm()

    def act(self, expect: int) -> Case:
        note = self.query_one("#note", Input).value
        return self.desk.hand_off(self.case.no, self.clerk.code, self.chosen or "", note, expect=expect)
