"""What can go wrong with the desk's file itself, told to the user in one line (a StoreError, never a traceback)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from firstask import i18n


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


def os_store_error(e: sqlite3.OperationalError, path: Path) -> StoreError:
    text = str(e).lower()
    # A full disk or a file-size limit: SQLite says SQLITE_FULL, or fails the write itself (SQLITE_IOERR_WRITE).
    if "full" in text or getattr(e, "sqlite_errorname", "") in ("SQLITE_FULL", "SQLITE_IOERR_WRITE"):
        return StoreError("store.disk_full", path=str(path))
    if "locked" in text or "busy" in text:
        return StoreError("store.busy", path=str(path))
    if "readonly" in text or "read-only" in text:
        return StoreError("store.unwritable", path=str(path))
    return StoreError("store.os_error", path=str(path), reason=str(e))
