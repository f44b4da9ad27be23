"""Small helpers for the words screens show, kept apart from the dialogs so that a screen which only lists cases
does not import every dialog's widgets at start-up."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rich.cells import cell_len, chop_cells, set_cell_size

from firstask.i18n import t
from firstask.rules import Staff

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # catalogue keys app.weekday.*


def cut(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells (a Chinese character takes two), marked "…" where cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1).rstrip() + "…"


def one_line(text: str) -> str:
    """Text on one line: runs of spaces and line breaks become one space; a full-width space (U+3000, which a
    Chinese input method types on purpose) is kept as typed."""
    return re.sub(r"[^\S\u3000]+", " ", text).strip(" \t\r\n")


def staff_name(code: str | None, staff: Mapping[str, Staff]) -> str:
    """A colleague by name (their code when the roster does not know it)."""
    person = staff.get(code or "")
    return person.name if person else (code or t("follow.none"))


# Where a line may break: after a space, or before or after any wide (Chinese) character, keeping opening
# punctuation with what follows it and closing punctuation with what precedes it.
_OPENING = "([{<（「『“‘《〈【"
_CLOSING = ")]}>,.;:!?，。、；：）」』”’》〉】！？%"
_PIECES = re.compile(
    rf"[{re.escape(_OPENING)}]*(?:[\u2e80-\uffef]|[^\s\u2e80-\uffef]+)[{re.escape(_CLOSING)}]*\s*"
    r"|\s+"
)
_NUMBERED = re.compile(r"\s*\d+\.\s")


def wrap(text: str, cells: int) -> str:
    """`text` with every line wrapped to `cells` terminal cells (a Chinese character takes two).

    Chinese has no spaces to break at: a line breaks between any two Chinese characters, and at spaces between
    words of other scripts; a word wider than the line is folded. A numbered item goes on under its own text.
    """
    cells = max(cells, 4)
    out: list[str] = []
    for line in text.split("\n"):
        number = _NUMBERED.match(line)
        indent = " " * cell_len(number.group()) if number and cell_len(number.group()) <= cells // 2 else ""
        current = ""
        for piece in _PIECES.findall(line):
            if current.strip() and cell_len(current + piece.rstrip()) > cells:
                out.append(current.rstrip())
                current, piece = indent, piece.lstrip()
            if cell_len(current + piece.rstrip()) > cells:
                *full, current = chop_cells(current + piece, cells)
                out.extend(part.rstrip() for part in full)
            else:
                current += piece
        out.append(current.rstrip())
    return "\n".join(out)
