"""A clerk's bad ratings and their appeals (差评申诉, RATE-6), over the follow-up screen (F8, then b).

Every bad rating credited to the clerk over the last month — from the pad, a slip's QR code or the callback — newest
first: when, the case, the level, the channel, what the visitor said, whether it has been put right (RATE-2) and
where its appeal stands: open until a date (the policy's working days), waiting for a supervisor, upheld or voided.
Under the list, the highlighted rating in full. `s` appeals it (a kind — 误评, 恶意差评, 非本人服务, other — and a
reason in the clerk's words); Enter opens the case's history; Esc goes back. The list follows the file: a
supervisor's decision made meanwhile shows when it is written.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Select, Static

from firstask.desk import LIMITS, Desk, Rating
from firstask.i18n import t
from firstask.rules import APPEAL_REASONS, Staff
from firstask.screens.desk_screen import DeskScreen
from firstask.screens.dialog import label
from firstask.screens.setup_forms import FormDialog, field
from firstask.widgets.cells import cut
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.prose import Prose
from firstask.widgets.rating_text import (
    appeal_lines,
    appeal_text,
    channel_text,
    last_day,
    level_text,
    rating_line,
    remedy_text,
    said,
)
from firstask.widgets.title_bar import TitleBar

COLUMNS = ("at", "case", "level", "channel", "said", "remedy", "appeal")
NARROW = 100  # below this width the channel and the remedy are left to the panel under the list
NARROW_DROPS = ("channel", "remedy")
FLEXIBLE = "said"
SAID_AT_LEAST = 10
CELL_PADDING = 2
SCROLLBAR = 1


class BadRatingsScreen(DeskScreen):
    CSS_PATH = "bad_ratings.tcss"
    AUTO_FOCUS = "#bad-ratings"
    BINDINGS = [
        Binding("escape", "close", "appeals.key.back", id="close", tooltip="appeals.key.back_tip"),
        Binding("s", "appeal", "appeals.key.appeal", id="appeal", tooltip="appeals.key.appeal_tip"),
        Binding("enter", "history", "appeals.key.case", id="case", tooltip="appeals.key.case_tip", priority=True),
    ]
    ACTS_ON_ROW: ClassVar[set[str]] = {"appeal", "history"}
    NOTIFIES_ERRORS = False

    def __init__(self, desk: Desk, clerk: Staff, *, on_case: str | None = None) -> None:
        super().__init__(desk)
        self.clerk = clerk
        self.on_case = on_case  # the case whose latest bad rating the cursor starts on, if it has one
        self.shown: list[Rating] = []
        self.staff: dict[str, Staff] = {}

    def viewer(self) -> Staff:
        return self.clerk

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="bar")
        yield DataTable(id="bad-ratings", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("appeals.mine.empty")), id="empty", classes="empty")
        with Vertical(id="panel"):
            yield Prose(id="rating")
            yield Prose(id="said")
            yield Prose(id="appeal-detail")
        yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reread()

    def on_resize(self, _event: events.Resize) -> None:
        self.show()

    def reread(self) -> None:
        self.staff = self.desk.staff()
        self.shown = self.desk.bad_ratings_of(self.clerk.code)
        self.show()

    def may_appeal(self, rating: Rating) -> bool:
        return not rating.voided and rating.appealed_at is None and self.desk.now() <= self.desk.appeal_until(rating)

    def show(self) -> None:
        if not self.is_mounted:
            return
        now = self.desk.now()
        open_ = sum(1 for r in self.shown if self.may_appeal(r))
        waiting = sum(1 for r in self.shown if r.appealed_at is not None and r.decided_at is None)
        bar = t("appeals.mine.bar", who=self.clerk.name, count=len(self.shown), open=open_, waiting=waiting)
        self.query_one("#bar", Static).update(Text(bar, style="bold"))
        table = self.query_one("#bad-ratings", DataTable)
        under = self.current()
        rows = [
            {
                "at": Text(r.at.strftime("%m-%d %H:%M")),
                "case": Text(r.case_no),
                "level": level_text(r.level),
                "channel": channel_text(r),
                "said": Text(said(r)),
                "remedy": remedy_text(r),
                "appeal": appeal_text(r, self.desk.appeal_until(r), now),
            }
            for r in self.shown
        ]
        columns = [c for c in COLUMNS if self.size.width >= NARROW or c not in NARROW_DROPS]
        widths = {c: max([cell_len(t(f"appeals.col.{c}"))] + [row[c].cell_len for row in rows]) for c in columns}
        fixed = sum(widths[c] for c in columns if c != FLEXIBLE)
        widths[FLEXIBLE] = max(SAID_AT_LEAST, self.size.width - fixed - CELL_PADDING * len(columns) - SCROLLBAR)
        table.clear(columns=True)
        for column in columns:
            table.add_column(Text(t(f"appeals.col.{column}")), width=widths[column], key=column)
        for rating, row in zip(self.shown, rows, strict=True):
            row[FLEXIBLE] = Text(cut(row[FLEXIBLE].plain, widths[FLEXIBLE]))
            table.add_row(*(row[c] for c in columns), key=str(rating.id))
        if under is None and self.on_case is not None:
            under = next((r for r in self.shown if r.case_no == self.on_case), None)
            self.on_case = None
        if under is not None and any(r.id == under.id for r in self.shown):
            table.move_cursor(row=table.get_row_index(str(under.id)))
        table.display = bool(self.shown)
        self.query_one("#empty", Static).display = not self.shown
        self.show_panel()
        self.refresh_bindings()

    def show_panel(self) -> None:
        rating = self.current()
        panel = self.query_one("#panel", Vertical)
        panel.display = rating is not None
        if rating is None:
            return
        panel.border_title = t("appeals.panel_title", case=rating.case_no)
        self.query_one("#rating", Prose).show(rating_line(rating, self.staff))
        self.query_one("#said", Prose).show(t("appeals.detail.said", said=said(rating)))
        lines = [t("appeals.detail.remedy", state=remedy_text(rating).plain)]
        lines += appeal_lines(rating, self.staff) or [
            t(
                "appeals.detail.not_appealed",
                state=appeal_text(rating, self.desk.appeal_until(rating), self.desk.now()).plain,
            )
        ]
        self.query_one("#appeal-detail", Prose).show("\n".join(lines), style="bold")

    def current(self) -> Rating | None:
        if not self.is_mounted or not self.shown:
            return None
        table = self.query_one("#bad-ratings", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.shown if str(r.id) == key), None)

    @on(DataTable.RowHighlighted)
    def moved(self) -> None:
        self.show_panel()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in self.ACTS_ON_ROW:
            return True
        rating = self.current()
        if rating is None:
            return False
        return self.may_appeal(rating) if action == "appeal" else True

    def action_appeal(self) -> None:
        rating = self.current()
        if rating is None:
            return
        self.say()

        def after(saved: bool | None) -> None:
            if saved:
                self.notify(t("appeals.mine.sent", case=rating.case_no))
            self.reread()

        self.app.push_screen(AppealDialog(self.desk, self.clerk, rating), after)

    def action_history(self) -> None:
        rating = self.current()
        if rating is not None:
            self.open_history(rating.case_no)

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_history()

    def action_close(self) -> None:
        self.app.pop_screen()


class AppealDialog(FormDialog):
    """RATE-6: the rated staff member appeals a bad rating — what kind of appeal, and why, in their own words."""

    AUTO_FOCUS = "#kind"
    FIELDS: ClassVar[dict[str, str]] = {"kind": "kind", "reason": "reason"}
    SUBMITS = ("reason",)
    CONFIRM = "appeals.key.send"

    def __init__(self, desk: Desk, clerk: Staff, rating: Rating) -> None:
        super().__init__(desk, clerk)
        self.rating = rating
        self.result: Rating | None = None

    def title_text(self) -> str:
        return t("appeals.dialog.title")

    def header_text(self) -> str:
        return rating_line(self.rating, self.desk.staff())

    def compose_body(self) -> ComposeResult:
        yield Prose(t("appeals.detail.said", said=said(self.rating)), classes="finding")
        until = self.desk.appeal_until(self.rating)
        yield label("appeals.dialog.hint", until=last_day(until).isoformat()).add_class("note")
        kinds = [(t(f"rate.appeal_kind.{kind}"), kind) for kind in APPEAL_REASONS]
        yield from field(
            "appeals.dialog.kind", Select(kinds, prompt=t("appeals.dialog.kind_prompt"), id="kind"), "kind"
        )
        yield from field(
            "appeals.dialog.reason",
            Input(max_length=LIMITS["text"], id="reason", placeholder=t("appeals.dialog.reason_placeholder")),
            "reason",
        )

    def save(self) -> None:
        kind = self.query_one("#kind", Select).value
        self.result = self.desk.appeal(
            self.rating.id,
            self.supervisor.code,
            self.value("reason"),
            kind=kind if isinstance(kind, str) else "",
        )
