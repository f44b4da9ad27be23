"""The documents the desk hands to visitors (SPEC §8, §11), as plain text that prints in Chinese, and their PDF.

They are written in Chinese whatever the screen's language: the visitor keeps them and they go on file. Every slip
is headed by the centre's name and the document's title, names the case, the visitor and the matter, closes with
the clerk and the window (窗口号, never the staff code), the day and the space for the centre's seal (盖章处), and
ends with the centre's address, phone and opening hours (a line the policy leaves empty is left out). The notice
and the receipt also carry the line where the visitor signs for them (签收人 / 日期). A matter is named by its name
only: the researchers' note on it (`Matter.note`) is for the screen and never reaches a slip.

The saved text is the document. Its PDF (A4) is drawn from that text when first asked for (`pdf_of`), in a
TrueType Chinese font found on the machine and embedded in the file (`find_font`; SimSun on Windows, AR PL UMing or
WenQuanYi on Linux), or else in reportlab's CID font STSong-Light, which the PDF names but does not carry (the
reader's own font draws it, and some printers and readers have none). Lines break between any two Chinese
characters but never inside a number, a Latin word or a name joined by a middle dot (买买提·艾力), never before a
closing mark nor after an opening one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

NO_MORE_ITEMS = "除上述材料外，本窗口不再要求您补充其他材料。"
RECONSIDERATION = (
    "如对本决定不服，可以自收到本通知书之日起六十日内依法{to}申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
)

# Each document's title (after the centre's name).
# The form a catalogue document is asked in when it is to be seen only: checked and handed back, never kept.
ORIGINALS_ONLY = "原件"
TITLES = {
    "notice": "一次性告知书",
    "receipt": "收件回执",
    "rejection": "不予受理通知书",
    "referral": "转介告知单",
    "guide": "办事指南",
}
# The words the slips are made of; the PDF recognises its lines by them.
NUMBER = "编号："
CLERK = "经办人："
SEAL = "（盖章处）"
BLANK = "＿" * 6  # a space to write in by hand (U+FF3F); drawn as a rule in the PDF
SIGN_FOR = f"签收人：{BLANK}　　日期：{BLANK}"
RULE = "─" * 30  # above the centre's address, phone and hours
ADDRESS, PHONE, HOURS = "地址：", "咨询电话：", "办公时间："
RATE = "扫码评价（好差评）："  # the QR code for rating the service; its URL follows on the same line


@dataclass(frozen=True)
class Centre:
    """The centre's identity as every slip prints it (the policy's centre_* settings)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Slip:
    """What every document names: the centre, the case, the visitor, the matter, the clerk, the window, the day."""

    case_no: str
    visitor: str
    matter: str
    clerk: str
    window: str | None  # the window number the desk serves (窗口号), None where it has none
    day: date
    centre: Centre = Centre()
    rating_url: str = ""  # the QR link for rating the service (好差评), where the hall's address is known


def _head(title: str, slip: Slip) -> list[str]:
    return [
        f"{slip.centre.name.strip()}{title}",
        f"{NUMBER}{slip.case_no}",
        "",
        f"服务对象：{slip.visitor or '（匿名）'}",
        f"办理事项：{slip.matter or '（未列入目录的事项）'}",
    ]


def _foot(slip: Slip, *, sign_for: bool, seal: bool = True) -> list[str]:
    """The clerk, the window, the day and the seal; the visitor's signature; the centre's address, phone, hours."""
    window = f"　　窗口：{slip.window}号" if slip.window else ""
    lines = ["", f"{CLERK}{slip.clerk}{window}", f"日期：{slip.day:%Y年%m月%d日}", *([SEAL] if seal else [])]
    if sign_for:
        lines += ["", SIGN_FOR]
    if slip.rating_url:
        lines += ["", f"{RATE}{slip.rating_url}"]
    return lines + _about(slip.centre)


def _about(centre: Centre) -> list[str]:
    """The centre's address, phone and hours under a rule (the lines the policy leaves empty left out)."""
    about = [
        f"{label}{value.strip()}"
        for label, value in ((ADDRESS, centre.address), (PHONE, centre.phone), (HOURS, centre.hours))
        if value.strip()
    ]
    return ["", RULE, *about] if about else []


def _indented(text: str, indent: str = "  ") -> list[str]:
    """Text typed at the window (several lines maybe) as indented lines of the slip."""
    return [f"{indent}{line.strip()}" for line in text.strip().split("\n") if line.strip()]


def default_pickup(centre: Centre, window: str | None) -> str:
    """Where the result is collected when the policy does not say: this window, and the centre's phone."""
    place = f"本中心{window}号窗口" if window else "本中心窗口"
    return place + (f"，电话 {centre.phone.strip()}" if centre.phone.strip() else "")


def notice(
    slip: Slip,
    items: Sequence[tuple[str, str | None]],
    *,
    forms: str = "",
    presented: Sequence[str] = (),
    earlier: date | None = None,
) -> str:
    """一次性告知书: every missing item with its requirement (original / copy, count) as the catalogue has it,
    where the forms are obtained, and the promise that nothing more will be asked; the visitor signs for it.

    `presented`: what the visitor has presented so far, listed so that they keep a record of it; `earlier`: the day
    of the case's first notice, when this one follows it for what is still missing."""
    lines = _head(TITLES["notice"], slip)
    if earlier is not None:
        lines += ["", f"本通知接{earlier:%Y年%m月%d日}告知，列出仍需提供的材料。"]
    if presented:
        lines += ["", f"您已提交：{'、'.join(presented)}。"]
    lines += ["", f"您申请办理的上述事项，尚需提供（补正）以下{len(items)}项材料："]
    for i, (name, form) in enumerate(items, 1):
        lines.append(f"  {i}. {name}" + (f"（{form}）" if form else ""))
    if forms.strip():
        lines += ["", f"表格领取：{forms.strip()}"]
    lines += ["", NO_MORE_ITEMS, "请备齐上述材料后到本中心办理。"]
    return "\n".join(lines + _foot(slip, sign_for=True)) + "\n"


def receipt(
    slip: Slip,
    materials: Sequence[tuple[str, int]],
    accepted: datetime,
    due: date,
    *,
    provisional: bool,
    pickup: str = "",
    shown: Collection[str] = (),
    collect: bool = True,
) -> str:
    """收件回执: the materials received (name, pages) — or, for a case taken in with none (a complaint, a report,
    research), that none were taken —, the acceptance and due dates, where to collect the result; signed for.

    `shown`: originals only checked and handed back (an ID card): listed as such, not as kept, nor counted.
    `collect`: False for a case whose result is a reply (a complaint, a report): where to ask, not to collect."""
    lines = _head(TITLES["receipt"], slip)
    kept = [(name, pages) for name, pages in materials if name not in shown]
    returned = [name for name, _ in materials if name in shown]
    if kept:
        lines += ["", "已收材料："]
        for i, (name, pages) in enumerate(kept, 1):
            lines.append(f"  {i}. {name}（{pages}页）")
        lines.append(f"  合计：{len(kept)}件，{sum(int(p) for _, p in kept)}页")
    else:
        lines += ["", "已收材料：无（本次受理未收取任何材料）"]
    if returned:
        lines.append(f"  原件已核验并当场退还：{'、'.join(returned)}")
    lines += [
        "",
        f"受理日期：{accepted:%Y年%m月%d日}",
        f"承诺办结日期：{due:%Y年%m月%d日}" + ("（节假日安排尚未公布，日期为暂定）" if provisional else ""),
    ]
    if pickup.strip():
        lines.append(f"{'取件及咨询' if collect else '查询及答复'}：{pickup.strip()}")
    lines += ["", "请妥善保管本回执，查询进度或领取结果时请出示。"]
    return "\n".join(lines + _foot(slip, sign_for=True)) + "\n"


def rejection(slip: Slip, reason: str, *, licensing: bool, body: str = "") -> str:
    """不予受理通知书: the reason and, for licensing matters, the right to administrative reconsideration (naming
    the reconsideration body when the policy gives one) or litigation."""
    lines = _head(TITLES["rejection"], slip)
    lines += ["", "经审查，您的申请不予受理，理由如下：", *_indented(reason)]
    if licensing:
        to = f"向{body.strip()}" if body.strip() else ""
        lines += ["", RECONSIDERATION.format(to=to)]
    lines += ["", "特此告知。"]
    return "\n".join(lines + _foot(slip, sign_for=False)) + "\n"


def referral(slip: Slip, agency: str, contact: str, bring: str = "") -> str:
    """转介告知单: the agency, how to reach it, what to bring there."""
    lines = _head(TITLES["referral"], slip)
    lines += [
        "",
        "您反映的事项不属于本中心职责范围，请与以下单位联系办理：",
        f"  单位：{agency}",
        f"  联系方式：{contact}",
    ]
    if bring.strip():
        things = _indented(bring, "")
        lines.append(f"  需携带：{things[0]}")
        lines += [f"  　　　　{thing}" for thing in things[1:]]
    lines += ["", "联系中如遇困难，可回本窗口咨询。"]
    return "\n".join(lines + _foot(slip, sign_for=False)) + "\n"


GUIDE_NUMERALS = "一二三四五六七八九十"
ESTIMATE_MARK = re.compile(r"[（(]估[)）]")
GUIDE_CHANGES = "本指南所列内容如有调整，以本中心窗口最新告知为准。"


@dataclass(frozen=True)
class GuideText:
    """What a 办事指南 slip prints of a matter besides its name (the slip's): department and time limit, the guide's
    parts, and the documents with their form and condition (the catalogue's, as on the one-time notice)."""

    dept: str
    limit: str  # 即办 / 承诺N个工作日 / …, as the matter's kind says
    conditions: Sequence[str]
    documents: Sequence[tuple[str, str | None, str | None]]  # (name, form, when)
    procedure: Sequence[str]
    fees: str
    place: str
    hours: str
    phone: str
    online: str


def guide_limit(kind: str, limit_days: int) -> str:
    """A matter's time limit as its 办事指南 prints it: none for a matter only guided here."""
    if kind == "guide":
        return ""
    if kind == "immediate":
        return "即办（材料齐全的当场办结）"
    return f"承诺{limit_days}个工作日（自受理之日起计算）"


def guide(text: GuideText, slip: Slip, *, answer: str = "") -> str:
    """办事指南: the matter's conditions, documents, steps, fees, place, hours, phone and online channel, under the
    centre's name; with the case (number, visitor) and the answer given when it is handed over as an answer (a slip
    without a case number names neither), and the clerk, window and day either way. A part the guide lacks is left
    out; hours and phone fall back to the centre's own."""
    centre = slip.centre
    if slip.case_no:
        lines = _head(TITLES["guide"], slip)
    else:
        lines = [f"{centre.name.strip()}{TITLES['guide']}", "", f"办理事项：{slip.matter}"]
    dept = ESTIMATE_MARK.sub("", text.dept).strip()  # the researchers' (估) is for the clerk, not the visitor
    if dept:
        lines.append(f"办理部门：{dept}")
    if text.limit:
        lines.append(f"办理时限：{text.limit}")
    parts: list[tuple[str, list[str]]] = [
        ("申请条件", [f"  {i}. {c}" for i, c in enumerate(text.conditions, 1)]),
        (
            "所需材料",
            [
                f"  {i}. {name}" + (f"（{form}）" if form else "") + (f"【{when}】" if when else "")
                for i, (name, form, when) in enumerate(text.documents, 1)
            ],
        ),
        ("办理流程", [f"  {i}. {step}" for i, step in enumerate(text.procedure, 1)]),
    ]
    for label, value in (
        ("收费标准", text.fees),
        ("办理地点", text.place),
        ("办理时间", text.hours or centre.hours),
        ("咨询电话", text.phone or centre.phone),
        ("网上办理", text.online),
    ):
        if value.strip():
            parts.append((label, [value.strip()]))
    for n, (label, body) in enumerate((p for p in parts if p[1]), 0):
        if len(body) == 1 and not body[0].startswith(" "):  # one value: on the heading's line
            lines += ["", f"{GUIDE_NUMERALS[n]}、{label}：{body[0]}"]
        else:
            lines += ["", f"{GUIDE_NUMERALS[n]}、{label}", *body]
    if answer.strip():
        lines += ["", "窗口答复：", *_indented(answer)]
    lines += ["", GUIDE_CHANGES]
    return "\n".join(lines + _foot(slip, sign_for=False, seal=False)) + "\n"


# --- the font ----------------------------------------------------------------------------------------------------

CID_FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese with no font file, but nothing embedded
FONT = CID_FONT  # the name the PDF falls back to
FONT_ENV = "FIRSTASK_FONT"  # a TrueType (.ttf / .ttc) file to use instead of the ones looked for

# TrueType Chinese fonts, in order of preference: a Song (Ming) face, as official papers use, then Hei, then Kai.
# Each was checked to embed with reportlab's TTFont (glyf outlines). Noto CJK and Source Han (fonts-noto-cjk) are
# not listed: they are CFF-outline OpenType, which reportlab cannot embed.
WINDOWS_FONTS = ("simsun.ttc", "simfang.ttf", "simhei.ttf", "simkai.ttf")  # SimSun (NSimSun is its index 1)
LINUX_FONTS = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # Debian fonts-arphic-uming (AR PL UMing CN)
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei (WenQuanYi Zen Hei)
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei (WenQuanYi Micro Hei)
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",  # Fedora wqy-zenhei-fonts
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora wqy-microhei-fonts
    "/usr/share/fonts/truetype/arphic/ukai.ttc",  # Debian fonts-arphic-ukai (AR PL UKai CN)
)
FONT_PACKAGE = "fonts-wqy-microhei"  # what to install on Debian / Ubuntu when none is found


def font_candidates() -> list[Path]:
    """Where a TrueType Chinese font is looked for, in order."""
    found: list[Path] = []
    if os.environ.get(FONT_ENV):
        found.append(Path(os.environ[FONT_ENV]).expanduser())
    windows = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
    found += [Path(windows) / "Fonts" / name for name in WINDOWS_FONTS]
    found += [Path(p) for p in LINUX_FONTS]
    return found


def find_font() -> Path | None:
    """The TrueType Chinese font the PDFs will embed, or None (they fall back to STSong-Light, not embedded).
    Cheap: it only looks for files, so the app can say at start that none is installed."""
    for path in font_candidates():
        try:
            if path.is_file():
                return path
        except OSError:
            continue
    return None


@dataclass(frozen=True)
class _Fonts:
    """The fonts a PDF is drawn in: the embedded TrueType face (None without one) and the CID font for what it
    lacks (a rare character in a name) or for everything."""

    main: str | None
    glyphs: frozenset[int]

    def runs(self, text: str) -> list[tuple[str, str]]:
        """The text cut into (font, piece) wherever it moves between the TrueType font and the fallback."""
        if self.main is None:
            return [(CID_FONT, text)] if text else []
        out: list[tuple[str, str]] = []
        for char in text:
            font = self.main if ord(char) in self.glyphs or char in " \t" else CID_FONT
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + char)
            else:
                out.append((font, char))
        return out

    def width(self, text: str, size: float) -> float:
        from reportlab.pdfbase import pdfmetrics

        return float(sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in self.runs(text)))


@cache
def _fonts() -> _Fonts:
    """Register the fonts once per process (reading a TrueType collection takes a fifth of a second)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    path = find_font()
    if path is None:
        return _Fonts(None, frozenset())
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = "SlipFont"
    try:
        font = TTFont(name, str(path), subfontIndex=0)
        pdfmetrics.registerFont(font)
    except (TTFError, OSError, ValueError, KeyError, IndexError):
        return _Fonts(None, frozenset())  # unreadable, or PostScript outlines: the CID font draws everything
    return _Fonts(name, frozenset(font.face.charToGlyph))


def embedded_font() -> str | None:
    """The TrueType font's name as the PDFs embed it (its PostScript name), or None when they use STSong-Light."""
    fonts = _fonts()
    if fonts.main is None:
        return None
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(fonts.main).face
    return bytes(face.name).decode("latin-1")


# --- lines that break where Chinese typesetting lets them --------------------------------------------------------

_NAME = r"[^\s·・•‧，。、；：！？,.;:!?（）()《》「」“”]"
_ATOM = re.compile(
    rf"{_NAME}+(?:[·・•‧]{_NAME}+)+"  # a name joined by a middle dot, up to a mark or a space: 买买提·艾力
    r"|[0-9A-Za-z０-９Ａ-Ｚａ-ｚ][0-9A-Za-z０-９Ａ-Ｚａ-ｚ\-_./@:#]*"  # numbers, case numbers, phones, Latin words
    r"|\s+|.",
    re.S,
)
_CLOSING = set("，。、；：！？）》」』”’】〕,.;:!?)]}%")  # never starts a line
_OPENING = set("（《「『“‘【〔([{")  # never ends one


def atoms(line: str) -> list[str]:
    """The pieces a line may break between: a Chinese character with the marks that cling to it, a number or
    Latin word, a name joined by a middle dot (as far as the marks or spaces around it: a slip writes a name
    after a label's colon, in brackets, or between commas), a run of spaces."""
    out: list[str] = []
    pending = ""
    for match in _ATOM.finditer(line):
        atom = match.group()
        if atom in _OPENING:
            pending += atom
            continue
        atom, pending = pending + atom, ""
        if out and atom[0] in _CLOSING:
            out[-1] += atom
        else:
            out.append(atom)
    if pending:
        out.append(pending)
    return out


def wrap(line: str, room: float, measure: Callable[[str], float], hang: float = 0.0) -> list[str]:
    """Break a line to `room` (continuation lines have `hang` less), between atoms; an atom wider than a whole
    line is cut between its characters."""
    out: list[str] = []
    current, limit = "", room
    for atom in atoms(line):
        if not current or measure(current + atom) <= limit:
            current += atom
        else:
            out.append(current.rstrip())
            current, limit = atom.lstrip(), room - hang
        while len(current) > 1 and measure(current) > limit:
            cut = next((i for i in range(len(current) - 1, 0, -1) if measure(current[:i]) <= limit), 1)
            out.append(current[:cut])
            current, limit = current[cut:], room - hang
    out.append(current.rstrip())
    return out


_CID_DOTS = re.compile("([·‧•⋅･∙])")  # middle dots that readers' stand-ins for STSong-Light lack
_HANG = re.compile(r"^(\d+\.\s|[^：，。；、\s]{1,8}：)")  # continuation lines align after "1. " or "标签："


# --- the PDF -------------------------------------------------------------------------------------------------------

MM = 72 / 25.4
MARGIN = 25 * MM
TITLE_SIZE, MIN_TITLE_SIZE = 20.0, 15.0
SIZE, LEADING, GAP = 12.0, 21.0, 9.0  # body text; a blank line of the text is a gap, not a whole line
SMALL, SMALL_LEADING = 10.0, 15.0  # the case number and the centre's address block
QR_SIDE = 30 * MM  # the rating QR code, quiet zone included: scanned from a phone held over the slip
SEAL_RADIUS = 21 * MM  # the space for a round seal of 42 mm, the size of a government office's seal


class _Page:
    """A canvas with the slip's fonts, a cursor going down the page, and a new page when it runs out."""

    def __init__(self, path: Path, title: str, bottom: float) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        self.fonts = _fonts()
        self.width, self.height = A4
        # The initial font is one of the slip's own, so the file names no font it does not use (Helvetica).
        self.canvas = canvas.Canvas(
            str(path), pagesize=A4, initialFontName=self.fonts.main or CID_FONT, initialFontSize=SIZE
        )
        self.canvas.setTitle(title)
        self.canvas.setCreator("firstask")
        self.bottom = bottom
        self.y = self.height - MARGIN

    @property
    def room(self) -> float:
        return float(self.width - 2 * MARGIN)

    def measure(self, size: float) -> Callable[[str], float]:
        return lambda s: self.fonts.width(s, size)

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.canvas.showPage()
            self.y = self.height - MARGIN

    def text(self, x: float, y: float, text: str, size: float, *, bold: bool = False, grey: bool = False) -> None:
        """Draw text in one text object, the font switching where the TrueType font lacks a character."""
        from reportlab.pdfbase import pdfmetrics

        c = self.canvas
        c.saveState()
        if grey:
            c.setFillGray(0.55)
        if bold:
            c.setLineWidth(size * 0.035)  # a Chinese font has no bold face here: stroke the outline too
        mode = 2 if bold else 0
        obj = c.beginText(x, y)
        obj.setTextRenderMode(mode)
        dots: list[float] = []
        for font, piece in self.fonts.runs(text):
            obj.setFont(font, size)
            for part in _CID_DOTS.split(piece) if font == CID_FONT else (piece,):
                if font == CID_FONT and _CID_DOTS.fullmatch(part):
                    # Readers that stand in for STSong-Light (poppler, so CUPS too) draw a middle dot as a box:
                    # the dot is drawn as a dot, and its character is kept, unseen, for the text of the file.
                    dots.append(obj.getX() + pdfmetrics.stringWidth(part, font, size) / 2)
                    obj.setTextRenderMode(3)
                    obj.textOut(part)
                    obj.setTextRenderMode(mode)
                elif part:
                    obj.textOut(part)
        c.drawText(obj)
        for dot in dots:
            c.circle(dot, y + size * 0.33, size * 0.07, stroke=0, fill=1)
        c.restoreState()

    def lines(self, line: str, size: float, leading: float) -> None:
        """A line of the text, wrapped to the page: indented by its leading spaces, hung after its label."""
        stripped = line.lstrip(" ")
        indent = (len(line) - len(stripped)) * size / 2
        measure = self.measure(size)
        hang = _HANG.match(stripped)
        hang_width = measure(hang.group()) if hang else 0.0
        for i, part in enumerate(wrap(stripped, self.room - indent, measure, hang_width)):
            self.need(leading)
            self.y -= leading
            self.text(MARGIN + indent + (hang_width if i else 0.0), self.y, part, size)

    def title(self, title: str) -> None:
        measure = self.measure(TITLE_SIZE)
        size = TITLE_SIZE * min(1.0, self.room / max(measure(title), 1.0))
        size = max(size, MIN_TITLE_SIZE)
        for part in wrap(title, self.room, self.measure(size)):
            self.y -= size * 1.25
            self.text((self.width - self.fonts.width(part, size)) / 2, self.y, part, size, bold=True)
        self.y -= size * 0.5

    def right(self, text: str, size: float) -> None:
        self.y -= size * 1.6
        self.text(self.width - MARGIN - self.fonts.width(text, size), self.y, text, size)

    def sign_for(self, line: str) -> None:
        """The visitor's signature line: the blanks drawn as rules to write on."""
        self.need(LEADING * 2)
        self.y -= LEADING * 2  # room above the line to sign in
        x = MARGIN
        for piece in re.split(r"(＿+)", line):
            if not piece:
                continue
            width = self.fonts.width(piece, SIZE)
            if piece.startswith("＿"):
                self.canvas.setLineWidth(0.6)
                self.canvas.line(x + 2, self.y - 2, x + width, self.y - 2)
            else:
                self.text(x, self.y, piece, SIZE)
            x += width

    def seal(self, top: float) -> None:
        """A dashed circle at the right of the clerk's lines, where the centre stamps its seal."""
        c = self.canvas
        r = SEAL_RADIUS
        cx, cy = self.width - MARGIN - r, top - r + SIZE
        c.saveState()
        c.setStrokeGray(0.6)
        c.setLineWidth(0.6)
        c.setDash(3, 3)
        c.circle(cx, cy, r)
        c.restoreState()
        word = SEAL.strip("（）")
        self.text(cx - self.fonts.width(word, SIZE) / 2, cy - SIZE / 3, word, SIZE, grey=True)
        self.y = min(self.y, cy - r)

    def footer(self, lines: Sequence[str]) -> None:
        """The centre's address, phone and hours under a rule, at the foot of the last page."""
        c = self.canvas
        y = MARGIN + SMALL_LEADING * (len(lines) - 1)
        c.saveState()
        c.setLineWidth(0.5)
        c.line(MARGIN, y + SMALL_LEADING, self.width - MARGIN, y + SMALL_LEADING)
        c.restoreState()
        for line in lines:
            self.text(MARGIN, y, line, SMALL)
            y -= SMALL_LEADING

    def rating_code(self, url: str) -> None:
        """The QR code for rating the service, with what it is for and its address on one line beside it (the
        address is also the page's text, so it can be typed where a phone cannot scan)."""
        from reportlab.graphics import renderPDF
        from reportlab.graphics.barcode.qr import QrCodeWidget
        from reportlab.graphics.shapes import Drawing

        side = QR_SIDE
        self.need(side + GAP)
        self.y -= side + GAP
        widget = QrCodeWidget(url, barLevel="M", barBorder=4)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, self.canvas, MARGIN, self.y)
        left = MARGIN + side + 4 * MM
        room = self.width - MARGIN - left
        self.text(left, self.y + side * 0.6, RATE.rstrip("："), SIZE)
        size = SMALL
        while size > 5 and self.fonts.width(url, size) > room:
            size -= 0.25
        self.text(left, self.y + side * 0.6 - LEADING, url, size, grey=True)

    def save(self) -> None:
        self.canvas.save()


def pdf(text: str, path: Path) -> None:
    """The document as an A4 PDF: its first line as the title, the case number to the right, the body wrapped to
    the page, the clerk's lines beside the seal's space, the signature line drawn to write on, and the centre's
    address block at the foot of the page."""
    title, *body = text.rstrip("\n").split("\n")
    footer: list[str] = []
    if RULE in body:
        at = len(body) - 1 - body[::-1].index(RULE)
        body, footer = body[:at], body[at + 1 :]
    while body and not body[-1].strip():
        body.pop()
    bottom = MARGIN + (SMALL_LEADING * (len(footer) + 1) + GAP if footer else 0.0)
    page = _Page(path, title, bottom)
    page.title(title)
    clerk_top: float | None = None
    for line in body:
        if not line.strip():
            page.y -= GAP
        elif line.startswith(NUMBER):
            page.right(line, SMALL)
        elif line == SEAL:
            page.seal(clerk_top if clerk_top is not None else page.y)
        elif line == SIGN_FOR:
            page.sign_for(line)
        elif line.startswith(RATE):
            page.rating_code(line.removeprefix(RATE))
        else:
            if line.startswith(CLERK):
                page.need(2 * SEAL_RADIUS + LEADING)
                page.y -= GAP * 2
                clerk_top = page.y
            page.lines(line, SIZE, LEADING)
    if footer:
        page.footer(footer)
    page.save()


def save(folder: Path, case_no: str, name: str, text: str, *, with_pdf: bool = True) -> Path:
    """Write a document under the desk's data directory, named by case number, as text and as a PDF.

    Owner-only like the database: the documents hold visitors' names. Returns the text file's path; the PDF
    sits beside it with the same name.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{case_no}-{name}.txt"
    with path.open("w", encoding="utf-8") as f:
        f.write(text)
    path.chmod(0o600)
    if with_pdf:
        pdf_of(path)
    return path


def pdf_of(path: Path) -> Path:
    """The PDF of a saved document, rendered from its text the first time it is asked for (owner-only)."""
    pdf_path = path.with_suffix(".pdf")
    text_path = path.with_suffix(".txt")
    if not pdf_path.exists() and text_path.exists():
        pdf(text_path.read_text(encoding="utf-8"), pdf_path)
        pdf_path.chmod(0o600)
    return pdf_path


def send_to_printer(path: Path, printer: str) -> None:
    """Print a saved PDF with `lp` (CUPS); raises OSError with lp's own words when it cannot."""
    import subprocess

    try:
        done = subprocess.run(["lp", "-d", printer, str(path)], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise OSError(str(e)) from e
    if done.returncode != 0:
        raise OSError((done.stderr or done.stdout).strip() or f"lp exit {done.returncode}")
