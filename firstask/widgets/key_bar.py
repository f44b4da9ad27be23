"""The key bar at the foot of every screen: the keys that can act now, with their words, in one line.

Textual's `Footer` mounts a widget per key and composes them all again whenever the keys change; on the clerk's
screens that was a third of the desk's start-up. The key bar is one widget that draws one line: the same keys,
the same order and colours (a key that is shown but cannot act now is dimmed; the command palette's key sits on the
right), clicked or hovered by where the pointer is along the line.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

PALETTE_SEPARATOR = "▏"


class Key(NamedTuple):
    key: str  # what the app is sent when the key is clicked
    shown: str  # the key as the clerk reads it ("^s", "f8")
    words: str
    enabled: bool
    tooltip: str
    app_wide: bool = False  # the app's own keys (F8, F12): kept on the right, never cut for lack of room


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--words", "key-bar--off"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--words {
            color: $footer-description-foreground;
        }
        .key-bar--off {
            text-style: dim;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.keys: tuple[Key, ...] = ()
        self.palette: Key | None = None
        self.places: list[tuple[int, int, Key]] = []  # where each key was drawn: [start, end) cells
        self.pending = False  # a re-read of the keys is queued

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.update_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Read the keys again once the message at hand is handled (a screen coming up changes them several times
        over); draw again only when they changed (moving down a list changes nothing)."""
        if screen is not self.screen or not self.app.app_focus:
            return  # a window losing focus has no focused widget; its keys come back with the focus
        if not self.pending:
            self.pending = True
            self.call_next(self.update_keys)

    def update_keys(self) -> None:
        self.pending = False
        if not self.is_attached:
            return
        keys, palette = self.read_keys()
        if (keys, palette) != (self.keys, self.palette):
            self.keys, self.palette = keys, palette
            self.refresh()

    def read_keys(self) -> tuple[tuple[Key, ...], Key | None]:
        seen: set[str] = set()
        keys: list[Key] = []
        palette = None
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            key = Key(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                enabled,
                tooltip or binding.tooltip or binding.description,
                _node is self.app,
            )
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = key
            elif binding.show and binding.action not in seen:  # one entry per action, as Textual's Footer
                seen.add(binding.action)
                keys.append(key)
        return tuple(keys), palette

    def render(self) -> Text:
        """The screen's keys from the left, the app's own keys (F8, F12…) and the palette's on the right. When the
        line is too narrow (80 cells), the screen's last keys give way, marked "…": F8 and F12 always show."""
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        words_style = self.get_component_rich_style("key-bar--words", partial=True)
        off_style = self.get_component_rich_style("key-bar--off", partial=True)

        def segment(key: Key) -> Text:
            part = Text(" ")
            part.append(key.shown, key_style if key.enabled else key_style + off_style)
            if key.words:
                part.append(" " + key.words, words_style if key.enabled else words_style + off_style)
            part.append(" ")
            return part

        local = [(key, segment(key)) for key in self.keys if not key.app_wide]
        app_wide = [(key, segment(key)) for key in self.keys if key.app_wide]
        tail = f"{PALETTE_SEPARATOR}{self.palette.shown} {self.palette.words} " if self.palette else ""
        right = sum(part.cell_len for _, part in app_wide) + cell_len(tail)
        room = self.size.width - right if self.size.width else 1_000_000
        if sum(part.cell_len for _, part in local) > room:
            local = [(key, part) for key, part in local if key.enabled]  # no room: the keys that can act first
        line = Text(no_wrap=True, overflow="crop", end="")
        self.places = []
        for index, (key, part) in enumerate(local):
            last = index == len(local) - 1
            if line.cell_len + part.cell_len + (0 if last else 1) > room:
                line.append("…", "dim")
                break
            self.places.append((line.cell_len, line.cell_len + part.cell_len, key))
            line.append_text(part)
        line.append(" " * max(0, room - line.cell_len))
        for key, part in app_wide:
            self.places.append((line.cell_len, line.cell_len + part.cell_len, key))
            line.append_text(part)
        if self.palette is not None:
            start = line.cell_len
            line.append(PALETTE_SEPARATOR, "dim")
            line.append(self.palette.shown, key_style)
            line.append(f" {self.palette.words} ", words_style)
            self.places.append((start, line.cell_len, self.palette))
        return line

    def key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self.places if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        self.tooltip = key.tooltip if key is not None else None

    def on_leave(self) -> None:
        self.tooltip = None
