"""Appeals of bad ratings (申诉复核, RATE-6), a supervisor's screen over the violations review (F10, then p).

The appeals waiting for a decision, oldest first — who appealed, the case, the rating (level, channel, what the
visitor said), the kind of appeal and the staff member's reason; `a` shows the quarter's decided ones too, newest
first. Under the list, the highlighted appeal in full. `u` upholds it (the rating stays, and its remedy is still
owed) and `v` voids the rating (it stays in the history and leaves satisfaction and the ranking), each with a reason.
Enter opens the case's history; Esc goes back to the violations.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from firstask.desk import LIMITS, Desk, Rating
from firstask.i18n import t
from firstask.rules import Staff
from firstask.screens.dialog import label
from firstask.screens.rating_list import RatingListScreen
from firstask.screens.setup_forms import FormDialog, field
from firstask.widgets.keys import localise
from firstask.widgets.naming import who
from firstask.widgets.prose import Prose
from firstask.widgets.rating_text import appeal_lines, appeal_text, channel_text, level_text, rating_line, said


class AppealsScreen(RatingListScreen):
    CSS_PATH = "rating_list.tcss"
    AUTO_FOCUS = "#appeals"
    TABLE = "appeals"
    COLUMNS = ("appealed", "staff", "case", "level", "channel", "kind", "reason", "state")
    FLEXIBLE = "reason"
    NARROW_DROPS = ("channel", "kind", "appealed")  # the panel under the list says them
    BINDINGS = [
        Binding("escape", "close", "appeals.key.back", id="close", tooltip="appeals.key.back_tip"),
        Binding("u", "decide('uphold')", "appeals.key.uphold", id="uphold", tooltip="appeals.key.uphold_tip"),
        Binding("v", "decide('void')", "appeals.key.void", id="void", tooltip="appeals.key.void_tip"),
        Binding("a", "show_all", "appeals.key.all", id="show_all", tooltip="appeals.key.all_tip"),
        Binding("enter", "history", "appeals.key.case", id="case", tooltip="appeals.key.case_tip", priority=True),
    ]
    ACTS_ON_ROW: ClassVar[set[str]] = {"decide", "history"}

    def __init__(self, desk: Desk, supervisor: Staff) -> None:
        super().__init__(desk)
        self.supervisor = supervisor
        self.all = False
        self.everything: list[Rating] = []

    def reread(self) -> None:
        self.staff = self.desk.staff()
        self.everything = self.desk.appeals()
        self.show()

    def waiting(self) -> list[Rating]:
        """The appeals waiting for a decision, the longest waiting first."""
        return sorted((r for r in self.everything if r.decided_at is None), key=lambda r: (r.appealed_at or r.at, r.id))

    def show(self) -> None:
        self.shown = self.everything if self.all else self.waiting()
        super().show()

    def bar(self) -> Text:
        text = Text(t("appeals.list.bar", waiting=len(self.waiting()), total=len(self.everything)), style="bold")
        text.append("  ·  " + t("appeals.list.showing_all" if self.all else "appeals.list.showing_waiting"))
        return text

    def empty_text(self) -> str:
        return t("appeals.list.empty_all" if self.all else "appeals.list.empty")

    def cells(self, rating: Rating) -> dict[str, Text]:
        return {
            "appealed": Text(rating.appealed_at.strftime("%m-%d %H:%M") if rating.appealed_at else ""),
            "staff": Text(who(rating.staff, self.staff)),
            "case": Text(rating.case_no),
            "level": level_text(rating.level),
            "channel": channel_text(rating),
            "kind": Text(t(f"rate.appeal_kind.{rating.appeal_kind or 'other'}")),
            "reason": Text(" ".join((rating.appeal_reason or "").split())),
            "state": appeal_text(rating),
        }

    def appeal_detail(self, rating: Rating) -> list[str]:
        return appeal_lines(rating, self.staff)

    def allowed(self, action: str, rating: Rating) -> bool:
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
                words = t(f"appeals.list.saved_{decision}", case=rating.case_no, who=who(rating.staff, self.staff))
                self.notify(words)
            self.reread()

        self.app.push_screen(DecideAppealDialog(self.desk, self.supervisor, rating, decision), after)


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
