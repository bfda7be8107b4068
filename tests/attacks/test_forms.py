"""Shadow hide/replace via form fields, and sneaky signatures (SSA).

pyHanko calls a changed form field FORM_FILLING and reports the document valid; after a
signature kyso accepts a changed field only when it is a signature field signed by a later,
valid layer. A new visible signature field draws whatever its appearance holds: after an approval
signature or a P=2 or P=3 certification it must be signed, in the revision that adds it or by a
later signature made for it (Acrobat's "prepare form"); after P=1 no new visible field is
allowed at all; every layer must be trusted.
"""

from __future__ import annotations

import re

import pytest

from tests.attacks import kit

OPAQUE = b"1 1 1 rg 0 0 110 17 re f 0 g BT /F1 12 Tf 2 4 Td (9000000000) Tj ET"
FIELD_MODES = ["approval", "P=2"]


@pytest.fixture(scope="module")
def with_field():
    base = kit.base_pdf(text_field=True)
    return {"approval": kit.sign(base), "P=2": kit.sign(base, certify=2, box=kit.MARGIN_BOX)}


def _fill(signed: bytes, *, value: bytes | None, appearance: bytes | None, rect: bytes | None = None) -> bytes:
    field = kit.find_object(signed, b"/T (Amount)")
    body = kit.raw_dict(signed, field)
    objects = []
    if value is not None:
        body = re.sub(rb"/V \([^)]*\)", b"/V (%s)" % value, body)
    if appearance is not None:
        _, size, _ = kit.trailer_info(signed)
        objects.append((size, kit.form_xobject(appearance)))
        body, count = re.subn(rb"/AP\s*<<\s*/N \d+ 0 R\s*>>", b"/AP << /N %d 0 R >>" % size, body)
        assert count == 1, body  # the forgery must really replace the appearance
    if rect is not None:
        body = re.sub(rb"/Rect \[[^\]]*\]", b"/Rect " + rect, body)
    return kit.append_update(signed, objects + [(field, body)])


@pytest.mark.parametrize("mode", FIELD_MODES)
@pytest.mark.parametrize("change", ["value", "appearance", "value and appearance"])
def test_a_filled_field_after_the_signature_is_invalid(mode, change, with_field, trust):
    signed = with_field[mode]
    assert kit.verify(signed, trust).verdict == "VALID"
    forged = _fill(signed, value=b"9000000000" if "value" in change else None,
                   appearance=OPAQUE if "appearance" in change else None)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    layer = report.layers[0]
    assert layer.subindication == "MODIFIED_AFTER_SIGNING"
    assert any("Amount" in c for c in map(str, layer.changes)) or layer.modification_level == "OTHER", layer.changes


@pytest.mark.parametrize("mode", FIELD_MODES)
def test_an_invisible_field_given_an_opaque_overlay(mode, trust):
    """A zero-size field, signed as nothing, moved over the amount and given an opaque face."""
    base = kit.base_pdf(text_field=True)
    field = kit.find_object(base, b"/T (Amount)")
    hidden = kit.append_update(base, [(field, re.sub(rb"/Rect \[[^\]]*\]", b"/Rect [0 0 0 0]", kit.raw_dict(base, field)))])
    signed = kit.sign(hidden) if mode == "approval" else kit.sign(hidden, certify=2, box=kit.MARGIN_BOX)
    assert kit.verify(signed, trust).verdict == "VALID"
    forged = _fill(signed, value=None, appearance=OPAQUE, rect=kit.rect(kit.AMOUNT_BOX))
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"


def _unsigned_signature_field(signed: bytes, name: bytes = b"Signature2") -> bytes:
    def build(n, page):
        return [kit.form_xobject(kit.WHITEOUT + b" 0 g BT /Helv 10 Tf 2 4 Td (9.000.000.000) Tj ET"),
                b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s) /F 4 /Rect %s /P %d 0 R /AP << /N %d 0 R >> >>"
                % (name, kit.rect(kit.AMOUNT_BOX), page, n)]

    return kit.add_annotation(signed, build, field=True)


@pytest.mark.parametrize("mode", ["approval", "P=1", "P=2", "P=3"])
def test_an_unsigned_visible_signature_field_is_invalid(mode, signed_by_mode, trust):
    """SSA with the field left unsigned: pyHanko says FORM_FILLING after an approval."""
    report = kit.verify(_unsigned_signature_field(signed_by_mode[mode]), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
    assert "EMPTY_SIGNATURE_FIELD" in kit.codes(report)
    overlap = next(f for f in report.findings if f.code == "ANNOTATION_OVER_SIGNED_TEXT")
    assert overlap.params["page"] == 1 and overlap.params["field"] == "Signature2"


def test_the_approval_rule_is_in_the_diff_policy(approval):
    """The refusal comes from the difference analysis itself (not only from kyso's report)."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from verifier.signatures.diff.policy import build_diff_policy

    emb = kit.reader(_unsigned_signature_field(approval)).embedded_signatures[0]
    status = validate_pdf_signature(emb, ValidationContext(trust_roots=[], allow_fetching=False), diff_policy=build_diff_policy())
    assert status.modification_level.name == "OTHER"
    assert "not signed" in str(status.diff_result)


def _field_for_the_next_signer(signed: bytes) -> bytes:
    """An empty visible signature field added in an update of its own, as Acrobat's "prepare
    form" adds one for the next signer (pyHanko's writer: no appearance of its own)."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    w = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    fields.append_signature_field(w, fields.SigFieldSpec("Signature2", on_page=0, box=kit.MARGIN_BOX))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.mark.parametrize("mode", ["approval", "P=2", "P=3"])
def test_a_field_added_for_the_next_signer_and_signed_by_them_later(mode, signed_by_mode, trust):
    """Genuine: the field is signed in the document as it ends, by a signature made after it was
    added; that signer vouches for what it draws (it was refused: "is not signed")."""
    prepared = _field_for_the_next_signer(signed_by_mode[mode])
    assert kit.verify(prepared, trust).verdict == "INVALID"  # left unsigned, it is still refused
    report = kit.verify(kit.sign(prepared, "clerk", "Signature2", existing=True), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert [layer.status for layer in report.layers] == ["PASSED", "PASSED"]


def test_a_sneaky_field_signed_later_by_an_untrusted_key_is_never_valid(approval, trust):
    """The forger's field, signed later by a key nobody can identify: the first layer is drawn
    over by a signer nobody vouches for."""
    forged = kit.sign(_unsigned_signature_field(approval), "untrusted-signer", "Signature2", existing=True,
                      chain=("root-untrusted",))
    report = kit.verify(forged, trust)
    assert report.verdict == "INDETERMINATE", kit.explain(report)
    assert report.layers[0].subindication == "OVERLAY_BY_UNIDENTIFIED_SIGNER"


def test_a_sneaky_field_signed_later_by_a_trusted_key_is_shown_over_the_text(approval, trust):
    """Signed later by a trusted signer, the field is that signer's stamp, as if created and
    signed at once: over signed text, the overlap is reported."""
    report = kit.verify(kit.sign(_unsigned_signature_field(approval), "clerk", "Signature2", existing=True), trust)
    overlap = next(f for f in report.findings if f.code == "ANNOTATION_OVER_SIGNED_TEXT")
    assert overlap.layer == 2 and overlap.params["field"] == "Signature2"  # named on the layer that drew it
    assert "1.000.000" in overlap.params["text"]


def test_a_sneaky_field_given_an_older_signature_as_its_value(approval, trust):
    """The field's /V set to the first signature's dictionary: that signature signs a revision
    before the field existed, and vouches for nothing it draws."""
    unsigned = _unsigned_signature_field(approval)
    field = kit.find_object(unsigned, b"/T (Signature2)")
    body = kit.raw_dict(unsigned, field)
    cut = body.rindex(b">>")
    forged = kit.append_update(unsigned, [(field, body[:cut] + b" /V %d 0 R " % kit.sig_object_ref(approval) + body[cut:])])
    report = kit.verify(forged, trust)
    assert report.verdict != "VALID" and report.layers[0].status == "FAILED", kit.explain(report)


def test_a_sneaky_field_signed_then_emptied_again(approval, trust):
    """Signed later, then its /V removed in a last update: as the document ends, the field is
    unsigned and draws what no signer vouches for."""
    signed = kit.sign(_unsigned_signature_field(approval), "clerk", "Signature2", existing=True)
    field = kit.find_object(signed, b"/T (Signature2)")
    emptied = kit.append_update(signed, [(field, re.sub(rb"/V \d+ 0 R", b"", kit.raw_dict(signed, field)))])
    report = kit.verify(emptied, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"


def test_a_signed_visible_field_after_p1_certification(signed_by_mode, trust):
    """SSA after certification: P=1 forbids any change."""
    forged = kit.sign_raw(signed_by_mode["P=1"], "agency", "Signature2", box=kit.AMOUNT_BOX)
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
    assert report.layers[1].status == "PASSED"


def test_a_signed_visible_field_after_p3_certification(signed_by_mode, trust):
    """P=3 permits what P=2 does (signing) and annotations (ISO 32000-1, Table 254): a visible
    signature by a trusted signer after it is a genuine shape (it was refused: red team)."""
    signed = kit.sign_raw(signed_by_mode["P=3"], "agency", "Signature2", box=kit.AMOUNT_BOX)
    report = kit.verify(signed, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert [layer.status for layer in report.layers] == ["PASSED", "PASSED"]


@pytest.mark.parametrize("mode", ["approval", "P=2"])
def test_a_signature_by_an_untrusted_key(mode, signed_by_mode, trust):
    """SSA signed by the attacker, whose CMS carries the attacker's own root: every layer must
    be trusted for VALID. Whose key it is cannot be established, which EN 319 102-1 makes
    INDETERMINATE (not proven forged); and the first signer's layer, drawn over by a signer
    nobody can identify, cannot pass either (verifier.signatures.vouch)."""
    forged = kit.sign(signed_by_mode[mode], "untrusted-signer", "Signature2", box=kit.AMOUNT_BOX,
                      chain=("root-untrusted",))
    report = kit.verify(forged, trust)
    assert report.verdict == "INDETERMINATE", kit.explain(report)
    assert report.layers[0].status == "INDETERMINATE", kit.explain(report)
    assert report.layers[0].subindication == "OVERLAY_BY_UNIDENTIFIED_SIGNER"
    [over] = [f for f in report.findings if f.code == "OVERLAY_BY_UNIDENTIFIED_SIGNER"]
    assert over.layer == 1 and over.params["field"] == "Signature2" and over.params["page"] == 1
    assert report.layers[1].status == "INDETERMINATE" and report.layers[1].subindication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert "ANNOTATION_OVER_SIGNED_TEXT" in kit.codes(report)


def test_a_signature_whose_issuer_nobody_knows_is_never_valid(approval, trust):
    """Without its root in the CMS the attacker's chain looks like a missing intermediate (as a
    real G1-era seal does): INDETERMINATE with the issuer named, never VALID."""
    report = kit.verify(kit.sign(approval, "untrusted-signer", "Signature2", box=kit.AMOUNT_BOX), trust)
    assert report.verdict == "INDETERMINATE"
    assert report.layers[1].subindication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert report.layers[0].subindication == "OVERLAY_BY_UNIDENTIFIED_SIGNER"
    assert "ISSUER_MISSING" in kit.codes(report)


def test_a_changed_field_sharing_the_name_of_a_later_signature(with_field, trust):
    """A text field renamed like a later signature, and filled, cannot borrow that signature
    for the first layer: kyso accepts a changed field by name, and pyHanko's difference
    analysis refuses two fields with one name."""
    signed = kit.sign(with_field["approval"], "agency", "Signature2", box=kit.MARGIN_BOX)
    field = kit.find_object(signed, b"/T (Amount)")
    renamed = kit.raw_dict(signed, field).replace(b"/T (Amount)", b"/T (Signature2)").replace(b"(1000000)", b"(9000000000)")
    report = kit.verify(kit.append_update(signed, [(field, renamed)]), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING", kit.explain(report)
    assert any("Duplicate field name" in c for c in map(str, report.layers[0].changes)), report.layers[0].changes
