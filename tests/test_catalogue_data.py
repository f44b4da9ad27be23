"""The shipped catalogue (data/catalogue.json) is well formed and matches its builder.

These tests read the JSON by path and import nothing from firstask: the data must be
right whatever the code that loads it does.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "data" / "catalogue.json"
BUILDER = REPO / "tools" / "build_catalogue.py"
SHEET = REPO.parent / "shared" / "catalogue-research.csv"

KINDS = {"immediate", "promised", "escalated", "joint", "guide"}
STATUSES = {"active", "abolished", "guide"}


@pytest.fixture(scope="module")
def matters() -> list[dict[str, Any]]:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))["matters"]


def by_code(matters: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next(m for m in matters if m["code"] == code)


def name_of(document: str | dict[str, str]) -> str:
    return document if isinstance(document, str) else document["name"]


def conditions(matter: dict[str, Any]) -> set[str]:
    return {d["when"] for d in matter["documents"] if isinstance(d, dict) and "when" in d}


def test_thirty_matters_with_unique_codes(matters: list[dict[str, Any]]) -> None:
    codes = [m["code"] for m in matters]
    assert len(codes) == 30
    assert len(set(codes)) == len(codes)


def test_every_matter_names_itself_and_its_grounds(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        assert m["name"].strip(), m["code"]
        assert m["source"].strip(), m["code"]
        assert m["basis"].strip() or m["notes"].strip(), m["code"]


def test_kind_status_and_limit(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        assert m["kind"] in KINDS, m["code"]
        assert m["status"] in STATUSES, m["code"]
        # bool is an int subclass; a limit must be a real count of days.
        assert type(m["limit_days"]) is int and m["limit_days"] >= 0, m["code"]
        assert isinstance(m["limit_estimated"], bool), m["code"]
        assert m["immediate"] is (m["kind"] == "immediate"), m["code"]
        if m["immediate"]:
            assert m["limit_days"] == 0, m["code"]
        if m["status"] != "active":
            assert m["kind"] == "guide", m["code"]


def test_written_notice_follows_its_text(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        assert m["written_notice"] is m["written_notice_text"].startswith("是"), m["code"]


def test_guide_matters_take_no_documents(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        if m["kind"] == "guide":
            assert m["documents"] == [], m["code"]
            # What the sheet said about materials must still reach the clerk.
            assert m["notes"].strip(), m["code"]


def test_documents_are_printable(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        names = [name_of(d) for d in m["documents"]]
        assert len(names) == len(set(names)), f"{m['code']}: repeated document names"
        for d in m["documents"]:
            name = name_of(d)
            assert name.strip(), m["code"]
            # A full-width colon left in a name is a condition that was not split out.
            assert "：" not in name, f"{m['code']}: {name}"
            if isinstance(d, dict):
                assert set(d) <= {"name", "when", "form"}, m["code"]
                if "when" in d:
                    assert d["when"].strip() and "：" not in d["when"], m["code"]
                if "form" in d:
                    assert d["form"].strip(), m["code"]


def test_known_conditions(matters: list[dict[str, Any]]) -> None:
    assert "代办的" in conditions(by_code(matters, "JZZ"))
    assert "因病住院的" in conditions(by_code(matters, "LSJZ"))
    assert "残疾人" in conditions(by_code(matters, "TK"))
    assert "低保家庭" in conditions(by_code(matters, "CJBT"))
    # 就业登记's alternative routes are conditions, so no route's items are always required.
    jydj = by_code(matters, "JYDJ")
    assert {"个人登记", "灵活就业/个体经营", "单位统一登记"} <= conditions(jydj)
    assert all(isinstance(d, dict) and "when" in d for d in jydj["documents"])


def test_limits_in_words_are_estimated(matters: list[dict[str, Any]]) -> None:
    expected = {"GEBZ": 22, "YLDY": 22, "SZBZ": 44, "TBFZ": 60}
    for code, days in expected.items():
        m = by_code(matters, code)
        assert (m["limit_days"], m["limit_estimated"]) == (days, True), code
        assert m["notes"], code


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_catalogue", BUILDER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SHEET.exists(), reason=f"research sheet not found at {SHEET} (../shared beside the repo)")
def test_builder_reproduces_the_shipped_file(tmp_path: Path) -> None:
    builder = load_builder()
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert builder.main([str(SHEET), "--out", str(first)]) == 0
    assert builder.main([str(SHEET), "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == CATALOGUE.read_bytes(), "data/catalogue.json is stale: run tools/build_catalogue.py"
