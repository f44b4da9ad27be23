"""The hall's server: one desk process per browser tab of an enrolled window PC, on the centre's database file.

A browser without a window's token (the cookie `/enrol` gives it) gets a plain page and no desk process; a revoked
window is turned away at its next connection; the websocket that drives a desk must come from this server's own
page (its Origin); the server runs at most the policy's number of desks, overall and per window. Every page, script,
style and font is served from here. Built on textual-serve's protocol and its app service (`DeskProcess`).

The visitors' side of 好差评 (issue 20) is served here too: a window's rating pad (a tablet enrolled with a pad's code,
`/pad`, which asks `/pad/state` a few times a second and posts the tap to `/pad/rate`) and the page a slip's QR code
opens on a phone (`/rate/<token>`, a plain form; unknown tokens count as guesses against the address).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

from firstask import i18n
from firstask.desk import Clock, Desk, HallWindow, RuleError
from firstask.serve.certificates import lan_address
from firstask.serve.desk_process import STOP_SECONDS, DeskProcess, desk_argv
from firstask.serve.pages import DESK_FONTS, XTERM_FONTS, desk_page, enrol_page, enrolled_page, plain_page
from firstask.serve.rating_pages import PAD_SCRIPT, PAD_STYLE, STRICT_CSP, pad_page, rate_form, rate_said

log = logging.getLogger("firstask.serve")
T = TypeVar("T")

COOKIE = "firstask_window"
PAD_COOKIE = "firstask_pad"  # a window's rating pad (评价器): it gets /pad, never a desk
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")  # a rating link's
COOKIE_DAYS = 400  # the longest browsers keep a cookie; renewed at every desk opened, so it lasts until revoked
STATIC = Path(textual_serve.__file__).parent / "static"
REFUSAL_EVERY = 60.0  # seconds: the same refusal from the same place is recorded once a minute, not per request
WATCH_SECONDS = 15  # how soon a revoked window's open desks end
AGAIN = 5  # seconds before a page turned away for the caps asks again by itself
TRIES = 10  # enrolment codes tried from one address …
TRIES_MINUTES = 10  # … within this many minutes, then that address waits
TRIES_ALL = 100  # … and from all addresses together (one proxy in front of them all, or many addresses)
REFUSALS_PER_MINUTE = 60  # refused connections recorded a minute, in all
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
    token: str  # the browser's, to see whether its window still stands (`end_revoked`)
    process: DeskProcess | None = None  # None while its slot is held and the process not yet made
    opened: float = field(default_factory=time.monotonic)


class HallServer:
    """The aiohttp application of `firstask serve`."""

    def __init__(
        self,
        db: Path | str,
        lang: str,
        *,
        host: str,
        port: int,
        tls: ssl.SSLContext | None = None,
        public_url: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.db = db
        self.lang = lang
        self.host = host
        self.port = port
        self.tls = tls
        self.public_url = public_url.rstrip("/") if public_url else None
        self.clock = clock  # the desk's time (None: the wall clock); tests move it to expire a pad's request
        self._desk: Desk | None = None
        self.watch: asyncio.Task[None] | None = None
        self.open: dict[str, OpenDesk] = {}
        self.refused: dict[tuple[str, str], float] = {}
        self.tries: dict[str, list[float]] = {}
        self.download_manager = DownloadManager()  # textual-serve's; the desk delivers no files to browsers
        self.script = self._desk_script()
        # Every use of the file on one thread of its own: a write that waits for the file's lock (another window
        # committing, a backup) must not hold up the event loop that carries every window's keys and screens.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hall-file")

    # --- the desk this server asks (its own connection to the file) -----------------------------------------

    @property
    def desk(self) -> Desk:
        """The server's own desk on the file: used on its file thread only (`ask`)."""
        if self._desk is None:
            self._desk = Desk.open(self.db, self.clock, create=False)
        return self._desk

    async def ask(self, work: Callable[[Desk], T]) -> T:
        """`work(desk)` on the file thread."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, lambda: work(self.desk))

    async def start_watch(self, _app: web.Application) -> None:
        self.watch = asyncio.create_task(self.watch_windows())
        try:
            await self.ask(self.record_address)
        except Exception:  # noqa: BLE001 (the file busy: slips keep the address they had)
            log.warning("could not record the hall's address for the slips' QR codes")

    def record_address(self, desk: Desk) -> None:
        """Where visitors' phones reach this server, for the QR codes the windows print, unless the policy names
        one: --public-url, else this host's LAN address and port."""
        if desk.policy.hall_url:
            return
        if self.public_url:
            origin = public_origin(self.public_url)
        else:
            host = self.host
            if host in ("0.0.0.0", "::", ""):  # noqa: S104 (reading the bind address, not binding)
                host = lan_address() or "127.0.0.1"
            host = f"[{host}]" if ":" in host else host
            origin = f"{'https' if self.tls is not None else 'http'}://{host}:{self.port}"
        if desk.store.meta("hall_url") != origin:
            with desk.store.write():
                desk.store.set_meta("hall_url", origin)

    async def watch_windows(self) -> None:
        """Every `WATCH_SECONDS`, end the desks of a window revoked (or registered again) meanwhile: the tab's page
        says its desk ended, and opening it again is refused."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await self.end_revoked()
            except Exception:  # noqa: BLE001 (the file busy, say: the watch goes on, and looks again)
                log.exception("could not check the open desks' windows")
            self.forget_old()

    async def end_revoked(self) -> None:
        running = {key: (d.token, d.process) for key, d in self.open.items() if d.process is not None}
        gone = await self.ask(lambda desk: [p for t, p in running.values() if desk.window_of_token(t) is None])
        if gone:
            log.info("%d desks of revoked windows end", len(gone))
        await asyncio.gather(*(process.stop() for process in gone))

    def forget_old(self) -> None:
        """Refusals and tries older than they count for, forgotten (many addresses would otherwise pile up)."""
        now = time.monotonic()
        self.refused = {key: at for key, at in self.refused.items() if now - at < REFUSAL_EVERY}
        for peer in list(self.tries):
            self.tries[peer][:] = [t for t in self.tries[peer] if now - t < TRIES_MINUTES * 60]
            if not self.tries[peer]:
                del self.tries[peer]

    async def stop_desks(self, _app: web.Application | None = None) -> None:
        """On shutdown: every desk asked to quit (each commits or drops its open transaction), together."""
        await asyncio.gather(*(d.process.stop() for d in list(self.open.values()) if d.process is not None))

    async def close(self, _app: web.Application | None = None) -> None:
        if self.watch is not None:
            self.watch.cancel()
        await self.stop_desks()
        if self._desk is not None:
            desk, self._desk = self._desk, None
            await asyncio.get_running_loop().run_in_executor(self.executor, desk.close)
        self.executor.shutdown(wait=False)

    # --- the application ------------------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self.headers])
        app.add_routes(
            [
                web.get("/", self.index),
                web.get("/ws", self.websocket),
                web.get("/enrol", self.enrol_form),
                web.post("/enrol", self.enrol),
                web.get("/static/js/textual.js", self.textual_js),
                web.get("/static/pad.js", self.pad_js),
                web.get("/static/pad.css", self.pad_css),
                web.get("/pad", self.pad),
                web.get("/pad/state", self.pad_state),
                web.post("/pad/rate", self.pad_rate),
                web.get("/rate/{token}", self.rate_page),
                web.post("/rate/{token}", self.rate_post),
                web.static("/static", STATIC),
            ]
        )
        app.on_startup.append(self.start_watch)
        app.on_shutdown.append(self.stop_desks)
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
            shutdown_timeout=STOP_SECONDS + 5,
        )

    @web.middleware
    async def headers(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        if not isinstance(response, web.WebSocketResponse) and not response.prepared:
            own = response.headers.get("Content-Security-Policy")  # a page's stricter policy (`page(strict=True)`)
            response.headers.update(SECURITY_HEADERS)
            if own:
                response.headers["Content-Security-Policy"] = own
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
            return public_origin(self.public_url)
        return f"{'https' if self.tls is not None else 'http'}://{request.host}"

    async def window_of(self, request: web.Request) -> HallWindow | None:
        token = request.cookies.get(COOKIE)
        return await self.ask(lambda desk: desk.window_of_token(token)) if token else None

    async def refuse(self, request: web.Request, reason: str, window: int | None = None) -> None:
        """Record a refused connection, once a minute per reason and address, and at most `REFUSALS_PER_MINUTE`
        in all (many addresses, or one proxy for all)."""
        peer = request.remote or ""
        now = time.monotonic()
        if now - self.refused.get((reason, peer), -REFUSAL_EVERY) < REFUSAL_EVERY:
            return
        if sum(1 for at in self.refused.values() if now - at < REFUSAL_EVERY) >= REFUSALS_PER_MINUTE:
            return
        self.refused[(reason, peer)] = now
        try:
            await self.ask(lambda desk: desk.refuse_connection(reason, peer=peer, window=window))
        except Exception:  # noqa: BLE001 (the file busy for a moment: the refusal stands, its record is lost)
            log.warning("could not record a refused connection (%s from %s)", reason, peer)

    def page(self, html: str, status: int = 200, *, strict: bool = False) -> web.Response:
        """An HTML page; `strict`: it runs no inline script or style (the pads' and the phones' pages), and says so
        to the browser."""
        response = web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
        if strict:
            response.headers["Content-Security-Policy"] = STRICT_CSP
        return response

    def lang_of(self, request: web.Request) -> str:
        """The language a pad or a phone asked for (`?lang=en`), else the server's."""
        asked = request.query.get("lang", "")
        return asked if asked in i18n.LANGUAGES else self.lang

    def try_from(self, peer: str) -> float | None:
        """A try at a code or a link, counted against its address before anything is awaited (tries sent at once
        are all counted), and against all addresses together (one proxy in front of them all, or many addresses);
        None when the address, or everyone, has tried too often in the last `TRIES_MINUTES`."""
        now = time.monotonic()
        tries = self.tries.setdefault(peer, [])
        tries[:] = [t for t in tries if now - t < TRIES_MINUTES * 60]
        if len(tries) >= TRIES or sum(len(t) for t in self.tries.values()) >= TRIES_ALL:
            return None
        tries.append(now)
        return now

    def forgive(self, peer: str, at: float) -> None:
        """A right code, a link that exists: no try against the address."""
        tries = self.tries.get(peer, [])
        if at in tries:
            tries.remove(at)

    async def turned_away(self, request: web.Request) -> web.Response:
        """The page for a browser that has no window: revoked (it holds a token no longer valid) or not enrolled."""
        if request.cookies.get(COOKIE):
            await self.refuse(request, "revoked")
            return self.page(
                plain_page(
                    self.lang, "hall.page.revoked_title", "hall.page.revoked", link=("/enrol", "hall.page.enrol_link")
                ),
                403,
            )
        await self.refuse(request, "not_enrolled")
        return self.page(
            plain_page(
                self.lang,
                "hall.page.not_enrolled_title",
                "hall.page.not_enrolled",
                link=("/enrol", "hall.page.enrol_link"),
            ),
            403,
        )

    async def over_cap(self, request: web.Request, window: HallWindow, *, hold: str = "") -> web.Response | None:
        """The page for a desk over the policy's caps, or None when one more may open; with `hold`, its slot is
        taken under that key in the same step as the count (tabs opening together cannot all slip under a cap)."""
        policy = await self.ask(lambda desk: desk.policy)
        full = len(self.open) >= policy.hall_desks
        at_window = sum(1 for d in self.open.values() if d.window == window.number)
        if hold and not full and at_window < policy.hall_desks_per_window:
            self.open[hold] = OpenDesk(window.number, request.cookies.get(COOKIE, ""))
            return None
        if full:
            await self.refuse(request, "too_many", window.number)
            page = plain_page(
                self.lang, "hall.page.too_many_title", "hall.page.too_many", again_after=AGAIN, limit=policy.hall_desks
            )
            return self.page(page, 503)
        if at_window >= policy.hall_desks_per_window:
            await self.refuse(request, "too_many_window", window.number)
            title, body = "hall.page.too_many_window_title", "hall.page.too_many_window"
            page = plain_page(self.lang, title, body, again_after=AGAIN, limit=policy.hall_desks_per_window)
            return self.page(page, 503)
        return None

    # --- the pages ------------------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        window = await self.window_of(request)
        if window is None:
            return await self.turned_away(request)
        if (full := await self.over_cap(request, window)) is not None:
            return full
        origin = self.origin(request)
        scheme, rest = origin.split("://", 1)
        websocket_url = f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws"
        size = to_int(request.query.get("fontsize", "16"), 16, 8, 48)
        response = self.page(desk_page(self.lang, websocket_url=websocket_url, window=window.number, font_size=size))
        self.keep_cookie(response, request.cookies[COOKIE])  # browsers cap a cookie's life: renewed at each use
        return response

    def keep_cookie(self, response: web.Response, token: str, name: str = COOKIE) -> None:
        response.set_cookie(
            name,
            token,
            max_age=COOKIE_DAYS * 24 * 3600,
            path="/",
            httponly=True,
            secure=self.tls is not None or (self.public_url or "").startswith("https:"),
            samesite="Strict",
        )

    async def enrol_form(self, _request: web.Request) -> web.Response:
        return self.page(enrol_page(self.lang))

    async def enrol(self, request: web.Request) -> web.Response:
        origin = request.headers.get("Origin")
        if origin is not None and origin != self.origin(request):
            await self.refuse(request, "foreign_origin")
            raise web.HTTPForbidden()
        peer = request.remote or ""
        now = self.try_from(peer)
        if now is None:
            await self.refuse(request, "too_many_tries")
            page = plain_page(self.lang, "hall.page.tries_title", "hall.page.tries", minutes=TRIES_MINUTES)
            return self.page(page, 429)
        form = await request.post()
        code = str(form.get("code", ""))[:64]
        try:
            kind, window, token = await self.ask(lambda desk: desk.enrol(code, peer=peer, record=False))
        except RuleError as error:
            await self.refuse(request, "bad_code")
            return self.page(enrol_page(self.lang, error=error.message(self.lang)), 400)
        self.forgive(peer, now)
        if kind == "pad":  # a tablet beside the window: straight to its pad, which names the window
            response = web.Response(status=303, headers={"Location": "/pad"})
            self.keep_cookie(response, token, PAD_COOKIE)
            return response
        response = self.page(enrolled_page(self.lang, window.number, window.name))
        self.keep_cookie(response, token)
        return response

    # --- the rating pad (评价器) and the slips' QR page (好差评) ---------------------------------------------------

    async def pad_js(self, _request: web.Request) -> web.Response:
        return web.Response(body=PAD_SCRIPT.read_bytes(), content_type="application/javascript")

    async def pad_css(self, _request: web.Request) -> web.Response:
        return web.Response(text=PAD_STYLE, content_type="text/css", charset="utf-8")

    async def pad(self, request: web.Request) -> web.Response:
        """The pad's page, for a browser enrolled as a window's pad (its cookie renewed), else a page saying so."""
        lang = self.lang_of(request)
        token = request.cookies.get(PAD_COOKIE)

        def look(desk: Desk) -> tuple[HallWindow | None, str]:
            return (desk.pad_of_token(token) if token else None), desk.policy.centre_name

        window, centre = await self.ask(look)
        if window is None or token is None:
            await self.refuse(request, "revoked" if token else "not_enrolled")
            said = rate_said(
                lang,
                "pad.not_enrolled_title",
                "pad.not_enrolled",
                refused=True,
                link=("/enrol", "pad.enrol_link"),
            )
            return self.page(said, 403, strict=True)
        response = self.page(pad_page(lang, centre), strict=True)
        self.keep_cookie(response, token, PAD_COOKIE)  # browsers cap a cookie's life: renewed at each use
        return response

    async def pad_state(self, request: web.Request) -> web.Response:
        """What the pad shows now (`Desk.pad_state`), asked a few times a second: one visit to the file thread."""
        token = request.cookies.get(PAD_COOKIE)
        if not token:
            raise web.HTTPForbidden()

        def look(desk: Desk) -> dict[str, Any] | None:
            window = desk.pad_of_token(token)
            return None if window is None else desk.pad_state(window.number)

        state = await self.ask(look)
        if state is None:
            raise web.HTTPForbidden()
        return web.json_response(state)

    async def pad_rate(self, request: web.Request) -> web.Response:
        """The visitor's tap: {request, level, reasons, comment} → {"ok": true}, or {"ok": false, "rule",
        "message"} in the pad's language (RATE-3: a bad level with no reason; RATE-4: the request gone)."""
        if request.headers.get("Origin") != self.origin(request):  # pad.js's fetch always says where it runs
            await self.refuse(request, "foreign_origin")
            raise web.HTTPForbidden()
        token = request.cookies.get(PAD_COOKIE)
        if not token:
            raise web.HTTPForbidden()
        lang = self.lang_of(request)
        try:
            tap = tap_of(await request.json())
        except ValueError:
            tap = None
        if tap is None:
            failed = {"ok": False, "rule": "INPUT", "message": i18n.t("pad.failed", lang)}
            return web.json_response(failed, status=400)
        request_id, level, reasons, comment = tap

        def rate(desk: Desk) -> bool:
            window = desk.pad_of_token(token)
            if window is None:
                return False
            desk.rate_request(request_id, level, reasons=reasons, comment=comment, window=window.number)
            return True

        try:
            if not await self.ask(rate):
                raise web.HTTPForbidden()
        except RuleError as error:
            return web.json_response({"ok": False, "rule": error.rule, "message": error.message(lang)})
        return web.json_response({"ok": True})

    async def link_refused(self, request: web.Request, error: RuleError, lang: str) -> web.Response:
        """A rating link that cannot be used (RATE-5): unknown 404 (a guess: recorded, and counted), used or
        expired 410; in the refusal's own words."""
        if error.key == "rate5.unknown":
            await self.refuse(request, "bad_code")
        status = 404 if error.key == "rate5.unknown" else 410
        said = rate_said(lang, "pad.not_usable_title", said=error.message(lang), refused=True)
        return self.page(said, status, strict=True)

    async def too_many_tries(self, request: web.Request, lang: str) -> web.Response:
        await self.refuse(request, "too_many_tries")
        said = rate_said(lang, "pad.tries_title", "pad.tries", refused=True, minutes=TRIES_MINUTES)
        return self.page(said, 429, strict=True)

    def link_token(self, request: web.Request) -> str:
        """The token in the path, or "" for anything a link never holds (no file read for those)."""
        token = request.match_info["token"]
        return token if 0 < len(token) <= 100 and set(token) <= TOKEN_CHARS else ""

    async def rate_page(self, request: web.Request) -> web.Response:
        """What a slip's QR code opens: the service, who gave it, and the form; a try until the link is known."""
        lang, peer, token = self.lang_of(request), request.remote or "", self.link_token(request)
        at = self.try_from(peer)
        if at is None:
            return await self.too_many_tries(request, lang)

        def look(desk: Desk) -> tuple[dict[str, Any], str]:
            return desk.link_page(token), desk.policy.centre_name  # no token (""): refused as unknown

        try:
            asked, centre = await self.ask(look)
        except RuleError as error:
            if error.key != "rate5.unknown":
                self.forgive(peer, at)
            return await self.link_refused(request, error, lang)
        self.forgive(peer, at)
        return self.page(rate_form(lang, token, asked, centre=centre), strict=True)

    async def rate_post(self, request: web.Request) -> web.Response:
        """The phone's rating, recorded once (RATE-5); a bad level with no reason shows the form again, RATE-3's
        words above it, and records nothing."""
        origin = request.headers.get("Origin")
        if origin is not None and origin != self.origin(request):
            await self.refuse(request, "foreign_origin")
            raise web.HTTPForbidden()
        lang, peer, token = self.lang_of(request), request.remote or "", self.link_token(request)
        at = self.try_from(peer)
        if at is None:
            return await self.too_many_tries(request, lang)
        form = await request.post()
        chosen = [str(r)[:200] for r in form.getall("reason", [])][:20]
        comment = str(form.get("comment", ""))[:1000]
        raw = str(form.get("level", ""))
        level: Any = int(raw) if raw.isdigit() and len(raw) == 1 else raw

        def rate(desk: Desk) -> tuple[str, dict[str, Any] | None, str]:
            """The case rated; or, refused for what was sent (not for the link), the form's contents again."""
            try:
                return desk.rate_by_link(token, level, reasons=chosen, comment=comment).no, None, ""
            except RuleError as error:
                if error.key.startswith("rate5."):  # the link itself: unknown, used or expired
                    raise
                return "", desk.link_page(token), error.message(lang)

        try:
            no, asked, said = await self.ask(rate)
        except RuleError as error:
            if error.key != "rate5.unknown":
                self.forgive(peer, at)
            return await self.link_refused(request, error, lang)
        self.forgive(peer, at)
        if asked is not None:
            centre = await self.ask(lambda desk: desk.policy.centre_name)
            again = rate_form(
                lang,
                token,
                asked,
                centre=centre,
                error=said,
                level=level if isinstance(level, int) else None,
                chosen=chosen,
                comment=comment,
            )
            return self.page(again, 400, strict=True)
        return self.page(rate_said(lang, "pad.done_title", "pad.done", no=no), strict=True)

    # --- the desk's websocket -------------------------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Origin") != self.origin(request):
            await self.refuse(request, "foreign_origin")
            raise web.HTTPForbidden()
        window = await self.window_of(request)
        if window is None:
            await self.refuse(request, "revoked" if request.cookies.get(COOKIE) else "not_enrolled")
            raise web.HTTPForbidden()
        slot = uuid.uuid4().hex
        if await self.over_cap(request, window, hold=slot) is not None:
            raise web.HTTPServiceUnavailable()
        process: DeskProcess | None = None
        ws = web.WebSocketResponse(heartbeat=15)
        try:
            width = to_int(request.query.get("width", "80"), 80, 20, 500)
            height = to_int(request.query.get("height", "24"), 24, 10, 200)
            await ws.prepare(request)

            async def close() -> None:
                await ws.close()

            process = DeskProcess(
                desk_argv(self.db, self.lang, window.number),
                write_bytes=ws.send_bytes,
                write_str=ws.send_str,
                close=close,
                download_manager=self.download_manager,
            )
            self.open[slot].process = process
            await process.start(width, height)
            await self.relay(ws, process)
        except Exception:  # noqa: BLE001 (one tab's failure must not take the hall's server down)
            log.exception("a desk process failed")
        finally:
            self.open.pop(slot, None)
            if process is not None:
                await process.stop()
            await ws.close()
        return ws

    async def relay(self, ws: web.WebSocketResponse, process: DeskProcess) -> None:
        """The browser's keys, size and focus to the desk (textual-serve's messages)."""
        async for message in ws:
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
                await ws.send_json(["pong", data])
            elif kind == "blur":
                await process.blur()
            elif kind == "focus":
                await process.focus()


def tap_of(sent: Any) -> tuple[Any, Any, list[str], str] | None:
    """A pad's tap as pad.js sends it: (request, level, reasons, comment), or None for anything else (the request and
    the level are the desk's to judge)."""
    if not isinstance(sent, dict) or "request" not in sent or "level" not in sent:
        return None
    reasons, comment = sent.get("reasons") or [], sent.get("comment") or ""
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons) or not isinstance(comment, str):
        return None
    return sent["request"], sent["level"], reasons, comment


def loopback(host: str) -> bool:
    """Whether binding to `host` keeps the server on this machine (a name: every address it resolves to)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(found) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in found)


def check_public_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path in ("", "/") and not parts.query


def public_origin(url: str) -> str:
    """--public-url as a browser names its origin: scheme and host in lower case, no default port."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")
