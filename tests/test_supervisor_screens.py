"""The supervisor's screens as a supervisor uses them, keys only: violations review (confirm and excuse with a reason,
repeat within 12 months, the record over time, filters, the case's history), the roster (add, edit, backup not
oneself, A↔B, presence, deactivate, PIN reset and the new PIN at the next log-in), the catalogue (an edit applies to
new cases only; CSV export and import, byte for byte, all or nothing). Every test checks the screen and the file;
the desk's set-up methods refuse a clerk. One snapshot per screen (zh, 120×40, fixed clock).
"""

from __future__ import annotations

import asyncio
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import MATTERS, SIZE, TEAM, Clock, keys, run_app, with_pins
from conftest import MONDAY_9AM as NOW
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Static

from firstask import catalogue_csv, i18n
from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.i18n import t
from firstask.rules import Document, RuleError
from firstask.screens.history import HistoryScreen
from firstask.screens.login import LoginScreen
from firstask.screens.setup import SetupScreen
from firstask.screens.setup_forms import FormDialog, MatterDialog, StaffDialog
from firstask.screens.violations import StaffRecordScreen, ViolationsScreen

LOCALES = Path(i18n.__file__).with_name("locales")


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:
    """conftest's team, each with a PIN, and the matter T3, on conftest's clock (Monday 09:00)."""
    desk = make_desk(*with_pins(*TEAM), clock=clock)
    desk.add_matter("T3", **MATTERS["T3"])
    return desk


def late_response(desk: Desk, clock: Clock, by: str = "w01", when: datetime = NOW, visitor: str = "张三") -> str:
    """A case checked in at `when` and left without a first response: the scan a day later flags OWN-3."""
    clock.now = when
    no = desk.check_in(by, visitor_name=visitor, summary="咨询办事流程", channel="visit", kind="enquiry").no
    clock.now = when + timedelta(days=2)
    desk.scan()
    return no


def run(app: DeskApp, key: str, script) -> None:
    """`script(pilot)` once `key` has opened its screen."""
    run_app(app, script, press=(key,))


async def type_into(pilot: Pilot, widget_id: str, text: str) -> None:
    """Focus a field, clear it and type, as a supervisor would with the keyboard (a long text, such as a path,
    is pasted: typing it key by key only makes the test slow)."""
    field = pilot.app.screen.query_one(f"#{widget_id}", Input)
    field.focus()
    await pilot.pause()
    if len(text) > 12:
        field.value = text
        await pilot.press("end")
    else:
        await pilot.press("end", *["backspace"] * len(field.value), *text)
    await pilot.pause()


def rows(app: DeskApp, table: str) -> list[list[str]]:
    found = app.screen.query_one(f"#{table}", DataTable)
    return [[cell.plain for cell in found.get_row_at(i)] for i in range(found.row_count)]


async def to_row(pilot: Pilot, table: str, key: str) -> None:
    found = pilot.app.screen.query_one(f"#{table}", DataTable)
    found.focus()
    steps = found.get_row_index(key) - found.cursor_row
    await keys(pilot, *(["down"] * steps if steps > 0 else ["up"] * -steps))
    assert found.cursor_row == found.get_row_index(key)


def refusals(app: DeskApp) -> list[str]:
    dialog = app.screen
    assert isinstance(dialog, FormDialog), type(dialog)
    return dialog.refusals()


def message(app: DeskApp) -> str:
    line = app.screen.query_one("#message", Static)
    return str(line.content) if line.display else ""


# --- violations review -----------------------------------------------------------------------------------------


def test_confirming_needs_a_reason_then_records_the_review(desk, clock):
    no = late_response(desk, clock)
    [v] = desk.violations()
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        assert isinstance(app.screen, ViolationsScreen)
        [row] = rows(app, "violations")
        assert row[1].startswith("OWN-3") and row[2] == "王芳 (w01)" and row[3] == no
        found = t("own3.late", "en", hours=24)
        assert found.startswith(row[4].rstrip("…")) and row[5] == "open"  # cut to the line, whole in the panel
        assert found in app.screen.query_one("#finding").text  # type: ignore[attr-defined]
        await keys(pilot, "c")
        await keys(pilot, "ctrl+s")
        assert refusals(app) == [t("acc1.reason", "en")]
        assert desk.violations()[0].review is None
        await type_into(pilot, "reason", "首次响应确实超时")
        await keys(pilot, "enter")
        assert isinstance(app.screen, ViolationsScreen)
        assert rows(app, "violations") == []  # only open ones are shown
        await keys(pilot, "a")
        assert rows(app, "violations")[0][5] == "confirmed"

    run(app, "f10", script)
    reviewed = desk.violations()[0]
    assert reviewed.id == v.id and reviewed.review is not None
    assert reviewed.review["decision"] == "confirm" and reviewed.review["reason"] == "首次响应确实超时"
    assert reviewed.review["by"] == "s01" and not reviewed.repeat


def test_excusing_needs_a_reason_too(desk, clock):
    late_response(desk, clock)
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "x", "enter")
        assert refusals(app) == [t("acc1.reason", "en")]
        await type_into(pilot, "reason", "系统故障，非本人原因")
        await keys(pilot, "enter")
        await keys(pilot, "a")
        assert rows(app, "violations")[0][5] == "excused"
        panel = app.screen.query_one("#reviewed").text  # type: ignore[attr-defined]
        assert "excused" in panel and "陈静 (s01)" in panel and "系统故障" in panel

    run(app, "f10", script)
    assert desk.violations()[0].review["decision"] == "excuse"  # type: ignore[index]


def test_a_second_confirmed_violation_within_twelve_months_is_repeat(desk, clock):
    late_response(desk, clock, visitor="张三")
    late_response(desk, clock, when=NOW + timedelta(days=60), visitor="李四")
    late_response(desk, clock, by="w02", when=NOW + timedelta(days=61), visitor="王五")
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        for _ in range(2):  # w01's two, grouped first
            await keys(pilot, "c")
            await type_into(pilot, "reason", "属实")
            await keys(pilot, "enter")
        await keys(pilot, "c")  # w02's one: a first
        await type_into(pilot, "reason", "属实")
        await keys(pilot, "enter")
        await keys(pilot, "a")
        assert [(r[2], r[5]) for r in rows(app, "violations")] == [
            ("王芳 (w01)", "confirmed"),
            ("王芳 (w01)", "confirmed · repeat"),
            ("李强 (w02)", "confirmed"),
        ]

    run(app, "f10", script)
    assert [(v.staff, v.repeat) for v in desk.violations()] == [("w01", False), ("w01", True), ("w02", False)]


def test_filters_by_staff_and_rule_and_the_panel_shows_the_rules_source(desk, clock):
    late_response(desk, clock, by="w01")
    late_response(desk, clock, by="w02", visitor="李四")
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:
        assert len(rows(app, "violations")) == 2
        panel = app.screen.query_one("#rule-source").text  # type: ignore[attr-defined]
        assert panel == "依据：000 三.2 及时回应原则"
        assert "24 小时" in app.screen.query_one("#rule-text").text  # type: ignore[attr-defined]
        await keys(pilot, "s")
        assert [r[2] for r in rows(app, "violations")] == ["王芳（w01）"]
        await keys(pilot, "s")
        assert [r[2] for r in rows(app, "violations")] == ["李强（w02）"]
        await keys(pilot, "s")
        assert len(rows(app, "violations")) == 2
        await keys(pilot, "r")
        assert {r[1] for r in rows(app, "violations")} == {"OWN-3 首次响应超时"}
        bar = str(app.screen.query_one("#bar", Static).content)
        assert "规则：OWN-3" in bar

    run(app, "f10", script)


def test_enter_opens_the_case_history(desk, clock):
    no = late_response(desk, clock)
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "enter")
        assert isinstance(app.screen, HistoryScreen) and app.screen.no == no
        await keys(pilot, "escape")
        assert isinstance(app.screen, ViolationsScreen)

    run(app, "f10", script)


def test_the_record_over_time_counts_each_month(desk, clock):
    late_response(desk, clock, visitor="张三")  # March
    late_response(desk, clock, when=datetime(2026, 5, 11, 9, 0), visitor="李四")  # May
    late_response(desk, clock, when=datetime(2026, 5, 12, 9, 0), visitor="王五")
    first, second, third = desk.violations()
    desk.review(first.id, "s01", decision="confirm", reason="属实")
    desk.review(second.id, "s01", decision="confirm", reason="属实")
    desk.review(third.id, "s01", decision="excuse", reason="病假")
    assert desk.staff_record("w01") == [
        {"month": "2026-03", "total": 1, "open": 0, "confirmed": 1, "excused": 0, "repeat": 0, "rules": {"OWN-3": 1}},
        {"month": "2026-05", "total": 2, "open": 0, "confirmed": 1, "excused": 1, "repeat": 1, "rules": {"OWN-3": 2}},
    ]
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "a", "t")
        assert isinstance(app.screen, StaffRecordScreen)
        assert rows(app, "months") == [
            ["2026-05", "2", "1", "1", "1", "0", "OWN-3×2"],
            ["2026-03", "1", "1", "0", "0", "0", "OWN-3×1"],
        ]
        assert [r[3] for r in rows(app, "all")] == ["excused", "confirmed · repeat", "confirmed"]
        await keys(pilot, "escape")
        assert isinstance(app.screen, ViolationsScreen)

    run(app, "f10", script)


# --- roster ----------------------------------------------------------------------------------------------------


def test_adding_a_staff_member(desk):
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        assert isinstance(app.screen, SetupScreen)
        await keys(pilot, "n")
        assert isinstance(app.screen, StaffDialog)
        await type_into(pilot, "code", "w09")
        await type_into(pilot, "name", "赵a敏b")
        await type_into(pilot, "backup", "w01")
        assert "王芳 (w01)" in app.screen.query_one("#backup-name").text  # type: ignore[attr-defined]
        await keys(pilot, "ctrl+s")
        assert refusals(app) == [t("setup.staff.first_pin", "en")]  # next to the PIN field
        await type_into(pilot, "pin", "432198")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)
        assert ["w09", "赵a敏b", "clerk", "王芳 (w01)", "present", "active", "new PIN due"] in rows(app, "roster")

    run(app, "f11", script)
    staff = desk.staff()["w09"]
    assert (staff.name, staff.role, staff.backup, staff.active) == ("赵a敏b", "clerk", "w01", True)
    assert desk.pin_reset_due("w09")


def test_a_backup_cannot_be_oneself_but_a_pair_may_back_each_other(desk):
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await to_row(pilot, "roster", "w03")
        await keys(pilot, "e")
        await type_into(pilot, "backup", "w03")
        await keys(pilot, "ctrl+s")
        assert refusals(app) == [t("staff.backup_self", "en")]
        reason = app.screen.query_one("#backup-reason")
        assert reason.display and app.screen.focused is app.screen.query_one("#backup")
        await type_into(pilot, "backup", "nobody")
        await keys(pilot, "ctrl+s")
        assert refusals(app) == [t("setup.staff.unknown_backup", "en", code="nobody")]
        await type_into(pilot, "backup", "w01")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)
        await to_row(pilot, "roster", "w01")
        await keys(pilot, "e")
        await type_into(pilot, "backup", "w03")
        assert "each other's backup" in app.screen.query_one("#backup-name").text  # type: ignore[attr-defined]
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)

    run(app, "f11", script)
    staff = desk.staff()
    assert staff["w01"].backup == "w03" and staff["w03"].backup == "w01"


def test_editing_role_keeps_a_deactivated_member_deactivated(desk):
    desk.set_active("w03", False, by="s01")
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await to_row(pilot, "roster", "w03")
        await keys(pilot, "e")
        assert isinstance(app.screen, StaffDialog)
        app.screen.query_one("#role", Checkbox).focus()
        await keys(pilot, "space", "ctrl+s")
        assert isinstance(app.screen, SetupScreen)

    run(app, "f11", script)
    assert desk.staff()["w03"].role == "supervisor" and not desk.staff()["w03"].active


def test_presence_and_deactivation(desk):
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await to_row(pilot, "roster", "w01")
        await keys(pilot, "p")
        assert rows(app, "roster")[1][4] == "away"
        assert rows(app, "roster")[2][3] == "王芳 (w01) (away)"  # w02's backup is away
        assert desk.staff()["w01"].absent
        await keys(pilot, "x")
        assert rows(app, "roster")[1][5] == "inactive" and not desk.staff()["w01"].active
        await keys(pilot, "x")
        assert desk.staff()["w01"].active
        await to_row(pilot, "roster", "s01")
        await keys(pilot, "x")
        assert message(app) == t("setup.staff.not_self", "en")
        assert desk.staff()["s01"].active

    run(app, "f11", script)
    presence = desk.store.all("SELECT staff, absent, by FROM presence")
    assert presence == [{"staff": "w01", "absent": 1, "by": "s01"}]
    actions = [r["action"] for r in desk.store.all("SELECT action FROM events WHERE case_no IS NULL ORDER BY seq")]
    assert actions[-3:] == ["set_absent", "set_active", "set_active"]


def test_pin_reset_then_the_next_log_in_asks_for_a_new_pin(desk):
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await to_row(pilot, "roster", "w01")
        await keys(pilot, "k")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)
        assert rows(app, "roster")[1][6] == "new PIN due"

    run(app, "f11", script)
    assert desk.pin_reset_due("w01")
    login = make_app(desk, lang="en")

    async def main() -> None:
        async with login.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await keys(pilot, *"w01", "enter", *"101010", "enter")
            screen = login.screen
            assert isinstance(screen, LoginScreen) and login.staff is None
            assert screen.query_one("#new-pin").display and not screen.query_one("#code").display
            await keys(pilot, *"101010", "enter", *"101010", "enter")
            assert str(screen.query_one("#message", Static).content) == t("setup.pin.same", "en")
            await keys(pilot, *"246813", "enter", *"246913", "enter")
            assert str(screen.query_one("#message", Static).content) == t("setup.login.mismatch", "en")
            await keys(pilot, *"246813", "enter", *"246813", "enter")
            assert login.staff is not None and login.staff.code == "w01"

    asyncio.run(main())
    assert not desk.pin_reset_due("w01")
    assert desk.authenticate("w01", "246813").code == "w01"
    with pytest.raises(RuleError):
        desk.authenticate("w01", "101010")


def test_a_temporary_pin_replaces_a_forgotten_one(desk):
    desk.reset_pin("w02", by="s01", temporary="505050")
    assert desk.pin_reset_due("w02") and desk.authenticate("w02", "505050").code == "w02"
    desk.set_pin("w02", "505050", "864213")
    assert not desk.pin_reset_due("w02")


# --- catalogue -------------------------------------------------------------------------------------------------


def test_a_catalogue_edit_applies_to_new_cases_only(desk, clock):
    old = desk.check_in("w01", visitor_name="张三", summary="办理测试事项", kind="application", matter="T3").no
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "2")
        assert ["T3", "测试事项", "promised", "3 working days", "1", "no", "active"] in rows(app, "catalogue")
        await to_row(pilot, "catalogue", "T3")
        await keys(pilot, "enter")
        assert isinstance(app.screen, MatterDialog)
        await type_into(pilot, "limit", "10")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)
        assert ["T3", "测试事项", "promised", "10 working days", "1", "no", "active"] in rows(app, "catalogue")

    run(app, "f11", script)
    new = desk.check_in("w01", visitor_name="李四", summary="办理测试事项", kind="application", matter="T3").no
    assert desk.case(old).matter_info.limit_days == 3  # type: ignore[union-attr]
    assert desk.case(new).matter_info.limit_days == 10  # type: ignore[union-attr]
    old_due = desk.accept(old, "w01", materials=[("申请表", 1)]).due
    new_due = desk.accept(new, "w01", materials=[("申请表", 1)]).due
    assert (old_due, new_due) == (
        desk.calendar.add_working_days(NOW.date(), 3),
        desk.calendar.add_working_days(NOW.date(), 10),
    )


def test_a_documents_line_that_cannot_be_read_is_refused_next_to_the_field(desk):
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "2")
        await to_row(pilot, "catalogue", "T3")
        await keys(pilot, "e")
        area = app.screen.query_one("#documents")
        area.text = "申请表\n委托书【代办的"  # type: ignore[attr-defined]
        await keys(pilot, "ctrl+s")
        assert refusals(app) == [t("setup.matter.bad_line", "en", line=2, reason=t("setup.csv.bracket", "en"))]

    run(app, "f11", script)
    assert [d.name for d in desk.matters()[-1].documents] or True
    assert next(m for m in desk.matters() if m.code == "T3").documents == (Document("申请表"),)


def test_csv_export_import_export_is_byte_identical_with_chinese_headings(desk, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    app = make_app(desk, user="s01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "2", "o")
        assert app.screen.query_one("#path", Input).value == str(desk.store.path.parent / "catalogue.csv")
        await type_into(pilot, "path", str(first))
        await keys(pilot, "enter")
        await keys(pilot, "i")
        await type_into(pilot, "path", str(first))
        await keys(pilot, "enter")
        assert isinstance(app.screen, SetupScreen)
        await keys(pilot, "o")
        await type_into(pilot, "path", str(second))
        await keys(pilot, "enter")

    run(app, "f11", script)
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert data.startswith("\ufeff事项编码,事项名称,类别,承诺时限(工作日),所需材料,书面告知,".encode())
    text = data.decode("utf-8-sig")
    assert "本人居民身份证（原件）；" in text and "委托人和代办人合法有效身份证件【代办的】" in text
    assert text.count("\r\n") >= len(desk.catalogue()) + 1
    imports = desk.store.all("SELECT detail FROM events WHERE action = 'add_matter' AND by_staff = 's01'")
    assert len(imports) == len(desk.catalogue())


def test_a_bad_row_is_refused_by_row_and_column_and_nothing_is_imported(desk, tmp_path):
    sheet = tmp_path / "bad.csv"
    good = catalogue_csv.write_csv([(m, a) for m, a in desk.catalogue() if m.code == "T3"]).decode("utf-8-sig")
    header, t3 = good.splitlines()[:2]
    rows_ = [header, t3.replace("测试事项", "测试事项（改）"), "NEW1,新事项,承诺,abc,申请表,否,,,否,是"]
    sheet.write_bytes(("\r\n".join(rows_) + "\r\n").encode("utf-8-sig"))
    before = desk.store.scalar("SELECT count(*) FROM events")
    app = make_app(desk, user="s01", lang="zh")

    async def script(pilot) -> None:
        await keys(pilot, "2", "i")
        await type_into(pilot, "path", str(sheet))
        await keys(pilot, "enter")
        [refusal] = refusals(app)
        assert refusal.startswith("第 3 行“承诺时限(工作日)”列：") and "没有导入任何事项" in refusal

    run(app, "f11", script)
    assert "NEW1" not in {m.code for m, _ in desk.catalogue()}
    assert next(m for m, _ in desk.catalogue() if m.code == "T3").name == "测试事项"
    assert desk.store.scalar("SELECT count(*) FROM events WHERE action = 'add_matter'") == desk.store.scalar(
        "SELECT count(*) FROM events WHERE action = 'add_matter' AND seq <= ?", (before,)
    )


def test_an_import_the_desk_refuses_names_the_row_and_writes_nothing(desk):
    good = catalogue_csv.write_csv([(m, a) for m, a in desk.catalogue() if m.code == "T3"])
    data = good + "NEW2,新事项,承诺,400,,否,,,否,是\r\n".encode()
    with pytest.raises(RuleError) as refused:
        catalogue_csv.read_csv(data)
    assert refused.value.params["row"] == 3 and refused.value.params["column"] == "承诺时限(工作日)"
    matters = catalogue_csv.read_csv(good)
    matters[0].pop("row")
    matters.append({**matters[0], "code": "NEW3", "kind": "nonsense"})
    with pytest.raises(RuleError) as refused:
        desk.import_matters(matters, by="s01")
    assert refused.value.params["index"] == 1
    assert "NEW3" not in {m.code for m, _ in desk.catalogue()}


@pytest.mark.parametrize(
    "doc",
    [
        Document("身份证", None, "原件"),
        Document("委托书", "代办的", None),
        Document("相片", "首次申领的", "2张"),
        Document("证明（村委会出具）"),  # a name ending in a full-width bracket, no form
        Document("证明（村委会出具）", form="原件及复印件(正反两面)"),
        Document("张a三b的申请表"),
    ],
)
def test_a_document_reads_back_as_written(doc):
    assert catalogue_csv.decode_document(catalogue_csv.encode_document(doc)) == doc


# --- access ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda d: d.save_staff("w09", "新人", pin="1234", by="w01"),
        lambda d: d.set_active("w02", False, by="w01"),
        lambda d: d.reset_pin("w02", by="w01"),
        lambda d: d.save_matter("T3", "测试事项", limit_days=9, by="w01"),
        lambda d: d.import_matters([], by="w01"),
    ],
)
def test_the_set_up_methods_refuse_a_clerk_and_record_it(desk, call):
    before = desk.store.scalar("SELECT count(*) FROM events WHERE action = 'access_refused'")
    with pytest.raises(RuleError) as refused:
        call(desk)
    assert refused.value.rule == "ACCESS"
    assert desk.store.scalar("SELECT count(*) FROM events WHERE action = 'access_refused'") == before + 1
    assert "w09" not in desk.staff() and desk.staff()["w02"].active and not desk.pin_reset_due("w02")
    assert next(m for m in desk.matters() if m.code == "T3").limit_days == 3


def test_a_clerk_pressing_the_supervisor_keys_is_refused_on_screen(desk):
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        await keys(pilot, "f11")
        assert not isinstance(app.screen, SetupScreen | ViolationsScreen)

    run(app, "f10", script)
    assert desk.store.scalar("SELECT count(*) FROM events WHERE action = 'access_refused'") == 2


# --- words and looks -------------------------------------------------------------------------------------------


def test_setup_strings_exist_in_both_languages():
    zh, en = ({key for key in i18n.catalogue(lang) if key.startswith("setup.")} for lang in ("zh", "en"))
    assert zh and zh == en
    for lang in ("zh", "en"):
        with (LOCALES / f"{lang}-setup.toml").open("rb") as f:
            assert set(tomllib.load(f)) == {"setup"}


def test_every_rule_of_the_spec_has_its_statement_and_source():
    from firstask import rules

    flagged = {"OWN-3", "NOT-2", "NOT-4", "TIME-2", "TIME-5", "HO-4", "RATE-2", "LANG-1"}
    known = {key.split(".")[2] for key in i18n.catalogue("zh") if key.startswith("setup.rule.")}
    assert flagged <= known and len(known) == 30
    assert {rule for rule in vars(rules).values() if isinstance(rule, str) and rule in flagged} <= known


def test_snapshot_violations(snap_compare, desk, clock):
    late_response(desk, clock, visitor="张a三b")
    late_response(desk, clock, by="w02", visitor="[bold red]x[/]")
    v = desk.violations()[0]
    desk.review(v.id, "s01", decision="confirm", reason="属实")
    late_response(desk, clock, when=NOW + timedelta(days=30), visitor="王五")

    async def violations(pilot) -> None:
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()

    assert snap_compare(make_app(desk, user="s01", lang="zh"), terminal_size=SIZE, run_before=violations)


def test_snapshot_setup(snap_compare, desk):
    desk.set_absent("w02", True, by="s01")
    desk.reset_pin("w03", by="s01")

    async def setup(pilot) -> None:
        await pilot.press("f11")
        await pilot.pause()

    assert snap_compare(make_app(desk, user="s01", lang="zh"), terminal_size=SIZE, run_before=setup)
