"""F11 → 4 Windows, as a supervisor uses it with keys only: register a window and read its one-time code, the
window enrolled (as its PC's browser does at /enrol) shown as such, a new code for an enrolled window asked first,
a window revoked after Ctrl+S, and a bad number refused next to its field with nothing written. Both languages."""

from __future__ import annotations

import re

import pytest
from conftest import CLERK_AND_SUPERVISOR, Clock, keys, run_app, with_pins
from textual.widgets import DataTable, Static

from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.screens.hall_windows import PadDialog, RevokeDialog, WindowCodeDialog, WindowDialog
from firstask.screens.setup import SetupScreen


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:  # type: ignore[no-untyped-def]
    return make_desk(*with_pins(*CLERK_AND_SUPERVISOR), clock=clock)


def run(app: DeskApp, script, size: tuple[int, int] = (120, 40)) -> None:  # type: ignore[no-untyped-def]
    run_app(app, script, size=size, press=("f11", "4"))


def table(app: DeskApp) -> dict[str, list[str]]:
    found = app.screen.query_one("#windows", DataTable)
    return {
        str(found.coordinate_to_cell_key((i, 0)).row_key.value): [cell.plain for cell in found.get_row_at(i)]
        for i in range(found.row_count)
    }


def shown_code(app: DeskApp) -> str:
    assert isinstance(app.screen, WindowCodeDialog)
    words = str(app.screen.query_one("#code", Static).render())
    found = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", words)
    assert found is not None, words
    return found.group(0).replace("-", "")


def test_a_supervisor_registers_a_window_and_is_shown_its_code_once(desk: Desk) -> None:
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(app.screen, SetupScreen) and app.screen.tab == "windows"
        assert table(app) == {}
        await keys(pilot, "n")
        assert isinstance(app.screen, WindowDialog)
        await keys(pilot, *"3", "tab", *"三号窗口", "ctrl+s")
        code = shown_code(app)
        assert len(code) == 8
        how = str(app.screen.query_one("#code-how", Static).render())
        assert "/enrol" in how and "只显示这一次" in how
        (window,) = desk.hall_windows()
        assert (window.number, window.name, window.state) == (3, "三号窗口", "waiting")
        await keys(pilot, "enter")
        assert isinstance(app.screen, SetupScreen)
        assert table(app)["3"][:2] == ["3", "三号窗口"] and "注册码待用" in table(app)["3"][2]
        # The window's PC enrols with the code; the tab shows it enrolled once it reads again.
        desk.enrol_window(code, peer="10.0.0.3")
        app.screen.reread()
        await pilot.pause()
        assert "已注册" in table(app)["3"][2]

    run(app, script)


def test_a_new_code_for_an_enrolled_window_says_what_it_does_and_waits_for_ctrl_s(desk: Desk) -> None:
    _, token = desk.enrol_window(desk.register_window(5, "五号窗口", by="s01"))
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await keys(pilot, "c")
        dialog = app.screen
        assert isinstance(dialog, WindowDialog)
        header = str(dialog.query_one("#header", Static).render())
        assert "原浏览器即被拒之门外" in header
        assert desk.window_of_token(token) is not None  # nothing done yet
        await keys(pilot, "escape")
        assert desk.window_of_token(token) is not None
        await keys(pilot, "enter")  # Enter on the row: the same
        assert isinstance(app.screen, WindowDialog)
        await keys(pilot, "ctrl+s")
        code = shown_code(app)
        assert desk.window_of_token(token) is None
        assert desk.enrol_window(code)[0].number == 5

    run(app, script)


def test_revoking_asks_first_then_the_window_is_turned_away(desk: Desk) -> None:
    _, token = desk.enrol_window(desk.register_window(2, "二号窗口", by="s01"))
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await keys(pilot, "r")
        assert isinstance(app.screen, RevokeDialog)
        assert desk.window_of_token(token) is not None
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)
        assert desk.window_of_token(token) is None
        assert table(app)["2"][2].startswith("revoked")
        assert not app.screen.check_action("revoke", ())  # nothing left to revoke
        await keys(pilot, "r")
        assert isinstance(app.screen, SetupScreen)

    run(app, script)


@pytest.mark.parametrize("typed", ["0", "000", "", "1000"])
def test_a_bad_number_is_refused_next_to_its_field_and_nothing_is_written(desk: Desk, typed: str) -> None:
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        before = desk.store.scalar("SELECT count(*) FROM events")
        await keys(pilot, "n", *typed, "tab", *"Window", "ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, WindowDialog)
        assert dialog.refusals() == ["A window number is a whole number from 1 to 999."]
        assert desk.hall_windows() == [] and desk.store.scalar("SELECT count(*) FROM events") == before

    run(app, script)


def test_letters_cannot_be_typed_as_a_number_and_a_name_is_needed(desk: Desk) -> None:
    app = make_app(desk, user="s01", lang="en", window=1)

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await keys(pilot, "n", *"a1b", "tab", "ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, WindowDialog)
        assert dialog.value("number") == "1"
        assert dialog.refusals() == ["Give the window a name."]
        assert desk.hall_windows() == []

    run(app, script)


def test_the_tab_at_80_columns_in_english(desk: Desk) -> None:
    desk.register_window(12, "Window twelve", by="s01")
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert table(app)["12"][:2] == ["12", "Window twelve"]
        assert table(app)["12"][2].startswith("code waiting")

    run(app, script, size=(80, 24))


def test_registering_a_number_already_registered_is_refused_and_changes_nothing(desk: Desk) -> None:
    _, token = desk.enrol_window(desk.register_window(4, "四号窗口", by="s01"))
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await keys(pilot, "n", *"4", "tab", *"另一个", "ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, WindowDialog)
        assert dialog.refusals() == ["4 号窗口已登记过。要给它新注册码，请在列表中选中它按 c。"]
        assert desk.window_of_token(token) is not None and desk.hall_windows()[0].name == "四号窗口"

    run(app, script)


def test_a_windows_rating_pad_gets_its_code_asked_first_and_shown_once(desk: Desk) -> None:
    """`p` on a window: Ctrl+S makes the pad's code (a pad enrolled before stops), shown once; the pad enrolled with
    it shows in the tab's pad column."""
    desk.enrol_window(desk.register_window(3, "三号窗口", by="s01"))
    _, _, old_pad = desk.enrol(desk.register_pad(3, by="s01"))
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert table(app)["3"][3] == "评价器已登记"
        await keys(pilot, "p")
        dialog = app.screen
        assert isinstance(dialog, PadDialog)
        assert "原先登记的评价器随即失效" in str(dialog.query_one("#header", Static).render())
        await keys(pilot, "escape")
        assert desk.pad_of_token(old_pad) is not None  # nothing done
        await keys(pilot, "p", "ctrl+s")
        code = shown_code(app)
        how = str(app.screen.query_one("#code-how", Static).render())
        assert "评价器" in how and "/enrol" in how
        assert desk.pad_of_token(old_pad) is None
        await keys(pilot, "enter")
        assert "评价器注册码待用" in table(app)["3"][3]
        kind, window, _ = desk.enrol(code)
        assert (kind, window.number) == ("pad", 3)
        app.screen.reread()
        await pilot.pause()
        assert table(app)["3"][3] == "评价器已登记"

    run(app, script)


def test_a_code_not_used_in_time_shows_as_expired(desk: Desk, clock: Clock) -> None:
    """A window's code and a pad's code left unused past their time say so (and which key gives a new one), not
    "waiting" until a date gone by."""
    desk.register_window(5, "五号窗口", by="s01")
    desk.register_pad(5, by="s01")
    clock.advance(days=3)
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        row = table(app)["5"]
        assert row[2].startswith("注册码已过期") and "按 c" in row[2]
        assert row[3].startswith("评价器注册码已过期") and "按 p" in row[3]

    run(app, script, size=(160, 30))
