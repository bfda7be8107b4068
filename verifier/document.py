"""Verification of a whole document: read the PDF, list every signature field in revision order,
validate each layer, check the bytes no signature explains, and derive the verdict."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone

from verifier.report import codes
from verifier.policy import policyfile
from verifier.decree30 import placement, profile
from verifier.structure import checks as structure
from verifier.structure.byterange import SignatureRef
from verifier.signatures import displayed, several, vouch, x509sig
from verifier.signatures.layer import DocumentContext, revise, validate_layer
from verifier.report.model import DocumentReport, Layer
from verifier.trust.config import TrustConfig
from verifier.pdf import budget
from verifier.pdf.opening import Unreadable, open_pdf, readable_prefix

log = logging.getLogger(__name__)

def _version() -> str:
    from verifier import __version__

    return __version__


def _anchors(trust: TrustConfig) -> list[dict[str, str]]:
    from verifier.trust.certinfo import format_name

    return [{"subject": format_name(a.cert.subject), "sha256": a.sha256, "pki": a.pki} for a in trust.anchors]


def too_large(file: str | None, size: int, limit: int, trust: TrustConfig) -> DocumentReport:
    """The report for a file refused unread because of its size (resource limits, not content)."""
    report = _unread(file, size, trust)
    report.add("FILE_TOO_LARGE", size=size, limit=limit)
    report.verdict = codes.ERROR
    return report


def _unread(file: str | None, size: int, trust: TrustConfig) -> DocumentReport:
    return DocumentReport(file=file, sha256="", size=size, policy=trust.policy.name, policy_sha256=trust.policy.sha256,
                          trust_fingerprint=trust.fingerprint, trust_anchors=_anchors(trust),
                          validation_time=datetime.now(timezone.utc).isoformat(),
                          kyso_version=_version())


def unreadable(file: str | None, reason_vi: str, reason_en: str, trust: TrustConfig) -> DocumentReport:
    """The report for a file that could not be read at all (missing, no permission): the caller
    read the file, so it says why, in both languages; a batch reports it in the file's place."""
    report = _unread(file, 0, trust)
    report.add("FILE_UNREADABLE", reason_vi=reason_vi, reason_en=reason_en)
    report.verdict = codes.ERROR
    return report


def verify_pdf(data: bytes, trust: TrustConfig, *, file: str | None = None, now: datetime | None = None, diff_policy=None,
               cache=None, password: str | None = None) -> DocumentReport:
    """Verify every signature layer of a PDF given as bytes. Never raises for the file's content:
    anything unexpected becomes a finding and a verdict that is not VALID. With a `cache`
    (verifier.report.cache.ReportCache), a report it holds for these bytes, policy and trust, still
    true at `now`, is returned instead (a copy), and a new one is kept. `password` opens an
    encrypted document (its user password); it goes to the PDF readers only, never into the report
    or the cache."""
    if password:
        from verifier.pdf.opening import PASSWORD

        token = PASSWORD.set(password)
        try:
            # never the cache: its key is the bytes, and what they say depends on the password
            # (a report read with it must not answer a caller without it, nor the reverse)
            return verify_pdf(data, trust, file=file, now=now, diff_policy=diff_policy)
        finally:
            PASSWORD.reset(token)
    _no_last_resort()
    now = now or datetime.now(timezone.utc)
    sha256 = hashlib.sha256(data).hexdigest()
    if cache is not None and diff_policy is None:
        kept = cache.get(sha256, trust, now, file)
        if kept is not None:
            return kept
    report = _verify(data, sha256, trust, file, now, diff_policy)
    if cache is not None and diff_policy is None:
        cache.put(report, trust)
    return report


def _no_last_resort() -> None:
    """pyHanko logs why it could not build a path or check a signature as warnings with their
    tracebacks. In a program that has not configured logging, Python prints those on stderr
    (logging.lastResort): a library caller saw a traceback for every untrusted signer, as if
    kyso had crashed, when the report already says why. A NullHandler on pyHanko's loggers
    stops only that: records still reach whatever handlers the program configures."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())


class _OverBudget(Exception):
    """A document over a limit of the policy, found before the work it would cost; the finding
    is in the report."""


def _verify(data: bytes, sha256: str, trust: TrustConfig, file: str | None, now: datetime, diff_policy) -> DocumentReport:
    report = DocumentReport(
        file=file, sha256=sha256, size=len(data),
        policy=trust.policy.name, policy_sha256=trust.policy.sha256,
        trust_fingerprint=trust.fingerprint, trust_anchors=_anchors(trust), validation_time=now.isoformat(),
        kyso_version=_version(),
    )
    limits = trust.policy.limits
    objects, _ = budget.count_entries(data)
    if objects > limits.objects:  # refused unread, as a file over the size limit is
        report.add("OBJECT_LIMIT_EXCEEDED", objects=objects, limit=limits.objects)
        report.verdict = _verdict(report)
        return report
    with budget.decoding(limits.decoded_mb * 1024 * 1024) as decoded:
        _verify_within(data, trust, now, diff_policy, report)
    if decoded.exceeded:
        report.add("DECODE_LIMIT_EXCEEDED", limit_mb=limits.decoded_mb,
                   reason=f"{(decoded.limit - max(decoded.remaining, 0)) // (1024 * 1024)} MiB decoded when a stream went over")
    judge(report, trust.policy)
    return report


def _verify_within(data: bytes, trust: TrustConfig, now: datetime, diff_policy, report: DocumentReport) -> None:
    try:
        reader, strict_error = open_pdf(data, report)
    except Unreadable as exc:
        recovered = readable_prefix(data) if exc.code == "NOT_PDF" else None
        if recovered is None:
            report.add(exc.code, **exc.params)
            return
        # The file ends with %%EOF but its last revision cannot be read: not a truncated
        # download (that ends mid-object) but bytes appended to look like an update. What
        # the earlier revisions hold is still shown, and the verdict cannot be VALID.
        try:
            reader, strict_error = open_pdf(recovered, report)
        except Unreadable:
            report.add(exc.code, **exc.params)
            return
        report.add("UNREADABLE_LAST_REVISION", offset=len(recovered), count=len(data) - len(recovered),
                   reason=exc.params.get("reason", exc.code))
        data = recovered
    try:
        _verify_opened(reader, strict_error, data, trust, now, diff_policy, report)
    finally:
        # what the passes built is in cycles with the reader: freed now, not by the collector
        reader.release()


def _verify_opened(reader, strict_error, data: bytes, trust: TrustConfig, now: datetime, diff_policy,
                   report: DocumentReport) -> None:
    signatures: list[SignatureRef] = []
    try:
        signatures = _verify_layers(reader, data, trust, now, report, diff_policy)
    except _OverBudget:
        return
    except Exception as exc:  # a bug or a hostile structure: fail closed, never crash the caller
        from pyhanko.pdf_utils.misc import PdfError

        if isinstance(exc, (PdfError, RecursionError)):  # the file's structure broke pyHanko's parser
            report.add("PDF_DAMAGED", reason=f"{type(exc).__name__}: {exc}")
        else:
            log.exception("verification failed")
            report.add("INTERNAL_ERROR", reason=f"{type(exc).__name__}: {exc}")
    try:
        # what pyHanko does not look at: the bytes around and between the revisions
        structure.check(data, reader, report, signatures, strict_error, overlaps=False)
    except Exception as exc:
        log.exception("structure check failed")
        report.add("INTERNAL_ERROR", reason=f"structure check: {type(exc).__name__}: {exc}")
    meta = None
    try:
        # what the document is (Appendix VI metadata) and what each layer is for (Decree 30)
        meta = profile.describe(data, report, reader, ocr=trust.ocr)
    except Exception as exc:  # a description: it must never break verification
        log.exception("metadata and profile failed")
        report.add("METADATA_UNREADABLE", reason=f"{type(exc).__name__}: {exc}")
    try:
        # after the profile: an appearance where Decree 30 puts the layer's purpose is no covering
        structure.check_overlaps(data, reader, report, signatures, placement.judge(report.layers, meta))
    except Exception as exc:
        log.exception("overlap check failed")
        report.add("INTERNAL_ERROR", reason=f"overlap check: {type(exc).__name__}: {exc}")


def judge(report: DocumentReport, policy) -> None:
    """The policy's severities applied to every finding, then the verdict derived: the last step
    of verify_pdf, and again whenever a finding is added from outside (add_finding)."""
    policyfile.apply(report, policy)
    report.verdict = _verdict(report)


def add_finding(report: DocumentReport, policy, code: str, **params) -> None:
    """A finding that only a caller can know (the archive's duplicate numbers), judged under the
    report's policy like the verifier's own: its severity may fail the document."""
    if policy.sha256 != report.policy_sha256:
        raise ValueError(f"the report was made under policy {report.policy}, not {policy.name}")
    report.add(code, **params)
    judge(report, policy)


def _verify_layers(reader, data: bytes, trust: TrustConfig, now: datetime, report: DocumentReport, diff_policy) -> list[SignatureRef]:
    from pyhanko.sign.fields import enumerate_sig_fields

    from verifier.pdf.linearized import revision_numbers

    # the one conversion from pyHanko's section index to the revision number reports print
    numbers = revision_numbers(data, reader)
    report.revisions = numbers[-1] if numbers else 0
    try:
        report.pages = int(reader.root["/Pages"]["/Count"])
    except Exception:
        report.pages = None

    entries = []  # (revision, name, field_ref, embedded-or-exception)
    for name, value, field_ref in enumerate_sig_fields(reader):
        if value is None:
            report.add("EMPTY_SIGNATURE_FIELD", field=str(name))
            continue
        entries.append(_embed(reader, str(name), value, field_ref))
    entries = [_newest_section(entry, numbers) for entry in entries]
    entries.sort(key=lambda e: (e[0], e[1]))
    if not entries:
        report.add("NO_SIGNATURES")
        return []
    _check_updates(reader, numbers, entries, trust.policy.limits, report)

    if diff_policy is None:
        from verifier.signatures.diff.policy import build_diff_policy

        diff_policy = build_diff_policy()
    ctx = DocumentContext(reader=reader, trust=trust, diff_policy=diff_policy, now=now, size=len(data),
                          revision_numbers=list(numbers))
    if trust.online:
        # one network session for the whole document: its layers share what it fetched, its
        # timeouts and its budget (verifier.net)
        from verifier.net.fetchers import fetchers_for
        from verifier.net.session import NetSession

        ctx.net = NetSession(trust.net_timeout, trust.net_budget, trust.net_private_addresses)
        ctx.fetchers = fetchers_for(ctx.net)
    # revision numbers as reports print them: revision 1 is the file as first written
    ctx.signed_fields = {name: numbers[rev] for rev, name, ref, emb in entries
                         if not isinstance(emb, Exception) or x509sig.applies(ref)}
    _load_dss(reader, ctx)
    ctx.document_certs = _certificates_of(entries)
    try:
        _validate_entries(entries, ctx, trust, report, numbers, data)
    finally:
        from verifier.report.model import merge_evidence

        report.fetched = ctx.net.records() if ctx.net is not None else []
        report.evidence = merge_evidence(ctx.evidence)
    return [_signature_ref(reader, index, entry) for index, entry in enumerate(entries)]


def _certificates_of(entries) -> list:
    """(revision, certificate) for every certificate the document's CMS objects carry, the
    timestamp tokens in their unsigned attributes included: path material for the layers signed
    in that revision or later, as EU DSS pools what a document holds. iText's LTV example, when
    OCSP could not be had, writes a DSS of CRLs only and a document timestamp whose TSA's CA
    certificate only a signature's token carries: adding archival data made the file
    INDETERMINATE offline (red team, LTV tools). Trust still comes only from the configured
    anchors. A layer appended later lends nothing to the layers before it: pyHanko keeps the
    first certificate of an issuer and serial number, and a clone of the CA in a later CMS (or
    the DSS, registered after these) would otherwise stand in for the real one."""
    from verifier.signatures.layer import timestamp_tokens

    seen, pool = set(), []
    for _revision, _name, _ref, emb in entries:
        if isinstance(emb, Exception):
            continue
        try:
            signed = [emb.signed_data, *(token["content"] for si in emb.signed_data["signer_infos"]
                                         for token in timestamp_tokens(si))]
            for signed_data in signed:
                for choice in signed_data["certificates"] or ():
                    if choice.name == "certificate" and choice.chosen.dump() not in seen:
                        seen.add(choice.chosen.dump())
                        pool.append((emb.signed_revision, choice.chosen))
        except Exception:  # noqa: BLE001 - a CMS that cannot be read lends nothing; its layer says why
            continue
    return pool


def _check_updates(reader, numbers: list[int], entries, limits, report: DocumentReport) -> None:
    """An update after the first signature listing more objects than the policy allows is
    refused before the layers' difference analysis and the structural checks walk them."""
    signed = [numbers[e[0]] for e in entries if 0 <= e[0] < len(numbers)]
    if not signed:
        return
    for revision, objects in budget.update_counts(reader, numbers, min(signed)):
        if objects > limits.objects_per_update:
            report.add("UPDATE_OBJECT_LIMIT_EXCEEDED", revision=revision, objects=objects, limit=limits.objects_per_update)
            raise _OverBudget


def _signature_ref(reader, index: int, entry) -> SignatureRef:
    """What the structural checks need of a layer: where its signature dictionary is."""
    revision, name, field_ref, emb = entry
    ref = sig = None
    try:
        raw = field_ref.get_object().raw_get("/V")
        if hasattr(raw, "reference"):
            ref = (raw.reference.idnum, raw.reference.generation)
        sig = raw.get_object()
    except Exception:
        pass
    if not isinstance(emb, Exception):
        sig, revision = emb.sig_object, emb.signed_revision
    elif ref is not None:
        revision = _last_change(reader, ref, revision)
    return SignatureRef(field=name, layer=index + 1, ref=ref, sig=sig if hasattr(sig, "raw_get") else None, revision=revision)


def _last_change(reader, ref, default):
    from pyhanko.pdf_utils import generic

    try:
        return reader.xrefs.get_last_change(generic.Reference(*ref))
    except Exception:
        return default


def _validate_entries(entries, ctx: DocumentContext, trust: TrustConfig, report: DocumentReport, numbers: list[int],
                      data: bytes) -> None:
    validated = []
    for revision, name, field_ref, emb in entries:
        layer = Layer(field=name, revision=numbers[revision])
        report.layers.append(layer)
        # the facts of the layer and its status, decided in one place (verifier.signatures.decide)
        validated.append(validate_layer(emb, ctx, layer, field_ref))
    # what each layer's signer saw, against what later layers drew over it and who vouches,
    # then against what the document displays now, drawn by PDFium
    for index, found in _overdrawn(entries, ctx, report).items():
        validated[index] += found
    for index, found in _displayed(entries, ctx, report, data).items():
        validated[index] += found
    for number, (layer, findings) in enumerate(zip(report.layers, validated), start=1):
        for code, params in findings:
            report.add(code, layer=number, **params)
        for note in layer.relaxed:
            if note.startswith("LEGACY_SHA1_ACCEPTED"):
                report.add("LEGACY_SHA1_ACCEPTED", layer=number, where=note.split(": ", 1)[-1], policy=trust.policy.name)
        if layer.status == codes.FAILED:
            report.add("LAYER_FAILED", layer=number, field=layer.field, subindication=layer.subindication, reason=layer.problem)
        elif layer.status == codes.INDETERMINATE:
            report.add("LAYER_INDETERMINATE", layer=number, field=layer.field, subindication=layer.subindication,
                       reason=layer.problem)


def _overdrawn(entries, ctx: DocumentContext, report: DocumentReport) -> dict[int, list[tuple[str, dict]]]:
    """Each layer decided again with what later layers displayed over it (verifier.signatures.vouch):
    the findings to add, by layer index."""
    layers = report.layers
    pages = vouch.Pages.of(ctx.reader)
    drawn = {j: vouch.drawn_widgets(pages, field_ref, name, layers[j].revision)
             for j, (_, name, field_ref, _) in enumerate(entries)}
    covered = {}
    for i, layer in enumerate(layers):
        facts = ctx.facts.get(id(layer))
        if facts is not None and facts.modification is not None:
            covered[i] = facts.modification.covered
    out: dict[int, list[tuple[str, dict]]] = {}
    for i, result in vouch.review(layers, drawn, covered).items():
        revise(layers[i], ctx,
               unvouched=tuple(_sentence(c, p) for c, p in result.unvouched),
               unidentified=tuple(_sentence(c, p) for c, p in result.unidentified))
        out[i] = result.unvouched + result.unidentified
    return out


def _displayed(entries, ctx: DocumentContext, report: DocumentReport, data: bytes) -> dict[int, list[tuple[str, dict]]]:
    """Each layer decided again with what the rendered comparison found (verifier.signatures.displayed):
    the findings to add, by layer index. Kept apart from the verdict's own failures: the
    comparison failing is kyso's failure, never evidence."""
    signed = []
    for _, _, _, emb in entries:
        try:
            _, _, start, length = (int(v) for v in emb.byte_range)
            signed.append((emb.signed_revision, start + length))
        except Exception:  # an exception in place of a signature, a byte range that is no range
            signed.append(None)
    try:
        found = displayed.review(data, ctx.reader, report.layers, signed)
    except Exception as exc:
        log.exception("rendered comparison failed")
        return {0: [("RENDERING_UNAVAILABLE", {"side": "?", "page": "?", "reason": f"{type(exc).__name__}: {exc}"})]}
    out = {}
    for i, shown in found.items():
        if shown.unvouched:
            facts = ctx.facts.get(id(report.layers[i]))
            revise(report.layers[i], ctx, unvouched=(facts.unvouched if facts else ()) + tuple(shown.unvouched))
        report.images += shown.images
        out[i] = shown.findings
    return out


def _embed(reader, name, value, field_ref):
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    from verifier.signatures.embedded import claimed_dates

    try:
        revision = reader.xrefs.get_last_change(value.reference) if hasattr(value, "reference") else 0
    except Exception:
        revision = 0
    try:
        emb = claimed_dates(EmbeddedPdfSignature(reader, field_ref, name))
        emb.signer_info  # noqa: B018
        return emb.signed_revision, name, field_ref, emb
    except Exception as exc:  # one corrupt CMS must not hide the other layers
        if several.several_signers(exc):
            try:
                emb = several.embedded(reader, field_ref, name)
                return emb.signed_revision, name, field_ref, emb
            except Exception:
                pass
        return revision, name, field_ref, exc


def _newest_section(entry, numbers: list[int]):
    """A signature dictionary in the main section of a linearized file signs the whole of
    revision 1, which ends with the first-page section's startxref: pyHanko's coverage check is
    given the newest section of the revision the dictionary belongs to."""
    revision, name, field_ref, emb = entry
    if isinstance(emb, Exception) or not 0 <= revision < len(numbers):
        return entry
    newest = max(i for i, n in enumerate(numbers) if n == numbers[revision])
    if newest != revision:
        emb.signed_revision = newest
        return newest, name, field_ref, emb
    return entry


def _load_dss(reader, ctx: DocumentContext) -> None:
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return
    except Exception as exc:
        log.warning("unreadable DSS: %s", exc)
        return
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.pdf_utils.decode_limits import DecodePurpose

    ctx.dss_certs = list(dss.load_certs())
    ctx.dss_crls = [asn1_crl.CertificateList.load(r.get_object().read_data(DecodePurpose.CRL)) for r in dss.crls]
    ctx.dss_ocsps = [asn1_ocsp.OCSPResponse.load(r.get_object().read_data(DecodePurpose.OCSP_RESPONSE)) for r in dss.ocsps]


def _verdict(report: DocumentReport) -> str:
    if any(f.code in ("NOT_PDF", "ENCRYPTED", "FILE_TOO_LARGE", "OBJECT_LIMIT_EXCEEDED", "FILE_UNREADABLE",
                      "ENCRYPTED_WRONG_PASSWORD") for f in report.findings):
        return codes.ERROR  # unreadable; a file that was read and is wrong is INVALID
    if any(layer.status == codes.FAILED for layer in report.layers):
        return codes.INVALID
    if any(f.severity == "error" for f in report.findings):
        return codes.INVALID
    if any(f.code == "INTERNAL_ERROR" for f in report.findings):
        return codes.INDETERMINATE  # kyso's own failure proves nothing about the document
    if not report.layers:
        return codes.INVALID
    if any(layer.status != codes.PASSED for layer in report.layers):
        return codes.INDETERMINATE
    return codes.VALID


def _sentence(code: str, params: dict) -> codes.Phrase:
    """A finding's message in both languages, as the reason of a layer's status."""
    return codes.Phrase(codes.finding_text(code, "vi", **params), codes.finding_text(code, "en", **params))
