"""`CaseSheet`: the case at the window, on the check-in screen's right, as lines of text each wrapped to the panel's
width in cells; one widget that scrolls itself.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.widgets import Static

from firstask.widgets.cells import wrap


class CaseSheet(Static, can_focus=True):
    """The case at the window, line by line, each wrapped to the panel's width in cells (Chinese breaks between
    any two characters) and kept whole otherwise; user text is never markup. One widget that scrolls itself (↑/↓)
    when the case is longer than the panel: the window's start-up pays per widget."""

    BINDINGS = [
        Binding("up", "scroll_up", show=False),
        Binding("down", "scroll_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.lines: list[tuple[str, str]] = []  # (text, style)

    def show(self, lines: list[tuple[str, str]]) -> None:
        self.lines = lines
        self.refresh(layout=True)

    def text(self, width: int) -> Text:
        out = Text()
        for n, (line, style) in enumerate(self.lines):
            out.append(wrap(line, width) + ("\n" if n < len(self.lines) - 1 else ""), style=style)
        return out

    def render(self) -> Text:
        return self.text(self.content_region.width or 1_000)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.text(width).plain.count("\n") + 1 if self.lines else 0
