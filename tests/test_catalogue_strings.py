"""Every word and mark a user reads comes from the catalogues (firstask/locales), in either language: no string
literal in `firstask/` holds Chinese text or full-width punctuation, not even a bracket or a list's 、 (`i18n.join`,
`i18n.name_and_code`, `common.*` punctuate in the language asked for).

Read with `ast`, so docstrings and comments, which no user reads, are left aside. Outside the rule: what prints
Chinese official documents (firstask/printing.py), the demo centre's data (firstask/demo.py), and the fixed Chinese
vocabulary of the catalogue's CSV sheet, the same in either language (firstask/catalogue_csv.py: its headings and the
words and marks of its cells).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "firstask"

# Chinese and full-width characters: CJK radicals to kana (with the ideographic space and 、。「」《》【】), the
# unified ideographs, compatibility ideographs and forms, full-width forms (（）：，！？…) and the supplementary planes.
CJK = re.compile(
    "[\u2e80-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0002fa1f]"
)

EXEMPT_FILES = {
    "printing.py": "the printed slips are Chinese official documents in any language",
    "demo.py": "the demo centre's people, matters and stories are data",
}
# Module-level names whose literals are a file format's own vocabulary, not words of the desk's language.
EXEMPT_NAMES = {
    "catalogue_csv.py": {
        "COLUMNS",  # the sheet's headings
        "KINDS",  # the kind of a matter, as a cell says it
        "YES",
        "NO",
        "SEPARATOR",  # between the documents in one cell
        "FORM_OPEN",
        "FORM_CLOSE",
        "WHEN_OPEN",
        "WHEN_CLOSE",
        "QUESTION",  # a kept answer's question and answer in their cell
        "ANSWER",
        "SOURCE_SEPARATOR",  # between a guide source's title, region, year and address
        "PART_SEPARATOR",  # between the estimated parts of a guide
    },
}


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings (of the module, a class or a function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def exempt_constants(tree: ast.Module, names: set[str]) -> set[int]:
    """The ids of every constant inside a module-level assignment to one of `names`."""
    found = set()
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        assigned = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        if assigned and assigned <= names:
            found |= {id(n) for n in ast.walk(statement) if isinstance(n, ast.Constant)}
    return found


def literals(path: Path) -> list[str]:
    """`file:line: 'text'` for every string literal in `path` holding Chinese or full-width text."""
    relative = path.relative_to(PACKAGE).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = docstrings(tree) | exempt_constants(tree, EXEMPT_NAMES.get(relative, set()))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if CJK.search(node.value):
                found.append((node.lineno, f"firstask/{relative}:{node.lineno}: {node.value!r}"))
    return [text for _line, text in sorted(found)]


def test_the_rule_sees_a_literal_and_not_a_docstring() -> None:
    source = 'def f():\n    """说明。"""\n    # 注释\n    return f"{x}（{y}）"\n'
    tree = ast.parse(source)
    constants = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value and CJK.search(n.value)]
    assert [n.value for n in constants if id(n) not in docstrings(tree)] == ["（", "）"]
    assert all((PACKAGE / name).is_file() for name in [*EXEMPT_FILES, *EXEMPT_NAMES]), "an exemption names no file"


def test_no_chinese_text_or_punctuation_outside_the_catalogues() -> None:
    found = [
        text
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in EXEMPT_FILES
        for text in literals(path)
    ]
    assert not found, "text for users belongs in firstask/locales, not in the code:\n" + "\n".join(found)
