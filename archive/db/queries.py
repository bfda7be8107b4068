"""Finding archived documents: by id or SHA-256, and by the filters of `kyso archive list` and
the words of `kyso archive search`.

Every text filter compares folded text (archive.db.folded): the filter is folded in Python and
matched against the `_folded` columns, so "Binh Phuoc", "BỘ NGOẠI GIAO", a name typed in NFD,
"Thuỷ" for "Thủy" and "45/KH-SGDDT" for "45/KH-SGDĐT" find the same documents in SQLite and
PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from archive.db.folded import folded, notation_key
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
    text: str | None = None  # free text: every word in the number, subject, issuer or a signer


def _day_start(d: date) -> datetime:
    """The start of day `d` in Vietnam, in UTC: the database keeps UTC (SQLite without a zone),
    the clerk's days are Vietnam's."""
    from verifier.vietnam import VIETNAM

    return datetime.combine(d, time.min, tzinfo=VIETNAM).astimezone(timezone.utc)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _contains(column, text: str):
    """`column` (a folded column) contains the folded `text`."""
    return column.like(_like(folded(text)), escape="\\")


def _latest_layer(*conds):
    """Some layer of the document's latest verification meets `conds`."""
    return exists().where(and_(LayerRow.verification_id == Document.latest_verification_id, *conds))


def _number(text: str):
    number, slash, notation = text.strip().partition("/")
    number, notation = number.strip(), notation.strip()
    if slash and number and notation:
        return and_(Document.code_number == number, Document.code_notation_folded == notation_key(notation))
    if slash:  # "/KH-SGDĐT" or "45/": the part given
        return Document.code_notation_folded == notation_key(notation) if notation else Document.code_number == number
    if number.isdigit():
        return Document.code_number == number
    return Document.code_notation_folded == notation_key(number)


def _word(word: str):
    """One word of a free-text search: in the document's own text or a signer's name."""
    return or_(_contains(Document.text_folded, word), _latest_layer(_contains(LayerRow.signer_common_name_folded, word)))


def conditions(f: Filters) -> list:
    """The WHERE conditions of the filters (all must hold)."""
    conds = []
    if f.verdict:
        conds.append(Document.verdict == f.verdict.upper())
    if f.type_name and folded(f.type_name):
        conds.append(_contains(Document.type_name_folded, f.type_name))
    if f.number and f.number.strip():
        conds.append(_number(f.number))
    if f.issued_from:
        conds.append(Document.issued_date >= f.issued_from)
    if f.issued_to:
        conds.append(Document.issued_date <= f.issued_to)
    if f.received_from:
        conds.append(Document.first_received_at >= _day_start(f.received_from))
    if f.received_to:
        conds.append(Document.first_received_at < _day_start(date.fromordinal(f.received_to.toordinal() + 1)))
    if f.name and folded(f.name):
        conds.append(exists().where(and_(Receipt.document_id == Document.id, _contains(Receipt.name_folded, f.name))))
    if f.signer and folded(f.signer):
        conds.append(_latest_layer(_contains(LayerRow.signer_common_name_folded, f.signer)))
    if f.agency and folded(f.agency):
        # the agency's own layers, or the issuing organ of the metadata
        conds.append(or_(_latest_layer(LayerRow.role == "agency", _contains(LayerRow.signer_common_name_folded, f.agency)),
                         _contains(Document.organ_name_folded, f.agency)))
    for word in (folded(f.text) or "").split():
        conds.append(_word(word))
    return conds


def list_documents(s: Session, f: Filters, limit: int = 100, offset: int = 0) -> list[Document]:
    """Raises archive.db.limits.FilterError for a filter no database can take."""
    from archive.db.limits import check_filters

    check_filters(f)
    q = select(Document)
    conds = conditions(f)
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
