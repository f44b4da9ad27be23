"""The pages the hall's server sends: the desk itself (textual-serve's terminal page, with nothing from the internet:
its scripts, styles and fonts come from this server), and plain pages for whoever may not have a desk (not enrolled,
revoked, too many desks) and for enrolment. Every value is escaped; nothing the browser sent is shown unescaped."""

from __future__ import annotations

from html import escape

from firstask import i18n

# textual.js names its own font stack; the desk's names Chinese monospace fonts too: those of a stock Windows PC
# (NSimSun, SimSun, Microsoft YaHei), of a Debian thin client with fonts-wqy-microhei or fonts-noto-cjk, of a Mac.
XTERM_FONTS = "'Roboto Mono', Monaco, 'Courier New', monospace"
DESK_FONTS = (
    "'Roboto Mono', 'Sarasa Mono SC', 'NSimSun', 'SimSun', 'Microsoft YaHei', 'WenQuanYi Micro Hei Mono', "
    "'WenQuanYi Zen Hei Mono', 'Noto Sans Mono CJK SC', 'Source Han Mono SC', 'PingFang SC', 'Courier New', monospace"
)
PAGE_FONTS = "'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif"

STYLE = f"""
body {{ background: #0c181f; color: rgba(255,255,255,.92); font-family: {PAGE_FONTS}; margin: 0; }}
main {{ max-width: 40rem; margin: 12vh auto; padding: 2rem; background: #12232d; border-radius: 6px; }}
h1 {{ font-size: 1.6rem; margin-top: 0; }}
p {{ font-size: 1.1rem; line-height: 1.6; }}
a, button {{ display: inline-block; margin-top: 1rem; padding: .7rem 1.6rem; font-size: 1.1rem; color: #fff;
  background: #5e0ba7; border: none; border-radius: 4px; text-decoration: none; cursor: pointer; }}
input {{ font-size: 1.6rem; letter-spacing: .2rem; padding: .4rem .6rem; width: 12rem; text-transform: uppercase; }}
label {{ display: block; margin: 1rem 0 .4rem; }}
.error {{ color: #ff8a80; font-weight: bold; }}
"""


def plain_page(
    lang: str,
    title_key: str,
    body_key: str,
    *,
    link: tuple[str, str] | None = None,
    again_after: int | None = None,
    **params: object,
) -> str:
    """A page that says one thing (and may offer one link): not enrolled, revoked, too many desks. With
    `again_after`, the browser asks again by itself after that many seconds (a tab reloaded while its window had
    all its desks open finds its own old desk gone by then)."""
    title = escape(i18n.t(title_key, lang))
    body = escape(i18n.t(body_key, lang, **params))
    more = f'<a href="{escape(link[0])}">{escape(i18n.t(link[1], lang))}</a>' if link else ""
    return _html(lang, title, f"<h1>{title}</h1><p>{body}</p>{more}", again_after)


def enrol_page(lang: str, *, error: str = "") -> str:
    title = escape(i18n.t("hall.page.enrol_title", lang))
    wrong = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    form = (
        f"<h1>{title}</h1><p>{escape(i18n.t('hall.page.enrol_intro', lang))}</p>{wrong}"
        '<form method="post" action="/enrol">'
        f'<label for="code">{escape(i18n.t("hall.page.code", lang))}</label>'
        '<input id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" '
        'maxlength="16" required autofocus>'
        f'<br><button type="submit">{escape(i18n.t("hall.page.enrol_button", lang))}</button></form>'
    )
    return _html(lang, title, form)


def enrolled_page(lang: str, number: int, name: str) -> str:
    title = escape(i18n.t("hall.page.enrolled_title", lang))
    body = escape(i18n.t("hall.page.enrolled", lang, number=number, name=name))
    return _html(
        lang, title, f'<h1>{title}</h1><p>{body}</p><a href="/">{escape(i18n.t("hall.page.open_desk", lang))}</a>'
    )


def _html(lang: str, title: str, body: str, again_after: int | None = None) -> str:
    code = "zh-CN" if lang == "zh" else "en"
    again = f'<meta http-equiv="refresh" content="{int(again_after)}">' if again_after else ""
    return (
        f'<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8">{again}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    )


def desk_page(lang: str, *, websocket_url: str, window: int, font_size: int = 16) -> str:
    """The terminal page of one desk: textual-serve's own (xterm.js in textual.js), its assets from /static."""
    title = escape(f"{i18n.t('hall.page.title', lang)} · {i18n.t('hall.page.window', lang, number=window)}")
    code = "zh-CN" if lang == "zh" else "en"
    return f"""<!DOCTYPE html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>
@font-face {{ font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }}
body {{ background: #0c181f; margin: 0; }}
.dialog-container {{ position: absolute; width: 100vw; height: 100vh; display: flex; align-items: center;
  justify-content: center; z-index: 10; }}
.intro {{ width: 640px; height: 200px; z-index: 20; font-family: {PAGE_FONTS}; font-size: 18px; text-align: center;
  color: rgba(255,255,255,.95); background-color: #12232d; display: flex; flex-direction: column; align-items: center;
  justify-content: center; margin: 32px; }}
body.-first-byte .intro-dialog {{ display: none; }}
body .textual-terminal {{ opacity: 0; }}
body.-first-byte .textual-terminal {{ opacity: 1; transition: opacity .2s ease-out; }}
button {{ padding: 12px 32px; background-color: #5e0ba7; color: #fff; border: none; font-size: 16px; margin: 16px;
  cursor: pointer; font-family: {PAGE_FONTS}; }}
.closed-dialog {{ display: none; }}
body.-closed .closed-dialog {{ display: flex; }}
#start {{ display: none; }}
#start.-delay {{ display: block; }}
</style>
<script>
function refresh() {{ window.location.href = "/"; }}
</script>
</head>
<body>
<div class="dialog-container intro-dialog"><div class="intro">
<div>{escape(i18n.t("hall.page.starting", lang))}</div>
<button type="button" onclick="refresh()" id="start">{escape(i18n.t("hall.page.restart", lang))}</button>
</div></div>
<div class="dialog-container closed-dialog"><div class="intro">
<div class="message">{escape(i18n.t("hall.page.ended", lang))}</div>
<button type="button" onclick="refresh()">{escape(i18n.t("hall.page.restart", lang))}</button>
</div></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{escape(websocket_url)}"
  data-font-size="{int(font_size)}"></div>
</body>
</html>
"""
