"""`CaseTable`: Textual's DataTable that keeps its rendered cells when its look has not changed.

Textual applies every style sheet again to a screen coming back to the front (a mode switch: F8, F1), and a
DataTable throws away every cell it has rendered whenever its styles are applied, changed or not: the follow-up
list drew all its visible cells again on every F8, most of the switch's time. This one throws them away only when
something it draws with has changed: its own style, its focus, or the style of one of its parts (cursor, header,
stripes). tests/test_textual_private.py checks that DataTable still throws them away, and that this one still draws
a changed look.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.widget import Widget
from textual.widgets import DataTable


class CaseTable(DataTable[Any]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drawn_with: tuple[Style, bool, tuple[Style, ...]] | None = None

    def look(self) -> tuple[Style, bool, tuple[Style, ...]]:
        parts = tuple(self.get_component_rich_style(name, partial=True) for name in sorted(self.COMPONENT_CLASSES))
        return self.rich_style, self.has_focus, parts

    def notify_style_update(self) -> None:
        Widget.notify_style_update(self)  # the widget's own caches of its style, which `look` reads
        look = self.look() if self.is_mounted else None
        if look is None or look != self.drawn_with:
            self.drawn_with = look
            super().notify_style_update()  # DataTable's: every rendered cell thrown away, and drawn again
