"""Faults that are real by nature: a process killed mid-stream, a write lock held by another process.

These are the tests that may wait on the real clock, briefly and with a bound (a lock held for seconds, a process
killed at a random moment). The kill moments come from a seeded generator so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import MONDAY_9AM as NOW

from firstask.desk import Desk
from firstask.store import StoreError
from firstask.store import core as store_module  # where the busy timeout and retries are read

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def fresh(path: Path) -> None:
    with Desk.open(path, clock=lambda: NOW) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳", pin="101010", backup="w02")
        desk.add_staff("w02", "李强", pin="202020", backup="w01")


STREAM = textwrap.dedent("""
    import sys
    from datetime import datetime, timedelta
    from firstask.desk import Desk
    moment = [datetime(2026, 3, 9, 9, 0)]
    def clock():
        moment[0] += timedelta(seconds=1)
        return moment[0]
    desk = Desk.open(sys.argv[1], clock=clock)
    from firstask import names
    names.initials("访客")  # pypinyin loaded before "ready": the kills fall in the stream, not in its imports
    print("ready", flush=True)
    for i in range(100000):
        no = desk.check_in("w01", visitor_name=f"访客{sys.argv[2]}-{i}", summary="咨询", phone="13800138000").no
        print(f"done check_in {no}", flush=True)
        desk.feedback(no, "w01", f"进度 {i}")
        print(f"done feedback {no}", flush=True)
        desk.hand_off(no, "w01", "w02", "请接办")
        print(f"done hand_off {no}", flush=True)
""")


def test_twenty_kills_at_random_moments_lose_nothing_reported_done(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    fresh(db)
    rng = random.Random(20261123)
    reported: list[tuple[str, str]] = []
    for round_no in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-c", STREAM, str(db), str(round_no)], stdout=subprocess.PIPE, text=True, env=ENV
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.4))  # a random moment in the stream of actions
        proc.kill()  # SIGKILL: no handler, no cleanup
        out, _ = proc.communicate(timeout=30)
        for line in out.splitlines():
            if line.startswith("done "):
                _, action, no = line.split()
                reported.append((action, no))
    assert reported, "the process never reported an action before being killed"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    verified = subprocess.run(
        [sys.executable, "-m", "firstask", "--db", str(db), "verify"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    with Desk.open(db) as desk:
        for action, no in reported:
            assert action in [e.action for e in desk.case(no).history], (action, no)


HOLDER = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.execute("ROLLBACK")
""")


def hold_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True, env=ENV
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def test_an_action_waits_for_a_lock_held_three_seconds_and_succeeds(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    fresh(db)
    with Desk.open(db, clock=lambda: NOW) as desk:
        holder = hold_lock(db, 3)
        try:
            case = desk.check_in("w01", visitor_name="张三", summary="等锁释放后登记")
        finally:
            holder.wait(timeout=30)
        assert desk.case(case.no).summary == "等锁释放后登记"


def test_a_lock_held_past_the_busy_limit_is_the_busy_message_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "desk.db"
    fresh(db)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 300)  # the limit, shortened so the test stays brief
    monkeypatch.setattr(store_module, "WRITE_RETRIES", 2)
    with Desk.open(db, clock=lambda: NOW) as desk:
        before = desk.store.head()
        holder = hold_lock(db, 4)
        try:
            with pytest.raises(StoreError) as busy:
                desk.check_in("w01", visitor_name="张三", summary="锁一直被占用")
        finally:
            holder.wait(timeout=30)
        assert busy.value.key == "store.busy"
        assert "try again" in busy.value.message("en")
        assert desk.store.head() == before


def test_the_check_in_form_keeps_its_contents_when_the_database_is_busy(tmp_path: Path, monkeypatch) -> None:
    import asyncio

    from textual.widgets import Input, Static

    from firstask.app import make_app
    from firstask.screens.check_in import CheckInScreen

    db = tmp_path / "desk.db"
    fresh(db)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(store_module, "WRITE_RETRIES", 2)
    desk = Desk.open(db, clock=lambda: NOW)
    app = make_app(desk, user="w01", lang="en")

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, CheckInScreen)
            app.screen.query_one("#visitor_name", Input).value = "张三"
            app.screen.query_one("#summary", Input).value = "咨询低保"
            holder = hold_lock(db, 4)
            try:
                await pilot.press("ctrl+s")
                await pilot.pause()
            finally:
                holder.wait(timeout=30)
            message = str(app.screen.query_one("#message", Static).render())
            assert "try again" in message
            assert app.screen.query_one("#summary", Input).value == "咨询低保"
            assert app.screen.query_one("#visitor_name", Input).value == "张三"

    try:
        asyncio.run(main())
    finally:
        desk.close()
    with Desk.open(db) as check:
        assert check.find_visitors("张") == []


FILLER = textwrap.dedent("""
    import os, resource, sys
    from datetime import datetime
    from firstask.desk import Desk
    from firstask.store import StoreError
    desk = Desk.open(sys.argv[1], clock=lambda: datetime(2026, 3, 9, 10, 0))
    wal = sys.argv[1] + "-wal"
    limit = max(os.path.getsize(sys.argv[1]), os.path.getsize(wal) if os.path.exists(wal) else 0) + 64 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    done = 0
    for i in range(100000):
        try:
            desk.check_in("w01", visitor_name=f"访客{i}", summary="填满磁盘" * 50, phone="13800138000")
        except StoreError as e:
            print(f"{done} {e.key}", flush=True)
            break
        done += 1
""")


def test_a_full_disk_refuses_the_action_in_one_line_and_damages_nothing(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    fresh(db)
    result = subprocess.run(
        [sys.executable, "-c", FILLER, str(db)], capture_output=True, text=True, env=ENV, timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    done, key = result.stdout.split()
    assert key == "store.disk_full"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Desk.open(db) as desk:
        assert desk.verify().ok
        assert desk.store.scalar("SELECT count(*) FROM cases") == int(done)
