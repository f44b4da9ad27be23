"""The monthly ranking (月度排名通报, SPEC §12) as a report: json, csv, xlsx, html or md, in the report's language.

It holds staff names and codes and the windows' figures, no visitor: nothing in it is masked, and a voided rating
is already out of every figure (`Desk.ranking`). Like the day's report it states the history's head (its anchor).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from firstask import i18n
from firstask.report import percent

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


def shown(value: Any, kind: str, lang: str) -> str:
    if kind == "rate":
        return "—" if value is None else f"{percent(value)}%"
    return "" if value is None else str(value)


def tables(ranking: Mapping[str, Any], lang: str) -> list[tuple[str, list[list[Any]]]]:
    """The two tables (windows, staff), each a title and its rows of raw values (rates as rates)."""
    out = []
    for part in ("windows", "staff"):
        rows = [[cell(entry, key, kind, lang) for key, kind in COLUMNS] for entry in ranking[part]]
        out.append((i18n.t(f"ranking.{part}", lang), rows))
    return out


def headers(lang: str) -> list[str]:
    return [i18n.t(f"ranking.col.{key}", lang) for key, _ in COLUMNS]


def heading(ranking: Mapping[str, Any], lang: str, anchor: str) -> tuple[str, str]:
    return i18n.t("ranking.title", lang, month=ranking["month"]), i18n.t("ranking.anchor", lang, anchor=anchor)


def render(ranking: Mapping[str, Any], fmt: str, *, lang: str, anchor: str) -> bytes:
    """The ranking in `fmt`; text formats are UTF-8."""
    if fmt == "json":
        return (json.dumps({**ranking, "anchor": anchor}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(ranking, lang, anchor)
    return {"csv": _csv, "html": _html, "md": _md}[fmt](ranking, lang, anchor).encode("utf-8")


def _csv(ranking: Mapping[str, Any], lang: str, anchor: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    title, said = heading(ranking, lang, anchor)
    writer.writerow([title])
    writer.writerow([said])
    for name, rows in tables(ranking, lang):
        writer.writerow([])
        writer.writerow([name])
        writer.writerow(headers(lang))
        for row in rows:
            # Rates as rates (a machine reads them); counts and names as they are.
            writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def _md(ranking: Mapping[str, Any], lang: str, anchor: str) -> str:
    title, said = heading(ranking, lang, anchor)
    lines = [f"# {_md_text(title)}", "", _md_text(said), ""]
    for name, rows in tables(ranking, lang):
        lines += [f"## {_md_text(name)}", "", "| " + " | ".join(map(_md_text, headers(lang))) + " |"]
        lines.append("|" + "---|" * len(COLUMNS))
        for row in rows:
            lines.append(
                "| "
                + " | ".join(_md_text(shown(v, kind, lang)) for v, (_, kind) in zip(row, COLUMNS, strict=True))
                + " |"
            )
        lines.append("")
    return "\n".join(lines)


def _md_text(text: str) -> str:
    return escape(str(text)).replace("|", "\\|")


def _html(ranking: Mapping[str, Any], lang: str, anchor: str) -> str:
    title, said = heading(ranking, lang, anchor)
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>body{{font-family:sans-serif;margin:2rem}}"
        "table{border-collapse:collapse;margin-bottom:2rem}td,th{border:1px solid #999;padding:.3rem .6rem}"
        "td.n{text-align:right}tr.last td{color:#b3261e;font-weight:bold}</style></head><body>",
        f"<h1>{escape(title)}</h1><p>{escape(said)}</p>",
    ]
    for name, rows in tables(ranking, lang):
        parts.append(f"<h2>{escape(name)}</h2><table><tr>")
        parts += [f"<th>{escape(h)}</th>" for h in headers(lang)]
        parts.append("</tr>")
        for row in rows:
            last = ' class="last"' if row[-1] else ""
            cells = "".join(
                f"<td{' class=n' if kind != 'text' else ''}>{escape(shown(v, kind, lang))}</td>"
                for v, (_, kind) in zip(row, COLUMNS, strict=True)
            )
            parts.append(f"<tr{last}>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def _xlsx(ranking: Mapping[str, Any], lang: str, anchor: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = True
    for name, rows in tables(ranking, lang):
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = name[:31]
        title, said = heading(ranking, lang, anchor)
        sheet.append([title])
        sheet.append([said])
        sheet.append(headers(lang))
        for cell_ in sheet[3]:
            cell_.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for column, (_, kind) in enumerate(COLUMNS, start=1):
                if kind == "rate":
                    sheet.cell(row=sheet.max_row, column=column).number_format = "0.0%"
        _widths(sheet, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(sheet: Any, rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    for column in range(1, len(COLUMNS) + 1):
        texts = [str(r[column - 1] or "") for r in rows] + [str(sheet.cell(row=3, column=column).value or "")]
        sheet.column_dimensions[get_column_letter(column)].width = min(40, 4 + max(len(t) * 2 for t in texts))
