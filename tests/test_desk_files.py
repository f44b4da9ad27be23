"""Only `init` and `Desk.open` make or change a desk file (issue 15 §2): `verify`, `scan`, `report` and `backup` on
another application's SQLite file, an empty file, a FIFO or a device are one line and a non-zero exit, and the file
is byte-identical afterwards."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from functools import partial
from pathlib import Path

import pytest
from conftest import firstask as run_firstask

from firstask.desk import Desk
from firstask.store import APPLICATION_ID, Store, StoreError

firstask = partial(run_firstask, timeout=30)  # a FIFO or a device must not hang the test


def foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    return path


def folder_state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


COMMANDS = (("verify",), ("scan",), ("report",), ("report", "--format", "md"), ("backup", "COPY"))


@pytest.mark.parametrize("kind", ["foreign", "empty"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_read_only_commands_leave_a_non_desk_file_as_it_was(
    tmp_path: Path, kind: str, command: tuple[str, ...]
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "x.db"
    if kind == "foreign":
        foreign(path)
    else:
        path.touch()
    before = folder_state(folder)
    args = [a.replace("COPY", str(tmp_path / "copy.db")) for a in command]
    result = firstask("--db", str(path), *args)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1, result.stderr
    assert "not a firstask desk file" in result.stderr or "is empty" in result.stderr
    assert folder_state(folder) == before  # no -wal, no -shm, not a byte changed
    assert not (tmp_path / "copy.db").exists()


def test_the_desk_api_refuses_another_applications_file(tmp_path: Path) -> None:
    path = foreign(tmp_path / "x.db")
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        Desk.open(path)
    assert refused.value.key == "store.not_desk"
    assert path.read_bytes() == before


def test_an_empty_file_becomes_a_desk_only_where_a_desk_may_be_made(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.touch()
    with pytest.raises(StoreError) as refused:
        Store.open(path, create=False)
    assert refused.value.key == "store.empty" and path.stat().st_size == 0
    with Desk.open(path) as desk:
        assert desk.store.scalar("PRAGMA application_id") == APPLICATION_ID
        assert desk.store.meta("desk_id")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_a_fifo_is_refused_at_once(tmp_path: Path, command: tuple[str, ...]) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    args = [a.replace("COPY", str(tmp_path / "copy.db")) for a in command]
    result = firstask("--db", str(fifo), *args)  # the timeout (30 s) fails the test if it hangs
    assert result.returncode != 0 and "not a regular file" in result.stderr and "Traceback" not in result.stderr


def test_a_device_is_refused(tmp_path: Path) -> None:
    result = firstask("--db", "/dev/null", "verify")
    assert result.returncode != 0 and "not a regular file" in result.stderr
