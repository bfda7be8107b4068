"""kyso's one HTTP client: plain urllib (no new dependency), http and https only, a timeout on
every request, a cap on what is read, and every failure as one HttpError whose reason is said in
both languages, so that a report or a command says it in the reader's. Used for --online
(verifier.net.session: CRLs, OCSP, caIssuers) and by the archive (archive.ltv.net: the TSA, the
trust store's CRLs).

The addresses of --online come from the certificates of the document, which anyone can make: a
request with `private_addresses=False` (the session's, unless the operator allows them) is sent
only to a host whose address is on the internet, not to the loopback, private, link-local or
other special networks of the machine running kyso (red team, 2026-12-06: a certificate's
caIssuers at http://127.0.0.1/admin/... was asked). Every address of the host is checked before
a packet is sent to it, and the one checked is the one connected to, for every redirection too
(at most MAX_REDIRECTS, http and https only); through a proxy, the proxy's own rules apply. The
timeout bounds the whole request, however slowly an answer comes (a watchdog closes the
connection when it is spent), not each read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import urllib.error
import urllib.request

from verifier.report.codes import Phrase

MAX_BYTES = 64 * 1024 * 1024  # the largest CRLs of the public CAs are tens of MiB
USER_AGENT = "kyso"
MAX_REDIRECTS = 3
CHUNK = 64 * 1024


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


class _Refused(OSError):
    """A connection kyso will not use: raised inside urllib, said as an HttpError."""

    def __init__(self, reason: Phrase):
        super().__init__(reason.en)
        self.reason = reason


class _Guard:
    """One request's deadline and address rule, shared by the connections it opens (one per
    redirection): each is checked when it connects and closed when the time is spent."""

    def __init__(self, timeout: float, private_addresses: bool):
        self.private_addresses = private_addresses
        self.expired = False
        self._sockets: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout, self.expire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.cancel()

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    def opened(self, sock) -> None:
        with self._lock:
            if self.expired:
                _shut(sock)
                return
            self._sockets.append(sock)

    def connect(self, address, timeout, source_address=None):
        """socket.create_connection that connects only to the addresses on the internet of the
        host: each is checked before a packet is sent to it, and the one checked is the one
        connected to (a name resolved twice could answer a local address the second time)."""
        host, port = address
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        failure, refused = None, None
        for family, kind, proto, _, sockaddr in infos:
            candidate = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
            if _local(candidate):
                refused = refused or candidate
                continue
            sock = socket.socket(family, kind, proto)
            try:
                if isinstance(timeout, (int, float)):  # not urllib's "the default" sentinel
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                failure = exc
        if failure is not None or refused is None:
            raise failure or OSError(f"no address for {host}")
        raise _Refused(Phrase(
            f"không hỏi: {refused} là địa chỉ trong mạng nội bộ hoặc của chính máy này, không phải một địa chỉ "
            f"trên Internet (người quản trị cho phép bằng [network] private_addresses = true)",
            f"not asked: {refused} is a local or private network address, not one on the internet (an "
            f"operator allows them with [network] private_addresses = true)"))

    def connection(self, base, req):
        guard = self
        # through a proxy, the host connected to is the proxy, whose own rules apply
        checked = not (self.private_addresses or req.has_proxy() or getattr(req, "_tunnel_host", None))

        class Connection(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if checked:
                    self._create_connection = guard.connect

            def connect(self):
                super().connect()
                guard.opened(self.sock)

        return Connection


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _local(address) -> bool:
    """Whether an address is not one on the internet: itself, or the IPv4 address an IPv6 one
    carries (mapped, NAT64, 6to4, Teredo, the old IPv4-compatible form), which a router may
    reach (Python's `is_global` calls 64:ff9b::a00:1, that is 10.0.0.1, global)."""
    carried = []
    if address.version == 6:
        if address.is_site_local:
            return True
        if address in _NAT64 or address in _IPV4_COMPATIBLE:
            carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        carried += [a for a in (address.ipv4_mapped, address.sixtofour, *(address.teredo or ())) if a is not None]
    return not all(a.is_global for a in (address, *carried))


def _shut(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Http(urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def http_open(self, req):
        return self.do_open(self.guard.connection(http.client.HTTPConnection, req), req)


class _Https(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def https_open(self, req):
        return self.do_open(self.guard.connection(http.client.HTTPSConnection, req), req,
                            context=self._context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """At most MAX_REDIRECTS redirections in all: urllib counts distinct addresses and repeats of
    each, so a loop between two addresses went eight times round."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            scheme = newurl.split(":", 1)[0] if ":" in newurl else newurl[:20]
            raise _Refused(Phrase(f"không theo chuyển hướng tới {scheme}: (chỉ http:// và https://)",
                                  f"redirection to {scheme}: not followed (only http:// and https://)"))
        hops = getattr(req, "kyso_redirections", 0) + 1
        if hops > MAX_REDIRECTS:
            raise _Refused(Phrase(f"quá {MAX_REDIRECTS} lần chuyển hướng (HTTP {code})",
                                  f"more than {MAX_REDIRECTS} redirections (HTTP {code})"))
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.kyso_redirections = hops
        return new


def _read(response, limit: int, guard: _Guard) -> bytes:
    """The body, a chunk at a time so that the watchdog's deadline holds: up to one chunk more
    than `limit` (the caller refuses that). An answer closed before the length it announced is
    an error, as urllib's whole read would have had it."""
    chunks, size = [], 0
    while size <= limit:
        chunk = response.read1(CHUNK)
        if not chunk or guard.expired:
            break
        chunks.append(chunk)
        size += len(chunk)
    else:
        return b"".join(chunks)
    if not guard.expired and response.length:  # the server closed before the announced length
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)


def fetch(url: str, *, timeout: float, data: bytes | None = None, content_type: str | None = None,
          accept: str = "*/*", limit: int = MAX_BYTES, private_addresses: bool = True) -> tuple[bytes, str | None]:
    """(body, media type or None) of a GET, or of a POST of `data`, within `timeout` seconds in
    all; HttpError otherwise. `private_addresses=False`: only hosts on the internet are asked."""
    if not url.lower().startswith(("http://", "https://")):
        scheme = url.split(":", 1)[0] if ":" in url else url[:20]
        raise HttpError(Phrase(f"không tải: chỉ tải được địa chỉ http:// hoặc https:// (không phải {scheme}:)",
                               f"not asked: only http:// and https:// addresses are fetched (not {scheme}:)"))
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    guard = _Guard(timeout, private_addresses)
    opener = urllib.request.build_opener(_Http(guard), _Https(guard), _Redirects())
    guard.start()
    try:
        with opener.open(request, timeout=timeout) as response:  # http(s) only, checked above and on redirection
            body = _read(response, limit, guard)
            kind = response.headers.get_content_type() if response.headers.get("Content-Type") else None
        if guard.expired:
            raise _no_answer(timeout)
    except HttpError:
        raise
    except Exception as exc:  # noqa: BLE001 - said below, each as what it is
        if guard.expired:
            raise _no_answer(timeout) from None
        raise _said(exc, timeout) from None
    finally:
        guard.stop()
    if len(body) > limit:
        size = limit // (1024 * 1024)
        raise HttpError(Phrase(f"trả về hơn {size} MiB", f"the answer is larger than {size} MiB"))
    return body, kind


def _said(exc: Exception, timeout: float) -> HttpError:
    """The HttpError of what urllib raised."""
    if isinstance(exc, urllib.error.HTTPError):
        return HttpError(Phrase(f"máy chủ trả lời HTTP {exc.code} {exc.reason}",
                                f"the server answered HTTP {exc.code} {exc.reason}"))
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, http.client.IncompleteRead):
        got, missing = len(reason.partial), reason.expected
        return HttpError(Phrase(f"câu trả lời bị cắt ngang ({got} byte, còn thiếu {missing} byte)",
                                f"the answer was cut short ({got} bytes, {missing} missing)"))
    if isinstance(reason, _Refused):
        return HttpError(reason.reason)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return _no_answer(timeout)
    if isinstance(reason, (OSError, urllib.error.URLError)):  # refused, reset by the peer while reading
        return _cannot_connect(reason)
    # not HTTP at all (http.client.HTTPException), a malformed URL (ValueError), and the like
    return HttpError(Phrase(f"trả lời không phải HTTP hợp lệ ({exc or type(exc).__name__})",
                            f"the answer is not valid HTTP ({exc or type(exc).__name__})"))
