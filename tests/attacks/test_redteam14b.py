"""Red team against issue 14's new tolerances (the rendered comparison's explained rectangles and
its grey rendering, the Decree 30 seal exemption) and a genuine form-filling flow.

Each forgery is proven to display something different in PDFium (as Chrome draws it, in colour)
and was an xfail(strict=True) when found; each is refused now. Like
tests/attacks/test_rendered.py, the backstop's blind spots are shown with a difference policy
that permits every object change, standing for a class the object rules do not know yet.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.attacks import kit
from tests.attacks.test_overlap import SEAL, overlaps, prescribed, sign_widget
from tests.attacks.test_rendered import BLIND, _redrawn
from tests.conftest import SAMPLES
from verifier.document import verify_pdf


def _colour(data: bytes, page: int = 0, scale: float = 2.0):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        doc.init_forms()
        return doc[page].render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
    finally:
        doc.close()


def _differs(a: bytes, b: bytes, page: int, rect, scale: float = 2.0) -> bool:
    """PDFium, in colour, draws the user-space rectangle of `page` differently in a and b."""
    from PIL import ImageChops

    x, y = _colour(a, page, scale), _colour(b, page, scale)
    h = x.size[1]
    box = (int(rect[0] * scale), int(h - rect[3] * scale), int(rect[2] * scale), int(h - rect[1] * scale))
    return ImageChops.difference(x.crop(box), y.crop(box)).getbbox() is not None


# --- 1. an annotation rewritten unchanged makes its rectangle "explained" ---------------------------

@pytest.fixture(scope="module")
def under_own_widget():
    """The director's visible signature lies over the amount (pyHanko's stamp is transparent: the
    amount shows through). The forger rewrites the signature widget exactly as it was (no rule
    sees a change) and, in the same update, changes the amount's digit under it."""
    signed = kit.sign(kit.base_pdf(), box=kit.AMOUNT_BOX)
    widget = kit.reader(signed).root["/AcroForm"]["/Fields"].raw_get(0).idnum
    rewritten = kit.append_update(signed, [(widget, kit.raw_dict(signed, widget))])
    return signed, rewritten, _redrawn(rewritten, b"1.000.000", b"9.000.000")


def test_an_unchanged_rewrite_of_a_widget_is_accepted_by_the_object_rules(under_own_widget, trust):
    """The first half needs no rule to be blind: kyso's own policy accepts the rewrite."""
    _, rewritten, _ = under_own_widget
    assert verify_pdf(rewritten, trust).verdict == "VALID"


def test_without_the_rewrite_the_backstop_sees_the_digit(under_own_widget, trust):
    signed, _, _ = under_own_widget
    alone = _redrawn(signed, b"1.000.000", b"9.000.000")
    assert "RENDERED_DIFFERENCE" in kit.codes(verify_pdf(alone, trust, diff_policy=BLIND))


def test_a_change_under_an_unchanged_rewritten_widget_fails_the_layer(under_own_widget, trust):
    signed, _, forged = under_own_widget
    assert _differs(signed, forged, 0, kit.AMOUNT_BOX)  # 1.000.000 -> 9.000.000, seen through the stamp
    report = verify_pdf(forged, trust, diff_policy=BLIND)
    assert report.verdict == "INVALID" and "RENDERED_DIFFERENCE" in kit.codes(report), kit.explain(report)


# --- 2. grey rendering: a colour of the background's grey level is invisible to the comparison --------

BAND = b"1 0 0 rg 72 600 300 40 re f 0 g BT /F1 12 Tf 72 700 Td (Tong kinh phi: 1.000.000 dong) Tj ET"
# PDFium's grey of pure red (0.30 R) equals that of green at 0.508 (0.59 G): the same grey level
HIDDEN = b"re f 0 0.508 0 rg BT /F1 24 Tf 80 610 Td (DA HUY) Tj ET"


def test_text_in_a_colour_of_the_backgrounds_grey_fails_the_layer(trust):
    from tests.attacks.test_overlap import one_page

    signed = kit.sign(one_page(BAND))
    forged = _redrawn(signed, b"re f", HIDDEN)
    assert _differs(signed, forged, 0, (72, 600, 372, 640))  # "DA HUY" in green on the red band
    report = verify_pdf(forged, trust, diff_policy=BLIND)
    assert report.verdict == "INVALID" and "RENDERED_DIFFERENCE" in kit.codes(report), kit.explain(report)


# --- 3. an opaque "seal" at the prescribed place erases the signature and the block's words -------------

def test_an_opaque_seal_erasing_the_signature_is_not_silent(trust):
    stripped = (SAMPLES / "stripped-agency.pdf").read_bytes()
    whiteout_and_small_disc = b"1 1 1 rg 0 0 100 100 re f q 20 0 0 20 40 40 cm /Im0 Do Q"
    forged = sign_widget(stripped, "agency", "Signature3", SEAL, whiteout_and_small_disc, page=1, image=True)
    # the left third of the director's signature and the first letters of the title and name are gone
    assert _differs(stripped, forged, 1, SEAL)
    report = kit.verify(forged, trust)
    assert report.layers[2].purpose == "seal", report.layers[2].purpose_basis
    assert overlaps(report) and "Signature3" not in prescribed(report), kit.explain(report)


# --- 4. genuine: certify P=2, fill the form and sign in one revision, document timestamp ----------------

def test_a_form_filled_and_signed_after_a_p2_certification_gets_no_overlap_warning(trust):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    from tests.genuine import tsa_kit

    certified = kit.sign(kit.base_pdf(text_field=True), certify=2, box=kit.MARGIN_BOX)
    w = IncrementalPdfFileWriter(io.BytesIO(certified), strict=False)
    amount = next(f.get_object() for f in w.root["/AcroForm"]["/Fields"] if str(f.get_object()["/T"]) == "Amount")
    amount[pdf_name("/V")] = generic.TextStringObject("2500000")
    amount[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): w.add_object(generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 110, 17)]),
        pdf_name("/Resources"): amount["/AP"]["/N"]["/Resources"],
    }, stream_data=b"/Tx BMC BT /F1 12 Tf 0 g 2 4 Td (2500000) Tj ET EMC"))})
    w.update_container(amount)
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Signature2", md_algorithm="sha256"), signer=kit.signer("agency"),
        new_field_spec=fields.SigFieldSpec("Signature2", on_page=0, box=(380, 120, 540, 170)),
        stamp_style=TextStampStyle(stamp_text="Da ky so: %(signer)s"))
    out = io.BytesIO()
    pdf_signer.sign_pdf(w, output=out)
    final = tsa_kit.document_timestamp(out.getvalue(), dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc))
    report = verify_pdf(final, trust)
    assert report.verdict == "VALID" and all(l.status == "PASSED" for l in report.layers), kit.explain(report)
    assert not overlaps(report), kit.explain(report)
