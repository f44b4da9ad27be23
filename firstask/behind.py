"""`Behind`: the desk's work that no key asked for, done off the UI thread — the lists read again after another
window's write, what to tell the clerk, the minute's scan — so that a key pressed meanwhile is answered at once.

One thread, with a connection of its own to the same file (a SQLite connection belongs to the thread that opened
it): jobs run one at a time in the order given, each `job(desk)` with that thread's desk, and its result is handed
to `done(result)` on the app's event loop, unless the app no longer wants it (it is closing: its screens are losing
their widgets). A job that fails (the file busy for a moment) hands nothing on: the next change or minute comes soon.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from firstask.desk import Desk
from firstask.rules import RuleError
from firstask.store import StoreError

T = TypeVar("T")


class Behind:
    def __init__(self, desk: Desk, wanted: Callable[[], bool] = lambda: True) -> None:
        self.wanted = wanted
        self.path: Path | str = desk.store.location()  # a file's path, or a district database's address
        self.clock = desk.clock
        self.window = desk.window
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="firstask-behind")
        self.desk: Desk | None = None  # opened in the pool's thread, on its first job
        self.loop: asyncio.AbstractEventLoop | None = None

    def _desk(self) -> Desk:
        if self.desk is None:
            self.desk = Desk.open(self.path, self.clock, create=False)
            self.desk.window = self.window
        return self.desk

    def run(self, job: Callable[[Desk], T], done: Callable[[T], None]) -> Future[None]:
        """`job(desk)` in the thread; `done(result)` on the event loop of the caller."""
        loop = self.loop = asyncio.get_running_loop()

        def work() -> None:
            try:
                result = job(self._desk())
            except (RuleError, StoreError, sqlite3.Error):
                return
            if not loop.is_closed():
                loop.call_soon_threadsafe(self.hand_on, done, result)

        return self.pool.submit(work)

    def hand_on(self, done: Callable[[T], None], result: T) -> None:
        if self.wanted():
            done(result)

    async def caught_up(self) -> None:
        """Every job given so far has run, and its result has been handed on (tests; the end of a session)."""
        await asyncio.wrap_future(self.pool.submit(lambda: None))
        await asyncio.sleep(0)

    def close(self) -> None:
        def shut() -> None:
            if self.desk is not None:
                self.desk.close()
                self.desk = None

        self.pool.submit(shut)
        self.pool.shutdown(wait=False, cancel_futures=False)
