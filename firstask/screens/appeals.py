"""Appeals of bad ratings (申诉复核, RATE-6), a supervisor's screen over the violations review (F10, then p).

The appeals waiting for a decision, oldest first — who appealed, the case, the rating (level, channel, what the
visitor said), the kind of appeal and the staff member's reason; `a` shows the quarter's decided ones too, newest
first. Under the list, the highlighted appeal in full. `u` upholds it (the rating stays, and its remedy is still
owed) and `v` voids the rating (it stays in the history and leaves satisfaction and the ranking), each with a reason.
Enter opens the case's history; Esc goes back to the violations.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from firstask.desk import LIMITS, Desk, Rating
from firstask.i18n import t
from firstask.rules import Staff
from firstask.screens.desk_screen import DeskScreen
from firstask.screens.dialog import label
from firstask.screens.setup_forms import FormDialog, field
from firstask.widgets.cells import cut
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.naming import who
from firstask.widgets.prose import Prose
from firstask.widgets.rating_text import appeal_lines, appeal_text, channel_text, level_text, rating_line, said
from firstask.widgets.title_bar import TitleBar

COLUMNS = ("appealed", "staff", "case", "level", "channel", "kind", "reason", "state")
NARROW = 100  # below this width the channel, the kind and the time of the appeal are left to the panel
NARROW_DROPS = ("channel", "kind", "appealed")
FLEXIBLE = "reason"
REASON_AT_LEAST = 10
CELL_PADDING = 2
SCROLLBAR = 1


class AppealsScreen(DeskScreen):
    CSS_PATH = "appeals.tcss"
    AUTO_FOCUS = "#appeals"
    BINDINGS = [
        Binding("escape", "close", "appeals.key.back", id="close", tooltip="appeals.key.back_tip"),
        Binding("u", "decide('uphold')", "appeals.key.uphold", id="uphold", tooltip="appeals.key.uphold_tip"),
        Binding("v", "decide('void')", "appeals.key.void", id="void", tooltip="appeals.key.void_tip"),
        Binding("a", "show_all", "appeals.key.all", id="show_all", tooltip="appeals.key.all_tip"),
        Binding("enter", "history", "appeals.key.case", id="case", tooltip="appeals.key.case_tip", priority=True),
    ]
    ACTS_ON_ROW: ClassVar[set[str]] = {"decide", "history"}
    NOTIFIES_ERRORS = False

    def __init__(self, desk: Desk, supervisor: Staff) -> None:
        super().__init__(desk)
        self.supervisor = supervisor
        self.all = False
        self.everything: list[Rating] = []
        self.shown: list[Rating] = []
        self.staff: dict[str, Staff] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="bar")
        yield DataTable(id="appeals", cursor_type="row", zebra_stripes=True)
        yield Static(id="empty", classes="empty")
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
        self.everything = self.desk.appeals()
        self.show()

    def show(self) -> None:
        if not self.is_mounted:
            return
        waiting = [r for r in self.everything if r.decided_at is None]
        waiting.sort(key=lambda r: (r.appealed_at or r.at, r.id))  # the longest waiting first
        self.shown = self.everything if self.all else waiting
        bar = Text(t("appeals.list.bar", waiting=len(waiting), total=len(self.everything)), style="bold")
        bar.append("  ·  " + t("appeals.list.showing_all" if self.all else "appeals.list.showing_waiting"))
        self.query_one("#bar", Static).update(bar)
        table = self.query_one("#appeals", DataTable)
        under = self.current()
        rows = [
            {
                "appealed": Text(r.appealed_at.strftime("%m-%d %H:%M") if r.appealed_at else ""),
                "staff": Text(who(r.staff, self.staff)),
                "case": Text(r.case_no),
                "level": level_text(r.level),
                "channel": channel_text(r),
                "kind": Text(t(f"rate.appeal_kind.{r.appeal_kind or 'other'}")),
                "reason": Text(" ".join((r.appeal_reason or "").split())),
                "state": appeal_text(r),
            }
            for r in self.shown
        ]
        columns = [c for c in COLUMNS if self.size.width >= NARROW or c not in NARROW_DROPS]
        widths = {c: max([cell_len(t(f"appeals.col.{c}"))] + [row[c].cell_len for row in rows]) for c in columns}
        fixed = sum(widths[c] for c in columns if c != FLEXIBLE)
        widths[FLEXIBLE] = max(REASON_AT_LEAST, self.size.width - fixed - CELL_PADDING * len(columns) - SCROLLBAR)
        table.clear(columns=True)
        for column in columns:
            table.add_column(Text(t(f"appeals.col.{column}")), width=widths[column], key=column)
        for rating, row in zip(self.shown, rows, strict=True):
            row[FLEXIBLE] = Text(cut(row[FLEXIBLE].plain, widths[FLEXIBLE]))
            table.add_row(*(row[c] for c in columns), key=str(rating.id))
        if under is not None and any(r.id == under.id for r in self.shown):
            table.move_cursor(row=table.get_row_index(str(under.id)))
        table.display = bool(self.shown)
        empty = self.query_one("#empty", Static)
        empty.update(Text(t("appeals.list.empty_all" if self.all else "appeals.list.empty")))
        empty.display = not self.shown
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
        self.query_one("#appeal-detail", Prose).show("\n".join(appeal_lines(rating, self.staff)), style="bold")

    def current(self) -> Rating | None:
        if not self.is_mounted or not self.shown:
            return None
        table = self.query_one("#appeals", DataTable)
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
        return rating.decided_at is None if action == "decide" else True

    def action_show_all(self) -> None:
        self.all = not self.all
        self.show()

    def action_decide(self, decision: str) -> None:
        rating = self.current()
        if rating is None or rating.decided_at is not None:
            return
        self.say()

        def after(saved: bool | None) -> None:
            if saved:
                self.notify(
                    t(
                        f"appeals.list.saved_{decision}",
                        case=rating.case_no,
                        who=who(rating.staff, self.staff),
                    )
                )
            self.reread()

        self.app.push_screen(DecideAppealDialog(self.desk, self.supervisor, rating, decision), after)

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


class DecideAppealDialog(FormDialog):
    """RATE-6: a supervisor upholds an appealed rating or voids it, with a reason."""

    AUTO_FOCUS = "#reason"
    FIELDS: ClassVar[dict[str, str]] = {"reason": "reason"}
    SUBMITS = ("reason",)

    def __init__(self, desk: Desk, supervisor: Staff, rating: Rating, decision: str) -> None:
        super().__init__(desk, supervisor)
        localise(self, f"appeals.key.{decision}")
        self.rating = rating
        self.decision = decision
        self.result: Rating | None = None

    def title_text(self) -> str:
        return t(f"appeals.decide.{self.decision}_title")

    def header_text(self) -> str:
        return rating_line(self.rating, self.desk.staff())

    def compose_body(self) -> ComposeResult:
        yield Prose(t("appeals.detail.said", said=said(self.rating)), classes="finding")
        yield Prose("\n".join(appeal_lines(self.rating, self.desk.staff())), classes="finding")
        yield label(f"appeals.decide.{self.decision}_hint").add_class("note")
        yield from field(
            "appeals.decide.reason",
            Input(max_length=LIMITS["text"], id="reason", placeholder=t("appeals.decide.reason_placeholder")),
            "reason",
        )

    def save(self) -> None:
        self.result = self.desk.decide_appeal(
            self.rating.id, self.supervisor.code, uphold=self.decision == "uphold", reason=self.value("reason")
        )
