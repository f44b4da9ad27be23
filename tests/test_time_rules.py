"""The time rules through the desk's scan and the catch-up every action does: OWN-3, NOT-4, TIME-2, TIME-5, HO-4,
RATE-2 (with RATE-1 and remedy), and the supervisor's review of violations (ACC-1). SPEC §5, §6; issue 3.

The dates are in March 2026, a month with no holiday or make-up day: Monday 2026-03-09 is the conftest clock's start.
A violation's `.at` is when the breach happened (midnight ending a due day, the 30th working minute, ...), never the
moment a scan noticed it.
"""

from datetime import date, datetime

import pytest


def dt(text):
    return datetime.fromisoformat(text)


def scan_at(desk, clock, when):
    clock.set(when)
    return desk.scan()


def of_rule(found, rule):
    return [v for v in found if v.rule == rule]


@pytest.fixture
def w04(desk):
    desk.add_staff("w04", "赵敏", backup="w03")
    return "w04"


@pytest.fixture
def long_case(desk, new_case):
    """A case with no catalogue matter accepted at the clock's time with a 20-working-day limit (TIME-5 tests)."""

    def accepted(by="w01"):
        case = new_case(by, kind="application", summary="申请困难补助")
        return desk.accept(case.no, by, materials=[("申请书", 1)], days=20)

    return accepted


@pytest.fixture
def bad_rating(desk, new_case, clock):
    """A case answered and rated 不满意 (2) by w01 on Monday 2026-03-09 at 10:00."""

    def rated(level=2):
        clock.set("2026-03-09T10:00")
        case = desk.answer(new_case().no, "w01", "已答复")
        return desk.rate(case.no, "w01", level, "等待时间太长")

    return rated


# --- the scan itself ------------------------------------------------------------------------------------------------


def test_scan_with_nothing_due_returns_nothing_and_writes_nothing(desk, new_case, counts):
    new_case()
    before = counts()
    assert desk.scan() == []
    assert counts() == before


def test_scan_writes_a_scan_event_to_the_case_it_flags(desk, new_case, clock):
    case = new_case()
    found = scan_at(desk, clock, "2026-03-10T09:30")
    assert [v.rule for v in found] == ["OWN-3"]
    event = desk.case(case.no).history[-1]
    assert (event.action, event.by, event.at) == ("scan", None, dt("2026-03-10T09:30"))
    assert [f["rule"] for f in event.detail["verdict"]] == ["OWN-3"]


def test_violations_are_filed_under_the_day_of_the_breach_not_of_the_scan(desk, in_progress, clock):
    case = in_progress()  # due Thursday 2026-03-12
    scan_at(desk, clock, "2026-03-20T10:00")
    assert [v.rule for v in desk.violations(day=date(2026, 3, 13), case_no=case.no)] == ["TIME-2"]
    assert of_rule(desk.violations(day=date(2026, 3, 20)), "TIME-2") == []
    assert [v.rule for v in desk.violations(staff="w01", day=date(2026, 3, 13))] == ["TIME-2"]
    assert desk.violations(staff="w02") == []


# --- OWN-3: a first response within 24 clock hours -----------------------------------------------------------------


def test_own3_no_response_within_24_hours_is_flagged_against_the_owner(desk, new_case, clock):
    case = new_case()  # Monday 09:00
    assert scan_at(desk, clock, "2026-03-10T08:59") == []
    found = scan_at(desk, clock, "2026-03-10T09:00")
    assert [(v.rule, v.staff, v.case_no, v.at) for v in found] == [("OWN-3", "w01", case.no, dt("2026-03-10T09:00"))]


def test_own3_counts_clock_hours_across_a_weekend(desk, new_case, clock):
    clock.set("2026-03-13T17:00")  # Friday
    new_case()
    found = scan_at(desk, clock, "2026-03-14T17:05")  # Saturday
    assert [(v.rule, v.at) for v in found] == [("OWN-3", dt("2026-03-14T17:00"))]


def respond(desk, case, how):
    no = case.no
    if how == "answer":
        desk.answer(no, "w01", "已答复")
    elif how == "notify":
        desk.notify(no, "w01")
    elif how == "accept":
        desk.accept(no, "w01", materials=[("申请表", 1)])
    elif how == "hand_off":
        desk.hand_off(no, "w01", "w02", "请处理")
        desk.accept_handoff(no, "w02")
    elif how == "refer":
        desk.refer(no, "w01", agency="区人社局", contact="12333")
    elif how == "reject":
        desk.reject(no, "w01", "不符合条件")
    elif how == "feedback":
        desk.feedback(no, "w01", "正在核实，明天答复")


RESPONSES = ["answer", "notify", "accept", "hand_off", "refer", "reject", "feedback"]


@pytest.mark.parametrize("how", RESPONSES)
def test_own3_a_response_within_24_hours_is_not_flagged(desk, new_case, clock, how):
    case = new_case(kind="application", matter="T3")
    clock.set("2026-03-10T08:30")
    respond(desk, case, how)
    scan_at(desk, clock, "2026-03-11T10:00")
    scan_at(desk, clock, "2026-03-25T10:00")
    assert of_rule(desk.violations(), "OWN-3") == []


def test_own3_a_late_response_without_a_scan_is_flagged_once_at_the_breach(desk, new_case, clock):
    case = new_case()
    clock.set("2026-03-10T10:00")  # 25 hours on
    case = desk.feedback(case.no, "w01", "正在核实")
    found = of_rule(desk.violations(), "OWN-3")
    assert [(v.staff, v.at) for v in found] == [("w01", dt("2026-03-10T09:00"))]
    assert [f["rule"] for f in case.history[-1].detail["verdict"]] == ["OWN-3"]
    assert scan_at(desk, clock, "2026-03-11T10:00") == []
    assert len(of_rule(desk.violations(), "OWN-3")) == 1


# --- NOT-4: an application's notice or acceptance within 5 working days -------------------------------------------


def test_not4_no_notice_or_acceptance_in_5_working_days_is_flagged_at_midnight_ending_the_5th(desk, new_case, clock):
    case = new_case(kind="application", matter="T3")  # Monday 2026-03-09; the 5th working day after is 03-16
    assert of_rule(scan_at(desk, clock, "2026-03-16T23:59"), "NOT-4") == []
    found = of_rule(scan_at(desk, clock, "2026-03-17T00:00"), "NOT-4")
    assert [(v.staff, v.case_no, v.at) for v in found] == [("w01", case.no, dt("2026-03-17T00:00"))]


def test_not4_counts_from_a_weekend_check_in(desk, new_case, clock):
    clock.set("2026-03-14T10:00")  # Saturday: the count starts on Monday
    new_case(kind="application", matter="T3")
    assert of_rule(scan_at(desk, clock, "2026-03-20T23:00"), "NOT-4") == []
    assert [v.at for v in of_rule(scan_at(desk, clock, "2026-03-21T00:01"), "NOT-4")] == [dt("2026-03-21T00:00")]


@pytest.mark.parametrize("how", ["notify", "accept"])
def test_not4_a_notice_or_acceptance_on_the_5th_working_day_is_on_time(desk, new_case, clock, how):
    case = new_case(kind="application", matter="T3")
    clock.set("2026-03-16T16:00")
    respond(desk, case, how)
    scan_at(desk, clock, "2026-03-18T10:00")
    assert of_rule(desk.violations(), "NOT-4") == []


@pytest.mark.parametrize("how", ["answer", "reject", "refer"])
def test_not4_an_application_answered_rejected_or_referred_owes_no_notice(desk, new_case, clock, how):
    case = new_case(kind="application", matter="T3")
    respond(desk, case, how)
    scan_at(desk, clock, "2026-03-20T10:00")
    assert of_rule(desk.violations(), "NOT-4") == []


def test_not4_does_not_apply_to_an_enquiry_or_to_an_application_without_a_matter(desk, new_case, clock):
    new_case(kind="enquiry", matter="T3")
    new_case(kind="application")
    assert of_rule(scan_at(desk, clock, "2026-03-20T10:00"), "NOT-4") == []


def test_not4_a_late_notice_without_a_scan_is_flagged_once_at_the_breach(desk, new_case, clock):
    case = new_case(kind="application", matter="T3")
    clock.set("2026-03-17T10:00")
    desk.notify(case.no, "w01")
    assert [v.at for v in of_rule(desk.violations(), "NOT-4")] == [dt("2026-03-17T00:00")]
    assert scan_at(desk, clock, "2026-03-18T10:00") == []
    assert len(of_rule(desk.violations(), "NOT-4")) == 1


# --- TIME-2: overdue, once per due date, against the owner then ---------------------------------------------------


def test_time2_not_resolved_by_the_due_date_is_flagged_at_midnight_ending_it(desk, in_progress, clock):
    case = in_progress()
    assert case.due == date(2026, 3, 12)
    assert of_rule(scan_at(desk, clock, "2026-03-12T23:59"), "TIME-2") == []
    found = of_rule(scan_at(desk, clock, "2026-03-13T00:00"), "TIME-2")
    assert [(v.staff, v.case_no, v.at) for v in found] == [("w01", case.no, dt("2026-03-13T00:00"))]


def test_time2_a_scan_long_after_the_breach_records_the_breach_time(desk, in_progress, clock):
    in_progress()
    found = of_rule(scan_at(desk, clock, "2026-03-19T15:00"), "TIME-2")
    assert [v.at for v in found] == [dt("2026-03-13T00:00")]
    assert of_rule(scan_at(desk, clock, "2026-03-20T15:00"), "TIME-2") == []


def test_time2_resolved_on_the_due_day_is_not_flagged(desk, in_progress, clock):
    case = in_progress()
    clock.set("2026-03-12T17:00")
    desk.resolve(case.no, "w01", "已办结")
    scan_at(desk, clock, "2026-03-13T00:00")
    scan_at(desk, clock, "2026-03-20T00:00")
    assert of_rule(desk.violations(), "TIME-2") == []


def test_time2_an_extension_gives_a_new_due_date_that_can_be_flagged_again_once(desk, in_progress, clock):
    case = in_progress()
    scan_at(desk, clock, "2026-03-13T00:00")
    clock.set("2026-03-13T09:00")
    case = desk.extend(case.no, "w01", 2, "需补充调查")
    assert case.due == date(2026, 3, 16)
    assert of_rule(scan_at(desk, clock, "2026-03-16T23:59"), "TIME-2") == []
    found = of_rule(scan_at(desk, clock, "2026-03-17T00:00"), "TIME-2")
    assert [v.at for v in found] == [dt("2026-03-17T00:00")]
    assert of_rule(scan_at(desk, clock, "2026-03-17T00:00"), "TIME-2") == []
    assert [v.at for v in of_rule(desk.violations(), "TIME-2")] == [dt("2026-03-13T00:00"), dt("2026-03-17T00:00")]


def test_time2_an_extension_before_the_due_date_is_only_flagged_for_the_new_date(desk, in_progress, clock):
    case = in_progress()
    clock.set("2026-03-11T10:00")
    desk.extend(case.no, "w01", 2, "需补充调查")
    assert of_rule(scan_at(desk, clock, "2026-03-13T09:00"), "TIME-2") == []
    found = of_rule(scan_at(desk, clock, "2026-03-17T09:00"), "TIME-2")
    assert [(v.at, v.detail["params"]["due"]) for v in found] == [(dt("2026-03-17T00:00"), "2026-03-16")]


def test_time2_is_against_whoever_owned_the_case_at_the_breach(desk, in_progress, clock):
    case = in_progress()
    clock.set("2026-03-11T10:00")
    desk.hand_off(case.no, "w01", "w02", "请继续办理")
    desk.accept_handoff(case.no, "w02")
    found = of_rule(scan_at(desk, clock, "2026-03-13T09:00"), "TIME-2")
    assert [v.staff for v in found] == ["w02"]


def test_time2_accepted_after_the_breach_stays_against_the_owner_at_the_breach(desk, in_progress, clock):
    case = in_progress()
    clock.set("2026-03-12T16:00")
    desk.hand_off(case.no, "w01", "w02", "请继续办理")
    clock.set("2026-03-13T09:00")  # no scan since the breach at midnight
    desk.accept_handoff(case.no, "w02")
    assert [(v.staff, v.at) for v in of_rule(desk.violations(), "TIME-2")] == [("w01", dt("2026-03-13T00:00"))]


# --- TIME-5: feedback at least every 5 working days while in progress ----------------------------------------------


def test_time5_silent_for_5_working_days_is_flagged_once_per_stretch(desk, long_case, clock):
    case = long_case()  # accepted Monday 2026-03-09 09:00
    assert of_rule(scan_at(desk, clock, "2026-03-16T23:59"), "TIME-5") == []
    found = of_rule(scan_at(desk, clock, "2026-03-17T00:00"), "TIME-5")
    assert [(v.staff, v.case_no, v.at) for v in found] == [("w01", case.no, dt("2026-03-17T00:00"))]
    assert of_rule(scan_at(desk, clock, "2026-03-24T10:00"), "TIME-5") == []  # the same silent stretch


def test_time5_feedback_restarts_the_stretch(desk, long_case, clock):
    case = long_case()
    clock.set("2026-03-13T10:00")
    desk.feedback(case.no, "w01", "材料审核中")
    assert of_rule(scan_at(desk, clock, "2026-03-17T09:00"), "TIME-5") == []
    assert of_rule(scan_at(desk, clock, "2026-03-20T23:59"), "TIME-5") == []
    assert [v.at for v in of_rule(scan_at(desk, clock, "2026-03-21T00:00"), "TIME-5")] == [dt("2026-03-21T00:00")]


def test_time5_an_extension_restarts_the_stretch(desk, long_case, clock):
    case = long_case()
    clock.set("2026-03-13T10:00")
    desk.extend(case.no, "w01", 2, "需上级审批")
    assert of_rule(scan_at(desk, clock, "2026-03-17T09:00"), "TIME-5") == []
    assert [v.at for v in of_rule(scan_at(desk, clock, "2026-03-21T00:00"), "TIME-5")] == [dt("2026-03-21T00:00")]


def test_time5_a_new_silent_stretch_after_feedback_is_flagged_again(desk, long_case, clock):
    case = long_case()
    scan_at(desk, clock, "2026-03-17T09:00")
    clock.set("2026-03-18T10:00")
    desk.feedback(case.no, "w01", "已报上级审批")
    assert of_rule(scan_at(desk, clock, "2026-03-25T23:59"), "TIME-5") == []
    assert [v.at for v in of_rule(scan_at(desk, clock, "2026-03-26T00:00"), "TIME-5")] == [dt("2026-03-26T00:00")]
    assert [v.at for v in of_rule(desk.violations(), "TIME-5")] == [dt("2026-03-17T00:00"), dt("2026-03-26T00:00")]


def test_time5_late_feedback_without_a_scan_records_the_stretch_once(desk, long_case, clock):
    case = long_case()
    clock.set("2026-03-18T10:00")
    desk.feedback(case.no, "w01", "已报上级审批")
    assert [v.at for v in of_rule(desk.violations(), "TIME-5")] == [dt("2026-03-17T00:00")]
    assert of_rule(scan_at(desk, clock, "2026-03-19T10:00"), "TIME-5") == []


def test_time5_resolving_stops_it(desk, long_case, clock):
    case = long_case()
    clock.set("2026-03-16T15:00")
    desk.resolve(case.no, "w01", "补助已发放")
    scan_at(desk, clock, "2026-03-25T10:00")
    assert of_rule(desk.violations(), "TIME-5") == []


# --- HO-4: a hand-off accepted or declined within 30 working minutes while the receiver is present -----------------


def handed_off(desk, new_case, clock, when, to="w02"):
    clock.set(when)
    case = new_case()
    return desk.hand_off(case.no, "w01", to, "请处理")


def test_ho4_across_the_lunch_break(desk, new_case, clock):
    case = handed_off(desk, new_case, clock, "2026-03-09T11:50")
    assert scan_at(desk, clock, "2026-03-09T14:15") == []
    found = scan_at(desk, clock, "2026-03-09T14:25")
    assert [(v.rule, v.staff, v.case_no, v.at) for v in found] == [("HO-4", "w02", case.no, dt("2026-03-09T14:20"))]
    assert scan_at(desk, clock, "2026-03-09T14:25") == []


def test_ho4_across_a_weekend(desk, new_case, clock):
    handed_off(desk, new_case, clock, "2026-03-13T17:20")  # Friday
    assert scan_at(desk, clock, "2026-03-14T12:00") == []
    assert scan_at(desk, clock, "2026-03-16T08:45") == []  # Monday: 10 + 15 = 25 working minutes
    found = scan_at(desk, clock, "2026-03-16T08:50")
    assert [(v.rule, v.staff, v.at) for v in found] == [("HO-4", "w02", dt("2026-03-16T08:50"))]


def test_ho4_time_the_receiver_was_absent_does_not_count(desk, new_case, clock):
    handed_off(desk, new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-09T09:10")
    desk.set_absent("w02", True)
    clock.set("2026-03-09T10:10")
    desk.set_absent("w02", False)
    assert scan_at(desk, clock, "2026-03-09T10:25") == []  # 10 + 15 minutes present
    found = scan_at(desk, clock, "2026-03-09T10:35")
    assert [(v.rule, v.staff, v.at) for v in found] == [("HO-4", "w02", dt("2026-03-09T10:30"))]


def test_ho4_a_receiver_who_leaves_before_the_30th_minute_and_stays_away_is_not_flagged(desk, new_case, clock):
    handed_off(desk, new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-09T09:20")
    desk.set_absent("w02", True, by="s01")
    assert scan_at(desk, clock, "2026-03-10T16:00") == []


def test_ho4_a_hand_off_waiting_for_an_absent_receiver_counts_from_their_return(desk, new_case, clock):
    clock.set("2026-03-09T08:40")
    desk.set_absent("w03", True)  # no backup: the hand-off waits for w03
    case = handed_off(desk, new_case, clock, "2026-03-09T09:00", to="w03")
    assert case.pending_to == "w03"
    assert scan_at(desk, clock, "2026-03-09T10:55") == []
    clock.set("2026-03-09T11:00")
    desk.set_absent("w03", False)
    assert scan_at(desk, clock, "2026-03-09T11:25") == []
    assert [v.at for v in scan_at(desk, clock, "2026-03-09T11:35")] == [dt("2026-03-09T11:30")]


def test_ho4_a_hand_off_routed_to_the_backup_is_flagged_against_the_backup(desk, new_case, clock, w04):
    desk.set_absent("w04", True)
    case = handed_off(desk, new_case, clock, "2026-03-09T09:00", to="w04")
    assert case.pending_to == "w03"
    assert [(v.staff, v.at) for v in scan_at(desk, clock, "2026-03-09T09:40")] == [("w03", dt("2026-03-09T09:30"))]


def test_ho4_accepted_in_time_is_not_flagged(desk, new_case, clock):
    case = handed_off(desk, new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-09T09:25")
    desk.accept_handoff(case.no, "w02")
    scan_at(desk, clock, "2026-03-09T15:00")
    assert of_rule(desk.violations(), "HO-4") == []


@pytest.mark.parametrize("how", ["accept", "decline"])
def test_ho4_answered_late_without_a_scan_is_recorded_once(desk, new_case, clock, how):
    case = handed_off(desk, new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-09T10:00")
    if how == "accept":
        case = desk.accept_handoff(case.no, "w02")
    else:
        case = desk.decline_handoff(case.no, "w02", "不属于本岗位")
    assert [(v.staff, v.at) for v in of_rule(desk.violations(), "HO-4")] == [("w02", dt("2026-03-09T09:30"))]
    assert [f["rule"] for f in case.history[-1].detail["verdict"]] == ["HO-4"]
    assert scan_at(desk, clock, "2026-03-09T11:00") == []
    assert len(of_rule(desk.violations(), "HO-4")) == 1


# --- RATE-1 and RATE-2: five levels; a bad rating remedied within 15 working days ----------------------------------


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_rate1_every_level_closes_the_case(desk, new_case, level):
    case = desk.answer(new_case().no, "w01", "已答复")
    case = desk.rate(case.no, "w01", level)
    assert (case.status, case.rating) == ("closed", level)
    assert case.history[-1].detail["level"] == level


@pytest.mark.parametrize("level", [0, 6, -1, "2", 2.5, True, None])
def test_rate1_a_rating_outside_the_five_levels_is_refused(desk, refused, new_case, level):
    case = desk.answer(new_case().no, "w01", "已答复")
    refused("RATE-1", lambda d: d.rate(case.no, "w01", level))


def test_rating_an_open_case_is_refused(refused, new_case):
    case = new_case()
    refused("STATE", lambda d: d.rate(case.no, "w01", 5))


def test_rating_by_a_colleague_with_no_part_in_the_case_is_refused(desk, refused, new_case):
    case = desk.answer(new_case().no, "w01", "已答复")
    refused("OWN-2", lambda d: d.rate(case.no, "w03", 5))


def test_rate2_checked_at_13_and_16_working_days(desk, bad_rating, clock):
    case = bad_rating()  # Monday 2026-03-09; the 15th working day after is Monday 03-30
    assert scan_at(desk, clock, "2026-03-26T12:00") == []  # 13 working days
    assert scan_at(desk, clock, "2026-03-30T23:59") == []
    found = scan_at(desk, clock, "2026-03-31T12:00")  # 16 working days
    assert [(v.rule, v.staff, v.case_no, v.at) for v in found] == [("RATE-2", "w01", case.no, dt("2026-03-31T00:00"))]


def test_rate2_a_rating_of_1_is_bad_too(desk, bad_rating, clock):
    bad_rating(1)
    assert [v.rule for v in scan_at(desk, clock, "2026-03-31T12:00")] == ["RATE-2"]


@pytest.mark.parametrize("level", [3, 4, 5])
def test_rate2_a_good_rating_opens_no_rectification(desk, bad_rating, clock, level):
    bad_rating(level)
    assert scan_at(desk, clock, "2026-04-30T12:00") == []


def test_rate2_a_remedy_within_15_working_days_stops_it(desk, bad_rating, clock):
    case = bad_rating()
    clock.set("2026-03-20T10:00")
    case = desk.remedy(case.no, "w01", "已回访致歉并加快办理")
    assert case.status == "closed"
    assert (case.history[-1].action, case.history[-1].by) == ("remedy", "w01")
    assert scan_at(desk, clock, "2026-03-31T12:00") == []
    assert scan_at(desk, clock, "2026-04-30T12:00") == []


def test_rate2_a_late_remedy_without_a_scan_is_flagged_once(desk, bad_rating, clock):
    case = bad_rating()
    clock.set("2026-04-01T10:00")
    desk.remedy(case.no, "w01", "已回访致歉")
    assert [v.at for v in of_rule(desk.violations(), "RATE-2")] == [dt("2026-03-31T00:00")]
    assert scan_at(desk, clock, "2026-04-02T10:00") == []


def test_rate2_is_against_the_owner_not_the_first_asker_who_rated(desk, new_case, clock):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    desk.accept_handoff(case.no, "w02")
    desk.answer(case.no, "w02", "已答复")
    clock.set("2026-03-09T10:00")
    desk.rate(case.no, "w01", 2, "不满意")
    assert [v.staff for v in scan_at(desk, clock, "2026-03-31T12:00")] == ["w02"]


@pytest.mark.parametrize("level", [3, 4, 5])
def test_remedy_without_a_bad_rating_is_refused(desk, refused, new_case, level):
    case = desk.answer(new_case().no, "w01", "已答复")
    desk.rate(case.no, "w01", level)
    refused("RATE-2", lambda d: d.remedy(case.no, "w01", "已回访"))


def test_remedy_of_an_unrated_case_is_refused(desk, refused, new_case):
    case = desk.answer(new_case().no, "w01", "已答复")
    refused(None, lambda d: d.remedy(case.no, "w01", "已回访"))


@pytest.mark.parametrize("text", ["", "  ", None])
def test_remedy_without_a_text_is_refused(desk, refused, bad_rating, text):
    case = bad_rating()
    refused(None, lambda d: d.remedy(case.no, "w01", text))


def test_remedy_by_a_colleague_with_no_part_in_the_case_is_refused(desk, refused, bad_rating):
    case = bad_rating()
    refused("OWN-2", lambda d: d.remedy(case.no, "w03", "已回访"))


def test_remedy_by_a_supervisor(desk, bad_rating):
    case = bad_rating()
    assert desk.remedy(case.no, "s01", "负责人回访致歉").history[-1].by == "s01"


# --- idempotence: a second scan at the same moment finds nothing, for every time rule ------------------------------


def setup_own3(desk, new_case, in_progress, long_case, bad_rating, clock):
    new_case()
    return "2026-03-10T10:00"


def setup_not4(desk, new_case, in_progress, long_case, bad_rating, clock):
    case = new_case(kind="application", matter="T3")
    desk.feedback(case.no, "w01", "请补齐材料")  # a response, so OWN-3 stays out of it
    return "2026-03-17T10:00"


def setup_time2(desk, new_case, in_progress, long_case, bad_rating, clock):
    in_progress()
    return "2026-03-13T10:00"


def setup_time5(desk, new_case, in_progress, long_case, bad_rating, clock):
    long_case()
    return "2026-03-17T10:00"


def setup_ho4(desk, new_case, in_progress, long_case, bad_rating, clock):
    desk.hand_off(new_case().no, "w01", "w02", "请处理")
    return "2026-03-09T10:00"


def setup_rate2(desk, new_case, in_progress, long_case, bad_rating, clock):
    bad_rating()
    return "2026-03-31T10:00"


SETUPS = {
    "OWN-3": setup_own3,
    "NOT-4": setup_not4,
    "TIME-2": setup_time2,
    "TIME-5": setup_time5,
    "HO-4": setup_ho4,
    "RATE-2": setup_rate2,
}


@pytest.mark.parametrize("rule", list(SETUPS))
def test_a_second_scan_at_the_same_moment_returns_nothing(
    desk, new_case, in_progress, long_case, bad_rating, clock, counts, rule
):
    when = SETUPS[rule](desk, new_case, in_progress, long_case, bad_rating, clock)
    first = scan_at(desk, clock, when)
    assert [v.rule for v in first] == [rule]
    before = counts()
    assert desk.scan() == []
    assert counts() == before
    assert scan_at(desk, clock, when) == []
    assert [v.rule for v in desk.violations()] == [rule]


# --- ACC-1: a supervisor reviews violations; a second confirmed one within 12 months is a repeat -------------------


@pytest.fixture
def own3_violations(desk, new_case, clock):
    """`own3_violations("2026-03-09T09:00", ...)`: one OWN-3 against w01 for a case checked in at each moment."""

    def make(*moments):
        out = []
        for moment in moments:
            clock.set(moment)
            new_case()
            clock.advance(hours=25)
            out += desk.scan()
        assert [v.rule for v in out] == ["OWN-3"] * len(moments)
        return out

    return make


def test_acc1_a_clerk_cannot_review(desk, refused, own3_violations):
    (v,) = own3_violations("2026-03-09T09:00")
    refused(None, lambda d: d.review(v.id, "w02", decision="confirm", reason="确认"))


def test_acc1_the_staff_member_flagged_cannot_review_it(desk, refused, own3_violations):
    (v,) = own3_violations("2026-03-09T09:00")
    refused(None, lambda d: d.review(v.id, "w01", decision="excuse", reason="我很忙"))


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_acc1_a_review_needs_a_reason(desk, refused, own3_violations, reason):
    (v,) = own3_violations("2026-03-09T09:00")
    refused(None, lambda d: d.review(v.id, "s01", decision="confirm", reason=reason))


def test_acc1_a_review_is_confirm_or_excuse(desk, refused, own3_violations):
    (v,) = own3_violations("2026-03-09T09:00")
    refused(None, lambda d: d.review(v.id, "s01", decision="ignore", reason="无"))


@pytest.mark.parametrize("decision", ["confirm", "excuse"])
def test_acc1_a_supervisor_reviews_with_a_reason(desk, own3_violations, clock, decision):
    (v,) = own3_violations("2026-03-09T09:00")
    clock.set("2026-03-10T16:00")
    reviewed = desk.review(v.id, "s01", decision=decision, reason="已核实")
    assert reviewed.review["decision"] == decision
    assert reviewed.review["reason"] == "已核实"
    assert reviewed.review["by"] == "s01"
    assert reviewed.review["at"] == dt("2026-03-10T16:00")
    assert reviewed.repeat is False
    assert [x.review for x in desk.violations()] == [reviewed.review]


def test_acc1_a_violation_is_reviewed_only_once(desk, refused, own3_violations):
    (v,) = own3_violations("2026-03-09T09:00")
    desk.review(v.id, "s01", decision="confirm", reason="已核实")
    refused(None, lambda d: d.review(v.id, "s01", decision="excuse", reason="改判"))


def test_acc1_a_second_confirmed_violation_within_12_months_is_a_repeat(desk, own3_violations):
    first, second = own3_violations("2026-03-09T09:00", "2026-09-01T09:00")
    assert desk.review(first.id, "s01", decision="confirm", reason="属实").repeat is False
    assert desk.review(second.id, "s01", decision="confirm", reason="属实").repeat is True
    assert [v.repeat for v in desk.violations(staff="w01")] == [False, True]


def test_acc1_an_excused_violation_does_not_count_towards_a_repeat(desk, own3_violations):
    first, second = own3_violations("2026-03-09T09:00", "2026-09-01T09:00")
    desk.review(first.id, "s01", decision="excuse", reason="系统故障")
    assert desk.review(second.id, "s01", decision="confirm", reason="属实").repeat is False


def test_acc1_a_confirmed_violation_more_than_12_months_earlier_is_no_repeat(desk, own3_violations):
    first, second = own3_violations("2026-03-09T09:00", "2027-04-20T09:00")
    desk.review(first.id, "s01", decision="confirm", reason="属实")
    assert desk.review(second.id, "s01", decision="confirm", reason="属实").repeat is False


def test_acc1_another_staff_members_violation_does_not_count(desk, new_case, own3_violations, clock):
    (first,) = own3_violations("2026-03-09T09:00")
    clock.set("2026-03-11T09:00")
    new_case("w02")
    clock.set("2026-03-12T10:00")
    (other,) = desk.scan()
    assert other.staff == "w02"
    desk.review(first.id, "s01", decision="confirm", reason="属实")
    assert desk.review(other.id, "s01", decision="confirm", reason="属实").repeat is False


def test_acc1_a_review_is_a_desk_event_in_the_history(desk, own3_violations):
    (v,) = own3_violations("2026-03-09T09:00")
    desk.review(v.id, "s01", decision="confirm", reason="属实")
    actions = [r["action"] for r in desk.store.all("SELECT action FROM events WHERE case_no IS NULL ORDER BY seq")]
    assert actions[-1] == "review"
    row = desk.store.one("SELECT by_staff FROM events WHERE action = 'review'")
    assert row["by_staff"] == "s01"
    assert desk.verify().ok
