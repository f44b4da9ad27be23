"""The roster: staff added and edited, absent and back (AB角: their work goes to their backups), found by code,
name or pinyin initials, and each one's record of violations.
"""

from __future__ import annotations

from typing import Any

from firstask import names
from firstask.desk.cases import (
    iso,
    staff_of_row,
)
from firstask.desk.fields import clean
from firstask.desk.pins import Pins, hash_pin
from firstask.rules import RuleError, Staff


class Roster(Pins):
    """Staff, their absences and their record."""

    # --- set-up ------------------------------------------------------------------------------------------------

    def add_staff(
        self,
        code: str,
        name: str,
        *,
        role: str = "clerk",
        backup: str | None = None,
        pin: str | None = None,
        by: str | None = None,
    ) -> None:
        code = clean(code, "code")
        name = clean(name, "name")
        backup = clean(backup, "code") or None
        if not code or not code.isalnum():
            raise RuleError("INPUT", "staff.code", field="code")
        if not name:
            raise RuleError("INPUT", "staff.name", field="name")
        if role not in ("clerk", "supervisor"):
            raise RuleError("INPUT", "staff.role", field="role", role=str(role))
        if backup == code:
            raise RuleError("INPUT", "staff.backup_self", field="backup")
        if pin is not None:
            self._check_new_pin(pin)
        now = iso(self.now())
        with self.store.write() as s:
            existing = s.staff_row(code)
            row: dict[str, Any] = {
                "code": code,
                "name": name,
                "role": role,
                "backup": backup,
                "initials": names.initials(name),
                "updated_at": now,
                "active": 1,
            }
            if pin is not None:
                row["pin_hash"] = hash_pin(pin)
                row["pin_reset"] = 0
            if existing is None:
                row["created_at"] = now
            s.upsert("staff", "code", row)
            self._desk_event(
                "add_staff",
                by,
                now,
                {
                    "code": code,
                    "name": name,
                    "role": role,
                    "backup": backup,
                    "pin_set": pin is not None,
                    "new": existing is None,
                },
            )

    def set_absent(self, code: str, absent: bool, *, by: str | None = None) -> None:
        if not isinstance(absent, bool | int) or absent not in (True, False):
            raise RuleError("INPUT", "input.not_yes_no", field="absent")
        staff = self.staff()
        for who in (code, by):
            if who is not None and (not isinstance(who, str) or who not in staff):
                raise RuleError("INPUT", "input.unknown_staff", code=str(who))
        now = iso(self.now())
        with self.store.write() as s:
            if s.staff_row(code) is None:
                raise RuleError("INPUT", "input.unknown_staff", code=code)
            s.update("staff", "code", code, {"absent": int(bool(absent)), "updated_at": now})
            s.insert("presence", {"staff": code, "absent": int(bool(absent)), "at": now, "by": by or code})
            self._desk_event("set_absent", by or code, now, {"staff": code, "absent": bool(absent)})

    def find_staff(self, query: str, limit: int | None = 8) -> list[Staff]:
        """Active colleagues by the start of their code, any part of their name, or their pinyin initials."""
        q = (query or "").strip().lower()
        rows = self.store.staff_rows(active_only=True)
        return [staff_of_row(r) for r in rows if names.matches(q, r["code"], r["name"], r["initials"] or "")][:limit]

    def covering(self, code: str) -> list[Staff]:
        """The absent colleagues this staff member is the backup of (AB角): their work shows on this one's screen."""
        return [s for s in self.staff().values() if s.backup == code and s.absent and s.active and s.code != code]

    def save_staff(
        self, code: str, name: str, *, role: str = "clerk", backup: str | None = None, pin: str | None = None, by: str
    ) -> None:
        """A supervisor adds or edits a staff member (roster). The backup must be another staff member (A↔B is
        fine); a new member's first PIN must be changed at their first log-in. Editing keeps active and PIN."""
        self.supervisor_only(by, "setup")
        code = clean(code, "code")
        backup = clean(backup, "code") or None
        if backup is not None and backup != code and backup not in self.staff():
            raise RuleError("INPUT", "setup.staff.unknown_backup", field="backup", code=backup)
        with self.store.write() as s:
            existing = s.staff_row(code)
            if existing is None and pin is None:
                raise RuleError("INPUT", "setup.staff.first_pin", field="pin")
            self.add_staff(code, name, role=role, backup=backup, pin=pin, by=by)
            if existing is not None:
                s.update("staff", "code", code, {"active": existing["active"]})
            if pin is not None:
                s.update("staff", "code", code, {"pin_reset": 1})

    def set_active(self, code: str, active: bool, *, by: str) -> None:
        """A supervisor deactivates a staff member who left (they can no longer log in or be handed work), or
        brings them back. A supervisor cannot deactivate themself."""
        self.supervisor_only(by, "setup")
        if code == by and not active:
            raise RuleError("INPUT", "setup.staff.not_self")
        now = iso(self.now())
        with self.store.write() as s:
            if s.staff_row(code) is None:
                raise RuleError("INPUT", "input.unknown_staff", code=code)
            s.update("staff", "code", code, {"active": int(bool(active)), "updated_at": now})
            self._desk_event("set_active", by, now, {"staff": code, "active": bool(active)})
