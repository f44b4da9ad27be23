"""The hall's windows on its LAN (issue 19): a supervisor registers each window PC, which gets a one-time enrolment
code; the browser at that PC enrols once with it and keeps a token (a cookie) that names its window; a revoked
window is turned away. Only hashes of codes and tokens are stored. Every registration, enrolment, revocation and
refused connection is an event.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from firstask.desk.cases import iso
from firstask.desk.fields import clean
from firstask.desk.oversight import Oversight
from firstask.desk.slips import digest
from firstask.rules import RuleError

# No 0/O, 1/I/L: a code is read off a supervisor's screen and typed at another PC.
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11: with the server's attempt limit, not guessed before it expires
WINDOW_NUMBERS = (1, 999)
REFUSALS = ("not_enrolled", "revoked", "bad_code", "too_many_tries", "foreign_origin", "too_many", "too_many_window")


def normal_code(code: str) -> str:
    """A code as typed (any case, full-width from a Chinese input method, spaces or dashes between its groups) in its
    one form."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(code)).upper() if ch.isascii() and ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """A code as a supervisor reads it out: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class HallWindow:
    """A registered window: enrolled (a browser holds its token), waiting for its code, or revoked."""

    number: int
    name: str
    enrolled_at: str | None
    revoked_at: str | None
    code_expires: str | None  # a code given and not yet used
    pad_enrolled_at: str | None = None  # its rating pad (评价器), enrolled
    pad_code_expires: str | None = None  # … or a pad's code given and not yet used

    @property
    def pad(self) -> str:
        """Its rating pad: "enrolled", "waiting" (a code given) or "none"."""
        if self.revoked_at is not None:
            return "none"
        if self.pad_enrolled_at is not None:
            return "enrolled"
        return "waiting" if self.pad_code_expires is not None else "none"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.enrolled_at is not None:
            return "enrolled"
        return "waiting" if self.code_expires is not None else "none"


def window_of_row(row: dict[str, Any]) -> HallWindow:
    return HallWindow(
        number=int(row["number"]),
        name=str(row["name"]),
        enrolled_at=row["enrolled_at"] if row["token_hash"] else None,
        revoked_at=row["revoked_at"],
        code_expires=row["code_expires"] if row["code_hash"] else None,
        pad_enrolled_at=row.get("pad_enrolled_at") if row.get("pad_token_hash") else None,
        pad_code_expires=row.get("pad_code_expires") if row.get("pad_code_hash") else None,
    )


class Hall(Oversight):
    """The hall's windows: registered, enrolled, revoked, and who is let in."""

    def hall_windows(self) -> list[HallWindow]:
        return [window_of_row(r) for r in self.store.hall_window_rows()]

    def register_window(self, number: int, name: str, *, by: str) -> str:
        """A supervisor registers window `number` (or registers it again: a new PC, a lost cookie) and gets its
        one-time enrolment code, valid for the policy's `enrol_code_hours`. Registering again turns away the
        browser enrolled before. The code is shown once and only its hash is kept."""
        self.supervisor_only(by, "setup")
        if isinstance(number, bool) or not isinstance(number, int):
            raise RuleError("INPUT", "hall.bad_number", field="number", low=WINDOW_NUMBERS[0], high=WINDOW_NUMBERS[1])
        if not WINDOW_NUMBERS[0] <= number <= WINDOW_NUMBERS[1]:
            raise RuleError("INPUT", "hall.bad_number", field="number", low=WINDOW_NUMBERS[0], high=WINDOW_NUMBERS[1])
        name = clean(name, "name")
        if not name:
            raise RuleError("INPUT", "hall.no_name", field="name")
        now = self.now()
        code = new_code()
        expires = iso(now + timedelta(hours=self.policy.enrol_code_hours))
        with self.store.write() as s:
            existing = s.hall_window_row(number)
            row: dict[str, Any] = {
                "number": number,
                "name": name,
                "code_hash": digest(code),
                "code_expires": expires,
                "token_hash": None,
                "enrolled_at": None,
                "revoked_at": None,
                "updated_at": iso(now),
                "created_at": existing["created_at"] if existing else iso(now),
            }
            s.upsert("hall_windows", "number", row)
            detail = {"number": number, "name": name, "expires": expires, "again": existing is not None}
            self._desk_event("register_window", by, iso(now), detail)
        return code

    def enrol_window(self, code: str, *, peer: str = "", record: bool = True) -> tuple[HallWindow, str]:
        """A browser enrols with a window's code: the code is spent, and the browser's new token (for its cookie)
        is returned with the window. A wrong, used or expired code is refused, and recorded unless `record` is
        False (the hall's server records refusals itself, a few a minute: a flood of wrong codes must not write)."""
        now = self.now()
        typed = normal_code(code)
        found = self.store.hall_window_by("code_hash", digest(typed)) if len(typed) == CODE_LENGTH else None
        if found is not None:  # read first: a wrong code opens no write
            with self.store.write() as s:
                row = s.hall_window_by("code_hash", digest(typed))
                if row is not None and row["code_expires"] is not None and row["code_expires"] >= iso(now):
                    token = secrets.token_urlsafe(32)
                    changes = {
                        "code_hash": None,
                        "code_expires": None,
                        "token_hash": digest(token),
                        "enrolled_at": iso(now),
                        "revoked_at": None,
                        "updated_at": iso(now),
                    }
                    s.update("hall_windows", "number", row["number"], changes)
                    self._desk_event("enrol_window", None, iso(now), {"number": row["number"], "peer": peer[:64]})
                    return window_of_row({**row, **changes}), token
        if record:
            self.refuse_connection("bad_code", peer=peer)  # recorded although the enrolment fails
        raise RuleError("INPUT", "hall.bad_code", field="code")

    def revoke_window(self, number: int, *, by: str) -> None:
        """A supervisor revokes a window: its browser is turned away at its next connection (open desks end when
        the server next looks), and an unused code is void."""
        self.supervisor_only(by, "setup")
        now = iso(self.now())
        with self.store.write() as s:
            if s.hall_window_row(number) is None:
                raise RuleError("INPUT", "hall.unknown_window", number=str(number))
            changes = {
                "code_hash": None,
                "code_expires": None,
                "token_hash": None,
                "revoked_at": now,
                "updated_at": now,
            }
            s.update("hall_windows", "number", number, changes)
            self._desk_event("revoke_window", by, now, {"number": number})

    def window_of_token(self, token: str | None) -> HallWindow | None:
        """The enrolled, not revoked window whose browser holds `token`, or None."""
        if not token:
            return None
        row = self.store.hall_window_by("token_hash", digest(token))
        return None if row is None or row["revoked_at"] is not None else window_of_row(row)

    def refuse_connection(self, reason: str, *, peer: str = "", window: int | None = None) -> None:
        """A connection the hall's server turned away, recorded for review (the server keeps a flood of them from
        the same place to one event a minute)."""
        if reason not in REFUSALS:
            raise ValueError(reason)
        detail: dict[str, Any] = {"reason": reason, "peer": str(peer)[:64]}
        if window is not None:
            detail["number"] = window
        now: datetime = self.now()
        with self.store.write():
            self._desk_event("refuse_connection", None, iso(now), detail)
