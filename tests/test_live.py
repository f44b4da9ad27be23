"""The live desk: several windows on one file, each with its own connection. A change made in one window shows in
the others without a key press (the app watches `PRAGMA data_version`); the minute's scan and the notices
(`firstask.live.Tidings`); the callbacks section and the remedy after a bad rating; away/back and the backup
covering; a dialog caught up by a change made meanwhile; a scan in between is not a conflict.

Only the tests that watch another window wait on the real clock (at most a few seconds, polled); the desk's clock is
always the test's own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from conftest import COVERED_TEAM, NOW, SIZE, Clock, accepted, keys, run_app
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, Static

from firstask import i18n
from firstask.app import WATCH_SECONDS, DeskApp, make_app
from firstask.desk import Desk
from firstask.live import Tidings
from firstask.rules import ConflictError
from firstask.screens.bad_ratings import BadRatingsScreen
from firstask.screens.dialog import ActionDialog
from firstask.screens.follow_actions import FeedbackDialog, RemedyDialog
from firstask.screens.follow_up import FollowUpScreen, header

LIVE_SECONDS = 3.0  # another window's change must show well within this (the app looks twice a second)


@pytest.fixture
def clock() -> Clock:
    """The desk's clock, moved by the test; never the wall clock."""
    return Clock(NOW)


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:
    return make_desk(*COVERED_TEAM, clock=clock)


@pytest.fixture
def desk_b(desk, clock):
    """A second window's connection to the same file."""
    other = Desk.open(desk.store.path, clock=clock)
    yield other
    other.close()


@pytest.fixture
def desk_c(desk, clock):
    """A third window (a colleague at another desk)."""
    other = Desk.open(desk.store.path, clock=clock)
    yield other
    other.close()


# --- helpers (check_in, accepted and keys are conftest's, as in tests/test_follow_up.py) ---------------------------


def with_limit(desk: Desk, by: str, days: int, visitor: str = "张三") -> str:
    """An application with no catalogue matter, accepted with a limit of `days` working days."""
    no = desk.check_in(by, visitor_name=visitor, summary="开具证明", kind="application").no
    desk.accept(no, by, materials=[("申请表", 1)], days=days)
    return no


def resolved(desk: Desk, by: str = "w01", visitor: str | None = "张三", *, anonymous: bool = False) -> str:
    """An enquiry answered on the spot: resolved, waiting for the callback unless anonymous."""
    no = desk.check_in(by, visitor_name=None if anonymous else visitor, summary="咨询办事流程", anonymous=anonymous).no
    desk.answer(no, by, "已当场解答")
    return no


def run(app: DeskApp, script: Callable[[Pilot], Awaitable[None]]) -> None:
    """`script(pilot)` on the follow-up screen (F8)."""
    run_app(app, script, press=("f8",), expect=FollowUpScreen)


def run_two(app_a: DeskApp, app_b: DeskApp, script: Callable[[Pilot, Pilot], Awaitable[None]]) -> None:
    """Two windows in one event loop, each app on its own connection, both on the follow-up screen."""

    async def main() -> None:
        async with app_a.run_test(size=SIZE) as pa, app_b.run_test(size=SIZE) as pb:
            await to_follow_up(pa, app_a)
            await to_follow_up(pb, app_b)
            await script(pa, pb)

    asyncio.run(main())


async def to_follow_up(pilot: Pilot, app: DeskApp) -> None:
    await pilot.pause()
    await pilot.press("f8")
    await pilot.pause()
    assert isinstance(app.screen, FollowUpScreen)


async def until(pilot: Pilot, condition: Callable[[], bool], seconds: float = LIVE_SECONDS) -> bool:
    """Let the apps run (no key pressed) until `condition` holds, at most `seconds` of real time."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.1)
    return True


def follow_up(app: DeskApp) -> FollowUpScreen:
    """The app's follow-up screen, also while a dialog is open over it."""
    found = [screen for screen in app.screen_stack if isinstance(screen, FollowUpScreen)]
    assert found, "the follow-up screen is not open"
    return found[-1]


def rows(app: DeskApp, section: str = "mine") -> list[list[str]]:
    """What the section shows: read off the table when it is the chosen section, else the same cells the table
    would show once its key is pressed."""
    screen = follow_up(app)
    if screen.section == section:
        found = screen.table
        return [[cell.plain for cell in found.get_row_at(i)] for i in range(found.row_count)]
    return [[cell.plain for cell in row] for row in screen.section_rows(section)[2]]


def numbers(app: DeskApp, section: str = "mine") -> list[str]:
    return [row[0] for row in rows(app, section)]


def headers(app: DeskApp, section: str = "mine") -> list[str]:
    screen = follow_up(app)
    if screen.section == section:
        return [column.label.plain for column in screen.table.columns.values()]
    return [header(column) for column in screen.section_rows(section)[0]]


def whoami(app: DeskApp) -> str:
    line = follow_up(app).query_one("#whoami", Static)
    assert isinstance(line.content, Text)
    return line.content.plain


def refusals(app: DeskApp) -> list[str]:
    dialog = app.screen
    assert isinstance(dialog, ActionDialog)
    return dialog.refusals()


def told(app: DeskApp) -> list[str]:
    """Every notification the app has shown (and not yet expired): title and message."""
    return [f"{note.title}: {note.message}" for note in app._notifications]


def told_about(app: DeskApp, *words: str) -> bool:
    return any(all(word in note for word in words) for note in told(app))


def events_of(desk: Desk, no: str) -> list[str]:
    return [e.action for e in desk.case(no).history]


# --- 1. two windows: a hand-off shows in the receiver's window and the acceptance in the sender's -------------


def test_a_hand_off_shows_live_in_the_receivers_window_and_the_acceptance_in_the_senders(desk, desk_b):
    no = accepted(desk, "w01")
    app_a = make_app(desk, user="w01")
    app_b = make_app(desk_b, user="w02")

    async def script(pa: Pilot, pb: Pilot) -> None:
        assert rows(app_b, "waiting") == []
        assert numbers(app_a) == [no]
        # A hands the case to 李强 through the screen.
        await keys(pa, "h", *"w02")
        await keys(pa, "enter", *"已核对材料，请继续办理", "ctrl+s")
        assert isinstance(app_a.screen, FollowUpScreen)
        case = desk.case(no)
        assert (case.status, case.owner, case.pending_to) == ("handoff_pending", "w01", "w02")
        # B shows it without a key press, and is told.
        assert await until(pb, lambda: numbers(app_b, "waiting") == [no]), "B's waiting list did not follow"
        assert [row[:3] for row in rows(app_b, "waiting")] == [[no, "王芳", "我"]]
        assert await until(pb, lambda: told_about(app_b, no, "王芳")), told(app_b)
        assert told_about(app_b, i18n.t("follow.live.waiting", no=no, sender="王芳"))
        # B accepts with one key; A's tracking shows 李强 as owner, again without a key press in A.
        await keys(pb, "1", "a")
        assert desk_b.case(no).owner == "w02"
        assert rows(app_b, "waiting") == [] and no in numbers(app_b)
        assert await until(pa, lambda: numbers(app_a, "tracking") == [no]), "A's tracking list did not follow"
        assert [row[:3] for row in rows(app_a, "tracking")] == [[no, "李强", "办理中"]]
        assert numbers(app_a) == []  # no longer in A's own cases
        case = desk.case(no)
        assert (case.owner, case.status, case.pending_to) == ("w02", "in_progress", None)
        assert events_of(desk, no)[-2:] == ["hand_off", "accept_handoff"]

    run_two(app_a, app_b, script)


# --- 3. away and back: the backup's lists follow -----------------------------------------------------------------


def test_away_and_back_moves_the_absent_clerks_work_to_the_backups_lists_live(desk, desk_b, desk_c):
    mine_b = accepted(desk, "w02", "李四")  # 李强's own case
    waiting_b = accepted(desk, "w03", "王五")
    desk.hand_off(waiting_b, "w03", "w02", "请李强签收")  # addressed to 李强 while he is present
    mine_a = accepted(desk, "w01", "赵六")
    app_a = make_app(desk, user="w01")
    app_b = make_app(desk_b, user="w02")
    covered = i18n.t("follow.for.backup", name="李强")

    async def script(pa: Pilot, pb: Pilot) -> None:
        assert rows(app_a, "waiting") == [] and numbers(app_a) == [mine_a]
        assert numbers(app_b, "waiting") == [waiting_b] and numbers(app_b) == [mine_b]
        away = i18n.t("follow.presence.away", backup="王芳")
        assert away not in whoami(app_b)
        # 李强 marks himself away with one key in his own window.
        await keys(pb, "p")
        assert desk_b.staff()["w02"].absent and desk.staff()["w02"].absent
        assert away in whoami(app_b)
        assert told_about(app_b, i18n.t("follow.presence.now_away", backup="王芳"))
        # 王芳's window follows without a key: his waiting hand-off, labelled with his name, and his own cases.
        assert await until(pa, lambda: numbers(app_a, "waiting") == [waiting_b]), rows(app_a, "waiting")
        assert [row[:3] for row in rows(app_a, "waiting")] == [[waiting_b, "张丽", covered]]
        assert await until(pa, lambda: set(numbers(app_a)) == {mine_a, mine_b}), rows(app_a)
        assert headers(app_a)[:2] == [i18n.t("app.cases.col.no"), i18n.t("follow.col.whose")]
        labels = {row[0]: row[1] for row in rows(app_a)}
        assert labels == {mine_a: i18n.t("follow.for.me"), mine_b: covered}
        assert "李强" in whoami(app_a) and "w02" in whoami(app_a)  # whom she covers for
        # A hand-off addressed to 李强 while he is away goes to 王芳 (HO-2) and shows in her window at once.
        routed = accepted(desk_c, "w03", "孙七")
        desk_c.hand_off(routed, "w03", "w02", "请签收")
        case = desk.case(routed)
        assert (case.pending_to, case.history[-1].detail["to"], case.history[-1].detail["via_backup"]) == (
            "w01",
            "w02",
            True,
        )
        assert await until(pa, lambda: routed in numbers(app_a, "waiting")), rows(app_a, "waiting")
        assert [row[:2] for row in rows(app_a, "waiting")] == [[waiting_b, "张丽"], [routed, "张丽"]]
        assert routed not in numbers(app_b, "waiting")
        # 李强 is back: his work leaves 王芳's lists, again without a key in her window; what was routed to her stays.
        await keys(pb, "p")
        assert not desk.staff()["w02"].absent
        assert away not in whoami(app_b)
        assert await until(pa, lambda: numbers(app_a) == [mine_a]), rows(app_a)
        assert await until(pa, lambda: numbers(app_a, "waiting") == [routed]), rows(app_a, "waiting")
        assert "李强" not in whoami(app_a)
        assert i18n.t("follow.col.whose") not in headers(app_a)  # the column goes with the colleague
        assert numbers(app_b, "waiting") == [waiting_b] and numbers(app_b) == [mine_b]
        assert [e.action for e in desk.case(mine_b).history] == ["check_in", "accept"]  # nothing changed hands

    run_two(app_a, app_b, script)


def test_the_backup_accepts_the_absent_colleagues_hand_off_in_her_window(desk, desk_b):
    no = accepted(desk, "w03")
    desk.hand_off(no, "w03", "w02", "请签收")
    app_a = make_app(desk, user="w01")
    app_b = make_app(desk_b, user="w02")

    async def script(pa: Pilot, pb: Pilot) -> None:
        await keys(pb, "p")
        assert await until(pa, lambda: numbers(app_a, "waiting") == [no])
        await keys(pa, "1", "a")
        case = desk.case(no)
        assert (case.owner, case.status, case.history[-1].detail["addressed_to"]) == ("w01", "in_progress", "w02")
        assert numbers(app_a, "waiting") == [] and no in numbers(app_a)
        assert await until(pb, lambda: numbers(app_b, "waiting") == [])

    run_two(app_a, app_b, script)


def test_a_hand_off_routed_to_me_as_backup_names_the_colleague_it_was_addressed_to(desk, desk_c):
    desk.set_absent("w02", True, by="w02")
    app = make_app(desk, user="w01")

    async def script(pilot: Pilot) -> None:
        no = accepted(desk_c, "w03")
        desk_c.hand_off(no, "w03", "w02", "请签收")
        assert desk.case(no).pending_to == "w01" and desk.case(no).history[-1].detail["to"] == "w02"
        assert await until(pilot, lambda: numbers(app, "waiting") == [no])
        assert "李强" in rows(app, "waiting")[0][2]

    run(app, script)


def test_another_windows_change_heard_as_the_window_closes_is_let_go(desk, desk_b):
    """The file's tick can land while the app is closing: a screen has lost its widgets but is still on the stack.
    The change is not shown then (there is nothing left to show it on), nor is what was read behind for a screen
    handed on then, and closing raises nothing."""
    no = accepted(desk, "w01")
    app = make_app(desk, user="w01")
    ticks: list[int] = []
    handed: list[str] = []

    async def script(pilot: Pilot) -> None:
        await keys(pilot, "b")
        assert isinstance(app.screen, BadRatingsScreen)
        app.behind.run(lambda _desk: "running", handed.append)
        await app.behind.caught_up()
        prune = app._prune

        async def pruned_then_ticked(*nodes, parent=None):  # type: ignore[no-untyped-def]
            await prune(*nodes, parent=parent)
            if isinstance(nodes[0], BadRatingsScreen) and not app.is_running:
                desk_b.feedback(no, "s01", "负责人员已电话联系")  # the other window writes just now
                ticks.append(len(nodes[0].children))
                app.watch_file()
                app.behind.run(lambda _desk: "closing", handed.append)  # a list read behind, back too late
                await app.behind.caught_up()

        app._prune = pruned_then_ticked  # type: ignore[method-assign]

    run(app, script)
    assert ticks == [0]  # the tick came once, with the list's screen emptied but still on the stack
    assert handed == ["running"]  # what was read behind is handed on while the app runs, not as it closes


# --- 4. extension past the cap: a supervisor may (the clerk's refusal is in test_follow_up) ---------------------


def test_a_supervisor_extends_past_the_cap(desk):
    no = accepted(desk, "s01")
    due = desk.case(no).due
    app = make_app(desk, user="s01")

    async def script(pilot: Pilot) -> None:
        await keys(pilot, "e", *"20", "enter", *"需外单位出证明", "ctrl+s")
        assert isinstance(app.screen, FollowUpScreen), refusals(app) if isinstance(app.screen, ActionDialog) else ""
        case = desk.case(no)
        assert case.due == desk.calendar.add_working_days(due, 20)
        event = case.history[-1]
        assert (event.action, event.by, event.detail["days"]) == ("extend", "s01", 20)
        assert case.due.isoformat() in rows(app)[0][-1]

    run(app, script)


# --- 5. callbacks: rating, remedy after a bad rating ------------------------------------------------------------


def test_a_bad_rating_stays_on_the_callbacks_list_until_the_remedy_is_recorded(desk, clock):
    bad = resolved(desk, visitor="张三")
    clock.advance(minutes=5)
    good = resolved(desk, visitor="李四")
    anonymous = resolved(desk, anonymous=True)
    app = make_app(desk, user="w01")

    async def script(pilot: Pilot) -> None:
        await keys(pilot, "4")
        assert numbers(app, "callbacks") == [bad, good]  # oldest first; the anonymous one is not called back
        assert anonymous not in numbers(app, "callbacks")
        assert {row[1] for row in rows(app, "callbacks")} == {i18n.t("follow.call.rating")}
        # 不满意 (2): the case closes and waits for the remedy callback, first on the list.
        await keys(pilot, "c", "2", "enter", *"等太久", "ctrl+s")
        assert isinstance(app.screen, FollowUpScreen)
        case = desk.case(bad)
        assert (case.status, case.rating) == ("closed", 2)
        remedy_due = i18n.t("follow.call.remedy", level=i18n.t("follow.rate.levels.2"))
        assert [row[:2] for row in rows(app, "callbacks")] == [[bad, remedy_due], [good, i18n.t("follow.call.rating")]]
        # m opens the remedy; empty is refused, then it is recorded and the row leaves.
        await keys(pilot, "m")
        assert isinstance(app.screen, RemedyDialog)
        await keys(pilot, "ctrl+s")
        assert refusals(app) == [i18n.t("rate2.text")]
        assert events_of(desk, bad)[-1] == "rate"
        await keys(pilot, *"已重新说明办理时限", "ctrl+s")
        assert isinstance(app.screen, FollowUpScreen)
        event = desk.case(bad).history[-1]
        assert (event.action, event.by, event.detail["text"]) == ("remedy", "w01", "已重新说明办理时限")
        assert numbers(app, "callbacks") == [good]
        # 满意 (4): closed, nothing more to call about.
        await keys(pilot, "c", "4", "enter", "ctrl+s")
        assert isinstance(app.screen, FollowUpScreen)
        assert (desk.case(good).status, desk.case(good).rating) == ("closed", 4)
        assert rows(app, "callbacks") == []
        assert follow_up(app).section == "callbacks"
        assert follow_up(app).query_one("#empty").display
        assert follow_up(app).query_one("#empty", Static).content.plain == i18n.t("follow.section.callbacks_empty")
        assert desk.callbacks("w01") == []

    run(app, script)


def test_remedy_is_offered_only_for_a_bad_rating(desk):
    resolved(desk)
    app = make_app(desk, user="w01")

    async def script(pilot: Pilot) -> None:
        screen = follow_up(app)
        await keys(pilot, "4")
        assert screen.check_action("open", ("remedy",)) is False  # resolved, not yet rated
        await keys(pilot, "m")
        assert isinstance(app.screen, FollowUpScreen)

    run(app, script)


# --- 6. a dialog caught up by a change made meanwhile in another window ----------------------------------------


def test_a_dialog_overtaken_by_another_window_keeps_the_text_and_applies_on_the_second_confirm(desk, desk_b):
    no = accepted(desk, "w01")
    desk.hand_off(no, "w01", "w02", "转李强办理")
    desk.accept_handoff(no, "w02")  # 王芳 first asked it; she follows it in Tracking and may give feedback
    app = make_app(desk, user="w01")

    async def script(pilot: Pilot) -> None:
        await keys(pilot, "3", "f", *"材料已送审")
        assert isinstance(app.screen, FeedbackDialog)
        desk_b.feedback(no, "w02", "已电话告知进度")  # 李强, in his window, meanwhile
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, FeedbackDialog), "the dialog closed on a conflict"
        [said] = refusals(app)
        assert "李强" in said and "w02" in said and no in said
        assert i18n.t("dialog.conflict_again") in said
        assert app.screen.query_one("#text", Input).value == "材料已送审"
        texts = [e.detail["text"] for e in desk.case(no).history if e.action == "feedback"]
        assert texts == ["已电话告知进度"]
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, FollowUpScreen)
        feedback = [(e.by, e.detail["text"]) for e in desk.case(no).history if e.action == "feedback"]
        assert feedback == [("w02", "已电话告知进度"), ("w01", "材料已送审")]
        assert desk.case(no).history[-1].by == "w01"

    run(app, script)


# --- 7. a scan in between is not a conflict; a real change is -------------------------------------------------


def test_a_scan_in_between_is_not_a_conflict_but_a_real_change_is(desk, desk_b, clock):
    no = with_limit(desk, "w01", 1)  # due Tuesday 2026-11-24
    seen = desk.case(no).version
    clock.set(datetime(2026, 11, 25, 9, 0))
    found = desk_b.scan()
    assert [(v.rule, v.case_no) for v in found] == [("TIME-2", no)]
    case = desk.case(no)
    assert case.version == seen + 1 and case.history[-1].action == "scan"
    after = desk.feedback(no, "w01", "材料已送审", expect=seen)  # the window saw the case before the scan
    assert after.history[-1].action == "feedback" and after.version == seen + 2
    # Now a real change by someone else between what the window saw and its action.
    seen = after.version
    desk_b.feedback(no, "s01", "负责人员已电话联系")
    with pytest.raises(ConflictError) as caught:
        desk.feedback(no, "w01", "又一次反馈", expect=seen)
    assert caught.value.rule == "CONFLICT" and "陈静" in str(caught.value)
    assert [e.detail.get("text") for e in desk.case(no).history if e.action == "feedback"] == [
        "材料已送审",
        "负责人员已电话联系",
    ]


def test_a_scan_after_a_real_change_still_conflicts(desk, desk_b, clock):
    no = with_limit(desk, "w01", 1)
    seen = desk.case(no).version
    desk_b.feedback(no, "s01", "负责人员已电话联系")
    clock.set(datetime(2026, 11, 25, 9, 0))
    assert [v.rule for v in desk_b.scan()] == ["TIME-2"]
    assert events_of(desk, no)[-2:] == ["feedback", "scan"]
    with pytest.raises(ConflictError) as caught:
        desk.feedback(no, "w01", "材料已送审", expect=seen)
    assert "陈静" in str(caught.value)  # the change named is the real one, not the scan
    assert events_of(desk, no)[-1] == "scan"


# --- 8. what the desk tells a clerk (firstask.live) -------------------------------------------------------------


def test_tidings_tell_a_waiting_hand_off_once_and_a_new_one_again(desk):
    i18n.set_language("zh")
    first = accepted(desk, "w02")
    second = accepted(desk, "w03")
    tidings = Tidings(desk, desk.staff()["w01"])
    assert tidings.news() == []
    desk.hand_off(first, "w02", "w01", "请签收")
    [news] = tidings.news()
    assert (news.text, news.title, news.severity) == (
        i18n.t("follow.live.waiting", no=first, sender="李强"),
        i18n.t("follow.live.waiting_title"),
        "warning",
    )
    assert tidings.news() == []
    desk.hand_off(second, "w03", "w01", "请签收")
    [news] = tidings.news()
    assert news.text == i18n.t("follow.live.waiting", no=second, sender="张丽")
    assert tidings.news() == []


def test_tidings_tell_cases_due_today_and_on_the_next_working_day_once(desk, clock):
    i18n.set_language("zh")
    clock.set(datetime(2026, 11, 20, 10, 0))  # the Friday before
    today = [with_limit(desk, "w01", 1, "甲"), with_limit(desk, "w01", 1, "乙")]  # due Monday 11-23
    tomorrow = with_limit(desk, "w01", 2, "丙")  # due Tuesday 11-24
    later = with_limit(desk, "w01", 5, "丁")
    others = with_limit(desk, "w02", 1, "戊")  # someone else's
    clock.set(NOW)
    tidings = Tidings(desk, desk.staff()["w01"])
    news = tidings.news()
    assert [(n.title, n.text) for n in news] == [
        (i18n.t("follow.live.due_title"), i18n.t("follow.live.due_today", count=2, numbers="、".join(today))),
        (i18n.t("follow.live.due_title"), i18n.t("follow.live.due_next", count=1, numbers=tomorrow, date="2026-11-24")),
    ]
    assert later not in news[0].text + news[1].text and others not in news[0].text + news[1].text
    assert tidings.news() == []


def test_tidings_tell_a_violation_recorded_after_log_in_once_and_not_one_from_before(desk, clock):
    i18n.set_language("zh")
    old = accepted(desk, "w01", "甲")
    desk.hand_off(old, "w01", "w02", "请签收")
    clock.set(NOW + timedelta(minutes=40))
    assert [(v.rule, v.staff, v.case_no) for v in desk.scan()] == [("HO-4", "w02", old)]
    new = accepted(desk, "w03", "乙")
    desk.hand_off(new, "w03", "w02", "请签收")
    tidings = Tidings(desk, desk.staff()["w02"])
    assert [n.title for n in tidings.news()] == [i18n.t("follow.live.waiting_title")]  # not the old HO-4
    clock.advance(minutes=40)
    assert [(v.rule, v.case_no) for v in desk.scan()] == [("HO-4", new)]
    [news] = [n for n in tidings.news() if n.title == i18n.t("follow.live.flagged_title")]
    assert news.severity == "error"
    assert news.text == i18n.t("follow.live.flagged", rules="HO-4", numbers=new)
    assert old not in news.text
    assert [n for n in tidings.news() if n.title == i18n.t("follow.live.flagged_title")] == []


def test_tidings_do_not_tell_a_waiting_hand_off_again_after_a_scan_flags_it(desk, clock):
    i18n.set_language("zh")
    no = accepted(desk, "w03")
    desk.hand_off(no, "w03", "w02", "请签收")
    tidings = Tidings(desk, desk.staff()["w02"])
    assert [n.title for n in tidings.news()] == [i18n.t("follow.live.waiting_title")]
    clock.advance(minutes=40)
    assert [v.rule for v in desk.scan()] == ["HO-4"]  # records a `scan` event on the case: its version grows
    assert [n.title for n in tidings.news()] == [i18n.t("follow.live.flagged_title")]


# --- 9. the callbacks list and the colleagues covered, at desk level -------------------------------------------


def test_callbacks_lists_the_calls_a_clerk_owes(desk, clock):
    def step() -> None:
        clock.advance(minutes=1)

    owned = resolved(desk, "w01", "甲")
    step()
    first_asked = accepted(desk, "w01", "乙")
    desk.hand_off(first_asked, "w01", "w02", "转李强办理")
    desk.accept_handoff(first_asked, "w02")
    step()
    desk.resolve(first_asked, "w02", "已办妥")
    step()
    resolved(desk, "w01", anonymous=True)
    good = resolved(desk, "w01", "丙")
    desk.rate(good, "w01", 4)
    remedied = resolved(desk, "w01", "丁")
    desk.rate(remedied, "w01", 2, "态度不好")
    desk.remedy(remedied, "w01", "已致歉并整改")
    step()
    bad = resolved(desk, "w01", "戊")
    desk.rate(bad, "w01", 1, "推诿")
    theirs = resolved(desk, "w03", "己")
    assert [line.no for line in desk.callbacks("w01")] == [bad, owned, first_asked]  # bad ratings first
    lines = {line.no: line for line in desk.callbacks("w01")}
    assert (lines[bad].status, lines[bad].rating, lines[bad].remedied) == ("closed", 1, False)
    assert lines[first_asked].owner == "w02" and lines[first_asked].resolved_at is not None
    assert [line.no for line in desk.callbacks("w02")] == [first_asked]  # its owner owes the call too
    assert [line.no for line in desk.callbacks("w03")] == [theirs]
    desk.rate(first_asked, "w01", 5)
    assert first_asked not in [line.no for line in desk.callbacks("w01") + desk.callbacks("w02")]


def test_covering_names_the_absent_colleagues_one_backs_up(desk):
    assert desk.covering("w01") == [] and desk.covering("w02") == []
    desk.set_absent("w02", True, by="w02")
    assert [s.code for s in desk.covering("w01")] == ["w02"]
    assert desk.covering("w02") == [] and desk.covering("w03") == []
    desk.set_absent("w03", True, by="s01")  # 张丽's backup is 李强, himself away
    assert [s.code for s in desk.covering("w02")] == ["w03"]
    assert [s.code for s in desk.covering("w01")] == ["w02"]
    desk.set_absent("w02", False)
    assert desk.covering("w01") == []


# --- 10. the app's minute scan --------------------------------------------------------------------------------


def test_the_minute_scan_tells_the_clerk_and_refreshes_the_lists(desk, clock):
    waiting = accepted(desk, "w01", "甲")
    desk.hand_off(waiting, "w01", "w02", "请签收")
    due = with_limit(desk, "w02", 1, "乙")  # due Tuesday 11-24
    app = make_app(desk, user="w02")

    async def script(pilot: Pilot) -> None:
        # The log-in scan runs a moment after log-in (keys first), then tells what already waits.
        assert await until(pilot, lambda: told_about(app, i18n.t("follow.live.waiting", no=waiting, sender="王芳")))
        assert told_about(app, due, "2026-11-24")  # due on the next working day
        before = len(told(app))
        assert i18n.t("app.cases.due.left_one", date="2026-11-24", days=1) == rows(app)[0][-1]
        # HO-4: the hand-off has waited past its 30 working minutes.
        clock.advance(minutes=35)
        app.scan()  # off the UI thread; its commit is seen as another window's
        await app.behind.caught_up()
        assert [(v.rule, v.case_no) for v in desk.violations(staff="w02")] == [("HO-4", waiting)]
        flagged = i18n.t("follow.live.flagged", rules="HO-4", numbers=waiting)
        assert await until(pilot, lambda: told_about(app, flagged)), told(app)[before:]
        # The next morning: due today, said once (the list is test_the_lists_follow_the_day_without_a_breach's).
        clock.set(datetime(2026, 11, 24, 9, 0))
        app.scan()
        due_today = i18n.t("follow.live.due_today", count=1, numbers=due)
        assert await until(pilot, lambda: told_about(app, due_today)), told(app)
        # Past the due date: TIME-2 against 李强, told, and the list says overdue.
        clock.set(datetime(2026, 11, 25, 9, 0))
        app.scan()
        await app.behind.caught_up()
        assert ("TIME-2", due) in [(v.rule, v.case_no) for v in desk.violations(staff="w02")]
        assert await until(pilot, lambda: told_about(app, i18n.t("follow.live.flagged_title"), "TIME-2", due))
        assert await until(pilot, lambda: "2026-11-25" in whoami(app))
        assert "2026-11-25" in whoami(app)
        assert rows(app)[0][0] == due and "2026-11-24" in rows(app)[0][-1]
        assert rows(app)[0][-1] != i18n.t("app.cases.due.today", date="2026-11-24", days=0)
        count = len(told(app))
        app.scan()  # nothing new
        await app.behind.caught_up()
        await pilot.pause(2 * WATCH_SECONDS)
        assert len(told(app)) == count

    run(app, script)


def test_the_lists_follow_the_day_without_a_breach(desk, clock):
    due = with_limit(desk, "w02", 1, "乙")  # due Tuesday 11-24
    app = make_app(desk, user="w02")

    async def script(pilot: Pilot) -> None:
        assert rows(app)[0][-1] == i18n.t("app.cases.due.left_one", date="2026-11-24", days=1)
        assert "2026-11-23" in whoami(app)
        clock.set(datetime(2026, 11, 24, 9, 0))  # the next morning, the desk left open
        app.scan()
        await pilot.pause()
        assert desk.violations() == []  # nothing to flag
        assert told_about(app, i18n.t("follow.live.due_today", count=1, numbers=due))
        assert "2026-11-24" in whoami(app)
        assert rows(app)[0][-1] == i18n.t("app.cases.due.today", date="2026-11-24", days=0)

    run(app, script)
