"""Hand-offs and who holds a case: HO-1, HO-2, HO-3, HO-5, HO-6, HO-7, OWN-2 for accepting and declining, the
waiting list; closing without a callback and reopening (SPEC §3, §4, §5; CONTRACT `Desk`; issue 3)."""

from datetime import date

import pytest

# The conftest roster: w01 (backup w02), w02 (backup w01), w03 (no backup), s01 supervisor. These tests add w04,
# whose backup is w03, so that a backup can be someone other than the sender.


@pytest.fixture
def w04(desk):
    desk.add_staff("w04", "赵敏", backup="w03")
    return "w04"


def deactivate(desk, code):
    """A supervisor retires a colleague (F11; the roster's change is an event like any other)."""
    desk.set_active(code, False, by="s01")


def last(case):
    return case.history[-1]


# --- HO-1: an active colleague other than the current owner, with a note -------------------------------------------


def test_ho1_hand_off_to_a_present_colleague_waits_for_them(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "已核对身份，需户籍窗口办理")
    assert (case.status, case.owner, case.pending_to) == ("handoff_pending", "w01", "w02")
    event = last(case)
    assert (event.action, event.by) == ("hand_off", "w01")
    assert event.detail["to"] == "w02"
    assert event.detail["note"] == "已核对身份，需户籍窗口办理"
    assert event.detail["via_backup"] is False


def test_ho1_hand_off_to_an_unknown_colleague_is_refused(refused, new_case):
    case = new_case()
    refused("HO-1", lambda d: d.hand_off(case.no, "w01", "w99", "请处理"))


@pytest.mark.parametrize("to", ["", None])
def test_ho1_hand_off_to_nobody_is_refused(refused, new_case, to):
    case = new_case()
    refused("HO-1", lambda d: d.hand_off(case.no, "w01", to, "请处理"))


def test_ho1_hand_off_to_an_inactive_colleague_is_refused(desk, refused, new_case):
    case = new_case()
    deactivate(desk, "w03")
    refused("HO-1", lambda d: d.hand_off(case.no, "w01", "w03", "请处理"))


def test_ho1_hand_off_to_the_current_owner_is_refused(refused, new_case):
    case = new_case()
    refused("HO-1", lambda d: d.hand_off(case.no, "w01", "w01", "请处理"))


def test_ho1_supervisor_cannot_hand_a_case_to_its_owner(refused, new_case):
    case = new_case()
    refused("HO-1", lambda d: d.hand_off(case.no, "s01", "w01", "请处理"))


@pytest.mark.parametrize("note", ["", "   ", None])
def test_ho1_hand_off_without_a_note_is_refused(refused, new_case, note):
    case = new_case()
    refused("HO-1", lambda d: d.hand_off(case.no, "w01", "w02", note))


def test_hand_off_by_someone_who_does_not_own_the_case_is_refused(refused, new_case):
    case = new_case()
    refused("OWN-2", lambda d: d.hand_off(case.no, "w03", "w02", "请处理"))


def test_hand_off_of_a_resolved_case_is_refused(desk, refused, new_case):
    case = desk.answer(new_case().no, "w01", "已当场答复")
    refused("STATE", lambda d: d.hand_off(case.no, "w01", "w02", "请处理"))


def test_a_pending_hand_off_cannot_be_handed_off_again(desk, refused, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    refused("STATE", lambda d: d.hand_off(case.no, "w01", "w03", "请处理"))


# --- HO-2: an absent colleague's backup -----------------------------------------------------------------------------


def test_ho2_absent_receiver_with_a_present_backup_goes_to_the_backup(desk, new_case, w04):
    desk.set_absent("w04", True)
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    assert case.pending_to == "w03"
    assert case.owner == "w01"
    detail = last(case).detail
    assert detail["to"] == "w04"
    assert detail["pending_to"] == "w03"
    assert detail["via_backup"] is True


def test_ho2_absent_receiver_whose_backup_is_the_sender_waits_for_the_receiver(desk, new_case):
    desk.set_absent("w02", True)  # w02's backup is w01, the sender
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    assert case.pending_to == "w02"
    assert last(case).detail["via_backup"] is False


def test_ho2_absent_receiver_whose_backup_is_also_absent_waits(desk, new_case, w04):
    desk.set_absent("w04", True)
    desk.set_absent("w03", True)
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    assert case.pending_to == "w04"
    assert last(case).detail["via_backup"] is False


def test_ho2_absent_receiver_without_a_backup_waits(desk, new_case):
    desk.set_absent("w03", True)
    case = desk.hand_off(new_case().no, "w01", "w03", "请处理")
    assert case.pending_to == "w03"


def test_ho2_present_receiver_gets_it_even_with_a_backup(desk, new_case, w04):
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    assert case.pending_to == "w04"


def test_ho2_receiver_back_from_absence_gets_it_directly(desk, new_case, w04):
    desk.set_absent("w04", True)
    desk.set_absent("w04", False)
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    assert case.pending_to == "w04"


# --- HO-3: ownership moves only on acceptance, and the case returns to where it was -------------------------------


def test_ho3_owner_is_unchanged_until_the_hand_off_is_accepted(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    assert case.owner == "w01"
    assert case.first_asker == "w01"
    assert [c.no for c in desk.my_cases("w01")] == [case.no]
    assert desk.my_cases("w02") == []


def test_ho3_the_case_cannot_be_worked_while_the_hand_off_is_pending(desk, refused, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    refused("STATE", lambda d: d.answer(case.no, "w01", "已当场答复"))


def test_ho3_accepting_makes_the_acceptor_owner_and_reopens_the_case(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    case = desk.accept_handoff(case.no, "w02")
    assert (case.status, case.owner, case.first_asker, case.pending_to) == ("open", "w02", "w01", None)
    event = last(case)
    assert (event.action, event.by) == ("accept_handoff", "w02")
    assert event.detail["owner"] == "w02"
    assert event.detail["status"] == ["handoff_pending", "open"]


def test_ho3_an_in_progress_case_keeps_its_status_and_due_date(desk, in_progress):
    case = in_progress()
    due = case.due
    assert due == date(2026, 3, 12)
    desk.hand_off(case.no, "w01", "w02", "材料已受理，转交审核")
    case = desk.accept_handoff(case.no, "w02")
    assert (case.status, case.owner, case.due) == ("in_progress", "w02", due)


def test_ho3_a_case_awaiting_documents_returns_to_awaiting_documents(desk, new_case):
    case = new_case(kind="application", matter="T3")
    desk.notify(case.no, "w01")
    desk.hand_off(case.no, "w01", "w02", "已一次性告知")
    case = desk.accept_handoff(case.no, "w02")
    assert (case.status, case.owner) == ("awaiting_documents", "w02")


def test_ho3_the_new_owner_can_work_the_case_and_the_old_one_cannot(desk, refused, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    desk.accept_handoff(case.no, "w02")
    refused("OWN-2", lambda d: d.answer(case.no, "w01", "已答复"))
    assert desk.answer(case.no, "w02", "已答复").status == "resolved"


def test_accepting_a_case_that_is_not_pending_is_refused(refused, new_case):
    case = new_case()
    refused("STATE", lambda d: d.accept_handoff(case.no, "w02"))


def test_declining_a_case_that_is_not_pending_is_refused(refused, new_case):
    case = new_case()
    refused("STATE", lambda d: d.decline_handoff(case.no, "w02", "不是我的业务"))


# --- HO-5: declining needs a reason and returns the case to the sender ------------------------------------------


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_ho5_decline_without_a_reason_is_refused(desk, refused, new_case, reason):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    refused("HO-5", lambda d: d.decline_handoff(case.no, "w02", reason))


def test_ho5_decline_returns_the_case_to_the_sender_who_stays_owner(desk, in_progress):
    case = in_progress()
    desk.hand_off(case.no, "w01", "w02", "请审核")
    case = desk.decline_handoff(case.no, "w02", "不属于本岗位职责")
    assert (case.status, case.owner, case.pending_to, case.due) == ("in_progress", "w01", None, date(2026, 3, 12))
    event = last(case)
    assert (event.action, event.by) == ("decline_handoff", "w02")
    assert event.detail["reason"] == "不属于本岗位职责"
    assert event.detail["status"] == ["handoff_pending", "in_progress"]


def test_ho5_after_a_decline_the_sender_can_hand_off_again(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    desk.decline_handoff(case.no, "w02", "不属于本岗位职责")
    case = desk.hand_off(case.no, "w01", "w03", "请处理")
    assert (case.status, case.pending_to) == ("handoff_pending", "w03")


# --- OWN-2 for accepting and declining: the receiver, their backup while away, a supervisor ------------------------


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_own2_someone_other_than_the_receiver_is_refused(desk, refused, new_case, action):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    if action == "accept":
        refused("OWN-2", lambda d: d.accept_handoff(case.no, "w03"))
    else:
        refused("OWN-2", lambda d: d.decline_handoff(case.no, "w03", "不是我的"))


def test_own2_the_sender_cannot_accept_its_own_hand_off(desk, refused, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    refused("OWN-2", lambda d: d.accept_handoff(case.no, "w01"))


def test_own2_the_receivers_backup_may_accept_while_the_receiver_is_absent(desk, new_case, w04):
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    assert case.pending_to == "w04"
    desk.set_absent("w04", True)
    case = desk.accept_handoff(case.no, "w03")
    assert (case.status, case.owner) == ("open", "w03")
    assert last(case).by == "w03"


def test_own2_the_receivers_backup_may_decline_while_the_receiver_is_absent(desk, new_case, w04):
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    desk.set_absent("w04", True)
    case = desk.decline_handoff(case.no, "w03", "赵敏出差，此事需本人办理")
    assert (case.status, case.owner, case.pending_to) == ("open", "w01", None)


def test_own2_the_receivers_backup_is_refused_while_the_receiver_is_present(desk, refused, new_case, w04):
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    refused("OWN-2", lambda d: d.accept_handoff(case.no, "w03"))


def test_own2_a_supervisor_may_accept(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    case = desk.accept_handoff(case.no, "s01")
    assert (case.status, case.owner) == ("open", "s01")


def test_own2_a_supervisor_may_decline(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    case = desk.decline_handoff(case.no, "s01", "应由窗口本人办理")
    assert (case.status, case.owner) == ("open", "w01")


def test_own2_the_backup_a_hand_off_was_routed_to_accepts_it(desk, new_case, w04):
    desk.set_absent("w04", True)
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    case = desk.accept_handoff(case.no, "w03")
    assert case.owner == "w03"


# --- HO-7: a complaint never reaches the colleague it is about --------------------------------------------------


def complaint_about(new_case, who):
    return new_case(kind="complaint", summary="投诉窗口人员态度", about_staff=who)


def test_ho7_a_complaint_cannot_be_handed_to_the_colleague_it_is_about(refused, new_case):
    case = complaint_about(new_case, "w02")
    refused("HO-7", lambda d: d.hand_off(case.no, "w01", "w02", "请处理"))


def test_ho7_a_complaint_can_be_handed_to_someone_else(desk, new_case):
    case = complaint_about(new_case, "w02")
    assert desk.hand_off(case.no, "w01", "w03", "请处理").pending_to == "w03"


def test_ho7_a_supervisor_the_complaint_is_about_cannot_accept_it(desk, refused, new_case):
    case = complaint_about(new_case, "s01")
    desk.hand_off(case.no, "w01", "w02", "请处理")
    refused("HO-7", lambda d: d.accept_handoff(case.no, "s01"))
    assert desk.accept_handoff(case.no, "w02").owner == "w02"


def test_ho7_a_backup_the_complaint_is_about_is_passed_over(desk, new_case, w04):
    case = complaint_about(new_case, "w03")
    desk.set_absent("w04", True)  # w04's backup is w03, the subject of the complaint
    case = desk.hand_off(case.no, "w01", "w04", "请处理")
    assert case.pending_to == "w04"


def test_ho7_a_backup_the_complaint_is_about_cannot_accept_it(desk, refused, new_case, w04):
    case = complaint_about(new_case, "w03")
    desk.hand_off(case.no, "w01", "w04", "请处理")
    desk.set_absent("w04", True)
    refused("HO-7", lambda d: d.accept_handoff(case.no, "w03"))


# --- HO-6: the first-asker keeps tracking the case until it is closed --------------------------------------------


def test_ho6_a_case_the_first_asker_still_owns_is_not_on_the_tracking_list(desk, new_case):
    new_case()
    assert desk.tracking("w01") == []


def test_ho6_a_pending_hand_off_is_still_the_first_askers_own_case(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    assert desk.tracking("w01") == []
    assert [c.no for c in desk.my_cases("w01")] == [case.no]


def test_ho6_the_first_asker_tracks_a_case_someone_else_owns_until_it_is_closed(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    desk.accept_handoff(case.no, "w02")
    assert [(c.no, c.owner, c.first_asker) for c in desk.tracking("w01")] == [(case.no, "w02", "w01")]
    assert desk.tracking("w02") == []
    desk.answer(case.no, "w02", "已答复")
    assert [c.no for c in desk.tracking("w01")] == [case.no]  # resolved, not yet closed
    desk.rate(case.no, "w01", 4)
    assert desk.tracking("w01") == []


def test_ho6_a_declined_hand_off_leaves_nothing_to_track(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    desk.decline_handoff(case.no, "w02", "不属于本岗位")
    assert desk.tracking("w01") == []


# --- the waiting list: hand-offs to me, or to whom I back up while they are away ---------------------------------


def test_waiting_for_lists_hand_offs_addressed_to_me(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    assert [c.no for c in desk.waiting_for("w02")] == [case.no]
    assert desk.waiting_for("w03") == []
    assert desk.waiting_for("w01") == []


def test_waiting_for_lists_hand_offs_routed_to_me_as_backup(desk, new_case, w04):
    desk.set_absent("w04", True)
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    assert [c.no for c in desk.waiting_for("w03")] == [case.no]
    assert desk.waiting_for("w04") == []


def test_waiting_for_lists_hand_offs_to_whom_i_back_up_only_while_they_are_away(desk, new_case, w04):
    case = desk.hand_off(new_case().no, "w01", "w04", "请处理")
    assert desk.waiting_for("w03") == []
    desk.set_absent("w04", True)
    assert [c.no for c in desk.waiting_for("w03")] == [case.no]
    desk.set_absent("w04", False)
    assert desk.waiting_for("w03") == []
    assert [c.no for c in desk.waiting_for("w04")] == [case.no]


def test_waiting_for_drops_a_hand_off_once_accepted(desk, new_case):
    case = desk.hand_off(new_case().no, "w01", "w02", "请处理")
    desk.accept_handoff(case.no, "w02")
    assert desk.waiting_for("w02") == []


# --- close without a callback (SPEC §4, §6 callback window) ---------------------------------------------------------


def anonymous_report(new_case):
    return new_case(visitor_name=None, anonymous=True, channel="phone", kind="report", summary="举报占道经营")


def test_close_an_anonymous_case_by_its_owner_without_a_rating(desk, new_case):
    case = desk.answer(anonymous_report(new_case).no, "w01", "已转城管处理")
    case = desk.close_case(case.no, "w01")
    assert (case.status, case.rating) == ("closed", None)
    assert last(case).action == "close_case"
    assert last(case).by == "w01"


def test_close_an_anonymous_case_by_another_clerk_is_refused(desk, refused, new_case):
    case = desk.answer(anonymous_report(new_case).no, "w01", "已转城管处理")
    refused("OWN-2", lambda d: d.close_case(case.no, "w03"))


def test_close_a_named_visitors_case_by_a_clerk_is_refused(desk, refused, new_case):
    case = desk.answer(new_case().no, "w01", "已答复")
    refused("OWN-2", lambda d: d.close_case(case.no, "w01"))


def test_close_a_named_visitors_case_by_a_supervisor_inside_the_callback_window_is_refused(
    desk, refused, new_case, clock
):
    clock.set("2026-03-09T10:00")
    case = desk.answer(new_case().no, "w01", "已答复")
    clock.set("2026-03-16T17:00")  # the 5th working day after resolving: still inside the window
    refused(None, lambda d: d.close_case(case.no, "s01"))


def test_close_a_named_visitors_case_by_a_supervisor_after_the_callback_window(desk, new_case, clock):
    clock.set("2026-03-09T10:00")
    case = desk.answer(new_case().no, "w01", "已答复")
    clock.set("2026-03-17T09:00")
    case = desk.close_case(case.no, "s01")
    assert (case.status, case.rating) == ("closed", None)
    assert last(case).by == "s01"


def test_close_an_open_case_is_refused(refused, new_case):
    case = anonymous_report(new_case)
    refused("STATE", lambda d: d.close_case(case.no, "w01"))


# --- reopen: supervisors, from resolved or closed to open ----------------------------------------------------------
# `desk.desk.reopen`: the conftest handle's own reopen() (close and open the file again) hides Desk.reopen.


def test_reopen_by_a_clerk_is_refused(desk, refused, new_case):
    case = desk.answer(new_case().no, "w01", "已答复")
    refused("OWN-2", lambda d: d.reopen(case.no, "w01", "访客不满意"))


def test_reopen_a_resolved_case_by_a_supervisor(desk, new_case):
    case = desk.answer(new_case().no, "w01", "已答复")
    case = desk.desk.reopen(case.no, "s01", "答复有误，重新办理")
    assert (case.status, case.owner, case.first_asker) == ("open", "w01", "w01")
    assert (last(case).action, last(case).by) == ("reopen", "s01")
    assert last(case).detail["reason"] == "答复有误，重新办理"


def test_reopen_a_closed_case_by_a_supervisor(desk, new_case):
    case = desk.answer(new_case().no, "w01", "已答复")
    desk.rate(case.no, "w01", 1, "非常不满意")
    case = desk.desk.reopen(case.no, "s01", "差评回访后重新办理")
    assert case.status == "open"
    assert last(case).detail["status"] == ["closed", "open"]
    assert desk.answer(case.no, "w01", "重新答复").status == "resolved"


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_reopen_without_a_reason_is_refused(desk, refused, new_case, reason):
    case = desk.answer(new_case().no, "w01", "已答复")
    refused(None, lambda d: d.reopen(case.no, "s01", reason))


def test_reopen_an_open_case_is_refused(refused, new_case):
    case = new_case()
    refused("STATE", lambda d: d.reopen(case.no, "s01", "重新办理"))
