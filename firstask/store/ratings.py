"""The store's reads of 好差评 (SPEC §12): a case's ratings and its services, what a window's pad is asked, a slip's
link, open appeals, and a month's ratings and services for the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from firstask.store.reads import Reads, bad_ratings_sql


class RatingReads(Reads):
    def rating_row(self, rating_id: int) -> dict[str, Any] | None:
        return self.one("SELECT * FROM ratings WHERE id = ?", (rating_id,))

    def rating_rows(self, case_no: str) -> list[dict[str, Any]]:
        """A case's ratings (requests and links not answered left out), oldest first."""
        return self.all(
            "SELECT * FROM ratings WHERE case_no = ? AND level IS NOT NULL ORDER BY rated_at, id", (case_no,)
        )

    def rating_by_token(self, digest: str) -> dict[str, Any] | None:
        return self.one("SELECT * FROM ratings WHERE token_hash = ?", (digest,))

    def bad_rating_rows(self, case_no: str, bad_levels: Sequence[int]) -> list[dict[str, Any]]:
        """A case's bad ratings not voided (RATE-2 runs for each), oldest first."""
        return self.all(bad_ratings_sql(bad_levels), (case_no,))

    def service_events(self, case_no: str, services: Sequence[str]) -> list[dict[str, Any]]:
        """The services a case was given (the actions a visitor may rate), oldest first, each with whether it has
        been rated (`rated`: a rating's id)."""
        marks = ", ".join("?" * len(services))
        return self.all(
            "SELECT e.seq, e.action, e.by_staff, e.at, json_extract(e.detail, '$.window') AS window, "
            "(SELECT r.id FROM ratings r WHERE r.case_no = e.case_no AND r.service_seq = e.seq "
            " AND r.level IS NOT NULL LIMIT 1) AS rated "
            f"FROM events e WHERE e.case_no = ? AND e.action IN ({marks}) ORDER BY e.seq",
            (case_no, *services),
        )

    def waiting_requests(self, window: str | None = None) -> list[dict[str, Any]]:
        """Pad requests neither answered nor ended (at one window, or everywhere), newest first."""
        where = "window = ? AND " if window is not None else ""
        args: tuple[Any, ...] = (window,) if window is not None else ()
        return self.all(
            f"SELECT * FROM ratings WHERE {where}level IS NULL AND closed_at IS NULL AND channel = 'pad' "
            "ORDER BY asked_at DESC, id DESC",
            args,
        )

    def requests_since(self, window: str, since: int) -> list[dict[str, Any]]:
        """A window's pad requests after request `since`, oldest first."""
        return self.all(
            "SELECT * FROM ratings WHERE window = ? AND channel = 'pad' AND id > ? ORDER BY id", (window, since)
        )

    def last_request(self, window: str) -> int:
        return int(self.scalar("SELECT max(id) FROM ratings WHERE window = ? AND channel = 'pad'", (window,)) or 0)

    def open_appeal_rows(self) -> list[dict[str, Any]]:
        return self.all(
            "SELECT * FROM ratings WHERE appealed_at IS NOT NULL AND decided_at IS NULL ORDER BY appealed_at"
        )

    def appeal_rows(self, since: str, rated_since: str) -> list[dict[str, Any]]:
        """Appeals made since `since`, decided or not, and every appeal still waiting, newest first. An appeal
        comes within the policy's days of its rating: the ratings given since `rated_since` are searched (by when
        they were given), not every rating ever appealed."""
        return self.all(
            "SELECT * FROM ratings WHERE rated_at >= ? AND level IS NOT NULL AND appealed_at >= ? "
            "UNION SELECT * FROM ratings WHERE appealed_at IS NOT NULL AND decided_at IS NULL "
            "ORDER BY appealed_at DESC, id DESC",
            (rated_since, since),
        )

    def staff_bad_rating_rows(self, code: str, bad_levels: Sequence[int], since: str) -> list[dict[str, Any]]:
        """A staff member's bad ratings given since `since`, and any older one whose appeal waits, newest first.
        The month's ratings are searched by when they were given (`+level` keeps the planner off the remedy index,
        which would walk every bad rating ever given)."""
        marks = ", ".join(str(int(level)) for level in sorted(bad_levels))
        return self.all(
            "SELECT * FROM ratings WHERE rated_at >= ? AND level IS NOT NULL AND +level IN "
            f"({marks}) AND staff = ? "
            "UNION SELECT * FROM ratings WHERE appealed_at IS NOT NULL AND decided_at IS NULL AND staff = ? "
            "ORDER BY rated_at DESC, id DESC",
            (since, code, code),
        )

    def rated_between(self, start: str, end: str) -> list[dict[str, Any]]:
        """The ratings given in [start, end) (voided ones too: the caller leaves them out of every figure)."""
        return self.all(
            "SELECT * FROM ratings WHERE rated_at >= ? AND rated_at < ? AND level IS NOT NULL ORDER BY rated_at, id",
            (start, end),
        )

    def services_between(self, start: str, end: str, services: Sequence[str]) -> list[dict[str, Any]]:
        """The services given in [start, end): who gave each, at which window, and for a resolution whether it was
        on time (with a due date)."""
        marks = ", ".join("?" * len(services))
        return self.all(
            "SELECT e.seq, e.case_no, e.action, e.by_staff, json_extract(e.detail, '$.window') AS window, "
            "CASE WHEN e.action = 'resolve' THEN CAST(json_extract(e.detail, '$.on_time') AS INTEGER) END AS on_time, "
            "CASE WHEN e.action = 'resolve' THEN (SELECT c.due FROM cases c WHERE c.no = e.case_no) END AS due "
            f"FROM events e WHERE e.at >= ? AND e.at < ? AND e.action IN ({marks})",
            (start, end, *services),
        )

    def case_numbers_with_bad_ratings(self, code: str, bad_levels: Sequence[int]) -> list[str]:
        """Cases with a bad rating not voided and not put right, that concern a staff member (who served, owner or
        first asker): the follow-up's calls."""
        marks = ", ".join(str(int(level)) for level in sorted(bad_levels))
        return [
            r["case_no"]
            for r in self.all(
                "SELECT DISTINCT r.case_no FROM ratings r JOIN cases c ON c.no = r.case_no "
                f"WHERE r.level IN ({marks}) AND r.remedied_at IS NULL AND r.voided_at IS NULL "
                "AND ? IN (r.staff, c.owner, c.first_asker)",
                (code,),
            )
        ]
