"""The desk's terminal driver: Textual's own (Linux, macOS), which also ends the desk when its terminal goes away.

A terminal window closed, an ssh link dropped, a multiplexer's pane killed: the desk must not stay behind with the
database open. Textual 8.2.8 (pinned) notices none of it. Its input thread takes a read of nothing (the terminal hung
up, or stdin was a file or a pipe that ended) for "no keys this time" and selects and reads again at once, a core
spinning for good; a read error (EIO) ends the thread with a "crash" the app cannot show; its output thread dies on
the first write that fails, and the next thirty writes fill its queue and block the app itself. A SIGHUP, which the
kernel sends with the hang-up, kills the desk outright where it is not ignored (`nohup`, some multiplexers), leaving
the terminal as it was if the terminal is still there.

`DeskDriver` therefore asks the app to exit, as Ctrl+Q does, on a SIGHUP, at the end of input or a read error, and
on a write the terminal refuses; and it drops output once the terminal is gone. Every action of the desk is one
SQLite transaction run on the app's thread, so the action under way when the terminal went is committed (or was
never begun) before the app takes the exit. Should the app not be gone within `GRACE_SECONDS` all the same (a
thread stuck in a write to a dead terminal), the process ends there: SQLite keeps a transaction whole or not at
all, whatever ends the process.

Being a subclass of Textual's driver, this module is the one place besides `firstask.widgets.textual_private` that
uses Textual's private names: the driver's own attributes (`_file`, its output; `_loop`; `_app`; `_debug`) and what
its input loop is built from (`textual._xterm_parser`, `textual._parser`, `textual._loop`). `run_input_thread` is a
copy of Textual's own; `tests/test_textual_private.py` fails when an upgrade changes any of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import selectors
import signal
import threading
from codecs import getincrementaldecoder
from collections.abc import Callable
from typing import IO, Any

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver

GRACE_SECONDS = 5.0  # after the terminal is gone, the longest the desk may take to close (it takes well under one)
HANGUP_CODE = 128 + signal.SIGHUP  # the app's return code when its terminal went away, as a shell reports it


class _Output:
    """The terminal as the output thread writes to it: writes and flushes that fail end the desk and are dropped,
    so that the thread goes on emptying its queue (a full queue would block the app's own thread)."""

    def __init__(self, file: IO[str], lost: Callable[[], None]) -> None:
        self._file = file
        self._lost = lost
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._file.write(text)
            except (OSError, ValueError):
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self._gone()

    def _gone(self) -> None:
        self.gone = True
        self._lost()

    def __getattr__(self, name: str) -> Any:  # fileno, isatty, encoding…: the terminal's own
        return getattr(self._file, name)


class DeskDriver(LinuxDriver):
    """Textual's Linux driver, which ends the app (cleanly, as Ctrl+Q does) when its terminal goes away."""

    def __init__(self, app: App[Any], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._lost = threading.Event()
        if self._file is not None:
            self._file = _Output(self._file, self.terminal_lost)  # type: ignore[assignment]
        self._hangup_handled = False
        self._hangup_before: Any = None

    # --- SIGHUP ----------------------------------------------------------------------------------------------------

    def start_application_mode(self) -> None:
        super().start_application_mode()  # type: ignore[no-untyped-call]
        loop = asyncio.get_running_loop()
        previous = signal.getsignal(signal.SIGHUP)
        try:
            loop.add_signal_handler(signal.SIGHUP, self.terminal_lost)
        except (RuntimeError, ValueError, NotImplementedError):  # not the main thread: SIGHUP stays as it was
            return
        self._hangup_handled = True
        self._hangup_before = previous

    def stop_application_mode(self) -> None:
        if self._hangup_handled:
            self._hangup_handled = False
            with contextlib.suppress(RuntimeError, ValueError):
                self._loop.remove_signal_handler(signal.SIGHUP)
                if self._hangup_before is not None:
                    signal.signal(signal.SIGHUP, self._hangup_before)
        super().stop_application_mode()

    # --- the terminal gone -----------------------------------------------------------------------------------------

    def terminal_lost(self) -> None:
        """The terminal is gone (or SIGHUP said so): the app exits; any thread may call this, once or many times."""
        if self._lost.is_set():
            return
        self._lost.set()
        watchdog = threading.Timer(GRACE_SECONDS, os._exit, (HANGUP_CODE,))
        watchdog.daemon = True
        watchdog.start()
        with contextlib.suppress(RuntimeError):  # the loop already closed: the app is gone anyway
            self._loop.call_soon_threadsafe(self._exit_app)

    def _exit_app(self) -> None:
        self._app.exit(return_code=HANGUP_CODE)

    def run_input_thread(self) -> None:
        """Textual 8.2.8's input loop (`LinuxDriver.run_input_thread`, pinned), except that a read of nothing (the
        end of input) or a read error ends it and the app, where Textual's would select and read again at once."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> bool:
            """Read what is ready and hand on its events; False when the terminal is gone."""
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    try:
                        data = os.read(fileno, 1024 * 4)
                    except BlockingIOError:  # another reader of the same terminal was first
                        continue
                    except OSError:  # EIO: the terminal hung up
                        return False
                    if not data:  # the end of input
                        return False
                    for event in parser.feed(decode(data, final=final and last)):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                if not process_selector_events(selector.select(0.1)):
                    self.terminal_lost()
                    return
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
