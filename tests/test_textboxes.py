"""The overlap check boxes only the glyphs of a page that may meet the annotations it tests;
every glyph that meets them must be boxed exactly as when the whole page is."""

from __future__ import annotations

import io

from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.pdf.text import page_boxes

SMALL_REAL = ("1009-ttg.signed.pdf", "143-qd.signed.pdf", "19-bkhcn.pdf", "385.signed.signed.pdf")
RECTS = [(0.0, 0.0, 300.0, 421.0), (300.0, 421.0, 600.0, 842.0), (100.0, 600.0, 180.0, 640.0), (-5.0, -5.0, 1.0, 1.0)]


def first_pages():
    from pyhanko.pdf_utils.reader import PdfFileReader

    paths = [SAMPLES / n for n in ("plan.pdf", "unit-report.pdf", "appendix.pdf")]
    paths += [need_shared(REALDOCS) / n for n in SMALL_REAL]
    for path in paths:
        reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
        yield path.name, reader.root["/Pages"]["/Kids"][0].get_object()


def meets(g, rect) -> bool:
    return min(rect[2], g.x2) - max(rect[0], g.x1) > 0 and min(rect[3], g.y2) - max(rect[1], g.y1) > 0


def test_glyphs_near_a_rectangle_are_the_pages_own():
    compared = 0
    for name, page in first_pages():
        whole = page_boxes(page)
        for rect in RECTS:
            near = page_boxes(page, rect)
            it = iter(whole)
            assert all(any(g == h for h in it) for g in near), name  # in order, the same floats
            assert [g for g in whole if meets(g, rect)] == [g for g in near if meets(g, rect)], name
            compared += sum(meets(g, rect) for g in whole)
        assert len(page_boxes(page, RECTS[3])) < len(whole) or not whole, name
    assert compared > 500
