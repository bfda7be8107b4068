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


def several_signers(exc: Exception) -> bool:
    """Whether pyHanko refused a signature only for having more than one SignerInfo."""
    return "signer_infos should contain exactly one entry" in str(exc)


def embedded(reader, sig_field, fq_name: str):
    """pyHanko's EmbeddedPdfSignature of `sig_field`, with the CMS reduced to its first SignerInfo
    (the original kept as `kyso_signed_data`). Mirrors EmbeddedPdfSignature.__init__ of pyHanko
    0.38 (verifier.patches.WRITTEN_FOR), which stops at the SignerInfo count."""
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, extract_contents

    emb = EmbeddedPdfSignature.__new__(EmbeddedPdfSignature)
    if hasattr(sig_field, "get_object"):
        sig_field = sig_field.get_object()
    emb.reader, emb.sig_field, emb.fq_name = reader, sig_field, fq_name
    sig_object_ref = sig_field.raw_get("/V")
    emb.sig_object = sig_object_ref.get_object()
    emb.byte_range = emb.sig_object.raw_get("/ByteRange")
    emb.pkcs7_content = extract_contents(emb.sig_object)
    full = cms.ContentInfo.load(emb.pkcs7_content)["content"]
    signer_infos = list(full["signer_infos"])
    if len(signer_infos) < 2:
        raise ValueError("not a CMS with several SignerInfos")
    one = full.copy()
    one["signer_infos"] = cms.SignerInfos([signer_infos[0]])
    emb.kyso_signed_data = full
    emb.signed_data, emb.signer_info = one, signer_infos[0]
    emb._sd_cert_info = None
    emb.md_algorithm = emb.signer_info["digest_algorithm"]["algorithm"].native.lower()
    emb.external_md_algorithm = emb.md_algorithm
    emb.signed_revision = reader.xrefs.get_last_change(sig_object_ref.reference)
    emb.coverage = None
    emb.external_digests = {}
    emb._docmdp = emb._fieldmdp = None
    emb._docmdp_queried = emb._fieldmdp_queried = False
    emb.tst_signature_digest = None
    emb.diff_result = None
    emb._integrity_checked = False
    return emb


def other_signers_problem(emb) -> tuple[str, str] | None:
    """(sub-indication, reason) when a SignerInfo of the CMS is proven to fail against the
    signed bytes; None when none is (or the CMS has one SignerInfo)."""
    from verifier.signatures.cmscheck import check_signer_infos, failed

    full = getattr(emb, "kyso_signed_data", None)
    if full is None:
        return None
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
