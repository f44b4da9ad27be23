"""The action dialogs as a clerk uses them, keys only: answer, one-time notice, accept, refer, reject, and what the
shared frame gives the follow-up dialogs too (every refusal at once, LANG-1 asked again after an edit, a full-width
space kept; the remedy's rating, the extension's new due date).

Each dialog is hosted alone in a tiny app, driven with key presses, and checked on the screen and on
`desk.case(...)`. Two snapshots (the notice dialog in Chinese and in English) check the looks.
"""

import asyncio
import sqlite3
import tomllib
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import CLERKS, SIZE, keys, run_app
from pypdf import PdfReader
from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static, TextArea

from firstask import i18n
from firstask.desk import Case, Desk
from firstask.screens.accept import AcceptDialog
from firstask.screens.answer import AnswerDialog
from firstask.screens.dialog import ActionDialog, printed
from firstask.screens.follow_actions import ExtendDialog, FeedbackDialog, RemedyDialog
from firstask.screens.notice import NoticeDialog
from firstask.screens.refer import ReferDialog
from firstask.screens.reject import RejectDialog
from firstask.typed_keys import TypedKeys
from firstask.widgets.cells import wrap
from firstask.widgets.materials import MaterialsTable
from firstask.widgets.prose import Prose

LOCALES = Path(i18n.__file__).with_name("locales")
# CJZ 残疾人证新办: five documents, 7 working days, written notice.
CJZ_DOCUMENTS = ["身份证", "户口本", "2寸白底照片", "《残疾人证申请表》", "《残疾评定表》(到指定医院评定)"]


@pytest.fixture
def desk(make_desk) -> Desk:
    return make_desk(*CLERKS)


def new_case(desk: Desk, matter: str | None = "CJZ", visitor: str = "张三", kind: str = "application") -> Case:
    return desk.check_in("w01", visitor_name=visitor, summary="申请办理", kind=kind, matter=matter)


class Host(TypedKeys):
    """One dialog over an empty screen, as the check-in screen pushes it, taking keys as the desk's app does;
    `results` collects what it returns."""

    def __init__(self, dialog: ActionDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Case | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


Script = Callable[[Pilot, ActionDialog], Awaitable[None]]


def run(dialog: ActionDialog, script: Script) -> Host:
    app = Host(dialog)

    async def then(pilot: Pilot) -> None:
        await script(pilot, dialog)
        await pilot.pause()

    run_app(app, then)
    return app


def dialog_for(cls: type[ActionDialog], desk: Desk, case: Case) -> ActionDialog:
    return cls(desk, desk.staff()["w01"], desk.case(case.no))


def shown(dialog: ActionDialog, selector: str) -> str:
    """What a line of the dialog says now ("" when hidden)."""
    line = dialog.query_one(selector, Prose)
    return line.text if line.display else ""


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.pause()


def events_of(desk: Desk, no: str) -> list[str]:
    return [e.action for e in desk.case(no).history]


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


# --- one-time notice -------------------------------------------------------------------------------------------


def test_a_notice_of_two_missing_documents_is_saved_and_printed(desk):
    case = new_case(desk)
    dialog = dialog_for(NoticeDialog, desk, case)

    async def script(pilot, dialog) -> None:
        assert dialog.focused is dialog.query_one("#presented")
        assert shown(dialog, "#earlier") == "No earlier notice on this case."
        await keys(pilot, "space", "down", "space", "down", "space")  # 身份证, 户口本, 照片 presented
        assert dialog.query_one("#presented", SelectionList).selected == CJZ_DOCUMENTS[:3]
        preview = shown(dialog, "#preview")
        assert "1. 《残疾人证申请表》" in preview and "2. 《残疾评定表》(到指定医院评定)" in preview
        asked = preview.split("尚需提供")[1]  # what was presented is listed apart, as the visitor's record
        assert "身份证" not in asked and "户口本" not in asked
        assert "您已提交：身份证、户口本" in preview
        assert "除上述材料外，本窗口不再要求您补充其他材料。" in preview
        assert shown(dialog, "#second") == ""
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    [result] = app.results
    assert result is not None and result.status == "awaiting_documents"
    assert desk.case(case.no).version == case.version + 1
    [notice] = desk.notices(case.no)
    assert notice.items == CJZ_DOCUMENTS[3:] and notice.by == "w01" and not notice.second
    pdf = printed(desk, result)
    assert pdf is not None and pdf.exists()
    assert pdf == desk.documents_dir / result.history[-1].detail["document"].replace(".txt", ".pdf")
    text = pdf_text(pdf)
    assert "残疾人证申请表" in text and "残疾评定表" in text
    assert "户口本" not in text.split("尚需提供")[1] and "您已提交" in text


def test_an_earlier_notice_is_shown_and_a_second_one_is_named_before_it_is_sent(desk):
    case = new_case(desk)
    desk.notify(case.no, "w01", presented=CJZ_DOCUMENTS[:4])  # asked for the 评定表 only
    dialog = dialog_for(NoticeDialog, desk, case)

    async def script(pilot, dialog) -> None:
        earlier = shown(dialog, "#earlier")
        assert earlier.startswith("Earlier notices:\n#1  2026-11-23 09:30  王芳: 《残疾评定表》")
        # What the visitor presented before starts ticked: only the item asked for before is missing.
        assert dialog.query_one("#presented", SelectionList).selected == CJZ_DOCUMENTS[:4]
        assert shown(dialog, "#second") == ""  # the same item as before: not a second notice
        await keys(pilot, "space")  # the 身份证 is not here after all
        assert shown(dialog, "#second").startswith("This would be a SECOND notice (NOT-2, recorded against 王芳)")
        assert shown(dialog, "#second").endswith("did not ask for 身份证.")
        await keys(pilot, "space", "down", "down", "down", "space")  # it is; the 申请表 is missing after all
        assert shown(dialog, "#second").endswith("did not ask for 《残疾人证申请表》.")
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    assert app.results[0] is not None
    second = desk.notices(case.no)[-1]
    assert second.second and second.items == CJZ_DOCUMENTS[3:]
    assert [v.rule for v in desk.violations(case_no=case.no)] == ["NOT-2"]


def test_an_empty_notice_is_refused_and_the_form_is_kept(desk):
    case = new_case(desk)
    dialog = dialog_for(NoticeDialog, desk, case)

    async def script(pilot, dialog) -> None:
        for _ in CJZ_DOCUMENTS:
            await keys(pilot, "space", "down")
        assert shown(dialog, "#preview").startswith("Nothing to ask for.")
        await keys(pilot, "ctrl+s")
        assert pilot.app.screen is dialog
        assert dialog.refusals() == [
            "A notice cannot be empty: if every document is here, accept the application instead."
        ]
        assert shown(dialog, "#extra-reason") == dialog.refusals()[0]  # next to the field it is about
        assert dialog.focused is dialog.query_one("#extra")
        assert dialog.query_one("#presented", SelectionList).selected == CJZ_DOCUMENTS
        assert desk.notices(case.no) == [] and events_of(desk, case.no) == ["check_in"]
        # Something still missing after all: typed and sent straight away (what is typed is not dropped).
        await type_text(pilot, "身份证复印件")
        assert shown(dialog, "#extra-reason") == ""  # the form changed: the old reason goes
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    assert app.results[0] is not None
    assert desk.notices(case.no)[0].items == ["身份证复印件"]


def test_extra_items_are_added_with_enter_and_removed_with_delete(desk):
    case = new_case(desk, matter=None, kind="enquiry")
    dialog = dialog_for(NoticeDialog, desk, case)

    async def script(pilot, dialog) -> None:
        assert dialog.focused is dialog.query_one("#extra")  # no matter: no checklist
        assert shown(dialog, "#preview").startswith("Nothing to ask for.")
        for item in ("户口本原件", "结婚证", "单位证明"):
            await type_text(pilot, item)
            await keys(pilot, "enter")
        assert dialog.extras == ["户口本原件", "结婚证", "单位证明"]
        assert "  3. 单位证明" in shown(dialog, "#preview")
        await keys(pilot, "tab", "down", "delete")  # into the list, onto 结婚证, remove it
        assert dialog.extras == ["户口本原件", "单位证明"]
        assert "结婚证" not in shown(dialog, "#preview")
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    assert app.results[0] is not None
    assert desk.notices(case.no)[0].items == ["户口本原件", "单位证明"]


def test_a_condition_adds_its_document_to_the_notice(desk):
    case = new_case(desk, matter="JZZ")
    dialog = dialog_for(NoticeDialog, desk, case)
    proxy = "委托人和代办人合法有效身份证件"

    async def script(pilot, dialog) -> None:
        await keys(pilot, "space", "down", "space", "down", "space")  # the three unconditional documents
        assert shown(dialog, "#preview").startswith("Nothing to ask for.")
        await keys(pilot, "tab", "space")  # 代办的 applies
        assert f"1. {proxy}" in shown(dialog, "#preview")
        await keys(pilot, "ctrl+s")

    run(dialog, script)
    notice = desk.notices(case.no)[0]
    assert notice.items == [proxy]
    assert desk.case(case.no).history[-1].detail["applies"] == ["代办的"]


def test_user_text_is_shown_literally(desk):
    case = new_case(desk, visitor="[bold red]x[/]")
    dialog = dialog_for(NoticeDialog, desk, case)

    async def script(pilot, dialog) -> None:
        header = dialog.query_one("#header", Static).content
        assert isinstance(header, Text) and "visitor: [bold red]x[/]" in header.plain and header.spans == []
        preview = dialog.query_one("#preview", Prose).render()
        assert "服务对象：[bold red]x[/]" in preview.plain and preview.spans == []
        await keys(pilot, "tab")
        await type_text(pilot, "[b]复印件[/b]")
        await keys(pilot, "enter")
        assert "6. [b]复印件[/b]" in shown(dialog, "#preview")

    run(dialog, script)


# --- accept ----------------------------------------------------------------------------------------------------


def test_accepting_shows_the_due_date_first_and_commits_to_it(desk):
    case = new_case(desk)
    dialog = dialog_for(AcceptDialog, desk, case)

    async def script(pilot, dialog) -> None:
        table = dialog.query_one("#materials", MaterialsTable)
        assert dialog.focused is table
        assert [(m.name, m.pages, m.received) for m in table.materials] == [(d, "1", True) for d in CJZ_DOCUMENTS]
        assert shown(dialog, "#due") == "Due: Wed 2026-12-02 (7 working days)"  # before confirming
        assert shown(dialog, "#missing") == "Every required document is here."
        await keys(pilot, "3", "down", "1", "2")  # 身份证 3 pages, 户口本 12
        assert [m.pages for m in table.materials][:3] == ["3", "12", "1"]
        assert table.get_row_at(1)[2].plain == "12"
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    [result] = app.results
    assert result is not None and result.status == "in_progress"
    assert result.due == date(2026, 12, 2) and not result.due_provisional
    assert desk.case(case.no).due == date(2026, 12, 2)
    detail = result.history[-1].detail
    assert detail["materials"][:2] == [["身份证", 3], ["户口本", 12]]
    pdf = printed(desk, result)
    assert pdf is not None and pdf.exists()
    assert "2026年12月02日" in pdf_text(pdf)


def test_accepting_without_a_required_document_is_refused_and_nothing_is_lost(desk):
    case = new_case(desk)
    dialog = dialog_for(AcceptDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await keys(pilot, "down", "2", "up", "space")  # 户口本 2 pages; 身份证 not received
        assert shown(dialog, "#missing").startswith("Still missing: 身份证.")
        await keys(pilot, "ctrl+s")
        assert pilot.app.screen is dialog
        assert shown(dialog, "#materials-reason") == (
            "Documents missing, cannot accept: 身份证. Give a one-time notice instead."
        )
        table = dialog.query_one(MaterialsTable)
        assert [(m.name, m.pages, m.received) for m in table.materials][:2] == [
            ("身份证", "1", False),
            ("户口本", "2", True),
        ]
        assert table.get_row_at(0)[0].plain == "✗"
        assert events_of(desk, case.no) == ["check_in"]
        await keys(pilot, "space", "ctrl+s")  # it was there after all

    app = run(dialog, script)
    assert app.results[0] is not None and app.results[0].status == "in_progress"


def test_a_material_typed_but_not_added_is_taken_in_and_a_refusal_stays(desk):
    case = new_case(desk)
    dialog = dialog_for(AcceptDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await keys(pilot, "space", "tab")  # 身份证 not received
        await type_text(pilot, "身份证复印件")
        await keys(pilot, "ctrl+s")
        table = dialog.query_one(MaterialsTable)
        assert [m.name for m in table.materials][-1] == "身份证复印件"
        assert dialog.query_one("#add", Input).value == ""
        assert shown(dialog, "#materials-reason").startswith("Documents missing, cannot accept: 身份证.")
        await keys(pilot, "up")
        assert table.cursor_row == len(CJZ_DOCUMENTS) - 1
        await keys(pilot, "space")  # a change to the form: the old reason goes
        assert shown(dialog, "#materials-reason") == ""

    run(dialog, script)
    assert events_of(desk, case.no) == ["check_in"]


def test_a_case_with_no_matter_takes_the_days_the_clerk_chooses(desk):
    case = new_case(desk, matter=None, kind="complaint")
    dialog = dialog_for(AcceptDialog, desk, case)

    async def script(pilot, dialog) -> None:
        assert shown(dialog, "#due") == "Due: Thu 2026-11-26 (3 working days)"  # TIME-4: complaints 3
        assert shown(dialog, "#missing").startswith("No catalogue matter: it may be accepted with no materials")
        await keys(pilot, "tab")
        await type_text(pilot, "投诉信")
        await keys(pilot, "enter", "2")  # added, the cursor on it: 2 pages
        await keys(pilot, "tab")
        await type_text(pilot, "草稿")
        await keys(pilot, "enter", "delete")  # added by mistake: removed again
        assert [(m.name, m.pages) for m in dialog.query_one(MaterialsTable).materials] == [("投诉信", "2")]
        await keys(pilot, "tab", "tab", "down", "down", "down")  # 10 working days: needs the leadership
        assert shown(dialog, "#due") == "Due: Mon 2026-12-07 (10 working days)"
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    [result] = app.results
    assert result is not None and result.due == date(2026, 12, 7)
    assert result.history[-1].detail["limit_days"] == 10
    assert result.history[-1].detail["materials"] == [["投诉信", 2]]


def test_a_provisional_due_date_says_so(desk):
    late = Desk(desk.store, clock=lambda: datetime(2026, 12, 28, 9, 30))  # CJZ's 7 working days run into 2027
    case = new_case(late)
    dialog = dialog_for(AcceptDialog, late, case)

    async def script(pilot, dialog) -> None:
        assert shown(dialog, "#due").startswith("Due: ")
        assert "2027-" in shown(dialog, "#due") and "(provisional)" in shown(dialog, "#due")

    run(dialog, script)


# --- refer, reject, answer --------------------------------------------------------------------------------------


def test_refer_moves_on_with_enter_and_refuses_a_missing_contact(desk):
    case = new_case(desk, matter=None, kind="enquiry")
    dialog = dialog_for(ReferDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await type_text(pilot, "区人力社保局")
        await keys(pilot, "enter", "enter", "enter")  # on to the contact, on past what to bring, confirm
        assert pilot.app.screen is dialog
        assert shown(dialog, "#contact-reason") == "Give the agency's phone or address."
        assert dialog.focused is dialog.query_one("#contact")
        assert dialog.query_one("#agency", Input).value == "区人力社保局"
        await type_text(pilot, "0571-87654321")
        assert shown(dialog, "#contact-reason") == ""  # edited: the reason is gone
        await keys(pilot, "enter", "enter")  # past what to bring, and confirm

    app = run(dialog, script)
    [result] = app.results
    assert result is not None and (result.status, result.outcome) == ("resolved", "referred")
    assert result.history[-1].detail["agency"] == "区人力社保局"


def test_every_field_the_desk_refuses_is_shown_at_once_each_under_its_field(desk):
    case = new_case(desk, matter=None, kind="enquiry")
    dialog = dialog_for(ReferDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await keys(pilot, "ctrl+s")  # nothing filled in
        assert shown(dialog, "#agency-reason") == "Name the agency the visitor is referred to."
        assert shown(dialog, "#contact-reason") == "Give the agency's phone or address."
        assert shown(dialog, "#message") == ""
        assert dialog.focused is dialog.query_one("#agency")  # the first of them
        await type_text(pilot, "区民政局")
        await keys(pilot, "tab")
        await type_text(pilot, "87654321")
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    assert app.results[0] is not None and app.results[0].outcome == "referred"


def test_a_reason_about_no_field_shows_under_the_form_beside_the_fields_reasons(desk):
    no = accepted(desk)
    dialog = dialog_for(ExtendDialog, desk, desk.case(no))

    async def script(pilot, dialog) -> None:
        await type_text(pilot, "30")  # past the cap, and no reason given
        await keys(pilot, "ctrl+s")
        assert shown(dialog, "#text-reason") == "Give the reason for the extension (the visitor is told)."
        assert shown(dialog, "#message") == "Extensions past 7 working days in all (0 used) need a supervisor."
        assert len(dialog.refusals()) == 2
        assert dialog.focused is dialog.query_one("#text")

    app = run(dialog, script)
    assert app.results == [] and events_of(desk, no)[-1] == "accept"


def test_reject_prints_the_rejection_notice_for_a_written_notice_matter(desk):
    case = new_case(desk, matter="JZZ")
    dialog = dialog_for(RejectDialog, desk, case)

    async def script(pilot, dialog) -> None:
        assert any("rejection notice" in p.text for p in dialog.query(".warning").results(Prose))
        await keys(pilot, "enter")
        assert shown(dialog, "#reason-reason") == "Give the reason for rejecting."
        await type_text(pilot, "不属于本中心受理范围")
        await keys(pilot, "enter")

    app = run(dialog, script)
    [result] = app.results
    assert result is not None and (result.status, result.outcome) == ("resolved", "rejected")
    pdf = printed(desk, result)
    assert pdf is not None and pdf.exists()
    assert "不属于本中心受理范围" in pdf_text(pdf)


def test_answer_refuses_an_empty_answer_then_resolves(desk):
    case = new_case(desk, matter=None, kind="enquiry")
    dialog = dialog_for(AnswerDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await keys(pilot, "ctrl+s")
        assert shown(dialog, "#text-reason") == "Write the answer given."
        await type_text(pilot, "居住证在社区服务中心窗口办理")
        await keys(pilot, "enter")  # a new line in the answer, not a confirm
        assert pilot.app.screen is dialog
        await type_text(pilot, "带身份证")
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    [result] = app.results
    assert result is not None and result.status == "resolved"
    assert result.result == "居住证在社区服务中心窗口办理\n带身份证"


# --- LANG-1, cancelling, conflicts, failures -------------------------------------------------------------------


def test_a_forbidden_phrase_is_named_and_sent_only_on_the_second_confirm(desk):
    case = new_case(desk, matter=None, kind="enquiry")
    dialog = dialog_for(AnswerDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await type_text(pilot, "这个我不知道")
        assert shown(dialog, "#lang") == "Forbidden phrase: 不知道. Please say it another way."
        await keys(pilot, "ctrl+s")
        assert pilot.app.screen is dialog and desk.case(case.no).status == "open"
        assert shown(dialog, "#lang").endswith("press Ctrl+S again (recorded as LANG-1).")
        assert dialog.query_one("#lang").has_class("asking")
        assert dialog.query_one("#text", TextArea).text == "这个我不知道"
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    assert app.results[0] is not None and desk.case(case.no).status == "resolved"
    [flag] = [v for v in desk.violations(case_no=case.no) if v.rule == "LANG-1"]
    assert flag.staff == "w01"


def test_a_new_forbidden_phrase_asks_again(desk):
    case = new_case(desk, matter=None, kind="enquiry")
    dialog = dialog_for(RejectDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await type_text(pilot, "没办法")
        await keys(pilot, "enter")  # asks
        await type_text(pilot, " 不归我管")
        assert shown(dialog, "#lang").startswith("Forbidden phrase: 没办法; 不归我管. Please")
        await keys(pilot, "enter")  # a phrase not confirmed yet: asks again
        assert pilot.app.screen is dialog and desk.case(case.no).status == "open"
        await keys(pilot, "enter")

    app = run(dialog, script)
    assert app.results[0] is not None and app.results[0].outcome == "rejected"


def test_an_edit_after_a_confirmed_phrase_asks_again(desk):
    case = new_case(desk, matter=None, kind="enquiry")
    dialog = dialog_for(AnswerDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await type_text(pilot, "这个我不知道")
        await keys(pilot, "ctrl+s")  # asks
        assert dialog.query_one("#lang").has_class("asking")
        await type_text(pilot, " 请稍等")  # the same phrase, other words around it
        assert shown(dialog, "#lang") == "Forbidden phrase: 不知道. Please say it another way."
        assert not dialog.query_one("#lang").has_class("asking")
        await keys(pilot, "ctrl+s")  # not the words the clerk confirmed: asked again
        assert pilot.app.screen is dialog and desk.case(case.no).status == "open"
        assert shown(dialog, "#lang").endswith("press Ctrl+S again (recorded as LANG-1).")
        await keys(pilot, "ctrl+s")  # these very words, confirmed

    app = run(dialog, script)
    assert app.results[0] is not None and desk.case(case.no).result == "这个我不知道 请稍等"
    assert [v.rule for v in desk.violations(case_no=case.no)].count("LANG-1") == 1


def test_a_phrase_confirmed_then_edited_in_a_one_line_dialog_asks_again(desk):
    no = accepted(desk)
    dialog = dialog_for(FeedbackDialog, desk, desk.case(no))

    async def script(pilot, dialog) -> None:
        await type_text(pilot, "没办法")
        await keys(pilot, "enter")  # asks
        await keys(pilot, "backspace")
        await type_text(pilot, "法了")
        await keys(pilot, "enter")  # edited: asks again, nothing saved
        assert pilot.app.screen is dialog and events_of(desk, no)[-1] == "accept"
        await keys(pilot, "enter")

    app = run(dialog, script)
    assert app.results[0] is not None and events_of(desk, no)[-1] == "feedback"
    assert desk.case(no).history[-1].detail["text"] == "没办法了"


def test_forbidden_phrases_in_a_notices_extra_items_are_checked(desk):
    case = new_case(desk)
    dialog = dialog_for(NoticeDialog, desk, case)

    async def script(pilot, dialog) -> None:
        await keys(pilot, "tab")
        await type_text(pilot, "你自己看清单")
        assert "你自己看" in shown(dialog, "#lang")
        await keys(pilot, "ctrl+s")  # the typed item is taken in, and the phrase asked about
        assert dialog.extras == ["你自己看清单"] and desk.notices(case.no) == []
        await keys(pilot, "ctrl+s")

    run(dialog, script)
    assert desk.notices(case.no)[0].extra == ["你自己看清单"]
    assert "LANG-1" in [v.rule for v in desk.violations(case_no=case.no)]


FILL: dict[type[ActionDialog], tuple[str, ...]] = {
    AnswerDialog: ("好的",),
    NoticeDialog: ("space",),
    AcceptDialog: ("1",),
    ReferDialog: ("区民政局", "enter", "87654321"),
    RejectDialog: ("不予受理",),
}


@pytest.mark.parametrize("cls", list(FILL), ids=lambda cls: cls.__name__)
def test_escape_returns_nothing_and_writes_nothing(desk, cls):
    case = new_case(desk)
    before = desk.case(case.no)

    async def script(pilot, dialog) -> None:
        for key in FILL[cls]:
            await keys(pilot, *([key] if key in ("space", "enter") else key))
        await keys(pilot, "escape")

    app = run(dialog_for(cls, desk, case), script)
    assert app.results == [None]
    assert desk.case(case.no) == before
    assert not desk.documents_dir.exists()


@pytest.mark.parametrize("cls", list(FILL), ids=lambda cls: cls.__name__)
def test_a_case_changed_in_another_window_is_refused_as_a_conflict(desk, cls):
    case = new_case(desk)
    dialog = dialog_for(cls, desk, case)
    desk.feedback(case.no, "w01", "正在核对材料")  # another window moves the case on

    async def script(pilot, dialog) -> None:
        for key in FILL[cls]:
            await keys(pilot, *([key] if key in ("space", "enter") else key))
        await keys(pilot, "ctrl+s")
        assert pilot.app.screen is dialog
        [message] = dialog.refusals()
        assert message.startswith(f"Case {case.no} was just changed by 王芳 (w01)")

    app = run(dialog, script)
    assert app.results == []
    assert events_of(desk, case.no) == ["check_in", "feedback"]


def test_a_failing_desk_is_reported_in_the_dialog_not_as_a_traceback(desk, monkeypatch):
    case = new_case(desk, matter=None, kind="enquiry")

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(desk, "answer", locked)

    async def script(pilot, dialog) -> None:
        await type_text(pilot, "好的")
        await keys(pilot, "ctrl+s")
        assert pilot.app.screen is dialog
        assert dialog.refusals() == [
            "Could not save (database is locked). Try again; if it keeps failing tell your supervisor."
        ]
        assert dialog.query_one("#text", TextArea).text == "好的"

    app = run(dialog_for(AnswerDialog, desk, case), script)
    assert app.results == []


# --- the follow-up dialogs: the rating put right, the new due date, a full-width space ----------------------------


def accepted(desk: Desk) -> str:
    """A CJZ application with every document, due 2026-12-02 (7 working days)."""
    no = new_case(desk).no
    desk.accept(no, "w01", materials=[(name, 1) for name in CJZ_DOCUMENTS])
    return no


def test_the_remedy_dialog_shows_the_bad_rating_and_what_the_visitor_said(desk):
    no = accepted(desk)
    desk.resolve(no, "w01", "已办结，证件可领取")
    desk.rate(no, "w01", 2, "[b]等了太久[/b]，窗口说不清楚")
    dialog = dialog_for(RemedyDialog, desk, desk.case(no))

    async def script(pilot, dialog) -> None:
        assert shown(dialog, "#rating") == "Rated at the callback: 2 dissatisfied (2026-11-23 09:30)"
        assert shown(dialog, "#comment") == "The visitor said: [b]等了太久[/b]，窗口说不清楚"
        assert dialog.query_one("#comment", Prose).render().spans == []  # the visitor's words, never markup
        await type_text(pilot, "已电话回访并说明办理时限")
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    assert app.results[0] is not None and app.results[0].remedied_at is not None


def test_the_remedy_dialog_says_when_the_visitor_left_no_comment(desk):
    i18n.set_language("zh")
    no = accepted(desk)
    desk.resolve(no, "w01", "已办结")
    desk.rate(no, "w01", 1)
    dialog = dialog_for(RemedyDialog, desk, desk.case(no))

    async def script(pilot, dialog) -> None:
        assert shown(dialog, "#rating") == "回访评价：1 非常不满意（2026-11-23 09:30）"
        assert shown(dialog, "#comment") == "服务对象未留意见。"

    run(dialog, script)


def test_the_extend_dialog_shows_the_new_due_date_as_the_days_are_typed(desk):
    no = accepted(desk)  # due Wed 2026-12-02
    dialog = dialog_for(ExtendDialog, desk, desk.case(no))

    async def script(pilot, dialog) -> None:
        assert shown(dialog, "#new-due") == ""  # no days yet
        await type_text(pilot, "3")
        assert shown(dialog, "#new-due") == "New due date: Mon 2026-12-07 (+3 working days)"
        assert desk.preview_extend(no, 3) == (date(2026, 12, 7), False)
        await type_text(pilot, "0")  # 30 working days: into 2027, whose holidays are not published
        due, provisional = desk.preview_extend(no, 30)
        assert provisional and due.year == 2027
        assert shown(dialog, "#new-due").startswith(f"New due date: {due:%a} {due.isoformat()} (+30 working days)")
        assert "(provisional" in shown(dialog, "#new-due")
        await keys(pilot, "backspace", "backspace")
        assert shown(dialog, "#new-due") == ""

    run(dialog, script)
    assert events_of(desk, no)[-1] == "accept"  # a preview writes nothing


def test_the_extend_preview_speaks_chinese(desk):
    i18n.set_language("zh")
    no = accepted(desk)
    dialog = dialog_for(ExtendDialog, desk, desk.case(no))

    async def script(pilot, dialog) -> None:
        await type_text(pilot, "3")
        assert shown(dialog, "#new-due") == "延期后承诺日期：2026-12-07 星期一（延长 3 个工作日）"

    run(dialog, script)


def ime_commit(text: str) -> list[events.Key]:
    """What the terminal hands over when a Chinese input method commits `text`: one key a character, all at once;
    a full-width space is the key Textual names `ideographic_space`, with the character itself."""
    return [events.Key("ideographic_space" if ch == "\u3000" else ch, ch) for ch in text]


def test_a_full_width_space_typed_in_a_field_is_kept(desk):
    no = accepted(desk)
    dialog = dialog_for(FeedbackDialog, desk, desk.case(no))

    async def script(pilot, dialog) -> None:
        for key in ime_commit("张三\u3000李四"):
            pilot.app.post_message(key)
        await pilot.pause()
        assert dialog.query_one("#text", Input).value == "张三\u3000李四"  # kept, and in its place
        await keys(pilot, "ideographic_space")  # as Pilot presses it (no character given)
        await type_text(pilot, "已通知")
        await keys(pilot, "ctrl+s")

    app = run(dialog, script)
    assert app.results[0] is not None
    assert desk.case(no).history[-1].detail["text"] == "张三\u3000李四\u3000已通知"


# --- keys, catalogue, layout -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", list(FILL), ids=lambda cls: cls.__name__)
def test_every_binding_has_an_id_and_a_tooltip_in_the_language(desk, cls):
    case = new_case(desk)
    dialog = dialog_for(cls, desk, case)

    async def script(pilot, dialog) -> None:
        ours = [
            binding for node in [dialog, *dialog.query(MaterialsTable)] for _, binding in node._bindings if binding.show
        ]  # Textual's own (tab, copy) are hidden
        assert {binding.key for binding in ours} >= {"ctrl+s", "escape"}
        for binding in ours:
            assert binding.id and binding.tooltip, binding
            assert not binding.description.startswith("dialog.") and not binding.tooltip.startswith("dialog."), binding
        footer = {b.description for _, b, *_ in dialog.active_bindings.values() if b.show}
        assert {"Cancel"} < footer

    run(dialog, script)


def test_the_dialogs_actions_are_in_the_command_palette(desk):
    from firstask.app import make_app  # the whole app, as the clerk meets the dialog in it

    case = new_case(desk)
    app = make_app(desk, user="w01", lang="en")

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.push_screen(NoticeDialog(desk, app.clerk, desk.case(case.no)))
            await pilot.pause()
            commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
            assert commands["Give notice"] == "Give the one-time notice and print it (Ctrl+S)"
            assert commands["Cancel"] == "Close the dialog without saving anything"

    asyncio.run(main())


def test_dialog_strings_exist_in_both_languages():
    zh, en = ({key for key in i18n.catalogue(lang) if key.startswith("dialog.")} for lang in ("zh", "en"))
    assert zh and zh == en
    for lang in ("zh", "en"):
        with (LOCALES / f"{lang}-dialogs.toml").open("rb") as f:
            assert set(tomllib.load(f)) == {"dialog"}


def test_the_chinese_dialog_speaks_chinese(desk):
    i18n.set_language("zh")
    case = new_case(desk)
    dialog = dialog_for(AcceptDialog, desk, case)

    async def script(pilot, dialog) -> None:
        assert dialog.query_one("#dialog").border_title == "受理"
        assert shown(dialog, "#due") == "承诺办结日期：2026-12-02 星期三（7 个工作日）"
        footer = {b.description for _, b, *_ in dialog.active_bindings.values() if b.show}
        assert {"受理", "取消", "收到/未收到"} <= footer

    run(dialog, script)


@pytest.mark.parametrize(
    "text",
    [
        "张a三b",
        "居住地住址、就业、就读等证明材料(按申领条件提供)",
        "  12. 本人居民身份证（原件）",
        "averyveryverylongwordwithoutanyspace",
        "This would be a SECOND notice (NOT-2, recorded against 王芳): ok",
        "TIME-2: 超过承诺办结日期（2026-12-01）仍未办结。",
    ],
)
def test_lines_wrap_within_their_cells_and_lose_nothing(text):
    for cells in range(4, 40):
        lines = wrap(text, cells).split("\n")
        assert all(cell_len(line) <= cells for line in lines), (cells, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert wrap("  3. 居住地住址、就业", 14) == "  3. 居住地住\n     址、就业"
    # An opening bracket stays with what it holds, a closing one with what precedes it.
    assert wrap("TIME-2: 超过承诺办结日期（2026-12-01）仍未办结。", 28) == (
        "TIME-2: 超过承诺办结日期\n（2026-12-01）仍未办结。"
    )


# --- snapshots: the notice dialog, fixed clock, fixed size, no blinking cursor ----------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_snapshot_notice(snap_compare, desk, lang):
    i18n.set_language(lang)
    case = new_case(desk, matter="JZZ", visitor="张a三b")
    desk.notify(case.no, "w01", presented=["本人居民身份证"])  # the ID card starts ticked: presented before

    async def fill(pilot) -> None:
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.press("down", "space", "tab", "tab")  # she brought the photo; a further item is typed
        await pilot.press(*"结婚证")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(Host(dialog_for(NoticeDialog, desk, case)), terminal_size=SIZE, run_before=fill)
