"""A matter's service guide (办事指南) and its kept answers (常见问答), edited by a supervisor in F11 (catalogue,
`g`): the conditions and the steps one a line, fees, place, hours, phone and the online channel, the kept answers as
问：/答： lines (as the CSV sheet holds them). A part edited loses its (估) mark; the sources are shown, not edited.
Like the rest of the catalogue, the guide saved applies to new cases only: a case keeps the guide it was checked in
with.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, TextArea

from firstask import catalogue_csv
from firstask.desk import Desk
from firstask.i18n import t
from firstask.rules import Guide, Matter, RuleError, Staff
from firstask.rules.guides import TEXTS
from firstask.screens.dialog import label
from firstask.screens.setup_forms import FormDialog, field
from firstask.widgets.prose import Prose

LINE = 300  # the desk keeps each condition, step and text of a guide to this many characters
LISTS = ("conditions", "procedure")


class GuideDialog(FormDialog):
    CSS_PATH = ["setup_forms.tcss", "guide_form.tcss"]
    AUTO_FOCUS = "#conditions"
    FIELDS: ClassVar[dict[str, str]] = {part: part for part in (*LISTS, *TEXTS, "answers")}

    def __init__(self, desk: Desk, supervisor: Staff, matter: Matter) -> None:
        super().__init__(desk, supervisor)
        self.matter = matter

    def title_text(self) -> str:
        return t("setup.guide.title", code=self.matter.code, name=self.matter.name)

    def compose_body(self) -> ComposeResult:
        g = self.matter.guide
        with VerticalScroll(id="guide-body"):
            yield label("setup.matter.new_cases_only").add_class("note")
            for part in LISTS:
                yield from field(self.part_label(part), text_area("\n".join(getattr(g, part)), part), part)
            for pair in (("fees", "place"), ("hours", "phone"), ("online",)):
                with Horizontal(classes="pair"):
                    for part in pair:
                        box = Input(getattr(g, part), max_length=LINE, id=part, placeholder=placeholder(part))
                        yield from field(self.part_label(part), box, part)
            yield from field(
                "setup.guide.answers", text_area(catalogue_csv.answers_text(g.answers), "answers"), "answers"
            )
            yield label("setup.guide.answers_note").add_class("note")
            if g.sources:
                yield label("setup.guide.sources")
                for source in g.sources:
                    about = " · ".join(str(x) for x in (source.title, source.region, source.year) if x)
                    yield Prose(f"{about}  {source.url}".strip(), classes="source")

    def part_label(self, part: str) -> str:
        """The part's label key; marked (估) where the guide's part was inferred, so the supervisor checks it."""
        return f"setup.guide.{part}" + ("_estimated" if part in self.matter.guide.estimated else "")

    def text_of(self, part: str) -> str:
        widget = self.query_one(f"#{part}")
        return widget.text if isinstance(widget, TextArea) else self.value(part)

    def save(self) -> None:
        old = self.matter.guide
        new: dict[str, object] = {part: self.text_of(part).split("\n") for part in LISTS}
        new.update({part: self.text_of(part).strip() for part in TEXTS})
        try:
            new["answers"] = catalogue_csv.parse_answers(self.text_of("answers"))
        except ValueError as e:
            raise RuleError("INPUT", "setup.guide.bad_answers", field="answers", reason=t(str(e))) from e
        edited = {
            part
            for part in (*LISTS, *TEXTS)
            if Guide.from_json({part: new[part]}) != Guide.from_json({part: old.as_json()[part]})
        }
        new["sources"] = [s.as_json() for s in old.sources]
        new["estimated"] = [part for part in old.estimated if part not in edited]
        self.desk.save_guide(self.matter.code, new, by=self.supervisor.code)


def text_area(text: str, widget_id: str) -> TextArea:
    return TextArea(text, id=widget_id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")


def placeholder(part: str) -> str:
    return t(f"setup.guide.{part}_placeholder") if part in ("hours", "phone") else ""
