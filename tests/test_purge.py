"""Retention: a purge removes visitors' personal data from cases closed long enough ago, keeps the counts and a
history that still verifies, and refuses anything newer than the policy's retention years."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import CLERK_AND_SUPERVISOR, Clock, with_pins
from conftest import MONDAY_9AM as NOW

from firstask.desk import Desk
from firstask.rules import RuleError

OLD_DAY = datetime(2022, 3, 7, 9, 0)  # a Monday, more than three years before NOW


@pytest.fixture
def setup(make_desk):
    clock = Clock(OLD_DAY)
    desk = make_desk(*with_pins(*CLERK_AND_SUPERVISOR), clock=clock)
    closed = desk.check_in(
        "w01", visitor_name="张三", summary="咨询低保", phone="13800138000", id_number="11010519491231002X"
    ).no
    desk.answer(closed, "w01", "已当场答复低保申请条件")
    desk.rate(closed, "w01", 5)
    still_open = desk.check_in("w01", visitor_name="李四", summary="申领居住证", phone="13900139000").no
    clock.now = NOW
    recent = desk.check_in("w01", visitor_name="王五", summary="咨询", phone="13700137000").no
    desk.answer(recent, "w01", "已答复")
    desk.rate(recent, "w01", 4)
    return desk, clock, closed, still_open, recent


def test_a_purge_removes_the_personal_data_of_old_closed_cases_only(setup):
    desk, _, closed, still_open, recent = setup
    old_summary = desk.summary(OLD_DAY.date())
    purged = desk.purge(date(2022, 12, 31), by="s01")
    assert purged == [closed]
    case = desk.case(closed)
    assert (case.visitor_name, case.phone, case.id_number) == (None, None, None)
    assert case.summary == "咨询低保" and case.status == "closed" and case.rating == 5
    row = desk.store.one("SELECT p.* FROM people p JOIN cases c ON c.person_id = p.id WHERE c.no = ?", (closed,))
    assert row["salt"] is None and row["purged_at"] and row["initials"] is None and row["phone_digits"] is None
    assert desk.case(still_open).visitor_name == "李四" and desk.case(recent).visitor_name == "王五"
    assert desk.find_visitors("张") == [] and desk.find_visitors("1380") == []
    assert desk.verify().ok
    assert desk.summary(OLD_DAY.date())["received"] == old_summary["received"] == 2


def test_a_purge_is_recorded_and_a_second_one_finds_nothing(setup):
    desk, *_ = setup
    desk.purge(date(2022, 12, 31), by="s01")
    assert desk.purge(date(2022, 12, 31), by="s01") == []
    events = desk.store.all("SELECT by_staff, detail FROM events WHERE action = 'purge' ORDER BY seq")
    assert [(e["by_staff"], json.loads(e["detail"])["cases"]) for e in events] == [("s01", 1), ("s01", 0)]


def test_a_purge_within_the_retention_years_is_refused_and_writes_nothing(setup):
    desk, *_ = setup
    before = desk.store.head()
    with pytest.raises(RuleError) as refused:
        desk.purge(date(2025, 1, 1), by="s01")
    assert refused.value.rule == "RETENTION" and "2023-03-09" in refused.value.message("en")
    assert desk.store.head() == before


def test_a_clerk_may_not_purge_and_the_attempt_is_recorded(setup):
    desk, *_ = setup
    with pytest.raises(RuleError) as refused:
        desk.purge(date(2022, 12, 31), by="w01")
    assert refused.value.rule == "ACCESS"
    assert desk.store.scalar("SELECT count(*) FROM events WHERE action = 'access_refused'") == 1
    assert desk.case(setup[2]).visitor_name == "张三"


def test_a_purge_removes_the_printed_documents_that_name_the_visitor(tmp_path: Path):
    clock = Clock(OLD_DAY)
    with Desk.open(tmp_path / "desk.db", clock=clock) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳", pin="101010")
        no = desk.check_in(
            "w01", visitor_name="赵六", summary="申领居住证", kind="application", matter="JZZ", phone="13800138000"
        ).no
        desk.notify(no, "w01")
        assert list(desk.documents_dir.glob(f"{no}-*"))
        desk.reject(no, "w01", "不符合申请条件")
        desk.rate(no, "w01", 3)
        clock.now = NOW
        assert desk.purge(date(2022, 12, 31)) == [no]
        assert not list(desk.documents_dir.glob(f"{no}-*"))
        assert desk.verify().ok
