"""The desk's house rules as pure functions (SPEC §5).

Each check takes the case as it stands, the action with its parameters, the context (who acts, the roster, the
policy, the calendar) and the time, and returns a `Verdict`: blocks refuse the change, flags are recorded as
violations, warnings are confirmed on screen and then recorded as flags. Nothing here reads or writes anything.

`model`: what the rules look at and say; `actions`: the rules of each action; `deadlines`: the time rules. Every
rule id the desk raises is raised in this package (tests/test_layout.py keeps it so). `check` and `may` are the
entry points.
"""

from __future__ import annotations

from datetime import datetime

from firstask.rules.actions import (
    Check,
    _block,
    acc_1_review,
    accept_limit,
    asked_anew,
    complaint_subject,
    due_date,
    forbidden_in,
    handoff_route,
    ho_1,
    ho_7_check_in,
    ho_7_receive,
    lang_1,
    material_pairs,
    may_act_for,
    may_close,
    months_after,
    months_before,
    normalise_id_number,
    normalise_phone,
    not_1,
    not_2,
    own_2,
    rate_1,
    reg_1,
    reg_2,
    reg_3,
    remedy_needs_bad_rating,
    repeat_window,
    required_missing,
    required_text,
    state,
    take_1,
    time_1,
    time_3,
)
from firstask.rules.deadlines import (
    RESPONSES,
    TIME_RULES,
    ho_4,
    not_4,
    own_3,
    rate_2,
    time_2,
    time_5,
    time_rules,
)
from firstask.rules.guides import Guide, KeptAnswer, Source
from firstask.rules.model import (
    ALLOWED_FROM,
    APPEAL_REASONS,
    BAD_RATINGS,
    CALENDAR_YEARS,
    CHANNELS,
    ECHOED,
    FALLBACK_DAYS,
    KINDS,
    LIST_POLICY,
    MATTER_KINDS,
    OPEN_STATES,
    PIN_MAX,
    POLICY_RANGES,
    POLICY_TEXT_LIMIT,
    QUIET_EVENTS,
    QUOTED_AT_MOST,
    RATING_CHANNELS,
    RATING_LEVELS,
    SERVICES,
    STATUSES,
    TEXT_POLICY,
    VISITOR_TEXT,
    BadRating,
    CaseState,
    ConflictError,
    Context,
    Document,
    Finding,
    Matter,
    Policy,
    RatingState,
    RuleError,
    Severity,
    Staff,
    Verdict,
    login_delay,
    pin_problem,
    policy_problem,
    quoted,
)
from firstask.rules.ratings import (
    rate_3,
    rate_4,
    rate_4_request,
    rate_5,
    rate_6_appeal,
    rate_6_decide,
    rate_channel,
)

__all__ = [
    "ALLOWED_FROM",
    "APPEAL_REASONS",
    "LIST_POLICY",
    "RATING_CHANNELS",
    "RATING_LEVELS",
    "SERVICES",
    "BadRating",
    "RatingState",
    "rate_3",
    "rate_4",
    "rate_4_request",
    "rate_5",
    "rate_6_appeal",
    "rate_6_decide",
    "rate_channel",
    "BAD_RATINGS",
    "CALENDAR_YEARS",
    "CHANNELS",
    "CaseState",
    "Check",
    "ConflictError",
    "Context",
    "Document",
    "ECHOED",
    "FALLBACK_DAYS",
    "Finding",
    "Guide",
    "KINDS",
    "KeptAnswer",
    "MATTER_KINDS",
    "Matter",
    "OPEN_STATES",
    "QUIET_EVENTS",
    "PIN_MAX",
    "POLICY_RANGES",
    "POLICY_TEXT_LIMIT",
    "Policy",
    "QUOTED_AT_MOST",
    "RESPONSES",
    "RuleError",
    "STATUSES",
    "Severity",
    "Source",
    "Staff",
    "TEXT_POLICY",
    "TIME_RULES",
    "VISITOR_TEXT",
    "Verdict",
    "acc_1_review",
    "accept_limit",
    "asked_anew",
    "check",
    "complaint_subject",
    "due_date",
    "forbidden_in",
    "handoff_route",
    "ho_1",
    "ho_4",
    "ho_7_check_in",
    "ho_7_receive",
    "lang_1",
    "login_delay",
    "material_pairs",
    "may",
    "may_act_for",
    "may_close",
    "months_after",
    "months_before",
    "normalise_id_number",
    "normalise_phone",
    "not_1",
    "not_2",
    "not_4",
    "own_2",
    "own_3",
    "pin_problem",
    "policy_problem",
    "quoted",
    "rate_1",
    "rate_2",
    "reg_1",
    "reg_2",
    "reg_3",
    "remedy_needs_bad_rating",
    "repeat_window",
    "required_missing",
    "required_text",
    "state",
    "take_1",
    "time_1",
    "time_2",
    "time_3",
    "time_5",
    "time_rules",
]


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
        if not found and case.bad_ratings is None and case.remedied_at is not None:
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
