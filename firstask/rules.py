"""The desk's house rules as pure functions (SPEC §5).

Each check takes the case as it stands, the action with its parameters, the context (who acts, the roster, the
policy, the calendar) and the time, and returns a `Verdict`: blocks refuse the change, flags are recorded as
violations, warnings are confirmed on screen and then recorded as flags. Nothing here reads or writes anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from firstask import i18n
from firstask.calendar import WorkCalendar

Severity = Literal["block", "flag", "warn"]

CHANNELS = ("visit", "phone", "letter", "online")
KINDS = ("enquiry", "application", "complaint", "report", "suggestion")
MATTER_KINDS = ("immediate", "promised", "escalated", "joint", "guide")
OPEN_STATES = frozenset({"open", "awaiting_documents", "handoff_pending", "in_progress"})
STATUSES = ("open", "awaiting_documents", "handoff_pending", "in_progress", "resolved", "closed")
BAD_RATINGS = frozenset({1, 2})

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
    "remedy": frozenset({"closed"}),
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

DEFAULT_FORBIDDEN = ("不知道", "没办法", "不归我管", "不清楚", "找别人去", "下班了", "不是我负责", "你自己看")


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


def quoted(value: str, limit: int = QUOTED_AT_MOST) -> str:
    """Input repeated in a message: each character that is not printable (ESC, BEL, a line break) written as Python
    writes it in a string (`\\x1b`, `\\n`), a backslash doubled, and the whole cut to `limit` characters with an
    ellipsis. The full-width space stays: a Chinese name may hold one."""
    pieces = ["\\\\" if c == "\\" else c if c.isprintable() or c == "\u3000" else repr(c)[1:-1] for c in value]
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

    @property
    def immediate(self) -> bool:
        return self.kind == "immediate"

    def required(self, applies: Iterable[str] = ()) -> list[str]:
        """The documents required, given which conditions apply to this visitor."""
        conditions = set(applies)
        return [d.name for d in self.documents if d.when is None or d.when in conditions]

    def as_json(self) -> dict[str, Any]:
        return {
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
        )


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
    forbidden_phrases: tuple[str, ...] = DEFAULT_FORBIDDEN
    fallback_days: Mapping[str, int] = field(default_factory=lambda: dict(FALLBACK_DAYS))
    # The centre's identity, printed on every slip (SPEC §11), and what the slips tell the visitor.
    centre_name: str = ""
    centre_address: str = ""
    centre_phone: str = ""
    centre_hours: str = ""
    reconsideration_body: str = ""  # where a rejected applicant may ask for administrative reconsideration
    forms_place: str = ""  # where forms are obtained, for matters whose catalogue entry does not say
    pickup: str = ""  # where and how a visitor collects the result (the receipt); default: the centre's window

    min_pin_length: int = 6  # SPEC §13: new PINs have at least this many digits

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
            if key == "forbidden_phrases":
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
    "handoff_minutes": (1, 480),
    "notice_days": (1, 60),
    "feedback_days": (1, 60),
    "remedy_days": (1, 60),
    "repeat_months": (1, 120),
    "due_warning_days": (1, 60),
    "idle_minutes": (1, 480),
    "retention_years": (1, 100),
    "backups_kept": (1, 365),
    "min_pin_length": (6, 12),
}
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
        if key == "area_code" and value and not value.isdigit():
            return RuleError("INPUT", "policy.bad_text", field=key, key=key, limit=POLICY_TEXT_LIMIT)
        return None
    if key == "forbidden_phrases":
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


# --- rules --------------------------------------------------------------------------------------------------

Check = Callable[[CaseState | None, Context, datetime], Iterable[Finding]]


def _block(rule: str, key: str, *, field: str | None = None, **params: Any) -> Finding:
    return Finding(rule, "block", key, params, field=field)


def _blank(value: Any) -> bool:
    return value is None or not str(value).strip()


def state(action: str, case: CaseState) -> Iterable[Finding]:
    """STATE: the action must be allowed from the case's current status (SPEC §4)."""
    if case.status not in ALLOWED_FROM[action]:
        yield _block(
            "STATE",
            "state.refused",
            action=i18n.Lazy(f"action.{action}"),
            status=i18n.Lazy(f"status.{case.status}"),
            no=case.no,
        )


def may_act_for(actor: Staff, owner: str, staff: Mapping[str, Staff]) -> bool:
    """The owner, the owner's backup while the owner is absent, or a supervisor (SPEC §4)."""
    if actor.is_supervisor or actor.code == owner:
        return True
    primary = staff.get(owner)
    return primary is not None and primary.absent and primary.backup == actor.code


def own_2(action: str, case: CaseState, ctx: Context) -> Iterable[Finding]:
    """OWN-2: only the owner (or their backup while absent, or a supervisor) acts; the first-asker may give feedback."""
    actor = ctx.actor
    if action == "close_case" and not case.anonymous:
        return  # who may close a named visitor's case without a callback is may_close's question
    if action == "reopen":
        if not actor.is_supervisor:
            yield _block("OWN-2", "own2.supervisor_only", action=i18n.Lazy("action.reopen"))
        return
    if action in ("accept_handoff", "decline_handoff"):
        receiver = case.pending_to or ""
        if actor.code == case.pending_from and not actor.is_supervisor:
            # The sender may back up the absent receiver, but answering one's own hand-off would only stop its clock.
            yield _block("OWN-2", "own2.own_handoff", no=case.no, receiver=_name(receiver, ctx))
            return
        if not may_act_for(actor, receiver, ctx.staff):
            yield _block("OWN-2", "own2.not_receiver", no=case.no, receiver=_name(receiver, ctx))
        return
    if may_act_for(actor, case.owner, ctx.staff):
        return
    if action in ("feedback", "rate", "remedy") and actor.code == case.first_asker:
        return
    yield _block("OWN-2", "own2.not_owner", no=case.no, owner=_name(case.owner, ctx))


def _name(code: str, ctx: Context) -> str:
    s = ctx.staff.get(code)
    return f"{s.name} ({code})" if s else code


def reg_1(params: Mapping[str, Any]) -> Iterable[Finding]:
    """REG-1: phone, letter and online cases record the visitor's name and a contact phone unless anonymous."""
    if params.get("anonymous") or params.get("channel") == "visit":
        return
    if _blank(params.get("phone")):
        yield _block("REG-1", "reg1.phone", field="phone", channel=i18n.Lazy(f"channel.{params.get('channel')}"))


def reg_2(params: Mapping[str, Any]) -> Iterable[Finding]:
    """REG-2: channel, kind, a non-empty summary and the visitor's name — or anonymous, and then no name, phone
    or ID number at all (an anonymous case must not hold whom it is from)."""
    if params.get("anonymous") and any(not _blank(params.get(k)) for k in ("visitor_name", "phone", "id_number")):
        yield _block("REG-2", "reg2.anonymous_contact", field="anonymous")
    if params.get("channel") not in CHANNELS:
        yield _block("REG-2", "reg2.channel", field="channel", value=str(params.get("channel")))
    if params.get("kind") not in KINDS:
        yield _block("REG-2", "reg2.kind", field="kind", value=str(params.get("kind")))
    if _blank(params.get("summary")):
        yield _block("REG-2", "reg2.summary", field="summary")
    if not params.get("anonymous") and _blank(params.get("visitor_name")):
        yield _block("REG-2", "reg2.name", field="visitor_name")


def reg_3(params: Mapping[str, Any], policy: Policy) -> Iterable[Finding]:
    """REG-3: a given ID number passes its check digit; a given phone is a valid number."""
    id_number = params.get("id_number")
    if not _blank(id_number) and normalise_id_number(str(id_number)) is None:
        yield _block("REG-3", "reg3.id_number", field="id_number")
    phone = params.get("phone")
    if not _blank(phone) and normalise_phone(str(phone), policy.area_code) is None:
        yield _block("REG-3", "reg3.phone", field="phone", area_code=policy.area_code)


def normalise_id_number(raw: str) -> str | None:
    """The 18-character mainland ID number (GB 11643), or None when its format, birth date or check digit fail.

    Not `ric.validate`: it also looks the birth place up in python-stdnum's county table, which lacks whole
    provinces (浙江 among them) and would refuse real numbers.
    """
    from stdnum.cn import ric  # imported here: stdnum is only needed when an ID number is typed
    from stdnum.exceptions import ValidationError

    number = ric.compact(raw).upper()
    if len(number) != 18 or not number[:-1].isdigit() or number[-1] != ric.calc_check_digit(number):
        return None
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return None
    return str(number)


def normalise_phone(raw: str, area_code: str = "0571") -> str | None:
    """A stored form of the phone number, or None when it is not a valid number.

    Mainland mobiles keep their 11 digits, mainland landlines read `0571-87654321` (a bare local number gets the
    desk's area code), other countries are kept in E.164 (`+85223456789`).
    """
    import phonenumbers  # imported here: its metadata is slow to load and only needed when a phone is typed

    text = raw.strip()
    if not text or len(text) > 40:
        return None
    digits = "".join(c for c in text if c.isdigit())
    if not text.startswith("+") and not digits.startswith(("0", "1")) and 7 <= len(digits) <= 8:
        text = area_code + digits
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if number.country_code != 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = str(number.national_number)
    if (
        phonenumbers.number_type(number)
        in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
        and len(national) == 11
        and national.startswith("1")
    ):
        return national
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    area, _, local = formatted.partition(" ")
    return f"{area}-{local.replace(' ', '')}" if local else formatted.replace(" ", "")


def ho_7_check_in(params: Mapping[str, Any], ctx: Context) -> Iterable[Finding]:
    """HO-7: a complaint about a staff member cannot be checked in by that staff member."""
    about = params.get("about_staff")
    if about and about not in ctx.staff:
        yield _block("INPUT", "input.unknown_staff", field="about_staff", code=str(about))
    elif about and about == ctx.actor.code:
        yield _block("HO-7", "ho7.check_in", field="about_staff")


def complaint_subject(kind: str, about_staff: str | None) -> str | None:
    """Whom a case is about: only a complaint is about a staff member (HO-7 reads it); any other kind is about
    no one, whatever was typed in the field before the kind changed."""
    return (about_staff or None) if kind == "complaint" else None


def handoff_route(case: CaseState, to: str, ctx: Context) -> str:
    """HO-2: to an absent colleague with a present backup (other than the sender), the hand-off goes to the backup.

    A backup who is the subject of the complaint is passed over (HO-7): the hand-off then waits for the colleague.
    """
    target = ctx.staff.get(to)
    if target is None or not target.absent or not target.backup:
        return to
    backup = ctx.staff.get(target.backup)
    if backup is None or not backup.active or backup.absent or backup.code in (ctx.actor.code, case.owner):
        return to
    if case.kind == "complaint" and backup.code == case.about_staff:
        return to
    return backup.code


def ho_1(case: CaseState, params: Mapping[str, Any], ctx: Context) -> Iterable[Finding]:
    """HO-1: a hand-off names an active colleague other than the current owner, with a note of what was done."""
    to = params.get("to")
    target = ctx.staff.get(str(to)) if to else None
    if target is None or not target.active:
        yield _block("HO-1", "ho1.unknown", field="to", code=str(to or ""))
    elif target.code == case.owner:
        yield _block("HO-1", "ho1.owner", field="to")
    if _blank(params.get("note")):
        yield _block("HO-1", "ho1.note", field="note")


def ho_7_receive(case: CaseState, receiver: str | None) -> Iterable[Finding]:
    """HO-7: a complaint about a staff member cannot be handed to, or accepted by, that staff member."""
    if case.kind == "complaint" and case.about_staff and receiver == case.about_staff:
        yield _block("HO-7", "ho7.receive", field="to")


def rate_1(params: Mapping[str, Any]) -> Iterable[Finding]:
    """RATE-1: a rating is one of five levels (5 非常满意 … 1 非常不满意)."""
    level = params.get("level")
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        yield _block("RATE-1", "rate1.level", field="level")


def remedy_needs_bad_rating(case: CaseState) -> Iterable[Finding]:
    """RATE-2: a remedy follows a bad rating; there is nothing to remedy otherwise."""
    if case.rating not in BAD_RATINGS:
        yield _block("RATE-2", "rate2.no_bad_rating", no=case.no)


def may_close(case: CaseState, ctx: Context, now: datetime) -> Iterable[Finding]:
    """Closing without a callback: anonymous cases; otherwise a supervisor once the callback window has passed."""
    if case.anonymous:
        return
    if not ctx.actor.is_supervisor:
        yield _block("OWN-2", "close.supervisor", no=case.no)
        return
    if case.resolved_at is not None:
        window_end = ctx.calendar.deadline(case.resolved_at, ctx.policy.callback_days)
        if now < window_end:
            yield _block(
                "STATE",
                "close.too_early",
                no=case.no,
                days=ctx.policy.callback_days,
                until=f"{window_end:%Y-%m-%d %H:%M}",
            )


def required_missing(matter: Matter | None, presented: Iterable[str], applies: Iterable[str]) -> list[str]:
    if matter is None:
        return []
    have = {p.strip() for p in presented}
    return [name for name in matter.required(applies) if name not in have]


def not_1(case: CaseState, params: Mapping[str, Any]) -> Iterable[Finding]:
    """NOT-1: the notice lists every missing required document plus free-text items, and is never empty. A guide
    matter is never taken in here (TAKE-1), so no documents are asked for it: it is answered or referred."""
    matter = case.matter
    if matter is not None and matter.kind == "guide":
        yield _block("NOT-1", "not1.guide", matter=matter.name)
        return
    known = {d.name for d in matter.documents} if matter else set()
    unknown = [p for p in params.get("presented", ()) if p not in known]
    if unknown:
        yield _block("NOT-1", "not1.unknown_document", field="presented", name=unknown)
    conditions = {d.when for d in matter.documents if d.when} if matter else set()
    stray = [a for a in params.get("applies", ()) if a not in conditions]
    if stray:
        yield _block("NOT-1", "not1.unknown_condition", field="applies", name=stray)
    if not params.get("items"):
        yield _block("NOT-1", "not1.empty", field="extra")


def not_2(case: CaseState, params: Mapping[str, Any]) -> Iterable[Finding]:
    """NOT-2: a later notice asking for anything not on any earlier notice is a second notice."""
    new = asked_anew(case, params.get("items", ()))
    if new:
        first_by = case.notices[0][0]
        yield Finding("NOT-2", "flag", "not2.second_notice", {"items": new}, staff=first_by)


def acc_1_review(actor: Staff, decision: str, reason: str, reviewed: bool) -> Iterable[Finding]:
    """ACC-1: a supervisor reviews a recorded violation once, confirming or excusing it, with a reason."""
    if not actor.is_supervisor:
        yield _block("ACC-1", "acc1.supervisor")
    elif decision not in ("confirm", "excuse"):
        yield _block("ACC-1", "acc1.decision", field="decision")
    elif not reason:
        yield _block("ACC-1", "acc1.reason", field="reason")
    elif reviewed:
        yield _block("ACC-1", "acc1.reviewed")


def repeat_window(at: datetime, months: int) -> tuple[datetime, datetime]:
    """ACC-1: a confirmed violation is a repeat when another confirmed one of the same staff member lies within
    `months` (the policy's repeat_months) before or after it — the span to look in."""
    return _months_before(at, months), _months_after(at, months)


def _months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def _months_after(moment: datetime, months: int) -> datetime:
    return _months_before(moment, -months)


def material_pairs(materials: Iterable[Any]) -> list[tuple[Any, Any]]:
    """TIME-1: what is taken in on acceptance comes as (name, kind) pairs; any other shape is refused."""
    try:
        return [(m[0], m[1]) for m in materials]
    except (TypeError, IndexError, KeyError) as e:
        raise RuleError("TIME-1", "time1.material_name", field="materials") from e


def asked_anew(case: CaseState, items: Iterable[str]) -> list[str]:
    """What a notice asks for that no earlier notice on the case asked for: nothing on a first notice. A notice
    that asks anew is a second notice (NOT-2): the first asker is flagged and the summary counts it."""
    if not case.notices:
        return []
    asked_before = {item for _, earlier in case.notices for item in earlier}
    return [item for item in items if item not in asked_before]


# --- time rules: evaluated by the periodic scan, and caught up by any action on the case ---------------------

RESPONSES = frozenset({"answer", "notify", "accept", "hand_off", "refer", "reject", "feedback"})


def _flag(
    rule: str, key: str, case: CaseState, staff: str, at: datetime, unique: str, **params: Any
) -> Iterable[Finding]:
    if unique not in case.flagged:
        yield Finding(rule, "flag", key, params, staff=staff, at=at, unique=unique)


def own_3(case: CaseState, policy: Policy, calendar: WorkCalendar, now: datetime) -> Iterable[Finding]:
    """OWN-3: a first response within N clock hours of check-in, flagged against the owner at that moment."""
    breach = case.created_at + timedelta(hours=policy.first_response_hours)
    responded = case.first_response_at is not None and case.first_response_at <= breach
    if not responded and now >= breach:
        yield from _flag(
            "OWN-3",
            "own3.late",
            case,
            case.owner_at(breach),
            breach,
            f"OWN-3:{case.no}",
            hours=policy.first_response_hours,
        )


def not_4(case: CaseState, policy: Policy, calendar: WorkCalendar, now: datetime) -> Iterable[Finding]:
    """NOT-4: an application for a catalogue matter gets its notice or acceptance within N working days."""
    if case.kind != "application" or case.matter is None or case.matter.kind == "guide":
        return
    breach = calendar.deadline(case.created_at, policy.notice_days)
    settled = [t for t in (case.notified_at, case.accepted_at) if t is not None]
    if settled and min(settled) <= breach:
        return
    if not settled and case.status not in OPEN_STATES:
        return  # answered, referred or rejected: no notice or acceptance was owed
    if now >= breach:
        yield from _flag(
            "NOT-4", "not4.late", case, case.owner_at(breach), breach, f"NOT-4:{case.no}", days=policy.notice_days
        )


def time_2(case: CaseState, policy: Policy, calendar: WorkCalendar, now: datetime) -> Iterable[Finding]:
    """TIME-2: not resolved by the end of its due date: overdue, once per due date, against the owner then."""
    if case.due is None or case.status not in OPEN_STATES:
        return
    breach = calendar.end_of_day(case.due)
    if now >= breach:
        yield from _flag(
            "TIME-2",
            "time2.overdue",
            case,
            case.owner_at(breach),
            breach,
            f"TIME-2:{case.no}:{case.due.isoformat()}",
            due=case.due.isoformat(),
        )


def time_5(case: CaseState, policy: Policy, calendar: WorkCalendar, now: datetime) -> Iterable[Finding]:
    """TIME-5: in progress with no word to the visitor for N working days: each silent stretch flagged once."""
    if case.status != "in_progress" or case.last_contact_at is None:
        return
    breach = calendar.deadline(case.last_contact_at, policy.feedback_days)
    if now >= breach:
        yield from _flag(
            "TIME-5",
            "time5.silent",
            case,
            case.owner_at(breach),
            breach,
            f"TIME-5:{case.no}:{case.last_contact_at.isoformat()}",
            days=policy.feedback_days,
        )


def ho_4(case: CaseState, policy: Policy, calendar: WorkCalendar, now: datetime) -> Iterable[Finding]:
    """HO-4: a hand-off accepted or declined within N working minutes counted while the receiver is present."""
    if case.status != "handoff_pending" or case.pending_since is None or case.pending_to is None:
        return
    if now <= case.pending_since:
        return
    waited = calendar.working_minutes(case.pending_since, now, exclude=case.receiver_absences)
    if waited >= policy.handoff_minutes:
        breach = calendar.add_working_minutes(
            case.pending_since, policy.handoff_minutes, exclude=case.receiver_absences
        )
        yield from _flag(
            "HO-4",
            "ho4.late",
            case,
            case.pending_to,
            breach,
            f"HO-4:{case.no}:{case.pending_since.isoformat()}",
            minutes=policy.handoff_minutes,
        )


def rate_2(case: CaseState, policy: Policy, calendar: WorkCalendar, now: datetime) -> Iterable[Finding]:
    """RATE-2: a bad rating is called back and remedied within N working days, else flagged against the owner."""
    if case.rating not in BAD_RATINGS or case.rated_at is None:
        return
    breach = calendar.deadline(case.rated_at, policy.remedy_days)
    if case.remedied_at is not None and case.remedied_at <= breach:
        return
    if now >= breach:
        yield from _flag(
            "RATE-2",
            "rate2.late",
            case,
            case.owner_at(case.rated_at),
            breach,
            f"RATE-2:{case.no}:{case.rated_at.isoformat()}",
            days=policy.remedy_days,
        )


TIME_RULES = (own_3, not_4, time_2, time_5, ho_4, rate_2)


def time_rules(case: CaseState, policy: Policy, calendar: WorkCalendar, now: datetime) -> list[Finding]:
    """Every time-based breach of this case that has happened by `now` and is not yet recorded."""
    return [f for rule in TIME_RULES for f in rule(case, policy, calendar, now)]


def take_1(case: CaseState, params: Mapping[str, Any]) -> Iterable[Finding]:
    """TAKE-1: accepting a catalogue matter needs every required document among the materials."""
    matter = case.matter
    if matter is None:
        return
    if matter.kind == "guide":
        yield _block("TAKE-1", "take1.guide", matter=matter.name)
        return
    received = {name for name, _ in params.get("materials", ())}
    missing = [d for d in matter.required(params.get("applies", ())) if d not in received]
    if missing:
        yield _block("TAKE-1", "take1.missing", field="materials", items=list(missing))


def time_1(case: CaseState, params: Mapping[str, Any], ctx: Context) -> Iterable[Finding]:
    """TIME-1: a receipt lists the materials received (name, pages); the limit is known."""
    materials = params.get("materials", ())
    if not materials and case.matter is not None:
        # A case with no catalogue matter (a complaint, a report, research) is taken in with no materials: its
        # receipt says so (SPEC §11). A catalogue matter's receipt lists what was received.
        yield _block("TIME-1", "time1.no_materials", field="materials")
    for name, pages in materials:
        if _blank(name):
            yield _block("TIME-1", "time1.material_name", field="materials")
        elif not isinstance(pages, int) or isinstance(pages, bool) or pages < 1 or pages > 9999:
            yield _block("TIME-1", "time1.pages", field="materials", name=str(name))
    days = params.get("days")
    if days is not None:
        if case.matter is not None:
            yield _block("TIME-4", "time4.matter_has_limit", field="days", matter=case.matter.name)
        elif not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            yield _block("TIME-4", "time4.days", field="days")


def accept_limit(case: CaseState, days: int | None, policy: Policy) -> tuple[int, bool]:
    """The limit in working days for accepting this case, and whether it is an immediate matter (TIME-1, TIME-4)."""
    if case.matter is not None:
        return (0, True) if case.matter.immediate else (case.matter.limit_days, False)
    if days is not None:
        return days, days == 0
    fallback = policy.fallback_days
    return (fallback["complaint"] if case.kind == "complaint" else fallback["own"]), False


def due_date(accepted: date, limit: int, calendar: WorkCalendar) -> date:
    """TIME-1: acceptance day + limit in working days; an immediate matter is due that working day (or the next)."""
    return calendar.add_working_days(accepted, limit)


def time_3(case: CaseState, params: Mapping[str, Any], ctx: Context) -> Iterable[Finding]:
    """TIME-3: an extension has a reason and a number of working days; past the cap only a supervisor."""
    days = params.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        yield _block("TIME-3", "time3.days", field="days")
        return
    if _blank(params.get("reason")):
        yield _block("TIME-3", "time3.reason", field="reason")
    cap = case.limit_days if case.limit_days is not None else 0
    if case.extended_days + days > max(cap, 1) and not ctx.actor.is_supervisor:
        yield _block("TIME-3", "time3.cap", cap=max(cap, 1), used=case.extended_days)


def required_text(rule: str, key: str, field_name: str, params: Mapping[str, Any]) -> Iterable[Finding]:
    if _blank(params.get(field_name)):
        yield _block(rule, key, field=field_name)


def lang_1(action: str, params: Mapping[str, Any], ctx: Context) -> Iterable[Finding]:
    """LANG-1: text to the visitor is checked for forbidden phrases (warn: confirmed on screen, then recorded)."""
    texts: list[str] = []
    for name in VISITOR_TEXT.get(action, ()):
        value = params.get(name)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, Sequence):
            texts.extend(str(v) for v in value)
    found = forbidden_in(" ".join(texts), ctx.policy.forbidden_phrases)
    if found:
        yield Finding("LANG-1", "warn", "lang1.forbidden", {"phrases": list(found)}, staff=ctx.actor.code)


def forbidden_in(text: str, phrases: Iterable[str]) -> list[str]:
    return [p for p in phrases if p and p in text]


# --- what a key may do now ----------------------------------------------------------------------------------


def may(action: str, case: CaseState, ctx: Context) -> list[Finding]:
    """Why `ctx.actor` may not take `action` on the case as it stands, before anything is typed: its status
    (STATE), who may act (OWN-2, HO-7), and what the case itself rules out (a guide matter is never accepted; a
    remedy needs a bad rating not yet remedied). Empty when the action may go ahead; a key bar offers only those."""
    found = list(state(action, case))
    if found:
        return found
    found += own_2(action, case, ctx)
    if found:
        return found
    if action == "accept" and case.matter is not None and case.matter.kind == "guide":
        found.append(_block("TAKE-1", "take1.guide", matter=case.matter.name))
    elif action == "notify" and case.matter is not None and case.matter.kind == "guide":
        found.append(_block("NOT-1", "not1.guide", matter=case.matter.name))
    elif action == "accept_handoff":
        found += ho_7_receive(case, ctx.actor.code)
    elif action == "remedy":
        found += remedy_needs_bad_rating(case)
        if not found and case.remedied_at is not None:
            found.append(_block("RATE-2", "rate2.remedied", no=case.no))
    return found


# --- the entry point ----------------------------------------------------------------------------------------


def check(action: str, case: CaseState | None, ctx: Context, now: datetime) -> Verdict:
    """All the rules that apply to `action` on `case` (None for a check-in), as one verdict."""
    p = ctx.params
    findings: list[Finding] = []
    if action == "check_in":
        findings += reg_2(p)
        findings += reg_1(p)
        findings += reg_3(p, ctx.policy)
        findings += ho_7_check_in(p, ctx)
        return Verdict(findings)
    assert case is not None
    findings += state(action, case)
    if findings:
        return Verdict(findings)  # a refused status says it all; the other checks would only confuse
    findings += own_2(action, case, ctx)
    if findings:
        return Verdict(findings)
    if action == "notify":
        findings += not_1(case, p)
        findings += not_2(case, p)
    elif action == "accept":
        findings += take_1(case, p)
        findings += time_1(case, p, ctx)
    elif action == "answer":
        findings += required_text("CLO-1", "clo1.answer", "text", p)
    elif action == "reject":
        findings += required_text("REJ-1", "rej1.reason", "reason", p)
    elif action == "refer":
        findings += required_text("REF-1", "ref1.agency", "agency", p)
        findings += required_text("REF-1", "ref1.contact", "contact", p)
    elif action == "hand_off":
        findings += ho_1(case, p, ctx)
        findings += ho_7_receive(case, p.get("to"))
    elif action == "accept_handoff":
        findings += ho_7_receive(case, ctx.actor.code)
    elif action == "decline_handoff":
        findings += required_text("HO-5", "ho5.reason", "reason", p)
    elif action == "feedback":
        findings += required_text("TIME-5", "feedback.text", "text", p)
    elif action == "extend":
        findings += time_3(case, p, ctx)
    elif action == "resolve":
        findings += required_text("CLO-1", "clo1.result", "result", p)
    elif action == "rate":
        findings += rate_1(p)
    elif action == "remedy":
        findings += remedy_needs_bad_rating(case)
        findings += required_text("RATE-2", "rate2.text", "text", p)
    elif action == "reopen":
        findings += required_text("OWN-2", "reopen.reason", "reason", p)
    elif action == "close_case":
        findings += may_close(case, ctx, now)
    findings += lang_1(action, p, ctx)
    if not any(f.severity == "block" for f in findings):
        # Breaches that already happened (no scan ran since) are recorded with the action, at their own time.
        findings += time_rules(case, ctx.policy, ctx.calendar, now)
    return Verdict(findings)
