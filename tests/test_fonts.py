"""One font model for both readers of text: the metadata's glyphs (verifier.pdf.pdftext) and the
overlap check's boxes (verifier.pdf.text.page_boxes) read a font the same way. The two former
interpreters disagreed on the width of a code a font's /Widths leaves out and on the text of a
simple font's codes; these PDFs pin the answer of ISO 32000-1 for both."""

from __future__ import annotations

import io

from tests.pdfbytes import assemble
from verifier.pdf import pdftext
from verifier.pdf.text import page_boxes


def build_pdf(content: bytes, font: bytes) -> bytes:
    """A one-page PDF whose page shows `content` with font /F1 (object 5)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        font,
    ]
    return assemble(objects)


def metadata_glyphs(data: bytes):
    return pdftext.DocumentText(data).page_glyphs(0)


def overlap_boxes(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return page_boxes(reader.root["/Pages"]["/Kids"][0].get_object())


# "Ab" in a TrueType font whose /Widths covers only "A" (code 65): "b" (98) has no width and
# the font descriptor no /MissingWidth
NO_MISSING_WIDTH = (b"<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 65 /LastChar 65 /Widths [667]"
                    b" /Encoding /WinAnsiEncoding /FontDescriptor << /Type /FontDescriptor /FontName /Arial /Flags 32 >> >>")


def test_a_code_outside_widths_has_the_missing_width_0_for_both_readers():
    data = build_pdf(b"BT /F1 10 Tf 100 700 Td (Ab) Tj (A) Tj ET", NO_MISSING_WIDTH)
    glyphs = metadata_glyphs(data)
    assert [g.char for g in glyphs] == ["A", "b", "A"]
    a, b, a2 = glyphs
    assert a.x0 == 100 and round(a.x1 - a.x0, 6) == 6.67
    # ISO 32000-1 Table 122: /MissingWidth, default 0. "b" advances nothing (it was 500 in the
    # metadata's reader): the second "A" starts where "b" does
    assert b.x0 == a.x1 and b.x1 == b.x0 and a2.x0 == b.x0
    boxes = overlap_boxes(data)
    # a glyph without an advance is no box; the boxes are where the glyphs are
    assert [(box.text, box.x1, round(box.x2, 6)) for box in boxes] == [("A", a.x0, 106.67), ("A", a2.x0, 113.34)]


def test_a_missing_width_is_read_from_the_descriptor():
    font = NO_MISSING_WIDTH.replace(b"/Flags 32", b"/Flags 32 /MissingWidth 250")
    glyphs = metadata_glyphs(build_pdf(b"BT /F1 10 Tf 100 700 Td (Ab) Tj ET", font))
    assert round(glyphs[1].x1 - glyphs[1].x0, 6) == 2.5


# a simple font without /ToUnicode whose /Differences name Vietnamese letters at the codes of
# "H", "o", "a" and "c": the file shows the bytes "Hoac" for the word "Hoặc"
DIFFERENCES = (b"<< /Type /Font /Subtype /Type1 /BaseFont /VnTimes /FirstChar 32 /LastChar 126 /Widths [%s]"
               b" /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [97 /uni1EB7] >> >>"
               % b" ".join([b"500"] * 95))


def test_a_simple_font_is_decoded_through_its_differences_by_both_readers():
    data = build_pdf(b"BT /F1 12 Tf 100 700 Td (Hoac) Tj ET", DIFFERENCES)
    assert "".join(g.char for g in metadata_glyphs(data)) == "Hoặc"
    # the overlap check read these bytes as cp1252 ("Hoac") before
    assert "".join(box.text for box in overlap_boxes(data)) == "Hoặc"


def test_a_cid_font_without_tounicode_still_leaves_ink():
    """No text to read for the metadata, but the glyphs are drawn: the overlap check boxes them."""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts"
            b" [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
            b" /Supplement 0 >> /DW 600 >> ] >>")
    data = build_pdf(b"BT /F1 10 Tf 100 700 Td <00240025> Tj ET", font)
    assert metadata_glyphs(data) == []
    boxes = overlap_boxes(data)
    assert [(b.text, b.x1, b.x2) for b in boxes] == [("\ufffd", 100, 106), ("\ufffd", 106, 112)]
