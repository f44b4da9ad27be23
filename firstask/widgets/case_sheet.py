"""`CaseSheet`: the case at the window, on the check-in screen's right, as lines of text each wrapped to the panel's
width in cells; a scrolling pane with one widget of text inside.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from firstask.widgets.cells import wrap


class _SheetText(Widget):
    """The sheet's lines, as high as they wrap to, drawn line by line from strips kept per width (Textual's line
    API): a screen coming back from a dialog, or laid out again, redraws the panel without wrapping and styling a
    whole guide again (a Static would convert its whole text on every refresh)."""

    DEFAULT_CSS = """
    _SheetText {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, sheet: CaseSheet) -> None:
        super().__init__()
        self.sheet = sheet
        self.kept: tuple[int, Style, list[Strip]] | None = None

    def forget(self) -> None:
        self.kept = None

    def strips(self, width: int) -> list[Strip]:
        base = self.rich_style
        if self.kept is None or self.kept[0] != width or self.kept[1] != base:
            out = []
            for line, style in self.sheet.lines:
                look = base + Style.parse(style) if style else base
                for row in wrap(line, width).split("\n"):
                    out.append(Strip([Segment(row, look)]).extend_cell_length(width, base))
            self.kept = (width, base, out)
        return self.kept[2]

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width or self.size.width
        strips = self.strips(width)
        return strips[y] if y < len(strips) else Strip.blank(width, self.rich_style)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.strips(width)) if self.sheet.lines else 0


class CaseSheet(VerticalScroll, can_focus=True):
    """The case at the window (or a matter's guide), line by line, each wrapped to the panel's width in cells
    (Chinese breaks between any two characters) and kept whole otherwise; user text is never markup. It scrolls
    (↑/↓, PgUp/PgDn) when longer than the panel. A widget without children has no scroll range in Textual, so the
    text is one child of the scrolling pane: two widgets, the fewest that scroll."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.lines: list[tuple[str, str]] = []  # (text, style)
        self.body = _SheetText(self)

    def compose(self) -> ComposeResult:
        yield self.body

    def show(self, lines: list[tuple[str, str]]) -> None:
        if lines == self.lines:
            return  # the same case, read again: nothing to draw
        self.lines = lines
        self.body.forget()
        self.body.refresh(layout=True)

    def text(self, width: int) -> Text:
        """The sheet as one text wrapped to `width` (what the panel shows, for tests and reading aloud)."""
        out = Text()
        for n, (line, style) in enumerate(self.lines):
            out.append(wrap(line, width) + ("\n" if n < len(self.lines) - 1 else ""), style=style)
        return out
