"""Each tolerance kyso grants real documents is an exact rule: these tests show both sides,
what it accepts and what it still refuses. Documents are signed here with the test PKI."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace

import pytest
from asn1crypto import algos, core
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import SAMPLES

PKI = SAMPLES / "pki"


def sign(pdf: bytes, who: str = "director", md: str = "sha256") -> bytes:
    """A plain pyHanko signature: leaf certificate only, no embedded revocation data."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(str(PKI / "private" / f"{who}.TEST-ONLY.key.pem"), str(PKI / f"{who}.pem"))
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm=md), signer=signer, output=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def unsigned_plan() -> bytes:
    return (SAMPLES / "no-signatures.pdf").read_bytes()


@pytest.fixture(scope="module")
def signed_without_revinfo(unsigned_plan) -> bytes:
    return sign(unsigned_plan)


def test_unknown_revocation_is_indeterminate_never_valid(signed_without_revinfo, sample_trust):
    from verifier.document import verify_pdf

    report = verify_pdf(signed_without_revinfo, sample_trust)
    assert report.verdict == "INDETERMINATE"
    assert report.layers[0].subindication == "TRY_LATER"
    assert report.layers[0].revocation.status == "unknown"
    assert "REVOCATION_UNKNOWN" in {f.code for f in report.findings}


def test_crl_files_make_it_valid(signed_without_revinfo, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_without_revinfo)
    cmd = [sys.executable, "-m", "archive", "verify", "--json", str(path), "--trust", str(PKI / "trust.pem")]
    assert subprocess.run(cmd, capture_output=True).returncode == 3
    with_crls = cmd + ["--crl", str(PKI / "crl" / "ca-g2.crl"), "--crl", str(PKI / "crl" / "root-g2.crl")]
    result = subprocess.run(with_crls, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert '"source":"CRL trong kho tin cậy hoặc từ --crl"' in result.stdout  # --json speaks --lang (vi)
    assert '"source_en":"CRL from the trust store or --crl"' in result.stdout


def test_a_non_self_signed_ca_in_a_trust_file_is_never_an_anchor(signed_without_revinfo):
    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig

    config = TrustConfig()
    config.add_bundle((PKI / "ca-g2.pem").read_bytes())
    assert config.anchors == [] and len(config.intermediates) == 1
    report = verify_pdf(signed_without_revinfo, config)
    assert report.layers[0].subindication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert report.verdict != "VALID"


def test_pyhanko_times_are_not_mistaken_for_the_local_time_quirk(signed_without_revinfo, sample_trust):
    from verifier.document import verify_pdf

    layer = verify_pdf(signed_without_revinfo, sample_trust).layers[0]
    assert layer.signing_time_claimed is not None
    assert not layer.local_time_as_utc


def test_sha1_is_decided_by_the_policy_per_anchor(sample_trust):
    """SHA-1 fails under the test root with nd30 (accepted only under the G1/G2 roots); the same
    file passes when a policy lists the test root, so it is the policy, not the file, deciding."""
    from verifier.document import verify_pdf
    from verifier.policy.named import ND30
    from verifier.trust.config import TrustConfig

    data = (SAMPLES / "sha1.pdf").read_bytes()
    assert verify_pdf(data, sample_trust).layers[0].subindication == "CRYPTO_CONSTRAINTS_FAILURE"
    test_root = next(a for a in sample_trust.anchors if "RootCA" in a.cert.subject.native["common_name"])
    lenient = TrustConfig(anchors=sample_trust.anchors, intermediates=sample_trust.intermediates,
                          policy=replace(ND30, name="nd30-test", sha1_anchors=(test_root.sha256,)))
    report = verify_pdf(data, lenient)
    assert report.verdict == "VALID"
    assert report.policy == "nd30-test"
    assert "LEGACY_SHA1_ACCEPTED" in {f.code for f in report.findings}


# --- DigestInfo without NULL -------------------------------------------------------------------

def _raw_sign(key: rsa.RSAPrivateKey, digest_info: bytes) -> bytes:
    """RSA PKCS#1 v1.5 over an arbitrary DigestInfo (cryptography only signs the NULL form)."""
    n = key.public_key().public_numbers().n
    k = (n.bit_length() + 7) // 8
    em = b"\x00\x01" + b"\xff" * (k - len(digest_info) - 3) + b"\x00" + digest_info
    return pow(int.from_bytes(em, "big"), key.private_numbers().d, n).to_bytes(k, "big")


def _no_null(oid: str, digest: bytes) -> bytes:
    o = core.ObjectIdentifier(oid).dump()
    alg = b"\x30" + bytes([len(o)]) + o
    octets = b"\x04" + bytes([len(digest)]) + digest
    return b"\x30" + bytes([len(alg) + len(octets)]) + alg + octets


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _check(key, signature: bytes, message: bytes) -> None:
    from asn1crypto import keys
    from cryptography.hazmat.primitives import serialization

    from verifier.signatures.cmscheck import LenientRsaValidator

    spki = keys.PublicKeyInfo.load(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    LenientRsaValidator().validate_signature(signature, message, spki, algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}))


def test_digestinfo_without_null_and_right_digest_is_accepted(rsa_key):
    msg = b"signed attributes"
    _check(rsa_key, _raw_sign(rsa_key, _no_null("2.16.840.1.101.3.4.2.1", hashlib.sha256(msg).digest())), msg)


@pytest.mark.parametrize("case", ["wrong digest", "other algorithm", "trailing garbage"])
def test_digestinfo_leniency_is_exact(rsa_key, case):
    msg = b"signed attributes"
    digest = hashlib.sha256(msg).digest()
    info = {
        "wrong digest": _no_null("2.16.840.1.101.3.4.2.1", hashlib.sha256(b"other").digest()),
        "other algorithm": _no_null("2.16.840.1.101.3.4.2.3", digest),
        "trailing garbage": _no_null("2.16.840.1.101.3.4.2.1", digest) + b"\x00",
    }[case]
    with pytest.raises(InvalidSignature):
        _check(rsa_key, _raw_sign(rsa_key, info), msg)


# --- rsaEncryption with stray parameters -------------------------------------------------------

def _signer_info(sig_alg_der: bytes):
    from asn1crypto import cms

    info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"subject_key_identifier": b"\x01" * 20}),
        "digest_algorithm": {"algorithm": "sha256"},
        "signature_algorithm": algos.SignedDigestAlgorithm.load(sig_alg_der),
        "signature": b"\x00" * 256,
    })
    return cms.SignerInfo.load(info.dump())


def test_rsa_parameters_repair_only_touches_rsaencryption_with_stray_parameters():
    from verifier.signatures.cmscheck import repair_rsa_parameters

    pss_params = bytes.fromhex("3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120")
    oid = core.ObjectIdentifier("1.2.840.113549.1.1.1").dump()
    stray = b"\x30" + bytes([len(oid) + len(pss_params)]) + oid + pss_params
    repaired = repair_rsa_parameters(_signer_info(stray))
    assert repaired is not None and repaired["signature_algorithm"].signature_algo == "rsassa_pkcs1v15"
    assert repair_rsa_parameters(_signer_info(algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}).dump())) is None
    assert repair_rsa_parameters(_signer_info(algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}).dump())) is None


# --- document timestamps ----------------------------------------------------------------------

def _tsa():
    """A throwaway self-signed TSA (critical timeStamping EKU), to be trusted as an anchor."""
    import datetime as dt

    from asn1crypto import keys, x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TEST Máy chủ cấp dấu thời gian")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    pkey = keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return asn1_x509.Certificate.load(der), pkey, der


def test_document_timestamp_after_the_layers_is_a_permitted_update(sample_trust):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers, timestamps

    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig

    tsa_cert, tsa_key, tsa_der = _tsa()
    stamper = timestamps.DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO((SAMPLES / "plan.pdf").read_bytes()))
    signers.PdfTimeStamper(stamper).timestamp_pdf(writer, md_algorithm="sha256", output=out)

    trust = TrustConfig(anchors=list(sample_trust.anchors), intermediates=list(sample_trust.intermediates))
    trust.add_bundle(tsa_der)
    report = verify_pdf(out.getvalue(), trust)
    assert [l.kind for l in report.layers] == ["signature"] * 6 + ["document_timestamp"]
    assert report.layers[-1].status == "PASSED" and report.layers[-1].timestamp.trusted
    assert report.layers[0].modification_level == "LTA_UPDATES" or report.layers[0].modification_level == "FORM_FILLING"
    assert report.verdict == "VALID"
    # without the TSA as an anchor the timestamp cannot be trusted, and the document is not VALID
    assert verify_pdf(out.getvalue(), sample_trust).verdict != "VALID"
