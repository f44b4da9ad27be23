"""Numbers drawn as bars (the summary's tables) and as a chart of blocks (its 30 days' trend), in eighths of a cell."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"
BAR = "█"
PARTS = " ▏▎▍▌▋▊▉"


def bar(value: int, most: int, cells: int, style: str) -> Text:
    """`value` as a horizontal bar out of `most` over `cells` cells, in eighths of a cell."""
    if most <= 0 or value <= 0 or cells <= 0:
        return Text("")
    eighths = max(1, round(value / most * cells * 8))
    return Text(BAR * (eighths // 8) + (PARTS[eighths % 8] if eighths % 8 else ""), style=style)


def spark(values: Sequence[int], cells: int, rows: int, style: str) -> list[Text]:
    """`values` as columns of blocks `rows` lines high spread over `cells` cells, the last value (the chosen day)
    in bold; a value above nought always shows at least its lowest block."""
    most = max(values, default=0)
    lines = [Text() for _ in range(rows)]
    for i in range(cells if values else 0):
        index = i * len(values) // cells
        level = round(values[index] / most * rows * 8) if most else 0
        level = max(level, 1) if values[index] else level
        for row in range(rows):
            filled = level - (rows - 1 - row) * 8  # eighths of this line; the bottom line is the last
            lines[row].append(
                BLOCKS[max(0, min(8, filled))], style=f"bold {style}" if index == len(values) - 1 else style
            )
    return lines
