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
from archive.intake.quarantined import REASON_SUFFIX
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

# the clerk's next step for a quarantined file, by how it came in: from the inbox it is put back
# with `kyso quarantine release`; from `kyso ingest` its original is still where it was
NEXT_STEP = {
    "ingest": ("sửa hoặc thay tệp gốc (vẫn ở chỗ cũ) rồi chạy lại 'kyso ingest' với tệp đó; bản ở đây được giữ "
               "nguyên như khi nhận ('kyso quarantine list' liệt kê các tệp bị cách ly).",
               "fix or replace the original (it is still where it was) and run 'kyso ingest' on it again; the copy "
               "here is kept as received ('kyso quarantine list' lists quarantined files)."),
    "watch": ("sửa hoặc thay tệp, hoặc nếu lỗi đã được khắc phục (ví dụ đã nhập chứng thư), chạy "
              "'kyso quarantine release {id}' để trả tệp về thư mục nhận và xử lý lại.",
              "fix or replace the file, or once the cause is fixed (e.g. a certificate imported), run "
              "'kyso quarantine release {id}' to put it back into the inbox for another try."),
    # issue 19: an upload through kyso serve (the console's "Lưu trữ tệp" or POST /api/documents)
    "web": ("sửa hoặc thay tệp rồi tải lên lại, hoặc nếu lỗi đã được khắc phục (ví dụ đã nhập chứng thư), bấm "
            "'Trả về thư mục nhận' ở trang Hộp thư đến (hoặc 'kyso quarantine release {id}') để tệp được xử lý lại từ thư mục nhận.",
            "fix or replace the file and upload it again, or once the cause is fixed (e.g. a certificate imported), "
            "press 'Release to the inbox' on the Inbox page (or run 'kyso quarantine release {id}') to have it processed again "
            "from the inbox."),
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
    """What became of one file (archive.intake.outcomes turns it into the event both `ingest` and
    `watch` print). kind: archived | duplicate (the same content received again) | already (this
    very file, same path and bytes, was received before: nothing added) | quarantined | skipped
    (not a PDF: left where it was) | returned (still being written) | failed (held, retried)."""
    kind: str
    name: str
    sha256: str | None = None
    verdict: str | None = None
    document_id: int | None = None
    reason: Phrase | str | None = None  # a Phrase, read in the clerk's language (codes.say)
    number: str | None = None  # the document's number and notation, e.g. 45/KH-SGDĐT
    issuer: str | None = None  # the issuing agency
    quarantine: str | None = None  # where the file was set aside


def _about(doc: Document) -> dict:
    """The document's number and issuer as the outcome line shows them."""
    number = f"{doc.code_number or ''}/{doc.code_notation}" if doc.code_notation else doc.code_number
    return {"number": number or None, "issuer": doc.organ_name or None}


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
        self._quarantined: dict | None = None  # (source, sha256) -> kept copy, read when first needed
        self.kyso_version, self.pyhanko_version = _versions()

    def _upgrade_if_needed(self) -> None:
        """The embedded SQLite default upgrades itself; a shared PostgreSQL is upgraded on
        purpose (`kyso db upgrade`), so a worker never migrates under another's feet."""
        from archive.db.session import current_revision, head_revision, is_empty

        empty = is_empty(self.engine)
        current = None if empty else current_revision(self.engine)
        if self.settings.database_url.startswith("sqlite") or empty:
            if empty or current != head_revision():
                upgrade(self.engine)
            else:  # at the head, Alembic would only be imported; its transaction is still taken, so
                with self.engine.begin():  # that a read-only or locked SQLite archive says so here
                    pass
        elif current is None:
            raise RuntimeError("the database has tables but no kyso schema version; run 'kyso db upgrade'")
        elif current != head_revision():
            raise RuntimeError(f"the database schema is at revision {current}, this kyso "
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
                return Outcome("duplicate" if done.duplicate else "archived", name, doc.sha256, doc.verdict, doc.id,
                               **_about(doc))
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
            return _returned(claim, area)
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
        if claim.written_since_read():  # a writer that paused past the stable time went on: not complete
            return _returned(claim, area)
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
            if not claim.moved and self._received_before(s, claim, doc.id):
                # `kyso ingest` run again over the same file (after an interruption, or twice):
                # the archive already holds this receipt, another would only say it twice
                outcome = Outcome("already", claim.name_nfc, sha, doc.verdict, doc.id, **_about(doc))
                area.release(claim)
                return outcome
            s.add(self._receipt(claim, doc.id, duplicate=True))
            events.append(s, "received", doc.id, claim.id, name=claim.name, source=claim.meta.get("source"), size=len(data))
            events.append(s, "duplicate", doc.id, claim.id, sha256=sha, name=claim.name)
            outcome = Outcome("duplicate", claim.name_nfc, sha, doc.verdict, doc.id, **_about(doc))
        area.release(claim)
        return outcome

    @staticmethod
    def _received_before(s, claim: Claim, document_id: int) -> bool:
        """A receipt of this document from this very path under this name."""
        return s.execute(select(Receipt.id).where(
            Receipt.document_id == document_id, Receipt.source == claim.meta.get("source", ""),
            Receipt.original_name == claim.name).limit(1)).first() is not None

    def _receipt(self, claim: Claim, document_id: int, duplicate: bool) -> Receipt:
        return Receipt(
            document_id=document_id, claim_id=claim.id, original_name=claim.name, name_nfc=claim.name_nfc,
            source=claim.meta.get("source", ""), received_at=datetime.now(timezone.utc), duplicate=duplicate,
        )

    def _store(self, claim: Claim, area, data: bytes, sha: str, report) -> Outcome:
        key = self.blobs.put(data, sha)
        now = datetime.now(timezone.utc)
        stored_evidence = self.keep_evidence(report, now)
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
            # the evidence named in the hash-chained log: the proof that it existed then (archive.reverify)
            events.append(s, "verified", doc.id, claim.id, verification_id=ver.id, verdict=report.verdict,
                          policy=report.policy, trust_fingerprint=report.trust_fingerprint,
                          evidence=sorted(item.sha256 for item in stored_evidence))
            outcome = Outcome("archived", claim.name_nfc, sha, report.verdict, doc.id, **_about(doc))
        area.release(claim)
        return outcome

    def keep_evidence(self, report, obtained: datetime | None = None, trust=None) -> list:
        """Store the report's evidence as objects (archive.evidence.Item each, with its source,
        time and layers; `trust` the configuration it was gathered under, this archive's by
        default)."""
        from archive.evidence import items_of

        items = items_of(report, trust or self.trust, obtained or datetime.now(timezone.utc), self._store_material)
        for item in items:
            self.blobs.put(item.der, item.sha256)
        return items

    def _store_material(self) -> frozenset[bytes]:
        """The DER of everything in the local trust store (to tell its evidence from the run's,
        for a report whose evidence does not say); read once, when first needed."""
        if getattr(self, "_store_ders", None) is None:
            from archive.trust.store import TrustStore

            try:
                self._store_ders = frozenset(der for ders in TrustStore(self.settings.trust_store).material()
                                             for der in ders)
            except Exception:  # noqa: BLE001 - a store that cannot be read gave this run nothing
                self._store_ders = frozenset()
        return self._store_ders

    def record_verification(self, s, doc: Document, report, trigger: str, stored_evidence=None,
                            data: bytes | None = None, *, as_of: str = "now", decision: str | None = "first",
                            sets_verdict: bool = True) -> Verification:
        """One verification run with its layers, evidence (archive.evidence.Items, stored) and,
        given the original's bytes `data`, its HTML report. The document shows its verdict
        unless `sets_verdict` is off (archive.reverify decides: a less founded result does not
        replace a proven one)."""
        from archive.db.limits import note_truncated
        from archive.evidence import layers_text

        self._warn_duplicate_number(s, doc, report)
        note_truncated(report, self.trust.policy)
        html_sha = self._keep_html_report(report, data)
        if stored_evidence is None:
            stored_evidence = self.keep_evidence(report)
        ver = Verification(
            document_id=doc.id, validation_time=_dt(report.validation_time) or datetime.now(timezone.utc),
            trigger=trigger, verdict=report.verdict,
            policy=report.policy, policy_sha256=report.policy_sha256, trust_fingerprint=report.trust_fingerprint,
            kyso_version=self.kyso_version, pyhanko_version=self.pyhanko_version,
            report=json.dumps(report.to_dict("en"), ensure_ascii=False), report_html_sha256=html_sha,
            performed_at=datetime.now(timezone.utc), as_of=as_of, decision=decision,
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
        for item in stored_evidence:
            if item.sha256 not in seen:
                seen.add(item.sha256)
                s.add(Evidence(verification_id=ver.id, kind=item.kind, sha256=item.sha256,
                               storage_key=self.blobs.key(item.sha256), source=item.source, url=item.url,
                               obtained_at=item.obtained, layers=layers_text(item.layers)))
        if sets_verdict:
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
        (`via`); the event keeps the reason in English. A file still being written since it was
        read is put back instead: its end, not its content, may be what is wrong with it."""
        if claim.written_since_read():
            return _returned(claim, area)
        claim.step = "quarantining"
        earlier = self._quarantined_before(claim, sha)
        if earlier is not None:  # `kyso ingest` run again over a file it set aside: once is enough
            area.release(claim)
            return Outcome("quarantined", claim.name_nfc, sha, None, None, Phrase(
                f"đã cách ly từ lần nhận trước, không thêm gì: {say(reason, 'vi')}",
                f"already quarantined by an earlier run, nothing added: {say(reason, 'en')}"), quarantine=str(earlier))
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
        write_atomic_at(qfd, base + REASON_SUFFIX, reason_text.encode())
        claim.step = "recording the quarantine"
        with transaction(self.sessions) as s:
            events.append(s, "quarantined", None, claim.id, name=claim.name, source=claim.meta.get("source"),
                          sha256=sha, reason=say(reason, "en"), path=str(target), kept=say(kept, "en"))
        if self._quarantined is not None and sha is not None:
            self._quarantined[(for_file(claim.meta.get("source")), sha)] = target
        area.release(claim)
        return Outcome("quarantined", claim.name_nfc, sha, None, None, reason, quarantine=str(target))

    def _quarantined_before(self, claim: Claim, sha: str | None):
        """The quarantined copy of these very bytes from this very path (`kyso ingest` only: a file
        dropped into the inbox again is a new arrival), or None. The folder is read once per run."""
        if claim.moved or sha is None:
            return None
        if self._quarantined is None:
            from archive.intake.quarantined import entries

            self._quarantined = {(e.fields.get("source"), e.fields.get("sha256")): e.folder / e.base
                                 for e in entries(self.settings.quarantine) if e.kept is not None}
        path = self._quarantined.get((for_file(claim.meta.get("source")), sha))
        return path if path is not None and path.exists() else None

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
            (label("next"), say(NEXT_STEP.get(self.via, NEXT_STEP["ingest"]), lang).replace("{id}", claim.id[:8])),
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
    """<claim id>__<name> when the name is plain text, does not end as a reason file's name does
    (a file named `x.reason.txt` would be listed as a second entry of its claim: red team), and
    the reason file's name still fits the file system's limit; else the claim id alone (the name
    is in the reason file)."""
    name = claim.name_nfc.replace("/", "__")
    candidate = f"{claim.id}__{name}"
    if (is_plain(name) and not name.endswith(REASON_SUFFIX)
            and len(f"{candidate}{REASON_SUFFIX}".encode()) <= name_max(qfd)):
        return candidate
    return claim.id


def _returned(claim: Claim, area) -> Outcome:
    """A file still being written, put back in the inbox to be taken again once complete."""
    returned = area.put_back(claim)
    return Outcome("returned" if returned else "skipped", claim.name_nfc,
                   reason=Phrase("tệp thay đổi trong hoặc sau khi đọc: vẫn đang được ghi, sẽ nhận lại khi ghi xong",
                                 "the file changed while or after it was read: still being written, taken again once "
                                 "complete"))


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
