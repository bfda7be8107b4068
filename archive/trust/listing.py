"""The trust store as `kyso certs list` and the console's trust page show it: the pinned CA
certificates first, in pins.toml's order, imported or not, then the unpinned ones imported; and
the revocation material, each CRL with its next update and whether it is stale."""

from __future__ import annotations

from datetime import datetime


def certificates(entries) -> list[dict]:
    """Pins first in pins.toml order (imported or not), then unpinned certificates."""
    from certs import load_pins
    from verifier.trust.certinfo import common_name

    by_hash = {e.sha256: e for e in entries if e.kind in ("anchor", "intermediate")}
    rows = []
    for pin in load_pins():
        entry = by_hash.pop(pin.sha256, None)
        rows.append({"name": pin.name, "subject": pin.subject, "role": pin.role, "pki": pin.pki, "sha256": pin.sha256,
                     "valid_from": entry.not_before[:10] if entry else (pin.valid_from or None),
                     "valid_to": entry.not_after[:10] if entry else (pin.valid_to or None),
                     "pinned": True, "imported": entry is not None, "url": pin.url or None})
    for entry in by_hash.values():
        rows.append({"name": None, "subject": common_name(entry.subject), "role": entry.kind, "pki": None,
                     "sha256": entry.sha256, "valid_from": entry.not_before[:10], "valid_to": entry.not_after[:10],
                     "pinned": False, "imported": True, "url": None})
    return rows


def revocations(store, now: datetime | None = None) -> list[dict]:
    """The CRLs and OCSP responses of the store, by issuer: `this_update` (a CRL's thisUpdate, an
    OCSP response's producedAt), `next_update` and `stale` (as archive.ltv.crls.stale judges it:
    past its next update, or nearly; validation cannot rely on it)."""
    from archive.ltv.crls import stale

    old = {e.sha256 for e in stale(store, now)}
    rows = []
    for e in sorted((e for e in store.entries() if e.kind in ("crl", "ocsp")),
                    key=lambda e: (e.kind, e.issuer, e.not_before or "")):
        rows.append({"kind": e.kind, "issuer": e.issuer, "sha256": e.sha256, "this_update": e.not_before,
                     "next_update": e.not_after, "source": e.source, "imported_at": e.imported_at,
                     "stale": e.sha256 in old})
    return rows
