"""The private names of Textual (8.2.8, pinned) the desk relies on, each used here and nowhere else, with the
behaviour of Textual it works around. `tests/test_textual_private.py` fails when an upgrade changes any of them:
look again then, and drop the work-around if Textual has made it needless.

The terminal driver (`firstask.terminal`) is the one other place: it is a subclass of Textual's Linux driver, and
uses that driver's own attributes and the input parser its input loop is copied with (the same test watches them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.notifications import Notification
from textual.screen import Screen


def rebind(node: DOMNode, change: Callable[[Binding], Binding]) -> None:
    """Each of the node's bindings replaced, for this node only, by `change(binding)`.

    Textual reads a class's `BINDINGS` once, when it loads the class, and copies them into each instance's private
    map (`_bindings`); it has no public way to change one instance's binding words. The desk's words (description,
    tooltip) come from the catalogue in the language chosen at launch (`firstask.widgets.keys`)."""
    bindings = node._bindings.key_to_bindings
    for key, listed in bindings.items():
        bindings[key] = [change(binding) for binding in listed]


def mark_styled(screen: Screen[Any], app: App[Any]) -> None:
    """Mark a screen just made as styled with the app's style sheets as they stand.

    Textual takes a mode's new screen for one styled before the last theme change (its private `_css_update_count`
    starts at -1) and parses and applies every style sheet of the app again, twice, when the mode first opens: a tenth
    of a second for the follow-up screen, for nothing, since the screen is made right there and is styled when it
    mounts (bench/startup.py measures start-up)."""
    screen._css_update_count = app._css_update_count


def notifications_shown(app: App[Any]) -> list[Notification]:
    """The notifications on screen now. Textual keeps them in a private list (`_notifications`) and can only clear
    them all; a dialog opening takes them off screen and shows them again once it closes (`DeskApp.push_screen`)."""
    return list(app._notifications)


def queued(pump: MessagePump) -> list[Message | None]:
    """What waits in a node's message queue. Textual offers its length only (`message_queue_size`); the keys typed
    ahead are handed on once everything a key set off has been handled (`firstask.typed_keys`), which the queue's
    contents tell, not its length."""
    return list(pump._message_queue.values)
