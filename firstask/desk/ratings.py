"""好差评 at the window (SPEC §12): the visitor's own rating of a service — on the window's pad (一次一评) or from a
slip's QR link — the callback's rating beside them in one model, RATE-2 for every bad one, appeals (申诉复核) and
the monthly ranking (月度排名通报).

A service is an action a clerk hands over face to face (`rules.SERVICES`); each is rated at most once (RATE-4). A
rating of a resolved case is the case's rating and closes it; of an open case it rates that visit. The pad's request
and the slip's link are rows of `ratings` with no level yet: a request that expires, a link never used, stay as the
record of a service not rated.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from firstask import rules
from firstask.desk.cases import Case, iso, moment_of, staff_of_row
from firstask.desk.fields import clean, clean_list
from firstask.desk.hall import Hall, HallWindow, new_code, normal_code, window_of_row
from firstask.desk.slips import digest
from firstask.rules import RatingState, RuleError, Staff, Verdict

SATISFIED = frozenset({3, 4, 5})
BAD_RATINGS_LISTED_DAYS = 31  # a month back: the appeal window (policy appeal_days) and what became of the appeals
APPEALS_LISTED_DAYS = 92  # decided appeals a supervisor sees beside the waiting ones: the quarter
# The longest an appeal can come after its rating: the policy's most working days (30) with weekends and the longest
# holidays, in calendar days, with room to spare.
APPEAL_AT_MOST_DAYS = 62


@dataclass(frozen=True)
class Rating:
    """A rating of a service (CONTRACT "Ratings at the window")."""

    id: int
    case_no: str
    level: int
    channel: str  # "pad" | "qr" | "callback"
    window: str | None
    staff: str | None  # who served: the rating is credited to them, and RATE-2 runs against them
    reasons: tuple[str, ...]
    comment: str
    at: datetime
    voided: bool
    service: str | None = None  # the action rated ("answer", "accept" …; "rate" for a callback)
    remedied_at: datetime | None = None
    appeal_kind: str | None = None
    appeal_reason: str | None = None
    appealed_at: datetime | None = None
    decision: str | None = None  # "uphold" (the rating stays) | "void"
    decision_reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def bad(self) -> bool:
        return self.level in rules.BAD_RATINGS


def reasons_of(row: Mapping[str, Any]) -> tuple[str, ...]:
    try:
        value = json.loads(row.get("reasons") or "[]")
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def rating_of_row(r: Mapping[str, Any]) -> Rating:
    return Rating(
        id=int(r["id"]),
        case_no=str(r["case_no"]),
        level=int(r["level"]),
        channel=str(r["channel"]),
        window=None if r["window"] is None else str(r["window"]),
        staff=r["staff"],
        reasons=reasons_of(r),
        comment=r["comment"] or "",
        at=datetime.fromisoformat(r["rated_at"]),
        voided=r["voided_at"] is not None,
        service=r["service"],
        remedied_at=moment_of(r["remedied_at"]),
        appeal_kind=r["appeal_kind"],
        appeal_reason=r["appeal_reason"],
        appealed_at=moment_of(r["appealed_at"]),
        decision=r["decision"],
        decision_reason=r["decision_reason"],
        decided_by=r["decided_by"],
        decided_at=moment_of(r["decided_at"]),
    )


def state_of_rating(r: Mapping[str, Any]) -> RatingState:
    return RatingState(
        id=int(r["id"]),
        case_no=str(r["case_no"]),
        level=int(r["level"]),
        staff=r["staff"],
        rated_at=datetime.fromisoformat(r["rated_at"]),
        voided=r["voided_at"] is not None,
        appealed_at=moment_of(r["appealed_at"]),
        decided_at=moment_of(r["decided_at"]),
    )


def window_text(window: Any) -> str | None:
    """A window number as the desk keeps it (text: "3"), whatever it was passed as."""
    if window is None or window == "":
        return None
    if isinstance(window, bool):
        raise RuleError("INPUT", "input.not_text", field="window")
    return clean(str(window), "code") or None


class Ratings(Hall):
    """Ratings of every channel, the pad's requests, the slips' links, appeals and the ranking."""

    # --- reads -----------------------------------------------------------------------------------------------------

    def ratings(self, no: str) -> list[Rating]:
        """A case's ratings, oldest first (voided ones too, marked: they stay in the history)."""
        return [rating_of_row(r) for r in self.store.rating_rows(str(no))]

    def rating(self, rating_id: int) -> Rating:
        row = self.store.rating_row(rating_id) if _is_id(rating_id) else None
        if row is None or row["level"] is None:
            raise RuleError("INPUT", "rate.unknown", id=str(rating_id))
        return rating_of_row(row)

    def open_appeals(self) -> list[Rating]:
        """Appeals waiting for a supervisor's decision, oldest first."""
        return [rating_of_row(r) for r in self.store.open_appeal_rows()]

    def appeals(self, days: int = APPEALS_LISTED_DAYS) -> list[Rating]:
        """Appeals made in the last `days` days, decided or not, and every one still waiting, newest first."""
        since = self.now() - timedelta(days=days)
        rated_since = since - timedelta(days=APPEAL_AT_MOST_DAYS)
        return [rating_of_row(r) for r in self.store.appeal_rows(iso(since), iso(rated_since))]

    def bad_ratings_of(self, code: str, days: int = BAD_RATINGS_LISTED_DAYS) -> list[Rating]:
        """A staff member's bad ratings of the last `days` days (voided ones too, marked), and any older one whose
        appeal still waits, newest first: what they may appeal, and what became of their appeals."""
        since = self.now() - timedelta(days=days)
        rows = self.store.staff_bad_rating_rows(str(code), sorted(rules.BAD_RATINGS), iso(since))
        return [rating_of_row(r) for r in rows]

    def appeal_until(self, rating: Rating) -> datetime:
        """The moment the rated staff member's time to appeal the rating ends (RATE-6): the end of the policy's last
        working day (midnight after it)."""
        return self.calendar.deadline(rating.at, self.policy.appeal_days)

    # --- the visitor's rating --------------------------------------------------------------------------------------

    def rate_visit(
        self,
        no: str,
        level: int,
        *,
        reasons: Iterable[str] = (),
        comment: str = "",
        channel: str = "pad",
        window: Any = None,
    ) -> Case:
        """The visitor's own rating of the service just given (the pad at the window, or a slip's QR code), credited
        to the staff member who served. On a resolved case it closes it; on an open one it rates that visit."""
        return self._rate_service(str(no), level, reasons, comment, channel, window_text(window), ask=None)

    def rate_request(
        self, request_id: int, level: int, *, reasons: Iterable[str] = (), comment: str = "", window: Any
    ) -> Case:
        """A tap on window `window`'s pad, answering its request `request_id` (the hall's server calls this)."""
        number = window_text(window)
        row = self.store.rating_row(request_id) if _is_id(request_id) else None
        for refused in rules.rate_4_request(row, number, self.now()):
            raise refused.error()
        assert row is not None
        return self._rate_service(row["case_no"], level, reasons, comment, "pad", number, ask=row)

    def rate_by_link(self, token: str, level: int, *, reasons: Iterable[str] = (), comment: str = "") -> Case:
        """A rating through a slip's QR link (RATE-5: once, before it expires)."""
        link = self.store.rating_by_token(digest(str(token))) if token else None
        for refused in rules.rate_5(link, self.now()):
            raise refused.error()
        assert link is not None
        return self._rate_service(link["case_no"], level, reasons, comment, "qr", link["window"], ask=link)

    def link_page(self, token: str) -> dict[str, Any]:
        """What a slip's QR link opens: the case, the matter, the service and who gave it (the clerk's name and
        code, as a badge shows them), the reasons a bad rating may give; or RATE-5's refusal."""
        link = self.store.rating_by_token(digest(str(token))) if token else None
        for refused in rules.rate_5(link, self.now()):
            raise refused.error()
        assert link is not None
        return self._asking(link)

    def _rate_service(
        self,
        no: str,
        level: int,
        reasons: Iterable[str],
        comment: str,
        channel: str,
        window: str | None,
        ask: Mapping[str, Any] | None,
    ) -> Case:
        chosen = clean_list(reasons, "reasons")
        said = clean(comment, "text", multiline=True)
        now = self.now()
        policy = self.policy
        with self.store.write() as s:
            row = s.case_row(no)
            if row is None:
                raise RuleError("INPUT", "input.unknown_case", no=no)
            if ask is not None:  # read again inside the transaction: the pad and the phone may race
                ask = s.rating_row(int(ask["id"]))
                assert ask is not None
                if ask["level"] is not None or ask["closed_at"] is not None:
                    raise RuleError("RATE-5" if channel == "qr" else "RATE-4", "rate5.used")
            services = s.service_events(no, sorted(rules.SERVICES))
            target = _service_torate(services, ask["service_seq"] if ask else None, window)
            findings = [
                *rules.rate_1({"level": level}),
                *rules.rate_channel(channel),
                *rules.rate_3(level if isinstance(level, int) else 0, chosen, said, policy),
                *rules.rate_4(no, row["status"], None if target is None else int(target["seq"]), bool(services)),
            ]
            Verdict(findings).raise_first_block()
            assert target is not None
            if ask is None and channel == "pad":  # the request the pad was answering, if the desk asked one
                waiting = [r for r in s.waiting_requests(window) if r["case_no"] == no] if window else []
                ask = waiting[0] if waiting else None
            values: dict[str, Any] = {
                "level": level,
                "reasons": json.dumps(chosen, ensure_ascii=False),
                "comment": said,
                "rated_at": iso(now),
                "staff": target["by_staff"] or row["owner"],
                "window": window or window_text(target["window"]),
                "service_seq": int(target["seq"]),
                "service": target["action"],
            }
            if ask is not None:
                s.update("ratings", "id", ask["id"], values)
                rating_id = int(ask["id"])
            else:
                rating_id = s.insert("ratings", {"case_no": no, "channel": channel, "asked_at": iso(now), **values})
            changes: dict[str, Any] = {}
            if row["status"] == "resolved":
                changes = {
                    "status": "closed",
                    "rating": level,
                    "rated_at": iso(now),
                    "closed_at": iso(now),
                    "remedied_at": None,
                }
            detail = {
                "rating": rating_id,
                "level": level,
                "channel": channel,
                "window": values["window"],
                "staff": values["staff"],
                "service": target["action"],
                "reasons": chosen,
                "comment": said,
                "bad": level in rules.BAD_RATINGS,
            }
            self._record(row, "rate_visit", None, now, changes, detail, Verdict())
            done = self.case(no)
        return done

    # --- the pad's requests ----------------------------------------------------------------------------------------

    def scan(self) -> list[Any]:
        self.expire_requests()
        return super().scan()

    def _asking(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """A request (or a link) as the pad or the phone shows it."""
        case_row = self.store.case_row(request["case_no"]) or {}
        matter = json.loads(case_row["matter"]) if case_row.get("matter") else None
        clerk = self._one_staff(request["staff"])
        return {
            "id": int(request["id"]),
            "case_no": request["case_no"],
            "matter": (matter or {}).get("name") or "",
            "kind": case_row.get("kind") or "",
            "service": request["service"] or "",
            "clerk": {"code": clerk.code, "name": clerk.name} if clerk else None,
            "window": request["window"],
            "asked_at": request["asked_at"],
            "expires_at": request["expires_at"],
            "reasons": list(self.policy.bad_rating_reasons),
        }

    def _one_staff(self, code: str | None) -> Staff | None:
        """One staff member by code, read alone: a pad asks a few times a second, the roster need not come along."""
        row = self.store.staff_row(code) if code else None
        return staff_of_row(row) if row else None

    def pad_state(self, window: Any) -> dict[str, Any]:
        """What window `window`'s pad shows now: who serves there, and the request waiting (None: idle). Requests
        past their minutes are closed first."""
        number = window_text(window)
        self.expire_requests()
        hall = self.store.hall_window_row(int(number)) if number and number.isdigit() else None
        serving = self._one_staff(hall["serving"]) if hall else None
        waiting = self.store.waiting_requests(number) if number else []
        return {
            "window": number,
            "name": hall["name"] if hall else "",
            "serving": {"code": serving.code, "name": serving.name} if serving and serving.active else None,
            "request": self._asking(waiting[0]) if waiting else None,
        }

    def pad_last(self, window: Any) -> int:
        """The newest pad request of this window so far (0: none): what `pad_news` starts after."""
        number = window_text(window)
        return self.store.last_request(number) if number else 0

    def pad_news(self, window: Any, since: int) -> list[dict[str, Any]]:
        """What became of this window's pad requests after request `since` (the clerk's screen: a rating arrived,
        or none came): each {"id", "case_no", "level" (None: not rated), "ended" (None: still waiting)}."""
        number = window_text(window)
        if number is None:
            return []
        return [
            {"id": r["id"], "case_no": r["case_no"], "level": r["level"], "ended": r["rated_at"] or r["closed_at"]}
            for r in self.store.requests_since(number, since)
        ]

    # --- appeals (RATE-6) ------------------------------------------------------------------------------------------

    def appeal(self, rating_id: int, by: str, reason: str, *, kind: str = "other") -> Rating:
        """The rated staff member appeals a bad rating (申诉), within the policy's working days, with a reason."""
        text = clean(reason, "text", multiline=True)
        now = self.now()
        with self.store.write() as s:
            ctx = self._context(by, {})
            row = self._rating_row(rating_id)
            found = rules.rate_6_appeal(state_of_rating(row), ctx.actor, kind, text, self.policy, self.calendar, now)
            Verdict(list(found)).raise_first_block()
            s.update("ratings", "id", row["id"], {"appeal_kind": kind, "appeal_reason": text, "appealed_at": iso(now)})
            self._rating_event(row, "appeal", by, now, {"kind": kind, "reason": text})
            return rating_of_row(self._rating_row(rating_id))

    def decide_appeal(self, rating_id: int, by: str, *, uphold: bool, reason: str) -> Rating:
        """A supervisor decides an appeal: uphold (the rating stays) or void it (it stays in the history and leaves
        every figure, and needs no remedy)."""
        text = clean(reason, "text", multiline=True)
        now = self.now()
        with self.store.write() as s:
            ctx = self._context(by, {})
            row = self._rating_row(rating_id)
            Verdict(list(rules.rate_6_decide(state_of_rating(row), ctx.actor, text))).raise_first_block()
            changes: dict[str, Any] = {
                "decision": "uphold" if uphold else "void",
                "decision_reason": text,
                "decided_by": by,
                "decided_at": iso(now),
            }
            if not uphold:
                changes["voided_at"] = iso(now)
            s.update("ratings", "id", row["id"], changes)
            self._rating_event(row, "decide_appeal", by, now, {"uphold": bool(uphold), "reason": text})
            return rating_of_row(self._rating_row(rating_id))

    def _rating_row(self, rating_id: int) -> dict[str, Any]:
        row = self.store.rating_row(rating_id) if _is_id(rating_id) else None
        if row is None or row["level"] is None:
            raise RuleError("INPUT", "rate.unknown", id=str(rating_id))
        return row

    def _rating_event(
        self, rating: Mapping[str, Any], action: str, by: str, now: datetime, detail: Mapping[str, Any]
    ) -> None:
        case_row = self.store.case_row(rating["case_no"])
        assert case_row is not None
        self._record(
            case_row, action, by, now, {}, {"rating": rating["id"], "level": rating["level"], **detail}, Verdict()
        )

    # --- figures ---------------------------------------------------------------------------------------------------

    def ratings_between(self, start: datetime, end: datetime) -> list[Rating]:
        return [rating_of_row(r) for r in self.store.rated_between(iso(start), iso(end))]

    def ranking(self, month: str) -> dict[str, Any]:
        """月度排名: for each window and each staff member over a month (YYYY-MM): services given, ratings, the share
        rated by the visitor (pad or QR: 主动评价率), satisfaction, bad ratings and the share rectified on time
        (差评整改率), appeals upheld, on-time resolutions; ranked by satisfaction, then the share rated, then fewer
        bad ratings. A window last in this month and the one before is marked `last_twice`."""
        first = _month_start(month)
        this = self._ranking_of(first)
        before = self._ranking_of(_month_start_before(first))
        last_before = before["windows"][-1]["window"] if len(before["windows"]) > 1 else None
        for entry in this["windows"]:
            entry["last_twice"] = bool(
                len(this["windows"]) > 1 and entry is this["windows"][-1] and entry["window"] == last_before
            )
        return {"month": first.strftime("%Y-%m"), **this}

    def _ranking_of(self, first: date) -> dict[str, Any]:
        from firstask.report import rate  # the one rate of every figure; report is not imported on the way to the lists

        start = datetime.combine(first, datetime.min.time())
        end = datetime.combine(_month_start_after(first), datetime.min.time())
        now = self.now()
        services = self.store.services_between(iso(start), iso(end), sorted(rules.SERVICES))
        ratings = [r for r in self.ratings_between(start, end) if not r.voided]
        appealed = [rating_of_row(r) for r in self.store.rated_between(iso(start), iso(end))]
        staff = self.staff()

        # Each service, rating and appeal grouped once by window and by staff member: a month is tens of thousands.
        given_by: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
        for g in services:
            if g["window"] is not None:
                given_by["window", str(g["window"])].append(g)
            if g["by_staff"]:
                given_by["code", str(g["by_staff"])].append(g)
        rated_by: dict[tuple[str, str], list[Rating]] = defaultdict(list)
        appealed_by: dict[tuple[str, str], list[Rating]] = defaultdict(list)
        for groups, pool in ((rated_by, ratings), (appealed_by, appealed)):
            for r in pool:
                if r.window is not None:
                    groups["window", r.window].append(r)
                if r.staff:
                    groups["code", r.staff].append(r)

        def entry(key: str, value: str) -> dict[str, Any]:
            given, rated, appeals = given_by[key, value], rated_by[key, value], appealed_by[key, value]
            bad = [r for r in rated if r.bad]
            due, on_time = 0, 0
            for r in bad:
                deadline = self.calendar.deadline(r.at, self.policy.remedy_days)
                if r.remedied_at is not None or now >= deadline:
                    due += 1
                    on_time += int(r.remedied_at is not None and r.remedied_at <= deadline)
            with_due = [g for g in given if g["action"] == "resolve" and g["due"]]
            visitor_rated = sum(1 for r in rated if r.channel in ("pad", "qr"))
            at_windows = [g for g in given if g["window"] is not None]
            return {
                key: value,
                "services": len(given),
                "ratings": len(rated),
                "rated": visitor_rated,
                # 主动评价率 is of the services given at the windows (SPEC §12), not of back-office work.
                "rating_rate": rate(min(visitor_rated, len(at_windows)), len(at_windows)),
                "satisfaction_rate": rate(sum(1 for r in rated if r.level in SATISFIED), len(rated)),
                "levels": {str(level): sum(1 for r in rated if r.level == level) for level in rules.RATING_LEVELS},
                "bad": len(bad),
                "bad_due": due,
                "rectified_on_time": on_time,
                "rectified_on_time_rate": rate(on_time, due),
                "appeals": sum(1 for r in appeals if r.appealed_at is not None),
                "appeals_upheld": sum(1 for r in appeals if r.decision == "uphold"),
                "appeals_voided": sum(1 for r in appeals if r.decision == "void"),
                "on_time_rate": rate(sum(1 for g in with_due if g["on_time"]), len(with_due)),
            }

        windows = sorted({value for key, value in (*given_by, *rated_by) if key == "window"}, key=_number_order)
        codes = sorted({value for key, value in (*given_by, *rated_by) if key == "code"})
        window_rows = [entry("window", w) for w in windows]
        staff_rows = []
        for code in codes:
            row = entry("code", code)
            person = staff.get(code)
            row["name"] = person.name if person else code
            staff_rows.append(row)
        window_rows.sort(key=_rank_key)
        staff_rows.sort(key=_rank_key)
        for rows in (window_rows, staff_rows):
            for rank, row in enumerate(rows, 1):
                row["rank"] = rank
        by_channel = {
            channel: {
                str(level): sum(1 for r in ratings if r.channel == channel and r.level == level)
                for level in rules.RATING_LEVELS
            }
            for channel in rules.RATING_CHANNELS
        }
        return {"windows": window_rows, "staff": staff_rows, "ratings_by_channel": by_channel}

    # --- the pad's place in the hall -------------------------------------------------------------------------------

    def register_pad(self, number: int, *, by: str) -> str:
        """A supervisor gives window `number` a rating pad: a one-time code for the pad's browser to enrol with
        (valid for the policy's `enrol_code_hours`); registering again turns away the pad enrolled before."""
        self.supervisor_only(by, "setup")
        now = self.now()
        code = new_code()
        expires = iso(now + timedelta(hours=self.policy.enrol_code_hours))
        with self.store.write() as s:
            row = s.hall_window_row(number) if isinstance(number, int) and not isinstance(number, bool) else None
            if row is None or row["revoked_at"] is not None:
                raise RuleError("INPUT", "hall.unknown_window", number=str(number))
            s.update(
                "hall_windows",
                "number",
                number,
                {
                    "pad_code_hash": digest(code),
                    "pad_code_expires": expires,
                    "pad_token_hash": None,
                    "pad_enrolled_at": None,
                    "updated_at": iso(now),
                },
            )
            self._desk_event("register_pad", by, iso(now), {"number": number, "expires": expires})
        return code

    def enrol(self, code: str, *, peer: str = "", record: bool = True) -> tuple[str, HallWindow, str]:
        """A browser enrols with a code, as a window's desk ("window") or as its pad ("pad"): (kind, window,
        token). A wrong, used or expired code is refused (and recorded unless `record` is False)."""
        typed = normal_code(code)
        if len(typed) == 8 and self.store.hall_window_by("pad_code_hash", digest(typed)) is not None:
            now = self.now()
            with self.store.write() as s:
                row = s.hall_window_by("pad_code_hash", digest(typed))
                if row is not None and row["pad_code_expires"] and row["pad_code_expires"] >= iso(now):
                    token = secrets.token_urlsafe(32)
                    changes = {
                        "pad_code_hash": None,
                        "pad_code_expires": None,
                        "pad_token_hash": digest(token),
                        "pad_enrolled_at": iso(now),
                        "updated_at": iso(now),
                    }
                    s.update("hall_windows", "number", row["number"], changes)
                    self._desk_event("enrol_pad", None, iso(now), {"number": row["number"], "peer": peer[:64]})
                    return "pad", window_of_row({**row, **changes}), token
        window, token = self.enrol_window(code, peer=peer, record=record)
        return "window", window, token

    def pad_of_token(self, token: str | None) -> HallWindow | None:
        """The window whose pad holds `token` (not revoked), or None."""
        if not token:
            return None
        row = self.store.hall_window_by("pad_token_hash", digest(token))
        return None if row is None or row["revoked_at"] is not None else window_of_row(row)


def _service_torate(
    services: Sequence[Mapping[str, Any]], prefer: int | None, window: str | None
) -> Mapping[str, Any] | None:
    """The service a rating is of: the one asked about if it is not rated yet, else the latest one not rated (at
    this window, where there is one)."""
    open_ = [s for s in services if not s["rated"]]
    if prefer is not None:
        chosen = [s for s in open_ if int(s["seq"]) == prefer]
        if chosen:
            return chosen[0]
    here = [s for s in open_ if window is not None and window_text(s["window"]) == window]
    candidates = here or open_
    return candidates[-1] if candidates else None


def _rank_key(row: Mapping[str, Any]) -> tuple[float, float, int, str]:
    satisfaction = row["satisfaction_rate"]
    rated = row["rating_rate"]
    return (
        -(satisfaction if satisfaction is not None else -1.0),
        -(rated if rated is not None else -1.0),
        row["bad"],
        str(row.get("window") or row.get("code")),
    )


def _number_order(window: str) -> tuple[int, str]:
    return (int(window), window) if window.isdigit() else (10**9, window)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _month_start(month: str) -> date:
    try:
        year, number = str(month).split("-")
        return date(int(year), int(number), 1)
    except ValueError as e:
        raise RuleError("INPUT", "rate.bad_month", field="month", value=str(month)) from e


def _month_start_after(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _month_start_before(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
