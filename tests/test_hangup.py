"""The desk ends when its terminal goes away (issue 15, item 8).

Closing the terminal of a desk run under a multiplexer left it running with a deleted terminal, a core spinning and
the database open: Textual's input thread read the end of input again and again, and SIGHUP was ignored or never
sent. Here the desk runs for real, in a pseudo-terminal, and its terminal is taken away in each of the ways a
terminal goes: hung up with SIGHUP (the terminal controls the desk), hung up without it (it does not), SIGHUP alone
(`kill -HUP`), and the end of input. Each time the desk exits by itself within seconds, as Ctrl+Q exits it, and is
not killed by the signal. Every wait is bounded and the desk is killed at the end whatever happens.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")

EXIT_SECONDS = 10.0
DRAW_SECONDS = 60.0


@pytest.fixture
def db(desk) -> Path:
    desk.shut()
    return desk.path


class Running:
    """The desk in a pseudo-terminal: `master` is the terminal's side; what the desk wrote is kept in `output`."""

    def __init__(self, process: subprocess.Popen[bytes], master: int, stdin_writer: int | None) -> None:
        self.process = process
        self.master: int | None = master
        self.stdin_writer = stdin_writer
        self.output = b""

    def read(self, seconds: float) -> None:
        """Read what the desk writes for `seconds` (it must never block on a full terminal)."""
        end = time.monotonic() + seconds
        while self.master is not None and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], min(0.1, max(0.0, end - time.monotonic())))
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.output += data

    def wait_drawn(self) -> None:
        """Until the log-in screen is on the terminal: the alternate screen and its drawing (a blinking cursor
        keeps writing, so no quiet moment is waited for), then a second more for the app to settle."""
        deadline = time.monotonic() + DRAW_SECONDS
        while time.monotonic() < deadline:
            self.read(0.5)
            if b"\x1b[?1049h" in self.output and len(self.output) > 2000:
                self.read(1.0)
                return
            assert self.process.poll() is None, self.output.decode(errors="replace")[-2000:]
        pytest.fail("the desk did not draw itself")

    def hang_up(self) -> None:
        assert self.master is not None
        os.close(self.master)
        self.master = None

    def exit_code(self) -> int:
        """The desk's exit code once it has exited by itself; the test fails if it takes more than EXIT_SECONDS."""
        deadline = time.monotonic() + EXIT_SECONDS
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                return code
            if self.master is not None:
                self.read(0.1)
            else:
                time.sleep(0.1)
        pytest.fail(
            f"the desk was still running {EXIT_SECONDS:.0f} s after its terminal went "
            f"(CPU: {cpu_seconds(self.process.pid):.1f} s)"
        )


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def desk_in_a_terminal(db: Path, *, controlling: bool, stdin_pipe: bool = False) -> Running:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    reader, writer = os.pipe() if stdin_pipe else (slave, None)

    def own_session() -> None:
        os.setsid()
        if controlling:  # the terminal becomes the desk's controlling terminal: a hang-up sends it SIGHUP
            fcntl.ioctl(1, termios.TIOCSCTTY, 0)

    env = {k: v for k, v in os.environ.items() if k not in ("FIRSTASK_PIN", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update({"LANG": "en_US.UTF-8", "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
    process = subprocess.Popen(
        [sys.executable, "-m", "firstask", "--db", str(db)],
        stdin=reader,
        stdout=slave,
        stderr=slave,
        env=env,
        preexec_fn=own_session,
        close_fds=True,
    )
    os.close(slave)
    if writer is not None:
        os.close(reader)
    return Running(process, master, writer)


@pytest.fixture
def running() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for desk in started:
        if desk.process.poll() is None:
            desk.process.kill()
        desk.process.wait(timeout=30)
        for fd in (desk.master, desk.stdin_writer):
            if fd is not None:
                os.close(fd)


def start(running: list[Running], db: Path, **how: Any) -> Running:
    desk = desk_in_a_terminal(db, **how)
    running.append(desk)
    desk.wait_drawn()
    return desk


def assert_exited_by_itself(code: int) -> None:
    assert code >= 0, f"killed by signal {-code}, not exited"


def assert_database_free(db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(db, timeout=0)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.rollback()
    finally:
        conn.close()


def test_a_hung_up_controlling_terminal_ends_the_desk(db, running):
    desk = start(running, db, controlling=True)
    desk.hang_up()  # SIGHUP, and the end of input
    assert_exited_by_itself(desk.exit_code())
    assert_database_free(db)


def test_a_hung_up_terminal_that_sends_no_sighup_ends_the_desk(db, running):
    """As in a multiplexer's pane, or with SIGHUP ignored: only the end of input says the terminal is gone, which
    Textual alone reads again and again, a core spinning."""
    desk = start(running, db, controlling=False)
    desk.hang_up()
    assert_exited_by_itself(desk.exit_code())
    assert_database_free(db)


def test_sighup_ends_the_desk_and_puts_the_terminal_back(db, running):
    desk = start(running, db, controlling=False)
    desk.process.send_signal(signal.SIGHUP)
    assert_exited_by_itself(desk.exit_code())
    desk.read(1.0)
    assert b"\x1b[?1049l" in desk.output  # the alternate screen left: the terminal as it was before the desk


def test_the_end_of_input_ends_the_desk(db, running):
    """Input from a pipe that ends (the terminal still shows the desk): Textual alone reads nothing, again and
    again."""
    desk = start(running, db, controlling=False, stdin_pipe=True)
    assert desk.stdin_writer is not None
    os.close(desk.stdin_writer)
    desk.stdin_writer = None
    assert_exited_by_itself(desk.exit_code())
    assert_database_free(db)
