"""How a visitor's rating reads on the clerk's and the supervisor's lists of bad ratings and appeals (好差评, 申诉复核):
its level in colour, the channel it came by, what the visitor said, where its remedy stands (RATE-2) and where its
appeal stands (RATE-6). The visitor's own words are plain text: never markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from rich.text import Text

from firstask import i18n
from firstask.desk import Rating
from firstask.i18n import t
from firstask.rules import Staff
from firstask.widgets.naming import who

BAD_STYLE = "bold red"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def last_day(end: datetime) -> date:
    """The last day within a deadline that ends at midnight (the calendar's `deadline`): the day before it."""
    return (end - timedelta(microseconds=1)).date()


def level_text(level: int) -> Text:
    """The level in words: a bad one in red, a good one in green."""
    style = BAD_STYLE if level <= 2 else "green" if level >= 4 else ""
    return Text(t(f"rate.level.{level}"), style=style)


def channel_text(rating: Rating) -> Text:
    return Text(t(f"rate.channel_name.{rating.channel}"))


def said(rating: Rating) -> str:
    """What the visitor said was wrong: the reasons chosen, then their own words, on one line."""
    parts = [i18n.join(rating.reasons)] if rating.reasons else []
    comment = " ".join(rating.comment.split())
    if comment:
        parts.append(t("appeals.said_comment", comment=comment))
    return t("appeals.said_sep").join(parts) if parts else t("appeals.said_nothing")


def remedy_text(rating: Rating) -> Text:
    """RATE-2: put right (when), still owed, or not owed (the rating was voided)."""
    if rating.voided:
        return Text(t("appeals.remedy.voided"), style="dim")
    if rating.remedied_at is not None:
        return Text(t("appeals.remedy.done", at=rating.remedied_at.strftime("%m-%d")), style="green")
    return Text(t("appeals.remedy.owed"), style="bold yellow")


def appeal_text(rating: Rating, until: datetime | None = None, now: datetime | None = None) -> Text:
    """Where the appeal stands: decided (the rating voided, or upheld), waiting, or — not appealed — until when it may
    be (`until`, `now` given) or that the time has passed."""
    if rating.decision == "void":
        return Text(t("appeals.state.voided"), style="green")
    if rating.decision == "uphold":
        return Text(t("appeals.state.upheld"), style="red")
    if rating.appealed_at is not None:
        return Text(t("appeals.state.waiting"), style="bold yellow")
    if rating.voided:
        return Text(t("appeals.state.none"), style="dim")
    if until is not None and now is not None:
        if now <= until:
            return Text(t("appeals.state.open_until", date=last_day(until).strftime("%m-%d")))
        return Text(t("appeals.state.too_late"), style="dim")
    return Text(t("appeals.state.none"), style="dim")


def appeal_lines(rating: Rating, staff: Mapping[str, Staff]) -> list[str]:
    """The appeal and its decision in full, for the panel under a list: the kind and reason, who decided and why."""
    lines: list[str] = []
    if rating.appealed_at is not None:
        lines.append(
            t(
                "appeals.detail.appeal",
                who=who(rating.staff, staff),
                at=when(rating.appealed_at),
                kind=t(f"rate.appeal_kind.{rating.appeal_kind or 'other'}"),
                reason=" ".join((rating.appeal_reason or "").split()),
            )
        )
    if rating.decided_at is not None:
        lines.append(
            t(
                "appeals.detail.decision",
                decision=t("rate.upheld" if rating.decision == "uphold" else "rate.voided"),
                who=who(rating.decided_by, staff),
                at=when(rating.decided_at),
                reason=" ".join((rating.decision_reason or "").split()),
            )
        )
    return lines


def rating_line(rating: Rating, staff: Mapping[str, Staff]) -> str:
    """The rating itself in one line: when, level, channel, window (a callback has none), who served, the service
    rated."""
    parts = [when(rating.at), t(f"rate.level.{rating.level}"), t(f"rate.channel_name.{rating.channel}")]
    if rating.window:
        parts.append(t("appeals.detail.window", window=rating.window))
    parts.append(who(rating.staff, staff))
    if rating.service:
        parts.append(t(f"action.{rating.service}"))
    return t("appeals.detail.sep").join(parts)
