"""Running the application under uvicorn: TLS when given, the proxy's X-Forwarded-* headers
only when a proxy is said to be in front, SIGTERM and Ctrl-C finish the requests in flight, and
the warm workers are stopped whatever way the server ends.

The listening socket is bound first (`listening`), before the workers start: a port already
taken or an address that is not this machine's is said at once, in a sentence, not after the
workers have warmed up as a line of uvicorn's log."""

from __future__ import annotations

import errno
import logging
import socket
import sys

from archive.web.config import ServeConfig
from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError, os_reason

log = logging.getLogger(__name__)


class ListenError(PhrasedError):
    """The address cannot be listened on; args[0] is a codes.Phrase."""


def listening(config: ServeConfig) -> socket.socket:
    """A socket bound to the configured address and listening."""
    where = f"{config.host}:{config.port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(config.host.strip("[]"), config.port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ListenError(Phrase(f"không nghe được trên {where}: không có địa chỉ này ({exc})",
                                 f"cannot listen on {where}: no such address ({exc})")) from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = os_reason(exc)
        if exc.errno == errno.EADDRINUSE:
            reason = Phrase("cổng này đang được một chương trình khác dùng", "another program is using this port")
        raise ListenError(Phrase(f"không nghe được trên {where}: {reason.vi}; chọn --port khác",
                                 f"cannot listen on {where}: {reason.en}; choose another --port")) from exc
    return sock


CONNECTIONS = 512  # open connections at most (uvicorn's limit_concurrency)


def run(app, config: ServeConfig, sock: socket.socket) -> None:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(
        app, host=config.host.strip("[]"), port=config.port, log_level="warning",
        ssl_certfile=str(config.tls_cert) if config.tls_cert else None,
        ssl_keyfile=str(config.tls_key) if config.tls_key else None,
        proxy_headers=config.behind_proxy, forwarded_allow_ips="*" if config.behind_proxy else None,
        server_header=False, timeout_graceful_shutdown=30,
        # connections beyond this are answered 503 at once: slow or idle clients cannot take every socket
        limit_concurrency=CONNECTIONS))
    try:
        server.run(sockets=[sock])
    finally:
        app.state.pool.stop()
        sock.close()
    if not server.started:  # the application's start-up failed: uvicorn has logged why
        sys.exit(6)  # archive.cli.failures.EXIT_INTERNAL (the web layer imports nothing of the CLI)
