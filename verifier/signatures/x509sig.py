"""The legacy adbe.x509.rsa_sha1 signature (ISO 32000-1 §12.8.3.2): no CMS, only a PKCS#1 v1.5
RSA signature value in /Contents (a DER OCTET STRING wrapping it) over the SHA-1 digest of the
byte ranges, and the signer's certificate in /Cert (a string, or an array of strings: the signer
first, then the chain).

pyHanko reads every signature as CMS and cannot parse this one, so the pipeline hands the field
here. What pyHanko can do without a CMS is still pyHanko's: the byte-range digest, the coverage,
the difference analysis of later revisions (EmbeddedPdfSignature without its CMS parsing) and the
path validation of /Cert[0] (its validate_cert_usage, in kyso's signer context). The facts go to
the one decision (verifier.signatures.decide) like any other layer's:

- /Contents not one OCTET STRING followed by zero padding, /Cert missing or not certificates:
  the bytes prove the container malformed (FORMAT_FAILURE);
- the signature value does not verify with /Cert[0]'s key as a PKCS#1 v1.5 DigestInfo in DER
  (the NULL parameter may be absent, as RFC 8017 allows): SIG_CRYPTO_FAILURE;
- it verifies, but its digest is not the byte ranges' digest: HASH_FAILURE. SHA-1 is what the
  format names; a DigestInfo of SHA-2 is accepted and reported as the digest algorithm, and the
  policy then judges the algorithm as it judges any layer's (verifier.signatures.legacy).
"""

from __future__ import annotations

import asyncio
import hashlib

from asn1crypto import algos, x509

from verifier.pdf.dates import pdf_date
from verifier.signatures.embedded import NotIndirect, bare
from verifier.signatures import layer as layer_mod
from verifier.signatures import legacy, reasons
from verifier.signatures.decide import LayerFacts, decide
from verifier.signatures.diff.judgement import judge
from verifier.structure.byterange import byte_range_of
from verifier.trust import certinfo

X509_RSA_SHA1 = "/adbe.x509.rsa_sha1"
MECHANISM = "rsassa_pkcs1v15"
# what a DigestInfo may name: those hashlib and pyHanko's byte-range digest both know
DIGESTS = ("sha1", "sha224", "sha256", "sha384", "sha512", "md5")


class X509Error(Exception):
    """What the bytes of the signature dictionary prove malformed for this format."""


def applies(field_ref) -> bool:
    """Whether a signature field's value is an adbe.x509.rsa_sha1 signature."""
    if field_ref is None:
        return False
    try:
        return field_ref.get_object()["/V"].get_object().get("/SubFilter") == X509_RSA_SHA1
    except Exception:
        return False


def _embedded(reader, field_ref, name: str):
    """pyHanko's EmbeddedPdfSignature for a field whose /Contents is no CMS: its coverage,
    difference analysis and DocMDP readings need only the signature dictionary."""
    try:
        return bare(reader, field_ref, name)
    except NotIndirect as exc:
        raise X509Error(str(exc)) from None


def signature_value(contents: bytes) -> bytes:
    """The PKCS#1 signature value /Contents wraps: one DER OCTET STRING, then only the zeros of
    the reserved space (anything else would be unsigned data riding in the signature)."""
    if len(contents) < 2 or contents[0] != 0x04:
        raise X509Error("/Contents is not a DER OCTET STRING holding a PKCS#1 signature value")
    first = contents[1]
    if first < 0x80:
        start, length = 2, first
    else:
        n = first & 0x7F
        if n == 0 or n > 4 or len(contents) < 2 + n:
            raise X509Error("/Contents is not a DER OCTET STRING (its length is not definite)")
        start, length = 2 + n, int.from_bytes(contents[2:2 + n], "big")
    end = start + length
    if end > len(contents):
        raise X509Error(f"/Contents ends before the {length} bytes its OCTET STRING announces")
    hidden = contents[end:].strip(b"\0")
    if hidden:
        raise X509Error(f"/Contents holds {len(hidden)} bytes other than zero padding after the signature value")
    if length == 0:
        raise X509Error("/Contents holds an empty signature value")
    return contents[start:end]


def certificates(sig) -> list[x509.Certificate]:
    """/Cert: the signer's certificate, or an array of them, the signer's first."""
    from pyhanko.pdf_utils import generic

    try:
        value = sig["/Cert"]
    except KeyError:
        raise X509Error("/Cert (the signer's certificate) is missing") from None
    items = list(value) if isinstance(value, generic.ArrayObject) else [value]
    if not items:
        raise X509Error("/Cert is an empty array")
    certs = []
    for index, item in enumerate(items):
        item = item.get_object() if hasattr(item, "get_object") else item
        if not isinstance(item, (generic.ByteStringObject, generic.TextStringObject)):
            raise X509Error(f"/Cert entry {index + 1} is {type(item).__name__}, not a string")
        raw = item.original_bytes
        try:
            cert = x509.Certificate.load(raw, strict=True)
            cert.native  # noqa: B018 - parse it whole now, not halfway through the validation
        except Exception as exc:
            raise X509Error(f"/Cert entry {index + 1} is not a DER certificate ({type(exc).__name__})") from None
        certs.append(cert)
    return certs


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag, len(body)]) + body  # a DigestInfo's parts are all shorter than 128 bytes


def _digest_info(name: str, digest: bytes, null: bool) -> bytes:
    """The one DER encoding of a DigestInfo, with or without the NULL parameter."""
    oid = algos.DigestAlgorithmId(name).dump()
    return _tlv(0x30, _tlv(0x30, oid + (b"\x05\x00" if null else b"")) + _tlv(0x04, digest))


def signed_digest(cert: x509.Certificate, value: bytes) -> tuple[str, bytes, bool] | None:
    """(digest algorithm, digest, NULL parameter absent) of the DigestInfo the RSA signature
    value carries in DER, or None when it does not verify with the certificate's key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import padding

    key = _rsa_key(cert)
    try:
        recovered = key.recover_data_from_signature(value, padding.PKCS1v15(), None)
    except (InvalidSignature, ValueError):
        return None
    try:
        info = algos.DigestInfo.load(recovered)
        name = info["digest_algorithm"]["algorithm"].native
        digest = bytes(info["digest"].native)
    except Exception:
        return None
    if name not in DIGESTS:
        raise ValueError(f"the signature's DigestInfo names {name}, which kyso does not check")
    if len(digest) != hashlib.new(name).digest_size:
        return None
    if recovered == _digest_info(name, digest, True):
        return name, digest, False
    if recovered == _digest_info(name, digest, False):
        return name, digest, True
    return None  # not the one DER encoding: no PKCS#1 v1.5 signature (RFC 8017 §8.2.2)


def _rsa_key(cert: x509.Certificate):
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    key = load_der_public_key(cert.public_key.dump())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError(f"the signer's key is {cert.public_key.algorithm}, not the RSA key adbe.x509.rsa_sha1 requires")
    return key


def validate(field_ref, ctx, layer) -> list[tuple[str, dict]]:
    """validate_layer for an adbe.x509.rsa_sha1 field: fill `layer`, decide its status. Never raises."""
    try:
        facts, findings = gather(field_ref, ctx, layer)
        decision = decide(facts)
        findings += layer_mod._decision_findings(facts, decision, layer, ctx)
    except Exception as exc:  # our failure is no evidence: undecided (never VALID), never a crash
        layer_mod.log.exception("layer %s", layer.field)
        reason = f"{type(exc).__name__}: {exc}"
        decision, findings = decide(LayerFacts(exception=reason)), [("INTERNAL_ERROR", {"reason": reason})]
    layer_mod.record(layer, decision)
    return findings


def gather(field_ref, ctx, layer) -> tuple[LayerFacts, list[tuple[str, dict]]]:
    """The facts of one adbe.x509.rsa_sha1 layer, as layer.gather gathers a CMS layer's."""
    from pyhanko.sign.validation import generic_cms
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import PdfSignatureStatus

    findings: list[tuple[str, dict]] = []
    so = field_ref.get_object()["/V"].get_object()
    layer.sub_filter = layer_mod._text(so, "/SubFilter")
    layer.reason, layer.location = layer_mod._text(so, "/Reason"), layer_mod._text(so, "/Location")
    layer.contact_info = layer_mod._text(so, "/ContactInfo")
    _, container_problem = byte_range_of(so, ctx.size)
    if container_problem is not None:
        return LayerFacts(sub_filter=layer.sub_filter, format_problem=container_problem), findings
    try:
        emb = _embedded(ctx.reader, field_ref, layer.field)
        certs = certificates(so)
        layer_mod._describe_signer(layer, certs[0])
        value = signature_value(emb.pkcs7_content)
    except X509Error as exc:
        return LayerFacts(sub_filter=layer.sub_filter, format_problem=str(exc)), findings
    try:
        layer.appearance = layer_mod.appearance_of(emb)
    except Exception:
        layer.appearance = None
    try:
        level = emb.docmdp_level
        if level is not None and layer_mod._is_certification(emb):
            layer.certification_level = int(level.value)
    except Exception:
        pass
    cert = certs[0]
    layer.signature_algorithm = MECHANISM
    try:
        emb.compute_integrity_info(diff_policy=ctx.diff_policy)
        signed = signed_digest(cert, value)
    except Exception as exc:  # a failure only where pyHanko says the bytes prove one
        return LayerFacts(sub_filter=layer.sub_filter, validation_error=f"{type(exc).__name__}: {exc}",
                          validation_error_subindication=layer_mod._subindication_of(exc)), findings
    valid = signed is not None
    name = signed[0] if valid else "sha1"
    layer.digest_algorithm = name
    # a value that does not verify says nothing of which digest was signed: not a hash failure
    intact = signed[1] == emb.compute_digest(name) if valid else True
    if valid and signed[2]:
        findings.append(("DIGESTINFO_WITHOUT_NULL", {}))

    extra = dict(extra_certs=certs[1:] + list(ctx.dss_certs), extra_crls=list(ctx.dss_crls),
                 extra_ocsps=list(ctx.dss_ocsps))
    vc = layer_mod._signer_context(ctx, ctx.now, False, extra)
    usage = PdfSignatureStatus.default_usage_constraints(
        KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False))
    trust_kwargs = dict(trust_problem_indic=None, validation_path=None, revocation_details=None, error_time_horizon=None)
    if valid and intact:  # pyHanko too looks for a path only for a signature that verifies
        result = asyncio.run(generic_cms.validate_cert_usage(cert, vc, usage, vc.path_builder.async_build_paths_lazy(cert)))
        trust_kwargs = dict(trust_problem_indic=result.error_subindic, validation_path=result.success_result or result.error_path,
                            revocation_details=result.revo_details, error_time_horizon=result.error_time_horizon)
    status = PdfSignatureStatus(
        intact=intact, valid=valid, signing_cert=cert, md_algorithm=name, pkcs7_signature_mechanism=MECHANISM,
        validation_time=vc.moment, qualification_result=None, **trust_kwargs, **emb.summarise_integrity_info())
    error = reasons._error(status, None, vc, usage)  # pyHanko's reason for not trusting, as for a CMS layer
    missing = reasons._revocation_missing(error)

    layer.validation_time = layer_mod._iso(ctx.now)
    layer.integrity = intact if valid else None
    layer.cryptographic_validity = valid
    layer.coverage = status.coverage.name if status.coverage is not None else None
    layer.modification_level = status.modification_level.name if status.modification_level is not None else None
    path_certs = layer_mod._path_certs(status)
    pool = path_certs + extra["extra_certs"] + list(ctx.trust.intermediates) + [a.cert for a in ctx.trust.anchors] \
        + layer_mod._fetched_certs(ctx)
    chain = path_certs or layer_mod._chain_by_names(cert, pool)
    layer.chain = [certinfo.display_name(c) for c in chain]
    anchor = ctx.trust.anchor_for(chain[-1]) if chain else None
    if anchor is not None:
        layer.pki, layer.trust_anchor = anchor.pki, certinfo.display_name(anchor.cert)
    layer.trusted = bool(status.trusted)
    # no signed attributes: the unsigned /M is the only signing time there is
    m_time = pdf_date(so.get("/M"))
    if m_time is not None:
        layer.signing_time, layer.signing_time_source = layer_mod._iso(m_time), "pdf_m"
    modification = judge(status, ctx.signed_fields, layer.revision, ctx.revision_numbers)
    layer.changes = list(modification.changes)
    legacy_problem = legacy.check_layer(layer, chain, anchor, ctx.trust.policy)
    if cert.key_usage_value is not None and "non_repudiation" not in cert.key_usage_value.native:
        layer.relaxed.append("NON_REPUDIATION_ABSENT")
        findings.append(("NON_REPUDIATION_ABSENT", {"policy": ctx.trust.policy.name}))
    key_purpose = layer_mod.key_purpose_refusal(cert, findings)
    layer.revocation = layer_mod._revocation(status, cert, vc, extra, ctx, missing)
    layer_mod.collect_evidence(ctx, chain or [cert], extra)
    top = chain[-1]
    untrusted_root = top.self_signed in ("maybe", "yes") and ctx.trust.anchor_for(top) is None
    facts = LayerFacts(
        sub_filter=layer.sub_filter, integrity=intact, signature_valid=valid, coverage=layer.coverage,
        modification=modification, legacy_problem=legacy_problem,
        untrusted_root=certinfo.format_name(top.subject) if untrusted_root else None, key_purpose_problem=key_purpose,
        signing_time=layer.signing_time, signing_time_source=layer.signing_time_source,
        not_before=layer.certificate.not_before if layer.certificate is not None else None,
        not_after=layer.certificate.not_after if layer.certificate is not None else None,
        trust_indication=status.trust_problem_indic.name if status.trust_problem_indic else None,
        revocation_missing=missing, revoked=status.revocation_details is not None, trusted=bool(status.trusted),
        trust_reasons=() if error is None else (str(error),), chain_end_issuer=certinfo.format_name(top.issuer),
        chain_end_ca=bool(top.ca),
    )
    return facts, findings
