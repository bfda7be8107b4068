"""What a certificate says: the signer's names and the facts an auditor reads. Whether it
belongs to a person or an agency is a Decree 30 question (verifier.decree30.role).
Certificate names are written here and nowhere else, two ways: `display_name` (the CN, for chains
and anchors) and `format_name` (the whole name as RFC 4514 writes it, `CN=…, O=…, C=VN`, for
reports, findings, the trust store and `kyso certs`)."""

from __future__ import annotations

import copy
import re

from asn1crypto import x509

from verifier.trust import material
from verifier.report.model import CertificateFacts, Signer

def _all(name: x509.Name, key: str) -> list[str]:
    out = []
    for rdn in name.chosen:
        for atv in rdn:
            if atv["type"].native == key:
                out.append(str(atv["value"].native))
    return out


def _first(name: x509.Name, key: str) -> str | None:
    values = _all(name, key)
    return values[0] if values else None


def display_name(cert: x509.Certificate) -> str:
    """The common name, or the whole name when there is none."""
    return _first(cert.subject, "common_name") or format_name(cert.subject)


def format_name(name: x509.Name) -> str:
    """The whole name in RFC 4514 order with short labels (`CN=…, O=…, C=VN`), as other tools
    print names (the trust store and `kyso certs`)."""
    parts = []
    for rdn in reversed(name.chosen):
        for attr in rdn:
            label = _LABELS.get(attr["type"].native, attr["type"].dotted)
            parts.append(f"{label}={_escape(str(attr['value'].native))}")
    return ", ".join(parts)


def common_name(subject: str) -> str:
    """The CN of a format_name() string, or the whole string when it has none."""
    for part in re.split(r"(?<!\\), ", subject):
        if part.startswith("CN="):
            return re.sub(r"\\(.)", r"\1", part[3:])
    return subject


def _escape(value: str) -> str:
    # RFC 4514 escaping, so a comma inside a value cannot be mistaken for a separator.
    value = re.sub(r'([\\,+"<>;])', r"\\\1", value)
    if value.startswith(("#", " ")):
        value = "\\" + value
    if value.endswith(" "):
        value = value[:-1] + "\\ "
    return value


_LABELS = {
    "common_name": "CN",
    "surname": "SN",
    "given_name": "GN",
    "serial_number": "SERIALNUMBER",
    "country_name": "C",
    "locality_name": "L",
    "state_or_province_name": "ST",
    "organization_name": "O",
    "organizational_unit_name": "OU",
    "title": "T",
    "email_address": "E",
    "user_id": "UID",
    "domain_component": "DC",
}


def signer_of(cert: x509.Certificate) -> Signer:
    s = cert.subject
    return Signer(
        common_name=_first(s, "common_name"),
        email=_first(s, "email_address") or _san_email(cert),
        organization=_first(s, "organization_name"),
        organizational_units=_all(s, "organizational_unit_name"),
        locality=_first(s, "locality_name"),
        uid=_first(s, "user_id"),
        title=_first(s, "title"),
        subject=format_name(s),
    )


def _san_email(cert: x509.Certificate) -> str | None:
    san = cert.subject_alt_name_value
    if san is None:
        return None
    for name in san:
        if name.name == "rfc822_name":
            return str(name.native)
    return None


def facts_of(cert: x509.Certificate) -> CertificateFacts:
    """What an auditor reads of a certificate. Describing never decides anything, so a key or
    algorithm asn1crypto cannot describe (Ed25519's bit size, an unnamed curve) leaves that
    fact empty instead of failing the layer."""
    ku = _quietly(lambda: cert.key_usage_value)
    eku = _quietly(lambda: cert.extended_key_usage_value)
    return CertificateFacts(
        subject=format_name(cert.subject),
        issuer=format_name(cert.issuer),
        serial=format(cert.serial_number, "X"),
        not_before=cert.not_valid_before.isoformat(),
        not_after=cert.not_valid_after.isoformat(),
        sha256=material.sha256_fingerprint(cert),
        key_algorithm=_quietly(lambda: cert.public_key.algorithm),
        key_size=_quietly(lambda: cert.public_key.bit_size),
        signature_algorithm=_quietly(lambda: _signature_algorithm(cert["signature_algorithm"])),
        key_usage=sorted(ku.native) if ku is not None else [],
        extended_key_usage=list(eku.native) if eku is not None else [],
    )


def _signature_algorithm(algo) -> str:
    hash_algo = _quietly(lambda: algo.hash_algo)  # none for Ed25519 and Ed448
    return algo.signature_algo + (f"_{hash_algo}" if hash_algo else "")


def _quietly(read):
    try:
        return read()
    except Exception:  # asn1crypto raises ValueError, UnboundLocalError, KeyError … on what it cannot name
        return None


MAX_DESCRIBED = 4096  # distinct certificates kept; a hostile stream of certificates cannot grow it further
_described: dict[bytes, tuple[Signer, CertificateFacts]] = {}


def described(cert: x509.Certificate) -> tuple[Signer, CertificateFacts]:
    """(signer_of, facts_of) of a certificate, worked out once per encoding: an
    agency's seal signs layer after layer and document after document, and reading its names
    and extensions costs most of a millisecond. Each call gets its own copies."""
    der = cert.dump()
    found = _described.get(der)
    if found is None:
        found = (signer_of(cert), facts_of(cert))
        if len(_described) >= MAX_DESCRIBED:
            _described.clear()
        _described[der] = found
    return copy.deepcopy(found)
