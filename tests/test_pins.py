"""PINs (issue 15 §5, SPEC §13): new PINs have at least the policy's digits and are not a run or a repeat; wrong
PINs slow the window that typed them before they lock a code; a supervisor unlocks a code at once from F11; every
lock and unlock is recorded."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from conftest import CLERK_AND_SUPERVISOR, firstask, with_pins
from conftest import MONDAY_9AM as NOW
from textual.widgets import DataTable, Input, Static

from firstask.app import make_app
from firstask.desk import LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES, Desk
from firstask.rules import RuleError, login_delay, pin_problem
from firstask.screens.login import LoginScreen
from firstask.screens.setup import SetupScreen


@pytest.mark.parametrize("pin", ["123456", "654321", "000000", "999999", "901234", "012345", "3456789"])
def test_a_run_or_a_repeat_is_refused(pin: str) -> None:
    problem = pin_problem(pin, 6)
    assert problem is not None and problem.key == "staff.pin_trivial"


@pytest.mark.parametrize("pin", ["1234", "12345", "1" * 13, "12a456", "１２３４５６", "", None, 123456])
def test_a_pin_of_other_length_or_not_digits_is_refused(pin: object) -> None:
    assert pin_problem(pin, 6) is not None


@pytest.mark.parametrize("pin", ["101010", "909090", "135792", "20261204"])
def test_an_ordinary_pin_is_taken(pin: str) -> None:
    assert pin_problem(pin, 6) is None


@pytest.fixture
def desk(make_desk) -> Desk:
    """w01 and the supervisor s01, each with a PIN; the test moves the clock by `desk.tick[0]`."""
    clock = [NOW]
    desk = make_desk(*with_pins(*CLERK_AND_SUPERVISOR), clock=lambda: clock[0])
    desk.tick = clock  # type: ignore[attr-defined]
    return desk


def test_new_pins_follow_the_policy_everywhere(desk: Desk) -> None:
    with pytest.raises(RuleError) as short:
        desk.add_staff("w02", "李强", pin="2222")
    assert short.value.key == "staff.pin_length"
    with pytest.raises(RuleError):
        desk.save_staff("w02", "李强", pin="123456", by="s01")
    with pytest.raises(RuleError):
        desk.reset_pin("w01", by="s01", temporary="111111")
    with pytest.raises(RuleError) as trivial:
        desk.set_pin("w01", "101010", "654321")
    assert trivial.value.field == "new_pin"
    desk.set_policy(by="s01", min_pin_length=8)
    with pytest.raises(RuleError):
        desk.set_pin("w01", "101010", "135792")
    desk.set_pin("w01", "101010", "13579246")
    assert desk.authenticate("w01", "13579246").code == "w01"


def test_a_short_pin_stored_before_the_rule_still_logs_in(desk: Desk) -> None:
    from firstask.desk import hash_pin

    with desk.store.write() as s:
        s.update("staff", "code", "w01", {"pin_hash": hash_pin("1111")})
        s.append_event(None, "set_pin", "w01", "2026-03-09T09:00:00", "Asia/Shanghai", {"staff": "w01"})
    assert desk.authenticate("w01", "1111").code == "w01"


def wrong(desk: Desk, code: str, times: int = LOCKOUT_ATTEMPTS) -> None:
    """Wrong PINs for `code` at this window, each typed as soon as the window takes it (the clock moved on)."""
    for _ in range(times):
        desk.tick[0] += timedelta(seconds=desk.login_wait())  # type: ignore[attr-defined]
        with pytest.raises(RuleError) as refused:
            desk.authenticate(code, "000000")
        assert refused.value.rule == "LOGIN"


def test_the_window_slows_before_a_code_locks() -> None:
    assert [login_delay(n) for n in range(1, 10)] == [0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert sum(login_delay(n) for n in range(1, LOCKOUT_ATTEMPTS)) >= 60  # a minute and more before a lock


def test_the_desk_makes_the_window_wait_on_its_clock(desk: Desk) -> None:
    wrong(desk, "w01", times=2)
    assert desk.login_wait() == 0  # two slips of the finger cost nothing
    wrong(desk, "w01", times=1)
    assert desk.login_wait() == 1
    with pytest.raises(RuleError) as early:  # even the right PIN, even for another code: the window waits
        desk.authenticate("s01", "909090")
    assert early.value.rule == "WAIT" and "1 s" in early.value.message("en")
    events = desk.store.scalar("SELECT count(*) FROM events")
    desk.tick[0] += timedelta(seconds=0.5)  # type: ignore[attr-defined]
    with pytest.raises(RuleError):
        desk.authenticate("w01", "101010")
    assert desk.store.scalar("SELECT count(*) FROM events") == events  # a PIN typed too early is not even tried
    wrong(desk, "w01", times=1)
    assert desk.login_wait() == 2
    desk.tick[0] += timedelta(seconds=2)  # type: ignore[attr-defined]
    assert desk.authenticate("w01", "101010").code == "w01"
    wrong(desk, "w01", times=3)
    assert desk.login_wait() == 1  # a good log-in starts the window's count again
    other = Desk.open(desk.store.path, clock=lambda: desk.tick[0])  # type: ignore[attr-defined]
    assert other.login_wait() == 0 and other.authenticate("w01", "101010").code == "w01"  # another window
    other.close()


def test_a_lock_is_recorded_and_a_supervisor_unlocks_at_once(desk: Desk) -> None:
    wrong(desk, "s01", times=LOCKOUT_ATTEMPTS - 1)
    assert not desk.locked("s01")
    wrong(desk, "s01", times=1)
    assert desk.locked("s01")
    desk.tick[0] += timedelta(seconds=desk.login_wait())  # type: ignore[attr-defined]
    with pytest.raises(RuleError) as refused:
        desk.authenticate("s01", "909090")
    assert refused.value.key == "login.locked"
    locks = desk.store.all("SELECT by_staff, detail FROM events WHERE action = 'lock'")
    assert len(locks) == 1 and '"code":"s01"' in locks[0]["detail"]  # the lock itself, once, when it starts
    with pytest.raises(RuleError):
        desk.unlock("s01", by="w01")  # a clerk cannot
    with pytest.raises(RuleError) as not_locked:
        desk.unlock("w01", by="s01")
    assert not_locked.value.key == "pins.not_locked"
    desk.add_staff("s02", "赵敏", role="supervisor", pin="808080")
    desk.unlock("s01", by="s02")
    assert not desk.locked("s01")
    other = Desk.open(desk.store.path, clock=lambda: desk.tick[0])  # type: ignore[attr-defined]
    assert other.authenticate("s01", "909090").code == "s01"  # at once, the same minute
    other.close()
    unlocks = desk.store.all("SELECT by_staff, detail FROM events WHERE action = 'unlock'")
    assert len(unlocks) == 1 and unlocks[0]["by_staff"] == "s02" and '"code":"s01"' in unlocks[0]["detail"]
    assert desk.store.scalar("SELECT count(*) FROM events WHERE action = 'lock'") == 1
    assert desk.verify().ok


def test_a_lock_lasts_its_minutes_from_when_it_starts_then_ends_by_itself(desk: Desk) -> None:
    wrong(desk, "w01")
    locked_at = desk.tick[0]  # type: ignore[attr-defined]
    desk.tick[0] = locked_at + timedelta(minutes=LOCKOUT_MINUTES) - timedelta(seconds=1)  # type: ignore[attr-defined]
    assert desk.locked("w01")
    other = Desk.open(desk.store.path, clock=lambda: desk.tick[0])  # type: ignore[attr-defined]
    with pytest.raises(RuleError) as refused:  # from any window, even with the right PIN
        other.authenticate("w01", "101010")
    assert refused.value.key == "login.locked"
    other.close()
    desk.tick[0] = locked_at + timedelta(minutes=LOCKOUT_MINUTES, seconds=1)  # type: ignore[attr-defined]
    assert not desk.locked("w01") and desk.authenticate("w01", "101010").code == "w01"
    assert desk.store.scalar("SELECT count(*) FROM events WHERE action = 'lock'") == 1


def test_the_login_screen_slows_after_the_third_wrong_pin(desk: Desk) -> None:
    """The screen counts down on the desk's clock (moved by the test: nothing sleeps) and takes no PIN meanwhile."""
    app = make_app(desk, lang="en")

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LoginScreen)
            await pilot.press(*"w01", "enter")
            for _ in range(3):
                await pilot.press(*"000000", "enter")
                await pilot.pause()
            pin = screen.query_one("#pin", Input)
            message = screen.query_one("#message", Static)
            assert pin.disabled and "Wrong" in str(message.content) and "next in 1 s" in str(message.content)
            await pilot.press(*"101010", "enter")  # refused input: the fields are disabled
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen) and app.staff is None
            assert screen.query_one("#code", Input).value == "w01" and pin.value == ""
            desk.tick[0] += timedelta(seconds=1)  # type: ignore[attr-defined]
            screen.tick()
            await pilot.pause()
            assert not pin.disabled and "next in" not in str(message.content)
            await pilot.press(*"000000", "enter")  # the fourth: two seconds now, counted down
            await pilot.pause()
            assert pin.disabled and "next in 2 s" in str(message.content)
            desk.tick[0] += timedelta(seconds=1)  # type: ignore[attr-defined]
            screen.tick()
            assert pin.disabled and "next in 1 s" in str(message.content)
            desk.tick[0] += timedelta(seconds=1)  # type: ignore[attr-defined]
            screen.tick()
            await pilot.pause()
            assert not pin.disabled and pin.has_focus
            await pilot.press(*"101010", "enter")
            await pilot.pause()
            assert not isinstance(app.screen, LoginScreen) and app.staff is not None

    asyncio.run(main())


def test_f11_unlocks_a_locked_code(desk: Desk) -> None:
    wrong(desk, "w01")
    app = make_app(desk, user="s01", lang="en")

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f11")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SetupScreen)
            table = screen.query_one("#roster", DataTable)
            rows = [str(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]
            table.move_cursor(row=rows.index("w01"))
            await pilot.pause()
            assert screen.check_action("unlock", ()) is True
            assert "locked" in str(table.get_row("w01"))
            await pilot.press("u")
            await pilot.pause()
            assert not desk.locked("w01")
            assert screen.check_action("unlock", ()) is False
            assert "locked" not in str(table.get_row("w01"))
            table.move_cursor(row=rows.index("s01"))
            await pilot.pause()
            assert screen.check_action("unlock", ()) is False  # offered only on a locked code

    asyncio.run(main())
    assert desk.store.scalar("SELECT count(*) FROM events WHERE action = 'unlock' AND by_staff = 's01'") == 1
    desk.tick[0] += timedelta(seconds=desk.login_wait())  # type: ignore[attr-defined]
    assert desk.authenticate("w01", "101010").code == "w01"


@pytest.mark.parametrize(
    ("code", "pin"),
    [
        ("w\ud800", "101010"),
        ("w01", "10\udc0010"),
        (5, 101010),
        (None, None),
        ("w01\x1b[2J", "101010"),
        ("x" * 500, "1" * 500),
    ],
)
def test_whatever_is_typed_at_the_log_in_is_a_refusal(tmp_path, code: object, pin: object) -> None:
    with Desk.open(tmp_path / "d.db", clock=lambda: NOW) as desk:
        desk.add_staff("w01", "王芳", pin="101010")
        with pytest.raises(RuleError) as refused:
            desk.authenticate(code, pin)  # type: ignore[arg-type]
        assert refused.value.rule == "LOGIN"
        assert not desk.locked(code)  # type: ignore[arg-type]
        assert desk.verify().ok


@pytest.mark.parametrize(("pin", "says"), [("123456", "runs"), ("00000000", "repeats"), ("12345", "6 to 12")])
def test_init_refuses_a_trivial_or_short_first_pin_in_one_line(tmp_path, pin: str, says: str) -> None:
    path = tmp_path / "desk.db"
    result = firstask("--db", str(path), "init", "--supervisor", "s01", "--name", "周主任", pin=pin)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0 and "Traceback" not in result.stderr and len(lines) == 1 and says in lines[0]
    assert not path.exists()
