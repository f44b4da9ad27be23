"""The guide browser, keys as a clerk on the phone presses them: the matter found as it is typed (initials, part of
the name), the guide following the highlight, read through, printed or saved, taken back for a visitor, or left."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CLERKS, SIZE, keys, run_app, screen_text
from pypdf import PdfReader
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList

from firstask import i18n
from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.screens.guides import GuidesScreen
from firstask.widgets.case_sheet import CaseSheet
from firstask.widgets.prose import Prose

CENTRE = "和睦社区服务中心"
NO_RESULT: list[str | None] = []


@pytest.fixture
def desk(make_desk: Any) -> Desk:
    desk = make_desk(*CLERKS)
    desk.set_policy(centre_name=CENTRE)
    return desk


def browse(desk: Desk, script: Any, *, lang: str = "zh", query: str = "", size: tuple[int, int] = SIZE) -> list[Any]:
    """The browser pushed over the clerk's desk (as Ctrl+G on the check-in screen does), then `script(pilot, app)`;
    what it returned, once it did, in the list returned."""
    app = make_app(desk, user="w01", lang=lang)
    results: list[Any] = []

    async def then(pilot: Any) -> None:
        app.push_screen(GuidesScreen(desk, app.clerk, query=query), results.append)
        await pilot.pause()
        await script(pilot, app)
        await pilot.pause()

    run_app(app, then, size=size)
    return results


def listed(app: DeskApp) -> list[str]:
    """The codes listed, in order."""
    options = app.screen.query_one("#matters", OptionList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)] if options.display else []


def highlighted(app: DeskApp) -> str | None:
    options = app.screen.query_one("#matters", OptionList)
    return None if options.highlighted is None else listed(app)[options.highlighted]


def guide(app: DeskApp) -> str:
    return app.screen.query_one("#guide", CaseSheet).text(200).plain


def said(app: DeskApp, selector: str = "#said") -> str:
    line = app.screen.query_one(selector, Prose)
    return line.text if line.display else ""


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace(" ", "")


def test_pinyin_initials_find_the_matter_and_show_its_guide(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, *"jzz")
        assert listed(app)[0] == highlighted(app) == "JZZ"
        shown = guide(app)
        assert shown.startswith("居住证申领") and "办理时限：15 个工作日" in shown
        assert "办理流程" in shown and "凭领取凭证到受理点领取居住证" in shown
        assert "收费标准" in shown and "首次申领免收证件工本费" in shown
        assert app.focused is app.screen.query_one("#search", Input)

    assert browse(desk, script) == NO_RESULT


def test_a_part_of_the_name_or_the_code_finds_it(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, *"最低生活")
        assert listed(app) == ["DB"] and guide(app).startswith("最低生活保障申请")
        app.screen.query_one("#search", Input).value = ""
        await keys(pilot, *"cjz")
        assert listed(app)[0] == "CJZ" and guide(app).startswith("残疾人证新办")

    browse(desk, script)


def test_the_query_given_is_looked_up_at_once(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        assert app.screen.query_one("#search", Input).value == "居住证"
        assert highlighted(app) == "JZZ" and guide(app).startswith("居住证申领")

    browse(desk, script, query="居住证")


def test_up_and_down_move_the_highlight_while_typing_and_the_guide_follows(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, *"养老")
        assert listed(app) == ["JMYL", "SZBZ", "YLDY"] and highlighted(app) == "JMYL"
        assert guide(app).startswith("城乡居民基本养老保险参保登记")
        await keys(pilot, "down")
        assert highlighted(app) == "SZBZ" and guide(app).startswith("城乡居民养老保险丧葬补助金申领")
        await keys(pilot, "down", "down", "down")  # stays on the last
        assert highlighted(app) == "YLDY" and guide(app).startswith("城乡居民基本养老保险待遇申领")
        await keys(pilot, "up")
        assert highlighted(app) == "SZBZ"
        assert app.focused is app.screen.query_one("#search", Input)  # no Tab needed
        await keys(pilot, "backspace", "backspace", *"丧葬")
        assert listed(app) == ["SZBZ"]  # typed again: the list follows

    browse(desk, script)


def test_enter_goes_into_the_guide_to_scroll_it_and_typing_comes_back(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        pane = app.screen.query_one("#guide-pane", VerticalScroll)
        await keys(pilot, "enter")
        assert app.focused is pane and pane.max_scroll_y > 0  # the guide is longer than 24 rows
        await keys(pilot, "pagedown")
        assert pane.scroll_y > 0
        await keys(pilot, "down")
        assert highlighted(app) == "JZZ"  # ↑/↓ scroll the guide now, the list stays
        await keys(pilot, "pageup", "pageup")
        assert pane.scroll_y == 0
        await keys(pilot, *"x")
        assert app.focused is app.screen.query_one("#search", Input)
        assert app.screen.query_one("#search", Input).value == "jzzx"

    browse(desk, script, query="jzz", size=(80, 24))


def test_f7_saves_the_guide_slip_where_no_printer_is_set(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, *"jzz", "f7")
        line = said(app)
        slips = sorted(desk.documents_dir.glob("guide-JZZ-*.pdf"))
        assert len(slips) == 1 and slips[0].name in line and line.startswith("文书已保存")
        text = pdf_text(slips[0])
        assert CENTRE in text and "办理流程" in text and "首次申领免收证件工本费" in text
        await keys(pilot, *"x")
        assert said(app) == ""  # a new search: the line goes

    assert browse(desk, script) == NO_RESULT


def test_f7_prints_where_a_printer_is_set(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[list[str]] = []

    def fake_run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        sent.append(list(args))
        return subprocess.CompletedProcess(args, 0, "request id is w1-1", "")

    monkeypatch.setattr("subprocess.run", fake_run)
    desk.set_policy(printer="window-1")

    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, "f7")
        assert said(app).startswith("Sent to the printer (guide-JZZ-")
        assert sent and "window-1" in sent[0] and sent[0][-1].endswith(".pdf")

    browse(desk, script, lang="en", query="jzz")


def test_a_matter_without_a_guide_is_refused_on_the_line(desk: Desk) -> None:
    desk.add_matter("T3", "测试事项", limit_days=3, documents=["申请表"])

    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, "f7")
        assert "测试事项" in said(app) and "F11" in said(app)
        assert "所需材料" in guide(app) and "办理流程" not in guide(app)  # its documents, no more
        assert not list(desk.documents_dir.glob("guide-T3-*"))

    browse(desk, script, query="t3")


def test_ctrl_s_takes_the_matter_back_for_the_visitor(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, *"养老", "down", "ctrl+s")
        assert not isinstance(app.screen, GuidesScreen)

    assert browse(desk, script) == ["SZBZ"]


@pytest.mark.parametrize("reading", [(), ("enter",)], ids=["typing", "reading"])
def test_escape_goes_back_with_nothing(desk: Desk, reading: tuple[str, ...]) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, *"jzz", *reading, "escape")
        assert not isinstance(app.screen, GuidesScreen)

    assert browse(desk, script) == [None]


def test_nothing_found_says_so_and_the_keys_do_nothing(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        await keys(pilot, *"qqq")
        assert listed(app) == [] and guide(app) == ""
        assert "qqq" in said(app, "#none-found")
        await keys(pilot, "f7", "ctrl+s", "enter")
        assert isinstance(app.screen, GuidesScreen) and said(app) == ""
        assert not list(desk.documents_dir.glob("guide-*"))
        await keys(pilot, "backspace", "backspace", "backspace")
        assert said(app, "#none-found") == "" and len(listed(app)) == len(desk.matters())

    assert browse(desk, script, lang="en") == NO_RESULT


def test_typed_text_is_shown_as_typed_never_as_markup(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        app.screen.query_one("#search", Input).value = "[bold red]x[/]"
        await pilot.pause()
        assert "[bold red]x[/]" in said(app, "#none-found")
        assert "[bold red]x[/]" in screen_text(app)

    browse(desk, script, lang="en")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_browser_is_usable_small_and_large(desk: Desk, size: tuple[int, int], lang: str) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        await pilot.pause()
        drawn = screen_text(app, size)
        lines = drawn.splitlines()
        assert "居住证申领" in lines[4]  # the list's first line, and the guide's title beside it
        assert lines[4].count("居住证申领") == 2, lines[4]
        assert "JZZ" in lines[4] and ("办理时限" if lang == "zh" else "Time limit") in drawn
        assert i18n.t("guide.browser.key.print", lang) in lines[size[1] - 1]  # the key bar
        assert i18n.t("guide.browser.key.choose", lang) in lines[size[1] - 1]
        await keys(pilot, "enter", "pagedown")  # reads on without a fault
        assert app.screen.query_one("#guide-pane", VerticalScroll).scroll_y > 0

    browse(desk, script, lang=lang, query="jzz", size=size)


def test_list_lines_are_cut_in_cells_to_the_list(desk: Desk) -> None:
    async def script(pilot: Any, app: DeskApp) -> None:
        options = app.screen.query_one("#matters", OptionList)
        room = options.scrollable_content_region.width
        for index in range(options.option_count):
            prompt = options.get_option_at_index(index).prompt
            assert prompt.cell_len <= room, prompt  # type: ignore[union-attr]
        first = options.get_option_at_index(0).prompt
        assert first.plain.startswith("CJBT") and "…" in first.plain  # type: ignore[union-attr]

    browse(desk, script, size=(80, 24))


def test_snapshot_guide_browser(snap_compare: Any, desk: Desk) -> None:
    async def browsed(pilot: Any) -> None:
        pilot.app.push_screen(GuidesScreen(desk, pilot.app.clerk))
        await pilot.pause()
        pilot.app.screen.query_one("#search", Input).cursor_blink = False
        await pilot.press(*"养老", "down")
        await pilot.pause()

    i18n.set_language("zh")
    assert snap_compare(make_app(desk, user="w01", lang="zh"), terminal_size=SIZE, run_before=browsed)
