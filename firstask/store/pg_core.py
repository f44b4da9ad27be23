"""The store on PostgreSQL (issue 21): one centre of a district's database, through psycopg 3, with the same named
reads and writes as the SQLite file (`Store`), so the desk above it is the same desk.

The connection names its centre (`firstask.centre`) and row-level security does the rest: every read and write of
the store is within that centre (store/pg_schema.py). A write transaction first locks the centre's row in `centres`,
where its history ends: a centre's writes take turns, as on its SQLite file, and its events are numbered without
gaps. The events get their hashes when the transaction commits, through the schema's `firstask_seal` (the desk's role
may not update the history); the rows changed are noted, whole, by the schema's triggers into this session's
temporary `seal_rows`, as the SQLite store's temporary triggers note their keys, so the seals — and the chain — are
byte for byte what the SQLite store would have written. Each commit notifies the centre's channel; the other windows
hear it (`data_version`) instead of reading the tables.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import psycopg
from psycopg import errors
from psycopg.pq import TransactionStatus
from psycopg.rows import RowMaker, no_result

from firstask.store import pg_schema
from firstask.store.address import PostgresAddress, parse_postgres
from firstask.store.chain import GENESIS, SEALED, VerifyResult, column_hint, dumps, row_hash, verify_chain
from firstask.store.core import Store
from firstask.store.errors import StoreError
from firstask.store.pg_reads import PgReads
from firstask.store.pg_sql import translate
from firstask.store.reads import (
    CASE_EVENTS,
    CASE_PERSON,
    CASE_ROW,
    HANDOFF_ACCEPTANCES,
    NOTIFY_EVENTS,
    SLIP_NAMES,
    STAFF_ROWS,
    VIOLATION_KEYS,
    ActionReads,
    bad_ratings_sql,
)
from firstask.store.schema import SCHEMA_VERSION


class _PipelineEnding(logging.Filter):
    """psycopg warns, on stderr where no logging is set up, when a pipeline left by an error cannot end cleanly:
    the error itself is raised and told to the user in one line; the warning would be a second, stray one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("error ignored terminating")


logging.getLogger("psycopg").addFilter(_PipelineEnding())

WRITE_RETRIES = 6
SETTINGS_WRITE = re.compile(
    r"\s*(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(staff|policy|meta)\b", re.IGNORECASE
)
INTEGER_KEYS = frozenset(table for table, key in SEALED.items() if key in ("id", "number"))
NOTES_KEPT_WRITES = 256  # `write`: the triggers' notes truncated after this many writes
NOTES_KEPT_ROWS = 2_000  # and after a write with more notes than this
IDENTITY_TABLES = frozenset({"presence", "people", "case_states", "violations", "ratings"})


# What a statement that changes no row starts with: reads do not undo what was asked ahead (`_note`).
READING = re.compile(r"\s*SELECT\b", re.IGNORECASE)
# The rows the open transaction changed, as the triggers noted them (store/pg_schema.py `sealing_rows`); the notes
# are emptied as the next write transaction begins.
TOUCHED_ROWS = "SELECT n, tbl, key, content FROM pg_temp.seal_rows"


class PgStore(PgReads, Store):
    """One centre of a district's PostgreSQL database, open."""

    engine = "postgresql"

    def __init__(self, address: PostgresAddress, conn: psycopg.Connection[Any]) -> None:
        super().__init__(Path(address.shown()), conn)  # type: ignore[arg-type]
        self.address = address
        self.centre = address.centre
        self.pg: psycopg.Connection[Any] = conn
        self._writes = 0  # transactions this connection committed (SQLite's total_changes, for `Desk.written`)
        self._settings = 0  # statements of this connection's that wrote to the staff or the policy (`settings_mark`)
        self._head: tuple[int, str] = (0, GENESIS)  # the centre's history's head, as the write transaction locked it
        self._queued: list[tuple[str, tuple[Any, ...]]] = []  # sent with the COMMIT, in one round trip
        self._touched_rows: dict[tuple[str, Any], dict[str, Any] | None] = {}  # as `_touched` read them
        self._noted = 0  # the notes the last seal read (`write` truncates the table after a large write)
        self._changes = 0  # statements sent that may change rows: what was asked ahead stands while this does
        # Asked ahead in a write, each taken once while nothing that could change a row was sent since (`_take`):
        # "touched", the seal's notes, with a case's read; ("names", no), a slip's names, with an action's reads.
        self._asked: dict[Any, tuple[Any, int]] = {}
        self._roster: tuple[list[dict[str, Any]], int] | None = None  # as the write's lock found it (`_begin`)
        self._pipe: psycopg.Pipeline | None = None  # the write transaction's pipeline (`write`)
        self._listener: psycopg.Connection[Any] | None = None  # LISTENs to the centre's channel (`data_version`)
        self._others = 0  # other windows' commits heard of
        self._listening = threading.Lock()
        self._lost = False  # the listener was lost: notifications may have gone unheard
        self._privileged = False  # the session's own role passes over row-level security (`_as_desk_role`)
        self._looking = False  # a district supervisor's look into this centre (`open(looking=True)`)

    # --- opening -----------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Any, *, create: bool = True, migrate: bool = True, looking: bool = False) -> Self:
        """A centre's desk store. `looking`: a district supervisor's look into the centre — its reads only, as
        `firstask_look` (no visitor's personal data), on a replica if the address is one; nothing is made or
        migrated and nothing listens."""
        address = path if isinstance(path, PostgresAddress) else parse_postgres(str(path))
        if looking:
            create = migrate = False
        try:
            conn = psycopg.connect(address.conninfo, autocommit=True)
        except psycopg.Error as e:
            raise StoreError("store.pg_cannot_connect", address=address.shown(), reason=_reason(e)) from e
        store = cls(address, conn)
        store._looking = looking
        try:
            conn.execute("SELECT set_config(%s, %s, false)", (pg_schema.CENTRE_SETTING, address.centre))
            # The desk's reads are many and short: PostgreSQL's JIT, which compiles a query it estimates dear, spent
            # 0.7 s compiling the district's day that runs in 0.3 s (bench/pg_district.py); never worth it here.
            conn.execute("SET jit = off")
            version = store.user_version()
            if version == 0:
                if not create:
                    raise StoreError("store.pg_not_desk", address=address.shown())
                try:
                    store._make_schema()
                except errors.InsufficientPrivilege as e:  # only the database's owner sets it up
                    raise StoreError("store.pg_not_desk", address=address.shown()) from e
            elif version > SCHEMA_VERSION:
                raise StoreError("store.pg_newer", address=address.shown(), version=version, supported=SCHEMA_VERSION)
            elif version < SCHEMA_VERSION and migrate:
                store._migrate()
            if store.scalar("SELECT count(*) FROM centres WHERE code = ?", (address.centre,)) == 0:
                if not create:
                    raise StoreError("store.pg_no_such_centre", address=address.shown(), centre=address.centre)
                try:
                    store._add_centre()
                except errors.InsufficientPrivilege as e:  # a window's role registers no centre
                    raise StoreError("store.pg_no_such_centre", address=address.shown(), centre=address.centre) from e
            if looking:
                try:
                    conn.execute(f"SET ROLE {pg_schema.LOOK_ROLE}")
                except errors.InsufficientPrivilege as e:
                    raise StoreError("store.pg_not_district", address=address.shown()) from e
                except psycopg.Error as e:  # no such role: a database not yet at migration 8
                    raise StoreError(
                        "store.pg_old_schema", address=address.shown(), version=version, supported=SCHEMA_VERSION
                    ) from e
                return store
            store._as_desk_role()
            # The triggers' notes: each row changed, whole, as the statement left it (`n`: in order, the last one
            # stands). Emptied at each write's start (`_begin`) and truncated now and then (`write`), not by ON
            # COMMIT DELETE ROWS, which truncates the table at each commit and so made the server plan every
            # statement that uses it afresh (0.4 ms a write). No index: nothing dead is left in one (autovacuum
            # never visits a session's temporary tables).
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS seal_rows (n BIGINT GENERATED ALWAYS AS IDENTITY, "
                "tbl TEXT NOT NULL, key TEXT NOT NULL, content TEXT)"
            )
        except BaseException:
            conn.close()
            raise
        return store

    def _as_desk_role(self) -> None:
        """A session that passes over row-level security (a superuser, or a BYPASSRLS role: the owner setting the
        database up) works as the desk's role from here on, so that it too sees its one centre only."""
        row = self.pg.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()
        self._privileged = bool(row and row[0])
        if self._privileged:
            try:
                self.pg.execute(f"SET ROLE {self._role}")
            except errors.InsufficientPrivilege as e:
                raise StoreError("store.pg_bypasses", address=self.address.shown()) from e

    @property
    def _role(self) -> str:
        return pg_schema.LOOK_ROLE if self._looking else pg_schema.DESK_ROLE

    @contextlib.contextmanager
    def as_owner(self) -> Iterator[None]:
        """The session's own role again for a moment (an administrator's step, such as moving a sequence on)."""
        if not self._privileged:
            yield
            return
        self.pg.execute("RESET ROLE")
        try:
            yield
        finally:
            self.pg.execute(f"SET ROLE {self._role}")

    def _make_schema(self) -> None:
        """An empty database becomes a district's (only an owner of the database may: the roles it makes too)."""
        with self.pg.transaction():
            for statement in pg_schema.statements_for(0):
                self.pg.execute(statement)

    def _migrate(self) -> None:
        """The steps after `version`, in one transaction; another window migrating at once waits, then finds it
        done. Only the database's owner may change its schema: a window's role is told to have it opened so."""
        try:
            with self.pg.transaction():
                self.pg.execute("LOCK TABLE schema_version IN EXCLUSIVE MODE")
                now = self.user_version()
                for statement in pg_schema.statements_for(now) if now < SCHEMA_VERSION else ():
                    self.pg.execute(statement)
        except errors.InsufficientPrivilege as e:
            raise StoreError(
                "store.pg_old_schema",
                address=self.address.shown(),
                version=self.user_version(),
                supported=SCHEMA_VERSION,
            ) from e

    def _add_centre(self) -> None:
        from datetime import datetime

        at = datetime.now().isoformat(timespec="seconds")  # noqa: DTZ005 (local time, as every event)
        with self.pg.transaction():
            self.pg.execute(
                "INSERT INTO centres (code, name, created_at, head_seq, head_hash) VALUES (%s, '', %s, 0, %s)",
                (self.centre, at, GENESIS),
            )
            # The desk's identity, as a new SQLite file's (schema migration 4): its backups and anchors name it.
            self.pg.execute(
                "INSERT INTO meta (centre, key, value) VALUES (%s, 'desk_id', %s)", (self.centre, secrets.token_hex(16))
            )

    def user_version(self) -> int:
        exists = self.pg.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.pg.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def location(self) -> Path | str:
        return self.address.full()

    def documents_dir(self) -> Path:
        """Where the slips this desk prints are kept: the address's `documents`, else the user's data folder, one
        per centre."""
        if self.address.documents:
            return Path(self.address.documents)
        import platformdirs

        return Path(platformdirs.user_data_dir("firstask")) / f"{self.centre}-documents"

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        self.pg.close()

    # --- reading -------------------------------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        """A statement of the store's (SQLite's dialect), translated once (store/pg_sql.py)."""
        self._note(sql)
        return self.pg.execute(translate(sql), params if isinstance(params, Mapping) else tuple(params))

    def _note(self, sql: str) -> None:
        if not READING.match(sql):
            self._changes += 1
        if SETTINGS_WRITE.match(sql):
            self._settings += 1

    def one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> dict[str, Any] | None:
        return self._dicts(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
        return self._dicts(sql, params).fetchall()

    def _dicts(self, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> psycopg.Cursor[dict[str, Any]]:
        """Rows as dicts, the column names taken once per answer (and, in a pipeline, once it has come)."""
        self._note(sql)
        cursor = self.pg.cursor(row_factory=_dict_row)
        return cursor.execute(translate(sql), params if isinstance(params, Mapping) else tuple(params))

    def action_reads(self, no: str, bad_levels: Sequence[int]) -> ActionReads:
        """As the file's, the six asked in one statement (`_action_reads_sql`); the roster is the one the write's
        lock came with (`staff_rows`)."""
        no = str(no)
        sql = _action_reads_sql(tuple(sorted(bad_levels)))
        found = self.execute(sql, (no,) * sql.count("?")).fetchone()  # each query asks for the case's number
        parts: list[Any] = [None if text is None else json.loads(text) for text in found]  # a SELECT of one row
        row, notices, flagged, handoffs, bad, names = parts
        # What a slip the action prints is headed with, asked now rather than in a round trip of its own; it stands
        # while nothing else is sent (`slip_names`).
        if self._pipe is not None:  # outside a write, another window's commit would not move `_changes`
            self._asked[("names", no)] = (names or {}, self._changes)
        if row is None:
            return ActionReads(None, [], frozenset(), [], [], [])
        return ActionReads(row, notices, frozenset(r["unique_key"] for r in flagged), handoffs, bad, self.staff_rows())

    def case_parts(self, no: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[dict[str, Any]]]:
        """As the file's, the three in one statement (`_case_parts_sql`)."""
        if self._looking:  # the district reads no visitor: as the file's, and refused only where there is one
            return super().case_parts(no)
        with self.pg.pipeline():
            parts = self.execute(_case_parts_sql(), (no,) * _case_parts_sql().count("?"))
            if self._pipe is not None:
                # In a write, a case is read last, as the action left it (`Desk._act`): what the seal will read is
                # asked in the same round trip, and stands if nothing is sent before the seal (`_touched`).
                self._asked["touched"] = (self.pg.execute(TOUCHED_ROWS), self._changes)
        row, person, events = parts.fetchone()  # a SELECT of one row; the case's NULL when there is none
        if row is None:
            return None, None, []
        return json.loads(row), None if person is None else json.loads(person), json.loads(events)

    def record_state(self, case_no: str, seq: int, at: str, state: Mapping[str, Any]) -> None:
        """As the file's, in one statement (the new stretch's INSERT need not see the old one closed)."""
        self.execute(
            "WITH closed AS (UPDATE case_states SET valid_to = ? WHERE case_no = ? AND valid_to IS NULL) "
            "INSERT INTO case_states (case_no, seq, valid_from, status, owner, due, pending_to) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, case_no, case_no, seq, at, state["status"], state["owner"], state.get("due"), state.get("pending_to")),
        )

    def staff_rows(self, *, active_only: bool = False) -> list[dict[str, Any]]:
        """As the file's; in a write, the roster its lock found while it has not written to the staff (`_begin`)."""
        kept = self._roster
        if not active_only and self._pipe is not None and kept is not None and kept[1] == self._settings:
            return [dict(row) for row in kept[0]]
        return super().staff_rows(active_only=active_only)

    def _take(self, what: Any) -> Any:
        """What was asked ahead as `what`, once, if nothing that could change a row was sent since; else None."""
        asked = self._asked.pop(what, None)
        return asked[0] if asked is not None and asked[1] == self._changes else None

    def slip_names(self, no: str) -> dict[str, Any]:
        """As the file's; asked already with the action's reads when nothing was sent since (`action_reads`)."""
        names = self._take(("names", str(no)))
        return super().slip_names(no) if names is None else dict(names)

    def settings_mark(self) -> Any:
        """Other windows' commits (heard), and this connection's own writes to the staff or the policy: the desk
        keeps both while the mark stands, two round trips fewer per action than reading them every time."""
        return self.data_version(), self._settings

    def run(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        """A statement that returns no rows (the writes): the rows it changed (waited for, in a pipeline)."""
        cursor = self.execute(sql, params)
        if self._pipe is not None:
            self._pipe.sync()
        return int(cursor.rowcount)

    def data_version(self) -> int:
        """A number that moves when another window of this centre has committed (the SQLite store's
        data_version): each write notifies the centre's channel as it commits (LISTEN/NOTIFY), and a connection of
        this store's own listens to it — nothing is read from the tables, nothing is asked of the server but the
        notifications waiting on the socket."""
        if self._looking:  # a district's look reads afresh when asked to; a standby could not LISTEN anyway
            return 0
        with self._listening:  # the screens' reads on the app's background thread ask too
            return self._heard()

    def _heard(self) -> int:
        try:
            if self._listener is None:
                self._listener = psycopg.connect(self.address.conninfo, autocommit=True)
                self._listener.execute(f'LISTEN "{self.channel}"')
                if self._lost:  # what was said while no one listened is not known: read everything again
                    self._others += 1
                    self._lost = False
            own = self.pg.info.backend_pid
            for note in self._listener.notifies(timeout=0):
                if note.pid != own:
                    self._others += 1
        except psycopg.Error as e:  # the server went away for a moment: the window asks again at its next tick
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            self._lost = True
            raise StoreError("store.pg_cannot_connect", address=self.address.shown(), reason=_reason(e)) from e
        return self._others

    @property
    def channel(self) -> str:
        return f"firstask.{self.centre}"

    def total_changes(self) -> int:
        return self._writes

    # --- transactions ----------------------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self.pg.info.transaction_status != TransactionStatus.IDLE

    @contextlib.contextmanager
    def write(self) -> Iterator[Self]:
        """One write transaction, the centre's history locked at its head from the start (as SQLite's BEGIN
        IMMEDIATE takes the file's write lock): everything inside commits together or not at all."""
        if self.in_transaction:
            yield self
            return
        self._begin()
        self._pending = []
        self._appended = {}
        self._queued = []
        self._asked = {}
        try:
            # Pipeline mode: a write goes out without waiting for its answer, which comes with the next read's (a
            # read waits for everything sent before it), and an error with it — the transaction then fails as a
            # whole, as it would at the statement. The hashes, the head moved on, the notification and COMMIT go
            # out together at the end.
            settings = self._settings
            with self.pg.pipeline() as self._pipe:
                yield self
                self._seal()
                if not self._queued and self._settings != settings:
                    # The staff, the policy or the desk's notes (`serve`'s hall address) written with no event:
                    # no head moves, but the other windows must still hear of it (they keep these: `settings_mark`).
                    self._queued.append(("SELECT pg_notify(%s, %s)", (self.channel, str(self._head[0]))))
                for statement, args in self._queued:
                    self.pg.execute(statement, args)
                self.pg.execute("COMMIT")
        except BaseException:
            self._pending = []
            self._settings += 1  # what was written to the staff or the policy is undone: read them again
            if self.in_transaction:
                self.pg.execute("ROLLBACK")
            raise
        finally:
            self._queued = []
            self._pipe = None
            self._asked = {}
            self._roster = None
        self._writes += 1
        if self._writes % NOTES_KEPT_WRITES == 0 or self._noted > NOTES_KEPT_ROWS:
            # The notes' deleted rows leave their pages behind (autovacuum never visits a session's temporary
            # table), and every seal reads past them: emptied for good now and then, and after a large write.
            # (A truncation has the server plan the statements using the table again, once.) The write has
            # committed: a failure here is not the write's, and the next write's start empties the notes anyway.
            with contextlib.suppress(psycopg.Error):
                self.pg.execute("TRUNCATE pg_temp.seal_rows")

    @contextlib.contextmanager
    def read(self) -> Iterator[Self]:
        """Several reads that see one moment of the database (a report), while windows write."""
        if self.in_transaction:
            yield self
            return
        self.pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield self
        finally:
            if self.in_transaction:
                self.pg.execute("COMMIT")

    def _begin(self) -> None:
        delay = 0.05
        for attempt in range(WRITE_RETRIES):
            try:
                with self.pg.pipeline():  # BEGIN, the lock, the notes emptied and the roster in one round trip
                    self.pg.execute("BEGIN")
                    # The notes emptied: rows this connection changed outside the desk's transactions are not this
                    # one's (as the file's), and the last transaction's were read by its seal.
                    head = self.pg.execute(
                        "WITH emptied AS (DELETE FROM pg_temp.seal_rows) "
                        "SELECT head_seq, head_hash FROM centres WHERE code = %s FOR UPDATE",
                        (self.centre,),
                    )
                    # Every write of the centre takes that lock first: no other window's change to the roster can
                    # commit before this transaction ends, so the roster read with it is the one the transaction
                    # would read later, until it writes the staff itself (`staff_rows`).
                    roster = self._dicts(STAFF_ROWS, ())
                self._roster = (roster.fetchall(), self._settings)
                locked = head.fetchone()
                if locked is None:
                    raise StoreError("store.pg_no_such_centre", address=self.address.shown(), centre=self.centre)
                self._head = (int(locked[0]), str(locked[1]))
                return
            except (errors.LockNotAvailable, errors.DeadlockDetected) as e:
                self.pg.execute("ROLLBACK")
                if attempt == WRITE_RETRIES - 1:
                    raise StoreError("store.busy", path=self.address.shown()) from e
                time.sleep(delay)
                delay *= 2
            except BaseException:
                self.pg.execute("ROLLBACK")
                raise

    def _set_hash(self, seq: int, digest: str, seals: str | None) -> None:
        # The desk's role may not UPDATE events: a function fills an empty hash once.
        self._queued.append(("SELECT firstask_seal(%s, %s, %s)", (seq, digest, seals)))

    def _sealed(self, seq: int, digest: str) -> None:
        # The head moved on, and the other windows told (heard when it commits): one statement.
        self._queued.append(
            (
                "WITH moved AS (UPDATE centres SET head_seq = %s, head_hash = %s WHERE code = %s RETURNING head_seq) "
                "SELECT pg_notify(%s, head_seq::text) FROM moved",
                (seq, digest, self.centre, self.channel),
            )
        )

    def _next_seq(self) -> int:
        """After the head this transaction locked: no other window of the centre writes meanwhile."""
        return self._head[0] + len(self._pending) + 1

    def _sealing_reads(
        self, touched: Sequence[tuple[str, Any]], first: int, last: int
    ) -> tuple[list[str | None], str, list[Any]]:
        """As the file's, with nothing more to ask the server: the touched rows came with `_touched`, the events
        are the ones this transaction sent (the history cannot be changed after its INSERT), and the hash they
        follow is the head this transaction locked."""
        hashes: list[str | None] = []
        for table, key in touched:
            found = self._touched_rows[(table, key)]
            hashes.append(None if found is None else _file_row_hash(table, found))
        events = [self._appended.get(seq) for seq in range(first, last + 1)]
        if first != self._head[0] + 1 or None in events:  # never, while only the desk writes: as the file reads
            return super()._sealing_reads(touched, first, last)
        return hashes, self._head[1] or GENESIS, events

    def _touched(self) -> list[tuple[str, Any]]:
        """The rows the transaction changed, each as its last change left it (None: deleted), noted by the
        triggers: one statement, its answer a few short texts whatever the tables' widths. The columns are TEXT,
        INTEGER and BIGINT only, so the JSON gives back exactly the values a row read would."""
        noted = self._take("touched")
        if noted is None:
            noted = self.pg.execute(TOUCHED_ROWS)
        self._touched_rows = {}
        notes = noted.fetchall()
        self._noted = len(notes)
        for _, table, key, content in sorted(notes):
            keyed = (str(table), int(key) if table in INTEGER_KEYS else str(key))
            self._touched_rows[keyed] = None if content is None else json.loads(content)
        return sorted(self._touched_rows, key=lambda tk: (tk[0], _sort_key(tk[1])))

    def _forget_touched(self) -> None:
        """Nothing to do: the next write's start empties the notes (`_begin`); a rollback takes its own."""

    def _row_hash(self, table: str, key: Any) -> str | None:
        row = self.one(f"SELECT * FROM {table} WHERE {SEALED[table]} = ?", (key,))
        return None if row is None else _file_row_hash(table, row)

    # --- verifying ---------------------------------------------------------------------------------------------

    def verify(self, anchor: tuple[int, str] | None = None, *, state: bool = True) -> VerifyResult:
        """As the SQLite store's: the centre's chain (each hash, in order, from 1), then each sealed row against
        the last seal of it in the history."""
        chain = verify_chain(self.pg, anchor, sealed=True)  # type: ignore[arg-type]
        if not chain.ok or not state:
            return chain
        latest: dict[tuple[str, str], tuple[str | None, int]] = {}
        for seq, seals in self.execute("SELECT seq, seals FROM events WHERE seals IS NOT NULL ORDER BY seq"):
            for table, key, digest in json.loads(seals):
                latest[(str(table), str(key))] = (digest, int(seq))
        for table, key in SEALED.items():
            found = self._check_table(table, key, latest)
            if found is not None:
                return VerifyResult(False, chain.count, chain.head, found[1], found[0], found[2])
        return chain

    def _check_table(
        self, table: str, key: str, latest: Mapping[tuple[str, str], tuple[str | None, int]]
    ) -> tuple[str, int | None, dict[str, Any]] | None:
        seen: set[str] = set()
        for row in self.all(f"SELECT * FROM {table} ORDER BY {key}"):
            row.pop("centre", None)
            seen.add(str(row[key]))
            where = {"table": table, "key": row[key]}
            seal = latest.get((table, str(row[key])))
            if seal is None:
                return "verify.row_unrecorded", None, where
            if seal[0] != row_hash(table, row):
                column = column_hint(self, table, row)  # type: ignore[arg-type]
                return (
                    "verify.row_changed_column" if column else "verify.row_changed",
                    seal[1],
                    {**where, "column": column or "", "seq": seal[1]},
                )
        gone = sorted(
            k for (t, k), (digest, _) in latest.items() if t == table and digest is not None and k not in seen
        )
        if gone:
            seq = latest[(table, gone[0])][1]
            return "verify.row_missing", seq, {"table": table, "key": gone[0], "seq": seq}
        return None

    # --- writing (inside `write()`) --------------------------------------------------------------------------

    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        """As the file's: the new row's id where the table numbers its rows (SQLite's lastrowid), else 0."""
        cols = list(row)
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        if table not in IDENTITY_TABLES:  # in a write's pipeline, not waited for: an error fails the transaction
            self.execute(sql, [row[c] for c in cols])
            return 0
        made = self.one(sql + " RETURNING id", [row[c] for c in cols])
        return int(made["id"]) if made else 0

    def set_policy(self, values: Mapping[str, Any]) -> None:
        for k, v in values.items():  # psycopg's connections run one statement at a time (no executemany)
            self.run(
                "INSERT INTO policy (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (k, dumps(v)),
            )


def _json_row(sql: str) -> str:
    """One of the store's queries as a JSON text of its row (NULL for none): the columns are TEXT, INTEGER and
    BIGINT only, so the JSON gives back exactly the values a row read would."""
    return f"(SELECT row_to_json(x)::text FROM ({sql}) x)"


def _json_rows(sql: str, *order: str) -> str:
    """One of the store's queries as a JSON text of its rows, in the order of its columns named here."""
    by = f" ORDER BY {', '.join('x.' + column for column in order)}" if order else ""
    return f"(SELECT coalesce(json_agg(x{by}), '[]')::text FROM ({sql}) x)"


@functools.cache
def _action_reads_sql(bad_levels: tuple[int, ...]) -> str:
    """What an action's rules read (`Reads.action_reads`), the store's own queries in one statement: a few short
    texts to parse rather than six answers (the case's 37 columns among them) for psycopg to describe."""
    return "SELECT " + ", ".join(
        [
            _json_row(CASE_ROW),
            _json_rows(NOTIFY_EVENTS, "seq"),
            _json_rows(VIOLATION_KEYS),
            _json_rows(HANDOFF_ACCEPTANCES, "seq"),
            _json_rows(bad_ratings_sql(bad_levels), "rated_at", "id"),
            _json_row(SLIP_NAMES),
        ]
    )


@functools.cache
def _case_parts_sql() -> str:
    """A case's row, its visitor's and its history (`Reads.case_parts`) in one statement, as the action's reads."""
    return f"SELECT {_json_row(CASE_ROW)}, {_json_row(CASE_PERSON)}, {_json_rows(CASE_EVENTS, 'seq')}"


def _dict_row(cursor: psycopg.Cursor[Any]) -> RowMaker[dict[str, Any]]:
    """psycopg's `dict_row`, the names taken from the answer itself: `dict_row` builds a description of every
    column first (its type looked up, for each of a case's 37 columns at each read), then uses only the names."""
    result = cursor.pgresult
    if result is None or not result.nfields:
        return no_result
    names = [(result.fname(i) or b"").decode() for i in range(result.nfields)]

    def make(values: Sequence[Any]) -> dict[str, Any]:
        return dict(zip(names, values, strict=True))

    return make


def _sort_key(key: Any) -> tuple[int, Any]:
    return (0, key) if isinstance(key, int) else (1, str(key))


def _file_row_hash(table: str, row: dict[str, Any]) -> str:
    """The hash of the SQLite file's row, exactly: a row's centre is where it lives, not what it says."""
    row.pop("centre", None)
    return row_hash(table, row)


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
