"""`firstask verify` proves the state as well as the chain (issue 15 §3): every row of cases, case_states,
violations (and their reviews), staff, people, policy and matters is as the last event about it left it; an edit made
behind the desk is exit 1, naming the table, the row and, where the history says it, the column."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils
from conftest import MONDAY_9AM as MONDAY
from conftest import Clock, firstask

from firstask.desk import Desk
from firstask.store import GENESIS, MIGRATIONS, Store, event_hash


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A desk worked action by action (one transaction each, as at the windows), with an overdue case, a violation
    and its review, a visitor's personal data, a hand-off and a rating."""
    path = tmp_path_factory.mktemp("built") / "desk.db"
    clock = Clock(MONDAY)
    with Desk.open(path, clock=clock) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳", backup="w02")
        desk.add_staff("w02", "李强", backup="w01")
        desk.add_staff("s01", "陈静", role="supervisor")
        late = desk.check_in(
            "w01", visitor_name="张三", summary="低保申请", kind="application", matter="DB", phone="13800138000"
        ).no
        matter = desk.case(late).matter_info
        assert matter is not None
        desk.accept(late, "w01", materials=[(d.name, 1) for d in matter.documents if d.when is None])
        done = desk.check_in("w02", visitor_name="李四", summary="咨询").no
        desk.hand_off(done, "w02", "w01", "请接手")
        desk.accept_handoff(done, "w01")
        desk.answer(done, "w01", "已答复")
        desk.rate(done, "w01", 5)
        clock.now = MONDAY + timedelta(days=60)
        found = desk.scan()
        assert found
        desk.review(found[0].id, "s01", decision="confirm", reason="确认")
        desk.set_policy(by="s01", callback_days=4)
    return path


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "desk.db"
    src = sqlite3.connect(built)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


def tamper(db: Path, *sql: str) -> None:
    conn = sqlite3.connect(db)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_an_untouched_desk_verifies(db: Path) -> None:
    result = firstask("--db", str(db), "verify")
    assert result.returncode == 0, result.stderr


OVERDUE = "(SELECT no FROM cases WHERE status = 'in_progress')"

EDITS = {
    "an overdue case made to look resolved": (
        [
            f"UPDATE cases SET status = 'resolved', resolved_at = '2026-03-10T10:00:00' WHERE no = {OVERDUE}",
            f"UPDATE case_states SET status = 'resolved' WHERE case_no = {OVERDUE} AND valid_to IS NULL",
        ],
        "Table cases, row 2026",
        "column status",
    ),
    "a past stretch rewritten": (
        ["UPDATE case_states SET owner = 'w02' WHERE id = (SELECT min(id) FROM case_states)"],
        "Table case_states, row",
        None,
    ),
    "a violation deleted": (
        ["DELETE FROM violations WHERE id = (SELECT max(id) FROM violations)"],
        "Table violations, row",
        "deleted",
    ),
    "a review's decision flipped": (
        ["UPDATE violations SET decision = 'excuse' WHERE decision = 'confirm'"],
        "Table violations, row",
        "column decision",
    ),
    "a visitor's details changed": (
        ["UPDATE people SET phone = '13900000000' WHERE phone = '13800138000'"],
        "Table people, row",
        None,
    ),
    "a clerk promoted to supervisor": (
        ["UPDATE staff SET role = 'supervisor' WHERE code = 'w02'"],
        "Table staff, row w02",
        "column role",
    ),
    "a staff member added behind the desk": (
        ["INSERT INTO staff (code, name, role) VALUES ('x9', 'X', 'supervisor')"],
        "Table staff, row x9",
        "not in the history",
    ),
    "a PIN hash swapped": (
        ["UPDATE staff SET pin_hash = 'scrypt$16384$8$1$00$00' WHERE code = 's01'"],
        "Table staff, row s01",
        None,
    ),
    "a policy value changed": (
        ["UPDATE policy SET value = '99' WHERE key = 'callback_days'"],
        "Table policy, row callback_days",
        "column value",
    ),
    "a matter's limit changed": (
        ["UPDATE matters SET limit_days = 99 WHERE code = 'DB'"],
        "Table matters, row DB",
        None,
    ),
    "an absence recorded behind the desk": (
        ["INSERT INTO presence (staff, absent, at, by) VALUES ('w01', 1, '2026-03-09T09:00:00', 'w01')"],
        "Table presence, row",
        "not in the history",
    ),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_verify_names_each_kind_of_state_edit(db: Path, edit: str) -> None:
    statements, names, detail = EDITS[edit]
    tamper(db, *statements)
    result = firstask("--db", str(db), "verify")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and names in line, line
    if detail:
        assert detail in line, line


def test_an_anchor_does_not_excuse_a_state_edit(db: Path) -> None:
    anchor = firstask("--db", str(db), "verify").stdout.strip()
    tamper(db, f"UPDATE cases SET owner = 'w02' WHERE no = {OVERDUE}")
    result = firstask("--db", str(db), "verify", "--anchor", anchor)
    assert result.returncode == 1 and "column owner" in result.stderr


def test_an_edit_is_also_found_through_the_desk(db: Path) -> None:
    tamper(db, "UPDATE staff SET role = 'supervisor' WHERE code = 'w01'")
    with Desk.open(db) as desk:
        result = desk.verify()
    assert not result.ok and result.params == {"table": "staff", "key": "w01", "column": "role", "seq": result.seq}


def test_a_desk_file_from_before_seals_is_checkpointed_and_verifies(tmp_path: Path) -> None:
    """A schema-3 file (written before seals): opening it with the desk seals what it holds in checkpoint events,
    so it verifies, and an edit after that is found."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for number, migration in enumerate(MIGRATIONS[:3], start=1):
        migration(sqlite_utils.Database(conn))
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(
        "INSERT INTO staff (code, name, role, created_at) VALUES ('s01', '陈静', 'supervisor', '2025-01-02T09:00:00')"
    )
    detail = '{"code":"s01","name":"陈静","role":"supervisor"}'
    digest = event_hash(GENESIS, 1, None, "add_staff", None, "2025-01-02T09:00:00", "Asia/Shanghai", detail)
    conn.execute(
        "INSERT INTO events (seq, case_no, action, by_staff, at, tz, detail, hash) VALUES "
        "(1, NULL, 'add_staff', NULL, '2025-01-02T09:00:00', 'Asia/Shanghai', ?, ?)",
        (detail, digest),
    )
    conn.close()
    # verify reads it as it is (no migration) and says the state was not checked.
    unchecked = firstask("--db", str(path), "verify")
    assert unchecked.returncode == 0 and "not checked" in unchecked.stderr
    with Desk.open(path) as desk:
        assert desk.verify().ok
        assert desk.store.meta("desk_id") == digest  # its identity: its first event
        assert desk.store.scalar("SELECT count(*) FROM events WHERE action = 'checkpoint'") == 1
    tamper(path, "UPDATE staff SET name = '别人' WHERE code = 's01'")
    result = firstask("--db", str(path), "verify")
    assert result.returncode == 1 and "Table staff, row s01" in result.stderr


def test_a_change_with_no_event_is_refused_by_the_store(tmp_path: Path) -> None:
    """The desk cannot change a sealed row without an event: such a transaction is rolled back."""
    with Desk.open(tmp_path / "d.db") as desk:
        desk.add_staff("w01", "王芳")
        with pytest.raises(RuntimeError, match="no event"), desk.store.write() as s:
            s.update("staff", "code", "w01", {"name": "别人"})
        assert desk.staff()["w01"].name == "王芳"
        assert Store.verify(desk.store).ok
