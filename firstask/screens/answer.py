"""Answering on the spot (当场答复): what the visitor is told, and the case is resolved (CLO-1). The answer is
checked for forbidden phrases as it is typed (LANG-1).

For a matter of the catalogue the answer can hand over its service guide (办事指南): ticked by default for an
enquiry, it prints the guide the case was checked in with, the answer under it. F2 lists the centre's kept answers
(常见问答) for the matter; the one chosen is put in where the clerk is typing, to be edited.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, TextArea

from firstask.desk import Case, Desk
from firstask.i18n import t
from firstask.rules import KeptAnswer, Staff
from firstask.screens import kept_answers
from firstask.screens.dialog import ActionDialog, label, reason_line


class AnswerDialog(ActionDialog):
    CSS_PATH = ["dialog.tcss", "answer.tcss"]
    AUTO_FOCUS = "#text"
    BINDINGS = [
        Binding(kept_answers.KEY, "kept_answers", "guide.kept.key", id="kept_answers", tooltip="guide.kept.key_tip"),
    ]
    TITLE = "dialog.answer.title"
    CONFIRM = "dialog.key.answer"
    FIELDS: ClassVar[dict[str, str]] = {"text": "text"}

    def __init__(self, desk: Desk, clerk: Staff, case: Case) -> None:
        super().__init__(desk, clerk, case)
        matter = case.matter_info
        self.guide = matter.guide if matter is not None else None

    def compose_body(self) -> ComposeResult:
        yield label("dialog.answer.label")
        yield TextArea(id="text", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        yield reason_line("text")
        if self.guide is not None and not self.guide.empty:
            yield Checkbox(t("guide.with_guide"), self.case.kind == "enquiry", id="with_guide")
        yield label("dialog.answer.note").add_class("note")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "kept_answers":
            return bool(self.guide and self.guide.answers)
        return True

    def action_kept_answers(self) -> None:
        if self.guide and self.guide.answers:
            name = self.case.matter_name or ""
            self.app.push_screen(kept_answers.KeptAnswersScreen(name, self.guide.answers), self.kept_chosen)

    def kept_chosen(self, kept: KeptAnswer | None) -> None:
        text = self.query_one("#text", TextArea)
        if kept is not None:
            text.insert(kept.answer)
        text.focus()

    @on(TextArea.Changed, "#text")
    def text_changed(self) -> None:
        self.check_language()

    def visitor_texts(self) -> list[str]:
        return [self.query_one("#text", TextArea).text]

    def with_guide(self) -> bool:
        return any(box.value for box in self.query("#with_guide").results(Checkbox))

    def act(self, expect: int) -> Case:
        text = self.query_one("#text", TextArea).text
        return self.desk.answer(self.case.no, self.clerk.code, text, with_guide=self.with_guide(), expect=expect)
