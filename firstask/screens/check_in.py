"""The check-in screen (登记): the clerk's window. Find the visitor — or their open case — check a new one in, and act
on the case at the window with one key each, for its whole life: the first visit (answer, notice, accept, refer,
reject), the visitor who comes back with the documents, the hand-off received, the result collected.

Built for a queue: the search finds visitors by phone, name or pinyin initials and cases by number (whole or the
tail on the slip), and lists each returning visitor's open cases under their name, so that one Enter takes the case
up; the form validates as it is typed and keeps everything when the desk refuses it. A case at the window fills the
form (greyed: it is the case's record, not a new check-in) and the panel beside it shows the case as it stands; the
key bar offers only what the case's status and the clerk's role allow, and a key pressed anyway says why in one line.
Taking a case up is not a new case: it writes nothing; what the clerk then does is recorded as its action.

The form's fields, the reasons under them and the matter and colleague look-ups are the screen's base,
`check_in_form.CheckInForm`.
"""

from __future__ import annotations

import importlib
import sqlite3
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, OptionList, Static

from firstask import names, printing, rules
from firstask.desk import LIMITS, Case, CaseLine, Desk, VisitorHit
from firstask.i18n import t
from firstask.privacy import mask_id_number, mask_phone, mask_text, sees_whole
from firstask.rules import RuleError, Staff
from firstask.screens import case_actions, window_panel
from firstask.screens.check_in_form import (
    FIELDS,
    LIST_INDENT,
    NEXT_KEY,
    NEXT_KEYS,
    TEXT_FIELDS,
    CheckInForm,
    field,
    label,
    lookup,
    text_input,
)
from firstask.store import StoreError
from firstask.widgets.case_sheet import CaseSheet
from firstask.widgets.cells import cut
from firstask.widgets.choice import Choice
from firstask.widgets.guide_view import guide_lines
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.naming import staff_name
from firstask.widgets.title_bar import TitleBar

WINDOW_KEYS = ("answer", "notice", "accept", "refer", "reject")  # F2–F6: the first visit's actions
LETTER_KEYS = ("take_handoff", "decline", "hand_off", "feedback", "extend", "resolve", "rate")
NARROW = 100  # below this many cells the two-field lines hold one field each, so that nothing is cut


def warm(desk: Desk) -> None:
    """What the first search, check-in and dialogs after log-in would otherwise load at that moment, loaded now (the
    app calls this once, in idle time after log-in). It writes nothing, and may run on a worker thread: it imports,
    converts a name and two numbers, and reads (the desk's connection allows another thread's reads).

    - pypinyin, its dictionaries loaded by a first name: a new visitor's initials (a seventh of a second or more);
    - phonenumbers' metadata for China and its matcher, stdnum's ID-number check: a phone or ID number validated as
      it is typed, free text masked for a clerk who may not see it whole;
    - the dialogs F2–F6 and the letter keys open, the guides (Ctrl+G), and the PDF library and fonts a confirmed
      notice or receipt is printed with;
    - the file's pages the first searches read (a visitor by initials, name and phone; a case by its number): at a
      million cases the first search of each kind read twice as long from a cold cache."""
    names.initials(chr(0x5F20) + chr(0x4E09))  # a name, zhang san (Chinese text is kept out of the code)
    rules.normalise_phone("13900001234")
    rules.normalise_id_number("11010519491231002X")
    mask_text("13900001234")
    for module in sorted({module for module, _ in case_actions.DIALOGS.values()} | {"guides"}):
        importlib.import_module(f"firstask.screens.{module}")
    printing.embedded_font()
    importlib.import_module("reportlab.pdfgen.canvas")
    try:
        for query in ("z", chr(0x5F20), "139"):  # pinyin initials, a name's first character, a phone's digits
            desk.find_visitors(query)
        desk.find_cases("0001")
        desk.find_matters("")
    except (StoreError, sqlite3.Error):
        pass  # the file busy for a moment: the first search reads it then


@dataclass(frozen=True)
class Found:
    """One line of the visitor search's results: a visitor (picked for a new check-in) or a case (taken up)."""

    visitor: VisitorHit | None = None
    case: CaseLine | None = None


class CheckInScreen(CheckInForm):
    AUTO_FOCUS = "#find"
    KEEPS_MESSAGE_LINE = True  # the form's last line, empty between visitors
    NOTIFIES_ERRORS = False
    _KEYS = [
        Binding("f2", "act('answer')", "app.key.answer", id="answer", tooltip="app.key.answer_tip"),
        Binding("f3", "act('notice')", "app.key.notice", id="notice", tooltip="app.key.notice_tip"),
        Binding("f4", "act('accept')", "app.key.accept", id="accept", tooltip="app.key.accept_tip"),
        Binding("f5", "act('refer')", "app.key.refer", id="refer", tooltip="app.key.refer_tip"),
        Binding("f6", "act('reject')", "app.key.reject", id="reject", tooltip="app.key.reject_tip"),
        # The rest of a case's life, as on the follow-up rows (letters: they act only while no field has focus).
        Binding("a", "act('take_handoff')", "follow.key.accept", id="take_handoff", tooltip="follow.key.accept_tip"),
        Binding("d", "act('decline')", "follow.key.decline", id="decline", tooltip="follow.key.decline_tip"),
        Binding("h", "act('hand_off')", "follow.key.hand_off", id="hand_off", tooltip="follow.key.hand_off_tip"),
        Binding("f", "act('feedback')", "follow.key.feedback", id="feedback", tooltip="follow.key.feedback_tip"),
        Binding("e", "act('extend')", "follow.key.extend", id="extend", tooltip="follow.key.extend_tip"),
        Binding("v", "act('resolve')", "follow.key.resolve", id="resolve", tooltip="follow.key.resolve_tip"),
        Binding("c", "act('rate')", "follow.key.rate", id="rate", tooltip="follow.key.rate_tip"),
    ]
    BINDINGS = [
        Binding("ctrl+s", "check_in", "app.key.check_in", id="check_in", tooltip="app.key.check_in_tip", priority=True),
        *_KEYS,
        Binding("f7", "reprint", "app.key.reprint", id="reprint", tooltip="app.key.reprint_tip"),
        Binding("ctrl+g", "guides", "app.key.guides", id="guides", tooltip="app.key.guides_tip", priority=True),
        Binding(NEXT_KEYS, "next_visitor", "app.key.next", id="next", tooltip="app.key.next_tip", priority=True),
        *case_actions.why_bindings(_KEYS),
    ]

    def __init__(self, desk: Desk, clerk: Staff) -> None:
        super().__init__(desk, clerk)
        self.case: Case | None = None
        self.found: list[Found] = []
        self.filled: dict[str, str] = {}  # what a pick from the search put in the form (not typed by the clerk)
        # A returning visitor's phone and ID number that the clerk may not see (SPEC §10): the field shows them
        # masked, and the stored number is kept here, in no widget, to be carried into the new case as it is.
        self.carried: dict[str, tuple[str, str]] = {}  # field -> (what the field shows, the stored number)
        self.refusals: dict[tuple[str, str, int], RuleError | None] = {}

    # --- layout ------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="body"):
            with VerticalScroll(id="form"):
                yield field("find", lookup("find", 40, "app.checkin.find_placeholder", self.search))
                # Two fields to a line: label, field, label, field in a grid (the search results' lists are
                # mounted under their field once the screen is drawn: `make_lists`).
                with Grid(classes="row", id="person-row"):
                    yield label("visitor_name")
                    yield text_input("visitor_name", LIMITS["visitor_name"])
                    yield label("phone")
                    yield text_input("phone", 40)
                with Grid(classes="row", id="ids-row"):
                    yield label("id_number")
                    yield text_input("id_number", 40)
                    yield label("org")
                    yield text_input("org", LIMITS["org"])
                yield field("address", text_input("address", LIMITS["address"]))
                with Grid(classes="row", id="sort-row"):
                    yield label("channel")
                    yield Choice([(t(f"channel.{c}"), c) for c in rules.CHANNELS], "visit", id="channel")
                    yield label("kind")
                    yield Choice([(t(f"kind.{k}"), k) for k in rules.KINDS], "enquiry", id="kind")
                    yield Checkbox(t("app.checkin.anonymous"), id="anonymous")
                yield field("matter", lookup("matter", 40, "app.checkin.matter_placeholder", self.search_matters))
                about = "app.checkin.about_staff_placeholder"
                yield field("about_staff", lookup("about_staff", LIMITS["name"], about, self.search_colleagues))
                yield field("summary", text_input("summary", LIMITS["summary"]))
                yield Static("", id="message")
            yield CaseSheet(id="case")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = t("app.checkin.title")
        self.query_one("#about_staff-field").display = False
        self.show_case()
        self.call_after_refresh(self.make_lists)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    # --- finding the visitor, or their case --------------------------------------------------------------------

    def search(self, query: str) -> None:
        cases = self.desk.find_cases(query)
        visitors = self.desk.find_visitors(query, by=self.clerk.code)
        shown = {line.no for line in cases}
        self.found = [Found(case=line) for line in cases]
        for hit in visitors:
            self.found.append(Found(visitor=hit))
            self.found += [Found(visitor=hit, case=line) for line in hit.open_cases if line.no not in shown]
        room = self.query_one("#form").content_region.width - LIST_INDENT
        prompts = [
            Text(cut(label.plain, room), style=label.style) if room > 8 else label
            for label in map(self.found_label, self.found)
        ]
        # A number typed is the case itself; a returning visitor with an open case most likely came about it.
        first_case = 1 if not cases and len(self.found) > 1 and self.found[1].case is not None else 0
        self.show_results("visitors", prompts, first_case)
        reason = "" if self.found or len(query.strip()) < 2 else t("app.checkin.no_visitor")
        self.set_reason("find", reason)

    def found_label(self, item: Found) -> Text:
        if item.case is not None:
            line = item.case
            parts = [
                line.no,
                line.matter_name or t(f"kind.{line.kind}"),
                t(f"status.{line.status}"),
                t("app.checkin.found_owner", name=staff_name(line.owner, self.roster)),
            ]
            if line.due:
                parts.append(t("app.checkin.found_due", due=line.due.isoformat()))
            if item.visitor is None:  # found by its number: say whose it is
                parts.insert(1, line.visitor_name or t("app.cases.anonymous"))
                return Text("  ".join(parts), no_wrap=True, overflow="ellipsis")
            return Text("   ↳ " + "  ".join(parts), style="bold", no_wrap=True, overflow="ellipsis")
        hit = item.visitor
        assert hit is not None
        parts = [
            hit.name,
            mask_phone(hit.phone) or "",
            mask_id_number(hit.id_number) or "",
            hit.org or "",
            t("app.checkin.visits", count=hit.visits, day=f"{hit.last_seen:%Y-%m-%d}"),
        ]
        if hit.open_cases:
            parts.append(t("app.checkin.open_cases", count=len(hit.open_cases)))
        return Text("  ".join(p for p in parts if p), no_wrap=True, overflow="ellipsis")

    @on(Input.Submitted, "#find")
    def find_submitted(self, event: Input.Submitted) -> None:
        if self.found:
            self.choose(self.found[self.results("visitors").highlighted or 0])
            return
        if self.case is not None:
            return  # nothing found while a case is at the window: the clerk is still looking
        typed = event.value.strip()
        # Nobody found: what was typed is the new visitor's phone or name, so it is not typed twice.
        target = "#phone" if typed.isdigit() else "#visitor_name"
        self.set_reason("find", "")
        if typed:
            self.query_one(target, Input).value = typed
            self.filled = {target[1:]: typed}  # what the search carried over is not a check-in being typed
        self.query_one("#visitor_name" if typed.isdigit() or not typed else "#phone", Input).focus()

    @on(Input.Submitted, "#visitor_name, #phone, #id_number, #org, #address")
    def field_given(self, event: Input.Submitted) -> None:
        """Enter moves on to the next field a clerk fills in (after the address: the matter)."""
        order = ("visitor_name", "phone", "id_number", "org", "address", "matter")
        name = event.input.id or ""
        if name in order[:-1]:
            self.query_one(f"#{order[order.index(name) + 1]}", Input).focus()

    @on(OptionList.OptionSelected, "#visitors")
    def found_chosen(self, event: OptionList.OptionSelected) -> None:
        self.choose(self.found[event.option_index])

    def choose(self, item: Found) -> None:
        if item.case is not None:
            self.take_up(item.case.no, here=True)
        elif item.visitor is not None:
            self.pick_visitor(item.visitor)

    def pick_visitor(self, hit: VisitorHit) -> None:
        """A returning visitor with a new matter: their details fill the form of a new check-in. A phone or ID number
        the clerk may not see whole is shown masked, greyed, and carried into the new case as stored."""
        if self.case is not None:
            self.clear_form(keep_find=True)
        self.filled = {}
        self.uncarry()
        for field_name, value, shown in (
            ("visitor_name", hit.name, hit.name),
            ("phone", hit.phone, hit.shown_phone),
            ("id_number", hit.id_number, hit.shown_id_number),
            ("org", hit.org, hit.org),
            ("address", hit.address, hit.address),
        ):
            box = self.query_one(f"#{field_name}", Input)
            if value and shown != value:
                self.carried[field_name] = (shown or "", value)
                box.add_class("-masked")
                box.tooltip = t("privacy.masked_tip")
            box.value = shown or ""
            self.filled[field_name] = (shown or "").strip()
        self.query_one("#anonymous", Checkbox).value = False
        self.results("visitors").display = False
        self.say(t("privacy.carried") if self.carried else "")
        self.query_one("#matter", Input).focus()

    def uncarry(self, name: str | None = None) -> None:
        """Forget the stored number behind a masked field (`name`, or every one): the field is the clerk's again."""
        for field_name in [name] if name else list(self.carried):
            self.carried.pop(field_name, None)
            box = self.query_one(f"#{field_name}", Input)
            box.remove_class("-masked")
            box.tooltip = None

    @on(Input.Changed, "#phone")
    @on(Input.Changed, "#id_number")
    def masked_edited(self, event: Input.Changed) -> None:
        """A masked number edited is a new number typed: the stored one is no longer carried, and what is left of
        the mask goes (what the clerk typed after it stays)."""
        name = event.input.id or ""
        if name not in self.carried or event.value == self.carried[name][0]:
            return
        shown = self.carried[name][0]
        self.uncarry(name)
        if "*" in event.value:
            typed = event.value[len(shown) :] if event.value.startswith(shown) else ""
            event.input.value = typed

    # --- taking a case up --------------------------------------------------------------------------------------

    def draft(self) -> bool:
        """A new visitor's check-in is being typed (and would be lost by taking another case up): anything in the
        form beyond what a pick from the search put there."""
        return self.case is None and any(
            self.query_one(f"#{name}", Input).value.strip() != self.filled.get(name, "") for name in TEXT_FIELDS
        )

    def take_up(self, no: str, *, here: bool = False) -> bool:
        """Bring a case to the window (from the search here, or from a follow-up row): not a new case, and nothing
        is written; the panel shows it and the keys act on it. A check-in being typed is never thrown away for it."""
        if self.draft():
            self.say(t("app.checkin.draft_kept", no=no, next_key=NEXT_KEY), error=True)
            return False
        try:
            case = self.desk.case(no)
        except (RuleError, StoreError) as refused:
            self.say(refused.message(), error=True)
            return False
        self.clear_form(keep_find=here)
        self.case = case
        self.hide_lists()
        self.fill_form(case)
        self.say(t("app.checkin.taken_up", no=case.no, status=t(f"status.{case.status}")))
        self.show_case()
        self.refresh_bindings()
        self.query_one("#case").focus()
        return True

    def may_see(self, case: Case) -> bool:
        """Phones and ID numbers, and those typed into the case's text, whole only for the case's owner, first-asker
        and supervisors (SPEC §10)."""
        return sees_whole(self.clerk, case.owner, case.first_asker)

    def fill_form(self, case: Case) -> None:
        """The case's record in the form, greyed: it is the case at the window, not a check-in to be made."""
        whole = self.may_see(case)
        self.uncarry()
        values = {
            "visitor_name": case.visitor_name or "",
            "org": case.org or "",
            "address": case.address or "",
            "phone": (case.phone if whole else mask_phone(case.phone)) or "",
            "id_number": (case.id_number if whole else mask_id_number(case.id_number)) or "",
            "matter": case.matter_name or "",
            "summary": (case.summary if whole else mask_text(case.summary)) or "",
            "about_staff": self.staff_label(case.about_staff) if case.about_staff else "",
        }
        for name, value in values.items():
            box = self.query_one(f"#{name}", Input)
            with box.prevent(Input.Changed):
                box.value = value
        with self.prevent(Choice.Changed, Checkbox.Changed):
            self.query_one("#channel", Choice).value = case.channel
            self.query_one("#kind", Choice).value = case.kind
            self.query_one("#anonymous", Checkbox).value = case.anonymous
        self.query_one("#about_staff-field").display = case.kind == "complaint"
        self.lock_form(True)

    def lock_form(self, locked: bool) -> None:
        for name in (*TEXT_FIELDS, "channel", "kind", "anonymous"):
            self.query_one(f"#{name}").disabled = locked

    def desk_changed(self) -> None:
        self._roster = None  # the roster may have changed too: read again when next needed
        super().desk_changed()

    def stale(self) -> bool:
        return False  # back from a dialog, what it did is shown already (`acted`); other windows' work, as it comes

    def reread(self) -> None:
        """Another window wrote: the case at the window is shown as it is now (the keys follow its status)."""
        if self.case is None:
            return
        try:
            now = self.desk.case(self.case.no)
        except (RuleError, StoreError):
            return
        self.refusals.clear()  # presence may have changed who may act
        if now.version != self.case.version:
            self.case = now
            self.show_case()
            self.refresh_bindings()

    # --- validating as the clerk types ---------------------------------------------------------------------------

    @on(Input.Changed, "#phone")
    @on(Input.Changed, "#id_number")
    @on(Choice.Changed, "#channel")
    @on(Checkbox.Changed, "#anonymous")
    def validate(self) -> None:
        if self.case is not None:
            return
        values = self.values()
        phone = values["phone"]
        reason = ""
        if phone and rules.normalise_phone(phone, self.desk.policy.area_code) is None:
            reason = t("reg3.phone", area_code=self.desk.policy.area_code)
        elif not phone and values["channel"] != "visit" and not values["anonymous"]:
            reason = t("reg1.phone", channel=t(f"channel.{values['channel']}"))
        self.set_reason("phone", reason)
        id_number = values["id_number"]
        bad_id = bool(id_number) and len(id_number) >= 18 and rules.normalise_id_number(id_number) is None
        self.set_reason("id_number", t("reg3.id_number") if bad_id else "")

    @on(Choice.Changed, "#kind")
    def kind_changed(self, event: Choice.Changed) -> None:
        complaint = event.value == "complaint"
        self.query_one("#about_staff-field").display = complaint
        if not complaint:
            self.set_reason("about_staff", "")  # its reason goes with the field
            for found in self.query("#colleagues"):
                found.display = False

    # --- checking in -----------------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        text = {
            f: self.query_one(f"#{f}", Input).value
            for f in ("visitor_name", "phone", "id_number", "org", "address", "summary")
        }
        for name, (shown, stored) in self.carried.items():
            if text[name] == shown:
                text[name] = stored  # the returning visitor's number, carried as stored without being shown
        about = self.about_code or self.query_one("#about_staff", Input).value.strip()
        return {
            **text,
            "channel": self.query_one("#channel", Choice).value,
            "kind": self.query_one("#kind", Choice).value,
            "about_staff": about,
            "anonymous": self.query_one("#anonymous", Checkbox).value,
            "matter": self.matter_code,
        }

    @on(Input.Submitted, "#summary")
    def summary_submitted(self) -> None:
        self.action_check_in()

    def action_check_in(self) -> None:
        if self.case is not None:
            self.say(t("app.checkin.already", no=self.case.no, next_key=NEXT_KEY), error=True)
            return
        v = self.values()
        self.clear_reasons()
        try:
            self.case = self.desk.check_in(
                self.clerk.code,
                visitor_name=v["visitor_name"] or None,
                summary=v["summary"],
                channel=v["channel"],
                kind=v["kind"],
                matter=v["matter"],
                phone=v["phone"] or None,
                id_number=v["id_number"] or None,
                org=v["org"] or None,
                address=v["address"] or None,
                anonymous=v["anonymous"],
                about_staff=v["about_staff"] or None,
            )
        except RuleError as refused:
            self.refuse(refused)
            return
        except StoreError as problem:  # busy, disk full: nothing was written, and the form keeps everything
            self.say(problem.message(), error=True)
            return
        self.say(t("app.checkin.done", no=self.case.no, next_key=NEXT_KEY))
        self.hide_lists()
        self.fill_form(self.case)
        self.show_case()
        self.refresh_bindings()
        self.query_one("#case").focus()

    def refuse(self, refused: RuleError) -> None:
        """Every reason at once, each next to its field (the first one focused); keep everything typed."""
        first = None
        for problem in refused.problems:
            if problem.field in FIELDS:
                self.set_reason(problem.field, problem.message())
                first = first or problem.field
        if first:
            self.query_one(f"#{first}").focus()
        self.say(refused.message(), error=True)

    # --- the case at the window ------------------------------------------------------------------------------------

    def show_case(self) -> None:
        """The panel beside the form: the case at the window with its matter's guide under it; before a case
        exists, the guide of the matter chosen; else that no case is at the window."""
        panel = self.query_one("#case", CaseSheet)
        panel.border_title = t("app.checkin.case_title")
        if self.case is None:
            if self.picked is not None:
                panel.border_title = t("guide.title")
                panel.show(guide_lines(self.picked, self.desk.policy))
                panel.scroll_home(animate=False)
                return
            panel.show([(t("app.checkin.no_case"), "")])
            return
        lines = self.case_lines(self.case)
        matter = self.case.matter_info
        if matter is not None and not matter.guide.empty:
            # The guide as the case was checked in with it, under the case (the keys above it stay in view).
            lines += [("", ""), (t("guide.title"), "bold reverse"), *guide_lines(matter, self.desk.policy)[1:]]
        panel.show(lines)

    def matter_changed(self) -> None:
        if self.case is None:
            self.show_case()

    def case_lines(self, c: Case) -> list[tuple[str, str]]:
        hints = [name for name in (*WINDOW_KEYS, *LETTER_KEYS) if self.refusal(name) is None]
        about = self.staff_label(c.about_staff) if c.about_staff else ""
        return window_panel.case_lines(c, self.roster, whole=self.may_see(c), hints=hints, about=about)

    def refusal(self, name: str) -> RuleError | None:
        """Why the key `name` cannot act on the case at the window, asked of the rules once per version."""
        if self.case is None:
            return None
        key = (name, self.case.no, self.case.version)
        if key not in self.refusals:
            if len(self.refusals) > 256:
                self.refusals.clear()
            self.refusals[key] = self.desk.refusal(case_actions.DESK_ACTION[name], self.case, self.clerk.code)
        return self.refusals[key]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        name = str(parameters[0]) if parameters else ""
        if action == "act":
            if self.case is None:
                return False
            if name in LETTER_KEYS and isinstance(self.focused, Input):
                return False  # a letter typed in a field is a letter
            if self.refusal(name) is not None:
                return None if name in WINDOW_KEYS else False  # F2–F6 stay in place, dimmed; letters go
            return True
        if action == "why":
            return name in WINDOW_KEYS or (self.case is not None and not isinstance(self.focused, Input))
        if action == "check_in":
            return self.case is None
        if action == "reprint":  # only a case with a document to print again
            return self.case is not None and any(e.detail.get("document") for e in self.case.history)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # letters act only while no field has focus

    def action_why(self, name: str) -> None:
        """A key that cannot act now says why, in one line, instead of opening a dialog that would refuse."""
        if self.case is None:
            self.say(t("app.checkin.why_no_case"), error=True)
            return
        refused = self.refusal(name)
        if refused is not None:
            self.say(refused.message(), error=True)

    def action_act(self, name: str) -> None:
        if self.case is None or self.refusal(name) is not None:
            return
        if name == "take_handoff":
            self.take_handoff(self.case)
            return
        self.app.push_screen(case_actions.dialog(name, self.desk, self.clerk, self.case), self.acted)

    def take_handoff(self, case: Case) -> None:
        try:
            self.acted(self.desk.accept_handoff(case.no, self.clerk.code, expect=case.version))
        except (RuleError, StoreError) as refused:
            self.say(refused.message(), error=True)

    def acted(self, case: Case | None) -> None:
        if case is None:
            return
        self.case = case
        self.fill_form(case)  # who may see the phone whole can change with the case (a hand-off accepted)
        message = t("app.checkin.acted", no=case.no, status=t(f"status.{case.status}"))
        last = case.history[-1] if case.history else None
        if last is not None and last.detail.get("document"):
            message += " " + self.print_latest()
        self.say(message)
        self.show_case()
        self.refresh_bindings()

    def print_latest(self) -> str:
        """Print the case's newest document where a printer is set up; say where it is saved either way."""
        assert self.case is not None
        documents = self.desk.documents(self.case.no)
        if not documents:
            return t("app.checkin.no_document")
        event, path = documents[-1]
        try:
            printed = self.desk.print_document(path)
        except RuleError as refused:
            return refused.message()
        return t("app.checkin.printed" if printed else "app.checkin.saved", path=path.name)

    def action_reprint(self) -> None:
        if self.case is not None:
            self.say(self.print_latest())

    def action_guides(self) -> None:
        """The catalogue's guides, to read one out without a visitor at the window (a phone enquiry); the matter
        being typed, if any, is looked up."""
        from firstask.screens.guides import GuidesScreen  # its widgets only when first asked for

        typed = "" if self.matter_code or self.case is not None else self.query_one("#matter", Input).value.strip()
        self.app.push_screen(GuidesScreen(self.desk, self.clerk, query=typed), self.guide_chosen)

    def guide_chosen(self, code: str | None) -> None:
        """A guide chosen "for this visitor": the matter of a new enquiry (after the case at the window, if any,
        as Ctrl+N would; a check-in being typed keeps what is typed)."""
        matter = next((m for m in self.desk.matters() if m.code == code), None)
        if matter is None:
            return
        if self.case is not None:
            self.action_next_visitor()
        self.pick_matter(matter, kind="enquiry")

    def clear_form(self, *, keep_find: bool = False) -> None:
        self.lock_form(False)
        for name in ("find", *TEXT_FIELDS):
            if name == "find" and keep_find:
                continue
            box = self.query_one(f"#{name}", Input)
            with box.prevent(Input.Changed):
                box.value = ""
        with self.prevent(Choice.Changed, Checkbox.Changed):
            self.query_one("#channel", Choice).value = "visit"
            self.query_one("#kind", Choice).value = "enquiry"
            self.query_one("#anonymous", Checkbox).value = False
        self.query_one("#about_staff-field").display = False
        self.case, self.picked, self.about_code, self.prefilled = None, None, None, ""
        self.filled = {}
        self.uncarry()
        self.clear_reasons()

    def action_next_visitor(self) -> None:
        """Clear the form for the next visitor; the case just handled stays in the clerk's lists."""
        self.clear_form()
        self.found = []
        self.hide_lists()
        self.say("")
        self.show_case()
        self.refresh_bindings()
        self.query_one("#find", Input).focus()
