"""A test timestamping authority and documents it timestamps: signatures by the samples' test-PKI
identities with a signature timestamp at a chosen time, and document timestamps (/ETSI.RFC3161)
whose /Type is /DocTimeStamp, /Sig or absent.

The TSA certificate (critical extendedKeyUsage timeStamping) is issued by the samples' ca-g2 with
its TEST-ONLY key, so the trust of tests/attacks/kit.trust() (the test PKI and ca-g2's CRL, which
does not list it) makes its tokens proofs of existence. `tsa="root-untrusted"` issues it under the
root that no trust includes: tokens nobody can rely on. pyHanko's DummyTimeStamper signs the tokens
in-process, at the fixed time it is given.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import io

from tests.attacks import kit

UTC = dt.timezone.utc
PKI = kit.PKI
TRUSTED_TSA, UNTRUSTED_TSA = "ca-g2", "root-untrusted"


@functools.cache
def tsa(issuer: str = TRUSTED_TSA):
    """(TSA certificate, its key as PKCS#8, the issuer's certificate), asn1crypto objects; one key
    per issuer and test session."""
    from asn1crypto import keys, x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    issuer_cert = x509.load_pem_x509_certificate((PKI / f"{issuer}.pem").read_bytes())
    issuer_key = serialization.load_pem_private_key(
        (PKI / "private" / f"{issuer}.TEST-ONLY.key.pem").read_bytes(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ (TEST)"),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"TEST Time Stamping Authority ({issuer})")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=UTC))
            .not_valid_after(dt.datetime(2045, 12, 31, 23, 59, 59, tzinfo=UTC))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(f"http://ca.test.invalid/crl/{issuer}.crl")],
                relative_name=None, reasons=None, crl_issuer=None)]), critical=False)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(issuer_key, hashes.SHA256()))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)), keys.PrivateKeyInfo.load(der_key),
            asn1_x509.Certificate.load(issuer_cert.public_bytes(serialization.Encoding.DER)))


def timestamper(at: dt.datetime, issuer: str = TRUSTED_TSA):
    """pyHanko's in-process TSA, answering every request with the time `at` (aware)."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    cert, key, issuer_cert = tsa(issuer)
    return DummyTimeStamper(tsa_cert=cert, tsa_key=key, certs_to_embed=[issuer_cert], fixed_dt=at)


def identity_timestamper(who: str, at: dt.datetime):
    """A timestamper whose tokens are signed by `who` of the test PKI: a certificate the trust
    knows, but issued for signing documents, not for timestamping (no timeStamping key purpose)."""
    from asn1crypto import keys, pem, x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    _, _, cert = pem.unarmor((PKI / f"{who}.pem").read_bytes())
    _, _, key = pem.unarmor((PKI / "private" / f"{who}.TEST-ONLY.key.pem").read_bytes())
    _, _, issuer = pem.unarmor((PKI / "ca-g2.pem").read_bytes())
    return DummyTimeStamper(tsa_cert=asn1_x509.Certificate.load(cert), tsa_key=keys.PrivateKeyInfo.load(key),
                            certs_to_embed=[asn1_x509.Certificate.load(issuer)], fixed_dt=at)


def sign(data: bytes, who: str, *, signed_at: dt.datetime, ts_at: dt.datetime | None = None,
         tsa_issuer: str = TRUSTED_TSA, stamper=None, field: str = "Signature1") -> bytes:
    """An approval signature by `who` of the test PKI, its signingTime (and /M) `signed_at`, with a
    signature timestamp from the test TSA at `ts_at` (none when None), or from `stamper`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from samples.vnsign import ToolPdfSigner

    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    if stamper is None and ts_at is not None:
        stamper = timestamper(ts_at, tsa_issuer)
    pdf_signer = ToolPdfSigner(meta, signer=kit.signer(who, ("ca-g2",)), timestamper=stamper, system_time=signed_at)
    out = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), output=out)
    return out.getvalue()


def document_timestamp(data: bytes, at: dt.datetime, *, sig_type: str | None = "/DocTimeStamp",
                       imprint_of: bytes | None = None, field: str = "DocTs1") -> bytes:
    """A document timestamp (/SubFilter /ETSI.RFC3161) by the test TSA at `at`, written with
    pyHanko's low-level embedder so that the signature dictionary's /Type is `sig_type`
    (/DocTimeStamp as pyHanko writes it, /Sig, or None for no /Type). `imprint_of`: the token is
    requested over the SHA-256 of these bytes instead of the byte ranges' digest (a token taken
    for another document)."""
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields
    from pyhanko.sign.signers import cms_embedder
    from pyhanko.sign.signers.pdf_byterange import DocumentTimestamp

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    embedder = cms_embedder.PdfCMSEmbedder(new_field_spec=fields.SigFieldSpec(sig_field_name=field)).write_cms(
        field_name=field, writer=w)
    next(embedder)
    ts_obj = DocumentTimestamp(bytes_reserved=16384)
    if sig_type is None:
        del ts_obj["/Type"]
    else:
        ts_obj[pdf_name("/Type")] = pdf_name(sig_type)
    embedder.send(cms_embedder.SigObjSetup(sig_placeholder=ts_obj))
    prepared, output = embedder.send(cms_embedder.SigIOSetup(md_algorithm="sha256", output=io.BytesIO()))
    digest = prepared.document_digest if imprint_of is None else hashlib.sha256(imprint_of).digest()
    token = asyncio.run(timestamper(at).async_timestamp(digest, "sha256"))
    embedder.send(token)
    return output.getvalue()
