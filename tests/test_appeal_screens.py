"""Appeals of bad ratings on screen (申诉复核, RATE-6; issue 20), keys only, as the clerk and the supervisor use them:
the clerk lists their bad ratings from the follow-up screen (F8, then b) and appeals one with a kind and a reason;
the supervisor sees the appeals waiting from the violations review (F10, then p) and upholds or voids each with a
reason. A refused form keeps what was typed and writes nothing; a decision made in another window shows on the
clerk's list when the file changes; an appeal too late is not offered. Both languages, 120 and 80 columns.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import TEAM, Clock, keys, run_app, screen_text, with_pins
from test_ratings_desk import written
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.screens.appeals import AppealsScreen, DecideAppealDialog
from firstask.screens.bad_ratings import AppealDialog, BadRatingsScreen
from firstask.screens.follow_up import FollowUpScreen
from firstask.screens.setup_forms import FormDialog
from firstask.screens.violations import ViolationsScreen

MONDAY = datetime(2026, 11, 16, 10, 0)


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:  # type: ignore[no-untyped-def]
    clock.set(MONDAY)
    return make_desk(*with_pins(*TEAM), clock=clock)


def bad_rating(desk: Desk, by: str = "w01", level: int = 2, window: str = "3") -> tuple[str, int]:
    """A bad pad rating of `by`'s answer at `window`: the case and the rating's id."""
    at = Desk.open(desk.store.path, clock=desk.clock)
    try:
        at.window = window
        case = at.answer(at.check_in(by, visitor_name="张三", summary="咨询").no, by, "可以办理。")
        at.rate_visit(case.no, level, reasons=["办事效率"], comment="等了很久", window=window)
    finally:
        at.close()
    return case.no, desk.ratings(case.no)[0].id


def rows(app: DeskApp, table: str) -> list[list[str]]:
    found = app.screen.query_one(f"#{table}", DataTable)
    return [[cell.plain for cell in found.get_row_at(i)] for i in range(found.row_count)]


def refusals(app: DeskApp) -> list[str]:
    dialog = app.screen
    assert isinstance(dialog, FormDialog), type(dialog)
    return dialog.refusals()


async def choose_kind(pilot: Pilot[None], steps: int) -> None:
    """The kind of appeal chosen as a clerk does: Enter opens the list, arrows move, Enter takes it."""
    pilot.app.screen.query_one("#kind", Select).focus()
    await keys(pilot, "enter", *["down"] * steps, "enter")


async def type_reason(pilot: Pilot[None], text: str) -> None:
    field = pilot.app.screen.query_one("#reason", Input)
    field.focus()
    await pilot.pause()
    field.value = text
    await keys(pilot, "end")


@pytest.mark.parametrize(("lang", "size"), [("zh", (120, 40)), ("en", (80, 24))])
def test_a_clerk_appeals_a_bad_rating_from_the_follow_up_screen(
    desk: Desk, clock: Clock, lang: str, size: tuple[int, int]
) -> None:
    no, rating_id = bad_rating(desk)
    clock.set(MONDAY + timedelta(hours=2))
    app = make_app(desk, user="w01", lang=lang)

    async def script(pilot: Pilot[None]) -> None:
        await keys(pilot, "b")
        assert isinstance(app.screen, BadRatingsScreen)
        listed = rows(app, "bad-ratings")
        assert len(listed) == 1 and listed[0][1] == no
        open_until = "可申诉至 11-23" if lang == "zh" else "Until 11-23"  # 5 working days after Monday 16th
        assert listed[0][-1] == open_until
        text = screen_text(app, size)
        assert ("办事效率" in text) and ("等了很久" in text)
        await keys(pilot, "s")
        assert isinstance(app.screen, AppealDialog)
        before = written(desk.store.path)
        await keys(pilot, "ctrl+s")  # neither a kind nor a reason
        said = refusals(app)
        assert len(said) == 2 and all(line.strip() for line in said)
        assert written(desk.store.path) == before
        await choose_kind(pilot, 1)  # 误评 / Rated by mistake
        await type_reason(pilot, "服务对象当面说明按错了。")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, BadRatingsScreen)
        rating = desk.rating(rating_id)
        assert rating.appeal_kind == "mistake" and rating.appeal_reason == "服务对象当面说明按错了。"
        assert rows(app, "bad-ratings")[0][-1] == ("待复核" if lang == "zh" else "Waiting")
        assert not app.screen.check_action("appeal", ())  # once only
        await keys(pilot, "s")
        assert isinstance(app.screen, BadRatingsScreen)
        await keys(pilot, "escape")
        assert isinstance(app.screen, FollowUpScreen)

    run_app(app, script, size=size, press=("f8",), expect=FollowUpScreen)
    assert [a.id for a in desk.open_appeals()] == [rating_id]


def test_a_supervisors_decision_shows_on_the_clerks_list_when_the_file_changes(desk: Desk, clock: Clock) -> None:
    no, rating_id = bad_rating(desk)
    desk.appeal(rating_id, "w01", "恶意差评：服务对象不符合条件。", kind="malicious")
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot: Pilot[None]) -> None:
        await keys(pilot, "b")
        assert rows(app, "bad-ratings")[0][-1] == "待复核"
        elsewhere = Desk.open(desk.store.path, clock=clock)
        try:
            elsewhere.decide_appeal(rating_id, "s01", uphold=False, reason="核实录像，确属恶意。")
        finally:
            elsewhere.close()
        app.desk_changed()  # what the file watch calls when another window wrote
        await app.behind.caught_up()  # the news is read off the UI thread
        await pilot.pause()
        assert rows(app, "bad-ratings")[0][-1] == "成立，评价作废"
        text = screen_text(app)
        assert "核实录像，确属恶意。" in text and "陈静（s01）" in text

    run_app(app, script, press=("f8",), expect=FollowUpScreen)


def test_an_appeal_too_late_is_not_offered(desk: Desk, clock: Clock) -> None:
    _no, rating_id = bad_rating(desk)
    clock.set(MONDAY + timedelta(days=8))  # past the 5th working day
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot: Pilot[None]) -> None:
        await keys(pilot, "b")
        assert rows(app, "bad-ratings")[0][-1] == "Too late"
        assert not app.screen.check_action("appeal", ())
        await keys(pilot, "s")
        assert isinstance(app.screen, BadRatingsScreen)

    run_app(app, script, press=("f8",), expect=FollowUpScreen)
    assert desk.rating(rating_id).appealed_at is None


def test_another_clerks_bad_rating_is_not_on_my_list(desk: Desk) -> None:
    bad_rating(desk, by="w02", window="4")
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot: Pilot[None]) -> None:
        await keys(pilot, "b")
        assert not rows(app, "bad-ratings")
        assert "近一个月没有差评。" in screen_text(app)

    run_app(app, script, press=("f8",), expect=FollowUpScreen)


@pytest.mark.parametrize(("lang", "size"), [("zh", (120, 40)), ("en", (80, 24))])
def test_a_supervisor_voids_an_appealed_rating_with_a_reason(
    desk: Desk, clock: Clock, lang: str, size: tuple[int, int]
) -> None:
    no, rating_id = bad_rating(desk)
    desk.appeal(rating_id, "w01", "服务对象当面说明按错了。", kind="mistake")
    clock.set(MONDAY + timedelta(days=1))
    satisfied_before = desk.ranking("2026-11")["staff"][0]["satisfaction_rate"]
    app = make_app(desk, user="s01", lang=lang)

    async def script(pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, ViolationsScreen)
        assert ("差评申诉待复核 1 件" if lang == "zh" else "appeals waiting: 1") in screen_text(app, size)
        await keys(pilot, "p")
        assert isinstance(app.screen, AppealsScreen)
        listed = rows(app, "appeals")
        assert len(listed) == 1 and no in listed[0]
        assert "服务对象当面" in screen_text(app, size)  # the reason in full under the list (wrapped at 80)
        await keys(pilot, "v")
        assert isinstance(app.screen, DecideAppealDialog)
        before = written(desk.store.path)
        await keys(pilot, "ctrl+s")
        assert len(refusals(app)) == 1
        assert written(desk.store.path) == before
        await type_reason(pilot, "调取录像核实，确属误按。")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, AppealsScreen)
        assert not rows(app, "appeals")
        await keys(pilot, "a")  # the decided ones too
        listed = rows(app, "appeals")
        assert listed[0][-1] == ("成立，评价作废" if lang == "zh" else "Granted: voided")
        assert not app.screen.check_action("decide", ("void",))
        await keys(pilot, "escape")
        assert isinstance(app.screen, ViolationsScreen)
        assert ("差评申诉待复核" if lang == "zh" else "appeals waiting") not in screen_text(app, size)

    run_app(app, script, size=size, press=("f10",), expect=ViolationsScreen)
    rating = desk.rating(rating_id)
    assert rating.voided and rating.decision == "void" and rating.decided_by == "s01"
    assert rating.decision_reason == "调取录像核实，确属误按。"
    assert satisfied_before == 0.0 and desk.ranking("2026-11")["staff"][0]["satisfaction_rate"] is None
    assert desk.case(no).history[-1].action == "decide_appeal"


def test_a_supervisor_upholds_an_appealed_rating(desk: Desk) -> None:
    _no, rating_id = bad_rating(desk)
    desk.appeal(rating_id, "w01", "不是我接待的。", kind="not_me")
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot: Pilot[None]) -> None:
        await keys(pilot, "p", "u")
        assert isinstance(app.screen, DecideAppealDialog)
        await type_reason(pilot, "监控显示确为本人接待。")
        await keys(pilot, "enter")  # Enter in the reason confirms, as Ctrl+S does
        assert isinstance(app.screen, AppealsScreen)
        assert "没有待复核的申诉。" in screen_text(app)

    run_app(app, script, press=("f10",), expect=ViolationsScreen)
    rating = desk.rating(rating_id)
    assert not rating.voided and rating.decision == "uphold"
    assert not desk.open_appeals()
