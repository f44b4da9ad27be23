"""The service guides' research (data/guides-research/): well-formed, one guide per catalogue matter at most, each
with its sources and saying which of its fields are estimated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
PARTS = sorted((DATA / "guides-research").glob("part-*.json"))
KEYS = {"code", "name", "conditions", "procedure", "fees", "place", "hours", "phone", "online", "sources"}
KEYS |= {"estimated", "notes"}
FIELDS = KEYS - {"code", "name", "sources", "estimated"}


def guides() -> list[dict[str, Any]]:
    return [g for part in PARTS for g in json.loads(part.read_text(encoding="utf-8"))]


def catalogue() -> dict[str, str]:
    matters = json.loads((DATA / "catalogue.json").read_text(encoding="utf-8"))["matters"]
    return {m["code"]: m["name"] for m in matters}


def test_there_is_research_to_check() -> None:
    assert PARTS and guides()


def test_each_guide_is_a_catalogue_matter_once() -> None:
    codes = [g["code"] for g in guides()]
    assert len(codes) == len(set(codes))
    names = catalogue()
    assert {g["code"]: g["name"] for g in guides()}.items() <= names.items()


@pytest.mark.parametrize("guide", guides(), ids=lambda g: g["code"])
def test_a_guide_has_its_fields_its_sources_and_says_what_is_estimated(guide: dict[str, Any]) -> None:
    assert set(guide) == KEYS
    for key in ("conditions", "procedure"):
        assert guide[key] and all(isinstance(line, str) and line.strip() for line in guide[key])
    assert isinstance(guide["fees"], str) and guide["fees"].strip()
    for key in ("place", "hours", "phone", "online"):
        assert guide[key] is None or (isinstance(guide[key], str) and guide[key].strip())
    assert guide["sources"] and all(str(s.get("url", "")).startswith("http") for s in guide["sources"])
    assert set(guide["estimated"]) <= FIELDS
