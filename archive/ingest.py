"""The ingest pipeline, one code path for the watcher and `kyso ingest`:

claim → read once → hash → duplicate? → verify → store originals and evidence → commit → release.

The claimed file is read once, from the descriptor the claim opened, within the size limit; the
bytes read are what is hashed, verified, stored (or used to heal a lost stored copy) and
quarantined, so nothing kept under a hash can differ from it. Nothing is removed from where it
came from before the database has committed what became of it; anything that cannot be archived,
whatever step failed (reading, verifying, storing, the database), goes to quarantine/ with a
reason file, and the service goes on. Each step is idempotent, so recovery after a crash simply
runs the claim again.
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
from archive.storage.fsutil import name_max, write_atomic_at
from archive.intake.inbox import MAX_ATTEMPTS, Changed, Claim, TooLarge
from archive.intake.names import is_plain
from archive.textsafe import for_file
from archive.db.models import Document, Evidence, LayerRow, Receipt, Verification
from verifier.report.codes import Phrase, say

# what the pipeline was doing when a step failed (Claim.step), as a reason says it
STEPS = {
    "claimed": ("nhận xử lý", "claimed"),
    "looking up the claim": ("tra cứu mục đã nhận xử lý", "looking up the claim"),
    "reading": ("đọc tệp", "reading"),
    "checking for a duplicate": ("kiểm tra bản trùng", "checking for a duplicate"),
    "verifying": ("kiểm tra chữ ký", "verifying"),
    "storing": ("lưu tệp", "storing"),
    "quarantining": ("cách ly", "quarantining"),
    "recording the quarantine": ("ghi nhận việc cách ly", "recording the quarantine"),
}

# the clerk's next step for a quarantined file, by how it came in
NEXT_STEP = {
    "ingest": ("sửa hoặc thay tệp rồi chạy lại 'kyso ingest' với tệp đó; bản này được giữ nguyên như khi nhận.",
               "fix or replace the file and run 'kyso ingest' on it again; this copy is kept as received."),
    "watch": ("sửa hoặc thay tệp rồi thả lại vào thư mục nhận; bản này được giữ nguyên như khi nhận.",
              "fix or replace the file and drop it into the inbox again; this copy is kept as received."),
}

REASON_FILE = {  # the labels of a reason file
    "file": ("tệp", "file"), "source": ("nguồn", "source"), "sha256": ("sha256", "sha256"),
    "at": ("thời điểm cách ly (giờ Việt Nam)", "quarantined at (Vietnam time)"),
    "reason": ("lý do", "reason"), "kept": ("lưu giữ", "kept"), "next": ("bước tiếp theo", "next step"),
}


def failed(step: str, exc) -> Phrase:
    what = STEPS.get(step, (step, step))
    return Phrase(f"lỗi khi {what[0]}: {_short(exc)}", f"{what[1]} failed: {_short(exc)}")

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    kind: str  # archived | duplicate | quarantined | skipped | returned (still being written) | failed (held, retried)
    name: str
    sha256: str | None = None
    verdict: str | None = None
    document_id: int | None = None
    reason: Phrase | str | None = None  # a Phrase, read in the clerk's language (codes.say)


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

    def __init__(self, settings: Settings, trust=None, *, auto_upgrade: bool = True, lang: str = "vi",
                 via: str = "ingest"):
        self.settings = settings
        self.lang, self.via = lang, via  # the clerk's language and the way files come in (reason files)
        settings.home.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(settings.database_url)
        if auto_upgrade:
            self._upgrade_if_needed()
        self.sessions = sessions(self.engine, audit_head=settings.audit_head)
        self.blobs = BlobStore(settings.objects, settings.tmp)
        self.trust = trust
        self._qfd: int | None = None
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
        """Take one claimed file to its end state. Safe to run again on the same claim. Never
        raises: whatever fails at whichever step, the file ends quarantined with the reason, or
        (when quarantine fails too: the database or the disk) its claim is held for a retry."""
        try:
            return self._process(claim, area)
        except Exception as exc:  # noqa: BLE001 - one file must never stop the service
            reason = failed(claim.step, exc)
            # the reason says what happened; the traceback is for `kyso -v`
            log.error("%s: %s", for_file(claim.name), say(reason, self.lang), exc_info=log.isEnabledFor(logging.DEBUG))
        return self._quarantine_or_hold(claim, area, reason, claim.sha256)

    def _quarantine_or_hold(self, claim: Claim, area, reason: str, sha: str | None) -> Outcome:
        try:
            return self.quarantine(claim, area, reason, sha)
        except Exception as exc:  # noqa: BLE001
            log.error("%s", say(Phrase(f"không cách ly được {for_file(claim.name)}: {_short(exc)}",
                                       f"cannot quarantine {for_file(claim.name)}: {_short(exc)}"), self.lang),
                      exc_info=log.isEnabledFor(logging.DEBUG))
            area.hold(claim)
            error = f"{type(exc).__name__}: {exc}"
            return Outcome("failed", claim.name_nfc, sha, reason=Phrase(
                f"{say(reason, 'vi')}; việc cách ly cũng lỗi ({error}): mục đã nhận xử lý được giữ lại và thử lại sau",
                f"{say(reason, 'en')}; quarantine failed too ({error}): the claim is kept and tried again"))

    def _process(self, claim: Claim, area) -> Outcome:
        name = claim.name_nfc
        claim.step = "looking up the claim"
        with transaction(self.sessions) as s:
            done = s.execute(select(Receipt).where(Receipt.claim_id == claim.id)).scalar_one_or_none()
            if done is not None:  # committed before a crash: only the clean-up was missing
                doc = s.get(Document, done.document_id)
                area.release(claim)
                return Outcome("duplicate" if done.duplicate else "archived", name, doc.sha256, doc.verdict, doc.id)
        if claim.interrupted >= MAX_ATTEMPTS:
            n = claim.interrupted
            return self.quarantine(claim, area, Phrase(
                f"việc kiểm tra tệp này đã làm dừng tiến trình xử lý {n} lần (quá thời gian hoặc bộ nhớ cho phép, "
                "hoặc lỗi nghiêm trọng)",
                f"verifying this file stopped its worker {n} times (time or memory budget exceeded, or a crash)"))
        if claim.problem:
            return self.quarantine(claim, area, claim.problem)
        claim.step = "reading"
        try:
            data = claim.read(self.settings.max_size)
        except TooLarge as exc:
            limit = self.settings.max_size
            return self.quarantine(claim, area, Phrase(f"tệp {exc.size} byte vượt giới hạn {limit} byte",
                                                       f"file of {exc.size} bytes is over the limit of {limit} bytes"))
        except Changed:
            returned = area.put_back(claim)
            return Outcome("returned" if returned else "skipped", name,
                           reason=Phrase("tệp thay đổi trong khi đọc: đang được ghi, sẽ nhận lại khi ghi xong",
                                         "the file changed while it was read: still being written, taken again once complete"))
        sha = claim.sha256 = hashlib.sha256(data).hexdigest()
        claim.step = "checking for a duplicate"
        outcome = self._duplicate(claim, area, data, sha)
        if outcome is not None:
            return outcome
        claim.step = "verifying"
        try:
            report = self.verify(data, name)
        except Exception as exc:  # the verifier never raises on content; this is a crash
            log.exception("%s", say(Phrase(f"việc kiểm tra {name} bị lỗi", f"verification crashed on {name}"), self.lang))
            return self.quarantine(claim, area, Phrase(f"việc kiểm tra bị lỗi: {_short(exc)}",
                                                       f"verification crashed: {_short(exc)}"), sha)
        if report.verdict == "ERROR":
            why = {lang: "; ".join(f.message(lang) for f in report.findings) for lang in ("vi", "en")}
            return self.quarantine(claim, area, Phrase(f"không lưu trữ được: {why['vi'] or 'không đọc được tệp'}",
                                                       f"not archivable: {why['en'] or 'unreadable'}"), sha)
        claim.step = "storing"
        try:
            return self._store(claim, area, data, sha, report)
        except IntegrityError as exc:
            # another worker archived the same content a moment ago: a duplicate now; if not,
            # the database refused this document (a constraint): this file's problem only
            claim.step = "checking for a duplicate"
            outcome = self._duplicate(claim, area, data, sha)
            if outcome is not None:
                return outcome
            return self.quarantine(claim, area, Phrase(f"cơ sở dữ liệu từ chối bản ghi: {_short(exc)}",
                                                       f"the database refused the record: {_short(exc)}"), sha)

    def _duplicate(self, claim: Claim, area, data: bytes, sha: str) -> Outcome | None:
        with transaction(self.sessions) as s:
            doc = s.execute(select(Document).where(Document.sha256 == sha)).scalar_one_or_none()
            if doc is None:
                return None
            if self.blobs.check(sha) != "ok":  # heal a lost or damaged copy from the bytes just read
                self.blobs.put(data, sha)
            s.add(self._receipt(claim, doc.id, duplicate=True))
            events.append(s, "received", doc.id, claim.id, name=claim.name, source=claim.meta.get("source"), size=len(data))
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
            ver = self.record_verification(s, doc, report, "ingest", stored_evidence, data=data)
            events.append(s, "received", doc.id, claim.id, name=claim.name, source=claim.meta.get("source"), size=len(data))
            events.append(s, "stored", doc.id, claim.id, sha256=sha, storage_key=key, evidence=len(stored_evidence))
            events.append(s, "verified", doc.id, claim.id, verification_id=ver.id, verdict=report.verdict,
                          policy=report.policy, trust_fingerprint=report.trust_fingerprint)
            outcome = Outcome("archived", claim.name_nfc, sha, report.verdict, doc.id)
        area.release(claim)
        return outcome

    def record_verification(self, s, doc: Document, report, trigger: str, stored_evidence=None,
                            data: bytes | None = None) -> Verification:
        """One verification run with its layers, evidence and, given the original's bytes `data`,
        its HTML report; the document shows its verdict."""
        from archive.db.limits import note_truncated

        self._warn_duplicate_number(s, doc, report)
        note_truncated(report, self.trust.policy)
        html_sha = self._keep_html_report(report, data)
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
            report=json.dumps(report.to_dict("en"), ensure_ascii=False), report_html_sha256=html_sha,
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

    def _keep_html_report(self, report, data: bytes | None) -> str | None:
        """The HTML report as it reads now (the findings of this archive included), stored as an
        object; its SHA-256, or None. Made from the live report, so it keeps what the JSON
        report cannot (the rendered comparison's crops, sentences in Vietnamese). A report that
        cannot be made costs the verification nothing: `kyso archive report` makes it later."""
        if data is None:
            return None
        from verifier.report.html import render_html

        try:
            html = render_html(report, data, "vi")
            sha = hashlib.sha256(html).hexdigest()
            self.blobs.put(html, sha)
            return sha
        except Exception as exc:  # noqa: BLE001
            name = for_file(report.file or "-")
            log.warning("%s", say(Phrase(f"không lưu được báo cáo HTML của {name}: {_short(exc)}",
                                         f"the HTML report of {name} was not kept: {_short(exc)}"), self.lang),
                        exc_info=log.isEnabledFor(logging.DEBUG))
            return None

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

    def quarantine(self, claim: Claim, area, reason: Phrase | str, sha: str | None = None) -> Outcome:
        """Keep the file under quarantine/<claim id>__<name> (or <claim id> alone when the name
        is not plain text or too long for a file name), beside a reason file; the name itself is
        kept in the reason file and the event. What is kept is the bytes read, exactly (their
        hash is the one recorded), or the file moved there unread (over the size limit, no read
        permission, never finished): nothing is read or copied for quarantine. The reason file
        is in the clerk's language and Vietnam time, with the next step for how the file came in
        (`via`); the event keeps the reason in English."""
        claim.step = "quarantining"
        qfd = self._quarantine_fd()
        base = quarantine_name(claim, qfd)
        if claim.data is not None:
            write_atomic_at(qfd, base, claim.data)
            kept = Phrase(f"{len(claim.data)} byte đã đọc", f"the {len(claim.data)} bytes read")
        else:
            kept = area.keep_unread(claim, qfd, base)
        target = self.settings.quarantine / base
        reason_text = self.reason_file(claim, sha, reason, kept)
        # the reason is written last: a crash before it leaves the claim to be quarantined again
        write_atomic_at(qfd, base + ".reason.txt", reason_text.encode())
        claim.step = "recording the quarantine"
        with transaction(self.sessions) as s:
            events.append(s, "quarantined", None, claim.id, name=claim.name, source=claim.meta.get("source"),
                          sha256=sha, reason=say(reason, "en"), path=str(target), kept=say(kept, "en"))
        area.release(claim)
        return Outcome("quarantined", claim.name_nfc, sha, None, None, reason)

    def reason_file(self, claim: Claim, sha: str | None, reason, kept) -> str:
        """The text of a quarantine reason file: one `label: value` line each, values escaped
        (a file name cannot forge a line)."""
        from archive.lang import local

        lang = self.lang
        label = lambda key: say(REASON_FILE[key], lang)  # noqa: E731
        lines = [
            (label("file"), for_file(claim.name)), (label("source"), for_file(claim.meta.get("source"))),
            (label("sha256"), sha or "-"), (label("at"), local(datetime.now(timezone.utc))),
            (label("reason"), for_file(say(reason, lang))), (label("kept"), for_file(say(kept, lang))),
            (label("next"), say(NEXT_STEP.get(self.via, NEXT_STEP["ingest"]), lang)),
        ]
        return "".join(f"{key}: {value}\n" for key, value in lines)

    def _quarantine_fd(self) -> int:
        if self._qfd is not None and os.fstat(self._qfd).st_nlink == 0:  # removed meanwhile: made again
            os.close(self._qfd)
            self._qfd = None
        if self._qfd is None:
            self.settings.quarantine.mkdir(parents=True, exist_ok=True)
            self._qfd = os.open(self.settings.quarantine, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        return self._qfd


def quarantine_name(claim: Claim, qfd: int) -> str:
    """<claim id>__<name> when the name is plain text and the reason file's name still fits the
    file system's limit; else the claim id alone (the name is in the reason file)."""
    name = claim.name_nfc.replace("/", "__")
    candidate = f"{claim.id}__{name}"
    if is_plain(name) and len(f"{candidate}.reason.txt".encode()) <= name_max(qfd):
        return candidate
    return claim.id


def _short(exc, limit: int = 500) -> str:
    text = f"{type(exc).__name__}: {exc}" if exc is not None else "unknown"
    return text if len(text) <= limit else text[:limit] + "…"


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
        if isinstance(value, dict) and value.get("established") is False:
            setattr(doc, key, None)  # shown in the report, never indexed as the document's
            continue
        value = value.get("value") if isinstance(value, dict) else value
        if value is not None:
            setattr(doc, key, str(value) if not isinstance(value, list) else "; ".join(map(str, value)))
    issued = meta.get("issued_date")
    if isinstance(issued, dict) and issued.get("established") is False:
        doc.issued_date = issued = None
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
    from archive.problems import original_of

    data = archive.blobs.get_intact(sha, original_of(doc_id))  # missing or altered: a StoredObjectError (exit 5)
    report = archive.verify(data, name)
    with transaction(archive.sessions) as s:
        doc = s.get(Document, doc_id)
        previous = doc.verdict
        ver = archive.record_verification(s, doc, report, trigger, data=data)
        events.append(s, "re-verified", doc.id, verification_id=ver.id, verdict=report.verdict, previous=previous,
                      policy=report.policy, trust_fingerprint=report.trust_fingerprint)
    return report
