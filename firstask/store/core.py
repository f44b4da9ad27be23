"""The store: a desk file open on one connection. Every write goes through `Store.write()`, one `BEGIN IMMEDIATE`
transaction (a deferred BEGIN would fail at once with "database is locked" when its first write meets another
window's, whatever the busy timeout); its events are chained and the rows it changed sealed when it commits.

This package is the only code that speaks SQL: `schema` (migrations), `chain` (hashes, seals, verify), `reads` and
`figures` (named reads), `backup` (copies and restores of the file).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from firstask.store.chain import (
    GENESIS,
    SEALED,
    VerifyResult,
    dumps,
    event_hash,
    person_hash,
    personal_fields,
    row_hash,
    verify_chain,
    verify_state,
    watch_sealed_rows,
)
from firstask.store.errors import StoreError, os_store_error
from firstask.store.figures import FigureReads
from firstask.store.schema import MIGRATIONS, SCHEMA_VERSION, create_owner_only, file_kind

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 5000
WRITE_RETRIES = 6


class Store(FigureReads):
    """A desk file, open: its transactions, its writes and its named reads (`Reads`, `FigureReads`)."""

    engine = "sqlite"

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._pending: list[int] = []  # events appended in the open transaction, hashed when it commits
        self._appended: dict[int, tuple[Any, ...]] = {}  # those events as sent (`append_event`)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True, migrate: bool = True) -> Self:
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
            create_owner_only(p)
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

    def location(self) -> Path | str:
        """What opens this desk again (another connection: the app's background reader): the file's path."""
        return self.path

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def documents_dir(self) -> Path:
        """Where the documents printed for visitors are kept: beside the file, in `<name>-documents/`."""
        return self.path.with_name(self.path.stem + "-documents")

    def total_changes(self) -> int:
        """Rows this connection has changed since it opened: with `data_version`, whether a write was its own."""
        return self.conn.total_changes

    @contextlib.contextmanager
    def write(self) -> Iterator[Self]:
        """One write transaction: everything inside commits together or not at all."""
        if self.conn.in_transaction:
            yield self  # already inside this store's transaction: join it
            return
        self._begin_immediate()
        self._pending = []
        self._appended = {}
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
            raise os_store_error(e, self.path) from e

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
        first, last = self._pending[0], self._pending[-1]
        hashes, prev, rows = self._sealing_reads(touched, first, last)
        seals = [[table, key, digest] for (table, key), digest in zip(touched, hashes, strict=True)]
        for seq, case_no, action, by, at, tz, detail in rows:
            sealed = dumps(seals) if seq == last and seals else None
            prev = event_hash(prev, seq, case_no, action, by, at, tz, detail, sealed)
            self._set_hash(seq, prev, sealed)
        self._sealed(last, prev)
        self._pending = []
        self._forget_touched()

    def _sealing_reads(
        self, touched: Sequence[tuple[str, Any]], first: int, last: int
    ) -> tuple[list[str | None], str, list[Any]]:
        """What sealing reads: the touched rows' hashes, the hash the transaction's events follow, its events."""
        hashes = [self._row_hash(table, key) for table, key in touched]
        prev = self.scalar("SELECT hash FROM events WHERE seq = ?", (first - 1,)) or GENESIS
        rows = self.execute(
            "SELECT seq, case_no, action, by_staff, at, tz, detail FROM events "
            "WHERE seq >= ? AND seq <= ? ORDER BY seq",
            (first, last),
        ).fetchall()
        return hashes, str(prev), list(rows)

    def _set_hash(self, seq: int, digest: str, seals: str | None) -> None:
        """An event's hash (and the last one's seals), filled once as its transaction commits."""
        self.conn.execute("UPDATE events SET hash = ?, seals = ? WHERE seq = ?", (digest, seals, seq))

    def _sealed(self, seq: int, digest: str) -> None:
        """The history now ends at `seq`: the file needs no note of it (the PostgreSQL store moves its centre's
        head and tells the other windows)."""

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
    def read(self) -> Iterator[Self]:
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
                    raise os_store_error(e, self.path) from e
                if attempt == WRITE_RETRIES - 1:
                    raise StoreError("store.busy", path=str(self.path)) from e
                time.sleep(delay)  # the busy timeout already waited; back off before asking again
                delay *= 2

    # --- writing (inside `write()`) ------------------------------------------------------------------------

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
            self.execute(
                "UPDATE people SET salt = NULL, name = NULL, phone = NULL, id_number = NULL, org = NULL, "
                "address = NULL, initials = NULL, phone_digits = NULL, purged_at = ? "
                f"WHERE id IN ({', '.join('?' * len(part))})",
                (now, *part),
            )
        return sorted(r["no"] for r in rows)

    def set_meta(self, key: str, value: str) -> None:
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def put_guide(self, guide: Mapping[str, Any]) -> str:
        """Keep a version of a guide (once: a guide already kept is not written again); return the hash it is known
        by. The hash is of its canonical text, so the same guide is one row however many matters and cases use it."""
        text = dumps(dict(guide))
        guide_hash = hashlib.sha256(text.encode()).hexdigest()[:32]
        self.execute("INSERT OR IGNORE INTO guides (hash, guide) VALUES (?, ?)", (guide_hash, text))
        return guide_hash

    def set_policy(self, values: Mapping[str, Any]) -> None:
        self.conn.executemany(
            "INSERT INTO policy (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, dumps(v)) for k, v in values.items()],
        )

    def append_event(
        self, case_no: str | None, action: str, by: str | None, at: str, tz: str, detail: Mapping[str, Any]
    ) -> int:
        """Append an event to the open transaction; its hash is set when the transaction commits (`_seal`)."""
        if not self.in_transaction:
            raise RuntimeError("an event outside a write transaction")
        seq = self._next_seq()
        event = (seq, case_no, action, by, at, tz, dumps(dict(detail)))
        self.execute(
            "INSERT INTO events (seq, case_no, action, by_staff, at, tz, detail, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '')",
            event,
        )
        self._pending.append(seq)
        self._appended[seq] = event  # as sent: the PostgreSQL store hashes it without reading it back
        return seq

    def _next_seq(self) -> int:
        return int(self.scalar("SELECT coalesce(max(seq), 0) FROM events")) + 1

    def settings_mark(self) -> Any:
        """A mark that moves whenever the staff or the policy may have changed (the desk keeps both while it
        stands): on a file, any write."""
        return self.data_version(), self.total_changes()

    def record_state(self, case_no: str, seq: int, at: str, state: Mapping[str, Any]) -> None:
        """Close the case's current stretch and open the next: what stood when, for reports of past days."""
        self.execute("UPDATE case_states SET valid_to = ? WHERE case_no = ? AND valid_to IS NULL", (at, case_no))
        self.execute(
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
        self.execute(
            f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE {key} = ?",
            [*[changes[c] for c in cols], value],
        )

    def upsert(self, table: str, key: str, row: Mapping[str, Any]) -> None:
        cols = list(row)
        sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != key)
        self.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {sets}",
            [row[c] for c in cols],
        )

    def new_person(self, fields: Mapping[str, Any], created_at: str) -> tuple[int, str]:
        """Store a visitor's personal data with a fresh salt; return its id and the keyed hash for the chain."""
        salt = secrets.token_hex(16)
        pid = self.insert("people", {"salt": salt, "created_at": created_at, **fields})
        return pid, person_hash(salt, personal_fields(fields))

    # --- verifying the history -----------------------------------------------------------------------------

    def verify(self, anchor: tuple[int, str] | None = None, *, state: bool = True) -> VerifyResult:
        """The chain (every event's hash, in order; with an anchor, that it was neither cut nor recomputed), then,
        with `state`, that every sealed row is as the history's last event about it left it."""
        chain = verify_chain(self.conn, anchor, sealed=self.user_version() >= 4)
        if not chain.ok or not state or self.user_version() < 4:
            return chain
        return verify_state(self.conn, chain)
