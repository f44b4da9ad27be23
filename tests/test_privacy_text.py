"""Personal data in free text, and text that is not text (issue 15, items 4.2 and 4.3; SPEC §10).

- Phones and ID numbers typed into a case's summary, notes, results and reasons are masked wherever the case's own
  phone and ID number are: in the masked reports (md, csv, html, xlsx) and on the screens of a clerk who is not the
  case's owner or first-asker. Its owner, first-asker and supervisors see them whole, and so does a report a
  supervisor asked for unmasked.
- Escape and control characters are refused when the catalogue is written (they would be printed on notices), and
  a refusal that repeats what was typed quotes it escaped and cut.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from conftest import NOW, TEAM, screen_text
from conftest import run_app as run
from textual.pilot import Pilot
from textual.widgets import Input

from firstask import export
from firstask.app import make_app
from firstask.desk import Desk, RuleError
from firstask.privacy import mask_text
from firstask.rules import QUOTED_AT_MOST, quoted
from firstask.screens.check_in import CheckInScreen
from firstask.screens.follow_actions import DeclineDialog
from firstask.screens.follow_up import FollowUpScreen
from firstask.screens.history import HistoryScreen

PHONE, ID_NUMBER, OTHER_PHONE = "13812345678", "11010519491231002X", "13987654321"
MASKED_PHONE, MASKED_ID, MASKED_OTHER = "138****5678", "110105********002X", "139****4321"
SUMMARY = f"来电请回{PHONE}，身份证{ID_NUMBER}"
WHOLE = (PHONE, ID_NUMBER, OTHER_PHONE)


@pytest.fixture
def desk(make_desk) -> Desk:
    return make_desk(*TEAM)


@pytest.fixture
def handed(desk: Desk) -> str:
    """w01's case, its summary holding a phone and an ID number, handed off to w02 with a note holding another."""
    no = desk.check_in("w01", visitor_name="徐强", summary=SUMMARY).no
    desk.hand_off(no, "w01", "w02", f"已约{OTHER_PHONE}下午回电")
    return no


def none_whole(text: str) -> bool:
    return not any(number in text for number in WHOLE)


# --- finding the numbers in text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        (SUMMARY, f"来电请回{MASKED_PHONE}，身份证{MASKED_ID}"),
        ("座机0571-87654321，手机138 1234 5678", "座机0571-****4321，手机138****5678"),
        ("tel:+86 138-1234-5678 ok", "tel:138****5678 ok"),
        ("全角１３８１２３４５６７８", "全角138****5678"),
        ("ID11010519491231002x号", "ID110105********002x号"),
        ("两个：13812345678,13987654321", "两个：138****5678,139****4321"),
    ],
)
def test_phones_and_id_numbers_in_text_are_masked_as_the_fields_are(typed: str, masked: str) -> None:
    assert mask_text(typed) == masked


@pytest.mark.parametrize(
    "typed",
    [
        "案件20261123-0001已办结",  # a case number
        "编号110105194912310021",  # 18 digits whose check digit is wrong: not an ID number
        "订单123456789012345678901",  # a longer run of digits
        "金额20000元，2026-11-23 上午",
        "咨询居住证",
    ],
)
def test_other_numbers_in_text_stay_as_typed(typed: str) -> None:
    assert mask_text(typed) == typed


def test_no_text_is_no_text() -> None:
    assert mask_text(None) is None and mask_text("") == ""


# --- reports ----------------------------------------------------------------------------------------------------------


def report_text(desk: Desk, fmt: str, tmp_path: Path, unmasked_by: str | None = None) -> str:
    report = export.build(desk, NOW.date(), lang="zh", unmasked_by=unmasked_by)
    data = export.render(report, fmt)
    if fmt == "md":
        return data.decode("utf-8").replace("\\*", "*")  # Markdown escapes the mask's stars
    if fmt != "xlsx":
        return data.decode("utf-8")
    out = tmp_path / "report.xlsx"
    out.write_bytes(data)
    book = openpyxl.load_workbook(out)
    return "\n".join(
        str(cell.value) for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None
    )


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "xlsx"])
def test_a_masked_report_masks_the_numbers_typed_into_a_summary(
    desk: Desk, handed: str, tmp_path: Path, fmt: str
) -> None:
    text = report_text(desk, fmt, tmp_path)
    assert handed in text
    assert PHONE not in text and ID_NUMBER not in text
    assert MASKED_PHONE in text and MASKED_ID in text


def test_the_csv_summary_cell_keeps_the_rest_of_the_text(desk: Desk, handed: str, tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(report_text(desk, "csv", tmp_path))))
    cells = [cell for row in rows for cell in row if "来电请回" in cell]
    assert cells == [f"来电请回{MASKED_PHONE}，身份证{MASKED_ID}"]


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "xlsx"])
def test_a_report_a_supervisor_asked_for_unmasked_keeps_them_whole(
    desk: Desk, handed: str, tmp_path: Path, fmt: str
) -> None:
    text = report_text(desk, fmt, tmp_path, unmasked_by="s01")
    assert PHONE in text and ID_NUMBER in text


# --- screens ----------------------------------------------------------------------------------------------------------


async def take_up(pilot: Pilot, no: str) -> None:
    await pilot.press(*no)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("user", ["w02", "w03"])
def test_another_clerk_at_the_window_sees_the_case_text_masked(desk: Desk, handed: str, user: str) -> None:
    """w02 (the hand-off's receiver, not yet its owner) and w03 take the case up at the window by its number."""
    app = make_app(desk, user=user, lang="zh")

    async def script(pilot: Pilot) -> None:
        await take_up(pilot, handed)
        screen = app.screen
        assert isinstance(screen, CheckInScreen) and screen.case is not None and screen.case.no == handed
        text = screen_text(app)
        assert none_whole(text), text
        assert screen.query_one("#summary", Input).value == f"来电请回{MASKED_PHONE}，身份证{MASKED_ID}"
        assert MASKED_OTHER in " ".join(line for line, _ in screen.query_one("#case").lines)

    run(app, script)


@pytest.mark.parametrize("user", ["w01", "s01"])
def test_the_first_asker_and_a_supervisor_see_the_case_text_whole(desk: Desk, handed: str, user: str) -> None:
    app = make_app(desk, user=user, lang="zh")

    async def script(pilot: Pilot) -> None:
        await take_up(pilot, handed)
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        assert screen.query_one("#summary", Input).value == SUMMARY
        assert OTHER_PHONE in " ".join(line for line, _ in screen.query_one("#case").lines)

    run(app, script)


def test_a_reason_and_a_result_are_masked_at_the_window_too(desk: Desk, handed: str) -> None:
    """w02 declines with a reason holding a number; w01 takes the case back and resolves it with another."""
    desk.decline_handoff(handed, "w02", f"请直接联系{OTHER_PHONE}")
    assert desk.case(handed).owner == "w01"
    app = make_app(desk, user="w03", lang="zh")

    async def script(pilot: Pilot) -> None:
        await take_up(pilot, handed)
        panel = " ".join(line for line, _ in app.screen.query_one("#case").lines)
        assert MASKED_OTHER in panel and none_whole(screen_text(app))

    run(app, script)


def test_the_receiver_of_a_hand_off_sees_its_row_history_and_note_masked(desk: Desk, handed: str) -> None:
    app = make_app(desk, user="w02", lang="zh")

    async def script(pilot: Pilot) -> None:
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("1")  # waiting for me
        await pilot.pause()
        follow = app.screen
        assert isinstance(follow, FollowUpScreen) and follow.section == "waiting"
        rows = " ".join(cell.plain for row in follow.section_rows("waiting")[2] for cell in row)
        assert handed in rows and MASKED_OTHER in rows and none_whole(rows)
        assert none_whole(screen_text(app))
        await pilot.press("enter")  # the history
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        details = " ".join(row["detail"] for row in app.screen.cells)
        assert MASKED_PHONE in details and MASKED_ID in details and MASKED_OTHER in details
        assert none_whole(details) and none_whole(screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")  # decline: the sender's note is shown to decide on
        await pilot.pause()
        assert isinstance(app.screen, DeclineDialog)
        text = screen_text(app)
        assert MASKED_OTHER in text and none_whole(text)

    run(app, script)


def test_once_the_receiver_owns_the_case_its_history_is_whole(desk: Desk, handed: str) -> None:
    desk.accept_handoff(handed, "w02")
    app = make_app(desk, user="w02", lang="zh")

    async def script(pilot: Pilot) -> None:
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        details = " ".join(row["detail"] for row in app.screen.cells)
        assert all(number in details for number in WHOLE)

    run(app, script)


def test_a_supervisors_screens_show_the_history_whole(desk: Desk, handed: str) -> None:
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot: Pilot) -> None:
        await app.push_screen(HistoryScreen(desk, handed))
        await pilot.pause()
        details = " ".join(row["detail"] for row in app.screen.cells)
        assert all(number in details for number in WHOLE)

    run(app, script)


# --- the catalogue refuses control characters -------------------------------------------------------------------------


def matter(**fields) -> dict:
    base = {
        "limit_days": 5,
        "documents": ["申请表", {"name": "委托书", "when": "代办的", "form": "原件"}],
        "dept": "民政",
        "basis": "《办法》第三条\n第二款",
        "note": "备注",
        "forms_at": "一楼窗口",
    }
    return {**base, **fields}


BAD = {
    "document name": {"documents": ["申请表\x1b[2J"]},
    "document's name": {"documents": [{"name": "委托书\x07", "when": "代办的"}]},
    "document's condition": {"documents": [{"name": "委托书", "when": "代办\x1b的"}]},
    "document's form": {"documents": [{"name": "委托书", "form": "原件\x07"}]},
    "dept": {"dept": "民政\x1b[31m"},
    "basis": {"basis": "《办法》\x07第三条"},
    "note": {"note": "备注\x1b"},
    "forms_at": {"forms_at": "一楼\x07窗口"},
    "a control character strip() would drop": {"dept": "民政\x1f"},
    "a C1 control character": {"basis": "第三条\x9b2J"},
}


@pytest.mark.parametrize("case", list(BAD))
def test_the_catalogue_refuses_control_characters(desk: Desk, case: str) -> None:
    fields = matter(**BAD[case])
    with pytest.raises(RuleError) as refused:
        desk.add_matter("ZZ", "测试事项", **fields)
    assert refused.value.rule == "INPUT" and refused.value.key == "input.control"
    with pytest.raises(RuleError):
        desk.save_matter("ZZ", "测试事项", by="s01", **fields)
    with pytest.raises(RuleError) as in_import:
        desk.import_matters(
            [{"code": "ZY", "name": "好的事项", **matter()}, {"code": "ZZ", "name": "测试事项", **fields}], by="s01"
        )
    assert in_import.value.params["index"] == 1
    assert "ZZ" not in {m.code for m, _ in desk.catalogue()} and "ZY" not in {m.code for m, _ in desk.catalogue()}


def test_the_refusal_names_the_field_of_the_matter_form(desk: Desk) -> None:
    for field_name in ("dept", "basis", "note", "forms_at"):
        with pytest.raises(RuleError) as refused:
            desk.add_matter("ZZ", "测试事项", **matter(**{field_name: "x\x1by"}))
        assert refused.value.field == field_name
    with pytest.raises(RuleError) as refused:
        desk.add_matter("ZZ", "测试事项", **matter(documents=[{"name": "x", "form": "y\x07"}]))
    assert refused.value.field == "documents"


def test_clean_catalogue_text_is_kept_as_it_was(desk: Desk) -> None:
    desk.add_matter("ZZ", "测试事项", **matter())
    saved = next(m for m in desk.matters() if m.code == "ZZ")
    assert (saved.dept, saved.basis) == ("民政", "《办法》第三条\n第二款")
    assert (saved.note, saved.forms_at) == ("备注", "一楼窗口")
    assert [(d.name, d.when, d.form) for d in saved.documents] == [("申请表", None, None), ("委托书", "代办的", "原件")]


# --- messages that repeat input ---------------------------------------------------------------------------------------


NASTY = "\x1b[2J\x1b]0;pwned\x07" + "9" * 200


def assert_quoted(message: str) -> None:
    assert "\x1b" not in message and "\x07" not in message
    assert "\\x1b[2J" in message and "…" in message


def test_an_unknown_case_number_is_quoted_escaped_and_cut(desk: Desk) -> None:
    with pytest.raises(RuleError) as refused:
        desk.case(NASTY)
    assert_quoted(refused.value.message("en"))
    assert len(refused.value.params["no"]) == QUOTED_AT_MOST


def test_an_unknown_staff_code_is_quoted_escaped_and_cut(desk: Desk) -> None:
    no = desk.check_in("w01", visitor_name="徐强", summary="咨询").no
    for attempt in (
        lambda: desk.set_absent(NASTY, True),
        lambda: desk.reset_pin(NASTY, by="s01"),
        lambda: desk.answer(no, NASTY, "好"),
    ):
        with pytest.raises(RuleError) as refused:
            attempt()
        assert_quoted(refused.value.message("zh"))


def test_a_staff_code_given_to_a_supervisor_action_is_quoted(desk: Desk) -> None:
    with pytest.raises(RuleError) as refused:
        desk.set_active(NASTY, False, by="s01")
    assert_quoted(refused.value.message("en"))


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("JZZ", "JZZ"),
        ("张\u3000三", "张\u3000三"),  # a full-width space is text
        ("a\\b", "a\\\\b"),
        ("\x1b[31mred\x07", "\\x1b[31mred\\x07"),
        ("line\nbreak\t", "line\\nbreak\\t"),
        ("\u202eevil", "\\u202eevil"),  # right-to-left override
        ("x" * 60, "x" * 60),
        ("x" * 61, "x" * 59 + "…"),
        ("\x1b" * 30, "\\x1b" * 14 + "…"),  # never half an escape
    ],
)
def test_quoting(typed: str, shown: str) -> None:
    assert quoted(typed) == shown
    assert len(quoted(typed)) <= QUOTED_AT_MOST


def test_a_refusal_keeps_numbers_and_other_parameters_as_they_are() -> None:
    refused = RuleError("INPUT", "input.too_long", field="summary", limit=4000, index=3)
    assert refused.params == {"limit": 4000, "index": 3}
    assert RuleError("INPUT", "input.unknown_case", no="20261123-0001").params["no"] == "20261123-0001"
