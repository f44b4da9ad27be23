"""The desk as a Textual app. `make_app` is the one factory the command line, scripts and tests use.

The app keeps the desk and the staff member logged in. It starts at the log-in screen, or already logged in when
given a staff code. Locking (F12, or idle minutes) goes back to the log-in screen and drops every work screen, so
the next clerk starts clean.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from firstask import i18n
from firstask.desk import Desk
from firstask.i18n import t
from firstask.rules import RuleError, Staff
from firstask.screens.check_in import CheckInScreen
from firstask.screens.follow_up import FollowUpScreen
from firstask.screens.keys import localise
from firstask.screens.login import LoginScreen

IDLE_CHECK_SECONDS = 15
HOME = "desk"  # where a clerk lands: the window, with the next visitor in front of them


def make_app(desk: Desk, user: str | None = None, lang: str = "zh") -> DeskApp:
    """The desk app in `lang`; logged in as staff code `user` (scripts, tests), or at the log-in screen."""
    i18n.set_language(lang)
    staff = None
    if user is not None:
        staff = desk.staff().get(user)
        if staff is None or not staff.active:
            raise RuleError("INPUT", "input.unknown_staff", code=user)
    return DeskApp(desk, staff)


class DeskApp(App[None]):
    BINDINGS = [
        Binding("f1", "go('desk')", "app.key.desk", id="desk", tooltip="app.key.desk_tip"),
        Binding("f8", "go('follow_up')", "app.key.follow_up", id="follow_up", tooltip="app.key.follow_up_tip"),
        Binding("f12", "lock", "app.key.lock", id="lock", tooltip="app.key.lock_tip", priority=True),
        Binding("ctrl+p", "command_palette", "app.key.palette", id="palette", tooltip="app.key.palette_tip",
                show=False, priority=True),
        Binding("ctrl+q", "quit", "app.key.quit", id="quit", tooltip="app.key.quit_tip", priority=True),
    ]
    DEFAULT_MODE = "login"

    def __init__(self, desk: Desk, staff: Staff | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.staff = staff
        self.last_input = time.monotonic()
        self.title = t("app.title")
        self.sub_title = self.user_label()
        localise(self)
        self.screens_by_mode: dict[str, Callable[[], Screen[None]]] = {
            "login": lambda: self.localised(LoginScreen(self.desk)),
            "desk": lambda: self.localised(CheckInScreen(self.desk, self.clerk)),
            "follow_up": lambda: self.localised(FollowUpScreen(self.desk, self.clerk)),
        }
        for mode, screen in self.screens_by_mode.items():
            self.add_mode(mode, screen)

    @property
    def clerk(self) -> Staff:
        """The staff member logged in; work screens exist only while there is one."""
        if self.staff is None:
            raise RuntimeError("no one is logged in")
        return self.staff

    def user_label(self) -> str:
        if self.staff is None:
            return t("app.signed_out")
        return t("app.user", name=self.staff.name, code=self.staff.code)

    @staticmethod
    def localised(screen: Screen[None]) -> Screen[None]:
        localise(screen)
        return screen

    async def on_mount(self) -> None:
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        if self.staff is not None:
            await self.switch_mode(HOME)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()
        await super().on_event(event)

    # --- logging in and out ------------------------------------------------------------------------------------

    async def on_login_screen_logged_in(self, message: LoginScreen.LoggedIn) -> None:
        self.staff = message.staff
        self.sub_title = self.user_label()
        self.last_input = time.monotonic()
        await self.switch_mode(HOME)
        await self.renew("login")
        self.refresh_bindings()

    async def action_lock(self) -> None:
        self.staff = None
        self.sub_title = self.user_label()
        await self.switch_mode("login")
        for mode in self.screens_by_mode:
            if mode != "login":
                await self.renew(mode)
        self.refresh_bindings()

    async def lock_if_idle(self, now: float | None = None) -> None:
        """Lock after the policy's idle minutes without a key or a click (SPEC §10)."""
        minutes = self.desk.policy.idle_minutes
        idle = (time.monotonic() if now is None else now) - self.last_input
        if self.staff is not None and minutes and idle >= minutes * 60:
            await self.action_lock()
            self.notify(t("app.idle_locked", minutes=minutes), severity="warning")

    async def renew(self, mode: str) -> None:
        """Drop the mode's screens (and whatever they hold); the mode starts afresh next time."""
        await self.remove_mode(mode)
        self.add_mode(mode, self.screens_by_mode[mode])

    async def action_go(self, mode: str) -> None:
        if self.staff is not None and mode in self.screens_by_mode and mode != "login":
            await self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lock", "go"):
            return self.staff is not None
        return True

    # --- the command palette: every action, in the desk's language ---------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(placeholder=t("app.palette.placeholder"), id="--command-palette"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every binding with an id that can run now, by its description and tooltip."""
        for namespace, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.id and binding.action != "command_palette" and enabled:
                yield SystemCommand(binding.description, tooltip or binding.description,
                                    partial(self.run_action, binding.action, namespace))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit; say what does."""
        self.notify(t("app.quit_hint", key="Ctrl+Q"), title=t("app.quit_hint_title"))
