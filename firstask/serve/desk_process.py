"""One browser tab's desk: a process of this Python running `firstask` for this database, this language and the
tab's window, started directly (no shell reads the path or the arguments), speaking textual-serve's protocol."""

from __future__ import annotations

import asyncio
import sys
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from firstask import SERVED

STOP_SECONDS = 10  # a desk's own exit commits or drops its one open transaction well within this


def desk_argv(db: Path | str, lang: str, window: int | None = None) -> list[str]:
    """The command each browser tab runs: this Python, this database, this language, its window."""
    # -P: the server's working folder is not on the desk's module path (a `firstask` there would shadow the desk).
    where = db if isinstance(db, str) else str(db.resolve())  # a file by its whole path; a PostgreSQL address as is
    argv = [sys.executable, "-P", "-m", "firstask", "--db", where, "--lang", lang]
    if window is not None:
        argv += ["--window", str(window)]
    return argv


class DeskProcess(AppService):
    """textual-serve's app service, with the desk started from an argument list instead of a shell command."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(
            " ".join(argv),  # shown in textual-serve's own log lines only
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
        )
        self.argv = list(argv)

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.pop("FIRSTASK_PIN", None)  # a PIN in the server's environment logs nobody in
        environment[SERVED] = "1"
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the desk to quit (as textual-serve does), then wait for its process to end: a desk that does not
        within `STOP_SECONDS` (stuck) is killed, so that no tab leaves a process behind."""
        try:
            await asyncio.wait_for(super().stop(), STOP_SECONDS)
        except TimeoutError:
            pass
        process = self._process
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._task is not None:  # its output has ended with the process
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def run(self) -> None:
        """textual-serve's reading of the desk's output; when the desk has ended, however it ended (a crash, a kill,
        without its exit message), the tab's socket is closed, so that its page says so and its place is freed."""
        try:
            await super().run()
        finally:
            await self.remote_close()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid
