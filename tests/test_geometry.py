"""One page-tree and widget walker (verifier.pdf.geometry) for the metadata's widgets, the overlap
check and a layer's appearance: references resolved whichever reader made the objects."""

from __future__ import annotations

import io

from tests.conftest import SAMPLES
from verifier.pdf import geometry


def test_an_encrypted_documents_appearance_is_found_like_the_plain_ones(sample_trust):
    """pyHanko gives the entries of a decrypted document as proxies until resolved: the page
    holding the director's widget was not found, and the layer had no appearance."""
    from verifier.document import verify_pdf

    plain = verify_pdf((SAMPLES / "plan.pdf").read_bytes(), sample_trust).layers[0].appearance
    encrypted = verify_pdf((SAMPLES / "encrypted-empty-password.pdf").read_bytes(), sample_trust).layers[0].appearance
    assert encrypted is not None and encrypted.visible
    assert (encrypted.page, encrypted.rect) == (plain.page, plain.rect) == (2, [392.96, 194.89, 542.96, 264.89])


def test_both_readers_walk_the_same_pages_and_widgets():
    import pypdf
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = (SAMPLES / "plan.pdf").read_bytes()
    hanko = PdfFileReader(io.BytesIO(data), strict=False).root
    ppdf = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]
    by_hanko = geometry.annotation_pages(hanko.get("/Pages"))
    assert by_hanko == geometry.annotation_pages(ppdf.get("/Pages")) and len(set(by_hanko.values())) >= 2
    assert [ref for _, ref in geometry.pages(hanko["/Pages"])] == [ref for _, ref in geometry.pages(ppdf["/Pages"])]
    for field in hanko["/AcroForm"]["/Fields"]:
        widget = field.get_object()
        assert geometry.page_of(hanko["/Pages"], widget) == by_hanko[geometry.reference(field)]


def test_a_rectangle_is_normalised_and_checked():
    assert geometry.rect([300, 700, 100, 650]) == (100.0, 650.0, 300.0, 700.0)
    assert geometry.rect([1, 2, 3]) is None and geometry.rect(None) is None


def test_an_appearance_is_mapped_onto_its_rectangle():
    """§12.5.5: the /BBox transformed by /Matrix (a quarter turn here) is fitted to /Rect."""
    form = {"/BBox": [0, 0, 100, 50], "/Matrix": [0, 1, -1, 0, 0, 0]}
    m = geometry.appearance_matrix(form, (200, 300, 250, 400))
    corners = sorted((round(x, 6), round(y, 6)) for x, y in ((m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5])
                                                             for u in (0, 100) for v in (0, 50)))
    assert corners == [(200, 300), (200, 400), (250, 300), (250, 400)]


def _widget(rect: str, flags: int | None = 4, appearance: bytes | None = b"0 g 0 0 10 10 re f", field_type: str = "/Sig"):
    """A widget annotation in a real one-page PDF, read back by pyHanko: `rect` is written as is
    (it may name object 6, the integer 700)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from tests.pdfbytes import assemble

    entries = [f"/Type /Annot /Subtype /Widget /FT {field_type} /Rect {rect}"]
    if flags is not None:
        entries.append(f"/F {flags}")
    stream = appearance if appearance is not None else b""
    if appearance is not None:
        entries.append("/AP << /N 5 0 R >>")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
               ("<< " + " ".join(entries) + " >>").encode(),
               b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length %d >>\nstream\n%s\nendstream" % (
                   len(stream), stream),
               b"700"]
    reader = PdfFileReader(io.BytesIO(assemble(objects)), strict=False)
    return reader.root["/Pages"]["/Kids"][0].get_object()["/Annots"][0].get_object()


def test_placement_reads_geometry_and_flags_as_viewers_do():
    """docs/attacks.md, "Geometry that parses differently": what PDFium, MuPDF and poppler draw."""
    assert geometry.placement(_widget("[100 100 200 150]")) == (geometry.DRAWN, (100.0, 100.0, 200.0, 150.0))
    assert geometry.placement(_widget("[200 150 100 100]"))[1] == (100.0, 100.0, 200.0, 150.0)  # any two corners
    assert geometry.placement(_widget("[100 100 200 6 0 R]")) == (geometry.DRAWN, (100.0, 100.0, 200.0, 700.0))
    assert geometry.placement(_widget("[100 100 (x) 150]"))[0] == geometry.UNRESOLVED  # suspicious, not invisible
    assert geometry.placement(_widget("[100 100 200 150]", flags=32 | 4))[0] == geometry.DRAWN  # printed
    assert geometry.placement(_widget("[100 100 200 150]", flags=32))[0] == geometry.DRAWN  # PDFium with forms
    assert geometry.placement(_widget("[100 100 200 150]", flags=2 ** 32 + 2))[0] == geometry.DRAWN  # PDFium: 0
    # NoRotate on a page shown rotated by 90 degrees: upright on screen from the upper-left corner
    assert geometry.placement(_widget("[100 100 200 150]", flags=16 | 4), 90)[1] == (100.0, 150.0, 150.0, 250.0)
    assert geometry.placement(_widget("[100 100 200 150]", flags=2 | 4))[0] == geometry.NOT_DRAWN
    assert geometry.placement(_widget("[0 0 0 0]"))[0] == geometry.NOT_DRAWN  # the invisible signature
    assert geometry.placement(_widget("[100 100 200 150]", appearance=b" \n"))[0] == geometry.NOT_DRAWN
    assert geometry.placement(_widget("[100 100 200 150]", appearance=None))[0] == geometry.NOT_DRAWN
    # a text field without appearance is drawn from its value
    assert geometry.placement(_widget("[100 100 200 150]", appearance=None, field_type="/Tx"))[0] == geometry.DRAWN


def test_a_field_drawn_through_its_kids():
    """A signature field whose widgets are its /Kids (pyHanko's arrays cannot be sliced: reading
    them once hid every such widget)."""
    from pyhanko.pdf_utils.generic import Reference
    from pyhanko.pdf_utils.reader import PdfFileReader

    from tests.pdfbytes import assemble
    from verifier.signatures import vouch
    from verifier.signatures.diff.rules.form_fields import _drawn

    stream = b"0 g 0 0 10 10 re f"
    objects = [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [5 0 R] >>",
               b"<< /FT /Sig /T (Seal) /Kids [5 0 R] >>",
               b"<< /Type /Annot /Subtype /Widget /Parent 4 0 R /Rect [10 10 60 40] /F 4 /AP << /N 6 0 R >> >>",
               b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
    reader = PdfFileReader(io.BytesIO(assemble(objects)), strict=False)
    field_ref = Reference(4, 0, reader)
    assert _drawn(field_ref.get_object())
    [drawn] = vouch.drawn_widgets(vouch.Pages.of(reader), field_ref, "Seal", 2)
    assert (drawn.page, drawn.rect) == (1, (10.0, 10.0, 60.0, 40.0))
