"""Positioned text: page content and signature appearances, per revision."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES
from verifier.pdf.fonts import parse_cmap
from verifier.pdf.pdftext import DocumentText, lines_of


@pytest.fixture(scope="module")
def plan():
    return DocumentText((SAMPLES / "plan.pdf").read_bytes())


def _line(lines, needle):
    return next(line for line in lines if any(needle in s.text for s in line.segments))


def test_widgets_with_their_appearances(plan):
    widgets = {w.field: w for w in plan.widgets()}
    assert list(widgets) == [f"Signature{i}" for i in range(1, 7)]
    assert widgets["Signature1"].has_image and widgets["Signature1"].page == 2
    assert widgets["Signature3"].lines == ["45"] and widgets["Signature3"].page == 1
    assert widgets["Signature4"].lines == ["08"]
    assert widgets["Signature2"].lines[0] == "Ký số văn bản"
    assert widgets["Signature6"].lines[0] == "Người ký: Sở Giáo dục và Đào tạo"
    assert widgets["Signature5"].has_image and not widgets["Signature5"].text
    assert len(plan.revision_ends()) == 6


def test_page_view_reads_the_numbers_drawn_by_appearances(plan):
    page_only = lines_of(plan.page_glyphs(0))
    shown = lines_of(plan.view(0))
    assert "/KH-SGDĐT" in _line(page_only, "Số:").text and "45" not in _line(page_only, "Số:").text
    number = next(s for s in _line(shown, "Số:").segments if "Số:" in s.text)
    assert number.text == "Số: 45 /KH-SGDĐT"
    # every character knows where it came from
    at = number.text.index("45")
    assert number.sources[at:at + 2] == ("Signature3", "Signature3")
    assert set(number.sources[:3]) == {"page"}
    date = next(s for s in _line(shown, "ngày").segments if "ngày" in s.text)
    assert "ngày 08 tháng 3 năm 2022" in date.text


def test_earlier_revision_has_the_blanks(plan):
    ends = plan.revision_ends()
    after_clerk = lines_of(plan.view(0, ends[1]))
    number = next(s for s in _line(after_clerk, "Số:").segments if "Số:" in s.text)
    assert "45" not in number.text
    after_number = lines_of(plan.view(0, ends[2]))
    assert "45" in next(s for s in _line(after_number, "Số:").segments if "Số:" in s.text).text


def test_bold_and_columns(plan):
    header = lines_of(plan.page_glyphs(0))[:2]
    first = header[0].segments[0]
    left = first.part(hi=250)
    right = first.part(lo=250)
    assert left.text == "UBND TỈNH BÌNH PHƯỚC" and not left.bold
    assert right.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and right.bold


def test_tounicode_cmap_ranges():
    cmap = b"""begincodespacerange <0000> <FFFF> endcodespacerange
    2 beginbfchar <0003> <0020> <0044> <1EA1> endbfchar
    2 beginbfrange <0010> <0012> <0041> <0020> <0021> [<00C0> <0110>] endbfrange"""
    mapping, spaces = parse_cmap(cmap)
    assert mapping[b"\x00\x03"] == " " and mapping[b"\x00\x44"] == "ạ"
    assert [mapping[bytes([0, c])] for c in (0x10, 0x11, 0x12)] == ["A", "B", "C"]
    assert mapping[b"\x00\x20"] == "À" and mapping[b"\x00\x21"] == "Đ"
    assert spaces == [(b"\x00\x00", b"\xff\xff")]


def test_hostile_input_yields_nothing_not_an_exception():
    for data in (b"", b"%PDF-1.7\n", (SAMPLES / "truncated.pdf").read_bytes()[:2000]):
        try:
            doc = DocumentText(data)
        except Exception:
            continue  # unreadable files are refused by the reader; callers catch it
        assert doc.widgets() == [] or doc.widgets()


def test_a_field_that_points_nowhere_does_not_hide_the_others():
    """An update listing a form field whose object does not exist (999 0 R) leaves every real
    widget, and the metadata read through them, in place."""
    from tests.attacks import kit
    from verifier.decree30 import metadata

    data = (SAMPLES / "plan.pdf").read_bytes()
    acroform = kit.reader(data).root.raw_get("/AcroForm").idnum
    forged = kit.append_update(data, [(acroform, kit._add_to_array(kit.raw_dict(data, acroform), b"/Fields", b"999 0 R"))])
    assert [w.field for w in DocumentText(forged).widgets()] == [w.field for w in DocumentText(data).widgets()]
    meta = metadata.extract(forged)
    assert not [f for f in meta.findings if f[0] == "METADATA_UNREADABLE"]
    assert meta.fields["code_number"].value == metadata.extract(data).fields["code_number"].value
