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

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Select

from firstask.desk import LIMITS, Desk, Rating
from firstask.i18n import t
from firstask.rules import APPEAL_REASONS, Staff
from firstask.screens.dialog import label
from firstask.screens.rating_list import RatingListScreen
from firstask.screens.setup_forms import FormDialog, field
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


class BadRatingsScreen(RatingListScreen):
    CSS_PATH = "rating_list.tcss"
    AUTO_FOCUS = "#bad-ratings"
    TABLE = "bad-ratings"
    COLUMNS = ("at", "case", "level", "channel", "said", "remedy", "appeal")
    FLEXIBLE = "said"
    NARROW_DROPS = ("channel", "remedy")
    BINDINGS = [
        Binding("escape", "close", "appeals.key.back", id="close", tooltip="appeals.key.back_tip"),
        Binding("s", "appeal", "appeals.key.appeal", id="appeal", tooltip="appeals.key.appeal_tip"),
        Binding("enter", "history", "appeals.key.case", id="case", tooltip="appeals.key.case_tip", priority=True),
    ]
    ACTS_ON_ROW: ClassVar[set[str]] = {"appeal", "history"}

    def __init__(self, desk: Desk, clerk: Staff, *, on_case: str | None = None) -> None:
        super().__init__(desk)
        self.clerk = clerk
        self.on_case = on_case  # the case whose latest bad rating the cursor starts on, if it has one
        self.now = desk.now()

    def viewer(self) -> Staff:
        return self.clerk

    def reread(self) -> None:
        self.staff = self.desk.staff()
        self.shown = self.desk.bad_ratings_of(self.clerk.code)
        self.now = self.desk.now()  # once per reading: every row's "may appeal until" is against the same moment
        self.show()

    def may_appeal(self, rating: Rating) -> bool:
        return not rating.voided and rating.appealed_at is None and self.now <= self.desk.appeal_until(rating)

    def bar(self) -> Text:
        open_ = sum(1 for r in self.shown if self.may_appeal(r))
        waiting = sum(1 for r in self.shown if r.appealed_at is not None and r.decided_at is None)
        words = t("appeals.mine.bar", who=self.clerk.name, count=len(self.shown), open=open_, waiting=waiting)
        return Text(words, style="bold")

    def empty_text(self) -> str:
        return t("appeals.mine.empty")

    def cells(self, rating: Rating) -> dict[str, Text]:
        return {
            "at": Text(rating.at.strftime("%m-%d %H:%M")),
            "case": Text(rating.case_no),
            "level": level_text(rating.level),
            "channel": channel_text(rating),
            "said": Text(said(rating)),
            "remedy": remedy_text(rating),
            "appeal": appeal_text(rating, self.desk.appeal_until(rating), self.now),
        }

    def starting_row(self) -> Rating | None:
        found = next((r for r in self.shown if r.case_no == self.on_case), None)
        self.on_case = None
        return found

    def appeal_detail(self, rating: Rating) -> list[str]:
        lines = [t("appeals.detail.remedy", state=remedy_text(rating).plain)]
        return lines + (
            appeal_lines(rating, self.staff)
            or [
                t(
                    "appeals.detail.not_appealed",
                    state=appeal_text(rating, self.desk.appeal_until(rating), self.now).plain,
                )
            ]
        )

    def allowed(self, action: str, rating: Rating) -> bool:
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
