"""One start-up, measured in a process of its own (so that its peak memory is its own): `python -m bench.startup
desk DB NOW` launches the desk headless (Textual's run_test) logged in as w01 and opens the follow-up screen (F8);
`python -m bench.startup bare` launches a bare Textual app with a header, an input, a data table and a footer.
Either prints one JSON line: the seconds from this module's first line (before Textual is imported) until the
screen is ready, and the process's peak resident memory.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from datetime import datetime  # noqa: E402
from typing import Any  # noqa: E402

SIZE = (160, 50)
USER = "w01"


async def until(condition: Any, pilot: Any, limit: float = 120.0) -> None:
    began = time.perf_counter()
    while not condition():
        if time.perf_counter() - began > limit:
            raise SystemExit("the screen never became ready")
        await pilot.pause(0.005)


def bare() -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header, Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Input(placeholder="search")
            yield DataTable(id="table")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("no", "status", "due", "visitor", "summary")
            for i in range(20):
                table.add_row(f"20261120-{i:04d}", "open", "2026-11-27", "张三", "咨询办事流程")

    app = Bare()
    ready = 0.0

    async def run() -> None:
        nonlocal ready
        async with app.run_test(size=SIZE) as pilot:
            await until(lambda: app.query_one(DataTable).row_count == 20, pilot)
            await pilot.pause()
            ready = time.perf_counter() - T0

    asyncio.run(run())
    return ready


def desk(db: str, now: str) -> float:
    from textual import events

    from firstask.app import make_app
    from firstask.desk import Desk
    from firstask.screens.follow_up import FollowUpScreen

    moment = datetime.fromisoformat(now)
    the_desk = Desk.open(db, clock=lambda: moment)
    app = make_app(the_desk, user=USER, lang="zh")
    ready = 0.0

    def follow_up_ready() -> bool:
        screen = app.screen
        if not isinstance(screen, FollowUpScreen) or not screen.is_mounted:
            return False
        table = screen.table
        return (
            screen.section == "mine"
            and table.row_count == len(screen.sections["mine"])
            and screen.sections["mine"] != []
        )

    async def run() -> None:
        nonlocal ready
        async with app.run_test(size=SIZE) as pilot:
            # F8 as the terminal sends it. Not `pilot.press`, which after each key also waits until the process
            # looks idle (wall clock against CPU time): on a shared machine that waits on other people's work, and
            # the bare app, which presses nothing, would not pay it.
            key = events.Key("f8", None)
            key.set_sender(app)
            assert app._driver is not None
            app._driver.send_message(key)
            await until(follow_up_ready, pilot)
            await pilot.pause()
            ready = time.perf_counter() - T0

    asyncio.run(run())
    the_desk.close()
    return ready


def main(argv: list[str]) -> None:
    seconds = bare() if argv[0] == "bare" else desk(argv[1], argv[2])
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main(sys.argv[1:])
