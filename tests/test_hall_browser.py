"""The hall's desk in a real browser (issue 19): Debian's headless Chromium, driven by Playwright, against the real
`firstask serve` (tests/hall_browser.py). Every request the page makes goes to the desk's own host; a clerk logs in
and checks a visitor in by keys; a hand-off in one tab shows in the other; an unenrolled browser gets no desk
process; a foreign Origin is refused; TLS serves the page over https and the desk over wss; `--host 0.0.0.0` works
through this machine's LAN address; the cap turns the next tab away with a message."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trustme
from conftest import PINS, furnish
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hall_browser import Hall, Screen, enrol, lan_address, launch, open_desk, serving, status_of
from playwright.sync_api import Browser, Playwright, Route

from firstask.desk import Desk


class Elsewhere(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        body = b"<!DOCTYPE html><p>elsewhere</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@contextmanager
def elsewhere() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hall") / "hall.db"
    with Desk.open(path) as desk:
        furnish(desk, pins=PINS)
        desk.set_policy(hall_desks_per_window=1)  # so that a second tab of one window meets the cap
    return path


@pytest.fixture(scope="module")
def hall(db: Path) -> Iterator[Hall]:
    with serving(db) as running:
        yield running


def test_every_request_goes_to_the_desks_own_host_and_the_log_in_screen_shows(
    browser: Browser, hall: Hall, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    own = urlsplit(hall.url).netloc
    asked: list[str] = []
    elsewhere: list[str] = []

    def only_the_desk(route: Route) -> None:
        url = route.request.url
        asked.append(url)
        if urlsplit(url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    context.route("**/*", only_the_desk)
    enrol(context, hall, 1)
    screen = open_desk(context, hall)
    screen.wait_for("工作人员登录", "工号")
    screen.page.screenshot(path=str(tmp_path / "login.png"))
    assert elsewhere == [], f"the page asked other hosts: {elsewhere}"
    assert {urlsplit(url).path for url in asked} >= {"/enrol", "/", "/static/js/textual.js", "/static/css/xterm.css"}
    assert screen.sockets == [f"ws://{own}/ws" + screen.sockets[0].split("/ws", 1)[1]]
    context.close()


def test_a_clerk_logs_in_and_checks_a_visitor_in_by_keys_at_their_window(browser: Browser, hall: Hall) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    enrol(context, hall, 2)
    screen = open_desk(context, hall)
    screen.log_in("w01", PINS["w01"])
    screen.keys("Tab", "张三", "Tab", "13812345678", *["Tab"] * 8, "咨询居住证办理", "Control+s")
    screen.wait_for("已登记")
    with Desk.open(hall.db, create=False) as desk:
        row = desk.store.one(
            "SELECT case_no, by_staff, detail FROM events WHERE action = 'check_in' ORDER BY seq DESC LIMIT 1"
        )
        assert row is not None
        case = desk.case(row["case_no"])
    assert (case.visitor_name, case.first_asker, case.summary) == ("张三", "w01", "咨询居住证办理")
    assert json.loads(row["detail"])["window"] == "2"  # the enrolled window's number, as the slips print it
    screen.wait_for(case.no)
    context.close()


def test_a_hand_off_in_one_tab_shows_in_the_other(browser: Browser, hall: Hall) -> None:
    sender, receiver = browser.new_context(), browser.new_context()
    enrol(sender, hall, 3)
    enrol(receiver, hall, 4)
    a, b = open_desk(sender, hall), open_desk(receiver, hall)
    b.log_in("w02", PINS["w02"])
    a.log_in("w01", PINS["w01"])
    a.keys("Tab", "李四", "Tab", "13912345678", *["Tab"] * 8, "咨询低保政策", "Control+s")
    a.wait_for("已登记")
    with Desk.open(hall.db, create=False) as desk:
        no = str(desk.store.scalar("SELECT no FROM cases WHERE first_asker = 'w01' ORDER BY created_at DESC LIMIT 1"))
    a.keys("h", "w02")
    a.page.wait_for_timeout(300)
    a.keys("Enter", "请接手办理", "Control+s")
    with Desk.open(hall.db, create=False) as desk:
        for _ in range(100):
            if desk.case(no).pending_to == "w02":
                break
            a.page.wait_for_timeout(100)
        assert desk.case(no).pending_to == "w02"
    b.wait_for(no, "王芳")  # told in B's tab, without a key pressed there
    sender.close()
    receiver.close()


def test_an_unenrolled_browser_gets_a_page_and_no_desk_process(browser: Browser, hall: Hall) -> None:
    before = hall.children()
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(hall.url + "/")
    assert response is not None and response.status == 403
    assert "这台电脑还不是登记的窗口" in page.inner_text("main")
    page.click("text=去注册本窗口")
    page.wait_for_selector("#code")
    page.wait_for_timeout(1000)  # had anything started, it would be running by now
    assert set(hall.children()) <= set(before)  # the earlier tests' desks may still be ending
    context.close()
    assert any('"not_enrolled"' in r for r in hall.refusals())


def test_a_websocket_from_a_foreign_origin_is_refused(browser: Browser, hall: Hall) -> None:
    context = browser.new_context()
    enrol(context, hall, 5)
    # Another site's page in the same browser (here a server on another port of this machine: Chromium itself keeps
    # a public site's page from this machine's addresses) asks for a desk over the websocket.
    page = context.new_page()
    with elsewhere() as url:
        page.goto(url)
    opened = page.evaluate(
        """url => new Promise(done => {
            const socket = new WebSocket(url);
            socket.onopen = () => done(true);
            socket.onerror = () => done(false);
        })""",
        hall.url.replace("http", "ws") + "/ws",
    )
    assert opened is False
    assert any('"foreign_origin"' in r for r in hall.refusals())
    context.close()


def test_the_cap_turns_the_next_tab_of_a_window_away_with_a_message(browser: Browser, hall: Hall) -> None:
    context = browser.new_context()
    enrol(context, hall, 6)
    first = open_desk(context, hall)
    first.wait_for("工作人员登录")
    second = context.new_page()
    later = Screen.of(second)
    response = second.goto(hall.url + "/")
    assert response is not None and response.status == 503
    assert "本窗口打开的服务台已满" in second.inner_text("main")
    first.page.close()  # the clerk closes the other tab: the page turned away asks again by itself, and gets a desk
    later.wait_for("工作人员登录")
    context.close()


def test_tls_serves_the_page_over_https_and_the_desk_over_wss(playwright: Playwright, db: Path, tmp_path: Path) -> None:
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    cert, key = tmp_path / "hall.crt", tmp_path / "hall.key"
    certificate.cert_chain_pems[0].write_to_path(str(cert))
    certificate.private_key_pem.write_to_path(str(key))
    leaf = x509.load_pem_x509_certificate(cert.read_bytes())
    spki = leaf.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pin = base64.b64encode(hashlib.sha256(spki).digest()).decode()
    with serving(db, "--cert", str(cert), "--key", str(key), scheme="https") as hall:
        trusted = ssl.create_default_context()
        authority.configure_trust(trusted)
        assert status_of(hall.url + "/enrol", context=trusted) == 200
        # Chromium trusts this certificate (by its key's hash), as a window PC trusts the hall's once installed;
        # any other certificate would still be refused.
        chromium = launch(playwright, f"--ignore-certificate-errors-spki-list={pin}")
        context = chromium.new_context()
        enrol(context, hall, 7)
        cookie = next(c for c in context.cookies() if c["name"] == "firstask_window")
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        screen = open_desk(context, hall)
        screen.wait_for("工作人员登录")
        assert screen.page.url.startswith("https://") and screen.sockets[0].startswith("wss://")
        chromium.close()


def test_host_0_0_0_0_works_from_the_machines_lan_address(browser: Browser, db: Path) -> None:
    address = lan_address()
    with serving(db, "--insecure-http", host="0.0.0.0") as hall:
        hall.url = hall.url.replace("127.0.0.1", address)
        assert "--insecure-http" in hall.log.read_text() or "明文" in hall.log.read_text()
        context = browser.new_context()
        enrol(context, hall, 8)
        screen = open_desk(context, hall)
        screen.wait_for("工作人员登录")
        assert screen.sockets[0].startswith(f"ws://{address}:")
        context.close()
