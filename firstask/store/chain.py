"""The hash-chained history: how events and rows are hashed, what seals the state, and how `verify` proves both.

Every event's hash covers the one before it; each write transaction's last event also holds the hashes of the rows
it changed (its seals), so a row edited behind the desk no longer matches the history's last word about it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firstask import i18n
from firstask.store.errors import StoreError

GENESIS = "0" * 64
# The tables whose rows the history seals, each by its key: every change the desk makes to one of their rows is
# committed with an event that holds the row's hash, so `verify` proves the state as well as the chain. (Not `meta`,
# the file's own notes: its desk id.)
SEALED: Mapping[str, str] = {
    "policy": "key",
    "staff": "code",
    "presence": "id",
    "matters": "code",
    "guides": "hash",
    "people": "id",
    "cases": "no",
    "case_states": "id",
    "violations": "id",
    "hall_windows": "number",
    "ratings": "id",
}
CHECKPOINT_ROWS = 10_000  # rows sealed per checkpoint event (a migration seals what was there before seals)


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


PERSONAL_FIELDS = ("name", "phone", "id_number", "org", "address")


def personal_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: fields.get(k) for k in PERSONAL_FIELDS}


def checkpoint(conn: sqlite3.Connection, tables: Sequence[str] | None = None) -> int:
    """Seal every row of the sealed tables as it stands, in events of CHECKPOINT_ROWS rows (inside a write
    transaction): for files written before seals, and for data loaded in bulk. Returns the events written."""
    stored_tz = conn.execute("SELECT value FROM policy WHERE key = 'timezone'").fetchone()
    tz = str(json.loads(stored_tz[0])) if stored_tz else "Asia/Shanghai"
    at = datetime.now().isoformat(timespec="seconds")  # noqa: DTZ005 (local time, as every event)
    part: list[list[Any]] = []
    written = 0

    def seal() -> None:
        nonlocal written
        seq, prev = head(conn)
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

    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, key in SEALED.items():
        if table not in present or (tables is not None and table not in tables):
            continue  # a later migration's table (this one runs inside an earlier migration), or not asked for
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


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM events WHERE seq = (SELECT max(seq) FROM events)").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


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
                # Not INSERT OR IGNORE: inside an upsert SQLite applies the upsert's own conflict handling to the
                # trigger's insert, so a row upserted twice in one transaction would fail on its second note.
                f"BEGIN INSERT INTO seal_touched SELECT '{table}', {ref}.{key} WHERE NOT EXISTS "
                f"(SELECT 1 FROM seal_touched WHERE tbl = '{table}' AND key = {ref}.{key}); END"
            )


def verify_chain(conn: sqlite3.Connection, anchor: tuple[int, str] | None, *, sealed: bool) -> VerifyResult:
    """Every event's hash, in order; with an anchor (a count and the hash there), that the chain was neither cut
    nor recomputed since. `sealed`: the file's events carry seals (schema 4 on)."""
    prev, expected, count = GENESIS, 1, 0
    cur = conn.execute(
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


def verify_state(conn: sqlite3.Connection, chain: VerifyResult) -> VerifyResult:
    """Each sealed row against the seal of the last event that changed it: a row changed, added or removed
    behind the desk is named (table, key, and the column where the event tells it)."""
    c = conn
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
            found = _check_table(conn, table, key)
            if found is not None:
                return VerifyResult(False, chain.count, chain.head, found[1], found[0], found[2])
    finally:
        c.execute("DROP TABLE IF EXISTS temp.seal_latest")
    return chain


def _check_table(conn: sqlite3.Connection, table: str, key: str) -> tuple[str, int | None, dict[str, Any]] | None:
    cur = conn.execute(
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
            column = column_hint(conn, table, row)
            return (
                "verify.row_changed_column" if column else "verify.row_changed",
                int(seq),
                {**where, "column": column or "", "seq": seq},
            )
    gone = conn.execute(
        f"SELECT key, seq FROM temp.seal_latest s WHERE tbl = ? AND hash IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM main.{table} t WHERE t.{key} = s.key) ORDER BY key LIMIT 1",
        (table,),
    ).fetchone()
    if gone is not None:
        return "verify.row_missing", int(gone[1]), {"table": table, "key": gone[0], "seq": gone[1]}
    return None


def column_hint(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> str | None:
    """Which column disagrees, where the last event about the row says what it set (read on a failure only).
    `conn`: anything with `execute(sql, params)` in SQLite's dialect (the PostgreSQL store passes itself)."""
    if table == "cases":
        events = _rows(
            conn, "SELECT action, by_staff, detail FROM events WHERE case_no = ? ORDER BY seq DESC", (row["no"],)
        )
    elif table in ("staff", "policy", "violations"):
        actions = {
            "staff": ("add_staff", "set_active", "set_absent"),
            "policy": ("set_policy",),
            "violations": ("review",),
        }[table]
        marks = ", ".join("?" * len(actions))
        events = _rows(
            conn, f"SELECT action, by_staff, detail FROM events WHERE action IN ({marks}) ORDER BY seq DESC", actions
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
        if action == "rate" or (action == "rate_visit" and detail.get("status", [None, None])[1] == "closed"):
            yield "rating", detail.get("level")
    elif table == "staff" and action == "add_staff" and detail.get("code") == row.get("code"):
        yield from ((k, detail.get(k)) for k in ("name", "role", "backup"))
    elif table == "staff" and action in ("set_active", "set_absent") and detail.get("staff") == row.get("code"):
        yield action[4:], int(bool(detail.get(action[4:])))
    elif table == "policy" and action == "set_policy" and row.get("key") in detail.get("values", {}):
        yield "value", dumps(detail["values"][row["key"]])
    elif table == "violations" and action == "review" and detail.get("violation") == row.get("id"):
        yield "decision", detail.get("decision")


def _rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
