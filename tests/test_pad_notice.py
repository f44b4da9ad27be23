"""The clerk's screen says what became of the pad's request (issue 20): the visitor's rating arrived (a bad one as an
alarm), or none came. The pad's tap is written by another connection (the hall's server), which the window sees as
any other window's write (`watch_file`, called here instead of waiting for its tick)."""

from __future__ import annotations

import time

import pytest
from conftest import CLERK_AND_SUPERVISOR, Clock, run_app, with_pins

from firstask.app import make_app
from firstask.desk import Desk


@pytest.fixture
def desk(make_desk, clock: Clock) -> Desk:  # type: ignore[no-untyped-def]
    desk = make_desk(*with_pins(*CLERK_AND_SUPERVISOR), clock=clock)
    desk.register_window(3, "3号窗口", by="s01")
    desk.enrol(desk.register_pad(3, by="s01"))
    return desk


def toasts(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


def heard(app) -> None:  # type: ignore[no-untyped-def]
    """Until the window's desk has heard of the other connection's commit: at once on a file; on PostgreSQL its
    notification comes a moment after the commit (a window's next tick would hear it), so briefly waited for."""
    deadline = time.monotonic() + 5
    while app.desk.changed() == app.data_version and time.monotonic() < deadline:
        time.sleep(0.01)


def test_the_clerk_is_told_the_rating_arrived_or_that_none_came(desk: Desk, clock: Clock) -> None:
    app = make_app(desk, user="w01", lang="zh", window=3)
    server = Desk.open(desk.store.path, clock=clock)  # the hall's server: the pad's taps, its requests' expiry

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        first = desk.check_in("w01", visitor_name="张三", summary="咨询")
        desk.answer(first.no, "w01", "已答复")
        request = server.pad_state(3)["request"]
        server.rate_request(request["id"], 2, reasons=["办事效率"], window=3)
        heard(app)
        app.watch_file()
        await pilot.pause()
        assert any(f"案件 {first.no}：不满意" in words for words in toasts(app))
        second = desk.check_in("w01", visitor_name="李四", summary="咨询")
        desk.answer(second.no, "w01", "已答复")
        clock.advance(minutes=4)
        server.pad_state(3)  # the pad asks again: the request has expired
        heard(app)
        app.watch_file()
        await pilot.pause()
        assert any(f"案件 {second.no} 的服务对象没有在评价器上评价" in words for words in toasts(app))
        told = len(toasts(app))
        app.watch_file()
        await pilot.pause()
        assert len(toasts(app)) == told  # each told once

    run_app(app, script)
    server.close()


def test_requests_before_the_desk_started_are_not_news(desk: Desk, clock: Clock) -> None:
    case = desk.check_in("w01", visitor_name="张三", summary="咨询")
    desk.window = "3"
    desk.answer(case.no, "w01", "已答复")
    clock.advance(minutes=5)
    desk.expire_requests()
    app = make_app(desk, user="w01", lang="zh", window=3)

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        app.desk_changed()
        await app.behind.caught_up()  # whatever it would tell has been read
        await pilot.pause()
        assert not any("评价器" in words for words in toasts(app))

    run_app(app, script)
