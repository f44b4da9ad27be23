"""`firstask migrate-to postgresql://…?centre=C01` (issue 21): a centre's SQLite file copied into a district's
PostgreSQL database, so that a centre that grows moves without losing its past.

The file is verified first (a broken history is not carried anywhere); the centre in the database must be empty.
Every row is copied as it stands, in one transaction: the history's events byte for byte — their details, seals and
hashes — since the PostgreSQL store writes exactly what the SQLite store writes. On arrival the centre's chain and
every sealed row are verified again, against the file's own anchor: the two anchors are equal or nothing is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from firstask.store.chain import SEALED
from firstask.store.core import Store
from firstask.store.errors import StoreError
from firstask.store.pg_core import IDENTITY_TABLES, PgStore

# Parents before children (the foreign keys), then the rest.
ORDER = (
    "meta",
    "policy",
    "staff",
    "presence",
    "matters",
    "guides",
    "people",
    "cases",
    "events",
    "case_states",
    "violations",
    "hall_windows",
    "ratings",
)
BATCH = 1000


@dataclass(frozen=True)
class Moved:
    rows: dict[str, int]  # rows copied, by table
    anchor: str  # the history's anchor, equal on both sides


def migrate(path: Path, address: str) -> Moved:
    source = Store.open(path, create=False)
    try:
        before = source.verify()
        if not before.ok:
            raise StoreError("store.pg_source_broken", path=str(path), reason=before.message())
        target = PgStore.open(address, create=True)
        try:
            return _copy(source, target, (before.count, before.head))
        except psycopg.Error as e:  # the server refused a step (a privilege, a lost connection): said in a line
            raise StoreError("store.pg_failed", address=target.address.shown(), reason=" ".join(str(e).split())) from e
        finally:
            target.close()
    finally:
        source.close()


def _copy(source: Store, target: PgStore, anchor: tuple[int, str]) -> Moved:
    """Everything in one transaction, verified before it commits: a copy that does not verify leaves nothing."""
    if target.scalar("SELECT count(*) FROM events") or target.scalar("SELECT count(*) FROM cases"):
        raise StoreError("store.pg_centre_not_empty", centre=target.centre)
    counts: dict[str, int] = {}
    with target.pg.transaction():
        # The copy's rows are sealed by the file's own history: no notes of them (a whole centre's rows, each in
        # full, would be written to the session's notes for nothing).
        target.pg.execute("DROP TABLE IF EXISTS pg_temp.seal_rows")
        target.execute("SELECT head_seq FROM centres WHERE code = ? FOR UPDATE", (target.centre,))
        target.execute("DELETE FROM meta")  # the file's own desk_id, not the one the centre was registered with
        for table in ORDER:
            counts[table] = _copy_table(source, target, table)
        target.execute("UPDATE centres SET head_seq = ?, head_hash = ? WHERE code = ?", (*anchor, target.centre))
        with target.as_owner():
            for table in sorted(IDENTITY_TABLES):
                # The ids go on from the file's, whatever other centres have used (the sequence is the database's).
                target.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest("
                    f"(SELECT last_value FROM {table}_id_seq), (SELECT coalesce(max(id), 1) FROM {table})))"
                )
        arrived = target.verify(anchor)
        if not arrived.ok or (arrived.count, arrived.head) != anchor:
            raise StoreError("store.pg_arrived_broken", reason=arrived.message() or arrived.anchor)
        target.execute("SELECT pg_notify(?, ?)", (target.channel, str(anchor[0])))
    with target.as_owner():
        # The planner's statistics as the copy left them: until autovacuum's first analyze, a centre's lookups by
        # case number could scan every case (the tables grew by a centre's whole history at once).
        for table in ORDER:
            target.pg.execute(f"ANALYZE {table}")
    return Moved(counts, arrived.anchor)


def _copy_table(source: Store, target: PgStore, table: str) -> int:
    wanted = {d.name for d in target.execute(f"SELECT * FROM {table} LIMIT 0").description} - {"centre"}
    cur = source.conn.execute(f"SELECT * FROM {table} ORDER BY {SEALED.get(table, _first_key(table))}")
    names = [d[0] for d in cur.description]
    kept = [n for n in names if n in wanted]
    sql = f"INSERT INTO {table} ({', '.join(_quoted(n) for n in kept)}) VALUES ({', '.join('%s' for _ in kept)})"
    at = [names.index(n) for n in kept]
    total = 0
    with target.pg.cursor() as out:
        while batch := cur.fetchmany(BATCH):
            out.executemany(sql, [[row[i] for i in at] for row in batch])
            total += len(batch)
    return total


def _first_key(table: str) -> str:
    return {"meta": "key", "events": "seq"}.get(table, "rowid")


def _quoted(name: str) -> str:
    return f'"{name}"' if name in ("window", "repeat") else name
