"""Log-in: five wrong PINs in a row lock a staff code for five minutes (recorded), on the injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from firstask.desk import LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES, Desk
from firstask.rules import RuleError

NOW = datetime(2026, 3, 9, 9, 0)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(tmp_path, clock):
    desk = Desk.open(tmp_path / "desk.db", clock=clock)
    desk.add_staff("w01", "王芳", pin="1111")
    desk.add_staff("w02", "李强", pin="2222")
    yield desk
    desk.close()


def wrong(desk: Desk, code: str = "w01", times: int = LOCKOUT_ATTEMPTS) -> None:
    for _ in range(times):
        with pytest.raises(RuleError) as refused:
            desk.authenticate(code, "0000")
        assert refused.value.key == "login.refused"


def actions(desk: Desk) -> list[str]:
    return [r["action"] for r in desk.store.all("SELECT action FROM events WHERE case_no IS NULL "
                                                "AND action LIKE 'login%' ORDER BY seq")]


def test_four_wrong_pins_then_the_right_one_logs_in(desk):
    wrong(desk, times=LOCKOUT_ATTEMPTS - 1)
    assert desk.authenticate("w01", "1111").code == "w01"


def test_five_wrong_pins_lock_the_code_even_for_the_right_pin(desk, clock):
    wrong(desk)
    clock.now += timedelta(minutes=1)
    with pytest.raises(RuleError) as locked:
        desk.authenticate("w01", "1111")
    assert locked.value.key == "login.locked" and locked.value.rule == "LOGIN"
    assert str(LOCKOUT_MINUTES) in locked.value.message("en")
    assert actions(desk)[-1] == "login_locked"


def test_the_lock_is_for_that_code_only(desk):
    wrong(desk)
    assert desk.authenticate("w02", "2222").code == "w02"


def test_the_lock_ends_after_five_minutes(desk, clock):
    wrong(desk)
    clock.now += timedelta(minutes=LOCKOUT_MINUTES, seconds=1)
    assert desk.authenticate("w01", "1111").code == "w01"


def test_a_good_log_in_starts_the_count_again(desk, clock):
    wrong(desk, times=LOCKOUT_ATTEMPTS - 1)
    desk.authenticate("w01", "1111")
    wrong(desk, times=LOCKOUT_ATTEMPTS - 1)
    assert desk.authenticate("w01", "1111").code == "w01"


def test_an_unknown_code_locks_alike_so_the_lock_tells_nothing_about_the_roster(desk):
    wrong(desk, code="x99")
    with pytest.raises(RuleError) as locked:
        desk.authenticate("x99", "1111")
    assert locked.value.key == "login.locked"


def test_every_attempt_is_in_the_history_and_it_verifies(desk):
    wrong(desk)
    with pytest.raises(RuleError):
        desk.authenticate("w01", "1111")
    assert actions(desk) == ["login_refused"] * LOCKOUT_ATTEMPTS + ["login_locked"]
    assert desk.verify().ok
