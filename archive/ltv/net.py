"""The one HTTP client of archive.ltv: plain urllib (no new dependency), a timeout on every
request, a cap on what is read, and one error type that names the URL and what went wrong in
both languages, so a failed download is always said, never a traceback."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError

MAX_BYTES = 64 * 1024 * 1024  # the largest CRLs of the public CAs are tens of MiB
USER_AGENT = "kyso"


class FetchError(PhrasedError):
    """A download that failed; .url and .error (English) for reports and the log."""

    def __init__(self, url: str, vi: str, en: str):
        self.url, self.error = url, en
        self.reason = Phrase(vi, en)  # without the URL, for lines that name it already
        super().__init__(Phrase(f"{url}: {vi}", f"{url}: {en}"))


def fetch(url: str, *, timeout: float, data: bytes | None = None, content_type: str | None = None,
          limit: int = MAX_BYTES) -> tuple[bytes, str]:
    """(body, Content-Type) of a GET, or of a POST of `data`; FetchError otherwise."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(url, "chỉ tải được địa chỉ http:// hoặc https://", "only http:// and https:// addresses are fetched")
    headers = {"User-Agent": USER_AGENT}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(limit + 1)
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise FetchError(url, f"máy chủ trả lời HTTP {exc.code}", f"the server answered HTTP {exc.code}") from exc
    except (socket.timeout, TimeoutError) as exc:
        raise FetchError(url, f"không có trả lời sau {timeout:g} giây", f"no answer within {timeout:g} s") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FetchError(url, f"không có trả lời sau {timeout:g} giây", f"no answer within {timeout:g} s") from exc
        raise FetchError(url, f"không kết nối được ({reason})", f"cannot connect ({reason})") from exc
    except (OSError, ValueError) as exc:  # connection reset, bad URL, http.client's errors
        raise FetchError(url, f"lỗi kết nối ({exc})", f"connection failed ({exc})") from exc
    if len(body) > limit:
        raise FetchError(url, f"trả về hơn {limit // (1024 * 1024)} MiB", f"answered more than {limit // (1024 * 1024)} MiB")
    return body, kind
