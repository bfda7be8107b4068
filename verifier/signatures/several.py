"""A signature whose CMS carries several SignerInfos.

CMS allows any number of signers over the same content (RFC 5652 §5.1), and some services write
two: a person and a service seal, or the same signer with two algorithms. pyHanko validates
exactly one and refuses the others' CMS outright, which made a genuine layer FAILED. kyso checks
every SignerInfo against the signed bytes (verifier.signatures.cmscheck.check_signer_infos: the
layer fails if any of them is proven to fail, since the one left unchecked is the one a forger
would add), and gives pyHanko's full validation (trust, timestamps, modifications) the first one,
seen through a SignedData that holds it alone.
"""

from __future__ import annotations

from asn1crypto import cms

from verifier.signatures.embedded import bare


def several_signers(exc: Exception) -> bool:
    """Whether pyHanko refused a signature only for having more than one SignerInfo."""
    return "signer_infos should contain exactly one entry" in str(exc)


def embedded(reader, sig_field, fq_name: str):
    """pyHanko's EmbeddedPdfSignature of `sig_field`, with the CMS reduced to its first SignerInfo
    (the original kept as `kyso_signed_data`)."""
    from pyhanko.sign.validation.pdf_embedded import extract_contents

    value = sig_field.get_object().raw_get("/V") if hasattr(sig_field, "get_object") else sig_field.raw_get("/V")
    full = cms.ContentInfo.load(extract_contents(value.get_object()))["content"]
    signer_infos = list(full["signer_infos"])
    if len(signer_infos) < 2:
        raise ValueError("not a CMS with several SignerInfos")
    one = full.copy()
    one["signer_infos"] = cms.SignerInfos([signer_infos[0]])
    md = signer_infos[0]["digest_algorithm"]["algorithm"].native.lower()
    emb = bare(reader, sig_field, fq_name, signed_data=one, signer_info=signer_infos[0], md_algorithm=md)
    emb.kyso_signed_data = full
    return emb


def other_signers_problem(emb) -> tuple[str, str] | None:
    """(sub-indication, reason) when a SignerInfo of the CMS is proven to fail against the
    signed bytes; None when none is (or the CMS has one SignerInfo)."""
    from verifier.signatures.cmscheck import check_signer_infos, failed

    from verifier.signatures.formats import encapsulated

    full = getattr(emb, "kyso_signed_data", None)
    if full is None:
        return None
    enclosed = encapsulated(emb)
    if enclosed is not None:
        # the signers sign the enclosed content; whether it stands for the byte ranges is the
        # layer's own check (formats.covers_byte_ranges)
        checks = check_signer_infos(full, enclosed)
    else:
        algorithms = {si["digest_algorithm"]["algorithm"].native.lower() for si in full["signer_infos"]}
        digests = {}
        for md in algorithms:
            try:
                digests[md] = emb.compute_digest(md)
            except Exception:  # an algorithm nobody can compute: check_signer_infos says so for that signer
                pass
        checks = check_signer_infos(full, digests)
    bad = failed(checks)
    if bad is None:
        return None
    return bad.subindication or "SIG_CRYPTO_FAILURE", f"SignerInfo {bad.index + 1} of {len(checks)}: {bad.problem}"
