"""The end-of-day summary (SPEC §9; CONTRACT.md `summary(day)`; issue 4).

One week in March 2026 (no holiday near) is built through `Desk` with an injected clock and known counts, chosen so
that no two headline figures are the same number. The day under test is Friday 2026-03-13, so its "due tomorrow" is
Monday 2026-03-16's due cases. The summary is taken that evening; then Monday and Tuesday happen (the overdue case
is resolved, pending hand-offs are taken, a case is reopened, due dates move, more visitors come, scans run) and
the Friday summary re-made afterwards must be the same, figure for figure.

Friday, as planned (case groups are named in `build_week`):

    received 38   visit 16  phone 12  letter 3  online 7
                  enquiry 11  application 10  complaint 7  report 6  suggestion 4
    answered 8  notices 7 (one a second notice)  accepted 9  hand-offs: accepted 6, pending 3, declined 2
    referred 5  rejected 4  resolved 20 (8 answers + 5 referrals + 4 rejections + 3 resolved)  open 24
    ratings 1:1 2:2 3:3 4:4 5:5 -> satisfaction 12/15
    violations: LANG-1 3 (w01 2, w03 1), TIME-2 2 (w01, w02), NOT-2 1 (w03)
    staff   received  owned  resolved  on-time  violations
    w01        15       2       9       1/1         3
    w02        11       8       8       1/2         1
    w03        12      14       3       -           2
    s01         0       0       0       -           0
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROSTER, Clock, firstask, furnish

from firstask.desk import Desk

FRIDAY = date(2026, 3, 13)
THURSDAY = date(2026, 3, 12)
MONDAY = date(2026, 3, 16)

CONTRACT_KEYS = {
    "day",
    "received",
    "by_channel",
    "by_kind",
    "answered_on_spot",
    "notices",
    "second_notices",
    "accepted",
    "handoffs",
    "referred",
    "rejected",
    "resolved",
    "open",
    "overdue",
    "due_tomorrow",
    "ratings",
    "satisfaction_rate",
    "violations",
    "staff",
    "chain",
}
STAFF_KEYS = ("code", "name", "received", "owned", "resolved", "on_time_rate", "violations")


def staff_rows(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The per-staff table by code, limited to the keys CONTRACT.md names."""
    return {row["code"]: {k: row[k] for k in STAFF_KEYS} for row in summary["staff"]}


@dataclass
class Week:
    desk: Desk
    clock: Clock
    cases: dict[str, str] = field(default_factory=dict)  # label -> case number
    friday: dict[str, Any] = field(default_factory=dict)  # the summary taken on Friday evening
    friday_head: tuple[int, str] = (0, "")  # desk.store.head() on Friday evening
    thursday: dict[str, Any] = field(default_factory=dict)

    def no(self, label: str) -> str:
        return self.cases[label]


class Builder:
    """Check-ins and actions at a clock that moves two minutes before each step."""

    def __init__(self, desk: Desk, clock: Clock, cases: dict[str, str]) -> None:
        self.desk = desk
        self.clock = clock
        self.cases = cases
        self.phones = iter(range(10_000_000, 99_999_999, 7_919))
        self.channels: list[str] = []

    def at(self, when: str) -> None:
        self.clock.set(when)

    def tick(self) -> None:
        self.clock.advance(minutes=2)

    def check_in(self, label: str, by: str, kind: str, *, channel: str | None = None, **fields: Any) -> str:
        self.tick()
        ch = channel or self.channels.pop(0)
        case = self.desk.check_in(
            by,
            visitor_name="访客" + label,
            summary="来访事项 " + label,
            channel=ch,
            kind=kind,
            phone=f"139{next(self.phones)}",
            **fields,
        )
        self.cases[label] = case.no
        return case.no

    def do(self, method: str, label: str, *args: Any, **kwargs: Any) -> Any:
        self.tick()
        return getattr(self.desk, method)(self.cases[label], *args, **kwargs)


def build_week(desk: Desk, clock: Clock) -> Week:
    week = Week(desk, clock)
    b = Builder(desk, clock, week.cases)

    # --- before Friday: applications taken in on earlier days (each with its due date) -------------------------
    def taken_in(label: str, by: str, when: str) -> None:
        b.at(when)
        b.check_in(label, by, "application", channel="visit", matter="T3")
        b.do("accept", label, by, materials=[("申请表", 2)])

    taken_in("A1", "w01", "2026-03-09T09:00")  # due Thu 03-12; still open on Friday: overdue
    taken_in("A2", "w02", "2026-03-09T09:10")  # due Thu 03-12; resolved late on Friday
    taken_in("A3", "w03", "2026-03-10T09:00")  # due Fri 03-13: open but not overdue on Friday
    taken_in("A4", "w03", "2026-03-11T09:00")  # due Mon 03-16: due tomorrow on Friday
    taken_in("A5", "w02", "2026-03-11T09:10")  # due Mon 03-16; resolved on time on Friday
    taken_in("A6", "w01", "2026-03-12T09:00")  # due Tue 03-17; resolved on time on Friday
    b.at("2026-03-12T18:00")
    desk.scan()
    week.thursday = copy.deepcopy(desk.summary(THURSDAY))

    # --- Friday 2026-03-13 -------------------------------------------------------------------------------------
    b.at("2026-03-13T08:00")
    desk.scan()  # TIME-2 for A1 (w01) and A2 (w02): their due day ended at midnight
    b.at("2026-03-13T08:30")
    b.channels = ["visit"] * 16 + ["phone"] * 12 + ["letter"] * 3 + ["online"] * 7

    # Enquiries answered on the spot; three answers use a forbidden phrase (LANG-1: w01 twice, w03 once).
    answers = {
        "E1": ("w01", "这个我不知道，已帮您查询：请到三楼办理。"),
        "E2": ("w01", "不知道具体时间，请留意社区公告。"),
        "E3": ("w03", "我也不知道，已转告并答复：周三开放。"),
        "E4": ("w01", "已解答并提供办事指南。"),
        "E5": ("w01", "已告知办理地点。"),
        "E6": ("w03", "已解答。"),
        "E7": ("w02", "已解答，留下窗口电话。"),
        "E8": ("w02", "已告知所需材料。"),
    }
    for label, (by, text) in answers.items():
        b.check_in(label, by, "enquiry")
        b.do("answer", label, by, text)

    # Referred out.
    for label, by, kind in (
        ("R1", "w02", "enquiry"),
        ("R2", "w02", "enquiry"),
        ("R3", "w02", "enquiry"),
        ("R4", "w02", "complaint"),
        ("R5", "w03", "complaint"),
    ):
        b.check_in(label, by, kind)
        b.do("refer", label, by, agency="区人力资源和社会保障局", contact="0571-12333")

    # Applications rejected.
    for label in ("J1", "J2", "J3", "J4"):
        b.check_in(label, "w01", "application", matter="T3")
        b.do("reject", label, "w01", "申请人不属于本辖区，依规定不予受理。")

    # Applications given a one-time notice; N1 then gets a second notice asking for something new (NOT-2, w03).
    for label in ("N1", "N2", "N3", "N4", "N5", "N6"):
        b.check_in(label, "w03", "application", matter="TC")
        b.do("notify", label, "w03", presented=[])
    b.do("notify", "N1", "w03", presented=[], extra=["户籍证明"])

    # Handed off by w01 and taken by the colleague within minutes; H1-H5 are then taken in by the new owner.
    for label, kind, to in (
        ("H1", "complaint", "w02"),
        ("H2", "complaint", "w02"),
        ("H3", "report", "w02"),
        ("H4", "report", "w03"),
        ("H5", "report", "w03"),
        ("H6", "suggestion", "w03"),
    ):
        b.check_in(label, "w01", kind)
        b.do("hand_off", label, "w01", to, "已记录诉求，移交片区负责同事。")
        b.do("accept_handoff", label, to)
        if label != "H6":
            b.do("accept", label, to, materials=[("来访记录", 1)])

    # Handed off by w02 to w03 and declined: back with w02, open.
    for label in ("D1", "D2"):
        b.check_in(label, "w02", "report")
        b.do("hand_off", label, "w02", "w03", "已核实地址，请协助跟进。")
        b.do("decline_handoff", label, "w03", "该片区不属于本人负责。")

    # Complaints taken in by w02 (3 working days: due Wed 03-18).
    for label in ("C1", "C2", "C3"):
        b.check_in(label, "w02", "complaint")
        b.do("accept", label, "w02", materials=[("投诉记录", 1)])

    # A report taken in for one working day: due Monday 03-16, so due tomorrow on Friday.
    b.check_in("RP1", "w01", "report")
    b.do("accept", "RP1", "w01", materials=[("举报材料", 3)], days=1)

    # Earlier cases resolved: A2 a day late, A5 and A6 on time.
    b.do("resolve", "A2", "w02", "已办结，结果已电话告知。")
    b.do("resolve", "A5", "w02", "已办结，请凭回执领取。")
    b.do("resolve", "A6", "w01", "已办结，请凭回执领取。")

    # Ratings at every level, 1:1 2:2 3:3 4:4 5:5; the 非常不满意 one is remedied the same day.
    levels = {
        "E1": 1,
        "E2": 2,
        "E3": 2,
        "E4": 3,
        "E5": 3,
        "E6": 3,
        "E7": 4,
        "E8": 4,
        "R1": 4,
        "R2": 4,
        "R3": 5,
        "R4": 5,
        "R5": 5,
        "A2": 5,
        "A5": 5,
    }
    for label, level in levels.items():
        owner = desk.case(week.no(label)).owner
        b.do("rate", label, owner, level, "回访")
    b.do("remedy", "E1", "w01", "已回访致歉并重新说明办理地点，群众表示理解。")

    # Late in the afternoon w03 hands three suggestions to w01, who does not get to them before closing.
    b.at("2026-03-13T17:02")
    for label in ("P1", "P2", "P3"):
        b.check_in(label, "w03", "suggestion")
        b.do("hand_off", label, "w03", "w01", "建议涉及活动室，请跟进。")
    assert b.channels == [], "the channel plan covers exactly Friday's check-ins"

    b.at("2026-03-13T23:00")
    assert desk.scan() == [], "nothing more happened on Friday"
    week.friday = copy.deepcopy(desk.summary(FRIDAY))
    week.friday_head = desk.store.head()

    # --- the following days --------------------------------------------------------------------------------------
    b.at("2026-03-16T08:00")
    desk.scan()  # A3's due day (Friday) has ended: TIME-2, filed under Saturday
    b.at("2026-03-16T08:31")
    b.do("accept_handoff", "P1", "w01")
    b.do("decline_handoff", "P2", "w01", "活动室不归本窗口管理，请移交物业。")
    b.do("resolve", "A1", "w01", "已办结，逾期原因已向申请人说明。")
    b.do("extend", "A4", "w03", 2, "需上级部门补充核查，已电话告知申请人。")
    b.at("2026-03-16T09:10")
    b.do("accept_handoff", "P3", "w01")  # late: HO-4 on Monday morning
    b.do("reopen", "E8", "s01", "群众再次来电，重新办理。")
    b.do("hand_off", "A3", "w03", "w02", "请协助办结。")
    b.do("accept_handoff", "A3", "w02")
    b.do("rate", "J1", "w01", 5, "回访")
    b.do("accept", "N2", "w03", materials=[("申请表", 2)])
    b.channels = ["visit", "phone", "online"]
    for label in ("M1", "M2", "M3"):
        b.check_in(label, "w02", "enquiry")
        b.do("answer", label, "w02", "我不清楚，请稍后来电。" if label == "M1" else "已解答。")
    b.do("rate", "M2", "w02", 2, "回访")
    b.at("2026-03-16T18:00")
    desk.scan()
    b.at("2026-03-17T08:00")
    desk.scan()
    b.at("2026-03-17T10:00")
    b.do("resolve", "C1", "w02", "已协调物业修复路灯。")
    b.channels = ["letter"]
    b.check_in("M4", "w03", "complaint")
    b.do("accept", "M4", "w03", materials=[("来信", 2)])
    b.at("2026-03-17T18:00")
    desk.scan()
    return week


def open_week(folder: Path) -> Week:
    """The week, built on a desk of its own in `folder` (conftest's roster, the matters T3 and TC); the caller closes
    `week.desk`."""
    clock = Clock(datetime(2026, 3, 9, 8, 0))
    desk = Desk.open(folder / "desk.db", clock=clock)
    furnish(desk, "T3", "TC")
    return build_week(desk, clock)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Week]:
    built = open_week(tmp_path_factory.mktemp("week"))
    yield built
    built.desk.close()


@pytest.fixture
def friday(week: Week) -> dict[str, Any]:
    return week.friday


# --- Friday, as it stood that evening: every key -------------------------------------------------------------------


def test_the_summary_has_every_key_of_the_contract(friday):
    assert CONTRACT_KEYS <= set(friday)
    assert {"accepted", "pending", "declined"} <= set(friday["handoffs"])
    assert {"by_rule", "by_staff"} <= set(friday["violations"])
    assert {"events", "head"} <= set(friday["chain"])
    for row in friday["staff"]:
        assert set(STAFF_KEYS) <= set(row)


def test_day(friday):
    assert friday["day"] == "2026-03-13"


def test_received(friday):
    assert friday["received"] == 38


def test_received_by_channel(friday):
    assert friday["by_channel"] == {"visit": 16, "phone": 12, "letter": 3, "online": 7}


def test_received_by_kind(friday):
    assert friday["by_kind"] == {"enquiry": 11, "application": 10, "complaint": 7, "report": 6, "suggestion": 4}


def test_answered_on_the_spot(friday):
    assert friday["answered_on_spot"] == 8


def test_notices_count_every_notice_given(friday):
    assert friday["notices"] == 7


def test_second_notices(friday):
    assert friday["second_notices"] == 1


def test_accepted(friday):
    assert friday["accepted"] == 9


def test_handoffs_accepted_pending_declined(friday):
    h = friday["handoffs"]
    assert (h["accepted"], h["pending"], h["declined"]) == (6, 3, 2)


def test_referred(friday):
    assert friday["referred"] == 5


def test_rejected(friday):
    assert friday["rejected"] == 4


def test_resolved_counts_answers_referrals_rejections_and_resolutions(friday):
    assert friday["resolved"] == 20


def test_open_at_the_end_of_the_day(friday):
    assert friday["open"] == 24


def test_overdue_is_open_cases_due_before_the_day(week, friday):
    # A1 (due Thursday) is still open; A2 (due Thursday) was resolved on Friday; A3 is due Friday itself.
    assert friday["overdue"] == [week.no("A1")]


def test_due_tomorrow_on_a_friday_is_mondays_due_cases(week, friday):
    # A4 (due Monday) and RP1 (one working day from Friday); A5 was due Monday too but was resolved.
    assert sorted(friday["due_tomorrow"]) == sorted([week.no("A4"), week.no("RP1")])


def test_ratings_by_level_as_strings(friday):
    assert friday["ratings"] == {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def test_satisfaction_rate_is_the_share_of_levels_3_to_5(friday):
    assert friday["satisfaction_rate"] == pytest.approx(12 / 15)


def test_violations_by_rule(friday):
    assert friday["violations"]["by_rule"] == {"LANG-1": 3, "NOT-2": 1, "TIME-2": 2}


def test_violations_by_staff(friday):
    assert friday["violations"]["by_staff"] == {"w01": 3, "w02": 1, "w03": 2}


def test_violations_agree_with_the_desks_list_for_the_day(week, friday):
    listed = week.desk.violations(day=FRIDAY)
    assert sum(friday["violations"]["by_rule"].values()) == len(listed)


def test_staff_table(friday):
    assert staff_rows(friday) == {
        "w01": {
            "code": "w01",
            "name": "王芳",
            "received": 15,
            "owned": 2,
            "resolved": 9,
            "on_time_rate": 1.0,
            "violations": 3,
        },
        "w02": {
            "code": "w02",
            "name": "李强",
            "received": 11,
            "owned": 8,
            "resolved": 8,
            "on_time_rate": 0.5,
            "violations": 1,
        },
        "w03": {
            "code": "w03",
            "name": "张丽",
            "received": 12,
            "owned": 14,
            "resolved": 3,
            "on_time_rate": None,
            "violations": 2,
        },
        "s01": {
            "code": "s01",
            "name": "陈静",
            "received": 0,
            "owned": 0,
            "resolved": 0,
            "on_time_rate": None,
            "violations": 0,
        },
    }


def test_staff_table_adds_up_to_the_day(friday):
    rows = staff_rows(friday).values()
    assert sum(r["received"] for r in rows) == friday["received"]
    assert sum(r["owned"] for r in rows) == friday["open"]
    assert sum(r["resolved"] for r in rows) == friday["resolved"]


def test_chain_is_the_head_at_the_end_of_the_day(week, friday):
    events, head = week.friday_head
    assert friday["chain"] == {"events": events, "head": head}


def test_chain_anchor_of_the_day_verifies_on_the_command_line_after_later_days(week, friday):
    anchor = f"{friday['chain']['events']}:{friday['chain']['head']}"
    result = firstask("--db", str(week.desk.store.path), "verify", "--anchor", anchor)
    assert result.returncode == 0, result.stderr
    assert week.desk.verify((friday["chain"]["events"], friday["chain"]["head"])).ok


def test_the_summary_is_json_serialisable(friday):
    assert json.loads(json.dumps(friday, ensure_ascii=False)) == friday


# --- a past day re-made later agrees ---------------------------------------------------------------------------


def test_friday_remade_after_later_days_is_unchanged(week):
    assert week.desk.summary(FRIDAY) == week.friday


def test_thursday_remade_after_later_days_is_unchanged(week):
    assert week.desk.summary(THURSDAY) == week.thursday


def test_later_days_did_happen(week):
    """The re-made Friday is not equal by accident: Monday's own summary shows Monday's work."""
    monday = week.desk.summary(MONDAY)
    assert monday["received"] == 3
    assert monday["handoffs"]["accepted"] == 3 and monday["handoffs"]["declined"] == 1
    assert monday["handoffs"]["pending"] == 0
    assert week.desk.case(week.no("A1")).status == "resolved"
    assert week.desk.case(week.no("E8")).status == "open"
    assert week.desk.case(week.no("A4")).due == date(2026, 3, 18)
    assert week.desk.store.head()[0] > week.friday_head[0]


def test_thursday_due_tomorrow_is_fridays_and_nothing_is_overdue_yet(week):
    thursday = week.thursday
    assert thursday["overdue"] == []  # A1 and A2 fall due that very day: not before it
    assert thursday["due_tomorrow"] == [week.no("A3")]
    assert thursday["received"] == 1 and thursday["accepted"] == 1 and thursday["open"] == 6


def test_monday_overdue_lists_the_case_still_open_past_its_due_day(week):
    monday = week.desk.summary(MONDAY)
    # A1 was resolved on Monday; A3 (due Friday) is still open; A4's due date moved to Wednesday.
    assert monday["overdue"] == [week.no("A3")]
    assert week.no("A4") not in monday["due_tomorrow"]


def test_late_breaches_are_filed_under_the_day_they_happened(week):
    assert [v.rule for v in week.desk.violations(day=date(2026, 3, 14))] == ["TIME-2"]
    monday = week.desk.summary(MONDAY)
    assert monday["violations"]["by_rule"].get("HO-4") == 1
    assert monday["violations"]["by_rule"].get("LANG-1") == 1


# --- small days of their own ------------------------------------------------------------------------------------


EMPTY_SECTIONS = {
    "received": 0,
    "answered_on_spot": 0,
    "notices": 0,
    "second_notices": 0,
    "accepted": 0,
    "referred": 0,
    "rejected": 0,
    "resolved": 0,
    "open": 0,
    "overdue": [],
    "due_tomorrow": [],
}


def assert_empty(summary: dict[str, Any]) -> None:
    assert CONTRACT_KEYS <= set(summary)
    assert {k: summary[k] for k in EMPTY_SECTIONS} == EMPTY_SECTIONS
    assert summary["by_channel"] in ({}, {"visit": 0, "phone": 0, "letter": 0, "online": 0})
    assert all(v == 0 for v in summary["by_kind"].values())
    h = summary["handoffs"]
    assert (h["accepted"], h["pending"], h["declined"]) == (0, 0, 0)
    assert summary["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert summary["satisfaction_rate"] is None
    assert summary["violations"]["by_rule"] == {} and summary["violations"]["by_staff"] == {}
    for row in summary["staff"]:
        assert (row["received"], row["owned"], row["resolved"], row["on_time_rate"], row["violations"]) == (
            0,
            0,
            0,
            None,
            0,
        )
    assert json.loads(json.dumps(summary)) == summary


def test_an_empty_day_gives_zeros_nulls_and_empty_lists(desk):
    summary = desk.summary(date(2026, 3, 8))  # the Sunday before anything was written
    assert_empty(summary)
    assert summary["day"] == "2026-03-08"
    assert summary["chain"]["events"] == 0
    assert {r["code"] for r in summary["staff"]} <= {code for code, *_ in ROSTER}


def test_a_brand_new_desk_has_an_empty_summary(tmp_path):
    with Desk.open(tmp_path / "new.db", clock=lambda: datetime(2026, 3, 9, 9, 0)) as fresh:
        summary = fresh.summary(date(2026, 3, 9))
    assert_empty(summary)
    assert summary["staff"] == []
    assert summary["chain"]["events"] == 0


def test_on_time_rate_counts_only_the_days_resolutions_with_a_due_date(desk, clock, in_progress):
    early = in_progress("w01")  # accepted Monday 03-09, due Thursday 03-12
    late = in_progress("w01")
    clock.set("2026-03-12T10:00")
    desk.resolve(early.no, "w01", "已办结")
    clock.set("2026-03-13T10:00")
    desk.resolve(late.no, "w01", "已办结")
    rows = {r["code"]: r for r in desk.summary(date(2026, 3, 12))["staff"]}
    assert rows["w01"]["on_time_rate"] == 1.0
    rows = {r["code"]: r for r in desk.summary(date(2026, 3, 13))["staff"]}
    assert rows["w01"]["on_time_rate"] == 0.0
    assert rows["w02"]["on_time_rate"] is None


def test_satisfaction_rate_is_null_with_no_ratings_and_counts_level_3_as_satisfied(desk, clock, new_case):
    case = new_case()
    desk.answer(case.no, "w01", "已解答")
    assert desk.summary(date(2026, 3, 9))["satisfaction_rate"] is None
    desk.rate(case.no, "w01", 3)
    bad = new_case()
    desk.answer(bad.no, "w01", "已解答")
    desk.rate(bad.no, "w01", 2)
    assert desk.summary(date(2026, 3, 9))["satisfaction_rate"] == pytest.approx(0.5)


def test_a_notice_repeating_only_earlier_items_is_not_a_second_notice(desk, new_case):
    """NOT-2: a second notice is a later one asking for something not on any earlier notice; a re-issue is not."""
    case = new_case(kind="application", matter="T3")
    desk.notify(case.no, "w01", presented=[])
    desk.notify(case.no, "w01", presented=[])  # the same list again (the visitor lost the first copy)
    summary = desk.summary(date(2026, 3, 9))
    assert summary["notices"] == 2
    assert [v.rule for v in desk.violations()] == []
    assert summary["second_notices"] == 0


def test_reviewing_a_violation_later_does_not_change_a_past_day(desk, clock, new_case):
    case = new_case()
    desk.answer(case.no, "w01", "这个我不知道。")  # LANG-1 on Monday
    monday = copy.deepcopy(desk.summary(date(2026, 3, 9)))
    clock.set("2026-03-10T09:00")
    (violation,) = desk.violations()
    desk.review(violation.id, "s01", decision="confirm", reason="已核实")
    assert desk.summary(date(2026, 3, 9)) == monday


def test_a_colleague_added_later_does_not_change_a_past_day(desk, clock, new_case):
    case = new_case()
    desk.answer(case.no, "w01", "已解答")
    monday = copy.deepcopy(desk.summary(date(2026, 3, 9)))
    clock.set("2026-03-10T09:00")
    desk.add_staff("w09", "新同事")
    assert desk.summary(date(2026, 3, 9)) == monday
