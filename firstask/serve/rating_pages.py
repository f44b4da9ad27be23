"""The pages visitors rate on (好差评, SPEC §12): the window's pad (评价器), a tablet beside the window, driven by
`pad.js`; and the page a slip's QR code opens on a phone, a plain form that needs no script. Large type, touch first,
nothing from the internet; every value escaped. Their style is a file of its own (`/static/pad.css`) and they carry
no inline script or style, so the server sends them under a policy that allows neither (`STRICT_CSP`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from firstask import i18n, rules
from firstask.serve.pages import PAGE_FONTS

PAD_SCRIPT = Path(__file__).with_name("pad.js")
LEVELS = (5, 4, 3, 2, 1)
# Green to red, as the national 好差评 pads show them; each button also says its level in words.
LEVEL_COLOURS = {5: "#1b7f3b", 4: "#4c9a2a", 3: "#9a7700", 2: "#c8581b", 1: "#b3261e"}
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

PAD_STYLE = (
    f"""
* {{ box-sizing: border-box; }}
html, body {{ height: 100%; }}
body {{ margin: 0; background: #f4f6f8; color: #14212b; font-family: {PAGE_FONTS};
  -webkit-tap-highlight-color: transparent; touch-action: manipulation; -webkit-text-size-adjust: 100%; }}
main {{ max-width: 64rem; margin: 0 auto; padding: 1.2rem 1.4rem; min-height: 100%;
  display: flex; flex-direction: column; }}
header {{ display: flex; justify-content: space-between; align-items: baseline; flex-wrap: wrap; gap: .4rem 1rem;
  border-bottom: 2px solid #d5dde3; padding-bottom: .6rem; }}
header .window {{ font-size: 2rem; font-weight: bold; color: #0b4f8a; }}
header .centre {{ font-size: 1.1rem; color: #50616d; }}
.badge {{ margin: 4rem auto 0; text-align: center; }}
.badge .card {{ display: inline-block; min-width: 22rem; padding: 1.6rem 3rem 1.8rem; background: #fff;
  border-radius: 16px; border-top: 10px solid #0b4f8a; box-shadow: 0 2px 10px rgba(20, 33, 43, .12); }}
.badge .label {{ font-size: 1.4rem; color: #50616d; }}
.badge .name {{ font-size: 4rem; font-weight: bold; margin: .4rem 0; }}
.badge .code {{ font-size: 1.7rem; color: #50616d; }}
.badge .card.closed .name {{ color: #50616d; }}
.badge .welcome {{ font-size: 1.7rem; margin-top: 3rem; color: #0b4f8a; }}
.about {{ font-size: 1.35rem; line-height: 1.7; margin: 1rem 0; background: #fff; border-radius: 10px;
  padding: .8rem 1.2rem; }}
.about b {{ color: #50616d; font-weight: normal; margin-right: .4rem; }}
h1 {{ font-size: 2rem; text-align: center; margin: 1rem 0; }}
h2 {{ font-size: 1.4rem; text-align: center; margin: 1.4rem 0 .4rem; }}
.levels {{ display: grid; grid-template-columns: repeat(5, 1fr); gap: .9rem; }}
.levels button, .levels label {{ position: relative; min-height: 12rem; font-size: 1.9rem; font-weight: bold;
  color: #fff; border: none; border-radius: 16px; cursor: pointer; display: flex; align-items: center;
  justify-content: center; text-align: center; padding: .4rem; font-family: inherit; line-height: 1.3; }}
.levels button:active {{ transform: scale(.97); }}
.levels input {{ position: absolute; opacity: 0; width: 1px; height: 1px; }}
.levels input:checked + span::before {{ content: "\\2714\\00a0"; }}
.levels label:has(input:checked) {{ outline: 5px solid #14212b; outline-offset: 3px; }}
.levels label:has(input:focus-visible) {{ outline: 3px dashed #14212b; outline-offset: 3px; }}
"""
    + "".join(f".level-{n} {{ background: {colour}; }}\n" for n, colour in LEVEL_COLOURS.items())
    + """
.chosen { display: table; margin: 1rem auto 0; padding: .5rem 2rem; border-radius: 999px; color: #fff;
  font-size: 1.5rem; font-weight: bold; }
.reasons { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1.2rem 0; }
.reasons button, .reasons label { font-size: 1.5rem; padding: 1rem 1.5rem; border-radius: 999px;
  border: 2px solid #8a9aa6; background: #fff; color: #14212b; cursor: pointer; font-family: inherit; }
.reasons button[aria-pressed="true"], .reasons label:has(input:checked) { background: #b3261e; color: #fff;
  border-color: #b3261e; }
.reasons button[aria-pressed="true"]::before { content: "\\2714\\00a0"; }
.reasons input { margin-right: .6rem; transform: scale(1.6); }
textarea { width: 100%; font-size: 1.4rem; padding: .6rem; border-radius: 8px; border: 2px solid #8a9aa6;
  font-family: inherit; }
.actions { display: flex; gap: 1.2rem; justify-content: center; margin-top: 1.4rem; }
.actions button, .actions a { font-size: 1.7rem; padding: 1.1rem 3rem; border-radius: 12px; border: none;
  cursor: pointer; font-family: inherit; text-decoration: none; }
.primary { background: #0b4f8a; color: #fff; }
.secondary { background: #d5dde3; color: #14212b; }
.error { color: #b3261e; font-size: 1.5rem; font-weight: bold; text-align: center; min-height: 2.2rem;
  margin: .6rem 0; }
.thanks { text-align: center; margin-top: 16vh; }
.thanks .big { font-size: 3.8rem; font-weight: bold; color: #1b7f3b; }
.thanks .big.refused { color: #b3261e; font-size: 2.6rem; }
.thanks .small { font-size: 1.6rem; color: #50616d; margin-top: 1.2rem; line-height: 1.6; }
.hidden { display: none !important; }
@media (max-width: 40rem) {
  main { padding: 1rem; }
  header .window { font-size: 1.6rem; }
  .about { font-size: 1.15rem; }
  .levels { grid-template-columns: 1fr; gap: .7rem; }
  .levels button, .levels label { min-height: 4.2rem; font-size: 1.5rem; }
  .reasons button, .reasons label { font-size: 1.2rem; padding: .7rem 1.1rem; }
  .badge .card { min-width: 0; padding: 1.2rem 1.6rem; }
  .badge .name { font-size: 2.6rem; }
  h1 { font-size: 1.5rem; }
  .thanks .big { font-size: 2.4rem; }
  .thanks .big.refused { font-size: 1.8rem; }
  .actions button, .actions a { width: 100%; }
}
"""
)


def _page(lang: str, title: str, body: str, script: str = "") -> str:
    code = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/pad.css"></head>'
        f"<body>{body}{script}</body></html>"
    )


def _t(key: str, lang: str, **params: object) -> str:
    return escape(i18n.t(key, lang, **params))


def _header(lang: str, centre: str, title: str = "") -> str:
    return (
        f'<header><span class="window" id="window">{escape(title)}</span>'
        f'<span class="centre">{escape(centre)}</span></header>'
    )


PAD_KEYS = (
    "window",
    "serving",
    "not_serving",
    "staff_code",
    "welcome",
    "closed",
    "prompt",
    "case",
    "matter",
    "service",
    "clerk",
    "why",
    "comment",
    "submit",
    "back",
    "thanks",
    "thanks_more",
    "failed",
    "badge",
)


def pad_strings(lang: str) -> dict[str, Any]:
    """What pad.js shows, in the pad's language; a bad level with no reason is refused in RATE-3's own words."""
    return {
        "lang": lang,
        **{key: i18n.t(f"pad.{key}", lang) for key in PAD_KEYS},
        "why_needed": i18n.t("rate3.reason", lang),
        "levels": {str(level): i18n.t(f"rate.level.{level}", lang) for level in LEVELS},
        "actions": {a: i18n.t(f"action.{a}", lang) for a in sorted(rules.SERVICES)},
        "kinds": {k: i18n.t(f"kind.{k}", lang) for k in rules.KINDS},
    }


def pad_page(lang: str, centre: str) -> str:
    """The pad's one page; pad.js fills it from /pad/state and posts the visitor's tap to /pad/rate."""
    strings = json.dumps(pad_strings(lang), ensure_ascii=False).replace("<", "\\u003c")
    body = (
        f'<main id="pad">{_header(lang, centre)}'
        '<section id="idle" class="badge"><div class="card" id="card"><div class="label" id="serving-label"></div>'
        '<div class="name" id="serving-name"></div><div class="code" id="serving-code"></div></div>'
        '<div class="welcome" id="welcome"></div></section>'
        '<section id="asking" class="hidden"><div class="about" id="about"></div><h1 id="prompt"></h1>'
        '<div class="levels" id="levels"></div><div class="error" id="ask-error" role="alert"></div></section>'
        '<section id="reasons" class="hidden"><div class="chosen" id="chosen-level"></div><h1 id="why"></h1>'
        '<div class="reasons" id="reason-list"></div>'
        '<textarea id="comment" rows="2" maxlength="200"></textarea><div class="error" id="error" role="alert"></div>'
        '<div class="actions"><button type="button" class="secondary" id="back"></button>'
        '<button type="button" class="primary" id="submit"></button></div></section>'
        '<section id="thanks" class="thanks hidden"><div class="big" id="thanks-big"></div>'
        '<div class="small" id="thanks-small"></div></section>'
        "</main>"
    )
    # A data block (never run, so the strict policy allows it), then the script served from here.
    script = f'<script type="application/json" id="strings">{strings}</script><script src="/static/pad.js"></script>'
    return _page(lang, i18n.t("pad.title", lang), body, script)


def _about(lang: str, asked: Mapping[str, Any]) -> str:
    clerk = asked.get("clerk") or {}
    matter = asked.get("matter") or i18n.t(f"kind.{asked.get('kind') or 'enquiry'}", lang)
    rows = [
        ("pad.case", str(asked.get("case_no") or "")),
        ("pad.matter", str(matter)),
        ("pad.service", i18n.t(f"action.{asked.get('service') or 'answer'}", lang)),
        (
            "pad.clerk",
            i18n.t("pad.badge", lang, name=clerk.get("name", ""), code=clerk.get("code", "")) if clerk else "-",
        ),
    ]
    return "".join(f"<div><b>{_t(label, lang)}</b>{escape(value)}</div>" for label, value in rows)


def rate_form(
    lang: str,
    token: str,
    asked: Mapping[str, Any],
    *,
    centre: str = "",
    error: str = "",
    level: int | None = None,
    chosen: Sequence[str] = (),
    comment: str = "",
) -> str:
    """The QR code's page: the service and who gave it, five levels, the reasons, a comment; posts to itself."""
    levels = "".join(
        f'<label class="level-{n}"><input type="radio" name="level" value="{n}" required'
        f"{' checked' if level == n else ''}><span>{_t(f'rate.level.{n}', lang)}</span></label>"
        for n in LEVELS
    )
    reasons = "".join(
        f'<label><input type="checkbox" name="reason" value="{escape(r)}"{" checked" if r in chosen else ""}>'
        f"<span>{escape(r)}</span></label>"
        for r in asked.get("reasons") or ()
    )
    wrong = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
    action = f"/rate/{quote(token, safe='')}?lang={lang}"
    body = (
        f"<main>{_header(lang, centre, i18n.t('pad.title', lang))}"
        f'<div class="about">{_about(lang, asked)}</div><h1>{_t("pad.prompt", lang)}</h1>{wrong}'
        f'<form method="post" action="{escape(action)}"><div class="levels">{levels}</div>'
        f'<h2>{_t("pad.why_phone", lang)}</h2><div class="reasons">{reasons}</div>'
        f'<textarea name="comment" rows="3" maxlength="200" placeholder="{_t("pad.comment", lang)}">'
        f"{escape(comment)}</textarea>"
        f'<div class="actions"><button type="submit" class="primary">{_t("pad.submit", lang)}</button></div>'
        "</form></main>"
    )
    return _page(lang, i18n.t("pad.title", lang), body)


def rate_said(
    lang: str,
    title_key: str,
    body_key: str = "",
    *,
    said: str = "",
    refused: bool = False,
    link: tuple[str, str] | None = None,
    **params: object,
) -> str:
    """One thing said in the pads' style: thanks, or why a link or a page cannot be used (`said`: a refusal's own
    words, else `body_key`), with at most one link."""
    text = escape(said) if said else _t(body_key, lang, **params)
    more = (
        f'<div class="actions"><a class="primary" href="{escape(link[0])}">{_t(link[1], lang)}</a></div>'
        if link
        else ""
    )
    body = (
        f'<main><section class="thanks"><div class="big{" refused" if refused else ""}">{_t(title_key, lang)}</div>'
        f'<div class="small">{text}</div>{more}</section></main>'
    )
    return _page(lang, i18n.t(title_key, lang), body)
