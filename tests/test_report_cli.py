"""`firstask report` and `firstask scan` as a user meets them (CONTRACT.md "Command line"; issue 4).

`report --format json` prints `desk.summary(day)`; `scan [--now ISO]` records the time rules' new breaches and
prints them with a count line. Every user mistake is one clear line on stderr and a non-zero exit.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import firstask, one_clear_line

from firstask.desk import Desk

MONDAY = date(2026, 3, 9)


@pytest.fixture
def day_db(desk, clock, new_case, in_progress):
    """Monday 2026-03-09 with some of everything: answers, a rating, a notice, acceptances, a hand-off."""
    answered = desk.answer(new_case().no, "w01", "已解答")
    desk.rate(answered.no, "w01", 4)
    clock.advance(minutes=5)
    in_progress("w02")
    noticed = new_case("w03", kind="application", matter="T3", channel="phone", phone="13900001111")
    desk.notify(noticed.no, "w03", presented=[])
    clock.advance(minutes=5)
    handed = new_case("w01", kind="complaint", channel="letter", phone="0571-87654321")
    desk.hand_off(handed.no, "w01", "w02", "已记录，请跟进。")
    desk.answer(new_case("w02").no, "w02", "这个我不知道。")  # LANG-1
    desk.shut()
    return desk.path


@pytest.fixture
def summary_of(day_db, clock):
    def made(day: date) -> dict:
        with Desk.open(day_db, clock=clock) as d:
            return d.summary(day)

    return made


# --- report -------------------------------------------------------------------------------------------------------


def test_report_json_is_the_desks_summary(day_db, summary_of):
    result = firstask("--db", str(day_db), "report", "--day", "2026-03-09", "--format", "json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == summary_of(MONDAY)
    assert printed["received"] == 5 and printed["day"] == "2026-03-09"


def test_report_of_another_day_is_that_days_summary(day_db, summary_of):
    result = firstask("--db", str(day_db), "report", "--day", "2026-03-10", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == summary_of(date(2026, 3, 10))


def test_report_json_is_the_default_format(day_db, summary_of):
    result = firstask("--db", str(day_db), "report", "--day", "2026-03-09")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == summary_of(MONDAY)


def test_report_to_a_file_writes_the_same_json(day_db, summary_of, tmp_path):
    out = tmp_path / "report.json"
    result = firstask("--db", str(day_db), "report", "--day", "2026-03-09", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == summary_of(MONDAY)
    assert result.stderr.strip() == ""


def test_report_without_a_day_is_today(day_db):
    result = firstask("--db", str(day_db), "report", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["day"] == datetime.now().date().isoformat()


@pytest.mark.parametrize("bad", ["2026-02-30", "13/03/2026", "tomorrow", ""])
def test_report_with_a_bad_day_is_one_clear_line(day_db, bad):
    line = one_clear_line(firstask("--db", str(day_db), "report", "--day", bad, "--format", "json"))
    assert "YYYY-MM-DD" in line


def test_report_with_an_unknown_format_is_one_clear_line(day_db):
    line = one_clear_line(firstask("--db", str(day_db), "report", "--day", "2026-03-09", "--format", "xml"))
    assert "xml" in line


def test_report_on_a_missing_database_is_one_clear_line_and_creates_nothing(tmp_path):
    missing = tmp_path / "nowhere" / "desk.db"
    line = one_clear_line(firstask("--db", str(missing), "report", "--day", "2026-03-09", "--format", "json"))
    assert str(missing) in line or "desk.db" in line
    assert not missing.exists()


def test_report_to_an_unwritable_place_is_one_clear_line(day_db, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    one_clear_line(firstask("--db", str(day_db), "report", "--day", "2026-03-09", "-o", str(blocker / "r.json")))


# --- scan ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def late_db(desk, clock, new_case, in_progress):
    """Monday 09:00: a T3 case taken in (due Thursday 03-12) and an enquiry nobody has answered."""
    due_thursday = in_progress("w01")
    silent = new_case("w02")
    desk.shut()
    return desk.path, due_thursday.no, silent.no


def rule_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if re.search(r"\b(OWN|NOT|TIME|HO|RATE)-\d\b", line)]


def test_scan_prints_the_new_violations_and_a_count(late_db, clock):
    path, due_thursday, silent = late_db
    result = firstask("--db", str(path), "scan", "--now", "2026-03-16T09:00")
    assert result.returncode == 0, result.stderr
    lines = rule_lines(result.stdout)
    assert len(lines) == 2, result.stdout
    assert any("TIME-2" in line and due_thursday in line for line in lines)
    assert any("OWN-3" in line and silent in line for line in lines)
    count_line = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\b2\b", count_line), count_line
    with Desk.open(path, clock=clock) as d:
        found = {v.rule: v.at.isoformat() for v in d.violations()}
    # Filed at the breach, not at the scan: midnight ending the due day; 24 hours after check-in.
    assert found == {"TIME-2": "2026-03-13T00:00:00", "OWN-3": "2026-03-10T09:00:00"}


def test_a_second_identical_scan_finds_nothing_new(late_db):
    path, *_ = late_db
    first = firstask("--db", str(path), "scan", "--now", "2026-03-16T09:00")
    assert first.returncode == 0, first.stderr
    second = firstask("--db", str(path), "scan", "--now", "2026-03-16T09:00")
    assert second.returncode == 0, second.stderr
    assert rule_lines(second.stdout) == []
    assert re.search(r"\b0\b", second.stdout.strip().splitlines()[-1]), second.stdout


def test_a_scan_before_anything_is_due_finds_nothing(late_db):
    path, *_ = late_db
    result = firstask("--db", str(path), "scan", "--now", "2026-03-09T10:00")
    assert result.returncode == 0, result.stderr
    assert rule_lines(result.stdout) == []
    assert re.search(r"\b0\b", result.stdout.strip().splitlines()[-1])


def test_scan_violations_show_in_the_report_of_the_breach_day(late_db):
    path, *_ = late_db
    assert firstask("--db", str(path), "scan", "--now", "2026-03-16T09:00").returncode == 0
    result = firstask("--db", str(path), "report", "--day", "2026-03-13", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["violations"]["by_rule"] == {"TIME-2": 1}


@pytest.mark.parametrize("bad", ["yesterday", "2026-03-16T25:00", "16/03/2026 09:00"])
def test_scan_with_a_bad_moment_is_one_clear_line(late_db, bad):
    path, *_ = late_db
    line = one_clear_line(firstask("--db", str(path), "scan", "--now", bad))
    assert bad in line


def test_scan_on_a_missing_database_is_one_clear_line_and_creates_nothing(tmp_path: Path):
    missing = tmp_path / "desk.db"
    one_clear_line(firstask("--db", str(missing), "scan", "--now", "2026-03-16T09:00"))
    assert not missing.exists()
