"""The follow-up screen's sections as a bar of tabs drawn by one widget: the labels (with their counts) on one line,
a rule under them that marks the chosen one. The clerk changes section with the number keys; a click on a label
chooses it too. One table shows the chosen section, so the screen mounts one table, not one per section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

GAP = 2  # cells between two labels


class SectionBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"section-bar--chosen", "section-bar--other", "section-bar--rule"}
    DEFAULT_CSS = """
    SectionBar {
        height: 2;
        padding: 0 1;
        .section-bar--chosen {
            text-style: bold;
            color: $block-cursor-foreground;
            background: $block-cursor-background;
        }
        .section-bar--other {
            color: $text-muted;
        }
        .section-bar--rule {
            color: $primary;
        }
    }
    """

    class Chosen(Message):
        """A section's label was clicked."""

        def __init__(self, section: str) -> None:
            super().__init__()
            self.section = section

    def __init__(self, sections: Iterable[str], chosen: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.labels: dict[str, str] = {name: name for name in sections}
        self.chosen = chosen
        self.places: list[tuple[int, int, str]] = []  # where each label was drawn: [start, end) cells

    def show(self, labels: Mapping[str, str], chosen: str) -> None:
        self.labels = dict(labels)
        self.chosen = chosen
        self.refresh()

    def choose(self, section: str) -> None:
        self.chosen = section
        self.refresh()

    def label(self, section: str) -> str:
        return self.labels[section]

    def render(self) -> Text:
        chosen = self.get_component_rich_style("section-bar--chosen", partial=True)
        other = self.get_component_rich_style("section-bar--other", partial=True)
        rule_style = self.get_component_rich_style("section-bar--rule", partial=True)
        labels = Text(no_wrap=True, overflow="crop", end="")
        rule = Text(no_wrap=True, overflow="crop", end="")
        self.places = []
        for name, label in self.labels.items():
            if labels.cell_len:
                labels.append(" " * GAP)
                rule.append("─" * GAP, rule_style + other)
            start = labels.cell_len
            labels.append(f" {label} ", chosen if name == self.chosen else other)
            width = labels.cell_len - start
            rule.append(
                "━" * width if name == self.chosen else "─" * width,
                rule_style if name == self.chosen else rule_style + other,
            )
            self.places.append((start, labels.cell_len, name))
        rule.append("─" * max(0, self.content_region.width - rule.cell_len), rule_style + other)
        return Text("\n", end="").join([labels, rule])

    def section_at(self, x: int) -> str | None:
        return next((name for start, end, name in self.places if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        section = self.section_at(offset.x) if offset is not None else None
        if section is not None:
            self.post_message(self.Chosen(section))
