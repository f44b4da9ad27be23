"""The command line as a user meets it: `init`, `verify`, and one clear line for every mistake."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import firstask, one_clear_line

from firstask.store import GENESIS, SCHEMA_VERSION, event_hash


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = firstask("--db", str(path), "init", "--demo")
    assert result.returncode == 0, result.stderr
    assert "w01" in result.stdout and "101010" in result.stdout
    return path


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database to tamper with."""
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(demo_db)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


def tamper(path: Path, *statements: str, params: Sequence[object] = ()) -> None:
    """Edit the file as someone outside the app would: around the append-only triggers."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS events_no_update")
    conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
    for sql in statements:
        conn.execute(sql, params if "?" in sql else ())
    conn.close()


def rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    out = conn.execute(
        "SELECT seq, case_no, action, by_staff, at, tz, detail, hash FROM events ORDER BY seq"
    ).fetchall()
    conn.close()
    return out


def anchor_of(path: Path) -> str:
    result = firstask("--db", str(path), "verify")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_untouched_history_verifies_and_prints_its_head(db: Path) -> None:
    head = anchor_of(db)
    count, digest = head.split(":")
    assert int(count) == len(rows(db))
    assert digest == rows(db)[-1][7]
    assert firstask("--db", str(db), "verify", "--anchor", head).returncode == 0


def test_an_edited_event_is_found(db: Path) -> None:
    tamper(db, "UPDATE events SET detail = detail || ' ' WHERE seq = 60")
    result = firstask("--db", str(db), "verify")
    assert result.returncode == 1
    assert "Event 60 " in one_clear_line(result)


def test_a_deleted_middle_event_is_found(db: Path) -> None:
    tamper(db, "DELETE FROM events WHERE seq = 70")
    result = firstask("--db", str(db), "verify")
    assert result.returncode == 1
    assert "Event 70 is missing" in one_clear_line(result)


def test_a_swapped_pair_is_found(db: Path) -> None:
    a, b = rows(db)[79], rows(db)[80]
    tamper(
        db,
        "UPDATE events SET seq = -1 WHERE seq = 80",
        "UPDATE events SET seq = 80 WHERE seq = 81",
        "UPDATE events SET seq = 81 WHERE seq = -1",
    )
    assert rows(db)[79][2:] == b[2:] and rows(db)[80][2:] == a[2:]
    result = firstask("--db", str(db), "verify")
    assert result.returncode == 1
    assert "Event 80 " in one_clear_line(result)


def recompute_chain(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    prev = GENESIS
    for seq, case_no, action, by, at, tz, detail, seals in conn.execute(
        "SELECT seq, case_no, action, by_staff, at, tz, detail, seals FROM events ORDER BY seq"
    ).fetchall():
        digest = event_hash(prev, seq, case_no, action, by, at, tz, detail, seals)
        conn.execute("UPDATE events SET hash = ? WHERE seq = ?", (digest, seq))
        prev = digest
    conn.close()


def test_a_recomputed_chain_is_found_only_against_an_anchor(db: Path) -> None:
    anchor = anchor_of(db)
    tamper(db, "UPDATE events SET by_staff = 'x99' WHERE seq = 50")
    recompute_chain(db)
    assert firstask("--db", str(db), "verify").returncode == 0  # a chain has no secret
    result = firstask("--db", str(db), "verify", "--anchor", anchor)
    assert result.returncode == 1
    assert "recomputed" in one_clear_line(result)


def test_a_cut_off_tail_is_found_against_an_anchor(db: Path) -> None:
    anchor = anchor_of(db)
    count = int(anchor.split(":")[0])
    tamper(db, f"DELETE FROM events WHERE seq > {count - 3}")
    # Without an anchor the chain itself looks whole; the rows the cut events sealed no longer agree with it.
    alone = firstask("--db", str(db), "verify")
    assert alone.returncode == 1 and "Table " in one_clear_line(alone)
    result = firstask("--db", str(db), "verify", "--anchor", anchor)
    assert result.returncode == 1
    assert "cut off" in one_clear_line(result)


def test_the_history_refuses_updates_and_deletes_through_sqlite(db: Path) -> None:
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET action = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events WHERE seq = 1")
    conn.close()


@pytest.mark.parametrize("anchor", ["12", "x:y", "12:abc", "-1:" + "0" * 64, "3:" + "G" * 64])
def test_a_bad_anchor_is_one_clear_line(db: Path, anchor: str) -> None:
    result = firstask("--db", str(db), "verify", "--anchor", anchor)
    assert result.returncode == 2
    assert "COUNT:HASH" in one_clear_line(result)


def test_missing_file_is_one_clear_line_and_nothing_is_created(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    for command in (["verify"],):
        result = firstask("--db", str(path), *command)
        assert "No database" in one_clear_line(result)
    assert not path.exists()


def test_a_corrupt_file_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all" * 200)
    result = firstask("--db", str(path), "verify")
    assert "not a valid firstask database" in one_clear_line(result)
    assert path.read_bytes() == b"this is not a database at all" * 200


def test_a_newer_database_is_refused_untouched(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    result = firstask("--db", str(db), "verify")
    assert "newer firstask" in one_clear_line(result)
    assert db.read_bytes() == before


def test_a_path_through_a_regular_file_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = firstask("--db", str(blocker / "desk.db"), "init", "--demo")
    assert "part of that path is a file" in one_clear_line(result)


def test_init_refuses_to_overwrite(db: Path) -> None:
    before = db.read_bytes()
    result = firstask("--db", str(db), "init", "--demo")
    assert "already exists" in one_clear_line(result)
    assert db.read_bytes() == before


def test_init_with_a_supervisor_reads_the_pin_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    result = firstask(
        "--db", str(path), "init", "--supervisor", "s01", "--name", "周主任", env={"FIRSTASK_PIN": "246813"}
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT code, role FROM staff").fetchall() == [("s01", "supervisor")]
    assert conn.execute("SELECT count(*) FROM matters").fetchone()[0] == 30
    assert "246813" not in conn.execute("SELECT pin_hash FROM staff").fetchone()[0]
    conn.close()


def test_init_without_a_pin_and_no_terminal_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    result = firstask("--db", str(path), "init", "--supervisor", "s01", "--name", "周主任")
    assert "FIRSTASK_PIN" in one_clear_line(result)
    assert not path.exists()


def test_a_bad_pin_leaves_no_half_made_desk(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    result = firstask("--db", str(path), "init", "--supervisor", "s01", "--name", "周主任", env={"FIRSTASK_PIN": "12"})
    assert "PIN" in one_clear_line(result)
    assert not path.exists()


def test_the_desk_with_no_staff_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    result = firstask("--db", str(path))
    assert "init" in one_clear_line(result)


def test_messages_follow_the_language(tmp_path: Path) -> None:
    result = firstask("--db", str(tmp_path / "nope.db"), "--lang", "zh", "verify")
    assert "找不到数据库文件" in one_clear_line(result)
