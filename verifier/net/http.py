"""kyso's one HTTP client: plain urllib (no new dependency), http and https only, a timeout on
every request, a cap on what is read, and every failure as one HttpError whose reason is said in
both languages, so that a report or a command says it in the reader's. Used for --online
(verifier.net.session: CRLs, OCSP, caIssuers) and by the archive (archive.ltv.net: the TSA, the
trust store's CRLs).
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request

from verifier.report.codes import Phrase

MAX_BYTES = 64 * 1024 * 1024  # the largest CRLs of the public CAs are tens of MiB
USER_AGENT = "kyso"


class HttpError(Exception):
    """A request that brought nothing: `reason` says why in both languages (str() is the
    English); `unreachable` when the host did not answer at all (refused, no answer, no route),
    as opposed to an answer that was refused or is too large."""

    def __init__(self, reason: Phrase, unreachable: bool = False):
        super().__init__(reason.en)
        self.reason = reason
        self.unreachable = unreachable


def _no_answer(timeout: float) -> HttpError:
    return HttpError(Phrase(f"không có trả lời sau {timeout:g} giây", f"no answer within {timeout:g} s"), True)


def _cannot_connect(reason) -> HttpError:
    if isinstance(reason, ConnectionRefusedError):
        return HttpError(Phrase("không kết nối được (máy chủ từ chối kết nối)", "cannot connect (connection refused)"), True)
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return HttpError(Phrase(f"không kết nối được ({text})", f"cannot connect ({text})"), True)


def fetch(url: str, *, timeout: float, data: bytes | None = None, content_type: str | None = None,
          accept: str = "*/*", limit: int = MAX_BYTES) -> tuple[bytes, str | None]:
    """(body, media type or None) of a GET, or of a POST of `data`; HttpError otherwise."""
    if not url.lower().startswith(("http://", "https://")):
        scheme = url.split(":", 1)[0] if ":" in url else url[:20]
        raise HttpError(Phrase(f"không tải: chỉ tải được địa chỉ http:// hoặc https:// (không phải {scheme}:)",
                               f"not asked: only http:// and https:// addresses are fetched (not {scheme}:)"))
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked above
            body = response.read(limit + 1)
            kind = response.headers.get_content_type() if response.headers.get("Content-Type") else None
    except urllib.error.HTTPError as exc:
        raise HttpError(Phrase(f"máy chủ trả lời HTTP {exc.code} {exc.reason}",
                               f"the server answered HTTP {exc.code} {exc.reason}")) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
            raise _no_answer(timeout) from None
        raise _cannot_connect(reason) from None
    except (socket.timeout, TimeoutError):
        raise _no_answer(timeout) from None
    except OSError as exc:  # reset by the peer while reading, and the like
        raise _cannot_connect(exc) from None
    except (http.client.HTTPException, ValueError) as exc:  # not HTTP at all, a malformed URL
        raise HttpError(Phrase(f"trả lời không phải HTTP hợp lệ ({exc or type(exc).__name__})",
                               f"the answer is not valid HTTP ({exc or type(exc).__name__})")) from None
    if len(body) > limit:
        size = limit // (1024 * 1024)
        raise HttpError(Phrase(f"trả về hơn {size} MiB", f"the answer is larger than {size} MiB"))
    return body, kind
