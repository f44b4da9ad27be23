"""Backups and restores: one consistent moment while another process writes, owner-only, each stating its chain
head; a restore checks integrity and history before it replaces anything; daily backups are kept to the policy."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from conftest import MONDAY_9AM as NOW

from firstask.desk import Desk
from firstask.store import StoreError, backup


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    with Desk.open(path, clock=lambda: NOW) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳", pin="101010")
        for i in range(5):
            desk.check_in("w01", visitor_name=f"访客{i}", summary="咨询", phone="13800138000")
    return path


def head(path: Path) -> tuple[int, str]:
    with Desk.open(path) as desk:
        result = desk.verify()
        assert result.ok
        return result.count, result.head


def test_a_backup_is_a_whole_owner_only_copy_that_states_its_head(db: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out" / "copy.db"
    info = backup.make(db, dest)
    assert (info.events, info.head) == head(db) == head(dest)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    sidecar = json.loads(dest.with_name("copy.db.json").read_text(encoding="utf-8"))
    assert sidecar["events"] == info.events and sidecar["head"] == info.head
    assert info.anchor == f"{info.events}:{info.head}"
    assert not list(dest.parent.glob("*.partial"))


WRITER = textwrap.dedent("""
    import sys
    from datetime import datetime
    from firstask.desk import Desk
    desk = Desk.open(sys.argv[1], clock=lambda: datetime(2026, 3, 9, 10, 0))
    print("ready", flush=True)
    for i in range(100000):
        desk.check_in("w01", visitor_name=f"写入{i}", summary="并发写入", phone="13800138000")
""")


def test_a_backup_taken_while_another_process_writes_is_consistent(db: Path, tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        infos = [backup.make(db, tmp_path / "b0.db")]
        for i in range(1, 400):  # until the writer's work shows in a backup (bounded; no timing asserted)
            infos.append(backup.make(db, tmp_path / f"b{i}.db"))
            if infos[-1].events > infos[0].events + 20:
                break
    finally:
        writer.kill()
        writer.wait(timeout=30)
    for info in infos:
        path = Path(info.path)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        assert head(path) == (info.events, info.head)
    assert infos[-1].events > infos[0].events  # the writer was really writing meanwhile


def test_a_corrupt_backup_is_refused_and_nothing_is_replaced(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = db.read_bytes()
    with pytest.raises(StoreError) as refused:
        backup.restore(bad, db)
    assert refused.value.key == "store.corrupt"
    assert db.read_bytes() == before


def test_a_backup_with_an_edited_history_is_refused(db: Path, tmp_path: Path) -> None:
    dest = tmp_path / "edited.db"
    backup.make(db, dest)
    conn = sqlite3.connect(dest)
    conn.execute("DROP TRIGGER IF EXISTS events_no_update")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE events SET at = '2026-03-09T09:01:00' WHERE seq = 3")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as refused:
        backup.check(dest)
    assert refused.value.key == "backup.history_broken"
    assert "3" in refused.value.message("en")


def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_file(db: Path, tmp_path: Path) -> None:
    saved = backup.make(db, tmp_path / "saved.db")
    with Desk.open(db, clock=lambda: NOW) as desk:
        desk.check_in("w01", visitor_name="之后", summary="备份之后登记")
    after = head(db)
    info, kept = backup.restore(Path(saved.path), db)
    assert head(db) == (saved.events, saved.head) == (info.events, info.head)
    assert kept is not None and head(kept) == after
    with Desk.open(db) as desk:
        assert desk.find_visitors("之后") == []


def test_restore_into_a_missing_file_creates_it(db: Path, tmp_path: Path) -> None:
    saved = backup.make(db, tmp_path / "saved.db")
    target = tmp_path / "new" / "desk.db"
    info, kept = backup.restore(Path(saved.path), target)
    assert kept is None and head(target) == (info.events, info.head)


def test_the_daily_backup_is_made_once_a_day_and_pruned_to_the_policy(db: Path) -> None:
    folder = backup.backups_dir(db)
    first = backup.daily(db, date(2026, 3, 9), keep=3)
    assert first is not None and Path(first.path).name == "daily-20260309.db"
    assert backup.daily(db, date(2026, 3, 9), keep=3) is None
    for day in (10, 11, 12, 13):
        backup.daily(db, date(2026, 3, day), keep=3)
    assert sorted(p.name for p in folder.glob("daily-*.db")) == [
        "daily-20260311.db",
        "daily-20260312.db",
        "daily-20260313.db",
    ]
    assert sorted(p.name for p in folder.glob("daily-*.json")) == [
        "daily-20260311.db.json",
        "daily-20260312.db.json",
        "daily-20260313.db.json",
    ]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_backup_through_a_regular_file_is_one_clear_error(db: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError) as refused:
        backup.make(db, tmp_path / "file" / "copy.db")
    assert refused.value.key == "store.not_a_directory"


FULL_DISK = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from firstask.store import backup
    from firstask.store import StoreError
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    try:
        backup.make(Path(sys.argv[1]), Path(sys.argv[2]))
    except StoreError as e:
        print(e.key)
""")


def test_a_full_disk_during_a_backup_leaves_no_partial_file(db: Path, tmp_path: Path) -> None:
    dest = tmp_path / "full" / "copy.db"
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(db), str(dest)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert result.stdout.strip() == "store.disk_full", result.stderr
    assert not dest.exists() and not list(dest.parent.glob("*.partial"))
    assert head(db)[0] > 0
