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
    url: str | None = None  # the CRL or OCSP responder it was fetched from (--online)


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


EVIDENCE_SOURCES = ("embedded", "store", "run", "fetched")


@dataclass(eq=False)
class Evidence:
    """One piece of validation material a verdict rests on (issue 15): a certificate of a chain,
    a CRL, an OCSP response or a timestamp token, with where it came from — `embedded` in the
    document (CMS, DSS, adbe-revocationInfoArchival), the trust `store`, given for the `run`
    (--trust/--intermediate/--crl/--ocsp, kyso.toml) or `fetched` over the network (with its
    `url`) —, when kyso obtained it (`obtained`: the fetch's time, else the verification's) and
    the layers (1-based) it served. Unpacks as (kind, der), the form before issue 15."""

    kind: str  # certificate | crl | ocsp | timestamp
    der: bytes = field(repr=False)
    source: str = "embedded"  # one of EVIDENCE_SOURCES
    url: str | None = None
    obtained: str | None = None  # ISO 8601
    layers: list[int] = field(default_factory=list)

    def __iter__(self):
        return iter((self.kind, self.der))

    @property
    def sha256(self) -> str:
        import hashlib

        return hashlib.sha256(self.der).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """Everything but the DER (an archive stores that by its sha256)."""
        return {"kind": self.kind, "sha256": self.sha256, "source": self.source, "url": self.url,
                "obtained": self.obtained, "layers": list(self.layers)}


def merge_evidence(items) -> list[Evidence]:
    """One item per piece of material (kind and DER), the layers it served joined; the first
    source named wins (a layer lists its embedded material before the trust's and the fetched)."""
    out: dict[tuple[str, bytes], Evidence] = {}
    for item in items:
        key = (item.kind, item.der)
        seen = out.get(key)
        if seen is None:
            out[key] = Evidence(item.kind, item.der, item.source, item.url, item.obtained, list(item.layers))
            continue
        seen.layers.extend(n for n in item.layers if n not in seen.layers)
        if seen.url is None and item.url is not None:
            seen.url = item.url
    return list(out.values())


def fetched_text(item: dict[str, Any], lang: str, said: dict | None = None) -> str:
    """One line of the report's `fetched` list for a reader; `said` gives a failure's reason in
    Vietnamese by (url, English reason), as the FETCH_FAILED findings hold it (fetched_lines)."""
    kinds = {"crl": ("CRL", "CRL"), "ocsp": ("OCSP", "OCSP"), "certificate": ("chứng thư số", "certificate")}
    kind = codes.pick(kinds.get(item.get("kind"), (item.get("kind"), item.get("kind"))), lang)
    layers = ", ".join(str(n) for n in item.get("layers") or ())
    result = item.get("result")
    if result == "ok":
        result = codes.pick(("đã tải", "fetched"), lang)
    elif lang == "vi" and said:
        result = said.get((item.get("url"), result), result)
    where = codes.pick((f" (chữ ký {layers})", f" (signature {layers})"), lang) if layers else ""
    return f"{kind} {item.get('url')}: {result}{where}"


def fetched_lines(report: "DocumentReport", lang: str) -> list[str]:
    """The report's `fetched` list for a reader, one line each (reports before issue 15 hold
    plain strings)."""
    said = {(f.params.get("url"), f.params.get("error")): f.params.get("error_vi")
            for f in report.findings if f.code == "FETCH_FAILED" and f.params.get("error_vi")}
    return [fetched_text(item, lang, said) if isinstance(item, dict) else str(item) for item in report.fetched]


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
    # every request of --online: {url, kind (crl|ocsp|certificate), result ("ok" or the error),
    # layers (1-based), time (ISO 8601, when asked), seconds} (verifier.net.session.Fetch)
    fetched: list[dict[str, Any]] = field(default_factory=list)
    kyso_version: str = ""
    # Decree 30/2020 Appendix VI metadata (verifier.decree30.metadata): snake-case field name ->
    # {"value": …, "source": …[, "layers" (layer numbers), "printed", "blank", "conflicts"]}
    metadata: dict[str, Any] = field(default_factory=dict)
    # The material the verdict rests on (certificates, CRLs, OCSP responses, timestamp tokens)
    # as Evidence items (kind, der, source, url, obtained, layers; each unpacks as (kind, der)),
    # so an archive can keep it and re-validate after a CA expires or its services stop.
    # Not part of the JSON report (the JSON `fetched` says what came from the network).
    evidence: list[Evidence] = field(default_factory=list, repr=False)
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
