"""Reports: the facts found for each signature layer and for the document, then the verdict
derived from them. Nothing here prints; renderers read these objects.

Field names are the JSON keys (documented in the README): one name per concept everywhere
(docs/vocabulary.md). Numbers a person reads count from 1: a finding's `layer` is the layer
number (DocumentReport.layers[layer - 1]), a layer's `revision` is 1 for the file as first
written, pages are 1-based. Hashes are lower-case hexadecimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Union

from verifier.report import codes
from verifier.report.codes import Phrase

# A sentence a reader reads: a Phrase made where the fact was found; a plain string when the
# report was read back from JSON written before both languages were kept (or a value read from
# the document). verifier.report.codes.say renders either.
Text = Union[Phrase, str]

# Fields holding such sentences. JSON has each in the report's language under its own key and in
# both languages under <key>_vi and <key>_en: the archive keeps one JSON report and renders it
# again in either language (verifier.report.load rebuilds the Phrases from those two keys).
BILINGUAL = {
    "Layer": ("role_basis", "purpose_basis", "changes", "problem"),
    "Timestamp": ("problem",),
    "Revocation": ("source",),
}


def _json(value: Any, lang: str) -> Any:
    """`value` as JSON: Phrases in `lang`, dataclasses as objects (with the BILINGUAL keys)."""
    if isinstance(value, Phrase):
        return value.text(lang)
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _json(getattr(value, f.name), lang) for f in fields(value)}
        for name in BILINGUAL.get(type(value).__name__, ()):
            raw = getattr(value, name)
            for code in ("vi", "en"):
                out[f"{name}_{code}"] = _json(raw, code)
        return out
    if isinstance(value, (list, tuple)):
        return [_json(v, lang) for v in value]
    if isinstance(value, dict):
        return {k: _json(v, lang) for k, v in value.items()}
    return value


# The form of the JSON report. 2: numbers count from 1, certificate hashes are lower-case, a
# finding's details are under "params" (verifier.report.load reads form 1 reports as well).
REPORT_FORMAT = 2


@dataclass
class Finding:
    code: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)
    layer: int | None = None  # the layer number (1-based), None for the document

    def message(self, lang: str) -> str:
        return codes.finding_text(self.code, lang, **{"layer": self.layer, **self.params})

    def to_dict(self, lang: str) -> dict[str, Any]:
        out = {"code": self.code, "severity": self.severity, "message": self.message(lang)}
        if self.layer is not None:
            out["layer"] = self.layer
        if self.params:
            out["params"] = _json(self.params, lang)
        return out


@dataclass
class Signer:
    common_name: str | None = None
    email: str | None = None
    organization: str | None = None
    organizational_units: list[str] = field(default_factory=list)
    locality: str | None = None
    uid: str | None = None
    title: str | None = None
    subject: str | None = None  # the full distinguished name, RFC 4514 style


@dataclass
class CertificateFacts:
    subject: str
    issuer: str
    serial: str  # hex
    not_before: str
    not_after: str
    sha256: str  # lower-case hex of the DER
    key_algorithm: str | None
    key_size: int | None
    signature_algorithm: str | None
    key_usage: list[str] = field(default_factory=list)
    extended_key_usage: list[str] = field(default_factory=list)


@dataclass
class Timestamp:
    time: str | None
    tsa: str | None
    valid: bool
    trusted: bool
    hash_algorithm: str | None = None
    problem: Text | None = None  # why the token proves no time, for a reader
    problem_detail: str | None = None  # the library's message behind it (details and JSON only)


@dataclass
class Revocation:
    status: str  # good | revoked | unknown | not_checked
    source: Text | None = None  # where the status comes from: "CRL nhúng trong tài liệu" / "CRL embedded in the document"
    time: str | None = None  # when the status was asserted (CRL thisUpdate / OCSP producedAt)
    revoked_at: str | None = None


@dataclass
class Appearance:
    page: int | None  # 1-based
    rect: list[float] | None
    visible: bool


@dataclass
class Layer:
    field: str
    revision: int  # the revision this layer signs: 1 is the file as first written
    kind: str = "signature"  # signature | document_timestamp
    sub_filter: str | None = None
    signer: Signer = field(default_factory=Signer)
    role: str = "unknown"  # person | agency | unknown
    role_basis: Text | None = None  # why the role was decided
    # what the layer is for under Decree 30/2020 (verifier.decree30.profile): competent | person | number |
    # date | seal | appendix | copy | incoming | comment | agency | timestamp | unknown
    purpose: str | None = None
    purpose_basis: Text | None = None  # why the purpose was decided
    certificate: CertificateFacts | None = None
    chain: list[str] = field(default_factory=list)  # subjects, signer first, anchor last
    pki: str = "untrusted"  # government | public | other | untrusted
    trust_anchor: str | None = None
    digest_algorithm: str | None = None
    signature_algorithm: str | None = None
    signing_time: str | None = None  # best known real time (ISO 8601, UTC offset kept)
    signing_time_claimed: str | None = None  # as written in the CMS signingTime attribute
    signing_time_source: str | None = None  # timestamp | signed_attribute | pdf_m
    local_time_as_utc: bool = False
    timestamp: Timestamp | None = None
    reason: str | None = None
    location: str | None = None
    contact_info: str | None = None
    certification_level: int | None = None  # DocMDP P, when this layer certifies
    appearance: Appearance | None = None
    integrity: bool | None = None  # the byte-range digest matches the signed digest
    cryptographic_validity: bool | None = None  # the signature value verifies
    trusted: bool | None = None
    valid_at_signing_time: bool | None = None
    validation_time: str | None = None
    revocation: Revocation | None = None
    coverage: str | None = None  # ENTIRE_FILE | ENTIRE_REVISION | ...
    modification_level: str | None = None  # NONE | LTA_UPDATES | FORM_FILLING | ANNOTATIONS | OTHER
    changes: list[Text] = field(default_factory=list)  # one sentence per change after signing
    relaxed: list[str] = field(default_factory=list)  # policy relaxations applied
    status: str = codes.INDETERMINATE
    subindication: str | None = None
    problem: Text | None = None  # the precise reason, for a reader
    # the library's own message behind `problem` (pyHanko, Python), as it said it: for the
    # details and JSON only, since it is English and technical
    problem_detail: str | None = None

    def message(self, lang: str) -> str:
        if self.status == codes.PASSED:
            return codes.pick(("Chữ ký hợp lệ.", "The signature is valid."), lang)
        text = codes.SUBINDICATION_TEXT.get(self.subindication or "GENERIC", codes.SUBINDICATION_TEXT["GENERIC"])
        return codes.pick(text, lang)

    def to_dict(self, lang: str) -> dict[str, Any]:
        out = _json(self, lang)
        out["message"] = self.message(lang)
        out["message_vi"] = self.message("vi")
        out["message_en"] = self.message("en")
        return out


@dataclass
class DocumentReport:
    file: str | None
    sha256: str
    size: int
    verdict: str = codes.INDETERMINATE
    revisions: int = 0  # how many; the last is revision `revisions`
    pages: int | None = None
    hybrid_xref: bool = False
    layers: list[Layer] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    policy: str = ""
    policy_sha256: str = ""
    trust_fingerprint: str = ""
    # the anchors the trust configuration held: {"subject" (RFC 4514), "sha256", "pki"}, so a
    # report says what it trusted, not only a hash of it
    trust_anchors: list[dict[str, str]] = field(default_factory=list)
    validation_time: str = ""
    fetched: list[str] = field(default_factory=list)  # URLs fetched with --online
    kyso_version: str = ""
    # Decree 30/2020 Appendix VI metadata (verifier.decree30.metadata): snake-case field name ->
    # {"value": …, "source": …[, "layers" (layer numbers), "printed", "blank", "conflicts"]}
    metadata: dict[str, Any] = field(default_factory=dict)
    # The DER material the verdict rests on (certificates, CRLs, OCSP responses, timestamp
    # tokens), as (kind, bytes), so an archive can keep it and re-validate after a CA expires.
    # Not part of the JSON report.
    evidence: list[tuple[str, bytes]] = field(default_factory=list, repr=False)
    # What the rendered comparison found changed on screen after a layer (verifier.signatures.displayed):
    # {layer, page, rect, pixels, before, after} with PNG crops, for the HTML and PDF reports.
    # Not part of the JSON report (the findings carry the regions).
    images: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def add(self, code: str, layer: int | None = None, severity: str | None = None, **params: Any) -> Finding:
        """A finding about the document, or about layer number `layer` (1-based)."""
        f = Finding(code, severity or codes.FINDINGS[code].severity, params, layer)
        self.findings.append(f)
        return f

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "report_format": REPORT_FORMAT,
            "file": self.file,
            "sha256": self.sha256,
            "size": self.size,
            "verdict": self.verdict,
            "verdict_text": codes.pick(codes.VERDICT_TEXT[self.verdict], lang),
            "revisions": self.revisions,
            "pages": self.pages,
            "hybrid_xref": self.hybrid_xref,
            "layers": [layer.to_dict(lang) for layer in self.layers],
            "findings": [f.to_dict(lang) for f in self.findings],
            "policy": self.policy,
            "policy_sha256": self.policy_sha256,
            "trust_fingerprint": self.trust_fingerprint,
            "trust_anchors": self.trust_anchors,
            "validation_time": self.validation_time,
            "fetched": self.fetched,
            "kyso_version": self.kyso_version,
            "metadata": self.metadata,
        }
