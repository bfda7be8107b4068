"""Where kyso keeps its data and how it is configured. One place, so every command agrees.

Settings come from the environment (KYSO_HOME, KYSO_DATABASE_URL, KYSO_INBOX) and optionally from
`$KYSO_HOME/kyso.toml` (or the file named by KYSO_CONFIG); the environment wins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError, read_toml


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
    # [network] of kyso.toml (issue 15): seconds per request and per document of --online
    net_timeout: float = 5.0
    net_budget: float = 15.0
    # whether --online may ask the loopback, private and link-local networks the certificates of
    # a document name (verifier.net.http): [network] private_addresses, or
    # KYSO_NET_PRIVATE_ADDRESSES=1; off, a certificate anyone made cannot send kyso's requests
    # to this machine or its network
    net_private_addresses: bool = False
    config_file: Path | None = None  # the kyso.toml these settings name paths relative to
    inbox: Path | None = None  # the watched folder when `kyso watch` is given none

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
    def trust_store(self) -> Path:
        return self.home / "trust"

    @property
    def audit_head(self) -> Path:
        """The last event of the audit chain, kept outside the database (archive.db.events)."""
        return self.home / "audit-head.json"

    @property
    def default_inbox(self) -> Path:
        """KYSO_INBOX, `[ingest] inbox`, or a folder beside the home (`kyso-data-inbox` for
        `kyso-data`): never inside it, so that whoever may write the inbox reaches nothing of
        the archive (check_inbox)."""
        return self.inbox or self.home.parent / f"{self.home.name}-inbox"

    def database_file(self) -> Path | None:
        """The SQLite database file, when the database is one."""
        from sqlalchemy.engine import make_url

        try:
            url = make_url(self.database_url)
        except Exception:
            return None
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return Path(url.database).absolute()

    def protected(self) -> dict[str, Path]:
        """What kyso must keep out of reach of whoever can write the inbox (names: PROTECTED),
        the most specific first."""
        out = {"objects": self.objects, "trust": self.trust_store, "audit_head": self.audit_head}
        db = self.database_file()
        if db is not None:
            out["database"] = db
            for suffix in ("-wal", "-shm", "-journal"):  # SQLite's files beside it
                out["database" + suffix] = db.with_name(db.name + suffix)
        if self.config_file is not None:
            out["config"] = self.config_file
        out["home"] = self.home
        return out


PROTECTED = {
    "objects": ("các tệp đã lưu trữ", "the stored objects"),
    "trust": ("kho tin cậy", "the trust store"),
    "audit_head": ("đầu chuỗi nhật ký kiểm tra", "the audit chain head"),
    "database": ("cơ sở dữ liệu", "the database"),
    "database-wal": ("tệp WAL của cơ sở dữ liệu", "the database's WAL file"),
    "database-shm": ("tệp SHM của cơ sở dữ liệu", "the database's SHM file"),
    "database-journal": ("tệp nhật ký của cơ sở dữ liệu", "the database's journal"),
    "config": ("tệp cấu hình", "the settings file"),
    "home": ("thư mục kho lưu trữ KYSO_HOME", "the archive home, KYSO_HOME"),
}


class ConfigError(PhrasedError, ValueError):
    """Settings that cannot be used; args[0] is a codes.Phrase (str() gives the English)."""


class InboxOverlap(ConfigError):
    """The inbox is, contains or lies inside something kyso must protect."""

    def __init__(self, inbox: Path, what: str, path: Path, relation: str):
        self.inbox, self.what, self.path, self.relation = inbox, what, path, relation
        super().__init__(Phrase(self.message("vi"), self.message("en")))

    def message(self, lang: str = "en") -> str:
        if lang == "vi":
            rel = {"is": "chính là", "contains": "chứa", "inside": "nằm trong"}[self.relation]
            return (f"thư mục nhận {self.inbox} {rel} {self.path} ({PROTECTED[self.what][0]}): ai ghi được vào thư mục nhận sẽ "
                    "với tới dữ liệu của kho lưu trữ. Hãy dùng một thư mục nhận nằm ngoài KYSO_HOME, "
                    "ví dụ /srv/van-thu/den (xem README, mục Deployment).")
        rel = {"is": "is", "contains": "contains", "inside": "lies inside"}[self.relation]
        return (f"the inbox {self.inbox} {rel} {self.path} ({PROTECTED[self.what][1]}): whoever can write the inbox would reach "
                "the archive's own data. Use an inbox outside KYSO_HOME, e.g. /srv/van-thu/den (README, Deployment).")


def _real(path: Path) -> Path:
    """The path with every symbolic link resolved, as far as it exists: a link cannot hide that
    two paths are one."""
    return Path(os.path.realpath(path))


def check_inbox(settings: Settings, inbox: Path) -> None:
    """Refuse an inbox that is, contains or lies inside any protected path (Settings.protected),
    compared by real paths. Raises InboxOverlap."""
    real_inbox = _real(inbox)
    for what, path in settings.protected().items():
        real = _real(path)
        if real_inbox == real:
            raise InboxOverlap(inbox, what, path, "is")
        if real.is_relative_to(real_inbox):
            raise InboxOverlap(inbox, what, path, "contains")
        if real_inbox.is_relative_to(real):
            raise InboxOverlap(inbox, what, path, "inside")


def _private_addresses(network: dict, config_path) -> bool:
    value = network.get("private_addresses", os.environ.get("KYSO_NET_PRIVATE_ADDRESSES", "") in ("1", "true", "yes"))
    if not isinstance(value, bool):
        raise ConfigError(Phrase(f"{config_path}: [network] private_addresses phải là true hoặc false, không nhận {value!r}",
                                 f"{config_path}: [network] private_addresses must be true or false, not {value!r}"))
    return value


def load_settings(home: Path | None = None) -> Settings:
    home = (home or kyso_home()).absolute()
    config_path = Path(os.environ["KYSO_CONFIG"]) if os.environ.get("KYSO_CONFIG") else home / "kyso.toml"
    data: dict = {}
    if config_path.exists():
        data, why = read_toml(config_path)
        if why is not None:
            raise ConfigError(Phrase(f"không đọc được {config_path}: {why.vi}; hãy sửa tệp hoặc xóa nó đi",
                                     f"cannot read {config_path}: {why.en}; fix the file or remove it"))
    base = config_path.parent

    def paths(key: str) -> tuple[Path, ...]:
        values = data.get("trust", {}).get(key, [])
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(Phrase(f"{config_path}: [trust] {key} phải là một đường dẫn hoặc danh sách đường dẫn",
                                     f"{config_path}: [trust] {key} must be a path or a list of paths"))
        return tuple((base / v).absolute() for v in values)

    url = os.environ.get("KYSO_DATABASE_URL") or data.get("database_url") or f"sqlite:///{home / 'kyso.sqlite'}"
    ingest = data.get("ingest", {})
    if not isinstance(ingest, dict) or not isinstance(data.get("trust", {}), dict):
        raise ConfigError(Phrase(f"{config_path}: [ingest] và [trust] phải là các bảng TOML",
                                 f"{config_path}: [ingest] and [trust] must be TOML tables"))
    if os.environ.get("KYSO_INBOX"):
        inbox = Path(os.environ["KYSO_INBOX"]).absolute()
    elif "inbox" in ingest:
        if not isinstance(ingest["inbox"], str):
            raise ConfigError(Phrase(f"{config_path}: [ingest] inbox phải là một đường dẫn",
                                     f"{config_path}: [ingest] inbox must be a path"))
        inbox = (base / ingest["inbox"]).absolute()
    else:
        inbox = None

    def number(key: str, default: float) -> float:
        # a string or a table here would otherwise end the command in a traceback
        value = ingest.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(Phrase(f"{config_path}: [ingest] {key} phải là một số không âm, không nhận {value!r}",
                                     f"{config_path}: [ingest] {key} must be a number of at least 0, not {value!r}"))
        return value

    network = data.get("network", {})
    if not isinstance(network, dict):
        raise ConfigError(Phrase(f"{config_path}: [network] phải là một bảng TOML",
                                 f"{config_path}: [network] must be a TOML table"))

    def seconds(key: str, default: float) -> float:
        value = network.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(Phrase(f"{config_path}: [network] {key} phải là một số giây lớn hơn 0, không nhận {value!r}",
                                     f"{config_path}: [network] {key} must be a number of seconds above 0, not {value!r}"))
        return float(value)

    return Settings(
        home=home,
        database_url=url,
        stable_seconds=float(number("stable_seconds", 2.0)),
        max_size=int(number("max_size_mb", 200)) * 1024 * 1024,
        rescan_seconds=float(number("rescan_seconds", 10.0)),
        claim_timeout=float(number("claim_timeout_seconds", 600.0)),
        trust=paths("anchors"),
        intermediate=paths("intermediates"),
        crl=paths("crls"),
        ocsp=paths("ocsps"),
        online=bool(data.get("trust", {}).get("online", False)) or bool(network.get("online", False)),
        net_timeout=seconds("timeout_seconds", 5.0),
        net_budget=seconds("budget_seconds", 15.0),
        net_private_addresses=_private_addresses(network, config_path),
        config_file=config_path,
        inbox=inbox,
    )
