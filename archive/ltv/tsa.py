"""RFC 3161 with a TSA: asking for a token over a digest, and checking a token later.

pyHanko's own HTTP time stampers need `requests` or `aiohttp` sessions; this one posts through
archive.ltv.net so a TSA that hangs or refuses is one FetchError with the URL, and the same
object serves pyHanko's PdfTimeStamper for the LTV copies."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, tsp
from pyhanko.sign.timestamps.api import TimeStamper

from archive.ltv.net import FetchError, fetch


class TsaError(FetchError):
    """The TSA answered, but not with a usable token."""


class UrlTimeStamper(TimeStamper):
    def __init__(self, url: str, timeout: float):
        super().__init__()
        self.url, self.timeout = url, timeout

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        body, kind = await asyncio.to_thread(
            fetch, self.url, timeout=self.timeout, data=req.dump(), content_type="application/timestamp-query")
        try:
            response = tsp.TimeStampResp.load(body)
            status = response["status"]["status"].native
        except Exception as exc:  # asn1crypto raises many types on bytes that are not a reply
            raise TsaError(self.url, f"trả lời không phải phản hồi RFC 3161 ({kind or 'không rõ kiểu'})",
                           f"the answer is not an RFC 3161 response ({kind or 'no content type'})") from exc
        if status not in ("granted", "granted_with_mods"):
            raise TsaError(self.url, f"máy chủ dấu thời gian từ chối yêu cầu ({status})",
                           f"the TSA refused the request ({status})")
        return response


def stamp_digest(url: str, digest: bytes, timeout: float, md_algorithm: str = "sha256") -> cms.ContentInfo:
    """A token whose message imprint is `digest` (already a hash with `md_algorithm`)."""
    stamper = UrlTimeStamper(url, timeout)
    try:
        return asyncio.run(stamper.async_timestamp(digest, md_algorithm))
    except FetchError:
        raise
    except Exception as exc:  # pyHanko's TimestampRequestError and checks of the reply (nonce, imprint)
        raise TsaError(url, f"phản hồi của máy chủ dấu thời gian không dùng được ({exc})",
                       f"the TSA's response cannot be used ({exc})") from exc


@dataclass(frozen=True)
class TokenCheck:
    intact: bool  # the token's signature holds and its imprint is the expected one
    trusted: bool  # the TSA's certificate chains to an anchor of the trust configuration
    gen_time: datetime | None
    tsa: str  # the TSA certificate's subject, for people
    problem: str | None  # English, when not intact


def token_info(token: bytes) -> tuple[datetime, bytes, str]:
    """(genTime, hashed message, hash algorithm) of a DER token."""
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    imprint = info["message_imprint"]
    return info["gen_time"].native, imprint["hashed_message"].native, imprint["hash_algorithm"]["algorithm"].native


def check_token(token: bytes, digest: bytes, trust, md_algorithm: str = "sha256") -> TokenCheck:
    """Whether `token` (DER) proves that `digest` existed at its genTime, under `trust` (a
    verifier TrustConfig; the TSA's revocation as timestamps are judged: soft-fail)."""
    from datetime import timezone

    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data

    from verifier.trust.certinfo import format_name
    from verifier.trust.config import timestamp_context

    try:
        signed = cms.ContentInfo.load(token)["content"]
        gen_time, hashed, algo = token_info(token)
    except Exception as exc:  # not a token at all
        return TokenCheck(False, False, None, "?", f"the stored token cannot be read ({exc})")
    if algo != md_algorithm or hashed != digest:
        return TokenCheck(False, False, gen_time, "?", f"the token's imprint {hashed.hex()[:16]}… is not the chain head "
                                                        f"{digest.hex()[:16]}…")
    # judged at its own genTime: a TSA certificate expires long before an archive does, and each
    # later token over the chain covers the earlier ones (archive.ltv.chainstamp)
    context = timestamp_context(trust, gen_time or datetime.now(timezone.utc))
    try:
        status = asyncio.run(validate_tst_signed_data(signed, context, lambda _algo: digest))
    except Exception as exc:  # a token pyHanko cannot even parse as signed data
        return TokenCheck(False, False, gen_time, "?", f"the token cannot be validated ({exc})")
    cert = status.get("signing_cert")
    tsa = format_name(cert.subject) if cert is not None else "?"
    intact = bool(status.get("intact")) and bool(status.get("valid"))
    trusted = intact and bool(status.get("trust_problem_indic") is None and status.get("validation_path"))
    return TokenCheck(intact, trusted, gen_time, tsa, None if intact else "the token's signature does not hold")
