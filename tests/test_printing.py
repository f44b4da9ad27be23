"""The slips a centre hands over (SPEC §8, §11), as text and as PDF: the centre's identity, the window, the seal's
space and the sign-for line, each slip's own lines; a name with a middle dot and a case number never broken, in the
text the PDF gives back too; the TrueType Chinese font embedded where the machine has one, STSong-Light otherwise.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from firstask import i18n, printing
from firstask.desk import Desk
from firstask.printing import Centre, Slip

CENTRE = Centre(
    name="西溪街道便民服务中心",
    address="西湖区文三路123号一楼",
    phone="0571-87654321",
    hours="周一至周五 8:30-12:00，14:00-17:30",
)
DAY = date(2026, 12, 4)
LOCALES = Path(i18n.__file__).with_name("locales")


def slip(
    visitor: str = "买买提·艾力",
    *,
    window: str | None = "3",
    centre: Centre = CENTRE,
    matter: str = "残疾人证新办(首次申领)",
) -> Slip:
    return Slip(
        case_no="20261204-0025", visitor=visitor, matter=matter, clerk="王芳", window=window, day=DAY, centre=centre
    )


def every_slip(s: Slip) -> dict[str, str]:
    return {
        "notice": printing.notice(s, [("《残疾人证申请表》", "原件1份"), ("户口本", None)], forms="本中心咨询台"),
        "receipt": printing.receipt(
            s,
            [("身份证", 2), ("户口本", 4)],
            datetime(2026, 12, 4, 10, 0),
            date(2026, 12, 15),
            provisional=False,
            pickup="本中心3号窗口",
        ),
        "rejection": printing.rejection(s, "不符合申领条件", licensing=True, body="西湖区人民政府"),
        "referral": printing.referral(s, "区人力社保局", "0571-88888888", "身份证原件"),
    }


def pdf_of(text: str, tmp_path: Path, name: str = "slip") -> Path:
    path = tmp_path / f"{name}.pdf"
    printing.pdf(text, path)
    return path


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def fonts_of(path: Path) -> list[dict[str, object]]:
    """Each font the PDF's pages use: its base name and whether the font file is inside the PDF."""
    out = []
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])]
            descriptors = [d.get("/FontDescriptor") for d in [font, *descendants] if d.get("/FontDescriptor")]
            embedded = any(k in d.get_object() for d in descriptors for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.append({"name": str(font["/BaseFont"]), "embedded": embedded})
    return out


@pytest.fixture
def no_truetype(monkeypatch):
    """A machine without any TrueType Chinese font."""
    monkeypatch.delenv(printing.FONT_ENV, raising=False)
    monkeypatch.setattr(printing, "font_candidates", lambda: [])
    printing._fonts.cache_clear()
    yield
    printing._fonts.cache_clear()


# --- the text --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["notice", "receipt", "rejection", "referral"])
def test_every_slip_names_the_centre_the_window_and_leaves_room_for_the_seal(kind):
    text = every_slip(slip())[kind]
    lines = text.splitlines()
    assert lines[0] == "西溪街道便民服务中心" + printing.TITLES[kind]
    assert "编号：20261204-0025" in lines and "服务对象：买买提·艾力" in lines
    assert "经办人：王芳　　窗口：3号" in lines and "日期：2026年12月04日" in lines
    assert printing.SEAL in lines
    assert lines[-3:] == [
        "地址：西湖区文三路123号一楼",
        "咨询电话：0571-87654321",
        "办公时间：周一至周五 8:30-12:00，14:00-17:30",
    ]
    signed = kind in ("notice", "receipt")
    assert (printing.SIGN_FOR in lines) is signed
    assert "签收人：＿＿＿＿" in printing.SIGN_FOR and "日期：＿＿＿＿" in printing.SIGN_FOR


def test_an_empty_line_of_the_centre_is_left_out_and_no_window_prints_none():
    text = printing.notice(slip(window=None, centre=Centre(name="", phone="87654321")), [("申请表", None)])
    lines = text.splitlines()
    assert lines[0] == "一次性告知书"
    assert "经办人：王芳" in lines and "窗口" not in text.replace("本窗口", "")
    assert "咨询电话：87654321" in lines and "地址：" not in text and "办公时间：" not in text
    bare = printing.notice(slip(centre=Centre()), [("申请表", None)])
    assert printing.RULE not in bare and bare.rstrip().endswith(printing.SIGN_FOR)


def test_the_notice_lists_each_item_with_its_requirement_and_where_forms_are_obtained():
    items = [
        ("《残疾人证申请表》", "原件1份"),
        ("居民身份证、户口簿", "原件及复印件(地址页、本人和家庭人员信息页)"),
        ("户口本", None),
    ]
    text = printing.notice(slip(), items, forms="本中心咨询台免费领取")
    assert "尚需提供（补正）以下3项材料：" in text
    assert "  1. 《残疾人证申请表》（原件1份）\n" in text
    assert "  2. 居民身份证、户口簿（原件及复印件(地址页、本人和家庭人员信息页)）\n" in text
    assert "  3. 户口本\n" in text
    assert "表格领取：本中心咨询台免费领取" in text and printing.NO_MORE_ITEMS in text
    assert "表格领取" not in printing.notice(slip(), items)  # nowhere to say: no line


def test_the_receipt_lists_the_materials_and_says_so_when_none_were_taken():
    text = printing.receipt(
        slip(),
        [("身份证", 2), ("户口本", 4)],
        datetime(2026, 12, 4, 10, 0),
        date(2027, 1, 6),
        provisional=True,
        pickup="本中心3号窗口，电话 0571-87654321",
    )
    assert "  1. 身份证（2页）\n  2. 户口本（4页）\n  合计：2件，6页\n" in text
    assert "受理日期：2026年12月04日" in text
    assert "承诺办结日期：2027年01月06日（节假日安排尚未公布，日期为暂定）" in text
    assert "取件及咨询：本中心3号窗口，电话 0571-87654321" in text
    none = printing.receipt(
        slip(matter=""), [], datetime(2026, 12, 4, 10, 0), date(2026, 12, 9), provisional=False, pickup="本中心3号窗口"
    )
    assert "已收材料：无（本次受理未收取任何材料）" in none and "合计" not in none
    assert "办理事项：（未列入目录的事项）" in none and "暂定" not in none


def test_the_default_pickup_is_this_window_and_the_centres_phone():
    assert printing.default_pickup(CENTRE, "3") == "本中心3号窗口，电话 0571-87654321"
    assert printing.default_pickup(Centre(), None) == "本中心窗口"


def test_the_rejection_names_the_reconsideration_body_for_a_licensing_matter():
    named = printing.rejection(slip(), "不符合申领条件\n居住未满半年", licensing=True, body="西湖区人民政府")
    assert "理由如下：\n  不符合申领条件\n  居住未满半年\n" in named
    assert "六十日内依法向西湖区人民政府申请行政复议" in named and "六个月内依法向人民法院提起行政诉讼" in named
    unnamed = printing.rejection(slip(), "不符合申领条件", licensing=True)
    assert "六十日内依法申请行政复议" in unnamed
    assert "行政复议" not in printing.rejection(slip(), "不符合申领条件", licensing=False, body="西湖区人民政府")


def test_the_referral_says_where_to_go_and_what_to_bring():
    text = printing.referral(slip(), "区人力社保局", "文三路20号，0571-88888888", "身份证原件\n劳动合同复印件")
    assert "  单位：区人力社保局\n  联系方式：文三路20号，0571-88888888\n" in text
    assert "  需携带：身份证原件\n  　　　　劳动合同复印件\n" in text
    assert "需携带" not in printing.referral(slip(), "区人力社保局", "0571-88888888")


def test_a_matters_researchers_note_never_reaches_a_slip(tmp_path):
    desk = Desk.open(tmp_path / "desk.db", clock=lambda: datetime(2026, 3, 9, 9, 0))
    try:
        desk.add_staff("w01", "王芳", pin="101010")
        desk.add_matter(
            "FL",
            "法律援助申请",
            limit_days=7,
            documents=["申请表"],
            written_notice=True,
            note="受理转交",
            forms_at="区法律援助中心窗口",
        )
        no = desk.check_in("w01", visitor_name="张三", summary="法律援助", kind="application", matter="FL").no
        desk.notify(no, "w01")
        desk.accept(no, "w01", materials=[("申请表", 2)])
        texts = [
            (desk.documents_dir / Path(e.detail["document"]).name).read_text(encoding="utf-8")
            for e in desk.case(no).history
            if e.detail.get("document")
        ]
    finally:
        desk.close()
    assert len(texts) == 2
    for text in texts:
        assert "办理事项：法律援助申请\n" in text and "受理转交" not in text
    assert "表格领取：区法律援助中心窗口" in texts[0]


# --- breaking lines --------------------------------------------------------------------------------------------


def by_chars(s: str) -> float:
    return float(len(s))


@pytest.mark.parametrize("name", ["买买提·艾力", "Ａｌｉｃｅ·王ｘ", "阿卜杜热合曼·阿卜杜克热木", "Anna·玛丽亚·李"])
@pytest.mark.parametrize(
    "template",
    [
        "服务对象：{name}",
        "{lead}申请人（{name}）于本周五前到窗口领取结果。",
        "{lead}，{name}，请于本周五前领取。",
        "{lead}申请人 {name} 已签收",
    ],
)
def test_a_name_with_a_middle_dot_is_never_broken(name, template):
    for room in range(len(name) + 2, len(name) + 14):
        for lead in range(0, 12):
            line = template.format(name=name, lead="请" * lead)
            parts = printing.wrap(line, room, by_chars)
            assert "".join(parts).replace(" ", "") == line.replace(" ", "")
            assert any(name in part for part in parts), (room, lead, parts)


def test_a_case_number_and_a_phone_are_never_broken_and_marks_cling_to_their_words():
    line = "您的编号为20261204-0025，请致电0571-87654321查询（工作日）。"
    for room in range(14, 40):
        parts = printing.wrap(line, room, by_chars)
        assert "".join(parts) == line
        assert any("20261204-0025" in p for p in parts) and any("0571-87654321" in p for p in parts)
        assert not any(p[0] in "，。）：" for p in parts[1:]), parts
        assert not any(p[-1] in "（《" for p in parts), parts


def test_a_word_wider_than_the_line_is_cut_between_its_characters():
    assert printing.wrap("编号" + "9" * 30, 10, by_chars) == ["编号", "9" * 10, "9" * 10, "9" * 10]
    assert printing.wrap("一二三四五", 2, by_chars, hang=1) == ["一二", "三", "四", "五"]


# --- the PDF ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["notice", "receipt", "rejection", "referral"])
def test_the_pdf_reads_back_the_centre_the_window_and_whole_names(tmp_path, kind):
    text = every_slip(slip("买买提·艾力"))[kind]
    pdf = pdf_of(text, tmp_path, kind)
    read = pdf_text(pdf)
    assert "西溪街道便民服务中心" + printing.TITLES[kind] in read
    assert "窗口：3号" in read and "编号：20261204-0025" in read
    assert "服务对象：买买提·艾力" in read
    assert ("签收人：" in read) is (kind in ("notice", "receipt"))
    assert "盖章处" in read and "咨询电话：0571-87654321" in read
    reader = PdfReader(pdf)
    assert reader.metadata is not None and reader.metadata.title == "西溪街道便民服务中心" + printing.TITLES[kind]
    # Embedded where the machine has a TrueType Chinese font (CI installs fonts-wqy-microhei); this one assertion
    # cannot hold on a machine without one, where the PDF names STSong-Light instead.
    fonts = fonts_of(pdf)
    if printing.find_font() is not None:
        assert fonts and all(f["embedded"] for f in fonts), fonts
        assert any(str(printing.embedded_font()) in str(f["name"]) for f in fonts), fonts


def test_a_fullwidth_name_and_a_long_line_read_back_whole(tmp_path):
    name = "Ａｌｉｃｅ·王ｘ"
    text = printing.referral(
        slip(name),
        "区人力社保局",
        "0571-88888888",
        "请" * 33 + name + "本人携带身份证原件及复印件、户口本原件、近期免冠照片两张前往办理",
    )
    read = pdf_text(pdf_of(text, tmp_path))
    assert read.count(name) == 2 and "20261204-0025" in read


def test_without_a_truetype_font_the_pdf_names_stsong_light_and_keeps_the_dot(tmp_path, no_truetype):
    assert printing.find_font() is None and printing.embedded_font() is None
    pdf = pdf_of(every_slip(slip("Ａｌｉｃｅ·王ｘ"))["receipt"], tmp_path)
    assert [f["name"] for f in fonts_of(pdf)] == ["/" + printing.CID_FONT]
    read = pdf_text(pdf)
    assert "服务对象：Ａｌｉｃｅ·王ｘ" in read and "窗口：3号" in read


def test_a_long_notice_runs_onto_a_second_page_with_the_centre_at_the_foot(tmp_path):
    items = [(f"材料{i}", "原件及复印件1份") for i in range(1, 41)]
    pdf = pdf_of(printing.notice(slip(), items), tmp_path)
    pages = PdfReader(pdf).pages
    assert len(pages) == 2
    assert "材料40" in pages[1].extract_text() and "咨询电话" in pages[1].extract_text()
    assert "咨询电话" not in pages[0].extract_text()


def test_a_character_the_truetype_font_lacks_is_drawn_in_the_fallback(tmp_path):
    fonts = printing._Fonts("Main", frozenset(map(ord, "张三")))
    assert fonts.runs("张三𠮷") == [("Main", "张三"), (printing.CID_FONT, "𠮷")]
    assert printing._Fonts(None, frozenset()).runs("张三") == [(printing.CID_FONT, "张三")]


# --- finding the font ------------------------------------------------------------------------------------------


def test_find_font_looks_for_files_only_and_takes_the_override_first(tmp_path, monkeypatch):
    code = (
        "import sys, firstask.printing as p; p.find_font(); "
        "assert 'reportlab' not in sys.modules, 'find_font imported reportlab'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)
    font = tmp_path / "my.ttf"
    font.write_bytes(b"")
    monkeypatch.setenv(printing.FONT_ENV, str(font))
    assert printing.find_font() == font
    monkeypatch.setenv(printing.FONT_ENV, str(tmp_path / "missing.ttf"))
    assert printing.find_font() != tmp_path / "missing.ttf"
    monkeypatch.setenv("WINDIR", str(tmp_path))
    assert tmp_path / "Fonts" / "simsun.ttc" in printing.font_candidates()


def test_an_unreadable_font_falls_back_to_stsong_light(tmp_path, monkeypatch):
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    monkeypatch.setattr(printing, "font_candidates", lambda: [bad])
    printing._fonts.cache_clear()
    try:
        assert printing.find_font() == bad and printing.embedded_font() is None
        read = pdf_text(pdf_of(printing.notice(slip(), [("申请表", None)]), tmp_path))
        assert "买买提·艾力" in read
    finally:
        printing._fonts.cache_clear()


def test_the_font_warning_exists_in_both_languages():
    zh, en = ({key for key in i18n.catalogue(lang) if key.startswith("slips.")} for lang in ("zh", "en"))
    assert zh == en == {"slips.font_missing"}
    for lang in ("zh", "en"):
        with (LOCALES / f"{lang}-slips.toml").open("rb") as f:
            assert set(tomllib.load(f)) == {"slips"}
        line = i18n.t("slips.font_missing", lang, package=printing.FONT_PACKAGE)
        assert "fonts-wqy-microhei" in line and "\n" not in line


# --- the rating QR code (好差评, SPEC §11) ------------------------------------------------------------------------

RATING_URL = "https://192.168.10.23:8443/rate/Ab3-_x9QzAb3-_x9QzAb3-_x9QzAb3-_x9QzKp7Lm2w"


def test_every_slip_carries_its_rating_link_whole_on_one_line() -> None:
    for kind, text in every_slip(dataclasses.replace(slip(), rating_url=RATING_URL)).items():
        assert f"{printing.RATE}{RATING_URL}\n" in text, kind
    for kind, text in every_slip(slip()).items():
        assert printing.RATE not in text, kind  # a desk that does not know the hall's address prints no code


def test_the_rating_code_reads_back_from_the_pdf_and_scans(tmp_path: Path) -> None:
    text = every_slip(dataclasses.replace(slip(), rating_url=RATING_URL))["receipt"]
    pdf = pdf_of(text, tmp_path)
    layer = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert RATING_URL in layer.stdout  # a clerk can read it out, a test can follow it
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    [page] = sorted(tmp_path.glob("page*.png"))
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True, check=True)
    assert scanned.stdout.splitlines()[0] == RATING_URL
