"""The bodies the API answers with, as its OpenAPI description shows them (pydantic models).

Routes build their answers from the archive's own dicts (archive.db.queries, archive.evidence,
the pool) and return them as they are; these models only describe them, so the keys are those
of `kyso archive show --json` and `kyso verify --json` (one name per concept). The schema test
(tests/test_serve_schema.py) checks every answer against them. Objects may carry more keys than
listed: a later kyso adds keys, never removes or renames one.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class ProblemBody(Shape):
    """Every refusal and error: a stable code, what went wrong, what to do next, in the asker's language."""
    error: str = Field(description="stable code, e.g. not_found, forbidden, not_pdf, too_large, quarantined")
    message: str
    next: str = Field(description="what to do next; may be empty")


class VerifyResult(Shape):
    verdict: str = Field(description="VALID | INVALID | INDETERMINATE | ERROR (ETSI EN 319 102-1)")
    report: dict[str, Any] = Field(description="the report as `kyso verify --json` gives it")


class Layer(Shape):
    layer: int
    field: str
    role: str
    signer_common_name: str | None
    status: str


class DocumentSummary(Shape):
    id: int
    sha256: str
    name: str = Field(description="the name it was first received under")
    size: int
    pages: int | None
    verdict: str
    received_at: str | None = Field(description="ISO 8601, Vietnam time")
    validation_time: str | None
    type_name: str | None
    code_number: str | None
    code_notation: str | None
    issued_date: str | None
    organ_name: str | None
    subject: str | None
    signer_name: str | None
    layers: list[Layer]


class DocumentList(Shape):
    documents: list[DocumentSummary] = Field(description="newest first")
    limit: int
    offset: int
    more: bool = Field(description="whether documents beyond this page match")


class Receipt(Shape):
    name: str
    source: str = Field(description="where it came from: 'ingest:<path>', 'watch:<path>', 'web:<account>'")
    received_at: str | None
    duplicate: bool


class EvidenceItem(Shape):
    kind: str = Field(description="certificate | crl | ocsp | timestamp")
    sha256: str
    source: str | None
    url: str | None
    obtained_at: str | None
    layers: list[int]


class VerificationRun(Shape):
    id: int
    trigger: str = Field(description="ingest | reverify | verify")
    performed_at: str | None
    validation_time: str | None = Field(description="the moment the run judged at")
    as_of: str | None = Field(description="now | archived (a re-verification as of the archived time)")
    verdict: str
    decision: str | None = Field(description="what the run did to the document's verdict (archive.reverify)")
    policy: str
    trust_fingerprint: str
    kyso_version: str
    pyhanko_version: str


class ShownRun(VerificationRun):
    evidence: list[EvidenceItem]


class DocumentDetail(DocumentSummary):
    """`kyso archive show --json`, less the server's own paths."""
    storage_key: str
    receipts: list[Receipt]
    verifications: list[ShownRun]
    verdict_verification_id: int | None = Field(description="the verification the verdict comes from")
    stored_original: str = Field(description="ok | missing | altered: the stored original's fixity now")
    report: dict[str, Any] = Field(description="the report of the verification the verdict comes from")


class History(Shape):
    document_id: int
    verdict_verification_id: int | None
    verifications: list[VerificationRun] = Field(description="oldest first")


class ListedEvidence(EvidenceItem):
    file: str = Field(description="its path inside the export package")
    verifications: list[int]
    verdict_rests_on: bool


class EvidenceList(Shape):
    document_id: int
    evidence: list[ListedEvidence]


class Ingested(Shape):
    """What became of an uploaded document, as `kyso ingest --json` says it
    (docs/schemas/events.schema.json); keys without a value are left out."""
    time: str
    event: str = Field(description="archived | duplicate | already | quarantined | skipped | failed")
    file: str = Field(description="the name it was uploaded under")
    sha256: str | None = None
    verdict: str | None = None
    document_id: int | None = None
    number: str | None = None
    issuer: str | None = None
    quarantine: str | None = Field(default=None, description="the quarantine entry's name (it starts with its ID)")
    reason: str | None = Field(default=None, description="why it was quarantined, in the asker's language")


class QuarantinedProblem(ProblemBody):
    """A 422 of an ingest: a request that is not valid, or (error 'quarantined') a file that went to quarantine."""
    outcome: Ingested | None = Field(default=None, description="with 'quarantined': what became of the file")


class ReverifyRun(Shape):
    as_of: str
    verdict: str
    verification_id: int
    decision: str


class Reverified(Shape):
    document_id: int
    before: str
    after: str
    decision: str = Field(description="same | changed | less_founded | conflict (archive.reverify)")
    by: str = Field(description="the account that asked")
    runs: list[ReverifyRun]


class QuarantineEntry(Shape):
    """A quarantined file as `kyso quarantine list --json` gives it."""
    id: str = Field(description="the entry's ID (its claim id); a unique start of at least 4 characters names it too")
    short_id: str
    file: str = Field(description="the name the file arrived under")
    quarantined_at: str = Field(description="ISO 8601, Vietnam time")
    reason: str = Field(description="why it was set aside, in the asker's language where the archive has it")
    sha256: str | None = None
    source: str | None = None
    kept: str | None = Field(default=None, description="where the file is kept on the server; absent when nothing was kept")
    reason_file: str


class QuarantineList(Shape):
    entries: list[QuarantineEntry] = Field(description="oldest first")


class Released(Shape):
    id: str
    file: str
    released_to: str = Field(description="the file's path in the inbox, where `kyso watch` takes it")


class AuditHead(Shape):
    seq: int
    hash: str


class FixityCheck(Shape):
    seq: int = Field(description="the 'fixity-checked' event")
    at: str
    by: str | None = None
    checked: int | None = None
    problems: int | None = None


class AuditEvent(Shape):
    seq: int
    at: str = Field(description="ISO 8601, Vietnam time")
    kind: str = Field(description="the event kind (archive.db.events.KINDS)")
    document_id: int | None = None
    claim_id: str | None = None
    by: str | None = Field(default=None, description="the account that caused it ('cli' for the command line, "
                                                      "'watcher' for the watched folder's CRL refresh)")
    detail: dict[str, Any]


class AuditStatus(Shape):
    """`kyso audit verify --json` (without the archive's name), the last fixity check and the latest events."""
    ok: bool
    events: int
    head: AuditHead
    problems: list[str]
    fixity: FixityCheck | None = None
    latest_events: list[AuditEvent] = Field(description="newest first")


class TrustCertificate(Shape):
    """A CA certificate as `kyso certs list --json` lists it: every pin (imported or not), then the unpinned ones imported."""
    name: str | None = Field(description="the pin's name (certs/pins.toml); null for an unpinned certificate")
    subject: str
    role: str = Field(description="anchor | intermediate")
    pki: str | None = Field(description="government | public; null when unknown")
    sha256: str
    valid_from: str | None
    valid_to: str | None
    pinned: bool
    imported: bool = Field(description="whether the store holds it (a pin not imported is listed with where to get it)")
    url: str | None


class TrustRevocation(Shape):
    kind: str = Field(description="crl | ocsp")
    issuer: str
    sha256: str
    this_update: str | None = Field(description="a CRL's thisUpdate, an OCSP response's producedAt")
    next_update: str | None
    source: str = Field(description="the file's name, or the URL a refresh fetched it from")
    imported_at: str
    stale: bool = Field(description="past its next update (or nearly): validation cannot rely on it")


class TrustListing(Shape):
    certificates: list[TrustCertificate]
    revocations: list[TrustRevocation]
    online: bool = Field(description="whether this server fetches (kyso serve --online): only then are CRLs refreshed")
    store_used: bool = Field(description="false when the server was started with --no-trust-store")
