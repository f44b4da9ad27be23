"""A matter's service guide (办事指南) as lines for a `CaseSheet`: the check-in screen's panel beside the form, the
guide browser. The clerk reads it to a visitor or down the phone, so it goes in the order a visitor asks: who may
apply, what to bring, the steps, the fees, where and when, whom to call, online; then the centre's kept answers and,
dimmed, where the guide was taken from. A part that was inferred rather than read in a published guide is marked
(估), so that the clerk checks it before saying it; an hour or phone the guide lacks is the centre's own.
"""

from __future__ import annotations

from firstask.i18n import t
from firstask.rules import Matter, Policy

Lines = list[tuple[str, str]]  # (text, style), as CaseSheet.show takes them

HEADING = "bold"
DIM = "dim"
INDENT = "  "


def guide_lines(matter: Matter, policy: Policy, *, answers: bool = True, sources: bool = True) -> Lines:
    """The guide of `matter` as the clerk reads it (the matter's name first); what it lacks is left out."""
    guide = matter.guide
    lines: Lines = [(matter.name, "bold")]
    if matter.dept:
        lines.append((t("common.label_value", label=t("guide.dept"), value=matter.dept), ""))
    if guide.empty and not matter.documents:
        return [*lines, ("", ""), (t("guide.none_yet"), DIM)]

    def heading(part: str) -> None:
        mark = t("guide.estimated") if part in guide.estimated else ""
        lines.extend([("", ""), (t(f"guide.{part}") + mark, HEADING)])

    def numbered(items: tuple[str, ...] | list[str]) -> None:
        lines.extend((f"{INDENT}{n}. {item}", "") for n, item in enumerate(items, 1))

    if guide.conditions:
        heading("conditions")
        numbered(guide.conditions)
    if matter.documents:
        heading("documents")
        numbered(
            [
                d.name
                + (t("screens.catalogue_bracketed", text=d.form) if d.form else "")
                + (t("guide.document_when", when=d.when) if d.when else "")
                for d in matter.documents
            ]
        )
    if guide.procedure:
        heading("procedure")
        numbered(guide.procedure)
    for part, value, fallback in (
        ("fees", guide.fees, ""),
        ("place", guide.place, ""),
        ("hours", guide.hours, policy.centre_hours),
        ("phone", guide.phone, policy.centre_phone),
        ("online", guide.online, ""),
    ):
        shown = value.strip() or (t("guide.centre_value", value=fallback.strip()) if fallback.strip() else "")
        if shown:
            heading(part)
            lines.append((INDENT + shown, ""))
    if answers and guide.answers:
        heading("answers")
        for kept in guide.answers:
            lines.append((INDENT + t("guide.question", text=kept.question), "bold"))
            lines.extend(
                (INDENT + t("guide.answer", text=line) if n == 0 else INDENT + "   " + line, "")
                for n, line in enumerate(kept.answer.split("\n"))
            )
    if sources and guide.sources:
        heading("sources")
        for source in guide.sources:
            about = " · ".join(str(x) for x in (source.region, source.year) if x)
            lines.append((INDENT + " ".join(x for x in (source.title, f"({about})" if about else "") if x), DIM))
            lines.append((INDENT + source.url, DIM))
    return lines
