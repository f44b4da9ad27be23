"""What every report format shows (`firstask.export`): the report built once (`Report`), its sections of figures,
its tables (staff, bad ratings, violations, the cases behind the figures), labels and values in the report's language,
phones and ID numbers masked unless a supervisor asked otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from firstask import i18n, privacy
from firstask.report import percent

if TYPE_CHECKING:
    from firstask.desk import Violation

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
    return i18n.name_and_code(name, code, report.lang)


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
            "ratings_by_channel",
            f("section.ratings_by_channel"),
            [
                Figure(f"ratings_by_channel.{c}", f(f"rating_channel.{c}"), sum(levels.values()))
                for c, levels in s.get("ratings_by_channel", {}).items()
            ],
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
            f(f"rating_channel.{b.get('channel', 'callback')}"),
            staff_label(report, b["owner"]),
            _moment(b["at"]),
            _moment(b["remedied_at"]) if b["remedied_at"] else f("bad.pending"),
        ]
        for b in report.summary.get("bad_ratings", [])
    ]
    return Table(
        "bad_ratings",
        f("section.bad_ratings"),
        [f("bad.case"), f("bad.level"), f("bad.channel"), f("bad.owner"), f("bad.at"), f("bad.remedied")],
        rows,
        ["text"] * 6,
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
                i18n.join((report.label(f"action.{a}") for a in c["actions"]), report.lang),
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
