"""Which validation a signature layer gets, chosen by its /SubFilter as EU DSS chooses it, and
the validations pyHanko does not offer.

pyHanko validates a signature only when /Type is /Sig and the SubFilter is adbe.pkcs7.detached
or ETSI.CAdES.detached, and a document timestamp only when /Type is /DocTimeStamp. Signing tools
write other shapes that are genuine: a document timestamp with /Type /Sig or no /Type at all
(ISO 32000-2 makes /Type optional), and the older adbe.pkcs7.sha1, whose CMS is not detached but
encapsulates the SHA-1 digest of the byte ranges (ISO 32000-1 §12.8.3.3.1), CAdES signatures that
enclose what they sign, and a detached SignedData under a SubFilter nobody registered. The
functions here run pyHanko's own steps (coverage, difference analysis, CMS and trust validation)
for those shapes; nothing in them is more lenient than pyHanko's detached validation.
"""

from __future__ import annotations

import hashlib

DETACHED = ("/adbe.pkcs7.detached", "/ETSI.CAdES.detached")
TIMESTAMP = "/ETSI.RFC3161"
PKCS7_SHA1 = "/adbe.pkcs7.sha1"
SUPPORTED = (*DETACHED, TIMESTAMP, PKCS7_SHA1)


def validation_of(sub_filter: str | None, sig_type: str | None, encloses: bool) -> str:
    """Which validation a layer gets: 'timestamp', 'encapsulated' (the CMS signs content it
    encloses), 'pyhanko' (pyHanko's own detached validation), or 'detached' (the same steps for
    a detached CMS under a SubFilter or /Type pyHanko refuses: validated, with a warning)."""
    if is_document_timestamp(sub_filter):
        return "timestamp"
    if sub_filter == PKCS7_SHA1 or encloses:
        return "encapsulated"  # under another SubFilter than these, with the warning too (layer.py)
    if sub_filter in DETACHED and sig_type in (None, "/Sig"):
        return "pyhanko"
    return "detached"


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


def encapsulated(emb) -> bytes | None:
    """The content the CMS encapsulates, or None for a detached CMS."""
    content = emb.signed_data["encap_content_info"]["content"]
    if content is None or content.__class__.__name__ == "Void":
        return None
    try:
        value = content.native
    except Exception:
        return None
    return bytes(value) if isinstance(value, (bytes, bytearray)) else None


def covers_byte_ranges(emb, content: bytes | None, algorithms: tuple[str, ...]) -> str | None:
    """How encapsulated `content` stands for the byte ranges: the name of the digest under which
    it is theirs (adbe.pkcs7.sha1: 'sha1'), 'bytes' when it is the bytes themselves (a CAdES
    signature that encloses what it signs), or None when it is neither. A digest binding is as
    strong as that digest, whatever the CMS signs with: the policy judges it (legacy.check_layer)."""
    if content is None:
        return None
    for md in algorithms:
        try:
            if content == emb.compute_digest(md):
                return md
        except Exception:  # an algorithm hashlib does not know
            continue
    start1, a, b, c = (int(v) for v in emb.byte_range)
    if len(content) != a + c:
        return None
    stream = emb.reader.stream
    stream.seek(start1)
    first = stream.read(a)
    stream.seek(b)
    return "bytes" if first + stream.read(c) == content else None


async def validate_encapsulated(emb, validation_context, diff_policy, key_usage_settings, algorithms: tuple[str, ...]):
    """A CMS that signs its encapsulated content (adbe.pkcs7.sha1, or CAdES enclosing what it
    signs): intact only when the CMS verifies over that content AND the content stands for the
    byte ranges. Returns (status, how the content binds the byte ranges: covers_byte_ranges)."""
    from pyhanko.sign.validation import generic_cms
    from pyhanko.sign.validation.status import PdfSignatureStatus

    emb.compute_integrity_info(diff_policy=diff_policy)
    status_kwargs = emb.summarise_integrity_info()
    if emb.self_reported_timestamp is not None:
        status_kwargs["signer_reported_dt"] = emb.self_reported_timestamp
    content = encapsulated(emb)
    status_kwargs = await generic_cms.cms_basic_validation(
        emb.signed_data, raw_digest=None, validation_context=validation_context,
        status_kwargs=status_kwargs, key_usage_settings=key_usage_settings,
    )
    binding = covers_byte_ranges(emb, content, algorithms)
    if binding is None:
        status_kwargs["intact"] = False
    return PdfSignatureStatus(**status_kwargs), binding


async def validate_detached(emb, validation_context, ts_validation_context, diff_policy, key_usage_settings):
    """pyHanko's validation of a detached CMS signature, for a layer whose /SubFilter or /Type
    pyHanko does not accept although its CMS is an ordinary detached SignedData."""
    from pyhanko.sign.validation import generic_cms
    from pyhanko.sign.validation.status import PdfSignatureStatus

    emb.compute_integrity_info(diff_policy=diff_policy)
    status_kwargs = emb.summarise_integrity_info()
    status_kwargs.update(await generic_cms.collect_timing_info(
        emb.signer_info, ts_validation_context or validation_context, raw_digest=emb.compute_digest))
    if "signer_reported_dt" not in status_kwargs and emb.self_reported_timestamp is not None:
        status_kwargs["signer_reported_dt"] = emb.self_reported_timestamp
    status_kwargs = await generic_cms.cms_basic_validation(
        emb.signed_data, raw_digest=emb.compute_digest(), validation_context=validation_context,
        status_kwargs=status_kwargs, key_usage_settings=key_usage_settings,
    )
    return PdfSignatureStatus(**status_kwargs)
