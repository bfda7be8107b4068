"""Why pyHanko did not trust a certificate, without reading its log.

pyHanko turns the certificate validator's exception into a sub-indication and only logs the
exception itself (generic_cms.handle_certvalidator_errors): its message is the reason a report
shows, and its type tells missing revocation data (InsufficientRevinfoError, which pyHanko files
under CERTIFICATE_CHAIN_GENERAL_FAILURE) from a failure. A process that disables logging, or
raises pyHanko's loggers above WARNING, gets no record, so the verdict must not rest on one.

So kyso asks the same question again, in the same validation context, the way pyHanko's
cms_basic_validation asked it (the algorithm usage check, then the path search and the key usage
check of validate_cert_usage), and keeps the exception. The answer cannot differ: it depends on
the certificate, the parameters and what the context holds, and nothing was added to the context
in between. With verifier.patches installed the path search is answered from pathshare's memo.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class TrustFailure:
    """What pyHanko would have logged for one layer's trust problems, in its order."""

    reasons: tuple[str, ...] = ()
    revocation_missing: bool = False
    """The signer's own path failed for want of revocation information."""


def for_signature(status, signed_data, vc, usage, ts_ctx) -> TrustFailure:
    """The reasons behind a signature's status from validate_pdf_signature: its timestamp tokens'
    (validated first, in `ts_ctx`), then the signer's (in `vc`, with the key usage `usage` given
    to pyHanko)."""
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
    from pyhanko.sign.validation.status import PdfSignatureStatus, TimestampSignatureStatus

    reasons: list[str] = []
    signer_info = signed_data["signer_infos"][0]
    ts_usage = TimestampSignatureStatus.default_usage_constraints()
    for name, signed in (("timestamp_validity", False), ("content_timestamp_validity", True)):
        token_status = getattr(status, name, None)
        if token_status is not None and ts_ctx is not None:
            token = _token_of(token_status, extract_tst_data_iter(signer_info, signed=signed))
            error = _error(token_status, token, ts_ctx, ts_usage)
            if error is not None:
                reasons.append(str(error))
    error = _error(status, signed_data, vc, PdfSignatureStatus.default_usage_constraints(usage))
    if error is not None:
        reasons.append(str(error))
    return TrustFailure(tuple(reasons), _revocation_missing(error))


def for_timestamp(status, signed_data, ts_ctx) -> TrustFailure:
    """The reason behind a document timestamp's status from validate_pdf_timestamp."""
    from pyhanko.sign.validation.status import TimestampSignatureStatus

    error = _error(status, signed_data, ts_ctx, TimestampSignatureStatus.default_usage_constraints())
    return TrustFailure(() if error is None else (str(error),), _revocation_missing(error))


def _revocation_missing(error) -> bool:
    from pyhanko_certvalidator.errors import InsufficientRevinfoError

    return isinstance(error, InsufficientRevinfoError)


def _token_of(token_status, tokens):
    """The token (SignedData) whose signer `token_status` describes: the last one pyHanko
    validated, since it stops at the first trusted token."""
    from pyhanko.sign.general import extract_certificate_info

    cert = token_status.signing_cert
    found = None
    for token in tokens:
        try:
            if extract_certificate_info(token).signer_cert.dump() == cert.dump():
                found = token
        except Exception:
            continue
    return found


def _error(status, signed_data, vc, usage) -> BaseException | None:
    """The exception pyHanko caught when it found `status` not trusted, or None when it did not
    look for a path (the signature value does not verify) or found one."""
    # pyHanko looks for a path only for a verified signature value, and a missing path is what
    # leaves a verified signature untrusted with no problem named
    if status is None or not status.valid or (status.trust_problem_indic is None and status.validation_path is not None):
        return None
    cert = status.signing_cert
    if signed_data is not None:
        refused = _algorithm_refused(signed_data, cert, vc)
        if refused is not None:
            return refused
    from pyhanko_certvalidator.errors import PathBuildingError, ValidationError

    try:
        asyncio.run(_check_usage(cert, vc, usage))
    except (ValidationError, PathBuildingError, ValueError) as exc:  # what pyHanko catches there
        return exc
    return None


def _algorithm_refused(signed_data, cert, vc) -> BaseException | None:
    """pyHanko checks the signature's algorithms against the context's policy before it looks
    for a path, and does not look when they are refused."""
    from pyhanko.sign.validation import generic_cms
    from pyhanko.sign.validation.errors import DisallowedAlgorithmError
    from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy

    enforce = getattr(generic_cms, "_enforce_algorithm_usage", None)
    if enforce is None:  # another pyHanko release: only the path's reason is known
        return None
    try:
        enforce(signed_data["signer_infos"][0], cert, CMSAlgorithmUsagePolicy.lift_policy(vc.algorithm_policy),
                time_indic=vc.best_signature_time)
    except DisallowedAlgorithmError as exc:
        return exc
    return None


async def _check_usage(cert, vc, usage) -> None:
    """pyHanko's validate_cert_usage, raising what it catches. The path search is looked up on
    pyHanko's module at call time, so that verifier.patches.pathshare answers it when installed."""
    from pyhanko.sign.validation import generic_cms
    from pyhanko_certvalidator.authority import TrustedServiceType

    path = await generic_cms.find_valid_path(cert, vc.path_builder.async_build_paths_lazy(cert),
                                             validation_context=vc, pkix_validation_params=None)
    if path.pkix_len > 0:
        usage.validate(cert)
        return
    service_type = path.trust_anchor.trust_qualifiers.trusted_service_type
    if service_type == TrustedServiceType.TIME_STAMPING_AUTHORITY:
        usage.validate(cert, extra_asserted_key_usages=set(), extra_asserted_extd_key_usages={"time_stamping"})
    elif service_type == TrustedServiceType.CERTIFICATE_AUTHORITY:
        usage.validate(cert, extra_asserted_key_usages={"crl_sign", "key_cert_sign"}, extra_asserted_extd_key_usages=set())
    elif service_type != TrustedServiceType.UNSPECIFIED:
        usage.validate(cert, extra_asserted_key_usages=set(), extra_asserted_extd_key_usages=set())
