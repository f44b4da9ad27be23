"""The desk file's schema: its migrations (each run once, in order, in one transaction), its mark, its kind.

A file says it is a desk file in its header (`PRAGMA application_id`); `file_kind` reads that and the tables only,
so a command can refuse another program's file before writing anything to it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from firstask.store.chain import checkpoint
from firstask.store.errors import StoreError

if TYPE_CHECKING:
    import sqlite_utils

# Every desk file says so in its header (`PRAGMA application_id`, "fAsk"): another application's SQLite file is
# refused, never migrated into a desk.
APPLICATION_ID = 0x6641736B


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


def _migration_5(db: sqlite_utils.Database) -> None:
    """Service guides (issue 17): each version of a matter's guide once, under the hash of its text (a case refers to
    the guide it was checked in with by that hash, so a million cases do not each carry a copy); a matter names its
    current one."""
    db.execute("CREATE TABLE guides (hash TEXT PRIMARY KEY, guide TEXT NOT NULL) WITHOUT ROWID")
    db.table("matters").add_column("guide", str)


def _migration_6(db: sqlite_utils.Database) -> None:
    """The hall's windows on its LAN (issue 19): each window a supervisor registered, the hash of its one-time
    enrolment code until a browser uses it, then the hash of that browser's token, until revoked. Hashes only: a
    copy of the file lets nobody in."""
    db.execute(
        "CREATE TABLE hall_windows (number INTEGER PRIMARY KEY, name TEXT NOT NULL, code_hash TEXT, "
        "code_expires TEXT, token_hash TEXT UNIQUE, enrolled_at TEXT, revoked_at TEXT, "
        "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
    db.execute("CREATE UNIQUE INDEX idx_hall_windows_code ON hall_windows (code_hash) WHERE code_hash IS NOT NULL")


def _migration_7(db: sqlite_utils.Database) -> None:
    """好差评 at the window (issue 20): every rating of a service, whatever its channel, and what asked for it — the
    window's pad (a request that is answered or expires) or a slip's QR link (a token's hash, used once) — with its
    rectification (RATE-2) and its appeal (RATE-6). Each window may have a pad enrolled beside it, and names who is
    serving there. The callbacks' ratings recorded before are carried over from the history."""
    db.execute(
        "CREATE TABLE ratings (id INTEGER PRIMARY KEY, case_no TEXT NOT NULL REFERENCES cases (no), "
        "service_seq INTEGER, service TEXT, channel TEXT NOT NULL, window TEXT, staff TEXT, "
        "asked_at TEXT NOT NULL, expires_at TEXT, token_hash TEXT UNIQUE, "
        "level INTEGER, reasons TEXT, comment TEXT, rated_at TEXT, closed_at TEXT, remedied_at TEXT, "
        "appeal_kind TEXT, appeal_reason TEXT, appealed_at TEXT, "
        "decision TEXT, decision_reason TEXT, decided_by TEXT, decided_at TEXT, voided_at TEXT)"
    )
    db.execute("CREATE INDEX idx_ratings_case ON ratings (case_no, service_seq)")
    db.execute("CREATE INDEX idx_ratings_rated ON ratings (rated_at) WHERE level IS NOT NULL")
    db.execute("CREATE INDEX idx_ratings_remedy ON ratings (level, remedied_at, voided_at, rated_at)")
    db.execute(
        "CREATE INDEX idx_ratings_waiting ON ratings (window, asked_at) WHERE level IS NULL AND closed_at IS NULL"
    )
    db.execute("CREATE INDEX idx_ratings_appeals ON ratings (appealed_at) WHERE decided_at IS NULL")
    db.execute(
        "INSERT INTO ratings (case_no, service, channel, window, staff, asked_at, level, reasons, comment, rated_at, "
        "remedied_at) SELECT e.case_no, 'rate', 'callback', json_extract(e.detail, '$.window'), "
        "coalesce(json_extract(e.detail, '$.owner'), e.by_staff), e.at, json_extract(e.detail, '$.level'), '[]', "
        "coalesce(json_extract(e.detail, '$.comment'), ''), e.at, "
        "(SELECT min(r.at) FROM events r WHERE r.case_no = e.case_no AND r.action = 'remedy' AND r.seq > e.seq) "
        "FROM events e WHERE e.action = 'rate' ORDER BY e.seq"
    )
    for column in ("pad_code_hash", "pad_code_expires", "pad_token_hash", "pad_enrolled_at", "serving", "serving_at"):
        db.execute(f"ALTER TABLE hall_windows ADD COLUMN {column} TEXT")
    db.execute("CREATE UNIQUE INDEX idx_hall_pads_code ON hall_windows (pad_code_hash) WHERE pad_code_hash IS NOT NULL")
    db.execute("CREATE UNIQUE INDEX idx_hall_pads_token ON hall_windows (pad_token_hash)")
    if db.execute("SELECT 1 FROM ratings LIMIT 1").fetchone():
        checkpoint(db.conn, tables=("ratings",))


def _migration_8(db: sqlite_utils.Database) -> None:
    """A district supervisor may look into one centre (issue 21): on PostgreSQL a role for it, reading one centre as
    its windows do, never its visitors. A file is one centre's: nothing in it changes."""


def _district_look() -> Sequence[str]:
    from firstask.store import pg_schema

    return pg_schema.district_look()


def _migration_9(db: sqlite_utils.Database) -> None:
    """What a PostgreSQL desk's write asks of its server, less (issue 21): the rows a transaction changed are noted
    whole by the triggers, and the events' hashes filled by a function planned once. A file's seals are its own
    temporary triggers': nothing in it changes."""


def _sealing_rows() -> Sequence[str]:
    from firstask.store import pg_schema

    return pg_schema.sealing_rows()


@dataclass(frozen=True)
class Migration:
    """One numbered step of the schema, for both engines. `sqlite` changes a desk file; `postgresql` gives the
    statements for a district's database — none up to PostgreSQL's baseline (`pg_schema.BASELINE_VERSION`), whose
    schema is every step until then at once. Called, it is the file's step (as the steps were before PostgreSQL)."""

    sqlite: Callable[[sqlite_utils.Database], None]
    postgresql: Callable[[], Sequence[str]] | None = None

    def __call__(self, db: sqlite_utils.Database) -> None:
        self.sqlite(db)


MIGRATIONS: Sequence[Migration] = (
    Migration(_migration_1),
    Migration(_migration_2),
    Migration(_migration_3),
    Migration(_migration_4),
    Migration(_migration_5),
    Migration(_migration_6),
    Migration(_migration_7),
    Migration(_migration_8, _district_look),
    Migration(_migration_9, _sealing_rows),
)
SCHEMA_VERSION = len(MIGRATIONS)


def create_owner_only(path: Path) -> None:
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
