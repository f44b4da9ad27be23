"""`firstask report --month YYYY-MM` (issue 20): the monthly ranking of windows and staff in every report format, in
the report's language, with the history's head; a month that is not one, or --month with --day, is one clear line
and nothing written."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import Clock, OpenDesk, firstask, one_clear_line

from firstask.desk import Desk


@pytest.fixture
def month_db(desk: OpenDesk, clock: Clock) -> Path:
    """November 2026: window 3 (w01) rated 5 and 4 on its pad; window 4 (w02) rated 2 by QR, never put right."""
    clock.set(datetime(2026, 11, 2, 9, 0))
    opened = []
    for number, by, levels in (("3", "w01", (5, 4)), ("4", "w02", (2,))):
        at = Desk.open(desk.path, clock=clock)
        at.window = number
        opened.append(at)
        for level in levels:
            case = at.check_in(by, visitor_name="张三", summary="咨询")
            at.answer(case.no, by, "已答复")
            at.rate_visit(
                case.no, level, reasons=["办事效率"] if level < 3 else [], channel="pad" if level > 2 else "qr"
            )
    for at in opened:
        at.close()
    clock.set(datetime(2026, 12, 28, 9, 0))
    desk.shut()
    return desk.path


def test_the_ranking_in_json_and_csv(month_db: Path) -> None:
    done = firstask("--db", str(month_db), "report", "--month", "2026-11")
    assert done.returncode == 0, done.stderr
    ranking = json.loads(done.stdout)
    assert [(w["window"], w["rank"], w["satisfaction_rate"]) for w in ranking["windows"]] == [
        ("3", 1, 1.0),
        ("4", 2, 0.0),
    ]
    assert ranking["anchor"].split(":")[0].isdigit()
    sheet = firstask("--db", str(month_db), "report", "--month", "2026-11", "--format", "csv")
    rows = list(csv.reader(io.StringIO(sheet.stdout)))
    assert rows[0] == ["2026-11 月度好差评排名通报"]
    assert ["1", "3号窗口", "2", "2", "2", "1.0", "1.0", "0", "", "0", "0", "", ""] in rows
    assert any(r[:2] == ["2", "王芳（w01）"] or r[:2] == ["1", "王芳（w01）"] for r in rows)


@pytest.mark.parametrize("fmt", ["html", "md", "xlsx"])
def test_the_ranking_in_every_other_format(month_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"ranking.{fmt}"
    done = firstask("--db", str(month_db), "report", "--month", "2026-11", "--format", fmt, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o077 == 0  # owner-only, like every report
    if fmt == "xlsx":
        book = openpyxl.load_workbook(out)
        windows = book.worksheets[0]
        values = [[c.value for c in row] for row in windows.iter_rows()]
        assert values[0][0] == "2026-11 月度好差评排名通报"
        assert values[3][:7] == [1, "3号窗口", 2, 2, 2, 1, 1]
        assert windows.cell(row=4, column=6).number_format == "0.0%"
        assert book.worksheets[1].title == "工作人员排名"
        return
    text = out.read_text(encoding="utf-8")
    assert "3号窗口" in text and "100.0%" in text and "0.0%" in text and "王芳（w01）" in text


def test_the_ranking_in_english(month_db: Path) -> None:
    done = firstask("--db", str(month_db), "--lang", "en", "report", "--month", "2026-11", "--format", "md")
    assert "Ratings ranking for 2026-11" in done.stdout and "Window 3" in done.stdout


@pytest.mark.parametrize(
    "extra", [("--month", "2026-13"), ("--month", "Nov"), ("--month", "2026-11", "--day", "2026-11-02")]
)
def test_a_wrong_month_is_one_clear_line(month_db: Path, extra: tuple[str, ...]) -> None:
    before = month_db.read_bytes()
    line = one_clear_line(firstask("--db", str(month_db), "report", *extra))
    assert "month" in line.lower() or "--month" in line
    assert month_db.read_bytes() == before
