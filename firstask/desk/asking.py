"""What asks the visitor for a rating (SPEC §12), written inside the actions' transactions: the window's pad's
request after a service at the window (RATE-4), the slip's single-use link (RATE-5), the callback's rating as a
row of `ratings`, and a remedy putting right the case's bad ratings (RATE-2).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from firstask import rules
from firstask.desk.cases import iso
from firstask.desk.slips import Slips
from firstask.rules import Verdict


class Asking(Slips):
    """The pad's requests, the slips' links, the callback's rating row, the remedy's."""

    def _callback_rating(self, no: str, owner: str, level: int, comment: str, now: datetime) -> int:
        """The callback's rating as a row of `ratings`: credited to the owner, of the last service not rated."""
        services = self.store.service_events(no, sorted(rules.SERVICES))
        last = services[-1] if services else None
        return self.store.insert(
            "ratings",
            {
                "case_no": no,
                "channel": "callback",
                "asked_at": iso(now),
                "rated_at": iso(now),
                "level": level,
                "reasons": "[]",
                "comment": comment,
                "staff": owner,
                # The window that served the visitor, not the one the callback is made from.
                "window": (None if last["window"] is None else str(last["window"])) if last else self.window,
                "service_seq": None if last is None or last["rated"] else int(last["seq"]),
                "service": "rate",
            },
        )

    def _remedy_ratings(self, no: str, now: datetime) -> list[int]:
        """A remedy puts right every bad rating of the case still waiting for one."""
        done = [
            int(r["id"]) for r in self.store.bad_rating_rows(no, sorted(rules.BAD_RATINGS)) if r["remedied_at"] is None
        ]
        for rating_id in done:
            self.store.update("ratings", "id", rating_id, {"remedied_at": iso(now)})
        return done

    # --- the pad's requests ----------------------------------------------------------------------------------------

    def _ask_pad(self, no: str, seq: int, action: str, by: str, now: datetime) -> None:
        """After a service at this desk's window, its pad (if one is enrolled) asks the visitor: the request waits
        for the policy's minutes; one still waiting from the service before is closed unanswered."""
        number = self.window
        if number is None or action not in rules.SERVICES or not number.isdigit():
            return
        s = self.store
        hall = s.hall_window_row(int(number))
        if hall is None or hall["revoked_at"] is not None or not hall["pad_token_hash"]:
            return
        for waiting in s.waiting_requests(number):
            self._end_request(waiting, now, "superseded")
        s.insert(
            "ratings",
            {
                "case_no": no,
                "channel": "pad",
                "window": number,
                "staff": by,
                "service_seq": seq,
                "service": action,
                "asked_at": iso(now),
                "expires_at": iso(now + timedelta(minutes=self.policy.rating_request_minutes)),
            },
        )

    def _end_request(self, request: Mapping[str, Any], now: datetime, why: str) -> None:
        """A request that ends unanswered (RATE-4: recorded as not rated)."""
        self.store.update("ratings", "id", request["id"], {"closed_at": iso(now)})
        case_row = self.store.case_row(request["case_no"])
        assert case_row is not None
        detail = {"rating": request["id"], "window": request["window"], "staff": request["staff"], "why": why}
        self._record(case_row, "rating_expired", None, now, {}, detail, Verdict())

    def expire_requests(self) -> int:
        """Close the pad requests past their minutes, each recorded as not rated. Returns how many."""
        now = self.now()
        late = [r for r in self.store.waiting_requests() if r["expires_at"] < iso(now)]
        if not late:
            return 0
        ended = 0
        with self.store.write() as s:
            for r in late:
                fresh = s.rating_row(int(r["id"]))
                if fresh is not None and fresh["level"] is None and fresh["closed_at"] is None:
                    self._end_request(fresh, now, "expired")
                    ended += 1
        return ended
