"""The rules of 好差评 at the window (SPEC §12): what a visitor's rating must say (RATE-1, RATE-3), one rating per
service (RATE-4), the slip's link (RATE-5), appeals and their decision (RATE-6). Pure functions, as every rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from firstask import i18n
from firstask.calendar import WorkCalendar
from firstask.rules.actions import _blank, _block
from firstask.rules.model import (
    APPEAL_REASONS,
    BAD_RATINGS,
    RATING_CHANNELS,
    Finding,
    Policy,
    RatingState,
    Staff,
)


def iso_of(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def rate_3(level: int, reasons: Sequence[str], comment: str, policy: Policy) -> Iterable[Finding]:
    """RATE-3: a bad rating by the visitor says what was wrong: a reason from the policy's list, or a comment."""
    unknown = [r for r in reasons if r not in policy.bad_rating_reasons]
    if unknown:
        yield _block("RATE-3", "rate3.unknown_reason", field="reasons", value=unknown[0])
        return
    if level in BAD_RATINGS and not reasons and _blank(comment):
        yield _block("RATE-3", "rate3.reason", field="reasons")


def rate_channel(channel: str) -> Iterable[Finding]:
    if channel not in RATING_CHANNELS[:2]:
        yield _block("INPUT", "rate.channel", field="channel", value=str(channel))


def rate_4(no: str, status: str, service: int | None, any_service: bool) -> Iterable[Finding]:
    """RATE-4: one rating per service — a service already rated (or a case closed, rated or not) is not rated
    again; `service` is the service still open to a rating (None: none is), `any_service` whether the case has
    been given one at all."""
    if status == "closed":
        yield _block("RATE-4", "rate4.closed", no=no)
    elif service is None:
        yield _block("RATE-4", "rate4.rated" if any_service else "rate4.none", no=no)


def rate_4_request(request: Mapping[str, Any] | None, window: str | None, now: datetime) -> Iterable[Finding]:
    """RATE-4: a tap answers a request of that window's own pad, once, before it expires."""
    if request is None or request.get("channel") != "pad" or request.get("window") != window:
        yield _block("RATE-4", "rate4.no_request")
    elif request.get("level") is not None:
        yield _block("RATE-4", "rate4.rated", no=str(request.get("case_no")))
    elif request.get("closed_at") is not None or str(request.get("expires_at") or "") < iso_of(now):
        yield _block("RATE-4", "rate4.expired")


def rate_5(link: Mapping[str, Any] | None, now: datetime) -> Iterable[Finding]:
    """RATE-5: a slip's rating link is used once, before it expires."""
    if link is None:
        yield _block("RATE-5", "rate5.unknown")
    elif link.get("level") is not None or link.get("closed_at") is not None:
        yield _block("RATE-5", "rate5.used")
    elif str(link.get("expires_at") or "") < iso_of(now):
        yield _block("RATE-5", "rate5.expired")


def rate_6_appeal(
    rating: RatingState,
    actor: Staff,
    kind: str,
    reason: str,
    policy: Policy,
    calendar: WorkCalendar,
    now: datetime,
) -> Iterable[Finding]:
    """RATE-6: only the rated staff member appeals a bad rating, once, within the policy's working days, with a
    reason of one of the kinds (误评, 恶意差评, 非本人服务, other) and words of their own."""
    if rating.staff != actor.code:
        yield _block("RATE-6", "rate6.not_rated", staff=rating.staff or "-")
    elif rating.level not in BAD_RATINGS:
        yield _block("RATE-6", "rate6.not_bad")
    elif rating.voided:
        yield _block("RATE-6", "rate6.voided")
    elif rating.appealed_at is not None:
        yield _block("RATE-6", "rate6.appealed")
    elif now > calendar.deadline(rating.rated_at, policy.appeal_days):
        yield _block("RATE-6", "rate6.late", days=policy.appeal_days)
    if kind not in APPEAL_REASONS:
        yield _block("RATE-6", "rate6.kind", field="kind")
    if _blank(reason):
        yield _block("RATE-6", "rate6.reason", field="reason")


def rate_6_decide(rating: RatingState, actor: Staff, reason: str) -> Iterable[Finding]:
    """RATE-6: only a supervisor decides an appeal that is waiting, with a reason."""
    if not actor.is_supervisor:
        yield _block("RATE-6", "rate6.supervisor", what=i18n.Lazy("rate6.deciding"))
    elif rating.appealed_at is None:
        yield _block("RATE-6", "rate6.no_appeal")
    elif rating.decided_at is not None:
        yield _block("RATE-6", "rate6.decided")
    if _blank(reason):
        yield _block("RATE-6", "rate6.reason", field="reason")
