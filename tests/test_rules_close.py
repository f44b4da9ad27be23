"""Finishing and working a case through the desk: answer, reject, refer, feedback, extend, resolve; CLO-1, REJ-1,
REF-1, TIME-3, LANG-1, STATE, OWN-1, OWN-2 and CONFLICT (SPEC §4, §5; CONTRACT `expect=`)."""

from datetime import date

import pytest

from firstask.rules import ConflictError

# --- answer on the spot (CLO-1) ----------------------------------------------------------------------------------


def test_answer_resolves_the_case_with_the_answer(desk, new_case):
    case = desk.answer(new_case().no, "w01", "周一至周五 8:30-17:30 可办理")
    assert (case.status, case.outcome, case.result) == ("resolved", "answered", "周一至周五 8:30-17:30 可办理")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_clo1_empty_answer_is_refused(refused, new_case, text):
    case = new_case()
    refused("CLO-1", lambda d: d.answer(case.no, "w01", text))


# --- reject (REJ-1) ----------------------------------------------------------------------------------------------


def test_reject_resolves_the_case_as_rejected_with_its_reason(desk, new_case):
    case = desk.reject(new_case(kind="application").no, "w01", "不属于本中心受理范围")
    assert (case.status, case.outcome, case.result) == ("resolved", "rejected", "不属于本中心受理范围")


@pytest.mark.parametrize("reason", ["", "  \n", None])
def test_rej1_reject_without_reason_is_refused(refused, new_case, reason):
    case = new_case(kind="application")
    refused("REJ-1", lambda d: d.reject(case.no, "w01", reason))


def test_rej1_written_notice_matter_gets_a_printed_rejection_notice(desk, new_case):
    case = new_case(kind="application", matter="JZZ")
    case = desk.reject(case.no, "w01", "申请人不符合申领条件")
    name = case.history[-1].detail["document"]
    assert name
    text = (desk.documents / name).read_text(encoding="utf-8")
    assert "申请人不符合申领条件" in text
    assert case.no in text


def test_rej1_written_notice_rejection_that_cannot_be_printed_is_refused(desk, refused, new_case):
    case = new_case(kind="application", matter="JZZ")
    desk.documents.write_text("not a folder")  # the documents folder cannot be made
    refused("REJ-1", lambda d: d.reject(case.no, "w01", "申请人不符合申领条件"))


def test_reject_from_awaiting_documents(desk, new_case):
    case = new_case(kind="application", matter="T3")
    desk.notify(case.no, "w01")
    assert desk.reject(case.no, "w01", "逾期未补正").status == "resolved"


# --- refer out (REF-1) ---------------------------------------------------------------------------------------------


def test_refer_resolves_the_case_as_referred(desk, new_case):
    case = desk.refer(new_case().no, "w01", agency="区市场监管局", contact="12315")
    assert (case.status, case.outcome) == ("resolved", "referred")
    assert "区市场监管局" in case.result and "12315" in case.result


@pytest.mark.parametrize("agency", ["", "  ", None])
def test_ref1_referral_without_agency_is_refused(refused, new_case, agency):
    case = new_case()
    refused("REF-1", lambda d: d.refer(case.no, "w01", agency=agency, contact="12315"))


@pytest.mark.parametrize("contact", ["", "  ", None])
def test_ref1_referral_without_contact_is_refused(refused, new_case, contact):
    case = new_case()
    refused("REF-1", lambda d: d.refer(case.no, "w01", agency="区市场监管局", contact=contact))


def test_ref1_address_is_a_contact(desk, new_case):
    case = desk.refer(new_case().no, "w01", agency="区信访局", contact="文三路 100 号")
    assert case.outcome == "referred"


# --- feedback ------------------------------------------------------------------------------------------------------


def test_feedback_leaves_the_status_and_records_the_text(desk, in_progress, clock):
    case = in_progress()
    clock.advance(days=1)
    after = desk.feedback(case.no, "w01", "材料已报区里审核")
    assert after.status == "in_progress"
    event = after.history[-1]
    assert (event.action, event.by, event.at, event.detail["text"]) == (
        "feedback",
        "w01",
        clock.now,
        "材料已报区里审核",
    )


@pytest.mark.parametrize("status_of", ["open", "awaiting_documents", "in_progress"])
def test_feedback_is_allowed_in_every_open_state(desk, new_case, status_of):
    case = new_case(kind="application", matter="T3")
    if status_of == "awaiting_documents":
        desk.notify(case.no, "w01")
    elif status_of == "in_progress":
        desk.accept(case.no, "w01", materials=[("申请表", 1)])
    assert desk.feedback(case.no, "w01", "正在办理").status == status_of


def test_empty_feedback_is_refused(refused, in_progress):
    case = in_progress()
    refused(None, lambda d: d.feedback(case.no, "w01", "  "))


# --- extend (TIME-3) -----------------------------------------------------------------------------------------------


def test_extend_moves_the_due_date_and_tells_the_visitor(desk, in_progress):
    case = in_progress()
    assert case.due == date(2026, 3, 12)
    case = desk.extend(case.no, "w01", 2, "需调取外单位材料")
    assert case.due == date(2026, 3, 16)
    assert case.history[-1].detail["visitor_told"] is True
    assert case.history[-1].detail["reason"] == "需调取外单位材料"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_time3_extension_without_reason_is_refused(refused, in_progress, reason):
    case = in_progress()
    refused("TIME-3", lambda d: d.extend(case.no, "w01", 2, reason))


@pytest.mark.parametrize("days", [0, -1, "2", 1.5, None, True])
def test_time3_extension_with_bad_days_is_refused(refused, in_progress, days):
    case = in_progress()
    refused("TIME-3", lambda d: d.extend(case.no, "w01", days, "需调取外单位材料"))


def test_time3_clerk_may_extend_up_to_the_cap(desk, in_progress):
    case = in_progress()  # T3: cap = its own 3 working days
    desk.extend(case.no, "w01", 2, "需调取外单位材料")
    assert desk.extend(case.no, "w01", 1, "外单位未回复").due == date(2026, 3, 17)


def test_time3_clerk_past_the_cap_is_refused(refused, in_progress):
    case = in_progress()
    refused("TIME-3", lambda d: d.extend(case.no, "w01", 4, "需调取外单位材料"))


def test_time3_clerk_past_the_cap_in_two_steps_is_refused(desk, refused, in_progress):
    case = in_progress()
    desk.extend(case.no, "w01", 3, "需调取外单位材料")
    refused("TIME-3", lambda d: d.extend(case.no, "w01", 1, "外单位未回复"))


def test_time3_backup_past_the_cap_is_refused(desk, refused, in_progress):
    case = in_progress()
    desk.set_absent("w01", True)
    refused("TIME-3", lambda d: d.extend(case.no, "w02", 4, "需调取外单位材料"))


def test_time3_supervisor_may_extend_past_the_cap(desk, in_progress):
    case = in_progress()
    desk.extend(case.no, "w01", 3, "需调取外单位材料")
    assert desk.extend(case.no, "s01", 5, "需上报区里研究").due == date(2026, 3, 24)


# --- resolve (CLO-1) -----------------------------------------------------------------------------------------------


def test_resolve_records_the_result_told_to_the_visitor(desk, in_progress):
    case = desk.resolve(in_progress().no, "w01", "已办结，请来领取")
    assert (case.status, case.result) == ("resolved", "已办结，请来领取")


@pytest.mark.parametrize("result", ["", "  ", None])
def test_clo1_resolve_without_result_is_refused(refused, in_progress, result):
    case = in_progress()
    refused("CLO-1", lambda d: d.resolve(case.no, "w01", result))


# --- LANG-1: forbidden phrases are recorded, the change still happens -----------------------------------------------


def test_lang1_answer_with_a_forbidden_phrase_is_given_and_flagged(desk, new_case, clock, flagged):
    case = desk.answer(new_case().no, "w01", "这个我不知道，你去问街道")
    assert case.status == "resolved"
    assert [(v.staff, v.case_no, v.at) for v in flagged("LANG-1")] == [("w01", case.no, clock.now)]


def test_lang1_feedback_with_a_forbidden_phrase_is_given_and_flagged_against_the_actor(desk, in_progress, flagged):
    case = in_progress()
    desk.set_absent("w01", True)
    after = desk.feedback(case.no, "w02", "这事不归我管")
    assert after.history[-1].action == "feedback"
    assert [(v.staff, v.case_no) for v in flagged("LANG-1")] == [("w02", case.no)]


def test_lang1_result_with_a_forbidden_phrase_is_given_and_flagged(desk, in_progress, flagged):
    case = desk.resolve(in_progress().no, "s01", "没办法，政策不允许")
    assert case.status == "resolved"
    assert [v.staff for v in flagged("LANG-1")] == ["s01"]


@pytest.mark.parametrize(
    "phrase", ["不知道", "没办法", "不归我管", "不清楚", "找别人去", "下班了", "不是我负责", "你自己看"]
)
def test_lang1_every_default_phrase_is_caught(desk, new_case, flagged, phrase):
    desk.answer(new_case().no, "w01", f"您好，{phrase}。")
    assert [v.rule for v in flagged("LANG-1")] == ["LANG-1"]


def test_lang1_phrases_come_from_the_desks_policy(desk, new_case, flagged):
    desk.set_policy(forbidden_phrases=["爱办不办"])
    desk.answer(new_case().no, "w01", "我不知道")
    assert flagged("LANG-1") == []
    desk.answer(new_case().no, "w01", "爱办不办")
    assert len(flagged("LANG-1")) == 1


def test_lang1_refused_action_records_no_flag(refused, in_progress):
    case = in_progress()
    refused("STATE", lambda d: d.answer(case.no, "w01", "我不知道"))


def test_lang1_polite_text_is_not_flagged(desk, new_case, in_progress, flagged):
    desk.answer(new_case().no, "w01", "您好，这项业务请到三号窗口办理，我带您过去。")
    case = in_progress()
    desk.feedback(case.no, "w01", "正在审核，预计周四办结。")
    desk.resolve(case.no, "w01", "已办结。")
    assert flagged("LANG-1") == []


# --- STATE: actions the case's status does not allow -----------------------------------------------------------------


def test_state_resolve_an_open_case_is_refused(refused, new_case):
    case = new_case()
    refused("STATE", lambda d: d.resolve(case.no, "w01", "已办结"))


def test_state_accept_a_resolved_case_is_refused(desk, refused, new_case):
    case = new_case()
    desk.answer(case.no, "w01", "已当场答复")
    refused("STATE", lambda d: d.accept(case.no, "w01", materials=[("来信", 1)]))


def test_state_answer_a_case_in_progress_is_refused(refused, in_progress):
    case = in_progress()
    refused("STATE", lambda d: d.answer(case.no, "w01", "已答复"))


def test_state_notice_on_a_case_in_progress_is_refused(refused, in_progress):
    case = in_progress()
    refused("STATE", lambda d: d.notify(case.no, "w01", extra=["户口簿"]))


def test_state_extend_an_open_case_is_refused(refused, new_case):
    case = new_case()
    refused("STATE", lambda d: d.extend(case.no, "w01", 2, "需调取外单位材料"))


def test_state_feedback_on_a_resolved_case_is_refused(desk, refused, new_case):
    case = new_case()
    desk.answer(case.no, "w01", "已当场答复")
    refused("STATE", lambda d: d.feedback(case.no, "w01", "补充说明"))


@pytest.mark.parametrize("action", ["reject", "refer", "answer"])
def test_state_a_resolved_case_cannot_be_finished_again(desk, refused, in_progress, action):
    case = in_progress()
    desk.resolve(case.no, "w01", "已办结")
    attempts = {
        "reject": lambda d: d.reject(case.no, "w01", "不予受理"),
        "refer": lambda d: d.refer(case.no, "w01", agency="区信访局", contact="12345"),
        "answer": lambda d: d.answer(case.no, "w01", "已答复"),
    }
    refused("STATE", attempts[action])


def test_state_message_names_the_case_and_its_status(refused, new_case):
    case = new_case()
    err = refused("STATE", lambda d: d.resolve(case.no, "w01", "已办结"))
    assert case.no in str(err)
    assert "open" in str(err)


# --- OWN-2: who may act on a case -------------------------------------------------------------------------------------


def test_own2_another_clerk_is_refused(refused, new_case):
    case = new_case()
    err = refused("OWN-2", lambda d: d.answer(case.no, "w03", "已答复"))
    assert "w01" in str(err)


def test_own2_another_clerk_cannot_give_feedback(refused, in_progress):
    case = in_progress()
    refused("OWN-2", lambda d: d.feedback(case.no, "w03", "正在办理"))


def test_own2_backup_of_a_present_owner_is_refused(refused, new_case):
    case = new_case()
    refused("OWN-2", lambda d: d.answer(case.no, "w02", "已答复"))


def test_own2_backup_of_an_absent_owner_may_act(desk, new_case):
    case = new_case()
    desk.set_absent("w01", True)
    after = desk.answer(case.no, "w02", "已答复")
    assert after.status == "resolved"
    assert after.history[-1].by == "w02"
    assert after.owner == "w01"


def test_own2_backup_is_refused_again_once_the_owner_is_back(desk, refused, new_case):
    case = new_case()
    desk.set_absent("w01", True)
    desk.set_absent("w01", False)
    refused("OWN-2", lambda d: d.answer(case.no, "w02", "已答复"))


def test_own2_a_clerk_who_is_not_the_backup_is_refused_while_the_owner_is_absent(desk, refused, new_case):
    case = new_case()
    desk.set_absent("w01", True)
    refused("OWN-2", lambda d: d.answer(case.no, "w03", "已答复"))


def test_own2_supervisor_may_act(desk, in_progress):
    case = in_progress()
    assert desk.resolve(case.no, "s01", "已办结").status == "resolved"


@pytest.mark.parametrize("action", ["notify", "accept", "reject", "refer", "extend", "resolve", "feedback"])
def test_own2_other_clerk_is_refused_for_every_action(desk, refused, new_case, action):
    case = new_case(kind="application", matter="T3")
    if action in ("extend", "resolve", "feedback"):
        desk.accept(case.no, "w01", materials=[("申请表", 1)])
    attempts = {
        "notify": lambda d: d.notify(case.no, "w03"),
        "accept": lambda d: d.accept(case.no, "w03", materials=[("申请表", 1)]),
        "reject": lambda d: d.reject(case.no, "w03", "不予受理"),
        "refer": lambda d: d.refer(case.no, "w03", agency="区信访局", contact="12345"),
        "extend": lambda d: d.extend(case.no, "w03", 1, "需调取材料"),
        "resolve": lambda d: d.resolve(case.no, "w03", "已办结"),
        "feedback": lambda d: d.feedback(case.no, "w03", "正在办理"),
    }
    refused("OWN-2", attempts[action])


def test_unknown_staff_member_is_refused(refused, new_case):
    case = new_case()
    refused(None, lambda d: d.answer(case.no, "x99", "已答复"))


def test_unknown_case_is_refused(refused):
    refused(None, lambda d: d.answer("20260309-9999", "w01", "已答复"))


# --- OWN-1: first-asker fixed, owner always set, through a long story -------------------------------------------


def test_own1_first_asker_never_changes_and_owner_is_always_set(desk, new_case, clock):
    seen = [new_case(kind="application", matter="T3")]
    no = seen[0].no
    steps = [
        lambda: desk.notify(no, "w01"),
        lambda: desk.feedback(no, "w01", "请尽快补交申请表"),
        lambda: desk.set_absent("w01", True),
        lambda: desk.notify(no, "w02", extra=["申请表需签字"]),
        lambda: desk.accept(no, "w02", materials=[("申请表", 1)]),
        lambda: desk.set_absent("w01", False),
        lambda: desk.feedback(no, "w01", "已报审核"),
        lambda: desk.extend(no, "w01", 2, "等待区里审核"),
        lambda: desk.extend(no, "s01", 5, "区里延期审核"),
        lambda: desk.feedback(no, "s01", "审核中"),
        lambda: desk.resolve(no, "w01", "已办结"),
    ]
    for step in steps:
        clock.advance(hours=3)
        step()
        seen.append(desk.case(no))
    assert [c.first_asker for c in seen] == ["w01"] * len(seen)
    assert all(c.owner for c in seen)
    assert seen[-1].status == "resolved"


# --- versions, history and CONFLICT (expect=) --------------------------------------------------------------------


def test_version_grows_by_one_per_event(desk, new_case, clock):
    case = new_case(kind="application", matter="T3")
    versions = [case.version]
    for step in (
        lambda: desk.notify(case.no, "w01"),
        lambda: desk.accept(case.no, "w01", materials=[("申请表", 1)]),
        lambda: desk.feedback(case.no, "w01", "审核中"),
        lambda: desk.resolve(case.no, "w01", "已办结"),
    ):
        clock.advance(minutes=10)
        versions.append(step().version)
    assert versions == [1, 2, 3, 4, 5]
    assert len(desk.case(case.no).history) == 5


def test_history_events_have_action_by_at_and_detail(desk, new_case, clock):
    case = new_case(kind="application", matter="T3")
    first = clock.now
    clock.advance(minutes=5)
    desk.notify(case.no, "w01")
    clock.advance(minutes=5)
    desk.set_absent("w01", True)
    case = desk.accept(case.no, "w02", materials=[("申请表", 1)])
    assert [(e.action, e.by, e.at) for e in case.history] == [
        ("check_in", "w01", first),
        ("notify", "w01", first.replace(minute=5)),
        ("accept", "w02", first.replace(minute=10)),
    ]
    assert all(isinstance(e.detail, dict) for e in case.history)


def test_conflict_stale_version_is_refused_naming_who_changed_it(desk, refused, new_case):
    case = new_case(kind="application", matter="T3")
    seen = case.version
    desk.notify(case.no, "w01")  # another window acted first
    err = refused("CONFLICT", lambda d: d.accept(case.no, "w01", materials=[("申请表", 1)], expect=seen))
    assert isinstance(err, ConflictError)
    assert "王芳" in str(err) and "w01" in str(err)
    assert "one-time notice" in str(err)  # and how it changed


def test_conflict_names_the_colleague_who_acted(desk, refused, new_case):
    case = new_case()
    seen = case.version
    desk.set_absent("w01", True)
    desk.feedback(case.no, "w02", "已转告")
    desk.set_absent("w01", False)
    err = refused("CONFLICT", lambda d: d.answer(case.no, "w01", "已答复", expect=seen))
    assert "李强" in str(err) and "w02" in str(err)


def test_conflict_the_current_version_works(desk, new_case):
    case = new_case(kind="application", matter="T3")
    case = desk.notify(case.no, "w01", expect=case.version)
    case = desk.accept(case.no, "w01", materials=[("申请表", 1)], expect=case.version)
    assert (case.status, case.version) == ("in_progress", 3)


@pytest.mark.parametrize("action", ["answer", "notify", "reject", "refer", "feedback"])
def test_conflict_applies_to_every_action(desk, refused, new_case, action):
    case = new_case()
    seen = case.version
    desk.feedback(case.no, "w01", "稍等")
    attempts = {
        "answer": lambda d: d.answer(case.no, "w01", "已答复", expect=seen),
        "notify": lambda d: d.notify(case.no, "w01", extra=["户口簿"], expect=seen),
        "reject": lambda d: d.reject(case.no, "w01", "不予受理", expect=seen),
        "refer": lambda d: d.refer(case.no, "w01", agency="区信访局", contact="12345", expect=seen),
        "feedback": lambda d: d.feedback(case.no, "w01", "进展", expect=seen),
    }
    refused("CONFLICT", attempts[action])
