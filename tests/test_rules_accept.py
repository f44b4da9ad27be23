"""Accepting (taking in) through the desk: TAKE-1, TIME-1, TIME-4 (SPEC §4, §5)."""

import json
from datetime import date

import pytest

from firstask.desk import data_dir

JZZ_REQUIRED = ["本人居民身份证", "本人相片", "居住地住址、就业、就读等证明材料(按申领条件提供)"]
JZZ_PROXY = "委托人和代办人合法有效身份证件"
MONDAY = date(2026, 3, 9)


def guide_matters():
    matters = json.loads((data_dir() / "catalogue.json").read_text(encoding="utf-8"))["matters"]
    return [m["code"] for m in matters if m["kind"] == "guide" and m.get("status", "active") != "abolished"]


# --- TAKE-1: every required document among the materials; guides are never taken in ---------------------------


def test_take1_all_required_documents_are_accepted(desk, new_case):
    case = new_case(kind="application", matter="JZZ")
    case = desk.accept(case.no, "w01", materials=[(name, 1) for name in JZZ_REQUIRED])
    assert case.status == "in_progress"
    assert case.due is not None


def test_take1_a_missing_required_document_is_refused(refused, new_case):
    case = new_case(kind="application", matter="JZZ")
    err = refused("TAKE-1", lambda d: d.accept(case.no, "w01", materials=[(n, 1) for n in JZZ_REQUIRED[:2]]))
    assert JZZ_REQUIRED[2] in str(err)


def test_take1_no_materials_for_a_catalogue_matter_is_refused(refused, new_case):
    case = new_case(kind="application", matter="T3")
    refused("TAKE-1", lambda d: d.accept(case.no, "w01", materials=[]))


def test_take1_conditional_document_is_needed_when_its_condition_applies(refused, new_case):
    case = new_case(kind="application", matter="TC")
    refused("TAKE-1", lambda d: d.accept(case.no, "w01", materials=[("申请表", 1)], applies=["代办的"]))


def test_take1_conditional_document_is_not_needed_otherwise(desk, new_case):
    case = new_case(kind="application", matter="TC")
    assert desk.accept(case.no, "w01", materials=[("申请表", 1)]).status == "in_progress"


def test_take1_conditional_document_present_when_it_applies_is_accepted(desk, new_case):
    case = new_case(kind="application", matter="TC")
    case = desk.accept(case.no, "w01", materials=[("申请表", 1), ("委托书", 1)], applies=["代办的"])
    assert case.status == "in_progress"


def test_take1_the_catalogue_has_an_active_guide_matter():
    assert "WFZM" in guide_matters()


@pytest.mark.parametrize("code", guide_matters())
def test_take1_a_guide_matter_is_never_accepted(refused, new_case, code):
    case = new_case(kind="application", matter=code)
    refused("TAKE-1", lambda d: d.accept(case.no, "w01", materials=[("申请书", 1)]))


def test_take1_own_guide_matter_is_never_accepted(desk, refused, new_case):
    desk.add_matter("TG", "只作指引", limit_days=0, kind="guide")
    case = new_case(kind="application", matter="TG")
    refused("TAKE-1", lambda d: d.accept(case.no, "w01", materials=[("申请书", 1)]))


def test_take1_case_keeps_its_matter_kind_as_at_check_in(desk, refused, new_case):
    old = new_case(kind="application", matter="T3")
    desk.add_matter("T3", "测试事项", limit_days=3, documents=["申请表"], kind="guide")
    new = new_case(kind="application", matter="T3")
    assert desk.accept(old.no, "w01", materials=[("申请表", 1)]).status == "in_progress"
    refused("TAKE-1", lambda d: d.accept(new.no, "w01", materials=[("申请表", 1)]))


def test_take1_accept_after_a_notice_once_the_documents_came(desk, new_case):
    case = new_case(kind="application", matter="T3")
    desk.notify(case.no, "w01")
    assert desk.accept(case.no, "w01", materials=[("申请表", 1)]).status == "in_progress"


# --- TIME-1: materials (name, pages), a due date, a receipt ------------------------------------------------------


def test_time1_no_materials_is_refused_for_a_catalogue_matter(desk, refused, new_case):
    desk.add_matter("T0", "无材料事项", limit_days=2)  # requires no document, yet its receipt lists what was taken
    case = new_case(kind="application", matter="T0")
    refused("TIME-1", lambda d: d.accept(case.no, "w01", materials=[]))


def test_time1_a_case_with_no_matter_is_accepted_with_no_materials(desk, new_case):
    case = new_case(kind="complaint", summary="投诉小区路灯长期不亮")
    accepted = desk.accept(case.no, "w01")
    assert accepted.status == "in_progress" and accepted.due is not None
    event = accepted.history[-1]
    assert event.detail["materials"] == []
    receipt = (desk.documents / event.detail["document"]).read_text(encoding="utf-8")
    assert "收件回执" in receipt and "未收取" in receipt


@pytest.mark.parametrize("pages", [0, -1, "2", 2.5, True, None, 10_000])
def test_time1_bad_page_count_is_refused(refused, new_case, pages):
    case = new_case(kind="application", matter="T3")
    refused("TIME-1", lambda d: d.accept(case.no, "w01", materials=[("申请表", pages)]))


@pytest.mark.parametrize("name", ["", "   ", None])
def test_time1_material_without_name_is_refused(refused, new_case, name):
    case = new_case()
    refused("TIME-1", lambda d: d.accept(case.no, "w01", materials=[(name, 1)]))


@pytest.mark.parametrize("materials", [None, 5, "申请表", [("申请表",)], [None], [5]])
def test_time1_materials_of_the_wrong_shape_are_refused(refused, new_case, materials):
    case = new_case()
    refused("TIME-1", lambda d: d.accept(case.no, "w01", materials=materials))


def test_time1_acceptance_sets_the_due_date_from_the_matters_limit(desk, new_case):
    case = new_case(kind="application", matter="T3")
    case = desk.accept(case.no, "w01", materials=[("申请表", 1)])
    assert case.due == date(2026, 3, 12)


def test_time1_receipt_records_materials_due_date_and_handler(desk, new_case):
    case = new_case(kind="application", matter="T3")
    case = desk.accept(case.no, "w01", materials=[("申请表", 2), ("户口簿复印件", 1)])
    event = case.history[-1]
    assert (event.action, event.by) == ("accept", "w01")
    assert event.detail["materials"] == [["申请表", 2], ["户口簿复印件", 1]]
    assert event.detail["due"] == "2026-03-12"
    assert event.detail["handler"] == "w01"


def test_time1_receipt_is_printed_under_the_documents_folder(desk, new_case):
    case = new_case(kind="application", matter="T3")
    case = desk.accept(case.no, "w01", materials=[("申请表", 2)])
    text = (desk.documents / case.history[-1].detail["document"]).read_text(encoding="utf-8")
    assert case.no in text
    assert "申请表" in text
    assert "2026年03月12日" in text


def test_time1_acceptance_whose_receipt_cannot_be_printed_is_refused(desk, refused, new_case):
    case = new_case(kind="application", matter="T3")
    desk.documents.write_text("not a folder")  # the documents folder cannot be made
    refused("TIME-1", lambda d: d.accept(case.no, "w01", materials=[("申请表", 2)]))


# --- TIME-4: the limit for a case with no catalogue matter ---------------------------------------------------------


def test_time4_days_chosen_for_a_case_without_matter(desk, new_case):
    case = new_case()
    assert desk.accept(case.no, "w01", materials=[("来信", 1)], days=7).due == date(2026, 3, 18)


def test_time4_complaint_defaults_to_three_working_days(desk, new_case):
    case = new_case(kind="complaint")
    assert desk.accept(case.no, "w01", materials=[("投诉信", 1)]).due == date(2026, 3, 12)


@pytest.mark.parametrize("kind", ["enquiry", "application", "report", "suggestion"])
def test_time4_anything_else_defaults_to_two_working_days(desk, new_case, kind):
    case = new_case(kind=kind)
    assert desk.accept(case.no, "w01", materials=[("来信", 1)]).due == date(2026, 3, 11)


def test_time4_days_for_a_catalogue_matter_is_refused(refused, new_case):
    case = new_case(kind="application", matter="T3")
    refused("TIME-4", lambda d: d.accept(case.no, "w01", materials=[("申请表", 1)], days=7))


@pytest.mark.parametrize("days", [-1, 366, "3", 2.5, True])
def test_time4_bad_days_is_refused(refused, new_case, days):
    case = new_case()
    refused("TIME-4", lambda d: d.accept(case.no, "w01", materials=[("来信", 1)], days=days))


def test_time4_zero_days_is_due_the_same_working_day(desk, new_case):
    case = new_case()
    assert desk.accept(case.no, "w01", materials=[("来信", 1)], days=0).due == MONDAY


def test_time4_fallback_follows_the_desks_policy(desk, new_case):
    desk.set_policy(
        fallback_days={
            "own": 4,
            "department": 3,
            "departments": 7,
            "leadership": 10,
            "complaint": 5,
            "complaint_departments": 5,
            "online_enquiry": 2,
        }
    )
    enquiry, complaint = new_case(), new_case(kind="complaint")
    assert desk.accept(enquiry.no, "w01", materials=[("来信", 1)]).due == date(2026, 3, 13)
    assert desk.accept(complaint.no, "w01", materials=[("来信", 1)]).due == date(2026, 3, 16)
