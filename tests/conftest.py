"""Shared fixtures: a desk in a temporary folder with a clock the test sets, the shipped catalogue, a small roster.

Every refused action is checked the same way (`refused`): the desk is closed, the folder is read byte for byte,
the action is tried on a freshly opened desk, the desk is closed again and the folder must be unchanged — the
database, its -wal file, and the documents folder alike.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from firstask import i18n
from firstask.desk import Case, Desk
from firstask.rules import RuleError

# A Monday in a plain week: no holiday or make-up day anywhere near (see tests/test_calendar.py).
MONDAY_9AM = datetime(2026, 3, 9, 9, 0)

ROSTER = (
    # code, name, role, backup
    ("w01", "王芳", "clerk", "w02"),
    ("w02", "李强", "clerk", "w01"),
    ("w03", "张丽", "clerk", None),
    ("s01", "陈静", "supervisor", None),
)


class Clock:
    """The desk's clock: a moment the test sets or moves on; never the wall clock, never a sleep."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime | str) -> datetime:
        self.now = when if isinstance(when, datetime) else datetime.fromisoformat(when)
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class OpenDesk:
    """A `Desk` that a test can close and open again on the same file while keeping one handle to it."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self.folder = path.parent
        self.documents = path.with_name(path.stem + "-documents")
        self.desk: Desk | None = Desk.open(path, clock=clock)

    def __getattr__(self, name: str) -> Any:
        if self.desk is None:
            raise RuntimeError("the desk is closed")
        return getattr(self.desk, name)

    def shut(self) -> None:
        if self.desk is not None:
            self.desk.close()
            self.desk = None

    def reopen(self) -> None:
        self.shut()
        self.desk = Desk.open(self.path, clock=self.clock)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `folder`, by relative path."""
    out: dict[str, bytes | None] = {}
    for item in sorted(folder.rglob("*")):
        name = item.relative_to(folder).as_posix()
        out[name + "/" if item.is_dir() else name] = None if item.is_dir() else item.read_bytes()
    return out


def differences(before: dict[str, bytes | None], after: dict[str, bytes | None]) -> list[str]:
    added = [f"added {n}" for n in after if n not in before]
    removed = [f"removed {n}" for n in before if n not in after]
    changed = [f"changed {n}" for n in before if n in after and before[n] != after[n]]
    return added + removed + changed


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table, read beside the desk (WAL lets a reader in while the desk holds the file)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("cases", "events", "people", "violations")
        }
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language(None)


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_9AM)


@pytest.fixture
def desk(tmp_path: Path, clock: Clock) -> Iterator[OpenDesk]:
    folder = tmp_path / "desk"
    folder.mkdir()
    handle = OpenDesk(folder / "desk.db", clock)
    handle.load_defaults()
    for code, name, role, backup in ROSTER:
        handle.add_staff(code, name, role=role, backup=backup)
    # Small matters of our own, so that tests do not depend on the researched catalogue's numbers.
    handle.add_matter("T3", "测试事项", limit_days=3, documents=["申请表"])
    handle.add_matter(
        "TC", "条件事项", limit_days=5, documents=["申请表", {"name": "委托书", "when": "代办的", "form": "原件"}]
    )
    handle.add_matter("TI", "即办事项", limit_days=0, immediate=True, documents=["身份证"])
    yield handle
    handle.shut()


@pytest.fixture
def refused(desk: OpenDesk) -> Callable[..., RuleError]:
    """`refused(rule, lambda d: d.action(...))`: the attempt is refused as `rule` and writes nothing at all.

    `rule=None` accepts any rule id (for refusals the SPEC does not name).
    """

    def attempt_refused(rule: str | None, attempt: Callable[[Desk], object]) -> RuleError:
        desk.shut()
        before = snapshot(desk.folder)
        caught: RuleError | None = None
        try:
            with Desk.open(desk.path, clock=desk.clock) as fresh:
                try:
                    attempt(fresh)
                except RuleError as err:
                    caught = err
        finally:
            after = snapshot(desk.folder)
            desk.reopen()
        assert caught is not None, f"not refused (expected {rule})"
        if rule is not None:
            assert caught.rule == rule, f"refused as {caught.rule}, not {rule}: {caught}"
        assert str(caught).strip(), "a refusal needs a message"
        assert differences(before, after) == [], "a refused action wrote something"
        return caught

    return attempt_refused


@pytest.fixture
def new_case(desk: OpenDesk) -> Callable[..., Case]:
    """Check a case in with sensible defaults: `new_case()` is a visitor's enquiry at w01's window."""

    def check_in(by: str = "w01", **fields: Any) -> Case:
        values: dict[str, Any] = {
            "visitor_name": "张三",
            "summary": "咨询办事流程",
            "channel": "visit",
            "kind": "enquiry",
        }
        values.update(fields)
        return desk.check_in(by, **values)

    return check_in


@pytest.fixture
def in_progress(desk: OpenDesk, new_case: Callable[..., Case]) -> Callable[..., Case]:
    """A T3 application (3 working days) checked in and accepted by `by` at the clock's time."""

    def accepted(by: str = "w01") -> Case:
        case = new_case(by, kind="application", matter="T3")
        return desk.accept(case.no, by, materials=[("申请表", 2)])

    return accepted


def violations(desk: OpenDesk, rule: str) -> list[Any]:
    return [v for v in desk.violations() if v.rule == rule]


@pytest.fixture
def flagged(desk: OpenDesk) -> Callable[[str], list[Any]]:
    """`flagged("NOT-2")`: the violations of one rule recorded so far."""
    return lambda rule: violations(desk, rule)


@pytest.fixture
def counts(desk: OpenDesk) -> Callable[[], dict[str, int]]:
    """`counts()`: rows in cases, events, people and violations, read from the file beside the open desk."""
    return lambda: row_counts(desk.path)
