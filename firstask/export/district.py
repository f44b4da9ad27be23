"""The district's day (issue 21) as a report: every centre side by side — a day's, a period's or a month's figures —
then the district's own line, then the violations by rule; json, csv, xlsx, html or md, in the report's language.

It holds figures and centre codes, no visitor and no staff member: nothing in it is masked. Each centre's line
ends with its history's head as at the end of the period, the anchor its own `firstask verify --anchor` checks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from firstask import i18n
from firstask.export.tables import Document, Table
from firstask.export.tables import render as tables_render

# Each column: its key in a centre's line, and how it is shown ("count", "rate", "text", "code").
COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "count"),
    ("centre", "text"),
    ("received", "count"),
    ("answered_on_spot", "count"),
    ("on_spot_rate", "rate"),
    ("resolved", "count"),
    ("open", "count"),
    ("overdue", "count"),
    ("ratings", "count"),
    ("satisfaction_rate", "rate"),
    ("bad_ratings", "count"),
    ("bad_rectified", "count"),
    ("rectified_rate", "rate"),
    ("on_time_rate", "rate"),
    ("violations", "count"),
    ("anchor", "code"),
)


def centre_label(line: Mapping[str, Any]) -> str:
    return f"{line['centre']} {line['name']}".strip()


def period(summary: Mapping[str, Any], lang: str) -> str:
    if summary.get("month"):
        return str(summary["month"])
    if summary.get("day"):
        return str(summary["day"])
    return i18n.t("district.period", lang, first=summary["from"], last=summary["to"])


def side_table(summary: Mapping[str, Any], lang: str) -> Table:
    rows = [[centre_label(c) if key == "centre" else c.get(key) for key, _ in COLUMNS] for c in summary["centres"]]
    total = summary["district"]
    rows.append(
        [
            i18n.t("district.total", lang) if key == "centre" else None if key in ("rank", "anchor") else total[key]
            for key, _ in COLUMNS
        ]
    )
    return Table(
        i18n.t("district.side_by_side", lang),
        [i18n.t(f"district.col.{key}", lang) for key, _ in COLUMNS],
        [kind for _, kind in COLUMNS],
        rows,
    )


def rules_table(summary: Mapping[str, Any], lang: str) -> Table:
    rules = list(summary["rules"])
    rows = [
        [centre_label(c), *(c["violations_by_rule"].get(rule, 0) for rule in rules), c["violations"]]
        for c in summary["centres"]
    ]
    total = summary["district"]
    rows.append(
        [i18n.t("district.total", lang), *(total["violations_by_rule"].get(r, 0) for r in rules), total["violations"]]
    )
    headers = [i18n.t("district.col.centre", lang), *rules, i18n.t("district.col.violations", lang)]
    return Table(i18n.t("district.by_rule", lang), headers, ["text", *("count" for _ in rules), "count"], rows)


def render(summary: Mapping[str, Any], fmt: str, *, lang: str, source: str) -> bytes:
    """The district's report in `fmt`; `source`: the database (or replica) it was read from, without password."""
    if fmt == "json":
        return (json.dumps({**summary, "source": source}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    said = [
        i18n.t("district.source", lang, source=source, centres=len(summary["centres"])),
        i18n.t("district.ranked_by", lang),
        i18n.t("district.anchors", lang),
    ]
    title = i18n.t("district.title", lang, period=period(summary, lang))
    return tables_render(Document(title, said, [side_table(summary, lang), rules_table(summary, lang)], lang), fmt)
