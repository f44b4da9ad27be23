"""What the summary screen keeps between day steps, and what makes it read again (issue 18): a day's figures and the
trend's days from today on are kept while the file's write mark and today stand; the trend's days before today while
the history before today stands, shared by every screen on the file and filled ahead by `warm`. A write from this
window or another, a new day, or a restore reads again; a re-read that changes nothing draws nothing; the days a
step would show next are read off the UI thread, and kept only if nothing was written meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import keys, run_app
from test_summary import FRIDAY, THURSDAY, Week, open_week
from test_summary_screen import FRIDAY_EVENING, SummaryApp, figures_shown, run
from textual.widgets import Static

from firstask import app as app_module
from firstask.app import make_app
from firstask.desk import Desk, oversight
from firstask.i18n import t
from firstask.screens import summary
from firstask.screens.summary import SummaryScreen
from firstask.widgets.case_table import CaseTable

SATURDAY = date(2026, 3, 14)


@pytest.fixture
def week(tmp_path: Path) -> Iterator[Week]:
    built = open_week(tmp_path)  # a week of its own: these tests write to it
    built.clock.set(FRIDAY_EVENING)
    yield built
    built.desk.close()


@pytest.fixture(autouse=True)
def no_days_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """No trend days kept by another test's screens: each test counts its own reads."""
    monkeypatch.setattr(oversight, "_past_trend", {})


@pytest.fixture(autouse=True)
def no_log_in_timers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log-in's scan and warm-up come a second or so after log-in: on a slow machine they would land in the
    middle of a test that counts reads (a first scan of the day reads today again). Their own tests are elsewhere
    (test_follow_up_redraw, test_warm_and_hold); here they never come."""
    monkeypatch.setattr(app_module, "FIRST_SCAN_SECONDS", 3600.0)
    monkeypatch.setattr(app_module, "WARM_SECONDS", 3600.0)


class Reads:
    """The desk's summary and trend reads, as asked: (day,) and (last day, days)."""

    def __init__(self, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
        self.summaries: list[date] = []
        self.trends: list[tuple[date, int]] = []
        real_summary, real_trend = desk.summary, desk.trend

        def read_summary(day: date) -> dict[str, Any]:
            self.summaries.append(day)
            return real_summary(day)

        def read_trend(last: date, days: int = 30) -> list[dict[str, Any]]:
            self.trends.append((last, days))
            return real_trend(last, days)

        monkeypatch.setattr(desk, "summary", read_summary)
        monkeypatch.setattr(desk, "trend", read_trend)

    def clear(self) -> None:
        self.summaries.clear()
        self.trends.clear()


def received(screen: Any) -> int:
    return int(figures_shown(screen)[t("summary.figure.received")])


def test_stepping_back_and_forth_reads_each_day_once_while_nothing_is_written(week, monkeypatch):
    reads = Reads(week.desk, monkeypatch)
    app = SummaryApp(week.desk, "en")

    async def script(pilot) -> None:
        screen = app.screen
        assert reads.summaries == [FRIDAY] and reads.trends == [(FRIDAY, 30)]  # resuming read nothing more
        friday, trend = figures_shown(screen), list(screen.trend)
        reads.clear()
        await keys(pilot, "left_square_bracket")
        assert reads.summaries == [THURSDAY] and reads.trends == [(date(2026, 2, 11), 1)]  # the day the chart gains
        thursday = figures_shown(screen)
        reads.clear()
        for _ in range(2):
            await keys(pilot, "right_square_bracket")
            assert figures_shown(screen) == friday and screen.trend == trend
            await keys(pilot, "left_square_bracket")
            assert figures_shown(screen) == thursday
        assert reads.summaries == [] and reads.trends == []

    run(app, script)


def test_a_write_by_another_window_reads_today_again_and_not_the_past(week, monkeypatch):
    reads = Reads(week.desk, monkeypatch)
    other = Desk.open(week.desk.store.path, clock=week.clock)
    app = SummaryApp(week.desk, "en")

    async def script(pilot) -> None:
        screen = app.screen
        before = received(screen)
        await keys(pilot, "left_square_bracket")
        reads.clear()
        other.check_in("w01", visitor_name="周九", summary="咨询社保")
        await keys(pilot, "right_square_bracket")
        # Friday's figures and its point of the trend read again; the 29 days before it stand.
        assert reads.summaries == [FRIDAY] and reads.trends == [(FRIDAY, 1)]
        assert received(screen) == before + 1 and screen.trend[-1]["received"] == before + 1
        reads.clear()
        await keys(pilot, "left_square_bracket")
        assert reads.summaries == [THURSDAY]  # a past day's figures too: the write may have been the roster's
        assert reads.trends == []

    try:
        run(app, script)
    finally:
        other.close()


def test_a_write_by_this_window_reads_again(week, monkeypatch):
    reads = Reads(week.desk, monkeypatch)
    app = SummaryApp(week.desk, "en")

    async def script(pilot) -> None:
        screen = app.screen
        before = received(screen)
        reads.clear()
        week.desk.check_in("w02", visitor_name="吴十", summary="咨询医保")  # no other connection: data_version stands
        screen.reread()
        await pilot.pause()
        assert reads.summaries == [FRIDAY] and reads.trends == [(FRIDAY, 1)]
        assert received(screen) == before + 1

    run(app, script)


def test_the_day_turning_reads_again(week, monkeypatch):
    reads = Reads(week.desk, monkeypatch)
    week.clock.set(datetime(2026, 3, 13, 23, 59))
    app = SummaryApp(week.desk, "en")

    async def script(pilot) -> None:
        screen = app.screen
        assert t("summary.today") in str(screen.query_one("#title", Static).render())
        reads.clear()
        week.clock.set(datetime(2026, 3, 14, 0, 1))  # nothing written: only the day has turned
        screen.reread()
        await pilot.pause()
        # Friday is a past day now: read again, with the trend's days before Saturday under the new day's history.
        assert reads.summaries == [FRIDAY] and reads.trends == [(FRIDAY, 30)]
        assert t("summary.today") not in str(screen.query_one("#title", Static).render())
        reads.clear()
        await keys(pilot, "t")
        assert screen.day == SATURDAY
        assert reads.summaries == [SATURDAY] and reads.trends == [(SATURDAY, 1)]
        assert t("summary.today") in str(screen.query_one("#title", Static).render())

    run(app, script)


def test_a_restore_reads_the_past_days_of_the_trend_again(week, monkeypatch):
    reads = Reads(week.desk, monkeypatch)
    app = SummaryApp(week.desk, "en")

    async def script(pilot) -> None:
        screen = app.screen
        reads.clear()
        screen.reread()
        assert reads.trends == []  # nothing written, nothing read
        # A restore writes the file (a new write mark) and changes the history before today.
        monkeypatch.setattr(week.desk, "written", lambda: (-1, -1))
        monkeypatch.setattr(week.desk, "history_before", lambda day: (1, "restored"))
        screen.reread()
        assert reads.trends == [(FRIDAY, 30)]

    run(app, script)


def test_the_trend_days_kept_are_those_of_their_own_file(week, tmp_path_factory, monkeypatch):
    elsewhere = open_week(tmp_path_factory.mktemp("elsewhere"))
    elsewhere.clock.set(FRIDAY_EVENING)
    try:
        run(SummaryApp(week.desk, "en"), lambda pilot: pilot.pause())
        reads = Reads(elsewhere.desk, monkeypatch)
        run(SummaryApp(elsewhere.desk, "en"), lambda pilot: pilot.pause())
        assert reads.trends == [(FRIDAY, 30)]  # the same days of another file: read, not taken from the first
    finally:
        elsewhere.desk.close()


def spy_drawing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the screen's widgets were told to draw anew: Static.update and its tables' changes, by widget id."""
    drawn: list[str] = []
    for cls, names in ((Static, ("update",)), (CaseTable, ("update_cell", "clear", "add_row", "add_column"))):
        for name in names:
            real = getattr(cls, name)

            def spy(self: Any, *args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
                if isinstance(self.screen, SummaryScreen):
                    drawn.append(f"{self.id}.{_name}")
                return _real(self, *args, **kwargs)

            monkeypatch.setattr(cls, name, spy)
    return drawn


def test_a_reread_that_changes_nothing_draws_nothing(week, monkeypatch):
    app = make_app(week.desk, user="s01", lang="en")
    other = Desk.open(week.desk.store.path, clock=week.clock)
    reads = Reads(week.desk, monkeypatch)

    async def script(pilot) -> None:
        await keys(pilot, "f9")
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        drawn = spy_drawing(monkeypatch)
        events = screen.figures["chain"]["events"]
        other.set_absent("w03", True)  # another window writes, and no figure shown moves
        app.desk_changed()  # as the app does when the file's data_version moves: read off the UI thread
        await app.behind.caught_up()
        await pilot.pause()
        assert screen.figures["chain"]["events"] > events  # read again: the write is in what was read
        assert drawn == []
        reads.clear()
        app.desk_changed()  # nothing written since: nothing read
        await app.behind.caught_up()
        await keys(pilot, "f1")
        await keys(pilot, "f9")  # back to the front: nothing written, nothing read
        assert reads.summaries == [] and reads.trends == []
        assert drawn == []

    try:
        run_app(app, script)
    finally:
        other.close()


def test_a_write_that_changes_a_few_figures_draws_only_those(week, monkeypatch):
    app = make_app(week.desk, user="s01", lang="en")
    other = Desk.open(week.desk.store.path, clock=week.clock)

    async def script(pilot) -> None:
        await keys(pilot, "f9")
        screen = app.screen
        before = received(screen)
        drawn = spy_drawing(monkeypatch)
        other.check_in("w03", visitor_name="郑十一", summary="咨询公积金")
        app.desk_changed()
        await app.behind.caught_up()
        await pilot.pause()
        assert received(screen) == before + 1
        assert "figures.update_cell" in drawn and "trend.update" in drawn
        assert not [d for d in drawn if d.endswith((".clear", ".add_row", ".add_column"))]  # no table built again
        assert "title.update" not in drawn and "satisfaction.update" not in drawn

    try:
        run_app(app, script)
    finally:
        other.close()


def test_the_days_a_step_would_show_next_are_read_ahead_off_the_ui_thread(week, monkeypatch):
    app = make_app(week.desk, user="s01", lang="en")
    ui = threading.get_ident()

    async def script(pilot) -> None:
        await keys(pilot, "f9")
        await app.behind.caught_up()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        asked: list[tuple[date, bool]] = []
        real = Desk.summary

        def read(desk: Desk, day: date) -> dict[str, Any]:
            asked.append((day, threading.get_ident() == ui))
            return real(desk, day)

        monkeypatch.setattr(Desk, "summary", read)
        wednesday = date(2026, 3, 11)
        await keys(pilot, "left_square_bracket")  # Thursday: read ahead while Friday was shown
        await app.behind.caught_up()
        await pilot.pause()
        assert screen.day == THURSDAY
        assert asked == [(wednesday, False)]  # Thursday not read here; Wednesday read on the background thread
        asked.clear()
        await keys(pilot, "left_square_bracket")
        assert screen.day == wednesday and (wednesday, True) not in asked

    run_app(app, script)


def test_what_was_read_ahead_before_a_write_is_not_kept(week, monkeypatch):
    app = make_app(week.desk, user="s01", lang="en")
    other = Desk.open(week.desk.store.path, clock=week.clock)

    async def script(pilot) -> None:
        await keys(pilot, "f9")
        await app.behind.caught_up()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        assert THURSDAY in screen.book.days  # read ahead
        other.check_in("w01", visitor_name="王十二", summary="咨询户籍")
        reads = Reads(week.desk, monkeypatch)
        await keys(pilot, "left_square_bracket")
        assert reads.summaries == [THURSDAY]  # written since: read again on its own mark

    try:
        run_app(app, script)
    finally:
        other.close()


# --- warm: what the first F9 after log-in would otherwise read -------------------------------------------------


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_warm_writes_nothing_and_leaves_the_first_f9_todays_point_alone(week, monkeypatch):
    folder = Path(week.desk.store.path).parent
    mark = week.desk.written()
    elsewhere = Desk.open(week.desk.store.path, clock=week.clock, create=False)  # as the app's background desk
    before = files_of(folder)

    def warm() -> None:
        summary.warm(elsewhere)

    worker = threading.Thread(target=warm)  # on a thread of its own, as the app runs it
    worker.start()
    worker.join()
    elsewhere.close()
    assert files_of(folder) == before
    assert week.desk.written() == mark
    reads = Reads(week.desk, monkeypatch)
    app = SummaryApp(week.desk, "en")

    async def script(pilot) -> None:
        assert reads.trends == [(FRIDAY, 1)]  # the 29 days before today were read by warm
        assert app.screen.trend == week.desk.trend(FRIDAY)

    run(app, script)


# --- the book and the trend's days, without a screen --------------------------------------------------------------


def test_trend_days_are_the_trends_and_the_past_is_read_once_for_the_file(week, monkeypatch):
    whole = {date.fromisoformat(entry["day"]): entry for entry in week.desk.trend(FRIDAY)}
    reads = Reads(week.desk, monkeypatch)
    assert week.desk.trend_days(whole) == whole
    assert reads.trends == [(FRIDAY, 30)]  # thirty consecutive days: one read
    reads.clear()
    assert week.desk.trend_days(whole) == whole
    assert reads.trends == [(FRIDAY, 1)]  # today moves with the file; the days before stand
    other = Desk.open(week.desk.store.path, clock=week.clock)
    try:
        elsewhere = Reads(other, monkeypatch)
        assert other.trend_days([THURSDAY]) == {THURSDAY: whole[THURSDAY]}
        assert elsewhere.trends == []  # another connection to the file finds them kept
    finally:
        other.close()


def test_the_book_keeps_what_it_read_until_a_write_or_a_new_day(week, monkeypatch):
    book = oversight.SummaryBook(week.desk)
    reads = Reads(week.desk, monkeypatch)
    friday, trend = book.summary(FRIDAY), book.trend(FRIDAY)
    reads.clear()
    assert book.summary(FRIDAY) is friday and book.trend(FRIDAY) == trend
    assert not book.moved() and reads.summaries == [] and reads.trends == []
    mark = book.mark
    week.desk.check_in("w01", visitor_name="周九", summary="咨询社保")
    assert book.moved()
    assert not book.take(mark, {THURSDAY: week.desk.summary(THURSDAY)}, {})  # read before the write: not kept
    assert THURSDAY not in book.days
    assert book.summary(FRIDAY)["received"] == friday["received"] + 1
    assert book.trend(FRIDAY)[-1]["received"] == trend[-1]["received"] + 1
    week.clock.set(datetime(2026, 3, 14, 8, 0))
    assert book.moved() and book.days == {} and book.entries == {}
