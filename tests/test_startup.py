"""What the desk does, and does not do, between launch and the clerk's lists, checked without a clock (issue 9:
start-up is measured in bench/, never timed here): which libraries are imported, how often the lists are read, and
that a new screen does not make Textual parse and apply every style sheet again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PAIR
from conftest import run_app as run

from firstask.app import make_app
from firstask.desk import Desk
from firstask.screens.check_in import CheckInScreen
from firstask.screens.follow_up import FollowUpScreen

ROOT = Path(__file__).resolve().parent.parent

# Libraries that cost a start-up dearly and that nothing on the way to the clerk's lists needs: the calendar comes
# from data/calendar-cn.json, migrations (sqlite-utils) only run on an old file, names' initials (pypinyin) are
# computed when a name is written, documents (reportlab) and exports (openpyxl) when asked for, phone and ID
# checks when a form is checked, dialogs when opened.
NOT_AT_START = (
    "holidays",
    "sqlite_utils",
    "pypinyin",
    "reportlab",
    "openpyxl",
    "phonenumbers",
    "stdnum",
    "firstask.screens.dialog",
    "firstask.screens.notice",
    "firstask.screens.accept",
    "firstask.screens.hand_off",
    "firstask.screens.history",
    "firstask.screens.summary",
    "firstask.export",
)

CHILD = """
import asyncio, json, sys
from datetime import datetime
import firstask.app
from firstask.app import make_app
from firstask.desk import Desk
# What the way itself imports: the warm-up after log-in loads the heavy libraries on purpose, on its own clock
# (tests/test_warm_and_hold.py), and on a slow machine it would come before the lists do.
firstask.app.WARM_SECONDS = firstask.app.FIRST_SCAN_SECONDS = 3600.0
desk = Desk.open(sys.argv[1], clock=lambda: datetime(2026, 11, 23, 9, 30))
app = make_app(desk, user="w01", lang="zh")
async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        assert type(app.screen).__name__ == "FollowUpScreen", app.screen
asyncio.run(main())
print(json.dumps(sorted(sys.modules)))
"""


@pytest.fixture
def desk(make_desk) -> Desk:
    desk = make_desk(*PAIR)
    no = desk.check_in(
        "w01", visitor_name="张三", phone="13812345678", summary="申领居住证", kind="application", matter="JZZ"
    ).no
    desk.accept(no, "w01", materials=[(name, 1) for name in desk.case(no).matter_info.required()])
    return desk


def test_the_way_to_the_clerks_lists_imports_none_of_the_heavy_libraries(desk, tmp_path):
    (tmp_path / "desk-backups").mkdir()
    (tmp_path / "desk-backups" / "daily-20261123.db").touch()  # today's backup is made: no copy in a thread
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(desk.store.path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "firstask.screens.follow_up" in imported  # the child did reach the lists
    assert [name for name in NOT_AT_START if name in imported] == []


def test_the_lists_are_read_once_when_the_follow_up_screen_first_shows(desk, monkeypatch):
    reads: list[str] = []
    original = Desk.my_cases
    monkeypatch.setattr(Desk, "my_cases", lambda self, code: reads.append(code) or original(self, code))
    app = make_app(desk, user="w01")
    # Counted: what showing the screen reads. The live refresh (another window's commit, the minute's scan and the
    # news after it) reads the lists too, on its own clock, whenever a busy machine lets its timers fire meanwhile.
    monkeypatch.setattr(app, "desk_changed", lambda: None)

    async def script(pilot) -> None:
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpScreen)
        assert reads == ["w01"]
        await pilot.press("f1", "f8")  # back and forth, nothing written: the lists as they were
        await pilot.pause()
        assert reads == ["w01"]
        desk.feedback(app.screen.lines[0].no, "w01", "材料已送审")  # written (as by this window): read again
        await pilot.press("f1", "f8")
        await pilot.pause()
        assert reads == ["w01", "w01"]

    run(app, script)


def test_a_new_screen_does_not_refresh_every_style_sheet(desk, monkeypatch):
    app = make_app(desk, user="w01")
    refreshed: list[str] = []

    async def script(pilot) -> None:
        monkeypatch.setattr(app, "refresh_css", lambda animate=True: refreshed.append(type(app.screen).__name__))
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        assert refreshed == []
        # The screens are styled all the same: the follow-up's own style sheet applies to its parts.
        await pilot.press("f8")
        await pilot.pause()
        assert app.screen.query_one("#whoami").styles.text_style.bold

    run(app, script)
