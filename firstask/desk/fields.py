"""Input cleaning: every text the desk stores is cut to its field's limit and refused when it holds control
characters, surrogates or the wrong type — a clear message, never a traceback, nothing half-written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from firstask import rules
from firstask.rules import RuleError


def typed_code(code: Any) -> str:
    """A staff code as typed at the log-in, storable in the history: a lone surrogate is kept escaped (such a code
    names no staff member either way); anything but text is no code."""
    return code.strip().encode("utf-8", "backslashreplace").decode() if isinstance(code, str) else ""


# --- input cleaning ------------------------------------------------------------------------------------------

LIMITS = {
    "visitor_name": 60,
    "org": 120,
    "address": 200,
    "summary": 4000,
    "text": 4000,
    "code": 20,
    "name": 60,
    "item": 200,
    "agency": 200,
    "contact": 200,
}


def is_control(c: str, allowed: str) -> bool:
    """A character that would act on a terminal or a printer rather than be shown (C0, DEL, C1, line separators),
    or a lone surrogate, which no file or terminal can hold."""
    return (
        (ord(c) < 32 and c not in allowed) or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" or 0xD800 <= ord(c) < 0xE000
    )


def clean(value: Any, field_name: str, *, multiline: bool = False, limit: int | None = None) -> str:
    """Text as typed, trimmed; refused (never silently changed) when too long or holding control characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RuleError("INPUT", "input.not_text", field=field_name)
    # Checked before trimming too: strip() drops some control characters (\x1c-\x1f, \x0b, \x0c, \x85) at the ends.
    if any(is_control(c, "\n\t\r") for c in value):
        raise RuleError("INPUT", "input.control", field=field_name)
    text = value.strip()
    allowed = "\n\t" if multiline else ""
    if any(is_control(c, allowed) for c in text):
        raise RuleError("INPUT", "input.control", field=field_name)
    cap = limit or LIMITS.get(field_name, 4000)
    if len(text) > cap:
        raise RuleError("INPUT", "input.too_long", field=field_name, limit=cap)
    return text


def clean_list(values: Iterable[Any] | None, field_name: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    try:
        items = list(values)
    except TypeError as e:  # a number, say, where a list of items goes
        raise RuleError("INPUT", "input.not_text", field=field_name) from e
    out: list[str] = []
    for v in items:
        text = clean(v, field_name, limit=LIMITS["item"])
        if text and text not in out:
            out.append(text)
    return out


def clean_document(raw: Any) -> rules.Document:
    """A matter's document as the catalogue gives it (a name, or its name, condition and form): each text cleaned,
    for all of them are printed on the visitor's notice."""
    if isinstance(raw, str):
        return rules.Document(clean(raw, "documents", limit=LIMITS["item"]))
    if not isinstance(raw, Mapping) or "name" not in raw:
        raise RuleError("INPUT", "matter.documents", field="documents")
    return rules.Document(
        clean(raw["name"], "documents", limit=LIMITS["item"]),
        clean(raw.get("when"), "documents", limit=LIMITS["item"]) or None,
        clean(raw.get("form"), "documents", limit=LIMITS["item"]) or None,
    )
