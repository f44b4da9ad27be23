"""Build data/catalogue.json from the shared research sheet.

Usage (from the repository root)::

    python3 tools/build_catalogue.py [CSV] [--out PATH]

CSV defaults to ``<repo>/../shared/catalogue-research.csv`` and PATH to
``<repo>/data/catalogue.json``. The output is deterministic: the same CSV always
gives the same bytes, so a diff of data/catalogue.json shows only real changes.

The sheet was researched by hand, so its 申请材料 cells are prose, not data. A
generic reader handles the regular items (``条件：材料``, ``X另需Y``, ``Y(限X)``, a
trailing form such as 原件 or 复印件1份); the items it would misread are listed in
ITEM_OVERRIDES and ROW_OVERRIDES, each keyed by the exact source text, so that an
edited CSV cell makes the build fail instead of silently keeping a stale reading.

Names carry researchers' notes in ASCII brackets (``无犯罪记录证明(办理指引，社区不出具)``).
A slip prints the matter's name, so every bracketed part of a matter name is decided
here by hand: a note moves to ``name_note`` (shown to the clerk, never printed), and a
real part of the name (``残疾人证新办(首次申领)``) is kept. A name with a bracket that is
in neither table fails the build. Notes inside document names are read in
ITEM_OVERRIDES like any other hand-read item.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CSV = REPO.parent / "shared" / "catalogue-research.csv"
DEFAULT_OUT = REPO / "data" / "catalogue.json"
GUIDES = REPO / "data" / "guides-research"

# A guide's phone and hours are printed on the visitor's slip, so only those that hold at any centre are shipped:
# the researchers found most in other provinces (their notes say whose), and a wrong number in a visitor's hand
# is worse than none. Where a guide has none, the slip gives the centre's own (policy), which each centre sets.
PHONES_KEPT = {"FLYZ": "12348"}  # the national legal-aid hotline (法律援助热线), answered in every province
HOURS_KEPT: dict[str, str] = {}

COLUMNS = (
    "编码",
    "事项名称",
    "主管部门",
    "办件类型",
    "承诺时限(工作日)",
    "法定时限(工作日)",
    "申请材料",
    "需书面告知",
    "设定依据",
    "来源",
)

# 办件类型 -> CONTRACT kind. An abolished matter can still be asked about, so the
# desk treats it like a guide: answered or referred, never accepted.
KINDS = {
    "即办": "immediate",
    "承诺": "promised",
    "上报": "escalated",
    "联办": "joint",
    "指引": "guide",
    "已取消": "guide",
}
STATUSES = {"已取消": "abolished", "指引": "guide"}

# A working month is about 22 working days (5 a week, less holidays).
WORKING_MONTH = 22
# Limits written in words: the leading words -> (working days, how we read them).
LIMIT_WORDS: tuple[tuple[str, int, str], ...] = (
    ("一个月", WORKING_MONTH, "一个月 (one month) read as 22 working days"),
    ("次月发放", WORKING_MONTH, "次月发放 (paid next month) read as a working month, 22 working days"),
    ("2个月", 2 * WORKING_MONTH, "2个月 (two months) read as 44 working days"),
)
# Annual confirmation has no per-case clock; the sheet's 法定时限 estimate is used
# when it has one, otherwise about three working months.
ANNUAL_WORDS = ("年度确认", "每年年底前")
ANNUAL_DEFAULT = 60

Document = str | dict[str, str]


def doc(name: str, *, when: str = "", form: str = "") -> Document:
    """A document in CONTRACT form: a plain string unless it has a condition or a form."""
    if not when and not form:
        return name
    out = {"name": name}
    if when:
        out["when"] = when
    if form:
        out["form"] = form
    return out


# Items the generic reader would get wrong, keyed by (code, exact item text):
# the documents to use instead and why.
ITEM_OVERRIDES: dict[tuple[str, str], tuple[list[Document], str]] = {
    ("LSJZ", "因灾的：家庭财产损失清单和相关证据(已投保的另附保险部门财产损失评估报告书)"): (
        [
            doc("家庭财产损失清单和相关证据", when="因灾的"),
            doc("保险部门财产损失评估报告书", when="因灾且已投保的"),
        ],
        "the insurer's loss assessment is a separate document, required only when the disaster loss was"
        " insured (condition 因灾且已投保的)",
    ),
    ("YLJZ", "居民身份证、户口簿原件及复印件(地址页、本人和家庭人员信息页)"): (
        [doc("居民身份证、户口簿", form="原件及复印件(地址页、本人和家庭人员信息页)")],
        "",
    ),
    ("YLJZ", "本人和家庭人员收入情况证明(失业、协保人员附《就业失业登记证》复印件)"): (
        [
            doc("本人和家庭人员收入情况证明"),
            doc("《就业失业登记证》", when="失业、协保人员", form="复印件"),
        ],
        "《就业失业登记证》 split out of the income proof as a document for 失业、协保人员",
    ),
    ("YLJZ", "医疗费用原始收据(已被其他部门收缴的提供盖章复印件及报销减免情况证明)"): (
        [doc("医疗费用原始收据(已被其他部门收缴的提供盖章复印件及报销减免情况证明)")],
        "the receipts item is kept whole: the stamped copy is an alternative to the original, not an extra",
    ),
    ("CJBT", "身份证(未办身份证的儿童可不提供)"): (
        [doc("身份证(未办身份证的儿童可不提供)")],
        "身份证 kept required with its exemption in the name: a condition would make it optional for"
        " every adult whose clerk forgot to tick it",
    ),
    ("CJBT", "本人(及被委托人)书面诚信承诺"): (
        [
            doc("本人书面诚信承诺"),
            doc("被委托人书面诚信承诺", when="委托办理的"),
        ],
        "本人(及被委托人)书面诚信承诺 split: the agent's pledge only when someone applies on the holder's"
        " behalf (委托办理的)",
    ),
    ("LHJY", "居民身份证或社保卡(系统可获取的免交，窗口办理仍需提供)"): (
        [doc("居民身份证或社保卡")],
        "居民身份证或社保卡 is required: the source exempts it only online and says a window still asks for it",
    ),
    ("JZZ", "本人相片(张数规格以当地为准)"): (
        [doc("本人相片")],
        "本人相片: the researcher's (张数规格以当地为准) is dropped from the name, which the notice prints; the"
        " centre enters the count and size it asks for as the document's form (F11 or the CSV sheet)",
    ),
    ("JYKN", "按认定类别提供的相关证明材料(估)"): (
        [doc("按认定类别提供的相关证明材料")],
        "the category-specific proof was marked (估) by the researcher; the mark is dropped from the name",
    ),
    ("YDZ", "退役军人：残疾军人证、立功受奖材料等其他所需材料或证明"): (
        [doc("残疾军人证、立功受奖材料等其他所需材料或证明", when="残疾或立功受奖的退役军人")],
        "残疾军人证/立功受奖材料 only for veterans they concern (condition 残疾或立功受奖的退役军人); under"
        " 退役军人 every veteran would be refused acceptance without them",
    ),
    ("YDZ", "遗属：与烈士、因公牺牲军人、病故军人关系的证明材料(申领前须完成建档立卡)"): (
        [doc("与烈士、因公牺牲军人、病故军人关系的证明材料", when="遗属")],
        "申领前须完成建档立卡 is a precondition of the application, not a document; moved here",
    ),
    ("GZF", "申请人及共同申请人身份证原件及复印件(正反两面)"): (
        [doc("申请人及共同申请人身份证", form="原件及复印件(正反两面)")],
        "",
    ),
    ("GZF", "收入证明(所有成员均须出具，原件)"): (
        [doc("收入证明(所有成员均须出具)", form="原件")],
        "",
    ),
    ("JLFZ", "子女身份证或户口本复印件1份(或收养证、收养公证书)"): (
        [doc("子女身份证或户口本(或收养证、收养公证书)", form="复印件1份")],
        "",
    ),
    ("JLFZ", "申请人农村信用社个人结算账户(验原件收复印件)"): (
        [doc("申请人农村信用社个人结算账户", form="验原件收复印件")],
        "",
    ),
    ("WFGZ", "户主身份证明材料(身份证、户口本索引页、户主页复印件1份)"): (
        [doc("户主身份证明材料(身份证、户口本索引页、户主页)", form="复印件1份")],
        "",
    ),
    ("WFGZ", "户主土地证明材料(集体土地使用证复印件)1份"): (
        [doc("户主土地证明材料(集体土地使用证)", form="复印件1份")],
        "",
    ),
    ("WFGZ", "房屋证明材料(房产证、房产平面图复印件)1份"): (
        [doc("房屋证明材料(房产证、房产平面图)", form="复印件1份")],
        "",
    ),
    ("WFGZ", "危房照片纸质版3张(正面1张、危险部位2张)"): (
        [doc("危房照片纸质版", form="3张(正面1张、危险部位2张)")],
        "",
    ),
}

# Whole cells read by hand, keyed by code: (exact cell, documents, why). 就业登记
# lists three alternative routes whose labels carry over to the items after them,
# which no item-by-item reading can see.
ROW_OVERRIDES: dict[str, tuple[str, list[Document], str]] = {
    "JYDJ": (
        "个人登记：身份证或社会保障卡原件；劳动合同或招(录、聘)用手续；"
        "灵活就业/个体经营：身份证或社会保障卡原件；《灵活就业(个体经营)人员就业登记表》；"
        "个体经营另附营业执照副本；"
        "单位统一登记：营业证照等复印件(多证合一免交)；《用人单位招用人员就业登记表》1份(单位签章)",
        [
            doc("本人身份证或社会保障卡", when="个人登记", form="原件"),
            doc("劳动合同或招(录、聘)用手续", when="个人登记"),
            doc("灵活就业(个体经营)人员身份证或社会保障卡", when="灵活就业/个体经营", form="原件"),
            doc("《灵活就业(个体经营)人员就业登记表》", when="灵活就业/个体经营"),
            doc("营业执照副本", when="个体经营"),
            doc("营业证照等复印件(多证合一免交)", when="单位统一登记"),
            doc("《用人单位招用人员就业登记表》", when="单位统一登记", form="1份(单位签章)"),
        ],
        "three alternative routes modelled as conditions 个人登记 / 灵活就业/个体经营 / 单位统一登记 (tick"
        " the visitor's route); a self-employed visitor also ticks 个体经营 for the licence; the two ID items"
        " are named for their route so that names stay unique",
    ),
}

# Matter names with a researcher's note in brackets, keyed by code: (exact name in the sheet, the name slips
# print, the note). The note is shown to the clerk beside the name and never printed.
NAME_NOTES: dict[str, tuple[str, str, str]] = {
    "JLFZ": ("农村部分计划生育家庭奖励申请(广东)", "农村部分计划生育家庭奖励申请", "广东"),
    "HYZM": (
        "流动人口婚育证明(已改为电子婚育证明，不再由本人申领)",
        "流动人口婚育证明",
        "已改为电子婚育证明，不再由本人申领",
    ),
    "SQZM": ("社区(村)证明开具(第一批20项已明确不应由村居出具)", "社区(村)证明开具", "第一批20项已明确不应由村居出具"),
    "WFZM": ("无犯罪记录证明(办理指引，社区不出具)", "无犯罪记录证明", "办理指引，社区不出具"),
    "FLYZ": ("法律援助申请(受理转交)", "法律援助申请", "受理转交"),
}
# Matter names whose brackets are part of the name (an official name, its common alias or a sub-kind): printed
# as they are.
NAMES_KEPT: dict[str, str] = {
    "CJZ": "残疾人证新办(首次申领)",
    "GLJT": "高龄津贴(高龄老人补贴)申请",
    "LHJY": "灵活就业人员(个体劳动者)参保登记",
    "SYFW": "生育登记(生育服务证)",
    "ZJD": "农村宅基地和建房(规划许可)申请",
}
# Where a matter's forms are obtained, keyed by code, when the research says (the notice prints it; otherwise the
# centre's own default, policy forms_place). The sheet has no such column yet.
FORMS_AT: dict[str, str] = {}

# Judgement calls that are not about one document item.
MATTER_NOTES: dict[str, str] = {
    "JZZ": "承诺时限 15 taken as working days, as the column says; the 条例's 15 days are calendar days",
    "JLFZ": "kind kept 上报 as in the sheet, although the source guide calls it a 承诺件",
    "LNYDZ": "暂住证 kept as published (since 2016 the 居住证); check with the local 老龄办",
    "GZF": "condition 本市户口迁入满一年的 kept verbatim from a third-party source; confirm it locally",
}

# Generic item readers. The order matters: an explicit 条件：材料 wins.
CONDITION_ALSO = re.compile(r"^(?P<when>.+?)另(?:需|附)(?P<name>.+)$")  # 残疾人另需…
CONDITION_ONLY = re.compile(r"^(?P<name>.+?)\(限(?P<when>[^()]+)\)$")  # 低保证(限低保家庭)
# A trailing form. The name is matched lazily so that the longest form wins
# (原件及复印件1份 rather than 复印件1份).
TRAILING_FORM = re.compile(
    r"^(?P<name>.+?)(?P<form>原件及复印件(?:\d+份)?|全本复印件|复印件(?:\d+份)?|一式\d+份|原件|\d+份|\d+张)$"
)


def read_item(item: str) -> list[Document]:
    """One 申请材料 item in the generic way: condition, then trailing form."""
    when = ""
    if "：" in item:
        when, name = (part.strip() for part in item.split("：", 1))
    elif m := CONDITION_ALSO.match(item):
        when, name = m["when"], m["name"]
    elif m := CONDITION_ONLY.match(item):
        when, name = m["when"], m["name"]
    else:
        name = item
    form = ""
    if m := TRAILING_FORM.match(name):
        name, form = m["name"], m["form"]
    return [doc(name, when=when, form=form)]


def read_documents(code: str, cell: str, used: set[tuple[str, str]]) -> tuple[list[Document], list[str]]:
    """The documents of one matter and the notes on how they were read."""
    if code in ROW_OVERRIDES:
        expected, documents, note = ROW_OVERRIDES[code]
        if cell != expected:
            raise SystemExit(f"{code}: 申请材料 changed since it was read by hand; review ROW_OVERRIDES")
        return list(documents), [note]
    documents: list[Document] = []
    notes: list[str] = []
    for item in (part.strip() for part in cell.split("；")):
        if not item:
            continue
        key = (code, item)
        if key in ITEM_OVERRIDES:
            used.add(key)
            docs, note = ITEM_OVERRIDES[key]
            documents.extend(docs)
            if note:
                notes.append(note)
        else:
            documents.extend(read_item(item))
    return documents, notes


def check_documents(code: str, documents: list[Document]) -> None:
    """Refuse output the desk would print badly: colons left in, empty or repeated names."""
    seen: set[str] = set()
    for d in documents:
        name = d if isinstance(d, str) else d["name"]
        when = "" if isinstance(d, str) else d.get("when", "")
        if not name or (isinstance(d, dict) and "when" in d and not when):
            raise SystemExit(f"{code}: empty document name or condition in {d!r}")
        if "：" in name or "：" in when:
            raise SystemExit(f"{code}: a condition was not split out of {d!r}")
        if name in seen:
            raise SystemExit(f"{code}: document {name!r} listed twice")
        seen.add(name)


def read_limit(text: str, legal: str, kind: str) -> tuple[int, bool, str]:
    """承诺时限 -> (working days, estimated, note)."""
    if kind == "immediate":
        # An immediate matter is due the same working day whatever the sheet says.
        note = "" if text == "0" else f"即办: limit {text} ignored, an immediate matter is due the same day"
        return 0, False, note
    if m := re.fullmatch(r"(\d+)(\(估\))?", text):
        return int(m[1]), bool(m[2]), ""
    if text == "不适用":
        return 0, False, ""
    for words, days, how in LIMIT_WORDS:
        if text.startswith(words):
            return days, True, f"limit {text}: {how}"
    if any(words in text for words in ANNUAL_WORDS):
        if m := re.match(r"(\d+)", legal):
            days = int(m[1])
            return days, True, f"limit {text}: annual, no per-case clock; used the 法定时限 estimate {legal}"
        return ANNUAL_DEFAULT, True, f"limit {text}: annual, no per-case clock; default {ANNUAL_DEFAULT}"
    raise SystemExit(f"cannot read the limit {text!r}")


def read_name(code: str, text: str) -> tuple[str, str | None]:
    """事项名称 -> (the name slips print, the researcher's note or None), by the decisions above."""
    if code in NAME_NOTES:
        expected, name, note = NAME_NOTES[code]
        if text != expected:
            raise SystemExit(f"{code}: 事项名称 changed since its note was read by hand; review NAME_NOTES")
        return name, note
    if code in NAMES_KEPT:
        if text != NAMES_KEPT[code]:
            raise SystemExit(f"{code}: 事项名称 changed since it was read by hand; review NAMES_KEPT")
        return text, None
    if re.search(r"[()（）]", text):
        raise SystemExit(f"{code}: 事项名称 {text!r} has a bracket: decide in NAME_NOTES or NAMES_KEPT")
    return text, None


def read_matter(row: dict[str, str], used: set[tuple[str, str]]) -> dict[str, Any]:
    code = row["编码"].strip()
    name, name_note = read_name(code, row["事项名称"].strip())
    raw_kind = row["办件类型"].strip()
    if raw_kind not in KINDS:
        raise SystemExit(f"{code}: unknown 办件类型 {raw_kind!r}")
    kind = KINDS[raw_kind]
    status = STATUSES.get(raw_kind, "active")
    limit_text = row["承诺时限(工作日)"].strip()
    legal_text = row["法定时限(工作日)"].strip()
    days, estimated, limit_note = read_limit(limit_text, legal_text, kind)
    notice_text = row["需书面告知"].strip()
    if not notice_text.startswith(("是", "否")):
        raise SystemExit(f"{code}: 需书面告知 must start with 是 or 否, got {notice_text!r}")
    materials = row["申请材料"].strip()

    notes: list[str] = []
    if limit_note:
        notes.append(limit_note)
    if kind == "guide":
        # A guide matter is answered or referred, never accepted, so it requires
        # nothing; what the sheet says about materials is kept for the clerk.
        documents: list[Document] = []
        what = "abolished" if status == "abolished" else "guide only, the desk refers the visitor on"
        notes.append(f"{what}; no documents are taken here. 申请材料: {materials}")
        if limit_text != "不适用" and days:
            notes.append(f"limit {limit_text} is the other office's own, for the visitor's information")
    else:
        documents, document_notes = read_documents(code, materials, used)
        notes.extend(document_notes)
        check_documents(code, documents)
    if code in MATTER_NOTES:
        notes.append(MATTER_NOTES[code])

    return {
        "code": code,
        "name": name,
        "name_note": name_note,
        "dept": row["主管部门"].strip(),
        "kind": kind,
        "immediate": kind == "immediate",
        "limit_days": days,
        "limit_estimated": estimated,
        "limit_text": limit_text,
        "legal_limit_text": legal_text,
        "written_notice": notice_text.startswith("是"),
        "written_notice_text": notice_text,
        "documents": documents,
        "forms_at": FORMS_AT.get(code),
        "basis": row["设定依据"].strip(),
        "source": row["来源"].strip(),
        "status": status,
        "notes": "; ".join(notes),
    }


def build(csv_path: Path, guides: Path | None = GUIDES) -> dict[str, Any]:
    # utf-8-sig: the sheet is saved with a BOM by spreadsheet tools.
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SystemExit(f"{csv_path}: unexpected columns {reader.fieldnames}")
        rows = list(reader)
    used: set[tuple[str, str]] = set()
    matters = [read_matter(row, used) for row in rows]
    codes = [m["code"] for m in matters]
    if len(set(codes)) != len(codes):
        raise SystemExit(f"{csv_path}: duplicate codes")
    # An override that matched nothing means its cell was edited: read it again by hand.
    stale = sorted(set(ITEM_OVERRIDES) - used)
    if stale:
        raise SystemExit(f"ITEM_OVERRIDES no longer match the sheet: {stale}")
    unknown = sorted((set(NAME_NOTES) | set(NAMES_KEPT) | set(FORMS_AT)) - set(codes))
    if unknown:
        raise SystemExit(f"NAME_NOTES, NAMES_KEPT or FORMS_AT name codes not in the sheet: {unknown}")
    if guides is not None:
        researched = read_guides(guides, codes)
        for m in matters:
            m["guide"] = researched[m["code"]]["guide"]
            m["guide_notes"] = researched[m["code"]]["notes"]
    return {
        "source": f"{csv_path.name}: {len(matters)} matters researched from published service guides",
        "matters": matters,
    }


def read_guides(folder: Path, codes: list[str]) -> dict[str, dict[str, Any]]:
    """The researched guides by code, as the desk takes them (`rules.Guide`): phones and hours of other regions
    dropped (PHONES_KEPT, HOURS_KEPT), the researchers' notes kept apart for maintainers."""
    guides: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("part-*.json")):
        for raw in json.loads(path.read_text(encoding="utf-8")):
            code = raw["code"]
            if code in guides:
                raise SystemExit(f"{path.name}: {code} researched twice")
            dropped = [
                f"{part} {raw[part]!r} dropped (another region's; the slip gives the centre's own)"
                for part, kept in (("phone", PHONES_KEPT), ("hours", HOURS_KEPT))
                if raw.get(part) and kept.get(code) != raw[part]
            ]
            guides[code] = {
                "guide": {
                    "conditions": raw["conditions"],
                    "procedure": raw["procedure"],
                    "fees": raw["fees"] or "",
                    "place": raw["place"] or "",
                    "hours": HOURS_KEPT.get(code, ""),
                    "phone": PHONES_KEPT.get(code, ""),
                    "online": raw["online"] or "",
                    "sources": raw["sources"],
                    "estimated": [p for p in raw["estimated"] if p not in ("phone", "hours")],
                    "answers": [],
                },
                "notes": "; ".join([raw["notes"], *dropped]),
            }
    missing = sorted(set(codes) - set(guides))
    unknown = sorted(set(guides) - set(codes))
    if missing or unknown:
        raise SystemExit(f"guides missing for {missing}, or for codes not in the sheet: {unknown}")
    return guides


def render(catalogue: dict[str, Any]) -> str:
    return json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV, help="the research sheet")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the catalogue")
    args = parser.parse_args(argv)
    text = render(build(args.csv))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # newline="\n": the same bytes on every platform.
    with args.out.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
