"""`firstask serve` on the command line: bound to this machine unless a host is named, TLS beyond it (or a loud
--insecure-http), a certificate made for the host, one clear line for every mistake. One test starts the real server
and fetches its page (a real socket, bounded wait); the browser tests are tests/test_hall_browser.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import firstask

from firstask.desk import Desk
from firstask.serve import LOCAL_ONLY, desk_argv


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
    argv = [sys.executable, "-P", "-m", "firstask", "--db", str(db.resolve()), "--lang", "en"]
    assert desk_argv(db, "en") == argv  # -P: nothing in the server's working folder shadows the desk


@pytest.mark.parametrize(
    "args, words",
    [
        (("serve", "--port", "0"), "port"),
        (("serve", "--port", "70000"), "port"),
        (("serve", "--host", "0.0.0.0"), "tls"),
        (("serve", "--cert", "x.crt"), "--key"),
        (("serve", "--public-url", "ftp://hall"), "--public-url"),
        (("serve", "--cert", "missing.crt", "--key", "missing.key"), "certificate"),
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
                    page = response.read().decode("utf-8", "replace")
                    break
            except urllib.error.HTTPError as refused:
                assert refused.code == 403
                page = refused.read().decode("utf-8", "replace")
                break
            except OSError:
                time.sleep(0.2)
        assert page, f"no page; server said: {server.stderr.read() if server.poll() is not None else ''}"
        assert "not a registered window" in page  # no desk, and no way to one, before this PC is enrolled
        assert "/ws" not in page
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_make_cert_writes_a_certificate_for_the_hosts_names_and_never_overwrites(tmp_path: Path) -> None:
    from cryptography import x509

    cert, key = tmp_path / "hall.crt", tmp_path / "hall.key"
    args = ("serve", "--make-cert", "--cert", str(cert), "--key", str(key))
    made = firstask("--db", str(tmp_path / "none.db"), *args, "--host-name", "hall.local", "--host-name", "10.1.2.3")
    assert made.returncode == 0, made.stderr
    assert "hall.local" in made.stdout and "10.1.2.3" in made.stdout
    loaded = x509.load_pem_x509_certificate(cert.read_bytes())
    names = loaded.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["hall.local"]
    assert [str(a) for a in names.get_values_for_type(x509.IPAddress)] == ["10.1.2.3"]
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    constraints = loaded.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca is False  # trusted on the window PCs, it vouches for this server and nothing else
    again = firstask("--db", str(tmp_path / "none.db"), *args)
    assert again.returncode == 1 and "Traceback" not in again.stderr and "exists" in again.stderr
    assert x509.load_pem_x509_certificate(cert.read_bytes()) == loaded


def test_a_made_certificate_serves_tls_to_a_client_that_trusts_it(tmp_path: Path) -> None:
    import ssl
    import threading

    from firstask.serve.certificates import make_certificate, server_context

    made = make_certificate(tmp_path / "c.pem", tmp_path / "k.pem", ["localhost", "127.0.0.1"])
    server = server_context(made.cert, made.key)
    client = ssl.create_default_context(cafile=str(made.cert))  # a window PC that installed it trusts it
    with socket.socket() as listener:
        listener.bind((LOCAL_ONLY, 0))
        listener.listen(1)

        def answer() -> None:
            conn, _ = listener.accept()
            with server.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"ok")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        with socket.create_connection(listener.getsockname(), timeout=10) as raw:
            with client.wrap_socket(raw, server_hostname="localhost") as tls:
                assert tls.recv(2) == b"ok" and tls.version() in ("TLSv1.2", "TLSv1.3")
        thread.join(timeout=10)
