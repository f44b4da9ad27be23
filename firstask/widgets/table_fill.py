"""`fill`: a DataTable shown with new rows, drawing again only the cells that changed.

Emptying a DataTable and adding every row again makes it render every visible cell afresh (a tenth of a second for
the summary's tables at a day step). When the columns and the rows' keys are what the table already shows, in the
same order, only the cells that differ are changed in place; otherwise it is built again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.widgets import DataTable

Column = tuple[str, Text, int | None]  # key, header, width (None: as wide as its widest cell)
Shape = tuple[tuple[str, str, str, int | None], ...]

_shown: WeakKeyDictionary[DataTable[Any], tuple[Shape, list[str], list[list[tuple[str, str, str, str]]]]] = (
    WeakKeyDictionary()
)


def _look(cell: Text) -> tuple[str, str, str, str]:
    return cell.plain, str(cell.style), repr(cell.spans), str(cell.justify)


def fill(table: DataTable[Any], columns: Sequence[Column], rows: Sequence[tuple[str, Sequence[Text]]]) -> bool:
    """Show `rows` (key, cells) under `columns`; True when the table had to be built again."""
    shape: Shape = tuple((key, header.plain, str(header.style), width) for key, header, width in columns)
    keys = [key for key, _ in rows]
    looks = [[_look(cell) for cell in cells] for _, cells in rows]
    before = _shown.get(table)
    _shown[table] = (shape, keys, looks)
    if (
        before is not None
        and before[0] == shape
        and before[1] == keys
        and all(width is not None for _, _, width in columns)
    ):
        for (key, cells), look, was in zip(rows, looks, before[2], strict=True):
            for (column, _, _), cell, new, old in zip(columns, cells, look, was, strict=True):
                if new != old:
                    table.update_cell(key, column, cell)
        return False
    table.clear(columns=True)
    for key, header, width in columns:
        table.add_column(header, width=width, key=key)
    for key, cells in rows:
        table.add_row(*cells, key=key)
    return True
