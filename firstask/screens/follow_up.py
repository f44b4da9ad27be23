"""The follow-up screen: the open cases the logged-in clerk owns, soonest due first, with the time each has left."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from firstask.calendar import WorkCalendar
from firstask.desk import CaseLine, Desk
from firstask.i18n import t
from firstask.rules import Staff

COLUMNS = ("no", "status", "channel", "kind", "matter", "visitor", "summary", "due")
FLEXIBLE = ("matter", "visitor", "summary")  # cut to share the room the other columns leave
FLEXIBLE_CELLS_AT_LEAST = 6
CELL_PADDING = 2  # DataTable pads each cell by one cell on either side
SCROLLBAR = 1  # follow_up.tcss: scrollbar-size-vertical
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cut(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells (a Chinese character takes two), marked "…" where cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1).rstrip() + "…"


def due_cell(line: CaseLine, today: date, calendar: WorkCalendar) -> Text:
    """The due date and the working days left: overdue in red, due today in yellow."""
    if line.due is None:
        return Text(t("app.cases.none"), style="dim")
    day = line.due.isoformat()
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


class FollowUpScreen(Screen[None]):
    CSS_PATH = "follow_up.tcss"
    AUTO_FOCUS = "#cases"
    BINDINGS = [
        Binding("r", "refresh", "app.key.refresh", id="refresh", tooltip="app.key.refresh_tip"),
    ]

    def __init__(self, desk: Desk, clerk: Staff) -> None:
        super().__init__()
        self.desk = desk
        self.clerk = clerk
        self.lines: list[CaseLine] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="whoami")
        yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("app.cases.empty")), id="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.show_cases()

    def action_refresh(self) -> None:
        self.lines = self.desk.my_cases(self.clerk.code)
        self.show_cases()

    def show_cases(self) -> None:
        today = self.desk.now().date()
        self.query_one("#whoami", Static).update(Text(t(
            "app.cases.header", name=self.clerk.name, code=self.clerk.code, today=today.isoformat(),
            weekday=t(f"app.weekday.{WEEKDAYS[today.weekday()]}"), count=len(self.lines))))
        table = self.query_one("#cases", DataTable)
        self.query_one("#empty", Static).display = not self.lines
        table.display = bool(self.lines)
        kept = self.case_under_cursor()
        calendar = self.desk.calendar
        rows = [self.row(line, today, calendar) for line in self.lines]
        widths = self.column_widths(rows)
        table.clear(columns=True)
        for name in COLUMNS:
            table.add_column(Text(t(f"app.cases.col.{name}")), width=widths[name], key=name)
        for line, row in zip(self.lines, rows, strict=True):
            cells = {**row, **{name: Text(cut(row[name].plain, widths[name])) for name in FLEXIBLE}}
            table.add_row(*(cells[name] for name in COLUMNS), key=line.no)
        if kept is not None and kept in {line.no for line in self.lines}:
            table.move_cursor(row=table.get_row_index(kept))

    def row(self, line: CaseLine, today: date, calendar: WorkCalendar) -> dict[str, Text]:
        """The cells of one case, the flexible ones still whole."""
        visitor = line.visitor_name if line.visitor_name is not None else t("app.cases.anonymous")
        return {
            "no": Text(line.no),
            "status": Text(t(f"status.{line.status}")),
            "channel": Text(t(f"channel.{line.channel}")),
            "kind": Text(t(f"kind.{line.kind}")),
            "matter": Text(line.matter_name or t("app.cases.none")),
            "visitor": Text(visitor),
            "summary": Text(" ".join(line.summary.split())),
            "due": due_cell(line, today, calendar),
        }

    def column_widths(self, rows: Sequence[dict[str, Text]]) -> dict[str, int]:
        """Every column as wide as its widest cell, except that matter, visitor and summary share what is left
        of the screen: the summary keeps at least a third of it, the other two are cut to fit the rest."""
        widths = {name: max([cell_len(t(f"app.cases.col.{name}"))] + [row[name].cell_len for row in rows])
                  for name in COLUMNS}
        fixed = sum(widths[name] for name in COLUMNS if name not in FLEXIBLE)
        room = self.size.width - fixed - CELL_PADDING * len(COLUMNS) - SCROLLBAR
        summary_room = max(FLEXIBLE_CELLS_AT_LEAST, room // 3)
        if widths["matter"] + widths["visitor"] > room - summary_room:
            share = max(FLEXIBLE_CELLS_AT_LEAST, (room - summary_room) // 2)
            widths["matter"] = min(widths["matter"], share)
            widths["visitor"] = min(widths["visitor"], max(share, room - summary_room - widths["matter"]))
        widths["summary"] = max(FLEXIBLE_CELLS_AT_LEAST, room - widths["matter"] - widths["visitor"])
        return widths

    def case_under_cursor(self) -> str | None:
        table = self.query_one("#cases", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
