"""The one module that speaks SQL: schema and migrations, write transactions, the hash-chained history.

Every write goes through `Store.write()`, one `BEGIN IMMEDIATE` transaction: a deferred BEGIN would fail at once
with "database is locked" when its first write meets another window's, whatever the busy timeout.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from firstask import i18n

if TYPE_CHECKING:
    import sqlite_utils

GENESIS = "0" * 64
BUSY_TIMEOUT_MS = 5000
WRITE_RETRIES = 6
# Every desk file says so in its header (`PRAGMA application_id`, "fAsk"): another application's SQLite file is
# refused, never migrated into a desk.
APPLICATION_ID = 0x6641736B
# The tables whose rows the history seals, each by its key: every change the desk makes to one of their rows is
# committed with an event that holds the row's hash, so `verify` proves the state as well as the chain. (Not `meta`,
# the file's own notes: its desk id.)
SEALED: Mapping[str, str] = {
    "policy": "key",
    "staff": "code",
    "presence": "id",
    "matters": "code",
    "people": "id",
    "cases": "no",
    "case_states": "id",
    "violations": "id",
}
CHECKPOINT_ROWS = 10_000  # rows sealed per checkpoint event (a migration seals what was there before seals)


class StoreError(Exception):
    """A problem with the database file itself, told to the user in one line."""

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def __str__(self) -> str:
        return i18n.t(self.key, None, **self.params)

    def message(self, lang: str | None = None) -> str:
        """As RuleError.message: the screens show either the same way."""
        return i18n.t(self.key, lang, **self.params)


def dumps(value: Any) -> str:
    """Canonical JSON: the same value always gives the same text, which is what the chain hashes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(
    prev: str,
    seq: int,
    case_no: str | None,
    action: str,
    by: str | None,
    at: str,
    tz: str,
    detail: str,
    seals: str | None = None,
) -> str:
    fields: list[Any] = [seq, case_no, action, by, at, tz, detail]
    if seals is not None:  # events from before seals hash as they always did
        fields.append(seals)
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + payload).encode()).hexdigest()


def row_hash(table: str, row: Mapping[str, Any]) -> str:
    """What the history holds of a row: a hash of its values (NULLs left out, so a migration's new empty column
    changes nothing). A visitor's row holds its own random salt, so its hash tells nothing once it is purged."""
    values = {k: v for k, v in row.items() if v is not None}
    return hashlib.sha256(dumps([table, values]).encode()).hexdigest()[:32]


def person_hash(salt: str, person: Mapping[str, Any]) -> str:
    """The keyed hash under which a visitor's personal data enters the chain (a purge leaves it unguessable)."""
    return hmac.new(bytes.fromhex(salt), dumps(dict(person)).encode(), hashlib.sha256).hexdigest()


# --- schema ----------------------------------------------------------------------------------------------------


def _migration_1(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("policy").create({"key": str, "value": str}, pk="key")
    db.table("staff").create(
        {
            "code": str,
            "name": str,
            "role": str,
            "backup": str,
            "pin_hash": str,
            "pin_reset": int,
            "absent": int,
            "active": int,
            "initials": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="code",
        not_null={"name", "role"},
        defaults={"absent": 0, "active": 1, "pin_reset": 0},
    )
    db.table("presence").create(
        {"id": int, "staff": str, "absent": int, "at": str, "by": str},
        pk="id",
        foreign_keys=[("staff", "staff", "code")],
    )
    db.table("matters").create(
        {
            "code": str,
            "name": str,
            "kind": str,
            "limit_days": int,
            "written_notice": int,
            "documents": str,
            "dept": str,
            "basis": str,
            "estimated": int,
            "active": int,
            "initials": str,
            "updated_at": str,
        },
        pk="code",
        not_null={"name", "kind", "limit_days"},
        defaults={"active": 1, "estimated": 0},
    )
    db.table("people").create(
        {
            "id": int,
            "salt": str,
            "name": str,
            "phone": str,
            "id_number": str,
            "org": str,
            "address": str,
            "initials": str,
            "phone_digits": str,
            "created_at": str,
            "purged_at": str,
        },
        pk="id",
    )
    db.table("cases").create(
        {
            "no": str,
            "version": int,
            "status": str,
            "channel": str,
            "kind": str,
            "summary": str,
            "matter_code": str,
            "matter": str,
            "person_id": int,
            "anonymous": int,
            "about_staff": str,
            "first_asker": str,
            "owner": str,
            "pending_to": str,
            "pending_from": str,
            "return_status": str,
            "due": str,
            "due_provisional": int,
            "limit_days": int,
            "extended_days": int,
            "accepted_at": str,
            "resolved_at": str,
            "closed_at": str,
            "outcome": str,
            "result": str,
            "rating": int,
            "rated_at": str,
            "remedied_at": str,
            "first_response_at": str,
            "notified_at": str,
            "last_contact_at": str,
            "pending_since": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="no",
        not_null={"version", "status", "channel", "kind", "first_asker", "owner", "created_at"},
        defaults={"anonymous": 0, "due_provisional": 0, "extended_days": 0},
        foreign_keys=[("person_id", "people", "id"), ("first_asker", "staff", "code"), ("owner", "staff", "code")],
    )
    db.table("events").create(
        {
            "seq": int,
            "case_no": str,
            "action": str,
            "by_staff": str,
            "at": str,
            "tz": str,
            "detail": str,
            "hash": str,
        },
        pk="seq",
        not_null={"action", "at", "tz", "detail", "hash"},
    )
    # The state of each case over time (status, owner, due date, hand-off receiver), one row per stretch:
    # the day's summary reads what stood at the end of a past day from here, not from today's `cases`.
    db.table("case_states").create(
        {
            "id": int,
            "case_no": str,
            "seq": int,
            "valid_from": str,
            "valid_to": str,
            "status": str,
            "owner": str,
            "due": str,
            "pending_to": str,
        },
        pk="id",
        not_null={"case_no", "seq", "valid_from", "status", "owner"},
        foreign_keys=[("case_no", "cases", "no"), ("seq", "events", "seq")],
    )
    db.table("case_states").create_index(["case_no", "valid_to"])
    db.table("case_states").create_index(["status", "valid_to", "valid_from"])
    db.table("violations").create(
        {
            "id": int,
            "rule": str,
            "staff": str,
            "case_no": str,
            "at": str,
            "detail": str,
            "event_seq": int,
            "unique_key": str,
            "recorded_at": str,
            "decision": str,
            "reason": str,
            "reviewed_by": str,
            "reviewed_at": str,
            "repeat": int,
        },
        pk="id",
        not_null={"rule", "at"},
        defaults={"repeat": 0},
        foreign_keys=[("case_no", "cases", "no"), ("event_seq", "events", "seq")],
    )
    db.table("violations").create_index(["unique_key"], unique=True)
    db.table("violations").create_index(["at"])
    db.table("violations").create_index(["staff", "at"])
    db.table("violations").create_index(["case_no"])
    db.table("cases").create_index(["owner", "status"])
    db.table("cases").create_index(["first_asker", "status"])
    db.table("cases").create_index(["pending_to"])
    db.table("cases").create_index(["status", "due"])
    db.table("cases").create_index(["created_at"])
    db.table("cases").create_index(["status", "first_response_at", "created_at"])
    db.table("cases").create_index(["status", "last_contact_at"])
    db.table("cases").create_index(["rating", "remedied_at"])
    db.table("cases").create_index(["person_id"])
    db.table("events").create_index(["case_no", "seq"])
    db.table("events").create_index(["at"])
    db.table("people").create_index(["initials"])
    db.table("people").create_index(["phone_digits"])
    db.table("people").create_index(["name"])
    db.table("presence").create_index(["staff", "at"])
    # The history is append-only: a change or removal made through SQLite is refused. Someone who edits the
    # file by other means is found by `verify` (the chain) and its anchor.
    db.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'the history (events) is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'the history (events) is append-only'); END"
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    """Indexes for the hot queries of a desk with years of history (bench/ measures them at a million cases; each
    is checked by tests/test_query_plans.py): every list, search, summary and scan query searches a range that
    grows with what is open or with the day, never with the history. SQLite gets no statistics (no ANALYZE), so
    each index is shaped to win on its default estimates: all the terms of its query are equalities or one range."""
    # scan(): the violations a scan has just recorded, by their event.
    db.table("violations").create_index(["event_seq"])
    # tracking(): what a clerk first-asked and no longer owns, until it is closed: only the cases not closed.
    db.execute("CREATE INDEX idx_cases_tracking ON cases (first_asker, owner) WHERE status != 'closed'")
    # callbacks() and the RATE-2 scan: bad ratings waiting for their remedy, with whom they concern. It replaces
    # (rating, remedied_at), with which the planner preferred `status = 'closed'` alone: every closed case.
    db.execute("CREATE INDEX idx_cases_remedy ON cases (rating, remedied_at, status, owner, first_asker)")
    db.execute("DROP INDEX idx_cases_rating_remedied_at")
    # The summary and the trend: some actions' events over a day or a month (ratings, hand-offs accepted, cases
    # resolved), told apart in the index before a row is read. It replaces (at). Not (action, at): the planner
    # would take it for `case_no = ? AND action = ?` and read that action's events of every case.
    db.table("events").create_index(["at", "action"])
    db.execute("DROP INDEX idx_events_at")
    # states_at(): what was open at a moment, read from the index alone (the summary asks once, the trend once a
    # day). It replaces (status, valid_to, valid_from).
    db.execute(
        "CREATE INDEX idx_case_states_at ON case_states (status, valid_to, valid_from, case_no, owner, due, pending_to)"
    )
    db.execute("DROP INDEX idx_case_states_status_valid_to_valid_from")
    # find_people(): the newest visitors whose phone or initials start with what the clerk typed, from the index
    # alone (a purged visitor has no name and is not found).
    db.execute("CREATE INDEX idx_people_phone_digits_named ON people (phone_digits) WHERE name IS NOT NULL")
    db.execute("CREATE INDEX idx_people_initials_named ON people (initials) WHERE name IS NOT NULL")


def _migration_3(db: sqlite_utils.Database) -> None:
    """The whole life of a case at the window (issue 14): a matter's research note (shown, never printed) and where
    its forms are obtained."""
    db.table("matters").add_column("note", str)
    db.table("matters").add_column("forms_at", str)


def _migration_4(db: sqlite_utils.Database) -> None:
    """Trust (issue 15): the file marks itself a desk file of one desk, and the history seals the state. Events
    gain `seals` (the hashes of the rows each transaction changed, in the event's own hash); the hash is set when
    the transaction commits, so the append-only trigger lets an event's empty hash be filled once. What stood
    before is sealed by checkpoint events, so an old file verifies as well as a new one."""
    conn = db.conn
    conn.execute("ALTER TABLE events ADD COLUMN seals TEXT")
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events WHEN OLD.hash != '' "
        "BEGIN SELECT RAISE(ABORT, 'the history (events) is append-only'); END"
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    # A desk's identity: its first event where it has one (so its backups from before this migration agree).
    first = conn.execute("SELECT hash FROM events WHERE seq = 1").fetchone()
    conn.execute("INSERT INTO meta (key, value) VALUES ('desk_id', ?)", (first[0] if first else secrets.token_hex(16),))
    if first:
        checkpoint(conn)


def checkpoint(conn: sqlite3.Connection) -> int:
    """Seal every row of the sealed tables as it stands, in events of CHECKPOINT_ROWS rows (inside a write
    transaction): for files written before seals, and for data loaded in bulk. Returns the events written."""
    stored_tz = conn.execute("SELECT value FROM policy WHERE key = 'timezone'").fetchone()
    tz = str(json.loads(stored_tz[0])) if stored_tz else "Asia/Shanghai"
    at = datetime.now().isoformat(timespec="seconds")  # noqa: DTZ005 (local time, as every event)
    part: list[list[Any]] = []
    written = 0

    def seal() -> None:
        nonlocal written
        seq, prev = _head(conn)
        detail = dumps({"part": written + 1, "rows": len(part)})
        seals = dumps(part)
        digest = event_hash(prev, seq + 1, None, "checkpoint", None, at, tz, detail, seals)
        conn.execute(
            "INSERT INTO events (seq, case_no, action, by_staff, at, tz, detail, hash, seals) "
            "VALUES (?, NULL, 'checkpoint', NULL, ?, ?, ?, ?, ?)",
            (seq + 1, at, tz, detail, digest, seals),
        )
        written += 1
        part.clear()

    for table, key in SEALED.items():
        cur = conn.execute(f"SELECT * FROM {table} ORDER BY {key}")
        names = [d[0] for d in cur.description]
        key_at = names.index(key)
        for r in cur:
            part.append([table, r[key_at], row_hash(table, dict(zip(names, r, strict=True)))])
            if len(part) == CHECKPOINT_ROWS:
                seal()
    if part:
        seal()
    return written


def _head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM events WHERE seq = (SELECT max(seq) FROM events)").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


MIGRATIONS: Sequence[Callable[[sqlite_utils.Database], None]] = (_migration_1, _migration_2, _migration_3, _migration_4)
SCHEMA_VERSION = len(MIGRATIONS)


# --- verification --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # events verified
    head: str  # hash of the last verified event
    seq: int | None = None  # the first event that does not verify
    key: str = ""  # what is wrong, as a message key
    params: Mapping[str, Any] | None = None

    @property
    def anchor(self) -> str:
        return f"{self.count}:{self.head}"

    def message(self, lang: str | None = None) -> str:
        return i18n.t(self.key, lang, **(self.params or {})) if self.key else ""


def parse_anchor(text: str) -> tuple[int, str]:
    count, sep, head = text.strip().partition(":")
    if not sep or not count.isdigit() or len(head) != 64 or any(c not in "0123456789abcdef" for c in head):
        raise StoreError("verify.bad_anchor", anchor=text)
    return int(count), head


# --- the store -----------------------------------------------------------------------------------------------


def _create_owner_only(path: Path) -> None:
    """Create the file before SQLite does, so that it (and SQLite's -wal/-shm, which copy its mode) is 0600."""
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except FileExistsError as e:  # a regular file stands where a directory should be
            raise NotADirectoryError(e.errno, e.strerror, e.filename) from e
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except NotADirectoryError as e:
        raise StoreError("store.not_a_directory", path=str(path)) from e
    except PermissionError as e:
        raise StoreError("store.unwritable", path=str(path)) from e
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise StoreError("store.disk_full", path=str(path)) from e
        raise StoreError("store.os_error", path=str(path), reason=e.strerror or str(e)) from e


def file_kind(conn: sqlite3.Connection) -> str:
    """What a SQLite file is, read from its header and schema only: "desk" (marked, or a desk file from before the
    mark: schema 1-3 with the desk's tables), "empty" (no tables at all) or "foreign"."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id == APPLICATION_ID:
        return "desk"
    if app_id == 0 and 1 <= version < 4 and {"meta", "events", "cases", "staff"} <= tables:
        return "desk"
    if app_id == 0 and version == 0 and not tables:
        return "empty"
    return "foreign"


def watch_sealed_rows(conn: sqlite3.Connection) -> None:
    """The connection notes each sealed row it changes, for its transaction's seals (temporary triggers, its own:
    a change made by anything else is not sealed, and `verify` finds it)."""
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS seal_touched (tbl TEXT NOT NULL, key NOT NULL, PRIMARY KEY (tbl, key))"
    )
    for table, key in SEALED.items():
        for op, ref in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            conn.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS seal_{table}_{op.lower()} AFTER {op} ON main.{table} "
                f"BEGIN INSERT OR IGNORE INTO seal_touched VALUES ('{table}', {ref}.{key}); END"
            )


class Store:
    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._pending: list[int] = []  # events appended in the open transaction, hashed when it commits

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True, migrate: bool = True) -> Store:
        """Open a desk file. `create`: a missing or empty file becomes a new desk (only `init` and `Desk.open`);
        otherwise it is refused, as is another application's file, always, before anything is written to it.
        `migrate=False` reads a file of an older schema as it is (`verify`)."""
        p = Path(path)
        if p.is_dir():
            raise StoreError("store.is_directory", path=str(p))
        if p.exists() and not p.is_file():  # a FIFO or a device: reading it could block for ever
            raise StoreError("store.not_regular", path=str(p))
        if not p.exists():
            if not create:
                raise StoreError("store.missing", path=str(p))
            _create_owner_only(p)
        elif p.stat().st_mode & 0o077:
            with contextlib.suppress(OSError):
                os.chmod(p, 0o600)
        try:
            conn = sqlite3.connect(p, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as e:
            raise StoreError("store.cannot_open", path=str(p), reason=str(e)) from e
        store = cls(p, conn)
        try:
            kind = file_kind(conn)
            if kind == "foreign" or (kind == "empty" and not create):
                raise StoreError("store.not_desk" if kind == "foreign" else "store.empty", path=str(p))
            store._configure()
            if migrate:
                store._migrate()
            elif store.user_version() > SCHEMA_VERSION:
                raise StoreError("store.newer", path=str(p), version=store.user_version(), supported=SCHEMA_VERSION)
            if store.user_version() >= 4:
                watch_sealed_rows(conn)
        except sqlite3.DatabaseError as e:
            conn.close()
            text = str(e).lower()
            if "not a database" in text or "malformed" in text or "corrupt" in text:
                raise StoreError("store.corrupt", path=str(p)) from e
            if "locked" in text or "busy" in text:
                raise StoreError("store.busy", path=str(p)) from e
            if "disk" in text and "full" in text:
                raise StoreError("store.disk_full", path=str(p)) from e
            raise StoreError("store.cannot_open", path=str(p), reason=str(e)) from e
        except BaseException:
            conn.close()
            raise
        return store

    def _configure(self) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.DatabaseError(f"cannot use WAL journal mode ({mode})")
        c.execute("PRAGMA synchronous = FULL")

    def _migrate(self) -> None:
        version = self.user_version()
        if version > SCHEMA_VERSION:
            raise StoreError("store.newer", path=str(self.path), version=version, supported=SCHEMA_VERSION)
        if version == SCHEMA_VERSION:
            return
        with self.write():
            # Another window may have migrated while this one waited for the write lock.
            for number in range(self.user_version() + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[number - 1](self.schema())
                self.conn.execute(f"PRAGMA user_version = {number}")

    def schema(self) -> sqlite_utils.Database:
        """sqlite-utils on this connection, for the migrations: imported only when a file needs one (a desk
        opening an up-to-date file never pays for it)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def user_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[Store]:
        """One write transaction: everything inside commits together or not at all."""
        if self.conn.in_transaction:
            yield self  # already inside this store's transaction: join it
            return
        self._begin_immediate()
        self._pending = []
        self._forget_touched()  # rows changed on this connection outside the desk's transactions are not its own
        try:
            yield self
            self._seal()
        except BaseException:
            self._pending = []
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
                self._forget_touched()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as e:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise _os_store_error(e, self.path) from e

    def _forget_touched(self) -> None:
        with contextlib.suppress(sqlite3.OperationalError):  # no such table: a file of an older schema
            self.conn.execute("DELETE FROM temp.seal_touched")

    def _seal(self) -> None:
        """Chain the transaction's events, the last one holding the hashes of the rows the transaction changed."""
        touched = self._touched()
        if not self._pending:
            if touched:
                raise RuntimeError(f"a change with no event: {touched[:3]}")
            return
        seals = [[table, key, self._row_hash(table, key)] for table, key in touched]
        first = self._pending[0]
        prev = self.scalar("SELECT hash FROM events WHERE seq = ?", (first - 1,)) or GENESIS
        rows = self.conn.execute(
            "SELECT seq, case_no, action, by_staff, at, tz, detail FROM events "
            "WHERE seq >= ? AND seq <= ? ORDER BY seq",
            (first, self._pending[-1]),
        ).fetchall()
        for seq, case_no, action, by, at, tz, detail in rows:
            sealed = dumps(seals) if seq == self._pending[-1] and seals else None
            prev = event_hash(prev, seq, case_no, action, by, at, tz, detail, sealed)
            self.conn.execute("UPDATE events SET hash = ?, seals = ? WHERE seq = ?", (prev, sealed, seq))
        self._pending = []
        self._forget_touched()

    def _touched(self) -> list[tuple[str, Any]]:
        try:
            return [
                (str(t), k) for t, k in self.conn.execute("SELECT tbl, key FROM temp.seal_touched ORDER BY tbl, key")
            ]
        except sqlite3.OperationalError:  # no such table: a file of an older schema, nothing is sealed
            return []

    def _row_hash(self, table: str, key: Any) -> str | None:
        """The row's hash as it stands, or None for a row that is gone."""
        row = self.one(f"SELECT * FROM {table} WHERE {SEALED[table]} = ?", (key,))
        return None if row is None else row_hash(table, row)

    @contextlib.contextmanager
    def read(self) -> Iterator[Store]:
        """Several reads that must see one moment of the file (a report), while other windows write."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def _begin_immediate(self) -> None:
        delay = 0.05
        for attempt in range(WRITE_RETRIES):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise _os_store_error(e, self.path) from e
                if attempt == WRITE_RETRIES - 1:
                    raise StoreError("store.busy", path=str(self.path)) from e
                time.sleep(delay)  # the busy timeout already waited; back off before asking again
                delay *= 2

    # --- reading -------------------------------------------------------------------------------------------

    def one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> dict[str, Any] | None:
        cur = self.conn.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def all(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def login_failures(self, code: str, since: str) -> tuple[str | None, int]:
        """For a staff code since a moment: the last of its good log-in, lock or unlock (None: none), and its wrong
        PINs after that (the `at` index bounds both searches)."""
        last = self.one(
            "SELECT seq, action FROM events WHERE at >= :since AND action IN ('login', 'lock', 'unlock') "
            "AND json_extract(detail, '$.code') = :code ORDER BY seq DESC LIMIT 1",
            {"since": since, "code": code},
        )
        failures = self.scalar(
            "SELECT count(*) FROM events WHERE at >= :since AND action = 'login_refused' "
            "AND json_extract(detail, '$.code') = :code AND seq > :after",
            {"since": since, "code": code, "after": 0 if last is None else last["seq"]},
        )
        return (None if last is None else str(last["action"])), int(failures or 0)

    def purge_people(self, closed_before: str, now: str) -> list[str]:
        """Delete the personal data (and its salt) of visitors whose cases were all closed before a moment; the
        chain keeps only their keyed hashes, which nothing can now be checked against. Returns the cases."""
        rows = self.all(
            "SELECT c.no, c.person_id FROM cases c JOIN people p ON p.id = c.person_id "
            "WHERE c.status = 'closed' AND c.closed_at < ? AND p.purged_at IS NULL",
            (closed_before,),
        )
        ids = sorted({r["person_id"] for r in rows})
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            self.conn.execute(
                "UPDATE people SET salt = NULL, name = NULL, phone = NULL, id_number = NULL, org = NULL, "
                "address = NULL, initials = NULL, phone_digits = NULL, purged_at = ? "
                f"WHERE id IN ({', '.join('?' * len(part))})",
                (now, *part),
            )
        return sorted(r["no"] for r in rows)

    def data_version(self) -> int:
        """SQLite's PRAGMA data_version: it changes when another connection commits (cheap, no file read)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def policy(self) -> dict[str, Any]:
        return {r["key"]: json.loads(r["value"]) for r in self.all("SELECT key, value FROM policy")}

    def set_policy(self, values: Mapping[str, Any]) -> None:
        self.conn.executemany(
            "INSERT INTO policy (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, dumps(v)) for k, v in values.items()],
        )

    def case_row(self, no: str) -> dict[str, Any] | None:
        return self.one("SELECT * FROM cases WHERE no = ?", (no,))

    def person(self, person_id: int) -> dict[str, Any] | None:
        return self.one("SELECT * FROM people WHERE id = ?", (person_id,))

    def case_events(self, no: str) -> list[dict[str, Any]]:
        return self.all(
            "SELECT seq, case_no, action, by_staff, at, tz, detail FROM events WHERE case_no = ? ORDER BY seq", (no,)
        )

    def case_events_after(self, no: str, version: int) -> list[dict[str, Any]]:
        """The case's events since it was at `version` (version n is the case after its n-th event)."""
        return self.all(
            "SELECT seq, action, by_staff, at FROM events WHERE case_no = ? ORDER BY seq LIMIT -1 OFFSET ?",
            (no, max(version, 0)),
        )

    def last_case_event(self, no: str) -> dict[str, Any] | None:
        return self.one(
            "SELECT seq, action, by_staff, at, detail FROM events WHERE case_no = ? ORDER BY seq DESC LIMIT 1", (no,)
        )

    def next_case_no(self, day: str) -> str:
        """The next number of the day, e.g. 20261123-0007, readable at a window and sortable."""
        prefix = day.replace("-", "")
        last = self.scalar(
            "SELECT max(CAST(substr(no, 10) AS INTEGER)) FROM cases WHERE no >= ? AND no < ?",
            (prefix + "-", prefix + "."),
        )
        return f"{prefix}-{(last or 0) + 1:04d}"

    def head(self) -> tuple[int, str]:
        row = self.conn.execute("SELECT seq, hash FROM events WHERE seq = (SELECT max(seq) FROM events)").fetchone()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def scan_candidates(self, b: Mapping[str, Any]) -> list[str]:
        """Cases where a time rule may have a breach not yet recorded; each branch is an indexed search."""
        states = ", ".join("?" * len(b["open"]))
        o = list(b["open"])
        sql = (
            f"SELECT no FROM cases WHERE status IN ({states}) AND first_response_at IS NULL AND created_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'OWN-3:' || no) "
            f"UNION SELECT no FROM cases WHERE status IN ({states}) AND kind = 'application' "
            "AND matter_code IS NOT NULL AND notified_at IS NULL AND accepted_at IS NULL AND created_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'NOT-4:' || no) "
            f"UNION SELECT no FROM cases WHERE status IN ({states}) AND due < ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'TIME-2:' || no || ':' || due) "
            "UNION SELECT no FROM cases WHERE status = 'in_progress' AND last_contact_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'TIME-5:' || no || ':' || last_contact_at) "
            "UNION SELECT no FROM cases WHERE status = 'handoff_pending' AND pending_since <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'HO-4:' || no || ':' || pending_since) "
            "UNION SELECT no FROM cases WHERE rating IN (1, 2) AND remedied_at IS NULL AND rated_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'RATE-2:' || no || ':' || rated_at) "
            "ORDER BY no"
        )
        args = [*o, b["own3"], *o, b["not4"], *o, b["today"], b["time5"], b["ho4"], b["rate2"]]
        return [r[0] for r in self.conn.execute(sql, args)]

    # --- the day's figures (SPEC §9): every count is an SQL aggregate over one day's rows -----------------

    def day_figures(self, start: str, end: str) -> dict[str, Any]:
        """Counts of what happened in [start, end): check-ins, actions, ratings, violations, hand-off times."""
        span = {"start": start, "end": end}
        received = self.all(
            "SELECT channel, kind, first_asker, count(*) AS n FROM cases "
            "WHERE created_at >= :start AND created_at < :end GROUP BY channel, kind, first_asker",
            span,
        )
        actions = self.all(
            "SELECT action, by_staff, count(*) AS n, "
            "sum(json_extract(detail, '$.second') = 1) AS second, "
            "sum(json_extract(detail, '$.status[1]') = 'resolved' AND json_extract(detail, '$.status[0]') "
            "!= 'resolved') AS to_resolved, "
            "sum(action = 'resolve' AND json_extract(detail, '$.on_time') = 1) AS on_time "
            "FROM events WHERE at >= :start AND at < :end AND case_no IS NOT NULL GROUP BY action, by_staff",
            span,
        )
        ratings = self.all(
            "SELECT json_extract(detail, '$.level') AS level, count(*) AS n FROM events "
            "WHERE at >= :start AND at < :end AND action = 'rate' GROUP BY level",
            span,
        )
        bad = self.all(
            "SELECT e.case_no, json_extract(e.detail, '$.level') AS level, e.at, "
            "json_extract(e.detail, '$.owner') AS owner, "
            "(SELECT min(r.at) FROM events r WHERE r.case_no = e.case_no AND r.action = 'remedy' AND r.seq > e.seq "
            " AND r.at < :end) AS remedied_at "
            "FROM events e WHERE e.at >= :start AND e.at < :end AND e.action = 'rate' "
            "AND json_extract(e.detail, '$.level') IN (1, 2) ORDER BY e.seq",
            span,
        )
        violations = self.all(
            "SELECT rule, staff, count(*) AS n, sum(decision IS NULL OR reviewed_at >= :end) AS open "
            "FROM violations "
            "WHERE at >= :start AND at < :end GROUP BY rule, staff",
            span,
        )
        handoff_waits = self.all(
            "SELECT a.at AS accepted_at, (SELECT h.at FROM events h WHERE h.case_no = a.case_no "
            "AND h.action = 'hand_off' AND h.seq < a.seq ORDER BY h.seq DESC LIMIT 1) AS handed_at "
            "FROM events a WHERE a.at >= :start AND a.at < :end AND a.action = 'accept_handoff'",
            span,
        )
        first_responses = self.all(
            "SELECT first_asker, created_at, first_response_at FROM cases WHERE created_at >= :start "
            "AND created_at < :end AND first_response_at IS NOT NULL AND first_response_at < :end",
            span,
        )
        return {
            "received": received,
            "actions": actions,
            "ratings": ratings,
            "bad_ratings": bad,
            "violations": violations,
            "handoff_waits": handoff_waits,
            "first_responses": first_responses,
        }

    def find_people(
        self, column: str, prefix: str, limit: int, open_states: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Visitors whose `column` starts with `prefix` (an index range), newest first, one row per name+phone,
        each with their cases in `open_states` as a JSON list (`open_cases`): one query for the whole list."""
        assert column in ("phone_digits", "initials", "name")
        marks = ", ".join("?" * len(open_states)) or "NULL"
        # The newest 500 ids come from the index alone (a partial index of named people, or the name's own), and
        # only those 500 rows are read: a short prefix ("138", "z") matches tens of thousands of visitors. Their
        # open cases are looked up for the few visitors listed only, each by the cases' person_id index.
        return self.all(
            "WITH hits AS (SELECT id, name, phone, id_number, org, address, created_at FROM people WHERE id IN "
            f"(SELECT id FROM people WHERE {column} >= ? AND {column} < ? AND name IS NOT NULL "
            "ORDER BY id DESC LIMIT 500)), "
            "top AS (SELECT name, phone, id_number, org, address, count(*) AS visits, max(created_at) AS last_seen "
            "FROM hits GROUP BY name, phone ORDER BY last_seen DESC LIMIT ?) "
            "SELECT top.*, (SELECT json_group_array(json_object("
            "'no', c.no, 'version', c.version, 'status', c.status, 'channel', c.channel, 'kind', c.kind, "
            "'summary', c.summary, 'matter', json_extract(c.matter, '$.name'), "
            "'matter_kind', json_extract(c.matter, '$.kind'), 'owner', c.owner, 'first_asker', c.first_asker, "
            "'due', c.due, 'due_provisional', c.due_provisional, 'created_at', c.created_at, "
            "'pending_to', c.pending_to, 'pending_from', c.pending_from, 'pending_since', c.pending_since, "
            "'anonymous', c.anonymous, 'about_staff', c.about_staff)) "
            "FROM hits h JOIN cases c ON c.person_id = h.id "
            f"WHERE h.name = top.name AND h.phone IS top.phone AND c.status IN ({marks})) AS open_cases "
            "FROM top ORDER BY last_seen DESC",
            (prefix, prefix + "\U0010ffff", limit, *open_states),
        )

    def case_numbers_ending(self, tail: str, today_prefix: str, open_states: Sequence[str]) -> list[str]:
        """Case numbers ending in `-tail` (a four-digit tail): the open cases of any day, and any case of today
        (a slip in the visitor's hand), newest first. Each branch is an index range."""
        marks = ", ".join("?" * len(open_states))
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT no FROM cases WHERE status IN ({marks}) AND substr(no, 10) = ? "
                "UNION SELECT no FROM cases WHERE no = ? ORDER BY no DESC LIMIT 20",
                [*open_states, tail, f"{today_prefix}-{tail}"],
            )
        ]

    def first_event_at(self, no: str, action: str) -> str | None:
        """When a case first had an action (its first notice, say), or None."""
        at = self.scalar("SELECT at FROM events WHERE case_no = ? AND action = ? ORDER BY seq LIMIT 1", (no, action))
        return None if at is None else str(at)

    def declines_to(self, code: str, since: str) -> list[dict[str, Any]]:
        """Hand-offs declined back to `code` since a moment: (case_no, at, by_staff, reason), oldest first."""
        return self.all(
            "SELECT case_no, at, by_staff, json_extract(detail, '$.reason') AS reason FROM events "
            "WHERE at >= ? AND action = 'decline_handoff' AND json_extract(detail, '$.back_to') = ? ORDER BY seq",
            (since, code),
        )

    def states_at(self, moment: str, statuses: Sequence[str]) -> list[dict[str, Any]]:
        """The cases whose status at `moment` was one of `statuses`, with their owner and due date then."""
        marks = ", ".join("?" * len(statuses))
        # Two index ranges: the stretches still current, and those that ended after the moment. (With the two
        # joined by OR, SQLite would read every stretch of each status back to the first case.)
        columns = "SELECT case_no AS no, status, owner, due, pending_to FROM case_states"
        return self.all(
            f"{columns} WHERE status IN ({marks}) AND valid_to IS NULL AND valid_from < ? "
            f"UNION ALL {columns} WHERE status IN ({marks}) AND valid_to >= ? AND valid_from < ? "
            "ORDER BY no",
            [*statuses, moment, *statuses, moment, moment],
        )

    def overdue_counts(self, days: Sequence[tuple[str, str]], statuses: Sequence[str]) -> dict[str, int]:
        """For each (day, moment): how many cases were in one of `statuses` at `moment` with a due date before `day`
        (the trend's overdue line, SPEC §9: as `states_at` row by row, counted in the index in one query)."""
        if not days:
            return {}
        marks = ", ".join("?" * len(statuses))
        count = f"SELECT count(*) FROM case_states WHERE status IN ({marks})"
        sql = (
            f"WITH moments(day, at) AS (VALUES {', '.join('(?, ?)' for _ in days)}) SELECT day, "
            f"({count} AND valid_to IS NULL AND valid_from < at AND due < day) + "
            f"({count} AND valid_to >= at AND valid_from < at AND due < day) FROM moments"
        )
        args = [value for pair in days for value in pair] + [*statuses, *statuses]
        return {day: int(n) for day, n in self.conn.execute(sql, args)}

    def staff_codes_at(self, moment: str) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT code FROM staff WHERE created_at < ?", (moment,))}

    def chain_at(self, moment: str) -> tuple[int, str]:
        """The chain's head as it stood at a moment: its last event written before then."""
        row = self.conn.execute(
            "SELECT seq, hash FROM events WHERE seq = (SELECT max(seq) FROM events WHERE at < ?)", (moment,)
        ).fetchone()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    # --- writing (inside `write()`) ------------------------------------------------------------------------

    def append_event(
        self, case_no: str | None, action: str, by: str | None, at: str, tz: str, detail: Mapping[str, Any]
    ) -> int:
        """Append an event to the open transaction; its hash is set when the transaction commits (`_seal`)."""
        if not self.conn.in_transaction:
            raise RuntimeError("an event outside a write transaction")
        seq = int(self.scalar("SELECT coalesce(max(seq), 0) FROM events")) + 1
        self.conn.execute(
            "INSERT INTO events (seq, case_no, action, by_staff, at, tz, detail, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '')",
            (seq, case_no, action, by, at, tz, dumps(dict(detail))),
        )
        self._pending.append(seq)
        return seq

    def record_state(self, case_no: str, seq: int, at: str, state: Mapping[str, Any]) -> None:
        """Close the case's current stretch and open the next: what stood when, for reports of past days."""
        self.conn.execute("UPDATE case_states SET valid_to = ? WHERE case_no = ? AND valid_to IS NULL", (at, case_no))
        self.conn.execute(
            "INSERT INTO case_states (case_no, seq, valid_from, status, owner, due, pending_to) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_no, seq, at, state["status"], state["owner"], state.get("due"), state.get("pending_to")),
        )

    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        cols = list(row)
        cur = self.conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", [row[c] for c in cols]
        )
        return int(cur.lastrowid or 0)

    def update(self, table: str, key: str, value: Any, changes: Mapping[str, Any]) -> None:
        cols = list(changes)
        self.conn.execute(
            f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE {key} = ?",
            [*[changes[c] for c in cols], value],
        )

    def upsert(self, table: str, key: str, row: Mapping[str, Any]) -> None:
        cols = list(row)
        sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != key)
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {sets}",
            [row[c] for c in cols],
        )

    def new_person(self, fields: Mapping[str, Any], created_at: str) -> tuple[int, str]:
        """Store a visitor's personal data with a fresh salt; return its id and the keyed hash for the chain."""
        salt = secrets.token_hex(16)
        pid = self.insert("people", {"salt": salt, "created_at": created_at, **fields})
        return pid, person_hash(salt, _personal(fields))

    # --- verifying the history -----------------------------------------------------------------------------

    def verify(self, anchor: tuple[int, str] | None = None, *, state: bool = True) -> VerifyResult:
        """The chain (every event's hash, in order; with an anchor, that it was neither cut nor recomputed), then,
        with `state`, that every sealed row is as the history's last event about it left it."""
        chain = self._verify_chain(anchor)
        if not chain.ok or not state or self.user_version() < 4:
            return chain
        return self._verify_state(chain)

    def _verify_chain(self, anchor: tuple[int, str] | None) -> VerifyResult:
        prev, expected, count = GENESIS, 1, 0
        sealed = self.user_version() >= 4
        cur = self.conn.execute(
            "SELECT seq, case_no, action, by_staff, at, tz, detail, hash, "
            f"{'seals' if sealed else 'NULL'} FROM events ORDER BY seq"
        )
        anchor_hash: str | None = None
        for seq, case_no, action, by, at, tz, detail, digest, seals in cur:
            if seq != expected:
                return VerifyResult(False, count, prev, expected, "verify.missing", {"seq": expected, "found": seq})
            if event_hash(prev, seq, case_no, action, by, at, tz, detail, seals) != digest:
                return VerifyResult(
                    False,
                    count,
                    prev,
                    seq,
                    "verify.mismatch",
                    {"seq": seq, "action": action, "case": case_no or "-", "at": at},
                )
            prev, count, expected = digest, count + 1, expected + 1
            if anchor and seq == anchor[0]:
                anchor_hash = digest
        if anchor:
            want_count, want_hash = anchor
            if count < want_count:
                return VerifyResult(False, count, prev, count + 1, "verify.cut", {"count": count, "anchor": want_count})
            if anchor_hash != want_hash:
                return VerifyResult(False, count, prev, want_count, "verify.rewritten", {"seq": want_count})
        return VerifyResult(True, count, prev)

    def _verify_state(self, chain: VerifyResult) -> VerifyResult:
        """Each sealed row against the seal of the last event that changed it: a row changed, added or removed
        behind the desk is named (table, key, and the column where the event tells it)."""
        c = self.conn
        c.execute("DROP TABLE IF EXISTS temp.seal_latest")
        # Keys as text, whatever their column's type, so that each row finds its seal through the index.
        c.execute(
            "CREATE TEMP TABLE seal_latest (tbl TEXT NOT NULL, key TEXT NOT NULL, hash TEXT, "
            "seq INTEGER NOT NULL, PRIMARY KEY (tbl, key))"
        )
        try:
            # Later events replace earlier seals of the same row: what is left is each row's last word.
            c.execute(
                "INSERT OR REPLACE INTO temp.seal_latest SELECT json_extract(j.value, '$[0]'), "
                "json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), e.seq "
                "FROM events e JOIN json_each(e.seals) j WHERE e.seals IS NOT NULL ORDER BY e.seq, j.id"
            )
            for table, key in SEALED.items():
                found = self._check_table(table, key)
                if found is not None:
                    return VerifyResult(False, chain.count, chain.head, found[1], found[0], found[2])
        finally:
            c.execute("DROP TABLE IF EXISTS temp.seal_latest")
        return chain

    def _check_table(self, table: str, key: str) -> tuple[str, int | None, dict[str, Any]] | None:
        cur = self.conn.execute(
            f"SELECT s.hash, s.seq, s.tbl IS NOT NULL, t.* FROM main.{table} t "
            f"LEFT JOIN temp.seal_latest s ON s.tbl = ? AND s.key = CAST(t.{key} AS TEXT) ORDER BY t.{key}",
            (table,),
        )
        names = [d[0] for d in cur.description][3:]
        for seal, seq, known, *values in cur:
            row = dict(zip(names, values, strict=True))
            where = {"table": table, "key": row[key]}
            if not known:
                return "verify.row_unrecorded", None, where
            if seal != row_hash(table, row):
                column = self._column_hint(table, row)
                return (
                    "verify.row_changed_column" if column else "verify.row_changed",
                    int(seq),
                    {**where, "column": column or "", "seq": seq},
                )
        gone = self.conn.execute(
            f"SELECT key, seq FROM temp.seal_latest s WHERE tbl = ? AND hash IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM main.{table} t WHERE t.{key} = s.key) ORDER BY key LIMIT 1",
            (table,),
        ).fetchone()
        if gone is not None:
            return "verify.row_missing", int(gone[1]), {"table": table, "key": gone[0], "seq": gone[1]}
        return None

    def _column_hint(self, table: str, row: Mapping[str, Any]) -> str | None:
        """Which column disagrees, where the last event about the row says what it set (read on a failure only)."""
        if table == "cases":
            events = self.all(
                "SELECT action, by_staff, detail FROM events WHERE case_no = ? ORDER BY seq DESC", (row["no"],)
            )
        elif table in ("staff", "policy", "violations"):
            actions = {
                "staff": ("add_staff", "set_active", "set_absent"),
                "policy": ("set_policy",),
                "violations": ("review",),
            }[table]
            marks = ", ".join("?" * len(actions))
            events = self.all(
                f"SELECT action, by_staff, detail FROM events WHERE action IN ({marks}) ORDER BY seq DESC", actions
            )
        else:
            return None
        said: dict[str, Any] = {}
        for event in events:  # newest first: each column's latest word
            detail = {**json.loads(event["detail"]), "by": event["by_staff"]}
            for column, value in _said(table, event["action"], detail, row):
                said.setdefault(column, value)
        return next((column for column, value in said.items() if row.get(column) != value), None)


def _said(table: str, action: str, detail: Mapping[str, Any], row: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """The columns an event about the row names the new value of (empty when the event is about another row)."""
    if table == "cases":
        if action == "check_in":
            yield from (("owner", detail["by"]), ("first_asker", detail["by"]), ("kind", detail.get("kind")))
        status = detail.get("status")
        if isinstance(status, list) and len(status) == 2:
            yield "status", status[1]
        if action == "accept_handoff":
            yield "owner", detail.get("owner")
        if action == "accept":
            yield "due", detail.get("due")
        if action == "extend" and isinstance(detail.get("due"), list):
            yield "due", detail["due"][1]
        if action == "rate":
            yield "rating", detail.get("level")
    elif table == "staff" and action == "add_staff" and detail.get("code") == row.get("code"):
        yield from ((k, detail.get(k)) for k in ("name", "role", "backup"))
    elif table == "staff" and action in ("set_active", "set_absent") and detail.get("staff") == row.get("code"):
        yield action[4:], int(bool(detail.get(action[4:])))
    elif table == "policy" and action == "set_policy" and row.get("key") in detail.get("values", {}):
        yield "value", dumps(detail["values"][row["key"]])
    elif table == "violations" and action == "review" and detail.get("violation") == row.get("id"):
        yield "decision", detail.get("decision")


PERSONAL_FIELDS = ("name", "phone", "id_number", "org", "address")


def _personal(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: fields.get(k) for k in PERSONAL_FIELDS}


def _os_store_error(e: sqlite3.OperationalError, path: Path) -> StoreError:
    text = str(e).lower()
    # A full disk or a file-size limit: SQLite says SQLITE_FULL, or fails the write itself (SQLITE_IOERR_WRITE).
    if "full" in text or getattr(e, "sqlite_errorname", "") in ("SQLITE_FULL", "SQLITE_IOERR_WRITE"):
        return StoreError("store.disk_full", path=str(path))
    if "locked" in text or "busy" in text:
        return StoreError("store.busy", path=str(path))
    if "readonly" in text or "read-only" in text:
        return StoreError("store.unwritable", path=str(path))
    return StoreError("store.os_error", path=str(path), reason=str(e))
