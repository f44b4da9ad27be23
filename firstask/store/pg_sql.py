"""The store's SQL, as PostgreSQL reads it (issue 21). The named reads are written once, in SQLite's dialect; the
few constructs PostgreSQL spells otherwise are rewritten here, outside string literals, once per statement:

- parameters: `?` and `:name` become psycopg's `%s` and `%(name)s`, and a literal `%` is doubled;
- `LIMIT -1 OFFSET n` (SQLite's "no limit") becomes `OFFSET n`;
- `INSERT OR IGNORE` becomes `INSERT … ON CONFLICT DO NOTHING`;
- `ON CONFLICT (key)` becomes `ON CONFLICT (centre, key)`: every key is a key within a centre;
- `json_each(x)` becomes `jsonb_array_elements_text(x::jsonb)` (its column is `value`, as SQLite's);
- `CROSS JOIN t ON …` (SQLite's way of fixing the join order) becomes `JOIN t ON …`;
- `a IS b` and `a IS NOT b` become `IS [NOT] DISTINCT FROM`; `json_object` becomes `json_build_object`, gathered
  by the schema's `json_group_array` into text as SQLite's is;
- `json_extract(doc, '$.a')` becomes `firstask_json(doc, '$.a')`, a function of the schema that answers as SQLite's
  does for the desk's documents (text for a string or a number, 1 and 0 for true and false), and a comparison of it
  with a bare integer compares it with that integer's text.

Reads whose meaning differs beyond this (SQLite's booleans summed as numbers) are the PostgreSQL store's own.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _outside_quotes(sql: str) -> list[tuple[bool, str]]:
    """The statement cut into (is_literal, text) runs: single-quoted literals kept whole ('' inside them too)."""
    runs: list[tuple[bool, str]] = []
    i, start, n = 0, 0, len(sql)
    while i < n:
        if sql[i] == "'":
            if start < i:
                runs.append((False, sql[start:i]))
            j = i + 1
            while j < n:
                if sql[j] == "'" and j + 1 < n and sql[j + 1] == "'":
                    j += 2
                    continue
                if sql[j] == "'":
                    break
                j += 1
            runs.append((True, sql[i : j + 1]))
            i = start = j + 1
            continue
        i += 1
    if start < n:
        runs.append((False, sql[start:]))
    return runs


def _parameters(code: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(code):
        ch = code[i]
        if ch == "%":
            out.append("%%")
        elif ch == "?":
            out.append("%s")
        elif ch == ":" and i + 1 < len(code) and code[i + 1] != ":" and (i == 0 or code[i - 1] != ":"):
            word = _WORD.match(code, i + 1)
            if word is None:
                out.append(ch)
            else:
                out.append(f"%({word.group(0)})s")
                i = word.end()
                continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


_LIMIT_ALL = re.compile(r"\bLIMIT\s+-1\s+OFFSET\b", re.IGNORECASE)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_ON_CONFLICT = re.compile(r"\bON\s+CONFLICT\s*\(\s*(?!centre\b)", re.IGNORECASE)
_JSON_EACH = re.compile(r"\bjson_each\s*\(\s*(%s|[A-Za-z_][\w.]*)\s*\)", re.IGNORECASE)
_JSON_EXTRACT = re.compile(r"\bjson_extract\s*\(", re.IGNORECASE)
_JSON_OBJECT = re.compile(r"\bjson_object\s*\(", re.IGNORECASE)
# SQLite's `a IS b` and `a IS NOT b` compare NULLs as values; PostgreSQL spells them out.
_IS_NOT = re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE)
# A column named `window` (the hall's): a reserved word in PostgreSQL, quoted (the store writes SQL's own words in
# capitals, its names in lower case).
_WINDOW = re.compile(r"(?<![\w.\"])window\b")
# SQLite's CROSS JOIN … ON is an inner join that fixes the planner's order: PostgreSQL's planner chooses its own.
_CROSS_JOIN_ON = re.compile(r"\bCROSS\s+JOIN\s+(\w+(?:\s+(?!ON\b)\w+)?)\s+ON\b", re.IGNORECASE)
_IS = re.compile(r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE)
# firstask_json(...) = 1 → firstask_json(...) = '1' (a closing parenthesis, then a comparison with a bare integer)
_INT_COMPARED = re.compile(r"(firstask_json\([^()]*\))\s*(=|!=|<>)\s*(-?\d+)\b")


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """The statement in PostgreSQL's dialect (see the module's note)."""
    ignoring = bool(_OR_IGNORE.search(sql))
    parts: list[str] = []
    for literal, text in _outside_quotes(sql):
        if literal:
            parts.append(text.replace("%", "%%"))
            continue
        code = _parameters(text)
        code = _LIMIT_ALL.sub("OFFSET", code)
        code = _OR_IGNORE.sub("INSERT INTO", code)
        code = _ON_CONFLICT.sub("ON CONFLICT (centre, ", code)
        code = _JSON_EACH.sub(lambda m: f"jsonb_array_elements_text({m.group(1)}::jsonb)", code)
        code = _JSON_EXTRACT.sub("firstask_json(", code)
        code = _JSON_OBJECT.sub("json_build_object(", code)
        code = _IS_NOT.sub("IS DISTINCT FROM ", code)
        code = _IS.sub("IS NOT DISTINCT FROM ", code)
        code = _WINDOW.sub('"window"', code)
        code = _CROSS_JOIN_ON.sub(r"JOIN \1 ON", code)
        parts.append(code)
    out = "".join(parts)
    out = _INT_COMPARED.sub(lambda m: f"{m.group(1)} {m.group(2)} '{m.group(3)}'", out)
    if ignoring:
        out = out.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return out
