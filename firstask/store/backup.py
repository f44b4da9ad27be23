"""Backups of the desk file: consistent while windows write, owner-only, each stating the history's chain head.

A backup is made with SQLite's online backup API from a read transaction, so it is one moment of the file however
many windows are writing. It is written beside its final name and renamed into place, so a crash leaves either the
old backup or the new one, never half a file. Beside each backup a small JSON file states the chain head it holds
(the anchor for `firstask verify --anchor`). A restore checks a backup (integrity and history) before it replaces
anything, and keeps the file it replaces.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from firstask.store.chain import head
from firstask.store.core import Store
from firstask.store.errors import StoreError
from firstask.store.schema import file_kind

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
            count, last = head(target)
        finally:
            target.close()
    finally:
        source.close()
    with open(target_path, "rb+") as f:
        os.fsync(f.fileno())
    return (count, last) if count else None


def make(db: Path, dest: Path, *, now: datetime | None = None) -> BackupInfo:
    """Copy the desk file at `db` to `dest` as it stands at one moment; return the chain head it holds."""
    _desk_file(db)
    if dest.exists() and dest.is_dir():
        raise StoreError("store.is_directory", path=str(dest))
    partial = dest.with_name(dest.name + ".partial")
    with _writing(partial, dest, db):
        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _owner_only_file(partial)
        row = _copy(db, partial)
        os.replace(partial, dest)
    events, head = row or (0, "0" * 64)
    info = BackupInfo(
        path=str(dest), events=events, head=head, made_at=(now or datetime.now()).isoformat(timespec="seconds")
    )
    sidecar = dest.with_name(dest.name + ".json")
    try:
        _owner_only_file(sidecar)
        sidecar.write_text(json.dumps(asdict(info), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as e:
        raise _os_error(e, sidecar) from e
    return info


def check(path: Path, *, anchor: tuple[int, str] | None = None) -> BackupInfo:
    """A backup fit to restore: a desk file, SQLite's integrity check passes, its history verifies (the chain and
    the state it seals) and, with `anchor`, it holds that head. Nothing is written to it (a copy is checked)."""
    _desk_file(path)
    work = path.with_name(f".{path.name}.checking-{os.getpid()}")
    try:
        return _checked_copy(path, work, anchor)[0]
    finally:
        remove_db(work)


def _desk_file(path: Path) -> None:
    """Refuse, without writing to it, anything but a regular file that is a desk file."""
    if not path.exists():
        raise StoreError("store.missing", path=str(path))
    if path.is_dir():
        raise StoreError("store.is_directory", path=str(path))
    if not path.is_file():
        raise StoreError("store.not_regular", path=str(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            kind = file_kind(conn)
        finally:
            conn.close()
    except sqlite3.OperationalError as e:  # reading a WAL file may need its -shm written: a full disk says so
        text = str(e).lower()
        if "disk i/o" in text or "full" in text:
            raise StoreError("store.disk_full", path=str(path)) from e
        raise StoreError("store.cannot_open", path=str(path), reason=str(e)) from e
    except sqlite3.DatabaseError as e:
        raise StoreError("store.corrupt", path=str(path)) from e
    if kind != "desk":
        raise StoreError("store.not_desk" if kind == "foreign" else "store.empty", path=str(path))


def _checked_copy(path: Path, work: Path, anchor: tuple[int, str] | None) -> tuple[BackupInfo, str]:
    """Copy a backup to `work`, check it there and bring it to this desk's schema; its info and desk id."""
    with _writing(work, work, path):
        work.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _owner_only_file(work)
        _copy(path, work)
    try:
        conn = sqlite3.connect(work)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise StoreError("store.corrupt", path=str(path)) from e
    if result != "ok":
        raise StoreError("store.corrupt", path=str(path))
    # The chain as the backup holds it (an anchor names one of its events), then the state, at this schema.
    store = Store.open(work, create=False, migrate=False)
    try:
        verified = store.verify(anchor, state=False)
    finally:
        store.close()
    if not verified.ok:
        key = (
            "backup.head_differs"
            if anchor and verified.key in ("verify.cut", "verify.rewritten")
            else "backup.history_broken"
        )
        raise StoreError(key, path=str(path), message=verified.message())
    store = Store.open(work, create=False)
    try:
        proved = store.verify()
        desk_id = store.meta("desk_id") or ""
    finally:
        store.close()
    if not proved.ok:
        raise StoreError("backup.state_broken", path=str(path), message=proved.message())
    info = BackupInfo(
        path=str(path),
        events=verified.count,
        head=verified.head,
        # Local time, as the desk stores its times.
        made_at=datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds"),  # noqa: DTZ006
    )
    return info, desk_id


def stated_head(path: Path) -> tuple[int, str] | None:
    """The head stated beside a backup (its `.json`), or None when there is no such file."""
    sidecar = path.with_name(path.name + ".json")
    if not sidecar.exists():
        return None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        return int(data["events"]), str(data["head"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise StoreError("backup.bad_sidecar", sidecar=str(sidecar), reason=str(e)) from e


def restore(
    backup: Path, db: Path, *, anchor: tuple[int, str] | None = None, other_desk: bool = False
) -> tuple[BackupInfo, Path | None]:
    """Put a checked backup's content in place of the desk file's, as one commit that every open window sees;
    the content it replaces is kept first, in a file that overwrites nothing (returned).

    The backup must be a desk file of this desk (`other_desk` lets another desk's in), whose history verifies and
    holds the head stated beside it (its `.json`, or `anchor`). The desk file's write lock is held from the copy
    of what it holds to the commit of what replaces it, so an action of an open window is either in the kept copy
    or made on the restored content after it: none is lost."""
    _desk_file(backup)
    wanted = anchor or stated_head(backup)
    if wanted is None:
        raise StoreError("backup.no_anchor", path=str(backup), sidecar=str(backup.with_name(backup.name + ".json")))
    work = db.with_name(f".{db.name}.restoring-{os.getpid()}")
    try:
        info, their_id = _checked_copy(backup, work, wanted)
        if not db.exists():
            with _writing(work, db, backup):
                os.replace(work, db)
            return info, None
        live = Store.open(db, create=False)  # this desk's file, at this schema (migrated if it was not)
        try:
            ours = live.meta("desk_id") or ""
        finally:
            live.close()
        if their_id != ours and not other_desk:
            raise StoreError("backup.other_desk", path=str(backup), theirs=their_id[:12], ours=ours[:12])
        kept = _replace_content(db, work, backup)
    finally:
        remove_db(work)
    return info, kept


def _replace_content(db: Path, source: Path, backup: Path) -> Path:
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        with _writing(source, db, backup):
            conn.execute("BEGIN IMMEDIATE")
            try:
                kept = _keep(db)
                _copy_tables(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    finally:
        conn.close()
    return kept


def _keep(db: Path) -> Path:
    """A consistent copy of the desk file under a new name (the caller holds its write lock, so no window can
    commit meanwhile), made on the side and linked into place: an existing file is never overwritten."""
    stamp = f"{db.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}"
    partial = db.with_name(f".{stamp}.partial-{os.getpid()}")
    _owner_only_file(partial)
    try:
        _copy(db, partial)
        for n in range(1, 1000):
            kept = db.with_name(stamp if n == 1 else f"{stamp}-{n}")
            try:
                os.link(partial, kept)
            except FileExistsError:
                continue
            return kept
        raise FileExistsError(errno.EEXIST, "no free name", str(db))
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def _copy_tables(conn: sqlite3.Connection) -> None:
    """Every table's rows from `src` in place of `main`'s (same schema: the source was migrated to it); the
    history's append-only triggers are lifted for this one transaction and put back as they were."""
    triggers = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER main."{name}"')
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table in tables:
        columns = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA main.table_info("{table}")'))
        conn.execute(f'DELETE FROM main."{table}"')
        conn.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM src."{table}"')
    for _, sql in triggers:
        conn.execute(sql)


def remove_db(path: Path) -> None:
    """Remove a desk file and its SQLite companions (a failed `init` or restore leaves nothing half-made)."""
    for p in (
        path,
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
        path.with_name(path.name + "-journal"),
    ):
        with contextlib.suppress(OSError):  # cleaning up: what cannot be removed is left, the error stands
            p.unlink()


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
