"""The hall's desk in a browser (`firstask serve`), measured in Debian's headless Chromium through Playwright: the
time from opening the page to a usable log-in screen, and the memory each open window costs. The reference, in the
same run: a bare Textual app (a header, an input, a footer) served by textual-serve's own server to the same browser.

    python -m bench.hall [--repeat N] [--windows K]

A fresh demo desk is made in a temporary folder; window 1..K are registered and enrolled as a supervisor would. The
time to a usable log-in screen: from `page.goto` until the desk has drawn its log-in box (its words arrived over the
websocket, `tests/hall_browser.Screen`) and a key typed there is echoed. Memory per open window: with K tabs logged in
(each a window), each tab's desk process's resident (RSS) and proportional (PSS, shared pages divided among the
processes that share them) memory; and the server's own.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hall_browser import Hall, Screen, enrol, free_port, launch, open_desk, serving  # noqa: E402
from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from firstask.desk import Desk  # noqa: E402

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Input

class Bare(App):
    def compose(self):
        yield Header()
        yield Input(placeholder="工号 code")
        yield Footer()

Bare().run()
"""
PINS = {"s01": "909090", "w01": "101010", "w02": "202020", "w03": "303030"}


def memory_of(pid: int) -> tuple[float, float]:
    """A process's resident and proportional memory, in MB."""
    rss = pss = 0.0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("Rss", "Pss"):
            kb = float(value.split()[0]) / 1024
            rss, pss = (kb, pss) if name == "Rss" else (rss, kb)
    return rss, pss


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def desk_once(browser: Browser, hall: Hall, number: int) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    enrol(context, hall, number)
    page = context.new_page()
    screen = Screen.of(page)
    began = time.perf_counter()
    page.goto(hall.url + "/")
    screen.wait_for("工作人员登录", "例如")  # the log-in box and its code field drawn, the cursor in it
    elapsed = time.perf_counter() - began
    context.close()
    return elapsed


@contextmanager
def bare_server(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    script = folder / "bare.py"
    script.write_text(BARE_APP, encoding="utf-8")
    port = free_port()
    code = (
        "from textual_serve.server import Server; "
        f"Server({sys.executable + ' ' + str(script)!r}, host='127.0.0.1', port={port}).serve()"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/", process
    finally:
        process.terminate()
        process.wait(timeout=20)


def bare_once(browser: Browser, url: str) -> float:
    # textual-serve's own page asks a public font CDN: blocked here, as in a hall with no internet, so that the
    # reference is not charged for a request the desk never makes.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("https://**/*", lambda route: route.abort())
    page = context.new_page()
    screen = Screen.of(page)
    began = time.perf_counter()
    page.goto(url)
    screen.wait_for("code")
    elapsed = time.perf_counter() - began
    context.close()
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description="the hall's desk in a browser: time to log-in, memory per window")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--windows", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        db = folder / "hall.db"
        subprocess.run(
            [sys.executable, "-m", "firstask", "--db", str(db), "init", "--demo"],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "LANG": "zh_CN.UTF-8"},
        )
        with Desk.open(db, create=False) as desk:
            desk.set_policy(hall_desks_per_window=5, hall_desks=max(40, args.windows + 5))
        with sync_playwright() as playwright, serving(db) as hall, bare_server(folder) as (bare_url, _bare):
            browser = launch(playwright)
            version = browser.version
            desk_times, bare_times = [], []
            for n in range(args.repeat):
                bare_times.append(bare_once(browser, bare_url))
                desk_times.append(desk_once(browser, hall, 100 + n))
            # Memory: K windows, each logged in.
            contexts, screens = [], []
            for n in range(args.windows):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                enrol(context, hall, 200 + n)
                screen = open_desk(context, hall)
                code = ("w01", "w02", "w03", "s01")[n % 4]
                screen.log_in(code, PINS[code])
                contexts.append(context)
                screens.append(screen)
            time.sleep(3)  # each desk's warm-up after log-in (imports, the first lists) done
            desks = [tree(pid) for pid in hall.children()]
            per_window = [[memory_of(pid) for pid in pids] for pids in desks]
            rss = [sum(r for r, _ in window) for window in per_window]
            pss = [sum(p for _, p in window) for window in per_window]
            server_rss, server_pss = memory_of(hall.process.pid)
            for context in contexts:
                context.close()
            browser.close()
    print(f"\nthe hall's desk in a browser: Debian Chromium {version}, headless, 1280×800, {args.repeat} each")
    print(f"  {'':38} {'p50 s':>7} {'p95 s':>7}")
    for label, times in (
        ("bare Textual app (textual-serve)", bare_times),
        ("the desk: page → log-in usable", desk_times),
    ):
        print(f"  {label:38} {statistics.median(times):7.2f} {percentile(times, 0.95):7.2f}")
    ratio = statistics.median(desk_times) / statistics.median(bare_times)
    print(f"  ratio (desk / bare, p50): {ratio:.2f}")
    print(f"\nmemory with {len(rss)} windows open and logged in (MB)")
    print(f"  per window: RSS {statistics.mean(rss):.1f} (max {max(rss):.1f}), PSS {statistics.mean(pss):.1f}")
    print(f"  the server itself: RSS {server_rss:.1f}, PSS {server_pss:.1f}")


if __name__ == "__main__":
    main()
