"""Keys typed while the desk is still starting are kept, in order.

A clerk who types `w01 Tab 101010 Enter F8` as the desk starts sends it all at once: the terminal held the keys until
the app read them. Textual queues every key of such a burst for the field focused when it arrived, and would move
the focus for Tab only after that field had taken the PIN too (`w01101010` in the code field). These tests post the
keys as the terminal delivers them — all together, Enter as a newline when it was typed before the terminal was in
raw mode — right after the log-in screen shows, and before the app has even drawn it.
"""

import asyncio
from pathlib import Path

import pytest
from conftest import CLERKS, SIZE
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from firstask import app as app_module
from firstask import i18n
from firstask.app import DeskApp
from firstask.desk import Desk
from firstask.screens.check_in import CheckInScreen
from firstask.screens.follow_up import FollowUpScreen
from firstask.screens.login import LoginScreen

CHARACTERS = {"tab": "\t", "enter": "\r", "ctrl+j": "\n", "backspace": "\x7f"}


@pytest.fixture
def desk(make_desk) -> Desk:
    return make_desk(*CLERKS)


def burst(*typed: str) -> list[events.Key]:
    """Key events as the terminal's parser makes them: a single character is itself, other keys by name."""
    out = []
    for key in typed:
        if len(key) == 1:
            out.append(events.Key(key if key.isalnum() else _character_to_key(key), key))
        else:
            out.append(events.Key(key, CHARACTERS.get(key)))
    return out


class EarlyKeys(DeskApp):
    """The desk with keys already waiting before it has drawn anything (posted when the app loads)."""

    CSS_PATH = [str(Path(app_module.__file__).parent / path) for path in DeskApp.CSS_PATH]

    def __init__(self, desk: Desk, keys: list[events.Key]) -> None:
        super().__init__(desk)
        self.early = keys

    def on_load(self) -> None:
        for key in self.early:
            self.post_message(key)


def start(desk: Desk, keys: list[events.Key], *, early: bool, script) -> None:
    i18n.set_language("en")
    app = EarlyKeys(desk, keys if early else [])

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            if not early:
                for key in keys:  # all at once, as the terminal hands over what it held
                    app.post_message(key)
            await pilot.pause()
            await pilot.pause(0.1)
            await script(pilot, app)

    asyncio.run(main())


def fields(app: DeskApp) -> dict[str | None, str]:
    return {box.id: box.value for box in app.screen.query(Input)}


@pytest.mark.parametrize("enter", ["ctrl+j", "enter"])
@pytest.mark.parametrize("early", [False, True], ids=["at-once", "before-drawn"])
def test_a_log_in_typed_while_the_desk_starts_logs_in_and_f8_opens_the_lists(desk, early, enter):
    async def script(pilot, app) -> None:
        assert app.staff is not None and app.staff.code == "w01"
        assert isinstance(app.screen, FollowUpScreen)

    start(desk, burst(*"w01", "tab", *"101010", enter, "f8"), early=early, script=script)


def test_keys_typed_ahead_are_taken_in_order_backspace_and_enter_included(desk):
    async def script(pilot, app) -> None:
        assert app.staff is not None and app.staff.code == "w01"
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#find", Input).value == "zs"  # what was typed after the PIN, for the desk

    start(desk, burst(*"w02", "backspace", "1", "enter", *"101010", "ctrl+j", *"zs"), early=False, script=script)


def test_a_wrong_pin_typed_ahead_leaves_the_rest_in_the_pin_field(desk):
    async def script(pilot, app) -> None:
        assert app.staff is None and isinstance(app.screen, LoginScreen)
        assert fields(app)["code"] == "w01"
        assert fields(app)["pin"] == "11"  # typed after the refusal: the PIN field has the focus now
        assert app.focused is app.screen.query_one("#pin")

    start(desk, burst(*"w01", "tab", *"989898", "enter", *"11"), early=False, script=script)
