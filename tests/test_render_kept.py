"""A page PDFium keeps loaded draws as a page loaded for that drawing alone
(verifier.render.pages.Opened keeps the page it drew last, with the images PDFium decoded).

Every drawing the rendered comparison and the overlap check make while verifying the samples,
the real documents and crafted files (a text field whose appearance PDFium generates under
/NeedAppearances, a field filled in after signing, a page drawn in colour, grey and at another
scale in turn) is compared, pixel for pixel and with its matrix, with the same page drawn from a
document opened for it alone, on nothing drawn before.
"""

from __future__ import annotations

import io

import pytest

from tests.attacks import kit
from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.render import pages

REAL = ["03-vbhn-bkhcn.pdf", "19-bkhcn.pdf", "385.signed.signed.pdf", "50-2026-ND-CP.pdf",
        "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf", "1009-ttg.signed.pdf"]


def _alone(source: bytes, index: int, scale: float, colour: bool, forms: bool):
    """The page drawn from a document opened for this one drawing."""
    with pages.opened(source) as doc:
        assert doc._loaded is None
        return doc.draw(index, scale, colour=colour, forms=forms)


def _recorded(monkeypatch):
    """Every drawing made through Opened.draw, with the bytes of the document drawn."""
    made, sources = [], {}
    original_open, original_draw = pages._open, pages.Opened.draw

    def opening(data):
        doc, handle = original_open(data)
        sources[id(handle)] = bytes(data._view) if isinstance(data, pages._Window) else bytes(data)
        return doc, handle

    def drawing(self, index, scale, colour=False, forms=True):
        shown = original_draw(self, index, scale, colour, forms)
        made.append((sources[id(self)], index, scale, colour, forms, shown))
        return shown

    monkeypatch.setattr(pages, "_open", opening)
    monkeypatch.setattr(pages.Opened, "draw", drawing)
    return made


def _same_as_alone(made) -> None:
    for source, index, scale, colour, forms, shown in made:
        alone = _alone(source, index, scale, colour, forms)
        assert shown.image.mode == alone.image.mode and shown.image.size == alone.image.size
        assert shown.image.tobytes() == alone.image.tobytes(), (len(source), index, scale, colour)
        assert shown.matrix == alone.matrix and shown.scale == alone.scale


def _verified(data: bytes, monkeypatch):
    made = _recorded(monkeypatch)
    kit.verify(data, kit.trust())
    monkeypatch.undo()
    return made


@pytest.mark.parametrize("name", REAL)
def test_real_documents_draw_as_alone(name, monkeypatch):
    data = need_shared(REALDOCS / name).read_bytes()
    made = _verified(data, monkeypatch)
    if made:
        _same_as_alone(made)


@pytest.mark.parametrize("name", ["plan.pdf", "annotation-added.pdf", "content-changed.pdf", "seal-elsewhere.pdf"])
def test_samples_draw_as_alone(name, monkeypatch):
    made = _verified((SAMPLES / name).read_bytes(), monkeypatch)
    assert made or name == "content-changed.pdf"  # a layer that failed already is not compared
    _same_as_alone(made)


def _need_appearances(data: bytes, value: str | None = None) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    form = w.root["/AcroForm"]
    form[generic.pdf_name("/NeedAppearances")] = generic.BooleanObject(True)
    if value is not None:
        for ref in form["/Fields"]:
            field = ref.get_object()
            if field.get("/T") == "Amount":
                field[generic.pdf_name("/V")] = generic.TextStringObject(value)
                w.update_container(field)
    holder = w.root.raw_get("/AcroForm")
    w.update_container(form) if hasattr(holder, "idnum") else w.update_root()
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_generated_appearances_draw_as_alone(monkeypatch):
    """PDFium builds a field's appearance itself under /NeedAppearances, when it loads the page:
    the page kept loaded after that drawing draws it as a page loaded anew."""
    signed = kit.sign(_need_appearances(kit.base_pdf(text_field=True), "9000000"))
    forged = kit.sign(signed, "director", "Signature2")
    made = _verified(forged, monkeypatch)
    assert made
    _same_as_alone(made)
    # the same page in colour, grey, colour again and at another scale, from one kept document
    for end in (len(signed), len(forged)):
        source = forged[:end]
        with pages.opened(source) as doc:
            for scale, colour, forms in ((1.0, True, True), (1.0, False, True), (2.0, True, True),
                                         (1.0, False, False), (1.0, True, True)):
                shown = doc.draw(0, scale, colour=colour, forms=forms)
                alone = _alone(source, 0, scale, colour, forms)
                assert shown.image.tobytes() == alone.image.tobytes() and shown.matrix == alone.matrix


def test_the_page_drawn_stays_loaded():
    """Drawing a page again (grey after colour, as the overlap check after the comparison)
    loads it once; another page takes its place; closing the document unloads it."""
    data = (SAMPLES / "plan.pdf").read_bytes()
    with pages.opened(data) as doc:
        loads = []
        original = type(doc._doc).__getitem__

        class Counting(type(doc._doc)):
            def __getitem__(self, index):
                loads.append(index)
                return original(self, index)

        doc._doc.__class__ = Counting
        first = doc.draw(0, 1.0, colour=True)
        again = doc.draw(0, 1.0)
        assert loads == [0] and doc._loaded[0] == 0
        assert first.image.mode == "RGB" and again.image.mode == "L"
        if doc.count > 1:
            doc.draw(1, 1.0)
            assert loads == [0, 1] and doc._loaded[0] == 1
    assert doc._loaded is None


def test_a_failed_drawing_unloads_the_page(monkeypatch):
    data = (SAMPLES / "plan.pdf").read_bytes()
    with pages.opened(data) as doc:
        doc.draw(0, 1.0)
        page = doc._loaded[1]
        monkeypatch.setattr(type(page), "render", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("broken")))
        with pytest.raises(pages.RenderError):
            doc.draw(0, 1.0)
        assert doc._loaded is None


@pytest.mark.parametrize("name", REAL)
def test_a_page_drawn_in_colour_has_the_pixels_pdfium_draws_in_its_own_order(name):
    """Colour is asked of PDFium in RGB order, which PIL takes as it is (its default order,
    BGR, cost a pass over every pixel): red seals, blue signatures and the rest come out the
    same, pixel for pixel, on the first and the last page, forms drawn and not."""
    import pypdfium2 as pdfium

    data = need_shared(REALDOCS / name).read_bytes()
    reference = pdfium.PdfDocument(data)
    try:
        reference.init_forms()
        with pages.opened(data) as doc:
            for index in sorted({0, doc.count - 1}):
                for forms in (True, False):
                    shown = doc.draw(index, 1.0, colour=True, forms=forms)
                    page = reference[index]
                    try:
                        theirs = page.render(scale=1.0, may_draw_forms=forms).to_pil().convert("RGB")
                    finally:
                        page.close()
                    assert shown.image.mode == "RGB" and shown.image.tobytes() == theirs.tobytes(), (index, forms)
    finally:
        reference.close()
