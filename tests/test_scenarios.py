"""Whole stories from the seeds, end to end through `Desk`, asserting on the history event by event (issue 3).

1. A phone complaint handed to a colleague who is out, picked up by the backup (002 AB角), resolved late (TIME-2),
   rated 不满意 and remedied (RATE-2, 国办发〔2019〕51号).
2. An application for a residence permit (居住证): one-time notice, second visit, acceptance with a receipt,
   progress feedback, an extension told to the visitor, resolution, callback 非常满意 — and no violation at all.
3. An anonymous phone report handed off just before lunch, not picked up in 30 working minutes (HO-4), declined,
   referred out and closed without a callback; the supervisor confirms the violation.
"""

from datetime import date, datetime

import pytest


def dt(text):
    return datetime.fromisoformat(text)


@pytest.fixture
def w04(desk):
    desk.add_staff("w04", "赵敏", backup="w03")  # w04's backup is w03, so the backup is not the sender w01
    return "w04"


def steps(case):
    return [(e.action, e.by, e.at) for e in case.history]


def test_phone_complaint_to_an_absent_colleague_picked_up_by_the_backup_resolved_late_rated_bad_and_remedied(
    desk, clock, w04
):
    clock.set("2026-03-09T08:30")
    desk.set_absent("w04", True)  # 赵敏 is on leave today

    clock.set("2026-03-09T09:00")
    case = desk.check_in(
        "w01",
        visitor_name="张三",
        phone="13912345678",
        channel="phone",
        kind="complaint",
        summary="投诉小区路灯长期不亮，多次反映无人处理",
    )
    no = case.no
    assert (case.status, case.first_asker, case.owner, case.channel, case.kind) == (
        "open",
        "w01",
        "w01",
        "phone",
        "complaint",
    )

    clock.set("2026-03-09T09:10")
    case = desk.hand_off(no, "w01", "w04", "已记录投诉内容，路灯维修归赵敏负责")
    assert (case.status, case.owner, case.pending_to) == ("handoff_pending", "w01", "w03")
    assert [c.no for c in desk.waiting_for("w03")] == [no]

    clock.set("2026-03-09T09:25")
    case = desk.accept_handoff(no, "w03")
    assert (case.status, case.owner, case.first_asker) == ("open", "w03", "w01")
    assert [c.no for c in desk.tracking("w01")] == [no]

    clock.set("2026-03-09T09:40")
    case = desk.accept(no, "w03", materials=[("投诉登记表", 1)])  # a complaint: 3 working days (TIME-4)
    assert (case.status, case.due) == ("in_progress", date(2026, 3, 12))

    clock.set("2026-03-13T08:00")
    found = desk.scan()
    assert [(v.rule, v.staff, v.case_no, v.at) for v in found] == [("TIME-2", "w03", no, dt("2026-03-13T00:00"))]

    clock.set("2026-03-13T10:00")
    case = desk.resolve(no, "w03", "路灯已由物业修复，已电话告知")
    assert case.status == "resolved"

    clock.set("2026-03-16T15:00")
    case = desk.rate(no, "w01", 2, "不满意：拖了一个星期")
    assert (case.status, case.rating) == ("closed", 2)
    assert desk.tracking("w01") == []

    clock.set("2026-03-18T10:00")
    case = desk.remedy(no, "w03", "已上门致歉，说明延误原因，并建立路灯巡查台账")

    clock.set("2026-04-30T10:00")
    assert desk.scan() == []

    case = desk.case(no)
    assert steps(case) == [
        ("check_in", "w01", dt("2026-03-09T09:00")),
        ("hand_off", "w01", dt("2026-03-09T09:10")),
        ("accept_handoff", "w03", dt("2026-03-09T09:25")),
        ("accept", "w03", dt("2026-03-09T09:40")),
        ("scan", None, dt("2026-03-13T08:00")),
        ("resolve", "w03", dt("2026-03-13T10:00")),
        ("rate", "w01", dt("2026-03-16T15:00")),
        ("remedy", "w03", dt("2026-03-18T10:00")),
    ]
    check_in, hand_off, accepted, taken_in, scan, resolved, rated, remedied = case.history
    assert check_in.detail["status"] == [None, "open"]
    assert (check_in.detail["channel"], check_in.detail["kind"]) == ("phone", "complaint")
    assert "张三" not in str(check_in.detail) and "13912345678" not in str(check_in.detail)  # hashed, SPEC §10
    assert hand_off.detail["status"] == ["open", "handoff_pending"]
    assert (hand_off.detail["to"], hand_off.detail["pending_to"], hand_off.detail["via_backup"]) == ("w04", "w03", True)
    assert accepted.detail["status"] == ["handoff_pending", "open"]
    assert accepted.detail["owner"] == "w03"
    assert taken_in.detail["status"] == ["open", "in_progress"]
    assert taken_in.detail["due"] == "2026-03-12"
    assert [f["rule"] for f in scan.detail["verdict"]] == ["TIME-2"]
    assert resolved.detail["status"] == ["in_progress", "resolved"]
    assert resolved.detail["on_time"] is False
    assert rated.detail["status"] == ["resolved", "closed"]
    assert (rated.detail["level"], rated.detail["bad"]) == (2, True)
    assert remedied.detail["status"] == ["closed", "closed"]

    assert [(v.rule, v.staff, v.at) for v in desk.violations()] == [("TIME-2", "w03", dt("2026-03-13T00:00"))]
    presence = desk.store.all("SELECT action, by_staff FROM events WHERE case_no IS NULL AND action = 'set_absent'")
    assert presence == [{"action": "set_absent", "by_staff": "w04"}]
    assert desk.verify().ok


JZZ_REQUIRED = ["本人居民身份证", "本人相片", "居住地住址、就业、就读等证明材料(按申领条件提供)"]


def test_residence_permit_notice_second_visit_acceptance_extension_resolution_and_a_very_satisfied_callback(
    desk, clock
):
    clock.set("2026-03-09T09:00")
    case = desk.check_in(
        "w02", visitor_name="李四", summary="申领居住证", channel="visit", kind="application", matter="JZZ"
    )
    no = case.no

    clock.set("2026-03-09T09:10")
    case = desk.notify(no, "w02", presented=["本人居民身份证"])
    assert case.status == "awaiting_documents"
    (notice,) = desk.notices(no)
    assert notice.items == JZZ_REQUIRED[1:]
    assert (desk.documents / case.history[-1].detail["document"]).exists()  # NOT-3: a written notice

    clock.set("2026-03-11T14:30")  # the second visit, with everything
    case = desk.accept(no, "w02", materials=[(name, 1) for name in JZZ_REQUIRED])
    assert (case.status, case.due) == ("in_progress", date(2026, 4, 1))  # 15 working days

    clock.set("2026-03-17T10:00")
    desk.feedback(no, "w02", "材料已报公安机关审核")

    clock.set("2026-03-24T10:00")
    case = desk.extend(no, "w02", 3, "公安机关需核查居住信息")
    assert case.due == date(2026, 4, 7)  # over 清明 (04-04 to 04-06)

    clock.set("2026-03-26T10:00")
    assert desk.scan() == []

    clock.set("2026-03-27T11:00")
    case = desk.resolve(no, "w02", "居住证已制发，请携带收件回执领取")

    clock.set("2026-03-30T10:00")
    case = desk.rate(no, "w02", 5, "非常满意")
    assert (case.status, case.rating) == ("closed", 5)

    clock.set("2026-04-30T10:00")
    assert desk.scan() == []

    case = desk.case(no)
    assert steps(case) == [
        ("check_in", "w02", dt("2026-03-09T09:00")),
        ("notify", "w02", dt("2026-03-09T09:10")),
        ("accept", "w02", dt("2026-03-11T14:30")),
        ("feedback", "w02", dt("2026-03-17T10:00")),
        ("extend", "w02", dt("2026-03-24T10:00")),
        ("resolve", "w02", dt("2026-03-27T11:00")),
        ("rate", "w02", dt("2026-03-30T10:00")),
    ]
    _, notified, accepted, fed_back, extended, resolved, rated = case.history
    assert notified.detail["items"] == JZZ_REQUIRED[1:]
    assert notified.detail["status"] == ["open", "awaiting_documents"]
    assert accepted.detail["status"] == ["awaiting_documents", "in_progress"]
    assert (accepted.detail["due"], accepted.detail["limit_days"]) == ("2026-04-01", 15)
    assert (desk.documents / accepted.detail["document"]).exists()  # the receipt
    assert fed_back.detail["text"] == "材料已报公安机关审核"
    assert extended.detail["due"] == ["2026-04-01", "2026-04-07"]
    assert extended.detail["visitor_told"] is True
    assert resolved.detail["on_time"] is True
    assert (rated.detail["level"], rated.detail["bad"]) == (5, False)
    assert all("verdict" not in e.detail for e in case.history)
    assert desk.violations() == []
    assert desk.verify().ok


def test_anonymous_report_handed_off_before_lunch_left_waiting_declined_referred_and_closed(desk, clock):
    clock.set("2026-03-09T11:45")
    case = desk.check_in(
        "w01", visitor_name=None, anonymous=True, channel="phone", kind="report", summary="举报某餐馆占道经营"
    )
    no = case.no

    clock.set("2026-03-09T11:50")
    desk.hand_off(no, "w01", "w02", "占道经营是否归我中心，请李强判断")

    clock.set("2026-03-09T14:15")
    assert desk.scan() == []
    clock.set("2026-03-09T14:30")
    (late,) = desk.scan()
    assert (late.rule, late.staff, late.at) == ("HO-4", "w02", dt("2026-03-09T14:20"))

    clock.set("2026-03-09T14:35")
    case = desk.decline_handoff(no, "w02", "占道经营归城管执法")
    assert (case.status, case.owner) == ("open", "w01")

    clock.set("2026-03-09T14:40")
    case = desk.refer(no, "w01", agency="区城市管理行政执法局", contact="12319")
    assert (case.status, case.outcome) == ("resolved", "referred")

    clock.set("2026-03-09T14:41")
    case = desk.close_case(no, "w01")  # anonymous: no callback owed
    assert (case.status, case.rating) == ("closed", None)

    clock.set("2026-03-10T09:00")
    reviewed = desk.review(late.id, "s01", decision="confirm", reason="午休后未及时签收")
    assert (reviewed.review["decision"], reviewed.repeat) == ("confirm", False)

    assert steps(desk.case(no)) == [
        ("check_in", "w01", dt("2026-03-09T11:45")),
        ("hand_off", "w01", dt("2026-03-09T11:50")),
        ("scan", None, dt("2026-03-09T14:30")),
        ("decline_handoff", "w02", dt("2026-03-09T14:35")),
        ("refer", "w01", dt("2026-03-09T14:40")),
        ("close_case", "w01", dt("2026-03-09T14:41")),
    ]
    history = desk.case(no).history
    assert history[3].detail["status"] == ["handoff_pending", "open"]
    assert history[3].detail["reason"] == "占道经营归城管执法"
    assert "verdict" not in history[3].detail  # the HO-4 was already recorded by the scan
    assert history[4].detail["agency"] == "区城市管理行政执法局"
    assert history[5].detail["status"] == ["resolved", "closed"]
    assert [(v.rule, v.staff) for v in desk.violations()] == [("HO-4", "w02")]
    desk_events = desk.store.all("SELECT action, by_staff FROM events WHERE case_no IS NULL ORDER BY seq")
    assert desk_events[-1] == {"action": "review", "by_staff": "s01"}
    assert desk.verify().ok
