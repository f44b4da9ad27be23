"""A throwaway PostgreSQL server for the tests (issue 21): Debian's `postgresql` binaries, `initdb` into a temporary
folder and `pg_ctl` on a free loopback port, as an unprivileged user (the `postgres` account when the tests run as
root, as CI does; PostgreSQL refuses to run as root). Trust authentication on 127.0.0.1 only; stopped and removed at
the end of the session. `.ci/run` installs the package where it is missing: no test is skipped for want of a server.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "firstask_admin"
START_TIMEOUT_S = 60


def binaries() -> Path:
    """The folder of initdb and pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError(
            "PostgreSQL's server programs (initdb, pg_ctl) are not installed: `apt-get install postgresql` "
            "(.ci/run does it)"
        )
    return versions[-1].parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_user() -> str | None:
    """Who runs the server: ourselves, unless we are root (then `postgres`, or `nobody` where there is none)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and there is no `postgres` or `nobody` account to run PostgreSQL as")


@dataclass
class Server:
    folder: Path
    port: int
    user: str | None
    bin: Path

    def url(self, database: str = "postgres", role: str = SUPERUSER) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            user=self.user,
            capture_output=True,
            text=True,
            check=True,
            cwd=self.folder,
            timeout=START_TIMEOUT_S,
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")


def _folder(user: str | None, prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    return folder


def start() -> Server:
    user = server_user()
    folder = _folder(user, "firstask-pg-")
    server = Server(folder, free_port(), user, binaries())
    server.run("initdb", "-D", str(folder / "data"), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale")
    return _launch(server)


def standby_of(primary: Server) -> Server:
    """A hot standby of `primary`, streaming its changes (`pg_basebackup -R`): a district's read replica."""
    folder = _folder(primary.user, "firstask-pg-standby-")
    server = Server(folder, free_port(), primary.user, primary.bin)
    server.run(
        "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        SUPERUSER,
        "-D",
        str(folder / "data"),
        "-R",
        "-c",
        "fast",
    )
    return _launch(server)


def _launch(server: Server) -> Server:
    folder = server.folder
    options = (
        f"-p {server.port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    server.run("pg_ctl", "-D", str(folder / "data"), "-o", options, "-l", str(folder / "log"), "-w", "start")
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:  # pg_ctl -w waits for the server; a connection proves it
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.1)
    return server


@contextlib.contextmanager
def running() -> Iterator[Server]:
    server = start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
