"""Reports as documents: html (figures, tables, bar charts and the trend as inline SVG) and md. Text typed by
visitors and clerks is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from firstask import i18n

if TYPE_CHECKING:
    pass
from firstask.export.contents import (
    Report,
    Section,
    Table,
    anchor,
    period_text,
    privacy_line,
    sections,
    shown,
    tables,
    title,
)

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
    for key in ("by_channel", "by_kind", "ratings", "ratings_by_channel", "violations_by_rule", "violations_by_staff"):
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
    lines.append("- " + i18n.t("common.label_value", report.lang, label=_md(period_label), value=_md(period_value)))
    lines.append(
        "- " + i18n.t("common.label_value", report.lang, label=_md(report.t("chain")), value=f"`{anchor(report)}`")
    )
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
