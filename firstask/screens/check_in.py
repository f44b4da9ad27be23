"""The check-in screen (登记): the clerk's window. Find or type the visitor, pick the matter, write the summary,
check in, then act on the new case with one key each (answer, notice, accept, refer, reject).

Built for a queue: the visitor search fills the form, Enter moves on, the form validates as it is typed and keeps
everything when the desk refuses it.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from firstask import rules
from firstask.desk import LIMITS, Case, Desk, VisitorHit
from firstask.i18n import t
from firstask.privacy import mask_id_number, mask_phone
from firstask.rules import RuleError, Staff
from firstask.screens.choice import Choice
from firstask.screens.key_bar import KeyBar
from firstask.screens.title_bar import TitleBar
from firstask.store import StoreError

FIELDS = ("visitor_name", "phone", "id_number", "org", "channel", "kind", "matter", "about_staff", "summary")
ACTIONS = {"answer": "AnswerDialog", "notice": "NoticeDialog", "accept": "AcceptDialog", "refer": "ReferDialog",
           "reject": "RejectDialog"}
# Which statuses each dialog can start from (SPEC §4): keys that can't act now are hidden from the footer.
ACTION_FROM = {"answer": rules.ALLOWED_FROM["answer"], "notice": rules.ALLOWED_FROM["notify"],
               "accept": rules.ALLOWED_FROM["accept"], "refer": rules.ALLOWED_FROM["refer"],
               "reject": rules.ALLOWED_FROM["reject"]}


LABELS = {"find": "app.checkin.find", "visitor_name": "app.checkin.name", "phone": "app.checkin.phone",
          "id_number": "app.checkin.id_number", "org": "app.checkin.org", "channel": "app.checkin.channel",
          "kind": "app.checkin.kind", "matter": "app.checkin.matter", "about_staff": "app.checkin.about_staff",
          "summary": "app.checkin.summary"}


# Fields that share a line of the form: a refusal's reason goes under the line, in this order.
ROWS = {"person": ("visitor_name", "phone"), "ids": ("id_number", "org"), "sort": ("channel", "kind")}
ROW_OF = {name: row for row, names in ROWS.items() for name in names}
LIST_UNDER = {"visitors": "find", "matters": "matter"}  # the search results' lists and the fields they serve
LIST_OF = {field: name for name, field in LIST_UNDER.items()}


def field(name: str, widget: Any) -> Horizontal:
    """A labelled one-line field. The line with the reason for a refusal is added under it when there is one
    (`CheckInScreen.set_reason`): a form nobody has been refused on holds no empty reason lines."""
    return Horizontal(label(name), widget, classes="line field", id=f"{name}-field")


def label(name: str) -> Label:
    return Label(Text(t(LABELS[name])), classes="field-label")


def text_input(name: str, max_length: int, placeholder: str | None = None) -> Input:
    return Input(placeholder=t(placeholder) if placeholder else "", max_length=max_length, compact=True, id=name)


class CheckInScreen(Screen[None]):
    AUTO_FOCUS = "#find"
    BINDINGS = [
        Binding("ctrl+s", "check_in", "app.key.check_in", id="check_in", tooltip="app.key.check_in_tip",
                priority=True),
        Binding("f2", "act('answer')", "app.key.answer", id="answer", tooltip="app.key.answer_tip"),
        Binding("f3", "act('notice')", "app.key.notice", id="notice", tooltip="app.key.notice_tip"),
        Binding("f4", "act('accept')", "app.key.accept", id="accept", tooltip="app.key.accept_tip"),
        Binding("f5", "act('refer')", "app.key.refer", id="refer", tooltip="app.key.refer_tip"),
        Binding("f6", "act('reject')", "app.key.reject", id="reject", tooltip="app.key.reject_tip"),
        Binding("f7", "reprint", "app.key.reprint", id="reprint", tooltip="app.key.reprint_tip"),
        Binding("ctrl+n", "next_visitor", "app.key.next", id="next", tooltip="app.key.next_tip", priority=True),
    ]

    def __init__(self, desk: Desk, clerk: Staff) -> None:
        super().__init__()
        self.desk = desk
        self.clerk = clerk
        self.case: Case | None = None
        self.matter_code: str | None = None
        self.hits: list[VisitorHit] = []

    # --- layout ------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="body"):
            with VerticalScroll(id="form"):
                yield field("find", text_input("find", 40, "app.checkin.find_placeholder"))
                # Two fields to a line: label, field, label, field in a grid (the search results' lists are
                # mounted under their field when first needed).
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
                with Grid(classes="row", id="sort-row"):
                    yield label("channel")
                    yield Choice([(t(f"channel.{c}"), c) for c in rules.CHANNELS], "visit", id="channel")
                    yield label("kind")
                    yield Choice([(t(f"kind.{k}"), k) for k in rules.KINDS], "enquiry", id="kind")
                    yield Checkbox(t("app.checkin.anonymous"), id="anonymous")
                yield field("matter", text_input("matter", 40, "app.checkin.matter_placeholder"))
                yield field("about_staff", text_input("about_staff", LIMITS["code"]))
                yield field("summary", text_input("summary", LIMITS["summary"]))
                yield Static("", id="message")
            yield Static(id="case")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = t("app.checkin.title")
        self.query_one("#about_staff-field").display = False
        self.show_case()

    def results(self, name: str) -> OptionList:
        """The list of search results under a search field (`visitors` under find, `matters` under matter), made
        the first time there is something to list."""
        try:
            return self.query_one(f"#{name}", OptionList)
        except NoMatches:
            found = OptionList(id=name, markup=False)
            found.display = False
            field_name = LIST_UNDER[name]
            anchor = next(iter(self.query(f"#{field_name}-reason")), self.query_one(f"#{field_name}-field"))
            self.query_one("#form", VerticalScroll).mount(found, after=anchor)
            return found

    def list_shown(self, name: str) -> bool:
        return any(found.display for found in self.query(f"#{name}"))

    def hide_lists(self) -> None:
        for found in self.query("#visitors, #matters"):
            found.display = False

    # --- the visitor ---------------------------------------------------------------------------------------------

    @on(Input.Changed, "#find")
    def search_visitors(self, event: Input.Changed) -> None:
        self.hits = self.desk.find_visitors(event.value)
        found = self.results("visitors")
        found.clear_options()
        for hit in self.hits:
            found.add_option(Option(self.hit_label(hit)))
        found.display = bool(self.hits)
        if self.hits:
            found.highlighted = 0
        reason = "" if self.hits or len(event.value.strip()) < 2 else t("app.checkin.no_visitor")
        self.set_reason("find", reason)

    def hit_label(self, hit: VisitorHit) -> Text:
        parts = [hit.name, mask_phone(hit.phone) or "", mask_id_number(hit.id_number) or "", hit.org or "",
                 t("app.checkin.visits", count=hit.visits, day=f"{hit.last_seen:%Y-%m-%d}")]
        return Text("  ".join(p for p in parts if p))

    @on(Input.Submitted, "#find")
    def find_submitted(self, event: Input.Submitted) -> None:
        if self.hits:
            self.pick_visitor(self.hits[self.results("visitors").highlighted or 0])
            return
        typed = event.value.strip()
        # Nobody found: what was typed is the new visitor's phone or name, so it is not typed twice.
        target = "#phone" if typed.isdigit() else "#visitor_name"
        if typed:
            self.query_one(target, Input).value = typed
        self.query_one("#visitor_name" if typed.isdigit() or not typed else "#phone", Input).focus()

    @on(OptionList.OptionSelected, "#visitors")
    def visitor_chosen(self, event: OptionList.OptionSelected) -> None:
        self.pick_visitor(self.hits[event.option_index])

    def pick_visitor(self, hit: VisitorHit) -> None:
        for field, value in (("visitor_name", hit.name), ("phone", hit.phone), ("id_number", hit.id_number),
                             ("org", hit.org)):
            self.query_one(f"#{field}", Input).value = value or ""
        self.query_one("#anonymous", Checkbox).value = False
        self.results("visitors").display = False
        self.query_one("#matter", Input).focus()

    def on_key(self, event: Any) -> None:
        """Down from a search field goes into its list of results."""
        if event.key != "down" or self.focused is None:
            return
        target = LIST_OF.get(self.focused.id or "")
        if target and self.list_shown(target):
            self.results(target).focus()
            event.stop()

    # --- validating as the clerk types ---------------------------------------------------------------------------

    @on(Input.Changed, "#phone")
    @on(Input.Changed, "#id_number")
    @on(Choice.Changed, "#channel")
    @on(Checkbox.Changed, "#anonymous")
    def validate(self) -> None:
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

    # --- the matter ------------------------------------------------------------------------------------------------

    @on(Input.Changed, "#matter")
    def search_matters(self, event: Input.Changed) -> None:
        query = event.value.strip()
        if self.matter_code and query != self.matter_label(self.matter_code):
            self.matter_code = None
        found = self.results("matters")
        found.clear_options()
        self.matter_hits = self.desk.find_matters(query, limit=8) if query and not self.matter_code else []
        for m in self.matter_hits:
            found.add_option(Option(Text(f"{m.code}  {m.name}  ·  {self.limit_text(m)}")))
        found.display = bool(self.matter_hits)
        if self.matter_hits:
            found.highlighted = 0

    def limit_text(self, m: rules.Matter) -> str:
        if m.kind == "guide":
            return t("app.checkin.guide")
        if m.immediate:
            return t("app.checkin.immediate")
        return t("app.checkin.limit", days=m.limit_days)

    def matter_label(self, code: str) -> str:
        names = {m.code: m.name for m in self.desk.matters()}
        return f"{code} {names.get(code, '')}".strip()

    @on(Input.Submitted, "#matter")
    def matter_submitted(self) -> None:
        if getattr(self, "matter_hits", None) and not self.matter_code:
            found = self.results("matters")
            self.pick_matter(self.matter_hits[found.highlighted or 0])
        else:
            self.query_one("#summary", Input).focus()

    @on(OptionList.OptionSelected, "#matters")
    def matter_chosen(self, event: OptionList.OptionSelected) -> None:
        self.pick_matter(self.matter_hits[event.option_index])

    def pick_matter(self, matter: rules.Matter) -> None:
        self.matter_code = matter.code
        box = self.query_one("#matter", Input)
        with box.prevent(Input.Changed):
            box.value = self.matter_label(matter.code)
        self.results("matters").display = False
        self.query_one("#kind", Choice).value = "application"
        summary = self.query_one("#summary", Input)
        if not summary.value.strip():
            summary.value = t("app.checkin.summary_for", matter=matter.name)
        summary.focus()

    # --- checking in -----------------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        text = {f: self.query_one(f"#{f}", Input).value for f in ("visitor_name", "phone", "id_number", "org",
                                                                  "about_staff", "summary")}
        return {**text, "channel": self.query_one("#channel", Choice).value,
                "kind": self.query_one("#kind", Choice).value,
                "anonymous": self.query_one("#anonymous", Checkbox).value, "matter": self.matter_code}

    @on(Input.Submitted, "#summary")
    def summary_submitted(self) -> None:
        self.action_check_in()

    def action_check_in(self) -> None:
        if self.case is not None:
            self.say(t("app.checkin.already", no=self.case.no), error=True)
            return
        v = self.values()
        self.clear_reasons()
        try:
            self.case = self.desk.check_in(
                self.clerk.code, visitor_name=v["visitor_name"] or None, summary=v["summary"],
                channel=v["channel"], kind=v["kind"], matter=v["matter"], phone=v["phone"] or None,
                id_number=v["id_number"] or None, org=v["org"] or None, anonymous=v["anonymous"],
                about_staff=(v["about_staff"] or None) if v["kind"] == "complaint" else None)
        except RuleError as refused:
            self.refuse(refused)
            return
        except StoreError as problem:  # busy, disk full: nothing was written, and the form keeps everything
            self.say(problem.message(), error=True)
            return
        self.say(t("app.checkin.done", no=self.case.no))
        self.show_case()
        self.refresh_bindings()

    def refuse(self, refused: RuleError) -> None:
        """Show why, next to the field when there is one; keep everything typed."""
        field = refused.field if refused.field in FIELDS else None
        if field:
            self.set_reason(field, refused.message())
            target = self.query_one(f"#{field}")
            target.focus()
        self.say(refused.message(), error=True)

    def clear_reasons(self) -> None:
        for name in LABELS:
            self.set_reason(name, "")

    def set_reason(self, name: str, reason: str) -> None:
        """The reason next to a field, in words a clerk understands, on a line under the field (under the line it
        shares with others, in their order). The line is made the first time it is needed and takes no room when
        there is no reason."""
        try:
            line = self.query_one(f"#{name}-reason", Static)
        except NoMatches:
            if not reason:
                return
            line = Static(id=f"{name}-reason", classes="reason")
            row = ROW_OF.get(name)
            anchor: Widget = self.query_one(f"#{row}-row" if row else f"#{name}-field")
            for before in ROWS[row][:ROWS[row].index(name)] if row else ():
                anchor = next(iter(self.query(f"#{before}-reason")), anchor)
            parent = anchor.parent
            assert isinstance(parent, Widget)
            parent.mount(line, after=anchor)
        line.update(Text(reason))
        line.display = bool(reason)

    def say(self, message: str, *, error: bool = False) -> None:
        box = self.query_one("#message", Static)
        box.update(Text(message))
        box.set_class(error, "error")

    # --- the case just checked in ----------------------------------------------------------------------------------

    def show_case(self) -> None:
        panel = self.query_one("#case", Static)
        if self.case is None:
            panel.update(Text(t("app.checkin.no_case")))
            panel.border_title = t("app.checkin.case_title")
            return
        c = self.case
        lines = Text()
        lines.append(f"{c.no}\n", style="bold")
        lines.append(t("app.checkin.case_status", status=t(f"status.{c.status}")) + "\n")
        lines.append(t("app.checkin.case_visitor", name=c.visitor_name or t("app.cases.anonymous")) + "\n")
        lines.append(t("app.checkin.case_matter", matter=c.matter_name or t("app.cases.none")) + "\n")
        if c.due:
            due = t("app.cases.due.provisional", text=c.due.isoformat()) if c.due_provisional else c.due.isoformat()
            lines.append(t("app.checkin.case_due", due=due) + "\n")
        notices = self.desk.notices(c.no)
        if notices:
            lines.append(t("app.checkin.case_notices", count=len(notices)) + "\n")
        if c.result:
            lines.append(t("app.checkin.case_result", result=c.result) + "\n")
        lines.append("\n")
        for action in ACTIONS:
            if c.status in ACTION_FROM[action]:
                lines.append(t(f"app.checkin.hint.{action}") + "\n", style="dim")
        lines.append(t("app.checkin.hint.next") + "\n", style="dim")
        panel.update(lines)
        panel.border_title = t("app.checkin.case_title")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            name = str(parameters[0]) if parameters else ""
            return self.case is not None and self.case.status in ACTION_FROM.get(name, ())
        if action == "check_in":
            return self.case is None
        if action == "reprint":
            return self.case is not None
        return True

    def action_act(self, name: str) -> None:
        if self.case is None or self.case.status not in ACTION_FROM.get(name, ()):
            return
        from importlib import import_module

        dialog_class = getattr(import_module(f"firstask.screens.{name}"), ACTIONS[name])
        self.app.push_screen(dialog_class(self.desk, self.clerk, self.desk.case(self.case.no)), self.acted)

    def acted(self, case: Case | None) -> None:
        if case is None:
            return
        self.case = case
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

    def action_next_visitor(self) -> None:
        """Clear the form for the next visitor; the case just handled stays in the clerk's lists."""
        for field in ("find", "visitor_name", "phone", "id_number", "org", "matter", "about_staff", "summary"):
            box = self.query_one(f"#{field}", Input)
            with box.prevent(Input.Changed):
                box.value = ""
        self.query_one("#channel", Choice).value = "visit"
        self.query_one("#kind", Choice).value = "enquiry"
        self.query_one("#anonymous", Checkbox).value = False
        self.case, self.matter_code, self.hits = None, None, []
        self.hide_lists()
        self.clear_reasons()
        self.say("")
        self.show_case()
        self.refresh_bindings()
        self.query_one("#find", Input).focus()
