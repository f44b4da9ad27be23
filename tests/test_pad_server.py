"""The rating pad (评价器) and the slip's QR page on the hall's server, without a browser (issue 20): the pad's own
cookie, what `/pad/state` shows after a clerk's service at that window, a tap recorded with its window and staff,
RATE-3 refused on the pad and on the phone, two windows' pads apart, a request expiring on the server's clock, a
slip's link used once, unknown links counted as guesses. Each test runs the aiohttp application in-process on a real
loopback socket (aiohttp's test server); the clerk is a second desk on the same file serving the window. The real
browser is tests/test_pad_browser.py."""

from __future__ import annotations

import asyncio
import gc
import json
import re
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer
from conftest import PINS, Clock, furnish

from firstask import i18n
from firstask.desk import Case, Desk
from firstask.serve import COOKIE, HallServer
from firstask.serve.hall_server import PAD_COOKIE, TRIES
from firstask.serve.pages import PAGE_FONTS

START = datetime(2026, 11, 23, 9, 30)  # a Monday, the centre open
Client = TestClient[Any, Any]


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def db(tmp_path: Path, clock: Clock) -> Path:
    path = tmp_path / "hall.db"
    with Desk.open(path, clock=clock) as desk:
        furnish(desk, pins=PINS)
        desk.set_policy(centre_name="幸福里社区服务中心")
        for number in (3, 4):
            desk.register_window(number, f"{number}号窗口", by="s01")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(db: Path, test: Callable[[Client, HallServer], Awaitable[None]], **options: Any) -> None:
    """`test` against the server on `db`, on a port it knows (it records its own address for the slips)."""

    async def main() -> None:
        port = free_port()
        server = HallServer(db, "zh", host="127.0.0.1", port=port, **options)
        client = TestClient(TestServer(server.application(), host="127.0.0.1", port=port))
        await client.start_server()
        try:
            await test(client, server)
        finally:
            await client.close()
            gc.collect()

    asyncio.run(main())


def origin(client: Client) -> str:
    return str(client.make_url("")).rstrip("/")


def pad_code(db: Path, number: int) -> str:
    with Desk.open(db, create=False) as desk:
        return desk.register_pad(number, by="s01")


async def enrol_pad(client: Client, code: str) -> str:
    """A tablet enrols with a pad's code; its token (the jar emptied: each test names the cookie it sends)."""
    response = await client.post("/enrol", data={"code": code}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/pad", await response.text()
    token = str(response.cookies[PAD_COOKIE].value)
    client.session.cookie_jar.clear()
    return token


def clerk_at(db: Path, number: int, clock: Clock | None = None, code: str = "w01") -> Desk:
    """The clerk's desk at window `number`, logged in (the pad's badge shows who serves)."""
    desk = Desk.open(db, clock=clock, create=False)
    desk.window = str(number)
    desk.authenticate(code, PINS[code])
    return desk


def served(desk: Desk, by: str = "w01") -> Case:
    case = desk.check_in(by, visitor_name="张三", summary="咨询居住证办理")
    return desk.answer(case.no, by, "带身份证和租房合同到窗口办理。")


async def state(client: Client, token: str) -> dict[str, Any]:
    response = await client.get("/pad/state", cookies={PAD_COOKIE: token})
    assert response.status == 200
    found: dict[str, Any] = await response.json()
    return found


async def tap(client: Client, token: str, sent: dict[str, Any], lang: str = "") -> tuple[int, dict[str, Any]]:
    response = await client.post(
        "/pad/rate" + (f"?lang={lang}" if lang else ""),
        data=json.dumps(sent),
        headers={"Origin": origin(client), "Content-Type": "application/json"},
        cookies={PAD_COOKIE: token},
    )
    answer: dict[str, Any] = await response.json()
    return response.status, answer


def test_a_pads_code_gives_the_pad_its_own_cookie_and_opens_the_pad(db: Path) -> None:
    code = pad_code(db, 3)

    async def test(client: Client, server: HallServer) -> None:
        response = await client.post("/enrol", data={"code": code.lower()}, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/pad"
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"{PAD_COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert f"Max-Age={400 * 24 * 3600}" in cookie and "Secure" not in cookie  # plain HTTP on loopback
        assert COOKIE not in response.cookies  # a pad is no window: it never gets a desk
        token = response.cookies[PAD_COOKIE].value
        client.session.cookie_jar.clear()
        page = await client.get("/pad", cookies={PAD_COOKIE: token})
        assert page.status == 200
        assert PAD_COOKIE in page.cookies  # renewed at each use, as the window's is
        text = await page.text()
        assert "幸福里社区服务中心" in text and '<script src="/static/pad.js">' in text
        assert "style=" not in text and "<style" not in text  # nothing inline: the strict policy allows none
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
        assert not re.search(r"(src|href)=\"https?://", text), "the pad loads nothing from elsewhere"
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', text):
            served = await client.get(asset)
            assert served.status == 200, asset
            assert "http://" not in await served.text() and "https://" not in await served.text()
        assert PAGE_FONTS in await (await client.get("/static/pad.css")).text()
        assert (await client.get("/", cookies={PAD_COOKIE: token})).status == 403  # no desk for a pad
        english = await (await client.get("/pad?lang=en", cookies={PAD_COOKIE: token})).text()
        assert '<html lang="en">' in english and '"lang": "en"' in english and "Rate our service" in english

    run(db, test)
    with Desk.open(db, create=False) as desk:
        rows = desk.store.all("SELECT action FROM events WHERE action = 'enrol_pad'")
    assert len(rows) == 1


def test_without_the_pads_cookie_there_is_no_pad(db: Path) -> None:
    first = pad_code(db, 3)
    with Desk.open(db, create=False) as desk:
        window_code = desk.register_window(4, "4号窗口", by="s01")

    async def test(client: Client, server: HallServer) -> None:
        page = await client.get("/pad")
        assert page.status == 403
        text = await page.text()
        assert "这台设备不是评价器" in text and 'href="/enrol"' in text and "pad.js" not in text
        assert (await client.get("/pad/state")).status == 403
        refused = await client.post("/pad/rate", json={"request": 1, "level": 5}, headers={"Origin": origin(client)})
        assert refused.status == 403
        enrolled = await client.post("/enrol", data={"code": window_code})  # a window's cookie is not a pad's
        assert enrolled.status == 200 and COOKIE in enrolled.cookies
        assert (await client.get("/pad")).status == 403 and (await client.get("/pad/state")).status == 403
        client.session.cookie_jar.clear()
        old = await enrol_pad(client, first)
        assert (await client.get("/pad/state", cookies={PAD_COOKIE: old})).status == 200
        pad_code(db, 3)  # the pad registered again: the one enrolled before stops
        assert (await client.get("/pad/state", cookies={PAD_COOKIE: old})).status == 403
        assert (await client.get("/pad", cookies={PAD_COOKIE: old})).status == 403

    run(db, test)


def test_the_pad_shows_who_serves_and_then_the_service_given_at_its_window(db: Path) -> None:
    code = pad_code(db, 3)

    async def test(client: Client, server: HallServer) -> None:
        token = await enrol_pad(client, code)
        idle = await state(client, token)
        assert (idle["window"], idle["name"], idle["serving"], idle["request"]) == ("3", "3号窗口", None, None)
        clerk = clerk_at(db, 3)
        assert (await state(client, token))["serving"] == {"code": "w01", "name": "王芳"}
        case = served(clerk)
        asked = (await state(client, token))["request"]
        assert (asked["case_no"], asked["service"]) == (case.no, "answer")
        assert asked["clerk"] == {"code": "w01", "name": "王芳"}
        assert asked["kind"] == "enquiry" and "服务态度" in asked["reasons"]
        clerk.close()

    run(db, test)


def test_a_tap_records_the_rating_with_its_window_and_staff_once(db: Path) -> None:
    code = pad_code(db, 3)

    async def test(client: Client, server: HallServer) -> None:
        token = await enrol_pad(client, code)
        clerk = clerk_at(db, 3)
        case = served(clerk)
        request = (await state(client, token))["request"]
        status, answer = await tap(client, token, {"request": request["id"], "level": 4})
        assert (status, answer) == (200, {"ok": True})
        [rating] = clerk.ratings(case.no)
        assert (rating.level, rating.channel, rating.window, rating.staff, rating.service) == (
            4,
            "pad",
            "3",
            "w01",
            "answer",
        )
        assert clerk.case(case.no).status == "closed"  # an answer resolves: the visitor's rating closes it
        assert (await state(client, token))["request"] is None  # idle again
        status, again = await tap(client, token, {"request": request["id"], "level": 1, "reasons": ["服务态度"]})
        assert status == 200 and again["ok"] is False and again["rule"] == "RATE-4"
        assert len(clerk.ratings(case.no)) == 1
        clerk.close()

    run(db, test)


def test_a_bad_level_without_a_reason_is_refused_in_the_pads_language(db: Path) -> None:
    code = pad_code(db, 3)

    async def test(client: Client, server: HallServer) -> None:
        token = await enrol_pad(client, code)
        clerk = clerk_at(db, 3)
        case = served(clerk)
        request = (await state(client, token))["request"]
        _, refused = await tap(client, token, {"request": request["id"], "level": 2, "reasons": [], "comment": " "})
        assert refused == {"ok": False, "rule": "RATE-3", "message": i18n.t("rate3.reason", "zh")}
        _, english = await tap(client, token, {"request": request["id"], "level": 1}, lang="en")
        assert english["rule"] == "RATE-3" and english["message"] == i18n.t("rate3.reason", "en")
        assert clerk.ratings(case.no) == []
        _, unknown = await tap(client, token, {"request": request["id"], "level": 1, "reasons": ["<b>脏话</b>"]})
        assert unknown["rule"] == "RATE-3" and clerk.ratings(case.no) == []
        sent = {"request": request["id"], "level": 2, "reasons": ["办事效率"], "comment": "排队太久"}
        assert (await tap(client, token, sent))[1] == {"ok": True}
        [rating] = clerk.ratings(case.no)
        assert (rating.level, rating.reasons, rating.comment, rating.staff) == (2, ("办事效率",), "排队太久", "w01")
        clerk.close()

    run(db, test)


def test_a_tap_from_elsewhere_or_not_as_the_pad_sends_it_is_refused(db: Path) -> None:
    code = pad_code(db, 3)

    async def test(client: Client, server: HallServer) -> None:
        token = await enrol_pad(client, code)
        clerk = clerk_at(db, 3)
        case = served(clerk)
        request = (await state(client, token))["request"]
        body = json.dumps({"request": request["id"], "level": 5})
        for headers in ({"Origin": "http://evil.example"}, {}):
            response = await client.post("/pad/rate", data=body, headers=headers, cookies={PAD_COOKIE: token})
            assert response.status == 403
        for wrong in ("not json", "[1, 5]", '{"request": 1}', '{"request": 1, "level": 5, "reasons": "服务态度"}'):
            response = await client.post(
                "/pad/rate", data=wrong, headers={"Origin": origin(client)}, cookies={PAD_COOKIE: token}
            )
            assert response.status == 400 and (await response.json())["rule"] == "INPUT"
        for level in ("5", 6, True, None):
            _, refused = await tap(client, token, {"request": request["id"], "level": level})
            assert refused["ok"] is False
        assert clerk.ratings(case.no) == []
        clerk.close()

    run(db, test)
    assert "foreign_origin" in [json.loads(r)["reason"] for r in refusal_details(db)]


def refusal_details(db: Path) -> list[str]:
    with Desk.open(db, create=False) as desk:
        rows = desk.store.all("SELECT detail FROM events WHERE action = 'refuse_connection' ORDER BY seq")
    return [str(r["detail"]) for r in rows]


def test_two_windows_pads_stay_apart(db: Path) -> None:
    three_code, four_code = pad_code(db, 3), pad_code(db, 4)

    async def test(client: Client, server: HallServer) -> None:
        three, four = await enrol_pad(client, three_code), await enrol_pad(client, four_code)
        clerk3, clerk4 = clerk_at(db, 3), clerk_at(db, 4, code="w02")
        a = served(clerk3)
        assert (await state(client, three))["request"]["case_no"] == a.no
        assert (await state(client, four))["request"] is None
        assert (await state(client, four))["serving"] == {"code": "w02", "name": "李强"}
        request = (await state(client, three))["request"]
        _, refused = await tap(client, four, {"request": request["id"], "level": 5})  # window 4's pad, 3's request
        assert refused["ok"] is False and refused["rule"] == "RATE-4"
        assert clerk3.ratings(a.no) == []
        b = served(clerk4, "w02")
        assert (await state(client, four))["request"]["case_no"] == b.no
        assert (await state(client, three))["request"]["case_no"] == a.no
        assert (await tap(client, four, {"request": (await state(client, four))["request"]["id"], "level": 5}))[1]["ok"]
        assert (await tap(client, three, {"request": request["id"], "level": 3}))[1]["ok"]
        assert [(r.window, r.staff, r.level) for r in clerk3.ratings(a.no)] == [("3", "w01", 3)]
        assert [(r.window, r.staff, r.level) for r in clerk3.ratings(b.no)] == [("4", "w02", 5)]
        clerk3.close()
        clerk4.close()

    run(db, test)


def test_an_unanswered_request_expires_on_the_servers_clock(db: Path, clock: Clock) -> None:
    code = pad_code(db, 3)

    async def test(client: Client, server: HallServer) -> None:
        token = await enrol_pad(client, code)
        clerk = clerk_at(db, 3, clock)
        case = served(clerk)
        clock.advance(minutes=2, seconds=59)
        request = (await state(client, token))["request"]
        assert request is not None and request["case_no"] == case.no
        clock.advance(seconds=2)  # past the policy's 3 minutes
        assert (await state(client, token))["request"] is None
        assert clerk.case(case.no).history[-1].action == "rating_expired"
        _, late = await tap(client, token, {"request": request["id"], "level": 5})
        assert late["ok"] is False and late["rule"] == "RATE-4"
        assert clerk.ratings(case.no) == []
        clerk.close()

    run(db, test, clock=clock)


def slip_link(desk: Desk, case: Case) -> str:
    """The rating URL printed on the case's latest slip (its text, as the printer gets it)."""
    [document, *_] = [e.detail["document"] for e in reversed(case.history) if e.detail.get("document")]
    text = (desk.documents_dir / document).read_text(encoding="utf-8")
    found = re.search(r"扫码评价（好差评）：(\S+)", text)
    assert found is not None, text
    return found.group(1)


def test_the_server_records_its_address_for_the_slips_unless_the_policy_names_one(db: Path) -> None:
    async def nothing(client: Client, server: HallServer) -> None:
        pass

    run(db, nothing, public_url="https://Desk.Centre.example:443/")
    with Desk.open(db, create=False) as desk:
        assert desk.store.meta("hall_url") == "https://desk.centre.example"
        desk.set_policy(hall_url="http://192.168.1.10:8443")

    async def seen(client: Client, server: HallServer) -> None:
        with Desk.open(db, create=False) as desk:
            assert desk.store.meta("hall_url") == "https://desk.centre.example"  # the policy's stands: untouched
            assert desk.hall_url() == "http://192.168.1.10:8443"

    run(db, seen)


def test_a_slips_link_rates_once_and_says_so_after(db: Path) -> None:
    async def test(client: Client, server: HallServer) -> None:
        clerk = clerk_at(db, 3)
        assert clerk.hall_url() == origin(client)  # recorded at start: where this server is reached
        case = clerk.check_in("w01", visitor_name="李四", summary="咨询护照办理")
        case = clerk.refer(case.no, "w01", agency="区公安分局出入境接待大厅", contact="0571-86000000")
        url = slip_link(clerk, case)
        path = urlsplit(url).path
        assert url == origin(client) + path and re.fullmatch(r"/rate/[\w-]{43}", path)
        page = await client.get(path)
        assert page.status == 200 and "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
        text = await page.text()
        assert case.no in text and "王芳（w01）" in text and "转介" in text and "幸福里社区服务中心" in text
        assert text.count('type="radio" name="level"') == 5 and 'name="reason" value="服务态度"' in text
        assert "<script" not in text and "style=" not in text  # a plain form: no script needed, none inline
        post = {"Origin": origin(client)}
        bad = await client.post(path, data={"level": "1"}, headers=post)
        assert bad.status == 400 and i18n.t("rate3.reason", "zh") in await bad.text()
        odd = await client.post(path, data={"level": "1", "reason": "<script>x</script>"}, headers=post)
        assert odd.status == 400 and "&lt;script&gt;x&lt;/script&gt;" in (html := await odd.text())
        assert "<script>x" not in html
        assert clerk.ratings(case.no) == []  # nothing recorded for either
        foreign = await client.post(path, data={"level": "5"}, headers={"Origin": "http://evil.example"})
        assert foreign.status == 403 and clerk.ratings(case.no) == []
        rated = {"level": "1", "reason": "政策解释不清", "comment": "说法不一"}
        done = await client.post(path, data=rated, headers=post)
        assert done.status == 200 and "谢谢您的评价" in await done.text()
        [rating] = clerk.ratings(case.no)
        assert (rating.channel, rating.level, rating.reasons, rating.comment, rating.window, rating.staff) == (
            "qr",
            1,
            ("政策解释不清",),
            "说法不一",
            "3",
            "w01",
        )
        again = await client.get(path)
        assert again.status == 410 and i18n.t("rate5.used", "zh") in await again.text()
        twice = await client.post(path, data={"level": "5"})  # a form posted without an Origin (older browsers)
        assert twice.status == 410 and len(clerk.ratings(case.no)) == 1
        english = await client.get(path + "?lang=en")
        assert english.status == 410 and i18n.t("rate5.used", "en") in await english.text()
        clerk.close()

    run(db, test)


def test_unknown_links_are_guesses_counted_against_the_address(db: Path) -> None:
    async def test(client: Client, server: HallServer) -> None:
        clerk = clerk_at(db, 3)
        case = clerk.check_in("w01", visitor_name="李四", summary="咨询护照办理")
        path = urlsplit(slip_link(clerk, clerk.refer(case.no, "w01", agency="出入境", contact="0571-86000000"))).path
        for _ in range(TRIES + 5):  # a real link, opened again and again, is no guess
            assert (await client.get(path)).status == 200
        guesses = [f"/rate/{'x' * 43}", "/rate/%3Cscript%3E", f"/rate/{'y' * 300}"]
        for n in range(TRIES):
            response = await client.get(guesses[n % len(guesses)])
            assert response.status == 404 and i18n.t("rate5.unknown", "zh") in await response.text()
        flood = await client.get(f"/rate/{'z' * 43}")
        assert flood.status == 429 and "尝试次数过多" in await flood.text()
        assert (await client.post(f"/rate/{'z' * 43}", data={"level": "5"})).status == 429
        assert (await client.get(path)).status == 429  # the address waits, whatever it asks next
        assert (await client.post("/enrol", data={"code": "AAAA-AAAA"})).status == 429
        clerk.close()

    run(db, test)
    reasons = [json.loads(r)["reason"] for r in refusal_details(db)]
    assert reasons.count("bad_code") == 1 and reasons.count("too_many_tries") == 1  # a few a minute, not a flood


def test_what_a_visitor_or_a_clerk_wrote_is_shown_as_text(db: Path) -> None:
    with Desk.open(db, create=False) as desk:
        desk.set_policy(centre_name="幸福里</script><script>alert(1)</script>")
    code = pad_code(db, 3)

    async def test(client: Client, server: HallServer) -> None:
        token = await enrol_pad(client, code)
        text = await (await client.get("/pad", cookies={PAD_COOKIE: token})).text()
        assert "<script>alert(1)" not in text and "幸福里&lt;/script&gt;" in text
        strings = re.search(r'<script type="application/json" id="strings">(.*?)</script>', text)
        assert strings is not None and json.loads(strings.group(1))["window"] == "{number}号窗口"

    run(db, test)
