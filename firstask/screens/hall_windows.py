"""The set-up screen's Windows tab dialogs (F11, then 4): the hall's window PCs that `firstask serve` lets in.

A supervisor registers a window (number and name) and is shown its one-time enrolment code, once (and, with `p`, a
code for the window's rating pad, the 好差评 tablet beside it); a new code for a registered window (a new PC, a cleared
browser) turns its enrolled browser away until the code is used; revoking a window turns it away at its next
connection. A code not used in time shows as expired. Each is confirmed with Ctrl+S, and Esc leaves it undone.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from firstask.desk import Desk, HallWindow, shown_code
from firstask.i18n import t
from firstask.rules import RuleError, Staff
from firstask.screens.setup_forms import FormDialog, field

NAME_LIMIT = 40


def short_time(iso: str) -> str:
    """An ISO time to the minute, as a supervisor reads it: 2026-12-05 09:15."""
    return iso[:16].replace("T", " ")


def expired(until: str | None, now: datetime) -> bool:
    """A code's time is up (`until`: ISO, the desk's local time)."""
    return until is not None and until[:19] < now.isoformat(timespec="seconds")[:19]


def state_text(window: HallWindow, now: datetime) -> Text:
    """Where a window stands, as the tab's last column shows it: a code not used in time says so (c gives another)."""
    if window.state == "enrolled":
        return Text(t("setup.windows.enrolled", at=short_time(window.enrolled_at or "")), style="green")
    if window.state == "waiting":
        if expired(window.code_expires, now):
            return Text(t("setup.windows.expired", until=short_time(window.code_expires or "")), style="red")
        return Text(t("setup.windows.waiting", until=short_time(window.code_expires or "")), style="yellow")
    if window.state == "revoked":
        return Text(t("setup.windows.revoked", at=short_time(window.revoked_at or "")), style="dim")
    return Text(t("setup.windows.none"), style="dim")


def pad_text(window: HallWindow, now: datetime) -> Text:
    """Whether the window has its rating pad (评价器); a pad's code not used in time says so (p gives another)."""
    if window.pad == "enrolled":
        return Text(t("setup.windows.pad_enrolled"), style="green")
    if window.pad == "waiting":
        until = short_time(window.pad_code_expires or "")
        if expired(window.pad_code_expires, now):
            return Text(t("setup.windows.pad_expired", until=until), style="red")
        return Text(t("setup.windows.pad_waiting", until=until), style="yellow")
    return Text(t("setup.windows.pad_none"), style="dim")


class WindowDialog(FormDialog):
    """Register a window (number, name), or give a registered one a new code (its name may change). Saving gives
    the code, which `WindowCodeDialog` shows."""

    FIELDS: ClassVar[dict[str, str]] = {"number": "number", "name": "name"}
    SUBMITS = ("name",)
    CONFIRM = "setup.windows.key.register"

    def __init__(self, desk: Desk, supervisor: Staff, window: HallWindow | None = None) -> None:
        super().__init__(desk, supervisor)
        self.window = window
        self.code: str | None = None
        self.number: int | None = None

    def title_text(self) -> str:
        if self.window is None:
            return t("setup.windows.new_title")
        return t("setup.windows.again_title", number=self.window.number)

    def header_text(self) -> str:
        if self.window is not None and self.window.state == "enrolled":
            return t("setup.windows.again_enrolled", number=self.window.number)
        return ""

    def compose_body(self) -> ComposeResult:
        number = Input(
            str(self.window.number) if self.window else "",
            restrict=r"[0-9]*",
            max_length=4,  # a fourth digit is typed, and refused with the range, not cut off unseen
            id="number",
            placeholder=t("setup.windows.number_placeholder"),
            disabled=self.window is not None,
        )
        yield from field("setup.windows.number", number, "number")
        name = Input(self.window.name if self.window else "", max_length=NAME_LIMIT, id="name")
        yield from field("setup.windows.name", name, "name")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name" if self.window is not None else "#number", Input).focus()

    def save(self) -> None:
        typed = self.value("number").strip()
        if not typed.isdigit():
            raise RuleError("INPUT", "hall.bad_number", field="number", low=1, high=999)
        number = int(typed)
        if self.window is None and any(w.number == number for w in self.desk.hall_windows()):
            # A new registration never replaces a window silently: a new code for one is `c`, which says what it does.
            raise RuleError("INPUT", "hall.registered", field="number", number=number)
        self.number = number
        self.code = self.desk.register_window(number, self.value("name"), by=self.supervisor.code)


class RevokeDialog(FormDialog):
    """Revoke a window: confirmed with Ctrl+S."""

    CONFIRM = "setup.windows.key.revoke"

    def __init__(self, desk: Desk, supervisor: Staff, window: HallWindow) -> None:
        super().__init__(desk, supervisor)
        self.window = window

    def title_text(self) -> str:
        return t("setup.windows.revoke_title", number=self.window.number)

    def header_text(self) -> str:
        return t("setup.windows.revoke_header", number=self.window.number, name=self.window.name)

    def save(self) -> None:
        self.desk.revoke_window(self.window.number, by=self.supervisor.code)


class PadDialog(FormDialog):
    """A one-time code for a window's rating pad, asked first (the pad enrolled before stops working)."""

    CONFIRM = "setup.windows.key.make_pad"

    def __init__(self, desk: Desk, supervisor: Staff, window: HallWindow) -> None:
        super().__init__(desk, supervisor)
        self.window = window
        self.code: str | None = None

    def title_text(self) -> str:
        return t("setup.windows.pad_title", number=self.window.number)

    def header_text(self) -> str:
        return t("setup.windows.pad_header", number=self.window.number, name=self.window.name)

    def save(self) -> None:
        self.code = self.desk.register_pad(self.window.number, by=self.supervisor.code)


class WindowCodeDialog(FormDialog):
    """The enrolment code, shown once, large, with what to do with it; Enter, Ctrl+S or Esc closes it."""

    CSS_PATH = ["setup_forms.tcss", "hall_windows.tcss"]
    CONFIRM = "setup.windows.key.done"
    BINDINGS = [Binding("enter", "confirm", show=False), Binding("escape", "confirm", show=False)]

    def __init__(self, desk: Desk, supervisor: Staff, number: int, code: str, *, pad: bool = False) -> None:
        super().__init__(desk, supervisor)
        self.number = number
        self.code = code
        self.pad = pad  # the code of the window's rating pad, not of its desk

    def title_text(self) -> str:
        return t("setup.windows.pad_code_title" if self.pad else "setup.windows.code_title", number=self.number)

    def compose_body(self) -> ComposeResult:
        window = next((w for w in self.desk.hall_windows() if w.number == self.number), None)
        until = (window.pad_code_expires if self.pad else window.code_expires) if window else None
        how = "setup.windows.pad_code_how" if self.pad else "setup.windows.code_how"
        yield Static(Text(f"  {shown_code(self.code)}  ", style="bold reverse"), id="code")
        yield Static(Text(t(how, number=self.number, until=short_time(until or ""))), id="code-how")

    def save(self) -> None:
        return None
