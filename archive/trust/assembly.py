"""The one trust assembly every command uses: the `[trust]` settings of kyso.toml, the local
trust store, the command's own trust options and the policy, in one TrustConfig.

No click here: a problem is a TrustSetupError naming the option or setting it concerns, which
the CLI turns into a usage error and the watcher reports without crashing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.config import ConfigError, Settings, load_settings
from verifier.report.codes import Phrase, say
from verifier.report.phrased import os_reason


class TrustSetupError(Exception):
    """Trust material, trust store or policy that cannot be used. `where` names what to fix:
    an option (`--trust`) or a setting (`/srv/kyso/kyso.toml [trust] anchors`). Both are given
    as codes.Phrases (or plain text), read in the reader's language with `what`/`text`;
    `message`, `where` and str() are the English."""

    def __init__(self, message: "Phrase | str", where: "Phrase | str"):
        super().__init__(message)
        self.said, self.where_said = message, where
        self.message, self.where = say(message, "en"), say(where, "en")

    def what(self, lang: str) -> str:
        """The message alone (an option's bad value: click names the option)."""
        return say(self.said, lang)

    def text(self, lang: str) -> str:
        return f"{say(self.where_said, lang)}: {self.what(lang)}"

    def __str__(self) -> str:
        return self.text("en")


def _said(exc: Exception) -> "Phrase | str":
    """An error's Phrase when it carries one (PhrasedError), else its text."""
    phrase = getattr(exc, "phrase", None)
    return phrase if isinstance(phrase, Phrase) else str(exc)


@dataclass(frozen=True)
class TrustOptions:
    """What one command asks for on top of the settings (picklable: watch workers get it)."""

    trust: tuple[Path, ...] = ()
    intermediate: tuple[Path, ...] = ()
    crl: tuple[Path, ...] = ()
    ocsp: tuple[Path, ...] = ()
    online: bool = False
    use_store: bool = True
    policy: str | None = None  # a policy name or a file path
    ocr: bool = True  # read scanned pages by OCR for the metadata (kyso verify --no-ocr turns it off)
    net_timeout: float | None = None  # --net-timeout (None: [network] timeout_seconds, else the default)
    net_budget: float | None = None  # --net-budget (None: [network] budget_seconds, else the default)


def assemble_trust(options: TrustOptions = TrustOptions(), settings: Settings | None = None):
    """The TrustConfig of one command: the trust store (unless `use_store` is off), then the
    material kyso.toml's [trust] names, then the command's files; online if either asks for it.
    `settings` default to load_settings() (KYSO_HOME, KYSO_CONFIG)."""
    from verifier.policy.policyfile import PolicyError
    from verifier.policy.policyfile import load as load_policy
    from verifier.trust import material
    from verifier.trust.config import TrustConfig

    from archive.trust.store import TrustStore, TrustStoreError

    if settings is None:
        try:
            settings = load_settings()
        except ConfigError as exc:
            raise TrustSetupError(_said(exc), "kyso.toml") from exc
    try:
        config = TrustConfig(online=options.online or settings.online, policy=load_policy(options.policy),
                             ocr=options.ocr, net_timeout=options.net_timeout or settings.net_timeout,
                             net_budget=options.net_budget or settings.net_budget,
                             net_private_addresses=settings.net_private_addresses)
    except PolicyError as exc:
        raise TrustSetupError(_said(exc), "--policy") from exc
    if options.use_store:
        store = TrustStore(settings.home / "trust")
        try:
            anchors, intermediates, crls, ocsps = store.material()
        except TrustStoreError as exc:
            raise TrustSetupError(_said(exc), Phrase(f"kho tin cậy {store.root}", f"trust store {store.root}")) from exc
        for der in anchors:
            config.add_bundle(der, source="store")
        for ders, load in ((intermediates, config.add_intermediates), (crls, config.add_crls), (ocsps, config.add_ocsps)):
            for der in ders:
                load(der, source="store")  # the evidence says where it came from
    setting = f"{settings.config_file or 'kyso.toml'} [trust]"  # a file and a TOML key: the same in both languages
    loaders = (
        (settings.trust, lambda data: _anchors(config, data), f"{setting} anchors"),
        (settings.intermediate, config.add_intermediates, f"{setting} intermediates"),
        (settings.crl, config.add_crls, f"{setting} crls"),
        (settings.ocsp, config.add_ocsps, f"{setting} ocsps"),
        (options.trust, lambda data: _anchors(config, data), "--trust"),
        (options.intermediate, config.add_intermediates, "--intermediate"),
        (options.crl, config.add_crls, "--crl"),
        (options.ocsp, config.add_ocsps, "--ocsp"),
    )
    for paths, load, where in loaders:
        for path in paths:
            try:
                load(Path(path).read_bytes())
            except OSError as exc:
                reason = os_reason(exc)
                raise TrustSetupError(Phrase(f"không đọc được {path}: {reason.vi}", f"cannot read {path}: {reason.en}"),
                                      where) from exc
            except material.MaterialError as exc:
                raise TrustSetupError(Phrase(f"{path}: {exc.text('vi')}", f"{path}: {exc.text('en')}"), where) from exc
            except _NoAnchor as exc:
                raise TrustSetupError(exc.phrase(path), where) from exc
    return config


class _NoAnchor(Exception):
    """A file given as trust anchors holds no root (self-signed) certificate: said at once (issue
    18), rather than as every signature's "issuer missing" after a whole batch."""

    def __init__(self, names: list[str]):
        super().__init__(names)
        self.names = names

    def phrase(self, path) -> Phrase:
        names = ", ".join(f"“{n}”" for n in self.names) or "-"
        return Phrase(
            f"{path} không chứa chứng thư gốc (tự ký) nào, chỉ có chứng thư của CA cấp phát {names}: hãy cho chứng thư "
            f"gốc của CA đó bằng --trust (hoặc nhập vào kho bằng 'kyso certs import'), còn tệp này đưa bằng --intermediate",
            f"{path} holds no root (self-signed) certificate, only that of the issuing CA {names}: give that CA's root "
            f"with --trust (or import it into the trust store with 'kyso certs import'), and this file with --intermediate")


def _anchors(config, data: bytes) -> None:
    """config.add_bundle, refusing a bundle that would add no anchor."""
    from verifier.trust import material
    from verifier.trust.certinfo import format_name

    certs = material.load_certificates(data)
    if not any(material.is_self_signed(c) for c in certs):
        raise _NoAnchor([_cn(format_name(c.subject)) for c in certs])
    config.add_bundle(data)


def _cn(name: str) -> str:
    import re

    found = re.search(r"(?:^|,\s*)CN=((?:\\,|[^,])+)", name)
    return found.group(1) if found else name
