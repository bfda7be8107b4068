"""Display properties outside the compared objects (docs/attacks.md): what tells a viewer in
which order to draw a page's annotations, and whether and how to draw a field anew.

pyHanko compares a page's /Annots as a set and exempts /NeedAppearances, /DA, /Q and /DR of the
form (and /DA, /Q of a field) from its comparison. Each forgery below was accepted (VALID) before
kyso's rules (verifier/signatures/diff/rules/widgets.py, display.py) and is refused now with a
reason naming what changed. PDFium (forms drawn) shows that the annotations' order and
/NeedAppearances change what a reader sees. The genuine shapes next to them: a second
signature by pyHanko, a form given /DA and /DR by the tool that signs it, the samples and the
real documents (tests/test_samples.py, tests/test_realdocs.py).
"""

from __future__ import annotations

import io

import pytest

from tests.attacks import kit

DARK, LIGHT = (140, 690, 260, 715), (200, 680, 320, 705)  # two squares; LIGHT drawn on top
OVERLAP = (202, 692, 258, 703)
AMOUNT_FIELD = (300, 600, 410, 617)  # the 'Amount' text field of kit.base_pdf(text_field=True)
SECOND_BOX = (380, 120, 540, 170)  # the second signature, in the empty margin
MODES = ["approval", "P=2"]
STYLES = ["classic", "xref stream"]


# --- building ------------------------------------------------------------------------------------

def _writer(data: bytes):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)


def _written(w) -> bytes:
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _original(xref_stream: bool) -> bytes:
    """kit's page with its 'Amount' text field, a form default /DA, and two overlapping square
    annotations (dark, then light drawn over it): what the first signer sees and signs."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    w = _writer(kit.base_pdf(text_field=True, xref_stream=xref_stream))
    page_ref = w.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    for grey, box in ((0, DARK), (0.8, LIGHT)):
        width, height = box[2] - box[0], box[3] - box[1]
        face = w.add_object(generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, width, height)]),
        }, stream_data=b"%g g 0 0 %d %d re f" % (grey, width, height)))
        page["/Annots"].append(w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Square"),
            pdf_name("/F"): generic.NumberObject(4), pdf_name("/P"): page_ref,
            pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(v) for v in box]),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): face}),
        })))
    w.update_container(page)
    w.root["/AcroForm"][pdf_name("/DA")] = generic.TextStringObject("/F1 12 Tf 0 g")
    w.update_root()
    return _written(w)


def _first_signature(data: bytes, mode: str) -> bytes:
    return kit.sign(data) if mode == "approval" else kit.sign(data, certify=2, box=kit.MARGIN_BOX)


def _sign_with(data: bytes, change=None, *, who: str = "agency", field: str = "Signature2") -> bytes:
    """A second, visible signature by pyHanko; `change(writer, page)` edits the revision it
    signs, after the new field and its widget were added (appended to the page's /Annots)."""
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    w = _writer(data)
    fields.append_signature_field(w, fields.SigFieldSpec(field, on_page=0, box=SECOND_BOX))
    if change is not None:
        page = w.root["/Pages"]["/Kids"][0]
        change(w, page)
        w.update_container(page)
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256")
    pdf_signer = signers.PdfSigner(meta, signer=kit.signer(who),
                                   stamp_style=TextStampStyle(stamp_text="Da ky so: %(signer)s"))
    out = io.BytesIO()
    pdf_signer.sign_pdf(w, output=out)
    return out.getvalue()


def _update(data: bytes, change) -> bytes:
    """An unsigned update: `change(writer, form, amount)` edits the form or the 'Amount' field
    (both written again); no key is needed."""
    w = _writer(data)
    form = w.root["/AcroForm"]
    amount = next(f for f in form["/Fields"] if str(f.get_object().get("/T")) == "Amount")
    change(w, form, amount.get_object())
    w.update_container(amount.get_object())
    w.update_root()
    return _written(w)


def _annots(page):
    return list(page.raw_get("/Annots"))


def _set_annots(page, items) -> None:
    from pyhanko.pdf_utils import generic

    page["/Annots"] = generic.ArrayObject(items)


# the annotations' order, changed in the revision a trusted second signer signs
def _reversed(w, page):
    *signed, widget = _annots(page)
    _set_annots(page, signed[::-1] + [widget])


def _widget_first(w, page):
    *signed, widget = _annots(page)
    _set_annots(page, [widget] + signed)


def _dark_listed_again(w, page):
    items = _annots(page)
    dark = next(a for a in items if a.get_object().get("/Subtype") == "/Square")
    _set_annots(page, items + [dark])


ORDER_ATTACKS = {"annotations reversed": _reversed, "the new widget inserted first": _widget_first,
                 "a signed annotation listed again last": _dark_listed_again}


def _font_drawing_nine_for_one(w):
    """Helvetica whose code 49 ('1') draws the glyph 'nine': "1000000" reads "9000000"."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    return w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"),
        pdf_name("/Encoding"): generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Encoding"), pdf_name("/BaseEncoding"): pdf_name("/WinAnsiEncoding"),
            pdf_name("/Differences"): generic.ArrayObject([generic.NumberObject(49), pdf_name("/nine")])}),
    }))


def _set(key, value):
    def change(w, form, amount):
        form[key] = value(w) if callable(value) else value
    return change


def _need_appearances(w, form, amount):
    from pyhanko.pdf_utils import generic

    form["/NeedAppearances"] = generic.BooleanObject(True)


def _dr_font_swapped(w, form, amount):
    form["/DR"]["/Font"]["/F1"] = _font_drawing_nine_for_one(w)


def _dr_font_removed(w, form, amount):
    del form["/DR"]["/Font"]["/F1"]


def _text(value: str):
    from pyhanko.pdf_utils import generic

    return generic.TextStringObject(value)


def _number(value: int):
    from pyhanko.pdf_utils import generic

    return generic.NumberObject(value)


def _field_da_white(w, form, amount):
    amount["/DA"] = _text("/F1 12 Tf 1 g")


def _field_q_right(w, form, amount):
    amount["/Q"] = _number(2)


# attack -> (change, the words the refusal must hold)
UPDATE_ATTACKS = {
    "NeedAppearances set": (_need_appearances, "/NeedAppearances"),
    "DR font swapped": (_dr_font_swapped, "/Font /F1 of the form's default resources (/DR) was replaced"),
    "DR entry removed": (_dr_font_removed, "/Font /F1 of the form's default resources (/DR) was removed"),
    "form DA changed": (lambda w, form, amount: form.__setitem__("/DA", _text("/F1 12 Tf 1 g")),
                        "The form's default /DA was changed"),
    "form Q added, a field takes it": (lambda w, form, amount: form.__setitem__("/Q", _number(2)),
                                       "The form's default /Q was added"),
    "field DA changed": (_field_da_white, "/DA of form field 'Amount'"),
    "field Q changed": (_field_q_right, "/Q of form field 'Amount'"),
}


@pytest.fixture(scope="module")
def originals() -> dict[str, bytes]:
    return {style: _original(style == "xref stream") for style in STYLES}


@pytest.fixture(scope="module")
def signed(originals) -> dict[tuple[str, str], bytes]:
    """The original signed in each mode and cross-reference style."""
    return {(style, mode): _first_signature(originals[style], mode) for style in STYLES for mode in MODES}


@pytest.fixture(scope="module")
def cosigned(signed) -> dict[tuple[str, str], bytes]:
    """The genuine second signature over each: pyHanko appends its widget."""
    return {key: _sign_with(data) for key, data in signed.items()}


def _refused(data: bytes, trust, words: str):
    report = kit.verify(data, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    first = report.layers[0]
    assert first.subindication == "MODIFIED_AFTER_SIGNING", kit.explain(report)
    assert any(words in change for change in map(str, first.changes)), first.changes
    return report


def _region(data: bytes, box):
    """The pixels PDFium (forms drawn) shows in the user-space rectangle `box` of page 1."""
    from verifier.render.pages import render

    _, pages = render(data, pages=[0], scale=2.0)
    page = pages[0]
    return page.image.crop(page.to_px(box))


# --- genuine -------------------------------------------------------------------------------------

@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("mode", MODES)
def test_a_second_signature_appending_its_widget_is_valid(mode, style, cosigned, trust):
    report = kit.verify(cosigned[(style, mode)], trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert [l.status for l in report.layers] == ["PASSED", "PASSED"]


def test_a_signer_writing_da_and_dr_into_a_form_of_signature_fields_is_valid(approval, trust):
    """VGCA's iText-based tools write /DA '/Helv 0 Tf 0 g' and /DR with /Helv into the form when
    they sign one that pyHanko started (only signature fields: nothing is drawn from them)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    def itext_like(w, page):
        helv = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Helvetica"), pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding")}))
        form = w.root["/AcroForm"]
        form[pdf_name("/DA")] = _text("/Helv 0 Tf 0 g ")
        form[pdf_name("/DR")] = generic.DictionaryObject({
            pdf_name("/Font"): generic.DictionaryObject({pdf_name("/Helv"): helv})})
        w.update_container(form)

    report = kit.verify(_sign_with(approval, itext_like), trust)
    assert report.verdict == "VALID", kit.explain(report)


def test_a_signer_adding_a_resource_to_the_form_keeps_it_valid(signed, trust):
    """19-bkhcn.pdf: the second seal's tool adds /XObject /FRM to the form's /DR."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    def add_xobject(w, page):
        frm = w.add_object(generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 10, 10)])},
            stream_data=b""))
        w.root["/AcroForm"]["/DR"][pdf_name("/XObject")] = generic.DictionaryObject({pdf_name("/FRM"): frm})
        w.update_root()

    report = kit.verify(_sign_with(signed[("classic", "P=2")], add_xobject), trust)
    assert report.verdict == "VALID", kit.explain(report)


# --- the annotations' order ----------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("attack,style", [(attack, "classic") for attack in ORDER_ATTACKS]
                         + [("annotations reversed", "xref stream")])
def test_the_order_of_the_signed_annotations_is_kept(attack, style, mode, signed, trust):
    forged = _sign_with(signed[(style, mode)], ORDER_ATTACKS[attack])
    words = "listed twice" if "again" in attack else "reordered"
    report = _refused(forged, trust, words)
    assert report.layers[1].status == "PASSED"  # the second signer's own layer is intact


@pytest.mark.parametrize("attack", ["annotations reversed", "a signed annotation listed again last"])
def test_the_reordered_annotations_are_drawn_otherwise(attack, signed, cosigned, trust):
    """PDFium draws a page's annotations in their order: what lies on top in the overlap changes."""
    genuine = cosigned[("classic", "approval")]
    forged = _sign_with(signed[("classic", "approval")], ORDER_ATTACKS[attack])
    shown, signed_look = _region(forged, OVERLAP), _region(genuine, OVERLAP)
    assert max(signed_look.tobytes()) > 150  # the light square on top, as signed
    assert max(shown.tobytes()) < 50  # the dark one on top, after the forgery


# --- the form's display entries ------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("attack", UPDATE_ATTACKS)
def test_the_display_entries_of_the_form_and_its_fields_are_kept(attack, mode, signed, trust):
    change, words = UPDATE_ATTACKS[attack]
    _refused(_update(signed[("classic", mode)], change), trust, words)


@pytest.mark.parametrize("attack", ["NeedAppearances set", "DR font swapped"])
def test_with_stream_cross_references(attack, signed, trust):
    change, words = UPDATE_ATTACKS[attack]
    _refused(_update(signed[("xref stream", "P=2")], change), trust, words)


def test_signed_by_a_trusted_second_signer_still_refused(signed, trust):
    """The changes come with a genuine second signature in the same revision: the second signer
    vouches for its own field, not for a new way of drawing the first signer's."""
    def swap_font(w, page):  # (/NeedAppearances would not do: pyHanko's signer removes it)
        _dr_font_swapped(w, w.root["/AcroForm"], None)
        w.update_root()

    _refused(_sign_with(signed[("classic", "P=2")], swap_font), trust, "/Font /F1 of the form's default resources")


@pytest.mark.parametrize("mode", MODES)
def test_a_field_redrawn_white_then_signed_over_is_refused(mode, signed, trust):
    """pyHanko counts a field's /DA as its value: filled, then signed over by a trusted second
    signer, it passed as form filling. It is how the field is drawn, not what it holds."""
    forged = _sign_with(_update(signed[("classic", mode)], _field_da_white))
    _refused(forged, trust, "/DA of form field 'Amount'")


def test_the_da_of_a_signed_signature_field_is_kept(signed, trust):
    def change(w, form, amount):
        sig = next(f for f in form["/Fields"] if str(f.get_object().get("/T")) == "Signature1").get_object()
        sig["/DA"] = _text("/F1 12 Tf 1 g")
        w.update_container(sig)

    _refused(_update(signed[("classic", "P=2")], change), trust, "/DA of form field 'Signature1'")


def test_need_appearances_makes_the_viewer_draw_the_field_anew(signed):
    """PDFium honours /NeedAppearances: the field is drawn from its value and /DA, not from the
    appearance that was signed; with a white /DA the signed amount disappears."""
    original = signed[("classic", "approval")]
    forged = _update(original, _need_appearances)
    assert _region(forged, AMOUNT_FIELD).tobytes() != _region(original, AMOUNT_FIELD).tobytes()
    white = _update(forged, _field_da_white)
    assert min(_region(original, AMOUNT_FIELD).tobytes()) < 50  # the signed amount, in black
    assert min(_region(white, AMOUNT_FIELD).tobytes()) > 200  # gone


def test_need_appearances_false_is_harmless(signed, trust):
    from pyhanko.pdf_utils import generic

    quiet = _update(signed[("classic", "P=2")], _set("/NeedAppearances", generic.BooleanObject(False)))
    report = kit.verify(quiet, trust)
    assert report.verdict == "VALID", kit.explain(report)


def test_the_multi_layer_plan_of_the_samples_stays_valid(trust):
    """samples/plan.pdf: a P=2 certification, then five VGCA-style layers, each appending its
    widget to /Annots of page 1, 2 or 3."""
    from tests.conftest import SAMPLES

    report = kit.verify((SAMPLES / "plan.pdf").read_bytes(), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert len(report.layers) == 6 and all(l.status == "PASSED" for l in report.layers)


def test_the_real_documents_keep_their_verdicts(real_reports):
    """../shared/realdocs: the VGCA tools write /DA and /DR into the form with the first
    signature, add /XObject /FRM to /DR later (19-bkhcn.pdf), and append every widget."""
    for name, report in real_reports.items():
        assert report.verdict == "INDETERMINATE", name
        assert not [l.changes for l in report.layers if l.subindication == "MODIFIED_AFTER_SIGNING"], name
