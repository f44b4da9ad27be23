"""The desk's file: the only code that speaks SQL.

- `core`: `Store`, a file open on one connection — its transactions, its writes;
- `reads`, `figures`: the named reads the desk asks (a case, the lists, the searches, the day's figures);
- `schema`: the migrations, the file's mark and kind;
- `chain`: the hash-chained history, the seals of the state, `verify`;
- `backup`: consistent copies, checks and restores of the file;
- `errors`: `StoreError`, what goes wrong with the file, in one line;
- `address`, `pg_schema`, `pg_sql`, `pg_core`: a centre of a district's PostgreSQL database (`PgStore`), a second
  implementation of the same named reads and writes, chosen by the address (`open_store`).
"""

from __future__ import annotations

import os
from typing import Any

from firstask.store.chain import (
    CHECKPOINT_ROWS,
    GENESIS,
    PERSONAL_FIELDS,
    SEALED,
    VerifyResult,
    checkpoint,
    dumps,
    event_hash,
    head,
    parse_anchor,
    person_hash,
    row_hash,
    watch_sealed_rows,
)
from firstask.store.core import BUSY_TIMEOUT_MS, WRITE_RETRIES, Store
from firstask.store.errors import StoreError
from firstask.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, file_kind


def open_store(address: str | os.PathLike[str], *, create: bool = True, migrate: bool = True) -> Any:
    """The desk at `address`: a SQLite file's path, or `postgresql://…?centre=C01` (imported only then: a window on
    a file never loads psycopg)."""
    from firstask.store.address import is_postgres

    if is_postgres(address):
        from firstask.store.pg_core import PgStore

        return PgStore.open(str(address), create=create, migrate=migrate)
    return Store.open(address, create=create, migrate=migrate)


__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_MS",
    "CHECKPOINT_ROWS",
    "GENESIS",
    "MIGRATIONS",
    "PERSONAL_FIELDS",
    "SCHEMA_VERSION",
    "SEALED",
    "WRITE_RETRIES",
    "Store",
    "StoreError",
    "VerifyResult",
    "checkpoint",
    "dumps",
    "event_hash",
    "file_kind",
    "open_store",
    "head",
    "parse_anchor",
    "person_hash",
    "row_hash",
    "watch_sealed_rows",
]
