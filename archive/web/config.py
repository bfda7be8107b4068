"""What `kyso serve` is told: where to listen, how it is reached (TLS or a proxy that terminates
it), the limits of an upload and of a verification, and how many warm workers verify."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.config import Settings
from archive.trust.assembly import TrustOptions


@dataclass
class ServeConfig:
    settings: Settings
    host: str = "127.0.0.1"
    port: int = 8080
    tls_cert: Path | None = None
    tls_key: Path | None = None
    behind_proxy: bool = False  # a reverse proxy terminates TLS: secure cookies, X-Forwarded-* trusted
    trust: TrustOptions = field(default_factory=TrustOptions)
    workers: int = 2  # warm verification processes
    max_upload_mb: int = 50
    verify_timeout: float = 120.0  # seconds per verification before its worker is stopped
    memory_limit_mb: int = 2048  # address space of each worker
    queue_limit: int = 32  # requests waiting for a worker beyond this are answered 503 at once
    inbox: Path | None = None  # the watched folder whose state the console shows (default: the settings')
    lang: str = "vi"  # the console's default language

    @property
    def secure(self) -> bool:
        """Whether browsers reach us over HTTPS (cookies marked Secure)."""
        return self.tls_cert is not None or self.behind_proxy

    @property
    def max_upload(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def watched(self) -> Path:
        return self.inbox or self.settings.default_inbox
