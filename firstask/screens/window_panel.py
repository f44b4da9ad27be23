"""The case at the window as the check-in screen's panel shows it: status, visitor, matter, who has it, due date,
what the notices asked for and what was presented or received, the result, then the keys that can act on it now.
Phones and ID numbers, and those typed into the case's text, are masked for a clerk who may not see them whole
(SPEC §10).
"""

from __future__ import annotations

from typing import Any

from firstask.desk import Case, notice_of
from firstask.i18n import t
from firstask.privacy import mask_phone, mask_text
from firstask.rules import QUIET_EVENTS, Staff
from firstask.screens.check_in_form import NEXT_KEY, limit_text
from firstask.widgets.naming import staff_name, weekday


def case_lines(c: Case, staff: dict[str, Staff], *, whole: bool, hints: list[str], about: str) -> list[tuple[str, str]]:
    """The case as it stands: status, visitor, matter, who has it, due date, what the notices asked for and
    what was presented or received, the result; then the keys that can act on it now."""
    lines: list[tuple[str, str]] = []

    def line(key: str, style: str = "", **params: Any) -> None:
        lines.append((t(key, **params), style))

    lines.append((c.no, "bold"))
    line("app.checkin.case_status", status=t(f"status.{c.status}"))
    visitor = c.visitor_name or t("app.cases.anonymous")
    phone = (c.phone if whole else mask_phone(c.phone)) or ""
    line("app.checkin.case_visitor", name=f"{visitor}  {phone}".strip())
    matter = c.matter_name or t("app.cases.none")
    if c.matter_info is not None:
        matter += "  ·  " + limit_text(c.matter_info)
    line("app.checkin.case_matter", matter=matter)
    line("app.checkin.case_people", first_asker=staff_name(c.first_asker, staff), owner=staff_name(c.owner, staff))
    if c.kind == "complaint" and c.about_staff:
        line("app.checkin.case_about", name=about, style="bold")
    if c.status == "handoff_pending" and c.pending_to:
        line("app.checkin.case_pending", name=staff_name(c.pending_to, staff), style="bold yellow")
        sent = next((e for e in reversed(c.history) if e.action == "hand_off"), None)
        if sent is not None and sent.detail.get("note"):
            line("app.checkin.case_handoff_note", note=str(sent.detail["note"]))
    if c.due:
        due = t("app.cases.due.provisional", text=c.due.isoformat()) if c.due_provisional else c.due.isoformat()
        line("app.checkin.case_due", due=f"{due} {weekday(c.due)}")
    notices = [notice_of(e) for e in c.history if e.action == "notify"]
    sep = t("dialog.list_sep")
    for n, notice in enumerate(notices, 1):
        line(
            "app.checkin.case_notice",
            n=n,
            at=f"{notice.at:%Y-%m-%d}",
            by=staff_name(notice.by, staff),
            items=sep.join(notice.items),
            style="yellow" if c.status == "awaiting_documents" else "",
        )
    presented = sorted({item for notice in notices for item in notice.presented})
    if presented:
        line("app.checkin.case_presented", items=sep.join(presented))
    received = next((e.detail.get("materials") for e in reversed(c.history) if e.action == "accept"), None)
    if received:
        items = sep.join(name + t("screens.catalogue_bracketed", text=pages) for name, pages in received)
        line("app.checkin.case_received", items=items)
    elif received is not None:
        line("app.checkin.case_received_none")
    returned = next((e for e in reversed(c.history) if e.action not in QUIET_EVENTS), None)
    if returned is not None and returned.action == "decline_handoff":
        line(
            "app.checkin.case_returned",
            name=staff_name(returned.by, staff),
            reason=str(returned.detail.get("reason", "")),
            style="bold yellow",
        )
    if c.result:
        line("app.checkin.case_result", result=c.result)
    lines.append(("", ""))
    for name in hints:
        line(f"app.checkin.hint.{name}", "dim")
    if not hints and c.status not in ("resolved", "closed"):  # a colleague's case: whom to turn to
        line("app.checkin.hint.not_yours", "dim", owner=staff_name(c.owner, staff))
    line("app.checkin.hint.next", "dim", next_key=NEXT_KEY)
    if not whole:  # the numbers typed into its notes, results and reasons, masked as its phone is
        lines = [(mask_text(text) or "", style) for text, style in lines]
    return lines
