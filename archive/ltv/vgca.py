"""The VGCA trust list (http://ca.gov.vn/pki/pub/ctl/gca.ctl): the JSON object the VGCA tools
read, `{Version, ListIdentifier, SequenceNumber, ThisUpdate, NextUpdate, Cerificates: [...]}`
(the key is misspelt in the original; the right spelling is read too), each item base64 DER.

The list itself is not signed in a way kyso can check, so it is only a source of candidates: a
CA certificate enters the store when its signature chains, certificate by certificate, to a
root pinned in certs/pins.toml that is in the store; end-entity certificates are skipped, and
anything else (another root, a CA of another tree, a forged copy) is refused and named.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from asn1crypto import x509

from verifier.report.codes import Phrase


@dataclass
class Result:
    imported: list = field(default_factory=list)  # (Entry, name of the pinned root it chains to)
    refused: list = field(default_factory=list)  # (subject, Phrase why)
    skipped: int = 0  # end-entity certificates, and CAs already in the store


def read_list(data: bytes, source: str) -> list[x509.Certificate]:
    from archive.trust.store import TrustStoreError

    def bad(why_vi: str, why_en: str):
        return TrustStoreError(Phrase(f"'{source}' không phải danh sách tin cậy VGCA (JSON): {why_vi}",
                                      f"'{source}' is not a VGCA trust list (JSON): {why_en}"))

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad("không đọc được JSON", f"it cannot be read as JSON ({exc})") from exc
    items = doc.get("Cerificates", doc.get("Certificates")) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise bad("thiếu danh sách Cerificates", "it has no Cerificates list")
    certs = []
    for number, item in enumerate(items, start=1):
        try:
            cert = x509.Certificate.load(base64.b64decode(item, validate=False))
            cert.native  # parse it all now, as the store's loader does
        except (TypeError, ValueError, binascii.Error) as exc:
            raise bad(f"mục {number} không phải chứng thư số base64", f"item {number} is not a base64 certificate ({exc})") from exc
        except Exception as exc:  # asn1crypto raises many types on bad DER
            raise bad(f"mục {number} không phải chứng thư số", f"item {number} is not a certificate ({exc})") from exc
        certs.append(cert)
    return certs


def import_list(store, data: bytes, source: str) -> Result:
    from certs import pin_for
    from verifier.trust.certinfo import format_name
    from verifier.trust.issued import certificate_issued_by
    from verifier.trust.material import sha256_fingerprint

    candidates = read_list(data, source)
    result = Result()
    anchors, intermediates, _c, _o = store.material()
    # what a candidate may chain to: the pinned roots in the store, then what chained to them
    known: dict[bytes, tuple[x509.Certificate, str]] = {}
    for der in anchors + intermediates:
        cert = x509.Certificate.load(der)
        pin = pin_for(sha256_fingerprint(cert))
        if pin is not None:
            known[cert.subject.dump()] = (cert, pin.name)
    present = {sha256_fingerprint(x509.Certificate.load(d)) for d in anchors + intermediates}
    pending = []
    for cert in candidates:
        if not cert.ca:
            result.skipped += 1
        elif sha256_fingerprint(cert) in present:
            result.skipped += 1
        else:
            pending.append(cert)
    progress = True
    while pending and progress:  # a CA under a CA of the list: as many rounds as the tree is deep
        progress = False
        for cert in list(pending):
            issuer = known.get(cert.issuer.dump())
            if issuer is None or cert.self_signed == "yes" or not certificate_issued_by(cert, issuer[0]):
                continue
            pending.remove(cert)
            progress = True
            entries = store.import_certificates(cert.dump(), f"vgca:{source}", unpinned=True)
            result.imported += [(e, issuer[1]) for e in entries]
            known[cert.subject.dump()] = (cert, issuer[1])
    for cert in pending:
        result.refused.append((format_name(cert.subject), Phrase(
            "không nối được tới một chứng thư gốc đã ghim (certs/pins.toml) có trong kho tin cậy",
            "it does not chain to a pinned root (certs/pins.toml) in the trust store")))
    return result
