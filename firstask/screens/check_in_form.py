"""The check-in form, as the base of the check-in screen (`CheckInScreen`, check_in.py): its fields and their labels,
the lines of reasons under them (made when first needed), the look-up lists mounted under the search fields
(visitors under the search, matters under the matter, colleagues under whom a complaint is about), and the matter and
colleague pickers, which fill their field from the list. The screen itself finds the visitor and the case, checks in
and acts on the case at the window.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from firstask import SERVED, i18n
from firstask.desk import Desk
from firstask.i18n import t
from firstask.rules import Matter, Staff
from firstask.screens.desk_screen import DeskScreen
from firstask.widgets.choice import Choice

FIELDS = ("visitor_name", "phone", "id_number", "org", "address", "channel", "kind", "matter", "about_staff", "summary")
TEXT_FIELDS = ("visitor_name", "phone", "id_number", "org", "address", "matter", "about_staff", "summary")

LABELS = {
    "find": "app.checkin.find",
    "visitor_name": "app.checkin.name",
    "phone": "app.checkin.phone",
    "id_number": "app.checkin.id_number",
    "org": "app.checkin.org",
    "address": "app.checkin.address",
    "channel": "app.checkin.channel",
    "kind": "app.checkin.kind",
    "matter": "app.checkin.matter",
    "about_staff": "app.checkin.about_staff",
    "summary": "app.checkin.summary",
}
# A browser keeps Ctrl+N (a new window) to itself: a desk served to a browser (`firstask serve`) offers Alt+N first.
NEXT_KEYS = "alt+n,ctrl+n" if os.environ.get(SERVED) else "ctrl+n,alt+n"
NEXT_KEY = "Alt+N" if os.environ.get(SERVED) else "Ctrl+N"


# Fields that share a line of the form: a refusal's reason goes under the line, in this order.
ROWS = {"person": ("visitor_name", "phone"), "ids": ("id_number", "org"), "sort": ("channel", "kind")}
ROW_OF = {name: row for row, names in ROWS.items() for name in names}
# The search results' lists and the fields they serve.
LIST_UNDER = {"visitors": "find", "matters": "matter", "colleagues": "about_staff"}
LIST_OF = {field: name for name, field in LIST_UNDER.items()}
LIST_INDENT = 15 + 2 + 2 + 1  # a results list's room: the labels' column, its border, its padding, a margin


def field(name: str, widget: Any) -> Horizontal:
    """A labelled one-line field. The line with the reason for a refusal is added under it when there is one
    (`CheckInScreen.set_reason`): a form nobody has been refused on holds no empty reason lines."""
    return Horizontal(label(name), widget, classes="line field", id=f"{name}-field")


def label(name: str) -> Label:
    return Label(Text(t(LABELS[name])), classes="field-label")


def text_input(name: str, max_length: int, placeholder: str | None = None) -> Input:
    return Input(placeholder=t(placeholder) if placeholder else "", max_length=max_length, compact=True, id=name)


def lookup(name: str, max_length: int, placeholder: str, look_up: Callable[[str], None]) -> Lookup:
    """A search field (`find`, `matter`, `about_staff`): `look_up` is given what is typed, letter by letter."""
    return Lookup(look_up, placeholder=t(placeholder), max_length=max_length, compact=True, id=name)


class Lookup(Input):
    """A field searched as it is typed in: `look_up` runs as the field says it changed (`Input.Changed`; a value set
    under `prevent(Input.Changed)` looks nothing up), in the same turn as the letter.

    Looked up where the message bubbles to, the screen, the results came a frame after the letter: Textual draws the
    letter before the message has climbed up to the screen, and the results' frame waited for the next tick of the
    screen's 60 Hz clock and laid the whole screen out a second time. Looked up here, the list's change reaches the
    screen together with the letter's, and both are drawn in one frame."""

    def __init__(self, look_up: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.look_up = look_up

    def post_message(self, message: Message) -> bool:
        posted = super().post_message(message)
        if posted and isinstance(message, Input.Changed) and message.input is self:
            self.look_up(message.value)
        return posted


def limit_text(m: Matter) -> str:
    """A matter's time limit as the clerk reads it: same day, so many working days, or a guide."""
    if m.kind == "guide":
        return t("app.checkin.guide")
    if m.immediate:
        return t("app.checkin.immediate")
    return t("app.checkin.limit", days=m.limit_days)


def matter_line(m: Matter) -> Text:
    """The matter as the list of matters found shows it: code, name, note and time limit."""
    note = t("app.checkin.matter_note", note=m.note) if m.note else ""
    return Text(f"{m.code}  {m.name}{note}  ·  {limit_text(m)}")


def matter_label(matter: Matter) -> str:
    """The matter as its field shows it once picked."""
    return f"{matter.code} {matter.name}"


class CheckInForm(DeskScreen):
    """The check-in form's fields, reasons and look-ups (see the module's words)."""

    def __init__(self, desk: Desk, clerk: Staff) -> None:
        super().__init__(desk)
        self.clerk = clerk
        self.about_code: str | None = None
        self.prefilled = ""  # the summary the matter filled in, replaced when the matter changes
        self.matter_hits: list[Matter] = []
        self.picked: Matter | None = None  # the matter chosen (its guide shows beside the form)
        self.colleagues: list[Staff] = []
        self._roster: dict[str, Staff] | None = None
        self.listed: dict[str, list[Text]] = {}  # what each results list holds now
        self.reasons: dict[str, str] = {}  # the reason each field's line says now ("" or absent: none)

    @property
    def matter_code(self) -> str | None:
        return self.picked.code if self.picked else None

    def viewer(self) -> Staff:
        return self.clerk

    # --- the look-up lists ------------------------------------------------------------------------------------------

    def results(self, name: str) -> OptionList:
        """The list of search results under a search field (`visitors` under find, `matters` under matter,
        `colleagues` under about_staff), made hidden once the screen is drawn (`make_lists`) or when first asked for."""
        try:
            return self.query_one(f"#{name}", OptionList)
        except NoMatches:
            found = OptionList(id=name, markup=False)
            found.display = False
            field_name = LIST_UNDER[name]
            anchor = next(iter(self.query(f"#{field_name}-reason")), self.query_one(f"#{field_name}-field"))
            self.query_one("#form", VerticalScroll).mount(found, after=anchor)
            return found

    def make_lists(self) -> None:
        """The results lists made now, hidden (once the screen is drawn): else the first letter typed after log-in
        builds its list as well, a widget more to style and lay out in that letter's frame."""
        for name in LIST_UNDER:
            self.results(name)

    def show_results(self, name: str, prompts: list[Text], highlighted: int = 0) -> None:
        """The results list `name` holds `prompts` (hidden when there are none), the line `highlighted` picked.

        Typed key by key, so it draws as little as it can: the list keeps its height (the form around it is not laid
        out again while it shows), its lines are set in one call and only when they changed, and its display and
        highlight are touched only when they change (each is a refresh, and a refresh after the key's frame is one
        frame more)."""
        if not prompts and name not in self.listed:
            return  # never filled: nothing to empty or hide
        found = self.results(name)
        if prompts != self.listed.get(name):
            found.set_options([Option(prompt) for prompt in prompts])
            self.listed[name] = prompts
        if prompts and found.highlighted != highlighted:
            found.highlighted = highlighted
        if found.display != bool(prompts):
            found.display = bool(prompts)

    def list_shown(self, name: str) -> bool:
        return any(found.display for found in self.query(f"#{name}"))

    def hide_lists(self) -> None:
        for found in self.query("#visitors, #matters, #colleagues"):
            found.display = False

    def on_key(self, event: events.Key) -> None:
        """Down from a search field goes into its list of results."""
        if event.key != "down" or self.focused is None:
            return
        target = LIST_OF.get(self.focused.id or "")
        if target and self.list_shown(target):
            self.results(target).focus()
            event.stop()

    # --- the lines of reasons under the fields ---------------------------------------------------------------------

    def clear_reasons(self) -> None:
        for name in LABELS:
            self.set_reason(name, "")

    def set_reason(self, name: str, reason: str) -> None:
        """The reason next to a field, in words a clerk understands, on a line under the field (under the line it
        shares with others, in their order). The line is made the first time it is needed and takes no room when
        there is no reason. A reason said again is left as it is: updating the line would lay the form out again."""
        if self.reasons.get(name, "") == reason:
            return
        self.reasons[name] = reason
        try:
            line = self.query_one(f"#{name}-reason", Static)
        except NoMatches:
            if not reason:
                return
            line = Static(id=f"{name}-reason", classes="reason")
            row = ROW_OF.get(name)
            anchor: Widget = self.query_one(f"#{row}-row" if row else f"#{name}-field")
            for before in ROWS[row][: ROWS[row].index(name)] if row else ():
                anchor = next(iter(self.query(f"#{before}-reason")), anchor)
            parent = anchor.parent
            assert isinstance(parent, Widget)
            parent.mount(line, after=anchor)
        line.update(Text(reason))
        line.display = bool(reason)

    # --- the matter ------------------------------------------------------------------------------------------------

    def search_matters(self, value: str) -> None:
        query = value.strip()
        if self.picked and query != matter_label(self.picked):
            self.picked = None
            self.matter_changed()
        self.matter_hits = self.desk.find_matters(query, limit=8) if query and not self.matter_code else []
        self.show_results("matters", [matter_line(m) for m in self.matter_hits])

    @on(Input.Submitted, "#matter")
    def matter_submitted(self) -> None:
        if self.matter_hits and not self.matter_code:
            found = self.results("matters")
            self.pick_matter(self.matter_hits[found.highlighted or 0])
        else:
            self.next_field("#matter")

    @on(OptionList.OptionSelected, "#matters")
    def matter_chosen(self, event: OptionList.OptionSelected) -> None:
        self.pick_matter(self.matter_hits[event.option_index])

    def matter_changed(self) -> None:
        """The matter chosen changed (or was cleared): what shows its guide follows."""

    def pick_matter(self, matter: Matter, *, kind: str | None = None) -> None:
        """The matter of the visitor's request; `kind`: the request's kind where the clerk said (a guide chosen
        for an enquiry), else an application, or an enquiry for a matter only guided here."""
        self.picked = matter
        box = self.query_one("#matter", Input)
        with box.prevent(Input.Changed):
            box.value = matter_label(matter)
        self.results("matters").display = False
        guide = matter.kind == "guide"  # answered or referred, never applied for here: an enquiry
        self.query_one("#kind", Choice).value = kind or ("enquiry" if guide else "application")
        summary = self.query_one("#summary", Input)
        if not summary.value.strip() or summary.value == self.prefilled:
            # Filled in for the clerk, and followed when they pick another matter; once they write their own
            # summary it is theirs, in whatever language they wrote it.
            asking = guide or kind == "enquiry"
            self.prefilled = t("app.checkin.summary_guide" if asking else "app.checkin.summary_for", matter=matter.name)
            summary.value = self.prefilled
        self.matter_changed()
        summary.focus()

    def next_field(self, after: str) -> None:
        """Enter in a field moves on to the next one the clerk fills in."""
        complaint = self.query_one("#kind", Choice).value == "complaint"
        self.query_one("#about_staff" if after == "#matter" and complaint else "#summary", Input).focus()

    # --- whom a complaint is about: picked as a hand-off's receiver is ----------------------------------------

    def search_colleagues(self, value: str) -> None:
        query = value.strip()
        if self.about_code and query != self.staff_label(self.about_code):
            self.about_code = None
        self.colleagues = self.desk.find_staff(query) if query and not self.about_code else []
        self.show_results("colleagues", [Text(self.staff_label(person.code)) for person in self.colleagues])

    @property
    def roster(self) -> dict[str, Staff]:
        """The staff by code, read once and again after another window wrote (`desk_changed`)."""
        if self._roster is None:
            self._roster = self.desk.staff()
        return self._roster

    def staff_label(self, code: str | None) -> str:
        person = self.roster.get(code or "")
        return i18n.name_and_code(person.name, person.code) if person else (code or "")

    @on(Input.Submitted, "#about_staff")
    def about_submitted(self) -> None:
        if self.colleagues and not self.about_code:
            self.pick_colleague(self.colleagues[self.results("colleagues").highlighted or 0])
        else:
            self.query_one("#summary", Input).focus()

    @on(OptionList.OptionSelected, "#colleagues")
    def colleague_chosen(self, event: OptionList.OptionSelected) -> None:
        self.pick_colleague(self.colleagues[event.option_index])

    def pick_colleague(self, person: Staff) -> None:
        self.about_code = person.code
        box = self.query_one("#about_staff", Input)
        with box.prevent(Input.Changed):
            box.value = self.staff_label(person.code)
        self.results("colleagues").display = False
        self.set_reason("about_staff", "")
        self.query_one("#summary", Input).focus()
