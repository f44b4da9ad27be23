"""Text measured in terminal cells, where a Chinese character takes two: cut to a width (`cut`), put on one line
(`one_line`) and wrapped to a width (`wrap`), Chinese breaking between any two characters. Kept apart from the
dialogs so that a screen which only lists cases does not import every dialog's widgets at start-up.
"""

from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len, chop_cells, set_cell_size

CELL_PADDING = 2  # a DataTable pads each cell by one cell on either side


def cut(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells (a Chinese character takes two), marked "…" where cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1).rstrip() + "…"


def one_line(text: str) -> str:
    """Text on one line: runs of spaces and line breaks become one space; a full-width space (U+3000, which a
    Chinese input method types on purpose) is kept as typed."""
    return re.sub(r"[^\S\u3000]+", " ", text).strip(" \t\r\n")


def _named(*names: str) -> str:
    return "".join(unicodedata.lookup(name) for name in names)


# Where a line may break: after a space, or before or after any wide (Chinese) character, keeping opening
# punctuation with what follows it and closing punctuation with what precedes it. The full-width marks are named
# (they are characters to break around, not words on screen).
_OPENING = "([{<\u201c\u2018" + _named(
    "FULLWIDTH LEFT PARENTHESIS",
    "LEFT CORNER BRACKET",
    "LEFT WHITE CORNER BRACKET",
    "LEFT DOUBLE ANGLE BRACKET",
    "LEFT ANGLE BRACKET",
    "LEFT BLACK LENTICULAR BRACKET",
)
_CLOSING = ")]}>,.;:!?%\u201d\u2019" + _named(
    "FULLWIDTH COMMA",
    "IDEOGRAPHIC FULL STOP",
    "IDEOGRAPHIC COMMA",
    "FULLWIDTH SEMICOLON",
    "FULLWIDTH COLON",
    "FULLWIDTH RIGHT PARENTHESIS",
    "RIGHT CORNER BRACKET",
    "RIGHT WHITE CORNER BRACKET",
    "RIGHT DOUBLE ANGLE BRACKET",
    "RIGHT ANGLE BRACKET",
    "RIGHT BLACK LENTICULAR BRACKET",
    "FULLWIDTH EXCLAMATION MARK",
    "FULLWIDTH QUESTION MARK",
)
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
