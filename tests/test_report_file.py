"""`report -o FILE` when the file cannot be written (issue 15, item 6).

A full disk was blamed on the database and left a 0-byte report; a folder given as `-o` was not called a folder.
Now the report is written whole or not at all (a new file beside it, then put in its place), the message names the
report's path and what is wrong with it, and nothing is left behind: no part of a report, no stray file, and a
report of the same name as it was.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import firstask, one_clear_line
from typer.testing import CliRunner

from firstask import cli as cli_module

LIMIT = 64 * 1024  # a file-size limit above what opening the database writes (its -shm is 32 KiB) below the report's


@pytest.fixture
def db(desk, new_case) -> Path:
    new_case()
    desk.shut()
    return desk.path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    return folder


def run_in_process(*args: str) -> Any:
    """The command line in this process, where a test can make the system refuse a write."""
    return CliRunner().invoke(cli_module.cli, ["--lang", "en", *args], catch_exceptions=False)


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


# --- written whole, owner only, nothing beside it --------------------------------------------------------------


def test_a_report_is_owner_only_and_leaves_nothing_beside_it(db, out):
    target = out / "r.md"
    target.write_text("an older report")
    target.chmod(0o644)
    result = firstask("--db", str(db), "report", "--day", "2026-03-09", "--format", "md", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "2026-03-09" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["r.md"]


def test_a_report_through_a_link_goes_to_the_file_it_names(db, out):
    real = out / "real.md"
    real.write_text("old")
    (out / "link.md").symlink_to(real)
    result = firstask("--db", str(db), "report", "--day", "2026-03-09", "--format", "md", "-o", str(out / "link.md"))
    assert result.returncode == 0, result.stderr
    assert (out / "link.md").is_symlink() and "2026-03-09" in real.read_text(encoding="utf-8")


def test_a_report_to_a_device_is_written_as_it_is(db):
    result = firstask("--db", str(db), "report", "--day", "2026-03-09", "-o", os.devnull)
    assert result.returncode == 0, result.stderr
    assert Path(os.devnull).is_char_device()


# --- what cannot be written, said of the report's path ------------------------------------------------------


def test_a_folder_as_the_report_is_called_a_folder(db, out):
    line = one_clear_line(firstask("--db", str(db), "report", "--day", "2026-03-09", "-o", str(out)))
    assert line == f"Cannot write the report to {out}: it is a folder; give a file name."
    assert listing(out) == {}


def test_a_missing_folder_is_named(db, tmp_path):
    missing = tmp_path / "no such folder"
    line = one_clear_line(firstask("--db", str(db), "report", "--day", "2026-03-09", "-o", str(missing / "r.json")))
    assert line == f"Cannot write the report {missing / 'r.json'}: there is no folder {missing}."
    assert not missing.exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write in any folder")
def test_a_folder_without_permission_is_named(db, out):
    out.chmod(0o500)
    try:
        line = one_clear_line(firstask("--db", str(db), "report", "--day", "2026-03-09", "-o", str(out / "r.json")))
    finally:
        out.chmod(0o700)
    assert str(out) in line and "permission" in line and str(db) not in line
    assert listing(out) == {}


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write any file")
def test_a_report_that_may_not_be_written_is_kept(db, out):
    kept = out / "r.json"
    kept.write_text("kept")
    kept.chmod(0o400)
    line = one_clear_line(firstask("--db", str(db), "report", "--day", "2026-03-09", "-o", str(kept)))
    assert str(kept) in line and "permission" in line
    assert kept.read_text() == "kept"


def test_a_folder_refusing_the_report_is_named(db, out, monkeypatch):
    """The same refusal as a folder without write permission gets (which root, running the tests, never meets)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(kwargs.get("dir")))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = run_in_process("--db", str(db), "report", "--day", "2026-03-09", "-o", str(out / "r.json"))
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"Cannot write the report {out / 'r.json'}: no permission to write in the folder {out}."
    ]
    assert listing(out) == {}


# --- a full disk: the report's, not the database's; nothing half written -------------------------------------


def test_a_full_disk_names_the_report_and_leaves_no_part_of_it(db, out, monkeypatch):
    """The disk fills half-way through the report: the message is about the report, and what was written of it
    goes; an older report of the same name stays as it was."""
    target = out / "r.md"
    target.write_text("an older report")
    real_fdopen = os.fdopen
    parts: list[str] = []

    class FillsUp:
        def __init__(self, fd: int, *args: Any, **kwargs: Any) -> None:
            parts.append(os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else "")
            self.file = real_fdopen(fd, *args, **kwargs)

        def __enter__(self) -> FillsUp:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            self.file.write(data[: len(data) // 2])
            self.file.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fdopen", FillsUp)
    result = run_in_process("--db", str(db), "report", "--day", "2026-03-09", "--format", "md", "-o", str(target))
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "disk is full" in lines[0] and str(target) in lines[0], result.output
    assert str(db) not in lines[0]
    assert listing(out) == {"r.md": b"an older report"}
    assert parts and all(not Path(p).exists() for p in parts if p)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo desk: a month of a busy centre, whose year's report is some hundreds of kilobytes."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    made = firstask("--db", str(path), "init", "--demo")
    assert made.returncode == 0, made.stderr
    return path


def test_a_file_size_limit_names_the_report_and_leaves_nothing(demo_db, out):
    """A real refusal by the system: the process may not write files larger than LIMIT (RLIMIT_FSIZE, the write
    failing with EFBIG rather than SIGXFSZ killing it). The database opens and reads well within it."""
    db = demo_db
    target = out / "year.html"
    whole = firstask(
        "--db", str(db), "report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "html", "-o", str(target)
    )
    assert whole.returncode == 0, whole.stderr
    assert target.stat().st_size > 2 * LIMIT
    target.unlink()

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    line = one_clear_line(
        firstask(
            "--db",
            str(db),
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "html",
            "-o",
            str(target),
            preexec=limited,
        )
    )
    assert str(target) in line and "not written" in line and str(db) not in line
    assert listing(out) == {}
