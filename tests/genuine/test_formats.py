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


def test_a_detached_cms_under_an_unregistered_subfilter_or_type_is_validated_with_a_warning():
    """A SignedData is a SignedData whatever name the dictionary gives it: validated as detached
    CMS (as EU DSS does), with a warning that other software may skip it."""
    from tests.attacks import kit
    from tests.genuine import formats_kit

    for shape in (dict(sub_filter="/x.vendor.detached"), dict(sig_type="/DocTimeStamp")):
        report = _verify(formats_kit.sign(kit.base_pdf(), **shape), kit.trust())
        assert [x.status for x in report.layers] == ["PASSED"], (shape, kit.explain(report))
        assert "SIGNATURE_FORMAT_UNREGISTERED" in kit.codes(report), shape
    # /Type is optional (ISO 32000-2 Table 255): no /Type is the standard shape, not a warning
    for shape in (dict(), dict(sig_type=None)):
        plain = _verify(formats_kit.sign(kit.base_pdf(), **shape), kit.trust())
        assert plain.verdict == "VALID" and "SIGNATURE_FORMAT_UNREGISTERED" not in kit.codes(plain), shape


def test_an_unregistered_subfilter_over_other_bytes_still_fails():
    from tests.attacks import kit
    from tests.genuine import formats_kit

    data = formats_kit.sign(kit.base_pdf(), sub_filter="/x.vendor.detached")
    at = data.index(b"Tong kinh phi")
    tampered = data[:at] + b"X" + data[at + 1:]
    report = _verify(tampered, kit.trust())
    assert report.verdict == "INVALID" and report.layers[0].subindication == "HASH_FAILURE"


def test_a_cades_signature_enclosing_what_it_signs():
    """ETSI.CAdES.detached whose CMS encloses the signed bytes instead of leaving them out: the
    enclosed bytes must be exactly what the byte ranges cover."""
    from tests.attacks import kit
    from tests.genuine import formats_kit

    report = _verify(formats_kit.sign(kit.base_pdf(), sub_filter="/ETSI.CAdES.detached", enclose=True), kit.trust())
    assert [x.status for x in report.layers] == ["PASSED"], kit.explain(report)
    data = formats_kit.sign(kit.base_pdf(), sub_filter="/ETSI.CAdES.detached", enclose=True)
    at = data.index(b"Tong kinh phi")
    report = _verify(data[:at] + b"X" + data[at + 1:], kit.trust())
    assert report.layers[0].status == "FAILED" and report.layers[0].subindication == "HASH_FAILURE"


def test_signed_attributes_out_of_der_order_verify_with_a_warning():
    """Verified over the bytes received, as pyHanko and RFC 5652 receivers do; stricter verifiers
    re-encode them and refuse, which the warning says."""
    from tests.attacks import kit
    from tests.genuine import formats_kit

    report = _verify(formats_kit.sign(kit.base_pdf(), unordered=True), kit.trust())
    assert report.verdict == "VALID" and "SIGNED_ATTRIBUTES_NOT_DER" in kit.codes(report), kit.explain(report)
    assert "SIGNED_ATTRIBUTES_NOT_DER" not in kit.codes(_verify(formats_kit.sign(kit.base_pdf()), kit.trust()))


def test_a_well_formed_cms_a_library_cannot_read_is_undetermined_not_failed():
    """Judged by the bytes, never by an exception: a CMS whose structure is complete and holds what
    it defines, which pyHanko still cannot take (no SignerInfo at all), proves nothing; bytes that
    are no complete CMS (samples/corrupt-cms.pdf) are a FORMAT_FAILURE."""
    import re

    from asn1crypto import cms

    from tests.attacks import kit

    data = kit.sign(kit.base_pdf())
    m = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", data)
    ci = cms.ContentInfo.load(bytes.fromhex(m.group(1).decode()))
    sd = ci["content"].copy()
    sd["signer_infos"] = cms.SignerInfos([])
    empty = cms.ContentInfo({"content_type": "signed_data", "content": sd}).dump()
    size = len(m.group(1)) // 2
    forged = data[:m.start(1)] + (empty + b"\0" * (size - len(empty))).hex().encode() + data[m.end(1):]
    report = _verify(forged, kit.trust())
    assert (report.layers[0].status, report.layers[0].subindication) == ("INDETERMINATE", "GENERIC"), kit.explain(report)
    assert "INTERNAL_ERROR" in kit.codes(report) and report.verdict == "INDETERMINATE"
