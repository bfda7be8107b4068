"""Geometry that parses differently (docs/attacks.md): pyHanko calls a field invisible when its
/Rect is not four direct numbers, so an unsigned field drawing over the signed text passed as
an invisible one, even after a P=1 certification. kyso reads /Rect and /F as viewers do
(verifier.pdf.geometry.placement); what it cannot resolve counts as drawn."""

from __future__ import annotations

import pytest

from tests.attacks import kit, seen_kit

x1, y1, x2, y2 = kit.AMOUNT_BOX


def _drawn(data: bytes):
    return seen_kit.drawn(data, kit.AMOUNT_BOX)


@pytest.fixture(scope="module")
def with_indirect_zero():
    """A document whose page says /Rotate through an indirect 0, as some writers do: an integer
    object the signature covers, which a forged /Rect can name without writing a new object."""
    base = kit.base_pdf()
    _, size, _ = kit.trailer_info(base)
    page = kit.page_ref(base)
    body = kit.raw_dict(base, page)
    body = body[:body.rindex(b">>")] + b" /Rotate %d 0 R >>" % size
    prepared = kit.append_update(base, [(size, b"0"), (page, body)])
    return size, {"approval": kit.sign(prepared, box=kit.MARGIN_BOX),
                  "P=2": kit.sign(prepared, certify=2, box=kit.MARGIN_BOX)}


def _reusing_appearance(signed: bytes, rect: bytes) -> bytes:
    """A new unsigned field showing the first signature's own appearance stream: no new object
    but the field."""
    appearance = kit.reader(signed).root["/AcroForm"]["/Fields"][0].get_object()["/AP"].raw_get("/N").idnum

    def build(n, page):
        return [b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal2) /F 4 /Rect %s /P %d 0 R /AP << /N %d 0 R >> >>"
                % (rect, page, appearance)]

    return kit.add_annotation(signed, build, field=True)


@pytest.mark.parametrize("mode", ["approval", "P=2"])
def test_an_unsigned_field_whose_rect_names_a_signed_integer(mode, with_indirect_zero, trust):
    """pyHanko reads [x1 <ref> x2 y2] as no rectangle, so the new field is an invisible, permitted
    update and no new object betrays it; PDFium draws it from the bottom of the page up."""
    number, signed = with_indirect_zero
    assert kit.verify(signed[mode], trust).verdict == "VALID"
    forged = _reusing_appearance(signed[mode], b"[%d %d 0 R %d %d]" % (x1, number, x2, y2))
    assert _drawn(forged) != _drawn(signed[mode])
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"


def test_a_second_seal_on_a_real_decree(real_trust):
    """The red team's forgery on decree 49/2026/NĐ-CP: a new unsigned field on page 1 showing the
    government seal's own appearance stream, its /Rect naming an integer object of the signed
    file. Nothing new but the field itself; pyHanko calls it invisible."""
    import re

    from tests.conftest import REALDOCS, need_shared
    from verifier.document import verify_pdf

    need_shared(REALDOCS)
    data = (REALDOCS / "49-2026-ND-CP.pdf").read_bytes()
    number, value = next((int(n), int(v)) for n, v in re.findall(rb"\n(\d+) 0 obj\s*(\d+)\s*endobj", data)
                         if 300 < int(v) < 800)
    sig_field = kit.reader(data).root["/AcroForm"]["/Fields"][0].get_object()
    seal = sig_field["/AP"].raw_get("/N").idnum

    def build(n, page):
        return [b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal2) /F 4 /Rect [300 %d 420 %d 0 R] /P %d 0 R "
                b"/AP << /N %d 0 R >> >>" % (value - 100, number, page, seal)]

    forged = kit.add_annotation(data, build, field=True)
    assert verify_pdf(data, real_trust).verdict == "INDETERMINATE"  # offline: revocation unknown
    report = verify_pdf(forged, real_trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
