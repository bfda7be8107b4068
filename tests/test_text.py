"""One text interpreter (verifier.pdf.text): the metadata's glyphs (verifier.pdf.pdftext) and the
overlap check's boxes (any revision's page), both read through pyHanko, are the same placement of
the same glyphs, under one budget."""

from __future__ import annotations

import io

from tests.conftest import SAMPLES
from tests.test_fonts import build_pdf
from verifier.pdf import text
from verifier.pdf.pdftext import DocumentText

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def first_page_boxes(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return text.page_boxes(reader.root["/Pages"]["/Kids"][0].get_object())


def test_boxes_are_the_glyphs_that_leave_ink():
    for name in ("plan.pdf", "unit-report.pdf", "appendix.pdf"):
        data = (SAMPLES / name).read_bytes()
        glyphs = [g for g in DocumentText(data).page_glyphs(0) if not g.char.isspace()]
        boxes = first_page_boxes(data)
        assert len(boxes) > 200, name
        assert "".join(b.text for b in boxes) == "".join(g.char for g in glyphs), name
        assert [b.x1 for b in boxes] == [g.x0 for g in glyphs], name  # the same floats


def test_one_operation_budget_for_both():
    """Text drawn after MAX_OPERATIONS operators is not read, by either (the overlap check's
    own interpreter allowed 500,000 and boxed it)."""
    padding = b"q Q\n" * ((text.MAX_OPERATIONS + 50_000) // 2)
    late = build_pdf(padding + b"BT /F1 12 Tf 100 700 Td (Late) Tj ET", HELVETICA)
    assert DocumentText(late).page_glyphs(0) == [] and first_page_boxes(late) == []
    early = build_pdf(b"BT /F1 12 Tf 100 700 Td (Late) Tj ET\n" + padding, HELVETICA)
    assert "".join(g.char for g in DocumentText(early).page_glyphs(0)) == "Late"
    assert "".join(b.text for b in first_page_boxes(early)) == "Late"
