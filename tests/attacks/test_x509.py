"""Forgeries of the legacy adbe.x509.rsa_sha1 format (PKCS#1 value in /Contents, certificate in
/Cert): what its validation (verifier.signatures.x509sig) must still refuse."""

from __future__ import annotations

import pytest

from tests.attacks import kit
from tests.genuine import x509_kit


@pytest.fixture(scope="module")
def signed(base) -> bytes:
    return x509_kit.sign(base)


def _layer(report):
    layer = report.layers[0]
    return layer.status, layer.subindication


def test_a_changed_byte_in_the_signed_range_is_a_hash_failure(signed, trust):
    at = signed.index(b"1.000.000")
    tampered = signed[:at] + b"9" + signed[at + 1:]
    report = kit.verify(tampered, trust)
    assert _layer(report) == ("FAILED", "HASH_FAILURE") and report.verdict == "INVALID", kit.explain(report)
    assert report.layers[0].cryptographic_validity is True


def test_a_signature_by_another_key_than_the_certificate_s(base, trust):
    report = kit.verify(x509_kit.sign(base, key="clerk"), trust)
    assert _layer(report) == ("FAILED", "SIG_CRYPTO_FAILURE") and report.verdict == "INVALID", kit.explain(report)


@pytest.mark.parametrize("cert", [False, "garbage", "number", "empty"])
def test_a_missing_or_garbage_cert_is_a_format_failure(base, trust, cert):
    from pyhanko.pdf_utils import generic

    value = {False: False, "garbage": generic.ByteStringObject(b"garbage"), "number": generic.NumberObject(7),
             "empty": generic.ArrayObject()}[cert]
    report = kit.verify(x509_kit.sign(base, cert=value), trust)
    assert _layer(report) == ("FAILED", "FORMAT_FAILURE") and report.verdict == "INVALID", kit.explain(report)
    assert "/Cert" in report.layers[0].problem_detail  # kyso's own reading, kept for the details


@pytest.mark.parametrize("shape", ["bare", "padding"])
def test_contents_that_is_no_octet_string_alone_is_a_format_failure(base, trust, shape):
    """The bare RSA value without its OCTET STRING, or data hidden after it in the padding."""
    made = []

    def contents(signed: bytes) -> bytes:
        value = x509_kit.rsa_signature("director", x509_kit.SHA["sha1"](signed).digest())
        made.append(value)
        return value if shape == "bare" else x509_kit.octet_string(value) + b"\x00\x01hidden"

    report = kit.verify(x509_kit.sign(base, contents=contents), trust)
    assert _layer(report) == ("FAILED", "FORMAT_FAILURE") and report.verdict == "INVALID", kit.explain(report)
    # a bare RSA value is random bytes: about one in 256 starts with an OCTET STRING's tag (04),
    # and is then read as one with bytes left after it
    said = "OCTET STRING" if shape == "bare" and made[-1][0] != 0x04 else "zero padding"
    assert said in report.layers[0].problem_detail


def test_a_signature_over_another_digest_is_a_hash_failure(base, trust):
    def contents(signed: bytes) -> bytes:
        return x509_kit.octet_string(x509_kit.rsa_signature("director", x509_kit.SHA["sha1"](signed + b"x").digest()))

    report = kit.verify(x509_kit.sign(base, contents=contents), trust)
    assert _layer(report) == ("FAILED", "HASH_FAILURE") and report.verdict == "INVALID", kit.explain(report)


def test_changed_page_content_after_signing_is_a_modification(signed, trust):
    forged = kit.replace_object(signed, kit.page_content_ref(signed), kit.content_stream(kit.FORGED_OPS))
    report = kit.verify(forged, trust)
    assert _layer(report) == ("FAILED", "MODIFIED_AFTER_SIGNING") and report.verdict == "INVALID", kit.explain(report)


def test_an_attacker_s_own_certificate_is_not_trusted(base, trust):
    """A self-made certificate signs correctly, but nothing anchors it."""
    report = kit.verify(x509_kit.sign(base, "self-signed"), trust)
    assert report.layers[0].cryptographic_validity and report.layers[0].status == "INDETERMINATE"
    assert report.verdict != "VALID"
