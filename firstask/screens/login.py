"""The log-in screen: staff code, then PIN. The desk checks them and records every attempt; the PIN is never shown,
kept or logged here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from firstask.desk import LIMITS, Desk
from firstask.i18n import t
from firstask.rules import RuleError, Staff

PIN_DIGITS = 12  # the longest PIN the desk accepts (Desk.add_staff)


class LoginScreen(Screen[None]):
    CSS_PATH = "login.tcss"
    AUTO_FOCUS = "#code"

    @dataclass
    class LoggedIn(Message):
        """A staff member gave the right code and PIN."""

        staff: Staff

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="form") as form:
            form.border_title = t("app.login.title")
            yield Static(Text(t("app.login.hint")), id="hint")
            yield Label(Text(t("app.login.code")))
            yield Input(placeholder=t("app.login.code_placeholder"), max_length=LIMITS["code"], id="code")
            yield Label(Text(t("app.login.pin")))
            yield Input(placeholder=t("app.login.pin_placeholder"), password=True, restrict=r"[0-9]*",
                        max_length=PIN_DIGITS, id="pin")
            yield Static(id="message")
        yield Footer()

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
            self.refuse(refused.message(), focus=pin)
            return
        self.post_message(self.LoggedIn(staff))

    def refuse(self, message: str, *, focus: Input) -> None:
        self.query_one("#message", Static).update(Text(message))
        focus.focus()
