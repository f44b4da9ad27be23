"""Input cleaning: every text the desk stores is cut to its field's limit and refused when it holds control
characters, surrogates or the wrong type — a clear message, never a traceback, nothing half-written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from firstask import rules
from firstask.rules import RuleError
from firstask.rules.guides import PARTS as GUIDE_PARTS
from firstask.rules.guides import TEXTS as GUIDE_TEXTS


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


GUIDE_LINE = 300  # a condition, a step, the fees, the place …: one printed line (wrapped) each
ANSWER_CHARS = 2000  # a kept answer: a few paragraphs


def clean_guide(raw: rules.Guide | Mapping[str, Any]) -> rules.Guide:
    """A matter's guide as the editor, the CSV sheet or the shipped catalogue gives it: every text cleaned (all of
    them are printed on the visitor's 办事指南 slip), empty lines dropped; refused with the guide's part named."""
    if isinstance(raw, rules.Guide):
        raw = raw.as_json()
    if not isinstance(raw, Mapping):
        raise RuleError("INPUT", "input.not_text", field="guide")

    def items(part: str) -> list[Any]:
        value = raw.get(part) or ()
        if isinstance(value, str):
            return value.split("\n")
        if not isinstance(value, list | tuple):
            raise RuleError("INPUT", "input.not_text", field=part)
        return list(value)

    def lines(part: str) -> tuple[str, ...]:
        return tuple(x for x in (clean(v, part, limit=GUIDE_LINE) for v in items(part)) if x)

    def mapping(item: Any, part: str) -> Mapping[str, Any]:
        """A kept answer or a source, as given or as its JSON."""
        if isinstance(item, rules.KeptAnswer | rules.Source):
            item = item.as_json()
        if not isinstance(item, Mapping):
            raise RuleError("INPUT", "input.not_text", field=part)
        return item

    answers = []
    for kept in (mapping(item, "answers") for item in items("answers")):
        question = clean(kept.get("q"), "answers", limit=GUIDE_LINE)
        answer = clean(kept.get("a"), "answers", multiline=True, limit=ANSWER_CHARS)
        if question or answer:
            if not question or not answer:
                raise RuleError("INPUT", "guide.answer_half", field="answers", question=question or answer)
            answers.append(rules.KeptAnswer(question, answer))
    sources = []
    for source in (mapping(item, "sources") for item in items("sources")):
        year = source.get("year")
        sources.append(
            rules.Source(
                clean(source.get("url"), "sources", limit=GUIDE_LINE),
                clean(source.get("title"), "sources", limit=GUIDE_LINE),
                clean(source.get("region"), "sources", limit=GUIDE_LINE),
                year if isinstance(year, int) and not isinstance(year, bool) else None,
            )
        )
    return rules.Guide(
        conditions=lines("conditions"),
        procedure=lines("procedure"),
        **{part: clean(raw.get(part), part, limit=GUIDE_LINE) for part in GUIDE_TEXTS},
        sources=tuple(sources),
        estimated=tuple(p for p in items("estimated") if p in GUIDE_PARTS),
        answers=tuple(answers),
    )
