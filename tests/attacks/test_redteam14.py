"""Red team against issue 14 ("what you see is what was signed") as it landed.

Each hole is two tests: one proving with PDFium (forms drawn, as Chrome) that the forgery
displays something the signer never saw, and one stating what kyso says of it; each was an
xfail(strict) when found, and is fixed now.

1. Annotation flags read otherwise than PDFium reads them (verifier.pdf.geometry.placement):
   - NoView without Print (/F 32) is "not drawn" for kyso, but PDFium with forms draws the
     widget (it ignores NoView, as it does for NoView|Print);
   - /F 4294967298 (2**32 + 2) is Hidden for kyso (Python's unbounded int & 2), but PDFium's
     number parser gives 0 for an integer that overflows 32 bits (FX_Number), so: no flags,
     drawn.
   Either makes a visible document timestamp from any TSA, or an unsigned field after even a
   P=1 certification, "not drawn": the document stays VALID.
2. Overlays by a trusted later signer left silent (ANNOTATION_OVER_SIGNED_TEXT,
   verifier.structure.overlap): a NoView widget, and a NoRotate widget on a rotated page
   (PDFium draws it unrotated about the rectangle's corner, over the signed text, while the
   /Rect lies in a blank).
"""

from __future__ import annotations

import contextlib

import pytest

from tests.attacks import kit, seen_kit

NO_VIEW = 32
OVERFLOW_HIDDEN = 2 ** 32 + 2  # Hidden for Python, 0 for PDFium
FLAGS = {"NoView": NO_VIEW, "2**32+2": OVERFLOW_HIDDEN}
x1, y1, x2, y2 = kit.AMOUNT_BOX


def _render(data: bytes):
    return seen_kit.drawn(data)


def _changed(before: bytes, after: bytes, box=kit.AMOUNT_BOX, height: int = 842) -> bool:
    """Whether PDFium draws the user-space `box` of page 1 otherwise (an unrotated page)."""
    bx1, by1, bx2, by2 = box
    crop = (int(bx1), int(height - by2), int(bx2), int(height - by1))
    return _render(before).crop(crop).tobytes() != _render(after).crop(crop).tobytes()


@contextlib.contextmanager
def _widget_flags(flags: int):
    """pyHanko's signature fields written with annotation flags `flags` (its SigFieldSpec has no
    such option; a forger writes the number by hand)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.sign import fields

    original = fields.SignatureFormField.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.annot_dict[pdf_name("/F")] = generic.NumberObject(flags)

    fields.SignatureFormField.__init__ = init
    try:
        yield
    finally:
        fields.SignatureFormField.__init__ = original


# --- 1a. a visible document timestamp (no key) whose flags kyso reads as hidden ------------------

TS_MODES = ["approval", "P=2"]


@pytest.fixture(scope="module")
def stamped(signed_by_mode):
    out = {}
    for mode in TS_MODES:
        for name, flags in FLAGS.items():
            with _widget_flags(flags):
                out[mode, name] = seen_kit.visible_field(signed_by_mode[mode], token=seen_kit.public_tsa_token)
    return out


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("mode", TS_MODES)
def test_pdfium_draws_the_timestamp_kyso_calls_hidden(mode, flags, stamped, signed_by_mode):
    assert _changed(signed_by_mode[mode], stamped[mode, flags])


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("mode", TS_MODES)
def test_a_timestamp_widget_flagged_as_pdfium_ignores_fails_the_signature(mode, flags, stamped, trust):
    report = kit.verify(stamped[mode, flags], trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
    assert "APPEARANCE_NOT_VOUCHED" in kit.codes(report)


# --- 1b. an unsigned field, even after P=1, that pyHanko and kyso both call invisible ------------

FIELD_MODES = ["approval", "P=1", "P=2"]


@pytest.fixture(scope="module")
def indirect_zero():
    """As tests/attacks/test_geometry.py: a page whose /Rotate is an indirect 0, an integer object
    the signature covers; a forged /Rect names it (pyHanko then calls the field invisible), and
    kyso's placement resolves it but reads the flags otherwise than PDFium."""
    base = kit.base_pdf()
    _, size, _ = kit.trailer_info(base)
    page = kit.page_ref(base)
    body = kit.raw_dict(base, page)
    prepared = kit.append_update(base, [(size, b"0"), (page, body[:body.rindex(b">>")] + b" /Rotate %d 0 R >>" % size)])
    signed = {"approval": kit.sign(prepared, box=kit.MARGIN_BOX),
              "P=1": kit.sign(prepared, certify=1, box=kit.MARGIN_BOX),
              "P=2": kit.sign(prepared, certify=2, box=kit.MARGIN_BOX)}
    forged = {}
    for mode, data in signed.items():
        seal = kit.reader(data).root["/AcroForm"]["/Fields"][0].get_object()["/AP"].raw_get("/N").idnum
        for name, flags in FLAGS.items():
            def build(n, page, flags=flags, seal=seal):
                # nothing new but the field: the first signer's own appearance, a signed integer
                return [b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal2) /F %d /Rect [%d %d 0 R %d %d] "
                        b"/P %d 0 R /AP << /N %d 0 R >> >>" % (flags, x1, size, x2, y2, page, seal)]
            forged[mode, name] = kit.add_annotation(data, build, field=True)
    return signed, forged


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("mode", FIELD_MODES)
def test_pdfium_draws_the_unsigned_field_kyso_calls_hidden(mode, flags, indirect_zero):
    signed, forged = indirect_zero
    assert _changed(signed[mode], forged[mode, flags], box=(x1, 0, x2, y2))


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("mode", FIELD_MODES)
def test_an_unsigned_field_flagged_as_pdfium_ignores_fails_the_signature(mode, flags, indirect_zero, trust):
    _, forged = indirect_zero
    report = kit.verify(forged[mode, flags], trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"


# --- 2. overlays by a trusted later signer that the overlap warning does not see -----------------

@pytest.fixture(scope="module")
def no_view_seal(approval):
    with _widget_flags(NO_VIEW | 4):
        return kit.sign(approval, "agency", "Signature2", box=kit.AMOUNT_BOX)


def test_pdfium_draws_the_no_view_seal(approval, no_view_seal):
    assert _changed(approval, no_view_seal)


def test_a_no_view_seal_over_the_amount_is_reported(no_view_seal, trust):
    report = kit.verify(no_view_seal, trust)
    assert report.verdict != "INVALID", kit.explain(report)  # a trusted signer: reported, not refused
    assert "ANNOTATION_OVER_SIGNED_TEXT" in kit.codes(report), kit.explain(report)


NO_ROTATE = 4 | 16
BLANK = (150.0, 681.0, 260.0, 695.0)  # between the amount line (700) and the date line (670)


@pytest.fixture(scope="module")
def rotated():
    """The document on a page with /Rotate 90 (landscape), approved by the director, and the
    agency's seal with NoRotate whose /Rect lies in the blank under the amount: PDFium draws it
    unrotated about the rectangle's top-left corner, up over the amount and the lines above."""
    base = kit.base_pdf()
    page = kit.page_ref(base)
    body = kit.raw_dict(base, page)
    signed = kit.sign(kit.append_update(base, [(page, body[:body.rindex(b">>")] + b" /Rotate 90 >>")]))
    with _widget_flags(NO_ROTATE):
        sealed = kit.sign(signed, "agency", "Signature2", box=BLANK)
    return signed, sealed


def test_pdfium_draws_the_no_rotate_seal_over_the_amount(rotated):
    from PIL import ImageChops

    signed, sealed = rotated
    left, top, right, bottom = ImageChops.difference(_render(signed), _render(sealed)).getbbox()
    # on a page rotated by 90 degrees, device x is user y and device y is user x
    assert top <= 150 and bottom >= 160 and left <= 700 and right >= 712  # the amount's glyphs at x 150-160, y 700


def test_a_no_rotate_seal_over_the_amount_is_reported(rotated, trust):
    _, sealed = rotated
    report = kit.verify(sealed, trust)
    assert report.verdict != "INVALID", kit.explain(report)
    assert "ANNOTATION_OVER_SIGNED_TEXT" in kit.codes(report), kit.explain(report)
