"""The desk's writes on PostgreSQL (issue 21), against raw psycopg writing the same rows, in the same run:
`python -m bench.pg_writes [--n N]`.

Check-in, accept and hand-off (the actions and values of bench/run.py's figure 2) go through `Desk` on one centre
(C01) of a district's database; after each, the rows it wrote are read back from that centre and written again by
plain psycopg 3, in one transaction, to a second centre of the same database (C02, seeded the same way through the
desk: same schema, indexes, triggers, row-level security and role). Desk and raw alternate, action by action, so a
slow spell of the machine falls on both. Per action: the desk's median and p95, the raw median and p95, their ratio
and the target (ratio <= 2). Then an untimed, traced pass: the statements each action sends.

The server is a throwaway one of the bench's own (initdb into a temporary folder, started on a free loopback port,
stopped and removed at the end) with PostgreSQL's default durability: fsync, synchronous_commit and full_page_writes
on, unlike the tests' server (tests/pg_server.py turns them off). FIRSTASK_BENCH_PG=postgresql://user@host:port/db
names an existing database instead (its owner, or a superuser: the schema and the two centres are made if missing);
the centres are then named for the run, and their rows stay (the history cannot be deleted).
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from bench.run import Line, median_ms, note, shown, visitor
from bench.run import machine as run_machine
from firstask.desk import Case, Desk
from firstask.store import pg_schema
from firstask.store.chain import event_hash
from firstask.store.pg_schema import TABLES

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import pg_server  # noqa: E402  (the tests' throwaway server: its binaries, its user, its stop)

ENVIRONMENT = "FIRSTASK_BENCH_PG"
TARGET = 2.0
# Not counted: the first actions load the pinyin and phone tables and warm psycopg's prepared statements; then the
# tables are analyzed (`--no-analyze` leaves them as they are) — with a hundred cases in them, as a live centre's
# autovacuum would have them: statistics of ten rows had the planner read whole tables that then grew with the run.
WARM_ROUNDS = 100
TRACED_ROUNDS = 10
STEP = timedelta(seconds=2)  # between actions on the desk's clock: MAX_ROUNDS still fit in one working day
MAX_ROUNDS = 4000
START = datetime(2026, 3, 9, 9, 0)  # a Monday in a plain week (tests/conftest.py MONDAY_9AM)
WINDOW_ROLE = "bench_window"
ROSTER = (
    # code, name, role, backup, PIN: the demo's supervisor and four clerks in A/B pairs (AB角)
    ("s01", "陈静", "supervisor", None, "909090"),
    ("w01", "王芳", "clerk", "w02", "101010"),
    ("w02", "李强", "clerk", "w01", "202020"),
    ("w03", "张丽", "clerk", "w04", "303030"),
    ("w04", "刘洋", "clerk", "w03", "404040"),
)
CLERKS = tuple(code for code, _, role, _, _ in ROSTER if role == "clerk")
ACTIONS = ("check_in", "accept", "hand_off")
SETTINGS = (
    "server_version",
    "fsync",
    "synchronous_commit",
    "full_page_writes",
    "wal_level",
    "wal_sync_method",
    "shared_buffers",
    "work_mem",
)
# The tables whose rows the raw side writes again; an action that touched any other sealed table (a pad's rating
# request, say) would need more than this bench mirrors, and stops it rather than be compared unfairly.
MIRRORED = frozenset({"people", "cases", "case_states", "violations"})


# --- the server ------------------------------------------------------------------------------------------------


@contextmanager
def durable_server() -> Iterator[str]:
    """A throwaway server with PostgreSQL's default durability; yields the superuser's address of a fresh database.
    The tests' starter turns fsync off (their speed is not what they measure); this one leaves every setting that
    makes a commit durable at its default."""
    user = pg_server.server_user()
    folder = Path(tempfile.mkdtemp(prefix="firstask-bench-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    server = pg_server.Server(folder, pg_server.free_port(), user, pg_server.binaries())
    try:
        server.run(
            "initdb", "-D", str(folder / "data"), "-U", pg_server.SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale"
        )
        options = f"-p {server.port} -c listen_addresses=127.0.0.1 -k {folder} -c max_connections=20"
        server.run("pg_ctl", "-D", str(folder / "data"), "-o", options, "-l", str(folder / "log"), "-w", "start")
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        yield str(server.url("bench"))
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def existing(address: str) -> Iterator[str]:
    """A database named by FIRSTASK_BENCH_PG: used as it is, left running."""
    yield address


def at_centre(address: str, centre: str, documents: Path | None = None) -> str:
    """A desk's address: the server's (which may carry options of its own) with the centre and the slips' folder."""
    extra = f"centre={centre}" + (f"&documents={documents}" if documents else "")
    return f"{address}{'&' if '?' in address else '?'}{extra}"


def window_address(owner: str, centres: Sequence[str], own: bool) -> str:
    """The desk's address (without centre): the schema and the centres made by the owner first (as `firstask init`
    would), then, on the bench's own server, a login role of the desk's group role — a window never connects as a
    superuser — as tests/conftest.py's desks on PostgreSQL do."""
    for centre in centres:
        Desk.open(at_centre(owner, centre)).close()
    if not own:
        return owner
    with psycopg.connect(owner, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {WINDOW_ROLE} LOGIN IN ROLE {pg_schema.DESK_ROLE}")
    return owner.replace(f"{pg_server.SUPERUSER}@", f"{WINDOW_ROLE}@", 1)


def centre_connection(address: str, centre: str) -> psycopg.Connection[Any]:
    """A plain connection to one centre, as the desk's own is set up (store/pg_core.py): autocommit (transactions
    are explicit BEGIN/COMMIT), the centre named for row-level security, and the desk's role taken when the login
    would pass over row-level security."""
    conn = psycopg.connect(address, autocommit=True)
    conn.execute("SELECT set_config(%s, %s, false)", (pg_schema.CENTRE_SETTING, centre))
    row = conn.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()
    if row and row[0]:
        conn.execute(f"SET ROLE {pg_schema.DESK_ROLE}")
    return conn


def documents_folder() -> tuple[Path, str]:
    """Where the desk's slips go during the run (removed at the end), and what to call it. A RAM disk where there
    is one: here the server shares the desk's disk, and while its WAL is flushed at every commit, creating a file
    there costs 0.5 ms of the desk's time (0.1-0.2 ms with the server idle) — the accept's receipt, which a window
    writes to its own PC's disk, not the server's."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="firstask-bench-documents-", dir=shm)), "a RAM disk (/dev/shm)"
    return Path(tempfile.mkdtemp(prefix="firstask-bench-documents-")), "the temporary folder"


def furnish(desk: Desk) -> None:
    """The shipped catalogue and policy, and the roster with the demo's PINs (tests/conftest.py `furnish`)."""
    desk.load_defaults()
    for code, name, role, backup, pin in ROSTER:
        desk.add_staff(code, name, role=role, backup=backup, pin=pin)


# --- what the desk wrote ---------------------------------------------------------------------------------------


@dataclass
class Written:
    """The rows one desk action wrote to its centre, read back after it committed (ids as the desk's centre has
    them; the raw side maps them to its own)."""

    case_no: str
    events: list[dict[str, Any]]
    people: list[dict[str, Any]] = field(default_factory=list)
    case_insert: dict[str, Any] | None = None
    case_update: dict[str, Any] = field(default_factory=dict)
    closed_stretch: str | None = None  # the valid_to the action gave the case's previous stretch
    states: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)


class Watcher:
    """Reads the desk's centre beside it (a connection of its own): where its history and its rows stood before an
    action, and what the action wrote."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.cur = conn.cursor(row_factory=dict_row)

    def mark(self) -> dict[str, int]:
        row = self.cur.execute(
            "SELECT (SELECT head_seq FROM centres) AS seq, "
            "(SELECT coalesce(max(id), 0) FROM people) AS people, "
            "(SELECT coalesce(max(id), 0) FROM case_states) AS case_states, "
            "(SELECT coalesce(max(id), 0) FROM violations) AS violations"
        ).fetchone()
        assert row is not None
        return {k: int(v) for k, v in row.items()}

    def case(self, no: str) -> dict[str, Any]:
        row = self.cur.execute("SELECT * FROM cases WHERE no = %s", (no,)).fetchone()
        assert row is not None
        return dict(row)

    def written(self, no: str, before: dict[str, int], case_before: dict[str, Any] | None) -> Written:
        events = self.cur.execute("SELECT * FROM events WHERE seq > %s ORDER BY seq", (before["seq"],)).fetchall()
        touched = {(t, str(k)) for e in events if e["seals"] for t, k, _ in json.loads(e["seals"])}
        others = sorted({t for t, _ in touched} - MIRRORED)
        if others:
            raise SystemExit(f"the desk also wrote to {', '.join(others)}: the raw side does not mirror those rows")
        done = Written(no, [dict(e) for e in events])
        done.people = [dict(r) for r in self._after("people", before)]
        done.states = [dict(r) for r in self._after("case_states", before)]
        done.violations = [dict(r) for r in self._after("violations", before)]
        after = self.case(no)
        if case_before is None:
            done.case_insert = after
        else:
            done.case_update = {k: v for k, v in after.items() if v != case_before[k]}
        old = [int(k) for t, k in touched if t == "case_states" and int(k) <= before["case_states"]]
        if old:
            row = self.cur.execute("SELECT valid_to FROM case_states WHERE id = %s", (old[0],)).fetchone()
            done.closed_stretch = row["valid_to"] if row else None
        return done

    def _after(self, table: str, before: dict[str, int]) -> list[dict[str, Any]]:
        return self.cur.execute(f"SELECT * FROM {table} WHERE id > %s ORDER BY id", (before[table],)).fetchall()


# --- the raw side ----------------------------------------------------------------------------------------------


def insert_sql(table: str, columns: Sequence[str], returning: bool = False) -> str:
    marks = ", ".join("%s" for _ in columns)
    quoted = ", ".join(f'"{c}"' if c == "repeat" else c for c in columns)
    return f"INSERT INTO {table} ({quoted}) VALUES ({marks})" + (" RETURNING id" if returning else "")


def without(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in names}


class Raw:
    """The same rows written with plain psycopg, one transaction per action, on a centre of its own: the chain's
    head locked and read (its seq and hash), the people, case, event, stretches and violations inserted or updated
    with the statements a hand-written store would send, the head moved on, one COMMIT.

    What it leaves out of the desk's work (the desk/raw ratio is their cost): the rules and their reads (the case,
    its notices, violations and ratings, the roster, the policy), the case number's lookup (it reuses the desk's),
    the event inserted with an empty hash and filled by `firstask_seal` at commit (here: inserted whole), the row
    hashes of the seals (here: the desk's own `seals` text, naming C01's ids, copied as it is, and the event's hash
    computed over it and the real previous hash — the chain is a chain, its seals would not verify), the triggers'
    notes of the rows changed (they fire here too but find no `seal_rows` table and return), the NOTIFY to the other
    windows, the receipt written to the documents folder, and reading the case back for the screen."""

    def __init__(self, conn: psycopg.Connection[Any], centre: str) -> None:
        self.conn = conn
        self.centre = centre
        self.person: dict[int, int] = {}  # the desk's person ids -> this centre's

    def write(self, w: Written) -> float:
        c = self.conn
        began = time.perf_counter()
        c.execute("BEGIN")
        head = c.execute("SELECT head_seq, head_hash FROM centres WHERE code = %s FOR UPDATE", (self.centre,))
        row = head.fetchone()
        assert row is not None
        seq, prev = int(row[0]), str(row[1])
        for p in w.people:
            values = without(p, "centre", "id")
            made = c.execute(insert_sql("people", list(values), returning=True), list(values.values())).fetchone()
            assert made is not None
            self.person[p["id"]] = int(made[0])
        if w.case_insert is not None:
            case = without(w.case_insert, "centre")
            if case["person_id"] is not None:
                case["person_id"] = self.person[case["person_id"]]
            c.execute(insert_sql("cases", list(case)), list(case.values()))
        seqs: dict[int, int] = {}
        for e in w.events:
            seq += 1
            seqs[e["seq"]] = seq
            prev = event_hash(
                prev, seq, e["case_no"], e["action"], e["by_staff"], e["at"], e["tz"], e["detail"], e["seals"]
            )
            c.execute(
                "INSERT INTO events (seq, case_no, action, by_staff, at, tz, detail, hash, seals) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (seq, e["case_no"], e["action"], e["by_staff"], e["at"], e["tz"], e["detail"], prev, e["seals"]),
            )
        if w.case_update:
            cols = list(w.case_update)
            c.execute(
                f"UPDATE cases SET {', '.join(f'{k} = %s' for k in cols)} WHERE no = %s",
                [*w.case_update.values(), w.case_no],
            )
        if w.closed_stretch is not None:
            c.execute(
                "UPDATE case_states SET valid_to = %s WHERE case_no = %s AND valid_to IS NULL",
                (w.closed_stretch, w.case_no),
            )
        for s in w.states:
            values = {**without(s, "centre", "id"), "seq": seqs[s["seq"]]}
            c.execute(insert_sql("case_states", list(values)), list(values.values()))
        for v in w.violations:
            values = without(v, "centre", "id")
            if values["event_seq"] is not None:
                values["event_seq"] = seqs[values["event_seq"]]
            c.execute(insert_sql("violations", list(values)), list(values.values()))
        c.execute("UPDATE centres SET head_seq = %s, head_hash = %s WHERE code = %s", (seq, prev, self.centre))
        c.execute("COMMIT")
        return time.perf_counter() - began


# --- tracing ---------------------------------------------------------------------------------------------------


class Trace:
    """The statements sent on a connection while it is on (by the connection or any cursor of it), each counted."""

    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = {}

    @contextmanager
    def on(self, conn: psycopg.Connection[Any]) -> Iterator[None]:
        send = psycopg.Cursor.execute
        trace = self

        def execute(cursor: Any, query: Any, params: Any = None, **kw: Any) -> Any:
            if cursor.connection is conn:
                label = " ".join(str(query).split())[:70]
                trace.spent.setdefault(label, [0.0, 0.0])[0] += 1
            return send(cursor, query, params, **kw)

        # Over the classes' methods for this pass only (the traced rounds are not the timed ones).
        setattr(psycopg.Cursor, "execute", execute)  # noqa: B010
        try:
            yield
        finally:
            setattr(psycopg.Cursor, "execute", send)  # noqa: B010

    def count(self) -> float:
        return sum(n for n, _ in self.spent.values())

    def top(self, ops: int, k: int) -> str:
        ranked = sorted(self.spent.items(), key=lambda item: -item[1][0])[:k]
        return ", ".join(f"{label!r} x{n / ops:.0f}" for label, (n, _) in ranked)


# --- the rounds ------------------------------------------------------------------------------------------------


@dataclass
class Rounds:
    desk: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    raw: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})


def act(desk: Desk, action: str, case: Case | None, i: int) -> Case:
    """Round `i`'s action, with bench/run.py's values: a clerk checks a visitor in, accepts, hands off."""
    clerk = CLERKS[i % len(CLERKS)]
    if action == "check_in":
        return desk.check_in(clerk, **visitor(i))
    assert case is not None
    if action == "accept":
        return desk.accept(case.no, clerk, materials=[("来电记录", 1)], expect=case.version)
    other = CLERKS[(i + 1 + i % 2) % len(CLERKS)]  # the backup half the time, another clerk the rest
    return desk.hand_off(case.no, clerk, other, "请同事跟进。", expect=case.version)


def rounds(
    desk: Desk,
    raw: Raw,
    watcher: Watcher,
    clock: list[datetime],
    count: int,
    first: int = 0,
    traced: dict[str, tuple[Trace, Trace]] | None = None,
) -> Rounds:
    """`count` rounds of check-in, accept and hand-off, each action through the desk then raw. With `traced`, every
    statement of each side is noted, by action (that pass's times are not the figures: tracing costs time too)."""
    out = Rounds()
    desk_conn: psycopg.Connection[Any] = getattr(desk.store, "pg")  # noqa: B009 (a PgStore's; Desk.store is typed Store)
    for i in range(first, first + count):
        case: Case | None = None
        for action in ACTIONS:
            clock[0] += STEP
            before = watcher.mark()
            case_before = watcher.case(case.no) if case else None
            with tracing(traced, action, 0, desk_conn):
                began = time.perf_counter()
                case = act(desk, action, case, i)
                spent = time.perf_counter() - began
            written = watcher.written(case.no, before, case_before)
            with tracing(traced, action, 1, raw.conn):
                spent_raw = raw.write(written)
            out.desk[action].append(spent)
            out.raw[action].append(spent_raw)
    return out


@contextmanager
def tracing(
    traced: dict[str, tuple[Trace, Trace]] | None, action: str, side: int, conn: psycopg.Connection[Any]
) -> Iterator[None]:
    if traced is None:
        yield
        return
    with traced[action][side].on(conn):
        yield


def p95_ms(samples: Sequence[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] * 1000 if len(samples) > 1 else samples[0] * 1000


def machine() -> str:
    libpq = psycopg.pq.version()
    return run_machine(f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__}, libpq {libpq // 10000}.{libpq % 100})")


def scalar(conn: psycopg.Connection[Any], sql: str) -> Any:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


def same_rows(address: str, centres: Sequence[str]) -> str:
    """Rows per table in each centre, which must agree: the raw side wrote what the desk wrote."""
    counts = []
    for centre in centres:
        with centre_connection(address, centre) as conn:
            counts.append({t: scalar(conn, f"SELECT count(*) FROM {t}") for t in TABLES})
    differ = [t for t in TABLES if counts[0][t] != counts[1][t]]
    if differ:
        return "MISMATCH in " + ", ".join(f"{t} ({counts[0][t]} vs {counts[1][t]})" for t in differ)
    shown_tables = ("cases", "events", "people", "case_states", "violations")
    return "equal (" + ", ".join(f"{t} {counts[0][t]}" for t in shown_tables) + ")"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the desk's writes on PostgreSQL against raw psycopg")
    parser.add_argument("--n", type=int, default=200, help="rounds: actions of each kind (default 200)")
    parser.add_argument(
        "--no-analyze", dest="analyze", action="store_false", help="no ANALYZE after the warm-up (no statistics)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.n <= MAX_ROUNDS:
        parser.error(f"--n must be between 1 and {MAX_ROUNDS} (the rounds fit in one working day of the desk's clock)")
    given = os.environ.get(ENVIRONMENT)
    with existing(given) if given else durable_server() as owner:
        run = "" if not given else "-" + secrets.token_hex(3)
        centres = (f"C01{run}", f"C02{run}")
        address = window_address(owner, centres, own=not given)
        documents, documents_where = documents_folder()
        clock = [START]
        desks = [Desk.open(at_centre(address, c, documents / c), clock=lambda: clock[0]) for c in centres]
        try:
            for seeded in desks:
                furnish(seeded)
            desks[1].close()  # C02's desk only seeded it: the raw side writes there from here on
            raw = Raw(centre_connection(address, centres[1]), centres[1])
            watcher = Watcher(centre_connection(address, centres[0]))
            settings = {name: scalar(raw.conn, f"SHOW {name}") for name in SETTINGS}
            where = "FIRSTASK_BENCH_PG" if given else "the bench's own throwaway server"
            print(
                f"firstask bench: desk writes on PostgreSQL, {args.n} rounds of check-in, accept, hand-off (after "
                f"{WARM_ROUNDS} untimed{', then ANALYZE' if args.analyze else ', no ANALYZE'}); desk on centre "
                f"{centres[0]}, raw psycopg on {centres[1]}, {where}"
            )
            print(f"machine: {machine()}; the desk's slips written to {documents_where}")
            print("server: " + ", ".join(f"{k} {v}" for k, v in settings.items()), flush=True)
            rounds(desks[0], raw, watcher, clock, WARM_ROUNDS, first=-WARM_ROUNDS)
            if args.analyze:
                # A live server's autovacuum analyzes a table once it has changed enough, within its naptime (a
                # minute); a run this short would otherwise plan every statement without statistics — and then
                # finds a case by its number through an unrelated index of `cases`, reading all of the centre's.
                with psycopg.connect(owner, autocommit=True) as admin:
                    admin.execute("ANALYZE")
            timed = rounds(desks[0], raw, watcher, clock, args.n)
            traced = {a: (Trace(), Trace()) for a in ACTIONS}
            rounds(desks[0], raw, watcher, clock, TRACED_ROUNDS, first=args.n, traced=traced)
            line = Line([])
            for number, action in enumerate(ACTIONS, start=1):
                d, r = timed.desk[action], timed.raw[action]
                med, ref = median_ms(d), median_ms(r)
                line(
                    number,
                    f"{action} through Desk",
                    med,
                    "ms",
                    ref,
                    "raw psycopg, same rows, one transaction",
                    f"ratio <= {TARGET:g}",
                    med / ref <= TARGET,
                    extra=f" median, p95 {shown(p95_ms(d), 'ms')}, n {len(d)} (raw: p95 {shown(p95_ms(r), 'ms')})",
                )
                desk_trace, raw_trace = traced[action]
                # Traced: the time each statement's execute() took, its round trip included, against the whole
                # action's; the rest is Python (rules, hashing, building the case for the screen).
                note(
                    f"statements per {action}: desk {desk_trace.count() / TRACED_ROUNDS:.0f}, raw "
                    f"{raw_trace.count() / TRACED_ROUNDS:.0f} (the desk's in pipelines: its writes, its seal, its "
                    "commit each go out without waiting); most sent: " + desk_trace.top(TRACED_ROUNDS, 4)
                )
            note(f"rows in the two centres: {same_rows(address, centres)}")
            raw.conn.close()
            watcher.conn.close()
        finally:
            desks[0].close()
            desks[1].close()
            shutil.rmtree(documents, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
