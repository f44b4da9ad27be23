"""What the follow-up screen shows, read from the desk: the clerk's four lists (`read_lists`), on whichever thread
reads them — the screen's own after the clerk's action, the app's background thread after another window's write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from firstask.desk import Case, CaseLine, Desk
from firstask.rules import Staff


def addressed_to(case: Case) -> str | None:
    """Whom a waiting hand-off was meant for: the absent colleague when HO-2 routed it to their backup."""
    for event in reversed(case.history):
        if event.action == "hand_off":
            return str(event.detail.get("to")) if event.detail.get("via_backup") else case.pending_to
    return case.pending_to


def owed_since(line: CaseLine, since: date) -> bool:
    """A call the clerk can still make: a bad rating's remedy always (RATE-2's clock runs), a callback for a case
    resolved since `since`."""
    return line.status != "resolved" or line.resolved_at is None or line.resolved_at.date() >= since


@dataclass(frozen=True)
class Lists:
    """What the follow-up screen shows, as read from the desk (on whichever thread read it)."""

    staff: dict[str, Staff]
    covering: list[Staff]
    sections: dict[str, list[CaseLine]]
    older_calls: int  # callbacks older than the policy's days, not listed
    addressed: dict[tuple[str, int], str | None]  # (case, version) of each waiting hand-off -> to whom it is addressed
    today: date


def read_lists(desk: Desk, me: str, all_callbacks: bool, known: dict[tuple[str, int], str | None]) -> Lists:
    """The clerk's lists: waiting for me, mine (with the absent colleagues' I back up), tracking, callbacks. `known`:
    to whom each waiting hand-off is addressed, as already read (a case's history is read once per version)."""
    today = desk.now().date()
    covering = desk.covering(me)
    mine = desk.my_cases(me)
    for colleague in covering:
        mine += desk.my_cases(colleague.code)
    mine.sort(key=lambda line: (line.due is None, line.due or date.max, line.created_at))
    callbacks = desk.callbacks(me)
    since = None if all_callbacks else today - timedelta(days=desk.policy.calls_listed_days)
    shown_calls = [line for line in callbacks if since is None or owed_since(line, since)]
    waiting = desk.waiting_for(me)
    addressed = {
        (line.no, line.version): known[(line.no, line.version)]
        if (line.no, line.version) in known
        else addressed_to(desk.case(line.no))
        for line in waiting
    }
    return Lists(
        staff=desk.staff(),
        covering=covering,
        sections={"waiting": waiting, "mine": mine, "tracking": desk.tracking(me), "callbacks": shown_calls},
        older_calls=len(callbacks) - len(shown_calls),
        addressed=addressed,
        today=today,
    )
