"""Service guides (办事指南) in the catalogue and at the desk: shipped for every matter, kept per case as at check-in,
edited for new cases only, handed over as (part of) an answer, printed without a visitor; kept answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, TEAM, check_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from test_bad_input import AWKWARD, not_text

from firstask import printing
from firstask.desk import Desk
from firstask.rules import Guide, KeptAnswer, RuleError

REPO = Path(__file__).resolve().parent.parent


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace(" ", "")


def enquiry(desk: Desk, matter: str = "JZZ", by: str = "w01") -> str:
    return desk.check_in(
        by,
        visitor_name="张三",
        summary="问居住证怎么办",
        channel="phone",
        kind="enquiry",
        matter=matter,
        phone="13800138000",
    ).no


def test_every_shipped_matter_has_a_guide_with_its_sources(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    shipped = json.loads((REPO / "data" / "catalogue.json").read_text(encoding="utf-8"))["matters"]
    assert len(shipped) == 30
    for matter, _active in desk.catalogue():
        guide = matter.guide
        assert guide.procedure and guide.fees and guide.place and guide.sources, matter.code
        assert all(part in ("conditions", "procedure", "fees", "place", "online") for part in guide.estimated)
    # Phones and hours of other regions are not shipped: the slip gives the centre's own.
    phones = {m.code: m.guide.phone for m, _ in desk.catalogue() if m.guide.phone}
    assert phones == {"FLYZ": "12348"}


def test_a_case_keeps_the_guide_it_was_checked_in_with(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    before = check_in(desk)
    jzz = desk.find_matters("JZZ")[0]
    edited = Guide(
        conditions=("新条件",),
        procedure=("第一步", "第二步"),
        fees="不收费",
        place="本中心2号窗口",
        answers=(KeptAnswer("要几张照片？", "两张近期免冠照片。"),),
    )
    desk.save_matter(
        "JZZ",
        jzz.name,
        by="s01",
        limit_days=jzz.limit_days,
        kind=jzz.kind,
        documents=[d.as_json() for d in jzz.documents],
        guide=edited,
    )
    after = check_in(desk, visitor="李四")
    assert desk.case(before).matter_info.guide == jzz.guide
    assert desk.case(after).matter_info.guide == edited
    assert desk.find_matters("JZZ")[0].guide == edited
    # An edit of the other fields (the F11 matter form) leaves the guide as it is.
    desk.save_matter("JZZ", jzz.name, by="s01", limit_days=20, kind=jzz.kind)
    assert desk.find_matters("JZZ")[0].guide == edited
    assert desk.verify().ok


def test_one_guide_is_stored_once_however_many_cases_use_it(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    for n in range(5):
        check_in(desk, visitor=f"访客{n}")
    with desk.store.read() as s:
        guides = s.scalar("SELECT COUNT(*) FROM guides")
        matter_json = s.scalar("SELECT matter FROM cases LIMIT 1")
    assert guides == 30
    assert "procedure" not in matter_json  # the case refers to its guide by hash


def test_an_answer_with_the_guide_prints_it_with_the_answer(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    desk.set_policy(centre_name="和睦社区服务中心", centre_phone="0571-88001234", centre_hours="周一至周五 9:00-17:00")
    no = enquiry(desk)
    case = desk.answer(no, "w01", "可到本中心办理，材料见指南。", with_guide=True)
    assert case.status == "resolved"
    last = case.history[-1]
    assert last.detail["guide"] is True and last.detail["document"]
    ((_event, path),) = desk.documents(no)
    text = pdf_text(path)
    for words in (
        "和睦社区服务中心办事指南",
        "办理流程",
        "收费标准",
        "所需材料",
        "本人居民身份证",
        "可到本中心办理",
        "0571-88001234",
        no,
    ):
        assert words in text, words


def test_an_answer_without_a_guide_prints_nothing(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    no = enquiry(desk)
    case = desk.answer(no, "w01", "答复")
    assert "document" not in case.history[-1].detail
    assert desk.documents(no) == []


def test_a_guide_asked_of_a_case_without_one_is_refused_and_nothing_written(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    no = desk.check_in("w01", visitor_name="张三", summary="问路", channel="visit", kind="enquiry").no
    version = desk.case(no).version
    with pytest.raises(RuleError) as refused:
        desk.answer(no, "w01", "往东走", with_guide=True)
    assert refused.value.key == "guide.none"
    assert desk.case(no).version == version and desk.case(no).status == "open"


def test_a_guide_printed_without_a_visitor(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    desk.set_policy(centre_name="和睦社区服务中心", centre_phone="0571-88001234")
    path = desk.guide_slip("FLYZ", "w01")
    text = pdf_text(path)
    assert "和睦社区服务中心办事指南" in text and "12348" in text and "服务对象" not in text
    assert "编号" not in text
    with pytest.raises(RuleError):
        desk.guide_slip("NOPE", "w01")


def test_kept_answers_need_both_halves_and_are_cleaned(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    jzz = desk.find_matters("JZZ")[0]
    for bad in ({"answers": [{"q": "只有问题", "a": ""}]}, {"procedure": ["一步\x1b[31m"]}, {"fees": "x" * 301}):
        with pytest.raises(RuleError):
            desk.save_matter("JZZ", jzz.name, by="s01", limit_days=jzz.limit_days, guide=bad)
    assert desk.find_matters("JZZ")[0].guide == jzz.guide
    with pytest.raises(RuleError):
        desk.save_matter("JZZ", jzz.name, by="w01", limit_days=jzz.limit_days, guide=Guide(fees="不收费"))


def test_the_guide_text_leaves_out_what_it_lacks_and_falls_back_to_the_centre() -> None:
    text = printing.guide(
        printing.GuideText("", "", (), (), ("一步",), "不收费", "", "", "", ""),
        printing.Slip(
            "",
            "",
            "某事项",
            "王芳",
            "3",
            __import__("datetime").date(2026, 12, 5),
            printing.Centre(name="和睦社区服务中心", phone="0571-1", hours="全天"),
        ),
    )
    assert (
        "一、办理流程" in text
        and "二、收费标准：不收费" in text
        and "三、办理时间：全天" in text
        and "四、咨询电话：0571-1" in text
    )
    assert "申请条件" not in text and "所需材料" not in text


def test_a_matter_saved_twice_in_one_import_is_sealed_once(make_desk: Callable[..., Desk]) -> None:
    """An upsert of the same row twice in one transaction used to fail on the seal's note of the row."""
    desk = make_desk(*TEAM)
    jzz = desk.find_matters("JZZ")[0]
    first = {"code": "JZZ", "name": jzz.name, "limit_days": 15, "kind": jzz.kind}
    assert desk.import_matters([first, {**first, "limit_days": 20}], by="s01") == 2
    assert desk.find_matters("JZZ")[0].limit_days == 20
    assert desk.verify().ok


def test_save_guide_changes_the_guide_alone(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    jzz = desk.find_matters("JZZ")[0]
    desk.save_guide("JZZ", Guide(fees="工本费20元"), by="s01")
    after = desk.find_matters("JZZ")[0]
    assert after.guide == Guide(fees="工本费20元")
    assert (after.documents, after.limit_days, after.dept, after.basis) == (
        jzz.documents,
        jzz.limit_days,
        jzz.dept,
        jzz.basis,
    )
    with pytest.raises(RuleError):
        desk.save_guide("JZZ", Guide(), by="w01")  # a clerk may not


# --- whatever a guide holds: taken as cleaned, or refused with nothing written ---------------------------------------

any_part = st.one_of(st.text(max_size=40), st.sampled_from(AWKWARD), not_text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    part=st.sampled_from(["conditions", "procedure", "fees", "place", "hours", "phone", "online", "answers"]),
    value=st.one_of(
        any_part, st.lists(any_part, max_size=3), st.lists(st.dictionaries(st.sampled_from("qa"), any_part))
    ),
)
def test_any_guide_is_taken_cleaned_or_refused_whole(tmp_path_factory: Any, part: str, value: Any) -> None:
    desk = Desk.open(tmp_path_factory.mktemp("g") / "desk.db", clock=lambda: NOW)
    try:
        desk.add_staff("s01", "周", role="supervisor")
        desk.add_matter("M1", "事项", limit_days=5, guide={"fees": "不收费"})
        before = desk.store.head()
        try:
            desk.save_guide("M1", {part: value}, by="s01")
        except RuleError as refused:
            assert refused.message()
            assert desk.find_matters("M1")[0].guide == Guide(fees="不收费")
            assert desk.store.head() == before
            return
        guide = desk.find_matters("M1")[0].guide
        texts = [*guide.conditions, *guide.procedure, guide.fees, guide.place, guide.hours, guide.phone, guide.online]
        texts += [x for kept in guide.answers for x in (kept.question, kept.answer)]
        assert all(x == x.strip() and not any(ord(c) < 32 and c != "\n" for c in x) for x in texts)
        assert desk.verify().ok
    finally:
        desk.close()


def test_the_researchers_estimate_mark_is_not_printed(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(*TEAM)
    assert "(估)" in (desk.find_matters("FLYZ")[0].dept or "")
    text = pdf_text(desk.guide_slip("FLYZ", "w01"))
    assert "法律援助机构" in text and "估" not in text
