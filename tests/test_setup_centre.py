"""F11 as a supervisor uses it for the slips, keys only: the centre tab (its identity and slip settings, edited in
one form through `desk.set_policy`, a warning while it has no name), and a matter's forms place and researcher's
note in the matter editor and through the CSV sheet (round trips). Each test checks the screen and the desk.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CLERK_AND_SUPERVISOR, MATTERS, SIZE, Clock, keys, run_app, with_pins
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from firstask import catalogue_csv, printing
from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.i18n import t
from firstask.screens.setup import SetupScreen, cut_text
from firstask.screens.setup_forms import CENTRE_FIELDS, CentreDialog, FormDialog, MatterDialog

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:
    """w01 and the supervisor s01, each with a PIN, and the matter T3, on conftest's clock (Monday 09:00)."""
    desk = make_desk(*with_pins(*CLERK_AND_SUPERVISOR), clock=clock)
    desk.add_matter("T3", **MATTERS["T3"])
    return desk


def run(app: DeskApp, script, size: tuple[int, int] = SIZE) -> None:
    """`script(pilot)` on the set-up screen (F11)."""
    run_app(app, script, size=size, press=("f11",))


async def retype(pilot: Pilot, widget_id: str, text: str) -> None:
    """Focus a field, clear it and type, as a supervisor would."""
    field = pilot.app.screen.query_one(f"#{widget_id}", Input)
    field.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(field.value), *text)
    await pilot.pause()


def rows(app: DeskApp, table: str) -> dict[str, str]:
    found = app.screen.query_one(f"#{table}", DataTable)
    return {
        str(found.coordinate_to_cell_key((i, 0)).row_key.value): found.get_row_at(i)[1].plain
        for i in range(found.row_count)
    }


def warning(app: DeskApp) -> str:
    line = app.screen.query_one("#centre-warning", Static)
    return str(line.content) if line.display else ""


def policy_events(desk: Desk) -> list[dict[str, object]]:
    return [
        json.loads(r["detail"])["values"]
        for r in desk.store.all(
            "SELECT detail FROM events WHERE action = 'set_policy' AND by_staff = 's01' ORDER BY seq"
        )
    ]


# --- the centre tab --------------------------------------------------------------------------------------------


def test_the_centre_tab_warns_without_a_name_and_edits_the_centre(desk):
    assert desk.policy.centre_name == ""
    app = make_app(desk, user="s01", lang="en", window=3)

    async def script(pilot) -> None:
        await keys(pilot, "3")
        screen = app.screen
        assert isinstance(screen, SetupScreen) and screen.tab == "centre"
        assert warning(app) == t("setup.centre.no_name", "en")
        shown = rows(app, "centre")
        assert list(shown) == list(CENTRE_FIELDS)
        assert shown["centre_name"] == t("setup.centre.empty.centre_name", "en")
        assert shown["pickup"] == t("setup.centre.default", "en", value="本中心3号窗口")
        bound = screen.active_bindings
        assert [key for key in "nepkxio" if key in bound and bound[key].enabled] == ["e"]
        await keys(pilot, "e")
        dialog = app.screen
        assert isinstance(dialog, CentreDialog) and dialog.focused is dialog.query_one("#centre_name")
        await keys(pilot, *"西溪街道便民服务中心")
        assert dialog.query_one("#title-preview").text == t(  # type: ignore[attr-defined]
            "setup.centre.title_preview", "en", title="西溪街道便民服务中心一次性告知书"
        )
        await retype(pilot, "centre_address", "文三路123号")
        await retype(pilot, "centre_phone", "0571-87654321")
        await retype(pilot, "centre_hours", "周一至周五 8:30-17:30")
        await retype(pilot, "reconsideration_body", "西湖区人民政府")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)
        assert warning(app) == ""
        shown = rows(app, "centre")
        assert shown["centre_name"] == "西溪街道便民服务中心" and shown["centre_phone"] == "0571-87654321"
        assert shown["pickup"] == t("setup.centre.default", "en", value="本中心3号窗口，电话 0571-87654321")

    run(app, script)
    policy = desk.policy
    assert (
        policy.centre_name,
        policy.centre_address,
        policy.centre_phone,
        policy.centre_hours,
        policy.reconsideration_body,
        policy.forms_place,
        policy.pickup,
    ) == ("西溪街道便民服务中心", "文三路123号", "0571-87654321", "周一至周五 8:30-17:30", "西湖区人民政府", "", "")
    # One write, of what changed only, as the supervisor.
    assert policy_events(desk) == [
        {
            "centre_name": "西溪街道便民服务中心",
            "centre_address": "文三路123号",
            "centre_phone": "0571-87654321",
            "centre_hours": "周一至周五 8:30-17:30",
            "reconsideration_body": "西湖区人民政府",
        }
    ]


def test_enter_on_a_row_edits_that_setting_and_a_cleared_one_is_empty_again(desk):
    desk.set_policy(by="s01", centre_name="西溪街道便民服务中心", forms_place="咨询台")
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:
        await keys(pilot, "3")
        assert warning(app) == ""
        table = app.screen.query_one("#centre", DataTable)
        table.focus()
        await keys(pilot, *["down"] * CENTRE_FIELDS.index("pickup"), "enter")
        dialog = app.screen
        assert isinstance(dialog, CentreDialog) and dialog.focused is dialog.query_one("#pickup")
        await keys(pilot, *"二楼综合窗口")
        await retype(pilot, "forms_place", "")
        dialog.query_one("#pickup").focus()
        await keys(pilot, "enter")  # Enter in the last field saves
        assert isinstance(app.screen, SetupScreen)
        assert rows(app, "centre")["pickup"] == "二楼综合窗口"
        assert rows(app, "centre")["forms_place"] == t("setup.centre.empty.forms_place", "zh")
        assert str(app.screen.query_one("#tabs").get_tab("pane-centre").label) == "3 中心信息"  # type: ignore

    run(app, script)
    assert desk.policy.pickup == "二楼综合窗口" and desk.policy.forms_place == ""
    assert policy_events(desk)[-1] == {"forms_place": "", "pickup": "二楼综合窗口"}


def test_escape_changes_nothing_and_saving_unchanged_writes_nothing(desk):
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "3", "e", *"某中心", "escape")
        assert isinstance(app.screen, SetupScreen) and warning(app)
        await keys(pilot, "e", "ctrl+s")
        assert isinstance(app.screen, SetupScreen)

    run(app, script)
    assert desk.policy.centre_name == "" and policy_events(desk) == []


def test_the_centre_set_in_f11_is_on_the_next_slip(desk):
    app = make_app(desk, user="s01", lang="en", window=5)

    async def script(pilot) -> None:
        await keys(pilot, "3", "e", *"西溪街道便民服务中心")
        await retype(pilot, "centre_phone", "87654321")
        await keys(pilot, "ctrl+s")

    run(app, script)
    no = desk.check_in("w01", visitor_name="买买提·艾力", summary="办理测试事项", kind="application", matter="T3").no
    case = desk.notify(no, "w01")
    text = (desk.documents_dir / Path(case.history[-1].detail["document"]).name).read_text(encoding="utf-8")
    assert text.startswith("西溪街道便民服务中心一次性告知书\n")
    assert "窗口：5号" in text and "咨询电话：87654321" in text and "服务对象：买买提·艾力" in text


def test_the_centre_form_fits_a_small_terminal(desk):
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "3", "e")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        await retype(pilot, "pickup", "二楼")  # the last field, scrolled to
        assert dialog.query_one("#pickup", Input).value == "二楼"
        await keys(pilot, "ctrl+s")

    run(app, script, size=(80, 24))
    assert desk.policy.pickup == "二楼"


# --- a matter's forms place and note ---------------------------------------------------------------------------


def test_the_matter_editor_keeps_forms_place_and_note_and_switching_off_keeps_them(desk):
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "2")
        table = app.screen.query_one("#catalogue", DataTable)
        table.focus()
        await keys(pilot, *["down"] * table.get_row_index("T3"), "e")
        assert isinstance(app.screen, MatterDialog)
        await retype(pilot, "forms_at", "本中心2号窗口")
        await retype(pilot, "note", "试点事项")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)
        name = app.screen.query_one("#catalogue", DataTable).get_row("T3")[1]
        assert name.plain == "测试事项" + t("setup.catalogue.note_mark", "en", note="试点事项")
        await keys(pilot, "x")  # off: the note and the forms place stay
        await keys(pilot, "e")
        assert app.screen.query_one("#forms_at", Input).value == "本中心2号窗口"
        assert app.screen.query_one("#note", Input).value == "试点事项"
        await keys(pilot, "escape")

    run(app, script)
    [(matter, active)] = [(m, a) for m, a in desk.catalogue() if m.code == "T3"]
    assert (matter.forms_at, matter.note, active) == ("本中心2号窗口", "试点事项", False)


def test_the_shipped_notes_show_on_the_catalogue_tab_and_a_long_name_is_cut_with_its_style(desk):
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:
        await keys(pilot, "2")
        name = app.screen.query_one("#catalogue", DataTable).get_row("WFZM")[1]
        assert name.plain == "无犯罪记录证明（办理指引，社区不出具）"

    run(app, script)
    from rich.text import Text

    styled = Text("无犯罪记录证明", style="bold")
    styled.append("（办理指引，社区不出具）", style="dim")
    out = cut_text(styled, 20)
    assert out.plain == "无犯罪记录证明（办…" and out.cell_len <= 20
    assert any(span.style == "dim" and span.start == len("无犯罪记录证明") for span in out.spans)


def test_csv_round_trip_keeps_forms_place_and_note(desk, tmp_path):
    desk.save_matter(
        "T3", "测试事项", by="s01", limit_days=3, documents=["申请表"], forms_at="本中心2号窗口", note="试点，不打印"
    )
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    catalogue_csv.export_csv(desk, first)
    text = first.read_bytes().decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[10:12] == ["表格领取", "备注(不打印)"] and header[-1] == "估计内容"
    assert "WFZM,无犯罪记录证明," in text and text.count("办理指引，社区不出具") == 1
    desk.save_matter("T3", "测试事项", by="s01", limit_days=3, documents=["申请表"])  # cleared
    assert catalogue_csv.import_csv(desk, first, by="s01") == len(desk.catalogue())
    t3 = next(m for m, _ in desk.catalogue() if m.code == "T3")
    assert (t3.forms_at, t3.note) == ("本中心2号窗口", "试点，不打印")
    catalogue_csv.export_csv(desk, second)
    assert first.read_bytes() == second.read_bytes()


def test_a_sheet_from_before_the_new_columns_imports_and_keeps_each_matters_own(desk, tmp_path):
    desk.save_matter(
        "T3", "测试事项", by="s01", limit_days=3, documents=["申请表"], forms_at="本中心2号窗口", note="试点"
    )
    rows_ = catalogue_csv.write_csv([(m, a) for m, a in desk.catalogue() if m.code == "T3"]).decode("utf-8-sig")
    old = "\r\n".join(",".join(line.split(",")[:10]) for line in rows_.splitlines()) + "\r\n"
    old = old.replace(",3,申请表,", ",5,申请表,") + "NEW1,新事项,承诺,4,申请表,否,,,否,是\r\n"
    sheet = tmp_path / "old.csv"
    sheet.write_bytes(old.encode("utf-8-sig"))
    assert catalogue_csv.import_csv(desk, sheet, by="s01") == 2
    matters = {m.code: m for m, _ in desk.catalogue()}
    assert (matters["T3"].limit_days, matters["T3"].forms_at, matters["T3"].note) == (5, "本中心2号窗口", "试点")
    assert (matters["NEW1"].forms_at, matters["NEW1"].note) == (None, None)


def test_the_shipped_catalogue_keeps_notes_out_of_names(desk):
    matters = {m.code: m for m, _ in desk.catalogue()}
    assert (matters["WFZM"].name, matters["WFZM"].note) == ("无犯罪记录证明", "办理指引，社区不出具")
    assert (matters["HYZM"].name, matters["HYZM"].note) == ("流动人口婚育证明", "已改为电子婚育证明，不再由本人申领")
    assert (matters["SQZM"].name, matters["SQZM"].note) == ("社区(村)证明开具", "第一批20项已明确不应由村居出具")
    assert (matters["JLFZ"].name, matters["JLFZ"].note) == ("农村部分计划生育家庭奖励申请", "广东")
    assert (matters["FLYZ"].name, matters["FLYZ"].note) == ("法律援助申请", "受理转交")
    for code in ("CJZ", "GLJT", "LHJY", "SYFW", "ZJD"):
        assert "(" in matters[code].name and matters[code].note is None, code
    assert "本人相片" in [d.name for d in matters["JZZ"].documents]


def test_the_builder_refuses_a_bracket_in_a_name_nobody_decided():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_catalogue", REPO / "tools" / "build_catalogue.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    assert builder.read_name("WFZM", "无犯罪记录证明(办理指引，社区不出具)") == (
        "无犯罪记录证明",
        "办理指引，社区不出具",
    )
    assert builder.read_name("CJZ", "残疾人证新办(首次申领)") == ("残疾人证新办(首次申领)", None)
    with pytest.raises(SystemExit):
        builder.read_name("NEW", "新事项(研究员备注)")
    with pytest.raises(SystemExit):
        builder.read_name("WFZM", "无犯罪记录证明(改过的备注)")


def test_the_notice_of_a_shipped_matter_prints_its_name_without_the_note(desk):
    no = desk.check_in("w01", visitor_name="张三", summary="法律援助", kind="application", matter="FLYZ").no
    case = desk.notify(no, "w01")
    text = (desk.documents_dir / Path(case.history[-1].detail["document"]).name).read_text(encoding="utf-8")
    assert "办理事项：法律援助申请\n" in text and "受理转交" not in text
    assert printing.NO_MORE_ITEMS in text
