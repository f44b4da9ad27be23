"""The hall's windows in the desk (issue 19): a supervisor registers a window and gets a one-time code; a browser
enrols once with it and gets a token naming its window; registering again or revoking turns that browser away.
Only hashes are stored; every step and every refusal is an event; `verify` finds a window's row edited behind the
desk."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from conftest import Clock, OpenDesk
from hypothesis import given, settings
from hypothesis import strategies as st

from firstask.desk import RuleError
from firstask.desk.hall import CODE_LETTERS, normal_code


def events(desk: OpenDesk, action: str) -> list[dict[str, object]]:
    rows = desk.store.all("SELECT by_staff, detail FROM events WHERE action = ? ORDER BY seq", (action,))
    return [{"by": r["by_staff"], **json.loads(r["detail"])} for r in rows]


def test_a_registered_window_waits_for_its_code_and_the_code_enrols_one_browser(desk: OpenDesk) -> None:
    code = desk.register_window(3, "三号窗口", by="s01")
    assert len(code) == 8 and set(code) <= set(CODE_LETTERS)
    (window,) = desk.hall_windows()
    assert (window.number, window.name, window.state) == (3, "三号窗口", "waiting")

    enrolled, token = desk.enrol_window(f" {code[:4].lower()}-{code[4:]} ", peer="10.0.0.3")
    assert (enrolled.number, enrolled.state) == (3, "enrolled")
    assert desk.window_of_token(token) == enrolled
    assert desk.hall_windows()[0].state == "enrolled"
    with pytest.raises(RuleError) as spent:  # a code enrols once
        desk.enrol_window(code, peer="10.0.0.9")
    assert spent.value.key == "hall.bad_code"
    assert [e["number"] for e in events(desk, "register_window")] == [3]
    assert [(e["number"], e["peer"], e["by"]) for e in events(desk, "enrol_window")] == [(3, "10.0.0.3", None)]
    assert [(e["reason"], e["peer"]) for e in events(desk, "refuse_connection")] == [("bad_code", "10.0.0.9")]


def test_only_hashes_of_codes_and_tokens_are_kept(desk: OpenDesk) -> None:
    code = desk.register_window(1, "一号窗口", by="s01")
    _, token = desk.enrol_window(code)
    dump = "\n".join(sqlite3.connect(desk.path).iterdump())
    assert code not in dump and token not in dump


def test_registering_again_turns_the_old_browser_away(desk: OpenDesk) -> None:
    _, old = desk.enrol_window(desk.register_window(2, "二号窗口", by="s01"))
    again = desk.register_window(2, "二号窗口（新电脑）", by="s01")
    assert desk.window_of_token(old) is None
    window, new = desk.enrol_window(again)
    assert window.name == "二号窗口（新电脑）" and desk.window_of_token(new) == window
    assert events(desk, "register_window")[-1]["again"] is True


def test_a_revoked_window_is_turned_away_and_its_unused_code_is_void(desk: OpenDesk) -> None:
    _, token = desk.enrol_window(desk.register_window(4, "四号窗口", by="s01"))
    unused = desk.register_window(5, "五号窗口", by="s01")
    desk.revoke_window(4, by="s01")
    desk.revoke_window(5, by="s01")
    assert desk.window_of_token(token) is None
    assert [w.state for w in desk.hall_windows()] == ["revoked", "revoked"]
    with pytest.raises(RuleError):
        desk.enrol_window(unused)
    assert [e["number"] for e in events(desk, "revoke_window")] == [4, 5]


def test_a_code_expires_after_the_policys_hours(desk: OpenDesk, clock: Clock) -> None:
    code = desk.register_window(6, "六号窗口", by="s01")
    clock.advance(hours=desk.policy.enrol_code_hours, minutes=1)
    with pytest.raises(RuleError) as late:
        desk.enrol_window(code)
    assert late.value.key == "hall.bad_code"
    fresh = desk.register_window(6, "六号窗口", by="s01")
    clock.advance(hours=desk.policy.enrol_code_hours - 1)
    assert desk.enrol_window(fresh)[0].state == "enrolled"


def test_only_a_supervisor_registers_or_revokes(desk: OpenDesk) -> None:
    with pytest.raises(RuleError) as clerk:
        desk.register_window(1, "一号窗口", by="w01")
    assert clerk.value.rule == "ACCESS"
    desk.register_window(1, "一号窗口", by="s01")
    with pytest.raises(RuleError):
        desk.revoke_window(1, by="w01")
    assert desk.hall_windows()[0].state == "waiting"


@pytest.mark.parametrize("number", [0, 1000, -3, True, "3", 2.5])
def test_a_window_number_out_of_range_is_refused_and_nothing_written(desk: OpenDesk, number: object) -> None:
    before = desk.store.scalar("SELECT count(*) FROM events")
    with pytest.raises(RuleError) as bad:
        desk.register_window(number, "窗口", by="s01")  # type: ignore[arg-type]
    assert bad.value.field == "number"
    assert desk.hall_windows() == [] and desk.store.scalar("SELECT count(*) FROM events") == before


@pytest.mark.parametrize("number", [1, 999])
def test_the_ends_of_the_range_are_windows(desk: OpenDesk, number: int) -> None:
    desk.register_window(number, "窗口", by="s01")
    assert [w.number for w in desk.hall_windows()] == [number]


def test_a_window_needs_a_name(desk: OpenDesk) -> None:
    with pytest.raises(RuleError) as bad:
        desk.register_window(1, "  ", by="s01")
    assert bad.value.field == "name"


def test_revoking_an_unknown_window_is_refused(desk: OpenDesk) -> None:
    with pytest.raises(RuleError) as bad:
        desk.revoke_window(9, by="s01")
    assert bad.value.key == "hall.unknown_window"


def test_no_token_and_a_made_up_token_name_no_window(desk: OpenDesk) -> None:
    desk.enrol_window(desk.register_window(1, "一号窗口", by="s01"))
    assert desk.window_of_token(None) is None
    assert desk.window_of_token("") is None
    assert desk.window_of_token("x" * 43) is None


def test_any_typed_code_is_refused_clearly_without_enrolling(desk: OpenDesk) -> None:
    code = desk.register_window(7, "七号窗口", by="s01")

    @settings(max_examples=60, deadline=None)
    @given(typed=st.text(max_size=40))
    def typing(typed: str) -> None:
        if normal_code(typed) == code:
            return
        with pytest.raises(RuleError) as bad:
            desk.enrol_window(typed, peer="p")
        assert bad.value.key == "hall.bad_code" and str(bad.value)
        assert desk.hall_windows()[0].state == "waiting"

    typing()


def test_refusals_are_recorded_with_their_reason_and_window(desk: OpenDesk) -> None:
    desk.refuse_connection("too_many_window", peer="10.0.0.7", window=7)
    desk.refuse_connection("foreign_origin", peer="10.0.0.8")
    assert [(e["reason"], e.get("number")) for e in events(desk, "refuse_connection")] == [
        ("too_many_window", 7),
        ("foreign_origin", None),
    ]
    with pytest.raises(ValueError):
        desk.refuse_connection("because", peer="x")


def test_verify_finds_a_window_let_back_in_behind_the_desk(desk: OpenDesk) -> None:
    _, token = desk.enrol_window(desk.register_window(4, "四号窗口", by="s01"))
    desk.revoke_window(4, by="s01")
    assert desk.store.verify().ok
    conn = sqlite3.connect(desk.path)
    with conn:
        conn.execute("UPDATE hall_windows SET revoked_at = NULL, token_hash = 'x' WHERE number = 4")
    conn.close()
    found = desk.store.verify()
    assert not found.ok and found.params is not None
    assert (found.params["table"], found.params["key"]) == ("hall_windows", 4)


def test_the_windows_survive_a_reopen(desk: OpenDesk, clock: Clock) -> None:
    _, token = desk.enrol_window(desk.register_window(8, "八号窗口", by="s01"))
    desk.reopen()
    clock.advance(days=400)
    window = desk.window_of_token(token)
    assert window is not None and window.number == 8
    assert window.enrolled_at is not None and window.enrolled_at < (clock.now - timedelta(days=399)).isoformat()


def test_a_wrong_code_the_server_records_itself_writes_nothing(desk: OpenDesk) -> None:
    desk.register_window(1, "一号窗口", by="s01")
    before = desk.store.scalar("SELECT count(*) FROM events")
    with pytest.raises(RuleError):
        desk.enrol_window("WRONGCOD", peer="10.0.0.1", record=False)
    assert desk.store.scalar("SELECT count(*) FROM events") == before
