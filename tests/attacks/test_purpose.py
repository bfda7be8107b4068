"""Certificates not meant for documents (docs/attacks.md, "Certificate not meant for documents").

The attacker holds a key whose certificate a trusted CA issued for a service: a TLS server, the
TSA, an OCSP responder, a software publisher. pyHanko accepts any extended key usage for a
signature, so a document signed with one was VALID. Each certificate here is issued by the test
PKI's ca-g2 (whose CRL the trust holds), with keyUsage digitalSignature + nonRepudiation as every
signer of the samples has, differing only in its extended key usage; the TSA's is tsa_kit's own.
The genuine ones carry what real government and public-CA document certificates carry, and the
signer certificates of the real documents of ../shared/realdocs are checked by the same rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io

import pytest

from tests.attacks import kit
from tests.conftest import REALDOCS, need_shared
from tests.genuine import tsa_kit, x509_kit
from verifier.signatures.decide import decide
from verifier.trust import purpose

UTC = dt.timezone.utc
SERVER_AUTH, CLIENT_AUTH, CODE_SIGNING = "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.3"
EMAIL, OCSP_SIGNING = "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.9"
SMARTCARD_LOGON = "1.3.6.1.4.1.311.20.2.2"
DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36"  # id-kp-documentSigning, RFC 9336
MICROSOFT_DOCUMENT_SIGNING = "1.3.6.1.4.1.311.10.3.12"
ADOBE_AUTHENTIC_DOCUMENTS = "1.2.840.113583.1.1.5"
ANY = "2.5.29.37.0"
POLICY_OID = "2.16.704.1.99.1"  # under Viet Nam's country arc, known to nobody here

# name -> (key purposes, EKU critical); None: no extended key usage extension
REFUSED = {
    "serverAuth": ([SERVER_AUTH], False),
    "codeSigning": ([CODE_SIGNING], False),
    "OCSPSigning": ([OCSP_SIGNING], False),
    "serverAuth+clientAuth": ([SERVER_AUTH, CLIENT_AUTH], False),  # what public TLS certificates carry
}
GENUINE = {
    "clientAuth+emailProtection+smartcardLogon": ([CLIENT_AUTH, EMAIL, SMARTCARD_LOGON], False),  # the real documents'
    "clientAuth+emailProtection": ([CLIENT_AUTH, EMAIL], False),
    "clientAuth": ([CLIENT_AUTH], False),
    "documentSigning": ([DOCUMENT_SIGNING], True),
    "Microsoft document signing": ([MICROSOFT_DOCUMENT_SIGNING], False),
    "Adobe authentic documents": ([ADOBE_AUTHENTIC_DOCUMENTS, EMAIL], False),
    "anyExtendedKeyUsage": ([ANY], False),
    "policy OID": ([POLICY_OID], False),
    "policy OID+serverAuth": ([POLICY_OID, SERVER_AUTH], False),  # an unknown purpose may be the document one
    "no EKU": (None, False),
}
SIGNING = dict(digital_signature=True, content_commitment=True, key_encipherment=False)


@functools.cache
def _key():
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(name: str, purposes: list[str] | None, *, critical: bool = False, usage: dict = SIGNING):
    """(certificate, its key as PKCS#8, ca-g2), asn1crypto objects: `purposes` as its extended
    key usage (dotted), `usage` its keyUsage, issued by ca-g2 like the samples' signers."""
    from asn1crypto import keys, x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID, ObjectIdentifier

    issuer = x509.load_pem_x509_certificate((kit.PKI / "ca-g2.pem").read_bytes())
    issuer_key = serialization.load_pem_private_key(
        (kit.PKI / "private" / "ca-g2.TEST-ONLY.key.pem").read_bytes(), password=None)
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh Bình Phước (TEST)"),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"TEST {name}")])
    flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                 key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(dt.datetime(2021, 1, 1, tzinfo=UTC))
               .not_valid_after(dt.datetime(2045, 12, 31, tzinfo=UTC))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
               .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                   full_name=[x509.UniformResourceIdentifier("http://ca.test.invalid/crl/ca-g2.crl")],
                   relative_name=None, reasons=None, crl_issuer=None)]), critical=False)
               .add_extension(x509.KeyUsage(**{**flags, **usage}), critical=True))
    if purposes is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ObjectIdentifier(p) for p in purposes]), critical=critical)
    cert = builder.sign(issuer_key, hashes.SHA256())
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)), keys.PrivateKeyInfo.load(der_key),
            asn1_x509.Certificate.load(issuer.public_bytes(serialization.Encoding.DER)))


def sign(data: bytes, cert, key, issuer) -> bytes:
    """An approval signature by that certificate, with ca-g2 in the CMS."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs([issuer]))
    meta = signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha256")
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), meta, signer=signer, output=out)
    return out.getvalue()


def _made(base, table) -> dict[str, bytes]:
    return {name: sign(base, *certificate(name, purposes, critical=critical))
            for name, (purposes, critical) in table.items()}


@pytest.fixture(scope="module")
def refused(base, trust):
    """The reports of the documents signed by a service's certificate, the TSA's among them."""
    documents = _made(base, REFUSED)
    documents["timeStamping (the TSA's)"] = sign(base, *tsa_kit.tsa())
    return {name: kit.verify(data, trust) for name, data in documents.items()}


@pytest.fixture(scope="module")
def genuine(base, trust):
    return {name: kit.verify(data, trust) for name, data in _made(base, GENUINE).items()}


def _finding(report):
    return [f for f in report.findings if f.code == "CERTIFICATE_NOT_FOR_DOCUMENTS"]


WORDS = {  # what the Vietnamese message names for each
    "serverAuth": "chứng thư số dành cho máy chủ web (serverAuth)",
    "codeSigning": "ký mã phần mềm (codeSigning)",
    "OCSPSigning": "(OCSPSigning)",
    "serverAuth+clientAuth": "chứng thư số dành cho máy chủ web (serverAuth); đăng nhập, xác thực người dùng (clientAuth)",
    "timeStamping (the TSA's)": "máy chủ cấp dấu thời gian (timeStamping)",
}


@pytest.mark.parametrize("name", [*REFUSED, "timeStamping (the TSA's)"])
def test_a_service_certificate_is_no_document_signer(name, refused):
    report = refused[name]
    layer = report.layers[0]
    assert report.verdict == "INDETERMINATE", kit.explain(report)
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE"), kit.explain(report)
    assert layer.trusted and layer.integrity and layer.cryptographic_validity  # nothing else is wrong with it
    assert "was not issued for signing documents" in str(layer.problem)
    [finding] = _finding(report)
    assert finding.layer == 1 and finding.severity == "warning"
    assert WORDS[name] in finding.message("vi")
    assert "not issued for signing documents" in finding.message("en")


@pytest.mark.parametrize("name", GENUINE)
def test_a_document_certificate_passes(name, genuine):
    report = genuine[name]
    assert report.verdict == "VALID" and report.layers[0].status == "PASSED", kit.explain(report)
    assert not _finding(report)


def test_a_key_usage_without_signing_is_refused_by_pyhanko(base, trust):
    """keyUsage is pyHanko's check, with kyso's KeyUsageConstraints (digitalSignature or
    nonRepudiation), once the chain validates: a key for encryption only never signs a document.
    A guard that nobody relaxes those constraints; the EKU rule is not needed for it."""
    usage = dict(digital_signature=False, content_commitment=False, key_encipherment=True)
    report = kit.verify(sign(base, *certificate("keyEncipherment", [CLIENT_AUTH, EMAIL], usage=usage)), trust)
    layer = report.layers[0]
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE"), kit.explain(report)
    assert "key usage" in str(layer.problem) and not _finding(report)


def test_a_pkcs1_signature_by_a_tls_certificate_is_refused(base, trust):
    """adbe.x509.rsa_sha1 (verifier/signatures/x509sig.py) gathers its facts on its own path."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from pyhanko.pdf_utils import generic

    cert, _, _ = certificate("serverAuth x509", [SERVER_AUTH])
    # a SHA-256 DigestInfo: SHA-1 under the test root is refused for its algorithm first
    data = x509_kit.sign(base, cert=generic.ByteStringObject(cert.dump()), algorithm="sha256",
                         contents=lambda signed: x509_kit.octet_string(_key().sign(signed, padding.PKCS1v15(), hashes.SHA256())))
    report = kit.verify(data, trust)
    layer = report.layers[0]
    assert layer.sub_filter == "/adbe.x509.rsa_sha1" and layer.integrity and layer.cryptographic_validity
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE"), kit.explain(report)
    assert report.verdict == "INDETERMINATE" and len(_finding(report)) == 1


def test_the_tsa_still_timestamps(base, trust):
    """The rule is for signatures: the TSA's certificate (timeStamping) signs the signature's
    token and a document timestamp, and both are proofs as before."""
    at = dt.datetime(2024, 5, 6, 2, 0, tzinfo=UTC)
    data = tsa_kit.document_timestamp(tsa_kit.sign(base, "director", signed_at=at, ts_at=at), at + dt.timedelta(hours=1))
    report = kit.verify(data, trust)
    assert [l.kind for l in report.layers] == ["signature", "document_timestamp"]
    assert report.verdict == "VALID" and all(l.status == "PASSED" for l in report.layers), kit.explain(report)
    assert report.layers[0].timestamp.trusted and not _finding(report)


# --- where the rule sits among the others: the real facts of a refused layer, one fact changed ----

@pytest.fixture(scope="module")
def refused_facts(base, trust):
    """The facts of the serverAuth layer, as the pipeline gathered them."""
    from verifier.document import verify_pdf
    from verifier.signatures import layer as layer_module

    seen = []

    def keep(facts):
        seen.append(facts)
        return decide(facts)

    mp = pytest.MonkeyPatch()
    mp.setattr(layer_module, "decide", keep)
    try:
        verify_pdf(sign(base, *certificate("serverAuth facts", [SERVER_AUTH])), trust)
    finally:
        mp.undo()
    [facts] = seen
    assert facts.key_purpose_problem and facts.trusted
    return facts


ORDER = [
    # what the bytes or a proof of time disprove is the stronger answer
    (dict(integrity=False), "FAILED", "HASH_FAILURE"),
    # a chain nobody vouches for carries whatever purpose its maker wrote
    (dict(untrusted_root="CN=Nobody"), "INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND"),
    # outside information would not change the answer
    (dict(revoked=True), "INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE"),
    (dict(revoked=True, signing_time_source="timestamp"), "INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE"),
    (dict(signing_time="2099-01-01T00:00:00+07:00", signing_time_source="timestamp"), "INDETERMINATE",
     "CHAIN_CONSTRAINTS_FAILURE"),
    (dict(trust_indication="CERTIFICATE_CHAIN_GENERAL_FAILURE", revocation_missing=True, trusted=False),
     "INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE"),
    (dict(trust_indication="NO_CERTIFICATE_CHAIN_FOUND", trusted=False), "INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE"),
    (dict(signing_time="2099-01-01T00:00:00+07:00", signing_time_source="signed_attribute"), "INDETERMINATE",
     "CHAIN_CONSTRAINTS_FAILURE"),
    # the rule alone keeps the layer from passing
    (dict(key_purpose_problem=None), "PASSED", None),
]


@pytest.mark.parametrize("changes, status, sub", ORDER, ids=[",".join(c[0]) + f"->{c[2]}" for c in ORDER])
def test_the_rule_after_the_failures_before_missing_information(refused_facts, changes, status, sub):
    decision = decide(dataclasses.replace(refused_facts, **changes))
    assert (decision.status, decision.subindication) == (status, sub)


# --- the rule itself, on shapes no CA issues -------------------------------------------------------

def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    length = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def _with_eku(value: bytes, twice: bool = False):
    """A signer certificate of the samples with an extended key usage extension whose content is
    the raw `value`, once or twice, written byte by byte (asn1crypto would parse it first). The
    signature is not redone: the rule reads the extension, not the signature."""
    from asn1crypto import pem, x509

    _, _, der = pem.unarmor((kit.PKI / "director.pem").read_bytes())
    cert = x509.Certificate.load(der)
    tbs, extensions = cert["tbs_certificate"], cert["tbs_certificate"]["extensions"]
    ext = _tlv(0x30, _tlv(0x06, bytes.fromhex("551d25")) + _tlv(0x04, value))
    written = _tlv(0xA3, _tlv(0x30, b"".join(e.dump() for e in extensions) + ext * (2 if twice else 1)))
    body = tbs.contents.replace(extensions.dump(), written)  # its dump carries the [3] tag
    return x509.Certificate.load(_tlv(0x30, _tlv(0x30, body) + cert["signature_algorithm"].dump()
                                      + cert["signature_value"].dump()))


def test_an_extension_that_names_no_purpose_or_cannot_be_read_is_refused():
    from asn1crypto import x509

    server = x509.ExtKeyUsageSyntax(["server_auth"]).dump()
    assert purpose.refusal(_with_eku(b"\x30\x00")).purposes_en == "no purpose at all"
    assert purpose.refusal(_with_eku(b"\x04\x01\x00")).purposes_en == "purposes that cannot be read"
    assert "twice" in purpose.refusal(_with_eku(server, twice=True)).problem
    assert purpose.refusal(_with_eku(server)).purposes_en == "a web server's certificate (serverAuth)"
    assert purpose.refusal(_with_eku(x509.ExtKeyUsageSyntax(["email_protection"]).dump())) is None


# --- the real documents ------------------------------------------------------------------------------

def _real_signers():
    from pyhanko.pdf_utils.reader import PdfFileReader

    for path in sorted(need_shared(REALDOCS).glob("*.pdf")):
        reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
        for emb in reader.embedded_signatures:
            yield path.name, emb.field_name, emb.signer_cert


def test_every_real_signer_certificate_is_a_document_signer():
    seen = set()
    count = 0
    for name, field, cert in _real_signers():
        eku = cert.extended_key_usage_value
        seen.add(tuple(eku.native) if eku is not None else None)
        assert purpose.refusal(cert) is None, (name, field, eku.native if eku is not None else None)
        count += 1
    print(f"{count} signer certificates, extended key usages: {sorted(seen, key=str)}")
    assert count >= 10
