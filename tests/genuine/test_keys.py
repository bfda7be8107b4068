"""Every kind of key a signing tool may use verifies; describing a certificate never decides a
layer (issue: asn1crypto raised on Ed25519's bit size, which failed a genuine signature)."""

from __future__ import annotations

import pytest

from tests.genuine import keys_kit


@pytest.mark.parametrize("kind", keys_kit.KINDS)
def test_a_signature_with_each_kind_of_key_passes(kind):
    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig

    trust, pdf = keys_kit.signed(kind)
    report = verify_pdf(pdf, trust)
    layer = report.layers[0]
    assert (layer.status, layer.subindication) == ("PASSED", None), (layer.problem, [f.code for f in report.findings])
    assert "INTERNAL_ERROR" not in {f.code for f in report.findings}
    assert layer.certificate.subject.startswith("CN=Nguyễn Văn Khóa")


@pytest.mark.parametrize("kind", ["ed25519", "ecdsa-secp256k1"])
def test_the_same_signature_under_no_anchor_is_indeterminate_not_failed(kind):
    """Whose key it is cannot be established without an anchor: INDETERMINATE, never FAILED."""
    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig

    _, pdf = keys_kit.signed(kind)
    report = verify_pdf(pdf, TrustConfig())
    assert report.verdict == "INDETERMINATE"
    assert (report.layers[0].status, report.layers[0].subindication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")


def test_a_changed_byte_still_fails_an_ed25519_signature():
    """The relaxation (describing never fails) must not hide a broken signature."""
    from verifier.document import verify_pdf

    trust, pdf = keys_kit.signed("ed25519")
    at = pdf.index(b"/Type /Page") if b"/Type /Page" in pdf else 200
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
    report = verify_pdf(tampered, trust)
    assert report.verdict == "INVALID"
    assert (report.layers[0].status, report.layers[0].subindication) == ("FAILED", "HASH_FAILURE")
