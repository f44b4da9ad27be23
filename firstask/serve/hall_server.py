"""The hall's server: one desk process per browser tab of an enrolled window PC, on the centre's database file.

A browser without a window's token (the cookie `/enrol` gives it) gets a plain page and no desk process; a revoked
window is turned away at its next connection; the websocket that drives a desk must come from this server's own
page (its Origin); the server runs at most the policy's number of desks, overall and per window. Every page, script,
style and font is served from here. Built on textual-serve's protocol and its app service (`DeskProcess`).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

from firstask.desk import Desk, HallWindow, RuleError
from firstask.serve.desk_process import DeskProcess, desk_argv
from firstask.serve.pages import DESK_FONTS, XTERM_FONTS, desk_page, enrol_page, enrolled_page, plain_page

log = logging.getLogger("firstask.serve")

COOKIE = "firstask_window"
COOKIE_YEARS = 10  # a window PC keeps its enrolment until a supervisor revokes it
STATIC = Path(textual_serve.__file__).parent / "static"
REFUSAL_EVERY = 60.0  # seconds: the same refusal from the same place is recorded once a minute, not per request
WATCH_SECONDS = 15  # how soon a revoked window's open desks end
AGAIN = 5  # seconds before a page turned away for the caps asks again by itself
TRIES = 10  # wrong enrolment codes from one address …
TRIES_MINUTES = 10  # … within this many minutes, then that address waits
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


def to_int(value: str, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(value)))
    except ValueError:
        return default


@dataclass
class OpenDesk:
    window: int
    process: DeskProcess
    token: str  # the browser's, to see whether its window still stands (`end_revoked`)
    opened: float = field(default_factory=time.monotonic)


class HallServer:
    """The aiohttp application of `firstask serve`."""

    def __init__(
        self,
        db: Path,
        lang: str,
        *,
        host: str,
        port: int,
        tls: ssl.SSLContext | None = None,
        public_url: str | None = None,
        desk: Desk | None = None,
    ) -> None:
        self.db = db
        self.lang = lang
        self.host = host
        self.port = port
        self.tls = tls
        self.public_url = public_url.rstrip("/") if public_url else None
        self._desk = desk
        self.open: dict[str, OpenDesk] = {}
        self.refused: dict[tuple[str, str], float] = {}
        self.tries: dict[str, list[float]] = {}
        self.download_manager = DownloadManager()
        self.script = self._desk_script()

    # --- the desk this server asks (its own connection to the file) -----------------------------------------

    @property
    def desk(self) -> Desk:
        if self._desk is None:
            self._desk = Desk.open(self.db, create=False)
        return self._desk

    async def start_watch(self, _app: web.Application) -> None:
        self.watch = asyncio.create_task(self.watch_windows())

    async def watch_windows(self) -> None:
        """Every `WATCH_SECONDS`, end the desks of a window revoked (or registered again) meanwhile: the tab's page
        says its desk ended, and opening it again is refused."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            await self.end_revoked()

    async def end_revoked(self) -> None:
        for open_desk in list(self.open.values()):
            try:
                standing = self.desk.window_of_token(open_desk.token)
            except Exception:  # noqa: BLE001 (the file busy for a moment: look again next time)
                return
            if standing is None:
                log.info("window %s revoked: its desk ends", open_desk.window)
                await open_desk.process.stop()

    async def close(self, _app: web.Application | None = None) -> None:
        watch = getattr(self, "watch", None)
        if watch is not None:
            watch.cancel()
        for open_desk in list(self.open.values()):
            await open_desk.process.stop()
        if self._desk is not None:
            self._desk.close()
            self._desk = None

    # --- the application ------------------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self.headers])
        app.add_routes(
            [
                web.get("/", self.index),
                web.get("/ws", self.websocket),
                web.get("/enrol", self.enrol_form),
                web.post("/enrol", self.enrol),
                web.get("/download/{key}", self.download),
                web.get("/static/js/textual.js", self.textual_js),
                web.static("/static", STATIC),
            ]
        )
        app.on_startup.append(self.start_watch)
        app.on_cleanup.append(self.close)
        return app

    def serve(self) -> None:
        """Run until interrupted (Ctrl+C or SIGTERM)."""
        web.run_app(
            self.application(),
            host=self.host,
            port=self.port,
            ssl_context=self.tls,
            print=lambda *_: None,
            access_log=None,
        )

    @web.middleware
    async def headers(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        if not isinstance(response, web.WebSocketResponse) and not response.prepared:
            response.headers.update(SECURITY_HEADERS)
            if self.tls is not None:
                response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    def _desk_script(self) -> bytes:
        """textual.js with the desk's font stack (its own names no Chinese font)."""
        script = (STATIC / "js" / "textual.js").read_bytes()
        return script.replace(f'fontFamily:"{XTERM_FONTS}"'.encode(), f'fontFamily:"{DESK_FONTS}"'.encode(), 1)

    async def textual_js(self, _request: web.Request) -> web.Response:
        return web.Response(body=self.script, content_type="application/javascript")

    # --- who is asking --------------------------------------------------------------------------------------

    def origin(self, request: web.Request) -> str:
        """This server's origin as the browser sees it: --public-url's, or the scheme and the Host it asked."""
        if self.public_url:
            parts = urlsplit(self.public_url)
            return f"{parts.scheme}://{parts.netloc}"
        return f"{'https' if self.tls is not None else 'http'}://{request.host}"

    def window_of(self, request: web.Request) -> HallWindow | None:
        return self.desk.window_of_token(request.cookies.get(COOKIE))

    def refuse(self, request: web.Request, reason: str, window: int | None = None) -> None:
        """Record a refused connection, once a minute per reason and address."""
        peer = request.remote or ""
        now = time.monotonic()
        if now - self.refused.get((reason, peer), -REFUSAL_EVERY) < REFUSAL_EVERY:
            return
        self.refused[(reason, peer)] = now
        try:
            self.desk.refuse_connection(reason, peer=peer, window=window)
        except Exception:  # noqa: BLE001 (the file busy for a moment: the refusal stands, its record is lost)
            log.warning("could not record a refused connection (%s from %s)", reason, peer)

    def page(self, html: str, status: int = 200) -> web.Response:
        return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)

    def turned_away(self, request: web.Request) -> web.Response:
        """The page for a browser that has no window: revoked (it holds a token no longer valid) or not enrolled."""
        if request.cookies.get(COOKIE):
            self.refuse(request, "revoked")
            return self.page(
                plain_page(
                    self.lang, "hall.page.revoked_title", "hall.page.revoked", link=("/enrol", "hall.page.enrol_link")
                ),
                403,
            )
        self.refuse(request, "not_enrolled")
        return self.page(
            plain_page(
                self.lang,
                "hall.page.not_enrolled_title",
                "hall.page.not_enrolled",
                link=("/enrol", "hall.page.enrol_link"),
            ),
            403,
        )

    def over_cap(self, request: web.Request, window: HallWindow) -> web.Response | None:
        """The page for a desk over the policy's caps, or None when one more may open."""
        policy = self.desk.policy
        if len(self.open) >= policy.hall_desks:
            self.refuse(request, "too_many", window.number)
            page = plain_page(
                self.lang, "hall.page.too_many_title", "hall.page.too_many", again_after=AGAIN, limit=policy.hall_desks
            )
            return self.page(page, 503)
        at_window = sum(1 for d in self.open.values() if d.window == window.number)
        if at_window >= policy.hall_desks_per_window:
            self.refuse(request, "too_many_window", window.number)
            title, body = "hall.page.too_many_window_title", "hall.page.too_many_window"
            page = plain_page(self.lang, title, body, again_after=AGAIN, limit=policy.hall_desks_per_window)
            return self.page(page, 503)
        return None

    # --- the pages ------------------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        window = self.window_of(request)
        if window is None:
            return self.turned_away(request)
        if (full := self.over_cap(request, window)) is not None:
            return full
        origin = self.origin(request)
        scheme, rest = origin.split("://", 1)
        websocket_url = f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws"
        size = to_int(request.query.get("fontsize", "16"), 16, 8, 48)
        return self.page(desk_page(self.lang, websocket_url=websocket_url, window=window.number, font_size=size))

    async def enrol_form(self, _request: web.Request) -> web.Response:
        return self.page(enrol_page(self.lang))

    async def enrol(self, request: web.Request) -> web.Response:
        origin = request.headers.get("Origin")
        if origin is not None and origin != self.origin(request):
            self.refuse(request, "foreign_origin")
            raise web.HTTPForbidden()
        peer = request.remote or ""
        now = time.monotonic()
        recent = [t for t in self.tries.get(peer, []) if now - t < TRIES_MINUTES * 60]
        self.tries[peer] = recent
        if len(recent) >= TRIES:
            page = plain_page(self.lang, "hall.page.tries_title", "hall.page.tries", minutes=TRIES_MINUTES)
            return self.page(page, 429)
        form = await request.post()
        code = str(form.get("code", ""))[:64]
        try:
            window, token = self.desk.enrol_window(code, peer=peer)
        except RuleError as error:
            recent.append(now)
            return self.page(enrol_page(self.lang, error=error.message(self.lang)), 400)
        response = self.page(enrolled_page(self.lang, window.number, window.name))
        response.set_cookie(
            COOKIE,
            token,
            max_age=COOKIE_YEARS * 365 * 24 * 3600,
            path="/",
            httponly=True,
            secure=self.tls is not None or (self.public_url or "").startswith("https:"),
            samesite="Strict",
        )
        return response

    async def download(self, request: web.Request) -> web.StreamResponse:
        """A file a desk delivers to its browser (textual-serve's download), for an enrolled window only."""
        if self.window_of(request) is None:
            raise web.HTTPForbidden()
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound() from None
        response = web.StreamResponse()
        response.headers["Content-Type"] = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{meta.file_name}"'
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # --- the desk's websocket -------------------------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Origin") != self.origin(request):
            self.refuse(request, "foreign_origin")
            raise web.HTTPForbidden()
        window = self.window_of(request)
        if window is None:
            self.refuse(request, "revoked" if request.cookies.get(COOKIE) else "not_enrolled")
            raise web.HTTPForbidden()
        if self.over_cap(request, window) is not None:
            raise web.HTTPServiceUnavailable()
        width = to_int(request.query.get("width", "80"), 80, 20, 500)
        height = to_int(request.query.get("height", "24"), 24, 10, 200)
        socket = web.WebSocketResponse(heartbeat=15)
        await socket.prepare(request)

        async def close() -> None:
            await socket.close()

        process = DeskProcess(
            desk_argv(self.db, self.lang, window.number),
            write_bytes=socket.send_bytes,
            write_str=socket.send_str,
            close=close,
            download_manager=self.download_manager,
        )
        self.open[process.app_service_id] = OpenDesk(window.number, process, request.cookies.get(COOKIE, ""))
        try:
            await process.start(width, height)
            await self.relay(socket, process)
        except asyncio.CancelledError:
            await socket.close()
        except Exception:  # noqa: BLE001 (one tab's failure must not take the hall's server down)
            log.exception("a desk process failed")
        finally:
            self.open.pop(process.app_service_id, None)
            await process.stop()
        return socket

    async def relay(self, socket: web.WebSocketResponse, process: DeskProcess) -> None:
        """The browser's keys, size and focus to the desk (textual-serve's messages)."""
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope: Any = message.json()
                kind, data = envelope[0], envelope[1]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                await process.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width = to_int(str(data.get("width", 80)), 80, 20, 500)
                height = to_int(str(data.get("height", 24)), 24, 10, 200)
                await process.set_terminal_size(width, height)
            elif kind == "ping":
                await socket.send_json(["pong", data])
            elif kind == "blur":
                await process.blur()
            elif kind == "focus":
                await process.focus()


def loopback(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")


def check_public_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path in ("", "/") and not parts.query
