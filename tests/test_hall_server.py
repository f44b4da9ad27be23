"""The hall's server without a browser (issue 19): who gets a page and who gets a desk process, the enrolment
cookie, the Origin check, the caps, every asset from the server itself. The real browser is tests/test_hall_browser.py.
Each test runs the aiohttp application in-process on a real loopback socket (aiohttp's test server)."""

from __future__ import annotations

import asyncio
import gc
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer
from conftest import furnish

from firstask.desk import Desk
from firstask.serve import COOKIE, HallServer
from firstask.serve.desk_process import DeskProcess, desk_argv
from firstask.serve.pages import DESK_FONTS


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "hall.db"
    with Desk.open(path) as desk:
        furnish(desk)
    return path


def code_for(db: Path, number: int) -> str:
    with Desk.open(db, create=False) as desk:
        return desk.register_window(number, f"{number}号窗口", by="s01")


def refusals(db: Path) -> list[dict[str, Any]]:
    with Desk.open(db, create=False) as desk:
        rows = desk.store.all("SELECT detail FROM events WHERE action = 'refuse_connection' ORDER BY seq")
    return [json.loads(r["detail"]) for r in rows]


def run(db: Path, test: Callable[[TestClient[Any, Any], HallServer], Awaitable[None]], **options: Any) -> None:
    async def main() -> None:
        server = HallServer(db, "zh", host="127.0.0.1", port=0, **options)
        client = TestClient(TestServer(server.application()))
        await client.start_server()
        try:
            await test(client, server)
        finally:
            await client.close()
            gc.collect()  # the desk processes' pipes closed while their loop still runs (else a warning at exit)

    asyncio.run(main())


async def enrol(client: TestClient[Any, Any], code: str) -> str:
    response = await client.post("/enrol", data={"code": code})
    assert response.status == 200, await response.text()
    return str(response.cookies[COOKIE].value)


def test_an_unenrolled_browser_gets_a_plain_page_no_desk_and_a_record(db: Path) -> None:
    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        page = await client.get("/")
        assert page.status == 403
        text = await page.text()
        assert "这台电脑还不是登记的窗口" in text and 'href="/enrol"' in text and "/ws" not in text
        with pytest.raises(WSServerHandshakeError) as refused:
            await client.ws_connect("/ws", headers={"Origin": str(client.make_url("")).rstrip("/")})
        assert refused.value.status == 403
        assert server.open == {}

    run(db, test)
    assert [r["reason"] for r in refusals(db)] == ["not_enrolled"]  # the same place twice in a minute: one record


def test_enrolling_sets_a_strict_http_only_cookie_naming_the_window(db: Path) -> None:
    code = code_for(db, 3)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        form = await client.get("/enrol")
        assert 'name="code"' in await form.text()
        response = await client.post("/enrol", data={"code": code.lower()})
        assert response.status == 200
        assert "3 号窗口" in await response.text()
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would never come back
        page = await client.get("/")
        assert page.status == 200
        text = await page.text()
        websocket = re.search(r'data-session-websocket-url="([^"]+)"', text)
        assert websocket is not None and websocket.group(1) == f"ws://127.0.0.1:{client.port}/ws"

    run(db, test)


def test_a_wrong_code_says_so_and_too_many_tries_wait(db: Path) -> None:
    code_for(db, 1)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        for _ in range(10):
            wrong = await client.post("/enrol", data={"code": "AAAA-AAAA"})
            assert wrong.status == 400 and "注册码不对" in await wrong.text()
            assert COOKIE not in wrong.cookies
        waiting = await client.post("/enrol", data={"code": "AAAA-AAAA"})
        assert waiting.status == 429 and "尝试次数过多" in await waiting.text()

    run(db, test)


def test_a_foreign_origin_is_refused_before_any_desk_starts(db: Path) -> None:
    code = code_for(db, 2)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        await enrol(client, code)
        for origin in ("http://evil.example", "null", f"http://localhost:{client.port}"):
            with pytest.raises(WSServerHandshakeError) as refused:
                await client.ws_connect("/ws", headers={"Origin": origin})
            assert refused.value.status == 403
        with pytest.raises(WSServerHandshakeError):
            await client.ws_connect("/ws")  # no Origin at all
        foreign_form = await client.post("/enrol", data={"code": "X"}, headers={"Origin": "http://evil.example"})
        assert foreign_form.status == 403
        assert server.open == {}

    run(db, test)
    assert "foreign_origin" in [r["reason"] for r in refusals(db)]


def test_a_revoked_window_is_turned_away_at_its_next_connection(db: Path) -> None:
    code = code_for(db, 4)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        await enrol(client, code)
        assert (await client.get("/")).status == 200
        with Desk.open(db, create=False) as desk:
            desk.revoke_window(4, by="s01")
        page = await client.get("/")
        assert page.status == 403 and "本窗口已被撤销" in await page.text()

    run(db, test)
    assert [r["reason"] for r in refusals(db)] == ["revoked"]


def test_the_caps_turn_the_next_desk_away_with_a_page(db: Path) -> None:
    code = code_for(db, 5)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        await enrol(client, code)
        with Desk.open(db, create=False) as desk:
            per_window = desk.policy.hall_desks_per_window
        fake = [object() for _ in range(per_window)]
        for n, _ in enumerate(fake):  # desks already open at window 5 (their processes are not needed here)
            server.open[f"d{n}"] = type("Open", (), {"window": 5})()  # type: ignore[assignment]
        page = await client.get("/")
        assert page.status == 503 and "本窗口打开的服务台已满" in await page.text()
        with pytest.raises(WSServerHandshakeError) as full:
            await client.ws_connect("/ws", headers={"Origin": str(client.make_url("")).rstrip("/")})
        assert full.value.status == 503
        server.open.clear()

    run(db, test)


def test_every_asset_comes_from_the_server_and_names_chinese_fonts(db: Path) -> None:
    code = code_for(db, 6)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        await enrol(client, code)
        text = await (await client.get("/")).text()
        assert not re.search(r"(src|href)=\"https?://", text), "the page loads nothing from elsewhere"
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', text)
        for asset in [*assets, "/static/fonts/RobotoMono-VariableFont_wght.ttf"]:
            assert (await client.get(asset)).status == 200, asset
        script = await (await client.get("/static/js/textual.js")).text()
        assert DESK_FONTS in script and "NSimSun" in DESK_FONTS and "WenQuanYi Micro Hei Mono" in DESK_FONTS
        headers = (await client.get("/enrol")).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"

    run(db, test)


def test_public_url_decides_the_origin_and_the_websockets_scheme(db: Path) -> None:
    code = code_for(db, 7)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        response = await client.post("/enrol", data={"code": code}, headers={"Origin": "https://hall.example"})
        assert "Secure" in response.headers["Set-Cookie"]
        token = response.cookies[COOKIE].value
        page = await client.get("/", cookies={COOKIE: token})
        assert 'data-session-websocket-url="wss://hall.example/ws"' in await page.text()

    run(db, test, public_url="https://hall.example/")


def test_a_tab_runs_this_desk_on_this_file_for_its_window_without_a_shell(db: Path) -> None:
    argv = desk_argv(db, "en", 12)
    assert argv[1:] == ["-P", "-m", "firstask", "--db", str(db.resolve()), "--lang", "en", "--window", "12"]

    async def noop(*_: Any) -> None:
        return None

    process = DeskProcess(argv, write_bytes=noop, write_str=noop, close=noop, download_manager=None)  # type: ignore[arg-type]
    environment = process._build_environment()
    assert environment["FIRSTASK_SERVED"] == "1" and "FIRSTASK_PIN" not in environment


def test_a_real_desk_process_starts_for_an_enrolled_window_and_ends_with_its_socket(db: Path) -> None:
    code = code_for(db, 8)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        token = await enrol(client, code)
        origin = str(client.make_url("")).rstrip("/")
        async with ClientSession(cookies={COOKIE: token}) as session:
            socket = await session.ws_connect(client.make_url("/ws?width=100&height=30"), headers={"Origin": origin})
            first = await asyncio.wait_for(socket.receive(), timeout=60)  # a real process starting: bounded
            assert first.type.name in ("BINARY", "TEXT")
            assert [d.window for d in server.open.values()] == [8]
            (open_desk,) = server.open.values()
            assert open_desk.process.argv[-2:] == ["--window", "8"]
            await socket.close()
        for _ in range(100):  # the server notices the socket closed: bounded
            if not server.open:
                break
            await asyncio.sleep(0.1)
        assert server.open == {}

    run(db, test)


def test_a_revoked_windows_open_desk_ends(db: Path) -> None:
    code = code_for(db, 9)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        token = await enrol(client, code)
        origin = str(client.make_url("")).rstrip("/")
        async with ClientSession(cookies={COOKIE: token}) as session:
            socket = await session.ws_connect(client.make_url("/ws"), headers={"Origin": origin})
            await asyncio.wait_for(socket.receive(), timeout=60)  # the desk has started: bounded
            await server.end_revoked()
            assert len(server.open) == 1  # its window stands: nothing ends
            with Desk.open(db, create=False) as desk:
                desk.revoke_window(9, by="s01")
            await server.end_revoked()
            for _ in range(100):  # the desk quits and its socket closes: bounded
                if not server.open:
                    break
                await asyncio.sleep(0.1)
            assert server.open == {}

    run(db, test)


def test_codes_sent_at_once_are_all_counted_and_wrong_codes_write_little(db: Path) -> None:
    code_for(db, 10)

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        answers = await asyncio.gather(*(client.post("/enrol", data={"code": "AAAA-AAAA"}) for _ in range(25)))
        statuses = sorted(answer.status for answer in answers)
        assert statuses.count(400) == 10 and statuses.count(429) == 15

    run(db, test)
    # One wrong-code record and one too-many-tries record for the address, not one per request.
    assert sorted(r["reason"] for r in refusals(db)) == ["bad_code", "too_many_tries"]


def test_a_full_width_code_typed_through_an_input_method_enrols(db: Path) -> None:
    code = code_for(db, 11)
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in code)  # Ａ…, ２…

    async def test(client: TestClient[Any, Any], server: HallServer) -> None:
        await enrol(client, wide)

    run(db, test)
