"""The monthly ranking (月度排名通报, SPEC §12) as a report: json, csv, xlsx, html or md, in the report's language.

It holds staff names and codes and the windows' figures, no visitor: nothing in it is masked, and a voided rating
is already out of every figure (`Desk.ranking`). Like the day's report it states the history's head (its anchor).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from firstask import i18n
from firstask.export.tables import Document, Table
from firstask.export.tables import render as tables_render

# Each column: its key in the ranking's entries, and how it is shown ("count", "rate", "text").
COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "count"),
    ("who", "text"),
    ("services", "count"),
    ("ratings", "count"),
    ("rated", "count"),
    ("rating_rate", "rate"),
    ("satisfaction_rate", "rate"),
    ("bad", "count"),
    ("rectified_on_time_rate", "rate"),
    ("appeals_upheld", "count"),
    ("appeals_voided", "count"),
    ("on_time_rate", "rate"),
    ("mark", "text"),
)


def who(entry: Mapping[str, Any], lang: str) -> str:
    if "window" in entry:
        return i18n.t("pad.window", lang, number=entry["window"])
    return i18n.t("pad.badge", lang, name=entry.get("name", ""), code=entry["code"])


def cell(entry: Mapping[str, Any], key: str, kind: str, lang: str) -> Any:
    if key == "who":
        return who(entry, lang)
    if key == "mark":
        return i18n.t("ranking.last_twice", lang) if entry.get("last_twice") else ""
    return entry.get(key)


def tables(ranking: Mapping[str, Any], lang: str) -> list[Table]:
    """The two tables (windows, staff), rates as rates; a window last two months running is drawn out."""
    out = []
    for part in ("windows", "staff"):
        rows = [[cell(entry, key, kind, lang) for key, kind in COLUMNS] for entry in ranking[part]]
        marked = {n for n, entry in enumerate(ranking[part]) if entry.get("last_twice")}
        out.append(Table(i18n.t(f"ranking.{part}", lang), headers(lang), [k for _, k in COLUMNS], rows, marked))
    return out


def headers(lang: str) -> list[str]:
    return [i18n.t(f"ranking.col.{key}", lang) for key, _ in COLUMNS]


def render(ranking: Mapping[str, Any], fmt: str, *, lang: str, anchor: str) -> bytes:
    """The ranking in `fmt`; text formats are UTF-8."""
    if fmt == "json":
        return (json.dumps({**ranking, "anchor": anchor}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    title = i18n.t("ranking.title", lang, month=ranking["month"])
    said = [i18n.t("ranking.anchor", lang, anchor=anchor)]
    return tables_render(Document(title, said, tables(ranking, lang), lang), fmt)
