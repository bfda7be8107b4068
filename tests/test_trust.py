"""The trust fingerprint recorded with every report names the material exactly, and is computed
again only when the material changes (verifier/trust.py)."""

from __future__ import annotations

import hashlib

from tests.conftest import SAMPLES

PKI = SAMPLES / "pki"


def _computed(trust) -> str:
    """The fingerprint as the archive has always recorded it."""
    h = hashlib.sha256()
    parts = sorted([b"A" + a.cert.dump() for a in trust.anchors] + [b"I" + c.dump() for c in trust.intermediates]
                   + [b"C" + c.dump() for c in trust.crls] + [b"O" + o.dump() for o in trust.ocsps])
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    h.update(b"online" if trust.online else b"offline")
    return h.hexdigest()


def test_fingerprint_follows_every_change_of_material():
    from verifier.trust import TrustConfig

    trust = TrustConfig()
    trust.add_bundle((PKI / "trust.pem").read_bytes())
    seen = {trust.fingerprint}
    assert trust.fingerprint == _computed(trust)
    trust.add_crls((PKI / "crl" / "ca-g2.crl").read_bytes())
    assert trust.fingerprint == _computed(trust) and trust.fingerprint not in seen
    seen.add(trust.fingerprint)
    trust.crls[0] = type(trust.crls[0]).load((PKI / "crl" / "root-g2.crl").read_bytes())  # replaced in place
    assert trust.fingerprint == _computed(trust) and trust.fingerprint not in seen
    seen.add(trust.fingerprint)
    trust.online = True
    assert trust.fingerprint == _computed(trust) and trust.fingerprint not in seen
    trust.online = False
    del trust.intermediates[0]
    assert trust.fingerprint == _computed(trust)


def test_fingerprint_is_not_recomputed_for_the_same_material(monkeypatch):
    from verifier.trust import TrustConfig

    trust = TrustConfig()
    trust.add_bundle((PKI / "trust.pem").read_bytes())
    trust.add_crls((PKI / "crl" / "ca-g2.crl").read_bytes())
    first = trust.fingerprint
    monkeypatch.setattr(hashlib, "sha256", None)  # any recomputation would fail here
    assert trust.fingerprint == first
