"""archive.ltv's downloads (the TSA, the trust store's CRLs) through kyso's one HTTP client
(verifier.net.http: http and https only, a timeout on every request, a cap on what is read), its
failures as one error that names the URL and what went wrong in both languages, so a failed
download is always said, never a traceback."""

from __future__ import annotations

from verifier.net.http import MAX_BYTES, HttpError
from verifier.net.http import fetch as _fetch
from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError


class FetchError(PhrasedError):
    """A download that failed; .url and .error (English) for reports and the log."""

    def __init__(self, url: str, vi: str, en: str):
        self.url, self.error = url, en
        self.reason = Phrase(vi, en)  # without the URL, for lines that name it already
        super().__init__(Phrase(f"{url}: {vi}", f"{url}: {en}"))


def fetch(url: str, *, timeout: float, data: bytes | None = None, content_type: str | None = None,
          limit: int = MAX_BYTES) -> tuple[bytes, str | None]:
    """(body, media type or None) of a GET, or of a POST of `data`; FetchError otherwise."""
    try:
        return _fetch(url, timeout=timeout, data=data, content_type=content_type, limit=limit)
    except HttpError as exc:
        raise FetchError(url, exc.reason.vi, exc.reason.en) from None
