"""What the desk tells a clerk while it is open: a hand-off waiting for them, a case about to fall due, a rule
flagged against them. The app asks `Tidings.news()` whenever the file changed and after every minute's scan; each
piece of news is told once per logged-in session, so a clerk is not nagged by the same case every minute.

Kept apart from the app so that the choice of what to say is tested without a screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from firstask.desk import Desk
from firstask.i18n import join, t
from firstask.rules import Staff


@dataclass(frozen=True)
class News:
    text: str
    title: str
    severity: str = "information"  # Textual's notify severities: information | warning | error


@dataclass
class Tidings:
    """The news for one logged-in staff member, remembering what they were already told."""

    desk: Desk
    clerk: Staff
    told: set[str] = field(default_factory=set)
    last_violation: int | None = None

    def __post_init__(self) -> None:
        # Breaches recorded before the log-in are on the clerk's record already; tell only the new ones.
        self.last_violation = self.desk.last_violation_id(self.clerk.code)

    def news(self, desk: Desk | None = None) -> list[News]:
        """What to tell now. `desk`: the connection to read with (the app reads off its UI thread, with one of its
        own); what was told is kept here, so one thread at a time asks."""
        if desk is not None:
            self.desk = desk
        return self.waiting() + self.declined() + self.due_soon() + self.flagged()

    def tell_once(self, key: str) -> bool:
        if key in self.told:
            return False
        self.told.add(key)
        return True

    def waiting(self) -> list[News]:
        staff = self.desk.staff()
        new = [
            line
            for line in self.desk.waiting_for(self.clerk.code)
            if self.tell_once(f"waiting:{line.no}:{line.pending_since}")
        ]  # one hand-off, whatever scans add
        if not new:
            return []
        if len(new) == 1:
            sender = staff.get(new[0].owner)
            text = t("follow.live.waiting", no=new[0].no, sender=sender.name if sender else new[0].owner)
        else:
            text = t("follow.live.waiting_many", count=len(new), numbers=listed(line.no for line in new))
        return [News(text, t("follow.live.waiting_title"), "warning")]

    def declined(self) -> list[News]:
        """A hand-off of mine declined back to me (HO-5): the case is mine again, with the colleague's reason.
        Declines from the start of the day are told, so a clerk who logs in later still hears of them."""
        today = datetime.combine(self.desk.now().date(), time())
        staff = self.desk.staff()
        out = []
        for event in self.desk.declined_to(self.clerk.code, today):
            no = str(event.detail["case"])
            if self.tell_once(f"declined:{no}:{event.at.isoformat()}"):
                who = staff.get(event.by or "")
                out.append(
                    News(
                        t(
                            "follow.live.declined",
                            no=no,
                            by=who.name if who else (event.by or "-"),
                            reason=event.detail["reason"],
                        ),
                        t("follow.live.declined_title"),
                        "warning",
                    )
                )
        return out

    def due_soon(self) -> list[News]:
        """Due today, or on the next working day (the policy's 'the working day before'): one notice for each."""
        today = self.desk.now().date()
        tomorrow = self.desk.calendar.add_working_days(today, 1)
        codes = [self.clerk.code] + [c.code for c in self.desk.covering(self.clerk.code)]
        due: dict[date, list[str]] = {today: [], tomorrow: []}
        for code in codes:
            for line in self.desk.my_cases(code):
                if line.due in due and self.tell_once(f"due:{line.no}:{line.due}:{today}"):
                    due[line.due].append(line.no)
        out = []
        if due[today]:
            out.append(
                News(
                    t("follow.live.due_today", count=len(due[today]), numbers=listed(due[today])),
                    t("follow.live.due_title"),
                    "warning",
                )
            )
        if due[tomorrow]:
            out.append(
                News(
                    t(
                        "follow.live.due_next",
                        count=len(due[tomorrow]),
                        numbers=listed(due[tomorrow]),
                        date=tomorrow.isoformat(),
                    ),
                    t("follow.live.due_title"),
                )
            )
        return out

    def flagged(self) -> list[News]:
        found = self.desk.violations(staff=self.clerk.code, after_id=self.last_violation)
        if not found:
            return []
        self.last_violation = max(v.id for v in found)
        text = t(
            "follow.live.flagged",
            rules=listed(sorted({v.rule for v in found})),
            numbers=listed(sorted({v.case_no for v in found if v.case_no})) or t("follow.none"),
        )
        return [News(text, t("follow.live.flagged_title"), "error")]


def listed(numbers: Iterable[str], most: int = 4) -> str:
    """A few case numbers for a notice; the rest counted (a notice is read at a glance)."""
    items = list(numbers)
    shown = join(items[:most])
    return shown if len(items) <= most else t("follow.live.and_more", shown=shown, more=len(items) - most)
