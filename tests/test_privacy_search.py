"""A returning visitor found at the window (issue 15, item 4.1; SPEC §10): their phone and ID number are shown whole
only to the owner or first-asker of one of their cases and to supervisors. Anyone else sees them masked in the search
list and in the form, and picking the visitor still carries the stored numbers into the new case.

Each test drives the check-in screen with keys as the clerk would, and reads everything the screen holds: what the
terminal shows and every field's value.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import pytest
from conftest import PAIR, SUPERVISOR, run_app, screen_text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from firstask import i18n
from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.screens.check_in import CheckInScreen

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"
MASKED_PHONE, MASKED_ID = "138****5678", "110105********002X"


@pytest.fixture
def desk(make_desk) -> Desk:
    desk = make_desk(*PAIR, SUPERVISOR)
    # 徐强 (xq) came to w01 last time; his enquiry was answered, so the search offers him, not an open case.
    case = desk.check_in(
        "w01", visitor_name="徐强", phone=PHONE, id_number=ID_NUMBER, org="红星社区", summary="咨询居住证"
    )
    desk.answer(case.no, "w01", "已告知所需材料。")
    return desk


def run(app: DeskApp, script: Callable[[Pilot], Awaitable[None]]) -> None:
    run_app(app, script, expect=CheckInScreen)


def value(app: DeskApp, name: str) -> str:
    return app.screen.query_one(f"#{name}", Input).value


def new_case(desk: Desk):
    return desk.case(desk.store.scalar("SELECT no FROM cases ORDER BY no DESC LIMIT 1"))


def assert_masked(app: DeskApp) -> None:
    text = screen_text(app)
    assert PHONE not in text and ID_NUMBER not in text


async def pick_xq(pilot: Pilot) -> None:
    await pilot.press("x", "q")
    await pilot.pause()


def test_another_clerks_visitor_is_masked_and_their_numbers_still_go_into_the_new_case(desk: Desk) -> None:
    """The reported leak: w02 types `xq` and Enter; w01's visitor's numbers filled the form whole."""
    app = make_app(desk, user="w02", lang="zh")

    async def script(pilot: Pilot) -> None:
        await pick_xq(pilot)
        found = app.screen.query_one("#visitors", OptionList)
        assert found.display and "徐强" in str(found.get_option_at_index(0).prompt)
        assert_masked(app)
        await pilot.press("enter")
        await pilot.pause()
        assert (value(app, "visitor_name"), value(app, "phone"), value(app, "id_number")) == (
            "徐强",
            MASKED_PHONE,
            MASKED_ID,
        )
        assert app.screen.query_one("#phone", Input).has_class("-masked")
        assert_masked(app)
        await pilot.press(*"jzz", "enter")  # the matter; the summary is prefilled
        await pilot.pause()
        assert_masked(app)
        await pilot.press("enter")  # checked in
        await pilot.pause()
        case = new_case(desk)
        assert case.visitor_name == "徐强" and case.first_asker == "w02" and case.matter == "JZZ"
        assert (case.phone, case.id_number) == (PHONE, ID_NUMBER)

    run(app, script)


@pytest.mark.parametrize("user", ["w01", "s01"])
def test_the_first_asker_of_one_of_the_visitors_cases_and_a_supervisor_see_them_whole(desk: Desk, user: str) -> None:
    app = make_app(desk, user=user, lang="en")

    async def script(pilot: Pilot) -> None:
        await pick_xq(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert (value(app, "phone"), value(app, "id_number")) == (PHONE, ID_NUMBER)
        assert not app.screen.query_one("#phone", Input).has_class("-masked")

    run(app, script)


def test_the_owner_after_a_hand_off_sees_them_whole(desk: Desk) -> None:
    """w02 owns one of 徐强's cases now (handed off by w01 and accepted): to w02 he is no stranger."""
    case = desk.check_in("w01", visitor_name="徐强", phone=PHONE, summary="咨询社保")
    desk.hand_off(case.no, "w01", "w02", "请跟进。")
    desk.accept_handoff(case.no, "w02")
    desk.answer(case.no, "w02", "已答复。")
    assert [hit.whole for hit in desk.find_visitors("xq", by="w02")] == [True]


def test_a_masked_number_typed_over_is_a_new_number(desk: Desk) -> None:
    app = make_app(desk, user="w02", lang="en")

    async def script(pilot: Pilot) -> None:
        await pick_xq(pilot)
        await pilot.press("enter")
        await pilot.pause()
        phone = app.screen.query_one("#phone", Input)
        phone.focus()  # the masked text is selected on focus: what is typed replaces it
        await pilot.pause()
        await pilot.press(*"13900001111")
        await pilot.pause()
        assert value(app, "phone") == "13900001111" and not phone.has_class("-masked")
        id_box = app.screen.query_one("#id_number", Input)
        id_box.focus()
        await pilot.press("end", "backspace")  # an edit inside the mask: the mask goes, nothing stored is kept
        await pilot.pause()
        assert value(app, "id_number") == "" and not id_box.has_class("-masked")
        summary = app.screen.query_one("#summary", Input)
        summary.focus()
        await pilot.press(*"ask", "enter")
        await pilot.pause()
        case = new_case(desk)
        assert case.first_asker == "w02" and case.phone == "13900001111" and case.id_number is None

    run(app, script)


def test_what_is_typed_after_the_mask_is_kept_alone(desk: Desk) -> None:
    app = make_app(desk, user="w02", lang="en")

    async def script(pilot: Pilot) -> None:
        await pick_xq(pilot)
        await pilot.press("enter")
        await pilot.pause()
        phone = app.screen.query_one("#phone", Input)
        phone.focus()
        await pilot.press("end", "1")
        await pilot.pause()
        assert value(app, "phone") == "1" and PHONE not in screen_text(app)

    run(app, script)


def test_the_next_visitor_forgets_the_carried_numbers(desk: Desk) -> None:
    app = make_app(desk, user="w02", lang="en")

    async def script(pilot: Pilot) -> None:
        await pick_xq(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        assert screen.carried == {} and value(app, "phone") == ""
        assert not screen.query_one("#phone", Input).has_class("-masked")

    run(app, script)


def test_the_desk_says_who_may_see_a_returning_visitor_whole(desk: Desk) -> None:
    assert [hit.whole for hit in desk.find_visitors("xq", by="w02")] == [False]
    assert [hit.whole for hit in desk.find_visitors("xq", by="w01")] == [True]
    assert [hit.whole for hit in desk.find_visitors("xq", by="s01")] == [True]
    (hit,) = desk.find_visitors("xq", by="w02")
    assert (hit.shown_phone, hit.shown_id_number) == (MASKED_PHONE, MASKED_ID)
    assert (hit.phone, hit.id_number) == (PHONE, ID_NUMBER)  # kept to be carried, never shown
    # A namesake without a phone is another visitor: w01's case with 徐强 does not make him w01's.
    desk.check_in("w02", visitor_name="徐强", summary="咨询", id_number="11010519491231002X")
    hits = {hit.phone: hit.whole for hit in desk.find_visitors("徐", by="w01")}
    assert hits == {PHONE: True, None: False}


def test_who_may_see_is_read_by_index(desk: Desk) -> None:
    """The one query more for a clerk starts from the visitors found, never from all of the clerk's cases."""
    sent: list[str] = []
    desk.store.conn.set_trace_callback(sent.append)
    try:
        desk.find_visitors("xq", by="w02")
    finally:
        desk.store.conn.set_trace_callback(None)
    mine = [sql for sql in sent if "CROSS JOIN" in sql]
    assert len(mine) == 1
    plan = [row[3] for row in desk.store.conn.execute("EXPLAIN QUERY PLAN " + mine[0])]
    assert not [line for line in plan if line.startswith("SCAN") and "json_each" not in line], plan
    assert any("idx_cases_person_id" in line for line in plan), plan


def test_the_privacy_words_are_in_both_languages() -> None:
    zh, en = (
        {key: text for key, text in i18n.catalogue(lang).items() if key.startswith("privacy.")} for lang in ("zh", "en")
    )
    assert zh.keys() == en.keys() and zh
    for text in zh.values():
        assert "," not in text and ":" not in text and ";" not in text  # Chinese punctuation in Chinese
    assert json.dumps(en, ensure_ascii=True).isascii()
