"""Where kyso keeps its data and how it is configured. One place, so every command agrees.

Settings come from the environment (KYSO_HOME, KYSO_DATABASE_URL) and optionally from
`$KYSO_HOME/kyso.toml` (or the file named by KYSO_CONFIG); the environment wins.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


def kyso_home() -> Path:
    """`$KYSO_HOME`, or `./kyso-data` when unset; absolute so messages show a usable path."""
    return Path(os.environ.get("KYSO_HOME") or "kyso-data").expanduser().absolute()


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    stable_seconds: float = 2.0  # a file must keep its size and mtime this long before it is taken
    max_size: int = 200 * 1024 * 1024  # larger files are quarantined unread
    rescan_seconds: float = 10.0  # the watcher rescans even without file events (lost events, network shares)
    claim_timeout: float = 600.0  # a claim on another host untouched this long is taken over
    trust: tuple[Path, ...] = ()
    intermediate: tuple[Path, ...] = ()
    crl: tuple[Path, ...] = ()
    ocsp: tuple[Path, ...] = ()
    online: bool = False
    config_file: Path | None = None  # the kyso.toml these settings name paths relative to

    @property
    def objects(self) -> Path:
        return self.home / "objects"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def tmp(self) -> Path:
        return self.home / "tmp"

    @property
    def default_inbox(self) -> Path:
        return self.home / "inbox"


class ConfigError(ValueError):
    pass


def load_settings(home: Path | None = None) -> Settings:
    home = (home or kyso_home()).absolute()
    config_path = Path(os.environ["KYSO_CONFIG"]) if os.environ.get("KYSO_CONFIG") else home / "kyso.toml"
    data: dict = {}
    if config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {config_path}: {exc}; fix the file or remove it") from exc
    base = config_path.parent

    def paths(key: str) -> tuple[Path, ...]:
        values = data.get("trust", {}).get(key, [])
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(f"{config_path}: [trust] {key} must be a path or a list of paths")
        return tuple((base / v).absolute() for v in values)

    url = os.environ.get("KYSO_DATABASE_URL") or data.get("database_url") or f"sqlite:///{home / 'kyso.sqlite'}"
    ingest = data.get("ingest", {})
    return Settings(
        home=home,
        database_url=url,
        stable_seconds=float(ingest.get("stable_seconds", 2.0)),
        max_size=int(ingest.get("max_size_mb", 200)) * 1024 * 1024,
        rescan_seconds=float(ingest.get("rescan_seconds", 10.0)),
        claim_timeout=float(ingest.get("claim_timeout_seconds", 600.0)),
        trust=paths("anchors"),
        intermediate=paths("intermediates"),
        crl=paths("crls"),
        ocsp=paths("ocsps"),
        online=bool(data.get("trust", {}).get("online", False)),
        config_file=config_path,
    )
