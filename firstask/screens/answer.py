"""Answering on the spot (当场答复): what the visitor is told, and the case is resolved (CLO-1). The answer is
checked for forbidden phrases as it is typed (LANG-1).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import TextArea

from firstask.desk import Case
from firstask.screens.dialog import ActionDialog, label, reason_line


class AnswerDialog(ActionDialog):
    CSS_PATH = ["dialog.tcss", "answer.tcss"]
    AUTO_FOCUS = "#text"
    TITLE = "dialog.answer.title"
    CONFIRM = "dialog.key.answer"
    FIELDS: ClassVar[dict[str, str]] = {"text": "text"}

    def compose_body(self) -> ComposeResult:
        yield label("dialog.answer.label")
        yield TextArea(id="text", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        yield reason_line("text")
        yield label("dialog.answer.note").add_class("note")

    @on(TextArea.Changed, "#text")
    def text_changed(self) -> None:
        self.check_language()

    def visitor_texts(self) -> list[str]:
        return [self.query_one("#text", TextArea).text]

    def act(self, expect: int) -> Case:
        return self.desk.answer(self.case.no, self.clerk.code, self.query_one("#text", TextArea).text, expect=expect)
