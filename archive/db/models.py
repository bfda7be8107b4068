"""The archive's tables (SQLAlchemy 2). Schema changes go through Alembic (archive/db/migrations).

documents    one row per distinct file content (SHA-256), with the latest verdict and the
             Decree 30 metadata fields that are searched on
receipts     every time a file arrived (a duplicate is a new receipt of the same document)
verifications every verification run, kept forever, with the full JSON report and its HTML
             report (a stored object)
layers       the searchable part of each layer of each verification

Columns are named like the report's JSON keys (docs/vocabulary.md): a nested key is flattened
with `_` (`signer.common_name` -> `signer_common_name`), numbers a person reads count from 1
(`layer`, `revision`) and hashes are lower-case hex.
evidence     certificates, CRLs, OCSP responses and timestamp tokens a verification used
events       the append-only, hash-chained log; chain_head holds its tip
chain_timestamps RFC 3161 tokens over the chain head at some event (archive.ltv.chainstamp)
accounts, web_sessions, api_tokens  who may use `kyso serve`, signed in or by token (archive.web)

Columns ending in `_folded` are the search forms of the columns they are named after, and
documents.text_folded that of the words `kyso archive search` reads (archive.db.folded): kept
here on every write, never set by hand, never shown.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from archive.db.folded import FOLDED


class Base(DeclarativeBase):
    pass


def _folded(table: str, column: str):
    """A folded search column, made on insert from the row's own values (also for a Core insert
    that does not name it); updates through the ORM refresh it (_install_folding)."""
    make = FOLDED[table][column]
    return mapped_column(Text, default=lambda context: make(context.get_current_parameters()))


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    pages: Mapped[int | None] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(80), nullable=False)
    original_name: Mapped[str] = mapped_column(Text, nullable=False)  # first received name, NFC
    first_received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    verdict: Mapped[str] = mapped_column(String(16), nullable=False)  # of latest_verification_id
    validation_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)  # of latest_verification_id
    # the verification the verdict comes from: the latest, unless a later run was less founded
    # (archive.reverify: a current verdict changes only for a result at least as well founded)
    latest_verification_id: Mapped[int | None] = mapped_column(Integer)
    # Decree 30/2020 Appendix VI metadata (docs/decree30.md §3), filled when the report carries it
    type_name: Mapped[str | None] = mapped_column(String(120))
    code_number: Mapped[str | None] = mapped_column(String(40))
    code_notation: Mapped[str | None] = mapped_column(String(120))
    issued_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(120))
    organ_name: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(Text)
    signer_position: Mapped[str | None] = mapped_column(String(255))
    signer_name: Mapped[str | None] = mapped_column(String(255))
    priority: Mapped[str | None] = mapped_column(String(40))
    # search forms (archive.db.folded): --type, --number's notation, --agency, free text
    type_name_folded: Mapped[str | None] = _folded("documents", "type_name_folded")
    code_notation_folded: Mapped[str | None] = _folded("documents", "code_notation_folded")
    organ_name_folded: Mapped[str | None] = _folded("documents", "organ_name_folded")
    text_folded: Mapped[str | None] = _folded("documents", "text_folded")

    receipts: Mapped[list[Receipt]] = relationship(back_populates="document", order_by="Receipt.id")
    verifications: Mapped[list[Verification]] = relationship(back_populates="document", order_by="Verification.id")

    __table_args__ = (
        Index("ix_documents_verdict", "verdict"),
        Index("ix_documents_received", "first_received_at"),
        Index("ix_documents_issued", "issued_date"),
        Index("ix_documents_organ", "organ_name"),
        Index("ix_documents_notation", "code_notation", "code_number"),
        Index("ix_documents_code_notation_folded", "code_notation_folded", "code_number"),
    )


class Receipt(Base):
    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), nullable=False, index=True)
    # The claim that brought the file in: a crash after commit must not count it twice.
    claim_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    original_name: Mapped[str] = mapped_column(Text, nullable=False)  # relative path as received
    name_nfc: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    duplicate: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    name_folded: Mapped[str | None] = _folded("receipts", "name_folded")  # --name

    document: Mapped[Document] = relationship(back_populates="receipts")


class Verification(Base):
    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), nullable=False, index=True)
    validation_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)  # the report's
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)  # ingest | reverify | verify
    verdict: Mapped[str] = mapped_column(String(16), nullable=False)
    policy: Mapped[str] = mapped_column(String(64), nullable=False)
    policy_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    trust_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    kyso_version: Mapped[str] = mapped_column(String(32), nullable=False)
    pyhanko_version: Mapped[str] = mapped_column(String(32), nullable=False)
    report: Mapped[str] = mapped_column(Text, nullable=False)  # the full JSON report (English text)
    # the HTML report made when it ran (Vietnamese, with its pictures), a stored object; None before schema 0003
    report_html_sha256: Mapped[str | None] = mapped_column(String(64))
    # schema 0005 (None before): when the run happened (validation_time is the moment it judged
    # at), which moment that was (now | archived: as of the archived validation time, with the
    # stored evidence) and what it did to the document's verdict (archive.reverify.DECISIONS)
    performed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[str | None] = mapped_column(String(16))
    decision: Mapped[str | None] = mapped_column(String(24))

    document: Mapped[Document] = relationship(back_populates="verifications")
    layers: Mapped[list[LayerRow]] = relationship(order_by="LayerRow.layer")
    evidence: Mapped[list[Evidence]] = relationship()


class LayerRow(Base):
    __tablename__ = "layers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verifications.id"), nullable=False, index=True)
    layer: Mapped[int] = mapped_column(Integer, nullable=False)  # the layer number, 1-based
    field: Mapped[str] = mapped_column(Text, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)  # 1 is the file as first written
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    signer_common_name: Mapped[str | None] = mapped_column(String(255), index=True)
    signer_email: Mapped[str | None] = mapped_column(String(255))
    signer_organization: Mapped[str | None] = mapped_column(String(255))
    pki: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    subindication: Mapped[str | None] = mapped_column(String(48))
    signing_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    certificate_sha256: Mapped[str | None] = mapped_column(String(64))  # joins evidence.sha256
    certificate_serial: Mapped[str | None] = mapped_column(String(80))
    issuer_common_name: Mapped[str | None] = mapped_column(String(255))  # chain[1]: who issued the certificate
    signer_common_name_folded: Mapped[str | None] = _folded("layers", "signer_common_name_folded")  # --signer, --agency


class Evidence(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verifications.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # certificate | crl | ocsp | timestamp
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    storage_key: Mapped[str] = mapped_column(String(80), nullable=False)
    # schema 0005 (None before): embedded | store | run | fetched, the URL it was fetched from,
    # when it was obtained, and the layer numbers it served ("1,3")
    source: Mapped[str | None] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(Text)
    obtained_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    layers: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (UniqueConstraint("verification_id", "sha256"),)


class Event(Base):
    __tablename__ = "events"

    # seq is assigned from chain_head under a lock, so it has no gaps: a deleted row shows.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    claim_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class ChainHead(Base):
    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


# issue 15 (ltv15): the archive's proof of time (archive.ltv.chainstamp, migration 0006)
class ChainTimestamp(Base):
    __tablename__ = "chain_timestamps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, index=True)  # the event whose hash was stamped
    chain_hash: Mapped[str] = mapped_column(String(64), nullable=False)  # that event's hash = the token's imprint
    tsa_url: Mapped[str] = mapped_column(Text, nullable=False)
    gen_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)  # the TSA's time
    token: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # the DER TimeStampToken
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)  # our clock, for schedules


# issue 19 (serve): who may use `kyso serve` (archive.web.accounts, migration 0007)
class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)  # NFC, lower-case
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)  # argon2id, with its parameters
    roles: Mapped[str] = mapped_column(String(64), nullable=False)  # "clerk,auditor" (archive.web.access.ROLES)
    lang: Mapped[str] = mapped_column(String(2), nullable=False, default="vi")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # failed sign-ins in a row, and until when the next one is refused (archive.web.accounts.THROTTLE)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A console sign-in: the browser holds the token, the archive only its SHA-256, so a copy
    of the database opens no session. Kept in the database so every server of one archive knows it."""
    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    csrf: Mapped[str] = mapped_column(String(64), nullable=False)  # the forms' token (archive.web.auth)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ApiToken(Base):
    """A bearer token of the HTTP API, for another system acting as an account."""
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    label: Mapped[str] = mapped_column(String(64), nullable=False)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_used: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- limits checked before the database (archive.db.limits) -----------------------------------

def _install_limits() -> None:
    """Every string column fits what is set into it (archive.db.limits.fit) when it is set."""
    from sqlalchemy import event

    from archive.db.limits import fit

    def fitting(limit: int | None):
        def fitted(_target, value, _old, _initiator):
            return fit(value, limit) if isinstance(value, str) else value

        return fitted

    for mapper in Base.registry.mappers:
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if isinstance(column.type, String):  # Text is a String without a length
                event.listen(getattr(mapper.class_, prop.key), "set", fitting(column.type.length), retval=True)


_install_limits()


def _install_folding() -> None:
    """A row changed through the ORM gets its folded columns made again from its new values
    (inserts are served by the column defaults)."""
    from sqlalchemy import event

    class _Values:
        def __init__(self, target):
            self.target = target

        def get(self, key, default=None):
            return getattr(self.target, key, default)

    for model in (Document, LayerRow, Receipt):
        makers = FOLDED[model.__tablename__]

        def refold(_mapper, _connection, target, makers=makers):
            values = _Values(target)
            for column, make in makers.items():
                value = make(values)
                if getattr(target, column) != value:
                    setattr(target, column, value)

        event.listen(model, "before_update", refold)


_install_folding()
