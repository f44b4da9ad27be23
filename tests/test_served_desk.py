"""A desk served to a browser tab (issue 19) behaves as at a terminal, but for what a browser changes: Ctrl+N opens a
browser window, so next visitor is on Alt+N too (shown first when served); and a tab left at the log-in screen past
the idle limit and the grace after it ends its process (its page offers to open again)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from conftest import CLERKS
from textual.widgets import Input

from firstask import SERVED
from firstask.app import make_app
from firstask.desk import Desk
from firstask.screens.login import LoginScreen

SIZE = (120, 40)


@pytest.fixture
def desk(make_desk) -> Desk:  # type: ignore[no-untyped-def]
    return make_desk(*CLERKS)


def test_alt_n_is_the_next_visitor_as_ctrl_n_is(desk: Desk) -> None:
    app = make_app(desk, user="w01", lang="zh")

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("tab", *"王五")
            await pilot.pause()
            assert app.screen.query_one("#visitor_name", Input).value == "王五"
            await pilot.press("alt+n")
            await pilot.pause()
            assert app.screen.query_one("#visitor_name", Input).value == ""

    asyncio.run(main())


@pytest.mark.parametrize("served, first", [(True, "Alt+N"), (False, "Ctrl+N")])
def test_a_served_desk_shows_alt_n_first_and_says_so(served: bool, first: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k != SERVED}
    if served:
        environment[SERVED] = "1"
    code = (
        "from firstask.screens.check_in_form import NEXT_KEY, NEXT_KEYS; from firstask import i18n; "
        "print(NEXT_KEYS.split(',')[0], i18n.t('app.checkin.done', 'zh', no='X', next_key=NEXT_KEY))"
    )
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    key, message = said.stdout.split(" ", 1)
    assert key == first.lower() and f"{first} 接待下一位" in message


def test_a_served_tab_left_at_the_log_in_ends_after_the_idle_limit_and_grace(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SERVED, "1")
    app = make_app(desk, lang="zh")
    exited: list[bool] = []
    monkeypatch.setattr(app, "exit", lambda *args, **kwargs: exited.append(True))
    limit = (desk.policy.idle_minutes + desk.policy.locked_grace_minutes) * 60

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen)
            app.last_input = 1000.0
            await app.lock_if_idle(now=1000.0 + limit - 1)
            assert exited == []
            await app.lock_if_idle(now=1000.0 + limit)
            assert exited == [True]

    asyncio.run(main())


def test_a_served_desk_locks_first_and_ends_only_after_the_grace(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERVED, "1")
    app = make_app(desk, user="w01", lang="zh")
    exited: list[bool] = []
    monkeypatch.setattr(app, "exit", lambda *args, **kwargs: exited.append(True))
    idle = desk.policy.idle_minutes * 60

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.last_input = 1000.0
            await app.lock_if_idle(now=1000.0 + idle)
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen) and exited == []  # locked, the clerk's work kept
            await app.lock_if_idle(now=1000.0 + idle + desk.policy.locked_grace_minutes * 60)
            assert exited == [True]

    asyncio.run(main())


def test_a_desk_at_a_terminal_never_ends_itself(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SERVED, raising=False)
    app = make_app(desk, lang="zh")
    exited: list[bool] = []
    monkeypatch.setattr(app, "exit", lambda *args, **kwargs: exited.append(True))

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.last_input = 1000.0
            await app.lock_if_idle(now=1000.0 + 10 * 24 * 3600)
            assert exited == []

    asyncio.run(main())


def test_alt_s_and_alt_l_reach_set_up_and_the_lock_as_f11_and_f12_do(make_desk) -> None:  # type: ignore[no-untyped-def]
    from conftest import SUPERVISOR

    desk = make_desk(*CLERKS, SUPERVISOR)
    app = make_app(desk, user="s01", lang="zh")

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("alt+s")
            await pilot.pause()
            assert app.current_mode == "setup"
            await pilot.press("alt+l")
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen) and app.staff is None

    asyncio.run(main())
