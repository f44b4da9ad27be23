"""The log-in screen: staff code, then PIN. The desk checks them and records every attempt; the PIN is never shown
or logged here. After the third wrong PIN in a row this window waits before it takes another (SPEC §13): the desk
keeps the count and the time on its clock, the screen disables the fields and counts down. After a PIN reset (or a
first PIN) the staff member sets a new PIN, typed twice, before working; the old one is held only until then.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from firstask.desk import LIMITS, Desk
from firstask.i18n import t
from firstask.rules import RuleError, Staff
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.title_bar import TitleBar

PIN_DIGITS = 12  # the longest PIN the desk accepts (Desk.add_staff)


class LoginScreen(Screen[None]):
    AUTO_FOCUS = "#code"

    @dataclass
    class LoggedIn(Message):
        """A staff member gave the right code and PIN."""

        staff: Staff

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.changing: tuple[Staff, str] | None = None  # logged in, a new PIN due: who, and the PIN they gave
        self.refused = ""  # the last refusal, shown above the countdown while the window waits
        self.countdown: Timer | None = None  # while the window waits after wrong PINs

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="form") as form:
            form.border_title = t("app.login.title")
            yield Static(Text(t("app.login.hint")), id="hint")
            yield Label(Text(t("app.login.code")))
            yield Input(placeholder=t("app.login.code_placeholder"), max_length=LIMITS["code"], id="code")
            yield Label(Text(t("app.login.pin")))
            yield Input(
                placeholder=t("app.login.pin_placeholder"),
                password=True,
                restrict=r"[0-9]*",
                max_length=PIN_DIGITS,
                id="pin",
            )
            with Vertical(id="new-pin"):
                yield Static(id="new-hint")
                yield Label(Text(t("setup.login.new_pin")))
                yield Input(password=True, restrict=r"[0-9]*", max_length=PIN_DIGITS, id="pin1")
                yield Label(Text(t("setup.login.new_pin_again")))
                yield Input(password=True, restrict=r"[0-9]*", max_length=PIN_DIGITS, id="pin2")
            yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#new-pin").display = False
        if self.desk.login_wait() > 0:  # wrong PINs just before a log-out or a lock: the window still waits
            self.hold()

    @on(Input.Submitted, "#code")
    def code_given(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def pin_given(self) -> None:
        code = self.query_one("#code", Input)
        pin = self.query_one("#pin", Input)
        if not code.value.strip():
            self.refuse(t("app.login.need_code"), focus=code)
            return
        given = pin.value
        pin.value = ""
        try:
            staff = self.desk.authenticate(code.value, given)
        except RuleError as refused:
            if refused.rule != "WAIT":  # typed before the wait was over: the last refusal stands
                self.refused = refused.message()
            self.refuse(self.refused, focus=pin)
            if self.desk.login_wait() > 0:
                self.hold()
            return
        self.refused = ""
        if self.desk.pin_reset_due(staff.code):
            self.ask_new_pin(staff, given)
            return
        self.post_message(self.LoggedIn(staff))

    def ask_new_pin(self, staff: Staff, old_pin: str) -> None:
        """The PIN was reset (or is a first PIN): the staff member chooses their own before working."""
        self.changing = (staff, old_pin)
        form = self.query_one("#form", Vertical)
        form.border_title = t("setup.login.new_title")
        for widget in self.query("#hint, #form > Label, #code, #pin"):
            widget.display = False
        self.query_one("#new-hint", Static).update(Text(t("setup.login.new_hint", name=staff.name)))
        self.query_one("#new-pin").display = True
        self.query_one("#message", Static).update("")
        self.query_one("#pin1", Input).focus()

    @on(Input.Submitted, "#pin1")
    def new_pin_given(self) -> None:
        self.query_one("#pin2", Input).focus()

    @on(Input.Submitted, "#pin2")
    def new_pin_again(self) -> None:
        if self.changing is None:
            return
        staff, old_pin = self.changing
        first, second = self.query_one("#pin1", Input), self.query_one("#pin2", Input)
        new, again = first.value, second.value
        first.value = second.value = ""
        if new != again:
            self.refuse(t("setup.login.mismatch"), focus=first)
            return
        try:
            self.desk.set_pin(staff.code, old_pin, new)
        except RuleError as refused:
            self.refuse(refused.message(), focus=first)
            return
        self.changing = None
        self.notify(t("setup.login.done"))
        self.post_message(self.LoggedIn(staff))

    def hold(self) -> None:
        """This window takes no PIN until the desk's wait is over (whatever code is typed): the code and PIN fields
        are disabled (so nothing typed meanwhile lands in either) and a line counts the seconds down."""
        self.query_one("#code", Input).disabled = True
        self.query_one("#pin", Input).disabled = True
        if self.countdown is None:
            self.countdown = self.set_interval(0.25, self.tick)
        self.tick()

    def tick(self) -> None:
        """The countdown, on the desk's clock; at zero the PIN field takes input again."""
        left = self.desk.login_wait()
        message = self.query_one("#message", Static)
        if left > 0:
            line = t("pins.wait", seconds=math.ceil(left))
            message.update(Text(f"{self.refused}\n{line}" if self.refused else line))
            return
        if self.countdown is not None:
            self.countdown.stop()
            self.countdown = None
        pin = self.query_one("#pin", Input)
        self.query_one("#code", Input).disabled = pin.disabled = False
        message.update(Text(self.refused))
        if self.changing is None:
            pin.focus()

    def refuse(self, message: str, *, focus: Input) -> None:
        self.query_one("#message", Static).update(Text(message))
        focus.focus()
