"""Rejecting (不予受理): the reason, which the visitor is told (REJ-1), checked for forbidden phrases as it is typed
(LANG-1). For a matter that needs written notice the rejection notice (不予受理通知书) is printed, with the visitor's
right to reconsideration or litigation.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from firstask.desk import LIMITS, Case
from firstask.i18n import t
from firstask.screens.dialog import ActionDialog, label, reason_line


class RejectDialog(ActionDialog):
    CSS_PATH = ["dialog.tcss", "reject.tcss"]
    AUTO_FOCUS = "#reason"
    TITLE = "dialog.reject.title"
    CONFIRM = "dialog.key.reject"
    FIELDS: ClassVar[dict[str, str]] = {"reason": "reason", "text": "reason"}

    def compose_body(self) -> ComposeResult:
        yield label("dialog.reject.reason")
        yield Input(placeholder=t("dialog.reject.reason_placeholder"), max_length=LIMITS["text"], id="reason")
        yield reason_line("reason")
        matter = self.case.matter_info
        if matter is not None and matter.written_notice:
            yield label("dialog.reject.written").add_class("warning")
        yield label("dialog.reject.note").add_class("note")

    @on(Input.Changed, "#reason")
    def reason_typed(self) -> None:
        self.check_language()

    @on(Input.Submitted, "#reason")
    def reason_given(self) -> None:
        self.action_confirm()

    def visitor_texts(self) -> list[str]:
        return [self.query_one("#reason", Input).value]

    def act(self, expect: int) -> Case:
        return self.desk.reject(self.case.no, self.clerk.code, self.query_one("#reason", Input).value, expect=expect)
