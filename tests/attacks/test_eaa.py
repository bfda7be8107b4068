"""Evil annotation attacks (EAA, Rohlmann et al. 2021): an annotation added after the signature
draws over the signed page. pyHanko says ANNOTATIONS (P=3: allowed by the DocMDP level) or
OTHER; kyso fails the layer in every mode, and shows where the annotation lies.
"""

from __future__ import annotations

import pytest

from tests.attacks import kit

ANNOTATIONS = {
    "FreeText": b"/Subtype /FreeText /DA (/Helv 12 Tf 0 g) /Contents (9.000.000.000 dong)",
    "Stamp": b"/Subtype /Stamp /Name /Approved",
    "Square": b"/Subtype /Square /IC [1 1 1] /C [1 1 1]",
    "Redact": b"/Subtype /Redact /OverlayText (9.000.000.000) /IC [1 1 1]",
}


def add(signed: bytes, kind: str) -> bytes:
    def build(n, page):
        return [kit.form_xobject(kit.WHITEOUT + b" 0 g BT /Helv 12 Tf 2 4 Td (9.000.000.000) Tj ET"),
                b"<< /Type /Annot %s /Rect %s /F 4 /P %d 0 R /AP << /N %d 0 R >> >>"
                % (ANNOTATIONS[kind], kit.rect(kit.AMOUNT_BOX), page, n)]

    return kit.add_annotation(signed, build)


@pytest.mark.parametrize("mode", ["approval", "P=2", "P=3"])
@pytest.mark.parametrize("kind", ANNOTATIONS)
def test_an_annotation_after_the_signature_is_invalid(kind, mode, signed_by_mode, trust):
    report = kit.verify(add(signed_by_mode[mode], kind), trust)
    assert report.verdict == "INVALID", kit.explain(report)
    layer = report.layers[0]
    assert layer.subindication == "MODIFIED_AFTER_SIGNING"
    assert layer.modification_level in ("ANNOTATIONS", "OTHER")
    overlap = next(f for f in report.findings if f.code == "ANNOTATION_OVER_SIGNED_TEXT")
    assert overlap.params["subtype"] == kind and overlap.params["rect"] == list(kit.AMOUNT_BOX)
    assert "1.000.000" in overlap.params["text"]
