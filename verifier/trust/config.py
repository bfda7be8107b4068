"""Trust configuration: anchors (each labelled with its PKI), intermediates and revocation data,
parsed once and turned into pyHanko validation contexts on demand.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509

from verifier.net.session import DEFAULT_BUDGET, DEFAULT_TIMEOUT
from verifier.trust import material
from verifier.vietnam import fold
from verifier.policy.named import DEFAULT_POLICY, Policy

GOVERNMENT, PUBLIC, OTHER, UNTRUSTED = "government", "public", "other", "untrusted"


def pki_of(cert: x509.Certificate) -> str:
    """Which PKI an anchor heads: its pin says so; an unpinned anchor is judged by its subject."""
    from certs import pin_for  # data only; certs never imports verifier code back

    pin = pin_for(material.sha256_fingerprint(cert))
    if pin is not None:
        return pin.pki
    subject = cert.subject.native
    org = fold(str(subject.get("organization_name", "")))
    cn = fold(str(subject.get("common_name", "")))
    if "ban co yeu chinh phu" in org or "chuyen dung chinh phu" in cn:
        return GOVERNMENT
    if "national root ca" in cn:
        return PUBLIC
    return OTHER


@dataclass(frozen=True)
class Anchor:
    cert: x509.Certificate
    pki: str
    source: str  # "store" | "store-unpinned" | "run" (given for one run with --trust)

    @property
    def sha256(self) -> str:
        return material.sha256_fingerprint(self.cert)


@dataclass
class TrustConfig:
    anchors: list[Anchor] = field(default_factory=list)
    intermediates: list[x509.Certificate] = field(default_factory=list)
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    ocsps: list[asn1_ocsp.OCSPResponse] = field(default_factory=list)
    online: bool = False
    # with `online`: seconds a request may take, and all requests of one document together
    # (verifier.net.session); not trust material, so not in the fingerprint
    net_timeout: float = DEFAULT_TIMEOUT
    net_budget: float = DEFAULT_BUDGET
    # with `online`: whether the addresses the certificates name may be on the loopback, private
    # or link-local networks (an agency's own CA on its network); off, only internet hosts
    net_private_addresses: bool = False
    policy: Policy = DEFAULT_POLICY
    # read pages without a text layer (scans) by OCR for the metadata (verifier.ocr): seconds a
    # document, so off unless asked; not trust material, so not in the fingerprint
    ocr: bool = False
    # where each certificate, CRL and OCSP response came from ("store" or "run"), by the SHA-256
    # of its DER: the origin of the evidence a report lists (anchors say it themselves)
    sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _fingerprint: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def add_bundle(self, data: bytes, source: str = "run") -> None:
        """A PEM bundle or DER certificate given as trust: self-signed certificates become anchors;
        CA certificates that are not self-signed are only path-building material (they can never
        be trusted unless they chain to an anchor), so a test PKI fits in one file."""
        for cert in material.load_certificates(data):
            if material.is_self_signed(cert):
                self.add_anchor(cert, source)
            else:
                self.intermediates.append(cert)
                self._source(cert, source)

    def add_anchor(self, cert: x509.Certificate, source: str = "run") -> None:
        if all(a.sha256 != material.sha256_fingerprint(cert) for a in self.anchors):
            self.anchors.append(Anchor(cert, pki_of(cert), source))

    def add_intermediates(self, data: bytes, source: str = "run") -> None:
        self.intermediates.extend(self._source(c, source) for c in material.load_certificates(data))

    def add_crls(self, data: bytes, source: str = "run") -> None:
        self.crls.extend(self._source(c, source) for c in material.load_crls(data))

    def add_ocsps(self, data: bytes, source: str = "run") -> None:
        self.ocsps.extend(self._source(o, source) for o in material.load_ocsp_responses(data))

    def _source(self, obj, source: str):
        self.sources.setdefault(hashlib.sha256(obj.dump()).hexdigest(), source)
        return obj

    def source_of(self, der: bytes) -> str | None:
        """"store" or "run" for material of this configuration, None for anything else."""
        digest = hashlib.sha256(der).hexdigest()
        anchor = next((a for a in self.anchors if a.sha256 == digest), None)
        if anchor is not None:
            return "run" if anchor.source == "run" else "store"
        return self.sources.get(digest)

    def anchor_for(self, cert: x509.Certificate) -> Anchor | None:
        fp = material.sha256_fingerprint(cert)
        return next((a for a in self.anchors if a.sha256 == fp), None)

    @property
    def fingerprint(self) -> str:
        """Identifies this trust material: any change in anchors, intermediates, revocation data
        or network permission changes it (recorded with every report). Computed again only
        when the material changes: it hashes every CRL, and a CA's CRL can be megabytes."""
        current = (tuple(a.cert for a in self.anchors), tuple(self.intermediates), tuple(self.crls),
                   tuple(self.ocsps), self.online)
        cached = self._fingerprint
        if cached is not None and _same_objects(cached[0], current):
            return cached[1]
        h = hashlib.sha256()
        parts = sorted(
            [b"A" + a.cert.dump() for a in self.anchors]
            + [b"I" + c.dump() for c in self.intermediates]
            + [b"C" + c.dump() for c in self.crls]
            + [b"O" + o.dump() for o in self.ocsps]
        )
        for p in parts:
            h.update(hashlib.sha256(p).digest())
        h.update(b"online" if self.online else b"offline")
        self._fingerprint = (current, h.hexdigest())  # holds the objects: their identities stay theirs
        return self._fingerprint[1]


def _same_objects(a: tuple, b: tuple) -> bool:
    """The same material: the same objects in the same places (not merely equal ones)."""
    return a[-1] == b[-1] and all(len(x) == len(y) and all(p is q for p, q in zip(x, y)) for x, y in zip(a[:-1], b[:-1]))


def signer_context(trust: TrustConfig, moment: datetime, *, retroactive=False, fetchers=None, **extra):
    """A validation context in which revocation data is required for every certificate below the
    anchor: unknown revocation must never pass as trusted (pyHanko's soft-fail would).
    `fetchers` (verifier.net.fetchers.fetchers_for): the document's, when online."""
    return _context(trust, moment, "require", retroactive=retroactive, fetchers=fetchers, **extra)


def timestamp_context(trust: TrustConfig, moment: datetime, *, fetchers=None, **extra):
    """Timestamp tokens prove when a signature existed. The TSA certificate's own revocation is
    checked when data is at hand but its absence does not void the proof of time (soft-fail);
    the signer's revocation stays mandatory."""
    return _context(trust, moment, "soft-fail", fetchers=fetchers, **extra)


def _context(trust: TrustConfig, moment: datetime, revocation_mode: str, *, extra_certs=(), extra_crls=(),
             extra_ocsps=(), retroactive=False, fetchers=None):
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import CertificateRegistry

    from verifier.signatures.cmscheck import LenientRsaValidator
    from verifier.trust import revinfo

    if trust.online and fetchers is None:
        # never pyHanko's own fetchers (see verifier.net.fetchers): a session of its own
        from verifier.net.fetchers import fetchers_for
        from verifier.net.session import NetSession

        fetchers = fetchers_for(NetSession(trust.net_timeout, trust.net_budget, trust.net_private_addresses))
    fetchers = fetchers if trust.online else None
    registry = CertificateRegistry.build(list(trust.intermediates) + list(extra_certs),
                                         cert_fetcher=fetchers.cert_fetcher if fetchers is not None else None)
    return ValidationContext(
        trust_roots=[a.cert for a in trust.anchors],
        certificate_registry=registry,
        # each certificate's check sees only the OCSP responses about it (verifier.trust.revinfo)
        revinfo_manager=revinfo.manager(registry, list(trust.crls) + list(extra_crls),
                                        list(trust.ocsps) + list(extra_ocsps), fetchers, moment),
        allow_fetching=trust.online,
        # online, the moment is the start of the document's verification and an OCSP response
        # fetched seconds later says thisUpdate after it: pyHanko's 1 s would refuse it as not
        # yet valid. The document's budget bounds how much later it can be; a minute more for the
        # responder's clock.
        time_tolerance=timedelta(seconds=trust.net_budget + 60) if trust.online else timedelta(seconds=1),
        revocation_mode=revocation_mode,
        moment=moment,
        retroactive_revinfo=retroactive,
        # SHA-1 is judged afterwards, per anchor, by the policy (verifier.signatures.legacy).
        weak_hash_algos=set(),
        signature_validator=LenientRsaValidator(),
    )
