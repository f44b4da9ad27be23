"""Search keys for names: pinyin initials computed when a name is written, so lists never compute them."""

from __future__ import annotations


def initials(text: str | None) -> str:
    """`张三` -> `zs`; Latin letters and digits are kept, everything else is dropped."""
    if not text:
        return ""
    from pypinyin import Style, lazy_pinyin  # its dictionaries take a moment to load: only when a name is written

    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(p[:1] for p in parts if p and p[:1].isalnum()).lower()


def digits(text: str | None) -> str:
    return "".join(c for c in (text or "") if c.isdigit())
