"""The follow-up screen as a clerk uses it, keys only: waiting hand-offs accepted and declined, hand-off to an absent
colleague's backup, tracking, a case's history, and feedback, extension, resolve and callback from a row. Every test
checks the screen and `desk.case(...)`; one snapshot (zh, 120×40, fixed clock) checks the looks.
"""

import tomllib
from pathlib import Path

import pytest
from conftest import COVERED_TEAM, SIZE, accepted, check_in, keys, run_app
from rich.text import Text
from textual.widgets import DataTable, Input, OptionList, Static

from firstask import i18n
from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.screens.dialog import ActionDialog
from firstask.screens.follow_up import FollowUpScreen
from firstask.screens.hand_off import HandOffDialog
from firstask.screens.history import HistoryScreen
from firstask.widgets.prose import Prose
from firstask.widgets.section_bar import SectionBar

LOCALES = Path(i18n.__file__).with_name("locales")


@pytest.fixture
def desk(make_desk) -> Desk:
    return make_desk(*COVERED_TEAM)


def run(app: DeskApp, script) -> None:
    """`script(pilot)` on the follow-up screen (F8)."""
    run_app(app, script, press=("f8",), expect=FollowUpScreen)


def rows(app: DeskApp, section: str = "mine") -> list[list[str]]:
    """What the section shows: read off the table when it is the chosen section, else the same cells the table
    would show once its key is pressed. A history screen's table (`events`) is read as it is."""
    screen = app.screen
    if not isinstance(screen, FollowUpScreen) or screen.section == section:
        found = screen.query_one("#events", DataTable) if section == "events" else screen.table
        return [[cell.plain for cell in found.get_row_at(i)] for i in range(found.row_count)]
    return [[cell.plain for cell in row] for row in screen.section_rows(section)[2]]


def refusals(app: DeskApp) -> list[str]:
    dialog = app.screen
    assert isinstance(dialog, ActionDialog)
    return dialog.refusals()


def message(app: DeskApp) -> str:
    line = app.screen.query_one("#message", Static)
    assert isinstance(line.content, Text)
    return line.content.plain if line.display else ""


def events_of(desk: Desk, no: str) -> list[str]:
    return [e.action for e in desk.case(no).history]


# --- waiting for me --------------------------------------------------------------------------------------------


def test_accepting_a_waiting_hand_off_with_one_key_makes_me_owner(desk):
    no = accepted(desk, "w02")
    desk.hand_off(no, "w02", "w01", "已核对材料，请继续办理")
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "1")
        assert [row[:3] for row in rows(app, "waiting")] == [[no, "李强", "我"]]
        await keys(pilot, "a")
        assert desk.case(no).owner == "w01" and desk.case(no).status == "in_progress"
        assert rows(app, "waiting") == []
        assert no in [row[0] for row in rows(app)]
        assert message(app) == ""

    run(app, script)


def test_declining_needs_a_reason_and_returns_the_case_to_the_sender(desk):
    no = accepted(desk, "w02")
    desk.hand_off(no, "w02", "w01", "请协助办理")
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "1", "d")
        await keys(pilot, "ctrl+s")
        assert refusals(app) == [i18n.t("ho5.reason")]
        assert desk.case(no).status == "handoff_pending"
        await keys(pilot, *"不属于本岗位", "enter")
        assert isinstance(app.screen, FollowUpScreen)
        case = desk.case(no)
        assert (case.status, case.owner, case.pending_to) == ("in_progress", "w02", None)
        assert case.history[-1].detail["reason"] == "不属于本岗位"
        assert rows(app, "waiting") == []

    run(app, script)


def test_a_hand_off_to_the_absent_colleague_i_back_up_waits_for_me_labelled(desk):
    no = accepted(desk, "w03")
    desk.hand_off(no, "w03", "w02", "请签收")  # addressed to 李强 while present; then he is away
    desk.set_absent("w02", True)  # 王芳 backs him up
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "1")
        assert [row[:3] for row in rows(app, "waiting")] == [[no, "张丽", "李强（离岗，我是B角）"]]
        await keys(pilot, "a")
        assert desk.case(no).owner == "w01"

    run(app, script)


# --- handing off -----------------------------------------------------------------------------------------------


def test_a_hand_off_to_an_absent_colleague_says_it_goes_to_their_backup(desk):
    desk.set_absent("w03", True)  # 张丽, backed up by 李强
    no = accepted(desk)
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "2", "h")
        dialog = app.screen
        assert isinstance(dialog, HandOffDialog)
        await keys(pilot, *"zl")
        listed = dialog.query_one("#colleagues", OptionList)
        assert listed.option_count == 1 and "不在岗" in str(listed.get_option_at_index(0).prompt)
        assert "李强" in str(listed.get_option_at_index(0).prompt)  # the backup is named in the list
        route = dialog.query_one("#route", Prose).text
        assert route == i18n.t(
            "follow.hand_off.route_backup", name="张丽", code="w03", backup="李强", backup_code="w02"
        )
        await keys(pilot, "enter", "ctrl+s")
        assert refusals(app) == [i18n.t("ho1.note")]  # a note is required (HO-1)
        assert desk.case(no).status == "in_progress"
        await keys(pilot, *"已核对材料", "enter")
        assert isinstance(app.screen, FollowUpScreen)
        case = desk.case(no)
        assert (case.status, case.owner, case.pending_to) == ("handoff_pending", "w01", "w02")
        assert case.history[-1].detail["via_backup"] is True

    run(app, script)


def test_the_colleague_is_found_by_code_name_or_initials(desk):
    accepted(desk)
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "h")
        listed = app.screen.query_one("#colleagues", OptionList)
        codes = lambda: [listed.get_option_at_index(i).id for i in range(listed.option_count)]  # noqa: E731
        assert codes() == ["s01", "w02", "w03"]  # not the owner
        await keys(pilot, *"w0")
        assert codes() == ["w02", "w03"]
        await keys(pilot, "backspace", "backspace", *"李")
        assert codes() == ["w02"]
        await keys(pilot, "backspace", *"cj")
        assert codes() == ["s01"]
        assert app.screen.query_one("#route", Prose).text == i18n.t(
            "follow.hand_off.route_direct", name="陈静", code="s01"
        )

    run(app, script)


# --- tracking and history --------------------------------------------------------------------------------------


def test_tracking_lists_a_case_i_first_asked_that_a_colleague_owns_now(desk):
    no = accepted(desk)
    desk.hand_off(no, "w01", "w02", "转李强办理")
    desk.accept_handoff(no, "w02")
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        assert no not in [row[0] for row in rows(app)]
        await keys(pilot, "3")
        assert [row[:3] for row in rows(app, "tracking")] == [[no, "李强", "办理中"]]
        assert app.screen.query_one(SectionBar).label("tracking") == "3 我首问的（1）"
        assert "3 我首问的（1）" in app.screen.query_one(SectionBar).render().plain

    run(app, script)


def test_history_lists_every_event(desk):
    no = accepted(desk)
    desk.feedback(no, "w01", "材料已送审")
    desk.hand_off(no, "w01", "w02", "转李强办理")
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "enter")
        assert isinstance(app.screen, HistoryScreen)
        shown = rows(app, "events")
        assert [row[2] for row in shown] == ["登记", "受理", "反馈进度", "移交"]
        assert len(shown) == len(desk.case(no).history)
        assert all(row[1] == "王芳" for row in shown)
        assert shown[0][0] == "2026-11-23 09:30"
        assert "材料已送审" in shown[2][3]
        assert "李强" in shown[3][3] and "转李强办理" in shown[3][3]
        await keys(pilot, "escape")
        assert isinstance(app.screen, FollowUpScreen)

    run(app, script)


# --- feedback, extend, resolve, callback ---------------------------------------------------------------------


def test_feedback_is_refused_empty_then_recorded(desk):
    no = accepted(desk)
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "f", "ctrl+s")
        assert refusals(app) == [i18n.t("feedback.text")]
        await keys(pilot, *"材料已送审", "enter")
        assert isinstance(app.screen, FollowUpScreen)
        event = desk.case(no).history[-1]
        assert (event.action, event.detail["text"]) == ("feedback", "材料已送审")

    run(app, script)


def test_extending_past_the_cap_is_refused_for_a_clerk_then_a_short_one_is_saved(desk):
    no = accepted(desk)
    due = desk.case(no).due
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "e", *"20", "enter", *"需外单位出证明", "ctrl+s")
        assert len(refusals(app)) == 1 and "15" in refusals(app)[0]  # TIME-3: past the matter's 15 days
        assert desk.case(no).due == due
        await keys(pilot, "shift+tab", "backspace", "backspace", "3", "ctrl+s")
        assert isinstance(app.screen, FollowUpScreen)
        case = desk.case(no)
        assert case.due == desk.calendar.add_working_days(due, 3)
        assert case.history[-1].detail["days"] == 3

    run(app, script)


def test_resolving_needs_a_result(desk):
    no = accepted(desk)
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "v", "ctrl+s")
        assert refusals(app) == [i18n.t("clo1.result")]
        await keys(pilot, *"已办妥可领取", "enter")
        case = desk.case(no)
        assert (case.status, case.result) == ("resolved", "已办妥可领取")
        assert no not in [row[0] for row in rows(app)]

    run(app, script)


def test_a_callback_rates_a_resolved_case_i_track(desk):
    no = accepted(desk)
    desk.hand_off(no, "w01", "w02", "转李强办理")
    desk.accept_handoff(no, "w02")
    desk.resolve(no, "w02", "已办妥")
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "3", "c", "enter", "ctrl+s")
        assert refusals(app) == [i18n.t("rate1.level")]
        await keys(pilot, "2", "enter", *"等太久", "ctrl+s")  # the refusal put the cursor on the level
        assert isinstance(app.screen, FollowUpScreen)
        case = desk.case(no)
        assert (case.status, case.rating) == ("closed", 2)
        assert case.history[-1].detail["bad"] is True
        assert rows(app, "tracking") == []

    run(app, script)


def test_callback_and_reopen_are_offered_only_where_they_apply(desk):
    no = accepted(desk)
    desk.hand_off(no, "w01", "w02", "转李强办理")
    desk.accept_handoff(no, "w02")
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        screen = app.screen
        await keys(pilot, "3")
        assert screen.check_action("open", ("rate",)) is False  # not resolved yet
        desk.resolve(no, "w02", "已办妥")
        await keys(pilot, "r")
        assert screen.check_action("open", ("rate",)) is True
        assert screen.check_action("open", ("reopen",)) is False  # supervisors only
        await keys(pilot, "o")
        assert isinstance(app.screen, FollowUpScreen)

    run(app, script)


# --- two windows -----------------------------------------------------------------------------------------------


def test_a_stale_version_shows_who_changed_the_case_and_applies_nothing(desk):
    no = accepted(desk)
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await pilot.pause()
        desk.feedback(no, "s01", "负责人员已电话联系")  # another window, after this list was read
        before = events_of(desk, no)
        await keys(pilot, "f", *"材料已送审", "ctrl+s")
        [said] = refusals(app)
        assert "陈静" in said and no in said
        assert events_of(desk, no) == before
        assert app.screen.query_one("#text", Input).value == "材料已送审"  # nothing typed is lost

    run(app, script)


def test_a_stale_one_key_accept_is_refused_on_screen(desk):
    no = accepted(desk, "w02")
    desk.hand_off(no, "w02", "w01", "请签收")
    app = make_app(desk, user="w01")

    async def script(pilot) -> None:
        await keys(pilot, "1")
        desk.decline_handoff(no, "s01", "负责人员收回")
        await keys(pilot, "a")
        assert "陈静" in message(app)
        assert desk.case(no).owner == "w02"
        assert rows(app, "waiting") == []  # the list was read again

    run(app, script)


# --- catalogue and looks ---------------------------------------------------------------------------------------


def test_follow_up_strings_exist_in_both_languages():
    zh, en = ({key for key in i18n.catalogue(lang) if key.startswith("follow.")} for lang in ("zh", "en"))
    assert zh and zh == en
    for lang in ("zh", "en"):
        with (LOCALES / f"{lang}-follow.toml").open("rb") as f:
            assert set(tomllib.load(f)) == {"follow"}


def test_snapshot_follow_up(snap_compare, desk):
    mine = accepted(desk, visitor="张a三b")
    check_in(desk, visitor="[bold red]x[/]", summary="咨询居住证办理")
    waiting = accepted(desk, "w02", "李四")
    desk.hand_off(waiting, "w02", "w01", "请签收")
    tracked = accepted(desk, visitor="王五")
    desk.hand_off(tracked, "w01", "w03", "转张丽")
    desk.accept_handoff(tracked, "w03")
    assert mine

    async def follow_up(pilot) -> None:
        await pilot.press("f8")
        await pilot.pause()

    assert snap_compare(make_app(desk, user="w01", lang="zh"), terminal_size=SIZE, run_before=follow_up)
