"""The cases behind one number of the daily summary: one row per thing the number counts (a case given two notices
that day shows twice), with when it was counted and where the case stands now. Enter opens a case's full history;
Esc goes back to the summary.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from firstask.calendar import WorkCalendar
from firstask.desk import CaseLine, Desk
from firstask.i18n import t
from firstask.rules import OPEN_STATES, Staff
from firstask.screens.desk_screen import open_history
from firstask.screens.follow_up import due_cell
from firstask.widgets.cells import CELL_PADDING, cut
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.naming import staff_name

COLUMNS = ("no", "at", "status", "owner", "visitor", "summary", "due")
FRAME = 4 + 1  # the frame's border and padding, and the table's scrollbar
SUMMARY_AT_LEAST = 10


class SummaryCasesScreen(ModalScreen[None]):
    CSS_PATH = "summary_cases.tcss"
    AUTO_FOCUS = "#figure-cases"
    BINDINGS = [
        Binding("escape", "close", "summary.key.close", id="close", tooltip="summary.key.close_tip"),
        Binding("q", "close", "summary.key.close", show=False),
        Binding(
            "enter", "history", "summary.key.history", id="history", tooltip="summary.key.history_tip", priority=True
        ),
    ]

    def __init__(self, desk: Desk, day: date, figure: str, label: str) -> None:
        super().__init__()
        self.desk = desk
        self.day = day
        self.figure = figure
        self.label = label
        self.lines: list[tuple[CaseLine, datetime | None]] = []
        self.staff: dict[str, Staff] = {}
        localise(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield DataTable(id="figure-cases", cursor_type="row", zebra_stripes=True)
            yield Static(Text(t("summary.cases.empty")), id="cases-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.lines = self.desk.figure_cases(self.day, self.figure)
        self.staff = self.desk.staff()
        self.query_one("#frame", Vertical).border_title = t(
            "summary.cases.title", figure=self.label, day=self.day.isoformat(), count=len(self.lines)
        )
        self.show()

    def on_resize(self, event: events.Resize) -> None:
        if self.lines:
            self.show()

    def show(self) -> None:
        table = self.query_one("#figure-cases", DataTable)
        self.query_one("#cases-empty", Static).display = not self.lines
        table.display = bool(self.lines)
        today = self.desk.now().date()
        calendar = self.desk.calendar
        rows = []
        for line, at in self.lines:
            when = (
                t("summary.none") if at is None else at.strftime("%H:%M" if at.date() == self.day else "%Y-%m-%d %H:%M")
            )
            visitor = line.visitor_name if line.visitor_name is not None else t("summary.anonymous")
            rows.append(
                {
                    "no": Text(line.no),
                    "at": Text(when),
                    "status": Text(t(f"status.{line.status}")),
                    "owner": Text(staff_name(line.owner, self.staff)),
                    "visitor": Text(visitor),
                    "summary": Text(" ".join(line.summary.split())),
                    "due": self.due(line, today, calendar),
                }
            )
        widths = {c: max([cell_len(t(f"summary.cases.{c}"))] + [r[c].cell_len for r in rows]) for c in COLUMNS}
        room = (self.size.width * 96 // 100) - FRAME - CELL_PADDING * len(COLUMNS)
        widths["visitor"] = min(widths["visitor"], 16)
        widths["summary"] = max(SUMMARY_AT_LEAST, room - sum(w for c, w in widths.items() if c != "summary"))
        kept = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(Text(t(f"summary.cases.{column}")), width=widths[column], key=column)
        for i, row in enumerate(rows):
            cells = {
                **row,
                "visitor": Text(cut(row["visitor"].plain, widths["visitor"])),
                "summary": Text(cut(row["summary"].plain, widths["summary"])),
            }
            table.add_row(*(cells[c] for c in COLUMNS), key=str(i))
        if rows:
            table.move_cursor(row=min(kept, len(rows) - 1))

    @staticmethod
    def due(line: CaseLine, today: date, calendar: WorkCalendar) -> Text:
        """An open case's due date with the time left (or overdue); a finished case's only as a date."""
        if line.status in OPEN_STATES:
            return due_cell(line, today, calendar)
        return Text(line.due.isoformat() if line.due else t("summary.none"), style="dim")

    def case_under_cursor(self) -> str | None:
        table = self.query_one("#figure-cases", DataTable)
        if not table.row_count:
            return None
        return self.lines[table.cursor_row][0].no

    def action_history(self) -> None:
        no = self.case_under_cursor()
        if no is not None:
            open_history(self, self.desk, no)

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_history()

    def action_close(self) -> None:
        self.dismiss(None)
