"""Who may change what is displayed: only a later signature, intact and chained to an anchor
(verifier.signatures.vouch; docs/attacks.md, "Visible appearance no signature vouches for").

Each forgery draws "9.000.000.000" over the signed amount in a new visible field and needs no
key of the document's signers: a document timestamp from any TSA, or bytes nobody can check.
"""

from __future__ import annotations

import pytest

from tests.attacks import kit, seen_kit

MODES = ["approval", "P=2"]


def _drawn(data: bytes):
    """What PDFium shows on page 1 with forms drawn: the forged text must really be displayed."""
    return seen_kit.drawn(data)


@pytest.fixture(scope="module")
def timestamped(signed_by_mode):
    return {mode: seen_kit.visible_field(signed_by_mode[mode], token=seen_kit.public_tsa_token) for mode in MODES}


@pytest.mark.parametrize("mode", MODES)
def test_a_visible_document_timestamp_over_the_text_fails_the_signature(mode, timestamped, signed_by_mode, trust):
    before, after = _drawn(signed_by_mode[mode]), _drawn(timestamped[mode])
    x1, y1, x2, y2 = kit.AMOUNT_BOX
    box = (int(x1), int(842 - y2), int(x2), int(842 - y1))
    assert before.crop(box).tobytes() != after.crop(box).tobytes()  # PDFium draws the forged stamp
    report = kit.verify(timestamped[mode], trust)
    assert report.verdict == "INVALID", kit.explain(report)
    first, stamp = report.layers
    assert stamp.kind == "document_timestamp" and stamp.status == "PASSED"  # the token itself is genuine
    assert first.status == "FAILED" and first.subindication == "MODIFIED_AFTER_SIGNING", kit.explain(report)
    [finding] = [f for f in report.findings if f.code == "APPEARANCE_NOT_VOUCHED"]
    assert finding.layer == 1 and finding.params["field"] == "Signature2" and finding.params["page"] == 1
    assert finding.params["drawn_by"] == "document_timestamp"


def test_an_invisible_document_timestamp_is_still_accepted(approval, trust):
    """The genuine LTA shape: a document timestamp without appearance draws nothing."""
    import datetime as dt

    from tests.genuine import tsa_kit

    stamped = tsa_kit.document_timestamp(approval, dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))
    report = kit.verify(stamped, trust)
    assert report.verdict == "VALID", kit.explain(report)


@pytest.mark.parametrize("mode", MODES)
def test_a_visible_field_nobody_can_check_fails_the_signature(mode, signed_by_mode, trust):
    """The value is a signature dictionary whose /Contents is no CMS at all."""
    forged = seen_kit.visible_field(signed_by_mode[mode], cms=lambda covered: b"\x30\x03\x02\x01\x00")
    report = kit.verify(forged, trust)
    assert report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].status == "FAILED" and report.layers[0].subindication == "MODIFIED_AFTER_SIGNING"
    [finding] = [f for f in report.findings if f.code == "APPEARANCE_NOT_VOUCHED"]
    assert finding.params["drawn_by"] in ("failed_signature", "unchecked_signature")


def test_a_trusted_signer_signing_later_vouches_for_a_timestamps_appearance(timestamped, trust):
    """What a trusted signer signs, a visible timestamp's widget included, is what they vouch for."""
    report = kit.verify(kit.sign(timestamped["approval"], "agency", "Signature3", box=kit.MARGIN_BOX), trust)
    assert [layer.status for layer in report.layers] == ["PASSED", "PASSED", "PASSED"], kit.explain(report)
    assert "APPEARANCE_NOT_VOUCHED" not in kit.codes(report)


def test_a_trusted_later_signer_leaves_the_first_layer_passed(approval, trust):
    report = kit.verify(kit.sign(approval, "agency", "Signature2", box=kit.AMOUNT_BOX), trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert "ANNOTATION_OVER_SIGNED_TEXT" in kit.codes(report)  # the overlay is still shown to a person


@pytest.fixture(scope="module")
def filled():
    """An approved document with a text field, the field then filled with another amount."""
    from tests.attacks.test_forms import _fill

    signed = kit.sign(kit.base_pdf(text_field=True))
    return _fill(signed, value=b"9000000000", appearance=None)


def test_a_filled_field_covered_only_by_a_document_timestamp_fails(filled, trust):
    import datetime as dt

    from tests.genuine import tsa_kit

    report = kit.verify(tsa_kit.document_timestamp(filled, dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)), trust)
    assert report.layers[0].status == "FAILED", kit.explain(report)


def test_a_filled_field_covered_only_by_an_unidentified_signer_is_not_passed(filled, trust):
    report = kit.verify(kit.sign(filled, "untrusted-signer", "Signature2", chain=("root-untrusted",)), trust)
    assert report.layers[0].status == "INDETERMINATE", kit.explain(report)
    assert report.layers[0].subindication == "OVERLAY_BY_UNIDENTIFIED_SIGNER"
    [finding] = [f for f in report.findings if f.code == "OVERLAY_BY_UNIDENTIFIED_SIGNER"]
    assert finding.params["field"] == "Amount"


def test_a_filled_field_covered_by_a_trusted_signer_passes(filled, trust):
    report = kit.verify(kit.sign(filled, "agency", "Signature2"), trust)
    assert report.layers[0].status == "PASSED", kit.explain(report)
