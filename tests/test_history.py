"""A case's history (Enter on a follow-up row) shows every note and rule text whole: wrapped, never cut, at the
smallest window a clerk works in (80×24) and at the usual one (120×40), in both languages."""

import asyncio

import pytest
from conftest import CLERKS
from rich.cells import cell_len
from textual.app import App
from textual.widgets import DataTable

from firstask import i18n
from firstask.desk import Desk
from firstask.screens.history import HistoryScreen, as_typed

LONG_NOTE = (
    "已联系区人力社保局核实申请人的参保记录，对方答复需要三个工作日出具书面证明，"
    "证明出具后由窗口电话通知申请人携带身份证原件到窗口领取 (ref. HR-2026-1123-0042)"
)
FORBIDDEN = "这个我不知道，你去问别人吧"


@pytest.fixture
def desk(make_desk) -> Desk:
    return make_desk(*CLERKS)


@pytest.fixture
def case_no(desk) -> str:
    no = desk.check_in("w01", visitor_name="张a三b", summary="申请办理残疾人证", kind="application", matter="CJZ").no
    desk.accept(no, "w01", materials=[(name, 1) for name in desk.case(no).matter_info.required()])
    desk.feedback(no, "w01", LONG_NOTE)
    desk.feedback(no, "w01", FORBIDDEN)  # LANG-1: recorded with its rule text
    return no


class Host(App[None]):
    def __init__(self, screen: HistoryScreen) -> None:
        super().__init__()
        self.history = screen

    def on_mount(self) -> None:
        self.push_screen(self.history)


def shown_rows(screen: HistoryScreen) -> tuple[list[list[str]], dict[str, int]]:
    table = screen.query_one("#events", DataTable)
    widths = {str(column.key.value): column.width for column in table.columns.values()}
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)], widths


def flat(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_long_notes_and_rule_texts_wrap_within_their_columns_and_lose_nothing(desk, case_no, size, lang):
    i18n.set_language(lang)
    lang1 = [v for v in desk.violations(case_no=case_no) if v.rule == "LANG-1"]
    assert lang1, "the forbidden phrase was flagged"
    screen = HistoryScreen(desk, case_no)
    app = Host(screen)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            rows, widths = shown_rows(screen)
            table = screen.query_one("#events", DataTable)
            # Every line of every cell fits its column, and the columns fit the table: nothing is cut.
            for row in rows:
                for text, column in zip(row, ("at", "by", "action", "detail", "rules"), strict=True):
                    assert all(cell_len(line) <= widths[column] for line in text.split("\n")), (column, text)
            padding = 2 * table.cell_padding * len(widths)
            assert sum(widths.values()) + padding <= table.content_region.width
            assert table.virtual_size.width <= table.content_region.width  # no sideways scrolling
            note_row, lang_row = rows[-2], rows[-1]
            assert flat(LONG_NOTE) in flat(note_row[3])
            assert note_row[3].count("\n") >= 1  # wrapped, on more than one line
            assert flat(FORBIDDEN) in flat(lang_row[3])
            rule_text = "LANG-1: " + i18n.t(lang1[0].detail["key"], lang, **lang1[0].detail.get("params", {}))
            assert flat(rule_text) in flat(lang_row[4])
            # The row is as tall as its longest cell.
            assert table.rows[table.coordinate_to_cell_key((len(rows) - 2, 0)).row_key].height == max(
                text.count("\n") + 1 for text in note_row
            )

    asyncio.run(main())


def test_the_table_is_laid_out_again_when_the_window_changes_size(desk, case_no):
    i18n.set_language("zh")
    screen = HistoryScreen(desk, case_no)
    app = Host(screen)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            wide = shown_rows(screen)[1]["detail"]
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            rows, widths = shown_rows(screen)
            assert widths["detail"] < wide
            assert all(cell_len(line) <= widths["detail"] for line in rows[-2][3].split("\n"))

    asyncio.run(main())


def test_a_note_keeps_its_lines_and_its_full_width_spaces():
    assert as_typed("  第一行   a \t b\n\n张三\u3000李四  ") == "第一行 a b\n张三\u3000李四"
