"""The district's day (issue 21), a district supervisor's screen: every centre of the district's database side by side
for a day, or for a month (`m`) — received, answered on the spot, resolved, open, overdue, satisfaction, bad ratings
and how many were rectified, violations — ranked as `report --district` ranks them, the district's total last.

`[` / `]` (or ← / →) step a day or a month, `t` comes back to today, `r` reads again. Enter on a centre opens that
centre's own daily summary (`CentreSummaryScreen`: the same screen its supervisor has, read as the district — its
figures, trend, staff and ranking, never its visitors' cases); Esc comes back. `firstask --db postgresql://… district
[--read-replica …]` opens it: the database's role is the district's, no desk log-in.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from firstask import i18n
from firstask.desk import Desk
from firstask.district import District
from firstask.export.district import centre_label
from firstask.export.tables import shown
from firstask.i18n import t
from firstask.rules import Staff
from firstask.screens.ranking import month_after
from firstask.screens.summary import SummaryScreen
from firstask.store import StoreError
from firstask.widgets.cells import CELL_PADDING
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.title_bar import TitleBar

# What the screen shows of a centre's line (the report has all of them): (key, kind).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "count"),
    ("centre", "text"),
    ("received", "count"),
    ("on_spot_rate", "rate"),
    ("resolved", "count"),
    ("open", "count"),
    ("overdue", "count"),
    ("satisfaction_rate", "rate"),
    ("bad_ratings", "bad"),
    ("violations", "count"),
)
TOTAL = "-"  # the row key of the district's own line
# Dropped when the terminal is narrow (80 columns), first to last: what the day's overdue and satisfaction outrank.
NARROW_DROPS = ("open", "resolved", "on_spot_rate")
CENTRE_AT_LEAST = 12  # the centre's code and the start of its name
FRAME = 3  # the screen's edge and the table's scrollbar


def cell(line: dict[str, Any], key: str, kind: str) -> Text:
    if key == "centre":
        return Text(centre_label(line) if "centre" in line else t("district.total"))
    if kind == "bad":  # bad ratings: rectified of all
        words = t("district.screen.rectified_of", rectified=line["bad_rectified"], bad=line["bad_ratings"])
        return Text(words, justify="right", style="red" if line["bad_rectified"] < line["bad_ratings"] else "")
    value = line.get(key)
    return Text(shown(value, kind), justify="right", style="bold red" if key == "overdue" and value else "")


class DistrictScreen(Screen[None]):
    CSS_PATH = "district.tcss"
    BINDINGS = [
        Binding("[", "step(-1)", "district.key.previous", id="previous", tooltip="district.key.previous_tip"),
        Binding("]", "step(1)", "district.key.next", id="next", tooltip="district.key.next_tip"),
        Binding("left", "step(-1)", "district.key.previous", show=False, priority=True),
        Binding("right", "step(1)", "district.key.next", show=False, priority=True),
        Binding("m", "month", "district.key.month", id="month", tooltip="district.key.month_tip"),
        Binding("t", "today", "district.key.today", id="today", tooltip="district.key.today_tip"),
        Binding("r", "reread", "district.key.reread", id="reread", tooltip="district.key.reread_tip"),
        Binding("enter", "look", "district.key.look", id="look", tooltip="district.key.look_tip", priority=True),
        Binding("q", "app.quit", "district.key.quit", id="quit", tooltip="district.key.quit_tip"),
    ]

    def __init__(self, district: District) -> None:
        super().__init__()
        self.district = district
        self.day = district.today()
        self.by_month = False
        self.figures: dict[str, Any] = {}
        localise(self)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="period")
        yield Static(id="message")
        yield DataTable(id="centres", cursor_type="row", zebra_stripes=True)
        yield Static(id="note")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = t("district.screen.title")
        self.sub_title = self.district.store.shown()
        self.action_reread()

    def say(self, text: str = "", *, error: bool = False) -> None:
        line = self.query_one("#message", Static)
        line.update(Text(text))
        line.set_class(error, "error")
        line.display = bool(text)

    def action_reread(self) -> None:
        try:
            if self.by_month:
                self.figures = self.district.month(self.day.strftime("%Y-%m"))
            else:
                self.figures = self.district.summary(self.day)
        except StoreError as e:
            self.say(str(e), error=True)
            return
        self.say()
        self.show()

    def show(self) -> None:
        f = self.figures
        period = f["month"] if f["month"] else f["day"]
        if self.by_month and f["to"] == self.district.today().isoformat():  # a month still running
            period = t("district.screen.month_to", month=f["month"], last=f["to"])
        title = Text(t("district.title", period=period), style="bold")
        if self.day == self.district.today():
            title.append(t("district.screen.today"), style="bold green")
        self.query_one("#period", Static).update(title)
        table = self.query_one("#centres", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        lines = [*f["centres"], f["district"]]
        # Widths given, not left to the table (columns made again after a clear kept their first width); the
        # least needed columns dropped while the rest would not fit.
        widths = {
            key: max(cell_len(t(f"district.col.{key}")), *(cell(line, key, kind).cell_len for line in lines))
            for key, kind in COLUMNS
        }
        columns = list(COLUMNS)

        def over() -> int:
            return sum(widths[key] + CELL_PADDING for key, _ in columns) + FRAME - self.size.width

        for dropped in NARROW_DROPS:
            if over() <= 0:
                break
            columns = [(key, kind) for key, kind in columns if key != dropped]
        # Still too wide: the centres' names are cut short before the figures go.
        widths["centre"] = max(CENTRE_AT_LEAST, widths["centre"] - max(0, over()))
        for key, _ in columns:
            table.add_column(t(f"district.col.{key}"), key=key, width=widths[key])
        for line in lines:
            table.add_row(*(cell(line, key, kind) for key, kind in columns), key=line.get("centre", TOTAL))
        table.move_cursor(row=min(row, table.row_count - 1))
        self.query_one("#note", Static).update(Text(t("district.ranked_by"), style="dim"))
        table.focus()

    def on_resize(self) -> None:
        if self.figures:
            self.show()

    def action_step(self, step: int) -> None:
        if self.by_month:
            day = month_after(self.day.replace(day=1), step)
        else:
            day = self.day + timedelta(days=step)
        today = self.district.today()
        if day > today:
            self.say(t("district.screen.no_future"), error=True)
            return
        self.day = day
        self.action_reread()

    def action_month(self) -> None:
        self.by_month = not self.by_month
        self.action_reread()

    def action_today(self) -> None:
        self.day = self.district.today()
        self.action_reread()

    def action_look(self) -> None:
        table = self.query_one("#centres", DataTable)
        if not table.row_count:
            return
        code = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.look(code)

    @on(DataTable.RowSelected, "#centres")
    def chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.look(str(event.row_key.value))

    def look(self, code: str) -> None:
        if code == TOTAL:
            self.say(t("district.screen.total_is_no_centre"), error=True)
            return
        try:
            desk = self.district.centre(code)
        except StoreError as e:
            self.say(str(e), error=True)
            return
        self.say()
        # By month: the month's last day read (today, while it runs), whose trend shows the month
        self.app.push_screen(CentreSummaryScreen(desk, code, date.fromisoformat(self.figures["to"])))


class CentreSummaryScreen(SummaryScreen):
    """One centre's daily summary as the district reads it: the centre's own screen, its cases' list left out (the
    district reads figures, never visitors). Esc comes back to the centres side by side."""

    def __init__(self, desk: Desk, code: str, day: date) -> None:
        super().__init__(desk, Staff(code="district", name=t("district.screen.viewer"), role="supervisor"), day)
        self.code = code

    def on_mount(self) -> None:
        super().on_mount()
        name = self.desk.policy.centre_name
        self.title = t("district.screen.centre_title", centre=f"{self.code} {name}".strip())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":  # Esc: out of the date field, else back to the centres
            return True
        return super().check_action(action, parameters)

    def action_cancel(self) -> None:
        if self.query_one("#goto", Input).display:
            self.close_goto()
        else:
            self.app.pop_screen()

    def open_cases(self, path: str, label: str) -> None:
        self.say(t("district.screen.no_cases"), error=True)

    def on_unmount(self) -> None:
        self.desk.close()


class DistrictApp(App[None]):
    """`firstask … district`: the district supervisor's screen over a district's database."""

    def __init__(self, district: District, lang: str = "zh") -> None:
        i18n.set_language(lang)
        super().__init__()
        self.district = district
        self.title = t("district.screen.title")

    def on_mount(self) -> None:
        self.push_screen(DistrictScreen(self.district))
