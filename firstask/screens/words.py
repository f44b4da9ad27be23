"""Small helpers for the words screens show, kept apart from the dialogs so that a screen which only lists cases
does not import every dialog's widgets at start-up."""

from __future__ import annotations

from collections.abc import Mapping

from rich.cells import cell_len, set_cell_size

from firstask.i18n import t
from firstask.rules import Staff

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # catalogue keys app.weekday.*


def cut(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells (a Chinese character takes two), marked "…" where cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1).rstrip() + "…"


def staff_name(code: str | None, staff: Mapping[str, Staff]) -> str:
    """A colleague by name (their code when the roster does not know it)."""
    person = staff.get(code or "")
    return person.name if person else (code or t("follow.none"))
