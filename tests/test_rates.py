"""One rate, one rounding: 13 satisfied ratings of 16 (0.8125) read 81.3 % on the summary screen (F9) and in every
report format, never 81.2 % in one place and 81.3 % in another. A rate is rounded once, half up, from the exact
fraction (`report.percent`); the json and csv keep the rate itself, and a spreadsheet shows it to a tenth."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from conftest import TEAM, Clock
from textual.app import App
from textual.widgets import Static

from firstask import export, i18n, report
from firstask.desk import Desk
from firstask.report import percent
from firstask.screens.summary import SummaryScreen

DAY = date(2026, 3, 9)  # a Monday in a plain week
LEVELS = [5] * 6 + [4] * 4 + [3] * 3 + [2] * 2 + [1]  # 13 satisfied (3 to 5) of 16


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:
    desk = make_desk(*TEAM, clock=clock)  # conftest's clock: Monday 09:00
    for n, level in enumerate(LEVELS):
        clock.advance(minutes=10)
        no = desk.check_in("w01", visitor_name=f"访客{n}", summary="咨询", kind="enquiry").no
        desk.answer(no, "w01", "已当场答复")
        desk.rate(no, "w01", level, "" if level >= 3 else "等候时间太长")
    clock.set(datetime(2026, 3, 9, 18, 0))
    return desk


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (13, 16, "81.3"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (1, 8, "12.5"),
        (1, 16, "6.3"),
        (3, 16, "18.8"),
        (0, 7, "0.0"),
        (7, 7, "100.0"),
        (41, 163, "25.2"),
        (1, 2000, "0.1"),
        (9, 2000, "0.5"),
        (2469, 20000, "12.3"),  # 12.345 %: to four decimals first (0.1235) it would wrongly round up to 12.4
        (4_999_999, 10_000_000, "50.0"),
        (5_000_001, 10_000_000, "50.0"),
        (1_234_500, 10_000_000, "12.3"),
        (1_235_000, 10_000_000, "12.4"),
    ],
)
def test_a_rate_is_rounded_once_half_up_from_its_exact_fraction(part, whole, shown):
    assert percent(part / whole) == Decimal(shown)
    assert str(percent(part / whole)) == shown


def test_nothing_to_take_a_rate_of_shows_no_rate():
    assert percent(None) is None


def test_a_rate_in_the_summary_is_not_rounded_before_it_is_shown(desk):
    """96 satisfied of 101 is 95.0495…%: 95.0. Kept to four decimals first (0.9505), it would show 95.1."""
    figures = {
        "received": [],
        "actions": [],
        "violations": [],
        "bad_ratings": [],
        "handoff_waits": [],
        "first_responses": [],
        "ratings": [{"level": 5, "n": 96}, {"level": 1, "n": 5}],
    }
    summary = report.summary(DAY, figures, [], (0, ""), desk.calendar, {})
    assert summary["satisfaction_rate"] == 96 / 101
    assert percent(summary["satisfaction_rate"]) == Decimal("95.0")


def test_the_summary_keeps_the_rate_itself(desk):
    summary = desk.summary(DAY)
    assert sum(summary["ratings"].values()) == 16
    assert summary["satisfaction_rate"] == 0.8125 == Fraction(13, 16)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_summary_screen_says_81_3(desk, lang):
    i18n.set_language(lang)

    class Host(App[None]):
        async def on_mount(self) -> None:
            await self.push_screen(SummaryScreen(desk, desk.staff()["s01"], DAY))

    app = Host()

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            said = str(app.screen.query_one("#satisfaction", Static).render())
            assert said == i18n.t("summary.satisfaction", rate="81.3%", satisfied=13, rated=16)

    asyncio.run(main())


def rendered(desk: Desk, fmt: str, lang: str) -> bytes:
    return export.render(export.build(desk, DAY, lang=lang, trend=False), fmt)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_report_format_says_81_3(desk, lang):
    label = i18n.t("report.figure.satisfaction_rate", lang)

    md = rendered(desk, "md", lang).decode("utf-8")
    assert f"| {label} | 81.3% |" in md.splitlines()

    html = rendered(desk, "html", lang).decode("utf-8")
    assert re.search(rf"<th>{re.escape(label)}</th><td class=\"n\">81\.3%</td>", html)
    assert "81.2%" not in md + html

    rows = list(csv.reader(io.StringIO(rendered(desk, "csv", lang).decode("utf-8"))))
    [value] = [row[2] for row in rows if row and row[0] == "satisfaction_rate"]
    assert value == "0.8125"  # the rate itself, as in json
    assert str(percent(float(value))) == "81.3"

    sheet = openpyxl.load_workbook(io.BytesIO(rendered(desk, "xlsx", lang))).worksheets[0]
    [cell] = [row[1] for row in sheet.iter_rows() if row[0].value == label]
    # The rate itself, formatted to a tenth of a per cent: a spreadsheet rounds it half away from nought, 81.3%.
    assert cell.value == 0.8125 and cell.number_format == "0.0%"

    figures = json.loads(rendered(desk, "json", lang))
    assert figures["satisfaction_rate"] == 0.8125
    assert (
        f"{percent(figures['satisfaction_rate'])}%"
        == "81.3%"
        == export.shown(export.build(desk, DAY, lang=lang, trend=False), figures["satisfaction_rate"], "rate")
    )
