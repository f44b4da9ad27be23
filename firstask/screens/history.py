"""A case's full history (办理经过): every event — when, who, what, a summary of its detail — and the rule verdicts
recorded with it. Read only; Esc (or q) goes back to the list.

Nothing is cut: a long note or rule text wraps within its column (measured in cells, a Chinese character taking two),
and the row grows to hold it. The columns are laid out again when the window changes size.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from firstask.desk import Case, Desk, Event
from firstask.i18n import t
from firstask.privacy import mask_text, sees_whole
from firstask.rules import Staff
from firstask.widgets.cells import wrap
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.naming import staff_name

TEXT_FIELDS = ("summary", "text", "note", "reason", "result", "comment", "agency", "contact")
STAFF_FIELDS = ("to", "pending_to", "owner", "back_to")
COLUMNS = ("at", "by", "action", "detail", "rules")
# The most cells a short column takes before it wraps; the detail column takes what the others leave.
WIDEST = {"by": 10, "action": 14}
NARROWEST_TEXT = 12  # the detail and rule columns never get narrower than this
RULES_SHARE = 0.4  # of what the short columns leave, the rule texts take at most this much
# Runs of spaces and tabs, not line breaks nor the full-width space (U+3000), which the clerk typed on purpose.
_SPACES = re.compile(r"[^\S\n\u3000]+")


def as_typed(text: str) -> str:
    """A note as the clerk typed it, its lines kept, runs of spaces made one, blank lines dropped."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


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
    if event.action == "rate_visit":  # the visitor's own rating: where from, for whom, and what was wrong
        parts.append(t(f"rate.channel_name.{detail.get('channel')}"))
        if detail.get("staff"):
            parts.append(staff_name(str(detail["staff"]), staff))
        parts += [as_typed(str(reason)) for reason in detail.get("reasons") or ()]
    elif event.action == "appeal" and detail.get("kind"):
        parts.append(t(f"rate.appeal_kind.{detail['kind']}"))
    elif event.action == "decide_appeal":
        parts.append(t("rate.upheld" if detail.get("uphold") else "rate.voided"))
    if "days" in detail:
        parts.append(f"+{detail['days']}")
    due = detail.get("due")
    if isinstance(due, list) and len(due) == 2:
        parts.append(f"{due[0]} → {due[1]}")
    elif isinstance(due, str):
        parts.append(due)
    parts += [as_typed(str(detail[name])) for name in TEXT_FIELDS if detail.get(name)]
    return t("screens.history.detail_sep").join(parts)


def verdicts(event: Event) -> str:
    """The rule findings recorded with the event, each by rule id and its message, one a line."""
    found = event.detail.get("verdict") or []
    return "\n".join(f"{f.get('rule')}: {t(str(f.get('key')), **dict(f.get('params') or {}))}" for f in found)


def widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def column_widths(cells: list[dict[str, str]], headers: Mapping[str, str], room: int) -> dict[str, int]:
    """Each column's width in cells within `room`: the time whole, the clerk and the action up to `WIDEST`, the rule
    texts up to `RULES_SHARE` of the rest when there are any, the detail all that is left."""
    natural = {
        column: max([widest_line(headers[column])] + [widest_line(row[column]) for row in cells]) for column in COLUMNS
    }
    widths = {"at": natural["at"]}
    for column, most in WIDEST.items():
        widths[column] = min(natural[column], most)
    rest = room - sum(widths.values())
    if any(row["rules"] for row in cells):
        widths["rules"] = min(natural["rules"], max(NARROWEST_TEXT, int(rest * RULES_SHARE)))
    else:
        widths["rules"] = natural["rules"]  # no rule found anything: as wide as its header
    widths["detail"] = max(NARROWEST_TEXT, rest - widths["rules"])
    return widths


class HistoryScreen(ModalScreen[None]):
    CSS_PATH = "history.tcss"
    AUTO_FOCUS = "#events"
    BINDINGS = [
        Binding("escape", "close", "follow.key.close", id="close", tooltip="follow.key.close_tip"),
        Binding("q", "close", "follow.key.close", show=False),
    ]

    def __init__(self, desk: Desk, no: str, viewer: Staff | None = None) -> None:
        """`viewer`: the clerk who asked; unless they are the case's owner, first-asker or a supervisor, the phones
        and ID numbers typed into its notes are masked (SPEC §10). None: a supervisor's screen asked."""
        super().__init__()
        self.desk = desk
        self.no = no
        self.viewer = viewer
        self.cells: list[dict[str, str]] = []  # each event's columns as text, before wrapping
        self.seqs: list[str] = []
        self.laid_out_for = 0  # the table width the rows were wrapped to
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
        self.query_one("#header", Static).update(
            Text(
                t(
                    "follow.history.header",
                    no=case.no,
                    visitor=visitor,
                    status=t(f"status.{case.status}"),
                    first_asker=staff_name(case.first_asker, staff),
                    owner=staff_name(case.owner, staff),
                )
            )
        )
        self.read(case, staff)
        self.lay_out()

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.lay_out)

    def read(self, case: Case, staff: Mapping[str, Staff]) -> None:
        whole = self.viewer is None or sees_whole(self.viewer, case.owner, case.first_asker)

        def detail(event: Event) -> str:  # the numbers typed into its notes, masked as the case's phone is
            text = detail_summary(event, staff)
            return text if whole else mask_text(text) or ""

        self.cells = [
            {
                "at": event.at.isoformat(sep=" ", timespec="minutes"),
                "by": staff_name(event.by, staff) if event.by else t("follow.history.system"),
                "action": t(f"action.{event.action}"),
                "detail": detail(event),
                "rules": verdicts(event),
            }
            for event in case.history
        ]
        self.seqs = [str(event.seq) for event in case.history]

    def room(self, table: DataTable[Any]) -> int:
        """The cells the columns' text may take: the table's width less each column's padding and a scrollbar."""
        width = table.content_region.width or self.app.size.width - 8
        return width - table.styles.scrollbar_size_vertical - 2 * table.cell_padding * len(COLUMNS)

    def lay_out(self) -> None:
        """The rows wrapped to the columns' widths for the table as wide as it is now (its cursor kept)."""
        table = self.query_one("#events", DataTable)
        room = self.room(table)
        if room == self.laid_out_for:
            return
        self.laid_out_for = room
        headers = {column: t(f"follow.history.col_{column}") for column in COLUMNS}
        widths = column_widths(self.cells, headers, room)
        cursor = table.cursor_row
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(Text(headers[column]), width=widths[column], key=column)
        for seq, row in zip(self.seqs, self.cells, strict=True):
            wrapped = {column: wrap(row[column], widths[column]) for column in COLUMNS}
            table.add_row(
                *(Text(wrapped[column], style="bold red" if column == "rules" else "") for column in COLUMNS),
                height=max(text.count("\n") + 1 for text in wrapped.values()),
                key=seq,
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def action_close(self) -> None:
        self.dismiss(None)
