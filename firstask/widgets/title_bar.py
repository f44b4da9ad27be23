"""The title line at the top of every screen: the desk's name and what the screen is for ("首问服务台 — 登记").

Textual's `Header` is four widgets (the bar, its icon, its title, a spacer for the clock); this is one that draws the
same line: the icon on the left (a click on it opens the command palette, as the Header's does), the title and the
dimmed sub-title in the middle, following the screen's and the app's titles as they change.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget

ICON = "⭘"
ICON_CELLS = 3  # " ⭘ ": where a click opens the command palette


class TitleBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self.titles_changed, init=False)
            self.watch(node, "sub_title", self.titles_changed, init=False)

    def titles_changed(self) -> None:
        self.refresh()

    def render(self) -> Text:
        title = self.screen.title or self.app.title
        sub_title = self.screen.sub_title or self.app.sub_title
        middle = Text(title, end="")
        if sub_title:
            middle.append(" — ", "dim")
            middle.append(sub_title, "dim")
        width = self.content_region.width
        left = max(ICON_CELLS, (width - cell_len(middle.plain)) // 2)
        line = Text(f" {ICON}", no_wrap=True, overflow="ellipsis", end="")
        line.append(" " * (left - line.cell_len))
        line.append_text(middle)
        return line

    async def on_click(self, event: events.Click) -> None:
        if event.x < ICON_CELLS:
            event.stop()
            await self.run_action("app.command_palette")
