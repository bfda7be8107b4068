"""The `[ltv]` table of kyso.toml, read apart from archive.config so the archive's own settings
stay one module's business:

    [ltv]
    tsa_url = "http://tsa.example.vn/tsa"   # RFC 3161 TSA for the audit chain timestamps and LTV copies
    timestamp_every_hours = 24               # the watcher stamps the chain head this often (0: never)
    refresh_every_hours = 6                  # the watcher, when online, refreshes stale CRLs this often (0: never)
    timeout_seconds = 10                     # per HTTP request
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.config import ConfigError, Settings
from verifier.report.codes import Phrase
from verifier.report.phrased import read_toml


@dataclass(frozen=True)
class LtvSettings:
    tsa_url: str | None = None
    timestamp_every_hours: float = 24.0
    refresh_every_hours: float = 6.0
    timeout_seconds: float = 10.0


def ltv_settings(settings: Settings) -> LtvSettings:
    path = settings.config_file
    if path is None or not path.exists():
        return LtvSettings()
    data, why = read_toml(path)
    if why is not None:
        raise ConfigError(Phrase(f"không đọc được {path}: {why.vi}; hãy sửa tệp hoặc xóa nó đi",
                                 f"cannot read {path}: {why.en}; fix the file or remove it"))
    table = data.get("ltv", {})
    if not isinstance(table, dict):
        raise ConfigError(Phrase(f"{path}: [ltv] phải là một bảng TOML", f"{path}: [ltv] must be a TOML table"))
    url = table.get("tsa_url")
    if url is not None and (not isinstance(url, str) or not url.lower().startswith(("http://", "https://"))):
        raise ConfigError(Phrase(f"{path}: [ltv] tsa_url phải là một địa chỉ http:// hoặc https://, không nhận {url!r}",
                                 f"{path}: [ltv] tsa_url must be an http:// or https:// address, not {url!r}"))

    def number(key: str, default: float) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(Phrase(f"{path}: [ltv] {key} phải là một số không âm, không nhận {value!r}",
                                     f"{path}: [ltv] {key} must be a number of at least 0, not {value!r}"))
        return float(value)

    timeout = number("timeout_seconds", 10.0)
    return LtvSettings(url, number("timestamp_every_hours", 24.0), number("refresh_every_hours", 6.0),
                       timeout if timeout > 0 else 10.0)
