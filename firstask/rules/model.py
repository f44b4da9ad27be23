"""What the rules look at and what they say: the case as it stands, staff, matters and their documents, the policy
(its values checked: ranges, PINs, texts), the context of an action; a finding, a verdict, a refusal (`RuleError`).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from firstask import i18n
from firstask.calendar import WorkCalendar
from firstask.rules.guides import Guide

Severity = Literal["block", "flag", "warn"]

CHANNELS = ("visit", "phone", "letter", "online")
KINDS = ("enquiry", "application", "complaint", "report", "suggestion")
MATTER_KINDS = ("immediate", "promised", "escalated", "joint", "guide")
OPEN_STATES = frozenset({"open", "awaiting_documents", "handoff_pending", "in_progress"})
STATUSES = ("open", "awaiting_documents", "handoff_pending", "in_progress", "resolved", "closed")
BAD_RATINGS = frozenset({1, 2})
RATING_LEVELS = (5, 4, 3, 2, 1)
RATING_CHANNELS = ("pad", "qr", "callback")  # SPEC §12: at the window, from a slip's code, the clerk's callback
# Events on a case that move its version but not what a clerk at a window acts on: a scan, the visitor's rating on
# the pad and its request ending, an appeal (`Desk._check_version`; the lists' "declined back to me").
QUIET_EVENTS = ("scan", "rate_visit", "rating_expired", "appeal", "decide_appeal")
APPEAL_REASONS = ("mistake", "malicious", "not_me", "other")  # 误评, 恶意差评, 非本人服务, other
# The services a visitor may rate at the window (一次一评): what a clerk hands over face to face.
SERVICES = frozenset({"answer", "notify", "accept", "refer", "reject", "resolve"})

# SPEC §4: the statuses each action may start from.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "answer": frozenset({"open"}),
    "notify": frozenset({"open", "awaiting_documents"}),
    "accept": frozenset({"open", "awaiting_documents"}),
    "reject": frozenset({"open", "awaiting_documents"}),
    "refer": frozenset({"open", "awaiting_documents"}),
    "hand_off": frozenset({"open", "awaiting_documents", "in_progress"}),
    "accept_handoff": frozenset({"handoff_pending"}),
    "decline_handoff": frozenset({"handoff_pending"}),
    "feedback": OPEN_STATES,
    "extend": frozenset({"in_progress"}),
    "resolve": frozenset({"in_progress"}),
    "rate": frozenset({"resolved"}),
    "remedy": frozenset(STATUSES),  # a bad rating of a visit is put right while the case is still open
    "close_case": frozenset({"resolved"}),
    "reopen": frozenset({"resolved", "closed"}),
}

# Actions whose text is spoken or written to the visitor, and so is checked for forbidden phrases (LANG-1).
VISITOR_TEXT: dict[str, tuple[str, ...]] = {
    "answer": ("text",),
    "notify": ("extra",),
    "feedback": ("text",),
    "resolve": ("result",),
    "reject": ("reason",),
    "extend": ("reason",),
    "decline_handoff": (),
    "remedy": ("text",),
}


# The parameters of a refusal that repeat what someone typed or passed in (a case number, a staff or matter code,
# a value, a name): `RuleError` quotes them with `quoted`, so that no message carries a control sequence or a page.
ECHOED = frozenset({"no", "code", "id", "value", "kind", "role", "what", "keys", "name"})
QUOTED_AT_MOST = 60


def _echoed(value: Any) -> Any:
    """Input repeated in a message, quoted: a text, or each text of a list (which the message joins)."""
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, list | tuple):
        return [quoted(v) if isinstance(v, str) else v for v in value]
    return value


def _is_space(c: str) -> bool:
    return unicodedata.category(c) == "Zs"  # a space separator (U+3000 …): shown, harmless in a terminal


def quoted(value: str, limit: int = QUOTED_AT_MOST) -> str:
    """Input repeated in a message: each character that is not printable (ESC, BEL, a line break) written as Python
    writes it in a string (`\\x1b`, `\\n`), a backslash doubled, and the whole cut to `limit` characters with an
    ellipsis. Spaces stay, the full-width one too: a Chinese name may hold one."""
    pieces = ["\\\\" if c == "\\" else c if c.isprintable() or _is_space(c) else repr(c)[1:-1] for c in value]
    if sum(map(len, pieces)) <= limit:
        return "".join(pieces)
    out: list[str] = []
    size = 0
    for piece in pieces:
        if size + len(piece) > limit - 1:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out) + "…"


class RuleError(Exception):
    """A refused change. `.rule` is the rule id (or "STATE", "INPUT"); str() is the clerk-facing message.

    `.problems` holds every block the rules found, this one first: a form shows each under its own field at once,
    so the clerk is not refused once per mistake. Parameters that repeat input (`ECHOED`) are kept `quoted`."""

    def __init__(self, rule: str, key: str, /, *, field: str | None = None, **params: Any) -> None:
        self.rule = rule
        self.key = key
        self.field = field
        self.params: dict[str, Any] = {
            name: _echoed(value) if name in ECHOED else value for name, value in params.items()
        }
        self.problems: list[RuleError] = [self]
        super().__init__(rule, key)

    def message(self, lang: str | None = None) -> str:
        return i18n.t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class ConflictError(RuleError):
    """The case moved on since the caller saw it: another window acted first."""

    def __init__(self, key: str = "conflict", /, **params: Any) -> None:
        super().__init__("CONFLICT", key, **params)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    staff: str | None = None  # who a flag is recorded against
    at: datetime | None = None  # when the breach happened, when not now
    field: str | None = None  # the form field a block is about
    unique: str | None = None  # identity of the breach, so that it is recorded once

    def message(self, lang: str | None = None) -> str:
        return i18n.t(self.key, lang, **self.params)

    def error(self) -> RuleError:
        return RuleError(self.rule, self.key, field=self.field, **self.params)

    def as_record(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "key": self.key,
            "params": dict(self.params),
            "staff": self.staff,
        }


@dataclass
class Verdict:
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocks(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "block"]

    @property
    def flags(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "flag"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warn"]

    def raise_first_block(self) -> None:
        """Refuse with the first block; the error carries every block found (`RuleError.problems`)."""
        if self.blocks:
            errors = [finding.error() for finding in self.blocks]
            errors[0].problems = errors
            raise errors[0]


# --- the things the rules look at ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    code: str
    name: str
    role: str = "clerk"
    backup: str | None = None
    absent: bool = False
    active: bool = True

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass(frozen=True)
class Document:
    name: str
    when: str | None = None  # the condition under which it is required; None: always
    form: str | None = None  # original / copy / count

    @classmethod
    def parse(cls, raw: str | Mapping[str, Any]) -> Document:
        if isinstance(raw, str):
            return cls(raw.strip())
        return cls(str(raw["name"]).strip(), raw.get("when") or None, raw.get("form") or None)

    def as_json(self) -> str | dict[str, str]:
        if self.when is None and self.form is None:
            return self.name
        out = {"name": self.name}
        if self.when:
            out["when"] = self.when
        if self.form:
            out["form"] = self.form
        return out


@dataclass(frozen=True)
class Matter:
    code: str
    name: str
    limit_days: int
    kind: str = "promised"
    documents: tuple[Document, ...] = ()
    written_notice: bool = False
    dept: str | None = None
    basis: str | None = None
    estimated: bool = False
    note: str | None = None  # the researchers' note on the matter (e.g. 办理指引，社区不出具): on screen, never printed
    forms_at: str | None = None  # where the visitor gets the matter's forms (the notice says; else the policy's)
    guide: Guide = Guide()  # its service guide and kept answers (a case keeps them as at its check-in)

    @property
    def immediate(self) -> bool:
        return self.kind == "immediate"

    def required(self, applies: Iterable[str] = ()) -> list[str]:
        """The documents required, given which conditions apply to this visitor."""
        conditions = set(applies)
        return [d.name for d in self.documents if d.when is None or d.when in conditions]

    def as_json(self, *, guide: bool = True) -> dict[str, Any]:
        """The matter as JSON; `guide=False` leaves the guide out (a case's copy refers to it by its hash)."""
        out = {
            "code": self.code,
            "name": self.name,
            "limit_days": self.limit_days,
            "kind": self.kind,
            "documents": [d.as_json() for d in self.documents],
            "written_notice": self.written_notice,
            "dept": self.dept,
            "basis": self.basis,
            "estimated": self.estimated,
            "note": self.note,
            "forms_at": self.forms_at,
        }
        if guide and not self.guide.empty:
            out["guide"] = self.guide.as_json()
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Matter:
        return cls(
            code=raw["code"],
            name=raw["name"],
            limit_days=int(raw["limit_days"]),
            kind=raw["kind"],
            documents=tuple(Document.parse(d) for d in raw.get("documents", ())),
            written_notice=bool(raw.get("written_notice")),
            dept=raw.get("dept"),
            basis=raw.get("basis"),
            estimated=bool(raw.get("estimated")),
            note=raw.get("note") or None,
            forms_at=raw.get("forms_at") or None,
            guide=Guide.from_json(raw.get("guide")),
        )


@dataclass(frozen=True)
class BadRating:
    """A bad rating as RATE-2 sees it: whom it is against (who served), when, and when it was put right."""

    id: int
    level: int
    staff: str
    rated_at: datetime
    remedied_at: datetime | None = None


@dataclass(frozen=True)
class RatingState:
    """A rating as RATE-6 sees it: who was rated, when, and where its appeal stands."""

    id: int
    case_no: str
    level: int
    staff: str | None
    rated_at: datetime
    voided: bool = False
    appealed_at: datetime | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class CaseState:
    """What the rules need to know of a case."""

    no: str
    version: int
    status: str
    kind: str
    channel: str
    first_asker: str
    owner: str
    created_at: datetime
    matter: Matter | None = None
    anonymous: bool = False
    about_staff: str | None = None
    due: date | None = None
    extended_days: int = 0
    limit_days: int | None = None  # the limit the case was accepted under
    accepted_at: datetime | None = None
    notices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (by, items) of every earlier notice, oldest first
    pending_to: str | None = None
    pending_from: str | None = None
    return_status: str | None = None  # the status a hand-off returns the case to
    rating: int | None = None
    resolved_at: datetime | None = None
    flagged: frozenset[str] = frozenset()  # `unique` keys of violations already recorded on this case
    # What the time rules watch (SPEC §5: OWN-3, NOT-4, TIME-2, TIME-5, HO-4, RATE-2).
    first_response_at: datetime | None = None
    notified_at: datetime | None = None
    last_contact_at: datetime | None = None  # acceptance, feedback or extension: the visitor last heard
    pending_since: datetime | None = None
    rated_at: datetime | None = None
    remedied_at: datetime | None = None
    owner_changes: tuple[tuple[datetime, str], ...] = ()  # (when, new owner), oldest first
    # The case's bad ratings not voided, from every channel (RATE-2 runs for each); None: only `rating` is known
    # (a case as it was before per-visit ratings), and RATE-2 reads the case's own rating.
    bad_ratings: tuple[BadRating, ...] | None = None
    receiver_absences: tuple[tuple[datetime, datetime], ...] = ()  # when the hand-off's receiver was away

    def owner_at(self, moment: datetime) -> str:
        owner = self.first_asker
        for at, new_owner in self.owner_changes:
            if at > moment:
                break
            owner = new_owner
        return owner


@dataclass(frozen=True)
class Policy:
    first_response_hours: float = 24
    callback_days: int = 5
    calls_listed_days: int = 30  # the follow-up's Callbacks: resolved cases of these last days (the rest under a key)
    handoff_minutes: int = 30
    notice_days: int = 5
    feedback_days: int = 5
    remedy_days: int = 15
    repeat_months: int = 12
    due_warning_days: int = 1
    idle_minutes: int = 10
    retention_years: int = 3
    backups_kept: int = 14
    area_code: str = "0571"
    printer: str | None = None  # an `lp` destination; documents are only saved when there is none
    timezone: str = "Asia/Shanghai"
    forbidden_phrases: tuple[str, ...] = ()  # the centre's list: data/policy.toml, stored at init
    fallback_days: Mapping[str, int] = field(default_factory=lambda: dict(FALLBACK_DAYS))
    # The centre's identity, printed on every slip (SPEC §11), and what the slips tell the visitor.
    centre_name: str = ""
    centre_address: str = ""
    centre_phone: str = ""
    centre_hours: str = ""
    reconsideration_body: str = ""  # where a rejected applicant may ask for administrative reconsideration
    forms_place: str = ""  # where forms are obtained, for matters whose catalogue entry does not say
    pickup: str = ""  # where and how a visitor collects the result (the receipt); default: the centre's window

    # The hall on its LAN (`firstask serve`, issue 19).
    enrol_code_hours: int = 24  # a window's enrolment code is void after this
    hall_desks: int = 40  # open desks (browser tabs) the server runs at once
    hall_desks_per_window: int = 2  # … and per enrolled window
    locked_grace_minutes: int = 10  # a served desk locked this long past the idle limit ends its process
    min_pin_length: int = 6  # SPEC §13: new PINs have at least this many digits
    # SPEC §12 (好差评 at the window)
    rating_request_minutes: int = 3  # RATE-4: the pad's request expires unanswered after this
    rating_link_days: int = 15  # RATE-5: a slip's QR link expires after this
    appeal_days: int = 5  # RATE-6: working days the rated staff member has to appeal a bad rating
    bad_rating_reasons: tuple[str, ...] = ()  # RATE-3: what a bad rating may say was wrong (data/policy.toml)
    hall_url: str = ""  # the hall's address as visitors' phones reach it (the slips' QR); else the server's own

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Policy:
        """The policy of stored values; a value of the wrong type or out of range is a TypeError/ValueError."""
        policy, problems = cls.checked(values)
        if problems:
            error = problems[0]
            raise (TypeError if error.key == "policy.wrong_type" else ValueError)(str(error))
        return policy

    @classmethod
    def checked(cls, values: Mapping[str, Any]) -> tuple[Policy, list[RuleError]]:
        """The policy of stored values, each bad one left at its default, and what was wrong with each."""
        known = set(cls.__dataclass_fields__)
        kwargs: dict[str, Any] = {}
        problems: list[RuleError] = []
        for key, value in values.items():
            problem = policy_problem(key, value)  # the calendar's settings too, though they are not fields here
            if problem is not None:
                problems.append(problem)
                continue
            if key not in known:
                continue
            if key in LIST_POLICY:
                value = tuple(value)
            elif key == "fallback_days":  # a limit not given keeps its default: every kind of case has one
                value = {**FALLBACK_DAYS, **value}
            kwargs[key] = value
        return cls(**kwargs), problems


# What each numeric setting may be (SPEC §6): (smallest, largest). A number of working days beyond twelve weeks, an
# hour count beyond a month, would make a rule meaningless or the date arithmetic overflow.
POLICY_RANGES: dict[str, tuple[int, int]] = {
    "first_response_hours": (1, 720),
    "callback_days": (1, 60),
    "calls_listed_days": (1, 3650),
    "handoff_minutes": (1, 480),
    "notice_days": (1, 60),
    "feedback_days": (1, 60),
    "remedy_days": (1, 60),
    "repeat_months": (1, 120),
    "due_warning_days": (1, 60),
    "idle_minutes": (1, 480),
    "retention_years": (1, 100),
    "backups_kept": (1, 365),
    "enrol_code_hours": (1, 720),
    "hall_desks": (1, 1000),
    "hall_desks_per_window": (1, 20),
    "locked_grace_minutes": (1, 480),
    "min_pin_length": (6, 12),
    "rating_request_minutes": (1, 60),
    "rating_link_days": (1, 90),
    "appeal_days": (1, 30),
}
LIST_POLICY = ("forbidden_phrases", "bad_rating_reasons")
POLICY_TEXT_LIMIT = 200


def policy_problem(key: str, value: Any) -> RuleError | None:
    """Why a policy value may not be stored (its type or range), or None."""

    def wrong(kind: str) -> RuleError:
        return RuleError("INPUT", "policy.wrong_type", field=key, key=key, kind=i18n.Lazy(f"policy.kind.{kind}"))

    try:  # a lone surrogate anywhere in it can be neither stored nor shown
        json.dumps(value, ensure_ascii=False, default=str).encode()
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
        return RuleError("INPUT", "policy.bad_text", field=key, key=key, limit=POLICY_TEXT_LIMIT)

    if key in POLICY_RANGES:
        low, high = POLICY_RANGES[key]
        number_ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not number_ok or (key != "first_response_hours" and not isinstance(value, int)):
            return wrong("number")
        if not (low <= value <= high) or value != value:  # NaN is never in range
            return RuleError("INPUT", "policy.out_of_range", field=key, key=key, low=low, high=high)
        return None
    if key in (*TEXT_POLICY, "area_code", "printer", "timezone"):
        if value is None and key == "printer":
            return None
        if not isinstance(value, str):
            return wrong("text")
        if len(value) > POLICY_TEXT_LIMIT or any(_unprintable(c) for c in value):
            return RuleError("INPUT", "policy.bad_text", field=key, key=key, limit=POLICY_TEXT_LIMIT)
        if key == "timezone" and not _known_timezone(value):
            return RuleError("INPUT", "policy.timezone", field=key, key=key)
        if key == "hall_url" and value and not value.startswith(("http://", "https://")):
            return RuleError("INPUT", "policy.bad_url", field=key, key=key)
        if key == "area_code" and value and not value.isdigit():
            return RuleError("INPUT", "policy.bad_text", field=key, key=key, limit=POLICY_TEXT_LIMIT)
        return None
    if key in LIST_POLICY:
        if (
            isinstance(value, str)
            or not isinstance(value, list | tuple)
            or len(value) > POLICY_TEXT_LIMIT
            or not all(isinstance(v, str) and v.strip() and len(v) <= 40 for v in value)
        ):
            return wrong("list")
        if any(_unprintable(c) for v in value for c in v):
            return RuleError("INPUT", "policy.bad_text", field=key, key=key, limit=40)
        return None
    if key == "fallback_days":
        if (
            not isinstance(value, Mapping)
            or not set(value) <= set(FALLBACK_DAYS)
            or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 60 for v in value.values())
        ):
            return RuleError("INPUT", "policy.out_of_range", field=key, key=key, low=1, high=60)
        return None
    # The calendar's settings (SPEC §7): their format is checked again when the calendar is built.
    low, high = CALENDAR_YEARS
    if key == "calendar_confirmed_until":
        if not isinstance(value, int) or isinstance(value, bool):
            return wrong("number")
        if not low <= value <= high:
            return RuleError("INPUT", "policy.out_of_range", field=key, key=key, low=low, high=high)
        return None
    if key in ("calendar_extra_closed", "calendar_extra_working"):
        return None if _dates(value) else wrong("dates")
    if key == "calendar_years":
        if not isinstance(value, Mapping) or not all(
            str(year).isdigit()
            and low <= int(year) <= high
            and isinstance(schedule, Mapping)
            and set(schedule) <= {"holidays", "working"}
            and all(_dates(v) for v in schedule.values())
            for year, schedule in value.items()
        ):
            return wrong("years")
        return None
    if key == "hours":
        if (
            not isinstance(value, list | tuple)
            or not 1 <= len(value) <= 6
            or not all(
                isinstance(period, list | tuple) and len(period) == 2 and all(isinstance(t, str) for t in period)
                for period in value
            )
        ):
            return wrong("periods")
    return None


CALENDAR_YEARS = (2000, 2100)  # the years a calendar setting may name (as days on the command line)


def _dates(value: Any) -> bool:
    """A list of days written YYYY-MM-DD within CALENDAR_YEARS (at most a few years' worth)."""
    if isinstance(value, str) or not isinstance(value, list | tuple) or len(value) > 2000:
        return False
    for day in value:
        if not isinstance(day, str) or len(day) != 10:
            return False
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            return False
        if not CALENDAR_YEARS[0] <= parsed.year <= CALENDAR_YEARS[1]:
            return False
    return True


def _unprintable(c: str) -> bool:
    """A control character (C0, DEL, C1) or a line or paragraph separator: it would act on a terminal or a printer."""
    return ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029"


PIN_MAX = 12


def pin_problem(pin: Any, min_length: int) -> RuleError | None:
    """Why a new PIN may not be chosen (SPEC §13): digits only, `min_length` to PIN_MAX of them, and not a run or a
    repeat (123456, 654321, 000000), the first PINs anyone tries. None when it may."""
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit():
        return RuleError("INPUT", "staff.pin_digits", field="pin")
    if not min_length <= len(pin) <= PIN_MAX:
        return RuleError("INPUT", "staff.pin_length", field="pin", low=min_length, high=PIN_MAX)
    if len(set(pin)) == 1 or pin in "01234567890123456789" or pin in "98765432109876543210":
        return RuleError("INPUT", "staff.pin_trivial", field="pin")
    return None


def login_delay(wrong: int) -> int:
    """Seconds a window waits before it takes another PIN, after `wrong` wrong PINs in a row there (SPEC §13): none
    for the first two slips of the finger, then 1, 2, 4, 8, 16, at most 30: guessing is slowed long before the
    code locks (ten in a row)."""
    return 0 if wrong < 3 else min(2 ** (wrong - 3), 30)


def _known_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # an unknown name, a path, a folder of zones
        return False
    return True


# The policy's free-text settings (the centre's identity and what its slips say).
TEXT_POLICY = (
    "centre_name",
    "centre_address",
    "centre_phone",
    "centre_hours",
    "reconsideration_body",
    "forms_place",
    "pickup",
    "hall_url",
)

# TIME-4: limits for a case with no catalogue matter (003 第七条; 003 医院投诉 一; 003 网站咨询).
FALLBACK_DAYS: dict[str, int] = {
    "own": 2,
    "department": 3,
    "departments": 7,
    "leadership": 10,
    "complaint": 3,
    "complaint_departments": 5,
    "online_enquiry": 2,
}


@dataclass(frozen=True)
class Context:
    actor: Staff
    staff: Mapping[str, Staff]
    policy: Policy
    calendar: WorkCalendar
    params: Mapping[str, Any] = field(default_factory=dict)
