"""The monthly ranking (月度排名通报, SPEC §12), a supervisor's screen over the summary (F9, then m): each window and
each staff member over a month — services, ratings, the share the visitor rated, satisfaction, bad ratings and the
share put right on time, appeals, the on-time rate — ranked; a window last two months running is marked in red and
in words. `[` and `]` (or the arrows) step months; Esc goes back. The same figures as `report --month`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.console import JustifyMethod
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from firstask.desk import Desk
from firstask.export.ranking import COLUMNS, cell
from firstask.export.tables import shown
from firstask.i18n import language, t
from firstask.widgets.cells import CELL_PADDING
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise

# Dropped first when the terminal is narrow (80 columns): the counts behind the rates, then the appeals.
NARROW_DROPS = ("ratings", "rated", "appeals_voided", "appeals_upheld", "services", "on_time_rate")
FRAME = 2 + 2 + 1  # the frame's border and padding, the table's scrollbar (the frame is 98% of the screen)


def _justify(kind: str) -> JustifyMethod:
    return "left" if kind == "text" else "right"


def channels_text(summary: dict[str, Any]) -> Text:
    """The day's ratings by channel (the pad, a slip's QR code, the callback), for the summary's ratings pane."""
    apart = {channel: sum(levels.values()) for channel, levels in summary.get("ratings_by_channel", {}).items()}
    counts = {channel: apart.get(channel, 0) for channel in ("pad", "qr", "callback")}
    return Text(t("summary.by_channel", **counts), style="dim")


def month_after(first: date, step: int) -> date:
    index = first.year * 12 + first.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


class RankingScreen(ModalScreen[None]):
    CSS_PATH = "ranking.tcss"
    AUTO_FOCUS = "#ranking-windows"
    BINDINGS = [
        Binding("escape", "close", "ranking.key.back", id="close", tooltip="ranking.key.back_tip"),
        Binding("q", "close", "ranking.key.back", show=False),
        Binding(
            "left_square_bracket",
            "month(-1)",
            "ranking.key.previous",
            id="previous",
            tooltip="ranking.key.previous_tip",
            key_display="[",
        ),
        Binding(
            "right_square_bracket",
            "month(1)",
            "ranking.key.next",
            id="next",
            tooltip="ranking.key.next_tip",
            key_display="]",
        ),
        Binding("left", "month(-1)", "ranking.key.previous", show=False, priority=True),
        Binding("right", "month(1)", "ranking.key.next", show=False, priority=True),
    ]

    def __init__(self, desk: Desk, month: date) -> None:
        super().__init__()
        self.desk = desk
        self.first = month.replace(day=1)
        self.ranking: dict[str, Any] = {}
        localise(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(Text(t("ranking.windows")), classes="part")
            yield DataTable(id="ranking-windows", cursor_type="row", zebra_stripes=True)
            yield Static(Text(t("ranking.staff")), classes="part")
            yield DataTable(id="ranking-staff", cursor_type="row", zebra_stripes=True)
            yield Static(Text(t("ranking.empty")), id="ranking-empty")
            yield Static(Text(t("ranking.note")), id="ranking-note")
        yield KeyBar()

    def on_mount(self) -> None:
        self.read()

    def on_resize(self, _event: events.Resize) -> None:
        if self.ranking:
            self.show()

    def read(self) -> None:
        self.ranking = self.desk.ranking(self.first.strftime("%Y-%m"))
        self.show()

    def cells(self, columns: list[tuple[str, str]], part: str) -> list[list[Text]]:
        lang = language()
        out = []
        for entry in self.ranking[part]:
            style = "bold red" if entry.get("last_twice") else ""
            out.append(
                [
                    Text(shown(cell(entry, key, kind, lang), kind), style=style, justify=_justify(kind))
                    for key, kind in columns
                ]
            )
        return out

    def widths(self, columns: list[tuple[str, str]]) -> list[int]:
        rows = self.cells(columns, "windows") + self.cells(columns, "staff")
        return [
            max([cell_len(t(f"ranking.col.{key}"))] + [row[i].cell_len for row in rows])
            for i, (key, _) in enumerate(columns)
        ]

    def columns(self) -> tuple[list[tuple[str, str]], list[int]]:
        """The columns that fit the screen (the counts behind the rates go first), with their widths."""
        columns = list(COLUMNS)
        room = self.size.width * 98 // 100 - FRAME
        widths = self.widths(columns)
        for drop in NARROW_DROPS:
            if sum(w + CELL_PADDING for w in widths) <= room:
                break
            columns = [c for c in columns if c[0] != drop]
            widths = self.widths(columns)
        return columns, widths

    def show(self) -> None:
        month = self.ranking["month"]
        self.query_one("#frame", Vertical).border_title = t("ranking.screen_title", month=month)
        empty = not self.ranking["windows"] and not self.ranking["staff"]
        self.query_one("#ranking-empty", Static).display = empty
        columns, widths = self.columns()
        for part in ("windows", "staff"):
            table = self.query_one(f"#ranking-{part}", DataTable)
            table.display = not empty
            table.clear(columns=True)
            for (key, kind), width in zip(columns, widths, strict=True):
                label = Text(t(f"ranking.col.{key}"), justify=_justify(kind))
                table.add_column(label, key=key, width=width)
            for entry, row in zip(self.ranking[part], self.cells(columns, part), strict=True):
                table.add_row(*row, key=str(entry.get("window") or entry.get("code")))

    def action_month(self, step: int) -> None:
        self.first = month_after(self.first, step)
        self.read()

    def action_close(self) -> None:
        self.dismiss(None)
