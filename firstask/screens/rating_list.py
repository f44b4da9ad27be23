"""`RatingListScreen`, what the clerk's bad ratings (F8 → b) and the supervisor's appeals (F10 → p) share: a bar, a
list of ratings whose columns fit the width (the narrow screen leaves some to the panel), the highlighted rating in
full in a panel under it, Enter for the case's history, Esc back. Each subclass says which ratings, which columns,
what the bar and the panel say, and what its own keys do.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from firstask.desk import Desk, Rating
from firstask.i18n import t
from firstask.rules import Staff
from firstask.screens.desk_screen import DeskScreen
from firstask.widgets.cells import CELL_PADDING, cut
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.prose import Prose
from firstask.widgets.rating_text import rating_line, said
from firstask.widgets.title_bar import TitleBar

NARROW = 100  # below this width the columns of `NARROW_DROPS` are left to the panel under the list
FLEXIBLE_AT_LEAST = 10
SCROLLBAR = 1


class RatingListScreen(DeskScreen):
    TABLE: ClassVar[str] = ""  # the list's id
    COLUMNS: ClassVar[tuple[str, ...]] = ()  # catalogue keys appeals.col.*
    FLEXIBLE: ClassVar[str] = ""  # the column cut to the room the others leave
    NARROW_DROPS: ClassVar[tuple[str, ...]] = ()
    ACTS_ON_ROW: ClassVar[set[str]] = {"history"}
    NOTIFIES_ERRORS = False

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.shown: list[Rating] = []
        self.staff: dict[str, Staff] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="bar")
        yield DataTable(id=self.TABLE, cursor_type="row", zebra_stripes=True)
        yield Static(id="empty", classes="empty")
        with Vertical(id="panel"):
            yield Prose(id="rating")
            yield Prose(id="said")
            yield Prose(id="appeal-detail")
        yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reread()

    def on_resize(self, _event: events.Resize) -> None:
        self.show()

    # --- what each list says (the subclasses) -----------------------------------------------------------------

    def cells(self, rating: Rating) -> dict[str, Text]:
        raise NotImplementedError

    def bar(self) -> Text:
        raise NotImplementedError

    def empty_text(self) -> str:
        raise NotImplementedError

    def appeal_detail(self, rating: Rating) -> list[str]:
        raise NotImplementedError

    def starting_row(self) -> Rating | None:
        """The rating the cursor starts on when nothing was highlighted yet (None: the first)."""
        return None

    # --- showing ----------------------------------------------------------------------------------------------

    def show(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#bar", Static).update(self.bar())
        table = self.query_one(f"#{self.TABLE}", DataTable)
        under = self.current() or self.starting_row()
        rows = [self.cells(r) for r in self.shown]
        columns = [c for c in self.COLUMNS if self.size.width >= NARROW or c not in self.NARROW_DROPS]
        widths = {c: max([cell_len(t(f"appeals.col.{c}"))] + [row[c].cell_len for row in rows]) for c in columns}
        fixed = sum(widths[c] for c in columns if c != self.FLEXIBLE)
        room = self.size.width - fixed - CELL_PADDING * len(columns) - SCROLLBAR
        widths[self.FLEXIBLE] = max(FLEXIBLE_AT_LEAST, room)
        table.clear(columns=True)
        for column in columns:
            table.add_column(Text(t(f"appeals.col.{column}")), width=widths[column], key=column)
        for rating, row in zip(self.shown, rows, strict=True):
            row[self.FLEXIBLE] = Text(cut(row[self.FLEXIBLE].plain, widths[self.FLEXIBLE]))
            table.add_row(*(row[c] for c in columns), key=str(rating.id))
        if under is not None and any(r.id == under.id for r in self.shown):
            table.move_cursor(row=table.get_row_index(str(under.id)))
        table.display = bool(self.shown)
        empty = self.query_one("#empty", Static)
        empty.update(Text(self.empty_text()))
        empty.display = not self.shown
        self.show_panel()
        self.refresh_bindings()

    def show_panel(self) -> None:
        rating = self.current()
        panel = self.query_one("#panel", Vertical)
        panel.display = rating is not None
        if rating is None:
            return
        panel.border_title = t("appeals.panel_title", case=rating.case_no)
        self.query_one("#rating", Prose).show(rating_line(rating, self.staff))
        self.query_one("#said", Prose).show(t("appeals.detail.said", said=said(rating)))
        self.query_one("#appeal-detail", Prose).show("\n".join(self.appeal_detail(rating)), style="bold")

    def current(self) -> Rating | None:
        if not self.is_mounted or not self.shown:
            return None
        table = self.query_one(f"#{self.TABLE}", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.shown if str(r.id) == key), None)

    @on(DataTable.RowHighlighted)
    def moved(self) -> None:
        self.show_panel()
        self.refresh_bindings()

    def allowed(self, action: str, rating: Rating) -> bool:
        """Whether a key of the subclass's acts on this rating (the key bar offers it only then)."""
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in self.ACTS_ON_ROW:
            return True
        rating = self.current()
        return rating is not None and self.allowed(action, rating)

    # --- keys ---------------------------------------------------------------------------------------------------

    def action_history(self) -> None:
        rating = self.current()
        if rating is not None:
            self.open_history(rating.case_no)

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_history()

    def action_close(self) -> None:
        self.app.pop_screen()
