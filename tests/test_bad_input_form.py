"""The check-in form with awkward input, as a clerk would paste it: each value is either stored exactly and shown
literally, or refused with a message on screen and nothing written; the window never falls over."""

from __future__ import annotations

import asyncio

from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Static

from firstask.app import make_app
from firstask.desk import Desk
from firstask.screens.check_in import CheckInScreen

AWKWARD = [
    "[bold]张三[/bold]",
    "[link=http://x]y[/link]",
    "\x1b[31m红\x1b[0m",
    "a\x00b",
    "🙂👨‍👩‍👧 Ünïcødé",
    "'; DROP TABLE cases; --",
    "{no} {by}",
    "\u202eabc",
    "x" * 100_000,
    "   ",
    "Ω≈ç√ 张三 ﷽",
    "line\nbreak",
    "\t",
    "[/]",
]
typed = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=40))


def shown(widget: Static) -> str:
    return str(widget.render())


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=typed,
    summary=typed,
    phone=st.one_of(
        st.sampled_from(["13800138000", "1380013800", "＋86 138 0013 8000", "０２１-１２３４５６７８", "abc"]), typed
    ),
)
def test_awkward_form_input_is_stored_exactly_or_refused_on_screen(tmp_path_factory, name, summary, phone):
    path = tmp_path_factory.mktemp("form") / "desk.db"
    desk = Desk.open(path, clock=lambda: NOW)
    desk.load_defaults()
    desk.add_staff("w01", "王芳", pin="101010")
    app = make_app(desk, user="w01", lang="en")
    outcome: dict[str, object] = {}

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CheckInScreen)
            screen.query_one("#visitor_name", Input).value = name
            screen.query_one("#phone", Input).value = phone
            screen.query_one("#summary", Input).value = summary
            await pilot.press("ctrl+s")
            await pilot.pause()
            outcome["case"] = screen.case
            outcome["message"] = shown(screen.query_one("#message", Static))
            outcome["summary_field"] = screen.query_one("#summary", Input).value

    try:
        asyncio.run(main())
        cases = desk.store.scalar("SELECT count(*) FROM cases")
        case = outcome["case"]
        assert outcome["message"], "the clerk is always told what happened"
        assert "Traceback" not in str(outcome["message"])
        if case is None:
            assert cases == 0, "a refused check-in wrote something"
            assert outcome["summary_field"] == summary, "a refusal keeps what was typed"
        else:
            stored = desk.case(case.no)  # type: ignore[attr-defined]
            assert cases == 1
            assert stored.summary == summary.strip()
            assert stored.visitor_name == (name.strip() or None)
    finally:
        desk.close()
