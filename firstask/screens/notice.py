"""The one-time notice (一次性告知): tick what the visitor brought, add what else they need, see the notice as it will
print, and send it once (NOT-1). The case's earlier notices are listed, and a notice asking for anything they did not
is named as a second notice (NOT-2) before it is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, SelectionList
from textual.widgets.selection_list import Selection

from firstask import rules
from firstask.desk import LIMITS, Case, Desk
from firstask.i18n import t
from firstask.rules import Document, KeptAnswer, RuleError, Staff
from firstask.screens import kept_answers
from firstask.screens.dialog import ActionDialog, label, reason_line
from firstask.widgets.cells import one_line
from firstask.widgets.prose import Prose


def document_label(document: Document) -> Text:
    """A document as the checklist shows it: its name, the form asked for, and the condition it depends on."""
    text = Text(document.name)
    if document.form:
        text.append(t("screens.catalogue_bracketed", text=document.form))
    if document.when:
        text.append(t("dialog.notice.condition_tag", when=document.when), style="italic")
    return text


class NoticeDialog(ActionDialog):
    CSS_PATH = ["dialog.tcss", "notice.tcss"]
    AUTO_FOCUS = "#presented, #extra"
    BINDINGS = [
        Binding(
            "delete",
            "remove_extra",
            "dialog.key.remove_extra",
            id="remove_extra",
            tooltip="dialog.key.remove_extra_tip",
        ),
        Binding(kept_answers.KEY, "kept_answers", "guide.kept.key", id="kept_answers", tooltip="guide.kept.key_tip"),
    ]
    TITLE = "dialog.notice.title"
    CONFIRM = "dialog.key.notice"
    FIELDS: ClassVar[dict[str, str]] = {"presented": "presented", "applies": "applies", "extra": "extra"}

    def __init__(
        self,
        desk: Desk,
        clerk: Staff,
        case: Case,
        *,
        presented: Sequence[str] | None = None,
        applies: Sequence[str] | None = None,
    ) -> None:
        """`presented`/`applies`: what to start ticked (from the accept dialog's checklist); by default, what the
        visitor presented on earlier visits and the conditions the last notice applied, so a further notice asks
        only for what is still missing."""
        super().__init__(desk, clerk, case)
        self.matter = case.matter_info
        self.documents = sorted(self.matter.documents if self.matter else (), key=lambda d: d.when is not None)
        self.conditions = list(dict.fromkeys(d.when for d in self.documents if d.when))
        self.extras: list[str] = []
        self.earlier = desk.notices(case.no)
        self.names = {code: s.name for code, s in desk.staff().items()}
        self.start_presented = set(
            presented if presented is not None else (item for notice in self.earlier for item in notice.presented)
        )
        self.start_applies = set(applies if applies is not None else (self.earlier[-1].applies if self.earlier else ()))

    def compose_body(self) -> ComposeResult:
        yield Prose(self.earlier_text(), id="earlier")
        yield Prose(id="second", classes="warning")
        with Horizontal(id="columns"):
            with Vertical(id="choices"):
                if self.documents:
                    yield label("dialog.notice.documents")
                    yield SelectionList[str](
                        *(Selection(document_label(d), d.name, d.name in self.start_presented) for d in self.documents),
                        id="presented",
                    )
                    yield reason_line("presented")
                else:
                    yield label("dialog.notice.no_documents")
                if self.conditions:
                    yield label("dialog.notice.conditions")
                    yield SelectionList[str](
                        *(Selection(Text(c), c, c in self.start_applies) for c in self.conditions), id="applies"
                    )
                    yield reason_line("applies")
                yield label("dialog.notice.extra")
                yield Input(placeholder=t("dialog.notice.extra_placeholder"), max_length=LIMITS["item"], id="extra")
                yield OptionList(id="extras", markup=False)
                yield reason_line("extra")
            with Vertical(id="paper"):
                yield label("dialog.notice.preview")
                with VerticalScroll(id="sheet"):
                    yield Prose(id="preview")
        written = self.matter is not None and self.matter.written_notice
        yield label("dialog.notice.written" if written else "dialog.notice.printed").add_class("note")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#extras", OptionList).display = False
        self.show_notice()

    # --- what the notice asks for --------------------------------------------------------------------------------

    def items(self) -> list[str]:
        """Every required document not presented, then the extra items: what the desk will put on the notice."""
        missing = rules.required_missing(self.matter, self.ticked("presented"), self.ticked("applies"))
        return missing + [e for e in self.extras if e not in missing]

    def earlier_text(self) -> str:
        if not self.earlier:
            return t("dialog.notice.earlier_none")
        text = t("dialog.notice.earlier")
        for n, notice in enumerate(self.earlier, 1):
            text += "\n" + t(
                "dialog.notice.earlier_line",
                n=n,
                at=f"{notice.at:%Y-%m-%d %H:%M}",
                by=self.names.get(notice.by, notice.by),
                items=t("dialog.list_sep").join(notice.items),
            )
        return text

    def show_notice(self) -> None:
        """The preview as the notice will print, and the NOT-2 warning when it asks for anything new."""
        items = self.items()
        preview = self.query_one("#preview", Prose)
        if items:
            try:  # the desk's own text, exactly as it will print
                _, text = self.desk.preview_notice(
                    self.case.no,
                    self.clerk.code,
                    presented=self.ticked("presented"),
                    extra=self.extras,
                    applies=self.ticked("applies"),
                )
            except RuleError as refused:
                text = refused.message()
            preview.show(text.rstrip())
        else:
            preview.show(t("dialog.notice.nothing"), style="bold")
        asked = {item for notice in self.earlier for item in notice.items}
        new = [i for i in items if i not in asked]
        if self.earlier and new:
            first = self.earlier[0].by
            self.say(
                "#second",
                t("dialog.notice.second", by=self.names.get(first, first), items=t("dialog.list_sep").join(new)),
            )
        else:
            self.say("#second", "")

    @on(SelectionList.SelectedChanged)
    def ticked_changed(self) -> None:
        self.show_notice()

    # --- a kept answer as an item ------------------------------------------------------------------------------

    def action_kept_answers(self) -> None:
        """A kept answer (e.g. what the photos must be like) into the extra item being typed, to be edited and
        added with Enter as any item typed."""
        if self.matter and self.matter.guide.answers:
            screen = kept_answers.KeptAnswersScreen(self.matter.name, self.matter.guide.answers)
            self.app.push_screen(screen, self.kept_chosen)

    def kept_chosen(self, kept: KeptAnswer | None) -> None:
        box = self.query_one("#extra", Input)
        if kept is not None:
            box.insert_text_at_cursor(one_line(kept.answer))
        box.focus()

    # --- extra items ---------------------------------------------------------------------------------------------

    @on(Input.Changed, "#extra")
    def extra_typed(self) -> None:
        self.check_language()

    @on(Input.Submitted, "#extra")
    def extra_given(self) -> None:
        self.add_typed_extra()

    def add_typed_extra(self) -> None:
        box = self.query_one("#extra", Input)
        item = one_line(box.value)
        if item and item not in self.extras:
            self.extras.append(item)
        with box.prevent(Input.Changed):
            box.value = ""
        self.show_extras()

    def show_extras(self) -> None:
        listed = self.query_one("#extras", OptionList)
        kept = listed.highlighted or 0
        listed.clear_options()
        listed.add_options([Text(item) for item in self.extras])
        listed.display = bool(self.extras)
        if self.extras:
            listed.highlighted = min(kept, len(self.extras) - 1)
        self.show_notice()
        self.check_language()

    def action_remove_extra(self) -> None:
        listed = self.query_one("#extras", OptionList)
        index = listed.highlighted
        if index is None or not 0 <= index < len(self.extras):
            return
        del self.extras[index]
        self.show_extras()
        if not self.extras:
            self.query_one("#extra", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_extra":
            return self.focused is not None and self.focused.id == "extras" and bool(self.extras)
        if action == "kept_answers":
            return bool(self.matter and self.matter.guide.answers)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    # --- confirming ----------------------------------------------------------------------------------------------

    def visitor_texts(self) -> list[str]:
        return [*self.extras, self.query_one("#extra", Input).value]

    def before_confirm(self) -> None:
        if self.query_one("#extra", Input).value.strip():
            self.add_typed_extra()

    def act(self, expect: int) -> Case:
        return self.desk.notify(
            self.case.no,
            self.clerk.code,
            presented=self.ticked("presented"),
            extra=self.extras,
            applies=self.ticked("applies"),
            expect=expect,
        )
