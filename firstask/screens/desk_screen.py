"""`DeskScreen`, what every screen of the desk's work shares: the desk it shows, the line where it says what happened
(`say`), reading what it shows again when it comes back to the front or when the file changes (`reread`, called by
the app through `desk_changed`), a case's full history opened over it (`open_history`), and its keys in the desk's
language from the moment it is made.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from firstask.desk import Desk
from firstask.rules import Staff
from firstask.widgets.keys import localise


def open_history(screen: Screen[Any], desk: Desk, no: str, viewer: Staff | None = None) -> None:
    """The case's full history over `screen`. `viewer`: the clerk who asked (the phones and ID numbers in its notes
    are masked unless they may see them); None on a supervisor's screen. The history screen is imported when first
    opened: the way to the clerk's lists never pays for it."""
    from firstask.screens.history import HistoryScreen

    screen.app.push_screen(HistoryScreen(desk, no, viewer))


class DeskScreen(Screen[None]):
    """A screen of the desk's work. A subclass composes a `Static` with the id "message" for `say`, and reads what it
    shows in `reread`."""

    KEEPS_MESSAGE_LINE: ClassVar[bool] = False  # the message line keeps its room while there is nothing to say
    NOTIFIES_ERRORS: ClassVar[bool] = True  # an error said on the message line is a notification as well

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        localise(self)

    def viewer(self) -> Staff | None:
        """Whose eyes the screen shows cases to (what they may not see is masked); None: a supervisor's screen."""
        return None

    def say(self, text: str = "", *, error: bool = False) -> None:
        """A line under the screen's work until the next action (nothing: the line goes); an error in red."""
        line = self.query_one("#message", Static)
        line.update(Text(text))
        line.set_class(error, "error")
        if not self.KEEPS_MESSAGE_LINE:
            line.display = bool(text)
        if text and error and self.NOTIFIES_ERRORS:
            self.notify(text, severity="error")

    # --- reading again --------------------------------------------------------------------------------------------

    def reread(self) -> None:
        """Read what the screen shows from the desk again, and show it."""

    def stale(self) -> bool:
        """Whether what the screen shows may be out of date when it comes back to the front."""
        return True

    def on_screen_resume(self) -> None:
        # Back from a dialog or another screen; showing the screen for the first time follows on_mount's reading.
        if self.is_mounted and self.stale():
            self.reread()

    def desk_changed(self) -> None:
        """Another window wrote to the file, or the minute's scan ran: the app calls this on every desk screen of its
        stack. A screen still being composed reads in on_mount."""
        if self.is_mounted:
            self.reread()

    # --- a case's history -----------------------------------------------------------------------------------------

    def open_history(self, no: str) -> None:
        open_history(self, self.desk, no, self.viewer())
