"""Finding archived documents: by id or SHA-256, and by the filters of `kyso archive list`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from archive.db.models import Document, LayerRow, Receipt, Verification
from archive.lang import iso
from verifier.report.codes import Phrase


class NotFound(LookupError):
    """No such document; args[0] is a codes.Phrase (str() gives the English)."""

    def text(self, lang: str) -> str:
        from verifier.report.codes import say

        return say(self.args[0], lang)


def find_document(s: Session, ref: str) -> Document:
    """`ref` is a document id or a SHA-256 (a unique prefix of at least 8 hex digits is enough)."""
    ref = ref.strip().lower()
    if ref.isdigit() and len(ref) < 16:
        doc = s.get(Document, int(ref))
        if doc is None:
            raise NotFound(Phrase(f"không có văn bản lưu trữ nào có số thứ tự {ref}; 'kyso archive list' cho xem các số thứ tự",
                                  f"no archived document with id {ref}; 'kyso archive list' shows the ids"))
        return doc
    if len(ref) < 8 or any(c not in "0123456789abcdef" for c in ref):
        raise NotFound(Phrase(f"'{ref}' không phải số thứ tự văn bản, cũng không phải SHA-256 (ít nhất 8 chữ số hex)",
                              f"'{ref}' is neither a document id nor a SHA-256 (at least 8 hex digits)"))
    docs = s.execute(select(Document).where(Document.sha256.like(ref + "%")).limit(2)).scalars().all()
    if not docs:
        raise NotFound(Phrase(f"không có văn bản lưu trữ nào có SHA-256 bắt đầu bằng {ref}",
                              f"no archived document whose SHA-256 starts with {ref}"))
    if len(docs) > 1:
        raise NotFound(Phrase(f"nhiều văn bản có SHA-256 bắt đầu bằng {ref}; hãy cho thêm chữ số",
                              f"several documents' SHA-256 start with {ref}; give more digits"))
    return docs[0]


@dataclass
class Filters:
    verdict: str | None = None
    signer: str | None = None
    agency: str | None = None
    type_name: str | None = None
    number: str | None = None  # number and/or notation, e.g. "45/KH-SGDĐT", "KH-SGDĐT" or "45"
    issued_from: date | None = None
    issued_to: date | None = None
    received_from: date | None = None
    received_to: date | None = None
    name: str | None = None


def _day_start(d: date) -> datetime:
    """The start of day `d` in Vietnam, in UTC: the database keeps UTC (SQLite without a zone),
    the clerk's days are Vietnam's."""
    from verifier.vietnam import VIETNAM

    return datetime.combine(d, time.min, tzinfo=VIETNAM).astimezone(timezone.utc)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_documents(s: Session, f: Filters, limit: int = 100, offset: int = 0) -> list[Document]:
    """Raises archive.db.limits.FilterError for a filter no database can take."""
    from archive.db.limits import check_filters

    check_filters(f)
    q = select(Document)
    conds = []
    if f.verdict:
        conds.append(Document.verdict == f.verdict.upper())
    if f.type_name:
        conds.append(func.lower(Document.type_name).like(_like(f.type_name.lower()), escape="\\"))
    if f.number:
        number, _, notation = f.number.partition("/")
        if notation:
            conds.append(and_(Document.code_number == number, Document.code_notation == notation))
        elif number.isdigit():
            conds.append(Document.code_number == number)
        else:
            conds.append(Document.code_notation == number)
    if f.issued_from:
        conds.append(Document.issued_date >= f.issued_from)
    if f.issued_to:
        conds.append(Document.issued_date <= f.issued_to)
    if f.received_from:
        conds.append(Document.first_received_at >= _day_start(f.received_from))
    if f.received_to:
        conds.append(Document.first_received_at < _day_start(date.fromordinal(f.received_to.toordinal() + 1)))
    if f.name:
        conds.append(exists().where(and_(Receipt.document_id == Document.id, func.lower(Receipt.name_nfc).like(_like(f.name.lower()), escape="\\"))))
    for text, role in ((f.signer, None), (f.agency, "agency")):
        if text:
            layer_cond = [LayerRow.verification_id == Document.latest_verification_id,
                          func.lower(LayerRow.signer_common_name).like(_like(text.lower()), escape="\\")]
            if role:
                layer_cond.append(LayerRow.role == role)
            cond = exists().where(and_(*layer_cond))
            if role:  # the agency may also be the issuing organ of the metadata
                cond = or_(cond, func.lower(Document.organ_name).like(_like(text.lower()), escape="\\"))
            conds.append(cond)
    if conds:
        q = q.where(and_(*conds))
    q = q.order_by(Document.first_received_at.desc(), Document.id.desc()).limit(limit).offset(offset)
    return list(s.execute(q).scalars())


def document_summary(s: Session, doc: Document) -> dict:
    signers = []
    if doc.latest_verification_id:
        rows = s.execute(select(LayerRow).where(LayerRow.verification_id == doc.latest_verification_id).order_by(LayerRow.layer)).scalars()
        signers = [{"layer": r.layer, "field": r.field, "role": r.role, "signer_common_name": r.signer_common_name,
                    "status": r.status} for r in rows]
    return {
        "id": doc.id, "sha256": doc.sha256, "name": doc.original_name, "size": doc.size, "pages": doc.pages,
        "verdict": doc.verdict, "received_at": iso(doc.first_received_at), "validation_time": iso(doc.validation_time),
        "type_name": doc.type_name, "code_number": doc.code_number, "code_notation": doc.code_notation,
        "issued_date": doc.issued_date.isoformat() if doc.issued_date else None, "organ_name": doc.organ_name,
        "subject": doc.subject, "signer_name": doc.signer_name, "layers": signers,
    }


def document_detail(s: Session, doc: Document) -> dict:
    out = document_summary(s, doc)
    out["storage_key"] = doc.storage_key
    out["receipts"] = [
        {"name": r.name_nfc, "source": r.source, "received_at": iso(r.received_at), "duplicate": r.duplicate}
        for r in doc.receipts
    ]
    out["verifications"] = [
        {"id": v.id, "validation_time": iso(v.validation_time), "trigger": v.trigger, "verdict": v.verdict, "policy": v.policy,
         "trust_fingerprint": v.trust_fingerprint, "kyso_version": v.kyso_version, "pyhanko_version": v.pyhanko_version}
        for v in doc.verifications
    ]
    return out


def latest_report(s: Session, doc: Document) -> dict:
    ver = s.get(Verification, doc.latest_verification_id)
    return json.loads(ver.report) if ver else {}
