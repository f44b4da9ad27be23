"""The app as a clerk uses it: log in, see my open cases, lock. Pilot tests check state; two snapshots check looks."""

import asyncio
import json
import tomllib
from datetime import datetime
from pathlib import Path

import pytest
from conftest import CLERKS, NOW, Clock
from rich.cells import cell_len
from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import Input, Static

from firstask import i18n
from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.rules import RuleError
from firstask.screens.check_in import CheckInScreen
from firstask.screens.follow_up import FollowUpScreen
from firstask.screens.login import LoginScreen
from firstask.widgets.cells import cut

SIZE = (120, 36)
LOCALES = Path(i18n.__file__).with_name("locales")


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:
    return make_desk(*CLERKS, clock=clock)


def check_in(desk: Desk, visitor: str, summary: str, by: str = "w01") -> str:
    return desk.check_in(
        by, visitor_name=visitor, summary=summary, channel="visit", kind="application", matter="JZZ"
    ).no


def accept(desk: Desk, no: str) -> None:
    case = desk.case(no)
    desk.accept(no, case.owner, materials=[(name, 1) for name in case.matter_info.required()])


@pytest.fixture
def cases(desk) -> list[str]:
    """Three cases of w01 (one accepted, so due in 15 working days) and one of w02."""
    first = check_in(desk, "张a三b", "申领居住证，材料齐全，需要当场核对身份证原件和居住证明")
    accept(desk, first)
    second = check_in(desk, "[bold red]x[/]", "咨询居住证办理")
    third = check_in(desk, "Li Lei", "居住证续签")
    check_in(desk, "陈", "另一位同事的案件", by="w02")
    return [first, second, third]


def run(app: DeskApp, script) -> None:
    """Run `script(pilot)` against the app in a fixed-size headless terminal."""

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            if app.staff is not None:  # these tests are about the follow-up list
                await open_follow_up(pilot, app)
            await script(pilot)

    asyncio.run(main())


async def log_in(pilot, code: str, pin: str) -> None:
    await pilot.press(*code, "enter", *pin, "enter")
    await pilot.pause()


async def open_follow_up(pilot, app: DeskApp) -> None:
    """A clerk lands on the check-in screen; F8 opens their follow-up list."""
    if isinstance(app.screen, FollowUpScreen):
        return
    assert isinstance(app.screen, CheckInScreen)
    await pilot.press("f8")
    await pilot.pause()
    assert isinstance(app.screen, FollowUpScreen)


def table_rows(app: DeskApp) -> list[list[str]]:
    table = app.screen.table
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def table_cells(app: DeskApp) -> list[dict[str, str]]:
    """Each row by column (the channel is left out below 140 cells, so positions move with the width)."""
    table = app.screen.table
    keys = [str(key.value) for key in table.columns]
    return [dict(zip(keys, (cell.plain for cell in table.get_row_at(i)), strict=True)) for i in range(table.row_count)]


def desk_events(desk: Desk) -> list[str]:
    return [r["action"] for r in desk.store.all("SELECT action FROM events WHERE case_no IS NULL ORDER BY seq")]


def shown(widget: Static) -> str:
    content = widget.content
    assert isinstance(content, Text), "screen text holding data must be rich Text, never markup"
    return content.plain


# --- logging in ------------------------------------------------------------------------------------------------


def test_log_in_shows_my_open_cases(desk, cases):
    app = make_app(desk)

    async def script(pilot) -> None:
        assert isinstance(app.screen, LoginScreen)
        assert app.focused is app.screen.query_one("#code")
        await log_in(pilot, "w01", "101010")
        await open_follow_up(pilot, app)
        assert app.staff is not None and app.staff.code == "w01"
        assert app.title == "首问服务台" and app.sub_title == "王芳（w01）"
        rows = table_rows(app)
        assert [row[0] for row in rows] == [line.no for line in desk.my_cases("w01")]
        assert sorted(row[0] for row in rows) == sorted(cases)  # not w02's case
        first = table_cells(app)[0]
        assert [first[key] for key in ("no", "status", "kind", "matter")] == [cases[0], "办理中", "办事", "居住证申领"]
        assert first["visitor"] == "张a三b"
        due = desk.case(cases[0]).due
        assert first["due"] == f"{due.isoformat()} 余 15 个工作日"
        assert table_cells(app)[1]["due"] == "—"
        assert shown(app.screen.query_one("#whoami")) == "王芳（w01）　今天 2026-11-23 星期一　在办 3 件"

    run(app, script)
    assert desk_events(desk)[-1] == "login"


def test_a_wrong_pin_is_refused_and_recorded(desk, cases):
    app = make_app(desk)

    async def script(pilot) -> None:
        await log_in(pilot, "w01", "989898")
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert app.staff is None
        assert shown(screen.query_one("#message")) == "工号或 PIN 不正确。"
        assert screen.query_one("#code", Input).value == "w01"
        assert screen.query_one("#pin", Input).value == ""
        assert app.focused is screen.query_one("#pin")
        await pilot.press(*"101010", "enter")  # the code is kept: the PIN alone again
        await pilot.pause()
        await open_follow_up(pilot, app)

    run(app, script)
    assert desk_events(desk)[-2:] == ["login_refused", "login"]
    assert not any("989898" in r["detail"] for r in desk.store.all("SELECT detail FROM events"))


def test_an_empty_code_asks_for_it_without_asking_the_desk(desk):
    app = make_app(desk, lang="en")

    async def script(pilot) -> None:
        await pilot.press("enter", *"101010", "enter")
        await pilot.pause()
        assert shown(app.screen.query_one("#message")) == "Type your staff code first."
        assert app.focused is app.screen.query_one("#code")

    before = desk_events(desk)
    run(app, script)
    assert desk_events(desk) == before


def test_f12_locks_the_desk_and_the_next_clerk_logs_in(desk, cases):
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await open_follow_up(pilot, app)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.staff is None and app.sub_title == "未登录"
        assert app.screen.query_one("#code", Input).value == ""
        await pilot.press("f12")  # locking a locked desk does nothing
        await log_in(pilot, "w02", "202020")
        await open_follow_up(pilot, app)
        assert app.sub_title == "李强（w02）"
        assert [row["visitor"] for row in table_cells(app)] == ["陈"]  # the new clerk's cases, not w01's
        await pilot.press("f12")
        await pilot.pause()
        assert app.screen.query_one("#code", Input).value == ""  # w02's code is not left behind

    run(app, script)


def test_the_desk_locks_itself_after_the_idle_minutes(desk):
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        minutes = desk.policy.idle_minutes
        app.last_input = 1000.0
        await app.lock_if_idle(now=1000.0 + minutes * 60 - 1)
        await open_follow_up(pilot, app)
        await app.lock_if_idle(now=1000.0 + minutes * 60)
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.staff is None

    run(app, script)


def test_make_app_refuses_an_unknown_user(desk):
    with pytest.raises(RuleError) as refused:
        make_app(desk, user="nobody", lang="en")
    assert refused.value.message("en") == "There is no active staff member with code nobody."


# --- the cases screen ------------------------------------------------------------------------------------------


def test_english_starts_on_the_cases_screen(desk, cases):
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        await open_follow_up(pilot, app)
        assert app.sub_title == "王芳 (w01)"
        table = app.screen.table
        # 120 cells: the channel gives its room to the summary (it is in the history)
        assert [column.label.plain for column in table.columns.values()][:3] == ["No.", "Status", "Kind"]
        assert table_rows(app)[0][1:3] == ["in progress", "application"]
        assert shown(app.screen.query_one("#whoami")) == "王芳 (w01)  ·  today Mon 2026-11-23  ·  3 open"
        assert {binding.description for _, binding, *_ in app.screen.active_bindings.values() if binding.show} == {
            "Lock",
            i18n.t("app.key.desk"),  # not F8: this is the follow-up screen
            # the follow-up screen's sections and what can be done in "Mine"
            "History",
            "Hand off",
            "Feedback",
            "Extend",
            "Resolve",
            "Away/back",
            "To window",
            "Bad ratings",
        }

    run(app, script)


def test_user_text_is_shown_literally(desk, cases):
    desk.add_staff("w03", "[b]周[/b]", pin="303030")
    check_in(desk, "[bold red]x[/]", "[link=http://x]点我[/link]", by="w03")
    app = make_app(desk, user="w03")

    async def script(pilot) -> None:
        table = app.screen.table
        visitor, summary = (
            table.get_cell_at(Coordinate(0, table.get_column_index(key))) for key in ("visitor", "summary")
        )
        assert (visitor.plain, visitor.spans) == ("[bold red]x[/]", [])
        assert summary.plain == "[link=http://x]点我[/link]"
        assert shown(app.screen.query_one("#whoami")).startswith("[b]周[/b]（w03）")
        assert app.sub_title == "[b]周[/b]（w03）"

    run(app, script)


def test_due_dates_show_working_days_left_overdue_and_provisional(desk, clock):
    clock.now = datetime(2026, 10, 26, 9, 0)
    overdue = check_in(desk, "甲", "逾期")
    accept(desk, overdue)  # due 2026-11-16
    clock.now = datetime(2026, 11, 2, 9, 0)
    today = check_in(desk, "乙", "今日到期")
    accept(desk, today)  # due 2026-11-23
    clock.now = datetime(2026, 12, 15, 9, 0)
    provisional = check_in(desk, "丙", "明年到期")
    accept(desk, provisional)  # due in 2027, whose official schedule is not confirmed yet
    clock.now = NOW
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        table = app.screen.table
        due = {no: table.get_cell(no, "due") for no in (overdue, today, provisional)}
        assert due[overdue].plain == "2026-11-16 已逾期 5 个工作日"
        assert "red" in str(due[overdue].style)
        assert due[today].plain == "2026-11-23 今日到期"
        assert "yellow" in str(due[today].style)
        assert due[provisional].plain.endswith("（暂定）")
        assert desk.case(provisional).due_provisional

    run(app, script)


def test_no_open_cases_shows_a_message(desk, cases):
    app = make_app(desk, user="w02", lang="en")

    async def script(pilot) -> None:
        desk.answer(desk.my_cases("w02")[0].no, "w02", "居住证在社区服务中心窗口办理。")
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.table.display is False
        empty = app.screen.query_one("#empty", Static)
        assert empty.display and shown(empty) == "You have no open cases."

    run(app, script)


def test_r_refreshes_and_keeps_the_cursor_on_its_case(desk, cases):
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await pilot.press("down")
        table = app.screen.table
        under_cursor = table_rows(app)[table.cursor_row][0]
        new = check_in(desk, "赵", "新登记的案件")
        await pilot.press("r")
        await pilot.pause()
        assert new in [row[0] for row in table_rows(app)]
        assert table_rows(app)[table.cursor_row][0] == under_cursor

    run(app, script)


def test_every_action_is_in_the_command_palette(desk, cases):
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert commands == {
            "刷新": "重新读取我的在办案件",
            "锁屏": i18n.t("app.key.lock_tip"),
            "退出": "关闭服务台程序",
            i18n.t("app.key.desk"): i18n.t("app.key.desk_tip"),
            # not F8: this is the follow-up screen
            **{
                i18n.t(f"follow.key.{key}"): i18n.t(f"follow.key.{key}_tip")
                for key in (
                    "waiting",
                    "mine",
                    "tracking",
                    "callbacks",
                    "history",
                    "hand_off",
                    "feedback",
                    "extend",
                    "resolve",
                    "presence",
                    "to_window",
                    "bad_ratings",
                )
            },
        }
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"锁屏")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.staff is None
        assert {command.title for command in app.get_system_commands(app.screen)} == {"退出"}

    run(app, script)


def test_summary_is_cut_by_cells_not_characters():
    for text in ("张a三b", "居住证申领材料", "abcdef", "[bold]x[/]"):
        for cells in range(1, 10):
            out = cut(text, cells)
            assert cell_len(out) <= cells
            assert out == text or out.endswith("…")
    assert cut("张a三b", 6) == "张a三b"
    assert cut("张a三b", 5) == "张a…"
    assert cut("张a三b", 4) == "张a…"
    assert cut("张a三b", 3) == "张…"


# --- catalogue (the domain's imports: tests/test_import_hygiene.py) --------------------------------------------


def test_app_strings_exist_in_both_languages():
    zh, en = ({key for key in i18n.catalogue(lang) if key.startswith("app.")} for lang in ("zh", "en"))
    assert zh and zh == en
    for lang in ("zh", "en"):
        with (LOCALES / f"{lang}-app.toml").open("rb") as f:
            assert set(tomllib.load(f)) == {"app"}


# --- snapshots: few, fixed clock, fixed size, no blinking cursor ----------------------------------------------


async def steady(pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_snapshot_login(snap_compare, desk, lang):
    async def wrong_pin(pilot) -> None:
        await steady(pilot)
        await log_in(pilot, "w01", "0000")

    assert snap_compare(make_app(desk, lang=lang), terminal_size=SIZE, run_before=wrong_pin)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_snapshot_cases(snap_compare, desk, cases, lang):
    async def follow_up(pilot) -> None:
        await pilot.press("f8")
        await steady(pilot)

    assert snap_compare(make_app(desk, user="w01", lang=lang), terminal_size=SIZE, run_before=follow_up)


@pytest.mark.parametrize("key, mode", [("f9", "summary"), ("f10", "violations"), ("f11", "setup")])
def test_a_clerk_is_refused_the_supervisor_screens_and_it_is_recorded(desk, key, mode):
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        before = app.current_mode
        await pilot.press(key)
        await pilot.pause()
        assert app.current_mode == before
        assert isinstance(app.screen, FollowUpScreen)
        told = [n.message for n in app._notifications]
        assert "Only a supervisor may use this; the attempt has been recorded." in told

    run(app, script)
    refused = desk.store.all("SELECT by_staff, detail FROM events WHERE action = 'access_refused'")
    assert [(r["by_staff"], json.loads(r["detail"])["what"]) for r in refused] == [("w01", mode)]


def test_an_idle_lock_keeps_the_open_form_for_the_same_clerk_only(desk):
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        app.screen.query_one("#visitor_name", Input).value = "赵六"
        app.screen.query_one("#summary", Input).value = "咨询低保申请，材料待补"
        app.last_input = 1000.0
        await app.lock_if_idle(now=1000.0 + desk.policy.idle_minutes * 60)
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.staff is None
        await log_in(pilot, "w01", "101010")
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#summary", Input).value == "咨询低保申请，材料待补"
        assert app.screen.query_one("#visitor_name", Input).value == "赵六"
        await pilot.press("f12")
        await pilot.pause()
        await log_in(pilot, "w02", "202020")
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#summary", Input).value == ""  # another clerk: nothing of w01's form
        assert app.screen.query_one("#visitor_name", Input).value == ""

    run(app, script)


def test_wrong_pins_lock_the_code_on_screen_and_it_is_recorded(desk, clock):
    """Ten wrong PINs in a row lock a code (this window slows after the third: typed at other windows here), the
    right PIN is then refused on screen, and five minutes on the code opens again."""
    from firstask.desk import LOCKOUT_ATTEMPTS

    for _ in range(LOCKOUT_ATTEMPTS - 1):  # typed at other windows, one each (none of them is slowed yet)
        with Desk.open(desk.store.path, clock=clock) as other, pytest.raises(RuleError):
            other.authenticate("w01", "989898")
    app = make_app(desk, lang="en")

    async def script(pilot) -> None:
        await log_in(pilot, "w01", "989898")  # the tenth: the code locks
        await pilot.press(*"101010", "enter")  # the right PIN, but the code is locked now
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.staff is None
        assert "locked for 5 minutes" in shown(app.screen.query_one("#message"))
        clock.now = NOW.replace(minute=NOW.minute + 6)  # five minutes on, the code opens again
        await pilot.press(*"101010", "enter")
        await pilot.pause()
        assert app.staff is not None and app.staff.code == "w01"

    run(app, script)
    assert desk_events(desk)[-5:] == ["login_refused", "login_refused", "lock", "login_locked", "login"]
