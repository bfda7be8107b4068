"""`kyso certs refresh`: the trust store's CRLs downloaded from where the CAs publish them.

Where a CA's CRL lives is written in the certificates it issued (their CRL distribution points):
the intermediates of the store name their root's CRL, and the signers' certificates the archive
kept name their issuing CA's. Each CRL fetched is accepted only when it is signed by the CA of the
store it names as issuer (a CRL from a hijacked address cannot enter), stored with its URL as
source and its nextUpdate, and replaces the older CRLs of that CA. Anything that fails is said
with its URL and error; a CRL past its nextUpdate is stale (validation cannot use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from asn1crypto import x509

from archive.ltv.net import FetchError, fetch
from verifier.report.codes import Phrase

STALE_MARGIN = timedelta(hours=1)  # refreshed this long before nextUpdate, so validation never meets a gap


@dataclass(frozen=True)
class Outcome:
    url: str
    issuer: str  # the CA whose CRL it is (the subject of a store CA), "?" when unknown
    status: str  # refreshed | unchanged | failed
    next_update: str | None = None
    error: Phrase | None = None


def _http_urls(cert: x509.Certificate) -> list[str]:
    urls = []
    try:
        points = cert.crl_distribution_points
    except Exception:  # a malformed extension: no address from this certificate
        return []
    for point in points or ():
        name = point["distribution_point"]
        if name.name != "full_name":
            continue
        for general in name.chosen:
            if general.name == "uniform_resource_identifier" and general.native.lower().startswith(("http://", "https://")):
                urls.append(general.native)
    return urls


def ca_certificates(store) -> list[x509.Certificate]:
    anchors, intermediates, _crls, _ocsps = store.material()
    return [x509.Certificate.load(d) for d in anchors + intermediates]


def crl_addresses(store, cas: list[x509.Certificate], issued: list[x509.Certificate] = ()) -> dict[str, str]:
    """URL -> issuer name of every CRL of the store's CAs known: from the distribution points of
    the CAs' certificates and of `issued` (certificates a store CA issued, e.g. the archive's
    signers), and the URLs earlier refreshes fetched from. A certificate counts only when the CA
    it names really signed it: the archive's certificates came in uploaded documents, and a
    forged one naming a store CA would otherwise have kyso fetch any address it likes, again on
    every refresh."""
    from verifier.trust.certinfo import format_name
    from verifier.trust.issued import certificate_issued_by

    by_subject = {c.subject.dump(): c for c in cas}
    out: dict[str, str] = {}
    for cert in [*cas, *issued]:
        ca = by_subject.get(cert.issuer.dump())
        if ca is not None and certificate_issued_by(cert, ca):
            for url in _http_urls(cert):
                out.setdefault(url, format_name(ca.subject))
    for entry in store.entries():
        if entry.kind == "crl" and entry.source.lower().startswith(("http://", "https://")):
            out.setdefault(entry.source, entry.issuer)
    return out


def archived_certificates(archive) -> list[x509.Certificate]:
    """The certificates the archive kept as evidence (the signers', their CAs'), each once."""
    from sqlalchemy import select

    from archive.db.models import Evidence

    with archive.sessions() as s:
        shas = s.execute(select(Evidence.sha256).where(Evidence.kind == "certificate").distinct()).scalars().all()
    out = []
    for sha in shas:
        der = archive.blobs.get_if_intact(sha)  # missing or altered: `kyso archive fixity` reports it
        try:
            if der is not None:
                out.append(x509.Certificate.load(der))
        except Exception:  # noqa: BLE001 - kept as a certificate, but none: no address from it
            continue
    return out


def stale(store, now: datetime | None = None) -> list:
    """CRL entries of the store past (or within STALE_MARGIN of) their nextUpdate."""
    now = now or datetime.now(timezone.utc)
    return [e for e in store.entries() if e.kind == "crl" and e.not_after and _when(e.not_after) <= now + STALE_MARGIN]


def refresh(store, timeout: float, *, issued: list[x509.Certificate] = (), only_stale: bool = False) -> list[Outcome]:
    """Fetch the CRL at every known address (only those whose CRL is missing or stale with
    `only_stale`), check and store it."""
    cas = ca_certificates(store)
    addresses = crl_addresses(store, cas, list(issued))
    if only_stale:
        now = datetime.now(timezone.utc)
        fresh = {e.source for e in store.entries() if e.kind == "crl" and e.not_after and _when(e.not_after) > now + STALE_MARGIN}
        addresses = {url: who for url, who in addresses.items() if url not in fresh}
    return [_one(store, cas, url, issuer, timeout) for url, issuer in sorted(addresses.items())]


def _one(store, cas, url: str, issuer: str, timeout: float) -> Outcome:
    from archive.trust.store import TrustStoreError
    from verifier.trust import material
    from verifier.trust.certinfo import format_name
    from verifier.trust.issued import crl_issued_by

    try:
        body, _kind = fetch(url, timeout=timeout)
    except FetchError as exc:
        return Outcome(url, issuer, "failed", error=exc.reason)
    try:
        crls = material.load_crls(body)
    except material.MaterialError as exc:
        return Outcome(url, issuer, "failed", error=Phrase(f"nội dung tải về không phải CRL: {exc.text('vi')}",
                                                           f"what was downloaded is not a CRL: {exc.text('en')}"))
    for crl in crls:
        ca = next((c for c in cas if c.subject.dump() == crl["tbs_cert_list"]["issuer"].dump()), None)
        named = format_name(crl["tbs_cert_list"]["issuer"])
        if ca is None or not crl_issued_by(crl, ca):
            return Outcome(url, named, "failed", error=Phrase(
                f"CRL tải về không do một CA trong kho tin cậy ký ({named}); không nhận",
                f"the CRL downloaded is not signed by a CA of the trust store ({named}); refused"))
    try:
        before = {e.sha256 for e in store.entries()}
        entries = store.import_crls(body, url)
    except TrustStoreError as exc:
        return Outcome(url, issuer, "failed", error=exc.phrase)
    newest = max(entries, key=lambda e: e.not_before or "")
    for entry in entries:
        store.retire_older_crls(entry)
    status = "unchanged" if all(e.sha256 in before for e in entries) else "refreshed"
    return Outcome(url, newest.issuer, status, next_update=newest.not_after)


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
