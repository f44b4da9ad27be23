"""Days, moments and periods at the ends of the calendar (issue 15, item 6): one clear line, never a traceback.

`scan --now 0001-01-01T00:00`, `report --day 9999-12-31` and `report --from 0001-01-01 --to 9999-12-31` overflowed
Python's date arithmetic inside the desk. The command line now takes days and moments within the years the desk's
calendar knows (2000-2100) and periods of less than ten years, and says so before the desk is opened: the desk's
folder is left exactly as it was.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import OpenDesk, differences, firstask, snapshot
from conftest import one_clear_line as clear_line


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Error" not in result.stderr, result.stderr  # no exception's name either
    return clear_line(result)


@pytest.fixture
def db(desk: OpenDesk, new_case) -> Path:
    new_case()
    desk.shut()
    return desk.path


@pytest.mark.parametrize(
    ("args", "value"),
    [
        (("scan", "--now", "0001-01-01T00:00"), "0001-01-01T00:00"),
        (("scan", "--now", "9999-12-31T23:59"), "9999-12-31T23:59"),
        (("scan", "--now", "1999-12-31T23:59"), "1999-12-31T23:59"),
        (("report", "--day", "9999-12-31"), "9999-12-31"),
        (("report", "--day", "0001-01-01"), "0001-01-01"),
        (("report", "--day", "2101-01-01", "--format", "md"), "2101-01-01"),
        (("report", "--from", "0001-01-01", "--to", "9999-12-31"), "0001-01-01"),
        (("report", "--from", "2026-01-01", "--to", "9999-12-31", "--format", "csv"), "9999-12-31"),
        (("purge", "--before", "0001-01-01"), "0001-01-01"),
    ],
)
def test_a_day_or_moment_beyond_the_calendar_is_one_clear_line(db, args, value):
    before = snapshot(db.parent)
    line = one_clear_line(firstask("--db", str(db), *args))
    assert value in line and "2000-01-01" in line and "2100-12-31" in line
    assert differences(before, snapshot(db.parent)) == []


@pytest.mark.parametrize(("first", "last"), [("2000-01-01", "2100-12-31"), ("2016-03-09", "2026-03-09")])
def test_a_period_of_ten_years_or_more_is_one_clear_line(db, first, last):
    before = snapshot(db.parent)
    line = one_clear_line(firstask("--db", str(db), "report", "--from", first, "--to", last))
    assert "10 years" in line and first in line and last in line
    assert differences(before, snapshot(db.parent)) == []


def test_the_refusals_are_in_chinese_too(db):
    day = one_clear_line(firstask("--db", str(db), "report", "--day", "9999-12-31", lang="zh_CN.UTF-8"))
    period = one_clear_line(
        firstask("--db", str(db), "report", "--from", "2000-01-01", "--to", "2100-12-31", lang="zh_CN.UTF-8")
    )
    moment = one_clear_line(firstask("--db", str(db), "scan", "--now", "0001-01-01T00:00", lang="zh_CN.UTF-8"))
    assert "日期" in day and "9999-12-31" in day
    assert "10 年" in period
    assert "时间" in moment


def test_the_ends_of_the_calendar_themselves_are_taken(db):
    for day in ("2000-01-01", "2100-12-31"):
        result = firstask("--db", str(db), "report", "--day", day)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["day"] == day
    nearly_ten_years = firstask("--db", str(db), "report", "--from", "2016-03-10", "--to", "2026-03-09")
    assert nearly_ten_years.returncode == 0, nearly_ten_years.stderr
    assert json.loads(nearly_ten_years.stdout)["from"] == "2016-03-10"
    for moment in ("2000-01-01T00:00", "2100-12-31T23:59"):
        result = firstask("--db", str(db), "scan", "--now", moment)
        assert result.returncode == 0, result.stderr
