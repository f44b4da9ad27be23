"""Two windows on one file: two OS processes hammer the same cases, each acting on the version it last read (on a
file, or with FIRSTASK_TEST_ENGINE=postgresql on one centre of a district's database: the same results).

Every action either applies or is refused (RuleError / ConflictError with its message), none errors ("database is
locked" included), conflicts are really met, no action is applied twice or lost, and the history verifies.

The worker is this same file run as a script (`python tests/test_concurrency.py worker ...`), so the test needs no
helper module and no importable test package. Each worker writes one JSON line per action:
{"worker", "round", "action", "no", "by", "expect", "outcome", "rule", "message", "version_after", "token",
"events_seen", "seconds"}
with outcome "applied" | "refused" | "conflict" | "error".
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from firstask import i18n
from firstask.desk import Desk
from firstask.rules import ConflictError, RuleError

ROOT = Path(__file__).resolve().parent.parent  # the workers run with this checkout first on PYTHONPATH

# A Monday in a plain week (as in conftest.py); the workers act from 09:05 on, a second per action each.
SET_UP_AT = datetime(2026, 3, 9, 9, 0)
WORKERS_START_AT = datetime(2026, 3, 9, 9, 5)
ROUNDS = 300
WAIT_SECONDS = 120  # a hang fails the test instead of blocking CI
CLERKS = ("w01", "w02")
STAFF_NAMES = {"w01": "王芳", "w02": "李强", "s01": "陈静"}
TOKEN = re.compile(r"W[12]-R\d{3}")  # worker and round: unique to each attempted action


# --- the worker (a separate OS process) ----------------------------------------------------------------------


class StepClock:
    """Each worker's own clock: naive local time, moved on one second per action."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self) -> None:
        self.now += timedelta(seconds=1)


def _other(code: str) -> str:
    return "w02" if code == "w01" else "w01"


def plan(seen: Any, worker: int, n: int) -> tuple[str, str, dict[str, Any], str | None]:
    """What to do on the case as last read: (action, by, keyword arguments, token carried in its text).

    Every plan is valid for the version read, except the deliberate refusals (a hand-off to oneself, HO-1; accepting
    a hand-off that is not pending, STATE); whichever worker loses the race is refused with a conflict instead.
    """
    token = f"W{worker}-R{n:03d}"
    if seen.status == "handoff_pending":
        receiver = seen.pending_to
        if (n + worker) % 3 == 0:
            return "decline_handoff", receiver, {"reason": f"too busy now {token}"}, token
        return "accept_handoff", receiver, {}, None
    owner = seen.owner
    if n % 10 == 7:
        return "hand_off", owner, {"to": owner, "note": f"to myself {token}"}, token  # refused: HO-1
    if n % 10 == 9:
        return "accept_handoff", _other(owner), {}, None  # refused: STATE (nothing is pending)
    if n % 5 == 2:
        return "hand_off", owner, {"to": _other(owner), "note": f"please take over {token}"}, token
    by = "s01" if n % 13 == 0 else owner if n % 2 else seen.first_asker
    return "feedback", by, {"text": f"progress told to the visitor {token}"}, token


def one_round(desk: Desk, worker: int, n: int, no: str) -> dict[str, Any]:
    seen = desk.case(no)
    desk.case(no)  # a cheap second read before acting: the window another process may act in
    action, by, kwargs, token = plan(seen, worker, n)
    # events_seen: equal to "expect", since Desk.case reads the row and its history at one moment of the file.
    record: dict[str, Any] = {
        "worker": worker,
        "round": n,
        "action": action,
        "no": no,
        "by": by,
        "expect": seen.version,
        "outcome": None,
        "rule": None,
        "message": None,
        "version_after": None,
        "token": token,
        "events_seen": len(seen.history),
    }
    began = time.monotonic()
    try:
        after = getattr(desk, action)(no, by, **kwargs, expect=seen.version)
    except ConflictError as e:
        record.update(outcome="conflict", rule=e.rule, message=str(e))
    except RuleError as e:
        record.update(outcome="refused", rule=e.rule, message=str(e))
    except Exception as e:  # anything else, "database is locked" included, is what this test is for
        record.update(outcome="error", message=repr(e))
    else:
        record.update(outcome="applied", version_after=after.version)
    record["seconds"] = round(time.monotonic() - began, 4)  # for diagnosis only: never asserted
    return record


def run_worker(db: str, worker: int, cases: list[str], rounds: int, log: str, ready: str) -> int:
    i18n.set_language("en")
    clock = StepClock(WORKERS_START_AT)
    with Desk.open(db, clock=clock) as desk, open(log, "w", encoding="utf-8") as out:
        Path(ready).touch()
        if sys.stdin.readline().strip() != "go":  # the start signal: both workers begin together
            return 2
        pick = random.Random(worker)  # a fixed sequence per worker, so the run is repeatable in what it asks for
        for n in range(rounds):
            clock.tick()
            # Not the round's number: two workers a round apart would then never meet on a case. Drawn, they are on
            # the same case about half the time whatever their pace.
            no = pick.choice(cases)
            try:
                record = one_round(desk, worker, n, no)
            except Exception as e:  # a failing read is an error too, logged like the others
                record = {
                    "worker": worker,
                    "round": n,
                    "action": "read",
                    "no": no,
                    "outcome": "error",
                    "message": repr(e),
                }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
    return 0


# --- the test --------------------------------------------------------------------------------------------------


def set_up(path: Path) -> list[str]:
    with Desk.open(path, clock=lambda: SET_UP_AT) as desk:
        desk.load_defaults()
        desk.add_staff("w01", STAFF_NAMES["w01"], role="clerk", backup="w02")
        desk.add_staff("w02", STAFF_NAMES["w02"], role="clerk", backup="w01")
        desk.add_staff("s01", STAFF_NAMES["s01"], role="supervisor")
        return [
            desk.check_in(CLERKS[i % 2], visitor_name=f"访客{i}", summary=f"咨询办事流程 {i}", kind="enquiry").no
            for i in range(5)
        ]


def start_workers(tmp: Path, db: Path | str, hammered: list[str]) -> list[tuple[subprocess.Popen[str], Path, Path]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    started = []
    for worker in (1, 2):
        log, ready, err = tmp / f"worker{worker}.jsonl", tmp / f"worker{worker}.ready", tmp / f"worker{worker}.err"
        with open(err, "w", encoding="utf-8") as stderr:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "worker",
                    str(db),
                    str(worker),
                    ",".join(hammered),
                    str(ROUNDS),
                    str(log),
                    str(ready),
                ],
                stdin=subprocess.PIPE,
                stdout=stderr,
                stderr=stderr,
                text=True,
                env=env,
                cwd=ROOT,
            )
        started.append((proc, ready, err))
    return started


def run_together(tmp: Path, db: Path | str, hammered: list[str]) -> None:
    workers = start_workers(tmp, db, hammered)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not all(ready.exists() for _, ready, _ in workers):  # both have opened the file
            dead = [err.read_text() for proc, _, err in workers if proc.poll() is not None]
            assert not dead, f"a worker died before the start: {dead}"
            assert time.monotonic() < deadline, "the workers did not get ready in time"
            time.sleep(0.01)
        for proc, _, _ in workers:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc, _, _ in workers:
            assert proc.stdin is not None
            proc.stdin.close()
        for proc, _, err in workers:
            try:
                code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise AssertionError(f"a worker did not finish within {WAIT_SECONDS} s (a hang?)") from None
            assert code == 0, f"worker exited with {code}: {err.read_text()}"
    finally:
        for proc, _, _ in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)


def read_logs(tmp: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for worker in (1, 2)
        for line in (tmp / f"worker{worker}.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def test_two_processes_acting_on_the_same_cases(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    nos = set_up(db)
    hammered, untouched = nos[:2], nos[2:]
    with Desk.open(db, clock=lambda: SET_UP_AT) as desk:
        events_before = desk.verify().count
        where = desk.store.location()  # the file, or (FIRSTASK_TEST_ENGINE=postgresql) the centre's address

    run_together(tmp_path, where, hammered)
    log = read_logs(tmp_path)

    # 600 outcomes, each applied or refused with its rule and message; nothing else.
    assert len(log) == 2 * ROUNDS
    assert Counter(r["worker"] for r in log) == {1: ROUNDS, 2: ROUNDS}
    errors = [r for r in log if r["outcome"] not in ("applied", "refused", "conflict")]
    assert errors == [], f"{len(errors)} actions errored, e.g. {errors[:3]}"
    mixed = [r for r in log if r["events_seen"] != r["expect"]]
    assert mixed == [], f"a read mixed two moments of the file: {mixed[:3]}"
    outcomes = Counter(r["outcome"] for r in log)
    for r in log:
        if r["outcome"] in ("refused", "conflict"):
            assert r["rule"] and r["message"] and r["message"].strip(), r
    conflicts = [r for r in log if r["outcome"] == "conflict"]
    assert conflicts, f"no conflict was met: {outcomes}"
    for r in conflicts:
        assert r["rule"] == "CONFLICT"
        assert r["no"] in r["message"], r
        assert any(f"{name} ({code})" in r["message"] for code, name in STAFF_NAMES.items()), r  # who changed it
    refused = [r for r in log if r["outcome"] == "refused"]
    assert refused, f"no deliberate refusal got through to the rules: {outcomes}"
    assert {r["rule"] for r in refused} <= {"HO-1", "STATE"}, Counter(r["rule"] for r in refused)
    applied = [r for r in log if r["outcome"] == "applied"]
    assert {r["worker"] for r in applied} == {1, 2}, "both workers must get actions through"

    with Desk.open(db, clock=lambda: SET_UP_AT) as desk:
        histories = {no: desk.case(no) for no in nos}
        check = desk.verify()
        event_rows = desk.store.scalar("SELECT count(*) FROM events")
        on_file = desk.store.engine == "sqlite"
    integrity = "ok"  # a server checks its own pages; a file is asked
    if on_file:
        conn = sqlite3.connect(db)
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()

    # No action applied twice, none lost: an action applied on version v made version v + 1, so the applied
    # actions on a case made each of its versions after the check-in exactly once, and its history is just them.
    for no in hammered:
        case = histories[no]
        mine = sorted((r for r in applied if r["no"] == no), key=lambda r: r["expect"])
        made = [r["expect"] + 1 for r in mine]
        assert made == list(range(2, case.version + 1)), f"{no}: versions made {made}, now at {case.version}"
        assert len(case.history) == case.version
        assert [e.action for e in case.history] == ["check_in"] + [r["action"] for r in mine]
        assert all(a.seq < b.seq for a, b in zip(case.history, case.history[1:], strict=False))
        for r, event in zip(mine, case.history[1:], strict=True):
            assert event.by == r["by"], (no, r, event)
            assert r["version_after"] >= r["expect"] + 1  # the returned case: this change, maybe more since
            if r["token"]:
                assert r["token"] in json.dumps(event.detail, ensure_ascii=False), (no, r, event)
        for worker in (1, 2):  # each worker saw its own changes in order
            versions = [r["expect"] + 1 for r in applied if r["no"] == no and r["worker"] == worker]
            assert versions == sorted(set(versions)), (no, worker, versions)
    for no in untouched:
        assert histories[no].version == 1 and len(histories[no].history) == 1

    # Every applied token is in the history exactly once; no refused or conflicting one at all.
    found = Counter(
        token
        for case in histories.values()
        for event in case.history
        for token in TOKEN.findall(json.dumps(event.detail, ensure_ascii=False))
    )
    for r in log:
        if r["token"]:
            assert found[r["token"]] == (1 if r["outcome"] == "applied" else 0), (r, found[r["token"]])
    assert set(found) <= {r["token"] for r in applied}

    # The history verifies, holds the set-up plus exactly the applied actions, and the file is sound.
    assert check.ok, check.message("en")
    assert check.count == event_rows == events_before + len(applied)
    assert integrity == "ok"


if __name__ == "__main__":
    if len(sys.argv) == 8 and sys.argv[1] == "worker":
        _, _, db_arg, worker_arg, cases_arg, rounds_arg, log_arg, ready_arg = sys.argv
        sys.exit(run_worker(db_arg, int(worker_arg), cases_arg.split(","), int(rounds_arg), log_arg, ready_arg))
    sys.exit("usage: test_concurrency.py worker DB WORKER CASES ROUNDS LOG READY")
