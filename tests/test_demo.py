"""The demo month (`firstask init --demo`; issue 4): a realistic month of a busy centre, built through `Desk`.

Built once for the module, as `init --demo` builds it (one transaction), with a fixed today: Friday 2026-11-20,
and looked at that evening (the desk's clock stays there, so that RATE-2's deadlines do not move with the real date).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
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
    desk.clock = lambda: datetime.combine(TODAY, time(23, 59))  # the month as its supervisor sees it that evening
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


# --- 好差评 at the window (issue 20) ---------------------------------------------------------------------------------

THIS_MONTH, MONTH_BEFORE = "2026-11", "2026-10"


@pytest.fixture(scope="module")
def rankings(month: Desk) -> dict[str, dict[str, Any]]:
    return {m: month.ranking(m) for m in (MONTH_BEFORE, THIS_MONTH)}


def test_the_demo_is_rated_on_the_pad_by_qr_code_and_by_callback(summaries, rankings):
    by_channel = {c: total(summaries, "ratings_by_channel", c) for c in ("pad", "qr", "callback")}
    assert all(n > 0 for n in by_channel.values()), by_channel
    assert by_channel["pad"] > by_channel["qr"]  # the slip's QR code is the visitor's second chance
    assert sum(by_channel.values()) == sum(sum(s["ratings"].values()) for s in summaries.values())
    for r in rankings.values():
        assert all(sum(levels.values()) > 0 for levels in r["ratings_by_channel"].values()), r["ratings_by_channel"]


def test_the_pad_asks_visitors_at_the_windows_only(month):
    rated = month.store.all(
        "SELECT c.channel, r.window FROM ratings r JOIN cases c ON c.no = r.case_no "
        "WHERE r.channel IN ('pad', 'qr') AND r.level IS NOT NULL"
    )
    assert {r["channel"] for r in rated} == {"visit"}  # nobody rates a phone call on the hall's pad
    assert {r["window"] for r in rated} == {"1", "2", "3", "4", "5"}


def test_pad_requests_left_unanswered_expire_as_not_rated(month):
    ended = [
        json.loads(r["detail"]) for r in month.store.all("SELECT detail FROM events WHERE action = 'rating_expired'")
    ]
    assert any(d["why"] == "expired" for d in ended)
    assert (
        month.store.scalar("SELECT count(*) FROM ratings WHERE channel = 'pad' AND level IS NULL AND closed_at IS NULL")
        == 0
    )


def test_a_rating_at_the_window_closes_a_resolved_case_without_a_callback(month):
    closed_at_window = month.store.scalar(
        "SELECT count(*) FROM events WHERE action = 'rate_visit' AND json_extract(detail, '$.service') = 'resolve'"
    )
    assert closed_at_window > 0


def test_appeals_decided_both_ways_and_one_still_open(month):
    appealed = month.store.all("SELECT id, decision FROM ratings WHERE appealed_at IS NOT NULL")
    decisions = [r["decision"] for r in appealed]
    assert 3 <= len(appealed) <= 15, decisions  # a few
    assert decisions.count("uphold") >= 1 and decisions.count("void") >= 1
    assert len([d for d in decisions if d]) >= 2
    waiting = month.open_appeals()
    assert 1 <= len(waiting) <= 2, waiting  # for the supervisor's F10
    assert all(r.bad and r.staff and r.appeal_reason and r.decision is None for r in waiting)
    voided = [month.rating(r["id"]) for r in appealed if r["decision"] == "void"]
    assert all(r.voided for r in voided)
    assert month.verify().ok


def test_the_weakest_window_is_last_two_months_running(rankings):
    this, before = rankings[THIS_MONTH]["windows"], rankings[MONTH_BEFORE]["windows"]
    assert len(this) == 5 and len(before) == 5
    assert this[-1]["last_twice"] and not any(w["last_twice"] for w in this[:-1])
    assert this[-1]["window"] == before[-1]["window"]
    # Windows differ in satisfaction and in 主动评价率; the last is the least often rated too.
    assert len({w["satisfaction_rate"] for w in this}) == 5
    assert len({round(w["rating_rate"], 2) for w in this}) >= 4
    assert this[-1]["rating_rate"] == min(w["rating_rate"] for w in this)
    assert max(w["rating_rate"] for w in this) - this[-1]["rating_rate"] > 0.25
    assert [w["rank"] for w in this] == [1, 2, 3, 4, 5]
    assert {s["code"] for s in rankings[THIS_MONTH]["staff"]} >= {"w01", "w02", "w03", "w04", "w05"}


def test_bad_ratings_are_rectified_on_time_but_one(month, rankings):
    rows = [w for r in rankings.values() for w in r["windows"]]
    due = sum(w["bad_due"] for w in rows)
    on_time = sum(w["rectified_on_time"] for w in rows)
    assert due >= 20 and on_time == due - 1, (due, on_time)
    assert any(v.rule == "RATE-2" for v in month.violations())
    assert len([w for w in rows if w["rectified_on_time_rate"] not in (None, 1.0)]) == 1  # 差评整改率 below 100%
