"""The monthly ranking on screen (issue 20): a supervisor presses m on the day's summary (F9) and sees the month's
windows and staff ranked, a window last two months running marked in words; [ and ] step months; Esc goes back.
Both languages, 120 and 80 columns."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import TEAM, Clock, keys, run_app, screen_text, with_pins
from textual.widgets import DataTable

from firstask.app import make_app
from firstask.desk import Desk
from firstask.screens.ranking import RankingScreen
from firstask.screens.summary import SummaryScreen


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:  # type: ignore[no-untyped-def]
    """October and November 2026: window 3 (王芳) rated 5 both months, window 4 (李强) rated 3: last twice."""
    desk = make_desk(*with_pins(*TEAM), clock=clock)
    opened = []
    for first in (datetime(2026, 10, 12, 9, 0), datetime(2026, 11, 9, 9, 0)):
        clock.set(first)
        for number, by, level in (("3", "w01", 5), ("4", "w02", 3)):
            at = Desk.open(desk.store.path, clock=clock)
            at.window = number
            opened.append(at)
            case = at.check_in(by, visitor_name="张三", summary="咨询")
            at.answer(case.no, by, "已答复")
            at.rate_visit(case.no, level, window=number)
    for at in opened:
        at.close()
    clock.set(datetime(2026, 11, 20, 10, 0))
    return desk


def rows(app, table: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    found = app.screen.query_one(f"#ranking-{table}", DataTable)
    return [[c.plain for c in found.get_row_at(i)] for i in range(found.row_count)]


@pytest.mark.parametrize(("lang", "size"), [("zh", (120, 40)), ("en", (80, 24))])
def test_a_supervisor_reads_the_months_ranking_from_the_summary(desk: Desk, lang: str, size: tuple[int, int]) -> None:
    app = make_app(desk, user="s01", lang=lang)

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await keys(pilot, "m")
        assert isinstance(app.screen, RankingScreen)
        windows = rows(app, "windows")
        assert [r[1] for r in windows] == (["3号窗口", "4号窗口"] if lang == "zh" else ["Window 3", "Window 4"])
        marked = "连续两月末位" if lang == "zh" else "Last twice"
        assert marked in windows[1][-1] and not windows[0][-1]
        assert "100.0%" in windows[0] and "0.0%" not in windows[0]
        staff = rows(app, "staff")
        assert staff[0][1] == ("王芳（w01）" if lang == "zh" else "王芳 (w01)")
        text = screen_text(app, size)
        assert "2026-11" in text
        await keys(pilot, "left_square_bracket")
        assert "2026-10" in screen_text(app, size)
        assert not any(r[-1] for r in rows(app, "windows"))  # September had nobody: not last twice in October
        await keys(pilot, "left_square_bracket")
        assert app.screen.query_one("#ranking-empty").display
        await keys(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)

    run_app(app, script, size=size, press=("f9",), expect=SummaryScreen)
