"""The ETSI TS 119 102-2 (V1.4.1) signature validation report of a DocumentReport, as XML bytes:
the report EU DSS, Adobe-aligned services and the EU tools exchange.

One SignatureValidationReport per layer, in layer order: what identifies the signature (the
digest of its signed attributes, its value, its field name, the digest of the bytes it signs),
the validation policy (kyso's policy name and hash), the validation time and the best proof of
when the signature existed, the signer's certificate, the main indication and the ETSI
sub-indication, the chain, revocation and algorithm behind them, and kyso's findings as
additional report data. The evidence (certificates, CRLs, OCSP responses, timestamp tokens) is
listed once, as the report's validation objects, each with its digest and proof of existence.

kyso's own codes (MODIFIED_AFTER_SIGNING, the Decree 30 findings, …) are no ETSI
sub-indications: they travel as report data of type `urn:kyso:reportdata:*` in kyso's namespace,
never as SubIndication. What concerns the whole document (its verdict, the findings about no
layer) is repeated in every layer's report, so that each stands alone. The report is not signed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from verifier.report import codes
from verifier.report.model import DocumentReport, Finding, Layer

VR = "http://uri.etsi.org/19102/v1.4.1#"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
TSL = "http://uri.etsi.org/02231/v2#"
XML_NS = "http://www.w3.org/XML/1998/namespace"
KYSO = "urn:kyso:validationreport:1"

_PREFIXES = {"vr": VR, "ds": DS, "XAdES": XADES, "tsl": TSL, "kyso": KYSO}

MAIN_INDICATION = {
    codes.PASSED: "urn:etsi:019102:mainindication:total-passed",
    codes.FAILED: "urn:etsi:019102:mainindication:total-failed",
    codes.INDETERMINATE: "urn:etsi:019102:mainindication:indeterminate",
}
SUBINDICATION_URN = "urn:etsi:019102:subindication:"
# ETSI EN 319 102-1 clause 5.1.3: the only names that may follow SUBINDICATION_URN.
STANDARD_SUBINDICATIONS = frozenset({
    "FORMAT_FAILURE", "HASH_FAILURE", "SIG_CRYPTO_FAILURE", "REVOKED", "EXPIRED", "NOT_YET_VALID",
    "SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE", "CERTIFICATE_CHAIN_GENERAL_FAILURE",
    "CRYPTO_CONSTRAINTS_FAILURE", "POLICY_PROCESSING_ERROR", "SIGNATURE_POLICY_NOT_AVAILABLE",
    "TIMESTAMP_ORDER_FAILURE", "NO_SIGNING_CERTIFICATE_FOUND", "NO_CERTIFICATE_CHAIN_FOUND",
    "REVOKED_NO_POE", "REVOKED_CA_NO_POE", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED",
    "REVOCATION_OUT_OF_BOUNDS_NO_POE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "NO_POE", "TRY_LATER",
    "SIGNED_DATA_NOT_FOUND", "GENERIC",
})
OBJECT_TYPE = {
    "certificate": "urn:etsi:019102:validationObject:certificate",
    "crl": "urn:etsi:019102:validationObject:CRL",
    "ocsp": "urn:etsi:019102:validationObject:OCSPResponse",
    "timestamp": "urn:etsi:019102:validationObject:timestamp",
    "signed_data": "urn:etsi:019102:validationObject:signedData",
    "other": "urn:etsi:019102:validationObject:other",
}
POE_VALIDATION = "urn:etsi:019102:poetype:validation"  # the object existed when kyso validated
POE_PROVIDED = "urn:etsi:019102:poetype:provided"  # a proof (a timestamp) came with the document
PROCESS = "urn:etsi:019102:validationprocess:"
# kyso's additional report data: what the standard has no element for
DATA_FINDING = "urn:kyso:reportdata:finding"
DATA_STATUS = "urn:kyso:reportdata:status"  # kyso's sub-indication where it is no ETSI one
DATA_PROBLEM = "urn:kyso:reportdata:problem"
DATA_CHANGE = "urn:kyso:reportdata:change"
DATA_DOCUMENT = "urn:kyso:reportdata:document"
POLICY_URN = "urn:kyso:policy:"

DIGEST_URI = {
    "sha1": "http://www.w3.org/2000/09/xmldsig#sha1",
    "sha224": "http://www.w3.org/2001/04/xmldsig-more#sha224",
    "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha384": "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "sha512": "http://www.w3.org/2001/04/xmlenc#sha512",
    "sha3_256": "http://www.w3.org/2007/05/xmldsig-more#sha3-256",
    "sha3_384": "http://www.w3.org/2007/05/xmldsig-more#sha3-384",
    "sha3_512": "http://www.w3.org/2007/05/xmldsig-more#sha3-512",
}
_SIGNATURE_URI = {
    ("rsassa_pkcs1v15", "sha1"): "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    ("rsassa_pkcs1v15", "sha224"): "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224",
    ("rsassa_pkcs1v15", "sha256"): "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    ("rsassa_pkcs1v15", "sha384"): "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    ("rsassa_pkcs1v15", "sha512"): "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    ("rsassa_pss", "sha256"): "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
    ("rsassa_pss", "sha384"): "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
    ("rsassa_pss", "sha512"): "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
    ("ecdsa", "sha1"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
    ("ecdsa", "sha256"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    ("ecdsa", "sha384"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    ("ecdsa", "sha512"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    ("dsa", "sha1"): "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
    ("dsa", "sha256"): "http://www.w3.org/2009/xmldsig11#dsa-sha256",
    ("ed25519", None): "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519",
    ("ed448", None): "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed448",
}
_CRYPTO_REFUSED = {"CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"}

# XML 1.0 cannot carry every character a PDF can: field names and values read from a
# document may hold control characters, which would make the report unreadable XML.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def validation_report(report: DocumentReport, pdf: bytes | None = None) -> bytes:
    """The ETSI TS 119 102-2 validation report of `report`, as UTF-8 XML. With the PDF's bytes,
    each layer is also identified by the digest of its signed attributes (the DTBSR), its
    signature value and the digest of the bytes its /ByteRange covers; without them, by its
    field name and signer alone."""
    build = _Builder(report, _signatures(pdf, report) if pdf is not None else {})
    return build.xml()


# ---- what the PDF tells about each layer -------------------------------------------------------


@dataclass
class _Signature:
    """One signature field as its bytes show it: what the report does not keep."""

    byte_range: list[int]
    signed_bytes_digest: dict[str, bytes] = field(default_factory=dict)  # algorithm -> digest
    signature_value: bytes | None = None
    dtbsr: tuple[str, bytes] | None = None  # (digest algorithm, digest of the signed attributes)
    token: bytes | None = None  # a document timestamp's own token
    certificates: list[bytes] = field(default_factory=list)
    filter: str | None = None
    name: str | None = None


def _signatures(pdf: bytes, report: DocumentReport) -> dict[str, _Signature]:
    """Field name -> what its signature dictionary holds; empty when the PDF cannot be read
    (the report then stands on the verification's facts alone)."""
    try:
        from pyhanko.sign.fields import enumerate_sig_fields

        from verifier.pdf.reader import KysoPdfFileReader

        reader = KysoPdfFileReader(io.BytesIO(pdf), strict=False)
        found: dict[str, _Signature] = {}
        algorithms = {layer.field: layer.digest_algorithm for layer in report.layers}
        for name, value, _ in enumerate_sig_fields(reader):
            if value is None or str(name) in found:
                continue
            try:
                found[str(name)] = _signature(pdf, value, algorithms.get(str(name)))
            except Exception:  # a damaged dictionary: that layer is identified by its name only
                continue
        return found
    except Exception:
        return {}


def _signature(pdf: bytes, sig, algorithm: str | None) -> _Signature:
    from asn1crypto import cms

    sig = sig.get_object()
    byte_range = [int(x) for x in sig["/ByteRange"]]
    out = _Signature(byte_range=byte_range)
    if "/Filter" in sig:
        out.filter = str(sig["/Filter"]).lstrip("/")
    if "/Name" in sig:
        out.name = str(sig["/Name"])
    if len(byte_range) == 4 and all(x >= 0 for x in byte_range):
        a, b, c, d = byte_range
        signed = pdf[a:a + b] + pdf[c:c + d]
        for alg in {algorithm if algorithm in DIGEST_URI else "sha256", "sha256"}:
            out.signed_bytes_digest[alg] = hashlib.new(alg.replace("_", "-") if "sha3" in alg else alg, signed).digest()
    contents = sig["/Contents"]
    raw = bytes(contents) if not isinstance(contents, bytes) else contents
    try:
        info = cms.ContentInfo.load(raw.rstrip(b"\x00") or raw, strict=False)
        signed_data = info["content"]
        signer = signed_data["signer_infos"][0]
        out.signature_value = signer["signature"].native
        attrs = signer["signed_attrs"]
        digest_alg = signer["digest_algorithm"]["algorithm"].native
        if attrs.native is not None and len(attrs) and digest_alg in DIGEST_URI:
            # the signed attributes are signed as a SET OF, not with their [0] tag
            der = b"\x31" + attrs.dump()[1:]
            out.dtbsr = (digest_alg, hashlib.new(digest_alg.replace("_", "-") if "sha3" in digest_alg else digest_alg, der).digest())
        certs = signed_data["certificates"]
        if certs.native is not None:
            out.certificates = [c.chosen.dump() for c in certs if c.name == "certificate"]
        econtent = signed_data["encap_content_info"]
        if econtent["content_type"].native == "tst_info":
            out.token = info.dump()
    except Exception:  # not a CMS (adbe.x509.rsa_sha1 carries a bare PKCS#1 value)
        pass
    return out


# ---- the evidence, parsed once ---------------------------------------------------------------


@dataclass
class _Object:
    kind: str  # certificate | crl | ocsp | timestamp | signed_data
    id: str
    der: bytes | None
    digest: tuple[str, bytes]
    parsed: Any = None
    poe: tuple[str, str, str | None] | None = None  # (time, type of proof, POE object id)
    provisioning: tuple[str, list[str]] | None = None  # a timestamp: (its time, the fields it proves)
    status: str | None = None  # a timestamp's own result


_ID_PREFIX = {"certificate": "C", "crl": "CRL", "ocsp": "OCSP", "timestamp": "T", "signed_data": "D"}


def _parse(kind: str, der: bytes):
    from asn1crypto import cms, crl, ocsp, x509

    try:
        if kind == "certificate":
            return x509.Certificate.load(der)
        if kind == "crl":
            return crl.CertificateList.load(der)
        if kind == "ocsp":
            return ocsp.OCSPResponse.load(der)
        if kind == "timestamp":
            return cms.ContentInfo.load(der)
    except Exception:
        return None
    return None


def _gen_time(token) -> datetime | None:
    try:
        return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:
        return None


def _time(value: str | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _xs_time(value: str | datetime | None) -> str | None:
    parsed = _time(value)
    return parsed.isoformat() if parsed is not None else None


# ---- the report ----------------------------------------------------------------------------


class _Builder:
    def __init__(self, report: DocumentReport, signatures: dict[str, _Signature]):
        self.report = report
        self.signatures = signatures
        self.validation_time = _xs_time(report.validation_time) or datetime.now(timezone.utc).isoformat()
        self.objects: dict[str, _Object] = {}  # id -> object, in the order first met
        self.by_sha256: dict[str, str] = {}
        for kind, der in report.evidence:
            self._add(kind, der)

    def _add(self, kind: str, der: bytes) -> _Object:
        sha = hashlib.sha256(der).hexdigest()
        known = self.by_sha256.get(sha)
        if known is not None:
            return self.objects[known]
        kind = kind if kind in _ID_PREFIX else "other"
        obj = _Object(kind, f"{_ID_PREFIX.get(kind, 'O')}-{sha[:40]}", der, ("sha256", bytes.fromhex(sha)), _parse(kind, der))
        self.objects[obj.id] = obj
        self.by_sha256[sha] = obj.id
        return obj

    # -- relations between a layer and the evidence

    def _certificates(self) -> list[_Object]:
        return [o for o in self.objects.values() if o.kind == "certificate" and o.parsed is not None]

    def _signer(self, layer: Layer) -> _Object | None:
        if layer.certificate is None:
            return None
        sha = layer.certificate.sha256.lower()
        if sha not in self.by_sha256:
            for der in self.signatures.get(layer.field, _Signature([])).certificates:
                if hashlib.sha256(der).hexdigest() == sha:
                    self._add("certificate", der)
        found = self.by_sha256.get(sha)
        return self.objects[found] if found else None

    def _chain(self, signer: _Object, anchor_name: str | None) -> tuple[list[_Object], _Object | None]:
        """The signer's certificate and its issuers among the evidence, by name and key
        identifier, up to the trust anchor the verification named (or the top found)."""
        from verifier.trust import certinfo

        chain = [signer]
        certs = self._certificates()
        while len(chain) < 16:
            child = chain[-1].parsed
            if anchor_name is not None and certinfo.display_name(child) == anchor_name:
                return chain, chain[-1]
            if child.self_signed in ("maybe", "yes"):
                break
            candidates = [o for o in certs if o.parsed.subject == child.issuer and o not in chain]
            if not candidates:
                break
            aki = child.authority_key_identifier
            chain.append(next((o for o in candidates if aki is not None and o.parsed.key_identifier == aki), candidates[0]))
        top = chain[-1]
        anchored = anchor_name is not None and certinfo.display_name(top.parsed) == anchor_name
        return chain, top if anchored else None

    def _revocation_objects(self, chain: list[_Object]) -> list[_Object]:
        subjects = [c.parsed.subject for c in chain]
        serials = {c.parsed.serial_number for c in chain}
        out = []
        for obj in self.objects.values():
            if obj.parsed is None:
                continue
            try:
                if obj.kind == "crl" and obj.parsed["tbs_cert_list"]["issuer"] in subjects:
                    out.append(obj)
                elif obj.kind == "ocsp":
                    responses = obj.parsed["response_bytes"]["response"].parsed["tbs_response_data"]["responses"]
                    if any(r["cert_id"]["serial_number"].native in serials for r in responses):
                        out.append(obj)
            except Exception:
                continue
        return out

    def _timestamp(self, layer: Layer) -> _Object | None:
        """The layer's signature timestamp (or, for a document timestamp, its own token)."""
        sig = self.signatures.get(layer.field)
        if layer.kind == "document_timestamp" and sig is not None and sig.token is not None:
            return self._add("timestamp", sig.token)
        wanted = _time(layer.timestamp.time) if layer.timestamp is not None else None
        if wanted is None:
            return None
        for obj in list(self.objects.values()):
            if obj.kind == "timestamp" and obj.parsed is not None and _gen_time(obj.parsed) == wanted:
                return obj
        return None

    # -- elements

    def xml(self) -> bytes:
        root = ET.Element(_q(VR, "ValidationReport"))
        layers = self.report.layers
        prepared = [self._prepare(number, layer) for number, layer in enumerate(layers, 1)]
        for number, layer in enumerate(layers, 1):
            root.append(self._layer_report(number, layer, prepared[number - 1]))
        if not layers:
            root.append(self._no_layer_report())
        if self.objects:
            root.append(self._objects())
        root.append(self._validator())
        for prefix, uri in _PREFIXES.items():
            ET.register_namespace(prefix, uri)
        ET.indent(root, space="  ")
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def _prepare(self, number: int, layer: Layer) -> dict[str, Any]:
        """The evidence of one layer, gathered before any element is written so that every
        object a layer refers to is in the list of validation objects."""
        signer = self._signer(layer)
        chain, anchor = self._chain(signer, layer.trust_anchor) if signer is not None and signer.parsed is not None else ([], None)
        revocation = self._revocation_objects(chain) if chain else []
        timestamp = self._timestamp(layer)
        trusted_time = None
        if timestamp is not None and layer.timestamp is not None:
            ts = layer.timestamp
            timestamp.status = codes.PASSED if ts.valid and ts.trusted else codes.FAILED if not ts.valid else codes.INDETERMINATE
            # a signature timestamp proves its own signature; a document timestamp every earlier layer
            proves = ([earlier.field for earlier in self.report.layers[:number - 1]]
                      if layer.kind == "document_timestamp" else [layer.field])
            timestamp.provisioning = (_xs_time(ts.time) or self.validation_time, proves)
            if ts.valid and ts.trusted:
                trusted_time = _xs_time(ts.time)
        signed_data = None
        sig = self.signatures.get(layer.field)
        if sig is not None and sig.signed_bytes_digest:
            alg = layer.digest_algorithm if layer.digest_algorithm in sig.signed_bytes_digest else "sha256"
            signed_data = _Object("signed_data", f"D-{number}", None, (alg, sig.signed_bytes_digest[alg]))
            self.objects[signed_data.id] = signed_data
            if trusted_time is not None and layer.kind == "signature":
                signed_data.poe = (trusted_time, POE_PROVIDED, timestamp.id)
        return {"signer": signer, "chain": chain, "anchor": anchor, "revocation": revocation,
                "timestamp": timestamp, "trusted_time": trusted_time, "signed_data": signed_data, "sig": sig}

    def _layer_report(self, number: int, layer: Layer, p: dict[str, Any]) -> ET.Element:
        sig: _Signature | None = p["sig"]
        out = ET.Element(_q(VR, "SignatureValidationReport"))
        out.append(self._identifier(number, layer, sig))
        out.append(self._constraints())
        time_info = _sub(out, VR, "ValidationTimeInfo")
        _sub(time_info, VR, "ValidationTime", _xs_time(layer.validation_time) or self.validation_time)
        if p["trusted_time"] is not None:
            _poe(time_info, "BestSignatureTime", p["trusted_time"], POE_PROVIDED, p["timestamp"].id)
        else:
            _poe(time_info, "BestSignatureTime", _xs_time(layer.validation_time) or self.validation_time, POE_VALIDATION)
        if p["signed_data"] is not None:
            signers_doc = _sub(out, VR, "SignersDocument")
            _digest(signers_doc, VR, "DigestAlgAndValue", *p["signed_data"].digest)
            _ref(signers_doc, "SignersDocumentRef", p["signed_data"].id)
        attributes = self._attributes(layer, sig, p["timestamp"])
        if len(attributes):
            out.append(attributes)
        if p["signer"] is not None:
            info = _sub(out, VR, "SignerInformation")
            _ref(info, "SignerCertificate", p["signer"].id)
            _sub(info, VR, "Signer", layer.signer.subject or layer.certificate.subject)
        process = _sub(out, VR, "SignatureValidationProcess")
        _sub(process, VR, "SignatureValidationProcessID", PROCESS + ("LTVM" if p["trusted_time"] else "Basic"))
        out.append(self._status(number, layer, p))
        return out

    def _identifier(self, number: int, layer: Layer, sig: _Signature | None) -> ET.Element:
        ident = ET.Element(_q(VR, "SignatureIdentifier"), {"id": f"S-{number}"})
        if sig is not None and sig.dtbsr is not None:
            _digest(ident, VR, "DigestAlgAndValue", *sig.dtbsr)
        if sig is not None and sig.signature_value:
            _sub(ident, DS, "SignatureValue", base64.b64encode(sig.signature_value).decode())
        _sub(ident, VR, "HashOnly", "false")
        _sub(ident, VR, "DocHashOnly", "false")
        other = _sub(ident, VR, "OtherInformation")
        reference = _sub(other, VR, "SignatureReference")
        _sub(reference, VR, "PAdESFieldName", layer.field)
        return ident

    def _constraints(self) -> ET.Element:
        report = self.report
        out = ET.Element(_q(VR, "ValidationConstraintsEvaluationReport"))
        policy = _sub(out, VR, "SignatureValidationPolicy")
        identifier = _sub(policy, VR, "SignaturePolicyIdentifier")
        if re.fullmatch(r"[0-9a-fA-F]{64}", report.policy_sha256 or ""):
            policy_id = _sub(identifier, XADES, "SignaturePolicyId")
            sig_policy = _sub(policy_id, XADES, "SigPolicyId")
            _sub(sig_policy, XADES, "Identifier", POLICY_URN + urllib.parse.quote(report.policy or "unnamed", safe=""))
            _digest(policy_id, XADES, "SigPolicyHash", "sha256", bytes.fromhex(report.policy_sha256))
        else:
            _sub(identifier, XADES, "SignaturePolicyImplied")
        if report.policy:
            _sub(policy, VR, "PolicyName", report.policy)
        return out

    def _attributes(self, layer: Layer, sig: _Signature | None, timestamp: _Object | None) -> ET.Element:
        out = ET.Element(_q(VR, "SignatureAttributes"))
        claimed = _xs_time(layer.signing_time_claimed)
        if claimed is not None and layer.kind == "signature":
            signing_time = _sub(out, VR, "SigningTime", attrs={"Signed": "true"})
            _sub(signing_time, VR, "Time", claimed)
        stamped = _xs_time(layer.timestamp.time) if layer.timestamp is not None else None
        if stamped is not None:
            name = "DocTimeStamp" if layer.kind == "document_timestamp" else "SignatureTimeStamp"
            element = _sub(out, VR, name, attrs={"Signed": "false"})
            if timestamp is not None:
                _ref(element, "AttributeObject", timestamp.id)
            _sub(element, VR, "TimeStampValue", stamped)
        if layer.location:
            place = _sub(out, VR, "SignatureProductionPlace", attrs={"Signed": "true"})
            _sub(place, VR, "AddressString", layer.location)
        if layer.reason:
            reason = _sub(out, VR, "Reason", attrs={"Signed": "true"})
            _sub(reason, VR, "ReasonElement", layer.reason)
        if sig is not None and sig.name:
            name = _sub(out, VR, "Name", attrs={"Signed": "true"})
            _sub(name, VR, "NameElement", sig.name)
        if layer.contact_info:
            contact = _sub(out, VR, "ContactInfo", attrs={"Signed": "true"})
            _sub(contact, VR, "ContactInfoElement", layer.contact_info)
        if layer.sub_filter:
            sub_filter = _sub(out, VR, "SubFilter", attrs={"Signed": "true"})
            _sub(sub_filter, VR, "SubFilterElement", layer.sub_filter.lstrip("/"))
        if sig is not None and sig.byte_range:
            _sub(out, VR, "ByteRange", " ".join(str(x) for x in sig.byte_range))
        if sig is not None and sig.filter:
            filter_ = _sub(out, VR, "Filter")
            _sub(filter_, VR, "Filter", sig.filter)
        return out

    def _status(self, number: int, layer: Layer, p: dict[str, Any]) -> ET.Element:
        out = ET.Element(_q(VR, "SignatureValidationStatus"))
        _sub(out, VR, "MainIndication", MAIN_INDICATION.get(layer.status, MAIN_INDICATION[codes.INDETERMINATE]))
        standard = layer.subindication in STANDARD_SUBINDICATIONS
        if standard:
            _sub(out, VR, "SubIndication", SUBINDICATION_URN + layer.subindication)
        data = _sub(out, VR, "AssociatedValidationReportData")
        chain, anchor = p["chain"], p["anchor"]
        if anchor is not None:
            _ref(data, "TrustAnchor", anchor.id)
        if chain:
            chain_el = _sub(data, VR, "CertificateChain")
            _ref(chain_el, "SigningCertificate", chain[0].id)
            for cert in chain[1:]:
                if cert is not anchor:
                    _ref(chain_el, "IntermediateCertificate", cert.id)
            if anchor is not None and anchor is not chain[0]:
                _ref(chain_el, "TrustAnchor", anchor.id)
        related = [o for o in [*p["revocation"], p["timestamp"]] if o is not None]
        for obj in related:
            _ref(data, "RelatedValidationObject", obj.id)
        revocation = layer.revocation
        revoked_at = _xs_time(revocation.revoked_at) if revocation is not None and revocation.status == "revoked" else None
        if revoked_at is not None and p["signer"] is not None:
            info = _sub(data, VR, "RevocationStatusInformation")
            _ref(info, "ValidationObjectId", p["signer"].id)
            _sub(info, VR, "RevocationTime", revoked_at)
            if p["revocation"]:
                _ref(info, "RevocationObject", p["revocation"][0].id)
        algorithm = _SIGNATURE_URI.get((layer.signature_algorithm, None if layer.signature_algorithm in ("ed25519", "ed448") else layer.digest_algorithm))
        if algorithm is not None:
            crypto = _sub(data, VR, "CryptoInformation")
            _ref(crypto, "ValidationObjectId", f"S-{number}")
            _sub(crypto, VR, "Algorithm", algorithm)
            _sub(crypto, VR, "SecureAlgorithm", "false" if layer.subindication in _CRYPTO_REFUSED else "true")
        items = self._layer_data(number, layer, standard)
        if items:
            additional = _sub(data, VR, "AdditionalValidationReportData")
            for item in items:
                additional.append(item)
        document = _sub(out, VR, "AssociatedValidationReportData")
        additional = _sub(document, VR, "AdditionalValidationReportData")
        for item in self._document_data():
            additional.append(item)
        return out

    def _layer_data(self, number: int, layer: Layer, standard: bool) -> list[ET.Element]:
        items = []
        if layer.subindication and not standard:
            value = _report_data(items, DATA_STATUS)
            el = _sub(value, KYSO, "Status", attrs={"status": layer.status, "subindication": layer.subindication})
            _messages(el, lambda lang: layer.message(lang))
        if layer.problem:
            problem = _sub(_report_data(items, DATA_PROBLEM), KYSO, "Problem")
            _messages(problem, lambda lang: codes.say(layer.problem, lang))
        for change in layer.changes:
            element = _sub(_report_data(items, DATA_CHANGE), KYSO, "Change")
            _messages(element, lambda lang, change=change: codes.say(change, lang))
        for finding in self.report.findings:
            if finding.layer == number:
                _finding(_report_data(items, DATA_FINDING), finding)
        return items

    def _document_data(self) -> list[ET.Element]:
        report = self.report
        items: list[ET.Element] = []
        value = _report_data(items, DATA_DOCUMENT)
        document = _sub(value, KYSO, "Document", attrs={
            "verdict": report.verdict, "sha256": report.sha256, "size": str(report.size), "revisions": str(report.revisions),
        })
        if report.file:
            _sub(document, KYSO, "File", report.file)
        _messages(document, lambda lang: codes.pick(codes.VERDICT_TEXT.get(report.verdict, codes.VERDICT_TEXT[codes.INDETERMINATE]), lang))
        for finding in report.findings:
            if finding.layer is None:
                _finding(_report_data(items, DATA_FINDING), finding)
        return items

    def _no_layer_report(self) -> ET.Element:
        """A document with no layer (no signature, unreadable, refused) still gets one report:
        the schema wants one, and the findings say why nothing could be validated."""
        out = ET.Element(_q(VR, "SignatureValidationReport"))
        out.append(self._constraints())
        time_info = _sub(out, VR, "ValidationTimeInfo")
        _sub(time_info, VR, "ValidationTime", self.validation_time)
        _poe(time_info, "BestSignatureTime", self.validation_time, POE_VALIDATION)
        status = _sub(out, VR, "SignatureValidationStatus")
        _sub(status, VR, "MainIndication", MAIN_INDICATION[codes.INDETERMINATE])
        document = _sub(status, VR, "AssociatedValidationReportData")
        additional = _sub(document, VR, "AdditionalValidationReportData")
        for item in self._document_data():
            additional.append(item)
        return out

    def _objects(self) -> ET.Element:
        out = ET.Element(_q(VR, "SignatureValidationObjects"))
        for obj in self.objects.values():
            element = _sub(out, VR, "ValidationObject", attrs={"id": obj.id})
            _sub(element, VR, "ObjectType", OBJECT_TYPE[obj.kind])
            representation = _sub(element, VR, "ValidationObjectRepresentation")
            if obj.der is not None:
                _sub(representation, VR, "base64", base64.b64encode(obj.der).decode())
            _digest(representation, VR, "DigestAlgAndValue", *obj.digest)
            time, proof, by = obj.poe or (self.validation_time, POE_VALIDATION, None)
            _poe(element, "POE", time, proof, by)
            if obj.provisioning is not None:
                provisioning = _sub(element, VR, "POEProvisioning")
                _sub(provisioning, VR, "POETime", obj.provisioning[0])
                for field_name in obj.provisioning[1]:
                    reference = _sub(provisioning, VR, "SignatureReference")
                    _sub(reference, VR, "PAdESFieldName", field_name)
            if obj.status is not None:
                own = _sub(element, VR, "ValidationReport")
                status = _sub(own, VR, "SignatureValidationStatus")
                _sub(status, VR, "MainIndication", MAIN_INDICATION[obj.status])
        return out

    def _validator(self) -> ET.Element:
        out = ET.Element(_q(VR, "SignatureValidator"))
        digital_id = _sub(out, VR, "DigitalId")
        other = _sub(digital_id, TSL, "Other")
        _sub(other, KYSO, "Software", attrs={"name": "kyso", "version": self.report.kyso_version or "unknown"})
        info = _sub(out, VR, "OtherInformation")
        _sub(info, KYSO, "Validator", attrs={
            "name": "kyso", "version": self.report.kyso_version or "unknown", "policy": self.report.policy,
            "policy_sha256": self.report.policy_sha256, "trust_fingerprint": self.report.trust_fingerprint,
        })
        return out


# ---- small element helpers ---------------------------------------------------------------------


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _clean(text: Any) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def _sub(parent: ET.Element, ns: str, name: str, text: Any = None, attrs: dict[str, str] | None = None) -> ET.Element:
    element = ET.SubElement(parent, _q(ns, name), {k: _clean(v) for k, v in (attrs or {}).items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _ref(parent: ET.Element, name: str, *ids: str) -> ET.Element:
    return _sub(parent, VR, name, attrs={"VOReference": " ".join(ids)})


def _digest(parent: ET.Element, ns: str, name: str, algorithm: str, value: bytes) -> None:
    element = _sub(parent, ns, name)
    _sub(element, DS, "DigestMethod", attrs={"Algorithm": DIGEST_URI.get(algorithm, DIGEST_URI["sha256"])})
    _sub(element, DS, "DigestValue", base64.b64encode(value).decode())


def _poe(parent: ET.Element, name: str, time: str, proof: str, by: str | None = None) -> None:
    element = _sub(parent, VR, name)
    _sub(element, VR, "POETime", time)
    _sub(element, VR, "TypeOfProof", proof)
    if by is not None:
        _ref(element, "POEObject", by)


def _report_data(items: list[ET.Element], kind: str) -> ET.Element:
    """A ReportData of type `kind`; returns its Value to fill."""
    data = ET.Element(_q(VR, "ReportData"))
    _sub(data, VR, "Type", kind)
    items.append(data)
    return _sub(data, VR, "Value")


def _messages(parent: ET.Element, text) -> None:
    """The wording in Vietnamese and English, each marked with its xml:lang; a text that reads
    the same in both (a value from the document, a name) once, unmarked."""
    said = {}
    for lang in ("vi", "en"):
        try:
            said[lang] = text(lang)
        except Exception:  # wording is a courtesy: the code carries the meaning
            continue
    if len(set(said.values())) == 1:
        _sub(parent, KYSO, "Message", next(iter(said.values())))
        return
    for lang, message in said.items():
        _sub(parent, KYSO, "Message", message, attrs={_q(XML_NS, "lang"): lang})


def _finding(value: ET.Element, finding: Finding) -> None:
    attrs = {"code": finding.code, "severity": finding.severity}
    if finding.layer is not None:
        attrs["layer"] = str(finding.layer)
    element = _sub(value, KYSO, "Finding", attrs=attrs)
    _messages(element, finding.message)
    for name, param in finding.params.items():
        text = param if isinstance(param, str) else json.dumps(param, ensure_ascii=False, default=str)
        _sub(element, KYSO, "Param", text, attrs={"name": name})
