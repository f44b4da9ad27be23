"""The centre's kept answers (常见问答) for a case's matter, to put into an answer or a notice: the questions listed,
the highlighted one's answer shown in full, Enter takes it (the dialog inserts it where the clerk is typing, to be
edited; LANG-1 checks it there like anything typed), Esc takes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from firstask.i18n import t
from firstask.rules import KeptAnswer
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.prose import Prose

# The dialogs' key for the kept answers: a function key, which neither a text field nor a browser takes.
KEY = "f2"


class KeptAnswersScreen(ModalScreen[KeptAnswer | None]):
    CSS_PATH = ["kept_answers.tcss"]
    AUTO_FOCUS = "#questions"
    BINDINGS = [Binding("escape", "dismiss_none", "guide.kept.cancel", id="cancel", tooltip="guide.kept.cancel_tip")]

    def __init__(self, matter: str, answers: Sequence[KeptAnswer]) -> None:
        super().__init__()
        self.matter = matter
        self.answers = list(answers)
        localise(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="kept") as frame:
            frame.border_title = t("guide.kept.title", matter=self.matter)
            yield OptionList(*(Option(Text(kept.question)) for kept in self.answers), id="questions", markup=False)
            yield Prose(id="preview")
            yield Prose(t("guide.kept.note"), classes="note")
        yield KeyBar()

    def on_mount(self) -> None:
        questions = self.query_one("#questions", OptionList)
        if self.answers:
            questions.highlighted = 0
        self.show_preview(0)

    @on(OptionList.OptionHighlighted, "#questions")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_preview(event.option_index)

    def show_preview(self, index: int) -> None:
        self.query_one("#preview", Prose).show(self.answers[index].answer if self.answers else t("guide.kept.none"))

    @on(OptionList.OptionSelected, "#questions")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.answers[event.option_index])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
