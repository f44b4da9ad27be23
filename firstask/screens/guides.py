"""The guide browser (办事指南): a phone enquiry answered without a visitor at the window.

The clerk types part of a matter's name, its code or its pinyin initials; the matching matters follow as they type,
the first highlighted, and the highlighted one's guide shows beside the list. ↑/↓ move in the list while the clerk
is still typing; Enter goes into the guide to read it through (↑/↓, PgUp/PgDn; typing goes back to the search).
The guide's slip can be printed (or saved, where no printer is set up) for the caller, and a matter can be taken
back to the check-in form as the matter of a new enquiry ("for this visitor"): the screen returns its code, or None
when the clerk just goes back.
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from firstask.desk import Desk
from firstask.i18n import t
from firstask.rules import Matter, RuleError, Staff
from firstask.screens.check_in_form import limit_text
from firstask.store import StoreError
from firstask.widgets.case_sheet import CaseSheet
from firstask.widgets.cells import cut
from firstask.widgets.guide_view import Lines, guide_lines
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.prose import Prose

FOUND_AT_MOST = 200  # the whole of a centre's catalogue: an empty search lists every matter
LONGEST_CODE = 6  # cells of the code column; a longer code is cut
NAME_AT_LEAST = 12  # cells the names keep before the limits' words give way
QUERY_LENGTH = 40


def short_limit(matter: Matter) -> str:
    """A matter's time limit in the fewest words, for the list (the guide says it in full: `limit_text`)."""
    if matter.kind == "guide":
        return t("guide.browser.short_guide_only")
    if matter.immediate:
        return t("guide.browser.short_same_day")
    return t("guide.browser.short_days", days=matter.limit_days)


def matter_label(matter: Matter, code_cells: int, name_cells: int, limit_cells: int) -> Text:
    """One line of the list: the code, the name cut to `name_cells` cells and, when `limit_cells` leaves room for
    it, the time limit's word on the right. Catalogue text is data, never markup."""
    code = cut(matter.code, code_cells)
    name = cut(matter.name, name_cells)
    line = Text(no_wrap=True, overflow="crop", end="")
    line.append(code + " " * (code_cells - cell_len(code) + 1), "bold")
    line.append(name)
    if limit_cells:
        limit = short_limit(matter)
        line.append(" " * (name_cells - cell_len(name) + 1 + limit_cells - cell_len(limit)))
        line.append(limit, "dim")
    return line


def list_columns(found: list[Matter], width: int) -> tuple[int, int, int]:
    """The cells of the list's code, name and limit columns in `width`: the limits give way, for every line at
    once, when the names would keep less than NAME_AT_LEAST."""
    code_cells = min(max((cell_len(m.code) for m in found), default=0), LONGEST_CODE)
    limit_cells = max((cell_len(short_limit(m)) for m in found), default=0)
    name_cells = width - code_cells - 1 - limit_cells - 1
    if name_cells < NAME_AT_LEAST:
        return code_cells, max(width - code_cells - 1, 1), 0
    return code_cells, name_cells, limit_cells


class GuidesScreen(ModalScreen[str | None]):
    CSS_PATH = ["guides.tcss"]
    AUTO_FOCUS = "#search"
    BINDINGS = [
        # The check-in screen's key for printing (Ctrl+P is the app's command palette, taken before any screen's).
        Binding(
            "f7", "print_guide", "guide.browser.key.print", id="print_guide", tooltip="guide.browser.key.print_tip"
        ),
        Binding(
            "ctrl+s",
            "choose",
            "guide.browser.key.choose",
            id="choose",
            tooltip="guide.browser.key.choose_tip",
            priority=True,
        ),
        Binding("escape", "close", "guide.browser.key.close", id="close", tooltip="guide.browser.key.close_tip"),
        # While the clerk types, ↑/↓ move in the list and PgUp/PgDn turn the guide's pages; in the guide, it scrolls.
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
    ]

    def __init__(self, desk: Desk, clerk: Staff, query: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.clerk = clerk
        self.query_text = query
        self.found: list[Matter] = []
        self.matter: Matter | None = None  # the highlighted matter, whose guide is on the right
        localise(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="browser") as frame:
            frame.border_title = t("guide.browser.title")
            with Horizontal(id="find-row"):
                yield Label(Text(t("guide.browser.find")), id="find-label")
                yield Input(
                    self.query_text,
                    placeholder=t("guide.browser.find_placeholder"),
                    max_length=QUERY_LENGTH,
                    compact=True,
                    id="search",
                )
            with Horizontal(id="panes"):
                with Vertical(id="left"):
                    matters = OptionList(id="matters", markup=False)
                    matters.can_focus = False  # the typing stays in the search; ↑/↓ move in the list from there
                    yield matters
                    yield Prose(id="none-found")
                with VerticalScroll(id="guide-pane"):  # the pane scrolls the guide (↑/↓, PgUp/PgDn) once Enter is in
                    sheet = CaseSheet(id="guide")
                    sheet.can_focus = False
                    yield sheet
            yield Prose(id="said")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#said", Prose).display = False
        self.search()

    # --- finding the matter ------------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def typed(self) -> None:
        self.say("")
        self.search()

    def search(self) -> None:
        query = self.query_one("#search", Input).value
        self.found = self.desk.find_matters(query, limit=FOUND_AT_MOST)
        self.list_found(highlight=0)
        none_found = self.query_one("#none-found", Prose)
        none_found.show(
            ""
            if self.found
            else t("guide.browser.none_found", query=query.strip())
            if query.strip()
            else t("guide.browser.empty")
        )
        none_found.display = not self.found
        self.query_one("#matters", OptionList).display = bool(self.found)
        self.show_guide()

    def list_found(self, highlight: int | None) -> None:
        """The matters found, each on one line cut to the list's width in cells."""
        listed = self.query_one("#matters", OptionList)
        padding = listed.get_component_styles("option-list--option").padding.width
        width = listed.scrollable_content_region.width - padding or 40  # before the first layout, a guess
        columns = list_columns(self.found, width)
        listed.clear_options()
        listed.add_options([Option(matter_label(m, *columns), id=m.code) for m in self.found])
        listed.highlighted = highlight if self.found else None

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.relabel)

    def relabel(self) -> None:
        """The list cut again for its new width, the same matter highlighted."""
        if self.is_attached and self.found:
            self.list_found(self.query_one("#matters", OptionList).highlighted)

    def highlighted_matter(self) -> Matter | None:
        listed = self.query_one("#matters", OptionList)
        if listed.highlighted is None or listed.highlighted >= len(self.found):
            return None
        return self.found[listed.highlighted]

    @on(OptionList.OptionHighlighted, "#matters")
    def highlighted(self) -> None:
        self.show_guide()

    def show_guide(self) -> None:
        """The highlighted matter's guide on the right (read again only when the matter changes)."""
        matter = self.highlighted_matter()
        if matter == self.matter:
            return
        self.matter = matter
        self.query_one("#guide", CaseSheet).show(self.guide_of(matter) if matter is not None else [])
        self.query_one("#guide-pane", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    def guide_of(self, matter: Matter) -> Lines:
        """The guide as the clerk reads it, its time limit (and the catalogue's note) under the name."""
        lines = guide_lines(matter, self.desk.policy)
        limit = limit_text(matter) + (t("guide.browser.note", note=matter.note) if matter.note else "")
        return [lines[0], (t("common.label_value", label=t("guide.limit"), value=limit), ""), *lines[1:]]

    def action_move(self, delta: int) -> None:
        listed = self.query_one("#matters", OptionList)
        if listed.option_count:
            now = listed.highlighted
            listed.highlighted = 0 if now is None else max(0, min(listed.option_count - 1, now + delta))

    def action_page(self, direction: int) -> None:
        pane = self.query_one("#guide-pane", VerticalScroll)
        if direction > 0:
            pane.scroll_page_down(animate=False)
        else:
            pane.scroll_page_up(animate=False)

    @on(Input.Submitted, "#search")
    @on(OptionList.OptionSelected, "#matters")
    def read_guide(self) -> None:
        if self.matter is not None:
            self.query_one("#guide-pane", VerticalScroll).focus()

    def on_key(self, event: events.Key) -> None:
        """Typing while in the guide goes back to the search, as typed."""
        search = self.query_one("#search", Input)
        if self.focused is search or self.focused is None:
            return
        if event.is_printable and event.character:
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()
        elif event.key == "backspace":
            search.focus()
            event.stop()

    # --- the keys ----------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("print_guide", "choose") and self.matter is None:
            return None  # shown, dimmed: nothing is highlighted
        return True

    def action_print_guide(self) -> None:
        matter = self.matter
        if matter is not None:
            self.say(*self.print_guide(matter))

    def print_guide(self, matter: Matter) -> tuple[str, str]:
        """Print the matter's guide slip where a printer is set up; say where it is saved either way (or why not)."""
        try:
            path: Path = self.desk.guide_slip(matter.code, self.clerk.code)
            printed = self.desk.print_document(path)
        except RuleError as refused:
            return refused.message(), "refused"
        except StoreError as problem:
            return problem.message(), "refused"
        except OSError as error:  # the documents folder cannot be written: say so, the screen stays
            return t("guide.browser.failed", reason=error.strerror or str(error)), "refused"
        return t("app.checkin.printed" if printed else "app.checkin.saved", path=path.name), ""

    def action_choose(self) -> None:
        if self.matter is not None:
            self.dismiss(self.matter.code)

    def action_close(self) -> None:
        self.dismiss(None)

    def say(self, text: str, kind: str = "") -> None:
        """The line under the panes: what printing did, or nothing."""
        line = self.query_one("#said", Prose)
        line.show(text)
        line.set_class(kind == "refused", "-refused")
        line.display = bool(text)
