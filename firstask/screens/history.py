"""A case's full history (办理经过): every event — when, who, what, a summary of its detail — and the rule verdicts
recorded with it. Read only; Esc (or q) goes back to the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from firstask.desk import Desk, Event
from firstask.i18n import t
from firstask.rules import Staff
from firstask.screens.key_bar import KeyBar
from firstask.screens.keys import localise
from firstask.screens.words import staff_name

TEXT_FIELDS = ("summary", "text", "note", "reason", "result", "comment", "agency", "contact")
STAFF_FIELDS = ("to", "pending_to", "owner", "back_to")


def detail_summary(event: Event, staff: Mapping[str, Staff]) -> str:
    """The event's detail in one line: the change of status, then what was said and to whom."""
    detail: Mapping[str, Any] = event.detail
    parts: list[str] = []
    status = detail.get("status")
    if isinstance(status, list) and len(status) == 2 and status[0] != status[1]:
        before = f"{t(f'status.{status[0]}')} → " if status[0] else ""  # a check-in has no status before it
        parts.append(f"{before}{t(f'status.{status[1]}')}")
    if event.action == "hand_off" and detail.get("pending_to"):
        parts.append(f"→ {staff_name(detail['pending_to'], staff)}")
    elif event.action == "accept_handoff" and detail.get("owner"):
        parts.append(f"→ {staff_name(detail['owner'], staff)}")
    elif event.action == "decline_handoff" and detail.get("back_to"):
        parts.append(f"← {staff_name(detail['back_to'], staff)}")
    if "level" in detail:
        parts.append(t(f"follow.rate.levels.{detail['level']}"))
    if "days" in detail:
        parts.append(f"+{detail['days']}")
    due = detail.get("due")
    if isinstance(due, list) and len(due) == 2:
        parts.append(f"{due[0]} → {due[1]}")
    elif isinstance(due, str):
        parts.append(due)
    parts += [" ".join(str(detail[name]).split()) for name in TEXT_FIELDS if detail.get(name)]
    return "；".join(parts) if t("follow.list_sep") == "、" else "; ".join(parts)


def verdicts(event: Event) -> str:
    """The rule findings recorded with the event, each by rule id and its message."""
    found = event.detail.get("verdict") or []
    return " ".join(f"{f.get('rule')}: {t(str(f.get('key')), **dict(f.get('params') or {}))}" for f in found)


class HistoryScreen(ModalScreen[None]):
    CSS_PATH = "history.tcss"
    AUTO_FOCUS = "#events"
    BINDINGS = [
        Binding("escape", "close", "follow.key.close", id="close", tooltip="follow.key.close_tip"),
        Binding("q", "close", "follow.key.close", show=False),
    ]

    def __init__(self, desk: Desk, no: str) -> None:
        super().__init__()
        self.desk = desk
        self.no = no
        localise(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="history") as frame:
            frame.border_title = t("follow.history.title", no=self.no)
            yield Static(id="header")
            yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        case = self.desk.case(self.no)
        staff = self.desk.staff()
        visitor = case.visitor_name if case.visitor_name is not None else t("follow.anonymous")
        self.query_one("#header", Static).update(Text(t(
            "follow.history.header", no=case.no, visitor=visitor, status=t(f"status.{case.status}"),
            first_asker=staff_name(case.first_asker, staff), owner=staff_name(case.owner, staff))))
        table = self.query_one("#events", DataTable)
        for column in ("at", "by", "action", "detail", "rules"):
            table.add_column(Text(t(f"follow.history.col_{column}")), key=column)
        for event in case.history:
            who = staff_name(event.by, staff) if event.by else t("follow.history.system")
            table.add_row(Text(event.at.isoformat(sep=" ", timespec="minutes")), Text(who),
                          Text(t(f"action.{event.action}")), Text(detail_summary(event, staff)),
                          Text(verdicts(event), style="bold red"), key=str(event.seq))

    def action_close(self) -> None:
        self.dismiss(None)
