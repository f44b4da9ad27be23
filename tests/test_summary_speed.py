"""The summary screen's day steps read what they must and draw what changed (issue 18): the trend's days before
today are read once and kept while the history before today stands (a restore changes it), today's is read again
after a write; a table whose shape stands has only its changed cells drawn again (`widgets.table_fill.fill`).
tests/test_summary_speed_cache.py has the rest of what the screen keeps and when it reads again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from rich.text import Text
from test_summary import Week, open_week
from test_summary_screen import FRIDAY_EVENING, SummaryApp, figures_shown, run
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from firstask.desk import Desk, oversight
from firstask.widgets.table_fill import fill


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Week]:
    built = open_week(tmp_path_factory.mktemp("summary-speed"))
    yield built
    built.desk.close()


@pytest.fixture
def desk(week: Week, monkeypatch) -> Iterator[Desk]:
    week.clock.set(FRIDAY_EVENING)
    yield week.desk


def spy_trend(desk: Desk, monkeypatch) -> list[tuple[date, int]]:
    asked: list[tuple[date, int]] = []
    real = desk.trend

    def trend(last: date, days: int = 30) -> Any:
        asked.append((last, days))
        return real(last, days)

    monkeypatch.setattr(desk, "trend", trend)
    return asked


def test_a_day_step_reads_one_day_of_the_trend_and_today_only_after_a_write(desk, monkeypatch):
    monkeypatch.setattr(oversight, "_past_trend", {})  # no other screen's days kept
    asked = spy_trend(desk, monkeypatch)
    app = SummaryApp(desk, "en")
    today = FRIDAY_EVENING.date()

    async def script(pilot) -> None:
        screen = app.screen
        assert asked == [(today, 30)]  # the first time: all thirty days in one read; resuming reads nothing more
        full = list(screen.trend)
        asked.clear()
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert asked == [(date(2026, 2, 11), 1)]  # the one day the chart gained
        asked.clear()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert asked == []  # today kept: nothing was written since it was read
        assert screen.trend == full
        monkeypatch.setattr(desk, "written", lambda: (-1, -1))  # a write: today moves with the file
        screen.reread()
        assert asked == [(today, 1)]
        asked.clear()
        monkeypatch.setattr(desk, "written", lambda: (-2, -2))  # a restore: a write that changes the past as well
        monkeypatch.setattr(desk, "history_before", lambda day: (1, "restored"))
        screen.reread()
        assert asked == [(today, 30)]

    run(app, script)


def test_a_table_of_the_same_shape_changes_only_its_changed_cells():
    calls: list[str] = []

    class Tables(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(id="t")

    columns = [("label", Text("label"), 8), ("number", Text("n"), 4)]

    async def main() -> None:
        app = Tables()
        async with app.run_test() as pilot:
            table = app.query_one(DataTable)
            for name in ("clear", "update_cell", "add_row"):
                real = getattr(table, name)
                setattr(table, name, lambda *a, _real=real, _name=name, **k: (calls.append(_name), _real(*a, **k))[1])
            assert fill(table, columns, [("a", [Text("甲"), Text("1")]), ("b", [Text("乙"), Text("2")])]) is True
            calls.clear()
            assert fill(table, columns, [("a", [Text("甲"), Text("1")]), ("b", [Text("乙"), Text("3")])]) is False
            assert calls == ["update_cell"]
            assert [str(c) for c in table.get_row("b")] == ["乙", "3"]
            calls.clear()
            assert fill(table, columns, [("a", [Text("甲"), Text("1")])]) is True  # a row gone: built again
            assert "clear" in calls and table.row_count == 1
            await pilot.pause()

    import asyncio

    asyncio.run(main())


def test_the_figures_follow_a_day_step_when_drawn_in_place(desk):
    app = SummaryApp(desk, "en")

    async def script(pilot) -> None:
        friday = figures_shown(app.screen)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        thursday = figures_shown(app.screen)
        assert thursday != friday
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert figures_shown(app.screen) == friday

    run(app, script)


def test_todays_figures_follow_another_windows_write_read_off_the_ui_thread(desk, week):
    from conftest import run_app

    from firstask.app import make_app

    app = make_app(desk, user="s01", lang="en")
    other = Desk.open(desk.store.path, clock=week.clock)

    async def script(pilot) -> None:
        await pilot.press("f9")
        await pilot.pause()
        screen = app.screen
        before = int(figures_shown(screen)["Received"])
        other.check_in("w01", visitor_name="周九", summary="咨询社保")
        app.desk_changed()
        await app.behind.caught_up()
        await pilot.pause()
        assert int(figures_shown(screen)["Received"]) == before + 1
        assert screen.trend[-1]["received"] == before + 1

    try:
        run_app(app, script)
    finally:
        other.close()
