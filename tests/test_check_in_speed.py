"""What keeps a letter typed at the check-in screen within two frames, checked as behaviour (never as time): the
search results' list keeps its height while the clerk types, so the form is not laid out again; the list is filled
in one call, and not at all when the results did not change; a reason said again is not drawn again; and `warm`,
which loads what the first search and check-in would, writes nothing."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import CLERKS, run_app
from textual.widgets import Input, OptionList, Static

from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.screens.check_in import CheckInScreen, warm

# Eight returning visitors whose initials start with z (more than the list's six lines), three of them zs; their
# cases answered (an open case would be listed under its visitor).
VISITORS = ("张三", "赵四", "周五", "郑六", "朱七", "钟八", "邹九", "庄十")


@pytest.fixture
def desk(make_desk) -> Desk:
    desk = make_desk(*CLERKS)
    for n, name in enumerate(VISITORS):
        case = desk.check_in("w02", visitor_name=name, phone=f"1380000{n:04d}", summary="咨询")
        desk.answer(case.no, "w02", "已告知。")
    return desk


def window(app: DeskApp) -> CheckInScreen:
    screen = app.screen
    assert isinstance(screen, CheckInScreen)
    return screen


def count_calls(monkeypatch: pytest.MonkeyPatch, *names: str) -> Counter[tuple[str, str]]:
    """Calls of OptionList's `names`, by list id and method."""
    calls: Counter[tuple[str, str]] = Counter()
    for name in names:
        original = getattr(OptionList, name)

        def counted(self: OptionList, *args: object, _name: str = name, _original=original, **kwargs: object):
            calls[(self.id or "", _name)] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(OptionList, name, counted)
    return calls


def test_the_results_keep_their_height_and_the_form_its_place_while_typing(desk: Desk) -> None:
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        screen = window(app)
        await pilot.press("z")
        await pilot.pause()
        found = screen.query_one("#visitors", OptionList)
        assert found.display and found.option_count == len(VISITORS)
        height = found.outer_size.height
        below = screen.query_one("#person-row").region.y
        for letter, count in (("s", 3), ("x", 0)):  # zs: 张三, 赵四, 庄十; zsx: nobody
            await pilot.press(letter)
            await pilot.pause()
            if count:
                assert found.option_count == count
                assert found.outer_size.height == height  # three lines take the room of eight
                assert screen.query_one("#person-row").region.y == below  # nothing under the list moved
        assert not found.display  # nobody found: the list goes, and says so
        await pilot.press("backspace")
        await pilot.pause()
        assert found.display and found.option_count == 3 and found.outer_size.height == height

    run_app(app, script, expect=CheckInScreen)


def test_the_results_scroll_to_the_highlighted_line_without_a_scrollbar(desk: Desk) -> None:
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        await pilot.press("z", "down")  # eight visitors in a list of six lines; down goes into the list
        await pilot.pause()
        found = window(app).query_one("#visitors", OptionList)
        assert app.focused is found and found.highlighted == 0
        await pilot.press(*["down"] * 7)
        await pilot.pause()
        assert found.highlighted == 7 and found.scroll_offset.y == 2  # the last visitor, scrolled into view
        await pilot.press("enter")
        await pilot.pause()
        assert window(app).query_one("#visitor_name", Input).value == found.get_option_at_index(7).prompt.plain[:2]

    run_app(app, script, expect=CheckInScreen)


def test_the_results_are_set_in_one_call_and_not_again_when_unchanged(desk: Desk, monkeypatch) -> None:
    calls = count_calls(monkeypatch, "set_options", "clear_options", "add_option")
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        screen = window(app)
        await pilot.press("z", "s")
        await pilot.pause()
        assert calls == Counter({("visitors", "set_options"): 2})  # one call a letter, none line by line
        await pilot.press("s")  # zss: nobody; the list emptied and hidden, in one call too
        await pilot.pause()
        assert calls[("visitors", "set_options")] == 3 and not screen.list_shown("visitors")
        screen.query_one("#matter", Input).focus()
        await pilot.press(*"jzz")  # j: several matters; jz: the residence permit; jzz: the same one
        await pilot.pause()
        assert calls[("matters", "set_options")] == 2
        assert not {name for _, name in calls} & {"clear_options", "add_option"}

    run_app(app, script, expect=CheckInScreen)


def test_a_value_set_without_its_message_looks_nothing_up(desk: Desk) -> None:
    """What the screen puts in a search field itself (a matter picked, the form cleared) is not a search."""
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        screen = window(app)
        find = screen.query_one("#find", Input)
        with find.prevent(Input.Changed):
            find.value = "zs"
        await pilot.pause()
        assert screen.found == [] and not screen.list_shown("visitors")
        find.value = "zs"[:1]
        await pilot.pause()
        assert len(screen.found) == len(VISITORS) and screen.list_shown("visitors")

    run_app(app, script, expect=CheckInScreen)


def test_a_reason_said_again_is_not_drawn_again(desk: Desk, monkeypatch) -> None:
    updates: Counter[str] = Counter()
    original = Static.update

    def counted(self: Static, *args: object, **kwargs: object) -> None:
        updates[self.id or ""] += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(Static, "update", counted)
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        await pilot.press(*"qq")  # nobody: the reason appears
        await pilot.pause()
        assert updates["find-reason"] == 1
        await pilot.press(*"qq")  # still nobody: the same reason, left as it is
        await pilot.pause()
        assert updates["find-reason"] == 1
        assert window(app).query_one("#find", Input).value == "qqqq"

    run_app(app, script, expect=CheckInScreen)


def files(folder: Path) -> dict[str, bytes]:
    """The desk's file and its write-ahead log (the shared-memory index changes as anyone merely reads)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.endswith("-shm")}


def test_warm_loads_what_the_first_check_in_needs_and_writes_nothing(desk: Desk, tmp_path: Path) -> None:
    mark, before = desk.written(), files(tmp_path)
    warm(desk)
    assert desk.written() == mark
    assert files(tmp_path) == before
    for module in ("pypinyin", "phonenumbers", "firstask.screens.answer", "firstask.screens.accept"):
        assert module in sys.modules, module
