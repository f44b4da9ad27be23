"""The daily summary (SPEC §9), a supervisor's screen: every figure of one day, today by default.

Keys: `[` / `]` (or ← / →, p / n) the previous and next day, `t` today, `g` any date typed in. The day's work is a
list of figures; channels, kinds, ratings and violations by rule are drawn as bars; the last 30 days' received,
resolved and overdue as a chart; the per-staff table sorts by any column (`s` moves the sort to the next column,
`S` reverses it, or click a header). Enter on any number lists the cases behind it (`SummaryCasesScreen`), and Enter
on a case there opens its full history. The app checks that the user is a supervisor before it shows this screen.

A day step reads what is not kept (`SummaryBook`: nothing twice while nothing is written) and draws what changed: a
re-read that changes nothing draws nothing. `warm` reads ahead what the first F9 after log-in would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from firstask.desk import Desk
from firstask.desk.oversight import Entry, SummaryBook
from firstask.i18n import t
from firstask.report import percent as rounded_percent
from firstask.rules import CHANNELS, KINDS, Staff
from firstask.screens.desk_screen import DeskScreen
from firstask.screens.ranking import RankingScreen, channels_text
from firstask.screens.summary_cases import SummaryCasesScreen
from firstask.store import StoreError
from firstask.widgets.bars import bar, spark
from firstask.widgets.case_table import CaseTable
from firstask.widgets.cells import CELL_PADDING, cut
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.naming import staff_name, weekday
from firstask.widgets.table_fill import fill
from firstask.widgets.title_bar import TitleBar

TREND_DAYS = 30

# The day's work, in the order a supervisor reads it: (figure path for the drill-down, label key).
FIGURES = (
    ("received", "received"),
    ("answered_on_spot", "answered_on_spot"),
    ("notices", "notices"),
    ("second_notices", "second_notices"),
    ("accepted", "accepted"),
    ("referred", "referred"),
    ("rejected", "rejected"),
    ("resolved", "resolved"),
    ("handoffs/made", "handoffs_made"),
    ("handoffs/accepted", "handoffs_accepted"),
    ("handoffs/pending", "handoffs_pending"),
    ("handoffs/declined", "handoffs_declined"),
    ("", "handoff_minutes"),  # a time, not a count: nothing to drill into
    ("open", "open"),
    ("overdue", "overdue"),
    ("due_tomorrow", "due_tomorrow"),
    ("bad_ratings", "bad_ratings"),
    ("violations", "violations"),
)
TREND = (("received", "cyan"), ("resolved", "green"), ("overdue", "red"))
STAFF_COLUMNS = ("code", "name", "received", "owned", "resolved", "on_time", "response", "violations")
STAFF_KEYS = {"on_time": "on_time_rate", "response": "median_first_response_minutes"}
TEXT_COLUMNS = ("code", "name")  # sorted A→Z first; numbers largest first
STAFF_FIGURE = {
    "received": "received",
    "owned": "owned",
    "resolved": "resolved",
    "on_time": "on_time",
    "response": "responded",
    "violations": "violations",
}
RATING_STYLE = {5: "green", 4: "green", 3: "yellow", 2: "red", 1: "bold red"}


def percent(rate: float | None) -> str:
    """A rate as the reports print it (`report.percent`: half up from the exact fraction, 13/16 is 81.3 %)."""
    return t("summary.none") if rate is None else t("summary.rate", value=str(rounded_percent(rate)))


def warm(desk: Desk) -> None:
    """What a supervisor's first F9 would otherwise pay for, done now: the app calls this once, in idle time after
    a supervisor logs in. It writes nothing, and may run on a worker thread with a desk of its own on the same file
    (the app's background one): it only reads, and the days it keeps stand on the file's history, not on a
    connection. This module and what it imports are loaded by importing it; then the trend's 29 days before today
    (45 ms at a million cases) are read and kept for every desk on the file (`Desk.trend_days`), and today's figures
    read once, so that the pages they stand on are in memory (the screen reads them again: they move with writes)."""
    today = desk.now().date()
    try:
        desk.trend_days([today - timedelta(days=n) for n in range(1, TREND_DAYS)])
        desk.summary(today)
    except (StoreError, sqlite3.Error):
        pass  # the file busy for a moment: the first F9 reads it then


def title_cells() -> int:
    """The day line's title as wide as its widest (any weekday, today): a step to another day changes its words,
    never its size, so the screen is not laid out again for it."""
    week = [date(2026, 1, 5) + timedelta(days=n) for n in range(7)]
    widest_day = max(cell_len(t("summary.title", day=day.isoformat(), weekday=weekday(day))) for day in week)
    return widest_day + cell_len(t("summary.today"))


def widest(text: Text) -> int:
    """The cells a Text's longest line takes (what a DataTable measures a cell by)."""
    return max(cell_len(line) for line in text.plain.split("\n"))


def staff_cells(row: dict[str, Any]) -> list[Text]:
    """A staff member's row: code, name, what they received, own and resolved, on time, response, violations."""
    response = row["median_first_response_minutes"]
    minutes = t("summary.none") if response is None else t("summary.minutes", value=response)
    return [
        Text(row["code"]),
        Text(row["name"]),
        *(Text(str(row[c]), justify="right") for c in ("received", "owned", "resolved")),
        Text(percent(row["on_time_rate"]), justify="right"),
        Text(minutes, justify="right"),
        Text(str(row["violations"]), justify="right", style="bold red" if row["violations"] else ""),
    ]


def rule_label(rule: str) -> str:
    """A violated rule by id and short name (the id alone for a rule the catalogue does not name)."""
    key = f"summary.rule.{rule}"
    name = t(key)
    return rule if name == key else f"{rule} {name}"


class SummaryScreen(DeskScreen):
    CSS_PATH = "summary.tcss"
    AUTO_FOCUS = "#figures"
    BINDINGS = [
        Binding(
            "left_square_bracket",
            "day(-1)",
            "summary.key.previous",
            id="previous",
            tooltip="summary.key.previous_tip",
            key_display="[",
        ),
        Binding(
            "right_square_bracket",
            "day(1)",
            "summary.key.next",
            id="next",
            tooltip="summary.key.next_tip",
            key_display="]",
        ),
        Binding("p", "day(-1)", "summary.key.previous", show=False),
        Binding("n", "day(1)", "summary.key.next", show=False),
        # ← / → beat the tables' own scrolling, except in the date field and the staff table (a cell cursor).
        Binding("left", "arrow(-1)", "summary.key.previous", show=False, priority=True),
        Binding("right", "arrow(1)", "summary.key.next", show=False, priority=True),
        Binding("t", "today", "summary.key.today", id="today", tooltip="summary.key.today_tip"),
        Binding("g", "goto", "summary.key.goto", id="goto", tooltip="summary.key.goto_tip"),
        Binding("enter", "drill", "summary.key.drill", id="drill", tooltip="summary.key.drill_tip", priority=True),
        Binding("s", "sort", "summary.key.sort", id="sort", tooltip="summary.key.sort_tip"),
        Binding("S", "reverse", "summary.key.reverse", id="reverse", tooltip="summary.key.reverse_tip", show=False),
        Binding("m", "ranking", "ranking.key.open", id="ranking", tooltip="ranking.key.open_tip"),
        Binding("escape", "cancel", "summary.key.cancel", id="cancel", tooltip="summary.key.cancel_tip"),
    ]

    def __init__(self, desk: Desk, supervisor: Staff, day: date | None = None) -> None:
        super().__init__(desk)
        self.supervisor = supervisor
        self.day = day or desk.now().date()
        self.book = SummaryBook(desk)  # what was read, kept while it stands
        self.figures: dict[str, Any] = {}
        self.trend: list[Entry] = []
        self.ticket = 0
        self.ahead = 0  # the latest read ahead asked for: an older one not yet begun is not read
        self.sort_column = "code"
        self.sort_reverse = False
        # What the widgets show, to leave alone those that would be drawn the same.
        self.shown: tuple[Any, ...] | None = None
        self.staff_shown: Any = None
        self.texts: dict[str, tuple[Any, ...]] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="dayline"):
            yield Static(id="title")
            yield Input(id="goto", placeholder=t("summary.goto_placeholder"))
        yield Static(id="message")
        with Horizontal(id="top"):
            with Vertical(id="figures-pane", classes="pane") as pane:
                pane.border_title = t("summary.pane.figures")
                yield CaseTable(id="figures", cursor_type="row", show_header=False)
            with Vertical(id="mix-pane", classes="pane") as pane:
                pane.border_title = t("summary.pane.mix")
                yield Static(Text(t("summary.pane.channels")), classes="subtitle")
                yield CaseTable(id="channels", cursor_type="row", show_header=False, classes="bars")
                yield Static(Text(t("summary.pane.kinds")), classes="subtitle")
                yield CaseTable(id="kinds", cursor_type="row", show_header=False, classes="bars")
            with Vertical(id="ratings-pane", classes="pane") as pane:
                pane.border_title = t("summary.pane.ratings_violations")
                yield Static(Text(t("summary.pane.ratings")), classes="subtitle")
                yield CaseTable(id="ratings", cursor_type="row", show_header=False, classes="bars")
                yield Static(id="satisfaction", classes="note")
                yield Static(id="rating-channels", classes="note")
                yield Static(Text(t("summary.pane.violations")), classes="subtitle")
                yield CaseTable(id="violations", cursor_type="row", show_header=False, classes="bars")
                yield Static(id="violations-note", classes="note")
        with Vertical(id="trend-pane", classes="pane"):
            yield Static(id="trend")
        with Vertical(id="staff-pane", classes="pane") as pane:
            pane.border_title = t("summary.pane.staff")
            yield CaseTable(id="staff", cursor_type="cell", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#title", Static).styles.width = title_cells()
        self.reread()

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.show)

    def stale(self) -> bool:
        """Today's figures move with the file (a past day's cannot)."""
        return self.day == self.desk.now().date()

    def desk_changed(self) -> None:
        """Another window wrote: today's figures (and today's point of the trend) are read off the UI thread and
        shown when read, unless the supervisor has moved or read again meanwhile. A past day's stand."""
        if not self.stale() or not self.is_mounted or not self.book.moved():
            return
        self.ticket += 1
        ticket, day, mark = self.ticket, self.day, self.book.mark

        def read(desk: Desk) -> tuple[dict[str, Any], list[Entry]]:
            return desk.summary(day), desk.trend(day, 1)

        def done(result: tuple[dict[str, Any], list[Entry]]) -> None:
            if ticket != self.ticket or day != self.day or not self.is_mounted:
                return
            self.figures, today = result
            self.book.take(mark, {day: self.figures}, {day: today[0]})
            if self.trend and self.trend[-1]["day"] == day.isoformat():
                self.trend = [*self.trend[:-1], *today]
            self.show()

        self.app.behind.run(read, done)  # type: ignore[attr-defined]

    # --- reading and showing the day --------------------------------------------------------------------------

    def reread(self) -> None:
        """The day's figures and the trend up to it, read where not kept, and shown where changed."""
        self.ticket += 1  # a background read given before this one is older: it is not shown
        self.figures = self.book.summary(self.day)
        self.trend = self.book.trend(self.day, TREND_DAYS)
        self.show()
        self.call_after_refresh(self.read_ahead)

    def read_ahead(self) -> None:
        """The days a step would show next, read off the UI thread once this one is drawn, for the step to find
        kept (`SummaryBook.ahead`); kept only if nothing was written meanwhile (`SummaryBook.take`)."""
        behind = getattr(self.app, "behind", None)
        if behind is None or not self.is_mounted:
            return
        days, gained = self.book.ahead(self.day, TREND_DAYS)
        if not days and not gained:
            return
        self.ahead += 1
        ahead, mark = self.ahead, self.book.mark

        def read(desk: Desk) -> tuple[dict[date, Any], dict[date, Entry]] | None:
            if ahead != self.ahead:
                return None  # the supervisor has moved on: other days are wanted now
            return {d: desk.summary(d) for d in days}, desk.trend_days(gained)

        def done(result: tuple[dict[date, Any], dict[date, Entry]] | None) -> None:
            if result is not None and self.is_mounted:
                self.book.take(mark, *result)

        behind.run(read, done)

    def show(self) -> None:
        if not self.figures:
            return
        today = self.desk.now().date()
        room = [self.size, self.query_one("#trend").size, *(pane.content_region for pane in self.query(".pane"))]
        shown = (self.day, today, self.figures, self.trend, room)
        if shown == self.shown:
            return  # the same figures fitted to the same room: nothing to draw again
        self.shown = shown
        title = Text(t("summary.title", day=self.day.isoformat(), weekday=weekday(self.day)), style="bold")
        if self.day == today:
            title.append(t("summary.today"), style="bold green")
        self.update_text("#title", title)
        self.show_figures()
        self.show_bars()
        self.show_trend()
        self.show_staff()

    def update_text(self, selector: str, text: Text) -> None:
        """A one-line or fixed-size Static shown with `text`, unless it shows that already (its size cannot
        change with its words: the screen is not laid out again)."""
        seen = (text.plain, str(text.style), text.spans, text.justify)  # rich's == leaves out style and justify
        if self.texts.get(selector) != seen:
            self.texts[selector] = seen
            self.query_one(selector, Static).update(text, layout=False)

    def show_figures(self) -> None:
        s = self.figures
        handoffs = s["handoffs"]
        remedied = sum(1 for b in s["bad_ratings"] if b["remedied_at"])
        minutes = handoffs["median_minutes_to_accept"]
        values: dict[str, tuple[int | None, str]] = {
            "received": (s["received"], ""),
            "answered_on_spot": (s["answered_on_spot"], percent(s["on_spot_rate"])),
            "notices": (s["notices"], ""),
            "second_notices": (s["second_notices"], ""),
            "accepted": (s["accepted"], ""),
            "referred": (s["referred"], ""),
            "rejected": (s["rejected"], ""),
            "resolved": (s["resolved"], ""),
            "handoffs/made": (handoffs["made"], ""),
            "handoffs/accepted": (handoffs["accepted"], ""),
            "handoffs/pending": (handoffs["pending"], ""),
            "handoffs/declined": (handoffs["declined"], ""),
            "": (None, t("summary.none") if minutes is None else t("summary.minutes", value=minutes)),
            "open": (s["open"], ""),
            "overdue": (len(s["overdue"]), ""),
            "due_tomorrow": (len(s["due_tomorrow"]), s["next_working_day"][5:]),
            "bad_ratings": (
                len(s["bad_ratings"]),
                t("summary.figure.remedied", count=remedied) if s["bad_ratings"] else "",
            ),
            "violations": (s["violations"]["total"], ""),  # its open reviews: under the rules' bars
        }
        rows = []
        for path, label in FIGURES:
            number, note = values[path]
            words = t(f"summary.figure.{label}")
            alarm = path in ("overdue", "bad_ratings", "violations", "second_notices") and bool(number)
            rows.append(
                (
                    path or "-",
                    Text(words),
                    Text("" if number is None else str(number), style="bold red" if alarm else "bold"),
                    Text(note, style="dim"),
                )
            )
        table = self.query_one("#figures", DataTable)
        width = self.inner_width(table)
        # The labels whole where they fit, the numbers always; the notes take what is left.
        number_cells = max(row[2].cell_len for row in rows)
        label_cells = min(max(row[1].cell_len for row in rows), width - number_cells - 3 * CELL_PADDING - 6)
        note_cells = max(1, width - label_cells - number_cells - 3 * CELL_PADDING)
        kept = self.cursor_key(table)
        columns = [("label", Text("label"), label_cells), ("number", Text("number"), number_cells)]
        cells = []
        for key, label_text, number_text, note_text in rows:
            number_text.justify = "right"
            note_cell = Text(cut(note_text.plain, note_cells), style=note_text.style)
            cells.append((key, [Text(cut(label_text.plain, label_cells)), number_text, note_cell]))
        if fill(table, [*columns, ("note", Text("note"), note_cells)], cells):
            self.restore_cursor(table, kept)

    def show_bars(self) -> None:
        s = self.figures
        channels = [(f"by_channel/{c}", t(f"channel.{c}"), s["by_channel"].get(c, 0), "cyan") for c in CHANNELS]
        kinds = [(f"by_kind/{k}", t(f"kind.{k}"), s["by_kind"].get(k, 0), "cyan") for k in KINDS]
        ratings = [
            (f"ratings/{level}", t(f"follow.rate.levels.{level}"), s["ratings"].get(str(level), 0), RATING_STYLE[level])
            for level in range(5, 0, -1)
        ]
        rules = [(f"violations/{rule}", rule_label(rule), n, "red") for rule, n in s["violations"]["by_rule"].items()]
        self.fill_bars("channels", channels)
        self.fill_bars("kinds", kinds)
        self.fill_bars("ratings", ratings)
        self.fill_bars("violations", rules)
        rated = sum(s["ratings"].values())
        satisfied = sum(s["ratings"][k] for k in ("3", "4", "5"))
        self.update_text(
            "#satisfaction",
            Text(t("summary.satisfaction", rate=percent(s["satisfaction_rate"]), satisfied=satisfied, rated=rated))
            if rated
            else Text(t("summary.no_ratings"), style="dim"),
        )
        self.update_text("#rating-channels", channels_text(s) if rated else Text(""))
        v = s["violations"]
        self.query_one("#violations", DataTable).display = bool(rules)  # the same again is no change
        open_reviews = Text(
            t("summary.open_reviews", count=v["open_reviews"]), style="bold" if v["open_reviews"] else "dim"
        )
        self.update_text("#violations-note", open_reviews if rules else Text(t("summary.no_violations"), style="dim"))

    def fill_bars(self, table_id: str, rows: Sequence[tuple[str, str, int, str]]) -> None:
        """A table of labelled numbers, each with a bar scaled to the largest of the table."""
        table = self.query_one(f"#{table_id}", DataTable)
        width = self.inner_width(table)
        number_cells = max([1] + [len(str(n)) for _, _, n, _ in rows])
        bar_least = 6  # a bar keeps this many cells; a label longer than the rest is cut
        label_cells = min(
            max([1] + [cell_len(words) for _, words, _, _ in rows]),
            max(4, width - number_cells - 3 * CELL_PADDING - bar_least),
        )
        bar_cells = max(1, width - label_cells - number_cells - 3 * CELL_PADDING)
        most = max([0] + [n for _, _, n, _ in rows])
        kept = self.cursor_key(table)
        columns = [("label", Text("label"), label_cells), ("number", Text("number"), number_cells)]
        cells = [
            (
                key,
                [
                    Text(cut(words, label_cells)),
                    Text(str(n), justify="right", style="bold"),
                    bar(n, most, bar_cells, style),
                ],
            )
            for key, words, n, style in rows
        ]
        if fill(table, [*columns, ("bar", Text("bar"), bar_cells)], cells):
            self.restore_cursor(table, kept)

    def show_trend(self) -> None:
        trend = self.trend
        pane = self.query_one("#trend-pane", Vertical)
        if trend:
            words = t("summary.pane.trend", days=len(trend), first=trend[0]["day"], last=trend[-1]["day"])
            if pane.border_title != words:
                pane.border_title = words
        width = (pane.content_region.width or self.size.width - 4) - 1
        room = self.query_one("#trend", Static).size.height
        rows = max(1, (room - 1) // len(TREND))  # the charts grow with the screen, under them the date axis
        gap = rows >= 3  # tall charts get a blank line between them
        if gap:
            rows = (room - 1 - (len(TREND) - 1)) // len(TREND)
        labels = {name: t(f"summary.trend.{name}") for name, _ in TREND}
        label_cells = max(cell_len(words) for words in labels.values()) + 1
        tails = {
            name: t("summary.trend.day", value=trend[-1][name] if trend else 0)
            + "  "
            + t("summary.trend.max", value=max([0] + [d[name] for d in trend]))
            for name, _ in TREND
        }
        tail_cells = max(cell_len(words) for words in tails.values()) + 1
        cells = max(TREND_DAYS // 3, width - label_cells - tail_cells)
        self.update_text("#trend", self.trend_text(trend, labels, tails, label_cells, cells, rows, gap=gap))

    def trend_text(
        self,
        trend: Sequence[dict[str, Any]],
        labels: dict[str, str],
        tails: dict[str, str],
        label_cells: int,
        cells: int,
        rows: int,
        *,
        gap: bool = False,
    ) -> Text:
        """Three charts, `rows` lines high each (a blank line between them when `gap`), a date axis under them."""
        out = Text(no_wrap=True, overflow="crop")
        for n, (name, style) in enumerate(TREND):
            if gap and n:
                out.append("\n")
            for row, line in enumerate(spark([d[name] for d in trend], cells, rows, style)):
                last = row == rows - 1
                label = Text(labels[name] if last else "", style=f"bold {style}")
                label.pad_right(label_cells - label.cell_len)
                out.append_text(label)
                out.append_text(line)
                if last:
                    out.append(" " + tails[name], style="dim")
                out.append("\n")
        if trend:
            first, last_day = trend[0]["day"][5:], trend[-1]["day"][5:]
            axis = Text(" " * label_cells + first, style="dim")
            axis.append(" " * max(1, cells - cell_len(first) - cell_len(last_day)) + last_day, style="dim")
            out.append_text(axis)
        return out

    def show_staff(self) -> None:
        # A past day's summary names only who was on the roster then; name them as the roster does now.
        roster = self.book.roster
        rows = [
            {**r, "name": roster[r["code"]].name} if r["code"] in roster and r["name"] == r["code"] else r
            for r in self.figures["staff"]
        ]

        def value(row: dict[str, Any], column: str) -> Any:
            return row[STAFF_KEYS.get(column, column)]

        known = [r for r in rows if value(r, self.sort_column) is not None]
        unknown = [r for r in rows if value(r, self.sort_column) is None]
        largest_first = self.sort_column not in TEXT_COLUMNS
        known.sort(key=lambda r: (value(r, self.sort_column), r["code"]), reverse=largest_first != self.sort_reverse)
        table = self.query_one("#staff", DataTable)
        shown = (self.sort_column, self.sort_reverse, [sorted(r.items()) for r in known + unknown])
        if shown == self.staff_shown:
            return  # the same rows in the same order: nothing to draw again
        self.staff_shown = shown
        arrow = " ▼" if largest_first != self.sort_reverse else " ▲"
        headers = [
            Text(t(f"summary.col.{c}") + arrow, style="bold") if c == self.sort_column else Text(t(f"summary.col.{c}"))
            for c in STAFF_COLUMNS
        ]
        cells = [(row["code"], staff_cells(row)) for row in known + unknown]
        # Each column as wide as its header or widest cell, as the table would measure them itself: a day whose rows
        # are those of the day shown (the same staff in the same order) has only its changed cells drawn again.
        widths = [max([widest(header), *(widest(row[n]) for _, row in cells)]) for n, header in enumerate(headers)]
        columns = list(zip(STAFF_COLUMNS, headers, widths, strict=True))
        kept = table.cursor_coordinate if table.row_count else None
        if fill(table, columns, cells) and kept is not None and table.row_count:
            table.cursor_coordinate = kept

    def staff_order(self) -> list[str]:
        """The staff codes in the order the table shows them."""
        table = self.query_one("#staff", DataTable)
        return [str(key.value) for key in table.rows]

    def inner_width(self, table: DataTable[Any]) -> int:
        """The cells a table may use: its pane's width inside border and padding, less a scrollbar."""
        parent = table.parent
        width = parent.content_region.width if isinstance(parent, Vertical) else 0
        return max(20, (width or self.size.width // 3 - 4) - 1)

    @staticmethod
    def cursor_key(table: DataTable[Any]) -> str | None:
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @staticmethod
    def restore_cursor(table: DataTable[Any], key: str | None) -> None:
        if key is not None and key in {k.value for k in table.rows}:
            table.move_cursor(row=table.get_row_index(key))

    # --- moving between days ------------------------------------------------------------------------------------

    def go(self, day: date) -> bool:
        today = self.desk.now().date()
        if day > today:
            self.say(t("summary.too_late", today=today.isoformat()), error=True)
            return False
        if self.query_one("#message", Static).display:  # an empty line hidden already is not laid out again
            self.say()
        self.day = day
        self.reread()
        return True

    def action_day(self, step: int) -> None:
        self.go(self.day + timedelta(days=step))

    def action_today(self) -> None:
        self.go(self.desk.now().date())

    def action_goto(self) -> None:
        field = self.query_one("#goto", Input)
        field.value = ""
        field.display = True
        self.query_one("#title", Static).styles.width = "auto"  # the field right after the title's words
        field.focus()
        self.refresh_bindings()

    def action_cancel(self) -> None:
        self.close_goto()

    def close_goto(self) -> None:
        field = self.query_one("#goto", Input)
        field.display = False
        self.query_one("#title", Static).styles.width = title_cells()
        self.query_one("#figures", DataTable).focus()
        self.refresh_bindings()

    @on(Input.Submitted, "#goto")
    def typed_date(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        try:
            day = parse_day(text, self.day)
        except ValueError:
            self.say(t("summary.bad_date", text=text), error=True)
            return
        if self.go(day):
            self.close_goto()

    def action_arrow(self, step: int) -> None:
        self.action_day(step)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = self.is_mounted and self.query_one("#goto", Input).display
        if action == "cancel":
            return typing
        if typing and action in ("day", "arrow", "today", "goto", "drill", "sort", "reverse"):
            return False
        if action == "arrow":  # the staff table moves its cell cursor with them
            focused = self.focused
            return not (isinstance(focused, DataTable) and focused.id == "staff")
        return True

    # --- sorting the staff table ----------------------------------------------------------------------------------

    def action_sort(self) -> None:
        at = STAFF_COLUMNS.index(self.sort_column)
        self.sort_by(STAFF_COLUMNS[(at + 1) % len(STAFF_COLUMNS)])

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.show_staff()

    def sort_by(self, column: str) -> None:
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self.show_staff()

    @on(DataTable.HeaderSelected, "#staff")
    def header_clicked(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    # --- from a number to its cases ----------------------------------------------------------------------------

    def action_ranking(self) -> None:
        self.app.push_screen(RankingScreen(self.desk, self.day))  # the month's ranking (好差评), of the day's month

    def action_drill(self) -> None:
        table = self.focused
        if not isinstance(table, DataTable) or not table.row_count:
            return
        if table.id == "staff":
            cell = table.coordinate_to_cell_key(table.cursor_coordinate)
            self.drill_staff(str(cell.row_key.value), str(cell.column_key.value))
        else:
            self.drill(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value), table)

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.drill(str(event.row_key.value), event.data_table)

    @on(DataTable.CellSelected, "#staff")
    def cell_chosen(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.drill_staff(str(event.cell_key.row_key.value), str(event.cell_key.column_key.value))

    def drill(self, path: str, table: DataTable[Any]) -> None:
        if path == "-":
            self.say(t("summary.not_a_number"), error=True)
            return
        self.say()
        label = table.get_row(path)[0]
        self.open_cases(path, label.plain if isinstance(label, Text) else str(label))

    def drill_staff(self, code: str, column: str) -> None:
        if column not in STAFF_FIGURE:
            self.say(t("summary.not_a_number"), error=True)
            return
        self.say()
        name = staff_name(code, self.desk.staff())
        self.open_cases(f"staff/{code}/{STAFF_FIGURE[column]}", f"{name} · {t(f'summary.col.{column}')}")

    def open_cases(self, path: str, label: str) -> None:
        self.app.push_screen(SummaryCasesScreen(self.desk, self.day, path, label))


def parse_day(text: str, near: date) -> date:
    """A typed date: 2026-03-13, 2026/3/13, 20260313, or 3-13 (in `near`'s year). ValueError otherwise."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    if cleaned.isdigit() and len(cleaned) == 8:
        return date(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:]))
    parts = cleaned.split("-")
    if len(parts) == 2:
        parts = [str(near.year), *parts]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))
