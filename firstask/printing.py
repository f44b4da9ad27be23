"""The documents the desk hands to visitors (SPEC §8), as plain text that prints in Chinese.

They are written in Chinese whatever the screen's language: the visitor keeps them and they go on file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

NO_MORE_ITEMS = "除上述材料外，本窗口不再要求您补充其他材料。"
RECONSIDERATION = ("如对本决定不服，可以自收到本通知之日起六十日内依法申请行政复议，"
                   "或者在六个月内依法提起行政诉讼。")


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


def _head(title: str, slip: Slip) -> list[str]:
    lines = [f"{slip.centre.name}{title}".strip(), "", f"编号：{slip.case_no}",
             f"服务对象：{slip.visitor or '（匿名）'}", f"办理事项：{slip.matter or '（未列入目录的事项）'}"]
    return lines


def _foot(slip: Slip) -> list[str]:
    window = f"    窗口：{slip.window}号" if slip.window else ""
    return ["", f"经办人：{slip.clerk}{window}", f"日期：{slip.day:%Y年%m月%d日}"]


def notice(slip: Slip, items: Sequence[tuple[str, str | None]], *, forms: str = "") -> str:
    """一次性告知书: every missing item with its requirement, and the promise that nothing more will be asked."""
    lines = _head("一次性告知书", slip)
    lines += ["", "您申请办理的事项尚需提供（补正）以下材料："]
    for i, (name, form) in enumerate(items, 1):
        lines.append(f"  {i}. {name}" + (f"（{form}）" if form else ""))
    if forms:
        lines += ["", f"表格领取：{forms}"]
    lines += ["", NO_MORE_ITEMS]
    return "\n".join(lines + _foot(slip)) + "\n"


def receipt(slip: Slip, materials: Sequence[tuple[str, int]], accepted: datetime, due: date, *,
            provisional: bool, pickup: str = "") -> str:
    """收件回执: the materials received (name, pages), the acceptance and due dates, the handler."""
    lines = _head("收件回执", slip)
    lines += ["", "已收材料："]
    for i, (name, pages) in enumerate(materials, 1):
        lines.append(f"  {i}. {name}（{pages}页）")
    lines += ["", f"受理日期：{accepted:%Y年%m月%d日}", f"承诺办结日期：{due:%Y年%m月%d日}"
              + ("（节假日安排尚未公布，日期为暂定）" if provisional else "")]
    if pickup:
        lines.append(f"取件/联系：{pickup}")
    return "\n".join(lines + _foot(slip)) + "\n"


def rejection(slip: Slip, reason: str, *, licensing: bool, body: str = "") -> str:
    """不予受理通知书: the reason and, for licensing matters, the right to reconsideration or litigation."""
    lines = _head("不予受理通知书", slip)
    lines += ["", f"经审查，您的申请不予受理，理由如下：{reason}"]
    if licensing:
        lines += ["", RECONSIDERATION]
    return "\n".join(lines + _foot(slip)) + "\n"


def referral(slip: Slip, agency: str, contact: str, bring: str = "") -> str:
    """转介告知单: the agency, how to reach it, what to bring."""
    lines = _head("转介告知单", slip)
    lines += ["", "您反映的事项不属于本中心职责范围，请联系：", f"  单位：{agency}", f"  联系方式：{contact}"]
    if bring:
        lines.append(f"  需携带：{bring}")
    return "\n".join(lines + _foot(slip)) + "\n"


FONT = "STSong-Light"  # reportlab's built-in CID font: prints Chinese with no font files


def pdf(text: str, path: Path) -> None:
    """The document as an A4 PDF: the first line as its title, the rest wrapped to the page in Chinese."""
    from reportlab.lib.pagesizes import A4  # imported here: only printing needs reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width, height = A4
    margin, size, leading = 64.0, 12.0, 20.0
    page = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)
    title, _, body = text.partition("\n")
    page.setTitle(title)
    page.setFont(FONT, 18)
    page.drawCentredString(width / 2, height - margin, title)
    y = height - margin - 2 * leading
    page.setFont(FONT, size)
    for line in body.split("\n"):
        for part in _wrap(line, width - 2 * margin, lambda s: pdfmetrics.stringWidth(s, FONT, size)):
            if y < margin:
                page.showPage()
                page.setFont(FONT, size)
                y = height - margin
            page.drawString(margin, y, part)
            y -= leading
    page.save()


def _wrap(line: str, room: float, measure: Callable[[str], float]) -> list[str]:
    """Chinese text breaks between any two characters; cut where the next character would not fit."""
    out, current = [], ""
    for char in line:
        if current and measure(current + char) > room:
            out.append(current)
            current = "    " + char if line.startswith("  ") else char
        else:
            current += char
    out.append(current)
    return out


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
        done = subprocess.run(["lp", "-d", printer, str(path)], capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise OSError(str(e)) from e
    if done.returncode != 0:
        raise OSError((done.stderr or done.stdout).strip() or f"lp exit {done.returncode}")
