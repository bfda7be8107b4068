"""The attacks each relaxation of issue 13, class 5 must still refuse (the genuine shapes are in
tests/genuine/test_diffvalue.py): validation data that carries a displayed change, a moved
/Resources hiding another font or image, an appearance redrawn without its value (the
"replace" attack), a choice's /I changed alone, a value filled with no signature after it.
"""

from __future__ import annotations

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name

from tests.attacks import kit
from tests.genuine import diffvalue_kit as dk


@pytest.fixture(scope="module")
def signed(approval) -> bytes:
    return approval  # the director's approval signature of tests/attacks/conftest.py, signed once


def _refused(data: bytes, trust):
    report = kit.verify(data, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    layer = report.layers[0]
    assert layer.status == "FAILED" and layer.subindication == "MODIFIED_AFTER_SIGNING", kit.explain(report)
    return layer


def _rewrite_content(w):
    ref = w.root["/Pages"]["/Kids"][0].raw_get("/Contents").reference
    w.objects[(ref.generation, ref.idnum)] = kit.content_stream(kit.FORGED_OPS)
    return ref


def test_a_dss_update_that_also_changes_the_page(signed, trust):
    _refused(dk.write_dss(signed, certs=dk.der_certs("director"), also=_rewrite_content), trust)


def test_a_dss_update_that_also_adds_an_annotation(signed, trust):
    def freetext(w):
        page = w.root["/Pages"]["/Kids"][0]
        annot = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/FreeText"),
            pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(v) for v in kit.AMOUNT_BOX]),
            pdf_name("/Contents"): generic.TextStringObject("9.000.000.000"), pdf_name("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
        }))
        page[pdf_name("/Annots")] = generic.ArrayObject([annot])
        w.update_container(page)

    _refused(dk.write_dss(signed, certs=dk.der_certs("director"), also=freetext), trust)


@pytest.mark.parametrize("where", ["/Certs", "VRI /Cert"])
def test_a_dss_listing_a_rewritten_page_content_stream(where, signed, trust):
    """The page's content stream listed as a 'certificate', and rewritten in the same update:
    the DSS may approve it for its own path, never for the page's."""
    holder = {}

    def listed(w):
        ref = w.root["/Pages"]["/Kids"][0].raw_get("/Contents")
        holder["ref"] = ref
        return [ref] if where == "/Certs" else []

    def also(w):
        _rewrite_content(w)
        if where != "/Certs":
            vri = w.root["/DSS"]["/VRI"]
            for key in list(vri):
                vri[key][pdf_name("/Cert")].append(holder["ref"])

    layer = _refused(dk.write_dss(signed, certs=dk.der_certs("director"), vri={dk.vri_key(signed): {}},
                                  listed=listed, also=also), trust)
    assert layer.modification_level == "OTHER"


@pytest.mark.parametrize("what", ["font", "xobject"])
def test_resources_moved_with_a_font_or_image_changed(what, signed, trust):
    def change(w, resources):
        if what == "font":
            font = dict(resources["/Font"]["/F1"].items())
            font[pdf_name("/BaseFont")] = pdf_name("/Courier")
            resources["/Font"][pdf_name("/F1")] = w.add_object(generic.DictionaryObject(font))
        else:
            resources[pdf_name("/XObject")] = generic.DictionaryObject(
                {pdf_name("/Im9"): w.add_object(kit.content_stream(b"0 0 0 rg 0 0 1 1 re f"))})

    for sign_too in (True, False):
        w = dk.writer(signed)
        dk.move_resources(w, change=change)
        _refused(dk.sign_in(w) if sign_too else dk.written(w), trust)


@pytest.fixture(scope="module")
def choice_certified() -> bytes:
    return kit.sign(dk.choice_pdf(), certify=2, box=kit.MARGIN_BOX)


@pytest.mark.parametrize("in_place", [True, False])
def test_replace_attack_appearance_without_value_even_signed_over(in_place, choice_certified, trust):
    """The field's appearance redrawn with its /V unchanged, then a second signature: the
    signer of the first layer never saw that value, and nobody entered it."""
    w = dk.writer(choice_certified)
    dk.fill(w, "Amount", value=None, ap_text="9000000000", in_place_ap=in_place)
    layer = _refused(dk.sign_in(w), trust)
    assert "without its value" in str(layer.problem)


def test_choice_index_changed_without_value(choice_certified, trust):
    w = dk.writer(choice_certified)
    dk.fill(w, "City", value=None, index=2, ap_text="")
    layer = _refused(dk.sign_in(w), trust)
    assert "/I" in str(layer.problem)


@pytest.mark.parametrize("field,index", [("City", 1), ("Amount", None)])
def test_a_value_filled_with_no_signature_after_it(field, index, choice_certified, trust):
    w = dk.writer(choice_certified)
    dk.fill(w, field, value=dk.OPTIONS[1] if index else "9000000000", index=index)
    layer = _refused(dk.written(w), trust)
    assert f"form field '{field}' changed without a signature covering it" in map(str, layer.changes)


def test_a_value_filled_after_the_last_signature(choice_certified, trust):
    """Filled, signed over, then filled again: the last change is covered by nobody."""
    w = dk.writer(choice_certified)
    dk.fill(w, "City", value=dk.OPTIONS[1], index=1)
    w = dk.writer(dk.sign_in(w))
    dk.fill(w, "City", value=dk.OPTIONS[2], index=2)
    layer = _refused(dk.written(w), trust)
    assert "form field 'City' changed without a signature covering it" in map(str, layer.changes)


def test_a_value_covered_only_by_a_document_timestamp(choice_certified, trust):
    import io

    from pyhanko.sign import signers, timestamps

    from tests.test_rules import _tsa
    from verifier.trust.config import TrustConfig

    w = dk.writer(choice_certified)
    dk.fill(w, "City", value=dk.OPTIONS[1], index=1)
    tsa_cert, tsa_key, tsa_der = _tsa()
    out = io.BytesIO()
    signers.PdfTimeStamper(timestamps.DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)).timestamp_pdf(
        w, md_algorithm="sha256", output=out)
    with_tsa = TrustConfig(anchors=list(trust.anchors), intermediates=list(trust.intermediates), crls=list(trust.crls))
    with_tsa.add_bundle(tsa_der)
    layer = _refused(out.getvalue(), with_tsa)
    assert "form field 'City' changed without a signature covering it" in map(str, layer.changes)


def test_an_integer_written_again_as_a_real(signed, trust):
    """The font rewritten after signing with `/FirstChar 32.0` for `32` (red team, 2026-12-06):
    PDFium truncates the real and draws the page as signed, poppler ignores it where the format
    wants an integer and places every glyph by another width. An integer and a real are two
    values, whatever their number."""
    font = kit.find_object(signed, b"/FirstChar")
    body = kit.raw_dict(signed, font)
    assert b"/FirstChar 32" in body
    _refused(kit.append_update(signed, [(font, body.replace(b"/FirstChar 32", b"/FirstChar 32.0"))]), trust)
