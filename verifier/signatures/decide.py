"""The one place that decides a signature layer's status and sub-indication.

Validating a layer (verifier.signatures.layer) gathers what pyHanko and kyso's own checks
found into a frozen `LayerFacts`; `decide` derives the `Decision` from those facts alone, and
the pipeline (verifier.document) writes it into the report's Layer. Nothing else sets a
layer's status: a reader finds every rule that can make a layer PASSED, FAILED or
INDETERMINATE in `decide`, in the order they apply. The document's verdict is then derived
from the layers' statuses and the findings (verifier.document._verdict).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from verifier.report import codes
from verifier.report.codes import Phrase
from verifier.report.explain import explain, join
from verifier.signatures.diff.judgement import ChangeJudgement

# EN 319 102-1 sub-indications by what kyso makes of them
PROVEN_FAILURES = frozenset({"FORMAT_FAILURE", "HASH_FAILURE", "SIG_CRYPTO_FAILURE"})
REVOCATIONS = frozenset({"REVOKED_NO_POE", "REVOKED_CA_NO_POE", "REVOKED"})
TRUST_MISSING_INFO = frozenset({"TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NO_POE", "NO_POE"})


@dataclass(frozen=True)
class LayerFacts:
    """What validating one layer found. A validation that stopped early leaves the later
    facts at their defaults; `decide` never reads them then."""

    cms_error: str | None = None
    """The signature could not be parsed at all ("Type: message"); nothing else is known."""
    exception: str | None = None
    """Validating the layer raised ("Type: message"): a hostile structure or a bug."""
    format_problem: str | None = None
    """What the bytes of the signature dictionary prove malformed (a /ByteRange that is not four
    integers framing the signature); nothing else was looked at."""
    sub_filter: str | None = None
    """/SubFilter of the signature dictionary."""
    sub_filter_supported: bool = True
    """Whether kyso validates that format; if not, nothing below was looked at."""
    signer_certificate_error: str | None = None
    """Why the signer's certificate could not be found in the CMS."""
    other_signer_failure: str | None = None
    """A CMS with several SignerInfos: why one of them fails against the signed bytes."""
    other_signer_subindication: str | None = None
    """Its sub-indication (HASH_FAILURE, SIG_CRYPTO_FAILURE, FORMAT_FAILURE)."""
    validation_error: str | None = None
    """pyHanko's validation raised ("Type: message")."""
    validation_error_subindication: str | None = None
    """The EN 319 102-1 sub-indication pyHanko attached to that exception, if any."""
    integrity: bool | None = None
    """The digest of the signed byte ranges matches the signed digest."""
    signature_valid: bool | None = None
    """The signature value verifies with the signer's public key."""
    coverage: str | None = None
    """pyHanko's coverage level: ENTIRE_FILE, ENTIRE_REVISION or less."""
    modification: ChangeJudgement | None = None
    """What changed after the signature and whether it is permitted (verifier.signatures.diff)."""
    legacy_problem: str | None = None
    """Why the algorithms are unacceptable under the policy (verifier.signatures.legacy), if they are."""
    untrusted_root: str | None = None
    """Subject of the self-signed certificate the chain ends at, when it is no trust anchor."""
    key_purpose_problem: str | None = None
    """Why the signer certificate's extended key usage rules out signing documents
    (verifier.trust.purpose); None when it allows it, and always for a document timestamp."""
    signing_time: str | None = None
    """The best known signing time (ISO 8601)."""
    signing_time_source: str | None = None
    """Where it comes from: timestamp (a proof of existence), signed_attribute (the signer's
    own signingTime claim) or pdf_m (the unsigned /M of the signature dictionary)."""
    not_before: str | None = None
    """The signer certificate's validity period (ISO 8601)."""
    not_after: str | None = None
    trust_indication: str | None = None
    """pyHanko's trust problem sub-indication, if any."""
    revocation_missing: bool = False
    """The signer's path validation failed for want of revocation information (InsufficientRevinfoError)."""
    revoked: bool = False
    """pyHanko found the certificate revoked (it has revocation details)."""
    trusted: bool = False
    """pyHanko's path validation to a trust anchor succeeded."""
    trust_reasons: tuple[str, ...] = ()
    """Why pyHanko did not trust the certificates (its timestamp tokens', then the signer's): the
    messages of the exceptions it caught, and logged, in its order (verifier.signatures.reasons)."""
    chain_end_issuer: str | None = None
    """Issuer name of the last certificate of the chain found (the one not available)."""
    chain_end_ca: bool = False
    """The last certificate found is a CA's: what is missing above it is a root (or a higher CA),
    which belongs in the trust store as an anchor; above a signer's own, an issuing CA."""
    unvouched: tuple[str, ...] = ()
    """What later revisions display over the signed content that no later trusted signature
    vouches for, one sentence each (verifier.signatures.vouch, the rendered comparison)."""
    unidentified: tuple[str, ...] = ()
    """What later revisions display over it, vouched for only by signers nobody can identify."""

    @property
    def validated(self) -> bool:
        """Whether pyHanko's validation ran to the end (the facts below the early stops are known)."""
        return self.integrity is not None

    @property
    def bottom_line(self) -> bool:
        """Whether the layer passed."""
        return decide(self).bottom_line


@dataclass(frozen=True)
class Decision:
    """A layer's status and sub-indication, with the precise reason for a reader (and, when a
    library's message was behind it, that message for the details)."""

    status: str
    subindication: str | None = None
    problem: Phrase | None = None
    valid_at_signing_time: bool | None = None
    """Whether the certificate was valid at the signing time, once the decision came that far
    (None when an earlier rule decided, or no signing time is known and the layer did not pass)."""

    detail: str | None = None
    """The library's own message (pyHanko, Python) behind `problem`, in English, for the details."""

    @property
    def bottom_line(self) -> bool:
        return self.status == codes.PASSED


def _said(status: str, subindication: str | None, message, kind: str, within: bool | None = None,
          keep: bool = False) -> Decision:
    """A decision whose reason is a library's message: its wording, the original as the detail
    (always when `keep`, else when no wording knew it)."""
    problem, detail = explain(message, kind)
    keep = keep or kind == "trust"  # pyHanko's precise reason, for an auditor
    return Decision(status, subindication, problem, within, message if keep and isinstance(message, str) else detail)


def _local(iso: str | None) -> str:
    """An ISO 8601 time as a Vietnamese reader reads it (dd/mm/yyyy HH:MM, Vietnam time)."""
    from verifier.vietnam import VIETNAM

    try:
        return datetime.fromisoformat(iso).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return str(iso)


def decide(facts: LayerFacts) -> Decision:
    """The layer's status from its facts, most serious first; the first rule that applies
    decides. EN 319 102-1: FAILED only for what the bytes prove, INDETERMINATE for what cannot
    be established (docs/verdicts.md):

    ==  =============================================  =============  ==============================
    #   fact                                           status         sub-indication
    ==  =============================================  =============  ==============================
    1   the CMS cannot be parsed, and kyso's own       FAILED         FORMAT_FAILURE
        reading of the bytes finds no complete CMS
        (a complete one that a library cannot read
        is rule 2)
    2   validating the layer raised (kyso's or a       INDETERMINATE  GENERIC (and INTERNAL_ERROR)
        library's code, not the bytes)
    2a  the signature dictionary's /ByteRange is       FAILED         FORMAT_FAILURE
        malformed in the bytes
    3   a SubFilter kyso does not validate             INDETERMINATE  GENERIC
    4   no signer certificate in the CMS               INDETERMINATE  NO_SIGNING_CERTIFICATE_FOUND
    4a  another SignerInfo of the CMS fails against    FAILED         its HASH_FAILURE,
        the signed bytes                                              SIG_CRYPTO_FAILURE, FORMAT_FAILURE
    5   pyHanko's validation raised                    FAILED         pyHanko's sub-indication when it
                                                                      is a failure (FORMAT_FAILURE,
                                                                      HASH_FAILURE, SIG_CRYPTO_FAILURE)
                                                   INDETERMINATE  its other sub-indication, else
                                                                      GENERIC
    6   the byte-range digest does not match           FAILED         HASH_FAILURE
    7   the signature value does not verify            FAILED         SIG_CRYPTO_FAILURE
    8   the byte range covers less than a revision     FAILED         FORMAT_FAILURE
    9   a change after signing is not permitted        FAILED         MODIFIED_AFTER_SIGNING
    9a  something displayed after signing that no      FAILED         MODIFIED_AFTER_SIGNING
        later trusted signature vouches for
        (verifier.signatures.vouch)
    10  an algorithm the policy refuses                INDETERMINATE  CRYPTO_CONSTRAINTS_FAILURE
    11  the chain ends at a self-signed certificate    INDETERMINATE  NO_CERTIFICATE_CHAIN_FOUND
        that is no trust anchor
    12  a proof of existence (a trusted timestamp)     FAILED         NOT_YET_VALID
        before the certificate's validity began
    13a the certificate's extended key usage names a   INDETERMINATE  CHAIN_CONSTRAINTS_FAILURE
        service's role (a TLS server, a TSA, OCSP,
        code signing) and nothing else but logging
        in: no document signer
    14  revoked, no proof of existence before it (a    INDETERMINATE  REVOKED_NO_POE,
        timestamp after the revocation proves the                     REVOKED_CA_NO_POE
        signature existed then, not when it was made)
    15  the proven or claimed signing time lies after  INDETERMINATE  OUT_OF_BOUNDS_NO_POE
        the certificate's validity, or the claimed
        one before it (a timestamp after the expiry
        proves nothing of when it was made; a claim
        is no proof)
    16  the issuer is not available                    INDETERMINATE  NO_CERTIFICATE_CHAIN_FOUND
    17  outside information missing: no revocation     INDETERMINATE  TRY_LATER (also for pyHanko's
        data, no proof of existence                                   general failure when revocation
                                                                      data was missing),
                                                                      REVOCATION_OUT_OF_BOUNDS_NO_POE,
                                                                      OUT_OF_BOUNDS_NO_POE, NO_POE
    18  any other trust problem, or not trusted        INDETERMINATE  pyHanko's, else
                                                                      CERTIFICATE_CHAIN_GENERAL_FAILURE
    18a a later signer nobody can identify drew over   INDETERMINATE  OVERLAY_BY_UNIDENTIFIED_SIGNER
        the signed content
    19  otherwise                                      PASSED         -
    ==  =============================================  =============  ==============================

    Rule 13a comes after every FAILED rule (what the bytes or a proof of time disprove is the
    stronger answer) and after 10 and 11 (a chain nobody vouches for carries whatever purpose its
    maker wrote), but before the rules that outside information could still settle (revocation,
    a proof of time, the missing issuer, pyHanko's trust result): the certificate's own content
    already rules the signer out, and "try later" or "import the issuer" would send the reader
    after information that cannot change the answer.

    A trust problem is never a failure by itself: a chain nobody configured, a policy that no
    longer accepts an algorithm, a revocation without a proof of when the signature was made
    are what kyso cannot establish, not what the bytes disprove (EN 319 102-1 §5.1.3).
    """
    if facts.cms_error is not None:
        return _said(codes.FAILED, "FORMAT_FAILURE", facts.cms_error, "format", keep=True)
    if facts.exception is not None:
        return Decision(codes.INDETERMINATE, "GENERIC", Phrase("kyso gặp lỗi khi kiểm tra chữ ký này.",
                                                               "kyso failed while checking this signature."),
                        detail=facts.exception)
    if facts.format_problem is not None:
        return _said(codes.FAILED, "FORMAT_FAILURE", facts.format_problem, "format")
    if not facts.sub_filter_supported:
        return Decision(codes.INDETERMINATE, "GENERIC", Phrase(
            f"Định dạng chữ ký (SubFilter {facts.sub_filter}) không được hỗ trợ; chữ ký không được kiểm tra.",
            f"SubFilter {facts.sub_filter} is not supported; the signature was not checked."))
    if facts.signer_certificate_error is not None:
        return _said(codes.INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND", facts.signer_certificate_error, "format")
    if facts.other_signer_failure is not None:
        return _said(codes.FAILED, facts.other_signer_subindication, facts.other_signer_failure, "format")
    if facts.validation_error is not None:
        indic = facts.validation_error_subindication
        if indic in PROVEN_FAILURES:
            return _said(codes.FAILED, indic, facts.validation_error, "format", keep=True)
        return _said(codes.INDETERMINATE, indic or "GENERIC", facts.validation_error, "other", keep=True)
    if not facts.integrity:
        return Decision(codes.FAILED, "HASH_FAILURE", Phrase(
            "Giá trị băm của vùng dữ liệu được ký không khớp với giá trị băm trong chữ ký.",
            "The digest of the signed byte ranges does not match the signed digest."))
    if not facts.signature_valid:
        return Decision(codes.FAILED, "SIG_CRYPTO_FAILURE", Phrase(
            "Giá trị chữ ký không đúng với khóa công khai của người ký.",
            "The signature value does not verify with the signer's public key."))
    if facts.coverage not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        return Decision(codes.FAILED, "FORMAT_FAILURE", Phrase(
            f"Vùng ký không bao trọn một phiên bản của tệp (phạm vi {facts.coverage}).",
            f"The byte range does not cover a whole revision (coverage {facts.coverage})."))
    if facts.modification is None or not facts.modification.permitted:
        changes = facts.modification.changes if facts.modification is not None else ()
        return Decision(codes.FAILED, "MODIFIED_AFTER_SIGNING", join(changes) if changes else Phrase(
            "Tài liệu đã bị thay đổi sau khi ký.", "Modified after signing."))
    if facts.unvouched:
        return Decision(codes.FAILED, "MODIFIED_AFTER_SIGNING", join(facts.unvouched))
    if facts.legacy_problem:
        return _said(codes.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE", facts.legacy_problem, "other")
    if facts.untrusted_root is not None:
        # pyHanko names a self-signed signer a chain constraint failure; either way the chain
        # ends where no configured anchor is: kyso cannot establish whom the key belongs to.
        return Decision(codes.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND", Phrase(
            f"Đường dẫn chứng thực kết thúc ở '{facts.untrusted_root}', không phải chứng thư gốc tin cậy.",
            f"The chain ends at '{facts.untrusted_root}', which is not a trusted anchor."))

    proven = facts.signing_time_source == "timestamp"
    within = None
    if facts.signing_time is not None and facts.not_before is not None and facts.not_after is not None:
        t = datetime.fromisoformat(facts.signing_time)
        not_before, not_after = datetime.fromisoformat(facts.not_before), datetime.fromisoformat(facts.not_after)
        within = not_before <= t <= not_after
        # a timestamp proves the signature existed at its time: made before a certificate's
        # validity when that time is before it, but never made after its expiry or revocation
        # (anyone can have a signature timestamped later: EN 319 102-1 leaves those
        # INDETERMINATE, and so does pyHanko's AdES process without a content timestamp)
        if proven and t < not_before:
            return Decision(codes.FAILED, "NOT_YET_VALID", Phrase(
                f"Dấu thời gian chứng minh chữ ký đã có lúc {_local(facts.signing_time)}, trước khi chứng thư số "
                f"có hiệu lực ({_local(facts.not_before)}): chữ ký được tạo trước đó.",
                f"A timestamp proves the signature existed at {facts.signing_time}, before the certificate became "
                f"valid on {facts.not_before}: it was made before that."), within)

    indic = facts.trust_indication
    if indic == "CERTIFICATE_CHAIN_GENERAL_FAILURE" and facts.revocation_missing:
        # pyHanko files "no revocation information" under CERTIFICATE_CHAIN_GENERAL_FAILURE;
        # EN 319 102-1 calls it TRY_LATER, and it is outside information, not a failure.
        indic = "TRY_LATER"
    reason = "; ".join(dict.fromkeys(facts.trust_reasons)) or None
    revoked = indic in REVOCATIONS or facts.revoked
    if facts.key_purpose_problem is not None:
        return _said(codes.INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE", facts.key_purpose_problem, "trust", within)
    if revoked and proven:
        # judged at the timestamp's time (verifier.signatures.layer): revoked before it, so the
        # timestamp says nothing of when, before it, the signature was made
        return Decision(codes.INDETERMINATE, "REVOKED_NO_POE", Phrase(
            "Chứng thư số đã bị thu hồi trước thời điểm ghi trong dấu thời gian của chữ ký; dấu thời gian chỉ chứng "
            "minh chữ ký đã có vào lúc đó, không chứng minh chữ ký được tạo trước hay sau khi thu hồi.",
            "The certificate was revoked before the time of the signature's timestamp; the timestamp only proves the "
            "signature existed then, not whether it was made before or after the revocation."), within)
    if revoked:
        indic = indic if indic in REVOCATIONS else "REVOKED_NO_POE"
        if reason:
            return _said(codes.INDETERMINATE, indic, reason, "trust", within)
        return Decision(codes.INDETERMINATE, indic, Phrase(
            "Chứng thư số đã bị thu hồi và không có bằng chứng chữ ký được tạo trước đó.",
            "The certificate is revoked, and nothing proves the signature was made before."), within)
    if within is False and proven:
        return Decision(codes.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE", Phrase(
            f"Chứng thư số hết hạn ngày {_local(facts.not_after)}; dấu thời gian của chữ ký "
            f"({_local(facts.signing_time)}) chỉ chứng minh chữ ký đã có vào lúc đó, không chứng minh chữ ký được tạo "
            f"khi chứng thư còn hiệu lực.",
            f"The certificate expired on {facts.not_after}; the signature's timestamp ({facts.signing_time}) only "
            f"proves the signature existed then, not that it was made while the certificate was valid."), within)
    if within is False:
        return Decision(codes.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE", Phrase(
            f"Thời gian ký do chính người ký ghi ({_local(facts.signing_time)}) nằm ngoài thời hạn hiệu lực của chứng "
            f"thư số ({_local(facts.not_before)} đến {_local(facts.not_after)}) và không có dấu thời gian chứng minh "
            f"thời điểm ký.",
            f"The signer's own clock says {facts.signing_time}, outside the certificate's validity "
            f"({facts.not_before} to {facts.not_after}), and no timestamp proves when it was signed."), within)
    if indic == "NO_CERTIFICATE_CHAIN_FOUND":
        issuer = facts.chain_end_issuer or "?"
        return Decision(codes.INDETERMINATE, indic, Phrase(f"Không có chứng thư số của tổ chức cấp '{issuer}'.",
                                                           f"The issuer '{issuer}' is not available."), within)
    if indic in TRUST_MISSING_INFO:
        return _said(codes.INDETERMINATE, indic, reason, "trust", within)
    if indic is not None or not facts.trusted:
        return _said(codes.INDETERMINATE, indic or "CERTIFICATE_CHAIN_GENERAL_FAILURE", reason, "trust", within)
    if facts.unidentified:
        return Decision(codes.INDETERMINATE, "OVERLAY_BY_UNIDENTIFIED_SIGNER", join(facts.unidentified), True)
    return Decision(codes.PASSED, valid_at_signing_time=True)
