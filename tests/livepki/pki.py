"""The live test PKI: shaped like the Vietnamese government one (root → "CA phục vụ các cơ quan
Nhà nước G2 TEST" → signers), with its CRL, OCSP, caIssuers (certificate repository) and TSA
services each on its own port of 127.0.0.1 (tests/livepki/server.py), built by certomancer.

Every certificate names the live services: CRL distribution points, an OCSP responder and a
caIssuers link to its issuer, as the VGCA certificates do. Times are relative to the moment the
PKI is started (`start`), so that what is revoked when holds whatever day the tests run:

- good, seal: valid, never revoked (a person, and the agency's seal key);
- revoked: revoked a day before the start, so every signature it makes now is after it;
- revoked-later: revoked an hour before the start; a signature timestamped two hours before the
  start (the TSA is asked for a token at that time) was made while it was still good.

The CRLs are issued once a day counted from the issuer's notBefore, which is exactly 30 days
before the start: the CRL of the day is issued at the start and lists both revocations.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.livepki.server import DOWN, HANG, UP, Service

ARCH = "kyso-live"
SERVICES = ("crl", "ocsp", "certs", "tsa")
SIGNERS = ("good", "seal", "revoked", "revoked-later")
KEYS = ("root", "ca", "tsa", *SIGNERS)
BCY = "Ban Cơ yếu Chính phủ (TEST)"
ROOT_NAME = "LIVE TEST RootCA chuyên dùng Chính phủ G2"
CA_NAME = "CA phục vụ các cơ quan Nhà nước G2 TEST"
SGD = {"organizational-unit-name": "Sở Giáo dục và Đào tạo", "organization-name": "UBND tỉnh Bình Phước (TEST)",
       "locality-name": "Bình Phước", "country-name": "VN"}
ENTITIES = {
    "root": {"common-name": ROOT_NAME, "organization-name": BCY, "country-name": "VN"},
    "ca": {"common-name": CA_NAME, "organization-name": BCY, "country-name": "VN"},
    "tsa": {"common-name": "LIVE TEST TSA G2", "organization-name": BCY, "country-name": "VN"},
    "good": {"common-name": "Trịnh Văn Nam", "email-address": "trinhvannam.sgd@binhphuoc.gov.vn", **SGD},
    "seal": {"common-name": "Sở Giáo dục và Đào tạo", "email-address": "sogd@binhphuoc.gov.vn",
             "organization-name": "UBND tỉnh Bình Phước (TEST)", "locality-name": "Bình Phước",
             "country-name": "VN"},
    "revoked": {"common-name": "Phạm Văn Thu", "email-address": "phamvanthu.sgd@binhphuoc.gov.vn", **SGD},
    "revoked-later": {"common-name": "Lê Văn Muộn", "email-address": "levanmuon.sgd@binhphuoc.gov.vn", **SGD},
}
REVOKED_BEFORE = {"revoked": timedelta(days=1), "revoked-later": timedelta(hours=1)}
# when a signature of revoked-later is timestamped: before its revocation
BEFORE_REVOCATION = timedelta(hours=2)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _generate_keys(keydir: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    keydir.mkdir(parents=True, exist_ok=True)
    for label in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (keydir / f"{label}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def _revocation_urls(issuer: str) -> list[dict]:
    return [
        {"id": "crl_distribution_points", "smart-value": {"schema": "crl-dist-url",
                                                           "params": {"crl-repo-names": [issuer]}}},
        {"id": "authority_information_access", "smart-value": {"schema": "aia-urls", "params": {
            "ocsp-responder-names": [issuer], "ca-issuer-links": [{"repo": issuer}]}}},
    ]


def _config(urls: dict[str, str], keydir: Path, start: datetime) -> dict:
    origin = start - timedelta(days=30)
    validity = {"valid-from": _iso(origin), "valid-to": _iso(start + timedelta(days=3650))}
    ca_usage = {"id": "key_usage", "critical": True,
                "smart-value": {"schema": "key-usage", "params": ["key_cert_sign", "crl_sign"]}}
    signer_usage = {"id": "key_usage", "critical": True,
                    "smart-value": {"schema": "key-usage", "params": ["digital_signature", "non_repudiation"]}}
    certs = {
        "root": {"subject": "root", "issuer": "root", "validity": validity, "extensions": [
            {"id": "basic_constraints", "critical": True, "value": {"ca": True}}, ca_usage]},
        "ca": {"subject": "ca", "issuer": "root", "validity": validity, "extensions": [
            {"id": "basic_constraints", "critical": True, "value": {"ca": True, "path_len_constraint": 0}},
            ca_usage, *_revocation_urls("root")]},
        "tsa": {"subject": "tsa", "issuer": "ca", "validity": validity, "extensions": [
            signer_usage, {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
            *_revocation_urls("ca")]},
    }
    for label in SIGNERS:
        certs[label] = {"subject": label, "issuer": "ca", "validity": validity,
                        "extensions": [signer_usage, *_revocation_urls("ca")]}
        if label in REVOKED_BEFORE:
            certs[label]["revocation"] = {"revoked-since": _iso(start - REVOKED_BEFORE[label]),
                                          "reason": "key_compromise"}
    services = {
        "ocsp": {ca: {"for-issuer": ca, "responder-cert": ca, "signing-key": ca,
                      "external-url-prefix": urls["ocsp"]} for ca in ("root", "ca")},
        "crl-repo": {ca: {"for-issuer": ca, "signing-key": ca, "simulated-update-schedule": "P1D",
                          "external-url-prefix": urls["crl"]} for ca in ("root", "ca")},
        "cert-repo": {ca: {"for-issuer": ca, "publish-issued-certs": True,
                           "external-url-prefix": urls["certs"]} for ca in ("root", "ca")},
        "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa",
                                  "external-url-prefix": urls["tsa"]}},
    }
    return {
        "keysets": {"live": {"path-prefix": str(keydir), "keys": {k: {"path": f"{k}.key.pem"} for k in KEYS}}},
        "pki-architectures": {ARCH: {"keyset": "live", "entities": ENTITIES, "certs": certs, "services": services}},
    }


class LivePki:
    """The running PKI. `service(name)` switches one service (crl, ocsp, certs, tsa); `states()`
    does it for the duration of a with-block; `sign` (tests/livepki/signing.py) makes documents."""

    def __init__(self, workdir: Path):
        from certomancer.integrations.animator import Animator, AnimatorArchStore
        from certomancer.registry import CertomancerConfig

        workdir = Path(workdir)
        self.start = datetime.now(timezone.utc).replace(microsecond=0)
        self.services = {name: Service(name) for name in SERVICES}
        _generate_keys(workdir / "keys")
        config = CertomancerConfig(_config({n: s.url for n, s in self.services.items()}, workdir / "keys", self.start),
                                   key_search_dir=str(workdir))
        self.arch = config.get_pki_arch(ARCH)
        app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
        for service in self.services.values():
            service.app = app
            service.set(UP)
        self.workdir = workdir

    # --- material ---------------------------------------------------------------------------

    def cert(self, label: str):
        """asn1crypto certificate of `label` (root, ca, tsa or a signer)."""
        return self.arch.get_cert(label)

    def pem(self, *labels: str) -> bytes:
        from asn1crypto import pem

        return b"".join(pem.armor("CERTIFICATE", self.cert(label).dump()) for label in labels)

    def write_pem(self, name: str, *labels: str) -> Path:
        path = self.workdir / name
        path.write_bytes(self.pem(*labels))
        return path

    @property
    def root_pem(self) -> Path:
        """The root alone: what a clerk configures."""
        return self.write_pem("root.pem", "root")

    def crl(self, issuer: str):
        """The CRL the live service serves now for `issuer` (root or ca)."""
        return self.arch.service_registry.get_crl(issuer, datetime.now(timezone.utc))

    def key(self, label: str):
        return self.arch.key_set.get_private_key(label)

    @property
    def tsa_url(self) -> str:
        return self.arch.service_registry.get_tsa_info("tsa").url

    def url_of(self, name: str) -> str:
        return self.services[name].url

    # --- switches -----------------------------------------------------------------------------

    def service(self, name: str) -> Service:
        return self.services[name]

    def set(self, **states: str) -> None:
        """E.g. set(ocsp="down", crl="hang"); the others keep their state."""
        for name, state in states.items():
            self.services[name].set(state)

    def all_up(self) -> None:
        self.set(**{name: UP for name in SERVICES})

    @contextlib.contextmanager
    def states(self, **states: str):
        self.set(**states)
        try:
            yield self
        finally:
            self.all_up()

    def stop(self) -> None:
        """Every service down (their ports kept: `all_up` brings them back)."""
        self.set(**{name: DOWN for name in SERVICES})

    def close(self) -> None:
        """Down for good, the ports let go: the end of the test process's PKI."""
        for service in self.services.values():
            service.close()

    def sign(self, *signers: str, **options) -> bytes:
        from tests.livepki.signing import sign_layers

        return sign_layers(self, list(signers), **options)


__all__ = ["LivePki", "UP", "DOWN", "HANG", "SERVICES", "SIGNERS", "BEFORE_REVOCATION"]
