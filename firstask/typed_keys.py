"""Keys typed ahead, handled one at a time and in order, as the clerk typed them.

Textual hands a key to the focused widget and goes on to the next key at once, and a key the widget does not take
itself (Enter, Tab: bindings), like a focus change, comes back to the app behind every key typed after it: `w01 Tab
1111` typed at launch, or a name, Enter and the phone typed in one go, would all land in one field. `TypedKeys`, the
desk's app class, hands each key on only once the one before has been handled. It also takes a full-width space
(U+3000, typed by Chinese input methods), which Textual's Input and TextArea drop as unprintable, and an Enter typed
before the terminal was in raw mode (a newline), as the clerk meant them.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

from firstask.widgets.textual_private import queued

KEY_SETTLE_SECONDS = 1.0  # the longest a key waits for the one before it to be handled (a slow first search)
KEY_SETTLE_YIELDS = 3
IDEOGRAPHIC_SPACE = chr(0x3000)  # typed by Chinese input methods as a space of its own


@dataclass
class KeyTurn(Message):
    """The key typed before has been handled: the next one may go."""

    key: events.Key


class TypedKeys(App[Any]):
    """An app that takes keys typed ahead in turn (see the module's words)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.typed: deque[events.Key] = deque()  # keys typed ahead, handed on one at a time
        self.in_flight: events.Key | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.typed.append(event)  # in turn, once the key before it has been handled (see KeyTurn)
            if self.in_flight is None:
                await self.next_key()
            return
        await super().on_event(event)

    async def next_key(self) -> None:
        """Hand the next key typed to Textual, and watch it until what it set off has been handled."""
        self.in_flight = None
        if not self.typed:
            return
        key = self.typed.popleft()
        if key.key == "ctrl+j":  # an Enter typed before the terminal was in raw mode arrives as a newline
            key = events.Key("enter", "\r")
        self.in_flight = key
        target = self.focused or self.screen
        if key.key == "ideographic_space":
            # Textual's Input and TextArea drop U+3000 as unprintable; pasted text they insert as it is.
            await super().on_event(events.Paste(IDEOGRAPHIC_SPACE))
        else:
            await super().on_event(key)
        if self.return_code is not None:  # the key closed the app (Ctrl+Q): nothing more to hand on
            return
        self.run_worker(self.watch_key(key, target), group="keys", exit_on_error=False)

    async def on_key_turn(self, message: KeyTurn) -> None:
        if message.key is self.in_flight:
            await self.next_key()

    async def watch_key(self, key: events.Key, target: Widget) -> None:
        """Post `KeyTurn` once the widget, every node up to its screen, and the app have nothing of this key's left
        to do (their queues stayed empty over a few turns of the loop); never later than KEY_SETTLE_SECONDS, should a
        handler wait on the app itself (the queues are read with `textual_private.queued`)."""
        nodes: list[MessagePump] = [self]
        node: DOMNode | None = target
        while isinstance(node, Widget):
            nodes.append(node)
            if isinstance(node, Screen):
                break
            node = node.parent
        deadline = time.monotonic() + KEY_SETTLE_SECONDS
        quiet = 0
        while quiet < KEY_SETTLE_YIELDS and time.monotonic() < deadline:
            await asyncio.sleep(0)
            busy = any(
                not isinstance(message, events.Key) or message is key for pump in nodes for message in queued(pump)
            )
            quiet = 0 if busy else quiet + 1
        self.post_message(KeyTurn(key))
