"""The daily summary screen as a supervisor uses it (SPEC §9): every figure next to its label in both languages, the
bars, the 30-day trend, moving between days with single keys and by a typed date, the per-staff table sorted by each
column, and every number opening the list of its cases, each opening its history. The week is the one of
tests/test_summary.py (Friday 2026-03-13 has known, mostly distinct counts); the screen only reads it.
Two snapshots (zh 120×40, en 200×60) with the week's clock fixed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROSTER, SIZE, keys, run_app
from rich.text import Text
from test_summary import FRIDAY, THURSDAY, Week, open_week
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from firstask import i18n
from firstask.desk import Desk
from firstask.i18n import t
from firstask.screens.history import HistoryScreen
from firstask.screens.summary import FIGURES, STAFF_COLUMNS, SummaryScreen, parse_day
from firstask.screens.summary_cases import SummaryCasesScreen

FRIDAY_EVENING = datetime(2026, 3, 13, 23, 0)
TUESDAY_EVENING = datetime(2026, 3, 17, 18, 0)  # where the week's clock stands once it is built
LOCALES = Path(i18n.__file__).with_name("locales")

# Friday, as tests/test_summary.py plans it.
FRIDAY_FIGURES = {
    "received": 38,
    "answered_on_spot": 8,
    "notices": 7,
    "second_notices": 1,
    "accepted": 9,
    "referred": 5,
    "rejected": 4,
    "resolved": 20,
    "handoffs/made": 11,
    "handoffs/accepted": 6,
    "handoffs/pending": 3,
    "handoffs/declined": 2,
    "open": 24,
    "overdue": 1,
    "due_tomorrow": 2,
    "bad_ratings": 3,
    "violations": 6,
}
FRIDAY_BARS = {
    "channels": {"visit": 16, "phone": 12, "letter": 3, "online": 7},
    "kinds": {"enquiry": 11, "application": 10, "complaint": 7, "report": 6, "suggestion": 4},
    "ratings": {"5": 5, "4": 4, "3": 3, "2": 2, "1": 1},
    "violations": {"LANG-1": 3, "NOT-2": 1, "TIME-2": 2},
}
FRIDAY_STAFF = {  # code: received, owned, resolved, violations
    "w01": (15, 2, 9, 3),
    "w02": (11, 8, 8, 1),
    "w03": (12, 14, 3, 2),
    "s01": (0, 0, 0, 0),
}


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Week]:
    built = open_week(tmp_path_factory.mktemp("summary-screen"))
    yield built
    built.desk.close()


@pytest.fixture
def desk(week: Week) -> Desk:
    week.clock.set(FRIDAY_EVENING)
    return week.desk


class SummaryApp(App[None]):
    """The summary screen alone, as the desk app shows it to supervisor s01 (its header, its language)."""

    def __init__(self, desk: Desk, lang: str, day: date | None = None) -> None:
        i18n.set_language(lang)
        super().__init__()
        self.desk = desk
        self.day = day
        self.title = t("app.title")
        self.sub_title = t("app.user", name="陈静", code="s01")

    async def on_mount(self) -> None:
        await self.push_screen(SummaryScreen(self.desk, self.desk.staff()["s01"], self.day))


def run(app: SummaryApp, script: Callable[[Pilot[None]], Awaitable[None]], size: tuple[int, int] = SIZE) -> None:
    run_app(app, script, size=size, expect=SummaryScreen)


def table_rows(screen: Any, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


def figures_shown(screen: SummaryScreen) -> dict[str, str]:
    """The day's work as shown: label -> the number beside it."""
    return {label: number for label, number, _ in table_rows(screen, "figures")}


def bars_shown(screen: SummaryScreen, table_id: str) -> dict[str, tuple[str, str]]:
    """A bar chart as shown: label -> (number, bar)."""
    return {label: (number, drawn) for label, number, drawn in table_rows(screen, table_id)}


def title(screen: SummaryScreen) -> str:
    return str(screen.query_one("#title", Static).render())


def message(screen: SummaryScreen) -> str:
    shown = screen.query_one("#message", Static)
    return str(shown.render()) if shown.display else ""


# --- what the screen shows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_is_shown_beside_its_label(desk, lang):
    app = SummaryApp(desk, lang, FRIDAY)

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        assert "2026-03-13" in title(screen) and t("app.weekday.fri") in title(screen)
        shown = figures_shown(screen)
        labels = dict(FIGURES)
        for path, number in FRIDAY_FIGURES.items():
            assert shown[t(f"summary.figure.{labels[path]}")] == str(number), path
        notes = {row[0]: row[2] for row in table_rows(screen, "figures")}
        assert notes[t("summary.figure.answered_on_spot")] == t("summary.rate", value="21.1")  # 8 / 38
        assert notes[t("summary.figure.due_tomorrow")] == "03-16"  # Friday's next working day is Monday
        assert notes[t("summary.figure.bad_ratings")] == t("summary.figure.remedied", count=1)
        assert str(screen.query_one("#violations-note", Static).render()) == t("summary.open_reviews", count=6)

        channels = bars_shown(screen, "channels")
        for channel, n in FRIDAY_BARS["channels"].items():
            assert channels[t(f"channel.{channel}")][0] == str(n)
        kinds = bars_shown(screen, "kinds")
        for kind, n in FRIDAY_BARS["kinds"].items():
            assert kinds[t(f"kind.{kind}")][0] == str(n)
        ratings = bars_shown(screen, "ratings")
        for level, n in FRIDAY_BARS["ratings"].items():
            assert ratings[t(f"follow.rate.levels.{level}")][0] == str(n)
        rules = {label.split()[0]: number for label, (number, _) in bars_shown(screen, "violations").items()}
        assert rules == {rule: str(n) for rule, n in FRIDAY_BARS["violations"].items()}
        satisfaction = str(screen.query_one("#satisfaction", Static).render())
        assert satisfaction == t("summary.satisfaction", rate=t("summary.rate", value="80.0"), satisfied=12, rated=15)

        staff = {row[0]: row for row in table_rows(screen, "staff")}
        for code, (received, owned, resolved, violations) in FRIDAY_STAFF.items():
            row = staff[code]
            assert row[1] == dict((c, n) for c, n, _, _ in ROSTER)[code]
            assert (row[2], row[3], row[4], row[7]) == (str(received), str(owned), str(resolved), str(violations))
        assert staff["w02"][5] == t("summary.rate", value="50.0")  # A2 late, A5 on time
        assert staff["w03"][5] == t("summary.none")  # nothing with a due date resolved

    run(app, script)


def test_the_bars_grow_with_their_numbers(desk):
    app = SummaryApp(desk, "en", FRIDAY)

    async def script(pilot: Pilot[None]) -> None:
        channels = bars_shown(app.screen, "channels")
        lengths = {label: len(drawn) for label, (_, drawn) in channels.items()}
        assert lengths["Visit"] > lengths["Phone"] > lengths["Online"] > lengths["Letter"] > 0
        kinds = bars_shown(app.screen, "kinds")
        assert all(drawn for _, drawn in kinds.values())

    run(app, script)


def test_the_trend_shows_the_last_30_days_ending_on_the_day(desk):
    trend = desk.trend(FRIDAY)
    assert len(trend) == 30 and trend[-1]["day"] == "2026-03-13"
    assert (trend[-1]["received"], trend[-1]["resolved"], trend[-1]["overdue"]) == (38, 20, 1)
    thursday = desk.summary(THURSDAY)
    assert (trend[-2]["received"], trend[-2]["resolved"], trend[-2]["overdue"]) == (
        thursday["received"],
        thursday["resolved"],
        len(thursday["overdue"]),
    )
    app = SummaryApp(desk, "en", FRIDAY)

    async def script(pilot: Pilot[None]) -> None:
        pane = app.screen.query_one("#trend-pane")
        assert pane.border_title == t("summary.pane.trend", days=30, first="2026-02-12", last="2026-03-13")
        chart = str(app.screen.query_one("#trend", Static).render()).splitlines()
        received = next(line for line in chart if line.startswith("Received"))
        assert received.rstrip().endswith(t("summary.trend.day", value=38) + "  " + t("summary.trend.max", value=38))
        assert any("█" in line for line in chart)
        assert chart[-1].split() == ["02-12", "03-13"]

    run(app, script)


# --- moving between days -----------------------------------------------------------------------------------------


def test_previous_next_today_and_a_typed_date(week, desk):
    week.clock.set(TUESDAY_EVENING)
    app = SummaryApp(desk, "en")

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        assert screen.day == date(2026, 3, 17) and t("summary.today") in title(screen)
        await keys(pilot, "g")
        await keys(pilot, *"2026-03-13", "enter")
        assert screen.day == FRIDAY and not screen.query_one("#goto", Input).display
        assert figures_shown(screen)[t("summary.figure.received")] == "38"
        await keys(pilot, "left_square_bracket")
        assert screen.day == THURSDAY
        assert figures_shown(screen)[t("summary.figure.received")] == str(week.thursday["received"])
        await keys(pilot, "right_square_bracket")
        assert screen.day == FRIDAY
        await keys(pilot, "right")
        assert screen.day == date(2026, 3, 14)
        assert figures_shown(screen)[t("summary.figure.received")] == "0"
        await keys(pilot, "left", "p")
        assert screen.day == THURSDAY
        await keys(pilot, "n")
        assert screen.day == FRIDAY
        await keys(pilot, "t")
        assert screen.day == date(2026, 3, 17)
        await keys(pilot, "right_square_bracket")  # no summary of tomorrow
        assert screen.day == date(2026, 3, 17)
        assert message(screen) == t("summary.too_late", today="2026-03-17")
        await keys(pilot, "g")
        await keys(pilot, *"3/12", "enter")  # the year of the day shown
        assert screen.day == THURSDAY and message(screen) == ""

    run(app, script)


def test_a_bad_typed_date_is_told_not_raised(desk):
    app = SummaryApp(desk, "zh", FRIDAY)

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        await keys(pilot, "g")
        field = screen.query_one("#goto", Input)
        assert field.display and field.has_focus
        await keys(pilot, *"2026-02-30", "enter")
        assert message(screen) == t("summary.bad_date", text="2026-02-30")
        assert screen.day == FRIDAY and field.display
        await keys(pilot, *"[n]", "enter")  # typed into the field: neither a key nor markup
        assert screen.day == FRIDAY
        assert message(screen) == t("summary.bad_date", text="2026-02-30[n]")
        await keys(pilot, "escape")
        assert not field.display and screen.day == FRIDAY

    run(app, script)


def test_typed_dates():
    near = date(2026, 3, 13)
    assert parse_day("2026-03-12", near) == date(2026, 3, 12)
    assert parse_day("2026/3/1", near) == date(2026, 3, 1)
    assert parse_day("20260301", near) == date(2026, 3, 1)
    assert parse_day(" 3-2 ", near) == date(2026, 3, 2)
    for bad in ("", "tomorrow", "2026-13-01", "2026-02-30", "3-13-2026-1", "昨天"):
        with pytest.raises(ValueError):
            parse_day(bad, near)


# --- from a number to its cases, and on to a case's history --------------------------------------------------------


def every_figure(summary: dict[str, Any]) -> dict[str, int]:
    """Every number the screen shows that has cases behind it, by its drill-down path."""
    s = summary
    out = {
        "received": s["received"],
        "answered_on_spot": s["answered_on_spot"],
        "notices": s["notices"],
        "second_notices": s["second_notices"],
        "accepted": s["accepted"],
        "referred": s["referred"],
        "rejected": s["rejected"],
        "resolved": s["resolved"],
        "open": s["open"],
        "overdue": len(s["overdue"]),
        "due_tomorrow": len(s["due_tomorrow"]),
        "bad_ratings": len(s["bad_ratings"]),
        "violations": s["violations"]["total"],
    }
    out.update({f"handoffs/{k}": s["handoffs"][k] for k in ("made", "accepted", "pending", "declined")})
    out.update({f"by_channel/{k}": n for k, n in s["by_channel"].items()})
    out.update({f"by_kind/{k}": n for k, n in s["by_kind"].items()})
    out.update({f"ratings/{k}": n for k, n in s["ratings"].items()})
    out.update({f"violations/{k}": n for k, n in s["violations"]["by_rule"].items()})
    out.update({f"violations_by_staff/{k}": n for k, n in s["violations"]["by_staff"].items()})
    for row in s["staff"]:
        for column in ("received", "owned", "resolved", "violations"):
            out[f"staff/{row['code']}/{column}"] = row[column]
    return out


@pytest.mark.parametrize("day", [date(2026, 3, 12), FRIDAY, date(2026, 3, 16), date(2026, 3, 17)])
def test_every_drill_down_lists_as_many_cases_as_its_figure(desk, day):
    summary = desk.summary(day)
    for path, number in every_figure(summary).items():
        assert len(desk.figure_cases(day, path)) == number, path
    assert sorted(line.no for line, _ in desk.figure_cases(day, "overdue")) == summary["overdue"]
    assert sorted(line.no for line, _ in desk.figure_cases(day, "due_tomorrow")) == summary["due_tomorrow"]
    assert desk.figure_cases(day, "by_channel", "visit") == desk.figure_cases(day, "by_channel/visit")


def test_staff_rates_drill_into_what_they_are_taken_of(week, desk):
    on_time = desk.figure_cases(FRIDAY, "staff/w02/on_time")  # the resolutions with a due date: A2 and A5
    assert sorted(line.no for line, _ in on_time) == sorted([week.no("A2"), week.no("A5")])
    responded = desk.figure_cases(FRIDAY, "staff/w01/responded")
    assert responded and all(line.first_asker == "w01" for line, _ in responded)
    with pytest.raises(ValueError):
        desk.figure_cases(FRIDAY, "nonsense")


def test_a_figure_opens_its_cases_and_a_case_its_history(week, desk):
    app = SummaryApp(desk, "en", FRIDAY)

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        table = screen.query_one("#figures", DataTable)
        assert table.has_focus
        table.move_cursor(row=table.get_row_index("notices"))
        await keys(pilot, "enter")
        cases = app.screen
        assert isinstance(cases, SummaryCasesScreen)
        rows = table_rows(cases, "figure-cases")
        assert len(rows) == 7  # N1 twice: its first notice and its second
        assert [row[0] for row in rows].count(week.no("N1")) == 2
        assert cases.query_one("#frame").border_title == t(
            "summary.cases.title", figure=t("summary.figure.notices"), day="2026-03-13", count=7
        )
        first = rows[0][0]
        await keys(pilot, "enter")
        assert isinstance(app.screen, HistoryScreen) and app.screen.no == first
        await keys(pilot, "escape")
        assert app.screen is cases
        await keys(pilot, "escape")
        assert app.screen is screen

        # A bar: the phone check-ins; a rating level; a rule.
        for table_id, row_key, count in (
            ("channels", "by_channel/phone", 12),
            ("ratings", "ratings/2", 2),
            ("violations", "violations/LANG-1", 3),
        ):
            bars = screen.query_one(f"#{table_id}", DataTable)
            bars.focus()
            bars.move_cursor(row=bars.get_row_index(row_key))
            await keys(pilot, "enter")
            assert isinstance(app.screen, SummaryCasesScreen)
            assert len(table_rows(app.screen, "figure-cases")) == count, row_key
            await keys(pilot, "escape")

        # A time is not a number of cases: said, not opened.
        table.focus()
        table.move_cursor(row=table.get_row_index("-"))
        await keys(pilot, "enter")
        assert app.screen is screen and message(screen) == t("summary.not_a_number")

    run(app, script)


def test_a_staff_members_number_opens_their_cases(desk):
    app = SummaryApp(desk, "en", FRIDAY)

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        staff = screen.query_one("#staff", DataTable)
        staff.focus()
        await pilot.pause()
        row = screen.staff_order().index("w01")
        for column, count in (("received", 15), ("owned", 2), ("resolved", 9), ("violations", 3)):
            staff.cursor_coordinate = staff.cursor_coordinate._replace(row=row, column=STAFF_COLUMNS.index(column))
            await keys(pilot, "enter")
            assert isinstance(app.screen, SummaryCasesScreen), column
            assert len(table_rows(app.screen, "figure-cases")) == count, column
            await keys(pilot, "escape")
        # ← and → move along the row here, not between days.
        await keys(pilot, "left")
        assert screen.day == FRIDAY and staff.cursor_coordinate.column == STAFF_COLUMNS.index("violations") - 1

    run(app, script)


# --- the per-staff table sorts by any column ---------------------------------------------------------------------


def test_the_staff_table_sorts_by_every_column(desk):
    app = SummaryApp(desk, "en", FRIDAY)
    summary = desk.summary(FRIDAY)
    keys_of = {"on_time": "on_time_rate", "response": "median_first_response_minutes"}

    def expected(column: str, reverse: bool) -> list[str]:
        rows = summary["staff"]
        value = keys_of.get(column, column)
        known = [r for r in rows if r[value] is not None]
        unknown = [r["code"] for r in rows if r[value] is None]
        largest_first = column not in ("code", "name")
        known.sort(key=lambda r: (r[value], r["code"]), reverse=largest_first != reverse)
        return [r["code"] for r in known] + unknown

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        assert screen.staff_order() == expected("code", False)
        for column in STAFF_COLUMNS[1:] + STAFF_COLUMNS[:1]:
            await keys(pilot, "s")
            assert screen.sort_column == column
            assert screen.staff_order() == expected(column, False), column
            header = str(screen.query_one("#staff", DataTable).columns[column].label)  # type: ignore[index]
            assert header.endswith(("▼", "▲"))
            await keys(pilot, "S")
            assert screen.staff_order() == expected(column, True), column
            await keys(pilot, "S")
        # A click on a header sorts by it; a second click reverses.
        staff = screen.query_one("#staff", DataTable)
        column_key = staff.ordered_columns[STAFF_COLUMNS.index("owned")].key
        for reverse in (False, True):
            staff.post_message(DataTable.HeaderSelected(staff, column_key, STAFF_COLUMNS.index("owned"), Text("owned")))
            await pilot.pause()
            assert screen.staff_order() == expected("owned", reverse)

    run(app, script)


# --- words -------------------------------------------------------------------------------------------------------


def test_summary_strings_exist_in_both_languages():
    zh, en = ({key for key in i18n.catalogue(lang) if key.startswith("summary.")} for lang in ("zh", "en"))
    assert zh and zh == en
    for lang in ("zh", "en"):
        with (LOCALES / f"{lang}-summary.toml").open("rb") as f:
            assert set(tomllib.load(f)) == {"summary"}


# --- looks -------------------------------------------------------------------------------------------------------


def test_snapshot_summary_zh(snap_compare, desk):
    assert snap_compare(SummaryApp(desk, "zh", FRIDAY), terminal_size=(120, 40))


def test_snapshot_summary_en_wide(snap_compare, desk):
    assert snap_compare(SummaryApp(desk, "en", FRIDAY), terminal_size=(200, 60))
