"""Rebuild a DocumentReport from its JSON form, so that an archived report can be rendered again
(in either language) without re-reading the PDF."""

from __future__ import annotations

from dataclasses import fields

from verifier.report.model import Appearance, CertificateFacts, DocumentReport, Finding, Layer, Revocation, Signer, Timestamp

_NESTED = {"signer": Signer, "certificate": CertificateFacts, "timestamp": Timestamp, "revocation": Revocation, "appearance": Appearance}


def _build(cls, data: dict):
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def layer_from_dict(data: dict) -> Layer:
    values = dict(data)
    for key, cls in _NESTED.items():
        if isinstance(values.get(key), dict):
            values[key] = _build(cls, values[key])
    return _build(Layer, values)


def report_from_dict(data: dict) -> DocumentReport:
    report = _build(DocumentReport, {k: v for k, v in data.items() if k not in ("layers", "findings")})
    report.layers = [layer_from_dict(layer) for layer in data.get("layers", [])]
    report.findings = [
        Finding(f["code"], f["severity"], f.get("evidence") or {}, f.get("layer")) for f in data.get("findings", [])
    ]
    return report
