"""Signatures in shapes pyHanko's signer does not write: another /SubFilter or /Type, or a CMS
that encloses what it signs. pyHanko's low-level embedder reserves /Contents and fills
/ByteRange; the CMS is made by a test-PKI signer over the bytes the ranges cover."""

from __future__ import annotations

import asyncio
import hashlib
import io

from tests.attacks import kit


def sign(data: bytes, *, sub_filter: str = "/adbe.pkcs7.detached", sig_type: str | None = "/Sig",
         enclose: bool = False, unordered: bool = False, who: str = "director", field: str = "Signature1") -> bytes:
    signer = kit.signer(who, ("ca-g2",))

    def make(covered: bytes):
        if enclose:
            cms = asyncio.run(signer.async_sign_general_data(covered, "sha256", detached=False))
        else:
            cms = asyncio.run(signer.async_sign(hashlib.sha256(covered).digest(), "sha256"))
        return _unordered_attributes(cms, who) if unordered else cms

    return sign_with(data, make, sub_filter=sub_filter, sig_type=sig_type, field=field)


def sign_with(data: bytes, make, *, sub_filter: str = "/adbe.pkcs7.detached", sig_type: str | None = "/Sig",
              field: str = "Signature1") -> bytes:
    """A signature field whose CMS is `make(the bytes the byte ranges cover)`."""
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import cms_embedder

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    embedder = cms_embedder.PdfCMSEmbedder(new_field_spec=fields.SigFieldSpec(sig_field_name=field)).write_cms(
        field_name=field, writer=writer)
    next(embedder)
    sig_obj = signers.SignatureObject(bytes_reserved=32768)
    sig_obj[pdf_name("/SubFilter")] = pdf_name(sub_filter)
    if sig_type is None:
        del sig_obj["/Type"]
    else:
        sig_obj[pdf_name("/Type")] = pdf_name(sig_type)
    embedder.send(cms_embedder.SigObjSetup(sig_placeholder=sig_obj))
    prepared, output = embedder.send(cms_embedder.SigIOSetup(md_algorithm="sha256", output=io.BytesIO()))
    raw = output.getvalue()
    embedder.send(make(raw[:prepared.reserved_region_start] + raw[prepared.reserved_region_end:]))
    return output.getvalue()


def _unordered_attributes(content_info, who: str):
    """The CMS with its signed attributes written in reverse order (not the sorted order DER
    requires of a SET OF) and signed again over exactly those bytes, as some signers do."""
    from asn1crypto import cms
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    sd = content_info["content"]
    si = sd["signer_infos"][0]
    attributes = [a.dump() for a in si["signed_attrs"]][::-1]
    body = b"".join(attributes)
    as_set = b"\x31" + _length(len(body)) + body
    key = serialization.load_pem_private_key((kit.PKI / "private" / f"{who}.TEST-ONLY.key.pem").read_bytes(), None)
    signature = key.sign(as_set, padding.PKCS1v15(), hashes.SHA256())
    si_der = si.dump()
    old_attrs = si["signed_attrs"].dump()
    new_attrs = b"\xa0" + _length(len(body)) + body
    new_si = cms.SignerInfo.load(si_der.replace(old_attrs, new_attrs))
    new_si["signature"] = signature
    new_sd = sd.copy()
    new_sd["signer_infos"] = cms.SignerInfos([new_si])
    return cms.ContentInfo({"content_type": "signed_data", "content": new_sd})


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw
