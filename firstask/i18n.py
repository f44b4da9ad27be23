"""Every string a user sees, looked up by key in one catalogue per language (locales/zh.toml, locales/en.toml)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")
_LOCALES = Path(__file__).with_name("locales")
_current: str | None = None


@dataclass(frozen=True)
class Lazy:
    """A parameter that is itself a catalogue key, translated in the language the message is shown in."""

    key: str


def default_language() -> str:
    """Chinese where the locale is Chinese, English elsewhere."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str | None) -> None:
    global _current
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def language() -> str:
    return _current or default_language()


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The language's catalogue: `zh.toml` and its parts (`zh-app.toml`, …), one flat mapping of keys."""
    out: dict[str, str] = {}
    for path in sorted(_LOCALES.glob(f"{lang}*.toml")):
        with path.open("rb") as f:
            out.update(_flatten(tomllib.load(f)))
    return out


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The message `key` in `lang` (default: the current language), with its parameters filled in."""
    lang = lang or language()
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    if not params:
        return text
    values = {k: _filled(v, lang) for k, v in params.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def _filled(value: Any, lang: str) -> Any:
    """A parameter as the message shows it: a catalogue key translated, a list joined as the language joins one."""
    if isinstance(value, Lazy):
        return t(value.key, lang)
    if isinstance(value, list | tuple):
        return join(map(str, value), lang)
    return value


def join(items: Iterable[str], lang: str | None = None) -> str:
    """Items joined as the language joins a list: `甲、乙` in Chinese, `A, B` in English."""
    return t("common.list_sep", lang).join(items)


def name_and_code(name: str | None, code: str, lang: str | None = None) -> str:
    """A staff member as every list, slip and report names them: `张三（w01）`, `Zhang San (w01)`; the code alone
    when the name is not known."""
    return t("common.name_code", lang, name=name, code=code) if name else code
