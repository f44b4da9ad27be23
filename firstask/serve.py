"""The desk in a browser: `textual-serve` runs one desk process per browser tab, on the same database file.

Each tab is a window like any other (its own log-in, its own connection, live refresh between them). The server
binds to 127.0.0.1 unless a host is named: the desk holds personal data and has no TLS of its own.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from textual_serve.server import Server

LOCAL_ONLY = "127.0.0.1"


def desk_command(db: Path, lang: str) -> str:
    """The command each browser tab runs: this Python, this database, this language."""
    return " ".join(
        shlex.quote(part) for part in (sys.executable, "-m", "firstask", "--db", str(db.resolve()), "--lang", lang)
    )


def make_server(db: Path, lang: str, *, host: str = LOCAL_ONLY, port: int = 8000, title: str = "firstask") -> Server:
    public_url = f"http://{host}:{port}"
    return Server(desk_command(db, lang), host=host, port=port, title=title, public_url=public_url)
