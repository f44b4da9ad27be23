"""`CaseSheet`: the case at the window, on the check-in screen's right, as lines of text each wrapped to the panel's
width in cells; a scrolling pane with one widget of text inside.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widget import Widget

from firstask.widgets.cells import wrap


class _SheetText(Widget):
    """The sheet's lines drawn as one text, as high as they wrap to."""

    DEFAULT_CSS = """
    _SheetText {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, sheet: CaseSheet) -> None:
        super().__init__()
        self.sheet = sheet

    def render(self) -> Text:
        return self.sheet.text(self.content_region.width or 1_000)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.sheet.text(width).plain.count("\n") + 1 if self.sheet.lines else 0


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
        self.lines = lines
        self.body.refresh(layout=True)

    def text(self, width: int) -> Text:
        out = Text()
        for n, (line, style) in enumerate(self.lines):
            out.append(wrap(line, width) + ("\n" if n < len(self.lines) - 1 else ""), style=style)
        return out
