"""Running the application under uvicorn: TLS when given, the proxy's X-Forwarded-* headers
only when a proxy is said to be in front, SIGTERM and Ctrl-C finish the requests in flight, and
the warm workers are stopped whatever way the server ends (a port already taken, too)."""

from __future__ import annotations

import logging

from archive.web.config import ServeConfig

log = logging.getLogger(__name__)


def run(app, config: ServeConfig) -> None:
    import uvicorn

    try:
        uvicorn.run(app, host=config.host, port=config.port, log_level="warning",
                    ssl_certfile=str(config.tls_cert) if config.tls_cert else None,
                    ssl_keyfile=str(config.tls_key) if config.tls_key else None,
                    proxy_headers=config.behind_proxy, forwarded_allow_ips="*" if config.behind_proxy else None,
                    server_header=False, timeout_graceful_shutdown=30)
    finally:
        app.state.pool.stop()
