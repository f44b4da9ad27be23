"""A restore never loses work (issue 15 §1): windows writing during it keep every acknowledged action (in the kept
copy or on the restored content), an open window carries on against the restored file, two restores in one second
keep two copies, and only a checked backup of this desk is taken."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import MONDAY_9AM as NOW
from conftest import firstask

from firstask.desk import Desk
from firstask.store import Store, StoreError, backup, event_hash

REPO = Path(__file__).resolve().parents[1]


def make_desk(path: Path) -> Path:
    with Desk.open(path, clock=lambda: NOW) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳")
        desk.add_staff("s01", "陈静", role="supervisor")
        for i in range(3):
            desk.check_in("w01", visitor_name="张三", summary=f"before backup {i}")
    return path


def summaries(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT summary FROM cases")}
    finally:
        conn.close()


def proved(path: Path) -> bool:
    store = Store.open(path, create=False)
    try:
        return store.verify().ok
    finally:
        store.close()


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


WRITER = textwrap.dedent("""
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from firstask.desk import Desk
    from firstask.store import StoreError
    desk = Desk.open(sys.argv[1], clock=lambda: datetime(2026, 3, 9, 10, 0))
    deadline = time.monotonic() + 60  # a bound, should the test not say stop
    i = 0
    print("ready", flush=True)
    while time.monotonic() < deadline and not Path(sys.argv[2]).exists():
        i += 1
        try:
            desk.check_in("w01", visitor_name="李四", summary=f"window {i}")
        except StoreError as e:  # a busy file: not acknowledged, the clerk tries again
            print("refused", e.key, flush=True)
            continue
        print(f"window {i}", flush=True)  # acknowledged: the clerk saw it done
    desk.close()
""")


def test_windows_writing_through_two_restores_lose_nothing(tmp_path: Path) -> None:
    db = make_desk(tmp_path / "desk.db")
    saved = backup.make(db, tmp_path / "saved.db")
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    lines: list[str] = []

    def read() -> None:
        assert writer.stdout is not None
        for line in writer.stdout:
            lines.append(line.strip())

    def written_after(count: int, seconds: float = 30.0) -> None:
        """Until the writer acknowledges an action begun after the first `count` lines (a loaded machine may keep
        it waiting on the file a while): real time, bounded."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and sum(x.startswith("window ") for x in lines[count + 1 :]) < 1:
            time.sleep(0.05)

    reader = threading.Thread(target=read, daemon=True)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        reader.start()
        time.sleep(0.7)  # real time by nature: restores while another process writes
        kept = [backup.restore(Path(saved.path), db)[1] for _ in range(2)]  # two in the same second, most likely
        time.sleep(0.7)
        kept.append(backup.restore(Path(saved.path), db)[1])
        written_after(len(lines))
        stop.touch()
        writer.wait(timeout=60)
        reader.join(timeout=10)
    finally:
        writer.kill()
    acknowledged = {line for line in lines if line.startswith("window ")}
    assert len(acknowledged) > 10
    assert all(k is not None for k in kept) and len({str(k) for k in kept}) == 3  # nothing overwritten
    found = summaries(db).union(*(summaries(k) for k in kept if k is not None))
    assert acknowledged <= found, sorted(acknowledged - found)[:5]
    # The writer carried on against the restored content: its last actions are in the live file.
    assert summaries(db) - {f"before backup {i}" for i in range(3)}
    assert proved(db) and all(proved(k) for k in kept if k is not None)


def test_an_open_window_carries_on_against_the_restored_file(tmp_path: Path) -> None:
    db = make_desk(tmp_path / "desk.db")
    saved = backup.make(db, tmp_path / "saved.db")
    with Desk.open(db, clock=lambda: NOW) as window:
        later = window.check_in("w01", visitor_name="王五", summary="after the backup")
        before = window.changed()
        info, kept = backup.restore(Path(saved.path), db)
        assert kept is not None and "after the backup" in summaries(kept)
        assert window.changed() != before  # its lists refresh, as after another window's change
        assert later.no not in {line.no for line in window.my_cases("w01")}
        again = window.check_in("w01", visitor_name="赵六", summary="after the restore")
        assert window.case(again.no).summary == "after the restore"
        assert window.verify().ok
    assert "after the restore" in summaries(db)
    assert info.events == saved.events


def test_a_restore_keeps_a_copy_that_overwrites_nothing(tmp_path: Path) -> None:
    db = make_desk(tmp_path / "desk.db")
    saved = backup.make(db, tmp_path / "saved.db")
    first = backup.restore(Path(saved.path), db)[1]
    assert first is not None
    squatter = first.with_name(first.name + "-2")
    squatter.write_bytes(b"someone else's file")
    others = [backup.restore(Path(saved.path), db)[1] for _ in range(3)]
    assert squatter.read_bytes() == b"someone else's file"
    names = {str(p) for p in [first, *others]}
    assert len(names) == 4 and all(Path(n).exists() for n in names)
    assert all(os.stat(n).st_mode & 0o777 == 0o600 for n in names)


def file_bytes(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_refuses_another_applications_file_and_an_empty_one(tmp_path: Path) -> None:
    db = make_desk(tmp_path / "desk.db")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    conn.commit()
    conn.close()
    empty = tmp_path / "empty.db"
    empty.touch()
    cases = summaries(db)
    for bad in (other, empty):
        before = file_bytes(bad)
        result = firstask("--db", str(db), "restore", str(bad), "--anchor", "1:" + "0" * 64)
        assert result.returncode == 1
        assert "not a firstask desk file" in one_line(result) or "empty" in one_line(result)
        assert file_bytes(bad) == before
    assert summaries(db) == cases


def test_restore_refuses_a_backup_of_another_desk_unless_told(tmp_path: Path) -> None:
    db = make_desk(tmp_path / "desk.db")
    theirs = make_desk(tmp_path / "theirs.db")
    saved = backup.make(theirs, tmp_path / "theirs-backup.db")
    result = firstask("--db", str(db), "restore", saved.path)
    assert result.returncode == 1 and "another desk" in one_line(result)
    assert firstask("--db", str(db), "restore", saved.path, "--other-desk").returncode == 0


def test_restore_refuses_a_backup_edited_and_rechained(tmp_path: Path) -> None:
    db = make_desk(tmp_path / "desk.db")
    saved = Path(backup.make(db, tmp_path / "saved.db").path)
    conn = sqlite3.connect(saved, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET by_staff = 's01' WHERE seq = (SELECT max(seq) FROM events)")
    prev = "0" * 64
    for seq, case_no, action, by, at, tz, detail, seals in conn.execute(
        "SELECT seq, case_no, action, by_staff, at, tz, detail, seals FROM events ORDER BY seq"
    ).fetchall():
        prev = event_hash(prev, seq, case_no, action, by, at, tz, detail, seals)
        conn.execute("UPDATE events SET hash = ? WHERE seq = ?", (prev, seq))
    conn.close()
    result = firstask("--db", str(db), "restore", str(saved))
    assert result.returncode == 1 and "head stated beside it" in one_line(result)
    # Without its head file, it needs the head it should hold.
    saved.with_name(saved.name + ".json").unlink()
    result = firstask("--db", str(db), "restore", str(saved))
    assert result.returncode == 1 and "--anchor" in one_line(result)


def test_restore_refuses_a_backup_whose_state_was_edited(tmp_path: Path) -> None:
    db = make_desk(tmp_path / "desk.db")
    saved = Path(backup.make(db, tmp_path / "saved.db").path)
    conn = sqlite3.connect(saved)
    conn.execute("UPDATE staff SET role = 'supervisor' WHERE code = 'w01'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as refused:
        backup.restore(saved, db)
    assert refused.value.key == "backup.state_broken" and "staff" in str(refused.value)


def test_an_open_window_on_the_follow_up_screen_follows_a_restore(tmp_path: Path) -> None:
    """The clerk's list at an open window shows the restored content without a key press, as after another
    window's change."""
    import asyncio

    from test_live import numbers, to_follow_up, until

    from firstask.app import make_app

    db = make_desk(tmp_path / "desk.db")
    saved = backup.make(db, tmp_path / "saved.db")
    with Desk.open(db, clock=lambda: NOW) as window:
        before = {line.no for line in window.my_cases("w01")}
        after = window.check_in("w01", visitor_name="王五", summary="after the backup").no
        app = make_app(window, user="w01")

        async def main() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await to_follow_up(pilot, app)
                assert after in numbers(app)
                await asyncio.to_thread(backup.restore, Path(saved.path), db)
                assert await until(pilot, lambda: after not in numbers(app))
                assert set(numbers(app)) == before

        asyncio.run(main())
        assert window.verify().ok
