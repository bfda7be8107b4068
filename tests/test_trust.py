"""The trust fingerprint recorded with every report names the material exactly, and is computed
again only when the material changes (verifier/trust/config.py)."""

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
    from verifier.trust.config import TrustConfig

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
    from verifier.trust.config import TrustConfig

    trust = TrustConfig()
    trust.add_bundle((PKI / "trust.pem").read_bytes())
    trust.add_crls((PKI / "crl" / "ca-g2.crl").read_bytes())
    first = trust.fingerprint
    monkeypatch.setattr(hashlib, "sha256", None)  # any recomputation would fail here
    assert trust.fingerprint == first


def test_layers_share_a_validation_context_only_when_every_input_is_the_same(sample_trust):
    """Two layers of a document validate in one context only for the same moment and byte for
    byte the same embedded certificates and revocation data; never online."""
    from datetime import datetime, timezone

    from asn1crypto import crl as asn1_crl

    from tests.conftest import SAMPLES
    from verifier.signatures.layer import DocumentContext, _signer_context
    from verifier.trust.config import TrustConfig

    now = datetime(2026, 11, 29, tzinfo=timezone.utc)
    ca_crl = asn1_crl.CertificateList.load((SAMPLES / "pki" / "crl" / "ca-g2.crl").read_bytes())
    root_crl = asn1_crl.CertificateList.load((SAMPLES / "pki" / "crl" / "root-g2.crl").read_bytes())

    def extra(*crls):
        return {"extra_certs": [], "extra_crls": list(crls), "extra_ocsps": []}

    ctx = DocumentContext(reader=None, trust=sample_trust, diff_policy=None, now=now)
    first = _signer_context(ctx, now, False, extra(ca_crl))
    assert _signer_context(ctx, now, False, extra(asn1_crl.CertificateList.load(ca_crl.dump()))) is first
    assert _signer_context(ctx, now, False, extra(ca_crl, root_crl)) is not first
    assert _signer_context(ctx, now, True, extra(ca_crl)) is not first
    assert _signer_context(ctx, now.replace(year=2025), False, extra(ca_crl)) is not first

    online = TrustConfig()
    online.add_bundle((SAMPLES / "pki" / "trust.pem").read_bytes())
    online.online = True
    octx = DocumentContext(reader=None, trust=online, diff_policy=None, now=now)
    assert _signer_context(octx, now, False, extra(ca_crl)) is not _signer_context(octx, now, False, extra(ca_crl))
