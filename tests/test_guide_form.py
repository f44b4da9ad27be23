"""A supervisor edits a matter's service guide and kept answers in F11 (catalogue, `g`), keys as pressed: the guide
saved applies to new cases only, a kept answer without its answer is refused under its field with nothing saved,
Esc keeps the guide as it was, an edited part loses its (估) mark."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from conftest import TEAM, keys, run_app, with_pins
from test_supervisor_screens import refusals, to_row
from textual.widgets import Input, TextArea

from firstask.app import make_app
from firstask.desk import Desk
from firstask.rules import Guide, KeptAnswer
from firstask.screens.guide_form import GuideDialog
from firstask.screens.setup import SetupScreen


@pytest.fixture
def desk(make_desk: Any) -> Desk:
    return make_desk(*with_pins(*TEAM))


def guide(desk: Desk, code: str = "JZZ") -> Guide:
    return next(m for m in desk.matters() if m.code == code).guide


async def open_guide(pilot: Any, code: str = "JZZ") -> GuideDialog:
    await keys(pilot, "2")
    await to_row(pilot, "catalogue", code)
    await keys(pilot, "g")
    dialog = pilot.app.screen
    assert isinstance(dialog, GuideDialog)
    return dialog


def test_a_guide_and_a_kept_answer_edited_apply_to_new_cases_only(desk: Desk) -> None:
    before_case = desk.check_in("w01", visitor_name="张三", summary="问", kind="enquiry", matter="JZZ").no
    old = guide(desk)
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot: Any) -> None:
        dialog = await open_guide(pilot)
        fees = dialog.query_one("#fees", Input)
        assert fees.value == old.fees
        fees.focus()
        await keys(pilot, "ctrl+u", *"工本费20元")
        answers = dialog.query_one("#answers", TextArea)
        answers.focus()
        answers.insert("问：要几张照片？\n答：两张一寸照片。\n白底。")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)

    run_app(app, script, press=("f11",))
    new = guide(desk)
    assert new.fees == "工本费20元"
    assert new.answers == (KeptAnswer("要几张照片？", "两张一寸照片。\n白底。"),)
    assert (new.procedure, new.conditions, new.sources) == (old.procedure, old.conditions, old.sources)
    after_case = desk.check_in("w01", visitor_name="李四", summary="问", kind="enquiry", matter="JZZ").no
    assert desk.case(before_case).matter_info.guide == old
    assert desk.case(after_case).matter_info.guide == new


def test_a_kept_question_without_its_answer_is_refused_and_nothing_saved(desk: Desk) -> None:
    old = guide(desk)
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot: Any) -> None:
        dialog = await open_guide(pilot)
        answers = dialog.query_one("#answers", TextArea)
        answers.focus()
        answers.insert("问：只有问题")
        await keys(pilot, "ctrl+s")
        assert app.screen is dialog
        [reason] = refusals(app)
        assert reason.startswith("The kept answers are not laid out right")
        assert dialog.query_one("#answers-reason").display and app.focused is answers
        await keys(pilot, "escape")
        assert isinstance(app.screen, SetupScreen)

    run_app(app, script, press=("f11",))
    assert guide(desk) == old


def test_escape_keeps_the_guide_and_an_edited_part_loses_its_estimate(desk: Desk) -> None:
    desk.save_guide("JZZ", dataclasses.replace(guide(desk), estimated=("fees", "place")), by="s01")
    old = guide(desk)
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot: Any) -> None:
        dialog = await open_guide(pilot)
        assert "估" in dialog.query_one("#fees-field").query_one(".label").text
        dialog.query_one("#fees", Input).focus()
        await keys(pilot, *"另收", "escape")
        assert guide(desk) == old
        dialog = await open_guide(pilot)
        dialog.query_one("#fees", Input).focus()
        await keys(pilot, "ctrl+u", *"不收费", "ctrl+s")

    run_app(app, script, press=("f11",))
    assert guide(desk).fees == "不收费" and guide(desk).estimated == ("place",)


def test_a_clerk_cannot_reach_the_guide_editor(desk: Desk) -> None:
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot: Any) -> None:
        await keys(pilot, "f11")
        assert not isinstance(app.screen, SetupScreen)

    run_app(app, script)
