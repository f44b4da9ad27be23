"""The follow-up screen, the clerk's home after check-in, in sections the clerk moves between with single keys:

1 *Waiting for me* — hand-offs addressed to me, or to the colleague I back up while they are away (accept with
`a`, decline with a reason with `d`, HO-5); 2 *Mine* — the open cases I own (and those of an absent colleague I back
up, labelled), soonest due first, with the time each has left; 3 *Tracking* — cases I first asked that a colleague
owns now, until they are closed (HO-6); 4 *Callbacks* — resolved cases waiting for the visitor's callback and
rating, and bad ratings waiting for the remedy callback (RATE-2).

From any row: Enter shows the case's full history; `h` hands it off, `f` feedback, `e` extend, `v` resolve,
`c` callback and rating (resolved cases), `m` remedy after a bad rating, `o` reopen (supervisors); `p` marks me
absent or back (AB角); `b` lists my bad ratings of the last month, to appeal one (差评申诉). Every action is taken
on the version of the case the list shows (`expect=`), so a change made meanwhile in another window is refused and
said, never overwritten. The lists follow the file: the app calls
`desk_changed` when another window has written, and the screen reads them again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from functools import partial

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from firstask import i18n
from firstask.calendar import WorkCalendar
from firstask.desk import Case, CaseLine, Desk
from firstask.i18n import t
from firstask.privacy import mask_text, sees_whole
from firstask.rules import RuleError, Staff
from firstask.screens import case_actions
from firstask.screens.desk_screen import DeskScreen
from firstask.screens.follow_lists import Lists, read_lists
from firstask.store import StoreError
from firstask.widgets.case_table import CaseTable
from firstask.widgets.cells import CELL_PADDING, cut, one_line
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.naming import staff_name, weekday
from firstask.widgets.section_bar import SectionBar
from firstask.widgets.title_bar import TitleBar

COLUMNS = ("no", "status", "channel", "kind", "matter", "visitor", "summary", "due")  # the Mine section
SECTION_COLUMNS = {
    "waiting": ("no", "from", "for", "kind", "matter", "visitor", "summary", "due"),
    "mine": COLUMNS,
    "tracking": ("no", "owner", "status", "kind", "matter", "visitor", "summary", "due"),
    "callbacks": ("no", "call", "owner", "kind", "matter", "visitor", "summary", "resolved"),
}
MINE_COVERING = ("no", "whose", "status", "channel", "kind", "matter", "visitor", "summary", "due")
SECTIONS = tuple(SECTION_COLUMNS)
TABLE_ID = "cases"  # each section its own table, #cases-mine …, the chosen one shown
EMPTY_TEXT = {
    "waiting": "follow.section.waiting_empty",
    "mine": "app.cases.empty",
    "tracking": "follow.section.tracking_empty",
    "callbacks": "follow.section.callbacks_empty",
}
FLEXIBLE = ("matter", "visitor", "summary")  # cut to share the room the other columns leave
FLEXIBLE_CELLS_AT_LEAST = 6
COLUMN_NEEDS = {"channel": 140, "matter": 100, "kind": 90}  # the screen width below which a column is left out
NARROW = 100  # below this width statuses are shortened and due dates lose this year's year
SCROLLBAR = 1  # follow_up.tcss: scrollbar-size-vertical

# Which section each key belongs to; within it, the key bar offers a key only where the case's status and the
# clerk's role allow it (Desk.refusal), and a key pressed anyway says why in one line.
ACTIONS_IN = {
    "accept": {"waiting"},
    "decline": {"waiting"},
    "hand_off": {"mine"},
    "feedback": {"mine", "tracking"},
    "extend": {"mine"},
    "resolve": {"mine"},
    "rate": {"tracking", "callbacks"},
    "remedy": {"callbacks"},
    "reopen": {"tracking", "callbacks"},
    "to_window": {"waiting", "mine", "tracking", "callbacks"},
    "history": set(SECTIONS),
}
# The Desk method behind each key (the rules are asked about it); history and to_window only read.
DESK_ACTION = {
    "accept": "accept_handoff",
    "decline": "decline_handoff",
    "hand_off": "hand_off",
    "feedback": "feedback",
    "extend": "extend",
    "resolve": "resolve",
    "rate": "rate",
    "remedy": "remedy",
    "reopen": "reopen",
}
DIALOGS = {name for name in DESK_ACTION if name != "accept"}
BAD_RATINGS = (1, 2)


def due_cell(line: CaseLine, today: date, calendar: WorkCalendar, *, short: bool = False) -> Text:
    """The due date and the working days left: overdue in red, due today in yellow. `short`: month and day only (a
    narrow screen; the working days beside it place the date)."""
    if line.due is None:
        return Text(t("app.cases.none"), style="dim")
    day = f"{line.due:%m-%d}" if short else line.due.isoformat()
    if line.due < today:
        days = calendar.working_days_between(line.due, today)
        key = {0: "overdue_plain", 1: "overdue_one"}.get(days, "overdue")
        style = "bold red"
    elif line.due == today:
        days, key, style = 0, "today", "bold yellow"
    else:
        days = calendar.working_days_between(today, line.due)
        key, style = ("left_one" if days == 1 else "left"), ""
    text = t(f"app.cases.due.{key}", date=day, days=days)
    if line.due_provisional:
        text = t("app.cases.due.provisional", text=text)
    return Text(text, style=style)


def same_text(a: Text, b: Text) -> bool:
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans


def header(column: str) -> str:
    return t(f"app.cases.col.{column}") if column in COLUMNS else t(f"follow.col.{column}")


class FollowUpScreen(DeskScreen):
    AUTO_FOCUS = "#cases-mine"
    BINDINGS = [
        Binding(
            "r", "refresh", "app.key.refresh", id="refresh", tooltip="app.key.refresh_tip", show=False
        ),  # the lists follow the file by themselves; r stays for the doubtful
        # The section keys are on the tabs themselves ("1 Waiting for me"), so the footer keeps its room.
        Binding(
            "1", "section('waiting')", "follow.key.waiting", id="waiting", tooltip="follow.key.waiting_tip", show=False
        ),
        Binding("2", "section('mine')", "follow.key.mine", id="mine", tooltip="follow.key.mine_tip", show=False),
        Binding(
            "3",
            "section('tracking')",
            "follow.key.tracking",
            id="tracking",
            tooltip="follow.key.tracking_tip",
            show=False,
        ),
        Binding(
            "enter", "history", "follow.key.history", id="history", tooltip="follow.key.history_tip", priority=True
        ),
        Binding("a", "accept", "follow.key.accept", id="accept", tooltip="follow.key.accept_tip"),
        Binding("d", "open('decline')", "follow.key.decline", id="decline", tooltip="follow.key.decline_tip"),
        Binding("h", "open('hand_off')", "follow.key.hand_off", id="hand_off", tooltip="follow.key.hand_off_tip"),
        Binding("f", "open('feedback')", "follow.key.feedback", id="feedback", tooltip="follow.key.feedback_tip"),
        Binding("e", "open('extend')", "follow.key.extend", id="extend", tooltip="follow.key.extend_tip"),
        Binding("v", "open('resolve')", "follow.key.resolve", id="resolve", tooltip="follow.key.resolve_tip"),
        Binding("c", "open('rate')", "follow.key.rate", id="rate", tooltip="follow.key.rate_tip"),
        Binding(
            "4",
            "section('callbacks')",
            "follow.key.callbacks",
            id="callbacks",
            tooltip="follow.key.callbacks_tip",
            show=False,
        ),
        Binding("l", "older_calls", "follow.key.older_calls", id="older_calls", tooltip="follow.key.older_calls_tip"),
        Binding("m", "open('remedy')", "follow.key.remedy", id="remedy", tooltip="follow.key.remedy_tip"),
        Binding("o", "open('reopen')", "follow.key.reopen", id="reopen", tooltip="follow.key.reopen_tip"),
        Binding("w", "to_window", "follow.key.to_window", id="to_window", tooltip="follow.key.to_window_tip"),
        Binding("p", "presence", "follow.key.presence", id="presence", tooltip="follow.key.presence_tip"),
        Binding("b", "bad_ratings", "follow.key.bad_ratings", id="bad_ratings", tooltip="follow.key.bad_ratings_tip"),
        # Pressed where it cannot act, a case key says why (Textual tries these when the key's own action may not run).
        *(
            Binding(key, f"why('{name}')", show=False)
            for key, name in (
                ("a", "accept"),
                ("d", "decline"),
                ("h", "hand_off"),
                ("f", "feedback"),
                ("e", "extend"),
                ("v", "resolve"),
                ("c", "rate"),
                ("m", "remedy"),
                ("o", "reopen"),
            )
        ),
    ]

    def __init__(self, desk: Desk, clerk: Staff) -> None:
        super().__init__(desk)
        self.clerk = clerk
        self.sections: dict[str, list[CaseLine]] = {name: [] for name in SECTIONS}
        self.staff: dict[str, Staff] = {}
        self.addressed: dict[str, str | None] = {}  # waiting hand-offs: case no -> to whom it is addressed
        self.covering: list[Staff] = []  # absent colleagues I back up: their cases show in my lists
        self.section = "mine"
        self.cursor_on: dict[str, str] = {}  # the case the cursor was on in each section, kept across switches
        self.read_at: tuple[tuple[int, int], date] | None = None  # the file's mark and the day the lists were read
        self.laid_out_for = -1  # the screen width the columns were last cut for
        self.offered: tuple[bool | None, ...] = ()  # what each key may do now (see keys_may_have_changed)
        self.refusals: dict[tuple[str, str, int, bool], RuleError | None] = {}
        self.addressed_at: dict[tuple[str, int], str | None] = {}
        self.ticket = 0  # each read given a number: only the latest read is shown
        self.all_callbacks = False  # the callbacks older than the policy's days too (`l`)
        self.older_calls = 0
        self.outdated: set[str] = set(SECTIONS)  # sections whose table is behind the lists read
        self.filled: dict[str, tuple[tuple[tuple[str, int], ...], dict[str, list[Text]]]] = {}
        self.titles: dict[str, str] = {}
        self.tables: dict[str, CaseTable] = {}
        self.shown_lists: Lists | None = None  # the lists last shown
        self.texts: dict[str, Text] = {}

    @property
    def lines(self) -> list[CaseLine]:
        """The open cases I own (the Mine section)."""
        return self.sections["mine"]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="whoami")
        yield SectionBar(SECTIONS, self.section, id="sections")
        yield self.table_of(self.section)  # the others are made when their section is first shown
        yield Static(id="empty")
        yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reread()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self.laid_out_for:  # the columns share the width; a height change moves nothing
            self.show_cases()

    def viewer(self) -> Staff:
        return self.clerk

    def stale(self) -> bool:
        """Back from another screen: anything written meanwhile (a check-in in this window included), or the day
        turned."""
        return self.read_at != (self.desk.written(), self.desk.now().date())

    # --- reading and showing the lists ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.reread()

    def reread(self) -> None:
        """Read the lists again now (after the clerk's own action, or coming back to the screen), keeping the cursor on
        its case in each."""
        self.ticket += 1  # a background read given before this one is older: it is not shown
        self.show_lists(read_lists(self.desk, self.clerk.code, self.all_callbacks, dict(self.addressed_at)))

    def desk_changed(self) -> None:
        """Another window wrote: the lists are read off the UI thread (a key pressed meanwhile is answered at once)
        and shown when read, unless the clerk's own action has read them again meanwhile."""
        if not self.is_mounted:
            return
        self.ticket += 1
        ticket = self.ticket
        job = partial(read_lists, me=self.clerk.code, all_callbacks=self.all_callbacks, known=dict(self.addressed_at))

        def done(lists: Lists) -> None:
            if ticket == self.ticket and self.is_mounted:
                self.show_lists(lists)

        self.app.behind.run(job, done)  # type: ignore[attr-defined]

    def show_lists(self, lists: Lists) -> None:
        """Show lists read: only what changed is drawn again (a re-read after another window's write that changed
        nothing here draws nothing)."""
        self.read_at = (self.desk.written(), lists.today)
        if lists == self.shown_lists:
            return  # another window's write that changed nothing here: nothing to build, nothing to draw
        self.shown_lists = lists
        self.refusals.clear()  # presence and the roster may have changed what each key may do
        self.staff = lists.staff
        self.clerk = self.staff.get(self.clerk.code, self.clerk)
        self.covering = lists.covering
        self.sections = lists.sections
        self.older_calls = lists.older_calls
        if len(self.addressed_at) > 512:
            self.addressed_at.clear()
        self.addressed_at.update(lists.addressed)
        self.addressed = {line.no: lists.addressed[(line.no, line.version)] for line in self.sections["waiting"]}
        self.outdated = set(SECTIONS)
        self.show_cases()
        self.keys_may_have_changed()

    def show_cases(self) -> None:
        if self.laid_out_for != self.size.width:
            self.outdated = set(SECTIONS)  # the columns are cut to the width: every section's table again
        self.laid_out_for = self.size.width
        today = self.desk.now().date()
        whoami = Text(
            t(
                "app.cases.header",
                name=self.clerk.name,
                code=self.clerk.code,
                today=today.isoformat(),
                weekday=weekday(today),
                count=len(self.lines),
            )
        )
        if self.clerk.absent:
            whoami.append(
                "  ·  " + t("follow.presence.away", backup=self.name_of(self.clerk.backup)), style="bold yellow"
            )
        if self.covering:
            whoami.append(
                "  ·  "
                + t(
                    "follow.presence.covering",
                    names=i18n.join(i18n.name_and_code(c.name, c.code) for c in self.covering),
                ),
                style="bold",
            )
        self.update_if_changed(self.query_one("#whoami", Static), whoami)
        titles = {name: t(f"follow.section.{name}", count=len(self.sections[name])) for name in SECTIONS}
        if self.older_calls:
            titles["callbacks"] = t(
                "follow.section.callbacks_older", count=len(self.sections["callbacks"]), older=self.older_calls
            )
        if titles != self.titles:
            self.titles = titles
            self.query_one(SectionBar).show(titles, self.section)
        self.show_section(today)

    def update_if_changed(self, widget: Static, text: Text) -> None:
        """A Static updated only when its text changes: every update lays the screen out again."""
        shown = self.texts.get(widget.id or "")
        if shown is None or shown.plain != text.plain or shown.spans != text.spans or shown.style != text.style:
            self.texts[widget.id or ""] = text
            widget.update(text)

    def table_of(self, name: str) -> CaseTable:
        """The section's own table, made (and mounted above the empty line) the first time it is asked for."""
        table = self.tables.get(name)
        if table is None:
            table = self.tables[name] = CaseTable(
                id=f"{TABLE_ID}-{name}", classes=TABLE_ID, cursor_type="row", zebra_stripes=True
            )
            if self.is_mounted:
                table.display = False
                self.mount(table, before="#empty")
        return table

    @property
    def table(self) -> CaseTable:
        """The table of the chosen section (each section keeps its own, filled when first shown)."""
        return self.table_of(self.section)

    def show_section(self, today: date | None = None) -> None:
        """Show the chosen section's table, bringing it up to date first if the lists were read since it was
        filled. Its rows are changed in place: a row that did not change is not drawn again."""
        name = self.section
        empty = self.query_one("#empty", Static)
        self.update_if_changed(empty, Text(t(EMPTY_TEXT[name])))
        empty.display = not self.sections[name]
        self.table_of(name)
        for other, table in self.tables.items():
            table.display = other == name and bool(self.sections[name])
        if name not in self.outdated:
            return
        self.outdated.discard(name)
        table = self.table_of(name)
        kept = self.cursor_on.get(name)
        columns, widths, rows = self.section_rows(name, today)
        shape = tuple((column, widths[column]) for column in columns)
        new = {line.no: cells for line, cells in zip(self.sections[name], rows, strict=True)}
        before_shape, before = self.filled.get(name, ((), {}))
        order = [line.no for line in self.sections[name]]
        kept_order = [no for no in before if no in new]
        tail = order[len(kept_order) :]
        if shape != before_shape or order[: len(kept_order)] != kept_order or any(no in before for no in tail):
            table.clear(columns=True)
            for column, width in shape:
                table.add_column(Text(header(column)), width=width, key=column)
            for no, cells in new.items():
                table.add_row(*cells, key=no)
        else:
            for no in before:
                if no not in new:
                    table.remove_row(no)
            for no, cells in new.items():
                if no not in before:
                    table.add_row(*cells, key=no)
                    continue
                for (column, _width), cell, was in zip(shape, cells, before[no], strict=True):
                    if not same_text(cell, was):
                        table.update_cell(no, column, cell)
        self.filled[name] = (shape, new)
        if kept is not None and kept in new and table.cursor_row != table.get_row_index(kept):
            table.move_cursor(row=table.get_row_index(kept))

    def section_rows(
        self, name: str, today: date | None = None
    ) -> tuple[Sequence[str], dict[str, int], list[list[Text]]]:
        """What the table shows for a section: its columns, their widths, and each case's cells cut to fit."""
        columns: Sequence[str] = MINE_COVERING if name == "mine" and self.covering else SECTION_COLUMNS[name]
        # Narrower screens leave out, in turn, the channel, the matter and the kind (the history has them): the
        # case number, its status, the visitor, the summary and the due date always show.
        columns = [column for column in columns if self.size.width >= COLUMN_NEEDS.get(column, 0)]
        calendar = self.desk.calendar
        day = today or self.desk.now().date()
        rows = [self.row(line, day, calendar, columns) for line in self.sections[name]]
        widths = self.column_widths(rows, columns)
        return (
            columns,
            widths,
            [
                [
                    Text(cut(row[column].plain, widths[column])) if column in FLEXIBLE else row[column]
                    for column in columns
                ]
                for row in rows
            ],
        )

    def narrow(self) -> bool:
        return 0 < self.size.width < NARROW

    def name_of(self, code: str | None) -> str:
        return staff_name(code, self.staff)

    def row(self, line: CaseLine, today: date, calendar: WorkCalendar, columns: Sequence[str]) -> dict[str, Text]:
        """The cells of one case for `columns`, the flexible ones still whole."""
        return {column: self.cell(column, line, today, calendar) for column in columns}

    def cell(self, column: str, line: CaseLine, today: date, calendar: WorkCalendar) -> Text:
        match column:
            case "no":
                return Text(line.no)
            case "status":
                status = t(f"follow.status_short.{line.status}") if self.narrow() else t(f"status.{line.status}")
                if line.returned is not None:  # declined back to me: mine again, and the reason is on the row
                    return Text(t("follow.returned.status", status=status), style="bold yellow")
                return Text(status)
            case "channel":
                return Text(t(f"channel.{line.channel}"))
            case "kind":
                return Text(t(f"kind.{line.kind}"))
            case "matter":
                return Text(line.matter_name or t("app.cases.none"))
            case "visitor":
                return Text(line.visitor_name if line.visitor_name is not None else t("app.cases.anonymous"))
            case "summary":
                summary = one_line(line.summary)
                if line.returned is not None:
                    summary = t("follow.returned.summary", reason=one_line(line.returned), summary=summary)
                elif line.handoff_note and self.section == "waiting":
                    summary = t("follow.handoff_note", note=one_line(line.handoff_note), summary=summary)
                if not sees_whole(self.clerk, line.owner, line.first_asker):  # a hand-off to me, a colleague's case
                    summary = mask_text(summary) or ""
                return Text(summary)
            case "due":
                return due_cell(line, today, calendar, short=self.narrow())
            case "from" | "owner":  # a pending hand-off stays with its sender until accepted
                return Text(self.name_of(line.owner))
            case "for" | "whose":
                # Waiting: to whom the hand-off is addressed; Mine: whose case it is (mine, or an absent colleague's).
                addressed = self.addressed.get(line.no, line.owner)
                if addressed in (None, self.clerk.code):
                    return Text(t("follow.for.me"))
                return Text(t("follow.for.backup", name=self.name_of(addressed)), style="bold")
            case "call":
                if line.status == "resolved":
                    return Text(t("follow.call.rating"))
                if line.rating in BAD_RATINGS:
                    return Text(t("follow.call.remedy", level=t(f"follow.rate.levels.{line.rating}")), style="bold red")
                return Text(t("follow.none"))
            case "resolved":
                return Text(line.resolved_at.strftime("%Y-%m-%d %H:%M") if line.resolved_at else t("follow.none"))
        raise KeyError(column)

    def column_widths(self, rows: Sequence[dict[str, Text]], columns: Sequence[str] = COLUMNS) -> dict[str, int]:
        """Every column as wide as its widest cell, except that matter, visitor and summary share what is left
        of the screen: the summary, what the clerk reads, keeps at least half of it; the visitor and the matter
        are cut to fit the rest."""
        widths = {name: max([cell_len(header(name))] + [row[name].cell_len for row in rows]) for name in columns}
        fixed = sum(widths[name] for name in columns if name not in FLEXIBLE)
        room = self.size.width - fixed - CELL_PADDING * len(columns) - SCROLLBAR
        rest = room - max(FLEXIBLE_CELLS_AT_LEAST, room // 2)
        shown = [name for name in ("visitor", "matter") if name in widths]  # a narrow screen leaves the matter out
        for n, name in enumerate(shown):
            share = rest // (len(shown) - n) if n < len(shown) - 1 else rest
            widths[name] = min(widths[name], max(FLEXIBLE_CELLS_AT_LEAST, share))
            rest -= widths[name]
        widths["summary"] = max(FLEXIBLE_CELLS_AT_LEAST, room - sum(widths[name] for name in shown))
        return widths

    # --- where the clerk is ------------------------------------------------------------------------------------

    def case_under_cursor(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def line_under_cursor(self) -> CaseLine | None:
        no = self.case_under_cursor()
        return next((line for line in self.sections[self.section] if line.no == no), None)

    def action_section(self, name: str) -> None:
        if name != self.section:
            self.section = name
            self.query_one(SectionBar).choose(name)
            self.show_section()
        self.table.focus()
        self.keys_may_have_changed()

    @on(SectionBar.Chosen)
    def section_clicked(self, event: SectionBar.Chosen) -> None:
        self.action_section(event.section)

    @on(DataTable.RowHighlighted)
    def moved(self, event: DataTable.RowHighlighted) -> None:
        no = event.row_key.value
        name = (event.data_table.id or "").removeprefix(f"{TABLE_ID}-")
        if no is not None and name in self.sections:
            self.cursor_on[name] = no
        self.keys_may_have_changed()

    def keys_may_have_changed(self) -> None:
        """Redraw the footer only when what the keys may do has changed: every redraw rebuilds its widgets, and
        moving down a list (or building it) would otherwise rebuild it for every row."""
        offered = tuple(
            self.check_action(*(("open", (name,)) if name in DIALOGS else (name, ()))) for name in ACTIONS_IN
        )
        if offered != self.offered:
            self.offered = offered
            self.refresh_bindings()

    def refusal(self, name: str, line: CaseLine) -> RuleError | None:
        """Why the key `name` cannot act on this row now (its status, the clerk's role), asked of the rules once
        per version of the case."""
        key = (name, line.no, line.version, self.clerk.absent)
        if key not in self.refusals:
            if len(self.refusals) > 512:
                self.refusals.clear()
            self.refusals[key] = self.desk.refusal(DESK_ACTION[name], line, self.clerk.code)
        return self.refusals[key]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "older_calls":
            return self.section == "callbacks" and (self.all_callbacks or self.older_calls > 0)
        name = str(parameters[0]) if action in ("open", "why") and parameters else action
        if name not in ACTIONS_IN:
            return True
        line = self.line_under_cursor() if self.is_mounted else None
        if action == "why":  # the hidden binding: only where the key itself may not run
            return (
                line is not None
                and name in DESK_ACTION
                and (self.section not in ACTIONS_IN[name] or self.refusal(name, line) is not None)
            )
        if self.section not in ACTIONS_IN[name] or line is None:
            return False
        if name in DESK_ACTION:
            return self.refusal(name, line) is None
        return True

    def action_why(self, name: str) -> None:
        """A case key that cannot act on this row says why, in one line."""
        line = self.line_under_cursor()
        if line is None:
            return
        refused = self.refusal(name, line)
        if refused is None:  # allowed for this case, but not from this list: say where it is done
            self.say(
                t(
                    "follow.why.section",
                    action=t(f"action.{DESK_ACTION[name]}"),
                    sections=i18n.join(t(f"follow.key.{s}") for s in SECTIONS if s in ACTIONS_IN[name]),
                ),
                error=True,
            )
        else:
            self.say(refused.message(), error=True)

    def action_older_calls(self) -> None:
        """Callbacks older than the policy's days (a clerk rarely still makes them), shown or put away again."""
        self.all_callbacks = not self.all_callbacks
        self.reread()

    def action_to_window(self) -> None:
        """Take the case under the cursor to the window (the check-in screen), where F2–F6 and the letters act on
        it with the visitor in front of the clerk."""
        no = self.case_under_cursor()
        if no is not None:
            self.app.run_worker(self.app.take_up(no), exclusive=True, group="take_up")  # type: ignore[attr-defined]

    # --- acting on the case under the cursor -------------------------------------------------------------------

    def shown_case(self, line: CaseLine) -> Case:
        """The case as the list shows it: its version is the one the clerk saw, so a later change is a CONFLICT."""
        return replace(self.desk.case(line.no), version=line.version)

    def action_accept(self) -> None:
        """Accept the highlighted hand-off with one key: the case becomes mine (HO-3)."""
        line = self.line_under_cursor()
        if line is None:
            return
        try:
            self.desk.accept_handoff(line.no, self.clerk.code, expect=line.version)
        except (RuleError, StoreError) as refused:
            self.say(refused.message(), error=True)
        else:
            self.say()
            self.notify(t("follow.accepted", no=line.no))
        self.reread()

    def action_open(self, name: str) -> None:
        line = self.line_under_cursor()
        if line is None:
            return
        try:
            case = self.shown_case(line)
        except RuleError as refused:
            self.say(refused.message(), error=True)
            return
        self.say()
        self.app.push_screen(case_actions.dialog(name, self.desk, self.clerk, case), self.done(DESK_ACTION[name]))

    def done(self, action: str) -> Callable[[Case | None], None]:
        def after(case: Case | None) -> None:
            if case is not None:
                self.notify(t("follow.done", no=case.no, action=t(f"action.{action}")))
            self.reread()

        return after

    def action_bad_ratings(self) -> None:
        """My bad ratings of the last month and their appeals (差评申诉, RATE-6), on their own screen; the cursor
        starts on the bad rating of the case under the cursor here, when it has one."""
        from firstask.screens.bad_ratings import BadRatingsScreen

        line = self.line_under_cursor()
        self.app.push_screen(BadRatingsScreen(self.desk, self.clerk, on_case=line.no if line else None))

    def action_presence(self) -> None:
        """Mark me absent (my hand-offs and cases go to my backup) or back (AB角)."""
        me = self.staff.get(self.clerk.code, self.clerk)
        try:
            self.desk.set_absent(me.code, not me.absent, by=me.code)
        except (RuleError, StoreError) as refused:
            self.say(refused.message(), error=True)
            return
        self.say()
        self.notify(
            t(
                "follow.presence.now_away" if not me.absent else "follow.presence.now_back",
                backup=self.name_of(me.backup),
            )
        )
        self.reread()

    def action_history(self) -> None:
        no = self.case_under_cursor()
        if no is not None:
            self.open_history(no)

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_history()
