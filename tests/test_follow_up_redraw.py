"""The follow-up lists draw only what changed (issue 18): another window's write that changes nothing of this
clerk's draws nothing; a change to one case changes that row's cells in place; a section switch shows its own
table without building it again. The Callbacks list keeps to the calls a clerk can still make (the policy's
`calls_listed_days`); the older ones are under `l`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from conftest import COVERED_TEAM, NOW, Clock, accepted, run_app
from textual.widgets import DataTable, Static

from firstask.app import make_app
from firstask.desk import Desk
from firstask.screens.follow_up import SECTIONS, FollowUpScreen


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:
    return make_desk(*COVERED_TEAM, clock=clock)


@pytest.fixture
def other(desk: Desk, clock: Clock) -> Iterator[Desk]:
    """Another window on the same file."""
    window = Desk.open(desk.store.path, clock=clock)
    yield window
    window.close()


@contextmanager
def drawing(screen: FollowUpScreen) -> Iterator[list[tuple[str, str, tuple[Any, ...]]]]:
    """Every call that changes what a table or the lines above it show: (section or widget, method, arguments)."""
    calls: list[tuple[str, str, tuple[Any, ...]]] = []
    saved: list[tuple[Any, str]] = []

    def spy(target: Any, label: str, method: str) -> None:
        original = getattr(target, method)

        def called(*args: Any, **kwargs: Any) -> Any:
            calls.append((label, method, args))
            return original(*args, **kwargs)

        setattr(target, method, called)
        saved.append((target, method))

    for name in SECTIONS:
        for method in ("clear", "add_row", "add_column", "remove_row", "update_cell"):
            spy(screen.table_of(name), name, method)
    for widget in ("#whoami", "#empty"):
        spy(screen.query_one(widget, Static), widget, "update")
    try:
        yield calls
    finally:
        for target, method in saved:
            delattr(target, method)


def follow_up(app: Any) -> FollowUpScreen:
    screen = app.screen
    assert isinstance(screen, FollowUpScreen)
    return screen


def numbers(table: DataTable[Any]) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


def test_a_write_that_changes_nothing_here_draws_nothing_and_a_change_redraws_its_row(desk, other, clock):
    first, second = accepted(desk, "w01", "张三"), accepted(desk, "w01", "李四")
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        screen = follow_up(app)
        assert numbers(screen.table) == [first, second]
        with drawing(screen) as calls:
            other.check_in("w03", visitor_name="王五", summary="咨询社保")  # a colleague's visitor
            app.desk_changed()  # as the app does when the file moved: read off the UI thread
            await app.behind.caught_up()
            await pilot.pause()
            assert calls == []
            clock.advance(minutes=5)
            other.feedback(first, "w01", "材料已报送审核")  # the same clerk at another window: nothing shown changes
            app.desk_changed()
            await app.behind.caught_up()
            await pilot.pause()
            assert calls == []
            third = accepted(other, "w01", "赵六")  # a new case, due last: a row added, the others kept
            app.desk_changed()
            await app.behind.caught_up()
            await pilot.pause()
            assert [(label, method) for label, method, _ in calls if label == "mine"] == [("mine", "add_row")]
            assert numbers(screen.table) == [first, second, third]
            calls.clear()
            other.extend(third, "w01", 5, "需上级部门会签")  # its due date moves (it stays last): its cells change
            app.desk_changed()
            await app.behind.caught_up()
            await pilot.pause()
            assert {(label, method) for label, method, _ in calls} <= {("mine", "update_cell"), ("#whoami", "update")}
            assert any(method == "update_cell" for _, method, _ in calls)
            assert all(args[0] == third for _, method, args in calls if method == "update_cell")

    run_app(app, script, press=("f8",))


def test_a_section_switch_shows_its_own_table_built_once(desk):
    accepted(desk, "w01", "张三")
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        screen = follow_up(app)
        await pilot.press("3")
        await pilot.pause()
        tracking = screen.table
        assert screen.section == "tracking" and tracking is screen.table_of("tracking")
        await pilot.press("2")
        await pilot.pause()
        with drawing(screen) as calls:
            await pilot.press("3", "2", "3")
            await pilot.pause()
            assert [c for c in calls if c[0] in SECTIONS] == []  # nothing read meanwhile: nothing built again
        assert [name for name in SECTIONS if screen.table_of(name).display] == ["tracking"] or not tracking.row_count

    run_app(app, script, press=("f8",))


def test_callbacks_keep_to_the_policys_days_and_the_older_ones_are_under_l(desk, clock):
    def resolved(visitor: str) -> str:
        no = accepted(desk, "w01", visitor)
        desk.resolve(no, "w01", "已办妥")
        return no

    old = resolved("旧案")
    clock.advance(days=45)
    bad_old = resolved("差评")
    desk.rate(bad_old, "w01", 1, "推诿")  # a bad rating's remedy stays listed, however old
    clock.advance(days=40)
    recent = resolved("新案")
    assert desk.policy.calls_listed_days == 30
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        screen = follow_up(app)
        await pilot.press("4")
        await pilot.pause()
        assert numbers(screen.table) == [bad_old, recent]
        assert "1 older" in str(screen.titles["callbacks"])
        await pilot.press("l")
        await pilot.pause()
        assert numbers(screen.table) == [bad_old, old, recent]
        await pilot.press("l")
        await pilot.pause()
        assert numbers(screen.table) == [bad_old, recent]
        await pilot.press("2", "l")  # not a key of the Mine section: nothing happens
        await pilot.pause()
        assert screen.all_callbacks is False

    run_app(app, script, press=("f8",))


def test_another_windows_write_is_read_off_the_ui_thread_and_a_quiet_scan_triggers_nothing(desk, other, monkeypatch):
    from firstask.screens import follow_up as module

    accepted(desk, "w01", "张三")
    threads: list[int] = []
    real = module.read_lists

    def spied(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "read_lists", spied)
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        screen = follow_up(app)
        threads.clear()
        mine = accepted(other, "w01", "李四")
        app.desk_changed()
        await app.behind.caught_up()
        assert threads and threading.get_ident() not in threads
        assert mine in numbers(screen.table)
        changed: list[int] = []
        monkeypatch.setattr(app, "desk_changed", lambda: changed.append(1))
        app.scanned_on = None
        app.scan()  # the first of the day: the lists follow the day
        await app.behind.caught_up()
        app.scan()  # the same day, nothing recorded: nothing to read or draw
        await app.behind.caught_up()
        assert changed == [1]

    run_app(app, script, press=("f8",))
