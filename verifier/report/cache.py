"""Verification results kept while they cannot have changed.

A report is a function of the document's bytes, the policy, the trust material, kyso's version
and the validation time. The first four make the key (document SHA-256, policy SHA-256, trust
fingerprint, kyso version); the time is what makes a kept report go stale: a certificate expires,
a CRL or OCSP response passes its nextUpdate, a certificate not yet valid becomes valid. So a
kept report answers only for validation times from its own up to the earliest such moment in
the material it rests on (its evidence: chain certificates, CRLs, OCSP responses, the
certificates inside timestamp tokens), and never longer than MAX_AGE, whatever that material
says. With --online nothing is kept: what the network returns is not in the key.

The cache lives in memory (the verifier writes no files); `kyso verify` keeps one per process,
so a batch that holds the same document twice verifies it once per worker. A report taken from
it is a copy, with the caller's file name.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from datetime import datetime, timedelta, timezone

from verifier.report.model import DocumentReport

MAX_AGE = timedelta(minutes=10)
MAX_ENTRIES = 256


def _moments(kind: str, der: bytes, validated: datetime) -> list[datetime]:
    """The moments after `validated` at which this piece of evidence changes what it says."""
    from asn1crypto import cms, crl, ocsp, x509

    out: list[datetime] = []

    def certificate(cert: x509.Certificate) -> None:
        out.append(cert.not_valid_after)
        if cert.not_valid_before > validated:
            out.append(cert.not_valid_before)

    if kind == "certificate":
        certificate(x509.Certificate.load(der))
    elif kind == "crl":
        next_update = crl.CertificateList.load(der)["tbs_cert_list"]["next_update"].native
        if next_update is not None:
            out.append(next_update)
    elif kind == "ocsp":
        basic = ocsp.OCSPResponse.load(der).basic_ocsp_response
        for single in basic["tbs_response_data"]["responses"]:
            if single["next_update"].native is not None:
                out.append(single["next_update"].native)
    elif kind == "timestamp":
        for choice in cms.ContentInfo.load(der)["content"]["certificates"] or ():
            if choice.name == "certificate":
                certificate(choice.chosen)
    return out


def validated_at(report: DocumentReport) -> datetime:
    validated = datetime.fromisoformat(report.validation_time)
    return validated if validated.tzinfo is not None else validated.replace(tzinfo=timezone.utc)


def fresh_until(report: DocumentReport) -> datetime:
    """Until when the report says what a new verification would say."""
    validated = validated_at(report)
    limit = validated + MAX_AGE
    for kind, der in report.evidence:
        try:
            moments = _moments(kind, der, validated)
        except Exception:  # evidence that does not parse bounds nothing better than MAX_AGE
            continue
        limit = min([limit] + [m for m in moments if m is not None])
    return limit


class ReportCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, tuple[datetime, datetime, DocumentReport]] = OrderedDict()
        self.hits = 0

    @staticmethod
    def key(sha256: str, trust) -> tuple | None:
        if trust.online:
            return None
        from verifier import __version__

        return sha256, trust.policy.sha256, trust.fingerprint, __version__, trust.ocr

    def get(self, sha256: str, trust, now: datetime, file: str | None) -> DocumentReport | None:
        key = self.key(sha256, trust)
        entry = self._entries.get(key) if key is not None else None
        if entry is None:
            return None
        validated, until, report = entry
        if not validated <= now < until:
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        kept = copy.deepcopy(report)
        kept.file = file
        return kept

    def put(self, report: DocumentReport, trust) -> None:
        key = self.key(report.sha256, trust)
        if key is None or not report.sha256 or not report.validation_time:
            return
        self._entries[key] = (validated_at(report), fresh_until(report), copy.deepcopy(report))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
