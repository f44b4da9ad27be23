"""A report made of titled tables (the monthly ranking, the district's day) in csv, xlsx, html or md: the same
document in each, its text escaped (html, md) and never a formula (csv and xlsx hold values as they are).

Each column has a kind: "count", "text" and "code" are shown as they are, "rate" as a per cent to one decimal
(`report.percent`) — kept as the rate itself in csv and xlsx, where a machine or a spreadsheet reads it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from firstask.report import percent


@dataclass
class Table:
    name: str
    headers: Sequence[str]
    kinds: Sequence[str]  # per column: "count", "rate", "text" or "code"
    rows: list[list[Any]]
    marked: set[int] = field(default_factory=set)  # rows (by index) drawn out in html: last twice, the district's own


@dataclass
class Document:
    title: str
    said: Sequence[str]  # lines under the title
    tables: Sequence[Table]
    lang: str


# How html sets each kind of cell: counts and rates right-aligned, text on one line, a code (a history's head)
# small and broken anywhere rather than stretching the table.
CELL_CLASS = {"text": "t", "code": "c"}


def shown(value: Any, kind: str) -> str:
    if kind == "rate":
        return "—" if value is None else f"{percent(value)}%"
    return "" if value is None else str(value)


def render(doc: Document, fmt: str) -> bytes:
    """The document in `fmt` (csv, xlsx, html or md); text formats are UTF-8."""
    if fmt == "xlsx":
        return _xlsx(doc)
    return {"csv": _csv, "html": _html, "md": _md}[fmt](doc).encode("utf-8")


def _csv(doc: Document) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([doc.title])
    for line in doc.said:
        writer.writerow([line])
    for table in doc.tables:
        writer.writerow([])
        writer.writerow([table.name])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def _md(doc: Document) -> str:
    lines = [f"# {_md_text(doc.title)}", ""]
    for line in doc.said:
        lines += [_md_text(line), ""]
    for table in doc.tables:
        lines += [f"## {_md_text(table.name)}", "", "| " + " | ".join(map(_md_text, table.headers)) + " |"]
        lines.append("|" + "---|" * len(table.headers))
        for row in table.rows:
            cells = (_md_text(shown(v, kind)) for v, kind in zip(row, table.kinds, strict=True))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _md_text(text: str) -> str:
    return escape(str(text), quote=False).replace("|", "\\|")


def _html(doc: Document) -> str:
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if doc.lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{escape(doc.title)}</title><style>body{{font-family:sans-serif;margin:2rem}}"
        "table{border-collapse:collapse;margin-bottom:2rem}td,th{border:1px solid #999;padding:.3rem .6rem}"
        "td.n{text-align:right}td.t{white-space:nowrap}td.c{font-family:monospace;font-size:.8em;word-break:break-all;"
        "min-width:16em}tr.last td{color:#b3261e;font-weight:bold}</style></head><body>",
        f"<h1>{escape(doc.title)}</h1>",
        *(f"<p>{escape(line)}</p>" for line in doc.said),
    ]
    for table in doc.tables:
        parts.append(f"<h2>{escape(table.name)}</h2><table><tr>")
        parts += [f"<th>{escape(h)}</th>" for h in table.headers]
        parts.append("</tr>")
        for n, row in enumerate(table.rows):
            cells = "".join(
                f"<td class={CELL_CLASS.get(kind, 'n')}>{escape(shown(v, kind))}</td>"
                for v, kind in zip(row, table.kinds, strict=True)
            )
            mark = ' class="last"' if n in table.marked else ""
            parts.append(f"<tr{mark}>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def _xlsx(doc: Document) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    for n, table in enumerate(doc.tables):
        sheet = book.active if n == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = table.name[:31]
        sheet.append([doc.title])
        for line in doc.said:
            sheet.append([line])
        sheet.append(list(table.headers))
        header = sheet.max_row
        for cell in sheet[header]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
            for column, kind in enumerate(table.kinds, start=1):
                if kind == "rate":
                    sheet.cell(row=sheet.max_row, column=column).number_format = "0.0%"
        _widths(sheet, table, header)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(sheet: Any, table: Table, header: int) -> None:
    from openpyxl.utils import get_column_letter

    for column in range(1, len(table.headers) + 1):
        texts = [str(r[column - 1] or "") for r in table.rows] + [
            str(sheet.cell(row=header, column=column).value or "")
        ]
        sheet.column_dimensions[get_column_letter(column)].width = min(40, 4 + max(len(t) * 2 for t in texts))
