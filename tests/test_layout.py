"""Each thing in its room: every rule in firstask/rules/, every query in the store, every module small and saying
what it holds. These read the source (with `ast`, so comments and docstrings are not taken for code)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "firstask"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
MAX_LINES = 700

# A statement, not a word: `SELECT` as the start of a query, `INSERT INTO`, `UPDATE t SET`, `DELETE FROM`.
SQL = re.compile(r"\bSELECT\b.+\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b", re.S)
RULE_ID = re.compile(r"^[A-Z]+-\d+$")  # NOT-1, HO-7 … (INPUT, LOGIN, ACCESS, STATE, WAIT, PRINT are not rules)


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every string literal that is code (docstrings aside), f-strings as their literal parts joined."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield (
                node.lineno,
                "".join(
                    v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else " x " for v in node.values
                ),
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_only_the_store_speaks_sql() -> None:
    found = [
        f"{relative(path)}:{line}: {text.strip()[:60]!r}"
        for path in MODULES
        if "store" not in path.relative_to(PACKAGE).parts[:1]
        for line, text in strings(parsed(path))
        if SQL.search(text)
    ]
    assert not found, "SQL outside firstask/store/ (give the store a named read or write):\n" + "\n".join(found)


def test_the_check_finds_sql_where_it_is() -> None:
    found = [text for path in (PACKAGE / "store").glob("*.py") for _, text in strings(parsed(path)) if SQL.search(text)]
    assert any("SELECT" in text for text in found) and any("INSERT" in text for text in found)
    assert not SQL.search("Select the matter")  # words in messages are not queries
    assert SQL.search("UPDATE cases SET status = ?")


def rule_errors(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """The rule ids given to RuleError(...) or Finding(...) by a string literal."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        first = node.args[0]
        if (
            name in ("RuleError", "Finding", "_block")
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            yield node.lineno, first.value


def test_no_rule_is_decided_outside_the_rules() -> None:
    found = [
        f"{relative(path)}:{line}: {rule}"
        for path in MODULES
        if path.relative_to(PACKAGE).parts[0] != "rules"
        for line, rule in rule_errors(parsed(path))
        if RULE_ID.match(rule)
    ]
    assert not found, "rule ids raised outside firstask/rules/:\n" + "\n".join(found)
    assert any(RULE_ID.match(rule) for _, rule in rule_errors(parsed(PACKAGE / "rules" / "actions.py")))


def test_screens_ask_the_desk_not_the_rules_for_a_context() -> None:
    """A screen previews what the desk would do through the desk (`preview_due`, `preview_route`…): a Context
    built in a screen is a second copy of how the desk builds one."""
    found = [
        f"{relative(path)}:{node.lineno}"
        for folder in ("screens", "widgets")
        for path in sorted((PACKAGE / folder).glob("*.py"))
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) == "Context" or getattr(node.func, "id", None) == "Context")
    ]
    assert not found, "rules.Context built outside the desk:\n" + "\n".join(found)


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_each_module_is_small_and_says_what_it_holds(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{relative(path)} has {len(text.splitlines())} lines"
    if path.name == "__main__.py" or (path.name == "__init__.py" and not text.strip()):
        return
    docstring = ast.get_docstring(parsed(path))
    assert docstring and len(docstring) > 20, f"{relative(path)} does not open by saying what it holds"
