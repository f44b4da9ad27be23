"""`firstask backup`, `restore` and `purge` as a user meets them: one line of result, one clear line for a mistake."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import firstask, one_clear_line

from firstask.desk import Desk


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    with Desk.open(path, clock=lambda: datetime(2021, 3, 8, 9, 0)) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳", pin="101010")
        desk.add_staff("s01", "陈静", role="supervisor", pin="909090")
        no = desk.check_in("w01", visitor_name="张三", summary="咨询", phone="13800138000").no
        desk.answer(no, "w01", "已答复")
        desk.rate(no, "w01", 5)
    return path


def test_backup_then_restore_round_trip(db: Path, tmp_path: Path) -> None:
    made = firstask("--db", str(db), "backup", str(tmp_path / "b.db"))
    assert made.returncode == 0, made.stderr
    anchor = made.stdout.split()[-1]
    assert firstask("--db", str(db), "verify", "--anchor", anchor).returncode == 0
    restored = firstask("--db", str(tmp_path / "again.db"), "restore", str(tmp_path / "b.db"))
    assert restored.returncode == 0, restored.stderr
    assert firstask("--db", str(tmp_path / "again.db"), "verify", "--anchor", anchor).returncode == 0


def test_backup_of_a_missing_database_is_one_clear_line(tmp_path: Path) -> None:
    assert "No database" in one_clear_line(
        firstask("--db", str(tmp_path / "none.db"), "backup", str(tmp_path / "b.db"))
    )
    assert not (tmp_path / "b.db").exists()


def test_restoring_garbage_is_one_clear_line_and_leaves_the_desk_alone(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    before = db.read_bytes()
    one_clear_line(firstask("--db", str(db), "restore", str(bad)))
    assert db.read_bytes() == before


def test_purge_by_a_supervisor_and_refused_for_a_clerk(db: Path) -> None:
    refused = one_clear_line(firstask("--db", str(db), "purge", "--before", "2022-01-01", "--as", "w01", pin="101010"))
    assert "supervisor" in refused
    done = firstask("--db", str(db), "purge", "--before", "2022-01-01", "--as", "s01", pin="909090")
    assert done.returncode == 0, done.stderr
    assert "1" in done.stdout
    assert firstask("--db", str(db), "verify").returncode == 0
    too_recent = one_clear_line(firstask("--db", str(db), "purge", "--before", "2026-01-01"))
    assert "years" in too_recent
