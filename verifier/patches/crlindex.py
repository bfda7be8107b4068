"""Certificates looked up in a CRL by serial number, not by reading every entry.

pyhanko-certvalidator answers "is this certificate on this CRL?" by walking the CRL's entries
until one matches; every certificate of every chain of every layer asks again. With a CRL of
100,000 entries (3 MB, the size a busy CA publishes) that was 1.5 s per document with three
layers, and once asn1crypto has parsed the entries, every later `dump()` of the CRL (its
signature is checked at each validation) walks all of them again.

Here each CRL object is indexed once, kept on the object, so that a CRL parsed once per process
(the trust store's) is indexed once per process: the DER of its entries is scanned (tag and
length only) into serial number -> the entries' byte spans, each with the certificate issuer in
effect at that entry (in an indirect CRL a certificateIssuer entry extension applies to the
entries after it too; the rare entries that carry one are parsed to read it). The entries of the
CRL object itself are never parsed. A lookup parses only the entries with the serial and returns
what the walk returns: the first whose issuer matches, with the same reason and the same refusal
of unknown critical entry extensions. A CRL the scan cannot read (not DER, truncated) is left to
pyhanko-certvalidator's walk, so a damaged CRL behaves exactly as before.

Replaces `pyhanko_certvalidator.revinfo.validate_crl.find_cert_in_list` once
verifier.patches.install() is called; importing this module changes nothing.
"""

from __future__ import annotations

from asn1crypto import core, crl, x509
from pyhanko_certvalidator.revinfo import validate_crl

_walk = validate_crl.find_cert_in_list
_UNREADABLE = object()
_CERT_ISSUER = crl.CRLEntryExtensionId("certificate_issuer").dump()


class _NotDer(ValueError):
    pass


def _element(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag byte, start of contents, end of element) of the DER element at `pos`."""
    if pos + 2 > end:
        raise _NotDer("truncated")
    tag, first = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        raise _NotDer("high tag number")
    if first < 0x80:
        start, length = pos + 2, first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + 2 + count > end:
            raise _NotDer("indefinite or oversized length")
        start, length = pos + 2 + count, int.from_bytes(data[pos + 2:pos + 2 + count], "big")
    if start + length > end:
        raise _NotDer("truncated")
    return tag, start, start + length


def _build(certificate_list: crl.CertificateList) -> tuple[bytes, dict[bytes, list]]:
    revoked = certificate_list["tbs_cert_list"]["revoked_certificates"]
    if isinstance(revoked, core.Void):
        return b"", {}
    data = revoked.contents  # the entries' DER; reading it does not parse them
    index: dict[bytes, list] = {}
    issuer = None  # None: the CRL authority, whichever name the caller gives it
    pos = 0
    while pos < len(data):
        tag, start, end = _element(data, pos, len(data))
        if tag != 0x30:
            raise _NotDer("entry is not a SEQUENCE")
        serial_tag, serial_start, serial_end = _element(data, start, end)
        if serial_tag != 0x02:
            raise _NotDer("entry does not start with its serial number")
        if _CERT_ISSUER in data[pos:end]:
            named = crl.RevokedCertificate.load(data[pos:end]).issuer_name
            issuer = named if named else issuer
        index.setdefault(data[start:serial_end], []).append((pos, end, issuer))
        pos = end
    return data, index


def index_of(certificate_list: crl.CertificateList):
    index = certificate_list.__dict__.get("_kyso_serials")
    if index is None:
        try:
            index = _build(certificate_list)
        except Exception:
            index = _UNREADABLE
        certificate_list._kyso_serials = index
    return index


def find_cert_in_list(cert, cert_issuer_name: x509.Name, certificate_list: crl.CertificateList, crl_authority_name: x509.Name):
    index = index_of(certificate_list)
    if index is _UNREADABLE:
        return _walk(cert, cert_issuer_name, certificate_list, crl_authority_name)
    if isinstance(cert, x509.Certificate):
        serial = cert["tbs_certificate"]["serial_number"].dump()
    else:
        serial = cert["ac_info"]["serial_number"].dump()
    data, by_serial = index
    for start, end, issuer in by_serial.get(serial, ()):
        if (issuer if issuer is not None else crl_authority_name) != cert_issuer_name:
            continue
        entry = crl.RevokedCertificate.load(data[start:end])
        reason = entry.crl_reason_value or crl.CRLReason("unspecified")
        if entry.critical_extensions - validate_crl.KNOWN_CRL_ENTRY_EXTENSIONS:
            raise NotImplementedError()  # as the walk: an entry with an unknown critical extension is unusable
        return entry["revocation_date"].native, reason
    return None, None
