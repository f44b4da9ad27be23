"""One of a few fixed values (a case's channel, its kind), in one widget.

Textual's `Select` mounts six widgets, its drop-down list among them, before anyone opens it; on the check-in screen
two of them were a fifth of the screen's start-up. A `Choice` draws one line as a compact `Select` does ("来访 ▼"),
steps through the values with ← and →, and opens its list (a small overlay screen) only when asked: Enter, space,
↓ or a click. It says `Choice.Changed` when its value changes, by key, by the list or by the program.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Generic, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

V = TypeVar("V", bound=Hashable)
ARROW = "▼"


class Choice(Widget, Generic[V], can_focus=True):
    ALLOW_SELECT = False
    BINDINGS = [
        Binding("left", "step(-1)", show=False),
        Binding("right", "step(1)", show=False),
        Binding("enter,space,down", "open", show=False),
    ]
    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $boost;
    }
    Choice:focus {
        background: $primary 30%;
    }
    """

    class Changed(Message):
        def __init__(self, choice: Choice[Any], value: Any) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice[Any]:
            return self.choice

    def __init__(self, options: Sequence[tuple[str, V]], value: V, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        if not options:
            raise ValueError("a choice needs at least one option")
        self.options = list(options)
        self._index = self._index_of(value)

    def _index_of(self, value: V) -> int:
        for index, (_, option) in enumerate(self.options):
            if option == value:
                return index
        raise ValueError(f"{value!r} is not one of the choices")

    @property
    def value(self) -> V:
        return self.options[self._index][1]

    @value.setter
    def value(self, value: V) -> None:
        index = self._index_of(value)
        if index != self._index:
            self._index = index
            self.refresh()
            self.post_message(self.Changed(self, value))

    @property
    def label(self) -> str:
        return self.options[self._index][0]

    def render(self) -> Text:
        room = max(0, self.content_region.width - cell_len(self.label) - cell_len(ARROW))
        return Text.assemble(self.label, " " * room, (ARROW, "dim"), no_wrap=True, overflow="crop", end="")

    def action_step(self, by: int) -> None:
        self.value = self.options[(self._index + by) % len(self.options)][1]

    def action_open(self) -> None:
        def chosen(index: int | None) -> None:
            self.focus()
            if index is not None:
                self.value = self.options[index][1]

        region = self.region
        self.app.push_screen(
            ChoiceList([label for label, _ in self.options], self._index, region.x, region.y + 1, region.width), chosen
        )

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_open()


class ChoiceList(ModalScreen[int | None]):
    """The list of a Choice, just under it: ↑/↓ and Enter (or a click) pick, Escape or a click elsewhere leaves it."""

    BINDINGS = [Binding("escape", "leave", show=False)]
    DEFAULT_CSS = """
    ChoiceList {
        background: transparent;
    }
    ChoiceList > OptionList {
        border: tall $accent;
        height: auto;
        max-height: 12;
        padding: 0;
    }
    """

    def __init__(self, labels: Sequence[str], highlighted: int, x: int, y: int, width: int) -> None:
        super().__init__()
        self.labels = list(labels)
        self.highlighted = highlighted
        self.place = (x, y, width)

    def compose(self) -> ComposeResult:
        found = OptionList(*(Option(Text(label)) for label in self.labels), markup=False)
        x, y, width = self.place
        found.styles.offset = (x, y)
        found.styles.width = max(width, max(cell_len(label) for label in self.labels) + 4)
        yield found

    def on_mount(self) -> None:
        found = self.query_one(OptionList)
        found.highlighted = self.highlighted
        found.focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def action_leave(self) -> None:
        self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:  # outside the list
            self.dismiss(None)
