"""The store's reads for oversight (SPEC §9): the day's figures as SQL aggregates over one period's rows, the
states of cases at a moment, the trend's counts, the cases behind a figure, and a period's cases for a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from firstask.store.chain import GENESIS
from firstask.store.ratings import RatingReads


class FigureReads(RatingReads):
    def day_figures(self, start: str, end: str) -> dict[str, Any]:
        """Counts of what happened in [start, end): check-ins, actions, ratings, violations, hand-off times."""
        span = {"start": start, "end": end}
        received = self.all(
            "SELECT channel, kind, first_asker, count(*) AS n FROM cases "
            "WHERE created_at >= :start AND created_at < :end GROUP BY channel, kind, first_asker",
            span,
        )
        actions = self.all(
            "SELECT action, by_staff, count(*) AS n, "
            "sum(json_extract(detail, '$.second') = 1) AS second, "
            "sum(json_extract(detail, '$.status[1]') = 'resolved' AND json_extract(detail, '$.status[0]') "
            "!= 'resolved') AS to_resolved, "
            "sum(action = 'resolve' AND json_extract(detail, '$.on_time') = 1) AS on_time "
            "FROM events WHERE at >= :start AND at < :end AND case_no IS NOT NULL GROUP BY action, by_staff",
            span,
        )
        # Every channel's ratings (the pad's, a slip's QR, the callback's); a voided one counts nowhere (RATE-6).
        rated = "FROM ratings WHERE rated_at >= :start AND rated_at < :end AND level IS NOT NULL AND voided_at IS NULL"
        by_channel = self.all(f"SELECT channel, level, count(*) AS n {rated} GROUP BY channel, level", span)
        ratings = self.all(f"SELECT level, count(*) AS n {rated} GROUP BY level", span)
        bad = self.all(
            "SELECT case_no, level, rated_at AS at, staff AS owner, channel, id, "
            "CASE WHEN remedied_at < :end THEN remedied_at END AS remedied_at "
            # `+level`: searched by the day's range, not by every bad rating there ever was
            f"{rated} AND +level IN (1, 2) ORDER BY rated_at, id",
            span,
        )
        violations = self.all(
            "SELECT rule, staff, count(*) AS n, sum(decision IS NULL OR reviewed_at >= :end) AS open "
            "FROM violations "
            "WHERE at >= :start AND at < :end GROUP BY rule, staff",
            span,
        )
        handoff_waits = self.all(
            "SELECT a.at AS accepted_at, (SELECT h.at FROM events h WHERE h.case_no = a.case_no "
            "AND h.action = 'hand_off' AND h.seq < a.seq ORDER BY h.seq DESC LIMIT 1) AS handed_at "
            "FROM events a WHERE a.at >= :start AND a.at < :end AND a.action = 'accept_handoff'",
            span,
        )
        first_responses = self.all(
            "SELECT first_asker, created_at, first_response_at FROM cases WHERE created_at >= :start "
            "AND created_at < :end AND first_response_at IS NOT NULL AND first_response_at < :end",
            span,
        )
        return {
            "received": received,
            "actions": actions,
            "ratings": ratings,
            "ratings_by_channel": by_channel,
            "bad_ratings": bad,
            "violations": violations,
            "handoff_waits": handoff_waits,
            "first_responses": first_responses,
        }

    def states_at(self, moment: str, statuses: Sequence[str]) -> list[dict[str, Any]]:
        """The cases whose status at `moment` was one of `statuses`, with their owner and due date then."""
        marks = ", ".join("?" * len(statuses))
        # Two index ranges: the stretches still current, and those that ended after the moment. (With the two
        # joined by OR, SQLite would read every stretch of each status back to the first case.)
        columns = "SELECT case_no AS no, status, owner, due, pending_to FROM case_states"
        return self.all(
            f"{columns} WHERE status IN ({marks}) AND valid_to IS NULL AND valid_from < ? "
            f"UNION ALL {columns} WHERE status IN ({marks}) AND valid_to >= ? AND valid_from < ? "
            "ORDER BY no",
            [*statuses, moment, *statuses, moment, moment],
        )

    def overdue_counts(self, days: Sequence[tuple[str, str]], statuses: Sequence[str]) -> dict[str, int]:
        """For each (day, moment): how many cases were in one of `statuses` at `moment` with a due date before `day`
        (the trend's overdue line, SPEC §9: as `states_at` row by row, counted in the index in one query)."""
        if not days:
            return {}
        marks = ", ".join("?" * len(statuses))
        count = f"SELECT count(*) FROM case_states WHERE status IN ({marks})"
        sql = (
            f"WITH moments(day, at) AS (VALUES {', '.join('(?, ?)' for _ in days)}) SELECT day, "
            f"({count} AND valid_to IS NULL AND valid_from < at AND due < day) + "
            f"({count} AND valid_to >= at AND valid_from < at AND due < day) FROM moments"
        )
        args = [value for pair in days for value in pair] + [*statuses, *statuses]
        return {day: int(n) for day, n in self.execute(sql, args)}

    def staff_codes_at(self, moment: str) -> set[str]:
        return {r[0] for r in self.execute("SELECT code FROM staff WHERE created_at < ?", (moment,))}

    def chain_at(self, moment: str) -> tuple[int, str]:
        """The chain's head as it stood at a moment: its last event written before then."""
        row = self.execute(
            "SELECT seq, hash FROM events WHERE seq = (SELECT max(seq) FROM events WHERE at < ?)", (moment,)
        ).fetchone()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    # --- a period's cases, for reports ----------------------------------------------------------------------

    def case_actions_between(self, start: str, end: str) -> list[dict[str, Any]]:
        """What was done to cases in [start, end): (case_no, action), in order."""
        return self.all(
            "SELECT case_no, action FROM events WHERE at >= ? AND at < ? AND case_no IS NOT NULL ORDER BY seq",
            (start, end),
        )

    def cases_as_at(self, numbers: Sequence[str], moment: str) -> list[dict[str, Any]]:
        """These cases with their visitor, and their status, owner and due date as at `moment` (`status` None for
        a case checked in after it; `*_now`: as they are now), by case number."""
        out: list[dict[str, Any]] = []
        for chunk in range(0, len(numbers), 500):  # well under SQLite's limit on bound parameters
            wanted = list(numbers[chunk : chunk + 500])
            marks = ", ".join("?" * len(wanted))
            out += self.all(
                "SELECT c.no, c.created_at, c.channel, c.kind, c.summary, c.matter, c.anonymous, c.first_asker, "
                "c.status AS status_now, c.owner AS owner_now, c.due AS due_now, p.name, p.phone, p.id_number, "
                "s.status, s.owner, s.due FROM cases c LEFT JOIN people p ON p.id = c.person_id "
                "LEFT JOIN case_states s ON s.case_no = c.no AND s.valid_from < ? "
                "AND (s.valid_to IS NULL OR s.valid_to >= ?) "
                f"WHERE c.no IN ({marks}) ORDER BY c.no",
                [moment, moment, *wanted],
            )
        return out

    # --- the trend (SPEC §9's chart) ------------------------------------------------------------------------

    def last_event_before(self, moment: str) -> tuple[int, str]:
        """The history's last event before a moment, (seq, hash): what the figures of the days before it rest on
        (each action is recorded when it happens, so only a restore changes it)."""
        row = self.one("SELECT seq, hash FROM events WHERE at < ? ORDER BY at DESC, seq DESC LIMIT 1", (moment,))
        return (0, "") if row is None else (int(row["seq"]), str(row["hash"] or ""))

    def received_per_day(self, start: str, end: str) -> dict[str, int]:
        """Check-ins in [start, end), by day (YYYY-MM-DD)."""
        return {
            r["day"]: r["n"]
            for r in self.all(
                "SELECT substr(created_at, 1, 10) AS day, count(*) AS n FROM cases WHERE created_at >= ? "
                "AND created_at < ? GROUP BY day",
                (start, end),
            )
        }

    def resolved_per_day(self, start: str, end: str, resolving: Sequence[str]) -> dict[str, int]:
        """As the summary counts "resolved": actions among `resolving` in [start, end) that moved a case into
        `resolved`, by day."""
        marks = ", ".join("?" * len(resolving))
        return {
            r["day"]: r["n"]
            for r in self.all(
                "SELECT substr(at, 1, 10) AS day, count(*) AS n FROM events WHERE at >= ? AND at < ? "
                f"AND case_no IS NOT NULL AND action IN ({marks}) "
                "AND json_extract(detail, '$.status[1]') = 'resolved' "
                "AND json_extract(detail, '$.status[0]') != 'resolved' GROUP BY day",
                (start, end, *resolving),
            )
        }

    # --- the cases behind a figure (the summary's drill-down) -----------------------------------------------

    def figure_hits(
        self, path: str, start: str, end: str, *, resolving: Sequence[str], bad_levels: Sequence[int]
    ) -> list[tuple[str, str]] | None:
        """(case no, moment) for each thing a figure of the day [start, end) counts, in the order they happened
        — for the figures counted from the history (check-ins, actions, ratings, violations); None for a figure
        that is not one of them (the states at the end of the day are `states_at`'s). `path`: see
        `Desk.figure_cases`; `resolving`: the actions that can resolve a case; `bad_levels`: the bad ratings."""
        name, _, rest = path.partition("/")
        events = "SELECT case_no AS no, at FROM events WHERE at >= :start AND at < :end AND case_no IS NOT NULL"
        resolved = (
            events + " AND action IN (" + ", ".join(f"'{a}'" for a in resolving) + ") "
            "AND json_extract(detail, '$.status[1]') = 'resolved' "
            "AND json_extract(detail, '$.status[0]') != 'resolved'"
        )
        received = "SELECT no, created_at AS at FROM cases WHERE created_at >= :start AND created_at < :end"
        violations = "SELECT case_no AS no, at FROM violations WHERE at >= :start AND at < :end"
        by_action = {
            "answered_on_spot": "answer",
            "notices": "notify",
            "accepted": "accept",
            "referred": "refer",
            "rejected": "reject",
            "handoffs/made": "hand_off",
            "handoffs/accepted": "accept_handoff",
            "handoffs/declined": "decline_handoff",
        }
        sql: str | None = None
        args: dict[str, Any] = {"start": start, "end": end, "rest": rest}
        if path == "received":
            sql = received
        elif name == "by_channel" or name == "by_kind":
            sql = received + (" AND channel = :rest" if name == "by_channel" else " AND kind = :rest")
        elif path in by_action:
            sql, args["action"] = events + " AND action = :action", by_action[path]
        elif path == "second_notices":
            sql = events + " AND action = 'notify' AND json_extract(detail, '$.second') = 1"
        elif path == "resolved":
            sql = resolved
        elif name == "ratings" or path == "bad_ratings":
            levels = (
                ", ".join(str(int(level)) for level in sorted(bad_levels)) if path == "bad_ratings" else str(int(rest))
            )
            sql = (
                "SELECT case_no AS no, rated_at AS at FROM ratings WHERE rated_at >= :start AND rated_at < :end "
                f"AND +level IN ({levels}) AND voided_at IS NULL ORDER BY rated_at, id"
            )
            return [(r["no"], r["at"]) for r in self.all(sql, args)]
        elif path == "violations":
            sql = violations
        elif name == "violations":
            sql = violations + " AND rule = :rest"
        elif name == "violations_by_staff":
            sql = violations + (" AND staff IS NULL" if rest == "-" else " AND staff = :rest")
        elif name == "staff":
            code, _, column = rest.partition("/")
            args["code"] = code
            sql = {
                "received": received + " AND first_asker = :code",
                "resolved": resolved + " AND by_staff = :code",
                "on_time": events + " AND action = 'resolve' AND by_staff = :code",
                "responded": received + " AND first_asker = :code AND first_response_at IS NOT NULL "
                "AND first_response_at < :end",
                "violations": violations + (" AND staff IS NULL" if code == "-" else " AND staff = :code"),
            }.get(column)
        if sql is None:
            return None
        order = (
            " ORDER BY seq"
            if sql.startswith(events)
            else " ORDER BY at, id"
            if sql.startswith(violations)
            else " ORDER BY created_at, no"
        )
        return [(r["no"], r["at"]) for r in self.all(sql + order, args) if r["no"]]
