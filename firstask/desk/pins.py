"""PINs and log-ins (SPEC §13): scrypt hashes, PINs of the policy's length checked when set, a window slowed after
wrong PINs, a code locked after LOCKOUT_ATTEMPTS of them until a supervisor unlocks it, the gate in front of an
unmasked export.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from firstask import rules
from firstask.desk.cases import (
    iso,
    staff_of_row,
)
from firstask.desk.core import DeskCore
from firstask.desk.fields import typed_code
from firstask.rules import RuleError, Staff

# --- PINs ------------------------------------------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
LOCKOUT_ATTEMPTS = 10  # wrong PINs in a row lock a code; the window that types them is slowed long before
LOCKOUT_MINUTES = 5


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


class Pins(DeskCore):
    """Log-ins, PINs and locks."""

    def authenticate(self, code: str, pin: str) -> Staff:
        """Log a staff member in: the PIN against its stored hash. Both outcomes go into the history.

        Wrong PINs slow this window before they lock a code (SPEC §13): from the third in a row here, the window
        takes no PIN for `rules.login_delay` seconds (refused as "WAIT", nothing checked or written; `login_wait`
        says how long is left). LOCKOUT_ATTEMPTS wrong PINs in a row for one code, from whatever windows, lock that
        code for LOCKOUT_MINUTES (recorded once as `lock`) unless a supervisor unlocks it first."""
        wait = self.login_wait()
        if wait > 0:
            raise RuleError("WAIT", "pins.wait", seconds=math.ceil(wait))
        code = typed_code(code)
        pin = pin if isinstance(pin, str) else ""
        row = self.store.staff_row(code) if code.isalnum() else None
        moment = self.now()
        now = iso(moment)
        ok = False
        with self.store.write():
            # A code locks whether or not it exists (so the lock tells nothing about the roster); the PIN is not
            # even checked while locked.
            locked, failures = self._lock_state(code[:20], moment)
            if locked:
                self._desk_event("login_locked", code if row else None, now, {"code": code[:20]})
            else:
                ok = row is not None and bool(row["active"]) and check_pin(pin or "", row["pin_hash"])
                self._desk_event("login" if ok else "login_refused", code if row else None, now, {"code": code[:20]})
                if ok and self.window is not None and self.window.isdigit():
                    # Who serves at this window, as its rating pad shows it (a badge).
                    hall = self.store.hall_window_row(int(self.window))
                    if hall is not None and hall["serving"] != code:
                        self.store.update(
                            "hall_windows", "number", hall["number"], {"serving": code, "serving_at": now}
                        )
                if not ok and failures + 1 >= LOCKOUT_ATTEMPTS:  # the lock itself, once, for the record
                    self._desk_event(
                        "lock",
                        code if row else None,
                        now,
                        {"code": code[:20], "attempts": LOCKOUT_ATTEMPTS, "minutes": LOCKOUT_MINUTES},
                    )
        if ok and row is not None:
            self._wrong_pins, self._pin_wait_until = 0, None
            return staff_of_row(row)
        self._wrong_pins += 1
        delay = rules.login_delay(self._wrong_pins)
        self._pin_wait_until = moment + timedelta(seconds=delay) if delay else None
        if locked:
            raise RuleError("LOGIN", "login.locked", minutes=LOCKOUT_MINUTES)
        raise RuleError("LOGIN", "login.refused")

    def login_wait(self) -> float:
        """Seconds before this window takes another PIN (0: it takes one now), on the desk's clock."""
        if self._pin_wait_until is None:
            return 0.0
        left = (self._pin_wait_until - self.now()).total_seconds()
        # A clock set back cannot hold the window longer than the longest wait.
        return max(0.0, min(left, float(rules.login_delay(self._wrong_pins))))

    def _lock_state(self, code: str, moment: datetime) -> tuple[bool, int]:
        """Whether `code` is locked at `moment`, and its wrong PINs in a row that count towards a lock: those of the
        last LOCKOUT_MINUTES since its last good log-in, lock or unlock (the `at` index bounds the search)."""
        last, failures = self.store.login_failures(code, iso(moment - timedelta(minutes=LOCKOUT_MINUTES)))
        if last == "lock":
            return True, LOCKOUT_ATTEMPTS
        return False, failures

    def locked(self, code: str) -> bool:
        """Whether wrong PINs have locked this staff code (until LOCKOUT_MINUTES pass or a supervisor unlocks it)."""
        return self._lock_state(typed_code(code)[:20], self.now())[0]

    def unlock(self, code: str, *, by: str) -> None:
        """A supervisor unlocks a staff code at once (F11), recorded as `unlock`: it logs in at once, and its wrong
        PINs so far no longer count."""
        self.supervisor_only(by, "setup")
        if not isinstance(code, str) or code not in self.staff():
            raise RuleError("INPUT", "input.unknown_staff", code=str(code))
        with self.store.write():
            if not self.locked(code):
                raise RuleError("INPUT", "pins.not_locked", code=code)
            self._desk_event("unlock", by, iso(self.now()), {"code": code})

    def reset_pin(self, code: str, *, by: str, temporary: str | None = None) -> None:
        """A supervisor resets a PIN: the staff member must choose a new one at their next log-in. `temporary`,
        when given, replaces the old PIN for that log-in (for a PIN forgotten)."""
        self.supervisor_only(by, "setup")
        if temporary is not None:
            self._check_new_pin(temporary)
        now = iso(self.now())
        with self.store.write() as s:
            if s.staff_row(code) is None:
                raise RuleError("INPUT", "input.unknown_staff", code=code)
            changes: dict[str, Any] = {"pin_reset": 1, "updated_at": now}
            if temporary is not None:
                changes["pin_hash"] = hash_pin(temporary)
            s.update("staff", "code", code, changes)
            self._desk_event("reset_pin", by, now, {"staff": code, "temporary": temporary is not None})

    def _check_new_pin(self, pin: Any, field: str = "pin") -> None:
        problem = rules.pin_problem(pin, self.policy.min_pin_length)
        if problem is not None:
            problem.field = field
            raise problem

    def pin_reset_due(self, code: str) -> bool:
        """Whether the staff member must choose a new PIN before working (a reset, or a first PIN)."""
        return bool((self.store.staff_row(code) or {}).get("pin_reset"))

    def set_pin(self, code: str, old_pin: str | None, new_pin: str) -> None:
        """The staff member sets their own new PIN: the old one must match (when the staff member has one); the new
        one has the policy's minimum of digits (6 unless changed), is not a run or a repeat, and differs from the old
        one. Clears a reset."""
        row = self.store.staff_row(code)
        if row is None or not row["active"]:
            raise RuleError("INPUT", "input.unknown_staff", code=str(code))
        if row["pin_hash"] and not check_pin(old_pin or "", row["pin_hash"]):
            raise RuleError("LOGIN", "login.refused", field="old_pin")
        self._check_new_pin(new_pin, field="new_pin")
        if check_pin(new_pin, row["pin_hash"]):
            raise RuleError("INPUT", "setup.pin.same", field="new_pin")
        now = iso(self.now())
        with self.store.write() as s:
            s.update("staff", "code", code, {"pin_hash": hash_pin(new_pin), "pin_reset": 0, "updated_at": now})
            self._desk_event("set_pin", code, now, {"staff": code})

    def unmasked_export(self, code: str, pin: str, detail: Mapping[str, Any]) -> Staff:
        """SPEC §10: phones and ID numbers leave the desk whole only at a supervisor's request. The PIN is checked
        as at a log-in (which records it); a supervisor's export is recorded, a clerk's attempt is recorded and
        refused. `detail` says what was asked for (format, period, file)."""
        staff = self.authenticate(code, pin)
        with self.store.write():
            self._desk_event(
                "export_unmasked" if staff.is_supervisor else "export_refused",
                staff.code,
                iso(self.now()),
                {**detail, "unmasked": True},
            )
        if not staff.is_supervisor:
            raise RuleError("ACCESS", "report.unmasked_refused", code=staff.code)
        return staff
