"""Search keys for names: pinyin initials computed when a name is written, so lists never compute them."""

from __future__ import annotations


def initials(text: str | None) -> str:
    """`张三` -> `zs`; Latin letters and digits are kept as they are, everything else is dropped."""
    if not text:
        return ""
    from pypinyin import Style, lazy_pinyin  # its dictionaries take a moment to load: only when a name is written

    # A Chinese character comes back as its initial; a run without pinyin (Latin, digits) comes back whole.
    chunks = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return "".join(c for chunk in chunks for c in chunk if c.isascii() and c.isalnum()).lower()


def digits(text: str | None) -> str:
    return "".join(c for c in (text or "") if c.isdigit())


def matches(query: str, code: str, name: str, initials: str) -> bool:
    """A colleague is found by the start of their code, any part of their name, or the start of their initials."""
    query = query.strip().lower()
    return not query or code.lower().startswith(query) or query in name.lower() or initials.startswith(query)
