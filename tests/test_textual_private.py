"""The private names of Textual the desk relies on (`firstask.widgets.textual_private`, and the terminal driver in
`firstask.terminal`), checked against the Textual installed. Each test fails when an upgrade changes what the desk
relies on, or makes a work-around needless: look again at the work-around it names then.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
from dataclasses import replace
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from firstask.widgets.textual_private import mark_styled, notifications_shown, queued, rebind


class Keys(Screen[None]):
    BINDINGS = [Binding("f2", "answer", "words.answer", id="answer", tooltip="words.answer_tip")]

    def compose(self) -> ComposeResult:
        yield Static("keys")


def run(app: App[Any], script: Any) -> None:
    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await script(pilot)

    asyncio.run(main())


def test_a_nodes_bindings_are_rebound_for_that_node_only() -> None:
    """`keys.localise` puts a screen's binding words into the desk's language through `rebind`."""
    app: App[None] = App()

    async def script(pilot: Any) -> None:
        words = Keys()
        rebind(words, lambda b: replace(b, description=b.description.upper(), tooltip="tip"))
        await app.push_screen(words)
        await pilot.pause()
        shown = {binding.description: tooltip for _, binding, _, tooltip in app.screen.active_bindings.values()}
        assert shown.get("WORDS.ANSWER") == "tip"  # what the key bar and the command palette read
        other = Keys()
        await app.push_screen(other)
        await pilot.pause()
        shown = {binding.description for _, binding, _, _ in app.screen.active_bindings.values()}
        assert "words.answer" in shown and "WORDS.ANSWER" not in shown  # the class's bindings are as they were

    run(app, script)


class Modes(App[None]):
    CSS = "Keys Static { text-style: bold; }"

    def __init__(self) -> None:
        super().__init__()
        self.add_mode("plain", lambda: Keys())
        self.add_mode("marked", lambda: self.marked())

    def marked(self) -> Screen[None]:
        screen = Keys()
        mark_styled(screen, self)
        return screen


def test_a_new_mode_screen_restyles_every_sheet_unless_marked_as_styled() -> None:
    """`DeskApp.styled`: Textual parses and applies every style sheet again when a mode's new screen first shows;
    a screen marked as styled is spared it. Should the first assertion fail, Textual no longer does it: drop
    `mark_styled`."""
    app = Modes()
    refreshed: list[str] = []

    async def script(pilot: Any) -> None:
        app.refresh_css = lambda animate=True: refreshed.append(app.current_mode)  # type: ignore[method-assign]
        await app.switch_mode("plain")
        await pilot.pause()
        assert refreshed, "Textual no longer restyles a new mode's screen: mark_styled is needless"
        refreshed.clear()
        await app.switch_mode("marked")
        await pilot.pause()
        assert refreshed == []
        assert app.screen.query_one(Static).styles.text_style.bold  # and the screen is styled all the same

    run(app, script)


def test_the_notifications_on_screen_are_read_as_textual_holds_them() -> None:
    """`DeskApp.push_screen` takes them off screen while a dialog is open, and shows them again after."""
    app: App[None] = App()

    async def script(pilot: Any) -> None:
        app.notify("first", title="one", severity="warning", timeout=7)
        await pilot.pause()
        [shown] = notifications_shown(app)
        assert (shown.message, shown.title, shown.severity, shown.timeout) == ("first", "one", "warning", 7)
        app.clear_notifications()
        await pilot.pause()
        assert notifications_shown(app) == []

    run(app, script)


class Ping(Message):
    pass


def test_a_message_waiting_in_a_nodes_queue_is_seen() -> None:
    """`TypedKeys` hands the next key typed ahead on once nothing the last one set off waits in a queue."""
    app: App[None] = App()

    async def script(pilot: Any) -> None:
        screen = app.screen
        ping = Ping()
        assert ping not in queued(screen)
        screen.post_message(ping)
        assert queued(screen)[-1] is ping  # waiting, until the screen's loop takes it
        await pilot.pause()
        assert ping not in queued(screen)

    run(app, script)


# `firstask.terminal.DeskDriver.run_input_thread` is a copy of this method of Textual's (with the end of input and a
# read error ending the desk): when Textual's changes, compare the two again and record the new digest here.
INPUT_LOOP_SHA256 = "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c"


def test_the_terminal_drivers_input_loop_and_attributes_are_textuals_own() -> None:
    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert hashlib.sha256(source.encode()).hexdigest() == INPUT_LOOP_SHA256
    # What DeskDriver uses of the driver it extends: its output file, event loop, app and debug flag, and the parts
    # its input loop is built of.
    assert "self._file = " in inspect.getsource(LinuxDriver.__init__)
    driver_init = inspect.getsource(Driver.__init__)
    for name in ("self._app = app", "self._debug = debug", "self._loop = "):
        assert name in driver_init
    from textual._loop import loop_last
    from textual._parser import ParseError
    from textual._xterm_parser import XTermParser

    assert list(loop_last([1, 2])) == [(False, 1), (True, 2)]
    assert issubclass(ParseError, Exception)
    assert callable(XTermParser(False).feed) and callable(XTermParser(False).tick)


def test_a_mode_switch_pauses_through_delay_update_and_the_desk_switches_without_the_pause(desk) -> None:
    """Textual's switch_mode holds every update for 50 ms through `delay_update` (a timer named "delay_update");
    `DeskApp.switch_to` holds them only while the switch is under way. If switch_mode stops calling delay_update,
    the desk's override is needless (or the pause comes from elsewhere): look again."""
    called: list[float] = []

    class Modes(App[None]):
        MODES = {"a": Keys, "b": Keys}  # noqa: RUF012
        DEFAULT_MODE = "a"

        def delay_update(self, delay: float = 0.05) -> None:
            called.append(delay)
            super().delay_update(delay)

    async def textual(pilot: Any) -> None:
        pilot.app.switch_mode("b")
        assert called == [0.05]
        assert pilot.app._batch_count == 1  # held until the timer ends it
        await pilot.pause(0.1)
        assert pilot.app._batch_count == 0

    run(Modes(), textual)

    from firstask.app import make_app

    app = make_app(desk, user="w01", lang="en")

    async def desk_switch(pilot: Any) -> None:
        await app.switch_to("follow_up")
        assert app.current_mode == "follow_up"
        assert app._batch_count == 0  # nothing held once the new screen is mounted: it is drawn at once
        assert not [timer for timer in app._timers if timer.name == "delay_update"]

    run(app, desk_switch)


def test_a_datatable_throws_its_cells_away_on_every_style_update_and_a_case_table_only_when_its_look_changed() -> None:
    """Textual's DataTable empties its cell cache (`_cell_render_cache`) whenever styles are applied to it, changed
    or not (a screen coming back to the front has them all applied again). `CaseTable` keeps its cells unless what
    it draws with changed. If DataTable stops throwing them away, CaseTable is needless: look again."""
    from textual.widgets import DataTable

    from firstask.widgets.case_table import CaseTable

    class Tables(App[None]):
        CSS = ".loud { color: red; }"

        def compose(self) -> ComposeResult:
            yield DataTable(id="plain")
            yield CaseTable(id="case")

        def on_mount(self) -> None:
            for table in self.query(DataTable):
                table.add_columns("no", "visitor")
                table.add_rows([("20261120-0001", "张三"), ("20261120-0002", "李四")])

    async def script(pilot: Any) -> None:
        plain, case = pilot.app.query_one("#plain", DataTable), pilot.app.query_one("#case", CaseTable)
        await pilot.pause()
        assert len(plain._cell_render_cache) and len(case._cell_render_cache)
        pilot.app.screen.update_node_styles(animate=False)  # what a screen coming back to the front does
        assert not len(plain._cell_render_cache)
        assert len(case._cell_render_cache)  # nothing it draws with changed
        case.add_class("loud")
        pilot.app.screen.update_node_styles(animate=False)
        assert not len(case._cell_render_cache)  # its colour changed: drawn again
        await pilot.pause()
        case.focus()
        await pilot.pause()
        cached = len(case._cell_render_cache)
        plain.focus()
        await pilot.pause()
        assert cached and case.drawn_with is not None and case.drawn_with[1] is False  # its focus changed: redrawn

    run(Tables(), script)
