"""Where a desk lives: a SQLite file's path, or a district's PostgreSQL database and the centre in it
(`postgresql://user@host/dbname?centre=C01`, issue 21). The centre is the desk's, not the connection's: it is taken
off the address before psycopg sees it, as is `documents` (the folder for the slips this desk prints); every other
part (host, port, user, sslmode, …) is libpq's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from firstask.store.errors import StoreError

SCHEMES = ("postgresql://", "postgres://")
CENTRE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


@dataclass(frozen=True)
class PostgresAddress:
    conninfo: str  # the address without `centre` and `documents`, as libpq reads it
    centre: str
    documents: str | None = None  # where this desk keeps the slips it prints (default: the user's data folder)

    def full(self) -> str:
        """The address as given: another connection of the same desk opens it (the app's background reader)."""
        extra = [("centre", self.centre)] + ([("documents", self.documents)] if self.documents else [])
        parts = urlsplit(self.conninfo)
        query = "&".join(q for q in (parts.query, urlencode(extra)) if q)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

    def shown(self) -> str:
        """The address for messages and logs: its password left out."""
        return shown_conninfo(self.conninfo) + f" (centre {self.centre})"


def shown_conninfo(conninfo: str) -> str:
    """A server's address for messages: user, host, port and database, no password and no options."""
    parts = urlsplit(conninfo)
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def district_conninfo(address: str) -> str:
    """A district's connection (`report --district`, the district's screen): the address with no centre — it reads
    every centre, looking into one at a time by naming it — and no documents folder."""
    if not is_postgres(address):
        raise StoreError("store.pg_district_only", address=_without_password(str(address)))
    parts = urlsplit(address)
    rest = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("centre", "documents")]
    )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment))


def is_postgres(address: object) -> bool:
    return isinstance(address, str) and address.lower().startswith(SCHEMES)


def parse_postgres(address: str) -> PostgresAddress:
    """A PostgreSQL address and its centre; a missing or malformed centre is refused, naming what was expected."""
    parts = urlsplit(address)
    query = parse_qsl(parts.query, keep_blank_values=True)
    centres = [value for key, value in query if key == "centre"]
    if not centres or not centres[-1]:
        raise StoreError("store.pg_no_centre", address=_without_password(address))
    centre = centres[-1]
    if not CENTRE.fullmatch(centre):
        raise StoreError("store.pg_bad_centre", centre=centre)
    documents = [value for key, value in query if key == "documents"]
    rest = urlencode([(key, value) for key, value in query if key not in ("centre", "documents")])
    return PostgresAddress(
        urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)),
        centre,
        documents[-1] if documents and documents[-1] else None,
    )


def _without_password(address: str) -> str:
    parts = urlsplit(address)
    if parts.password is None:
        return address
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
