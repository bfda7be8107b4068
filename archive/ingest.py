"""The ingest pipeline, one code path for the watcher and `kyso ingest`:

claim → hash → duplicate? → verify → store originals and evidence → commit → release the claim.

Nothing is removed from where it came from before the database has committed what became of it;
anything that cannot be archived goes to quarantine/ with a reason file. Each step is idempotent,
so recovery after a crash simply runs the claim again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from archive.db import events
from archive.storage.blobs import BlobStore
from archive.config import Settings
from archive.db.session import make_engine, sessions, transaction, upgrade
from archive.storage.fsutil import fsync_dir, write_atomic
from archive.intake.inbox import Claim
from archive.db.models import Document, Evidence, LayerRow, Receipt, Verification

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    kind: str  # archived | duplicate | quarantined | skipped
    name: str
    sha256: str | None = None
    verdict: str | None = None
    document_id: int | None = None
    reason: str | None = None


def _versions() -> tuple[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from verifier import __version__

    try:
        pyhanko = version("pyhanko")
    except PackageNotFoundError:
        pyhanko = "unknown"
    return __version__, pyhanko


class Archive:
    """The archive service: settings, database, object store and the trust to verify with.
    Built once per process; the trust configuration and validation material are reused."""

    def __init__(self, settings: Settings, trust=None, *, auto_upgrade: bool = True):
        self.settings = settings
        settings.home.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(settings.database_url)
        if auto_upgrade:
            self._upgrade_if_needed()
        self.sessions = sessions(self.engine, audit_head=settings.audit_head)
        self.blobs = BlobStore(settings.objects, settings.tmp)
        self.trust = trust
        self.kyso_version, self.pyhanko_version = _versions()

    def _upgrade_if_needed(self) -> None:
        """The embedded SQLite default upgrades itself; a shared PostgreSQL is upgraded on
        purpose (`kyso db upgrade`), so a worker never migrates under another's feet."""
        from archive.db.session import current_revision, head_revision, is_empty

        if self.settings.database_url.startswith("sqlite") or is_empty(self.engine):
            upgrade(self.engine)
        elif current_revision(self.engine) is None:
            raise RuntimeError("the database has tables but no kyso schema version; run 'kyso db upgrade'")
        elif current_revision(self.engine) != head_revision():
            raise RuntimeError(f"the database schema is at revision {current_revision(self.engine)}, this kyso "
                               f"needs {head_revision()}; run 'kyso db upgrade'")

    # -- verification ----------------------------------------------------------------------

    def verify(self, data: bytes, name: str):
        from verifier.document import verify_pdf

        return verify_pdf(data, self.trust, file=name)

    # -- the pipeline ----------------------------------------------------------------------

    def process(self, claim: Claim, area) -> Outcome:
        """Take one claimed file to its end state. Safe to run again on the same claim."""
        name = claim.name_nfc
        with transaction(self.sessions) as s:
            done = s.execute(select(Receipt).where(Receipt.claim_id == claim.id)).scalar_one_or_none()
            if done is not None:  # committed before a crash: only the clean-up was missing
                doc = s.get(Document, done.document_id)
                area.release(claim)
                return Outcome("duplicate" if done.duplicate else "archived", name, doc.sha256, doc.verdict, doc.id)
        if claim.meta.get("kind") == "symlink":
            return self.quarantine(claim, area, "symbolic link: kyso does not follow links (the target was not read)")
        try:
            size = claim.path.stat().st_size
        except FileNotFoundError:
            return Outcome("skipped", name, reason="the claimed file disappeared")
        if size > self.settings.max_size:
            return self.quarantine(claim, area, f"file of {size} bytes is over the limit of {self.settings.max_size} bytes")
        data = claim.path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        for _attempt in range(3):
            outcome = self._duplicate(claim, area, sha, len(data))
            if outcome is not None:
                return outcome
            try:
                report = self.verify(data, name)
            except Exception as exc:  # the verifier never raises on content; this is a crash
                log.exception("verification crashed on %s", name)
                return self.quarantine(claim, area, f"verification crashed: {type(exc).__name__}: {exc}", sha)
            if report.verdict == "ERROR":
                reason = "; ".join(f.message("en") for f in report.findings) or "unreadable"
                return self.quarantine(claim, area, f"not archivable: {reason}", sha)
            try:
                return self._store(claim, area, data, sha, report)
            except IntegrityError:
                continue  # another worker archived the same content a moment ago: a duplicate now
        raise RuntimeError(f"could not settle {name} after three attempts")

    def _duplicate(self, claim: Claim, area, sha: str, size: int) -> Outcome | None:
        with transaction(self.sessions) as s:
            doc = s.execute(select(Document).where(Document.sha256 == sha)).scalar_one_or_none()
            if doc is None:
                return None
            if self.blobs.check(sha) != "ok":  # heal a lost or damaged copy from the new arrival
                self.blobs.put(claim.path.read_bytes(), sha)
            s.add(self._receipt(claim, doc.id, duplicate=True))
            events.append(s, "received", doc.id, claim.id, name=claim.name, source=claim.meta.get("source"), size=size)
            events.append(s, "duplicate", doc.id, claim.id, sha256=sha, name=claim.name)
            outcome = Outcome("duplicate", claim.name_nfc, sha, doc.verdict, doc.id)
        area.release(claim)
        return outcome

    def _receipt(self, claim: Claim, document_id: int, duplicate: bool) -> Receipt:
        return Receipt(
            document_id=document_id, claim_id=claim.id, original_name=claim.name, name_nfc=claim.name_nfc,
            source=claim.meta.get("source", ""), received_at=datetime.now(timezone.utc), duplicate=duplicate,
        )

    def _store(self, claim: Claim, area, data: bytes, sha: str, report) -> Outcome:
        key = self.blobs.put(data, sha)
        stored_evidence = [(kind, hashlib.sha256(der).hexdigest(), der) for kind, der in report.evidence]
        for _kind, esha, der in stored_evidence:
            self.blobs.put(der, esha)
        now = datetime.now(timezone.utc)
        with transaction(self.sessions) as s:
            doc = Document(
                sha256=sha, size=len(data), pages=report.pages, storage_key=key, original_name=claim.name_nfc,
                first_received_at=now, verdict=report.verdict, validation_time=now,
            )
            apply_metadata(doc, report)
            s.add(doc)
            s.flush()
            s.add(self._receipt(claim, doc.id, duplicate=False))
            ver = self.record_verification(s, doc, report, "ingest", stored_evidence)
            events.append(s, "received", doc.id, claim.id, name=claim.name, source=claim.meta.get("source"), size=len(data))
            events.append(s, "stored", doc.id, claim.id, sha256=sha, storage_key=key, evidence=len(stored_evidence))
            events.append(s, "verified", doc.id, claim.id, verification_id=ver.id, verdict=report.verdict,
                          policy=report.policy, trust_fingerprint=report.trust_fingerprint)
            outcome = Outcome("archived", claim.name_nfc, sha, report.verdict, doc.id)
        area.release(claim)
        return outcome

    def record_verification(self, s, doc: Document, report, trigger: str, stored_evidence=None) -> Verification:
        """One verification run with its layers and evidence; the document shows its verdict."""
        from archive.db.limits import note_truncated

        self._warn_duplicate_number(s, doc, report)
        note_truncated(report, self.trust.policy)
        if stored_evidence is None:
            stored_evidence = []
            for kind, der in report.evidence:
                esha = hashlib.sha256(der).hexdigest()
                self.blobs.put(der, esha)
                stored_evidence.append((kind, esha, der))
        ver = Verification(
            document_id=doc.id, validation_time=_dt(report.validation_time) or datetime.now(timezone.utc),
            trigger=trigger, verdict=report.verdict,
            policy=report.policy, policy_sha256=report.policy_sha256, trust_fingerprint=report.trust_fingerprint,
            kyso_version=self.kyso_version, pyhanko_version=self.pyhanko_version,
            report=json.dumps(report.to_dict("en"), ensure_ascii=False),
        )
        s.add(ver)
        s.flush()
        for number, layer in enumerate(report.layers, start=1):
            s.add(LayerRow(
                verification_id=ver.id, layer=number, field=layer.field, revision=layer.revision, kind=layer.kind,
                role=layer.role, signer_common_name=layer.signer.common_name, signer_email=layer.signer.email,
                signer_organization=layer.signer.organization, pki=layer.pki, status=layer.status,
                subindication=layer.subindication, signing_time=_dt(layer.signing_time),
                certificate_sha256=layer.certificate.sha256 if layer.certificate else None,
                certificate_serial=layer.certificate.serial if layer.certificate else None,
                issuer_common_name=layer.chain[1] if len(layer.chain) > 1 else None,
            ))
        seen = set()
        for kind, esha, _der in stored_evidence:
            if esha not in seen:
                seen.add(esha)
                s.add(Evidence(verification_id=ver.id, kind=kind, sha256=esha, storage_key=self.blobs.key(esha)))
        doc.verdict, doc.validation_time, doc.latest_verification_id = report.verdict, ver.validation_time, ver.id
        apply_metadata(doc, report)
        return ver

    def _warn_duplicate_number(self, s, doc: Document, report) -> None:
        """Number + notation + issuing agency is unique per year (Decree 30, Art. 15): another
        archived document with the same key is a finding in this one's report (a warning under
        nd30), judged by the policy the report was made under like every other finding. Only a
        document whose latest verdict is VALID speaks for others: anyone can drop an unsigned
        file printing any number, and it must not cast doubt on a genuine one."""
        from verifier.decree30.metadata import uniqueness_key
        from verifier.document import add_finding

        key = uniqueness_key(getattr(report, "metadata", None) or {})
        if key is None:
            return
        number, notation, organ, year = key
        rows = s.execute(select(Document).where(
            Document.id != doc.id, Document.verdict == "VALID", Document.code_number.is_not(None),
            Document.issued_date >= date(year, 1, 1), Document.issued_date <= date(year, 12, 31),
        )).scalars()
        for other in rows:
            other_key = uniqueness_key({"code_number": other.code_number, "code_notation": other.code_notation,
                                        "organ_name": other.organ_name, "issued_date": other.issued_date.isoformat()})
            if other_key == key:
                add_finding(report, self.trust.policy, "ND30_DUPLICATE_NUMBER", number=number, notation=notation,
                            organ=other.organ_name, year=year, other=other.id)
                return

    def quarantine(self, claim: Claim, area, reason: str, sha: str | None = None) -> Outcome:
        """Keep the file, beside a reason file, under quarantine/<claim id>__<name>."""
        folder = self.settings.quarantine
        folder.mkdir(parents=True, exist_ok=True)
        safe = claim.name_nfc.replace("/", "__")
        target = folder / f"{claim.id}__{safe}"
        reason_text = (
            f"file: {claim.name}\nsource: {claim.meta.get('source')}\nsha256: {sha or '-'}\n"
            f"quarantined_at: {datetime.now(timezone.utc).isoformat()}\nreason: {reason}\n"
            "next step: fix or replace the file and drop it into the inbox again; this copy is kept as received.\n"
        )
        write_atomic(folder / f"{claim.id}__{safe}.reason.txt", reason_text.encode())
        # Copied (or the link recreated), not moved: the claim is released only after the event
        # is committed, so a crash anywhere here just quarantines the same claim again.
        if claim.path.is_symlink():
            if not target.is_symlink():
                os.symlink(os.readlink(claim.path), target)
        elif not target.exists():
            write_atomic(target, claim.path.read_bytes())
        fsync_dir(folder)
        with transaction(self.sessions) as s:
            events.append(s, "quarantined", None, claim.id, name=claim.name, source=claim.meta.get("source"),
                          sha256=sha, reason=reason, path=str(target))
        area.release(claim)
        return Outcome("quarantined", claim.name_nfc, sha, None, None, reason)


def _dt(value: str | None):
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


METADATA_FIELDS = ("type_name", "code_number", "code_notation", "place", "organ_name", "subject",
                   "signer_position", "signer_name", "priority")


def apply_metadata(doc: Document, report) -> None:
    """Copy the Decree 30 metadata of a report (when the verifier provides it) to the columns."""
    meta = getattr(report, "metadata", None) or {}
    for key in METADATA_FIELDS:
        value = meta.get(key)
        value = value.get("value") if isinstance(value, dict) else value
        if value is not None:
            setattr(doc, key, str(value) if not isinstance(value, list) else "; ".join(map(str, value)))
    issued = meta.get("issued_date")
    issued = issued.get("value") if isinstance(issued, dict) else issued
    if issued:
        try:
            doc.issued_date = date.fromisoformat(str(issued))
        except ValueError:
            pass
    if report.pages is not None:
        doc.pages = report.pages


def reverify(archive: Archive, doc_id: int, trigger: str = "reverify"):
    """Verify an archived original again (new policy, trust or kyso version) and record it as a
    new verification; earlier ones are kept. Returns the new report."""
    with archive.sessions() as s:
        doc = s.get(Document, doc_id)
        sha, name = doc.sha256, doc.original_name
    data = archive.blobs.get(sha)
    if hashlib.sha256(data).hexdigest() != sha:
        raise RuntimeError(f"the stored original of document {doc_id} fails fixity; run 'kyso archive fixity'")
    report = archive.verify(data, name)
    with transaction(archive.sessions) as s:
        doc = s.get(Document, doc_id)
        previous = doc.verdict
        ver = archive.record_verification(s, doc, report, trigger)
        events.append(s, "re-verified", doc.id, verification_id=ver.id, verdict=report.verdict, previous=previous,
                      policy=report.policy, trust_fingerprint=report.trust_fingerprint)
    return report
