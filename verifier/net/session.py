"""One network session per document: every request bounded by a timeout, all of them together by
the document's budget, each URL asked at most once per document (a failure too: a responder that
hung for the first layer is not waited for again by the second), every attempt recorded.

Plain urllib (verifier.net.http, kyso's one HTTP client) in a worker thread, not aiohttp:
pyHanko runs each layer's validation in its own event loop (asyncio.run), and an aiohttp session
is bound to the loop that made it, so one session could not serve the layers of a document.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from verifier.net import http
from verifier.report.codes import Phrase

DEFAULT_TIMEOUT = 5.0  # seconds per request: a CA's CRL of a few MB comes in well under it
# seconds per document: with every service hanging, a document ends after about this long (the
# root's OCSP and CRL, then the issuing CA's, each waited for once), well under the 30 s a clerk
# waits before thinking kyso is stuck
DEFAULT_BUDGET = 15.0


class NetError(Exception):
    """A request that brought nothing usable: `reason` (a codes.Phrase) says why in both
    languages, str() in English (pyHanko's messages and the report's `fetched`)."""

    def __init__(self, reason):
        self.reason = reason if isinstance(reason, Phrase) else Phrase(str(reason), str(reason))
        super().__init__(self.reason.en)


@dataclass
class Fetch:
    """One URL asked during a document's verification (the report's `fetched` item)."""

    url: str
    kind: str  # crl | ocsp | certificate
    result: str = "ok"  # "ok" or what went wrong (English, as the JSON report says it)
    layers: list[int] = field(default_factory=list)  # the layers that asked for it (1-based)
    time: str = ""  # when it was asked (UTC, ISO 8601)
    seconds: float = 0.0  # how long it took
    data: list[bytes] = field(default_factory=list, repr=False)  # DER of what came back and was used
    reason: object = field(default=None, repr=False)  # what went wrong in both languages (a codes.Phrase)

    @property
    def ok(self) -> bool:
        return self.result == "ok"

    def to_dict(self) -> dict:
        return {"url": self.url, "kind": self.kind, "result": self.result, "layers": list(self.layers),
                "time": self.time, "seconds": round(self.seconds, 3)}


class NetSession:
    def __init__(self, timeout: float = DEFAULT_TIMEOUT, budget: float = DEFAULT_BUDGET,
                 private_addresses: bool = False):
        self.timeout = float(timeout)
        self.budget = float(budget)
        # the document's certificates name the addresses: only hosts on the internet unless the
        # operator allows the local networks too (verifier.net.http)
        self.private_addresses = private_addresses
        self.layer: int | None = None  # the layer being validated, set by verifier.signatures.layer
        self.fetches: list[Fetch] = []
        self._by_key: dict[tuple, Fetch] = {}
        self._results: dict[tuple, object] = {}
        self._deadline: float | None = None  # set by the first request
        # a URL that refused or did not answer is not asked again in this document (another
        # certificate's OCSP request to the same responder would only wait as long again)
        self._dead: dict[str, Phrase] = {}
        self._lock = threading.Lock()

    # --- bookkeeping ------------------------------------------------------------------------

    def _served(self, fetch: Fetch) -> None:
        if self.layer is not None and self.layer not in fetch.layers:
            fetch.layers.append(self.layer)

    def cached(self, key: tuple):
        """(Fetch, result) of a key asked before in this document, or None."""
        with self._lock:
            fetch = self._by_key.get(key)
            if fetch is None:
                return None
            self._served(fetch)
            return fetch, self._results.get(key)

    def touch(self, key: tuple) -> None:
        """A result of an earlier request used again, by the layer being validated."""
        self.cached(key)

    def served(self, kind: str | None = None, ok: bool | None = None) -> list[Fetch]:
        """The requests that served the layer being validated."""
        return [f for f in self.fetches if self.layer in f.layers and (kind is None or f.kind == kind)
                and (ok is None or f.ok == ok)]

    def remaining(self) -> float:
        with self._lock:
            if self._deadline is None:
                self._deadline = time.monotonic() + self.budget
            return self._deadline - time.monotonic()

    # --- the one way a request is made ------------------------------------------------------

    def request(self, key: tuple, url: str, kind: str, *, body: bytes | None = None,
                content_type: str | None = None, accept: str = "*/*", parse=None):
        """`parse(bytes, content_type)` of what `url` returns, asked at most once per document
        under `key`; raises NetError with the reason (also recorded) when nothing usable came."""
        seen = self.cached(key)
        if seen is not None:
            fetch, result = seen
            if isinstance(result, Exception):
                raise result
            return result
        fetch = Fetch(url=url, kind=kind, time=datetime.now(timezone.utc).replace(microsecond=0).isoformat())
        with self._lock:
            self._by_key[key] = fetch
            self.fetches.append(fetch)
            self._served(fetch)
        started = time.monotonic()
        limit = min(self.timeout, self.remaining())
        try:
            if url in self._dead:
                dead = self._dead[url]
                raise NetError(Phrase(f"không hỏi lại: {dead.vi} ở lần hỏi trước trong văn bản này",
                                      f"not asked again: {dead.en} earlier in this document"))
            if limit <= 0:
                raise NetError(Phrase(f"không hỏi: đã dùng hết {self.budget:g} giây dành cho mạng của văn bản này",
                                      f"not asked: the document's network budget of {self.budget:g} s was used up"))
            data, ctype = http.fetch(url, timeout=limit, data=body, content_type=content_type, accept=accept,
                                     private_addresses=self.private_addresses)
            result = parse(data, ctype) if parse is not None else data
        except Exception as exc:  # anything at all: a fetch never breaks a validation
            if isinstance(exc, NetError):
                error = exc
            elif isinstance(exc, http.HttpError):
                error = NetError(exc.reason)
                if exc.unreachable:
                    self._dead.setdefault(url, exc.reason)
            else:  # what came back could not be parsed
                text = " ".join(str(exc).split()) or type(exc).__name__  # asn1crypto's run over lines
                error = NetError(Phrase(f"nội dung trả về không đọc được ({text})", f"the answer cannot be read ({text})"))
            fetch.result, fetch.reason, fetch.seconds = str(error), error.reason, time.monotonic() - started
            self._results[key] = error
            raise error from None
        fetch.seconds = time.monotonic() - started
        self._results[key] = result
        return result

    def records(self) -> list[dict]:
        return [f.to_dict() for f in self.fetches]
