"""Working days as the desk uses them: accept -> case.due, extend, provisional years (SPEC §7, TIME-1)."""

from datetime import date

import pytest


@pytest.fixture
def accept_on(desk, new_case, clock):
    """`accept_on("2026-09-30T10:00", "T3")`: check a case in and accept it at that moment."""

    def accept(when, matter="T3", documents=("申请表",), **kwargs):
        clock.set(when)
        case = new_case(kind="application", matter=matter)
        return desk.accept(case.no, "w01", materials=[(d, 1) for d in documents], **kwargs)

    return accept


def test_three_day_matter_on_a_plain_monday_is_due_thursday(accept_on):
    assert accept_on("2026-03-09T10:00").due == date(2026, 3, 12)


def test_accepting_before_national_day_lands_on_the_make_up_saturday(accept_on):
    case = accept_on("2026-09-30T10:00")
    assert case.due == date(2026, 10, 10)
    assert case.due.weekday() == 5  # a Saturday, worked to make up for the holiday


def test_accepting_on_a_friday_skips_the_weekend(accept_on):
    assert accept_on("2026-03-13T16:00").due == date(2026, 3, 18)


def test_accepting_on_a_sunday_counts_from_the_monday(accept_on):
    assert accept_on("2026-03-08T11:00").due == date(2026, 3, 11)


def test_accepting_on_a_saturday_and_the_friday_before_give_the_same_day(accept_on):
    assert accept_on("2026-03-14T10:00").due == accept_on("2026-03-13T10:00").due


def test_accepting_after_hours_counts_from_that_day(accept_on):
    assert accept_on("2026-03-09T22:30").due == date(2026, 3, 12)


def test_immediate_matter_is_due_the_same_working_day(accept_on):
    assert accept_on("2026-03-09T16:00", "TI", ("身份证",)).due == date(2026, 3, 9)


def test_immediate_matter_accepted_on_a_sunday_is_due_monday(accept_on):
    assert accept_on("2026-03-08T10:00", "TI", ("身份证",)).due == date(2026, 3, 9)


def test_immediate_matter_accepted_in_the_holiday_is_due_the_first_working_day(accept_on):
    assert accept_on("2026-10-03T10:00", "TI", ("身份证",)).due == date(2026, 10, 8)


def test_immediate_matter_ignores_its_limit_days(desk, accept_on):
    desk.add_matter("TI9", "即办事项九", limit_days=9, immediate=True, documents=["身份证"])
    assert accept_on("2026-03-09T10:00", "TI9", ("身份证",)).due == date(2026, 3, 9)


def test_catalogue_immediate_matter_is_due_the_same_day(desk, accept_on):
    jmyb = next(m for m in desk.matters() if m.code == "JMYB")
    assert jmyb.immediate
    documents = [d.name for d in jmyb.documents]
    assert accept_on("2026-03-09T10:00", "JMYB", documents).due == date(2026, 3, 9)


def test_due_in_a_confirmed_year_is_not_provisional(accept_on):
    case = accept_on("2026-12-28T10:00")
    assert case.due == date(2026, 12, 31)
    assert case.due_provisional is False


def test_due_in_an_unconfirmed_year_is_provisional(desk, accept_on):
    desk.add_matter("T5", "五日事项", limit_days=5, documents=["申请表"])
    case = accept_on("2026-12-28T10:00", "T5")
    assert case.due.year == 2027
    assert case.due_provisional is True


def test_provisional_due_is_said_on_the_receipt(desk, accept_on):
    desk.add_matter("T5", "五日事项", limit_days=5, documents=["申请表"])
    case = accept_on("2026-12-28T10:00", "T5")
    receipt = (desk.documents / case.history[-1].detail["document"]).read_text(encoding="utf-8")
    assert "暂定" in receipt


def test_confirming_the_year_makes_the_due_date_firm(desk, accept_on):
    desk.set_policy(calendar_confirmed_until=2027)
    desk.add_matter("T5", "五日事项", limit_days=5, documents=["申请表"])
    assert accept_on("2026-12-28T10:00", "T5").due_provisional is False


def test_days_chosen_for_a_case_without_matter_can_be_provisional(desk, new_case, clock):
    clock.set("2026-12-28T10:00")
    case = new_case()
    case = desk.accept(case.no, "w01", materials=[("来信", 1)], days=10)
    assert (case.due.year, case.due_provisional) == (2027, True)


def test_extend_moves_the_due_date_by_working_days(desk, accept_on):
    case = accept_on("2026-03-09T10:00")
    assert desk.extend(case.no, "w01", 2, "需调取外单位材料").due == date(2026, 3, 16)


def test_extend_over_national_day_skips_the_holiday(desk, accept_on):
    case = accept_on("2026-09-25T10:00")  # Friday: 9-28, 9-29, 9-30
    assert case.due == date(2026, 9, 30)
    assert desk.extend(case.no, "w01", 2, "需调取外单位材料").due == date(2026, 10, 9)


def test_extend_into_an_unconfirmed_year_makes_the_due_provisional(desk, accept_on):
    case = accept_on("2026-12-28T10:00")
    assert case.due_provisional is False
    case = desk.extend(case.no, "w01", 2, "需调取外单位材料")
    assert case.due.year == 2027
    assert case.due_provisional is True


def test_a_local_closed_day_is_not_counted(desk, accept_on):
    desk.set_policy(calendar_extra_closed=["2026-03-10"])
    assert accept_on("2026-03-09T10:00").due == date(2026, 3, 13)


def test_a_local_working_day_is_counted(desk, accept_on):
    desk.set_policy(calendar_extra_working=["2026-03-14"])  # a Saturday
    assert accept_on("2026-03-12T10:00").due == date(2026, 3, 16)  # 13th, 14th, 16th
