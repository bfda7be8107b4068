"""A CMS with two SignerInfos: every one checked against the signed bytes, each with the
certificate its own SignerIdentifier names (verifier/signatures/cmscheck.check_signer_infos).

verifier/signatures/several.py applies it to a PDF layer (tests/genuine/test_several.py); these
tests pin the function down on CMS built here by pyHanko's and OpenSSL's signers.
"""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import tempfile
from pathlib import Path

import pytest
from asn1crypto import cms

from tests.attacks import kit
from tests.genuine import ber_kit
from verifier.signatures import cmscheck

CONTENT = b"%PDF-1.7 the bytes a /ByteRange covers\n"
OTHER = b"%PDF-1.7 other bytes\n"


def signed_data(content: bytes, who: str) -> cms.SignedData:
    """pyHanko's detached CMS by `who` of the test PKI, with the issuing CA's certificate."""
    ci = asyncio.run(kit.signer(who, ("ca-g2",)).async_sign_general_data(content, "sha256", detached=True))
    return ci["content"]


def merged(first: cms.SignedData, *others: cms.SignedData, reverse_certs: bool = True) -> cms.SignedData:
    """One SignedData with the SignerInfos and certificates of all; certificates in reverse order,
    so that a check that took 'the first certificate' names the wrong signer."""
    infos = list(first["signer_infos"]) + [si for sd in others for si in sd["signer_infos"]]
    certs, seen = [], set()
    for sd in (first, *others):
        for c in sd["certificates"]:
            if c.chosen.sha256 not in seen:
                seen.add(c.chosen.sha256)
                certs.append(c.chosen)
    if reverse_certs:
        certs.reverse()
    out = first.copy()
    out["signer_infos"] = cms.SignerInfos([si.copy() for si in infos])
    out["certificates"] = cms.CertificateSet([cms.CertificateChoices(name="certificate", value=c) for c in certs])
    return reload(out)


def reload(sd: cms.SignedData) -> cms.SignedData:
    """`sd` as a freshly parsed value: what changed re-encoded, every other byte as it was."""
    return cms.ContentInfo.load(cms.ContentInfo({"content_type": "signed_data", "content": sd}).dump())["content"]


def common_name(check) -> str:
    return check.certificate.subject.native["common_name"]


def by_signer(sd: cms.SignedData, checks) -> dict[str, object]:
    """The checks keyed by who signed each SignerInfo (read from its SignerIdentifier's serial
    number against the test PKI, not from the check): SignerInfos is a SET OF, written sorted."""
    from pyhanko.keys import load_cert_from_pemder

    serials = {load_cert_from_pemder(str(kit.PKI / f"{who}.pem")).serial_number: who for who in ("director", "agency")}
    return {serials[sd["signer_infos"][c.index]["sid"].chosen["serial_number"].native]: c for c in checks}


def test_two_genuine_signer_infos_both_pass_each_with_its_own_signer():
    sd = merged(signed_data(CONTENT, "director"), signed_data(CONTENT, "agency"))
    checks = cmscheck.check_signer_infos(sd, CONTENT)
    assert [c.status for c in checks] == ["PASSED", "PASSED"], checks
    named = {who: common_name(c) for who, c in by_signer(sd, checks).items()}
    assert named == {"director": "Trịnh Văn Nam", "agency": "Sở Giáo dục và Đào tạo"}
    assert all(c.digest_matches and c.signature_valid for c in checks)
    assert cmscheck.failed(checks) is None


def test_digests_may_be_given_instead_of_the_bytes():
    sd = merged(signed_data(CONTENT, "director"), signed_data(CONTENT, "agency"))
    checks = cmscheck.check_signer_infos(sd, {"sha256": hashlib.sha256(CONTENT).digest()})
    assert [c.status for c in checks] == ["PASSED", "PASSED"]
    missing = cmscheck.check_signer_infos(sd, {"sha512": hashlib.sha512(CONTENT).digest()})
    assert {c.subindication for c in missing} == {"SIGNED_DATA_NOT_FOUND"}
    assert {c.status for c in missing} == {"INDETERMINATE"}


def test_a_second_signer_info_over_other_bytes_fails_the_cms():
    """Genuine in itself (it signs OTHER), but not over these bytes: pyHanko, which looks at one
    SignerInfo, would never see it."""
    sd = merged(signed_data(CONTENT, "director"), signed_data(OTHER, "agency"))
    checks = by_signer(sd, cmscheck.check_signer_infos(sd, CONTENT))
    assert checks["director"].status == "PASSED" and checks["agency"].status == "FAILED"
    assert checks["agency"].digest_matches is False and checks["agency"].subindication == "HASH_FAILURE"
    assert checks["agency"].signature_valid is True  # its signature over its own attributes is intact
    assert cmscheck.failed(list(checks.values())) is checks["agency"]


def test_a_second_signer_info_with_an_altered_signature_fails_the_cms():
    sd = merged(signed_data(CONTENT, "director"), signed_data(CONTENT, "agency"))
    index = by_signer(sd, cmscheck.check_signer_infos(sd, CONTENT))["agency"].index
    si = sd["signer_infos"][index]
    value = bytearray(si["signature"].native)
    value[-1] ^= 1
    si["signature"] = bytes(value)
    sd = reload(sd)
    checks = by_signer(sd, cmscheck.check_signer_infos(sd, CONTENT))
    assert checks["director"].status == "PASSED" and checks["agency"].status == "FAILED"
    assert checks["agency"].subindication == "SIG_CRYPTO_FAILURE" and checks["agency"].digest_matches is True


def test_a_signer_identifier_naming_no_certificate_of_the_cms_is_indeterminate():
    """The agency's SignerInfo with the agency's certificate removed: nobody to check it with.
    Another certificate (the director's) must not be taken in its place."""
    sd = merged(signed_data(CONTENT, "director"), signed_data(CONTENT, "agency"))
    keep = [c for c in sd["certificates"] if c.chosen.subject.native.get("common_name") != "Sở Giáo dục và Đào tạo"]
    sd["certificates"] = cms.CertificateSet([c.copy() for c in keep])
    sd = reload(sd)
    checks = by_signer(sd, cmscheck.check_signer_infos(sd, CONTENT))
    assert checks["director"].status == "PASSED" and checks["agency"].status == "INDETERMINATE"
    assert checks["agency"].subindication == "NO_SIGNING_CERTIFICATE_FOUND" and checks["agency"].certificate is None


def test_a_signer_info_whose_content_type_attribute_disagrees_is_a_format_failure():
    sd = merged(signed_data(CONTENT, "director"))
    sd["encap_content_info"]["content_type"] = "signed_data"
    sd = reload(sd)
    (check,) = cmscheck.check_signer_infos(sd, CONTENT)
    assert check.status == "FAILED" and check.subindication == "FORMAT_FAILURE"


@pytest.mark.skipif(ber_kit.OPENSSL is None, reason="the openssl command is not installed")
def test_two_signers_written_by_openssl_in_ber():
    """`openssl cms -sign` with two -signer options, streamed (BER indefinite length)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "content.bin"
        src.write_bytes(CONTENT)
        args = [ber_kit.OPENSSL, "cms", "-sign", "-binary", "-stream", "-outform", "DER", "-md", "sha256",
                "-nosmimecap", "-in", str(src)]
        for who in ("director", "agency"):
            args += ["-signer", str(kit.PKI / f"{who}.pem"), "-inkey", str(kit.PKI / "private" / f"{who}.TEST-ONLY.key.pem")]
        der = subprocess.run(args, check=True, capture_output=True).stdout
    assert der[:2] == b"\x30\x80"
    sd = cms.ContentInfo.load(ber_kit.detach(der))["content"]
    checks = cmscheck.check_signer_infos(sd, CONTENT)
    assert [c.status for c in checks] == ["PASSED", "PASSED"]
    assert sorted(common_name(c) for c in checks) == sorted(["Trịnh Văn Nam", "Sở Giáo dục và Đào tạo"])
    assert {c.status for c in cmscheck.check_signer_infos(sd, OTHER)} == {"FAILED"}
