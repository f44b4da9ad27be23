"""The pages visitors rate on (好差评, SPEC §12): the window's pad (评价器), a tablet beside the window, driven by
`pad.js`; and the page a slip's QR code opens on a phone, a plain form that needs no script. Large type, touch first,
nothing from the internet; every value escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from firstask import i18n, rules
from firstask.serve.pages import PAGE_FONTS

PAD_SCRIPT = Path(__file__).with_name("pad.js")
LEVELS = (5, 4, 3, 2, 1)
# Green to red, as the national 好差评 pads show them; each button also says its level in words.
LEVEL_COLOURS = {5: "#1b7f3b", 4: "#4c9a2a", 3: "#b08900", 2: "#c8581b", 1: "#b3261e"}

STYLE = f"""
* {{ box-sizing: border-box; }}
html, body {{ height: 100%; }}
body {{ margin: 0; background: #f4f6f8; color: #14212b; font-family: {PAGE_FONTS};
  -webkit-tap-highlight-color: transparent; touch-action: manipulation; }}
main {{ max-width: 64rem; margin: 0 auto; padding: 1.2rem 1.4rem; min-height: 100%;
  display: flex; flex-direction: column; }}
header {{ display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #d5dde3;
  padding-bottom: .6rem; }}
header .window {{ font-size: 2rem; font-weight: bold; color: #0b4f8a; }}
header .centre {{ font-size: 1.1rem; color: #50616d; }}
.badge {{ margin: 2.5rem auto 0; text-align: center; }}
.badge .label {{ font-size: 1.3rem; color: #50616d; }}
.badge .name {{ font-size: 3.4rem; font-weight: bold; margin: .6rem 0; }}
.badge .code {{ font-size: 1.6rem; color: #50616d; }}
.badge .welcome {{ font-size: 1.6rem; margin-top: 2.5rem; color: #0b4f8a; }}
.about {{ font-size: 1.25rem; line-height: 1.7; margin: 1rem 0; background: #fff; border-radius: 10px;
  padding: .8rem 1.2rem; }}
.about b {{ color: #50616d; font-weight: normal; margin-right: .4rem; }}
h1 {{ font-size: 2rem; text-align: center; margin: 1rem 0; }}
.levels {{ display: grid; grid-template-columns: repeat(5, 1fr); gap: .8rem; }}
.levels button, .levels label {{ min-height: 8rem; font-size: 1.6rem; font-weight: bold; color: #fff; border: none;
  border-radius: 14px; cursor: pointer; display: flex; align-items: center; justify-content: center; text-align: center;
  padding: .4rem; font-family: inherit; }}
.levels input {{ position: absolute; opacity: 0; }}
.levels input:checked + span {{ outline: 5px solid #14212b; outline-offset: 6px; border-radius: 10px; }}
.reasons {{ display: flex; flex-wrap: wrap; gap: .7rem; margin: 1rem 0; }}
.reasons button, .reasons label {{ font-size: 1.4rem; padding: 1rem 1.3rem; border-radius: 999px;
  border: 2px solid #8a9aa6; background: #fff; color: #14212b; cursor: pointer; font-family: inherit; }}
.reasons button[aria-pressed="true"], .reasons label:has(input:checked) {{ background: #b3261e; color: #fff;
  border-color: #b3261e; }}
.reasons input {{ margin-right: .5rem; transform: scale(1.6); }}
textarea {{ width: 100%; font-size: 1.3rem; padding: .6rem; border-radius: 8px; border: 2px solid #8a9aa6;
  font-family: inherit; }}
.actions {{ display: flex; gap: 1rem; justify-content: center; margin-top: 1.2rem; }}
.actions button {{ font-size: 1.6rem; padding: 1rem 2.6rem; border-radius: 12px; border: none; cursor: pointer;
  font-family: inherit; }}
.primary {{ background: #0b4f8a; color: #fff; }}
.secondary {{ background: #d5dde3; color: #14212b; }}
.error {{ color: #b3261e; font-size: 1.4rem; font-weight: bold; text-align: center; min-height: 2rem; }}
.thanks {{ text-align: center; margin-top: 18vh; }}
.thanks .big {{ font-size: 3.6rem; font-weight: bold; color: #1b7f3b; }}
.thanks .small {{ font-size: 1.5rem; color: #50616d; margin-top: 1rem; }}
.hidden {{ display: none !important; }}
@media (max-width: 40rem) {{
  .levels {{ grid-template-columns: 1fr; }}
  .levels button, .levels label {{ min-height: 4rem; }}
  .badge .name {{ font-size: 2.4rem; }}
  h1 {{ font-size: 1.5rem; }}
}}
"""


def _page(lang: str, title: str, body: str, script: str = "") -> str:
    code = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}{script}</body></html>"
    )


def _t(key: str, lang: str, **params: object) -> str:
    return escape(i18n.t(key, lang, **params))


def pad_strings(lang: str) -> dict[str, Any]:
    """What pad.js shows, in the pad's language."""
    keys = (
        "window",
        "serving",
        "not_serving",
        "welcome",
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
        "why_needed",
        "badge",
    )
    return {
        **{key: i18n.t(f"pad.{key}", lang) for key in keys},
        "levels": {str(level): i18n.t(f"rate.level.{level}", lang) for level in LEVELS},
        "colours": {str(level): colour for level, colour in LEVEL_COLOURS.items()},
        "actions": {a: i18n.t(f"action.{a}", lang) for a in sorted(rules.SERVICES)},
        "kinds": {k: i18n.t(f"kind.{k}", lang) for k in rules.KINDS},
    }


def pad_page(lang: str, centre: str) -> str:
    """The pad's one page; pad.js fills it from /pad/state and posts the visitor's tap to /pad/rate."""
    strings = json.dumps(pad_strings(lang), ensure_ascii=False).replace("</", "<\\/")
    body = (
        '<main id="pad">'
        f'<header><span class="window" id="window"></span><span class="centre">{escape(centre)}</span></header>'
        '<section id="idle" class="badge"><div class="label" id="serving-label"></div>'
        '<div class="name" id="serving-name"></div><div class="code" id="serving-code"></div>'
        '<div class="welcome" id="welcome"></div></section>'
        '<section id="asking" class="hidden"><div class="about" id="about"></div><h1 id="prompt"></h1>'
        '<div class="levels" id="levels"></div></section>'
        '<section id="reasons" class="hidden"><h1 id="why"></h1><div class="reasons" id="reason-list"></div>'
        '<textarea id="comment" rows="2" maxlength="200"></textarea><div class="error" id="error" role="alert"></div>'
        '<div class="actions"><button type="button" class="secondary" id="back"></button>'
        '<button type="button" class="primary" id="submit"></button></div></section>'
        '<section id="thanks" class="thanks hidden"><div class="big" id="thanks-big"></div>'
        '<div class="small" id="thanks-small"></div></section>'
        "</main>"
    )
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
    return "<br>".join(f"<b>{_t(label, lang)}</b>{escape(value)}" for label, value in rows)


def rate_form(
    lang: str,
    token: str,
    asked: Mapping[str, Any],
    *,
    error: str = "",
    level: int | None = None,
    chosen: Sequence[str] = (),
    comment: str = "",
) -> str:
    """The QR code's page: the service and who gave it, five levels, the reasons, a comment; posts to itself."""
    levels = "".join(
        f'<label style="background:{LEVEL_COLOURS[n]}"><input type="radio" name="level" value="{n}" required'
        f"{' checked' if level == n else ''}><span>{_t(f'rate.level.{n}', lang)}</span></label>"
        for n in LEVELS
    )
    reasons = "".join(
        f'<label><input type="checkbox" name="reason" value="{escape(r)}"{" checked" if r in chosen else ""}>'
        f"<span>{escape(r)}</span></label>"
        for r in asked.get("reasons") or ()
    )
    wrong = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
    body = (
        f'<main><header><span class="window">{_t("pad.title", lang)}</span></header>'
        f'<div class="about">{_about(lang, asked)}</div><h1>{_t("pad.prompt", lang)}</h1>{wrong}'
        f'<form method="post" action="/rate/{escape(token)}"><div class="levels">{levels}</div>'
        f'<h1>{_t("pad.why_phone", lang)}</h1><div class="reasons">{reasons}</div>'
        f'<textarea name="comment" rows="3" maxlength="200" placeholder="{_t("pad.comment", lang)}">'
        f"{escape(comment)}</textarea>"
        f'<div class="actions"><button type="submit" class="primary">{_t("pad.submit", lang)}</button></div>'
        "</form></main>"
    )
    return _page(lang, i18n.t("pad.title", lang), body)


def rate_done(lang: str, title_key: str, body_key: str = "", *, said: str = "", **params: object) -> str:
    """Thanks, or why the link cannot be used (RATE-5: `said`, the refusal's own words)."""
    text = escape(said) if said else _t(body_key, lang, **params)
    body = (
        f'<main><section class="thanks"><div class="big">{_t(title_key, lang)}</div>'
        f'<div class="small">{text}</div></section></main>'
    )
    return _page(lang, i18n.t("pad.title", lang), body)


def pad_enrolled_page(lang: str, number: int, name: str) -> str:
    body = (
        f'<main><section class="thanks"><div class="big">{_t("pad.enrolled_title", lang)}</div>'
        f'<div class="small">{_t("pad.enrolled", lang, number=number, name=name)}</div>'
        f'<div class="actions"><a class="primary" href="/pad" style="font-size:1.6rem;padding:1rem 2.6rem;'
        f'border-radius:12px;text-decoration:none">{_t("pad.open_pad", lang)}</a></div></section></main>'
    )
    return _page(lang, i18n.t("pad.enrolled_title", lang), body)
