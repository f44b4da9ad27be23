"""Reports as sheets: csv (one table after another) and xlsx (a sheet per table, widths fitted). Text typed by
visitors and clerks stays text, never a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from firstask.report import percent

if TYPE_CHECKING:
    pass
from firstask.export.contents import (
    FORMULA_START,
    Report,
    anchor,
    bad_ratings_table,
    case_list_table,
    cases_table,
    period_text,
    privacy_line,
    sections,
    staff_table,
    tables,
    title,
    violations_table,
)

# --- csv ----------------------------------------------------------------------------------------------------------


def to_csv(report: Report) -> str:
    """Blocks separated by an empty row, each with its header: the figures (key, label, value), then the tables.

    Values are as in json: counts, rates as fractions, nothing as an empty cell, case lists space-separated.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    f = report.t
    w.writerow([f("key"), f("item"), f("value")])
    period_label, period_value = period_text(report)
    w.writerow(["title", title(report), ""])
    if report.is_range:
        w.writerow(["from", period_label, report.summary["from"]])
        w.writerow(["to", period_label, report.summary["to"]])
    else:
        w.writerow(["day", period_label, period_value])
    w.writerow(["chain", f("chain"), anchor(report)])
    w.writerow(["masked", privacy_line(report), "false" if report.unmasked_by else "true"])
    for section in sections(report):
        for fig in section.figures:
            w.writerow([fig.key, fig.label, "" if fig.value is None else fig.value])
    w.writerow(["overdue.cases", f("section.overdue"), " ".join(report.summary["overdue"])])
    w.writerow(["due_tomorrow.cases", f("section.due_tomorrow"), " ".join(report.summary["due_tomorrow"])])
    for table in tables(report):
        if table.key in ("overdue", "due_tomorrow"):
            continue  # listed above; their details are in the cases block
        w.writerow([])
        w.writerow([table.title])
        w.writerow(table.columns)
        for row in table.rows:
            w.writerow([_csv_cell(value, kind) for value, kind in zip(row, table.kinds, strict=True)])
    return out.getvalue()


def _csv_cell(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "text" and isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # what spreadsheets themselves write to keep such text from being run as a formula
    return value


# --- xlsx ---------------------------------------------------------------------------------------------------------


def to_xlsx(report: Report) -> bytes:
    """Sheets for the summary, the cases, the violations and the staff, headed in the report's language."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDDDDD")
    # One style object each, shared by every cell that has it (openpyxl would otherwise compare thousands).
    head_align, body_align = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    none = report.t("none")
    wb = Workbook()
    assert wb.active is not None
    summary = _Sheet(wb.active)
    summary.ws.title = report.t("sheet.summary")
    summary.add([title(report)], font=Font(bold=True, size=14))
    period_label, period_value = period_text(report)
    summary.add([period_label, period_value], ["text", "text"])
    if report.is_range:
        summary.add([report.t("range_note", last=report.summary["to"])], ["text"])
    summary.add([report.t("chain"), anchor(report)], ["text", "text"])
    summary.add([privacy_line(report)], ["text"])
    for section in sections(report):
        summary.add([])
        summary.add([section.title], font=bold)
        for fig in section.figures:
            summary.add([fig.label, fig.value], ["text", fig.kind], none=none)
    for table in (
        case_list_table(report, "overdue", report.summary["overdue"]),
        case_list_table(report, "due_tomorrow", report.summary["due_tomorrow"]),
        bad_ratings_table(report),
    ):
        summary.add([])
        summary.add([table.title], font=bold)
        summary.add(table.columns, ["text"] * len(table.columns), font=bold)
        for row in table.rows:
            summary.add(row, table.kinds, none=none)
    _fit_widths(summary.ws, limit=48)

    for table, sheet_key in (
        (cases_table(report), "cases"),
        (violations_table(report), "violations"),
        (staff_table(report), "staff"),
    ):
        sheet = _Sheet(wb.create_sheet(report.t(f"sheet.{sheet_key}")))
        sheet.add(table.columns, ["text"] * len(table.columns), font=bold, fill=head_fill, alignment=head_align)
        for row in table.rows:
            sheet.add(row, table.kinds, none=none, alignment=body_align)
        sheet.ws.freeze_panes = "A2"
        _fit_widths(sheet.ws, limit=48)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class _Sheet:
    """A worksheet written a row at a time, counting its own rows: asking openpyxl for the last row looks at every
    cell, which made a busy day's export quadratic."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.row = 0

    def add(
        self,
        values: Sequence[Any],
        kinds: Sequence[str] = (),
        *,
        none: str = "",
        font: Any = None,
        fill: Any = None,
        alignment: Any = None,
    ) -> None:
        self.row += 1
        for column, value in enumerate(values, start=1):
            kind = kinds[column - 1] if column <= len(kinds) else "text"
            cell = self.ws.cell(row=self.row, column=column, value=none if value is None else value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl takes "=…" for a formula; typed text stays text
            elif kind == "rate" and value is not None:
                # The rate itself, shown to a tenth of a per cent: spreadsheets round that half away from nought,
                # which for a rate is half up, as `percent` does (0.8125 shows 81.3%).
                cell.number_format = "0.0%"
            elif kind == "minutes" and value is not None:
                cell.number_format = "0.0"
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if alignment is not None:
                cell.alignment = alignment


def _fit_widths(ws: Any, *, limit: int) -> None:
    """Columns as wide as their longest cell, measured in cells (a Chinese character is two), up to `limit`."""
    # Rich measures as the screens do; imported here, when a spreadsheet is written, so that the reports' module
    # loads no user-interface library (tests/test_import_hygiene.py).
    from rich.cells import cell_len

    widths: dict[str, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = f"{percent(cell.value)}%" if cell.number_format == "0.0%" else str(cell.value)
            # A title or note alone in its row spills over empty cells; it should not widen column A.
            if cell.column == 1 and len(row) > 1 and all(c.value is None for c in row[1:]) and cell_len(text) > 24:
                continue
            widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), cell_len(text))
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = min(width + 2, limit)
