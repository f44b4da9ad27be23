"""The district's day (issue 21) on the session's throwaway server: every centre side by side for a day, a period and
a month — each centre's line equal to its own summary, day after day — the look into one centre equal to that centre's
own screen and never its visitors, the district's role required, the reads taken from a real streaming replica
when one is named (the primary not contacted), and `report --district` in every format.

The district: C01 is the demo month moved from a file (`migrate-to`), C02 a small centre whose morning is scripted
here, C03 registered and empty.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import psycopg
import pytest
from conftest import MATTERS, PINS, ROSTER, firstask

from firstask.desk import Desk
from firstask.district import District, month_days
from firstask.store import StoreError, pg_schema
from firstask.store.pg_migrate import migrate

TODAY = date(2026, 11, 20)
EVENING = datetime.combine(TODAY, time(23, 59))
SCRIPTED = date(2026, 11, 18)


def small_centre(desk: Desk) -> None:
    """C02's morning of 2026-11-18: two answered on the spot, one accepted and handed off, one rated badly."""
    desk.load_defaults()
    for code, name, role, backup in ROSTER:
        desk.add_staff(code, name, role=role, backup=backup, pin=PINS[code])
    desk.add_matter("T3", **MATTERS["T3"])
    for who in ("张三", "李四"):
        case = desk.check_in("w01", visitor_name=who, summary="咨询")
        desk.answer(case.no, "w01", "已当场答复。")
    case = desk.check_in("w02", visitor_name="王五", summary="申请居住证", kind="application", matter="T3")
    desk.accept(case.no, "w02", materials=[("申请表", 1)])
    desk.hand_off(case.no, "w02", to="w01", note="请接办")
    rated = desk.check_in("w01", visitor_name="赵六", summary="咨询")
    desk.answer(rated.no, "w01", "已答复。")
    desk.rate_visit(rated.no, 2, reasons=["办事效率"], channel="pad")


@pytest.fixture(scope="module")
def district(demo_month: Path, pg_server: Any) -> Iterator[str]:
    """The district's database (dropped afterwards): its name. Login roles: window_pc (desk), district_pc."""
    name = "district_day"
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = pg_server.url(name)
    migrate(demo_month, url + "?centre=C01")
    moment = [datetime.combine(SCRIPTED, time(9, 0))]

    def clock() -> datetime:
        moment[0] += timedelta(minutes=7)
        return moment[0]

    with Desk.open(url + "?centre=C02", clock=clock) as c02:
        small_centre(c02)
    Desk.open(url + "?centre=C03").close()
    with psycopg.connect(url, autocommit=True) as admin:
        for login, group in (("window_pc", pg_schema.DESK_ROLE), ("district_pc", pg_schema.DISTRICT_ROLE)):
            admin.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') THEN "
                f"CREATE ROLE {login} LOGIN IN ROLE {group}; END IF; END $$"
            )
    yield name
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def seat(district: str, pg_server: Any) -> Iterator[District]:
    with District.open(pg_server.url(district, "district_pc"), clock=lambda: EVENING) as opened:
        yield opened


def expected(summary: dict[str, Any]) -> dict[str, Any]:
    """What the district's line of a centre says, read off the centre's own summary."""
    bad = summary["bad_ratings"]
    ratings = summary["ratings"]
    return {
        "received": summary["received"],
        "answered_on_spot": summary["answered_on_spot"],
        "on_spot_rate": summary["on_spot_rate"],
        "resolved": summary["resolved"],
        "open": summary["open"],
        "overdue": len(summary["overdue"]),
        "ratings": sum(ratings.values()),
        "satisfaction_rate": summary["satisfaction_rate"],
        "bad_ratings": len(bad),
        "bad_rectified": sum(1 for b in bad if b["remedied_at"]),
        "violations": summary["violations"]["total"],
        "violations_by_rule": summary["violations"]["by_rule"],
        "anchor": f"{summary['chain']['events']}:{summary['chain']['head']}",
    }


def line(report: dict[str, Any], centre: str) -> dict[str, Any]:
    [found] = [c for c in report["centres"] if c["centre"] == centre]
    return {key: found[key] for key in expected_keys()}


def expected_keys() -> tuple[str, ...]:
    return (
        "received",
        "answered_on_spot",
        "on_spot_rate",
        "resolved",
        "open",
        "overdue",
        "ratings",
        "satisfaction_rate",
        "bad_ratings",
        "bad_rectified",
        "violations",
        "violations_by_rule",
        "anchor",
    )


def test_each_centres_line_is_its_own_summary_every_day_and_over_the_month(
    seat: District, demo_month: Path, district: str, pg_server: Any, tmp_path: Path
) -> None:
    on_file = Desk.open(demo_month, clock=lambda: EVENING, create=False)
    c02 = Desk.open(
        pg_server.url(district, "window_pc") + f"?centre=C02&documents={tmp_path}", clock=lambda: EVENING, create=False
    )
    try:
        days = sorted(
            {
                date.fromisoformat(r["day"])
                for r in on_file.store.all("SELECT DISTINCT substr(created_at, 1, 10) AS day FROM cases")
            }
        )
        assert len(days) >= 15
        for day in days:
            report = seat.summary(day)
            assert [c["centre"] for c in sorted(report["centres"], key=lambda c: c["centre"])] == ["C01", "C02", "C03"]
            assert line(report, "C01") == expected(on_file.summary(day)), day
            assert line(report, "C02") == expected(c02.summary(day)), day
            total = report["district"]
            assert total["received"] == sum(c["received"] for c in report["centres"])
        # A period after every event of the file (its set-up was written at the real clock's now, its month before):
        # the head is the centre's own, whatever order the clock wrote the history in.
        late = date(2026, 12, 31)
        assert line(seat.summary(late), "C01")["anchor"] == expected(on_file.summary(late))["anchor"]
        assert line(seat.summary(late), "C01")["anchor"] == "{}:{}".format(*on_file.store.head())
        month = seat.month("2026-11")
        first, last = month_days("2026-11", TODAY)
        assert (month["from"], month["to"], month["month"]) == ("2026-11-01", "2026-11-20", "2026-11")
        assert line(month, "C01") == expected(on_file.span_summary(first, last))
        assert line(month, "C02") == expected(c02.span_summary(first, last))
    finally:
        on_file.close()
        c02.close()
    scripted = {c["centre"]: c for c in seat.summary(SCRIPTED)["centres"]}
    assert (scripted["C02"]["received"], scripted["C02"]["answered_on_spot"], scripted["C02"]["bad_ratings"]) == (
        4,
        3,
        1,
    )
    assert scripted["C03"]["received"] == 0 and scripted["C03"]["satisfaction_rate"] is None
    assert [c["rank"] for c in seat.summary(SCRIPTED)["centres"]] == [1, 2, 3]
    assert scripted["C03"]["rank"] == 3  # no rating: after the centres that were rated


def test_the_look_into_a_centre_is_its_own_summary_and_never_its_visitors(seat: District, demo_month: Path) -> None:
    on_file = Desk.open(demo_month, clock=lambda: EVENING, create=False)
    look = seat.centre("C01")
    try:
        for day in (date(2026, 11, 2), SCRIPTED, TODAY):
            assert look.summary(day) == on_file.summary(day)
        assert look.staff() == on_file.staff()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            look.day_cases(SCRIPTED)  # the cases with their visitors: not the district's to read
        look.store.pg.rollback()
        with pytest.raises((psycopg.Error, StoreError)):
            look.check_in("w01", visitor_name="张三", summary="区里不受理")
        assert look.summary(SCRIPTED) == on_file.summary(SCRIPTED)
    finally:
        look.close()
        on_file.close()


def test_a_windows_role_is_not_the_district(district: str, pg_server: Any) -> None:
    with pytest.raises(StoreError) as refused:
        District.open(pg_server.url(district, "window_pc"))
    assert refused.value.key == "store.pg_not_district"
    with pytest.raises(StoreError) as not_postgres:
        District.open("/tmp/a-desk-file.db")
    assert not_postgres.value.key == "store.pg_district_only"


def test_the_reads_run_on_a_replica_and_leave_the_primary_alone(district: str, pg_server: Any, seat: District) -> None:
    from pg_server import free_port, standby_of

    replica = standby_of(pg_server)
    try:
        on_primary = seat.summary(SCRIPTED)
        dead = f"postgresql://district_pc@127.0.0.1:{free_port()}/{district}"  # a primary that is not there
        with District.open(dead, replica=replica.url(district, "district_pc"), clock=lambda: EVENING) as far:
            assert far.store.pg.execute("SELECT pg_is_in_recovery() AS standby").fetchone() == {"standby": True}
            assert far.summary(SCRIPTED) == on_primary
            look = far.centre("C02")
            try:
                assert look.summary(SCRIPTED)["received"] == 4
            finally:
                look.close()
    finally:
        replica.stop()
        shutil.rmtree(replica.folder, ignore_errors=True)


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "html", "xlsx"])
def test_report_district_in_every_format(district: str, pg_server: Any, tmp_path: Path, fmt: str) -> None:
    address = pg_server.url(district, "district_pc")
    out = tmp_path / f"district.{fmt}"
    done = firstask("--db", address, "report", "--district", "--day", "2026-11-18", "--format", fmt, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o077 == 0
    if fmt == "json":
        report = json.loads(out.read_text(encoding="utf-8"))
        assert [c["centre"] for c in report["centres"]][:1] and report["day"] == "2026-11-18"
        assert "district_pc@127.0.0.1" in report["source"]
        return
    if fmt == "xlsx":
        book = openpyxl.load_workbook(out)
        values = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
        assert values[0][0] == "2026-11-18 各中心汇总"
        assert [row[1] for row in values if row[1] and str(row[1]).startswith("C0")][:3] and values[-1][1] == "全区合计"
        assert book.worksheets[1].title == "各中心违规（按规则）"
        return
    text = out.read_bytes().decode("utf-8-sig")
    assert "2026-11-18 各中心汇总" in text and "C01 湖滨街道便民服务中心" in text and "全区合计" in text
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        c02 = next(r for r in rows if r[1:2] == ["C02"])
        assert c02[2:4] == ["4", "3"]  # received, answered on the spot


def test_report_district_says_what_is_wrong_in_one_line(district: str, pg_server: Any, tmp_path: Path) -> None:
    address = pg_server.url(district, "district_pc")
    month = firstask("--db", address, "--lang", "en", "report", "--district", "--month", "2026-11", "--format", "md")
    assert month.returncode == 0 and "Centres side by side: 2026-11" in month.stdout
    for args in (
        ("report", "--read-replica", address),  # a replica serves the district's report only
        ("report", "--district", "--unmasked", "--as", "s01"),
        ("report", "--district", "--month", "2026-13"),
        ("report", "--district", "--month", "2026-11", "--day", "2026-11-02"),
    ):
        done = firstask("--db", address, *args)
        assert done.returncode != 0 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    desk_file = tmp_path / "desk.db"
    done = firstask("--db", str(desk_file), "report", "--district")
    assert done.returncode != 0 and "postgresql://" in done.stderr and not desk_file.exists()


# --- the district supervisor's screen -------------------------------------------------------------------------


def centre_rows(app: Any) -> list[list[str]]:
    from textual.widgets import DataTable

    table = app.screen.query_one("#centres", DataTable)
    return [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.mark.parametrize(("lang", "size"), [("zh", (120, 40)), ("en", (80, 24))])
def test_the_district_supervisor_steps_days_and_months_and_looks_into_a_centre(
    district: str, pg_server: Any, lang: str, size: tuple[int, int]
) -> None:
    from conftest import keys, run_app, screen_text

    from firstask.screens.district import CentreSummaryScreen, DistrictApp, DistrictScreen
    from firstask.screens.summary import SummaryScreen

    seat = District.open(pg_server.url(district, "district_pc"), clock=lambda: EVENING)
    app = DistrictApp(seat, lang)
    total = "全区合计" if lang == "zh" else "District total"

    async def script(pilot: Any) -> None:
        assert isinstance(app.screen, DistrictScreen)
        assert "2026-11-20" in screen_text(app, size)
        await keys(pilot, "right_square_bracket")  # tomorrow has not come: said, nothing moves
        assert ("还没到那一天" if lang == "zh" else "has not come yet") in screen_text(app, size)
        await keys(pilot, "left", "left")
        shown = centre_rows(app)
        assert "2026-11-18" in screen_text(app, size)
        c02 = next(r for r in shown if r[1] == "C02")
        assert c02[2] == "4"  # received: the four check-ins of that morning
        assert shown[-1][1] == total and shown[-1][0] == ""
        await keys(pilot, "m")
        assert "2026-11" in screen_text(app, size) and centre_rows(app)[-1][1] == total
        month = seat.month("2026-11")
        assert [r[1].split()[0] for r in centre_rows(app)[:-1]] == [c["centre"] for c in month["centres"]]
        await keys(pilot, "m")  # back to the day
        row = [r[1] for r in centre_rows(app)].index("C02")
        await keys(pilot, *(["down"] * row), "enter")
        assert isinstance(app.screen, CentreSummaryScreen)
        text = screen_text(app, size)
        assert "2026-11-18" in text and "C02" in text
        await keys(pilot, "enter")  # the cases behind a figure name visitors: not the district's
        assert ("不看来访人的案件明细" if lang == "zh" else "not its visitors' cases") in screen_text(app, size)
        assert isinstance(app.screen, SummaryScreen)
        await keys(pilot, "escape")
        assert isinstance(app.screen, DistrictScreen)
        await keys(pilot, *(["down"] * 5), "enter")  # the total (the last line) is no centre
        assert isinstance(app.screen, DistrictScreen)
        assert ("合计行不是一个中心" if lang == "zh" else "The total is not a centre") in screen_text(app, size)
        await keys(pilot, "t")
        assert "2026-11-20" in screen_text(app, size)

    try:
        run_app(app, script, size=size)
    finally:
        seat.close()
