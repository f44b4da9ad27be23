"""What a window reads: a case with its history, the lists of the follow-up screen (my cases, hand-offs waiting,
callbacks owed), searches for visitors and cases, and the previews an action shows before it is taken.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from firstask import names, rules
from firstask.desk.cases import (
    GUIDE_REF,
    Case,
    CaseLine,
    Event,
    Notice,
    Violation,
    VisitorHit,
    day_of,
    iso,
    line_of_json,
    line_of_row,
    moment_of,
    notice_of,
    violation_of_row,
)
from firstask.desk.catalogue import Catalogue
from firstask.rules import CaseState, Matter, RuleError
from firstask.store.reads import Reads


class Lists(Catalogue):
    """Reads for the windows."""

    # --- reads -------------------------------------------------------------------------------------------------

    @staticmethod
    def _kept_matter(s: Reads, kept: str | None) -> Matter | None:
        """A case's matter as it was kept at check-in (its JSON copy), with the guide its copy names by hash."""
        if not kept:
            return None
        raw = json.loads(kept)
        guide = s.guide_text(raw[GUIDE_REF]) if raw.get(GUIDE_REF) else None
        return Matter.from_json({**raw, "guide": json.loads(guide) if guide else None})

    def case(self, no: str) -> Case:
        s = self.store
        with s.read():  # one moment of the file: the version must match the history another window may extend
            row, person, events = s.case_parts(str(no))
            if row is None:
                raise RuleError("INPUT", "input.unknown_case", no=str(no))
            matter = self._kept_matter(s, row["matter"])
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
            matter_info=matter,
            visitor_name=(person or {}).get("name"),
            phone=(person or {}).get("phone"),
            id_number=(person or {}).get("id_number"),
            org=(person or {}).get("org"),
            anonymous=bool(row["anonymous"]),
            about_staff=row["about_staff"],
            due=day_of(row["due"]),
            due_provisional=bool(row["due_provisional"]),
            pending_to=row["pending_to"],
            pending_from=row["pending_from"],
            outcome=row["outcome"],
            result=row["result"],
            rating=row["rating"],
            created_at=datetime.fromisoformat(row["created_at"]),
            accepted_at=moment_of(row["accepted_at"]),
            resolved_at=moment_of(row["resolved_at"]),
            closed_at=moment_of(row["closed_at"]),
            history=history,
            address=(person or {}).get("address"),
            remedied_at=moment_of(row["remedied_at"]),
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
            for e in self.store.notify_events(str(no))
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
        start = None if day is None else day.isoformat()
        end = None if day is None else (day + timedelta(days=1)).isoformat()
        rows = self.store.violation_rows(after_id=after_id, start=start, end=end, staff=staff, case_no=case_no)
        return [violation_of_row(r) for r in rows]

    def my_cases(self, code: str) -> list[CaseLine]:
        """The open cases a staff member owns, soonest due first (the seed of the follow-up screen)."""
        return [line_of_row(r) for r in self.store.lines_owned_by(code)]

    def waiting_for(self, code: str) -> list[CaseLine]:
        """Hand-offs addressed to this staff member, or to a colleague they back up while that colleague is away."""
        return [line_of_row(r) for r in self.store.lines_waiting_for(code)]

    def callbacks(self, code: str) -> list[CaseLine]:
        """Calls this staff member owes visitors: resolved cases waiting for the callback and rating (first-asker
        or owner), and bad ratings waiting for the remedy callback (RATE-2) — those first: their clock runs."""
        return [line_of_row(r) for r in self.store.lines_owing_calls(code, sorted(rules.BAD_RATINGS))]

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
        if action == "remedy":  # the bad ratings of every channel are not on the line: the case's own state has them
            try:
                state = self._state_of(case.no)
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
            for r in self.store.declines_to(code, iso(since))
        ]

    def last_violation_id(self, staff: str) -> int:
        """The newest violation recorded against a staff member (0: none): where 'new since' starts."""
        return self.store.last_violation_id(staff)

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
                        (line_of_json(c, r["name"]) for c in json.loads(r["open_cases"])),
                        key=lambda line: line.no,
                        reverse=True,
                    )
                ),
            )
            for r in rows
        ]
        if by is None or not hits:
            return hits
        role = self.store.staff_row(by)
        if role is not None and role["active"] and role["role"] == "supervisor":
            return hits
        kept = self.store.visitors_of_staff(
            sorted({names.digits(h.phone) for h in hits if h.phone}), sorted({h.name for h in hits if not h.phone}), by
        )
        return [replace(h, whole=(h.name, h.phone) in kept) for h in hits]

    def find_cases(self, query: str, limit: int = 8) -> list[CaseLine]:
        """Cases by number as a visitor reads it off a slip: whole (`20261204-0025`, `202612040025`) or its tail
        (`0025`, `25`: the open cases ending so, and today's case of that number), newest first."""
        # As typed with a Chinese input method too: full-width digits and dashes are the ASCII ones (NFKC).
        q = "".join(unicodedata.normalize("NFKC", query or "").split())
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
        return [line_of_row(r) for r in self.store.lines_of(numbers)]

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

    def tracking(self, code: str) -> list[CaseLine]:
        """HO-6: cases this staff member first-asked that someone else owns now, until they are closed."""
        return [line_of_row(r) for r in self.store.lines_tracked_by(code)]
