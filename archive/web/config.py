"""What `kyso serve` is told: where to listen, how it is reached (TLS or a proxy that terminates
it), the limits of an upload and of a verification, and how many warm workers verify.

The command line wins over `[serve]` of kyso.toml (the file load_settings read), which wins over
the defaults here; a value of the wrong kind or out of range is a ConfigError naming the file,
the key and what it takes (the command ends with exit code 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.config import ConfigError, Settings
from archive.trust.assembly import TrustOptions
from verifier.report.codes import Phrase


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
    verbose: bool = False  # `kyso -v`: the workers log the libraries' warnings too

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


# key of [serve] -> (the ServeConfig field, its type, the least and the greatest value it takes)
KEYS: dict[str, tuple[str, type, float | None, float | None]] = {
    "host": ("host", str, None, None),
    "port": ("port", int, 0, 65535),
    "workers": ("workers", int, 1, 64),
    "max_upload_mb": ("max_upload_mb", int, 1, 4096),
    "timeout_seconds": ("verify_timeout", float, 1, None),
    "memory_limit_mb": ("memory_limit_mb", int, 256, None),
    "queue_limit": ("queue_limit", int, 0, 10000),
}


def _wanted(kind: type, low, high) -> Phrase:
    if kind is str:
        return Phrase("một chuỗi", "a string")
    noun = Phrase("một số nguyên", "a whole number") if kind is int else Phrase("một số", "a number")
    if high is None:
        return Phrase(f"{noun.vi} từ {low} trở lên", f"{noun.en} of at least {low}")
    return Phrase(f"{noun.vi} từ {low} đến {high}", f"{noun.en} from {low} to {high}")


def file_values(settings: Settings) -> dict:
    """The ServeConfig fields `[serve]` of kyso.toml sets, checked; {} without the file or the table."""
    from verifier.report.phrased import read_toml

    path = settings.config_file
    if path is None or not path.exists():
        return {}
    data, _why = read_toml(path)  # load_settings has read this very file: a broken one ended there
    table = (data or {}).get("serve", {})
    if not isinstance(table, dict):
        raise ConfigError(Phrase(f"{path}: [serve] phải là một bảng TOML", f"{path}: [serve] must be a TOML table"))
    out = {}
    for key, value in table.items():
        if key not in KEYS:
            known = ", ".join(KEYS)
            raise ConfigError(Phrase(f"{path}: [serve] không có khóa {key!r} (các khóa: {known})",
                                     f"{path}: [serve] has no key {key!r} (the keys: {known})"))
        name, kind, low, high = KEYS[key]
        numeric = kind is not str and not isinstance(value, bool) and isinstance(value, (int, float))
        fits = (isinstance(value, str) and value.strip() != "") if kind is str else (
            numeric and (kind is float or float(value).is_integer())
            and (low is None or value >= low) and (high is None or value <= high))
        if not fits:
            wanted = _wanted(kind, low, high)
            raise ConfigError(Phrase(f"{path}: [serve] {key} phải là {wanted.vi}, không nhận {value!r}",
                                     f"{path}: [serve] {key} must be {wanted.en}, not {value!r}"))
        out[name] = kind(value)
    return out
