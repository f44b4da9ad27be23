"""Backups of the desk file: consistent while windows write, owner-only, each stating the history's chain head.

A backup is made with SQLite's online backup API from a read transaction, so it is one moment of the file however
many windows are writing. It is written beside its final name and renamed into place, so a crash leaves either the
old backup or the new one, never half a file. Beside each backup a small JSON file states the chain head it holds
(the anchor for `firstask verify --anchor`). A restore checks a backup (integrity and history) before it replaces
anything, and keeps the file it replaces.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from firstask.store import Store, StoreError

DAILY_PREFIX = "daily-"


@dataclass(frozen=True)
class BackupInfo:
    path: str
    events: int
    head: str
    made_at: str

    @property
    def anchor(self) -> str:
        return f"{self.events}:{self.head}"


def backups_dir(db: Path) -> Path:
    """Where the automatic backups of a desk file live: beside it, in their own owner-only folder."""
    return db.with_name(db.stem + "-backups")


def _owner_only_file(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _os_error(e: OSError, path: Path) -> StoreError:
    if e.errno in (27, 28):  # EFBIG, ENOSPC
        return StoreError("store.disk_full", path=str(path))
    if e.errno == 20:  # ENOTDIR
        return StoreError("store.not_a_directory", path=str(path))
    if e.errno in (13, 1):  # EACCES, EPERM
        return StoreError("store.unwritable", path=str(path))
    return StoreError("store.os_error", path=str(path), reason=e.strerror or str(e))


@contextlib.contextmanager
def _writing(partial: Path, target: Path, source: Path) -> Iterator[None]:
    """Writing `target` by way of `partial`: any failure removes the partial file and is one StoreError."""
    try:
        yield
    except FileExistsError as e:  # a regular file stands where a folder should be
        raise StoreError("store.not_a_directory", path=str(target)) from e
    except OSError as e:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise _os_error(e, target) from e
    except sqlite3.Error as e:
        with contextlib.suppress(OSError):
            partial.unlink()
        text = str(e).lower()
        if "full" in text or "disk i/o" in text:  # a file-size limit or a full disk, as SQLite reports them
            raise StoreError("store.disk_full", path=str(target)) from e
        if "locked" in text or "busy" in text:
            raise StoreError("store.busy", path=str(source)) from e
        raise StoreError("store.cannot_open", path=str(source), reason=str(e)) from e


def _copy(source_path: Path, target_path: Path) -> tuple[int, str] | None:
    """Copy a database file through SQLite (one step: the whole file under one read transaction), as one
    self-contained file synced to disk; return its newest event (seq, hash)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    try:
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            row = target.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        finally:
            target.close()
    finally:
        source.close()
    with open(target_path, "rb+") as f:
        os.fsync(f.fileno())
    return (int(row[0]), str(row[1])) if row else None


def make(db: Path, dest: Path, *, now: datetime | None = None) -> BackupInfo:
    """Copy the desk file at `db` to `dest` as it stands at one moment; return the chain head it holds."""
    if not db.exists():
        raise StoreError("store.missing", path=str(db))
    if dest.exists() and dest.is_dir():
        raise StoreError("store.is_directory", path=str(dest))
    partial = dest.with_name(dest.name + ".partial")
    with _writing(partial, dest, db):
        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _owner_only_file(partial)
        row = _copy(db, partial)
        os.replace(partial, dest)
    events, head = row or (0, "0" * 64)
    info = BackupInfo(path=str(dest), events=events, head=head,
                      made_at=(now or datetime.now()).isoformat(timespec="seconds"))
    sidecar = dest.with_name(dest.name + ".json")
    try:
        _owner_only_file(sidecar)
        sidecar.write_text(json.dumps(asdict(info), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as e:
        raise _os_error(e, sidecar) from e
    return info


def check(path: Path) -> BackupInfo:
    """A backup fit to restore: SQLite's integrity check passes and the whole history verifies."""
    if not path.exists():
        raise StoreError("store.missing", path=str(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise StoreError("store.corrupt", path=str(path)) from e
    if result != "ok":
        raise StoreError("store.corrupt", path=str(path))
    store = Store.open(path, create=False)
    try:
        verified = store.verify()
    finally:
        store.close()
    if not verified.ok:
        raise StoreError("backup.history_broken", path=str(path), message=verified.message())
    return BackupInfo(path=str(path), events=verified.count, head=verified.head,
                      made_at=datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds"))  # noqa: DTZ006 (local time, as stored)


def restore(backup: Path, db: Path) -> tuple[BackupInfo, Path | None]:
    """Put a checked backup in place of the desk file; the replaced file is kept beside it (returned)."""
    info = check(backup)
    kept: Path | None = None
    partial = db.with_name(db.name + ".restoring")
    with _writing(partial, db, backup):
        db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _owner_only_file(partial)
        _copy(backup, partial)
        if db.exists():
            kept = db.with_name(f"{db.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
            # Fold the live file's WAL into it first, so the kept copy is whole on its own.
            with contextlib.suppress(sqlite3.Error):
                live = sqlite3.connect(db)
                live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                live.close()
            os.replace(db, kept)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                db.with_name(db.name + suffix).unlink()
        os.replace(partial, db)
    return info, kept


def daily(db: Path, today: date, keep: int, folder: Path | None = None) -> BackupInfo | None:
    """The first start of a day makes that day's backup (none if it exists) and keeps the newest `keep`."""
    folder = folder or backups_dir(db)
    dest = folder / f"{DAILY_PREFIX}{today:%Y%m%d}.db"
    if dest.exists():
        return None
    info = make(db, dest)
    prune(folder, keep)
    return info


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove the oldest daily backups beyond `keep` (with their head files); return what was removed."""
    found = sorted(folder.glob(f"{DAILY_PREFIX}*.db"))
    removed = found[:-keep] if keep > 0 else []
    for old in removed:
        for path in (old, old.with_name(old.name + ".json")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return removed
