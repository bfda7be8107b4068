"""Which validation a signature layer gets, chosen by its /SubFilter as EU DSS chooses it, and
the validations pyHanko does not offer.

pyHanko validates a signature only when /Type is /Sig and the SubFilter is adbe.pkcs7.detached
or ETSI.CAdES.detached, and a document timestamp only when /Type is /DocTimeStamp. Signing tools
write other shapes that are genuine: a document timestamp with /Type /Sig or no /Type at all
(ISO 32000-2 makes /Type optional), and the older adbe.pkcs7.sha1, whose CMS is not detached but
encapsulates the SHA-1 digest of the byte ranges (ISO 32000-1 §12.8.3.3.1). The functions here
run pyHanko's own steps (coverage, difference analysis, CMS and trust validation) for those
shapes; nothing in them is more lenient than pyHanko's detached validation.
"""

from __future__ import annotations

import hashlib

DETACHED = ("/adbe.pkcs7.detached", "/ETSI.CAdES.detached")
TIMESTAMP = "/ETSI.RFC3161"
PKCS7_SHA1 = "/adbe.pkcs7.sha1"
SUPPORTED = (*DETACHED, TIMESTAMP, PKCS7_SHA1)


def is_document_timestamp(sub_filter: str | None) -> bool:
    """A document timestamp is what its SubFilter says, whatever /Type says."""
    return sub_filter == TIMESTAMP


async def validate_timestamp(emb, validation_context, diff_policy):
    """pyHanko's document-timestamp validation, without its /Type check."""
    from pyhanko.sign.validation import generic_cms
    from pyhanko.sign.validation.status import DocumentTimestampStatus

    emb.compute_integrity_info(diff_policy=diff_policy)
    status_kwargs = await generic_cms.validate_tst_signed_data(emb.signed_data, validation_context, emb.compute_digest)
    status_kwargs["coverage"] = emb.coverage
    status_kwargs["diff_result"] = emb.diff_result
    return DocumentTimestampStatus(**status_kwargs)


def encapsulated_digest(emb) -> bytes | None:
    """The content an adbe.pkcs7.sha1 CMS encapsulates (the SHA-1 digest of the byte ranges the
    signer saw), or None when there is none."""
    content = emb.signed_data["encap_content_info"]["content"]
    try:
        value = content.native
    except Exception:
        return None
    return bytes(value) if isinstance(value, (bytes, bytearray)) else None


async def validate_pkcs7_sha1(emb, validation_context, diff_policy, key_usage_settings):
    """An adbe.pkcs7.sha1 signature: the CMS signs its encapsulated content, and that content
    must be the SHA-1 digest of the byte ranges; intact only when both hold."""
    from pyhanko.sign.validation import generic_cms
    from pyhanko.sign.validation.status import PdfSignatureStatus

    emb.compute_integrity_info(diff_policy=diff_policy)
    status_kwargs = emb.summarise_integrity_info()
    if emb.self_reported_timestamp is not None:
        status_kwargs["signer_reported_dt"] = emb.self_reported_timestamp
    claimed = encapsulated_digest(emb)
    status_kwargs = await generic_cms.cms_basic_validation(
        emb.signed_data, raw_digest=None, validation_context=validation_context,
        status_kwargs=status_kwargs, key_usage_settings=key_usage_settings,
    )
    actual = emb.compute_digest("sha1")
    if claimed is None or len(claimed) != hashlib.sha1().digest_size or claimed != actual:
        status_kwargs["intact"] = False
    return PdfSignatureStatus(**status_kwargs)
