"""The time rules (SPEC §5: OWN-3, NOT-4, TIME-2, TIME-5, HO-4, RATE-2): evaluated by the periodic scan, and caught
up by any action on the case, each breach flagged once at the moment it happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from firstask.calendar import WorkCalendar
from firstask.rules.model import (
    BAD_RATINGS,
    OPEN_STATES,
    BadRating,
    CaseState,
    Finding,
    Policy,
)

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
    """RATE-2: every bad rating not voided, whatever its channel, is called back and remedied within N working days,
    else flagged against the staff member who served (for a callback's rating, the owner at the time)."""
    if case.bad_ratings is None:  # only the case's own rating is known
        if case.rating not in BAD_RATINGS or case.rated_at is None:
            return
        ratings: tuple[BadRating, ...] = (
            BadRating(0, case.rating, case.owner_at(case.rated_at), case.rated_at, case.remedied_at),
        )
    else:
        ratings = case.bad_ratings
    for rating in ratings:
        breach = calendar.deadline(rating.rated_at, policy.remedy_days)
        if rating.remedied_at is not None and rating.remedied_at <= breach:
            continue
        if now >= breach:
            yield from _flag(
                "RATE-2",
                "rate2.late",
                case,
                rating.staff,
                breach,
                f"RATE-2:{case.no}:{rating.rated_at.isoformat()}",
                days=policy.remedy_days,
            )


TIME_RULES = (own_3, not_4, time_2, time_5, ho_4, rate_2)


def time_rules(case: CaseState, policy: Policy, calendar: WorkCalendar, now: datetime) -> list[Finding]:
    """Every time-based breach of this case that has happened by `now` and is not yet recorded."""
    return [f for rule in TIME_RULES for f in rule(case, policy, calendar, now)]
