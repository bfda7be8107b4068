"""Changes to the trust store as steps of the audit chain, one code path for `kyso certs` (by
"cli"), the console (by the account) and the watcher's CRL refresh (by "watcher"): certificates
imported (a pin, or the operator's --unpinned), CRLs or OCSP responses imported, the CRLs
refreshed from the network. Each change is a "trust-changed" event naming who made it and what
entered the store; material the store already held with the same standing changes nothing and
is no event.

The database is asked before an import touches the store and the event is appended in the
transaction around the change, so an archive whose database cannot take the event keeps its store
as it was (a store and a database cannot commit as one; a failure between the two is the one gap
left). A refresh is recorded after its downloads (see refresh; the watcher records one the
database could not take at its next round, archive.ltv.upkeep).
Without an archive (`archive` None: `kyso certs import` before the first ingest) there is no
chain to record in, and the store changes alone.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from archive.trust.store import Entry, TrustStore, TrustStoreError
from verifier.report.codes import Phrase

KIND = "trust-changed"  # archive.db.events.KINDS


@dataclass(frozen=True)
class Change:
    entries: list[Entry]  # what the store holds now of what was sent, in the file's order
    before: frozenset[str]  # SHA-256 of the store's entries before (the CLI says "already in store")
    unchanged: frozenset[str]  # of those sent, the ones held already with the same standing

    @property
    def changed(self) -> list[Entry]:
        return [e for e in self.entries if e.sha256 not in self.unchanged]


def described(entry: Entry) -> dict:
    """An entry as the event (and the console) names it."""
    out = {"kind": entry.kind, "sha256": entry.sha256, "pinned": entry.pinned}
    if entry.subject:
        out["subject"] = entry.subject
    else:
        out["issuer"] = entry.issuer
    if entry.pin_name:
        out["pin"] = entry.pin_name
    return out


@contextmanager
def _recorded(archive):
    """A session whose transaction holds the event (None without an archive); the database is
    reached before the caller changes the store."""
    if archive is None:
        yield None
        return
    from archive.db import events
    from archive.db.session import transaction

    with transaction(archive.sessions) as s:
        events.head(s)
        yield s


def _apply(store: TrustStore, archive, by: str, action: str, source: str, do) -> Change:
    from archive.db import events

    with _recorded(archive) as s:
        held = {e.sha256: e for e in store.entries()}
        entries = do()
        change = Change(entries, frozenset(held), frozenset(e.sha256 for e in entries if held.get(e.sha256) == e))
        if s is not None and change.changed:
            events.append(s, KIND, action=action, file=source, entries=[described(e) for e in change.changed], by=by)
    return change


def import_certificates(store: TrustStore, data: bytes, source: str, *, unpinned: bool = False, archive=None,
                        by: str) -> Change:
    """`kyso certs import`: every certificate of the file, or none (TrustStoreError: one is not
    pinned and `unpinned` was not said, or the file is no certificate)."""
    return _apply(store, archive, by, "imported", source,
                  lambda: store.import_certificates(data, source, unpinned=unpinned))


def import_revocation(store: TrustStore, data: bytes, source: str, *, archive=None, by: str) -> Change:
    """`kyso certs import-crl`: the CRLs of the file, else its OCSP responses (TrustStoreError
    saying why it is neither)."""
    def do() -> list[Entry]:
        try:
            return store.import_crls(data, source)
        except TrustStoreError as crl_error:
            try:
                return store.import_ocsp(data, source)
            except TrustStoreError as ocsp_error:
                a, b = crl_error.phrase, ocsp_error.phrase
                raise TrustStoreError(Phrase(f"{a.vi}; {b.vi}", f"{a.en}; {b.en}")) from None

    return _apply(store, archive, by, "imported-revocation", source, do)


def refresh(store: TrustStore, timeout: float, *, issued=(), archive=None, by: str) -> list:
    """`kyso certs refresh` and the server's: archive.ltv.crls.refresh, its outcomes; the CRLs
    it stored are one event ("refreshed", each URL with its status; the watcher records its own
    with record_refresh, archive.ltv.upkeep). Recorded after the fetches, not around them:
    a transaction open that long would hold every ingest back (SQLite's BEGIN IMMEDIATE), and
    what a refresh stores is only what the store's own CAs signed."""
    from archive.ltv import crls

    outcomes = crls.refresh(store, timeout, issued=issued)
    if archive is not None:
        record_refresh(archive, outcomes, by=by)
    return outcomes


def record_refresh(archive, outcomes: list, *, by: str) -> None:
    """The "refreshed" event of a refresh's outcomes, when it stored a CRL (else nothing)."""
    if not any(o.status == "refreshed" for o in outcomes):
        return
    from archive.db import events
    from archive.db.session import transaction

    with transaction(archive.sessions) as s:
        events.append(s, KIND, action="refreshed", by=by,
                      crls=[{"url": o.url, "issuer": o.issuer, "status": o.status, "next_update": o.next_update}
                            for o in outcomes])
