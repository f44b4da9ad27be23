"""`firstask serve`: the desk in a browser through textual-serve, bound to this machine unless a host is named.

One test starts the real server and fetches its page (a real socket, bounded wait); a browser session itself is
the same desk process the other tests drive, so it is not started here.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import firstask

from firstask.desk import Desk
from firstask.serve import LOCAL_ONLY, desk_command, make_server


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("FIRSTASK_PIN", "LC_ALL", "LC_MESSAGES")}
    out["LANG"] = "en_US.UTF-8"
    return out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "desk with space.db"
    with Desk.open(path) as desk:
        desk.load_defaults()
        desk.add_staff("w01", "王芳", pin="101010")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOCAL_ONLY, 0))
        return int(s.getsockname()[1])


def test_each_tab_runs_this_desk_on_this_file_in_this_language(db: Path) -> None:
    parts = shlex.split(desk_command(db, "en"))
    assert parts == [sys.executable, "-m", "firstask", "--db", str(db.resolve()), "--lang", "en"]


def test_the_server_binds_to_this_machine_unless_told(db: Path) -> None:
    assert make_server(db, "zh").host == "127.0.0.1"
    assert make_server(db, "zh", host="0.0.0.0", port=8123).port == 8123


@pytest.mark.parametrize(
    "args, words",
    [
        (("serve", "--port", "0"), "port"),
        (("serve", "--port", "70000"), "port"),
    ],
)
def test_a_bad_port_is_one_clear_line(db: Path, args: tuple[str, ...], words: str) -> None:
    result = firstask("--db", str(db), *args, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0].lower()


def test_serving_a_missing_database_is_one_clear_line(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = firstask("--db", str(missing), "serve", timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
    assert not missing.exists()


def test_the_desk_page_is_served_on_localhost(db: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "firstask", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        stdin=subprocess.DEVNULL,
    )
    try:
        page = ""
        deadline = time.monotonic() + 30  # a real server starting: bounded, never asserted as a timing
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    page = response.read().decode("utf-8", "replace")
                    break
            except OSError:
                time.sleep(0.2)
        assert page, f"no page; server said: {server.stderr.read() if server.poll() is not None else ''}"
        assert "firstask" in page.lower() or "textual" in page.lower()
        assert "/ws" in page  # the terminal in the page connects back over a websocket
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
