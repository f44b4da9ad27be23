"""Oversight (SPEC §9, ACC-1, §10): the periodic scan of the time rules, a supervisor's review of violations,
retention's purge, the day's summary and its drill-down, a period's summary, cases and trend for reports, and what a
supervisor's summary screen keeps of them between day steps (`SummaryBook`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from firstask import privacy, rules
from firstask.desk.actions import Actions
from firstask.desk.cases import (
    CaseLine,
    Violation,
    iso,
    moment_of,
    violation_of_row,
)
from firstask.desk.fields import clean
from firstask.rules import RuleError, Staff, Verdict

Entry = dict[str, Any]  # one day of the trend: day, received, resolved, overdue

# The trend's days before today, by file. What they count was recorded before today began and stands while that
# history does (only a restore changes it), whichever connection read it: every desk on the file shares them, the
# app's background one included. A value is replaced whole, never changed in place (a reader on another thread sees
# the old one or the new one); its entries are handed out as kept, not to be changed.
_past_trend: dict[str, tuple[tuple[date, tuple[int, str]], dict[date, Entry]]] = {}


class Oversight(Actions):
    """The supervisor's view of the days."""

    def scan(self) -> list[Violation]:
        """The time rules at clock(): record and return only the breaches not recorded before (idempotent)."""
        now = self.now()
        policy = self.policy
        bounds = {
            "open": tuple(sorted(rules.OPEN_STATES)),
            "own3": iso(now - timedelta(hours=policy.first_response_hours)),
            "not4": iso(now - timedelta(days=policy.notice_days)),
            "today": now.date().isoformat(),
            "time5": iso(now - timedelta(days=policy.feedback_days)),
            "ho4": iso(now - timedelta(minutes=policy.handoff_minutes)),
            "rate2": iso(now - timedelta(days=policy.remedy_days)),
        }
        seqs: list[int] = []
        with self.store.write() as s:
            for no in s.scan_candidates(bounds):
                row = s.case_row(no)
                assert row is not None
                findings = rules.time_rules(self._state(row), policy, self.calendar, now)
                if findings:
                    seqs.append(self._record(row, "scan", None, now, {}, {}, Verdict(findings)))
            if not seqs:
                return []
            found = s.violations_of_events(seqs)
        return [violation_of_row(r) for r in found]

    def review(self, violation_id: int, by: str, *, decision: str, reason: str) -> Violation:
        """A supervisor confirms or excuses a violation (ACC-1); a second confirmed one within N months is a repeat."""
        reason = clean(reason, "text", multiline=True)
        now = self.now()
        with self.store.write() as s:
            ctx = self._context(by, {})
            row = s.violation_row(violation_id)
            if row is None:
                raise RuleError("INPUT", "input.unknown_violation", id=str(violation_id))
            for refused in rules.acc_1_review(ctx.actor, decision, reason, bool(row["decision"])):
                raise RuleError(refused.rule, refused.key, field=refused.field, id=str(violation_id))
            repeat = False
            if decision == "confirm" and row["staff"]:
                since, until = rules.repeat_window(datetime.fromisoformat(row["at"]), self.policy.repeat_months)
                repeat = s.confirmed_violations_between(row["staff"], violation_id, iso(since), iso(until)) > 0
            s.update(
                "violations",
                "id",
                violation_id,
                {
                    "decision": decision,
                    "reason": reason,
                    "reviewed_by": by,
                    "reviewed_at": iso(now),
                    "repeat": int(repeat),
                },
            )
            self._desk_event(
                "review",
                by,
                iso(now),
                {
                    "violation": violation_id,
                    "rule": row["rule"],
                    "staff": row["staff"],
                    "case": row["case_no"],
                    "decision": decision,
                    "reason": reason,
                    "repeat": repeat,
                },
            )
            updated = s.violation_row(violation_id)
        assert updated is not None
        return violation_of_row(updated)

    def purge(self, before: date, by: str | None = None) -> list[str]:
        """Retention (SPEC §10): remove visitors' personal data from cases closed before `before`, which must lie
        at least the policy's retention years back. Counts, summaries and the verifiable history stay; the
        printed documents of those cases (they name the visitor) go. `by`: a supervisor, or None from the CLI."""
        if by is not None:
            self.supervisor_only(by, "purge")
        now = self.now()
        years = self.policy.retention_years
        latest = rules.months_before(now, 12 * years).date()
        if before > latest:
            raise RuleError(
                "RETENTION", "purge.too_recent", before=before.isoformat(), latest=latest.isoformat(), years=years
            )
        with self.store.write() as s:
            purged = s.purge_people(before.isoformat(), iso(now))
            self._desk_event(
                "purge", by, iso(now), {"before": before.isoformat(), "cases": len(purged), "retention_years": years}
            )
        for no in purged:
            for path in self.documents_dir.glob(f"{no}-*"):
                path.unlink(missing_ok=True)
        return purged

    def summary(self, day: date) -> dict[str, Any]:
        """The day's summary (SPEC §9) as it stood at the end of that day; keys as in CONTRACT.md."""
        from firstask import report

        start, end = report.day_bounds(day)
        with self.store.read():
            figures = self.store.day_figures(start, end)
            states = self.store.states_at(end, sorted(rules.OPEN_STATES))
            chain = self.store.chain_at(end)
            existed = self.store.staff_codes_at(end)
            staff = {code: s for code, s in self.staff().items() if code in existed}
        return report.summary(day, figures, states, chain, self.calendar, staff)

    # --- reports (export) ---
    # What `firstask report` needs beyond `summary(day)`: a range's sums, the cases behind the figures, the
    # period's violations, the trend, and the gate in front of whole phones and ID numbers (SPEC §9, §10).

    def span_summary(self, first: date, last: date) -> dict[str, Any]:
        """The summary of the days from `first` to `last` (CONTRACT keys, `day` None, plus `from` and `to`)."""
        from firstask import report

        start, end = report.day_bounds(first)[0], report.day_bounds(last)[1]
        open_states = sorted(rules.OPEN_STATES)
        with self.store.read():
            figures = self.store.day_figures(start, end)
            states = self.store.states_at(end, open_states)
            chain = self.store.chain_at(end)
            existed = self.store.staff_codes_at(end)
            staff = {code: s for code, s in self.staff().items() if code in existed}
            overdue = [
                report.overdue_on(d, self.store.states_at(report.day_bounds(d)[1], open_states))
                for d in report.days_from(first, last)
            ]
        return report.span(first, last, figures, states, chain, self.calendar, staff, overdue)

    def day_cases(
        self, first: date, last: date | None = None, *, also: Iterable[str] = (), unmasked: bool = False
    ) -> list[dict[str, Any]]:
        """The cases received or acted on from `first` to `last` (one day by default) and those named in `also`
        (a report's overdue and due lists), case number order, with status, owner and due date as at the end of
        the period and the actions of the period (oldest first). Phones and ID numbers are masked (SPEC §10)
        unless `unmasked` — which only a supervisor's export asks for, after `unmasked_export`."""
        from firstask import report

        start, end = report.day_bounds(first)[0], report.day_bounds(last or first)[1]
        done: dict[str, list[str]] = {}
        out: list[dict[str, Any]] = []
        with self.store.read():
            for e in self.store.case_actions_between(start, end):
                done.setdefault(e["case_no"], []).append(e["action"])
            numbers = sorted(set(done) | set(also))
            for r in self.store.cases_as_at(numbers, end):
                known = r["status"] is not None  # a case checked in after the period has no state then
                out.append(
                    {
                        "no": r["no"],
                        "created_at": r["created_at"],
                        "channel": r["channel"],
                        "kind": r["kind"],
                        "matter": json.loads(r["matter"])["name"] if r["matter"] else None,
                        "summary": r["summary"] or "",
                        "anonymous": bool(r["anonymous"]),
                        "visitor": r["name"],
                        "phone": r["phone"] if unmasked else privacy.mask_phone(r["phone"]),
                        "id_number": r["id_number"] if unmasked else privacy.mask_id_number(r["id_number"]),
                        "first_asker": r["first_asker"],
                        "owner": r["owner"] if known else r["owner_now"],
                        "status": r["status"] if known else r["status_now"],
                        "due": r["due"] if known else r["due_now"],
                        "actions": done.get(r["no"], []),
                    }
                )
        return out

    def period_violations(self, first: date, last: date | None = None) -> list[Violation]:
        """The violations that happened from `first` to `last` (one day by default), oldest first."""
        start, end = first.isoformat(), (((last or first) + timedelta(days=1)).isoformat())
        return [violation_of_row(r) for r in self.store.violation_rows(start=start, end=end)]

    def history_before(self, day: date) -> tuple[int, str]:
        """A mark of the history before `day` began: the figures of earlier days stand while it does."""
        from firstask import report

        return self.store.last_event_before(report.day_bounds(day)[0])

    def trend(self, last: date, days: int = 30) -> list[dict[str, Any]]:
        """SPEC §9's chart: received, resolved and overdue for each of the `days` days ending on `last`."""
        from firstask import report

        first = last - timedelta(days=days - 1)
        start, end = report.day_bounds(first)[0], report.day_bounds(last)[1]
        open_states = sorted(rules.OPEN_STATES)
        with self.store.read():
            received = self.store.received_per_day(start, end)
            resolved = self.store.resolved_per_day(start, end, report.RESOLVING)
            dates = report.days_from(first, last)
            overdue = self.store.overdue_counts([(d.isoformat(), report.day_bounds(d)[1]) for d in dates], open_states)
        return [
            {
                "day": d.isoformat(),
                "received": received.get(d.isoformat(), 0),
                "resolved": resolved.get(d.isoformat(), 0),
                "overdue": overdue.get(d.isoformat(), 0),
            }
            for d in dates
        ]

    def trend_days(self, days: Iterable[date]) -> dict[date, Entry]:
        """`trend`'s entries for these days, by day: a day before today read once per file while the history before
        today stands, any other day read now; each run of consecutive days in one read."""
        today = self.now().date()
        path = str(self.store.path)
        mark = (today, self.history_before(today))
        kept = _past_trend.get(path)
        known = kept[1] if kept is not None and kept[0] == mark else {}
        wanted = sorted(set(days))
        read: dict[date, Entry] = {}
        missing = [day for day in wanted if day >= today or day not in known]
        while missing:
            run = 1
            while run < len(missing) and missing[run] == missing[run - 1] + timedelta(days=1):
                run += 1
            for entry in self.trend(missing[run - 1], run):
                read[date.fromisoformat(entry["day"])] = entry
            missing = missing[run:]
        if past := {day: entry for day, entry in read.items() if day < today}:
            _past_trend[path] = (mark, {**known, **past})
        return {day: read[day] if day in read else known[day] for day in wanted}

    # --- supervisor screens: summary ---
    # The summary screen's drill-down: the cases behind each figure of `summary(day)` (its trend is `trend`).

    def figure_cases(self, day: date, figure: str, key: str | None = None) -> list[tuple[CaseLine, datetime | None]]:
        """The cases behind one figure of `summary(day)`, one line per thing the figure counts, so the list is as
        long as the figure (a case given two notices that day is listed twice), in the order they happened.

        Each line comes with the moment it was counted (the check-in, the action, the rating, the violation), or
        None for the states at the end of the day. The line itself (status, owner, due) is the case as it is now.
        `figure` is a summary key, with its sub-key after a slash or in `key`: "received", "by_channel/phone",
        "by_kind/complaint", "answered_on_spot", "notices", "second_notices", "accepted", "handoffs/made",
        "handoffs/accepted", "handoffs/pending", "handoffs/declined", "referred", "rejected", "resolved", "open",
        "overdue", "due_tomorrow", "ratings/4", "bad_ratings", "violations", "violations/TIME-2",
        "violations_by_staff/w01", and a staff member's row: "staff/w01/received" (also owned, resolved, on_time
        — the resolutions its on-time rate is taken of —, responded — the check-ins its median first response is
        taken of —, violations).
        """
        from firstask import report

        path = f"{figure}/{key}" if key is not None else figure
        start, end = report.day_bounds(day)
        with self.store.read():
            hits = self._figure_hits(day, path, {"start": start, "end": end})
            lines = {line.no: line for line in self.lines_of(sorted({no for no, _ in hits}))}
        return [(lines[no], moment_of(at)) for no, at in hits if no in lines]

    def _figure_hits(self, day: date, path: str, span: dict[str, Any]) -> list[tuple[str, str | None]]:
        """(case no, moment) for each thing `path` counts on `day` (see `figure_cases`): from the history, or from
        the states at the end of the day."""
        from firstask import report

        name, _, rest = path.partition("/")
        if name == "staff" and rest.partition("/")[2] == "owned":
            code = rest.partition("/")[0]
            return self._states_hits(day, span, lambda r: r["owner"] == code)
        if path in ("open", "overdue", "due_tomorrow", "handoffs/pending"):
            tomorrow = self.calendar.next_working_day(day).isoformat()
            keep = {
                "open": lambda r: True,
                "overdue": lambda r: bool(r["due"]) and r["due"] < day.isoformat(),
                "due_tomorrow": lambda r: r["due"] == tomorrow,
                "handoffs/pending": lambda r: r["status"] == "handoff_pending",
            }[path]
            return self._states_hits(day, span, keep)
        hits = self.store.figure_hits(
            path, span["start"], span["end"], resolving=report.RESOLVING, bad_levels=sorted(rules.BAD_RATINGS)
        )
        if hits is None:
            raise ValueError(f"no such figure: {path!r}")
        return list(hits)

    def _states_hits(
        self, day: date, span: dict[str, Any], keep: Callable[[dict[str, Any]], bool]
    ) -> list[tuple[str, str | None]]:
        """The cases open at the end of the day (as `summary` reads them) that `keep` keeps, by case number."""
        rows = self.store.states_at(span["end"], sorted(rules.OPEN_STATES))
        return [(r["no"], None) for r in rows if r["status"] in rules.OPEN_STATES and keep(r)]

    # What `case_states` keeps over time.

    def staff_record(self, code: str) -> list[dict[str, Any]]:
        """A staff member's violations over time, one entry per month (oldest first): how many, how reviewed,
        how many repeats (从重), and by rule."""
        months: dict[str, dict[str, Any]] = {}
        for v in self.violations(staff=code):
            month = months.setdefault(
                v.at.strftime("%Y-%m"),
                {
                    "month": v.at.strftime("%Y-%m"),
                    "total": 0,
                    "open": 0,
                    "confirmed": 0,
                    "excused": 0,
                    "repeat": 0,
                    "rules": {},
                },
            )
            month["total"] += 1
            decision = (v.review or {}).get("decision")
            month[{"confirm": "confirmed", "excuse": "excused"}.get(decision or "", "open")] += 1
            month["repeat"] += int(v.repeat)
            month["rules"][v.rule] = month["rules"].get(v.rule, 0) + 1
        return list(months.values())


class SummaryBook:
    """The daily summaries and the trend as one supervisor's screen reads them, each read once and kept while it
    stands: a day's figures, the trend's days and the roster while today and the file's write mark (`written`) stand;
    the trend's days before today also while the history before today does (`trend_days`, across writes)."""

    def __init__(self, desk: Oversight, kept: int = 16) -> None:
        self.desk = desk
        self.kept = kept  # the days' figures kept: a day's overdue list can run to thousands of case numbers
        self.mark: tuple[date, tuple[int, int]] | None = None
        self.days: dict[date, dict[str, Any]] = {}  # the latest used last
        self.entries: dict[date, Entry] = {}
        self.roster: dict[str, Staff] = {}

    def today(self) -> date:
        """Today, with what was read on an older mark (another day, or before a write to the file) forgotten."""
        mark = (self.desk.now().date(), self.desk.written())
        if mark != self.mark:
            self.mark, self.days, self.entries = mark, {}, {}
            self.roster = self.desk.staff()
        return mark[0]

    def moved(self) -> bool:
        """Whether the file was written, or the day has turned, since the book last looked."""
        mark = self.mark
        self.today()
        return self.mark != mark

    def summary(self, day: date) -> dict[str, Any]:
        self.today()
        figures = self.days.pop(day, None)
        self.keep(day, self.desk.summary(day) if figures is None else figures)
        return self.days[day]

    def trend(self, last: date, days: int = 30) -> list[Entry]:
        """The trend's `days` days ending on `last`: a step reads the one day its chart gains, if that."""
        self.today()
        wanted = [last - timedelta(days=n) for n in range(days - 1, -1, -1)]
        if missing := [day for day in wanted if day not in self.entries]:
            self.entries.update(self.desk.trend_days(missing))
        return [self.entries[day] for day in wanted]

    def ahead(self, day: date, days: int = 30) -> tuple[list[date], list[date]]:
        """What a step from `day` would read: the day before and the day after (none after today) not kept, and the
        days their charts of `days` days gain."""
        today = self.today()
        steps = [d for d in (day - timedelta(days=1), day + timedelta(days=1)) if d <= today and d not in self.days]
        gained = [d for d in (day - timedelta(days=days), day + timedelta(days=1)) if d <= today]
        return steps, [d for d in gained if d not in self.entries]

    def take(
        self, mark: tuple[date, tuple[int, int]] | None, figures: dict[date, Any], entries: dict[date, Entry]
    ) -> bool:
        """What was read elsewhere (another thread, its own connection) once the book stood at `mark`: kept if it
        still does, nothing written since (then it is what the file held at the mark); False if it does not."""
        self.today()
        if mark != self.mark:
            return False
        for day, read in figures.items():
            if day not in self.days:
                self.keep(day, read)
        self.entries.update(entries)
        return True

    def keep(self, day: date, figures: dict[str, Any]) -> None:
        self.days[day] = figures
        while len(self.days) > self.kept:
            del self.days[next(iter(self.days))]
