"""The TEST PKI of the samples: two trusted trees shaped like the Vietnamese ones, plus rogues.

Keys and certificates are made once and kept (samples/pki/), because every signed sample and
every test pinned to a fingerprint depends on them; CRLs, the trust bundle and the README are
derived from them on every build and come out byte-identical (RSA PKCS#1 v1.5 is
deterministic), so rebuilding does not churn.

Every CA name starts with "TEST " and every end-entity O ends with "(TEST)" so that nothing here
can pass for a certificate of the Government Cipher Committee or a licensed public CA.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

UTC = dt.timezone.utc
CRL_BASE = "http://ca.test.invalid/crl/"
# CRLs are issued once for the whole life of the samples: this_update lies before every signing
# time used in the corpus and next_update far enough ahead that committed samples do not go stale.
CRL_THIS_UPDATE = dt.datetime(2022, 3, 1, 0, 0, 0, tzinfo=UTC)
CRL_NEXT_UPDATE = dt.datetime(2045, 12, 31, 23, 59, 59, tzinfo=UTC)
REVOKED_AT = dt.datetime(2022, 3, 1, 0, 0, 0, tzinfo=UTC)

_EMAIL = NameOID.EMAIL_ADDRESS
_ATTR = {
    "CN": NameOID.COMMON_NAME,
    "E": _EMAIL,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "L": NameOID.LOCALITY_NAME,
    "C": NameOID.COUNTRY_NAME,
    "UID": NameOID.USER_ID,
}


def _d(y, m, d, end=False):
    return dt.datetime(y, m, d, 23, 59, 59, tzinfo=UTC) if end else dt.datetime(y, m, d, tzinfo=UTC)


@dataclass(frozen=True)
class CertSpec:
    name: str  # file stem
    # RDNs in the order Windows and the Vietnamese tools display them (CN first); the DER
    # encoding is the reverse, so that RFC 4514 strings read the same way.
    subject: tuple[tuple[str, str], ...]
    issuer: str | None  # None: self-signed
    role: str
    purpose: str
    not_before: dt.datetime
    not_after: dt.datetime
    ca: bool = False
    path_len: int | None = None
    trusted: bool = True
    in_bundle: bool = False
    revoked: bool = False
    extra: dict = field(default_factory=dict)


G2_ROOT_VALIDITY = (_d(2020, 1, 1), _d(2045, 12, 31, end=True))
EE_VALIDITY = (_d(2021, 1, 1), _d(2045, 12, 31, end=True))

SGD_PERSON = (("OU", "Sở Giáo dục và Đào tạo"), ("O", "UBND tỉnh Bình Phước (TEST)"),
              ("L", "Bình Phước"), ("C", "VN"))
UNIT_PARENT = (("O", "Sở Giáo dục và Đào tạo Bình Phước (TEST)"), ("L", "Bình Phước"), ("C", "VN"))

SPECS: tuple[CertSpec, ...] = (
    CertSpec("root-g2", (("CN", "TEST RootCA chuyên dùng Chính phủ G2"),
                         ("O", "Ban Cơ yếu Chính phủ (TEST)"), ("C", "VN")),
             None, "root CA (official-use tree)",
             "Trust anchor standing in for the G2 root of the Government Cipher Committee.",
             *G2_ROOT_VALIDITY, ca=True, in_bundle=True),
    CertSpec("ca-g2", (("CN", "TEST CA phục vụ các cơ quan Nhà nước G2"),
                       ("O", "Ban Cơ yếu Chính phủ (TEST)"), ("C", "VN")),
             "root-g2", "issuing CA (official-use tree)",
             "Issues every official-use signer certificate of the samples; its CRL lists `revoked`.",
             *G2_ROOT_VALIDITY, ca=True, path_len=0, in_bundle=True),
    CertSpec("director", (("CN", "Trịnh Văn Nam"), ("E", "trinhvannam.sgd@binhphuoc.gov.vn"),
                          *SGD_PERSON),
             "ca-g2", "person",
             "The director (competent person): first, certifying layer of the plan, blue signature image.",
             *EE_VALIDITY),
    CertSpec("clerk", (("CN", "Lý Thanh Tâm"), ("E", "lythanhtam.sgd@binhphuoc.gov.vn"),
                       ("OU", "Văn phòng"), *SGD_PERSON),
             "ca-g2", "person",
             "The clerk's 'Ký số văn bản' step (layer 2 of the plan).",
             *EE_VALIDITY),
    CertSpec("unit-head", (("CN", "Nguyễn Thị Hồng Nhung"),
                           ("E", "nguyenthihongnhung.qt@binhphuoc.edu.vn"),
                           ("OU", "Trường THPT chuyên Quang Trung"), *UNIT_PARENT),
             "ca-g2", "person",
             "Head of a subordinate unit; signs the unit's report.",
             *EE_VALIDITY),
    CertSpec("agency", (("CN", "Sở Giáo dục và Đào tạo"), ("E", "sogd@binhphuoc.gov.vn"),
                        ("O", "UBND tỉnh Bình Phước (TEST)"), ("L", "Bình Phước"), ("C", "VN")),
             "ca-g2", "agency",
             "Organisation certificate of the department (its 'digital seal' key): number, date, seal, appendix layers.",
             *EE_VALIDITY),
    CertSpec("unit", (("CN", "Trường THPT chuyên Quang Trung"), ("E", "thptcqt@binhphuoc.edu.vn"),
                      *UNIT_PARENT),
             "ca-g2", "agency",
             "Organisation certificate of the subordinate unit; seals the unit's report.",
             *EE_VALIDITY),
    CertSpec("revoked", (("CN", "Phạm Văn Thu"), ("E", "phamvanthu.sgd@binhphuoc.gov.vn"),
                         *SGD_PERSON),
             "ca-g2", "person",
             "Revoked on 2022-03-01 (keyCompromise), listed in ca-g2's CRL; signs revoked-signer.pdf.",
             *EE_VALIDITY, revoked=True),
    CertSpec("expired", (("CN", "Hoàng Văn Cũ"), ("E", "hoangvancu.sgd@binhphuoc.gov.vn"),
                         *SGD_PERSON),
             "ca-g2", "person",
             "Expired on 2021-12-31; signs expired-signer.pdf after its notAfter.",
             _d(2020, 1, 1), _d(2021, 12, 31, end=True)),
    CertSpec("root-national", (("CN", "TEST Vietnam National Root CA"),
                               ("O", "National Electronic Authentication Centre (TEST)"), ("C", "VN")),
             None, "root CA (public tree)",
             "Trust anchor standing in for the NEAC root of the licensed public CAs.",
             *G2_ROOT_VALIDITY, ca=True, in_bundle=True),
    CertSpec("ca-public", (("CN", "TEST VNPT-CA SHA2"), ("O", "VNPT Group (TEST)"), ("C", "VN")),
             "root-national", "issuing CA (public tree)",
             "A licensed public CA under the national root.",
             *G2_ROOT_VALIDITY, ca=True, path_len=0, in_bundle=True),
    CertSpec("public-org", (("UID", "MST:0100000000-TEST"),
                            ("CN", "Sở Giáo dục và Đào tạo Bình Phước"),
                            ("O", "Sở Giáo dục và Đào tạo Bình Phước (TEST)"),
                            ("L", "Bình Phước"), ("C", "VN")),
             "ca-public", "agency",
             "An agency on a public CA (MST in UID): for public-CA and Decree 68/2024 checks.",
             *EE_VALIDITY),
    CertSpec("root-untrusted", (("CN", "TEST Untrusted Root"), ("O", "Nobody (TEST)"), ("C", "VN")),
             None, "root CA (not trusted)",
             "A root that is NOT in trust.pem.",
             *G2_ROOT_VALIDITY, ca=True, path_len=0, trusted=False),
    CertSpec("untrusted-signer", (("CN", "Trần Văn Lạ"), ("E", "tranvanla@example.invalid"),
                                  ("O", "Nobody (TEST)"), ("C", "VN")),
             "root-untrusted", "person",
             "Chains only to root-untrusted; signs untrusted-root.pdf.",
             *EE_VALIDITY, trusted=False),
    CertSpec("self-signed", (("CN", "Nguyễn Văn Giả"), ("E", "nguyenvangia@example.invalid"),
                             ("O", "Sở Giáo dục và Đào tạo Bình Phước (TEST)"), ("C", "VN")),
             None, "person (self-signed)",
             "A self-signed end-entity certificate; signs self-signed.pdf.",
             *EE_VALIDITY, trusted=False),
)
BY_NAME = {s.name: s for s in SPECS}


def _name(subject) -> x509.Name:
    return x509.Name([x509.NameAttribute(_ATTR[k], v) for k, v in reversed(subject)])


def _ski(key) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _crl_dp(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(url)], relative_name=None,
        reasons=None, crl_issuer=None)])


def _serial(i: int) -> int:
    # Readable, stable-looking serials that still differ per PKI generation.
    return (x509.random_serial_number() >> 16 << 16) | i


def _make_cert(spec: CertSpec, key, issuer_cert, issuer_key, serial: int) -> x509.Certificate:
    subject = _name(spec.subject)
    issuer = issuer_cert.subject if issuer_cert is not None else subject
    signing_key = issuer_key if issuer_key is not None else key
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(key.public_key()).serial_number(serial)
         .not_valid_before(spec.not_before).not_valid_after(spec.not_after)
         .add_extension(x509.BasicConstraints(ca=spec.ca, path_length=spec.path_len), critical=True)
         .add_extension(_ski(key), critical=False))
    if issuer_cert is not None:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                            critical=False)
        b = b.add_extension(_crl_dp(f"{CRL_BASE}{spec.issuer}.crl"), critical=False)
    if spec.ca:
        ku = x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                           data_encipherment=False, key_agreement=False, key_cert_sign=True,
                           crl_sign=True, encipher_only=False, decipher_only=False)
    else:
        ku = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                           data_encipherment=False, key_agreement=False, key_cert_sign=False,
                           crl_sign=False, encipher_only=False, decipher_only=False)
    b = b.add_extension(ku, critical=True)
    return b.sign(signing_key, hashes.SHA256())


@dataclass
class Pki:
    directory: Path
    certs: dict[str, x509.Certificate]
    keys: dict[str, rsa.RSAPrivateKey]
    crls: dict[str, x509.CertificateRevocationList]

    def cert_pem(self, name: str) -> bytes:
        return self.certs[name].public_bytes(serialization.Encoding.PEM)

    def crl_der(self, name: str) -> bytes:
        return self.crls[name].public_bytes(serialization.Encoding.DER)

    def chain_crls(self, name: str) -> list[bytes]:
        """DER CRLs that cover every certificate above and including `name`'s issuer chain."""
        out = []
        spec = BY_NAME[name]
        while spec.issuer is not None:
            out.append(self.crl_der(spec.issuer))
            spec = BY_NAME[spec.issuer]
        return out


def _cert_path(d: Path, name: str) -> Path:
    return d / f"{name}.pem"


def _key_path(d: Path, name: str) -> Path:
    return d / "private" / f"{name}.TEST-ONLY.key.pem"


def _complete(d: Path) -> bool:
    return all(_cert_path(d, s.name).is_file() and _key_path(d, s.name).is_file() for s in SPECS)


def _generate(d: Path) -> None:
    for sub in ("private", "crl"):
        if (d / sub).exists():
            shutil.rmtree(d / sub)
    for old in d.glob("*.pem"):
        old.unlink()
    (d / "private").mkdir(parents=True)
    certs, keys = {}, {}
    for i, spec in enumerate(SPECS, start=1):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        issuer_cert = certs.get(spec.issuer) if spec.issuer else None
        issuer_key = keys.get(spec.issuer) if spec.issuer else None
        certs[spec.name] = _make_cert(spec, key, issuer_cert, issuer_key, _serial(i))
        keys[spec.name] = key
        _cert_path(d, spec.name).write_bytes(certs[spec.name].public_bytes(serialization.Encoding.PEM))
        _key_path(d, spec.name).write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))


def _make_crl(ca: str, certs, keys) -> x509.CertificateRevocationList:
    b = (x509.CertificateRevocationListBuilder().issuer_name(certs[ca].subject)
         .last_update(CRL_THIS_UPDATE).next_update(CRL_NEXT_UPDATE)
         .add_extension(x509.CRLNumber(1), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(keys[ca].public_key()),
                        critical=False))
    for spec in SPECS:
        if spec.revoked and spec.issuer == ca:
            b = b.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(certs[spec.name].serial_number)
                .revocation_date(REVOKED_AT)
                .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
                .build())
    return b.sign(keys[ca], hashes.SHA256())


_SHORT = {NameOID.EMAIL_ADDRESS: "E", NameOID.USER_ID: "UID"}


def _readme(pki: Pki) -> str:
    lines = [
        "# TEST PKI of the kyso samples",
        "",
        "**Every key in `private/` is a TEST-ONLY key, unencrypted on purpose, published with the",
        "project. Never trust these certificates outside kyso's tests.** Every CA name starts with",
        "`TEST ` and every end-entity subject carries `O=… (TEST)`.",
        "",
        "Made by `python samples/build.py` (keys and certificates only when this folder is",
        "incomplete or `--new-pki` is given; CRLs, `trust.pem` and this file on every run).",
        "",
        "- `<name>.pem`: certificate; `private/<name>.TEST-ONLY.key.pem`: its PKCS#8 key.",
        f"- `crl/<ca>.crl`: DER CRL of each CA, thisUpdate {CRL_THIS_UPDATE:%Y-%m-%d}, nextUpdate "
        f"{CRL_NEXT_UPDATE:%Y-%m-%d}; `ca-g2.crl` lists `revoked` (keyCompromise, "
        f"{REVOKED_AT:%Y-%m-%d}), the others list nothing.",
        "- `trust.pem`: the anchors root-g2 and root-national, then the intermediates ca-g2 and",
        "  ca-public (kyso `--trust` takes self-signed certificates as anchors, the rest as",
        "  intermediates). root-untrusted is deliberately absent.",
        "",
        "End-entity certificates: RSA-2048, keyUsage digitalSignature + nonRepudiation, CRL",
        f"distribution point `{CRL_BASE}<issuer>.crl`. CAs: keyCertSign + cRLSign; issued CAs point",
        "to their root's CRL.",
        "",
        "| file | subject | issuer | role | valid (UTC) | what it is for |",
        "|---|---|---|---|---|---|",
    ]
    for spec in SPECS:
        c = pki.certs[spec.name]
        issuer = spec.issuer or "self-signed"
        lines.append(
            f"| `{spec.name}.pem` | {c.subject.rfc4514_string(_SHORT)} | {issuer} | {spec.role} | "
            f"{c.not_valid_before_utc:%Y-%m-%d} → {c.not_valid_after_utc:%Y-%m-%d} | {spec.purpose} |")
    return "\n".join(lines) + "\n"


def load_or_create(d: Path, *, new: bool = False) -> Pki:
    d.mkdir(parents=True, exist_ok=True)
    if new or not _complete(d):
        _generate(d)
    certs = {s.name: x509.load_pem_x509_certificate(_cert_path(d, s.name).read_bytes()) for s in SPECS}
    keys = {s.name: serialization.load_pem_private_key(_key_path(d, s.name).read_bytes(), None)
            for s in SPECS}
    crls = {s.name: _make_crl(s.name, certs, keys) for s in SPECS if s.ca}
    (d / "crl").mkdir(exist_ok=True)
    for ca, crl in crls.items():
        (d / "crl" / f"{ca}.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    bundle = [n for n in ("root-g2", "root-national", "ca-g2", "ca-public")]
    pki = Pki(d, certs, keys, crls)
    (d / "trust.pem").write_bytes(b"".join(pki.cert_pem(n) for n in bundle))
    (d / "README.md").write_text(_readme(pki), encoding="utf-8")
    return pki
