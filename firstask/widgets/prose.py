"""`Prose`: plain text (never markup) wrapped to the widget's width in cells, Chinese included; as high as its
wrapped lines. The dialogs' labels and reasons, the violations screen's rule panel.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from firstask.widgets.cells import wrap


class Prose(Widget):
    """Plain text (never markup) wrapped to the widget's width in cells, Chinese included."""

    DEFAULT_CSS = """
    Prose {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(
        self,
        text: str = "",
        *,
        style: str = "",
        id: str | None = None,  # noqa: A002 (Textual's name)
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text
        self.prose_style = style

    def show(self, text: str, style: str = "") -> None:
        self.text = text
        self.prose_style = style
        self.refresh(layout=True)

    def render(self) -> Text:
        return Text(wrap(self.text, self.content_region.width or 1_000), style=self.prose_style)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return wrap(self.text, width).count("\n") + 1 if self.text else 0
