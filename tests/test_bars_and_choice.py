"""The one-widget pieces the clerk's screens are built from, driven as a clerk would: the key bar at the foot of each
screen, the follow-up screen's section bar, the channel and kind choices on the check-in form, and the reasons that
appear under the form's lines. Each test checks what the screen shows and, where something is acted on, the desk.
"""

from __future__ import annotations

import pytest
from conftest import PAIR, accepted
from conftest import run_app as run
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from firstask import i18n
from firstask.app import DeskApp, make_app
from firstask.desk import Desk
from firstask.screens.check_in import CheckInScreen
from firstask.screens.follow_up import FollowUpScreen
from firstask.widgets.choice import Choice, ChoiceList
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.section_bar import SectionBar


@pytest.fixture
def desk(make_desk) -> Desk:
    return make_desk(*PAIR)


def bar_text(screen: Screen[object]) -> str:
    return screen.query_one(KeyBar).render().plain


def place_of(bar: KeyBar, key: str) -> int:
    bar.render()
    return next(start for start, _end, shown in bar.places if shown.key == key) + 1


# --- the key bar ---------------------------------------------------------------------------------------------


def test_the_key_bar_shows_the_keys_that_can_act_now_and_follows_them(desk):
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        text = bar_text(app.screen)
        assert "^s 登记" in text and "f8 跟踪" in text and "f12 锁屏" in text
        assert "f3" not in text  # no case yet: the notice key is hidden, as Textual's Footer hides it
        assert text.rstrip().endswith("▏^p 命令")  # the command palette's key on the right
        await pilot.click("#visitor_name")
        await pilot.press(*"张三")
        await pilot.click("#summary")
        await pilot.press(*"咨询", "enter")
        await pilot.pause()
        assert desk.store.scalar("SELECT count(*) FROM cases") == 1
        text = bar_text(app.screen)
        assert "f2 " in text and "f3 " in text  # a case now: its actions are offered
        assert "^s 登记" not in text

    run(app, script)


def test_the_key_bar_lists_what_textual_would_list(desk):
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        expected = []
        for _node, binding, _enabled, _tip in screen.active_bindings.values():
            if (
                binding.show
                and binding.key != app.COMMAND_PALETTE_BINDING
                and binding.action not in [b.action for b in expected]
            ):
                expected.append(binding)
        assert [key.words for key in screen.query_one(KeyBar).keys] == [b.description for b in expected]

    run(app, script)


def test_clicking_a_key_on_the_bar_presses_it(desk):
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        bar = app.screen.query_one(KeyBar)
        await pilot.click(KeyBar, offset=(place_of(bar, "f8"), 0))
        await pilot.pause()
        assert isinstance(app.screen, FollowUpScreen)

    run(app, script)


def test_hovering_a_key_shows_its_tooltip(desk):
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        bar = app.screen.query_one(KeyBar)
        await pilot.hover(KeyBar, offset=(place_of(bar, "f12"), 0))
        assert bar.tooltip == i18n.t("app.key.lock_tip", "en")
        local = [end for _start, end, key in bar.places if not key.app_wide and key is not bar.palette]
        await pilot.hover(KeyBar, offset=(local[-1] + 2, 0))  # between the window's keys and the app's: nothing
        assert bar.tooltip is None

    run(app, script)


class Keys(App[None]):
    """A bare app with a key that is shown but cannot act now (dimmed) and one that can."""

    BINDINGS = [Binding("x", "tick", "Tick"), Binding("y", "never", "Never")]

    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeyBar()

    def action_tick(self) -> None:
        self.ticks += 1

    def action_never(self) -> None:
        raise AssertionError("a disabled key acted")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "never" else True


def test_a_key_that_cannot_act_now_is_dimmed_and_a_click_on_it_only_rings():
    app = Keys()

    async def script(pilot) -> None:
        bar = app.screen.query_one(KeyBar)
        never = next(key for key in bar.keys if key.key == "y")
        assert not never.enabled
        text = bar.render()
        start = text.plain.index("y Never")
        assert any(span.start <= start < span.end and "dim" in str(span.style) for span in text.spans)
        await pilot.click(KeyBar, offset=(place_of(bar, "y"), 0))
        await pilot.click(KeyBar, offset=(place_of(bar, "x"), 0))
        await pilot.pause()
        assert app.ticks == 1

    run(app, script)


# --- the section bar -----------------------------------------------------------------------------------------


def test_the_section_bar_counts_each_section_and_marks_the_chosen_one(desk):
    accepted(desk, "w01", "张三")
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        await pilot.press("f8")
        await pilot.pause()
        bar = app.screen.query_one(SectionBar)
        text = bar.render()
        labels, rule = text.plain.split("\n")
        assert labels.split() == ["1", "等我签收（0）", "2", "我的在办（1）", "3", "我首问的（0）", "4", "回访（0）"]
        mine = labels.index("2 我的在办")
        under = cell_len(labels[:mine])  # the rule is drawn in cells; a Chinese character takes two
        assert rule[under] == "━" and rule[0] == "─"  # the rule marks the chosen section
        assert any(span.start <= mine < span.end and "bold" in str(span.style) for span in text.spans)

    run(app, script)


def test_clicking_a_section_shows_it_and_each_section_keeps_its_cursor(desk):
    first, second = accepted(desk, "w01", "张三"), accepted(desk, "w01", "李四")
    tracked = accepted(desk, "w01", "王五")
    desk.hand_off(tracked, "w01", "w02", "转李强办理")
    desk.accept_handoff(tracked, "w02")
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowUpScreen)
        table = screen.table
        assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == [first, second]
        await pilot.press("down")
        await pilot.pause()
        bar = screen.query_one(SectionBar)
        bar.render()
        x = next(start for start, _end, name in bar.places if name == "tracking")
        await pilot.click(SectionBar, offset=(x + 2, 0))
        await pilot.pause()
        assert screen.section == "tracking"
        table = screen.table  # each section its own table
        assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == [tracked]
        await pilot.press("2")
        await pilot.pause()
        assert screen.case_under_cursor() == second  # back where the clerk left the section

    run(app, script)


def test_an_empty_section_says_so_in_the_clerks_words(desk):
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        await pilot.press("f8", "1")
        await pilot.pause()
        screen = app.screen
        assert not screen.table.display
        empty = screen.query_one("#empty", Static)
        assert empty.display and empty.render().plain == i18n.t("follow.section.waiting_empty", "en")

    run(app, script)


# --- the choices on the check-in form --------------------------------------------------------------------------


def test_left_and_right_step_through_the_kinds_and_the_form_follows(desk):
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        kind = app.screen.query_one("#kind", Choice)
        kind.focus()
        await pilot.pause()
        assert kind.value == "enquiry" and "咨询" in kind.render().plain
        await pilot.press("right", "right")
        await pilot.pause()
        assert kind.value == "complaint"
        assert app.screen.query_one("#about_staff-field").display  # a complaint asks about whom
        await pilot.press("left", "left", "left")
        await pilot.pause()
        assert kind.value == "suggestion"  # round the end
        assert not app.screen.query_one("#about_staff-field").display

    run(app, script)


def test_enter_opens_the_list_and_a_pick_sets_the_channel(desk):
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        channel = app.screen.query_one("#channel", Choice)
        channel.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceList)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        assert channel.value == "letter" and app.screen.focused is channel
        # A letter needs a phone or an address (REG-1): the form says so at once, under the phone's line.
        assert "phone-reason" in [w.id for w in app.screen.query(".reason") if w.display]
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert channel.value == "letter"  # Escape leaves the list and changes nothing

    run(app, script)


def test_a_click_opens_the_list_and_a_click_picks(desk):
    app = make_app(desk, user="w01", lang="zh")

    async def script(pilot) -> None:
        await pilot.click("#kind")
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, ChoiceList)
        await pilot.click("OptionList", offset=(3, 2))  # the second option, under the list's top border
        await pilot.pause()
        assert app.screen.query_one("#kind", Choice).value == "application"

    run(app, script)


def test_a_choice_refuses_a_value_it_does_not_offer():
    choice = Choice([("来访", "visit"), ("来电", "phone")], "visit")
    with pytest.raises(ValueError):
        choice.value = "fax"
    with pytest.raises(ValueError):
        Choice([("来访", "visit")], "fax")
    with pytest.raises(ValueError):
        Choice([], "visit")


def test_the_choice_draws_its_words_literally():
    choice = Choice([("[bold]x[/]", "a")], "a")
    assert choice.render().plain.startswith("[bold]x[/]")


# --- reasons under the form's lines ------------------------------------------------------------------------------


def reasons(app: DeskApp) -> list[str]:
    """The reason lines shown, in their order on the form."""
    form = app.screen.query_one("#form")
    return [w.id or "" for w in form.children if "reason" in w.classes and w.display]


def test_reasons_appear_under_their_line_in_the_order_of_the_fields(desk):
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        assert reasons(app) == []  # nobody refused: no reason lines at all
        await pilot.click("#id_number")
        await pilot.press(*"110105194912310021")  # a wrong check digit
        await pilot.click("#phone")
        await pilot.press(*"12345")
        await pilot.pause()
        assert reasons(app) == ["phone-reason", "id_number-reason"]
        form = list(app.screen.query_one("#form").children)
        ids = [w.id for w in form]
        assert ids.index("phone-reason") == ids.index("person-row") + 1
        assert ids.index("id_number-reason") == ids.index("ids-row") + 1
        await pilot.click("#phone")
        await pilot.press("end", *["backspace"] * 5)
        await pilot.pause()
        assert reasons(app) == ["id_number-reason"]  # mended: the reason goes, and takes no room

    run(app, script)


def test_a_refusal_keeps_the_form_and_says_why_under_the_field(desk):
    app = make_app(desk, user="w01", lang="en")

    async def script(pilot) -> None:
        await pilot.click("#visitor_name")
        await pilot.press(*"张三")
        await pilot.press("ctrl+s")  # no summary
        await pilot.pause()
        assert "summary-reason" in reasons(app)
        assert app.screen.query_one("#visitor_name", Input).value == "张三"
        assert app.screen.focused is app.screen.query_one("#summary")
        assert desk.store.scalar("SELECT count(*) FROM cases") == 0

    run(app, script)
