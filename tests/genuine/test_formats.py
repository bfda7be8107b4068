"""Signature formats chosen by /SubFilter, as EU DSS chooses them: adbe.pkcs7.sha1, whose CMS
encapsulates the SHA-1 digest of the byte ranges (samples/unsupported-subfilter.pdf, the agency's
second layer), is validated in full, and its encapsulated digest must match the bytes."""

from __future__ import annotations

import dataclasses
import re

from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "unsupported-subfilter.pdf"


def _verify(data: bytes, trust):
    from verifier.document import verify_pdf

    return verify_pdf(data, trust)


def _sha1_allowed_under_the_test_root(trust):
    """A policy that accepts SHA-1 under the samples' test root G2, as nd30 does under the real G1/G2."""
    from asn1crypto import pem, x509

    from verifier.policy import policyfile
    from verifier.trust import material

    _, _, der = pem.unarmor((SAMPLES / "pki" / "root-g2.pem").read_bytes())
    fingerprint = material.sha256_fingerprint(x509.Certificate.load(der))
    return dataclasses.replace(trust, policy=policyfile.from_dict({"legacy": {"sha1": [fingerprint]}}))


def test_a_pkcs7_sha1_signature_is_validated_in_full(sample_trust):
    report = _verify(SAMPLE.read_bytes(), sample_trust)
    layer = report.layers[1]
    assert layer.sub_filter == "/adbe.pkcs7.sha1"
    assert layer.integrity and layer.cryptographic_validity and layer.trusted
    # SHA-1 under a test root: the policy refuses the algorithm, which is no proof of forgery
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE")
    allowed = _verify(SAMPLE.read_bytes(), _sha1_allowed_under_the_test_root(sample_trust))
    assert [x.status for x in allowed.layers] == ["PASSED", "PASSED"] and allowed.verdict == "VALID"


def test_a_pkcs7_sha1_signature_over_other_bytes_fails(sample_trust):
    """One byte of the second layer's signed revision changed (its signature dictionary's
    /Location): the encapsulated digest no longer matches the byte ranges."""
    data = SAMPLE.read_bytes()
    at = [m.start(1) for m in re.finditer(rb"/Location\s*\((.)", data)][-1]
    tampered = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
    report = _verify(tampered, _sha1_allowed_under_the_test_root(sample_trust))
    assert report.verdict == "INVALID"
    assert (report.layers[1].status, report.layers[1].subindication) == ("FAILED", "HASH_FAILURE")


def test_an_unknown_subfilter_is_listed_and_undecided_never_skipped(sample_trust):
    data = SAMPLE.read_bytes().replace(b"/adbe.pkcs7.sha1", b"/adbe.pkcs7.xxx1")
    report = _verify(data, sample_trust)
    assert [x.field for x in report.layers] == ["Signature1", "Signature2"]
    assert (report.layers[1].status, report.layers[1].subindication) == ("INDETERMINATE", "GENERIC")
    assert "not supported" in report.layers[1].problem and report.verdict == "INDETERMINATE"
