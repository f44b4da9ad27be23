"""The action dialogs as a clerk uses them, keys only: answer, one-time notice, accept, refer, reject.

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
from pypdf import PdfReader
from rich.cells import cell_len
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static, TextArea

from firstask import i18n
from firstask.desk import Case, Desk
from firstask.screens.accept import AcceptDialog, MaterialsTable
from firstask.screens.answer import AnswerDialog
from firstask.screens.dialog import ActionDialog, Prose, printed, wrap
from firstask.screens.notice import NoticeDialog
from firstask.screens.refer import ReferDialog
from firstask.screens.reject import RejectDialog

NOW = datetime(2026, 11, 23, 9, 30)  # a Monday
SIZE = (120, 40)
LOCALES = Path(i18n.__file__).with_name("locales")
# CJZ 残疾人证新办: five documents, 7 working days, written notice.
CJZ_DOCUMENTS = ["身份证", "户口本", "2寸白底照片", "《残疾人证申请表》", "《残疾评定表》(到指定医院评定)"]


@pytest.fixture
def desk(tmp_path):
    desk = Desk.open(tmp_path / "desk.db", clock=lambda: NOW)
    desk.load_defaults()
    desk.add_staff("w01", "王芳", pin="1111", backup="w02")
    desk.add_staff("w02", "李强", pin="2222")
    yield desk
    desk.close()


def new_case(desk: Desk, matter: str | None = "CJZ", visitor: str = "张三", kind: str = "application") -> Case:
    return desk.check_in("w01", visitor_name=visitor, summary="申请办理", kind=kind, matter=matter)


class Host(App[None]):
    """One dialog over an empty screen, as the check-in screen pushes it; `results` collects what it returns."""

    def __init__(self, dialog: ActionDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Case | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


Script = Callable[[Pilot, ActionDialog], Awaitable[None]]


def run(dialog: ActionDialog, script: Script) -> Host:
    app = Host(dialog)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await script(pilot, dialog)
            await pilot.pause()

    asyncio.run(main())
    return app


def dialog_for(cls: type[ActionDialog], desk: Desk, case: Case) -> ActionDialog:
    return cls(desk, desk.staff()["w01"], desk.case(case.no))


def shown(dialog: ActionDialog, selector: str) -> str:
    """What a line of the dialog says now ("" when hidden)."""
    line = dialog.query_one(selector, Prose)
    return line.text if line.display else ""


async def keys(pilot: Pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await pilot.pause()


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
        assert "身份证" not in preview and "户口本" not in preview
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
    assert "户口本" not in text


def test_an_earlier_notice_is_shown_and_a_second_one_is_named_before_it_is_sent(desk):
    case = new_case(desk)
    desk.notify(case.no, "w01", presented=CJZ_DOCUMENTS[:4])  # asked for the 评定表 only
    dialog = dialog_for(NoticeDialog, desk, case)

    async def script(pilot, dialog) -> None:
        earlier = shown(dialog, "#earlier")
        assert earlier.startswith("Earlier notices:\n#1  2026-11-23 09:30  王芳: 《残疾评定表》")
        # Nothing ticked yet: every document would be asked for, four of them for the first time.
        assert shown(dialog, "#second").startswith("This would be a SECOND notice (NOT-2, recorded against 王芳)")
        assert "身份证; 户口本; 2寸白底照片; 《残疾人证申请表》." in shown(dialog, "#second")
        await keys(pilot, "space", "down", "space", "down", "space", "down", "space")
        assert shown(dialog, "#second") == ""  # the same item as before: not a second notice
        await keys(pilot, "space")  # the 申请表 is missing after all
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
            "A notice cannot be empty: if every document is here, accept the application instead."]
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
            "Documents missing, cannot accept: 身份证. Give a one-time notice instead.")
        table = dialog.query_one(MaterialsTable)
        assert [(m.name, m.pages, m.received) for m in table.materials][:2] == [("身份证", "1", False),
                                                                               ("户口本", "2", True)]
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
        await keys(pilot, "ctrl+s")
        assert shown(dialog, "#materials-reason") == "List the materials received (name and pages)."
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
        await keys(pilot, "enter", "enter")  # on to the contact, and confirm with it empty
        assert pilot.app.screen is dialog
        assert shown(dialog, "#contact-reason") == "Give the agency's phone or address."
        assert dialog.focused is dialog.query_one("#contact")
        assert dialog.query_one("#agency", Input).value == "区人力社保局"
        await type_text(pilot, "0571-87654321")
        assert shown(dialog, "#contact-reason") == ""  # edited: the reason is gone
        await keys(pilot, "enter")

    app = run(dialog, script)
    [result] = app.results
    assert result is not None and (result.status, result.outcome) == ("resolved", "referred")
    assert result.history[-1].detail["agency"] == "区人力社保局"


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
            "Could not save (database is locked). Try again; if it keeps failing tell your supervisor."]
        assert dialog.query_one("#text", TextArea).text == "好的"

    app = run(dialog_for(AnswerDialog, desk, case), script)
    assert app.results == []


# --- keys, catalogue, layout -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", list(FILL), ids=lambda cls: cls.__name__)
def test_every_binding_has_an_id_and_a_tooltip_in_the_language(desk, cls):
    case = new_case(desk)
    dialog = dialog_for(cls, desk, case)

    async def script(pilot, dialog) -> None:
        ours = [binding for node in [dialog, *dialog.query(MaterialsTable)] for _, binding in node._bindings
                if binding.show]  # Textual's own (tab, copy) are hidden
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


@pytest.mark.parametrize("text", ["张a三b", "居住地住址、就业、就读等证明材料(按申领条件提供)",
                                  "  12. 本人居民身份证（原件）", "averyveryverylongwordwithoutanyspace",
                                  "This would be a SECOND notice (NOT-2, recorded against 王芳): ok"])
def test_lines_wrap_within_their_cells_and_lose_nothing(text):
    for cells in range(4, 40):
        lines = wrap(text, cells).split("\n")
        assert all(cell_len(line) <= cells for line in lines), (cells, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert wrap("  3. 居住地住址、就业", 14) == "  3. 居住地住\n     址、就业"


# --- snapshots: the notice dialog, fixed clock, fixed size, no blinking cursor ----------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_snapshot_notice(snap_compare, desk, lang):
    i18n.set_language(lang)
    case = new_case(desk, matter="JZZ", visitor="张a三b")
    desk.notify(case.no, "w01", presented=["本人居民身份证"])

    async def fill(pilot) -> None:
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.press("space", "down", "space", "tab", "tab")
        await pilot.press(*"结婚证")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(Host(dialog_for(NoticeDialog, desk, case)), terminal_size=SIZE, run_before=fill)
