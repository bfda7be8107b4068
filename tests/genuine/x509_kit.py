"""Genuine adbe.x509.rsa_sha1 signatures (ISO 32000-1 §12.8.3.2), as Acrobat 6 and the early
Java and .NET libraries wrote them: /Cert holds the signer's certificate (or an array, the signer
first, then the chain), /Contents the DER OCTET STRING of a PKCS#1 v1.5 RSA signature over the
SHA-1 digest of the byte ranges.

pyHanko cannot write this format, but its low-level embedder reserves /Contents, fills
/ByteRange and hands back the bytes the ranges cover; the RSA signature is made by the
cryptography package with the test PKI's key. Nothing is mocked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from io import BytesIO

from tests.attacks.kit import PKI

SHA = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
WHEN = dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def der(name: str) -> bytes:
    from asn1crypto import pem

    _, _, body = pem.unarmor((PKI / f"{name}.pem").read_bytes())
    return body


def private_key(name: str):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key((PKI / "private" / f"{name}.TEST-ONLY.key.pem").read_bytes(), password=None)


def rsa_signature(key_name: str, digest: bytes, algorithm: str = "sha1") -> bytes:
    """PKCS#1 v1.5: the DigestInfo of `digest` (with its NULL parameter), signed with the key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, utils

    algo = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[algorithm]()
    return private_key(key_name).sign(digest, padding.PKCS1v15(), utils.Prehashed(algo))


def octet_string(value: bytes) -> bytes:
    from asn1crypto import core

    return core.OctetString(value).dump()


def sign(data: bytes, who: str = "director", field: str = "Signature1", *, cert=None, key: str | None = None,
         algorithm: str = "sha1", contents=None, reserved: int = 4096) -> bytes:
    """An adbe.x509.rsa_sha1 signature by `who` in a new field. `cert`: the /Cert value, by
    default the signer's certificate as one string; a list of names writes an array; a pdf
    object is written as it is; False leaves /Cert out. `key` signs instead of `who`'s key.
    `contents(signed_bytes) -> bytes` replaces what /Contents receives."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import cms_embedder

    w = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    embedder = cms_embedder.PdfCMSEmbedder(new_field_spec=fields.SigFieldSpec(sig_field_name=field)).write_cms(
        field_name=field, writer=w)
    next(embedder)
    sig_obj = signers.SignatureObject(timestamp=WHEN, reason="Phê duyệt", location="Bình Phước", bytes_reserved=reserved)
    sig_obj[pdf_name("/SubFilter")] = pdf_name("/adbe.x509.rsa_sha1")
    if cert is None:
        sig_obj[pdf_name("/Cert")] = generic.ByteStringObject(der(who))
    elif isinstance(cert, list):
        sig_obj[pdf_name("/Cert")] = generic.ArrayObject([generic.ByteStringObject(der(n)) for n in cert])
    elif cert is not False:
        sig_obj[pdf_name("/Cert")] = cert
    embedder.send(cms_embedder.SigObjSetup(sig_placeholder=sig_obj))
    prepared, output = embedder.send(cms_embedder.SigIOSetup(md_algorithm="sha1", output=BytesIO()))
    raw = output.getvalue()
    signed = raw[:prepared.reserved_region_start] + raw[prepared.reserved_region_end:]
    assert algorithm != "sha1" or prepared.document_digest == hashlib.sha1(signed).digest()
    if contents is not None:
        value = contents(signed)
    else:
        value = octet_string(rsa_signature(key or who, SHA[algorithm](signed).digest(), algorithm))
    embedder.send(value)
    return output.getvalue()
