"""A stamp by a trusted later signer over the signed text: every layer is valid, the document is
valid, and the report says where the appearance covers which signed words (docs/attacks.md, "Stamp by a trusted later signer": "report
the overlap as a finding with geometry; never silent")."""

from __future__ import annotations

from tests.attacks import kit


def test_a_trusted_seal_over_the_amount_is_reported_with_its_geometry(certified, trust):
    stamped = kit.sign(certified[2], "agency", "Signature2", box=kit.AMOUNT_BOX)
    report = kit.verify(stamped, trust)
    assert report.verdict == "VALID", kit.explain(report)
    finding = next(f for f in report.findings if f.code == "ANNOTATION_OVER_SIGNED_TEXT")
    assert finding.severity == "warning"
    assert finding.params["field"] == "Signature2" and finding.params["page"] == 1
    assert finding.params["rect"] == list(kit.AMOUNT_BOX)
    assert "1.000.000" in finding.params["text"]
    x1, y1, x2, y2 = finding.params["text_rect"]
    assert 150 <= x1 < x2 <= 262 and 690 < y1 < y2 < 715


def test_a_seal_in_the_margin_covers_nothing(certified, trust):
    report = kit.verify(kit.sign(certified[2], "agency", "Signature2", box=(380, 120, 540, 170)), trust)
    assert report.verdict == "VALID"
    assert "ANNOTATION_OVER_SIGNED_TEXT" not in kit.codes(report)


def test_a_seal_in_the_blank_between_two_words(certified, trust):
    """The number of a decision is written into a blank of the header line: touching the words
    on either side is not covering them (half a glyph must lie under the appearance)."""
    # "KE HOACH so 45/KH-SGDDT" at x = 72, 12 pt Helvetica (all glyphs 556/1000 em here)
    glyph = 12 * 0.556
    blank = (72 + 11 * glyph - 1, 726, 72 + 12 * glyph + 1, 742)  # over the space after "so"
    report = kit.verify(kit.sign(certified[2], "agency", "Signature2", box=blank), trust)
    assert report.verdict == "VALID"
    assert "ANNOTATION_OVER_SIGNED_TEXT" not in kit.codes(report), kit.explain(report)


def test_the_samples_keep_their_verdicts_with_the_seal_over_the_signature(trust):
    """The agency seal of samples/plan.pdf is placed over the left third of the director's
    signature block: reported, still VALID."""
    from tests.conftest import SAMPLES

    report = kit.verify((SAMPLES / "plan.pdf").read_bytes(), trust)
    assert report.verdict == "VALID"
    overlaps = [f for f in report.findings if f.code == "ANNOTATION_OVER_SIGNED_TEXT"]
    assert [f.params["field"] for f in overlaps] == ["Signature5"]
