"""Validation of one signature layer: its facts gathered from pyHanko (integrity, cryptography,
trust, the difference analysis) and from kyso's own checks (legacy algorithms per anchor, the
signing-time quirk, the judgement of changes after signing), then its status decided from those
facts in one place (verifier.signatures.decide).
"""

from __future__ import annotations

import dataclasses

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from asn1crypto import cms, core, x509

from verifier.pdf import geometry
from verifier.decree30 import role
from verifier.trust import certinfo, purpose
from verifier.report import codes
from verifier.report.codes import Phrase
from verifier.pdf.dates import pdf_date
from verifier.report.explain import explain
from verifier.signatures import formats, legacy, reasons, several
from verifier.signatures.cmscheck import repair_ecdsa_identifier, repair_rsa_parameters, signed_attributes_in_der_order
from verifier.signatures.decide import Decision, LayerFacts, decide
from verifier.signatures.diff.judgement import judge
from verifier.structure.byterange import byte_range_of
from verifier.report.model import Appearance, Layer, Revocation, Timestamp
from verifier.trust.config import TrustConfig, signer_context, timestamp_context
from verifier.vietnam import VIETNAM

log = logging.getLogger(__name__)

QUIRK_OFFSET = VIETNAM.utcoffset(None)  # Vietnam time labelled UTC is ahead by the zone's offset
# How far a timestamp may trail the (corrected) signing time and still be read as the same event:
# the tools fetch the token right after signing; a VGCA token arrives within seconds.
TIMESTAMP_SLACK = timedelta(minutes=10)


@dataclass
class DocumentContext:
    """What every layer of one document shares."""

    reader: object
    trust: TrustConfig
    diff_policy: object
    now: datetime
    dss_certs: list = field(default_factory=list)
    dss_crls: list = field(default_factory=list)
    dss_ocsps: list = field(default_factory=list)
    document_certs: list = field(default_factory=list)  # (revision, certificate) of every CMS (verifier.document)
    signed_fields: dict[str, int] = field(default_factory=dict)  # field name -> revision number it signs (1-based)
    # online: the document's network session (verifier.net.session) and the fetchers on it that
    # every layer's validation contexts share; None offline
    net: object = None
    fetchers: object = None
    signer_contexts: dict = field(default_factory=dict)  # by their inputs: see _signer_context
    evidence: list = field(default_factory=list)  # Evidence items the verdicts rest on (verifier.report.model)
    layer_count: int = 0  # layers validated so far: the number of the one being validated
    size: int = 0  # of the whole file, which every /ByteRange must stay within
    revision_numbers: list[int] = field(default_factory=list)  # kyso's revision number by pyHanko's index
    facts: dict[int, LayerFacts] = field(default_factory=dict)  # by id() of the report's Layer: see revise


def _subindication_of(exc: Exception) -> str | None:
    """What pyHanko says an exception of its validation means: its AdES sub-indication, or
    FORMAT_FAILURE when its PDF parser refused the bytes; None for anything else (Python's own
    exceptions are no evidence about the document)."""
    from pyhanko.pdf_utils.misc import PdfError

    named = getattr(getattr(exc, "ades_subindication", None), "name", None)
    if named is None and isinstance(exc, PdfError):
        return "FORMAT_FAILURE"
    return named


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def _text(obj, key: str) -> str | None:
    try:
        value = obj.get(key)
        # in an encrypted file a string is a proxy until decrypted; str() would print the proxy
        value = value.get_object() if value is not None and hasattr(value, "get_object") else value
    except Exception:
        return None
    return None if value is None else str(value)


def _present(attrs) -> bool:
    """Whether optional CMS attributes are there, without converting them (and the CRLs they
    may embed) to Python values."""
    return not isinstance(attrs, core.Void) and len(attrs) > 0


def _signed_attr(signer_info: cms.SignerInfo, name: str):
    attrs = signer_info["signed_attrs"]
    if not _present(attrs):
        return None
    for attr in attrs:
        if attr["type"].native == name:
            return attr["values"]
    return None


def appearance_of(emb) -> Appearance:
    """Where the layer's widget is and whether a viewer draws it (verifier.pdf.geometry.placement:
    a rectangle that cannot be resolved counts as visible, with no rectangle)."""
    widget = emb.sig_field
    kids = geometry.entry(widget, "/Kids")
    if isinstance(kids, list) and kids:
        widget = geometry.resolved(kids[0])
    shown, box = geometry.placement(widget)
    written = geometry.rect(widget.get("/Rect")) if widget.get("/Rect") is not None else None
    rect = list(box or written) if (box or written) else None
    return Appearance(page=_page_of(emb.reader, widget), rect=rect, visible=shown != geometry.NOT_DRAWN)


def _page_of(reader, widget) -> int | None:
    """1-based number of the page whose /Annots holds the widget (or that its /P names)."""
    index = geometry.page_of(reader.root["/Pages"], widget)
    return None if index is None else index + 1


def _chain_by_names(cert: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    """Follow issuer names as far as the pool allows (for display and for telling an untrusted
    root from a missing intermediate; trust itself is decided by pyHanko's path validation)."""
    chain = [cert]
    current = cert
    for _ in range(8):
        if current.self_signed in ("maybe", "yes"):
            break
        issuer = next((c for c in pool if c.subject == current.issuer and c.dump() != current.dump()), None)
        if issuer is None:
            break
        chain.append(issuer)
        current = issuer
    return chain


def validate_layer(emb, ctx: DocumentContext, layer: Layer, field_ref=None) -> list[tuple[str, dict]]:
    """Fill `layer` with the facts of one signature and the status decided from them. `emb` is
    pyHanko's EmbeddedPdfSignature, or the exception raised when the signature was parsed.
    Returns layer findings as (code, params) pairs. Never raises."""
    ctx.layer_count += 1
    if ctx.net is not None:
        ctx.net.layer = ctx.layer_count  # what is fetched from now on serves this layer
    try:
        return _validate_layer(emb, ctx, layer, field_ref)
    except Exception as exc:
        # our failure is no evidence: undecided (never VALID), never a crash, and the other layers
        # are still validated (one whose /V kyso cannot read once hid a forged layer's failure)
        log.exception("layer %s", layer.field)
        ctx.facts.pop(id(layer), None)  # revise() keeps this decision: no facts to decide again from
        reason = f"{type(exc).__name__}: {exc}"
        record(layer, decide(LayerFacts(exception=reason)))
        return [("INTERNAL_ERROR", {"reason": reason})]


def _validate_layer(emb, ctx: DocumentContext, layer: Layer, field_ref) -> list[tuple[str, dict]]:
    from verifier.signatures import x509sig

    if isinstance(emb, Exception) and x509sig.applies(field_ref):  # no CMS to parse: PKCS#1 with /Cert
        return x509sig.validate(field_ref, ctx, layer)
    if isinstance(emb, Exception):
        reason = f"{type(emb).__name__}: {emb}"
        container = _container_problem(field_ref, ctx.size)
        if container is not None:  # the bytes of the signature dictionary prove it malformed
            record(layer, decide(LayerFacts(format_problem=container)))
            return []
        if _well_formed_cms(field_ref):
            # the bytes are a well-formed CMS that a library could not read: no proof of anything
            log.warning("layer %s: a well-formed CMS could not be read: %s", layer.field, reason)
            record(layer, decide(LayerFacts(exception=reason)))
            return [("INTERNAL_ERROR", {"reason": reason})]
        record(layer, decide(LayerFacts(cms_error=reason)))
        return []
    facts, findings = gather(emb, ctx, layer)
    ctx.facts[id(layer)] = facts
    decision = decide(facts)
    findings += _decision_findings(facts, decision, layer, ctx)
    record(layer, decision)
    return findings


def revise(layer: Layer, ctx: DocumentContext, **more) -> None:
    """Decide a layer again with facts only the other layers reveal (verifier.signatures.vouch:
    who drew over it later), given as LayerFacts fields. A layer validated without facts (its
    CMS unreadable, validation raised) keeps its decision: it cannot pass anyway."""
    facts = ctx.facts.get(id(layer))
    if facts is None:
        return
    facts = dataclasses.replace(facts, **more)
    ctx.facts[id(layer)] = facts
    record(layer, decide(facts))


def _container_problem(field_ref, size: int) -> str | None:
    try:
        sig = field_ref.get_object()["/V"].get_object()
    except Exception:
        return None
    return byte_range_of(sig, size)[1]


def _well_formed_cms(field_ref) -> bool:
    """Whether the signature's /Contents is, by kyso's own reading of the bytes, a complete BER
    value holding a ContentInfo whose structures hold what they define (verifier.signatures.ber)."""
    from pyhanko.sign.validation.pdf_embedded import extract_contents

    from verifier.signatures import ber

    try:
        contents = bytes(extract_contents(field_ref.get_object()["/V"].get_object()))
        if contents[:1] != b"\x30":
            return False
        ber.value_end(contents)
        return ber.cms_shape_problem(contents) is None and len(ber.children(contents, 0)) == 2
    except Exception:
        return False


def record(layer: Layer, decision: Decision) -> None:
    """Write a layer's decision into its report (the only place a layer's status is set)."""
    layer.status, layer.subindication, layer.problem = decision.status, decision.subindication, decision.problem
    layer.problem_detail = decision.detail
    layer.valid_at_signing_time = decision.valid_at_signing_time


def _decision_findings(facts: LayerFacts, decision: Decision, layer: Layer, ctx=None) -> list[tuple[str, dict]]:
    """The findings that follow from the decision of a layer validated to the end."""
    from verifier.net import facts as netfacts

    if not facts.validated:
        return []
    findings = netfacts.layer_findings(ctx, decision.status) if ctx is not None else []
    if decision.subindication in ("TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE"):
        # online, the network was asked and did not settle it: the failures say what to retry
        if ctx is None or ctx.net is None:
            findings.append(("REVOCATION_UNKNOWN", {}))
        else:
            findings.append(("REVOCATION_NOT_OBTAINED", netfacts.failures_params(ctx)))
    if decision.subindication == "NO_CERTIFICATE_CHAIN_FOUND" and facts.untrusted_root is None:
        # the chain stops at an issuer nobody provided; one that ends at an unknown root is no gap
        findings.append(("ISSUER_MISSING", {"issuer": facts.chain_end_issuer,
                                            "missing": "root" if facts.chain_end_ca else "intermediate"}))
    if layer.timestamp is not None and not (layer.timestamp.valid and layer.timestamp.trusted):
        findings.append(("TIMESTAMP_INVALID", {"reason": layer.timestamp.problem or "untrusted"}))
    return findings


def gather(emb, ctx: DocumentContext, layer: Layer) -> tuple[LayerFacts, list[tuple[str, dict]]]:
    """Fill `layer` with the facts of one signature (what the report shows) and gather what
    its status is decided from; a validation that cannot go on stops with the facts it has.
    Returns them with the layer findings as (code, params) pairs."""
    findings: list[tuple[str, dict]] = []
    so = emb.sig_object
    layer.sub_filter = _text(so, "/SubFilter")
    layer.reason = _text(so, "/Reason")
    layer.location = _text(so, "/Location")
    layer.contact_info = _text(so, "/ContactInfo")
    try:
        layer.appearance = appearance_of(emb)
    except Exception:
        layer.appearance = None
    try:
        level = emb.docmdp_level
        if level is not None and _is_certification(emb):
            layer.certification_level = int(level.value)
    except Exception:
        pass

    _, container_problem = byte_range_of(so, ctx.size)
    if container_problem is not None:
        # what the bytes of the signature dictionary prove malformed, before pyHanko trips over it
        try:
            _describe_signer(layer, emb.signer_cert)
        except Exception:
            pass
        return LayerFacts(sub_filter=layer.sub_filter, format_problem=container_problem), findings


    repaired, finding = repair_rsa_parameters(emb.signer_info), ("RSA_PARAMETERS_IGNORED", {})
    if repaired is None:
        repaired = repair_ecdsa_identifier(emb.signer_info, _key_algorithm(emb))
        finding = ("ECDSA_NAMED_BY_KEY_TYPE", {"digest": emb.signer_info["digest_algorithm"]["algorithm"].native})
    if repaired is not None:
        sd = emb.signed_data.copy()
        sd["signer_infos"] = cms.SignerInfos([repaired])
        emb.signed_data, emb.signer_info = sd, repaired
        findings.append(finding)

    try:
        cert = emb.signer_cert
    except Exception as exc:
        return LayerFacts(sub_filter=layer.sub_filter, signer_certificate_error=str(exc)), findings
    _describe_signer(layer, cert)
    other = several.other_signers_problem(emb)
    if other is not None:
        # one SignerInfo of the CMS is proven wrong against the signed bytes: the layer fails with it
        return LayerFacts(sub_filter=layer.sub_filter, other_signer_failure=other[1],
                          other_signer_subindication=other[0]), findings
    if getattr(emb, "kyso_signed_data", None) is not None:
        findings.append(("CMS_SEVERAL_SIGNERS", {"count": len(emb.kyso_signed_data["signer_infos"])}))
    si = emb.signer_info
    if not signed_attributes_in_der_order(si):
        findings.append(("SIGNED_ATTRIBUTES_NOT_DER", {}))
    layer.digest_algorithm = si["digest_algorithm"]["algorithm"].native
    try:
        layer.signature_algorithm = si["signature_algorithm"].signature_algo
    except ValueError:
        layer.signature_algorithm = si["signature_algorithm"]["algorithm"].native

    embedded_crls, embedded_ocsps = _adobe_revinfo(si)
    extra = dict(
        # the signed CMS objects' before the DSS's, which anyone may write later (verifier.document)
        extra_certs=list(emb.other_embedded_certs)
        + [cert for revision, cert in ctx.document_certs if revision <= emb.signed_revision] + list(ctx.dss_certs),
        extra_crls=embedded_crls + list(ctx.dss_crls),
        extra_ocsps=embedded_ocsps + list(ctx.dss_ocsps),
    )

    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    validation = formats.validation_of(layer.sub_filter, _text(so, "/Type"), formats.encapsulated(emb) is not None)
    document_timestamp = validation == "timestamp"
    # a context costs half a millisecond to build; most layers carry no timestamp token
    ts_ctx = (timestamp_context(ctx.trust, ctx.now, fetchers=ctx.fetchers, **extra)
              if document_timestamp or _has_tokens(si) else None)
    poe_time = None
    if document_timestamp:
        # A document timestamp proves when the revision existed; it signs nothing for anyone.
        layer.kind, layer.role = "document_timestamp", "unknown"
        layer.role_basis = Phrase("dấu thời gian tài liệu (/ETSI.RFC3161)", "document timestamp (/ETSI.RFC3161)")
    else:
        facts, poe_time, token = _timestamp(si, ts_ctx, emb)
        layer.timestamp = facts
        if poe_time is not None:
            allowed, note = legacy.timestamp_ok(token, ctx.trust)
            if not allowed:
                layer.timestamp.trusted, layer.timestamp.problem, poe_time = False, explain(note)[0], None
            elif note:
                layer.relaxed.append(note)
    moment = poe_time or ctx.now
    vc = ts_ctx if document_timestamp else _signer_context(ctx, moment, poe_time is not None, extra)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)

    binding = None  # how an encapsulated content binds the byte ranges (formats.covers_byte_ranges)
    if validation in ("encapsulated", "detached") and (
            layer.sub_filter not in formats.SUPPORTED or _text(so, "/Type") not in (None, "/Sig")):
        findings.append(("SIGNATURE_FORMAT_UNREGISTERED", {"sub_filter": layer.sub_filter or "-",
                                                           "type": _text(so, "/Type") or "-"}))
    try:
        if document_timestamp:
            # whatever /Type says (pyHanko wants /DocTimeStamp; some tools write /Sig or nothing)
            status = asyncio.run(formats.validate_timestamp(emb, ts_ctx, ctx.diff_policy))
            layer.timestamp = Timestamp(
                time=_iso(status.timestamp), tsa=certinfo.display_name(cert), valid=bool(status.intact and status.valid),
                trusted=bool(status.trusted), hash_algorithm=layer.digest_algorithm,
            )
            poe_time = status.timestamp if status.intact and status.valid and status.trusted else None
        elif validation == "encapsulated":
            algorithms = ("sha1",) if layer.sub_filter == formats.PKCS7_SHA1 else (layer.digest_algorithm, "sha1")
            status, binding = asyncio.run(formats.validate_encapsulated(emb, vc, ctx.diff_policy, usage, algorithms))
        elif validation == "detached":
            status = asyncio.run(formats.validate_detached(emb, vc, ts_ctx, ctx.diff_policy, usage))
        else:
            status = validate_pdf_signature(
                emb, signer_validation_context=vc, ts_validation_context=ts_ctx,
                diff_policy=ctx.diff_policy, key_usage_settings=usage,
            )
    except Exception as exc:  # never a pass; a failure only where pyHanko says the bytes prove one
        return LayerFacts(
            sub_filter=layer.sub_filter, validation_error=f"{type(exc).__name__}: {exc}",
            validation_error_subindication=_subindication_of(exc),
        ), findings

    # pyHanko logs, but does not return, why it did not trust a certificate; asked again in the
    # same context, kyso gets the exception itself, whatever the logging configuration
    failure = (reasons.for_timestamp(status, emb.signed_data, ts_ctx) if document_timestamp
               else reasons.for_signature(status, emb.signed_data, vc, usage, ts_ctx))
    layer.validation_time = _iso(moment)
    layer.integrity = bool(status.intact)
    layer.cryptographic_validity = bool(status.valid)
    layer.coverage = status.coverage.name if status.coverage is not None else None
    layer.modification_level = status.modification_level.name if status.modification_level is not None else None
    if bytes(si["signature"].native) in vc.sig_validator.accepted_without_null:
        findings.append(("DIGESTINFO_WITHOUT_NULL", {}))

    path_certs = _path_certs(status)
    pool = path_certs + list(extra["extra_certs"]) + list(ctx.trust.intermediates) + [a.cert for a in ctx.trust.anchors] \
        + _fetched_certs(ctx)
    chain = path_certs or _chain_by_names(cert, pool)
    layer.chain = [certinfo.display_name(c) for c in chain]
    anchor = ctx.trust.anchor_for(chain[-1]) if chain else None
    if anchor is not None:
        layer.pki, layer.trust_anchor = anchor.pki, certinfo.display_name(anchor.cert)
    layer.trusted = bool(status.trusted)

    _signing_time(layer, si, so, poe_time)
    findings += _time_findings(layer)
    modification = judge(status, ctx.signed_fields, layer.revision, ctx.revision_numbers)
    layer.changes = list(modification.changes)
    legacy_problem = legacy.check_layer(layer, chain, anchor, ctx.trust.policy,
                                        binding=binding if binding not in (None, "bytes") else None)
    if not document_timestamp and cert.key_usage_value is not None and "non_repudiation" not in cert.key_usage_value.native:
        layer.relaxed.append("NON_REPUDIATION_ABSENT")
        findings.append(("NON_REPUDIATION_ABSENT", {"policy": ctx.trust.policy.name}))
    # a document timestamp's TSA must have timeStamping, which pyHanko requires of it
    key_purpose = None if document_timestamp else key_purpose_refusal(cert, findings)
    layer.revocation = _revocation(status, cert, vc, extra, ctx, failure.revocation_missing, poe_time)
    if poe_time is not None and status.trusted:
        not_after = cert.not_valid_after
        revoked_later = layer.revocation.status == "revoked"
        if revoked_later:
            findings.append(("REVOKED_AFTER_PROVEN_TIME", {"revoked": layer.revocation.revoked_at,
                                                          "time": _iso(poe_time)}))
        elif ctx.now > not_after:
            findings.append(("VALIDATED_AT_TIMESTAMP", {"time": _iso(poe_time)}))

    _collect_evidence(ctx, chain, si, extra, cert)
    top = chain[-1]
    untrusted_root = top.self_signed in ("maybe", "yes") and ctx.trust.anchor_for(top) is None
    facts = LayerFacts(
        sub_filter=layer.sub_filter,
        integrity=layer.integrity,
        signature_valid=layer.cryptographic_validity,
        coverage=layer.coverage,
        modification=modification,
        legacy_problem=legacy_problem,
        untrusted_root=certinfo.format_name(top.subject) if untrusted_root else None,
        key_purpose_problem=key_purpose,
        signing_time=layer.signing_time,
        signing_time_source=layer.signing_time_source,
        not_before=layer.certificate.not_before if layer.certificate is not None else None,
        not_after=layer.certificate.not_after if layer.certificate is not None else None,
        trust_indication=status.trust_problem_indic.name if status.trust_problem_indic else None,
        revocation_missing=failure.revocation_missing,
        revoked=status.revocation_details is not None,
        trusted=bool(status.trusted),
        trust_reasons=failure.reasons,
        chain_end_issuer=certinfo.format_name(top.issuer),
        chain_end_ca=bool(top.ca),
    )
    return facts, findings


def key_purpose_refusal(cert: x509.Certificate, findings: list[tuple[str, dict]]) -> str | None:
    """Why the signer's certificate is no document signer (verifier.trust.purpose), with its
    finding added; None when its extended key usage allows signing documents."""
    refused = purpose.refusal(cert)
    if refused is None:
        return None
    findings.append(("CERTIFICATE_NOT_FOR_DOCUMENTS", {"key_purposes_vi": refused.purposes_vi,
                                                       "key_purposes_en": refused.purposes_en}))
    params = {"key_purposes_vi": refused.purposes_vi, "key_purposes_en": refused.purposes_en}
    return Phrase(codes.finding_text("CERTIFICATE_NOT_FOR_DOCUMENTS", "vi", **params),
                  codes.finding_text("CERTIFICATE_NOT_FOR_DOCUMENTS", "en", **params))


def _collect_evidence(ctx: DocumentContext, chain, si, extra, cert) -> None:
    collect_evidence(ctx, chain or [cert], extra, timestamp_tokens(si))


def timestamp_tokens(si) -> list:
    """The signature timestamp tokens (ContentInfo) in a SignerInfo's unsigned attributes."""
    unsigned = si["unsigned_attrs"]
    if not _present(unsigned):
        return []
    return [token for attr in unsigned if attr["type"].native == "signature_time_stamp_token" for token in attr["values"]]


def collect_evidence(ctx: DocumentContext, chain, extra: dict, tokens=()) -> None:
    """The material the layer being validated rests on, with where each piece came from: the
    chain's certificates, the CRLs of its issuers, the OCSP responses and the timestamp tokens
    (verifier.report.model.Evidence)."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp

    from verifier.net import facts as netfacts
    from verifier.report.model import Evidence
    from verifier.trust.revinfo import ocsp_about

    number, now = [ctx.layer_count], _iso(ctx.now)
    embedded = {x.dump() for key in ("extra_certs", "extra_crls", "extra_ocsps") for x in extra[key]}
    fetched = {der: f for kind in ("certificate", "crl", "ocsp") for f, der in netfacts.fetched_material(ctx, kind)}

    def item(kind: str, der: bytes, embedded_default: bool = False) -> Evidence:
        if der in fetched and der not in embedded:
            f = fetched[der]
            netfacts.used(ctx, f)
            return Evidence(kind, der, "fetched", f.url, f.time, number)
        source = "embedded" if der in embedded or embedded_default else ctx.trust.source_of(der) or "embedded"
        return Evidence(kind, der, source, None, now, number)

    ev = ctx.evidence
    for c in chain:
        ev.append(item("certificate", c.dump(), embedded_default=c is chain[0]))
    issuers = {c.issuer.dump() for c in chain}
    fetched_crls = [asn1_crl.CertificateList.load(der) for _, der in netfacts.fetched_material(ctx, "crl")]
    for crl in list(extra["extra_crls"]) + list(ctx.trust.crls) + fetched_crls:
        if crl["tbs_cert_list"]["issuer"].dump() in issuers:
            ev.append(item("crl", crl.dump()))
    for resp in list(extra["extra_ocsps"]) + list(ctx.trust.ocsps):
        ev.append(item("ocsp", resp.dump()))
    for _, der in netfacts.fetched_material(ctx, "ocsp"):
        if any(ocsp_about(asn1_ocsp.OCSPResponse.load(der), c) for c in chain):
            ev.append(item("ocsp", der))
    for token in tokens:
        ev.append(Evidence("timestamp", token.dump(), "embedded", None, now, number))


def _fetched_certs(ctx: DocumentContext) -> list[x509.Certificate]:
    """Certificates caIssuers brought so far (for naming a chain that did not validate)."""
    fetchers = ctx.fetchers
    return list(fetchers.cert_fetcher.fetched_certs()) if fetchers is not None else []


def _is_certification(emb) -> bool:
    refs = emb.sig_object.get("/Reference") or ()
    for ref in refs:
        ref = ref.get_object()
        if ref.get("/TransformMethod") == "/DocMDP":
            return True
    return False


def _key_algorithm(emb) -> str | None:
    """The signer certificate's key type (asn1crypto's name: rsa, ec ...), None if not found."""
    try:
        return emb.signer_cert.public_key.algorithm
    except Exception:  # noqa: BLE001 - no certificate: said where the layer needs it
        return None


def _describe_signer(layer: Layer, cert: x509.Certificate) -> None:
    layer.signer, layer.certificate = certinfo.described(cert)
    layer.role, layer.role_basis = role.classify(layer.signer)


def _adobe_revinfo(si: cms.SignerInfo) -> tuple[list, list]:
    values = _signed_attr(si, "adobe_revocation_info_archival")
    crls, ocsps = [], []
    if values is None:
        return crls, ocsps
    for value in values:
        for crl in value["crl"] or ():
            crls.append(crl)
        for resp in value["ocsp"] or ():
            ocsps.append(resp)
    return crls, ocsps


def _signer_context(ctx: DocumentContext, moment: datetime, retroactive: bool, extra: dict):
    """One validation context for the layers of a document that validate with the same inputs
    (the moment, and byte for byte the same embedded certificates, CRLs and OCSP responses): an
    agency's seal signs layer after layer with the same revocation data. What pyHanko keeps in
    a context is true for every such layer: paths it validated (it skips validating a CRL's
    issuer again) and parsed revocation data; kyso adds the outcome of each certificate's path
    validation, failures included (verifier.patches.pathshare). Online, each layer has its own, since a
    context also records what it fetched."""
    if ctx.trust.online:
        return signer_context(ctx.trust, moment, retroactive=retroactive, fetchers=ctx.fetchers, **extra)
    key = (moment, retroactive, *(tuple(x.dump() for x in extra[k]) for k in ("extra_certs", "extra_crls", "extra_ocsps")))
    vc = ctx.signer_contexts.get(key)
    if vc is None:
        vc = ctx.signer_contexts[key] = signer_context(ctx.trust, moment, retroactive=retroactive, **extra)
    return vc


def _has_tokens(si: cms.SignerInfo) -> bool:
    """Whether pyHanko would validate a timestamp token of this signer info: a signature
    timestamp or a content timestamp (and, when the attributes cannot be read, as if it would)."""
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    try:
        return any(True for signed in (False, True) for _ in extract_tst_data_iter(si, signed=signed))
    except Exception:
        return True


def _timestamp(si: cms.SignerInfo, ts_ctx, emb):
    """(Timestamp facts, proof-of-existence time or None, the token's TSA path and hashes)."""
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter, message_imprint_checker, validate_tst_signed_data
    from pyhanko.sign.validation.status import TimestampSignatureStatus

    import asyncio

    tokens = list(extract_tst_data_iter(si, signed=False))
    if not tokens:
        return None, None, None
    token = tokens[0]
    tst_info = token["encap_content_info"]["content"].parsed
    gen_time = tst_info["gen_time"].native
    imprint_alg = tst_info["message_imprint"]["hash_algorithm"]["algorithm"].native
    try:
        kwargs = asyncio.run(validate_tst_signed_data(token, ts_ctx, message_imprint_checker(si)))
        st = TimestampSignatureStatus(**kwargs)
    except Exception as exc:
        problem, detail = explain(str(exc))
        return Timestamp(time=_iso(gen_time), tsa=None, valid=False, trusted=False, hash_algorithm=imprint_alg,
                         problem=problem, problem_detail=detail or f"{type(exc).__name__}: {exc}"), None, None
    tsa = certinfo.display_name(st.signing_cert) if st.signing_cert is not None else None
    ok = bool(st.intact and st.valid and st.trusted)
    problem = None if ok else explain(st.trust_problem_indic.name if st.trust_problem_indic else "the token does not verify")[0]
    facts = Timestamp(time=_iso(gen_time), tsa=tsa, valid=bool(st.intact and st.valid), trusted=bool(st.trusted), hash_algorithm=imprint_alg, problem=problem)
    token_hashes = {imprint_alg, token["signer_infos"][0]["digest_algorithm"]["algorithm"].native}
    return facts, (gen_time if ok else None), (_path_certs(st), token_hashes, token["signer_infos"][0])


def _path_certs(status) -> list[x509.Certificate]:
    path = getattr(status, "validation_path", None)
    if path is None:
        return []
    try:
        certs = [c for c in path.iter_certs(include_root=True)] if hasattr(path, "iter_certs") else []
    except Exception:
        certs = []
    if not certs:
        return []
    # pyHanko lists the anchor first; reports read signer first.
    return list(reversed([c for c in certs if isinstance(c, x509.Certificate)]))


def _signing_time(layer: Layer, si, so, poe_time) -> None:
    """The tools write signingTime as Vietnam wall-clock time labelled UTC. It is recognised when
    /M (which carries the real +07'00' offset) shows the same wall clock, or when a valid
    timestamp sits 7 hours before it; the corrected time is then used."""
    values = _signed_attr(si, "signing_time")
    claimed = values[0].native if values is not None else None
    m_time = pdf_date(so.get("/M"))
    layer.signing_time_claimed = _iso(claimed)
    if poe_time is not None:
        layer.signing_time, layer.signing_time_source = _iso(poe_time.astimezone(VIETNAM)), "timestamp"
    if claimed is None:
        if poe_time is None and m_time is not None:
            layer.signing_time, layer.signing_time_source = _iso(m_time), "pdf_m"
        return
    quirk = False
    if m_time is not None and m_time.utcoffset() == QUIRK_OFFSET:
        quirk = abs(claimed - (m_time.replace(tzinfo=timezone.utc))) <= timedelta(seconds=2)
    if not quirk and poe_time is not None:
        delta = claimed - poe_time
        quirk = QUIRK_OFFSET - TIMESTAMP_SLACK <= delta <= QUIRK_OFFSET + timedelta(seconds=2)
    layer.local_time_as_utc = quirk
    corrected = claimed - QUIRK_OFFSET if quirk else claimed
    if poe_time is None:
        layer.signing_time, layer.signing_time_source = _iso(corrected.astimezone(VIETNAM)), "signed_attribute"


def _time_findings(layer: Layer) -> list[tuple[str, dict]]:
    return [("SIGNING_TIME_LOCAL_AS_UTC", {})] if layer.local_time_as_utc else []


def _revocation(status, cert, vc, extra, ctx: DocumentContext, missing: bool, poe_time=None) -> Revocation:
    from asn1crypto import crl as asn1_crl

    from verifier.net import facts as netfacts

    url = _revinfo_url(cert, extra, ctx)
    details = status.revocation_details
    if details is not None:
        return Revocation(status="revoked", source=_revinfo_source(cert, extra, ctx), revoked_at=_iso(details.revocation_date),
                          time=_revinfo_time(cert, extra, ctx), url=url)
    indic = status.trust_problem_indic.name if status.trust_problem_indic else None
    if status.trusted:
        source, time = _revinfo_source(cert, extra, ctx), _revinfo_time(cert, extra, ctx)
        later = None
        if poe_time is not None:
            fetched_crls = [asn1_crl.CertificateList.load(der) for _, der in netfacts.fetched_material(ctx, "crl")]
            later = _revoked_after(cert, _path_certs(status), list(extra["extra_crls"]) + list(ctx.trust.crls) + fetched_crls,
                                   poe_time)
            if later is None:
                held = [response.dump() for response in extra["extra_ocsps"]]
                later = _ocsp_revoked_after(cert, _path_certs(status), ctx, poe_time, held)
        if later is not None:
            return Revocation(status="revoked", source=source, time=time, revoked_at=_iso(later), url=url)
        return Revocation(status="good", source=source, time=time, url=url)
    if missing or indic in ("TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE"):
        return Revocation(status="unknown", source=Phrase("không có CRL hoặc phản hồi OCSP", "no CRL or OCSP response available"))
    return Revocation(status="not_checked")


def _revoked_after(cert, path, crls, poe_time: datetime) -> datetime | None:
    """When a CRL at hand says a certificate that passed at its proof of existence was revoked
    after it, or None. pyHanko, judging at that moment, rightly takes no revocation dated later
    for one; the report must still not call the certificate unrevoked. Only a CRL signed by the
    issuer on the validated path counts: any other is no evidence of anything."""
    from verifier.trust.issued import signed_by

    if len(path) < 2 or path[0].dump() != cert.dump():
        return None
    issuer = path[1]
    for crl in _matching_crls(cert, crls):
        tbs = crl["tbs_cert_list"]
        if not _present(tbs["revoked_certificates"]):
            continue
        for entry in tbs["revoked_certificates"]:
            reason = entry.crl_reason_value
            if entry["user_certificate"].native != cert.serial_number or entry["revocation_date"].native <= poe_time \
                    or (reason is not None and reason.native in ("certificate_hold", "remove_from_crl")):
                continue
            if not signed_by(issuer, tbs.dump(), crl["signature"].native, crl["signature_algorithm"]):
                continue
            return entry["revocation_date"].native
    return None


def _ocsp_revoked_after(cert, path, ctx: DocumentContext, poe_time: datetime, held=()) -> datetime | None:
    """When an OCSP response, fetched or `held` (DER: the document's, --ocsp), signed for the
    issuer on the validated path says the certificate was revoked after its proof of existence
    (judging at that moment, it was good then: verifier.trust.revinfo). As for a CRL
    (_revoked_after), any other response is no evidence."""
    from asn1crypto import ocsp as asn1_ocsp

    from verifier.net import facts as netfacts
    from verifier.trust.issued import ocsp_issued_for

    if len(path) < 2 or path[0].dump() != cert.dump():
        return None
    issuer = path[1]
    for der in [der for _, der in netfacts.fetched_material(ctx, "ocsp")] + list(held):
        try:
            basic = asn1_ocsp.OCSPResponse.load(der).basic_ocsp_response
            data = basic["tbs_response_data"]
            for single in data["responses"]:
                status = single["cert_status"]
                if single["cert_id"]["serial_number"].native != cert.serial_number or status.name != "revoked":
                    continue
                when = status.chosen["revocation_time"].native
                if when > poe_time and ocsp_issued_for(basic, issuer):
                    return when
        except Exception:
            continue
    return None


def _matching_crls(cert, crls):
    return [c for c in crls if c["tbs_cert_list"]["issuer"] == cert.issuer]


def _revinfo_source(cert, extra, ctx: DocumentContext) -> Phrase | None:
    # online, pyHanko asks the network for a certificate that names its CRL or OCSP addresses and
    # leaves what the document or the store holds aside: what was fetched is the source then
    fetched = _fetched_revinfo(cert, ctx)
    if fetched is not None:
        kind, url, _ = fetched
        return Phrase(f"{'phản hồi OCSP' if kind == 'ocsp' else 'CRL'} tải qua mạng từ {url}",
                      f"{'OCSP response' if kind == 'ocsp' else 'CRL'} fetched from {url}")
    if _matching_crls(cert, extra["extra_crls"]):
        return Phrase("CRL nhúng trong tài liệu", "CRL embedded in the document")
    if _matching_crls(cert, ctx.trust.crls):
        return Phrase("CRL trong kho tin cậy hoặc từ --crl", "CRL from the trust store or --crl")
    if _ocsps_about(cert, extra["extra_ocsps"]):  # a response about another signer is no source
        return Phrase("phản hồi OCSP nhúng trong tài liệu", "OCSP response embedded in the document")
    if _ocsps_about(cert, ctx.trust.ocsps):
        return Phrase("phản hồi OCSP trong kho tin cậy hoặc từ --ocsp", "OCSP response from the trust store or --ocsp")
    if ctx.trust.online:
        return Phrase("tải qua mạng", "fetched online")
    return None


def _ocsps_about(cert, responses) -> list:
    from verifier.trust.revinfo import ocsp_about

    return [r for r in responses if ocsp_about(r, cert)]


def _fetched_revinfo(cert, ctx: DocumentContext):
    """(kind, URL, time asserted) of what the network brought about `cert` for this layer: its
    OCSP response first (pyHanko asks the responder first), else its issuer's CRL; or None."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp

    from verifier.net import facts as netfacts

    for f, der in netfacts.fetched_material(ctx, "ocsp"):
        resp = asn1_ocsp.OCSPResponse.load(der)
        if _ocsps_about(cert, [resp]):
            netfacts.used(ctx, f)
            return "ocsp", f.url, _iso(resp.basic_ocsp_response["tbs_response_data"]["produced_at"].native)
    for f, der in netfacts.fetched_material(ctx, "crl"):
        crl = asn1_crl.CertificateList.load(der)
        if crl["tbs_cert_list"]["issuer"] == cert.issuer:
            netfacts.used(ctx, f)
            return "crl", f.url, _iso(crl["tbs_cert_list"]["this_update"].native)
    return None


def _revinfo_time(cert, extra, ctx: DocumentContext) -> str | None:
    fetched = _fetched_revinfo(cert, ctx)
    if fetched is not None:
        return fetched[2]
    crls = _matching_crls(cert, list(extra["extra_crls"]) + list(ctx.trust.crls))
    if crls:
        return _iso(max(c["tbs_cert_list"]["this_update"].native for c in crls))
    return None


def _revinfo_url(cert, extra, ctx: DocumentContext) -> str | None:
    fetched = _fetched_revinfo(cert, ctx)
    return fetched[1] if fetched is not None else None
