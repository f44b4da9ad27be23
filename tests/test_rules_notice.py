"""One-time notices through the desk: NOT-1, NOT-2, NOT-3, NOT-4, and a case keeping its matter (SPEC §4, §5)."""

import json
from datetime import datetime

import pytest

from firstask.desk import data_dir

JZZ_REQUIRED = ["本人居民身份证", "本人相片", "居住地住址、就业、就读等证明材料(按申领条件提供)"]
JZZ_PROXY = "委托人和代办人合法有效身份证件"  # required only "when" 代办的


def catalogue_entry(code):
    matters = json.loads((data_dir() / "catalogue.json").read_text(encoding="utf-8"))["matters"]
    return next(m for m in matters if m["code"] == code)


@pytest.fixture
def jzz(new_case):
    """An application for 居住证申领 (a written_notice matter) at w01's window."""
    return new_case(kind="application", matter="JZZ", summary="申领居住证")


# --- NOT-1: every missing required document, plus free text; never empty ---------------------------------------


def test_not1_notice_lists_every_missing_required_document(desk, jzz):
    desk.notify(jzz.no, "w01")
    assert desk.notices(jzz.no)[-1].items == JZZ_REQUIRED


def test_not1_notice_leaves_out_what_was_presented(desk, jzz):
    desk.notify(jzz.no, "w01", presented=[JZZ_REQUIRED[0]])
    assert desk.notices(jzz.no)[-1].items == JZZ_REQUIRED[1:]


def test_not1_conditional_document_left_out_when_its_condition_does_not_apply(desk, jzz):
    desk.notify(jzz.no, "w01")
    assert JZZ_PROXY not in desk.notices(jzz.no)[-1].items


def test_not1_conditional_document_listed_when_its_condition_applies(desk, jzz):
    desk.notify(jzz.no, "w01", applies=["代办的"])
    assert desk.notices(jzz.no)[-1].items == [*JZZ_REQUIRED, JZZ_PROXY]


def test_not1_free_text_items_follow_the_missing_documents(desk, jzz):
    desk.notify(jzz.no, "w01", presented=JZZ_REQUIRED[:2], extra=["身份证复印件需清晰"])
    assert desk.notices(jzz.no)[-1].items == [JZZ_REQUIRED[2], "身份证复印件需清晰"]


def test_not1_notice_for_a_case_without_matter_lists_the_free_text(desk, new_case):
    case = new_case()
    desk.notify(case.no, "w01", extra=["单位证明", "户口簿复印件"])
    notice = desk.notices(case.no)[-1]
    assert (notice.items, notice.by) == (["单位证明", "户口簿复印件"], "w01")


def test_not1_notice_moves_the_case_to_awaiting_documents(desk, jzz):
    assert desk.notify(jzz.no, "w01").status == "awaiting_documents"


def test_not1_notice_is_recorded_with_who_and_when(desk, jzz, clock):
    case = desk.notify(jzz.no, "w01")
    event = case.history[-1]
    assert (event.action, event.by, event.at) == ("notify", "w01", clock.now)
    assert event.detail["items"] == JZZ_REQUIRED
    assert desk.notices(jzz.no)[-1].at == clock.now


def test_not1_everything_presented_and_nothing_else_is_refused(refused, jzz):
    refused("NOT-1", lambda d: d.notify(jzz.no, "w01", presented=JZZ_REQUIRED))


def test_not1_empty_notice_without_matter_is_refused(refused, new_case):
    case = new_case()
    refused("NOT-1", lambda d: d.notify(case.no, "w01"))


def test_not1_blank_free_text_only_is_refused(refused, new_case):
    case = new_case()
    refused("NOT-1", lambda d: d.notify(case.no, "w01", extra=["  ", ""]))


def test_not1_conditional_document_presented_when_it_applies_still_needs_the_rest(desk, jzz):
    desk.notify(jzz.no, "w01", presented=[JZZ_PROXY], applies=["代办的"])
    assert desk.notices(jzz.no)[-1].items == JZZ_REQUIRED


# --- NOT-2: a later notice asking for something new is a second notice ------------------------------------------


def test_not2_second_notice_is_flagged_against_who_gave_the_first(desk, new_case, clock, flagged):
    case = new_case()
    desk.notify(case.no, "w01", extra=["单位证明"])
    clock.advance(days=1)
    desk.notify(case.no, "s01", extra=["单位证明", "户口簿"])
    [v] = flagged("NOT-2")
    assert (v.staff, v.case_no, v.at) == ("w01", case.no, clock.now)


def test_not2_second_notice_still_goes_out(desk, new_case):
    case = new_case()
    desk.notify(case.no, "w01", extra=["单位证明"])
    desk.notify(case.no, "s01", extra=["户口簿"])
    assert [n.items for n in desk.notices(case.no)] == [["单位证明"], ["户口簿"]]


def test_not2_later_notice_asking_nothing_new_is_not_flagged(desk, jzz, flagged):
    desk.notify(jzz.no, "w01")
    desk.notify(jzz.no, "w01", presented=JZZ_REQUIRED[:1])  # the visitor came back with part of it
    assert flagged("NOT-2") == []


def test_not2_first_notice_is_not_flagged(desk, jzz, flagged):
    desk.notify(jzz.no, "w01", extra=["户口簿"])
    assert flagged("NOT-2") == []


def test_not2_newly_applying_condition_is_a_second_notice(desk, jzz, flagged):
    desk.notify(jzz.no, "w01")
    desk.notify(jzz.no, "w01", applies=["代办的"])
    assert [(v.staff, v.case_no) for v in flagged("NOT-2")] == [("w01", jzz.no)]


# --- NOT-3: a written_notice matter's notice is a printable document ------------------------------------------


def test_not3_jzz_is_marked_written_notice_in_the_catalogue():
    assert catalogue_entry("JZZ")["written_notice"] is True


def test_not3_notice_names_a_document_saved_under_the_documents_folder(desk, jzz):
    case = desk.notify(jzz.no, "w01")
    name = case.history[-1].detail["document"]
    assert name
    path = desk.documents / name
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    assert jzz.no in text
    assert all(item in text for item in JZZ_REQUIRED)


def test_not3_notice_document_is_kept_on_the_notice(desk, jzz):
    desk.notify(jzz.no, "w01")
    notice = desk.notices(jzz.no)[-1]
    assert notice.document and (desk.documents / notice.document).is_file()


def test_not3_notice_that_cannot_be_printed_is_refused(desk, refused, jzz):
    desk.documents.write_text("not a folder")  # the documents folder cannot be made
    refused("NOT-3", lambda d: d.notify(jzz.no, "w01"))


def test_not3_other_matters_give_their_notice_even_when_printing_fails(desk, new_case):
    case = new_case(kind="application", matter="T3")
    desk.documents.write_text("not a folder")
    assert desk.notify(case.no, "w01").status == "awaiting_documents"


# --- NOT-4: an application gets its notice or acceptance within 5 working days --------------------------------


def application_checked_in(new_case, clock, when, matter="T3", **fields):
    clock.set(when)
    return new_case(kind="application", matter=matter, **fields)


def test_not4_notice_on_the_fifth_working_day_is_on_time(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-16T17:00")
    desk.notify(case.no, "w01")
    assert flagged("NOT-4") == []


def test_not4_late_notice_is_flagged_against_the_owner_at_the_end_of_the_fifth_day(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-17T09:00")
    desk.notify(case.no, "w01")
    [v] = flagged("NOT-4")
    assert (v.staff, v.case_no, v.at) == ("w01", case.no, datetime(2026, 3, 17))


def test_not4_late_acceptance_is_flagged(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-20T10:00")
    assert desk.accept(case.no, "w01", materials=[("申请表", 1)]).status == "in_progress"
    assert [(v.staff, v.at) for v in flagged("NOT-4")] == [("w01", datetime(2026, 3, 17))]


def test_not4_acceptance_on_time_is_not_flagged(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-13T16:00")
    desk.accept(case.no, "w01", materials=[("申请表", 1)])
    assert flagged("NOT-4") == []


def test_not4_is_flagged_against_the_owner_when_a_supervisor_acts(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-18T09:00")
    desk.notify(case.no, "s01")
    assert [v.staff for v in flagged("NOT-4")] == ["w01"]


def test_not4_counts_from_a_day_off_like_from_the_day_before(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-03-08T15:00")  # a Sunday
    clock.set("2026-03-14T10:00")  # Saturday after the 5th working day (Friday 13th)
    desk.notify(case.no, "w01")
    assert [v.at for v in flagged("NOT-4")] == [datetime(2026, 3, 14)]


def test_not4_counts_working_days_over_national_day(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-09-30T20:00")  # after hours
    clock.set("2026-10-13T17:00")  # 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13
    desk.notify(case.no, "w01")
    assert flagged("NOT-4") == []
    other = application_checked_in(new_case, clock, "2026-09-30T20:00")
    clock.set("2026-10-14T08:00")
    desk.notify(other.no, "w01")
    assert [(v.case_no, v.at) for v in flagged("NOT-4")] == [(other.no, datetime(2026, 10, 14))]


def test_not4_does_not_apply_to_an_enquiry(desk, new_case, clock, flagged):
    case = new_case(kind="enquiry", matter="T3")
    clock.set("2026-03-30T09:00")
    desk.notify(case.no, "w01")
    assert flagged("NOT-4") == []


def test_not4_does_not_apply_to_an_application_without_catalogue_matter(desk, new_case, clock, flagged):
    case = new_case(kind="application")
    clock.set("2026-03-30T09:00")
    desk.notify(case.no, "w01", extra=["单位证明"])
    assert flagged("NOT-4") == []


def test_not4_notice_on_time_settles_it_even_if_acceptance_comes_later(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-10T09:00")
    desk.notify(case.no, "w01")
    clock.set("2026-03-30T09:00")
    desk.accept(case.no, "w01", materials=[("申请表", 1)])
    assert flagged("NOT-4") == []


def test_not4_late_notice_that_is_refused_records_no_flag(desk, refused, new_case, clock):
    case = application_checked_in(new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-20T09:00")
    refused("NOT-1", lambda d: d.notify(case.no, "w01", presented=["申请表"]))


def test_not4_is_flagged_once_per_case(desk, new_case, clock, flagged):
    case = application_checked_in(new_case, clock, "2026-03-09T09:00")
    clock.set("2026-03-20T09:00")
    desk.notify(case.no, "w01")
    desk.accept(case.no, "w01", materials=[("申请表", 1)])
    assert len(flagged("NOT-4")) == 1


# --- LANG-1 on a notice's free text -----------------------------------------------------------------------------


def test_lang1_forbidden_phrase_in_a_notice_is_given_and_flagged(desk, new_case, clock, flagged):
    case = new_case()
    assert desk.notify(case.no, "w01", extra=["其他材料我也不清楚"]).status == "awaiting_documents"
    assert [(v.staff, v.case_no, v.at) for v in flagged("LANG-1")] == [("w01", case.no, clock.now)]


# --- a case keeps its matter as it was at check-in ----------------------------------------------------------------


def test_case_keeps_the_documents_of_its_matter_as_at_check_in(desk, new_case):
    old = new_case(kind="application", matter="T3")
    desk.add_matter("T3", "测试事项", limit_days=3, documents=["申请表", "户口簿"])
    desk.notify(old.no, "w01")
    assert desk.notices(old.no)[-1].items == ["申请表"]


def test_new_case_takes_the_changed_matter(desk, new_case):
    desk.add_matter("T3", "测试事项", limit_days=3, documents=["申请表", "户口簿"])
    new = new_case(kind="application", matter="T3")
    desk.notify(new.no, "w01")
    assert desk.notices(new.no)[-1].items == ["申请表", "户口簿"]


def test_case_keeps_the_limit_of_its_matter_as_at_check_in(desk, new_case, clock):
    old = new_case(kind="application", matter="T3")
    desk.add_matter("T3", "测试事项", limit_days=10, documents=["申请表"])
    assert desk.accept(old.no, "w01", materials=[("申请表", 1)]).due == clock.now.date().replace(day=12)


def test_not1_a_guide_matter_gets_no_notice(desk, refused, new_case):
    desk.add_matter("TG", "只作指引", limit_days=0, kind="guide")
    case = new_case(kind="enquiry", matter="TG")
    refused("NOT-1", lambda d: d.notify(case.no, "w01", extra=["身份证"]))
    assert desk.refusal("notify", desk.case(case.no), "w01") is not None  # the key says so before any dialog
    assert desk.answer(case.no, "w01", "请到户籍地派出所办理。").status == "resolved"
