"""The day's summary (SPEC §9) assembled from the store's aggregates: what came in, what was done, what is late.

Figures are as they stood at the end of the day: counts are of that day's events, states are read from the
stretches in `case_states`, so a report re-made later agrees with the one made that evening.

A rate is kept as the count over the count it was taken of (`satisfaction_rate` 13/16 is 0.8125), never rounded
here; `percent` is the one rounding every screen and every report format shows it with.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from statistics import median
from typing import Any

from firstask.calendar import WorkCalendar
from firstask.rules import CHANNELS, KINDS, OPEN_STATES, RATING_CHANNELS, Staff

SATISFIED = ("3", "4", "5")
RESOLVING = ("answer", "reject", "refer", "resolve")


def day_bounds(day: date) -> tuple[str, str]:
    start = datetime.combine(day, datetime.min.time())
    return start.isoformat(timespec="seconds"), (start + timedelta(days=1)).isoformat(timespec="seconds")


# No rate is taken over more than this many (cases, ratings): a rate's float is close enough to its fraction to find
# that fraction again, since two fractions of smaller wholes lie further apart than the float is from its own.
LARGEST_WHOLE = 10**7


def rate(part: int, whole: int) -> float | None:
    """part/whole as it is (13/16 is 0.8125): rounding it here and again for showing it would round twice."""
    return part / whole if whole else None


@lru_cache(maxsize=4096)  # finding the fraction again is the dear part; a screen shows the same rates step after step
def percent(rate: float | None) -> Decimal | None:
    """A rate in per cent to one decimal, rounded half up from the exact fraction it was taken of: 13/16 is 81.3
    (`f"{0.8125 * 100:.1f}"` says 81.2, rounding half to even), 1/3 is 33.3. None (nothing to take it of) stays None.

    The one rounding of a rate: the summary screen, the staff table and every report format show it this way.
    """
    if rate is None:
        return None
    exact = Fraction(rate).limit_denominator(LARGEST_WHOLE)
    tenths = math.floor(exact * 1000 + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1)


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(median(values), 1) if values else None


def _minutes(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60


def summary(
    day: date,
    figures: Mapping[str, Any],
    open_rows: list[dict[str, Any]],
    chain: tuple[int, str],
    calendar: WorkCalendar,
    staff: Mapping[str, Staff],
) -> dict[str, Any]:
    """The summary dict of CONTRACT.md's report section (JSON-serialisable)."""
    by_channel: Counter[str] = Counter({c: 0 for c in CHANNELS})
    by_kind: Counter[str] = Counter({k: 0 for k in KINDS})
    received_by: Counter[str] = Counter()
    for r in figures["received"]:
        by_channel[r["channel"]] += r["n"]
        by_kind[r["kind"]] += r["n"]
        received_by[r["first_asker"]] += r["n"]
    received = sum(by_channel.values())

    count: Counter[str] = Counter()
    resolved_by: Counter[str] = Counter()
    due_resolved_by: Counter[str] = Counter()
    on_time_by: Counter[str] = Counter()
    second_notices = 0
    for a in figures["actions"]:
        count[a["action"]] += a["n"]
        if a["action"] == "notify":
            second_notices += a["second"] or 0
        if a["action"] in RESOLVING:
            resolved_by[a["by_staff"]] += a["to_resolved"] or 0
        if a["action"] == "resolve":
            due_resolved_by[a["by_staff"]] += a["n"]
            on_time_by[a["by_staff"]] += a["on_time"] or 0

    ratings = {str(level): 0 for level in range(1, 6)}
    for r in figures["ratings"]:
        ratings[str(r["level"])] += r["n"]
    rated = sum(ratings.values())
    rated_by: dict[str, dict[str, int]] = {c: {str(level): 0 for level in range(1, 6)} for c in RATING_CHANNELS}
    for r in figures.get("ratings_by_channel", []):
        rated_by.setdefault(r["channel"], {str(level): 0 for level in range(1, 6)})[str(r["level"])] += r["n"]

    by_rule: Counter[str] = Counter()
    by_staff_v: Counter[str] = Counter()
    open_reviews = 0
    for v in figures["violations"]:
        by_rule[v["rule"]] += v["n"]
        by_staff_v[v["staff"] or "-"] += v["n"]
        open_reviews += v["open"] or 0

    open_now = [r for r in open_rows if r["status"] in OPEN_STATES]
    tomorrow = calendar.next_working_day(day).isoformat()
    overdue = sorted(r["no"] for r in open_now if r["due"] and r["due"] < day.isoformat())
    due_tomorrow = sorted(r["no"] for r in open_now if r["due"] == tomorrow)
    owned: Counter[str] = Counter(r["owner"] for r in open_now)

    waits = [
        calendar.working_minutes(datetime.fromisoformat(w["handed_at"]), datetime.fromisoformat(w["accepted_at"]))
        for w in figures["handoff_waits"]
        if w["handed_at"]
    ]
    responses: defaultdict[str, list[float]] = defaultdict(list)
    for f in figures["first_responses"]:
        responses[f["first_asker"]].append(_minutes(f["created_at"], f["first_response_at"]))

    codes = sorted(set(staff) | set(received_by) | set(owned) | set(resolved_by) | set(by_staff_v) - {"-"})
    staff_rows = [
        {
            "code": code,
            "name": staff[code].name if code in staff else code,
            "role": staff[code].role if code in staff else None,
            "received": received_by[code],
            "owned": owned[code],
            "resolved": resolved_by[code],
            "on_time_rate": rate(on_time_by[code], due_resolved_by[code]),
            "violations": by_staff_v[code],
            "median_first_response_minutes": _median(responses[code]),
        }
        for code in codes
    ]

    return {
        "day": day.isoformat(),
        "received": received,
        "by_channel": dict(by_channel),
        "by_kind": dict(by_kind),
        "answered_on_spot": count["answer"],
        "on_spot_rate": rate(count["answer"], received),
        "notices": count["notify"],
        "second_notices": second_notices,
        "accepted": count["accept"],
        "handoffs": {
            "made": count["hand_off"],
            "accepted": count["accept_handoff"],
            "pending": sum(1 for r in open_now if r["status"] == "handoff_pending"),
            "declined": count["decline_handoff"],
            "median_minutes_to_accept": _median(waits),
        },
        "referred": count["refer"],
        "rejected": count["reject"],
        "resolved": sum(resolved_by.values()),
        "open": len(open_now),
        "overdue": overdue,
        "due_tomorrow": due_tomorrow,
        "next_working_day": tomorrow,
        "ratings": ratings,
        "ratings_by_channel": rated_by,
        "satisfaction_rate": rate(sum(ratings[k] for k in SATISFIED), rated),
        "bad_ratings": [
            {
                "case": b["case_no"],
                "level": b["level"],
                "owner": b["owner"],
                "channel": b.get("channel", "callback"),
                "at": b["at"],
                "remedied_at": b["remedied_at"],
            }
            for b in figures["bad_ratings"]
        ],
        "violations": {
            "by_rule": dict(sorted(by_rule.items())),
            "by_staff": dict(sorted(by_staff_v.items())),
            "total": sum(by_rule.values()),
            "open_reviews": open_reviews,
        },
        "staff": staff_rows,
        "chain": {"events": chain[0], "head": chain[1]},
    }


# --- periods (reports for a range of days, and the trend) ---------------------------------------------------------


def days_from(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def overdue_on(day: date, open_rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """SPEC §9: the cases open at the end of `day` whose due date was before it (`open_rows`: `states_at` rows)."""
    return sorted(r["no"] for r in open_rows if r["status"] in OPEN_STATES and r["due"] and r["due"] < day.isoformat())


def span(
    first: date,
    last: date,
    figures: Mapping[str, Any],
    open_rows: list[dict[str, Any]],
    chain: tuple[int, str],
    calendar: WorkCalendar,
    staff: Mapping[str, Staff],
    overdue_by_day: Iterable[Iterable[str]],
) -> dict[str, Any]:
    """The summary of a range of days: `figures` are the store's aggregates over the whole range.

    What happened is summed over the days (the aggregates of the whole range are the sums of its days, and the rates
    and medians are taken over the whole range, not averaged). What stands — open cases, pending hand-offs, cases
    owned, cases due next — is as at the end of `last`, as is the chain head. `overdue` lists every case that was
    overdue at the end of any day of the range: a period's review wants each late case once, even when it was finished
    before the period ended. `day` is None: the report is not one day's.
    """
    out = summary(last, figures, open_rows, chain, calendar, staff)
    late = set(out["overdue"])
    for numbers in overdue_by_day:
        late.update(numbers)
    out["overdue"] = sorted(late)
    return {
        "day": None,
        "from": first.isoformat(),
        "to": last.isoformat(),
        **{k: v for k, v in out.items() if k != "day"},
    }
