"""The evidence a verification rested on, as the archive keeps it: each certificate, CRL, OCSP
response and timestamp token stored content-addressed, with where it came from, when it was
obtained and the layers it served; and read back as trust material for a re-verification.

A report's evidence (verifier.report.model.DocumentReport.evidence) is either (kind, DER) pairs
or items that also say `source`, `url`, `obtained` and `layers` (the online fetching's); both are
taken. For a bare pair the source is worked out here: material of the trust configuration is the
store's when the trust store holds it, else the run's (given with --trust/--crl/… or kyso.toml);
anything else came embedded in the PDF, unless the run was online (then nobody knows).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Item:
    kind: str  # certificate | crl | ocsp | timestamp
    der: bytes
    source: str | None = None  # one of verifier.report.model.EVIDENCE_SOURCES, None when nobody knows
    url: str | None = None
    obtained: datetime | None = None
    layers: list[int] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest()


def _time(value) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _get(entry, *names):
    for name in names:
        value = entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)
        if value is not None:
            return value
    return None


def items_of(report, trust, obtained: datetime, store=frozenset()) -> list[Item]:
    """The report's evidence as Items, one per distinct content (the first says where it came
    from; the layers of all are merged), each with a source, a time and its layers. `store`: the
    DER of everything the trust store holds, or a function that reads it, called only for a bare
    (kind, DER) pair (the verifier's own items say their source: the store is not read again)."""
    out: dict[str, Item] = {}
    for entry in report.evidence:
        if isinstance(entry, tuple):
            item = Item(entry[0], bytes(entry[1]))
        else:
            item = Item(_get(entry, "kind"), bytes(_get(entry, "der", "data")), _get(entry, "source"),
                        _get(entry, "url"), _time(_get(entry, "obtained", "time")),
                        sorted({int(n) for n in (_get(entry, "layers") or ())}))
        item.source = item.source or _source(item, trust, store)
        item.obtained = item.obtained or obtained
        item.layers = item.layers or _layers(item, report)
        kept = out.get(item.sha256)
        if kept is None:
            out[item.sha256] = item
        else:
            kept.layers = sorted(set(kept.layers) | set(item.layers))
    return list(out.values())


def _source(item: Item, trust, store) -> str | None:
    if trust is None:
        return None
    pool = {"certificate": [a.cert for a in trust.anchors] + list(trust.intermediates), "crl": trust.crls,
            "ocsp": trust.ocsps}.get(item.kind, ())
    if any(x.dump() == item.der for x in pool):
        return "store" if item.der in (store() if callable(store) else store) else "run"
    return None if trust.online else "embedded"


def _layers(item: Item, report) -> list[int]:
    """The layers a certificate served (the signer's, or one on its chain, by name) or a CRL
    served (a CA on the layer's chain issued it); for other kinds the bare pair does not say."""
    if item.kind not in ("certificate", "crl"):
        return []
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509

    from verifier.trust.certinfo import _first, display_name, format_name

    try:
        if item.kind == "certificate":
            cert = x509.Certificate.load(item.der)
            name = display_name(cert)
        else:
            issuer = asn1_crl.CertificateList.load(item.der)["tbs_cert_list"]["issuer"]
            name = _first(issuer, "common_name") or format_name(issuer)
    except Exception:  # noqa: BLE001 - material that does not parse served no layer we can name
        return []
    if item.kind == "crl":
        return [n for n, layer in enumerate(report.layers, start=1) if name in layer.chain[1:]]
    return [n for n, layer in enumerate(report.layers, start=1)
            if (layer.certificate is not None and layer.certificate.sha256 == item.sha256) or name in layer.chain]


def layers_text(layers) -> str | None:
    return ",".join(str(n) for n in layers) or None


def layers_list(text: str | None) -> list[int]:
    return [int(n) for n in text.split(",") if n.strip().isdigit()] if text else []


def as_trust(base, items: list[Item]):
    """A copy of the trust configuration `base` that also holds the stored evidence (certificates
    as path-building material, CRLs and OCSP responses as revocation data) and never fetches:
    what a re-verification as of the archived time judges with. The anchors stay the run's."""
    import copy

    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from asn1crypto import x509

    trust = copy.copy(base)
    trust.intermediates, trust.crls, trust.ocsps = list(base.intermediates), list(base.crls), list(base.ocsps)
    trust.online = False
    trust._fingerprint = None
    anchors = {a.sha256 for a in base.anchors}
    have = {x.dump() for x in trust.intermediates + trust.crls + trust.ocsps}
    for item in items:
        if item.der in have:
            continue
        have.add(item.der)
        try:
            if item.kind == "certificate" and item.sha256 not in anchors:
                trust.intermediates.append(x509.Certificate.load(item.der))
            elif item.kind == "crl":
                trust.crls.append(asn1_crl.CertificateList.load(item.der))
            elif item.kind == "ocsp":
                trust.ocsps.append(asn1_ocsp.OCSPResponse.load(item.der))
        except Exception:  # noqa: BLE001 - stored material that does not parse proves nothing; fixity tells
            continue
    return trust


def listing(s, doc) -> dict[int, list[dict]]:
    """The evidence stored with each verification of a document, by verification id: kind,
    sha256, source, url, obtained_at (ISO 8601, Vietnam time), layers, storage_key."""
    from sqlalchemy import select

    from archive.db.models import Evidence, Verification
    from archive.lang import iso

    rows = s.execute(select(Evidence).join(Verification, Evidence.verification_id == Verification.id)
                     .where(Verification.document_id == doc.id).order_by(Evidence.verification_id, Evidence.id)).scalars()
    out: dict[int, list[dict]] = {}
    for e in rows:
        out.setdefault(e.verification_id, []).append({
            "kind": e.kind, "sha256": e.sha256, "source": e.source, "url": e.url, "obtained_at": iso(e.obtained_at),
            "layers": layers_list(e.layers), "storage_key": e.storage_key})
    return out


def enrich(s, doc, detail: dict) -> dict:
    """`archive show`'s detail with, for each verification, when it ran, which moment it judged
    at, what it did to the verdict and its evidence; and the id of the verification the verdict
    comes from (`verdict_verification_id`)."""
    from archive.db.models import Verification
    from archive.lang import iso

    evidence = listing(s, doc)
    for v in detail.get("verifications", []):
        row = s.get(Verification, v["id"])
        v.update(performed_at=iso(row.performed_at), as_of=row.as_of, decision=row.decision,
                 evidence=evidence.get(v["id"], []))
    detail["verdict_verification_id"] = doc.latest_verification_id
    return detail


EXTENSIONS = {"certificate": "cer", "crl": "crl", "ocsp": "ocsp", "timestamp": "tst"}


def export_listing(s, doc, verdict_verification_id: int | None) -> list[dict]:
    """The evidence of every verification of a document, once each, as `archive export` lists it in
    data/evidence.json: its file under data/, kind, sha256, source, url, obtained_at, layers, the
    verifications that used it and whether the verdict rests on it."""
    out: dict[str, dict] = {}
    for ver_id, items in listing(s, doc).items():
        for e in items:
            entry = out.get(e["sha256"])
            if entry is None:
                entry = out[e["sha256"]] = {
                    "file": f"data/evidence/{e['kind']}-{e['sha256'][:16]}.{EXTENSIONS.get(e['kind'], 'der')}",
                    **{k: v for k, v in e.items() if k != "storage_key"}, "verifications": [], "verdict_rests_on": False}
            entry["verifications"].append(ver_id)
            entry["verdict_rests_on"] |= ver_id == verdict_verification_id
    return list(out.values())
