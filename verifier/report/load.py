"""Rebuild a DocumentReport from its JSON form, so that an archived report can be rendered again
(in either language) without re-reading the PDF.

Archived reports are kept forever, so every form ever written is read: form 1 (no
`report_format` key) counted layers and revisions from 0, wrote certificate hashes in upper
case, kept a finding's details under `evidence` and a layer's reasons under `role_evidence` /
`purpose_evidence`, and named layers in finding details five ways. It is brought to the
current form (docs/vocabulary.md) before the objects are built.
"""

from __future__ import annotations

import copy
import re
from dataclasses import fields

from verifier.report.codes import Phrase
from verifier.report.model import (
    BILINGUAL, REPORT_FORMAT, Appearance, CertificateFacts, DocumentReport, Finding, Layer, Revocation, Signer, Timestamp,
)

_NESTED = {"signer": Signer, "certificate": CertificateFacts, "timestamp": Timestamp, "revocation": Revocation, "appearance": Appearance}


def _build(cls, data: dict):
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    for name in BILINGUAL.get(cls.__name__, ()):
        if f"{name}_vi" in data and f"{name}_en" in data:
            values[name] = _phrases(data[f"{name}_vi"], data[f"{name}_en"])
    return cls(**values)


def _phrases(vi, en):
    """The Phrase (or list of Phrases) a report wrote as its two texts; reports written before
    kept one language only, and stay plain strings."""
    if isinstance(vi, list) and isinstance(en, list) and len(vi) == len(en):
        return [_phrases(a, b) for a, b in zip(vi, en)]
    if isinstance(vi, str) and isinstance(en, str):
        return Phrase(vi, en)
    return en


def layer_from_dict(data: dict) -> Layer:
    values = dict(data)
    for key, cls in _NESTED.items():
        if isinstance(values.get(key), dict):
            values[key] = _build(cls, values[key])
    return _build(Layer, values)


def report_from_dict(data: dict) -> DocumentReport:
    data = upgrade(data)
    report = _build(DocumentReport, {k: v for k, v in data.items() if k not in ("layers", "findings")})
    report.layers = [layer_from_dict(layer) for layer in data.get("layers", [])]
    report.findings = [
        Finding(f["code"], f["severity"], f.get("params") or {}, f.get("layer")) for f in data.get("findings", [])
    ]
    return report


def upgrade(data: dict) -> dict:
    """The JSON report `data` in the current form (a copy when it was older)."""
    if data.get("report_format", 1) >= REPORT_FORMAT:
        return data
    data = copy.deepcopy(data)
    for layer in data.get("layers", []):
        _upgrade_layer(layer)
    for finding in data.get("findings", []):
        _upgrade_finding(finding)
    for entry in (data.get("metadata") or {}).values():
        if isinstance(entry, dict) and isinstance(entry.get("layers"), list):
            entry["layers"] = [i + 1 for i in entry["layers"]]
    data["report_format"] = REPORT_FORMAT
    return data


_SIGNED_IN = re.compile(r"(added and signed in revision )(\d+)")


def _upgrade_layer(layer: dict) -> None:
    if isinstance(layer.get("revision"), int):
        layer["revision"] += 1
    for old, new in (("role_evidence", "role_basis"), ("purpose_evidence", "purpose_basis")):
        if old in layer:
            layer[new] = layer.pop(old)
    cert = layer.get("certificate")
    if isinstance(cert, dict) and isinstance(cert.get("sha256"), str):
        cert["sha256"] = cert["sha256"].lower()
    layer["changes"] = [_SIGNED_IN.sub(lambda m: m.group(1) + str(int(m.group(2)) + 1), c)
                        for c in layer.get("changes", [])]


def _upgrade_finding(finding: dict) -> None:
    if isinstance(finding.get("layer"), int):
        finding["layer"] += 1
    params = finding.pop("evidence", None) or {}
    # the finding's own layer was repeated as agency_layer / layer_number; `layer` says it now
    params.pop("agency_layer", None)
    params.pop("layer_number", None)
    for old, new in (("signature_layer", "person_layer"), ("signature_page", "person_page"),
                     ("signature_rect", "person_rect")):
        if old in params:
            params[new] = params.pop(old)
    layers = params.get("layers")
    if isinstance(layers, int):  # a count of layers
        params["count"] = params.pop("layers")
    elif isinstance(layers, str):  # layer numbers as text, "3, 4"
        params["layers"] = [int(x) for x in re.findall(r"\d+", layers)]
    if params:
        finding["params"] = params
