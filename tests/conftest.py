"""Shared fixtures: a desk in a temporary folder with a clock the test sets, the shipped catalogue, a small roster.

Every refused action is checked the same way (`refused`): the desk is closed, the folder is read byte for byte,
the action is tried on a freshly opened desk, the desk is closed again and the folder must be unchanged — the
database, its -wal file, and the documents folder alike.

The screens' tests open a plain `Desk` with a roster of their own (`make_desk(*staff)`, at `NOW` unless given a
clock) and drive the app in a `SIZE` terminal (`run_app`); the command line's tests run `firstask(...)` in a fresh
process and read a mistake with `one_clear_line`.
"""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from firstask import i18n
from firstask.desk import Case, Desk
from firstask.rules import RuleError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright
    from textual.app import App
    from textual.pilot import Pilot
    from textual.screen import Screen

# A Monday in a plain week: no holiday or make-up day anywhere near (see tests/test_calendar.py).
MONDAY_9AM = datetime(2026, 3, 9, 9, 0)
# The screens' Monday, late in November (no holiday near either), and the terminal they are drawn in.
NOW = datetime(2026, 11, 23, 9, 30)
SIZE = (120, 40)

ROSTER = (
    # code, name, role, backup
    ("w01", "王芳", "clerk", "w02"),
    ("w02", "李强", "clerk", "w01"),
    ("w03", "张丽", "clerk", None),
    ("s01", "陈静", "supervisor", None),
)
# The demo's PINs, by staff code (README.md).
PINS = {"w01": "101010", "w02": "202020", "w03": "303030", "s01": "909090"}
# Small matters of our own, so that tests do not depend on the researched catalogue's numbers.
MATTERS: dict[str, dict[str, Any]] = {
    "T3": {"name": "测试事项", "limit_days": 3, "documents": ["申请表"]},
    "TC": {
        "name": "条件事项",
        "limit_days": 5,
        "documents": ["申请表", {"name": "委托书", "when": "代办的", "form": "原件"}],
    },
    "TI": {"name": "即办事项", "limit_days": 0, "immediate": True, "documents": ["身份证"]},
}

# A staff member as `Desk.add_staff` takes one: code, name and the keywords (role, backup, pin).
Staff = tuple[str, str, dict[str, Any]]


def staff(code: str, name: str, **details: Any) -> Staff:
    return (code, name, details)


def with_pins(*members: Staff) -> tuple[Staff, ...]:
    """The same staff, each with the demo's PIN for its code."""
    return tuple((code, name, {**details, "pin": PINS[code]}) for code, name, details in members)


# ROSTER as staff: w01 王芳 and w02 李强 each the other's backup, w03 张丽 with none, the supervisor s01 陈静.
TEAM = tuple(staff(code, name, role=role, backup=backup) for code, name, role, backup in ROSTER)
# TEAM's first two clerks alone, and its supervisor.
PAIR, SUPERVISOR = TEAM[:2], TEAM[3]
# TEAM with w03 covered by w02.
COVERED_TEAM = (*PAIR, staff("w03", "张丽", backup="w02"), SUPERVISOR)
# One clerk, w01 王芳 (no backup), and the supervisor.
CLERK_AND_SUPERVISOR = (staff("w01", "王芳"), SUPERVISOR)
# Two clerks who log in: w01 王芳 (backup w02) and w02 李强 (no backup).
CLERKS = (staff("w01", "王芳", pin=PINS["w01"], backup="w02"), staff("w02", "李强", pin=PINS["w02"]))


def furnish(desk: Desk | OpenDesk, *matters: str, pins: dict[str, str] | None = None) -> None:
    """The shipped catalogue and policy, ROSTER (with `pins`, if given) and the named `MATTERS`."""
    desk.load_defaults()
    for code, name, role, backup in ROSTER:
        desk.add_staff(code, name, role=role, backup=backup, **({"pin": pins[code]} if pins else {}))
    for code in matters:
        desk.add_matter(code, **MATTERS[code])


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


def stored(path: Path) -> dict[str, Any]:
    """On PostgreSQL (FIRSTASK_TEST_ENGINE), every row of the desk's centre, by table, read on a connection of its
    own: what the file's bytes are to `snapshot` (a refused action must change neither). On files: nothing more."""
    if ENGINE != "postgresql":
        return {}
    from firstask.store.pg_schema import TABLES

    with Desk.open(path, create=False) as desk:
        return {f"{table} (database)": repr(desk.store.all(f"SELECT * FROM {table} ORDER BY 1, 2")) for table in TABLES}


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    added = [f"added {n}" for n in after if n not in before]
    removed = [f"removed {n}" for n in before if n not in after]
    changed = [f"changed {n}" for n in before if n in after and before[n] != after[n]]
    return added + removed + changed


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table, read beside the desk (WAL lets a reader in while the desk holds the file; on PostgreSQL, a
    connection of its own to the desk's centre)."""
    tables = ("cases", "events", "people", "violations")
    if ENGINE == "postgresql":
        with Desk.open(path, create=False) as beside:
            return {t: int(beside.store.scalar(f"SELECT count(*) FROM {t}")) for t in tables}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
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
    furnish(handle, "T3", "TC", "TI")
    yield handle
    handle.shut()


@pytest.fixture
def refused(desk: OpenDesk) -> Callable[..., RuleError]:
    """`refused(rule, lambda d: d.action(...))`: the attempt is refused as `rule` and writes nothing at all.

    `rule=None` accepts any rule id (for refusals the SPEC does not name).
    """

    def attempt_refused(rule: str | None, attempt: Callable[[Desk], object]) -> RuleError:
        desk.shut()
        before = {**snapshot(desk.folder), **stored(desk.path)}
        caught: RuleError | None = None
        try:
            with Desk.open(desk.path, clock=desk.clock) as fresh:
                try:
                    attempt(fresh)
                except RuleError as err:
                    caught = err
        finally:
            after = {**snapshot(desk.folder), **stored(desk.path)}
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


# --- a plain desk for the screens' tests ------------------------------------------------------------------------------


@pytest.fixture
def make_desk(tmp_path: Path) -> Iterator[Callable[..., Desk]]:
    """`make_desk(*staff)`: a `Desk` at tmp_path/desk.db with the shipped catalogue and policy (`defaults=False`:
    without) and these staff, on `clock` (the still moment `NOW` unless given); closed after the test."""
    opened: list[Desk] = []

    def make(*members: Staff, clock: Callable[[], datetime] | None = None, defaults: bool = True) -> Desk:
        desk = Desk.open(tmp_path / "desk.db", clock=clock if clock is not None else (lambda: NOW))
        opened.append(desk)
        if defaults:
            desk.load_defaults()
        for code, name, details in members:
            desk.add_staff(code, name, **details)
        return desk

    yield make
    for desk in reversed(opened):
        desk.close()


def check_in(desk: Desk, by: str = "w01", visitor: str = "张三", summary: str = "申领居住证") -> str:
    """A JZZ application (居住证) checked in by `by`, at the window: its case number."""
    return desk.check_in(
        by, visitor_name=visitor, summary=summary, channel="visit", kind="application", matter="JZZ"
    ).no


def accepted(desk: Desk, by: str = "w01", visitor: str = "张三") -> str:
    """A JZZ application (15 working days) checked in and accepted by `by`."""
    no = check_in(desk, by, visitor)
    case = desk.case(no)
    desk.accept(no, by, materials=[(name, 1) for name in case.matter_info.required()])
    return no


# --- the app in a headless terminal ---------------------------------------------------------------------------------


def run_app(
    app: App[Any],
    script: Callable[[Pilot[Any]], Awaitable[None]],
    *,
    size: tuple[int, int] = SIZE,
    press: tuple[str, ...] = (),
    expect: type[Screen[Any]] | None = None,
) -> None:
    """Run `script(pilot)` against the app in a headless terminal of `size`, once it has drawn its first screen,
    after the keys `press` (if any) and checking that the screen is then an `expect` (if given)."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            if press:
                await pilot.press(*press)
                await pilot.pause()
            if expect is not None:
                assert isinstance(app.screen, expect), app.screen
            await script(pilot)

    asyncio.run(main())


async def keys(pilot: Pilot[Any], *pressed: str) -> None:
    """Press the keys, then let the app take them in."""
    await pilot.press(*pressed)
    await pilot.pause()


def screen_text(app: App[Any], size: tuple[int, int] = SIZE) -> str:
    """Everything the screen holds: the terminal as drawn, and each field's whole value (a field may be scrolled)."""
    from rich.console import Console
    from textual.widgets import Input

    console = Console(
        width=size[0],
        height=size[1],
        file=io.StringIO(),
        record=True,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    fields = [box.value for box in app.screen.query(Input)]
    return console.export_text() + "\n" + "\n".join(fields)


# --- the command line, as a user runs it ----------------------------------------------------------------------------


def firstask(
    *args: str,
    lang: str = "en_US.UTF-8",
    pin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    preexec: Callable[[], Any] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m firstask ARGS` in a fresh process with nothing to read: the terminal's locale is `lang`, none of
    this machine's other locale settings or PIN; FIRSTASK_PIN is `pin` when given, then `env` on top."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("FIRSTASK_PIN", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    full_env["LANG"] = lang
    if pin is not None:
        full_env["FIRSTASK_PIN"] = pin
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "firstask", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        preexec_fn=preexec,
    )


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    """A user's mistake: a non-zero exit, no traceback, and one line on stderr (returned)."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- a real browser (the hall's pages): Debian's Chromium driven by Playwright, one per test module ----------------


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    from hall_browser import launch

    chromium = launch(playwright)
    yield chromium
    chromium.close()


# --- a real PostgreSQL server (issue 21): one throwaway server per test run, a fresh database per test --------------


@pytest.fixture(scope="session")
def demo_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo month to 2026-11-20 as a desk file, built once per run (the PostgreSQL tests move it into a district:
    keep it as it is, or copy it first)."""
    from datetime import date

    from firstask import demo

    path = tmp_path_factory.mktemp("demo-month") / "demo.db"
    desk = Desk.open(path)
    with desk.store.write():
        desk.load_defaults()
        demo.build(desk, today=date(2026, 11, 20))
    desk.close()
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    from pg_server import running

    with running() as server:
        yield server


@pytest.fixture
def pg_database(pg_server: Any) -> Iterator[str]:
    """A new, empty database on the session's server (dropped afterwards): its name."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield name
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_connect(pg_server: Any) -> Iterator[Callable[..., Any]]:
    """`pg_connect(database, role=...)`: a psycopg connection (the server's superuser unless a role is named),
    closed at the end of the test if the test did not close it."""
    import psycopg
    from pg_server import SUPERUSER

    opened: list[psycopg.Connection[Any]] = []

    def connect(database: str, role: str = SUPERUSER) -> psycopg.Connection[Any]:
        conn = psycopg.connect(pg_server.url(database, role))
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


# --- the desk suites on PostgreSQL (issue 21) -------------------------------------------------------------------
# FIRSTASK_TEST_ENGINE=postgresql runs the tests that open desks through `Desk.open` on the session's throwaway
# server instead: each file path a test opens becomes a database of its own, centre C01, opened as a login role of
# the desk's group role (never a superuser: row-level security would not apply).

ENGINE = os.environ.get("FIRSTASK_TEST_ENGINE", "sqlite")


@pytest.fixture(autouse=ENGINE == "postgresql")
def desks_on_postgresql(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if ENGINE != "postgresql":
        yield
        return
    import uuid

    import psycopg

    import firstask.desk.core
    import firstask.store
    from firstask.store import StoreError, pg_schema

    server = request.getfixturevalue("pg_server")
    databases: dict[str, str] = {}
    real = firstask.store.open_store

    def open_store(address: Any, *, create: bool = True, migrate: bool = True) -> Any:
        if str(address).startswith("postgresql://"):
            return real(address, create=create, migrate=migrate)
        key = str(Path(address).resolve())
        if key not in databases:
            if not create:
                raise StoreError("store.missing", path=key)
            name = f"d_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(server.url(), autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
            real(server.url(name) + "?centre=C01").close()  # the schema and the centre, made by the owner
            with psycopg.connect(server.url(name), autocommit=True) as admin:
                admin.execute(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'window_pc') THEN "
                    f"CREATE ROLE window_pc LOGIN IN ROLE {pg_schema.DESK_ROLE}; END IF; END $$"
                )
            databases[key] = name
        documents = Path(key).with_name(Path(key).stem + "-documents")
        store = real(
            server.url(databases[key], "window_pc") + f"?centre=C01&documents={documents}",
            create=create,
            migrate=migrate,
        )
        store.path = Path(key)  # a test that opens `desk.store.path` again opens this database again
        return store

    monkeypatch.setattr(firstask.store, "open_store", open_store)
    monkeypatch.setattr(firstask.desk.core, "open_store", open_store)
    yield
