"""`CaseSheet`: the case at the window (or a matter's guide), on the check-in screen's right, as lines of text each
wrapped to the panel's width in cells, scrolling when longer than the panel.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from firstask.widgets.cells import wrap


class CaseSheet(ScrollView, can_focus=True):
    """The case at the window (or a matter's guide), line by line, each wrapped to the panel's width in cells
    (Chinese breaks between any two characters) and kept whole otherwise; user text is never markup. It scrolls
    (↑/↓, PgUp/PgDn) when longer than the panel.

    Drawn line by line (Textual's line API) from strips kept per width: a new case is laid out once, its height known
    before it is drawn, and a screen coming back from a dialog draws the panel again without wrapping and styling a
    whole guide again."""

    # The scrollbar's column is kept whether or not the text needs it: a case (short) following a guide (long) would
    # otherwise change the text's width, and the panel would be laid out and drawn a second time.
    DEFAULT_CSS = """
    CaseSheet {
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.lines: list[tuple[str, str]] = []  # (text, style)
        self.kept: tuple[int, Style, list[Strip]] | None = None

    def show(self, lines: list[tuple[str, str]]) -> None:
        if lines == self.lines:
            return  # the same case, read again: nothing to draw
        self.lines = lines
        self.kept = None
        self.scroll_to(0, 0, animate=False)
        self.fit()
        self.refresh()

    def text(self, width: int) -> Text:
        """The sheet as one text wrapped to `width` (what the panel shows, for tests and reading aloud)."""
        out = Text()
        for n, (line, style) in enumerate(self.lines):
            out.append(wrap(line, width) + ("\n" if n < len(self.lines) - 1 else ""), style=style)
        return out

    def strips(self, width: int) -> list[Strip]:
        base = self.rich_style
        if self.kept is None or self.kept[0] != width or self.kept[1] != base:
            out = []
            for line, style in self.lines:
                look = base + Style.parse(style) if style else base
                for row in wrap(line, width).split("\n"):
                    out.append(Strip([Segment(row, look)]).extend_cell_length(width, base))
            self.kept = (width, base, out)
        return self.kept[2]

    def fit(self) -> None:
        width = self.scrollable_content_region.width
        if width > 0:
            self.virtual_size = Size(width, len(self.strips(width)) if self.lines else 0)

    def on_resize(self, event: events.Resize) -> None:
        self.fit()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        strips = self.strips(width) if width > 0 else []
        row = y + self.scroll_offset.y
        return strips[row] if row < len(strips) else Strip.blank(width, self.rich_style)
