"""The follow-up actions on one case, each a dialog on the shared `ActionDialog` frame: decline a hand-off (HO-5),
feedback to the visitor, extension (TIME-3), resolve with the result (CLO-1), callback with the five-level rating
(RATE-1), the remedy after a bad rating (RATE-2) and reopen (supervisors). Text the visitor is told is checked for
forbidden phrases as it is typed (LANG-1). The remedy dialog shows the rating being put right and what the visitor
said; the extension dialog shows the new due date as the days are typed.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from firstask.desk import LIMITS, Case, Event
from firstask.i18n import t
from firstask.privacy import mask_text, sees_whole
from firstask.rules import BAD_RATINGS, RuleError
from firstask.screens.dialog import ActionDialog, label, reason_line
from firstask.widgets.naming import weekday
from firstask.widgets.prose import Prose


class TextDialog(ActionDialog):
    """A dialog whose whole form is one line of text (`#text`); Enter confirms as Ctrl+S does."""

    CSS_PATH = ["dialog.tcss", "follow_actions.tcss"]
    AUTO_FOCUS = "#text"
    WORDS: ClassVar[str] = ""  # catalogue prefix: `…label key` and `…placeholder key` of the text field
    LABEL: ClassVar[str] = ""
    TO_VISITOR: ClassVar[bool] = True
    HINT: ClassVar[str] = ""

    def compose_body(self) -> ComposeResult:
        yield from self.compose_before()
        yield label(f"{self.WORDS}.{self.LABEL}")
        yield Input(placeholder=t(f"{self.WORDS}.{self.LABEL}_placeholder"), max_length=LIMITS["text"], id="text")
        yield reason_line("text")
        if self.HINT:
            yield label(self.HINT).add_class("note")

    def compose_before(self) -> ComposeResult:
        yield from ()

    @on(Input.Changed, "#text")
    def text_typed(self) -> None:
        self.check_language()

    @on(Input.Submitted, "#text")
    def text_given(self) -> None:
        self.action_confirm()

    @property
    def text(self) -> str:
        return self.query_one("#text", Input).value

    def visitor_texts(self) -> list[str]:
        return [self.text] if self.TO_VISITOR else []


class DeclineDialog(TextDialog):
    TITLE = "follow.decline.title"
    CONFIRM = "follow.dkey.decline"
    WORDS, LABEL, TO_VISITOR, HINT = "follow.decline", "reason", False, "follow.decline.hint"
    FIELDS: ClassVar[dict[str, str]] = {"reason": "text", "text": "text"}

    def compose_before(self) -> ComposeResult:
        """What the sender wrote of what was done: the receiver decides on it."""
        sent = next((e for e in reversed(self.case.history) if e.action == "hand_off"), None)
        if sent is not None and sent.detail.get("note"):
            note = str(sent.detail["note"])
            if not sees_whole(self.clerk, self.case.owner, self.case.first_asker):  # not yet the receiver's case
                note = mask_text(note) or ""
            yield Prose(t("follow.decline.note", note=note), classes="label")

    def act(self, expect: int) -> Case:
        return self.desk.decline_handoff(self.case.no, self.clerk.code, self.text, expect=expect)


class FeedbackDialog(TextDialog):
    TITLE = "follow.feedback.title"
    CONFIRM = "follow.dkey.feedback"
    WORDS, LABEL = "follow.feedback", "text"
    FIELDS: ClassVar[dict[str, str]] = {"text": "text"}

    def act(self, expect: int) -> Case:
        return self.desk.feedback(self.case.no, self.clerk.code, self.text, expect=expect)


class ResolveDialog(TextDialog):
    TITLE = "follow.resolve.title"
    CONFIRM = "follow.dkey.resolve"
    WORDS, LABEL = "follow.resolve", "result"
    FIELDS: ClassVar[dict[str, str]] = {"result": "text", "text": "text"}

    def act(self, expect: int) -> Case:
        return self.desk.resolve(self.case.no, self.clerk.code, self.text, expect=expect)


def last_rating(case: Case) -> Event | None:
    """The rating being put right: the case's last bad rating, whatever its channel (the callback's `rate`, the
    visitor's own `rate_visit` on the pad or by QR); else its last rating."""
    rated = [event for event in case.history if event.action in ("rate", "rate_visit")]
    bad = [event for event in rated if event.detail.get("level") in BAD_RATINGS]
    chosen = bad or rated
    return chosen[-1] if chosen else None


class RemedyDialog(TextDialog):
    """RATE-2: after a bad rating, the callback and what was put right, within the policy's working days. The rating
    and the visitor's comment are shown first: they are what is being put right."""

    TITLE = "follow.remedy.title"
    CONFIRM = "follow.dkey.remedy"
    WORDS, LABEL, HINT = "follow.remedy", "text", "follow.remedy.hint"
    FIELDS: ClassVar[dict[str, str]] = {"text": "text"}

    def compose_before(self) -> ComposeResult:
        rating = last_rating(self.case)
        if rating is None:
            return
        level = rating.detail.get("level")
        # The visitor's reasons (pad, QR) and words, as they gave them.
        said = [str(reason) for reason in rating.detail.get("reasons") or ()]
        said.append(str(rating.detail.get("comment") or "").strip())
        comment = t("common.list_sep").join(part for part in said if part)
        yield Prose(
            t(
                "dialog.remedy.rating",
                level=t(f"follow.rate.levels.{level}"),
                at=rating.at.isoformat(sep=" ", timespec="minutes"),
            ),
            id="rating",
            classes="rating",
        )
        yield Prose(
            t("dialog.remedy.comment", comment=comment) if comment else t("dialog.remedy.no_comment"),
            id="comment",
            classes="rating",
        )

    def act(self, expect: int) -> Case:
        return self.desk.remedy(self.case.no, self.clerk.code, self.text, expect=expect)


class ReopenDialog(TextDialog):
    TITLE = "follow.reopen.title"
    CONFIRM = "follow.dkey.reopen"
    WORDS, LABEL, TO_VISITOR = "follow.reopen", "reason", False
    FIELDS: ClassVar[dict[str, str]] = {"reason": "text", "text": "text"}

    def act(self, expect: int) -> Case:
        return self.desk.reopen(self.case.no, self.clerk.code, self.text, expect=expect)


class ExtendDialog(TextDialog):
    """TIME-3: working days and a reason; the visitor is told. Past the cap only a supervisor may extend."""

    TITLE = "follow.extend.title"
    CONFIRM = "follow.dkey.extend"
    AUTO_FOCUS = "#days"
    WORDS, LABEL, HINT = "follow.extend", "reason", "follow.extend.hint"
    FIELDS: ClassVar[dict[str, str]] = {"days": "days", "reason": "text", "text": "text"}

    def compose_before(self) -> ComposeResult:
        due = self.case.due.isoformat() if self.case.due else t("follow.none")
        yield Prose(t("follow.extend.due", due=due), classes="label")
        yield label("follow.extend.days")
        yield Input(placeholder=t("follow.extend.days_placeholder"), restrict=r"[0-9]*", max_length=3, id="days")
        yield Prose(id="new-due")
        yield reason_line("days")

    @on(Input.Changed, "#days")
    def show_new_due(self) -> None:
        """The due date the days typed would set (`Desk.preview_extend`), with its weekday; nothing before a day."""
        if self.days <= 0:
            self.say("#new-due", "")
            return
        try:
            due, provisional = self.desk.preview_extend(self.case.no, self.days)
        except RuleError:
            self.say("#new-due", "")  # the case has no due date to move: confirming says why
            return
        text = t(
            "dialog.extend.new_due",
            date=due.isoformat(),
            weekday=weekday(due),
            days=self.days,
        )
        self.say("#new-due", text + (t("dialog.extend.provisional") if provisional else ""))

    @on(Input.Submitted, "#days")
    def days_given(self) -> None:
        self.query_one("#text", Input).focus()

    @property
    def days(self) -> int:
        typed = self.query_one("#days", Input).value.strip()
        return int(typed) if typed.isdigit() else 0

    def act(self, expect: int) -> Case:
        return self.desk.extend(self.case.no, self.clerk.code, self.days, self.text, expect=expect)


class RateDialog(TextDialog):
    """The callback: one of five levels (RATE-1) and the visitor's comment; the case closes."""

    TITLE = "follow.rate.title"
    CONFIRM = "follow.dkey.rate"
    AUTO_FOCUS = "#level"
    WORDS, LABEL, TO_VISITOR, HINT = "follow.rate", "comment", False, "follow.rate.hint"
    FIELDS: ClassVar[dict[str, str]] = {"level": "level", "comment": "text", "text": "text"}

    def compose_before(self) -> ComposeResult:
        yield label("follow.rate.level")
        levels = (t(f"follow.rate.levels.{level}") for level in range(5, 0, -1))
        yield Prose(t("screens.rate.levels_sep").join(levels), classes="label")
        yield Input(restrict=r"[1-5]?", max_length=1, id="level")
        yield Prose(id="level-words", classes="label")
        yield reason_line("level")

    @on(Input.Changed, "#level")
    def level_typed(self) -> None:
        self.query_one("#level-words", Prose).show(t(f"follow.rate.levels.{self.level}") if self.level else "")

    @on(Input.Submitted, "#level")
    def level_given(self) -> None:
        self.query_one("#text", Input).focus()

    @property
    def level(self) -> int:
        typed = self.query_one("#level", Input).value.strip()
        return int(typed) if typed.isdigit() else 0

    def act(self, expect: int) -> Case:
        return self.desk.rate(self.case.no, self.clerk.code, self.level, self.text, expect=expect)
