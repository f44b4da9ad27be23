"""What the browser tests of the hall's server share: the real `firstask serve` in a process of its own, Debian's
Chromium driven by Playwright (never a downloaded browser), and each tab's screen as the desk sends it.

A desk's screen is drawn on a canvas, so a test reads what the desk wrote to the tab: every frame of its websocket,
decoded, escape codes removed (`Screen.wait_for`). Waits here are real time by nature (a server, a browser, a
process per tab) and all bounded; nothing asserts on a duration.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, WebSocket

from firstask.desk import Desk

CHROMIUM = "/usr/bin/chromium"  # Debian's package (`apt-get install chromium`); .ci/run installs it
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # else Chromium calls home, and this machine's closed network refuses it
    "--disable-component-update",
    "--disable-sync",
]
WAIT_SECONDS = 60.0  # a real server, browser and desk process starting on a shared machine: bounded, never asserted
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-_]")


def launch(playwright: Playwright, *args: str) -> Browser:
    assert Path(CHROMIUM).exists(), f"the browser tests need Debian's chromium at {CHROMIUM}: apt-get install chromium"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *args])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lan_address() -> str:
    """One of this machine's non-loopback IPv4 addresses (the one its default route leaves by)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.254", 9))  # no packet is sent: this only picks the route
        address = str(s.getsockname()[0])
    assert not address.startswith("127."), "this machine has no non-loopback address to test --host 0.0.0.0 on"
    return address


@dataclass
class Hall:
    """A running `firstask serve` on `db`."""

    db: Path
    url: str
    process: subprocess.Popen[str]
    log: Path

    def register(self, number: int) -> str:
        with Desk.open(self.db, create=False) as desk:
            return desk.register_window(number, f"{number}号窗口", by="s01")

    def children(self) -> list[int]:
        """The desk processes the server runs now."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            if int(fields[1]) == self.process.pid:  # the field after the state: the parent's pid
                children.append(int(stat.parent.name))
        return sorted(children)

    def refusals(self) -> list[str]:
        with Desk.open(self.db, create=False) as desk:
            rows = desk.store.all("SELECT detail FROM events WHERE action = 'refuse_connection' ORDER BY seq")
        return [str(r["detail"]) for r in rows]


@contextmanager
def serving(db: Path, *args: str, host: str = "127.0.0.1", scheme: str = "http") -> Iterator[Hall]:
    port = free_port()
    log = db.with_suffix(f".{port}.log")
    environment = {k: v for k, v in os.environ.items() if k not in ("FIRSTASK_PIN", "LC_ALL", "LC_MESSAGES")}
    environment["LANG"] = "zh_CN.UTF-8"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "firstask",
                "--db",
                str(db),
                "--lang",
                "zh",
                "serve",
                "--host",
                host,
                "--port",
                str(port),
                *args,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
            text=True,
        )
    reach = "127.0.0.1" if host in ("0.0.0.0", "127.0.0.1") else host
    hall = Hall(db, f"{scheme}://{reach}:{port}", process, log)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                with socket.create_connection((reach, port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"the server did not listen: {log.read_text()}")
        yield hall
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Screen:
    """One tab of the desk: its page, and everything the desk has written to it."""

    page: Page
    frames: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, page: Page) -> Screen:
        screen = cls(page)

        def watch(socket: WebSocket) -> None:
            screen.sockets.append(socket.url)
            socket.on("framereceived", screen.received)

        page.on("websocket", watch)
        return screen

    def received(self, payload: Any) -> None:
        data = payload.encode() if isinstance(payload, str) else bytes(payload)
        self.frames.append(data.decode("utf-8", "replace"))

    def text(self) -> str:
        return ESCAPES.sub("", "".join(self.frames))

    def wait_for(self, *words: str, seconds: float = WAIT_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            text = self.text()
            if all(word in text for word in words):
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"never shown: {words!r}; the screen's last words: {self.text()[-600:]!r}")

    def keys(self, *keys: str) -> None:
        """Keys as a clerk presses them: a name like "Enter" or "Control+s", else text typed."""
        for key in keys:
            if re.fullmatch(r"(Control\+|Alt\+|Shift\+)*([A-Z][a-z0-9]+|F\d+|[a-z])", key) and (
                len(key) > 1 or key.isupper()
            ):
                self.page.keyboard.press(key)
            else:
                self.page.keyboard.type(key)
            self.page.wait_for_timeout(60)  # one key at a time, as typed, not pasted

    def log_in(self, code: str, pin: str) -> None:
        self.wait_for("工作人员登录")
        self.page.click("#terminal")
        self.keys(code, "Enter", pin, "Enter")
        self.wait_for("查找来访人")


def enrol(context: BrowserContext, hall: Hall, number: int) -> None:
    """The window PC's browser enrols as window `number` with the code a supervisor got, as a person does."""
    code = hall.register(number)
    page = context.new_page()
    page.goto(f"{hall.url}/enrol")
    page.fill("#code", code.lower())
    page.click("button[type=submit]")
    page.wait_for_selector("text=注册完成")
    page.close()


def open_desk(context: BrowserContext, hall: Hall) -> Screen:
    page = context.new_page()
    screen = Screen.of(page)
    page.goto(hall.url + "/")
    return screen


def status_of(url: str, **options: Any) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10, **options) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def watch_for(page: Page, text: str) -> None:
    """Note in the page the moment (its own clock, this machine's) `text` first appears in it: Playwright's waits
    look only every half second after the first few tries, too coarse to time a page by. Read with `seen_at`."""
    page.evaluate(
        """(text) => {
            window.__seen = window.__seen || {};
            const look = () => {
                const there = document.body.innerText.includes(text);
                if (there && !(text in window.__seen)) window.__seen[text] = Date.now();
            };
            new MutationObserver(look).observe(document.body, {childList: true, subtree: true, characterData: true});
            look();
        }""",
        text,
    )


def seen_at(page: Page, text: str) -> float:
    """When `text` appeared in the page (`watch_for`), in seconds since the epoch, as `time.time()` counts."""
    page.wait_for_function("(text) => window.__seen && text in window.__seen", arg=text, timeout=WAIT_SECONDS * 1000)
    return float(page.evaluate("(text) => window.__seen[text]", text)) / 1000
