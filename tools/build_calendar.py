"""Build data/calendar-cn.json: the official PRC working calendar as the `holidays` library gives it.

Usage (from the repository root)::

    python tools/build_calendar.py [--out PATH] [--first YEAR] [--last YEAR]

The desk reads this table at start-up instead of importing the library, which costs a tenth of a second before
its first answer (it loads every country it knows). Years outside the table are still asked of the library. Run
this again after upgrading `holidays`: `tests/test_calendar.py` fails while the file and the library disagree.
The output is deterministic, so a diff shows only the days that changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from firstask.calendar import official_table  # noqa: E402

DEFAULT_OUT = REPO / "data" / "calendar-cn.json"
FIRST, LAST = 2000, 2040  # the desk's history and a decade of due dates ahead


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--first", type=int, default=FIRST)
    parser.add_argument("--last", type=int, default=LAST)
    args = parser.parse_args(argv)
    table = official_table(range(args.first, args.last + 1))
    args.out.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(table['years'])} years ({table['source']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
