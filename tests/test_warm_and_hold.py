"""What the desk does so that a clerk's keys are answered at once (issue 18): after log-in, once the keys rest, it
loads what the first check-in and dialogs would load and builds the follow-up screen (a supervisor's summary too)
with nothing drawn and nothing written; a dialog opening or closing is drawn once, when it is ready, never held for
longer than a moment.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest
from conftest import CLERK_AND_SUPERVISOR, NOW, Clock, run_app
from textual.screen import ModalScreen

import firstask.app as app_module
from firstask.app import HOME, WARM_MODULES, make_app, style_sheets
from firstask.desk import Desk
from firstask.screens.check_in import CheckInScreen


@pytest.fixture
def desk(make_desk) -> Desk:
    return make_desk(*CLERK_AND_SUPERVISOR, clock=Clock(NOW))


@pytest.fixture
def quick(monkeypatch) -> None:
    """Warm-up at once instead of seconds after log-in (real time: it waits for the keys to rest)."""
    monkeypatch.setattr(app_module, "WARM_SECONDS", 0.05)
    monkeypatch.setattr(app_module, "IDLE_BEFORE_WARM", 0.05)


async def until(condition: Any, seconds: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@pytest.mark.parametrize("code", ["w01", "s01"])
def test_once_the_keys_rest_the_first_screens_are_built_ahead_with_nothing_written(desk, quick, code):
    app = make_app(desk, user=code, lang="zh")
    written = desk.written()

    async def script(pilot) -> None:
        expected = {"follow_up", "summary"} if code == "s01" else {"follow_up"}
        assert await until(lambda: app.warmed_for == code and expected <= app.built)
        await pilot.pause()
        assert app.current_mode == HOME and isinstance(app.screen, CheckInScreen)
        assert all(name in sys.modules for name in WARM_MODULES)
        assert all(app.stylesheet.has_source(str(path), "") for path in style_sheets(WARM_MODULES))
        assert app._batch_count == 0
        assert desk.written() == written  # nothing written, the log-in scan found nothing to record

    run_app(app, script)


def test_a_clerk_typing_puts_the_warm_up_off(desk, quick, monkeypatch):
    monkeypatch.setattr(app_module, "IDLE_BEFORE_WARM", 60.0)  # the clerk never rests
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        await pilot.press("z", "s")
        await asyncio.sleep(0.3)
        assert app.warmed_for is None and "follow_up" not in app.built
        assert app.screen.query_one("#find").value == "zs"

    run_app(app, script)


def test_a_dialog_is_drawn_once_ready_and_the_screen_is_never_held_for_long(desk):
    case = desk.check_in("w01", visitor_name="张三", summary="咨询居住证")
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        screen.take_up(case.no)
        await pilot.pause()
        screen.action_act("answer")
        assert app._batch_count == 1  # held until the dialog is mounted
        await pilot.pause()
        assert isinstance(app.screen, ModalScreen) and app._batch_count == 0
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ModalScreen) and app._batch_count == 0
        release = app.hold()  # a hold nobody releases ends by itself
        assert app._batch_count == 1
        await asyncio.sleep(app_module.HOLD_SECONDS + 0.2)
        assert app._batch_count == 0
        release()
        assert app._batch_count == 0  # released once only

    run_app(app, script)
