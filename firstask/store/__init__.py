"""The desk's file: the only code that speaks SQL.

- `core`: `Store`, a file open on one connection — its transactions, its writes;
- `reads`, `figures`: the named reads the desk asks (a case, the lists, the searches, the day's figures);
- `schema`: the migrations, the file's mark and kind;
- `chain`: the hash-chained history, the seals of the state, `verify`;
- `backup`: consistent copies, checks and restores of the file;
- `errors`: `StoreError`, what goes wrong with the file, in one line.

A second engine (PostgreSQL) is a second implementation of the same named reads and writes.
"""

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
    "head",
    "parse_anchor",
    "person_hash",
    "row_hash",
    "watch_sealed_rows",
]
