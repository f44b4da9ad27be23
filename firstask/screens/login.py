"""The log-in screen: staff code, then PIN. The desk checks them and records every attempt; the PIN is never shown
or logged here. After a PIN reset (or a first PIN) the staff member sets a new PIN, typed twice, before working;
the old one is held only until then.

Keys typed while the desk is still starting arrive all at once, each already queued for the field that had focus
when it arrived; Textual would move the focus for a Tab or an Enter only after the field has taken the keys behind it
(`w01 Tab 1111 Enter F8` left `w011111` in the code field). So the screen takes its keys itself, one after the other
and each on the field focused at that moment: Tab and Enter move on at once, and the keys typed after the PIN that
let the clerk in are handed on, in order, to the desk behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from firstask.desk import LIMITS, Desk
from firstask.i18n import t
from firstask.rules import RuleError, Staff
from firstask.screens.key_bar import KeyBar
from firstask.screens.title_bar import TitleBar

PIN_DIGITS = 12  # the longest PIN the desk accepts (Desk.add_staff)
# Enter as a key typed before the terminal was put in raw mode arrives: the line discipline turned it into a newline.
ENTER_KEYS = ("enter", "ctrl+j")


class LoginField(Input):
    """A log-in field: its keys go to the log-in screen, which types each into the field focused when it comes."""

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if isinstance(screen, LoginScreen):
            event.stop()
            event.prevent_default()  # Input's own handling would type it here, in the field it was queued for
            await screen.take_key(event)


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
        # Who logged in: keys still coming here are for the desk behind. (The app makes a new log-in screen for the
        # next log-in, so this is never reset.)
        self.let_in: Staff | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="form") as form:
            form.border_title = t("app.login.title")
            yield Static(Text(t("app.login.hint")), id="hint")
            yield Label(Text(t("app.login.code")))
            yield LoginField(placeholder=t("app.login.code_placeholder"), max_length=LIMITS["code"], id="code")
            yield Label(Text(t("app.login.pin")))
            yield LoginField(placeholder=t("app.login.pin_placeholder"), password=True, restrict=r"[0-9]*",
                             max_length=PIN_DIGITS, id="pin")
            with Vertical(id="new-pin"):
                yield Static(id="new-hint")
                yield Label(Text(t("setup.login.new_pin")))
                yield LoginField(password=True, restrict=r"[0-9]*", max_length=PIN_DIGITS, id="pin1")
                yield Label(Text(t("setup.login.new_pin_again")))
                yield LoginField(password=True, restrict=r"[0-9]*", max_length=PIN_DIGITS, id="pin2")
            yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#new-pin").display = False

    # --- keys, in the order they were typed ------------------------------------------------------------------------

    async def on_key(self, event: events.Key) -> None:
        """A key that came before any field had focus (typed while the desk was starting): the code field's."""
        if self.focused is None:
            event.stop()
            self.set_focus(self.query_one("#code", Input))
            await self.take_key(event)

    async def take_key(self, event: events.Key) -> None:
        """One key, on the field focused now: typed into it, or its binding (Tab, Backspace, …) run now."""
        if self.let_in is not None:
            # Logged in already: the desk behind takes the rest, after it has come up. (An Enter typed before the
            # terminal was in raw mode came as a newline: it is still the clerk's Enter.)
            key = "enter" if event.key == "ctrl+j" else event.key
            self.app.post_message(events.Key(key, "\r" if key == "enter" else event.character))
            return
        field = self.focused
        if isinstance(field, Input) and event.key in ENTER_KEYS:
            self.submit(field)
        elif isinstance(field, Input) and event.is_printable and event.character is not None:
            if field.selection.is_empty:
                field.insert_text_at_cursor(event.character)
            else:
                field.replace(event.character, *field.selection)
        else:
            bound = self.active_bindings.get(event.key)
            if bound is not None and bound.enabled:
                await self.app.run_action(bound.binding.action, bound.node)

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        self.submit(event.input)

    def submit(self, field: Input) -> None:
        """Enter in a field: on to the next one, or the step it completes."""
        # Focus is moved at once (`set_focus`, not `Input.focus`, which waits): the next key is for the next field.
        if field.id == "code":
            self.set_focus(self.query_one("#pin", Input))
        elif field.id == "pin":
            self.pin_given()
        elif field.id == "pin1":
            self.set_focus(self.query_one("#pin2", Input))
        elif field.id == "pin2":
            self.new_pin_again()

    # --- logging in -------------------------------------------------------------------------------------------------

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
        if self.desk.pin_reset_due(staff.code):
            self.ask_new_pin(staff, given)
            return
        self.log_in(staff)

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
        self.set_focus(self.query_one("#pin1", Input))

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
        self.log_in(staff)

    def log_in(self, staff: Staff) -> None:
        """Straight to the app, so that the keys typed after this, which `take_key` hands to the app, come after it."""
        self.let_in = staff
        self.app.post_message(self.LoggedIn(staff))

    def refuse(self, message: str, *, focus: Input) -> None:
        self.query_one("#message", Static).update(Text(message))
        self.set_focus(focus)
