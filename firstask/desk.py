"""The desk service: every action loads the case, asks the rules, and writes the change with its event in one
transaction — or raises `RuleError` and writes nothing. Screens, the CLI, scripts and tests all come through here.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import math
import secrets
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from firstask import i18n, names, printing, privacy, rules
from firstask.calendar import OfficialYears, WorkCalendar, official_from_json
from firstask.rules import CaseState, ConflictError, Context, Matter, Policy, RuleError, Staff, Verdict
from firstask.store import Store

__all__ = ["Case", "ConflictError", "Desk", "Event", "Notice", "RuleError", "Violation", "data_dir"]

Clock = Callable[[], datetime]
Changes = dict[str, Any]
Detail = dict[str, Any]


def data_dir() -> Path:
    """The shipped data: inside the package when installed, beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "policy.toml").exists():
            return candidate
    return here.parent / "data"


@functools.cache
def official_calendar() -> OfficialYears:
    """The official working calendar shipped in data/calendar-cn.json (built from `holidays` by
    tools/build_calendar.py); years outside it are asked of the library itself."""
    try:
        return official_from_json(json.loads((data_dir() / "calendar-cn.json").read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


# --- what the desk hands out -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    seq: int
    action: str
    by: str | None
    at: datetime
    detail: dict[str, Any]


@dataclass(frozen=True)
class Notice:
    seq: int
    by: str
    at: datetime
    items: list[str]
    missing: list[str]
    extra: list[str]
    second: bool
    document: str | None
    presented: list[str] = field(default_factory=list)  # what the visitor had presented by then
    applies: list[str] = field(default_factory=list)  # the conditions that applied to them


@dataclass(frozen=True)
class Violation:
    id: int
    rule: str
    staff: str | None
    case_no: str | None
    at: datetime
    detail: dict[str, Any]
    review: dict[str, Any] | None = None
    repeat: bool = False


@dataclass
class Case:
    no: str
    version: int
    status: str
    first_asker: str
    owner: str
    channel: str
    kind: str
    summary: str
    matter: str | None
    matter_info: Matter | None
    visitor_name: str | None
    phone: str | None
    id_number: str | None
    org: str | None
    anonymous: bool
    about_staff: str | None
    due: date | None
    due_provisional: bool
    pending_to: str | None
    pending_from: str | None
    outcome: str | None
    result: str | None
    rating: int | None
    created_at: datetime
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    history: list[Event] = field(default_factory=list)
    address: str | None = None
    remedied_at: datetime | None = None

    @property
    def matter_name(self) -> str | None:
        return self.matter_info.name if self.matter_info else None


@dataclass(frozen=True)
class VisitorHit:
    """A returning visitor found by search: what picking them fills into the check-in form.

    `phone` and `id_number` are as stored, to be carried into the visitor's new case; `whole` says whether the
    clerk who searched may see them (SPEC §10): a supervisor, or the owner or first-asker of one of the visitor's
    cases. Anyone else is shown `shown_phone` and `shown_id_number`, masked."""

    name: str
    phone: str | None
    id_number: str | None
    org: str | None
    address: str | None
    visits: int
    last_seen: datetime
    open_cases: tuple[CaseLine, ...] = ()  # what they came about before and is not finished: taken up with Enter
    whole: bool = True

    @property
    def shown_phone(self) -> str | None:
        return self.phone if self.whole else privacy.mask_phone(self.phone)

    @property
    def shown_id_number(self) -> str | None:
        return self.id_number if self.whole else privacy.mask_id_number(self.id_number)


@dataclass(frozen=True)
class CaseLine:
    """One row of a clerk's list: what a table shows, without the history."""

    no: str
    version: int
    status: str
    channel: str
    kind: str
    summary: str
    matter_name: str | None
    visitor_name: str | None
    owner: str
    first_asker: str
    due: date | None
    due_provisional: bool
    created_at: datetime
    rating: int | None = None
    remedied: bool = False
    resolved_at: datetime | None = None
    pending_since: datetime | None = None  # a waiting hand-off: when it was sent
    returned: str | None = None  # declined back to its owner, with this reason, and not acted on since
    pending_to: str | None = None
    pending_from: str | None = None
    anonymous: bool = False
    about_staff: str | None = None
    matter_kind: str | None = None
    handoff_note: str | None = None  # a waiting hand-off: what the sender wrote of what was done


def notice_of(event: Event) -> Notice:
    """A one-time notice from its event (`Desk.notices`; a screen holding the case's history reads them there)."""
    d = event.detail
    return Notice(
        seq=event.seq,
        by=event.by or "",
        at=event.at,
        items=d["items"],
        missing=d["missing"],
        extra=d["extra"],
        second=d.get("second", False),
        document=d.get("document"),
        presented=list(d.get("presented", ())),
        applies=list(d.get("applies", ())),
    )


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


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


def _typed_code(code: Any) -> str:
    """A staff code as typed at the log-in, storable in the history: a lone surrogate is kept escaped (such a code
    names no staff member either way); anything but text is no code."""
    return code.strip().encode("utf-8", "backslashreplace").decode() if isinstance(code, str) else ""


# --- input cleaning ------------------------------------------------------------------------------------------

LIMITS = {
    "visitor_name": 60,
    "org": 120,
    "address": 200,
    "summary": 4000,
    "text": 4000,
    "code": 20,
    "name": 60,
    "item": 200,
    "agency": 200,
    "contact": 200,
}


def _control(c: str, allowed: str) -> bool:
    """A character that would act on a terminal or a printer rather than be shown (C0, DEL, C1, line separators),
    or a lone surrogate, which no file or terminal can hold."""
    return (
        (ord(c) < 32 and c not in allowed) or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" or 0xD800 <= ord(c) < 0xE000
    )


def clean(value: Any, field_name: str, *, multiline: bool = False, limit: int | None = None) -> str:
    """Text as typed, trimmed; refused (never silently changed) when too long or holding control characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RuleError("INPUT", "input.not_text", field=field_name)
    # Checked before trimming too: strip() drops some control characters (\x1c-\x1f, \x0b, \x0c, \x85) at the ends.
    if any(_control(c, "\n\t\r") for c in value):
        raise RuleError("INPUT", "input.control", field=field_name)
    text = value.strip()
    allowed = "\n\t" if multiline else ""
    if any(_control(c, allowed) for c in text):
        raise RuleError("INPUT", "input.control", field=field_name)
    cap = limit or LIMITS.get(field_name, 4000)
    if len(text) > cap:
        raise RuleError("INPUT", "input.too_long", field=field_name, limit=cap)
    return text


def clean_list(values: Iterable[Any] | None, field_name: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    try:
        items = list(values)
    except TypeError as e:  # a number, say, where a list of items goes
        raise RuleError("INPUT", "input.not_text", field=field_name) from e
    out: list[str] = []
    for v in items:
        text = clean(v, field_name, limit=LIMITS["item"])
        if text and text not in out:
            out.append(text)
    return out


def _clean_document(raw: Any) -> rules.Document:
    """A matter's document as the catalogue gives it (a name, or its name, condition and form): each text cleaned,
    for all of them are printed on the visitor's notice."""
    if isinstance(raw, str):
        return rules.Document(clean(raw, "documents", limit=LIMITS["item"]))
    if not isinstance(raw, Mapping) or "name" not in raw:
        raise RuleError("INPUT", "matter.documents", field="documents")
    return rules.Document(
        clean(raw["name"], "documents", limit=LIMITS["item"]),
        clean(raw.get("when"), "documents", limit=LIMITS["item"]) or None,
        clean(raw.get("form"), "documents", limit=LIMITS["item"]) or None,
    )


# --- the desk --------------------------------------------------------------------------------------------------


class Desk:
    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or datetime.now
        self._policy_key: str | None = None
        self._policy_seen: tuple[int, int] | None = None
        self._policy = Policy()
        self._policy_problems: list[RuleError] = []
        self._calendar = WorkCalendar(official=official_calendar())
        # Wrong PINs in a row typed at this window (this desk process), and the moment before which it takes no
        # other PIN (SPEC §13: wrong PINs slow the window that typed them before they lock a code).
        self._wrong_pins = 0
        self._pin_wait_until: datetime | None = None
        self.documents_dir = store.path.with_name(store.path.stem + "-documents")
        # The window (窗口) this desk process serves: printed on slips, recorded with every event it writes.
        self.window: str | None = None

    @classmethod
    def open(cls, path: str | Path, clock: Clock | None = None, *, create: bool = True) -> Desk:
        """Open (or, with `create`, make) a desk file, migrating it; another application's file is refused."""
        return cls(Store.open(path, create=create), clock)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- time, policy, calendar ------------------------------------------------------------------------------

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is not None:
            from zoneinfo import ZoneInfo

            moment = moment.astimezone(ZoneInfo(self.policy.timezone)).replace(tzinfo=None)
        return moment.replace(microsecond=0)

    def _load_policy(self) -> None:
        # Read the policy table again only when the file may have changed: another connection committed
        # (data_version) or this one wrote (total_changes). Three reads per action otherwise add up.
        seen = self.written()
        if seen == self._policy_seen:
            return
        self._policy_seen = seen
        raw = self.store.policy()
        key = json.dumps(raw, sort_keys=True, default=str)
        if key != self._policy_key:
            # Building the calendar is the costly part; the policy changes rarely, so keep both until it does.
            # A value stored out of range (written behind the desk, or by an older version) runs on its default
            # and is told (policy_problems), never a traceback at every later action.
            self._policy, self._policy_problems = Policy.checked(raw)
            sound = {k: v for k, v in raw.items() if rules.policy_problem(k, v) is None}
            try:
                self._calendar = WorkCalendar.from_policy(sound, official_calendar())
            except (TypeError, ValueError, KeyError, AttributeError) as e:
                self._calendar = WorkCalendar.from_policy({}, official_calendar())
                self._policy_problems.append(RuleError("INPUT", "policy.invalid", reason=rules.quoted(str(e))))
            self._policy_key = key

    @property
    def policy(self) -> Policy:
        self._load_policy()
        return self._policy

    def policy_problems(self, lang: str | None = None) -> list[str]:
        """What is wrong with the stored policy (each such value runs on its default), one line each."""
        self._load_policy()
        return [i18n.t("policy.stored_bad", lang, problem=p.message(lang)) for p in self._policy_problems]

    @property
    def calendar(self) -> WorkCalendar:
        self._load_policy()
        return self._calendar

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
        now = _iso(self.now())
        with self.store.write() as s:
            existing = s.one("SELECT code FROM staff WHERE code = ?", (code,))
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
        now = _iso(self.now())
        with self.store.write() as s:
            if s.one("SELECT code FROM staff WHERE code = ?", (code,)) is None:
                raise RuleError("INPUT", "input.unknown_staff", code=code)
            s.update("staff", "code", code, {"absent": int(bool(absent)), "updated_at": now})
            s.insert("presence", {"staff": code, "absent": int(bool(absent)), "at": now, "by": by or code})
            self._desk_event("set_absent", by or code, now, {"staff": code, "absent": bool(absent)})

    def add_matter(
        self,
        code: str,
        name: str,
        *,
        limit_days: int,
        immediate: bool = False,
        documents: Sequence[str | Mapping[str, Any]] = (),
        written_notice: bool = False,
        dept: str | None = None,
        kind: str | None = None,
        basis: str | None = None,
        estimated: bool = False,
        active: bool = True,
        note: str | None = None,
        forms_at: str | None = None,
        by: str | None = None,
    ) -> None:
        # Every text of the catalogue is printed on the visitor's slips: control characters are refused here.
        code = clean(code, "code")
        name = clean(name, "name", limit=120)
        note = clean(note, "note", limit=200) or None
        forms_at = clean(forms_at, "forms_at", limit=200) or None
        dept = clean(dept, "dept", limit=120) or None
        basis = clean(basis, "basis", multiline=True) or None
        kind = kind or ("immediate" if immediate else "promised")
        if not code or not name:
            raise RuleError("INPUT", "matter.code_name", field="code")
        if kind not in rules.MATTER_KINDS:
            raise RuleError("INPUT", "matter.kind", field="kind", kind=str(kind))
        if not isinstance(limit_days, int) or isinstance(limit_days, bool) or not 0 <= limit_days <= 365:
            raise RuleError("INPUT", "matter.limit", field="limit_days")
        docs = [_clean_document(d) for d in documents]
        if any(not d.name for d in docs) or len({d.name for d in docs}) != len(docs):
            raise RuleError("INPUT", "matter.documents", field="documents")
        matter = Matter(
            code=code,
            name=name,
            limit_days=0 if kind == "immediate" else limit_days,
            kind=kind,
            documents=tuple(docs),
            written_notice=bool(written_notice),
            dept=dept,
            basis=basis,
            estimated=bool(estimated),
            note=note,
            forms_at=forms_at,
        )
        now = _iso(self.now())
        with self.store.write() as s:
            s.upsert(
                "matters",
                "code",
                {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "limit_days": matter.limit_days,
                    "written_notice": int(matter.written_notice),
                    "documents": json.dumps([d.as_json() for d in docs], ensure_ascii=False),
                    "dept": dept,
                    "basis": basis,
                    "estimated": int(bool(estimated)),
                    "active": int(bool(active)),
                    "initials": names.initials(name),
                    "note": note,
                    "forms_at": forms_at,
                    "updated_at": now,
                },
            )
            self._desk_event("add_matter", by, now, {"matter": matter.as_json(), "active": bool(active)})

    def set_policy(self, by: str | None = None, **values: Any) -> None:
        known = set(Policy.__dataclass_fields__) | CALENDAR_KEYS | {"hours"}
        unknown = sorted(set(values) - known)
        if unknown:
            raise RuleError("INPUT", "policy.unknown", keys=", ".join(unknown))
        for key, value in values.items():
            problem = rules.policy_problem(key, value)
            if problem is not None:
                raise problem
        try:
            candidate = {**self.store.policy(), **values}
            WorkCalendar.from_policy(candidate)
        except (TypeError, ValueError, KeyError, AttributeError) as e:
            raise RuleError("INPUT", "policy.invalid", reason=rules.quoted(str(e))) from e
        now = _iso(self.now())
        with self.store.write() as s:
            s.set_policy(values)
            self._desk_event("set_policy", by, now, {"values": values})

    def load_defaults(self) -> None:
        """The catalogue and the policy shipped in data/ (no staff)."""
        folder = data_dir()
        with (folder / "policy.toml").open("rb") as f:
            policy = tomllib.load(f)
        values = dict(policy.get("policy", {}))
        for key, value in policy.get("calendar", {}).items():
            values[f"calendar_{key}"] = value
        catalogue = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
        with self.store.write():
            self.set_policy(**values)
            for m in catalogue["matters"]:
                basis = "\n".join(
                    x for x in (m.get("basis"), f"来源：{m['source']}" if m.get("source") else "", m.get("notes")) if x
                )
                self.add_matter(
                    m["code"],
                    m["name"],
                    limit_days=int(m["limit_days"]),
                    kind=m["kind"],
                    documents=m.get("documents", ()),
                    written_notice=bool(m.get("written_notice")),
                    dept=m.get("dept"),
                    basis=basis,
                    estimated=bool(m.get("limit_estimated")),
                    active=m.get("status", "active") != "abolished",
                    note=m.get("name_note"),
                    forms_at=m.get("forms_at"),
                )

    # --- people ----------------------------------------------------------------------------------------------

    def staff(self) -> dict[str, Staff]:
        return {
            r["code"]: Staff(
                code=r["code"],
                name=r["name"],
                role=r["role"],
                backup=r["backup"],
                absent=bool(r["absent"]),
                active=bool(r["active"]),
            )
            for r in self.store.all("SELECT code, name, role, backup, absent, active FROM staff")
        }

    def authenticate(self, code: str, pin: str) -> Staff:
        """Log a staff member in: the PIN against its stored hash. Both outcomes go into the history.

        Wrong PINs slow this window before they lock a code (SPEC §13): from the third in a row here, the window
        takes no PIN for `rules.login_delay` seconds (refused as "WAIT", nothing checked or written; `login_wait`
        says how long is left). LOCKOUT_ATTEMPTS wrong PINs in a row for one code, from whatever windows, lock that
        code for LOCKOUT_MINUTES (recorded once as `lock`) unless a supervisor unlocks it first."""
        wait = self.login_wait()
        if wait > 0:
            raise RuleError("WAIT", "pins.wait", seconds=math.ceil(wait))
        code = _typed_code(code)
        pin = pin if isinstance(pin, str) else ""
        row = (
            self.store.one(
                "SELECT code, name, role, backup, absent, active, pin_hash FROM staff WHERE code = ?", (code,)
            )
            if code.isalnum()
            else None
        )
        moment = self.now()
        now = _iso(moment)
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
                if not ok and failures + 1 >= LOCKOUT_ATTEMPTS:  # the lock itself, once, for the record
                    self._desk_event(
                        "lock",
                        code if row else None,
                        now,
                        {"code": code[:20], "attempts": LOCKOUT_ATTEMPTS, "minutes": LOCKOUT_MINUTES},
                    )
        if ok and row is not None:
            self._wrong_pins, self._pin_wait_until = 0, None
            return Staff(
                code=row["code"],
                name=row["name"],
                role=row["role"],
                backup=row["backup"],
                absent=bool(row["absent"]),
                active=bool(row["active"]),
            )
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
        last, failures = self.store.login_failures(code, _iso(moment - timedelta(minutes=LOCKOUT_MINUTES)))
        if last == "lock":
            return True, LOCKOUT_ATTEMPTS
        return False, failures

    def locked(self, code: str) -> bool:
        """Whether wrong PINs have locked this staff code (until LOCKOUT_MINUTES pass or a supervisor unlocks it)."""
        return self._lock_state(_typed_code(code)[:20], self.now())[0]

    def unlock(self, code: str, *, by: str) -> None:
        """A supervisor unlocks a staff code at once (F11), recorded as `unlock`: it logs in at once, and its wrong
        PINs so far no longer count."""
        self.supervisor_only(by, "setup")
        if not isinstance(code, str) or code not in self.staff():
            raise RuleError("INPUT", "input.unknown_staff", code=str(code))
        with self.store.write():
            if not self.locked(code):
                raise RuleError("INPUT", "pins.not_locked", code=code)
            self._desk_event("unlock", by, _iso(self.now()), {"code": code})

    def supervisor_only(self, by: str, what: str) -> Staff:
        """A supervisor screen or call (`what` names it): allowed for supervisors; for anyone else the refusal is
        written into the history (SPEC §10) and raised as ACCESS."""
        staff = self.staff().get(by)
        if staff is not None and staff.active and staff.is_supervisor:
            return staff
        with self.store.write():
            self._desk_event(
                "access_refused",
                by if staff else None,
                _iso(self.now()),
                {"code": str(by)[:20], "what": str(what)[:40]},
            )
        raise RuleError("ACCESS", "access.supervisor_only", what=what)

    # --- actions -----------------------------------------------------------------------------------------------

    def check_in(
        self,
        by: str,
        *,
        visitor_name: str | None = None,
        summary: str,
        channel: str = "visit",
        kind: str = "enquiry",
        matter: str | None = None,
        phone: str | None = None,
        id_number: str | None = None,
        org: str | None = None,
        anonymous: bool = False,
        about_staff: str | None = None,
        address: str | None = None,
        expect: int | None = None,
    ) -> Case:
        del expect  # a new case has no version to check
        params: dict[str, Any] = {
            "visitor_name": clean(visitor_name, "visitor_name"),
            "summary": clean(summary, "summary", multiline=True),
            "channel": channel,
            "kind": kind,
            "phone": clean(phone, "phone", limit=40),
            "id_number": clean(id_number, "id_number", limit=40),
            "org": clean(org, "org"),
            "address": clean(address, "address"),
            "anonymous": bool(anonymous),
            "about_staff": rules.complaint_subject(kind, clean(about_staff, "code")),
            "matter": clean(matter, "code") or None,
        }
        now = self.now()
        with self.store.write() as s:
            ctx = self._context(by, params)
            matter_row = None
            if params["matter"]:
                matter_row = s.one("SELECT * FROM matters WHERE code = ?", (params["matter"],))
                if matter_row is None or not matter_row["active"]:
                    raise RuleError("INPUT", "input.unknown_matter", field="matter", code=params["matter"])
            rules.check("check_in", None, ctx, now).raise_first_block()
            policy = ctx.policy
            phone_n = rules.normalise_phone(params["phone"], policy.area_code) if params["phone"] else None
            id_n = rules.normalise_id_number(params["id_number"]) if params["id_number"] else None
            person_id, person_digest = None, None
            if not anonymous:
                person_id, person_digest = s.new_person(
                    {
                        "name": params["visitor_name"],
                        "phone": phone_n,
                        "id_number": id_n,
                        "org": params["org"] or None,
                        "address": params["address"] or None,
                        "initials": names.initials(params["visitor_name"]),
                        "phone_digits": names.digits(phone_n),
                    },
                    _iso(now),
                )
            matter_obj = _matter_from_row(matter_row) if matter_row else None
            no = s.next_case_no(now.date().isoformat())
            s.insert(
                "cases",
                {
                    "no": no,
                    "version": 1,
                    "status": "open",
                    "channel": channel,
                    "kind": kind,
                    "summary": params["summary"],
                    "matter_code": matter_obj.code if matter_obj else None,
                    "matter": json.dumps(matter_obj.as_json(), ensure_ascii=False) if matter_obj else None,
                    "person_id": person_id,
                    "anonymous": int(bool(anonymous)),
                    "about_staff": params["about_staff"],
                    "first_asker": by,
                    "owner": by,
                    "created_at": _iso(now),
                    "updated_at": _iso(now),
                },
            )
            detail = {
                "status": [None, "open"],
                "channel": channel,
                "kind": kind,
                "summary": params["summary"],
                "matter": matter_obj.code if matter_obj else None,
                "visitor": person_digest,
                "anonymous": bool(anonymous),
                "about_staff": params["about_staff"],
            }
            seq = s.append_event(no, "check_in", by, _iso(now), policy.timezone, self._at_window(detail))
            s.record_state(no, seq, _iso(now), {"status": "open", "owner": by})
            done = self.case(no)
        return done

    def answer(self, no: str, by: str, text: str, *, expect: int | None = None) -> Case:
        params = {"text": clean(text, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            return (
                {"status": "resolved", "outcome": "answered", "result": params["text"], "resolved_at": _iso(now)},
                {"text": params["text"]},
            )

        return self._act("answer", no, by, expect, params, apply)

    def notify(
        self,
        no: str,
        by: str,
        *,
        presented: Iterable[str] = (),
        extra: Iterable[str] = (),
        applies: Iterable[str] = (),
        expect: int | None = None,
    ) -> Case:
        p_presented = clean_list(presented, "presented")
        p_extra = clean_list(extra, "extra")
        p_applies = clean_list(applies, "applies")

        def prepare(case: CaseState) -> dict[str, Any]:
            missing = rules.required_missing(case.matter, p_presented, p_applies)
            items = missing + [e for e in p_extra if e not in missing]
            return {
                "presented": p_presented,
                "extra": p_extra,
                "applies": p_applies,
                "missing": missing,
                "items": items,
            }

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            p = ctx.params
            detail: Detail = {
                "items": p["items"],
                "missing": p["missing"],
                "extra": p["extra"],
                "presented": p["presented"],
                "applies": p["applies"],
                "second": bool(rules.asked_anew(case, p["items"])),
            }
            text = self._notice_text(case, ctx, now, p["items"], p["presented"])
            detail["document"] = self._print(
                case, "notice", text, required=bool(case.matter and case.matter.written_notice)
            )
            return {"status": "awaiting_documents"}, detail

        return self._act("notify", no, by, expect, {}, apply, prepare=prepare)

    def accept(
        self,
        no: str,
        by: str,
        *,
        materials: Iterable[Sequence[Any]] = (),
        days: int | None = None,
        applies: Iterable[str] = (),
        expect: int | None = None,
    ) -> Case:
        mats = [(clean(name, "item"), kind) for name, kind in rules.material_pairs(materials)]
        params = {"materials": mats, "days": days, "applies": clean_list(applies, "applies")}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            limit, immediate = rules.accept_limit(case, days, ctx.policy)
            due = rules.due_date(now.date(), limit, ctx.calendar)
            provisional = not ctx.calendar.is_confirmed(due.year)
            slip = self._slip(case, ctx, now)
            text = printing.receipt(
                slip,
                mats,
                now,
                due,
                provisional=provisional,
                pickup=ctx.policy.pickup or printing.default_pickup(slip.centre, slip.window),
                shown=originals_only(case.matter),
                collect=case.matter is not None,
            )
            detail = {
                "materials": [list(m) for m in mats],
                "limit_days": limit,
                "immediate": immediate,
                "due": due.isoformat(),
                "due_provisional": provisional,
                "handler": case.owner,
                "applies": params["applies"],
                "document": self._print(case, "receipt", text, required=True),
            }
            return (
                {
                    "status": "in_progress",
                    "due": due.isoformat(),
                    "due_provisional": int(provisional),
                    "limit_days": limit,
                    "extended_days": 0,
                    "accepted_at": _iso(now),
                },
                detail,
            )

        return self._act("accept", no, by, expect, params, apply)

    def reject(self, no: str, by: str, reason: str, *, expect: int | None = None) -> Case:
        params = {"reason": clean(reason, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            written = bool(case.matter and case.matter.written_notice)
            text = printing.rejection(
                self._slip(case, ctx, now), params["reason"], licensing=written, body=ctx.policy.reconsideration_body
            )
            detail = {"reason": params["reason"], "document": self._print(case, "rejection", text, required=written)}
            return (
                {"status": "resolved", "outcome": "rejected", "result": params["reason"], "resolved_at": _iso(now)},
                detail,
            )

        return self._act("reject", no, by, expect, params, apply)

    def refer(self, no: str, by: str, *, agency: str, contact: str, bring: str = "", expect: int | None = None) -> Case:
        """Refer out (转介): the agency, how to reach it, and what the visitor should bring there."""
        params = {
            "agency": clean(agency, "agency"),
            "contact": clean(contact, "contact"),
            "bring": clean(bring, "text", multiline=True, limit=LIMITS["item"] * 2),
        }

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            text = printing.referral(self._slip(case, ctx, now), params["agency"], params["contact"], params["bring"])
            detail = {
                "agency": params["agency"],
                "contact": params["contact"],
                "document": self._print(case, "referral", text, required=False),
            }
            if params["bring"]:
                detail["bring"] = params["bring"]
            return (
                {
                    "status": "resolved",
                    "outcome": "referred",
                    "result": f"{params['agency']} {params['contact']}",
                    "resolved_at": _iso(now),
                },
                detail,
            )

        return self._act("refer", no, by, expect, params, apply)

    def hand_off(self, no: str, by: str, to: str, note: str, *, expect: int | None = None) -> Case:
        params = {"to": clean(to, "code"), "note": clean(note, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            route = rules.handoff_route(case, params["to"], ctx)
            detail = {
                "to": params["to"],
                "note": params["note"],
                "pending_to": route,
                "via_backup": route != params["to"],
                "owner": case.owner,
            }
            return (
                {"status": "handoff_pending", "return_status": case.status, "pending_to": route, "pending_from": by},
                detail,
            )

        return self._act("hand_off", no, by, expect, params, apply)

    def accept_handoff(self, no: str, by: str, *, expect: int | None = None) -> Case:
        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            back = case.return_status or "open"
            detail = {
                "from": case.pending_from,
                "addressed_to": case.pending_to,
                "previous_owner": case.owner,
                "owner": by,
            }
            return (
                {"status": back, "owner": by, "pending_to": None, "pending_from": None, "return_status": None},
                detail,
            )

        return self._act("accept_handoff", no, by, expect, {}, apply)

    def decline_handoff(self, no: str, by: str, reason: str, *, expect: int | None = None) -> Case:
        params = {"reason": clean(reason, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            back = case.return_status or "open"
            detail = {"reason": params["reason"], "back_to": case.pending_from, "owner": case.owner}
            return ({"status": back, "pending_to": None, "pending_from": None, "return_status": None}, detail)

        return self._act("decline_handoff", no, by, expect, params, apply)

    def feedback(self, no: str, by: str, text: str, *, expect: int | None = None) -> Case:
        params = {"text": clean(text, "text", multiline=True)}
        return self._act("feedback", no, by, expect, params, lambda case, ctx, now: ({}, {"text": params["text"]}))

    def extend(self, no: str, by: str, days: int, reason: str, *, expect: int | None = None) -> Case:
        params = {"days": days, "reason": clean(reason, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            assert case.due is not None
            due = ctx.calendar.add_working_days(case.due, days)
            provisional = not ctx.calendar.is_confirmed(due.year)
            detail = {
                "days": days,
                "reason": params["reason"],
                "due": [case.due.isoformat(), due.isoformat()],
                "due_provisional": provisional,
                "visitor_told": True,
            }
            return (
                {
                    "due": due.isoformat(),
                    "due_provisional": int(provisional),
                    "extended_days": case.extended_days + days,
                },
                detail,
            )

        return self._act("extend", no, by, expect, params, apply)

    def resolve(self, no: str, by: str, result: str, *, expect: int | None = None) -> Case:
        params = {"result": clean(result, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            on_time = case.due is None or now.date() <= case.due
            return (
                {"status": "resolved", "outcome": "resolved", "result": params["result"], "resolved_at": _iso(now)},
                {"result": params["result"], "on_time": on_time},
            )

        return self._act("resolve", no, by, expect, params, apply)

    def rate(self, no: str, by: str, level: int, comment: str = "", *, expect: int | None = None) -> Case:
        """The callback's five-level rating (好差评): resolved -> closed."""
        params = {"level": level, "comment": clean(comment, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            bad = level in rules.BAD_RATINGS
            detail = {"level": level, "comment": params["comment"], "bad": bad, "owner": case.owner}
            return (
                {
                    "status": "closed",
                    "rating": level,
                    "rated_at": _iso(now),
                    "closed_at": _iso(now),
                    "remedied_at": None,
                },
                detail,
            )

        return self._act("rate", no, by, expect, params, apply)

    def remedy(self, no: str, by: str, text: str, *, expect: int | None = None) -> Case:
        """The callback and rectification after a bad rating (整改回访, RATE-2)."""
        params = {"text": clean(text, "text", multiline=True)}
        return self._act(
            "remedy",
            no,
            by,
            expect,
            params,
            lambda case, ctx, now: ({"remedied_at": _iso(now)}, {"text": params["text"]}),
        )

    def reopen(self, no: str, by: str, reason: str, *, expect: int | None = None) -> Case:
        """Supervisors: a resolved or closed case is worked again (重新办理)."""
        params = {"reason": clean(reason, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            return (
                {
                    "status": "open",
                    "outcome": None,
                    "result": None,
                    "resolved_at": None,
                    "closed_at": None,
                    "due": None,
                    "due_provisional": 0,
                },
                {"reason": params["reason"]},
            )

        return self._act("reopen", no, by, expect, params, apply)

    def close_case(self, no: str, by: str, *, expect: int | None = None) -> Case:
        """Close without a callback: anonymous cases, or a supervisor after the callback window."""
        return self._act(
            "close_case",
            no,
            by,
            expect,
            {},
            lambda case, ctx, now: ({"status": "closed", "closed_at": _iso(now)}, {"rated": False}),
        )

    def scan(self) -> list[Violation]:
        """The time rules at clock(): record and return only the breaches not recorded before (idempotent)."""
        now = self.now()
        policy = self.policy
        bounds = {
            "open": tuple(sorted(rules.OPEN_STATES)),
            "own3": _iso(now - timedelta(hours=policy.first_response_hours)),
            "not4": _iso(now - timedelta(days=policy.notice_days)),
            "today": now.date().isoformat(),
            "time5": _iso(now - timedelta(days=policy.feedback_days)),
            "ho4": _iso(now - timedelta(minutes=policy.handoff_minutes)),
            "rate2": _iso(now - timedelta(days=policy.remedy_days)),
        }
        seqs: list[int] = []
        with self.store.write() as s:
            for no in s.scan_candidates(bounds):
                row = s.case_row(no)
                assert row is not None
                findings = rules.time_rules(self._state(row), policy, self.calendar, now)
                if findings:
                    seqs.append(self._record(row, "scan", None, now, {}, {}, Verdict(findings)))
            if not seqs:
                return []
            found = s.all(
                f"SELECT * FROM violations WHERE event_seq IN ({', '.join('?' * len(seqs))}) ORDER BY at, id", seqs
            )
        return [_violation(r) for r in found]

    def review(self, violation_id: int, by: str, *, decision: str, reason: str) -> Violation:
        """A supervisor confirms or excuses a violation (ACC-1); a second confirmed one within N months is a repeat."""
        reason = clean(reason, "text", multiline=True)
        now = self.now()
        with self.store.write() as s:
            ctx = self._context(by, {})
            row = s.one("SELECT * FROM violations WHERE id = ?", (violation_id,))
            if row is None:
                raise RuleError("INPUT", "input.unknown_violation", id=str(violation_id))
            for refused in rules.acc_1_review(ctx.actor, decision, reason, bool(row["decision"])):
                raise RuleError(refused.rule, refused.key, field=refused.field, id=str(violation_id))
            repeat = False
            if decision == "confirm" and row["staff"]:
                since, until = rules.repeat_window(datetime.fromisoformat(row["at"]), self.policy.repeat_months)
                repeat = (
                    s.scalar(
                        "SELECT count(*) FROM violations WHERE staff = ? AND decision = 'confirm' AND id != ? "
                        "AND at >= ? AND at <= ?",
                        (row["staff"], violation_id, _iso(since), _iso(until)),
                    )
                    > 0
                )
            s.update(
                "violations",
                "id",
                violation_id,
                {
                    "decision": decision,
                    "reason": reason,
                    "reviewed_by": by,
                    "reviewed_at": _iso(now),
                    "repeat": int(repeat),
                },
            )
            self._desk_event(
                "review",
                by,
                _iso(now),
                {
                    "violation": violation_id,
                    "rule": row["rule"],
                    "staff": row["staff"],
                    "case": row["case_no"],
                    "decision": decision,
                    "reason": reason,
                    "repeat": repeat,
                },
            )
            updated = s.one("SELECT * FROM violations WHERE id = ?", (violation_id,))
        assert updated is not None
        return _violation(updated)

    def purge(self, before: date, by: str | None = None) -> list[str]:
        """Retention (SPEC §10): remove visitors' personal data from cases closed before `before`, which must lie
        at least the policy's retention years back. Counts, summaries and the verifiable history stay; the
        printed documents of those cases (they name the visitor) go. `by`: a supervisor, or None from the CLI."""
        if by is not None:
            self.supervisor_only(by, "purge")
        now = self.now()
        years = self.policy.retention_years
        latest = _months_before(now, 12 * years).date()
        if before > latest:
            raise RuleError(
                "RETENTION", "purge.too_recent", before=before.isoformat(), latest=latest.isoformat(), years=years
            )
        with self.store.write() as s:
            purged = s.purge_people(before.isoformat(), _iso(now))
            self._desk_event(
                "purge", by, _iso(now), {"before": before.isoformat(), "cases": len(purged), "retention_years": years}
            )
        for no in purged:
            for path in self.documents_dir.glob(f"{no}-*"):
                path.unlink(missing_ok=True)
        return purged

    def tracking(self, code: str) -> list[CaseLine]:
        """HO-6: cases this staff member first-asked that someone else owns now, until they are closed."""
        return self._lines("c.first_asker = ? AND c.owner != ? AND c.status != 'closed'", (code, code))

    # --- the action machinery ----------------------------------------------------------------------------------

    def _act(
        self,
        action: str,
        no: str,
        by: str,
        expect: int | None,
        params: Mapping[str, Any],
        apply: Callable[[CaseState, Context, datetime], tuple[Changes, Detail]],
        prepare: Callable[[CaseState], Mapping[str, Any]] | None = None,
    ) -> Case:
        now = self.now()
        with self.store.write() as s:
            row = s.case_row(str(no))
            if row is None:
                raise RuleError("INPUT", "input.unknown_case", no=str(no))
            if expect is not None and (not isinstance(expect, int) or isinstance(expect, bool)):
                raise RuleError("INPUT", "input.version", field="expect")
            if expect is not None and row["version"] != expect:
                self._check_version(row, expect)
            case = self._state(row)
            all_params = {**params, **(prepare(case) if prepare else {})}
            ctx = self._context(by, all_params)
            verdict = rules.check(action, case, ctx, now)
            verdict.raise_first_block()
            changes, detail = apply(case, ctx, now)
            self._record(row, action, by, now, changes, detail, verdict)
            # Read inside the transaction: the case as this action left it, never with another window's later
            # change (whose version a screen would then pass as `expect=` without a CONFLICT).
            done = self.case(no)
        return done

    def _record(
        self,
        row: Mapping[str, Any],
        action: str,
        by: str | None,
        now: datetime,
        changes: Changes,
        detail: Detail,
        verdict: Verdict,
    ) -> int:
        s = self.store
        status = changes.get("status", row["status"])
        detail = {"status": [row["status"], status], **detail}
        recorded = verdict.flags + verdict.warnings
        if recorded:
            detail["verdict"] = [f.as_record() for f in recorded]
        seq = s.append_event(
            row["no"],
            action,
            by,
            _iso(now),
            self.policy.timezone,
            self._at_window(detail) if by is not None else detail,
        )
        s.update(
            "cases",
            "no",
            row["no"],
            {**_timing(row, action, now), **changes, "version": row["version"] + 1, "updated_at": _iso(now)},
        )
        after = {**row, **changes}
        if any(after[k] != row[k] for k in STATE_KEYS):
            s.record_state(row["no"], seq, _iso(now), after)
        for finding in recorded:
            s.insert(
                "violations",
                {
                    "rule": finding.rule,
                    "staff": finding.staff or by,
                    "case_no": row["no"],
                    "at": _iso(finding.at or now),
                    "event_seq": seq,
                    "recorded_at": _iso(now),
                    "unique_key": finding.unique or f"{finding.rule}:{row['no']}:{seq}",
                    "detail": json.dumps(
                        {
                            "key": finding.key,
                            "params": dict(finding.params),
                            "action": action,
                            "confirmed_warning": finding.severity == "warn",
                        },
                        ensure_ascii=False,
                        default=str,
                    ),
                },
            )
        return seq

    def _desk_event(self, action: str, by: str | None, at: str, detail: Mapping[str, Any]) -> int:
        return self.store.append_event(None, action, by, at, self.policy.timezone, self._at_window(detail))

    def _at_window(self, detail: Mapping[str, Any]) -> dict[str, Any]:
        """An event's detail with the window it came from (SPEC §11), when this desk serves one."""
        return {**detail, "window": self.window} if self.window is not None else dict(detail)

    def _context(self, by: str, params: Mapping[str, Any]) -> Context:
        staff = self.staff()
        actor = staff.get(by) if isinstance(by, str) else None
        if actor is None or not actor.active:
            raise RuleError("INPUT", "input.unknown_staff", code=str(by))
        return Context(actor=actor, staff=staff, policy=self.policy, calendar=self.calendar, params=params)

    def _check_version(self, row: Mapping[str, Any], expect: int) -> None:
        """CONFLICT unless everything since `expect` was a scan: a scan records a breach but changes nothing the
        clerk saw, so a window must not be refused because the minute's scan passed by meanwhile."""
        since = self.store.case_events_after(row["no"], expect) if expect < row["version"] else []
        changes = [e for e in since if e["action"] != "scan"]
        if changes or not since:
            raise self._conflict(row, expect, changes[-1] if changes else None)

    def _conflict(self, row: Mapping[str, Any], expect: int, last: Mapping[str, Any] | None = None) -> ConflictError:
        last = last or self.store.last_case_event(row["no"]) or {}
        who = self.staff().get(last.get("by_staff") or "")
        from firstask import i18n

        return ConflictError(
            "conflict",
            no=row["no"],
            by=f"{who.name} ({who.code})" if who else "-",
            at=str(last.get("at", ""))[11:16],
            action=i18n.Lazy(f"action.{last.get('action')}"),
            seen=expect,
            now=row["version"],
        )

    def _state(self, row: Mapping[str, Any]) -> CaseState:
        s = self.store
        notices = tuple(
            (e["by_staff"], tuple(json.loads(e["detail"])["items"]))
            for e in s.all(
                "SELECT by_staff, detail FROM events WHERE case_no = ? AND action = 'notify' ORDER BY seq", (row["no"],)
            )
        )
        flagged = frozenset(
            r["unique_key"] for r in s.all("SELECT unique_key FROM violations WHERE case_no = ?", (row["no"],))
        )
        return CaseState(
            no=row["no"],
            version=row["version"],
            status=row["status"],
            kind=row["kind"],
            channel=row["channel"],
            first_asker=row["first_asker"],
            owner=row["owner"],
            created_at=datetime.fromisoformat(row["created_at"]),
            matter=Matter.from_json(json.loads(row["matter"])) if row["matter"] else None,
            anonymous=bool(row["anonymous"]),
            about_staff=row["about_staff"],
            due=_d(row["due"]),
            extended_days=row["extended_days"] or 0,
            limit_days=row["limit_days"],
            accepted_at=_dt(row["accepted_at"]),
            notices=notices,
            pending_to=row["pending_to"],
            pending_from=row["pending_from"],
            return_status=row["return_status"],
            rating=row["rating"],
            resolved_at=_dt(row["resolved_at"]),
            flagged=flagged,
            first_response_at=_dt(row["first_response_at"]),
            notified_at=_dt(row["notified_at"]),
            last_contact_at=_dt(row["last_contact_at"]),
            pending_since=_dt(row["pending_since"]),
            rated_at=_dt(row["rated_at"]),
            remedied_at=_dt(row["remedied_at"]),
            owner_changes=self._owner_changes(row["no"]),
            receiver_absences=self._absences(row["pending_to"], _dt(row["pending_since"]))
            if row["status"] == "handoff_pending"
            else (),
        )

    def _owner_changes(self, no: str) -> tuple[tuple[datetime, str], ...]:
        rows = self.store.all(
            "SELECT at, detail FROM events WHERE case_no = ? AND action = 'accept_handoff' ORDER BY seq", (no,)
        )
        return tuple((datetime.fromisoformat(r["at"]), json.loads(r["detail"])["owner"]) for r in rows)

    def _absences(self, code: str | None, since: datetime | None) -> tuple[tuple[datetime, datetime], ...]:
        """When a staff member was away since a moment: HO-4 counts only the time they were present."""
        if code is None or since is None:
            return ()
        rows = self.store.all("SELECT absent, at FROM presence WHERE staff = ? ORDER BY at, id", (code,))
        out: list[tuple[datetime, datetime]] = []
        start: datetime | None = None
        for r in rows:
            at = datetime.fromisoformat(r["at"])
            if r["absent"] and start is None:
                start = at
            elif not r["absent"] and start is not None:
                if at > since:
                    out.append((max(start, since), at))
                start = None
        if start is not None:
            out.append((max(start, since), datetime.max))  # noqa: DTZ901 (naive local time throughout)
        return tuple(out)

    def _slip(self, case: CaseState, ctx: Context, now: datetime) -> printing.Slip:
        row = (
            self.store.one(
                "SELECT p.name, c.summary FROM cases c LEFT JOIN people p ON p.id = c.person_id WHERE c.no = ?",
                (case.no,),
            )
            or {}
        )
        # The slip names whoever hands it over: the clerk acting at this window (the owner's backup, say).
        return printing.Slip(
            case_no=case.no,
            visitor=row.get("name") or "",
            matter=case.matter.name if case.matter else what_about(case.kind, row.get("summary")),
            clerk=ctx.actor.name,
            window=self.window,
            day=now.date(),
            centre=centre_of(ctx.policy),
        )

    def _notice_text(
        self, case: CaseState, ctx: Context, now: datetime, items: Sequence[str], presented: Sequence[str]
    ) -> str:
        forms = {d.name: d.form for d in case.matter.documents} if case.matter else {}
        first = self.store.first_event_at(case.no, "notify")
        return printing.notice(
            self._slip(case, ctx, now),
            [(i, forms.get(i)) for i in items],
            forms=forms_place(case.matter, ctx.policy),
            presented=presented,
            earlier=datetime.fromisoformat(first).date() if first else None,
        )

    def _state_of(self, no: str) -> CaseState:
        """A case as the rules see it now (the previews ask them), or INPUT when there is no such case."""
        row = self.store.case_row(str(no))
        if row is None:
            raise RuleError("INPUT", "input.unknown_case", no=str(no))
        return self._state(row)

    def preview_notice(
        self, no: str, by: str, *, presented: Iterable[str] = (), extra: Iterable[str] = (), applies: Iterable[str] = ()
    ) -> tuple[list[str], str]:
        """What a notice given now would ask for, and its text as it would print (the notice dialog's preview)."""
        case = self._state_of(no)
        shown = clean_list(presented, "presented")
        missing = rules.required_missing(case.matter, shown, clean_list(applies, "applies"))
        items = missing + [e for e in clean_list(extra, "extra") if e not in missing]
        return items, self._notice_text(case, self._context(by, {}), self.now(), items, shown)

    def _print(self, case: CaseState, kind: str, text: str, *, required: bool) -> str | None:
        """Save a printable document; where the rules require one (NOT-3, TIME-1, REJ-1), failing to is refusing."""
        try:
            # Named by case and the version this action makes, so a re-print finds it and nothing is overwritten.
            # The text inside the action (a required document that cannot be written refuses the action); its PDF
            # is rendered when first asked for (documents(), printing): reportlab is most of an accept's time.
            path = printing.save(self.documents_dir, case.no, f"{case.version + 1:02d}-{kind}", text, with_pdf=False)
        except OSError as e:
            if required:
                from firstask import i18n

                raise RuleError(
                    PRINT_RULES[kind],
                    "print.failed",
                    document=i18n.Lazy(f"document.{kind}"),
                    reason=e.strerror or str(e),
                ) from e
            return None
        return path.name

    # --- reads -------------------------------------------------------------------------------------------------

    def case(self, no: str) -> Case:
        s = self.store
        with s.read():  # one moment of the file: the version must match the history another window may extend
            row = s.case_row(str(no))
            if row is None:
                raise RuleError("INPUT", "input.unknown_case", no=str(no))
            person = s.person(row["person_id"]) if row["person_id"] else None
            events = s.case_events(row["no"])
        history = [
            Event(
                seq=e["seq"],
                action=e["action"],
                by=e["by_staff"],
                at=datetime.fromisoformat(e["at"]),
                detail=json.loads(e["detail"]),
            )
            for e in events
        ]
        return Case(
            no=row["no"],
            version=row["version"],
            status=row["status"],
            first_asker=row["first_asker"],
            owner=row["owner"],
            channel=row["channel"],
            kind=row["kind"],
            summary=row["summary"] or "",
            matter=row["matter_code"],
            matter_info=Matter.from_json(json.loads(row["matter"])) if row["matter"] else None,
            visitor_name=(person or {}).get("name"),
            phone=(person or {}).get("phone"),
            id_number=(person or {}).get("id_number"),
            org=(person or {}).get("org"),
            anonymous=bool(row["anonymous"]),
            about_staff=row["about_staff"],
            due=_d(row["due"]),
            due_provisional=bool(row["due_provisional"]),
            pending_to=row["pending_to"],
            pending_from=row["pending_from"],
            outcome=row["outcome"],
            result=row["result"],
            rating=row["rating"],
            created_at=datetime.fromisoformat(row["created_at"]),
            accepted_at=_dt(row["accepted_at"]),
            resolved_at=_dt(row["resolved_at"]),
            closed_at=_dt(row["closed_at"]),
            history=history,
            address=(person or {}).get("address"),
            remedied_at=_dt(row["remedied_at"]),
        )

    def notices(self, no: str) -> list[Notice]:
        return [
            notice_of(
                Event(
                    seq=e["seq"],
                    action="notify",
                    by=e["by_staff"],
                    at=datetime.fromisoformat(e["at"]),
                    detail=json.loads(e["detail"]),
                )
            )
            for e in self.store.all(
                "SELECT seq, by_staff, at, detail FROM events WHERE case_no = ? AND action = 'notify' ORDER BY seq",
                (str(no),),
            )
        ]

    def violations(
        self,
        *,
        day: date | None = None,
        staff: str | None = None,
        case_no: str | None = None,
        after_id: int | None = None,
    ) -> list[Violation]:
        """Violations by the day they happened, staff, case; `after_id`: only those recorded after that one."""
        where: list[str] = []
        args: list[Any] = []
        if after_id is not None:
            where.append("id > ?")
            args.append(after_id)
        if day is not None:
            where.append("at >= ? AND at < ?")
            args += [day.isoformat(), (day + timedelta(days=1)).isoformat()]
        if staff is not None:
            where.append("staff = ?")
            args.append(staff)
        if case_no is not None:
            where.append("case_no = ?")
            args.append(case_no)
        sql = "SELECT * FROM violations" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY at, id"
        return [_violation(r) for r in self.store.all(sql, args)]

    def my_cases(self, code: str) -> list[CaseLine]:
        """The open cases a staff member owns, soonest due first (the seed of the follow-up screen)."""
        return self._lines(
            "c.owner = ? AND c.status IN ('open', 'awaiting_documents', 'handoff_pending', 'in_progress')", (code,)
        )

    def waiting_for(self, code: str) -> list[CaseLine]:
        """Hand-offs addressed to this staff member, or to a colleague they back up while that colleague is away."""
        return self._lines(
            "c.status = 'handoff_pending' AND (c.pending_to = ? OR c.pending_to IN "
            "(SELECT s.code FROM staff s WHERE s.backup = ? AND s.absent = 1))",
            (code, code),
        )

    def callbacks(self, code: str) -> list[CaseLine]:
        """Calls this staff member owes visitors: resolved cases waiting for the callback and rating (first-asker
        or owner), and bad ratings waiting for the remedy callback (RATE-2), oldest first."""
        bad = ", ".join(str(level) for level in sorted(rules.BAD_RATINGS))
        # Each branch an indexed search: (owner, status), (first_asker, status), (rating, remedied_at).
        return self._lines(
            "c.no IN (SELECT no FROM cases WHERE owner = ? AND status = 'resolved' AND anonymous = 0 "
            "UNION SELECT no FROM cases WHERE first_asker = ? AND status = 'resolved' AND anonymous = 0 "
            f"UNION SELECT no FROM cases WHERE rating IN ({bad}) AND remedied_at IS NULL AND status = 'closed' "
            "AND (owner = ? OR first_asker = ?))",
            (code, code, code, code),
            order="c.status = 'resolved', c.resolved_at, c.created_at",
        )  # bad ratings first: their clock runs

    def refusal(self, action: str, case: Case | CaseLine, by: str) -> RuleError | None:
        """Why `by` may not take `action` (a Desk method's name) on the case as shown, or None: what a key bar
        offers, and the one line a key pressed anyway says (rules.may: status, who may act, the case itself)."""
        matter = (
            case.matter_info
            if isinstance(case, Case)
            else (
                Matter(code="", name=case.matter_name or "", limit_days=0, kind=case.matter_kind)
                if case.matter_kind
                else None
            )
        )
        state = CaseState(
            no=case.no,
            version=case.version,
            status=case.status,
            kind=case.kind,
            channel=case.channel,
            first_asker=case.first_asker,
            owner=case.owner,
            created_at=case.created_at,
            matter=matter,
            anonymous=case.anonymous,
            about_staff=case.about_staff,
            pending_to=case.pending_to,
            pending_from=case.pending_from,
            rating=case.rating,
            remedied_at=(case.remedied_at if isinstance(case, Case) else (case.created_at if case.remedied else None)),
        )
        try:
            ctx = self._context(by, {})
        except RuleError as refused:
            return refused
        found = rules.may(action, state, ctx)
        return found[0].error() if found else None

    def declined_to(self, code: str, since: datetime) -> list[Event]:
        """The hand-offs declined back to this staff member since a moment, oldest first (each with its case
        number in `detail["case"]` and the reason in `detail["reason"]`)."""
        return [
            Event(
                seq=0,
                action="decline_handoff",
                by=r["by_staff"],
                at=datetime.fromisoformat(r["at"]),
                detail={"case": r["case_no"], "reason": r["reason"] or ""},
            )
            for r in self.store.declines_to(code, _iso(since))
        ]

    def find_staff(self, query: str, limit: int | None = 8) -> list[Staff]:
        """Active colleagues by the start of their code, any part of their name, or their pinyin initials."""
        q = (query or "").strip().lower()
        rows = self.store.all(
            "SELECT code, name, role, backup, absent, active, initials FROM staff WHERE active = 1 ORDER BY code"
        )
        return [
            Staff(
                code=r["code"],
                name=r["name"],
                role=r["role"],
                backup=r["backup"],
                absent=bool(r["absent"]),
                active=True,
            )
            for r in rows
            if names.matches(q, r["code"], r["name"], r["initials"] or "")
        ][:limit]

    def covering(self, code: str) -> list[Staff]:
        """The absent colleagues this staff member is the backup of (AB角): their work shows on this one's screen."""
        return [s for s in self.staff().values() if s.backup == code and s.absent and s.active and s.code != code]

    def last_violation_id(self, staff: str) -> int:
        """The newest violation recorded against a staff member (0: none): where 'new since' starts."""
        return int(self.store.scalar("SELECT max(id) FROM violations WHERE staff = ?", (staff,)) or 0)

    def changed(self) -> int:
        """A number that changes whenever another connection (another window) has committed to the file."""
        return self.store.data_version()

    def written(self) -> tuple[int, int]:
        """A mark that changes whenever anyone, this window included, has written to the file: a screen that read
        its lists at one mark need not read them again while the mark stands."""
        return self.store.data_version(), self.store.conn.total_changes

    def _lines(
        self, where: str, args: Sequence[Any], order: str = "c.due IS NULL, c.due, c.created_at"
    ) -> list[CaseLine]:
        rows = self.store.all(
            "SELECT c.no, c.version, c.status, c.channel, c.kind, c.summary, c.matter, c.owner, c.first_asker, "
            "c.due, c.due_provisional, c.created_at, c.rating, c.remedied_at, c.resolved_at, c.pending_since, "
            "c.pending_to, c.pending_from, c.anonymous, c.about_staff, p.name AS visitor_name, "
            # A hand-off declined back to its owner shows as such until the owner acts on the case again.
            "(SELECT CASE WHEN e.action = 'decline_handoff' THEN coalesce(json_extract(e.detail, '$.reason'), '') "
            "END FROM events e WHERE e.case_no = c.no AND e.action != 'scan' ORDER BY e.seq DESC LIMIT 1) AS returned, "
            # A waiting hand-off shows what its sender wrote, where the receiver decides.
            "CASE WHEN c.status = 'handoff_pending' THEN (SELECT json_extract(h.detail, '$.note') FROM events h "
            "WHERE h.case_no = c.no AND h.action = 'hand_off' ORDER BY h.seq DESC LIMIT 1) END AS handoff_note "
            "FROM cases c "
            f"LEFT JOIN people p ON p.id = c.person_id WHERE {where} "
            f"ORDER BY {order}",
            args,
        )
        matters = [json.loads(r["matter"]) if r["matter"] else None for r in rows]
        return [
            CaseLine(
                no=r["no"],
                version=r["version"],
                status=r["status"],
                channel=r["channel"],
                kind=r["kind"],
                summary=r["summary"] or "",
                matter_name=m["name"] if m else None,
                matter_kind=m["kind"] if m else None,
                pending_to=r["pending_to"],
                pending_from=r["pending_from"],
                anonymous=bool(r["anonymous"]),
                about_staff=r["about_staff"],
                visitor_name=r["visitor_name"],
                owner=r["owner"],
                first_asker=r["first_asker"],
                due=_d(r["due"]),
                due_provisional=bool(r["due_provisional"]),
                created_at=datetime.fromisoformat(r["created_at"]),
                rating=r["rating"],
                remedied=r["remedied_at"] is not None,
                resolved_at=_dt(r["resolved_at"]),
                pending_since=_dt(r["pending_since"]),
                returned=r["returned"],
                handoff_note=r["handoff_note"],
            )
            for r, m in zip(rows, matters, strict=True)
        ]

    def summary(self, day: date) -> dict[str, Any]:
        """The day's summary (SPEC §9) as it stood at the end of that day; keys as in CONTRACT.md."""
        from firstask import report

        start, end = report.day_bounds(day)
        with self.store.read():
            figures = self.store.day_figures(start, end)
            states = self.store.states_at(end, sorted(rules.OPEN_STATES))
            chain = self.store.chain_at(end)
            existed = self.store.staff_codes_at(end)
            staff = {code: s for code, s in self.staff().items() if code in existed}
        return report.summary(day, figures, states, chain, self.calendar, staff)

    def documents(self, no: str) -> list[tuple[Event, Path]]:
        """The documents printed for a case, oldest first: each with the event that produced it (its PDF)."""
        return [(e, self.document_pdf(e.detail["document"])) for e in self.case(no).history if e.detail.get("document")]

    def document_pdf(self, name: str) -> Path:
        """A saved document's PDF (rendered now if it has not been yet)."""
        return printing.pdf_of(self.documents_dir / Path(name).name)

    def print_document(self, path: Path) -> bool:
        """Send a saved document to the policy's printer; False when no printer is configured (it stays saved)."""
        printer = self.policy.printer
        if not printer:
            return False
        try:
            path = printing.pdf_of(path)
            printing.send_to_printer(path, printer)
        except OSError as e:
            raise RuleError("PRINT", "print.lp_failed", printer=printer, reason=str(e)) from e
        return True

    def find_visitors(self, query: str, limit: int = 8, *, by: str | None = None) -> list[VisitorHit]:
        """Returning visitors as the clerk types: phone digits, a name's beginning, or pinyin initials (zs: 张三).

        With `by`, the clerk searching: each hit says whether they may see its phone and ID number whole (SPEC §10:
        a supervisor, or the owner or first-asker of one of that visitor's cases); a visitor is a name and a phone,
        as the search lists them."""
        q = (query or "").strip()
        if not q or len(q) > 40:
            return []
        if q.isdigit():
            if len(q) < 3:
                return []
            column, key = "phone_digits", q
        elif q.isascii() and q.isalpha():
            column, key = "initials", q.lower()
        else:
            column, key = "name", q
        rows = self.store.find_people(column, key, limit, sorted(rules.OPEN_STATES))
        hits = [
            VisitorHit(
                name=r["name"],
                phone=r["phone"],
                id_number=r["id_number"],
                org=r["org"],
                address=r["address"],
                visits=r["visits"],
                last_seen=datetime.fromisoformat(r["last_seen"]),
                open_cases=tuple(
                    sorted(
                        (_line_of(c, r["name"]) for c in json.loads(r["open_cases"])),
                        key=lambda line: line.no,
                        reverse=True,
                    )
                ),
            )
            for r in rows
        ]
        if by is None or not hits:
            return hits
        role = self.store.one("SELECT role, active FROM staff WHERE code = ?", (by,))
        if role is not None and role["active"] and role["role"] == "supervisor":
            return hits
        # The visitor's people rows (one per visit) by their phone's index, or by name for those without a phone,
        # and each row's case by its own index: the work grows with the visitor's visits, not with the history.
        # CROSS JOIN keeps SQLite from starting at the clerk's cases instead, which grow with every case.
        kept = {
            (r["name"], r["phone"])
            for r in self.store.all(
                "SELECT DISTINCT p.name, p.phone FROM people p CROSS JOIN cases c ON c.person_id = p.id "
                "WHERE ((p.phone_digits IN (SELECT value FROM json_each(?)) AND p.name IS NOT NULL) "
                "OR (p.name IN (SELECT value FROM json_each(?)) AND p.phone IS NULL)) "
                "AND ? IN (c.owner, c.first_asker)",
                (
                    json.dumps(sorted({names.digits(h.phone) for h in hits if h.phone})),
                    json.dumps(sorted({h.name for h in hits if not h.phone}), ensure_ascii=False),
                    by,
                ),
            )
        }
        return [replace(h, whole=(h.name, h.phone) in kept) for h in hits]

    def find_cases(self, query: str, limit: int = 8) -> list[CaseLine]:
        """Cases by number as a visitor reads it off a slip: whole (`20261204-0025`, `202612040025`) or its tail
        (`0025`, `25`: the open cases ending so, and today's case of that number), newest first."""
        q = "".join((query or "").split()).replace("－", "-")
        if "-" in q:
            day, _, tail = q.partition("-")
            if len(day) == 4 and day.isdigit():  # the month and day only (1127-0024): the last such day till today
                today = self.now().date()
                day = f"{today.year - (day > f'{today:%m%d}')}{day}"
            if not (len(day) == 8 and day.isdigit() and tail.isdigit() and 1 <= len(tail) <= 6):
                return [] if day else self.find_cases(tail, limit)
            numbers = [f"{day}-{int(tail):04d}"]
        elif q.isdigit() and len(q) == 12:
            numbers = [f"{q[:8]}-{q[8:]}"]
        elif q.isdigit() and 2 <= len(q) <= 4:
            numbers = self.store.case_numbers_ending(
                f"{int(q):04d}", self.now().strftime("%Y%m%d"), sorted(rules.OPEN_STATES)
            )
        else:
            return []
        return sorted(self.lines_of(numbers), key=lambda line: line.no, reverse=True)[:limit]

    def lines_of(self, numbers: Sequence[str]) -> list[CaseLine]:
        """These cases as list lines, by case number (those that do not exist are left out)."""
        if not numbers:
            return []
        return self._lines("c.no IN (SELECT value FROM json_each(?))", (json.dumps(list(numbers)),), order="c.no")

    def find_matters(self, query: str, limit: int = 10) -> list[Matter]:
        """Catalogue matters by code, by any part of the name, or by pinyin initials."""
        q = (query or "").strip().lower()
        out = []
        for r in self.store.all("SELECT * FROM matters WHERE active = 1 ORDER BY code"):
            if (
                not q
                or r["code"].lower().startswith(q)
                or q in r["name"].lower()
                or (r["initials"] or "").startswith(q)
            ):
                out.append(_matter_from_row(r))
        return out[:limit]

    def preview_due(self, no: str, days: int | None = None) -> tuple[date, bool]:
        """The due date accepting this case now would commit to, and whether it is provisional (SPEC §7)."""
        limit, _ = rules.accept_limit(self._state_of(no), days, self.policy)
        due = rules.due_date(self.now().date(), limit, self.calendar)
        return due, not self.calendar.is_confirmed(due.year)

    def preview_route(self, no: str, to: str, by: str) -> str:
        """Whom a hand-off of this case from `by` to `to` would reach (HO-2): `to`, or `to`'s backup when `to` is away,
        asked of the rules with the case as it stands."""
        return rules.handoff_route(self._state_of(no), to, self._context(by, {}))

    def preview_extend(self, no: str, days: int) -> tuple[date, bool]:
        """The due date extending this case by `days` working days would set, and whether it is provisional."""
        case = self._state_of(no)
        for refused in rules.state("extend", case):  # only a case in progress has a due date to move
            raise refused.error()
        assert case.due is not None
        due = self.calendar.add_working_days(case.due, max(int(days), 0))
        return due, not self.calendar.is_confirmed(due.year)

    def matters(self, *, active_only: bool = True) -> list[Matter]:
        sql = "SELECT * FROM matters" + (" WHERE active = 1" if active_only else "") + " ORDER BY code"
        return [_matter_from_row(r) for r in self.store.all(sql)]

    def verify(self, anchor: tuple[int, str] | None = None) -> Any:
        return self.store.verify(anchor)

    # --- supervisor screens: set-up ---

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
            existing = s.one("SELECT active, pin_hash FROM staff WHERE code = ?", (code,))
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
        now = _iso(self.now())
        with self.store.write() as s:
            if s.one("SELECT code FROM staff WHERE code = ?", (code,)) is None:
                raise RuleError("INPUT", "input.unknown_staff", code=code)
            s.update("staff", "code", code, {"active": int(bool(active)), "updated_at": now})
            self._desk_event("set_active", by, now, {"staff": code, "active": bool(active)})

    def reset_pin(self, code: str, *, by: str, temporary: str | None = None) -> None:
        """A supervisor resets a PIN: the staff member must choose a new one at their next log-in. `temporary`,
        when given, replaces the old PIN for that log-in (for a PIN forgotten)."""
        self.supervisor_only(by, "setup")
        if temporary is not None:
            self._check_new_pin(temporary)
        now = _iso(self.now())
        with self.store.write() as s:
            if s.one("SELECT code FROM staff WHERE code = ?", (code,)) is None:
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
        return bool(self.store.scalar("SELECT pin_reset FROM staff WHERE code = ?", (code,)))

    def set_pin(self, code: str, old_pin: str | None, new_pin: str) -> None:
        """The staff member sets their own new PIN: the old one must match (when the staff member has one); the new
        one has the policy's minimum of digits (6 unless changed), is not a run or a repeat, and differs from the old
        one. Clears a reset."""
        row = self.store.one("SELECT pin_hash, active FROM staff WHERE code = ?", (code,))
        if row is None or not row["active"]:
            raise RuleError("INPUT", "input.unknown_staff", code=str(code))
        if row["pin_hash"] and not check_pin(old_pin or "", row["pin_hash"]):
            raise RuleError("LOGIN", "login.refused", field="old_pin")
        self._check_new_pin(new_pin, field="new_pin")
        if check_pin(new_pin, row["pin_hash"]):
            raise RuleError("INPUT", "setup.pin.same", field="new_pin")
        now = _iso(self.now())
        with self.store.write() as s:
            s.update("staff", "code", code, {"pin_hash": hash_pin(new_pin), "pin_reset": 0, "updated_at": now})
            self._desk_event("set_pin", code, now, {"staff": code})

    def staff_record(self, code: str) -> list[dict[str, Any]]:
        """A staff member's violations over time, one entry per month (oldest first): how many, how reviewed,
        how many repeats (从重), and by rule."""
        months: dict[str, dict[str, Any]] = {}
        for v in self.violations(staff=code):
            month = months.setdefault(
                v.at.strftime("%Y-%m"),
                {
                    "month": v.at.strftime("%Y-%m"),
                    "total": 0,
                    "open": 0,
                    "confirmed": 0,
                    "excused": 0,
                    "repeat": 0,
                    "rules": {},
                },
            )
            month["total"] += 1
            decision = (v.review or {}).get("decision")
            month[{"confirm": "confirmed", "excuse": "excused"}.get(decision or "", "open")] += 1
            month["repeat"] += int(v.repeat)
            month["rules"][v.rule] = month["rules"].get(v.rule, 0) + 1
        return list(months.values())

    def catalogue(self) -> list[tuple[Matter, bool]]:
        """Every matter of the catalogue, active or not, with whether it is active."""
        return [(_matter_from_row(r), bool(r["active"])) for r in self.store.all("SELECT * FROM matters ORDER BY code")]

    def save_matter(self, code: str, name: str, *, by: str, **fields: Any) -> None:
        """A supervisor adds or edits a matter (add_matter's fields). Cases already checked in keep the matter as
        it was then; the change applies to new cases."""
        self.supervisor_only(by, "setup")
        self.add_matter(code, name, by=by, **fields)

    def import_matters(self, matters: Sequence[Mapping[str, Any]], *, by: str) -> int:
        """A supervisor imports matters (each add_matter's keywords with "code" and "name"): all of them in one
        transaction, or none. A refusal carries `.params["index"]`, the position of the matter it is about."""
        self.supervisor_only(by, "setup")
        with self.store.write():
            for index, m in enumerate(matters):
                fields = {k: v for k, v in m.items() if k not in ("code", "name")}
                try:
                    self.add_matter(m["code"], m["name"], by=by, **fields)
                except RuleError as refused:
                    refused.params["index"] = index
                    raise
        return len(matters)

    # --- reports (export) ---
    # What `firstask report` needs beyond `summary(day)`: a range's sums, the cases behind the figures, the
    # period's violations, the trend, and the gate in front of whole phones and ID numbers (SPEC §9, §10).

    def span_summary(self, first: date, last: date) -> dict[str, Any]:
        """The summary of the days from `first` to `last` (CONTRACT keys, `day` None, plus `from` and `to`)."""
        from firstask import report

        start, end = report.day_bounds(first)[0], report.day_bounds(last)[1]
        open_states = sorted(rules.OPEN_STATES)
        with self.store.read():
            figures = self.store.day_figures(start, end)
            states = self.store.states_at(end, open_states)
            chain = self.store.chain_at(end)
            existed = self.store.staff_codes_at(end)
            staff = {code: s for code, s in self.staff().items() if code in existed}
            overdue = [
                report.overdue_on(d, self.store.states_at(report.day_bounds(d)[1], open_states))
                for d in report.days_from(first, last)
            ]
        return report.span(first, last, figures, states, chain, self.calendar, staff, overdue)

    def day_cases(
        self, first: date, last: date | None = None, *, also: Iterable[str] = (), unmasked: bool = False
    ) -> list[dict[str, Any]]:
        """The cases received or acted on from `first` to `last` (one day by default) and those named in `also`
        (a report's overdue and due lists), case number order, with status, owner and due date as at the end of
        the period and the actions of the period (oldest first). Phones and ID numbers are masked (SPEC §10)
        unless `unmasked` — which only a supervisor's export asks for, after `unmasked_export`."""
        from firstask import privacy, report

        start, end = report.day_bounds(first)[0], report.day_bounds(last or first)[1]
        done: dict[str, list[str]] = {}
        out: list[dict[str, Any]] = []
        with self.store.read():
            for e in self.store.all(
                "SELECT case_no, action FROM events WHERE at >= ? AND at < ? AND case_no IS NOT NULL ORDER BY seq",
                (start, end),
            ):
                done.setdefault(e["case_no"], []).append(e["action"])
            numbers = sorted(set(done) | set(also))
            for chunk in range(0, len(numbers), 500):  # well under SQLite's limit on bound parameters
                wanted = numbers[chunk : chunk + 500]
                marks = ", ".join("?" * len(wanted))
                rows = self.store.all(
                    "SELECT c.no, c.created_at, c.channel, c.kind, c.summary, c.matter, c.anonymous, c.first_asker, "
                    "c.status AS status_now, c.owner AS owner_now, c.due AS due_now, p.name, p.phone, p.id_number, "
                    "s.status, s.owner, s.due FROM cases c LEFT JOIN people p ON p.id = c.person_id "
                    "LEFT JOIN case_states s ON s.case_no = c.no AND s.valid_from < ? "
                    "AND (s.valid_to IS NULL OR s.valid_to >= ?) "
                    f"WHERE c.no IN ({marks}) ORDER BY c.no",
                    [end, end, *wanted],
                )
                for r in rows:
                    known = r["status"] is not None  # a case checked in after the period has no state then
                    out.append(
                        {
                            "no": r["no"],
                            "created_at": r["created_at"],
                            "channel": r["channel"],
                            "kind": r["kind"],
                            "matter": json.loads(r["matter"])["name"] if r["matter"] else None,
                            "summary": r["summary"] or "",
                            "anonymous": bool(r["anonymous"]),
                            "visitor": r["name"],
                            "phone": r["phone"] if unmasked else privacy.mask_phone(r["phone"]),
                            "id_number": r["id_number"] if unmasked else privacy.mask_id_number(r["id_number"]),
                            "first_asker": r["first_asker"],
                            "owner": r["owner"] if known else r["owner_now"],
                            "status": r["status"] if known else r["status_now"],
                            "due": r["due"] if known else r["due_now"],
                            "actions": done.get(r["no"], []),
                        }
                    )
        return out

    def period_violations(self, first: date, last: date | None = None) -> list[Violation]:
        """The violations that happened from `first` to `last` (one day by default), oldest first."""
        start, end = first.isoformat(), (((last or first) + timedelta(days=1)).isoformat())
        return [
            _violation(r)
            for r in self.store.all("SELECT * FROM violations WHERE at >= ? AND at < ? ORDER BY at, id", (start, end))
        ]

    def trend(self, last: date, days: int = 30) -> list[dict[str, Any]]:
        """SPEC §9's chart: received, resolved and overdue for each of the `days` days ending on `last`."""
        from firstask import report

        first = last - timedelta(days=days - 1)
        start, end = report.day_bounds(first)[0], report.day_bounds(last)[1]
        open_states = sorted(rules.OPEN_STATES)
        resolving = ", ".join("?" * len(report.RESOLVING))
        with self.store.read():
            received = {
                r["day"]: r["n"]
                for r in self.store.all(
                    "SELECT substr(created_at, 1, 10) AS day, count(*) AS n FROM cases WHERE created_at >= ? "
                    "AND created_at < ? GROUP BY day",
                    (start, end),
                )
            }
            # As the summary counts "resolved": a resolving action that moved the case into `resolved`.
            resolved = {
                r["day"]: r["n"]
                for r in self.store.all(
                    "SELECT substr(at, 1, 10) AS day, count(*) AS n FROM events WHERE at >= ? AND at < ? "
                    f"AND case_no IS NOT NULL AND action IN ({resolving}) "
                    "AND json_extract(detail, '$.status[1]') = 'resolved' "
                    "AND json_extract(detail, '$.status[0]') != 'resolved' GROUP BY day",
                    (start, end, *report.RESOLVING),
                )
            }
            dates = report.days_from(first, last)
            overdue = self.store.overdue_counts([(d.isoformat(), report.day_bounds(d)[1]) for d in dates], open_states)
        return [
            {
                "day": d.isoformat(),
                "received": received.get(d.isoformat(), 0),
                "resolved": resolved.get(d.isoformat(), 0),
                "overdue": overdue.get(d.isoformat(), 0),
            }
            for d in dates
        ]

    def unmasked_export(self, code: str, pin: str, detail: Mapping[str, Any]) -> Staff:
        """SPEC §10: phones and ID numbers leave the desk whole only at a supervisor's request. The PIN is checked
        as at a log-in (which records it); a supervisor's export is recorded, a clerk's attempt is recorded and
        refused. `detail` says what was asked for (format, period, file)."""
        staff = self.authenticate(code, pin)
        with self.store.write():
            self._desk_event(
                "export_unmasked" if staff.is_supervisor else "export_refused",
                staff.code,
                _iso(self.now()),
                {**detail, "unmasked": True},
            )
        if not staff.is_supervisor:
            raise RuleError("ACCESS", "report.unmasked_refused", code=staff.code)
        return staff

    # --- supervisor screens: summary ---
    # The summary screen's drill-down: the cases behind each figure of `summary(day)` (its trend is `trend`).

    def figure_cases(self, day: date, figure: str, key: str | None = None) -> list[tuple[CaseLine, datetime | None]]:
        """The cases behind one figure of `summary(day)`, one line per thing the figure counts, so the list is as
        long as the figure (a case given two notices that day is listed twice), in the order they happened.

        Each line comes with the moment it was counted (the check-in, the action, the rating, the violation), or
        None for the states at the end of the day. The line itself (status, owner, due) is the case as it is now.
        `figure` is a summary key, with its sub-key after a slash or in `key`: "received", "by_channel/phone",
        "by_kind/complaint", "answered_on_spot", "notices", "second_notices", "accepted", "handoffs/made",
        "handoffs/accepted", "handoffs/pending", "handoffs/declined", "referred", "rejected", "resolved", "open",
        "overdue", "due_tomorrow", "ratings/4", "bad_ratings", "violations", "violations/TIME-2",
        "violations_by_staff/w01", and a staff member's row: "staff/w01/received" (also owned, resolved, on_time
        — the resolutions its on-time rate is taken of —, responded — the check-ins its median first response is
        taken of —, violations).
        """
        from firstask import report

        path = f"{figure}/{key}" if key is not None else figure
        start, end = report.day_bounds(day)
        with self.store.read():
            hits = self._figure_hits(day, path, {"start": start, "end": end})
            wanted = json.dumps(sorted({no for no, _ in hits}))
            lines = {line.no: line for line in self._lines("c.no IN (SELECT value FROM json_each(?))", (wanted,))}
        return [(lines[no], _dt(at)) for no, at in hits if no in lines]

    def _figure_hits(self, day: date, path: str, span: dict[str, Any]) -> list[tuple[str, str | None]]:
        """(case no, moment) for each thing `path` counts on `day` (see `figure_cases`)."""
        from firstask import report

        name, _, rest = path.partition("/")
        events = "SELECT case_no AS no, at FROM events WHERE at >= :start AND at < :end AND case_no IS NOT NULL"
        resolving = (
            events + " AND action IN (" + ", ".join(f"'{a}'" for a in report.RESOLVING) + ") "
            "AND json_extract(detail, '$.status[1]') = 'resolved' "
            "AND json_extract(detail, '$.status[0]') != 'resolved'"
        )
        received = "SELECT no, created_at AS at FROM cases WHERE created_at >= :start AND created_at < :end"
        violations = "SELECT case_no AS no, at FROM violations WHERE at >= :start AND at < :end"
        by_action = {
            "answered_on_spot": "answer",
            "notices": "notify",
            "accepted": "accept",
            "referred": "refer",
            "rejected": "reject",
            "handoffs/made": "hand_off",
            "handoffs/accepted": "accept_handoff",
            "handoffs/declined": "decline_handoff",
        }
        sql: str | None = None
        args = dict(span, rest=rest)
        if path == "received":
            sql = received
        elif name == "by_channel" or name == "by_kind":
            sql = received + (" AND channel = :rest" if name == "by_channel" else " AND kind = :rest")
        elif path in by_action:
            sql, args["action"] = events + " AND action = :action", by_action[path]
        elif path == "second_notices":
            sql = events + " AND action = 'notify' AND json_extract(detail, '$.second') = 1"
        elif path == "resolved":
            sql = resolving
        elif name == "ratings" or path == "bad_ratings":
            levels = (
                ", ".join(str(level) for level in sorted(rules.BAD_RATINGS))
                if path == "bad_ratings"
                else str(int(rest))
            )
            sql = events + f" AND action = 'rate' AND json_extract(detail, '$.level') IN ({levels})"
        elif path == "violations":
            sql = violations
        elif name == "violations":
            sql = violations + " AND rule = :rest"
        elif name == "violations_by_staff":
            sql = violations + (" AND staff IS NULL" if rest == "-" else " AND staff = :rest")
        elif name == "staff":
            code, _, column = rest.partition("/")
            args["code"] = code
            sql = {
                "received": received + " AND first_asker = :code",
                "resolved": resolving + " AND by_staff = :code",
                "on_time": events + " AND action = 'resolve' AND by_staff = :code",
                "responded": received + " AND first_asker = :code AND first_response_at IS NOT NULL "
                "AND first_response_at < :end",
                "violations": violations + (" AND staff IS NULL" if code == "-" else " AND staff = :code"),
            }.get(column)
            if column == "owned":
                return self._states_hits(day, span, lambda r: r["owner"] == code)
        elif path in ("open", "overdue", "due_tomorrow", "handoffs/pending"):
            tomorrow = self.calendar.next_working_day(day).isoformat()
            keep = {
                "open": lambda r: True,
                "overdue": lambda r: bool(r["due"]) and r["due"] < day.isoformat(),
                "due_tomorrow": lambda r: r["due"] == tomorrow,
                "handoffs/pending": lambda r: r["status"] == "handoff_pending",
            }[path]
            return self._states_hits(day, span, keep)
        if sql is None:
            raise ValueError(f"no such figure: {path!r}")
        order = (
            " ORDER BY seq"
            if sql.startswith(events)
            else " ORDER BY at, id"
            if sql.startswith(violations)
            else " ORDER BY created_at, no"
        )
        return [(r["no"], r["at"]) for r in self.store.all(sql + order, args) if r["no"]]

    def _states_hits(
        self, day: date, span: dict[str, Any], keep: Callable[[dict[str, Any]], bool]
    ) -> list[tuple[str, str | None]]:
        """The cases open at the end of the day (as `summary` reads them) that `keep` keeps, by case number."""
        rows = self.store.states_at(span["end"], sorted(rules.OPEN_STATES))
        return [(r["no"], None) for r in rows if r["status"] in rules.OPEN_STATES and keep(r)]


# What `case_states` keeps over time.
STATE_KEYS = ("status", "owner", "due", "pending_to")

# The rule that makes each printed document part of its action.
PRINT_RULES = {"notice": "NOT-3", "receipt": "TIME-1", "rejection": "REJ-1", "referral": "REF-1"}

CALENDAR_KEYS = {"calendar_confirmed_until", "calendar_years", "calendar_extra_closed", "calendar_extra_working"}


SLIP_SUMMARY_CHARS = 40  # a case with no matter is named on its slips by its kind and its summary, cut to this


def originals_only(matter: Matter | None) -> frozenset[str]:
    """The documents the catalogue asks to see as originals only (an ID card): checked and handed back, so a
    receipt does not list them as kept."""
    if matter is None:
        return frozenset()
    return frozenset(d.name for d in matter.documents if (d.form or "").strip() == "原件")


def forms_place(matter: Matter | None, policy: Policy) -> str:
    """Where the visitor gets the forms: the matter's own place, else the centre's (policy)."""
    return (matter.forms_at if matter and matter.forms_at else "") or policy.forms_place


def what_about(kind: str, summary: str | None) -> str:
    """A case with no catalogue matter, as a slip names it: its kind and its summary (slips are Chinese)."""
    from firstask import i18n

    text = " ".join((summary or "").split())
    if len(text) > SLIP_SUMMARY_CHARS:
        text = text[: SLIP_SUMMARY_CHARS - 1] + "…"
    return f"{i18n.t(f'kind.{kind}', 'zh')}：{text}" if text else i18n.t(f"kind.{kind}", "zh")


def centre_of(policy: Policy) -> printing.Centre:
    return printing.Centre(
        name=policy.centre_name, address=policy.centre_address, phone=policy.centre_phone, hours=policy.centre_hours
    )


def _timing(row: Mapping[str, Any], action: str, now: datetime) -> Changes:
    """What an action settles for the time rules: the first response, the notice, the last word to the visitor."""
    out: Changes = {}
    if action in rules.RESPONSES and not row["first_response_at"]:
        out["first_response_at"] = _iso(now)
    if action == "notify" and not row["notified_at"]:
        out["notified_at"] = _iso(now)
    if action in ("accept", "feedback", "extend"):
        out["last_contact_at"] = _iso(now)
    if action == "hand_off":
        out["pending_since"] = _iso(now)
    elif action in ("accept_handoff", "decline_handoff"):
        out["pending_since"] = None
    return out


def _matter_from_row(row: Mapping[str, Any]) -> Matter:
    return Matter(
        code=row["code"],
        name=row["name"],
        limit_days=row["limit_days"],
        kind=row["kind"],
        documents=tuple(rules.Document.parse(d) for d in json.loads(row["documents"] or "[]")),
        written_notice=bool(row["written_notice"]),
        dept=row["dept"],
        basis=row["basis"],
        estimated=bool(row["estimated"]),
        note=row.get("note"),
        forms_at=row.get("forms_at"),
    )


def _line_of(c: Mapping[str, Any], visitor: str | None) -> CaseLine:
    """A list line from the JSON object the visitor search builds for each open case."""
    return CaseLine(
        no=c["no"],
        version=c["version"],
        status=c["status"],
        channel=c["channel"],
        kind=c["kind"],
        summary=c["summary"] or "",
        matter_name=c["matter"],
        matter_kind=c["matter_kind"],
        visitor_name=visitor,
        owner=c["owner"],
        first_asker=c["first_asker"],
        due=_d(c["due"]),
        due_provisional=bool(c["due_provisional"]),
        created_at=datetime.fromisoformat(c["created_at"]),
        pending_since=_dt(c["pending_since"]),
        pending_to=c["pending_to"],
        pending_from=c["pending_from"],
        anonymous=bool(c["anonymous"]),
        about_staff=c["about_staff"],
    )


def _violation(r: Mapping[str, Any]) -> Violation:
    review = None
    if r["decision"]:
        review = {"decision": r["decision"], "reason": r["reason"], "by": r["reviewed_by"], "at": _dt(r["reviewed_at"])}
    return Violation(
        id=r["id"],
        rule=r["rule"],
        staff=r["staff"],
        case_no=r["case_no"],
        at=datetime.fromisoformat(r["at"]),
        detail=json.loads(r["detail"] or "{}"),
        review=review,
        repeat=bool(r["repeat"]),
    )
