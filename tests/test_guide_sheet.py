"""The service guides in the catalogue's CSV sheet: ten columns after the others, read back to the same bytes, a
sheet without them (or with some) keeping each matter's own, a bad cell named by row and column with nothing
imported."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TEAM

from firstask import catalogue_csv
from firstask.desk import Desk
from firstask.rules import Guide, KeptAnswer, RuleError, Source

ANSWERS = (
    KeptAnswer("要交几张照片？", "两张一寸照片。\n\n白底，近三个月内拍的。"),
    KeptAnswer("可以代办吗？", "可以，带代办人身份证。"),
)


@pytest.fixture
def desk(make_desk: Callable[..., Desk]) -> Desk:
    desk = make_desk(*TEAM)
    jzz = next(m for m in desk.matters() if m.code == "JZZ")
    guide = dataclasses.replace(
        jzz.guide, answers=ANSWERS, sources=(*jzz.guide.sources, Source("https://x/y", "区里的指南", "杭州市", 2025))
    )
    desk.save_guide("JZZ", guide, by="s01")
    return desk


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sheet_of(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def guide_of(desk: Desk, code: str) -> Guide:
    return next(m for m in desk.matters() if m.code == code).guide


def test_every_guide_goes_out_and_comes_back_to_the_same_bytes(desk: Desk, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    catalogue_csv.export_csv(desk, first)
    before = {m.code: m.guide for m in desk.matters()}
    text = first.read_bytes().decode("utf-8-sig")
    assert "问：要交几张照片？\n答：两张一寸照片。\n\n白底" in text
    assert "区里的指南｜杭州市｜2025｜https://x/y" in text
    desk.save_guide("JZZ", Guide(), by="s01")  # gone: the sheet brings it back
    assert catalogue_csv.import_csv(desk, first, by="s01") == len(desk.catalogue())
    assert {m.code: m.guide for m in desk.matters()} == before
    catalogue_csv.export_csv(desk, second)
    assert first.read_bytes() == second.read_bytes()


def test_a_sheet_without_the_guide_columns_keeps_the_guides(desk: Desk, tmp_path: Path) -> None:
    jzz = next(m for m, _ in desk.catalogue() if m.code == "JZZ")
    header, row = rows_of(catalogue_csv.write_csv([(dataclasses.replace(jzz, limit_days=20), True)]))
    sheet = tmp_path / "old.csv"
    sheet.write_bytes(sheet_of([header[:12], row[:12]]))  # as a sheet from before the guides
    before = guide_of(desk, "JZZ")
    assert catalogue_csv.import_csv(desk, sheet, by="s01") == 1
    assert guide_of(desk, "JZZ") == before
    assert next(m for m in desk.matters() if m.code == "JZZ").limit_days == 20


def test_a_sheet_with_some_guide_columns_changes_those_parts_only(desk: Desk, tmp_path: Path) -> None:
    jzz = next(m for m, _ in desk.catalogue() if m.code == "JZZ")
    header, row = rows_of(catalogue_csv.write_csv([(dataclasses.replace(jzz, guide=Guide(fees="工本费20元")), True)]))
    keep = catalogue_csv.HEADINGS.index("收费标准") + 1
    sheet = tmp_path / "fees.csv"
    sheet.write_bytes(sheet_of([header[:keep], row[:keep]]))
    before = guide_of(desk, "JZZ")
    catalogue_csv.import_csv(desk, sheet, by="s01")
    after = guide_of(desk, "JZZ")
    # 申请条件 and 办理流程 came empty in the sheet: a supervisor emptied them; the columns it lacks are kept.
    assert after == dataclasses.replace(before, conditions=(), procedure=(), fees="工本费20元")


@pytest.mark.parametrize(
    ("column", "cell", "words"),
    [
        ("常见问答", "答：没有问题的答复", "问："),
        ("常见问答", "问：只有问题", "问："),
        ("指南来源", "没有分隔的来源", "｜"),
        ("指南来源", "标题｜地区｜去年｜https://x", "｜"),
        ("估计内容", "收费标准、门牌号", "门牌号"),
        ("收费标准", "x" * 301, "301"),
    ],
)
def test_a_bad_guide_cell_is_named_and_nothing_imported(
    desk: Desk, tmp_path: Path, column: str, cell: str, words: str
) -> None:
    jzz = next(m for m, _ in desk.catalogue() if m.code == "JZZ")
    header, row = rows_of(catalogue_csv.write_csv([(dataclasses.replace(jzz, guide=Guide()), True)]))
    row[catalogue_csv.HEADINGS.index(column)] = cell
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(sheet_of([header, row]))
    before = guide_of(desk, "JZZ")
    with pytest.raises(RuleError) as refused:
        catalogue_csv.import_csv(desk, sheet, by="s01")
    message = refused.value.message("zh")
    assert message.startswith(f"第 2 行“{column}”列：") and "没有导入任何事项" in message
    if words != "301":
        assert words in message
    assert guide_of(desk, "JZZ") == before


def test_an_answer_the_sheet_cannot_hold_is_refused_on_export(desk: Desk, tmp_path: Path) -> None:
    desk.save_guide("JZZ", Guide(answers=(KeptAnswer("问题", "第一行\n问：第二行像个问题"),)), by="s01")
    with pytest.raises(RuleError) as refused:
        catalogue_csv.export_csv(desk, tmp_path / "x.csv")
    assert refused.value.key == "setup.csv.unwritable_answer"
    assert not (tmp_path / "x.csv").exists()
