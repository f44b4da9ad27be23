"""The demo month (`firstask init --demo`; issue 4): a realistic month of a busy centre, built through `Desk`.

Built once for the module, as `init --demo` builds it (one transaction), with a fixed today: Friday 2026-11-20.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import firstask as run_firstask

from firstask import demo
from firstask.desk import Desk

TODAY = date(2026, 11, 20)
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    desk = Desk.open(tmp_path_factory.mktemp("demo") / "demo.db")
    with desk.store.write():
        desk.load_defaults()
        demo.build(desk, today=TODAY)
    yield desk
    desk.close()


@pytest.fixture(scope="module")
def case_days(month: Desk) -> dict[date, int]:
    rows = month.store.all("SELECT substr(created_at, 1, 10) AS day, count(*) AS n FROM cases GROUP BY day")
    return {date.fromisoformat(r["day"]): r["n"] for r in rows}


@pytest.fixture(scope="module")
def summaries(month: Desk, case_days: dict[date, int]) -> dict[date, dict[str, Any]]:
    return {d: month.summary(d) for d in sorted(case_days)}


def action_count(desk: Desk, action: str) -> int:
    return int(desk.store.scalar("SELECT count(*) FROM events WHERE action = ?", (action,)))


def total(summaries: dict[date, dict[str, Any]], *path: str) -> int:
    out = 0
    for s in summaries.values():
        value: Any = s
        for key in path:
            value = value[key]
        out += sum(value.values()) if isinstance(value, dict) else len(value) if isinstance(value, list) else value
    return out


# --- the month as a whole -----------------------------------------------------------------------------------------


def test_the_demo_history_verifies(month):
    result = month.verify()
    assert result.ok, result.message("en")
    assert result.count > 1000


def test_cases_come_on_working_days_only_and_up_to_today(month, case_days):
    assert all(month.calendar.is_working_day(d) for d in case_days)
    assert max(case_days) == TODAY
    assert len(case_days) == 22


def test_about_forty_cases_a_working_day(case_days):
    average = sum(case_days.values()) / len(case_days)
    assert 35 <= average <= 45
    assert min(case_days.values()) >= 25


def test_no_case_event_is_written_after_today(month):
    # (The set-up events — catalogue, policy, roster — carry the real clock; the month's stories end today.)
    last = month.store.scalar("SELECT max(at) FROM events WHERE case_no IS NOT NULL")
    assert datetime.fromisoformat(last) < datetime.combine(TODAY + timedelta(days=1), datetime.min.time())


def test_the_days_summaries_add_up_to_the_cases(month, summaries, case_days):
    assert total(summaries, "received") == sum(case_days.values())


def test_every_channel_is_present(summaries):
    by_channel: dict[str, int] = {}
    for s in summaries.values():
        for k, v in s["by_channel"].items():
            by_channel[k] = by_channel.get(k, 0) + v
    assert {k for k, v in by_channel.items() if v > 0} == {"visit", "phone", "letter", "online"}


def test_every_kind_is_present(summaries):
    by_kind: dict[str, int] = {}
    for s in summaries.values():
        for k, v in s["by_kind"].items():
            by_kind[k] = by_kind.get(k, 0) + v
    assert {k for k, v in by_kind.items() if v > 0} == {"enquiry", "application", "complaint", "report", "suggestion"}


def test_notices_with_a_few_second_notices(summaries, month):
    notices, second = total(summaries, "notices"), total(summaries, "second_notices")
    assert notices > 0
    assert 0 < second <= notices / 3
    assert any(v.rule == "NOT-2" for v in month.violations())


def test_acceptances_answers_referrals_and_rejections(summaries):
    assert total(summaries, "accepted") > 0
    assert total(summaries, "answered_on_spot") > 0
    assert total(summaries, "referred") > 0
    assert total(summaries, "rejected") > 0


def test_handoffs_accepted_and_declined(summaries):
    assert total(summaries, "handoffs", "accepted") > 0
    assert total(summaries, "handoffs", "declined") > 0


def test_handoffs_accepted_late(month):
    assert any(v.rule == "HO-4" for v in month.violations())


def test_handoffs_to_absent_colleagues(month):
    details = [json.loads(r["detail"]) for r in month.store.all("SELECT detail FROM events WHERE action = 'hand_off'")]
    assert any(d.get("via_backup") or d.get("pending_to") != d.get("to") for d in details)
    assert action_count(month, "set_absent") > 0


def test_extensions(month):
    assert action_count(month, "extend") > 0


def test_overdue_cases(month, summaries):
    assert any(s["overdue"] for s in summaries.values())
    assert any(v.rule == "TIME-2" for v in month.violations())


def test_ratings_include_bad_ones_and_remedies(month, summaries):
    ratings = {level: sum(s["ratings"][level] for s in summaries.values()) for level in ("1", "2", "3", "4", "5")}
    assert all(n > 0 for n in ratings.values()), ratings
    assert ratings["1"] + ratings["2"] < ratings["4"] + ratings["5"]  # a centre most visitors are happy with
    assert action_count(month, "remedy") > 0


def test_violations_of_several_rules(month):
    rules = {v.rule for v in month.violations()}
    assert len(rules) >= 5, rules
    assert {"TIME-2", "NOT-2", "LANG-1", "HO-4"} <= rules


def test_violations_are_spread_over_several_staff(month):
    assert len({v.staff for v in month.violations() if v.staff}) >= 3


# --- the busiest day: every section non-zero ------------------------------------------------------------------


def sections(s: dict[str, Any]) -> dict[str, int]:
    h = s["handoffs"]
    return {
        "received": s["received"],
        "answered_on_spot": s["answered_on_spot"],
        "notices": s["notices"],
        "accepted": s["accepted"],
        "handoffs": h["accepted"] + h["declined"] + h["pending"],
        "referred or rejected": s["referred"] + s["rejected"],
        "resolved": s["resolved"],
        "open": s["open"],
        "ratings": sum(s["ratings"].values()),
        "violations": sum(s["violations"]["by_rule"].values()),
        "staff received": sum(1 for row in s["staff"] if row["received"] > 0),
    }


def test_the_busiest_day_has_every_section_non_zero(summaries):
    busiest = max(summaries.values(), key=lambda s: (sum(1 for v in sections(s).values() if v), s["received"]))
    figures = sections(busiest)
    assert all(figures.values()), (busiest["day"], figures)
    assert busiest["satisfaction_rate"] is not None
    assert busiest["violations"]["by_staff"]
    assert busiest["chain"]["events"] > 0


def test_most_days_are_busy_in_every_section(summaries):
    full = [d for d, s in summaries.items() if all(sections(s).values())]
    assert len(full) >= 5, full


# --- through the command line ----------------------------------------------------------------------------------


def readme_roster() -> list[tuple[str, str]]:
    rows = re.findall(r"^\|\s*([a-z]\d\d)\s*\|\s*(\d{6})\s*\|", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert rows, "README.md lists the demo roster"
    return rows


firstask = partial(run_firstask, timeout=300)  # a month of the demo centre takes a while


def test_init_demo_prints_the_readme_roster_and_verifies(tmp_path):
    db = tmp_path / "demo.db"
    made = firstask("--db", str(db), "init", "--demo")
    assert made.returncode == 0, made.stderr
    printed = made.stdout.splitlines()
    for code, pin in readme_roster():
        assert any(re.search(rf"\b{code}\b.*\b{pin}\b", line) for line in printed), (code, pin, made.stdout)
    checked = firstask("--db", str(db), "verify")
    assert checked.returncode == 0, checked.stderr
    assert re.fullmatch(r"\d+:[0-9a-f]{64}", checked.stdout.strip())
    assert int(checked.stdout.split(":")[0]) > 1000


def test_the_demo_month_is_rated_at_the_windows_by_pad_qr_and_callback(month: Desk) -> None:
    """好差评 at the window (issue 20): every channel, appeals decided and open, a ranking worth looking at."""
    this, before = month.ranking("2026-11"), month.ranking("2026-10")
    both = {
        channel: sum(r["ratings_by_channel"][channel][level] for r in (this, before) for level in "12345")
        for channel in ("pad", "qr", "callback")
    }
    assert all(n > 0 for n in both.values()), both
    decided = [r for no in {r.case_no for r in month.open_appeals()} for r in month.ratings(no)]
    assert month.open_appeals(), "an appeal waits for the supervisor's F10"
    assert all(r.appealed_at is not None for r in decided if r.decision is not None)
    voided = [w for w in this["windows"] if w["appeals_voided"]] + [w for w in before["windows"] if w["appeals_voided"]]
    upheld = [w for w in this["windows"] if w["appeals_upheld"]] + [w for w in before["windows"] if w["appeals_upheld"]]
    assert voided and upheld
    windows = this["windows"]
    assert len(windows) >= 4
    assert len({w["satisfaction_rate"] for w in windows}) > 1 and len({w["rating_rate"] for w in windows}) > 1
    assert windows[-1]["last_twice"] and not any(w["last_twice"] for w in windows[:-1])
    assert any(w["bad"] for w in windows)
    assert month.verify().ok
