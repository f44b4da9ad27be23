"""Reports to file (SPEC §9, §10; CONTRACT.md `firstask report`): a day's or a period's summary as json, csv, xlsx,
html or md.

json is the summary itself (`Desk.summary(day)`, or `Desk.span_summary` for a period) and holds no personal data.
The other formats are documents for people: the same figures under headings in the report's language, the staff
table, the period's violations and the cases behind the figures, with phones and ID numbers masked (the case's own,
and those typed into its summary) unless a supervisor asked otherwise. Every format states the history's chain head,
the anchor for `firstask verify --anchor`.
Text typed by visitors and clerks is data: escaped in html and md, never a formula in csv and xlsx.

`contents` holds what every format shows; `sheets` writes csv and xlsx, `documents` html and md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from firstask.export.contents import Report, shown
from firstask.export.documents import to_html, to_md
from firstask.export.sheets import to_csv, to_xlsx

if TYPE_CHECKING:
    from firstask.desk import Desk

__all__ = [
    "BINARY",
    "FORMATS",
    "Report",
    "build",
    "render",
    "shown",
    "to_csv",
    "to_html",
    "to_json",
    "to_md",
    "to_xlsx",
]

FORMATS = ("json", "csv", "xlsx", "html", "md")
BINARY = frozenset({"xlsx"})


def build(
    desk: Desk,
    first: date,
    last: date | None = None,
    *,
    lang: str = "zh",
    unmasked_by: str | None = None,
    trend: bool = True,
) -> Report:
    """The report of one day (`last` None) or of the days from `first` to `last`.

    `unmasked_by`: the supervisor whose request `Desk.unmasked_export` has already granted and recorded.
    """
    summary = desk.summary(first) if last is None else desk.span_summary(first, last)
    end = last or first
    cases = desk.day_cases(
        first, last, also=[*summary["overdue"], *summary["due_tomorrow"]], unmasked=unmasked_by is not None
    )
    return Report(
        summary=summary,
        cases=cases,
        violations=desk.period_violations(first, last),
        trend=desk.trend(end) if trend else [],
        staff_names={code: s.name for code, s in desk.staff().items()},
        lang=lang,
        unmasked_by=unmasked_by,
    )


def to_json(summary: dict[str, Any]) -> bytes:
    """The summary as it is (CONTRACT.md's keys): for machines, no personal data in it."""
    return (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(report: Report, fmt: str) -> bytes:
    """The report in `fmt` (one of FORMATS); text formats are UTF-8."""
    if fmt == "json":
        return to_json(report.summary)
    if fmt == "xlsx":
        return to_xlsx(report)
    renderers: dict[str, Callable[[Report], str]] = {"csv": to_csv, "html": to_html, "md": to_md}
    return renderers[fmt](report).encode("utf-8")
