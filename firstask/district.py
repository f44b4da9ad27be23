"""The district's day (issue 21): every centre of a district's database side by side for a day, a period or a month —
received, answered on the spot, resolved, open, overdue, satisfaction, bad ratings and how many were rectified,
violations by rule, the ranking — and a look into one centre: that centre's own desk, read only, as its
supervisor's summary shows it.

Each centre's figures are those of its own summary (`Desk.summary`, `Desk.span_summary`): a centre's line here and
its own report never disagree. Rates are kept as count over count and rounded once where shown (`report.percent`).

The ranking: satisfaction first (a centre no visitor rated comes after those rated), then fewer overdue cases, then
fewer violations, then more received; the centre code settles the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from firstask.report import RESOLVING, day_bounds, rate
from firstask.rules import OPEN_STATES, RuleError
from firstask.store.chain import GENESIS

if TYPE_CHECKING:
    from firstask.desk import Desk
    from firstask.store.pg_district import DistrictStore

# The figures of a centre's line that are counts, summed for the district's line; the rates are taken again over
# the sums, never averaged.
COUNTS = (
    "received",
    "answered_on_spot",
    "resolved",
    "open",
    "overdue",
    "ratings",
    "satisfied",
    "bad_ratings",
    "bad_rectified",
    "resolve_due",
    "on_time",
    "violations",
)


def centre_line(row: Mapping[str, Any]) -> dict[str, Any]:
    """One centre's figures from the store's counts (`DistrictStore.figures`)."""
    by_rule = {rule: int(n) for rule, n in sorted(row["by_rule"].items())}
    line: dict[str, Any] = {
        "centre": row["centre"],
        "name": _name(row["name_json"]),
        "received": int(row["received"]),
        "answered_on_spot": int(row["answered"]),
        "resolved": int(row["resolved"]),
        "open": int(row["open"]),
        "overdue": int(row["overdue"]),
        "ratings": int(row["rated"]),
        "satisfied": int(row["satisfied"]),
        "bad_ratings": int(row["bad"]),
        "bad_rectified": int(row["rectified"]),
        "resolve_due": int(row["resolve_due"]),
        "on_time": int(row["on_time"]),
        "violations": sum(by_rule.values()),
        "violations_by_rule": by_rule,
        "anchor": f"{int(row['head_seq'])}:{row['head_hash']}" if row["head_seq"] else f"0:{GENESIS}",
    }
    return with_rates(line)


def with_rates(line: dict[str, Any]) -> dict[str, Any]:
    line["on_spot_rate"] = rate(line["answered_on_spot"], line["received"])
    line["satisfaction_rate"] = rate(line["satisfied"], line["ratings"])
    line["rectified_rate"] = rate(line["bad_rectified"], line["bad_ratings"])
    line["on_time_rate"] = rate(line["on_time"], line["resolve_due"])
    return line


def _name(stored: str) -> str:
    """The centre's name as its policy holds it (a JSON string); a centre that never set one has none."""
    if not stored:
        return ""
    try:
        value = json.loads(stored)
    except ValueError:
        return str(stored)
    return value if isinstance(value, str) else ""


def ranked(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The centres in ranking order, each with its `rank` (1 first)."""
    order = sorted(
        lines,
        key=lambda c: (
            c["satisfaction_rate"] is None,
            -(c["satisfaction_rate"] or 0.0),
            c["overdue"],
            c["violations"],
            -c["received"],
            c["centre"],
        ),
    )
    for n, line in enumerate(order, start=1):
        line["rank"] = n
    return order


def side_by_side(
    rows: Iterable[Mapping[str, Any]], first: date, last: date, *, month: str | None = None
) -> dict[str, Any]:
    """The district's report: every centre's line (ranking order), the district's own line, the rules seen."""
    centres = ranked(centre_line(r) for r in rows)
    total: dict[str, Any] = {key: sum(c[key] for c in centres) for key in COUNTS}
    rules: dict[str, int] = {}
    for c in centres:
        for rule, n in c["violations_by_rule"].items():
            rules[rule] = rules.get(rule, 0) + n
    total["violations_by_rule"] = dict(sorted(rules.items()))
    return {
        "day": first.isoformat() if first == last and month is None else None,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "month": month,
        "centres": centres,
        "district": with_rates(total),
        "rules": sorted(rules),
    }


def month_days(month: str, today: date) -> tuple[date, date]:
    """A month's first day and its last — today, while it runs. `month`: YYYY-MM."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError as e:
        raise RuleError("INPUT", "rate.bad_month", field="month", value=str(month)) from e
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, min(following - timedelta(days=1), max(today, first))


class District:
    """A district supervisor's view of the district's database: read only, on the replica when one is named."""

    def __init__(self, store: DistrictStore, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or datetime.now

    @classmethod
    def open(cls, address: str, *, replica: str | None = None, clock: Callable[[], datetime] | None = None) -> Self:
        from firstask.store.pg_district import DistrictStore

        return cls(DistrictStore.open(address, replica), clock)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def today(self) -> date:
        return self.clock().date()

    def summary(self, first: date, last: date | None = None, *, month: str | None = None) -> dict[str, Any]:
        """Every centre side by side for the day `first`, or the days from `first` to `last`."""
        last = last or first
        start, end = day_bounds(first)[0], day_bounds(last)[1]
        rows = self.store.figures(
            start,
            end,
            first.isoformat(),
            last.isoformat(),
            open_states=sorted(OPEN_STATES),
            resolving=RESOLVING,
        )
        return side_by_side(rows, first, last, month=month)

    def month(self, month: str) -> dict[str, Any]:
        first, last = month_days(month, self.today())
        return self.summary(first, last, month=first.strftime("%Y-%m"))

    def centre(self, code: str) -> Desk:
        """One centre's desk as the district reads it (its summaries, staff and history; never its visitors)."""
        from firstask.desk import Desk
        from firstask.store.pg_core import PgStore

        return Desk(PgStore.open(self.store.look_into(code), looking=True), self.clock)
