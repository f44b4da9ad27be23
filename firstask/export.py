"""Reports to file (SPEC §9, §10; CONTRACT.md `firstask report`): a day's or a period's summary as json, csv, xlsx,
html or md.

json is the summary itself (`Desk.summary(day)`, or `Desk.span_summary` for a period) and holds no personal data.
The other formats are documents for people: the same figures under headings in the report's language, the staff
table, the period's violations and the cases behind the figures, with phones and ID numbers masked (the case's own,
and those typed into its summary) unless a supervisor asked otherwise. Every format states the history's chain head,
the anchor for `firstask verify --anchor`.
Text typed by visitors and clerks is data: escaped in html and md, never a formula in csv and xlsx.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from firstask import i18n, privacy
from firstask.report import percent

if TYPE_CHECKING:
    from firstask.desk import Desk, Violation

FORMATS = ("json", "csv", "xlsx", "html", "md")
BINARY = frozenset({"xlsx"})
RATING_LEVELS = ("5", "4", "3", "2", "1")
# A spreadsheet reads a cell starting with one of these as a formula; user text must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Report:
    """Everything a report shows: built once by `build`, rendered by `render` in any format."""

    summary: dict[str, Any]
    cases: list[dict[str, Any]]
    violations: list[Violation]
    trend: list[dict[str, Any]]
    staff_names: dict[str, str]
    lang: str
    unmasked_by: str | None = None

    @property
    def is_range(self) -> bool:
        return self.summary.get("day") is None

    def t(self, key: str, **params: Any) -> str:
        return i18n.t(f"report.{key}", self.lang, **params)

    def label(self, key: str) -> str:
        """A word of the shared catalogue (channel.visit, status.open, action.answer) in the report's language."""
        return i18n.t(key, self.lang)


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


# --- what every format shows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str  # stable, for machines: "received", "by_channel.visit", "ratings.5", "violations.by_rule.LANG-1"
    label: str  # in the report's language, unique within a report
    value: Any  # int, float (a rate or minutes), str, or None
    kind: str = "count"  # count | rate | minutes | text


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    kinds: list[str]  # per column: count | rate | minutes | text | code (phone, ID number: shown as typed)


def period_text(report: Report) -> tuple[str, str]:
    """The heading's label and value: the day, or the period."""
    s = report.summary
    if report.is_range:
        return report.t("period"), report.t("range", first=s["from"], last=s["to"])
    return report.t("day"), s["day"]


def title(report: Report) -> str:
    return report.t("title_range" if report.is_range else "title")


def anchor(report: Report) -> str:
    chain = report.summary["chain"]
    return f"{chain['events']}:{chain['head']}"


def privacy_line(report: Report) -> str:
    return report.t("unmasked", code=report.unmasked_by) if report.unmasked_by else report.t("masked")


def staff_label(report: Report, code: str | None) -> str:
    if not code or code == "-":
        return report.t("none")
    name = report.staff_names.get(code)
    if not name:
        return code
    return f"{name}（{code}）" if report.lang == "zh" else f"{name} ({code})"


def rule_label(report: Report, rule: str) -> str:
    name = i18n.catalogue(report.lang).get(f"report.rule.{rule}")
    return f"{rule} {name}" if name else rule


def sections(report: Report) -> list[Section]:
    s = report.summary
    f = report.t
    h = s["handoffs"]
    v = s["violations"]
    headline = [
        Figure("received", f("figure.received"), s["received"]),
        Figure("answered_on_spot", f("figure.answered_on_spot"), s["answered_on_spot"]),
        Figure("on_spot_rate", f("figure.on_spot_rate"), s.get("on_spot_rate"), "rate"),
        Figure("notices", f("figure.notices"), s["notices"]),
        Figure("second_notices", f("figure.second_notices"), s["second_notices"]),
        Figure("accepted", f("figure.accepted"), s["accepted"]),
        Figure("handoffs.made", f("figure.handoffs_made"), h.get("made")),
        Figure("handoffs.accepted", f("figure.handoffs_accepted"), h["accepted"]),
        Figure("handoffs.pending", f("figure.handoffs_pending"), h["pending"]),
        Figure("handoffs.declined", f("figure.handoffs_declined"), h["declined"]),
        Figure(
            "handoffs.median_minutes_to_accept",
            f("figure.handoff_minutes"),
            h.get("median_minutes_to_accept"),
            "minutes",
        ),
        Figure("referred", f("figure.referred"), s["referred"]),
        Figure("rejected", f("figure.rejected"), s["rejected"]),
        Figure("resolved", f("figure.resolved"), s["resolved"]),
        Figure("open", f("figure.open"), s["open"]),
        Figure("overdue", f("figure.overdue"), len(s["overdue"])),
        Figure("due_tomorrow", f("figure.due_tomorrow"), len(s["due_tomorrow"])),
        Figure("next_working_day", f("figure.next_working_day"), s.get("next_working_day"), "text"),
        Figure("rated", f("figure.rated"), sum(s["ratings"].values())),
        Figure("satisfaction_rate", f("figure.satisfaction_rate"), s["satisfaction_rate"], "rate"),
        Figure("violations.total", f("figure.violations"), v.get("total", sum(v["by_rule"].values()))),
        Figure("violations.open_reviews", f("figure.open_reviews"), v.get("open_reviews")),
    ]
    return [
        Section("figures", f("section.figures"), headline),
        Section(
            "by_channel",
            f("section.by_channel"),
            [Figure(f"by_channel.{c}", report.label(f"channel.{c}"), n) for c, n in s["by_channel"].items()],
        ),
        Section(
            "by_kind",
            f("section.by_kind"),
            [Figure(f"by_kind.{k}", report.label(f"kind.{k}"), n) for k, n in s["by_kind"].items()],
        ),
        Section(
            "ratings",
            f("section.ratings"),
            [Figure(f"ratings.{level}", f(f"rating.{level}"), s["ratings"].get(level, 0)) for level in RATING_LEVELS],
        ),
        Section(
            "violations_by_rule",
            f("section.violations_by_rule"),
            [Figure(f"violations.by_rule.{rule}", rule_label(report, rule), n) for rule, n in v["by_rule"].items()],
        ),
        Section(
            "violations_by_staff",
            f("section.violations_by_staff"),
            [Figure(f"violations.by_staff.{code}", staff_label(report, code), n) for code, n in v["by_staff"].items()],
        ),
    ]


def staff_table(report: Report) -> Table:
    f = report.t
    keys = (
        "code",
        "name",
        "received",
        "owned",
        "resolved",
        "on_time_rate",
        "median_first_response_minutes",
        "violations",
    )
    return Table(
        "staff",
        f("section.staff"),
        [
            f("staff.code"),
            f("staff.name"),
            f("staff.received"),
            f("staff.owned"),
            f("staff.resolved"),
            f("staff.on_time_rate"),
            f("staff.first_response"),
            f("staff.violations"),
        ],
        [[row.get(k) for k in keys] for row in report.summary["staff"]],
        ["text", "text", "count", "count", "count", "rate", "minutes", "count"],
    )


def case_list_table(report: Report, key: str, numbers: Sequence[str]) -> Table:
    """The overdue or due-next cases, each with its owner and due date (the cases table has the rest)."""
    f = report.t
    by_no = {c["no"]: c for c in report.cases}
    rows = [[no, staff_label(report, by_no.get(no, {}).get("owner")), by_no.get(no, {}).get("due")] for no in numbers]
    return Table(
        key, f(f"section.{key}"), [f("case.no"), f("case.owner"), f("case.due")], rows, ["text", "text", "text"]
    )


def bad_ratings_table(report: Report) -> Table:
    f = report.t
    rows = [
        [
            b["case"],
            f(f"rating.{b['level']}"),
            staff_label(report, b["owner"]),
            _moment(b["at"]),
            _moment(b["remedied_at"]) if b["remedied_at"] else f("bad.pending"),
        ]
        for b in report.summary.get("bad_ratings", [])
    ]
    return Table(
        "bad_ratings",
        f("section.bad_ratings"),
        [f("bad.case"), f("bad.level"), f("bad.owner"), f("bad.at"), f("bad.remedied")],
        rows,
        ["text"] * 5,
    )


def violations_table(report: Report) -> Table:
    f = report.t
    end = _period_end(report)
    rows = []
    for v in report.violations:
        review = v.review or {}
        # As the period's figures: a review made after the period does not show in it.
        decided = review.get("decision") if review.get("at") is not None and review["at"] < end else None
        detail = v.detail.get("key")
        rows.append(
            [
                v.at.strftime("%Y-%m-%d %H:%M"),
                rule_label(report, v.rule),
                staff_label(report, v.staff),
                v.case_no or f("none"),
                i18n.t(detail, report.lang, **v.detail.get("params", {})) if detail else "",
                f(f"violation.{decided}") if decided in ("confirm", "excuse") else f("violation.open"),
            ]
        )
    return Table(
        "violations",
        f("section.violations"),
        [
            f("violation.at"),
            f("violation.rule"),
            f("violation.staff"),
            f("violation.case"),
            f("violation.detail"),
            f("violation.review"),
        ],
        rows,
        ["text"] * 6,
    )


def cases_table(report: Report) -> Table:
    f = report.t
    rows = []
    for c in report.cases:
        rows.append(
            [
                c["no"],
                _moment(c["created_at"]),
                report.label(f"channel.{c['channel']}"),
                report.label(f"kind.{c['kind']}"),
                c["matter"] or "",
                typed(report, c["summary"]),
                f("anonymous") if c["anonymous"] else (c["visitor"] or ""),
                c["phone"] or "",
                c["id_number"] or "",
                staff_label(report, c["first_asker"]),
                staff_label(report, c["owner"]),
                report.label(f"status.{c['status']}"),
                c["due"] or "",
                "、".join(report.label(f"action.{a}") for a in c["actions"])
                if report.lang == "zh"
                else ", ".join(report.label(f"action.{a}") for a in c["actions"]),
            ]
        )
    return Table(
        "cases",
        f("section.cases"),
        [
            f("case.no"),
            f("case.created"),
            f("case.channel"),
            f("case.kind"),
            f("case.matter"),
            f("case.summary"),
            f("case.visitor"),
            f("case.phone"),
            f("case.id_number"),
            f("case.first_asker"),
            f("case.owner"),
            f("case.status"),
            f("case.due"),
            f("case.actions_range" if report.is_range else "case.actions"),
        ],
        rows,
        [
            "text",
            "text",
            "text",
            "text",
            "text",
            "text",
            "text",
            "code",
            "code",
            "text",
            "text",
            "text",
            "text",
            "text",
        ],
    )


def typed(report: Report, text: str | None) -> str:
    """Text a visitor or a clerk typed, with the phones and ID numbers in it masked as the case's own fields are
    (SPEC §10), unless a supervisor asked for the report unmasked."""
    return (text if report.unmasked_by else privacy.mask_text(text)) or ""


def tables(report: Report) -> list[Table]:
    s = report.summary
    return [
        staff_table(report),
        case_list_table(report, "overdue", s["overdue"]),
        case_list_table(report, "due_tomorrow", s["due_tomorrow"]),
        bad_ratings_table(report),
        violations_table(report),
        cases_table(report),
    ]


def shown(report: Report, value: Any, kind: str = "count") -> str:
    """A value as a person reads it: rates in per cent, minutes to a tenth, nothing as a dash."""
    if value is None or value == "":
        return report.t("none") if value is None else ""
    if kind == "rate":
        return f"{percent(value)}%"  # half up from the exact fraction, as the screens show it: 13/16 is 81.3%
    if kind == "minutes":
        return f"{value:.1f}"
    return str(value)


def _moment(text: str | None) -> str:
    return text.replace("T", " ")[:16] if text else ""


def _period_end(report: Report) -> datetime:
    last = report.summary["to"] if report.is_range else report.summary["day"]
    return datetime.fromisoformat(last) + timedelta(days=1)


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


# --- html ---------------------------------------------------------------------------------------------------------

STYLE = """
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       font-size: 10.5pt; color: #111; margin: 1.5em; }
h1 { font-size: 16pt; margin: 0 0 .4em; }
h2 { font-size: 12pt; margin: 1.2em 0 .4em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: .2em 0 .6em; }
th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: left; vertical-align: top; }
thead th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.meta th { background: #f6f6f6; font-weight: normal; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.note { color: #444; font-size: 9.5pt; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; word-break: break-all; }
svg text { font-family: inherit; font-size: 11px; }
section, tr, svg { break-inside: avoid; page-break-inside: avoid; }
@media print { body { margin: 0; } }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def to_html(report: Report) -> str:
    """One printable page, nothing fetched from elsewhere: inline styles, and the charts as inline SVG bars."""
    parts: list[str] = []
    add = parts.append
    lang = "zh-CN" if report.lang == "zh" else "en"
    add(f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n')
    add(f"<title>{_e(title(report))} {_e(period_text(report)[1])}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n")
    add(f"<h1>{_e(title(report))}</h1>\n")
    period_label, period_value = period_text(report)
    add('<table class="meta">\n')
    add(f"<tr><th>{_e(period_label)}</th><td>{_e(period_value)}</td></tr>\n")
    add(f"<tr><th>{_e(report.t('chain'))}</th><td><code>{_e(anchor(report))}</code></td></tr>\n")
    add(f'<tr><td colspan="2">{_e(privacy_line(report))}</td></tr>\n</table>\n')
    if report.is_range:
        add(f'<p class="note">{_e(report.t("range_note", last=report.summary["to"]))}</p>\n')

    by_key = {s.key: s for s in sections(report)}
    add(_html_section(report, by_key["figures"]))
    for key in ("by_channel", "by_kind", "ratings", "violations_by_rule", "violations_by_staff"):
        section = by_key[key]
        chart = _svg_bars([(fig.label, fig.value or 0) for fig in section.figures], section.title)
        add(f'<section class="pair">\n{_html_section(report, section)}<div>{chart}</div>\n</section>\n')
    if report.trend:
        add(f"<section>\n<h2>{_e(report.t('section.trend'))}</h2>\n{_svg_trend(report)}\n</section>\n")
    for table in tables(report):
        add(_html_table(report, table))
    add("</body>\n</html>\n")
    return "".join(parts)


def _html_section(report: Report, section: Section) -> str:
    rows = "".join(
        f'<tr><th>{_e(fig.label)}</th><td class="n">{_e(shown(report, fig.value, fig.kind))}</td></tr>\n'
        for fig in section.figures
    )
    return f"<div>\n<h2>{_e(section.title)}</h2>\n<table>\n{rows}</table>\n</div>\n"


def _html_table(report: Report, table: Table) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for value, kind in zip(row, table.kinds, strict=True):
            numeric = kind in ("count", "rate", "minutes")
            cls = ' class="n"' if numeric else ""
            cells.append(f"<td{cls}>{_e(shown(report, value, kind) if numeric or value is None else value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>\n")
    rows = "".join(body) if body else f'<tr><td colspan="{len(table.columns)}">{_e(report.t("none"))}</td></tr>\n'
    return (
        f"<section>\n<h2>{_e(table.title)}</h2>\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}"
        "</tbody>\n</table>\n</section>\n"
    )


def _svg_bars(items: Sequence[tuple[str, int | float]], caption: str) -> str:
    """Horizontal bars, one per item, the value written after the bar."""
    if not items:
        return ""
    label_w, bar_w, row_h = 150, 220, 20
    top = max((v for _, v in items), default=0) or 1
    height = row_h * len(items) + 6
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 50}" height="{height}" '
        f'role="img" aria-label="{_e(caption)}"><title>{_e(caption)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 3 + i * row_h
        w = round(bar_w * value / top, 1)
        out.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row_h - 6}" fill="#4a78a8"/>'
            f'<text x="{label_w + w + 4}" y="{y + 13}">{_e(value)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _svg_trend(report: Report) -> str:
    """Received, resolved and overdue per day: three thin bars a day, with a legend."""
    series = (("received", "#4a78a8"), ("resolved", "#5a9a5a"), ("overdue", "#c0504d"))
    days = report.trend
    top = max((d[k] for d in days for k, _ in series), default=0) or 1
    slot, bar, chart_h, left, bottom = 21, 6, 140, 30, 34
    width = left + slot * len(days) + 10
    height = chart_h + bottom + 22
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(report.t("section.trend"))}"><title>{_e(report.t("section.trend"))}</title>',
        f'<line x1="{left}" y1="{chart_h + 20}" x2="{width - 5}" y2="{chart_h + 20}" stroke="#888"/>',
        f'<text x="{left - 4}" y="{28}" text-anchor="end">{top}</text>',
    ]
    for i, d in enumerate(days):
        x0 = left + i * slot + 1
        for j, (key, colour) in enumerate(series):
            h = round(chart_h * d[key] / top, 1)
            out.append(
                f'<rect x="{x0 + j * bar}" y="{chart_h + 20 - h}" width="{bar - 1}" height="{h}" '
                f'fill="{colour}"><title>{_e(d["day"])} {_e(report.t("trend." + key))} {d[key]}</title>'
                "</rect>"
            )
        if i % 5 == 0 or i == len(days) - 1:
            out.append(f'<text x="{x0}" y="{chart_h + 34}">{_e(d["day"][5:])}</text>')
    for j, (key, colour) in enumerate(series):
        x = left + j * 90
        out.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="13">{_e(report.t("trend." + key))}</text>'
        )
    out.append("</svg>")
    return "".join(out)


# --- md -----------------------------------------------------------------------------------------------------------

MD_SPECIAL = "\\`*_[]<>|#~!&"


def _md(value: Any) -> str:
    """User text as literal Markdown: one line, every character that could start markup escaped."""
    text = " ".join(str(value).split()) if value is not None else ""
    return "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in text)


def _md_code(value: Any) -> str:
    """Phones and ID numbers as code, so that a masked 138****5678 is not read as emphasis."""
    text = str(value or "")
    return f"`{text}`" if text and "`" not in text else _md(text)


def to_md(report: Report) -> str:
    """For pasting into a message or a wiki: headings, key-value tables and the tables of the report."""
    lines: list[str] = [f"# {_md(title(report))}", ""]
    period_label, period_value = period_text(report)
    colon = "：" if report.lang == "zh" else ": "
    lines.append(f"- {_md(period_label)}{colon}{_md(period_value)}")
    lines.append(f"- {_md(report.t('chain'))}{colon}`{anchor(report)}`")
    lines.append(f"- {_md(privacy_line(report))}")
    if report.is_range:
        lines.append(f"- {_md(report.t('range_note', last=report.summary['to']))}")
    lines.append("")
    for section in sections(report):
        lines += [
            f"## {_md(section.title)}",
            "",
            f"| {_md(report.t('item'))} | {_md(report.t('value'))} |",
            "| --- | ---: |",
        ]
        lines += [f"| {_md(fig.label)} | {_md(shown(report, fig.value, fig.kind))} |" for fig in section.figures]
        lines.append("")
    for table in tables(report):
        lines += [f"## {_md(table.title)}", ""]
        if not table.rows:
            lines += [_md(report.t("none")), ""]
            continue
        lines.append("| " + " | ".join(_md(c) for c in table.columns) + " |")
        lines.append(
            "| " + " | ".join("---:" if k in ("count", "rate", "minutes") else "---" for k in table.kinds) + " |"
        )
        for row in table.rows:
            cells = [
                _md_code(v)
                if k == "code"
                else _md(shown(report, v, k) if k in ("count", "rate", "minutes") or v is None else v)
                for v, k in zip(row, table.kinds, strict=True)
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
