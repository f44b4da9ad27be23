"""`MaterialsTable`: the materials an application is taken in with, one a row (received or not, pages), as the
accept dialog's checklist: space marks one received or not, digits type its pages, Delete removes one the clerk added.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from firstask.i18n import t
from firstask.widgets.cells import cut
from firstask.widgets.keys import localise

PAGES_DIGITS = 4  # the desk takes 1 to 9999 pages


@dataclass
class Material:
    """One line of the receipt as the clerk fills it in."""

    name: str
    note: str = ""  # the form asked for, the condition it depends on
    pages: str = "1"
    received: bool = True
    added: bool = False  # typed in by the clerk (not from the matter): may be removed

    def page_count(self) -> int:
        return int(self.pages) if self.pages.isdigit() else 0


class MaterialsTable(DataTable[Text]):
    """The materials: space marks one received or not, digits type its pages, Delete removes one the clerk added."""

    BINDINGS = [
        Binding(
            "space",
            "toggle_received",
            "dialog.key.toggle_received",
            id="toggle_received",
            tooltip="dialog.key.toggle_received_tip",
        ),
        Binding(
            "delete",
            "remove_material",
            "dialog.key.remove_material",
            id="remove_material",
            tooltip="dialog.key.remove_material_tip",
        ),
    ]

    @dataclass
    class Changed(Message):
        """The clerk changed a material (received, pages, added or removed)."""

        table: MaterialsTable

    def __init__(self, materials: list[Material], *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.materials = materials
        self.typing = False  # digits typed on this row so far replace the default, then append
        localise(self)

    def on_mount(self) -> None:
        self.add_column(Text(t("dialog.accept.col_received")), key="received")
        self.add_column(Text(t("dialog.accept.col_name")), key="name")
        self.add_column(Text(t("dialog.accept.col_pages"), justify="right"), key="pages")
        self.show_rows()

    def on_resize(self) -> None:
        self.show_rows()

    def name_cells(self) -> int:
        """What the name column may take: the table's width less the other columns and their padding."""
        others = max(cell_len(t("dialog.accept.col_received")), 2) + max(
            cell_len(t("dialog.accept.col_pages")), PAGES_DIGITS
        )
        return max(12, self.scrollable_content_region.width - others - 2 * 3 - 1)

    def show_rows(self) -> None:
        """Every row afresh; the name column takes the room the table leaves (names cut by cells)."""
        row = self.cursor_row
        self.clear()
        name_column = self.columns.get(ColumnKey("name"))
        if name_column is not None:
            name_column.auto_width = False
            name_column.width = self.name_cells()
        for index, material in enumerate(self.materials):
            self.add_row(*self.cells(material), key=str(index))
        if self.materials:
            self.move_cursor(row=min(max(row, 0), len(self.materials) - 1))

    def show_row(self, index: int) -> None:
        """One row again, in place: the cursor stays where the clerk is typing."""
        for column, cell in zip(("received", "name", "pages"), self.cells(self.materials[index]), strict=True):
            self.update_cell(str(index), column, cell)

    def cells(self, material: Material) -> tuple[Text, Text, Text]:
        room = self.name_cells()
        tick = Text("✓", style="bold green") if material.received else Text("✗", style="red")
        name = Text(cut(material.name, room), style="" if material.received else "dim")
        if material.note and cell_len(name.plain) + cell_len(material.note) <= room:
            name.append(material.note, style="italic")
        return tick, name, Text(material.pages or "?", justify="right")

    def current(self) -> Material | None:
        return self.materials[self.cursor_row] if 0 <= self.cursor_row < len(self.materials) else None

    def action_toggle_received(self) -> None:
        material = self.current()
        if material is not None:
            material.received = not material.received
            self.show_row(self.cursor_row)
            self.post_message(self.Changed(self))

    def action_remove_material(self) -> None:
        material = self.current()
        if material is not None and material.added:
            self.materials.remove(material)
            self.show_rows()
            self.post_message(self.Changed(self))

    def add(self, name: str, *, tell: bool = True) -> None:
        """A material the clerk typed in: received, one page until they say otherwise; the cursor goes to it."""
        names = [material.name for material in self.materials]
        if name in names:
            index = names.index(name)
            self.materials[index].received = True
        else:
            self.materials.append(Material(name, added=True))
            index = len(self.materials) - 1
        self.show_rows()
        self.move_cursor(row=index)
        if tell:
            self.post_message(self.Changed(self))

    def on_data_table_row_highlighted(self) -> None:
        self.typing = False
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_material":
            material = self.current()
            return material is not None and material.added
        return True

    def on_key(self, event: events.Key) -> None:
        material = self.current()
        if material is None:
            return
        digit = event.character or ""
        if len(digit) == 1 and digit in "0123456789":
            material.pages = (material.pages if self.typing else "") + digit
            material.pages = material.pages.lstrip("0")[:PAGES_DIGITS] or ""
            self.typing = True
        elif event.key == "backspace":
            material.pages = material.pages[:-1]
            self.typing = True
        else:
            return
        event.stop()
        event.prevent_default()
        self.show_row(self.cursor_row)
        self.post_message(self.Changed(self))
