"""Log-in: ten wrong PINs in a row lock a staff code for five minutes (recorded), on the injected clock; the window
that types them waits between them from the third (tests/test_pins.py), so the clock moves on as it asks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import Clock, staff

from firstask.desk import LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES, Desk
from firstask.rules import RuleError


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:
    """On conftest's clock (Monday 09:00), without the catalogue: two clerks who log in."""
    return make_desk(
        staff("w01", "王芳", pin="101010"), staff("w02", "李强", pin="202020"), clock=clock, defaults=False
    )


def ready(desk: Desk) -> None:
    """The clock moved on to when this window takes the next PIN."""
    desk.clock.now += timedelta(seconds=desk.login_wait())  # type: ignore[attr-defined]


def wrong(desk: Desk, code: str = "w01", times: int = LOCKOUT_ATTEMPTS) -> None:
    for _ in range(times):
        ready(desk)
        with pytest.raises(RuleError) as refused:
            desk.authenticate(code, "0000")
        assert refused.value.key == "login.refused"


def actions(desk: Desk) -> list[str]:
    return [
        r["action"]
        for r in desk.store.all("SELECT action FROM events WHERE case_no IS NULL AND action LIKE 'login%' ORDER BY seq")
    ]


def test_nine_wrong_pins_then_the_right_one_logs_in(desk):
    wrong(desk, times=LOCKOUT_ATTEMPTS - 1)
    ready(desk)
    assert desk.authenticate("w01", "101010").code == "w01"


def test_ten_wrong_pins_lock_the_code_even_for_the_right_pin(desk, clock):
    wrong(desk)
    clock.now += timedelta(minutes=1)
    with pytest.raises(RuleError) as locked:
        desk.authenticate("w01", "101010")
    assert locked.value.key == "login.locked" and locked.value.rule == "LOGIN"
    assert str(LOCKOUT_MINUTES) in locked.value.message("en")
    assert actions(desk)[-1] == "login_locked"


def test_the_lock_is_for_that_code_only(desk):
    wrong(desk)
    ready(desk)
    assert desk.authenticate("w02", "202020").code == "w02"


def test_the_lock_ends_after_five_minutes(desk, clock):
    wrong(desk)
    clock.now += timedelta(minutes=LOCKOUT_MINUTES, seconds=1)
    assert desk.authenticate("w01", "101010").code == "w01"


def test_a_good_log_in_starts_the_count_again(desk, clock):
    wrong(desk, times=LOCKOUT_ATTEMPTS - 1)
    ready(desk)
    desk.authenticate("w01", "101010")
    wrong(desk, times=LOCKOUT_ATTEMPTS - 1)
    ready(desk)
    assert desk.authenticate("w01", "101010").code == "w01"


def test_an_unknown_code_locks_alike_so_the_lock_tells_nothing_about_the_roster(desk):
    wrong(desk, code="x99")
    ready(desk)
    with pytest.raises(RuleError) as locked:
        desk.authenticate("x99", "101010")
    assert locked.value.key == "login.locked"


def test_every_attempt_is_in_the_history_and_it_verifies(desk):
    wrong(desk)
    ready(desk)
    with pytest.raises(RuleError):
        desk.authenticate("w01", "101010")
    assert actions(desk) == ["login_refused"] * LOCKOUT_ATTEMPTS + ["login_locked"]
    assert desk.verify().ok
