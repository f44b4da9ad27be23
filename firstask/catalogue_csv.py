"""The matter catalogue as a CSV sheet with Chinese column headings, for a supervisor to edit in a spreadsheet.

One row per matter. Documents share one cell, separated by "；", each written as it reads on a service guide:
``身份证（原件）【代办的】`` — the name, its form (original / copy / count) in full-width brackets, and the condition
under which it is required in 【】. Kinds and yes/no cells are in Chinese (承诺, 是/否). The file is UTF-8 with a BOM
(so that spreadsheet programs read the Chinese right) and CRLF line ends.

Two columns say what the slips and the screen do with a matter: 表格领取 (where the visitor gets the matter's forms:
the one-time notice prints it; empty, the centre's default) and 备注(不打印) (a note for the clerk, shown on the screen
beside the name and never printed). A sheet saved before they existed still imports: a matter keeps its own.

The service guide (办事指南) takes ten columns: 申请条件 and 办理流程 one condition or step a line; 收费标准, 办理地点,
办理时间, 咨询电话, 网上办理 as they read; 常见问答 each kept answer as a line ``问：问题`` and a line ``答：答复`` (the
answer may go on over further lines, none of which starts 问： or 答：); 指南来源 one source a line,
``标题｜地区｜年份｜网址``; 估计内容 the parts inferred rather than read, by their column names joined with 、. A
sheet without them keeps each matter's guide; one with some of them keeps the parts it lacks.

Export, import, export again gives the same bytes. An import checks every row first and names the row (as the
spreadsheet numbers it: the headings are row 1) and the column of the first bad cell; then it writes all the
matters in one transaction, or none of them. Matters not in the sheet are left as they are. Cases already checked
in keep the matter as it was when they were (SPEC §4), so an import changes new cases only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from firstask.rules import Document, Guide, KeptAnswer, Matter, RuleError
from firstask.rules.guides import PARTS as GUIDE_PARTS

__all__ = [
    "COLUMNS",
    "KINDS",
    "OPTIONAL",
    "decode_document",
    "encode_document",
    "export_csv",
    "import_csv",
    "read_csv",
    "write_csv",
]

# Column headings, in order, and the add_matter keyword each fills.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("事项编码", "code"),
    ("事项名称", "name"),
    ("类别", "kind"),
    ("承诺时限(工作日)", "limit_days"),
    ("所需材料", "documents"),
    ("书面告知", "written_notice"),
    ("办理部门", "dept"),
    ("设定依据", "basis"),
    ("时限为估计值", "estimated"),
    ("启用", "active"),
    ("表格领取", "forms_at"),
    ("备注(不打印)", "note"),
    ("申请条件", "guide.conditions"),
    ("办理流程", "guide.procedure"),
    ("收费标准", "guide.fees"),
    ("办理地点", "guide.place"),
    ("办理时间", "guide.hours"),
    ("咨询电话", "guide.phone"),
    ("网上办理", "guide.online"),
    ("常见问答", "guide.answers"),
    ("指南来源", "guide.sources"),
    ("估计内容", "guide.estimated"),
)
GUIDE_KEYS = tuple(key for _, key in COLUMNS if key.startswith("guide."))
# Columns a sheet may lack (it was exported before they existed): its matters keep what they have.
OPTIONAL = ("forms_at", "note", *GUIDE_KEYS)
HEADINGS = tuple(heading for heading, _ in COLUMNS)
HEADING_OF = {key: heading for heading, key in COLUMNS}
_KEY_OF = {heading: key for heading, key in COLUMNS}
KINDS = {"immediate": "即办", "promised": "承诺", "escalated": "上报", "joint": "联办", "guide": "指引"}
KIND_OF = {word: kind for kind, word in KINDS.items()}
YES, NO = "是", "否"
SEPARATOR = "；"
FORM_OPEN, FORM_CLOSE = "（", "）"
WHEN_OPEN, WHEN_CLOSE = "【", "】"
RESERVED = (SEPARATOR, WHEN_OPEN, WHEN_CLOSE)  # never inside a document's name, form or condition
QUESTION, ANSWER = "问：", "答："  # a kept answer in its cell: a line 问：…, then 答：… and the answer's further lines
SOURCE_SEPARATOR = "｜"  # a source in its line: 标题｜地区｜年份｜网址
PART_SEPARATOR = "、"  # between the estimated parts
ENCODING = "utf-8-sig"


# --- one document in a cell ------------------------------------------------------------------------------------


def encode_document(doc: Document) -> str:
    """``名称（形式）【情形】``. A name that itself ends in a full-width bracket and has no form gets an empty
    ``（）``, so that reading it back does not take the name's own bracket for a form."""
    text = doc.name
    if doc.form:
        text += f"{FORM_OPEN}{doc.form}{FORM_CLOSE}"
    elif doc.name.endswith(FORM_CLOSE):
        text += FORM_OPEN + FORM_CLOSE
    if doc.when:
        text += f"{WHEN_OPEN}{doc.when}{WHEN_CLOSE}"
    return text


def decode_document(text: str) -> Document:
    """The inverse of `encode_document`; ValueError (its reason a catalogue key) for what cannot be a document."""
    text = text.strip()
    when = None
    if text.endswith(WHEN_CLOSE):
        start = text.rfind(WHEN_OPEN)
        if start < 0:
            raise ValueError("setup.csv.bracket")
        when, text = text[start + 1 : -1].strip(), text[:start]
        if not when:
            when = None
    if WHEN_OPEN in text or WHEN_CLOSE in text:
        raise ValueError("setup.csv.bracket")
    form = None
    if text.endswith(FORM_CLOSE):
        depth, start = 0, -1
        for i in range(len(text) - 1, -1, -1):
            depth += {FORM_CLOSE: 1, FORM_OPEN: -1}.get(text[i], 0)
            if depth == 0:
                start = i
                break
        if start > 0:  # a name made of nothing but a bracket stays a name
            form, text = text[start + 1 : -1].strip() or None, text[:start]
    name = text.strip()
    if not name:
        raise ValueError("setup.csv.document_name")
    return Document(name, when, form)


def encode_documents(docs: Iterable[Document]) -> str:
    return SEPARATOR.join(encode_document(d) for d in docs)


def decode_documents(cell: str) -> list[Document]:
    return [decode_document(part) for part in cell.split(SEPARATOR) if part.strip()]


def unwritable(doc: Document) -> bool:
    """A document whose words hold the cell's own marks cannot be written to a cell and read back the same."""
    return any(mark in (part or "") for part in (doc.name, doc.form, doc.when) for mark in RESERVED)


# --- the sheet -------------------------------------------------------------------------------------------------


def write_csv(entries: Sequence[tuple[Matter, bool]]) -> bytes:
    """The catalogue as the bytes of a CSV sheet (UTF-8 with BOM, CRLF)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for matter, active in entries:
        for doc in matter.documents:
            if unwritable(doc):
                raise RuleError("INPUT", "setup.csv.unwritable", code=matter.code, name=doc.name)
        writer.writerow(
            [
                matter.code,
                matter.name,
                KINDS.get(matter.kind, matter.kind),
                str(matter.limit_days),
                encode_documents(matter.documents),
                YES if matter.written_notice else NO,
                matter.dept or "",
                matter.basis or "",
                YES if matter.estimated else NO,
                YES if active else NO,
                matter.forms_at or "",
                matter.note or "",
                *encode_guide(matter.code, matter.guide),
            ]
        )
    return out.getvalue().encode(ENCODING)


def read_csv(data: bytes) -> list[dict[str, Any]]:
    """The sheet's matters as add_matter keywords, every cell checked; RuleError naming the row and column of the
    first bad cell (rows as a spreadsheet numbers them: the headings are row 1)."""
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError as e:
        raise RuleError("INPUT", "setup.csv.encoding") from e
    # A line break inside a cell, as a spreadsheet on Windows writes it (CR LF), is a line break like any other.
    rows = [[cell.replace("\r\n", "\n") for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
    if not rows:
        raise RuleError("INPUT", "setup.csv.empty")
    headings = [h.strip() for h in rows[0]]
    missing = [h for h in HEADINGS if h not in headings and _KEY_OF[h] not in OPTIONAL]
    if missing:
        # A list: the message joins it as its language joins one.
        raise RuleError("INPUT", "setup.csv.missing_column", column=missing)
    where = {h: headings.index(h) for h in HEADINGS if h in headings}
    matters: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        matter = _read_row(number, row, where)
        if matter["code"] in seen:
            raise _bad(number, "code", "setup.csv.duplicate", first=seen[matter["code"]])
        seen[matter["code"]] = number
        matter["row"] = number
        matters.append(matter)
    return matters


def _bad(row: int, key: str, reason: str, **params: Any) -> RuleError:
    from firstask.i18n import t

    return RuleError(
        "INPUT", "setup.csv.bad_cell", field=key, row=row, column=HEADING_OF[key], reason=t(reason, **params)
    )


def _read_row(number: int, row: Sequence[str], where: dict[str, int]) -> dict[str, Any]:
    def cell(key: str) -> str:
        index = where[HEADING_OF[key]]
        return row[index] if index < len(row) else ""

    def yes_no(key: str) -> bool:
        value = cell(key).strip()
        if value not in (YES, NO):
            raise _bad(number, key, "setup.csv.yes_no")
        return value == YES

    code = cell("code").strip()
    if not code or not code.isalnum():
        raise _bad(number, "code", "setup.csv.code")
    name = cell("name").strip()
    if not name:
        raise _bad(number, "name", "setup.csv.name")
    kind = KIND_OF.get(cell("kind").strip())
    if kind is None:
        raise _bad(number, "kind", "setup.csv.kind")
    limit = cell("limit_days").strip()
    if not limit.isdigit() or int(limit) > 365:
        raise _bad(number, "limit_days", "setup.csv.limit")
    try:
        documents = decode_documents(cell("documents"))
    except ValueError as e:
        raise _bad(number, "documents", str(e)) from e
    if len({d.name for d in documents}) != len(documents):
        raise _bad(number, "documents", "setup.csv.document_twice")
    matter = {
        "code": code,
        "name": name,
        "kind": kind,
        "limit_days": int(limit),
        "documents": [d.as_json() for d in documents],
        "written_notice": yes_no("written_notice"),
        "dept": cell("dept") or None,
        "basis": cell("basis") or None,
        "estimated": yes_no("estimated"),
        "active": yes_no("active"),
    }
    for key in ("forms_at", "note"):
        if HEADING_OF[key] in where:
            matter[key] = cell(key).strip() or None
    parts = {key: cell(key) for key in GUIDE_KEYS if HEADING_OF[key] in where}
    if parts:
        matter["guide"] = decode_guide(number, parts)
    return matter


# --- a matter's guide in its cells -------------------------------------------------------------------------------


def encode_guide(code: str, guide: Guide) -> list[str]:
    """The guide's cells, in the order of GUIDE_KEYS. A kept answer with a line that reads as the start of a
    question or an answer, or a source with the separator in it, cannot be read back the same: refused."""
    answers = []
    for kept in guide.answers:
        if any(line.startswith((QUESTION, ANSWER)) for line in kept.answer.split("\n")[1:]):
            raise RuleError("INPUT", "setup.csv.unwritable_answer", code=code, question=kept.question)
        answers.append(kept)
    sources = []
    for source in guide.sources:
        if any(SOURCE_SEPARATOR in part or "\n" in part for part in (source.region, source.url)):
            raise RuleError("INPUT", "setup.csv.unwritable_source", code=code, url=source.url)
        year = "" if source.year is None else str(source.year)
        sources.append(SOURCE_SEPARATOR.join((source.title, source.region, year, source.url)))
    return [
        "\n".join(guide.conditions),
        "\n".join(guide.procedure),
        guide.fees,
        guide.place,
        guide.hours,
        guide.phone,
        guide.online,
        answers_text(answers),
        "\n".join(sources),
        PART_SEPARATOR.join(HEADING_OF[f"guide.{part}"] for part in guide.estimated),
    ]


def decode_guide(number: int, cells: dict[str, str]) -> dict[str, Any]:
    """The guide's parts the sheet has (a Guide's JSON keys), read from their cells; RuleError naming the cell."""
    out: dict[str, Any] = {}
    for key, text in cells.items():
        part = key.removeprefix("guide.")
        if part in ("conditions", "procedure"):
            out[part] = [line.strip() for line in text.split("\n") if line.strip()]
        elif part == "answers":
            out[part] = _decode_answers(number, text)
        elif part == "sources":
            out[part] = _decode_sources(number, text)
        elif part == "estimated":
            names = [name.strip() for name in text.split(PART_SEPARATOR) if name.strip()]
            parts = {HEADING_OF[k]: k.removeprefix("guide.") for k in GUIDE_KEYS}
            unknown = [name for name in names if name not in parts or parts[name] not in GUIDE_PARTS]
            if unknown:
                raise _bad(number, key, "setup.csv.estimated", name=unknown[0])
            out[part] = [parts[name] for name in names]
        else:
            out[part] = text.strip()
    return out


def answers_text(answers: Iterable[KeptAnswer]) -> str:
    """Kept answers as their cell (and the F11 editor's box) holds them: 问：… then 答：… lines."""
    return "\n".join(f"{QUESTION}{kept.question}\n{ANSWER}{kept.answer}" for kept in answers)


def parse_answers(text: str) -> list[dict[str, str]]:
    """The inverse of `answers_text` (a Guide's JSON "answers"); ValueError where a line is neither a question,
    an answer's start after its question, nor an answer's further line."""
    answers: list[dict[str, str]] = []
    question: str | None = None
    lines: list[str] | None = None  # the answer's lines, once its 答： is read

    def close() -> None:
        if question is not None:
            if lines is None:
                raise ValueError("setup.csv.answers")
            answers.append({"q": question, "a": "\n".join(lines).strip()})

    for line in text.strip().split("\n") if text.strip() else ():
        if line.startswith(QUESTION):
            close()
            question, lines = line.removeprefix(QUESTION).strip(), None
        elif line.startswith(ANSWER) and question is not None and lines is None:
            lines = [line.removeprefix(ANSWER)]
        elif lines is not None:
            lines.append(line)
        else:
            raise ValueError("setup.csv.answers")
    close()
    return answers


def _decode_answers(number: int, text: str) -> list[dict[str, str]]:
    try:
        return parse_answers(text)
    except ValueError as e:
        raise _bad(number, "guide.answers", str(e)) from e


def _decode_sources(number: int, text: str) -> list[dict[str, Any]]:
    sources = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        parts = line.rsplit(SOURCE_SEPARATOR, 3)
        if len(parts) != 4 or not (parts[2].strip() == "" or parts[2].strip().isdigit()):
            raise _bad(number, "guide.sources", "setup.csv.sources")
        title, region, year, url = (p.strip() for p in parts)
        sources.append({"title": title, "region": region, "year": int(year) if year else None, "url": url})
    return sources


# --- to and from a file ------------------------------------------------------------------------------------------


def export_csv(desk: Any, path: str | Path) -> int:
    """Write the desk's whole catalogue (active or not) to `path`; the number of matters."""
    entries = desk.catalogue()
    data = write_csv(entries)
    try:
        Path(path).write_bytes(data)
    except OSError as e:
        raise RuleError(
            "INPUT", "setup.csv.cannot_write", field="path", path=str(path), reason=e.strerror or str(e)
        ) from e
    return len(entries)


def import_csv(desk: Any, path: str | Path, *, by: str) -> int:
    """Read `path` and import every matter in it as supervisor `by`, all or nothing; the number imported."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise RuleError(
            "INPUT", "setup.csv.cannot_read", field="path", path=str(path), reason=e.strerror or str(e)
        ) from e
    matters = read_csv(data)
    rows = [m.pop("row") for m in matters]
    kept = {m.code: m for m, _ in desk.catalogue()}
    for m in matters:  # a sheet without the newer columns leaves each matter's own
        for key in ("forms_at", "note"):
            if key not in m:
                m[key] = getattr(kept[m["code"]], key) if m["code"] in kept else None
        if "guide" in m and m["code"] in kept:  # the guide's parts the sheet lacks: the matter's own
            m["guide"] = {**kept[m["code"]].guide.as_json(), **m["guide"]}
    try:
        return int(desk.import_matters(matters, by=by))
    except RuleError as refused:
        index = refused.params.get("index")
        if index is None:
            raise
        from firstask.i18n import t

        field = {"limit_days": "limit_days", "documents": "documents", "kind": "kind"}.get(refused.field or "", "name")
        if f"guide.{refused.field}" in GUIDE_KEYS:
            field = f"guide.{refused.field}"
        raise RuleError(
            "INPUT",
            "setup.csv.bad_cell",
            field=field,
            row=rows[index],
            column=HEADING_OF[field],
            reason=t(refused.key, **{k: v for k, v in refused.params.items() if k != "index"}),
        ) from refused
