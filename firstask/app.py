"""The desk as a Textual app. `make_app` is the one factory the command line, scripts and tests use.

The app keeps the desk and the staff member logged in. It starts at the log-in screen, or already logged in when
given a staff code. Locking (F12, or idle minutes) puts the log-in screen over the desk: the same clerk logging in
again finds their screens and any half-filled form as they left them; anyone else starts clean.

Several windows share one file. Twice a second the app asks SQLite whether another connection has committed
(`PRAGMA data_version`, no file read) and, if so, the screens read their lists again; every minute it runs the
time rules (`scan`) and tells the clerk what concerns them (`firstask.live`).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from textual import events
from textual.app import SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.command import CommandPalette
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.widget import AwaitMount

from firstask import SERVED, i18n, printing, rules
from firstask.behind import Behind
from firstask.desk import Desk
from firstask.i18n import t
from firstask.live import News, Tidings
from firstask.rules import RuleError, Staff
from firstask.screens.check_in import CheckInScreen
from firstask.screens.check_in import warm as warm_window
from firstask.screens.desk_screen import DeskScreen
from firstask.screens.follow_up import FollowUpScreen
from firstask.screens.login import LoginScreen
from firstask.store import StoreError
from firstask.typed_keys import TypedKeys
from firstask.widgets.keys import localise
from firstask.widgets.textual_private import mark_styled, notifications_shown

SUPERVISOR_MODES = ("summary", "violations", "setup")
IDLE_CHECK_SECONDS = 15
WATCH_SECONDS = 0.5  # another window's change shows within this (the issue asks for 2 s)
SCAN_SECONDS = 60
FIRST_SCAN_SECONDS = 1.0  # the log-in scan waits this long after log-in: keys pressed at once are answered first
NEWS_SECONDS = 12
HOME = "desk"  # where a clerk lands: the window, with the next visitor in front of them
IDLE_BEFORE_WARM = 1.0  # the screens are built ahead only once no key has come for this long
HOLD_SECONDS = 0.25  # the longest a dialog opening or closing holds the screen still
WARM_SECONDS = 1.5  # after log-in (and its scan): what the first check-in and dialogs would load, loaded meanwhile
# What a clerk's first check-in, first dialog of each kind and first case history would otherwise import at that
# moment (pypinyin alone is a seventh of a second), imported in a thread after log-in.
WARM_MODULES = (
    "firstask.screens.dialog",
    "firstask.screens.answer",
    "firstask.screens.notice",
    "firstask.screens.accept",
    "firstask.screens.refer",
    "firstask.screens.reject",
    "firstask.screens.kept_answers",
    "firstask.screens.follow_actions",
    "firstask.screens.hand_off",
    "firstask.screens.history",
    "firstask.screens.guides",
)
SUPERVISOR_MODULES = ("firstask.screens.summary", "firstask.screens.violations", "firstask.screens.setup")


def make_app(desk: Desk, user: str | None = None, lang: str = "zh", window: str | int | None = None) -> DeskApp:
    """The desk app in `lang`; logged in as staff code `user` (scripts, tests), or at the log-in screen. `window`:
    the window number this desk serves (printed on slips, recorded with every event), None where it has none."""
    i18n.set_language(lang)
    desk.window = str(window).strip() or None if window is not None else None
    staff = None
    if user is not None:
        staff = desk.staff().get(user)
        if staff is None or not staff.active:
            raise RuleError("INPUT", "input.unknown_staff", code=user)
    return DeskApp(desk, staff)


def warm_summary(desk: Desk) -> None:
    """What a supervisor's first F9 reads, read ahead (`summary.warm`; the module only a supervisor needs)."""
    from firstask.screens.summary import warm as warm_days

    warm_days(desk)


def warm(modules: Iterable[str]) -> None:
    """Import `modules` (the first name's pinyin and the first phone's tables: `check_in.warm`)."""
    import importlib

    for name in modules:
        importlib.import_module(name)


def style_sheets(modules: Iterable[str]) -> list[Path]:
    """The style sheets of the screens defined in `modules` (imported), as Textual names them when a screen opens."""
    import inspect

    out: list[Path] = []
    for name in modules:
        for value in vars(sys.modules[name]).values():
            if isinstance(value, type) and issubclass(value, Screen) and value.__module__ == name:
                folder = Path(inspect.getfile(value)).parent
                paths = (
                    value.CSS_PATH if isinstance(value.CSS_PATH, list) else [value.CSS_PATH] if value.CSS_PATH else []
                )
                out += [(folder / path).resolve() for path in paths if (folder / path).resolve() not in out]
    return out


def scan_today(desk: Desk) -> date:
    """The time rules now (`Desk.scan`), and today's date as the desk sees it."""
    desk.scan()
    return desk.now().date()


def supervisor_screen(mode: str, desk: Desk, supervisor: Staff) -> Screen[None]:
    """The supervisor screens, imported when first opened: a clerk's start-up never pays for them."""
    if mode == "summary":
        from firstask.screens.summary import SummaryScreen

        return SummaryScreen(desk, supervisor)
    if mode == "violations":
        from firstask.screens.violations import ViolationsScreen

        return ViolationsScreen(desk, supervisor)
    from firstask.screens.setup import SetupScreen

    return SetupScreen(desk, supervisor)


class DeskApp(TypedKeys):
    BINDINGS = [
        Binding("f1", "go('desk')", "app.key.desk", id="desk", tooltip="app.key.desk_tip"),
        Binding("f8", "go('follow_up')", "app.key.follow_up", id="follow_up", tooltip="app.key.follow_up_tip"),
        # Supervisor screens: every staff member may press the key; a clerk is refused on screen and it is recorded.
        Binding("f9", "go('summary')", "app.key.summary", id="summary", tooltip="app.key.summary_tip", show=False),
        Binding(
            "f10",
            "go('violations')",
            "app.key.violations",
            id="violations",
            tooltip="app.key.violations_tip",
            show=False,
        ),
        # F11 and F12 may be a browser's own (full screen, its tools): Alt+S and Alt+L reach a served desk.
        Binding("f11,alt+s", "go('setup')", "app.key.setup", id="setup", tooltip="app.key.setup_tip", show=False),
        Binding("f12,alt+l", "lock", "app.key.lock", id="lock", tooltip="app.key.lock_tip", priority=True),
        Binding(
            "ctrl+p",
            "command_palette",
            "app.key.palette",
            id="palette",
            tooltip="app.key.palette_tip",
            show=False,
            priority=True,
        ),
        Binding(
            "ctrl+q", "quit", "app.key.quit", id="quit", tooltip="app.key.quit_tip", priority=True, show=False
        ),  # in the palette; the key bar's room goes to the keys of the work
    ]
    DEFAULT_MODE = "login"
    # The style sheets of the screens on the way to the clerk's lists, each nested under its screen's name, are read
    # with the app's: a screen bringing a sheet of its own makes Textual parse every sheet of the app again.
    CSS_PATH = ["screens/login.tcss", "screens/check_in.tcss", "screens/follow_up.tcss"]

    def __init__(self, desk: Desk, staff: Staff | None = None) -> None:
        # Logged in from the start (scripts, tests, benchmarks): the app opens on the desk itself, and the log-in
        # screen is made only when someone locks it.
        self.DEFAULT_MODE = HOME if staff is not None else "login"  # type: ignore[misc]
        super().__init__()
        self.desk = desk
        self.staff = staff
        self.last_input = time.monotonic()
        self.data_version = 0
        self.pad_seen = 0  # the last of this window's pad requests told about (`tell_pad`)
        self.tidings: Tidings | None = None
        self.behind = Behind(desk, lambda: not self.closing)  # what no key asked for, read off the UI thread
        self.locked: tuple[str, str] | None = None  # who locked the desk, and the mode they were in
        self.held: list[tuple[str, str, SeverityLevel, float | None]] = []  # notifications waiting for a dialog
        self.switching = False
        self.built: set[str] = set()  # the modes whose screen exists now
        self.warmed_for: str | None = None  # who the screens were last built ahead for
        self.scanned_on: date | None = None  # the day of the last scan: a scan on a new day re-reads the lists
        self.title = t("app.title")
        self.sub_title = self.user_label()
        localise(self)
        self.screens_by_mode: dict[str, Callable[[], Screen[None]]] = {
            "login": lambda: self.styled(LoginScreen(self.desk)),
            "desk": lambda: self.styled(CheckInScreen(self.desk, self.clerk)),
            "follow_up": lambda: self.styled(FollowUpScreen(self.desk, self.clerk)),
            "summary": lambda: self.styled(supervisor_screen("summary", self.desk, self.clerk)),
            "violations": lambda: self.styled(supervisor_screen("violations", self.desk, self.clerk)),
            "setup": lambda: self.styled(supervisor_screen("setup", self.desk, self.clerk)),
        }
        for mode, screen in self.screens_by_mode.items():
            self.add_mode(mode, screen)

    def get_driver_class(self) -> type[Driver]:
        """In a terminal, Textual's driver made to end the desk when the terminal goes away (`firstask.terminal`);
        a browser's (`firstask serve`), Windows', a test's: Textual's own."""
        driver = super().get_driver_class()
        if (driver.__module__, driver.__name__) != ("textual.drivers.linux_driver", "LinuxDriver"):
            return driver
        from firstask.terminal import DeskDriver

        return DeskDriver

    @property
    def clerk(self) -> Staff:
        """The staff member logged in; work screens exist only while there is one."""
        if self.staff is None:
            raise RuntimeError("no one is logged in")
        return self.staff

    def user_label(self) -> str:
        if self.staff is None:
            return t("app.signed_out")
        return i18n.name_and_code(self.staff.name, self.staff.code)

    def styled(self, screen: Screen[None]) -> Screen[None]:
        """A mode's new screen (its keys already in the desk's language), marked as styled with the style sheets as
        they stand, so that Textual does not parse and apply them all again when the mode first opens
        (`textual_private.mark_styled`). `tests/test_startup.py` checks that no new screen refreshes the style
        sheets and that they still apply."""
        mark_styled(screen, self)
        return screen

    async def on_mount(self) -> None:
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.data_version = self.desk.changed()
        # The pad's requests before this desk started are not news (`tell_pad`).
        self.pad_seen = self.desk.pad_last(self.desk.window) if self.desk.window is not None else 0
        self.set_interval(WATCH_SECONDS, self.watch_file)
        self.set_interval(SCAN_SECONDS, self.scan)
        # The first start of the day backs the file up, in a thread, once the desk is on screen.
        # Its arguments are read here, on this thread: the worker must not use the desk's connection.
        # A desk on PostgreSQL is backed up by the district's own tools (README "A district on PostgreSQL").
        if self.desk.store.engine == "sqlite":
            backup_job = partial(
                self.daily_backup, self.desk.store.path, self.desk.now().date(), self.desk.policy.backups_kept
            )
            self.call_after_refresh(
                lambda: self.run_worker(backup_job, thread=True, exclusive=True, group="backup", exit_on_error=False)
            )
        if self.staff is not None:
            await self.switch_to(HOME)
            self.start_news()
        if printing.find_font() is None:  # slips would print with a font the printer may not have: say so once
            self.notify(t("slips.font_missing", package=printing.FONT_PACKAGE), severity="warning", timeout=20)
        for problem in self.desk.policy_problems():  # a value stored out of range runs on its default
            self.notify(problem, severity="warning", timeout=20, markup=False)

    def on_unmount(self) -> None:
        self.behind.close()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()
        await super().on_event(event)

    # --- logging in and out ------------------------------------------------------------------------------------

    async def on_login_screen_logged_in(self, message: LoginScreen.LoggedIn) -> None:
        self.staff = message.staff
        self.sub_title = self.user_label()
        self.last_input = time.monotonic()
        back_to = HOME
        if self.locked is not None and self.locked[0] == message.staff.code:
            back_to = self.locked[1]  # the same clerk: back where they were, the open form as they left it
        else:
            await self.drop_work()  # someone else: nothing of the previous clerk's screens survives
        self.locked = None
        await self.switch_to(back_to)
        await self.renew("login")
        self.refresh_bindings()
        self.start_news()

    async def action_lock(self) -> None:
        """Lock (F12, or idle): the log-in screen covers the desk; the work screens wait for the same clerk."""
        if self.staff is not None:
            self.locked = (self.staff.code, self.current_mode)
        self.staff = None
        self.tidings = None
        self.sub_title = self.user_label()
        await self.switch_to("login")
        self.refresh_bindings()

    async def drop_work(self) -> None:
        for mode in self.screens_by_mode:
            if mode != "login" and mode != self.current_mode:
                await self.renew(mode)

    async def lock_if_idle(self, now: float | None = None) -> None:
        """Lock after the policy's idle minutes without a key or a click (SPEC §10)."""
        minutes = self.desk.policy.idle_minutes
        idle = (time.monotonic() if now is None else now) - self.last_input
        if self.staff is not None and minutes and idle >= minutes * 60:
            await self.action_lock()
            self.notify(t("app.idle_locked", minutes=minutes), severity="warning")
        elif self.staff is None and os.environ.get(SERVED):
            # A browser tab left at the log-in screen holds a process of the hall's server (and a place under its
            # caps): it ends once the idle limit and the grace after it have passed; its page offers to open again.
            if idle >= (minutes + self.desk.policy.locked_grace_minutes) * 60:
                self.exit()

    def daily_backup(self, db: Path, today: date, keep: int) -> None:
        from firstask.store import backup

        try:
            backup.daily(db, today, keep)
        except Exception as error:  # noqa: BLE001 (a backup must never take the desk down; say it and go on)
            message = error.message() if isinstance(error, StoreError) else str(error)
            self.call_from_thread(self.notify, t("app.backup_failed", reason=message), severity="warning")

    # --- other windows, the minute's scan, and what to tell the clerk -----------------------------------------

    def start_news(self) -> None:
        """Just after log-in: the time rules as of now, then what already waits for this clerk. The clerk's screen
        comes first, and a key pressed at once (F8, a visitor's name) is answered before the scan and its news."""
        if self.staff is not None:
            self.tidings = Tidings(self.desk, self.staff)
            self.set_timer(FIRST_SCAN_SECONDS, self.scan)
            self.set_timer(WARM_SECONDS, self.warm)

    def warm(self) -> None:
        """Load in a thread, while the clerk is still looking at the screen, what their first check-in and first
        dialogs would load: the modules, pypinyin's and phonenumbers' tables. Nothing here touches the desk's
        connection (it belongs to this thread)."""
        if self.staff is None or self.closing:
            return
        modules = WARM_MODULES + (SUPERVISOR_MODULES if self.staff.is_supervisor else ())
        self.run_worker(partial(warm, modules), thread=True, group="warm", exit_on_error=False)
        self.behind.run(warm_window, lambda _: None)  # the first searches' pages, with the thread's own connection
        if self.staff.is_supervisor:
            self.behind.run(warm_summary, lambda _: None)  # the trend's past days, kept for every desk on the file
        self.set_timer(WARM_SECONDS, partial(self.warm_screens_when_idle, modules))

    def warm_screens_when_idle(self, modules: tuple[str, ...]) -> None:
        """Once the clerk has left the keys alone a moment at the window: the screens their first F8 (and a
        supervisor's first F9) and first dialogs would build, built now (`warm_screens`); else a little later."""
        staff = self.staff
        if staff is None or self.closing or self.warmed_for == staff.code:
            return
        ready = all(name in sys.modules for name in modules)
        idle = time.monotonic() - self.last_input >= IDLE_BEFORE_WARM
        if not (ready and idle and self.current_mode == HOME and not self.dialog_open()):
            self.set_timer(WARM_SECONDS, partial(self.warm_screens_when_idle, modules))
            return
        self.warmed_for = staff.code
        # Through the app's own queue: a key pressed meanwhile waits for it, and never reaches a screen on its way.
        self.call_later(self.warm_screens, modules, staff)

    async def warm_screens(self, modules: tuple[str, ...], staff: Staff) -> None:
        """The dialogs' style sheets read (the first dialog of each kind would make Textual parse and apply every
        sheet of the app again), and the follow-up screen (and a supervisor's summary) built, with nothing drawn:
        updates are held while the desk visits them and comes back."""
        if staff is not self.staff or self.current_mode != HOME:
            return
        sheets = self.stylesheet
        added = False
        for path in style_sheets(modules):
            if not sheets.has_source(str(path), ""):
                sheets.read(path)
                added = True
        if added:
            sheets.reparse()
            sheets.update(self)
        with self.batch_update():
            for mode in ("follow_up", "summary") if staff.is_supervisor else ("follow_up",):
                if mode not in self.built:
                    await self.switch_to(mode)
            await self.switch_to(HOME)

    def watch_file(self) -> None:
        if self.closing:
            return
        self.show_held()
        try:
            version = self.desk.changed()
        except (StoreError, sqlite3.Error):
            return  # the file is busy or gone for a moment; the next tick asks again
        if version != self.data_version:
            self.data_version = version
            self.desk_changed()

    @property
    def closing(self) -> bool:
        """Whether the app is on its way out: a timer's tick or a worker's result that comes now finds screens losing
        their widgets (still on the stack) or already gone, and is let go."""
        return not self.is_running or not self.screen_stack

    def desk_changed(self) -> None:
        """The file changed: every desk screen of the stack reads what it shows again."""
        if self.closing:
            return
        for screen in self.screen_stack:
            if isinstance(screen, DeskScreen):
                screen.desk_changed()
        self.tell()
        self.tell_pad()

    def tell_pad(self) -> None:
        """What became of this window's pad requests (好差评): the visitor's rating arrived, or none came (the request
        expired, or the next service replaced it). Told once each, in order; one still waiting holds the rest."""
        window = self.desk.window
        if window is None or self.staff is None:
            return
        try:
            news = self.desk.pad_news(window, self.pad_seen)
        except (StoreError, sqlite3.Error):
            return
        for item in news:
            if item["ended"] is None:
                break
            self.pad_seen = int(item["id"])
            level = item["level"]
            if level is None:
                self.notify(t("rate.notice.none", no=item["case_no"]), title=t("rate.notice.title"), severity="warning")
            else:
                words = t("rate.notice.rated", no=item["case_no"], level=t(f"rate.level.{level}"))
                bad = level in rules.BAD_RATINGS
                self.notify(words, title=t("rate.notice.title"), severity="error" if bad else "information")

    def scan(self) -> None:
        """The time rules, every minute while someone is logged in (a cron `firstask scan` may run as well)."""
        if self.staff is None or self.closing:
            return
        # Off the UI thread (a scan waits for the file's write lock while other windows write). A scan that records
        # a breach commits on the thread's own connection, which this window sees as any other window's write. The
        # first scan of a day re-reads the lists as well (due dates, days left); one that wrote nothing, the same
        # day, changes nothing on screen: it draws nothing and keeps nobody's key waiting. Busy: the next minute's
        # scan catches up (breaches are recorded at the moment they happened).
        self.behind.run(scan_today, self.scanned)

    def scanned(self, today: date) -> None:
        if today != self.scanned_on:
            self.scanned_on = today
            self.desk_changed()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification, never read as markup (it may quote a colleague's or a visitor's words). While a dialog
        is open it waits, so that it never covers the dialog's fields; it shows when the dialog closes."""
        del markup
        if self.dialog_open():
            self.held.append((message, title, severity, timeout))
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """A dialog opening takes the notifications on screen with it into `held`: none covers its fields."""
        if isinstance(screen, ModalScreen) and not isinstance(screen, CommandPalette):
            for shown in notifications_shown(self):
                self.held.append((shown.message, shown.title, shown.severity, shown.timeout))
            self.clear_notifications()
        pushed = super().push_screen(screen, *args, **kwargs)
        if isinstance(pushed, AwaitMount):
            self.hold_until(pushed)
        return pushed

    def hold_until(self, mounted: AwaitMount) -> None:
        """Nothing drawn until the screen just pushed is mounted: one frame shows it, where Textual would draw the
        screen underneath again, lay it out again, then draw the new one over it, a frame apart each."""
        release = self.hold()

        async def when_mounted() -> None:
            try:
                await mounted
            finally:
                release()

        self.call_next(when_mounted)

    def pop_screen(self) -> AwaitComplete:
        """A dialog closing: the screen underneath is drawn once, when the dialog is gone (Textual would draw it as
        it resumes, then lay it out again and draw it a frame later)."""
        release = self.hold()
        try:
            popped = super().pop_screen()
        except Exception:
            release()
            raise

        async def when_gone() -> None:
            try:
                await popped
            finally:
                release()

        self.call_next(when_gone)
        return popped

    def hold(self) -> Callable[[], None]:
        """Hold every update (Textual's batch) until the returned function is called; at most HOLD_SECONDS, so that
        a screen that never gets there cannot leave the desk frozen."""
        batch = self.batch_update()
        batch.__enter__()
        held = [True]

        def release() -> None:
            if held[0]:
                held[0] = False
                batch.__exit__(None, None, None)

        self.set_timer(HOLD_SECONDS, release)
        return release

    def dialog_open(self) -> bool:
        return isinstance(self.screen, ModalScreen) and not isinstance(self.screen, CommandPalette)

    def show_held(self) -> None:
        """The notifications held while a dialog was open, once it is closed."""
        if self.held and not self.dialog_open():
            held, self.held = self.held, []
            for message, title, severity, timeout in held:
                self.notify(message, title=title, severity=severity, timeout=timeout)

    def tell(self) -> None:
        """What concerns the clerk after a change: read off the UI thread, told on it."""
        tidings = self.tidings
        if tidings is None or self.closing:
            return
        self.behind.run(tidings.news, partial(self.show_news, tidings))

    def show_news(self, tidings: Tidings, news: list[News]) -> None:
        if tidings is not self.tidings:  # logged out (or someone else in) meanwhile
            return
        for item in news:
            self.notify(
                item.text,
                title=item.title,
                severity=item.severity,  # type: ignore[arg-type]
                timeout=NEWS_SECONDS,
            )

    async def renew(self, mode: str) -> None:
        """Drop the mode's screens (and whatever they hold); the mode starts afresh next time."""
        await self.remove_mode(mode)
        self.built.discard(mode)
        self.add_mode(mode, self.screens_by_mode[mode])

    async def take_up(self, no: str) -> None:
        """A case to the window: the check-in screen shows it, and its keys act on it (a follow-up row's `w`)."""
        if self.staff is None:
            return
        await self.switch_to(HOME)
        screen = self.screen
        if isinstance(screen, CheckInScreen):
            screen.take_up(no)

    async def action_go(self, mode: str) -> None:
        if self.staff is None or mode not in self.screens_by_mode or mode == "login":
            return
        if mode in SUPERVISOR_MODES:
            try:
                self.desk.supervisor_only(self.staff.code, mode)
            except (RuleError, StoreError) as refused:
                self.notify(refused.message(), title=t(f"app.key.{mode}"), severity="error")
                return
        await self.switch_to(mode)

    async def switch_to(self, mode: str) -> None:
        self.built.add(mode)
        await self.switch_to_built(mode)

    async def switch_to_built(self, mode: str) -> None:
        """Switch modes with the screen held still until the new one is mounted, then drawn at once.

        Textual masks a mode switch by holding every update for a fixed 50 ms (`App.delay_update`, called by
        `switch_mode`): a clerk pressing F8 waited those 50 ms on every switch. Here updates are held only while the
        switch is under way, so the terminal never shows a half-built screen and the new one shows as soon as it is
        ready (tests/test_textual_private.py watches that switch_mode still asks for the pause through
        delay_update)."""
        with self.batch_update():
            self.switching = True
            try:
                await self.switch_mode(mode)
            finally:
                self.switching = False

    def delay_update(self, delay: float = 0.05) -> None:
        if not self.switching:
            super().delay_update(delay)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go" and parameters and parameters[0] == self.current_mode:
            return False  # the screen in front: its key would do nothing, so the bar keeps its room
        if action in ("lock", "go"):
            return self.staff is not None
        return True

    # --- the command palette: every action, in the desk's language ---------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(placeholder=t("app.palette.placeholder"), id="--command-palette"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every binding with an id that can run now, by its description and tooltip."""
        supervisor = self.staff is not None and self.staff.is_supervisor
        for namespace, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.id in SUPERVISOR_MODES and not supervisor:
                continue  # the key still answers a clerk (refused, recorded); the palette does not offer it
            if binding.id and binding.action != "command_palette" and enabled:
                yield SystemCommand(
                    binding.description,
                    tooltip or binding.description,
                    partial(self.run_action, binding.action, namespace),
                )

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit; say what does."""
        self.notify(t("app.quit_hint", key="Ctrl+Q"), title=t("app.quit_hint_title"))
