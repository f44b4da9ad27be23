"""Bad values and extremes (issue 15 §6 and §7): policy values are checked when set; a value already stored out of
range is told in one line and runs on its default; lone surrogates and wrong types through the API are a clear
refusal with nothing written. (An action's returned case: tests/test_returned_case.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import CLERK_AND_SUPERVISOR, firstask
from conftest import MONDAY_9AM as NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstask.desk import Desk
from firstask.rules import RuleError


@pytest.fixture
def desk(make_desk) -> Desk:
    return make_desk(*CLERK_AND_SUPERVISOR, clock=lambda: NOW)


BAD = [
    ("feedback_days", 10**9),
    ("remedy_days", "x"),
    ("first_response_hours", 10**12),
    ("callback_days", 0),
    ("handoff_minutes", 481),
    ("idle_minutes", -1),
    ("retention_years", 0),
    ("backups_kept", 10**6),
    ("min_pin_length", 4),
    ("notice_days", True),
    ("repeat_months", 1.5),
    ("timezone", "Mars/Olympus"),
    ("timezone", "../../etc/passwd"),
    ("area_code", "05\x1b71"),
    ("centre_name", "x" * 500),
    ("centre_name", 5),
    ("forbidden_phrases", "不知道"),
    ("fallback_days", {"own": 10**9}),
    ("first_response_hours", float("nan")),
]


@pytest.mark.parametrize(("key", "value"), BAD, ids=[f"{k}={v!r}"[:40] for k, v in BAD])
def test_a_bad_policy_value_is_refused_and_nothing_is_written(desk: Desk, key: str, value: Any) -> None:
    before = desk.store.head()
    with pytest.raises(RuleError) as refused:
        desk.set_policy(by="s01", **{key: value})
    assert refused.value.rule == "INPUT" and key in refused.value.message("en")
    assert desk.store.head() == before


def test_good_values_at_the_edges_are_taken(desk: Desk) -> None:
    desk.set_policy(
        by="s01",
        feedback_days=60,
        first_response_hours=0.5 + 0.5,
        handoff_minutes=480,
        retention_years=1,
        timezone="Asia/Urumqi",
        min_pin_length=12,
    )
    assert desk.policy.feedback_days == 60 and desk.policy.min_pin_length == 12


def test_a_stored_bad_value_is_told_once_and_runs_on_the_default(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    with Desk.open(path, clock=lambda: NOW) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳")
        desk.check_in("w01", visitor_name="张三", summary="咨询")
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("UPDATE policy SET value = '1000000000' WHERE key = 'feedback_days'")
    conn.execute("UPDATE policy SET value = '\"x\"' WHERE key = 'remedy_days'")
    conn.commit()
    conn.close()
    with Desk.open(path, clock=lambda: NOW) as desk:
        assert desk.policy.feedback_days == 5 and desk.policy.remedy_days == 15
        assert len(desk.policy_problems("en")) == 2
        desk.check_in("w01", visitor_name="李四", summary="咨询")  # the desk works on
    result = firstask("--db", str(path), "scan", "--now", "2026-06-01T09:00")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    told = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(told) == 2 and all("stored policy" in line for line in told)


def test_a_stored_bad_calendar_setting_runs_on_the_default_calendar(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "d.db"
    with Desk.open(path, clock=lambda: NOW) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE policy SET value = '\"x\"' WHERE key = 'hours'")
    conn.execute("UPDATE policy SET value = '[\"9999-99-99\"]' WHERE key = 'calendar_extra_closed'")
    conn.execute("UPDATE policy SET value = '1000000000' WHERE key = 'calendar_confirmed_until'")
    conn.commit()
    conn.close()
    with Desk.open(path, clock=lambda: NOW) as desk:
        told = desk.policy_problems("en")
        assert len(told) == 3 and all("stored policy" in line for line in told)
        assert any("calendar_confirmed_until" in line and "2000 and 2100" in line for line in told)
        no = desk.check_in("w01", visitor_name="张三", summary="咨询").no
        case = desk.accept(no, "w01", materials=[], days=3)
        assert case.due is not None and desk.scan() is not None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("hours", []),
        ("hours", [["08:30"]]),
        ("calendar_confirmed_until", 10**9),
        ("calendar_extra_closed", "2026-01-01"),
        ("calendar_extra_working", ["9999-12-31"]),
        ("calendar_years", {"99999": {}}),
        ("calendar_years", {"2027": {"holidays": ["x"]}}),
        ("fallback_days", {"nobody": 3}),
        ("forbidden_phrases", ["不\x1b知道"]),
        ("due_warning_days", 0),
    ],
)
def test_a_bad_calendar_or_list_setting_is_refused(desk: Desk, key: str, value: Any) -> None:
    before = desk.store.head()
    with pytest.raises(RuleError) as refused:
        desk.set_policy(by="s01", **{key: value})
    assert refused.value.rule == "INPUT" and key in refused.value.message("en")
    assert desk.store.head() == before


def test_a_partial_fallback_table_keeps_the_other_limits(desk: Desk) -> None:
    desk.set_policy(by="s01", fallback_days={"own": 4})
    assert desk.policy.fallback_days["own"] == 4 and desk.policy.fallback_days["complaint"] == 3
    no = desk.check_in("w01", visitor_name="张三", summary="投诉", kind="complaint").no
    assert desk.accept(no, "w01", materials=[]).due is not None


def test_lone_surrogates_and_wrong_types_are_refused(desk: Desk) -> None:
    before = desk.store.head()
    calls = [
        lambda: desk.check_in("w01", visitor_name="张\ud800", summary="x"),
        lambda: desk.check_in("w01", visitor_name="张三", summary=["x"]),
        lambda: desk.check_in("w01", visitor_name="张三", summary="x", phone=138),
        lambda: desk.check_in(None, visitor_name="张三", summary="x"),  # type: ignore[arg-type]
        lambda: desk.add_staff("w\udc00", "x"),
        lambda: desk.set_policy(by="s01", centre_name="中心\udfff"),
    ]
    for call in calls:
        with pytest.raises(RuleError):
            call()
    assert desk.store.head() == before


ACTIONS = (
    "answer",
    "resolve",
    "feedback",
    "extend",
    "extend_days",
    "hand_off",
    "decline_handoff",
    "rate",
    "rate_comment",
    "reject",
    "refer",
    "notify",
    "accept",
    "remedy",
    "reopen",
    "check_in",
    "set_absent",
    "expect",
)
CHECK_IN_FIELDS = (
    "visitor_name",
    "summary",
    "channel",
    "kind",
    "matter",
    "phone",
    "id_number",
    "org",
    "anonymous",
    "about_staff",
    "address",
)
surrogates = st.builds(lambda a, b: a + b, st.text(max_size=5), st.sampled_from(["\ud800", "\udc00", "\udfff"]))
values = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    surrogates,
    st.lists(st.text()),
    st.lists(surrogates, max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.binary(max_size=5),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.sampled_from(ACTIONS), value=values, where=st.sampled_from(CHECK_IN_FIELDS))
def test_any_value_through_the_api_is_a_refusal_or_an_action_never_a_crash(
    desk: Desk, action: str, value: Any, where: str
) -> None:
    no = desk.check_in("w01", visitor_name="张三", summary="咨询").no
    before = desk.store.head()
    call = {
        "answer": lambda: desk.answer(no, "w01", value),
        "resolve": lambda: desk.resolve(no, "w01", value),
        "feedback": lambda: desk.feedback(no, "w01", value),
        "extend": lambda: desk.extend(no, "w01", value, value),
        "extend_days": lambda: desk.extend(no, "w01", value, "材料需补正"),
        "hand_off": lambda: desk.hand_off(no, "w01", value, value),
        "decline_handoff": lambda: desk.decline_handoff(no, "w01", value),
        "rate": lambda: desk.rate(no, "w01", value),
        "rate_comment": lambda: desk.rate(no, "w01", 5, value),
        "reject": lambda: desk.reject(no, "w01", value),
        "refer": lambda: desk.refer(no, "w01", agency=value, contact=value),
        "notify": lambda: desk.notify(no, "w01", extra=value),
        "accept": lambda: desk.accept(no, "w01", materials=value, days=value),
        "remedy": lambda: desk.remedy(no, "w01", value),
        "reopen": lambda: desk.reopen(no, "s01", value),
        "check_in": lambda: desk.check_in("w01", **{"visitor_name": "李四", "summary": "咨询", where: value}),
        "set_absent": lambda: desk.set_absent("w01", value, by=value),
        "expect": lambda: desk.feedback(no, "w01", "进展", expect=value),
    }[action]
    try:
        call()
    except RuleError:
        assert desk.store.head() == before  # refused: nothing written
    assert desk.verify().ok
