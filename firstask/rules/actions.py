"""The rules checked when an action is taken (SPEC §5): who may act (OWN-2), what a check-in records (REG-1..3),
hand-offs (HO-1, HO-2, HO-7), notices (NOT-1, NOT-2), taking in and time limits (TAKE-1, TIME-1, TIME-3), answers,
rejections, referrals and ratings (CLO-1, REJ-1, REF-1, RATE-1), closing, reviews (ACC-1) and language (LANG-1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from firstask import i18n
from firstask.calendar import WorkCalendar
from firstask.rules.model import (
    ALLOWED_FROM,
    BAD_RATINGS,
    CHANNELS,
    KINDS,
    VISITOR_TEXT,
    CaseState,
    Context,
    Finding,
    Matter,
    Policy,
    RuleError,
    Staff,
)

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
    """RATE-2: a remedy follows a bad rating not yet put right; there is nothing to remedy otherwise."""
    if case.bad_ratings is None:
        if case.rating not in BAD_RATINGS:
            yield _block("RATE-2", "rate2.no_bad_rating", no=case.no)
        return
    if not case.bad_ratings:
        yield _block("RATE-2", "rate2.no_bad_rating", no=case.no)
    elif all(r.remedied_at is not None for r in case.bad_ratings):
        yield _block("RATE-2", "rate2.remedied", no=case.no)


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
    return months_before(at, months), months_after(at, months)


def months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def months_after(moment: datetime, months: int) -> datetime:
    return months_before(moment, -months)


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
