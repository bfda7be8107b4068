"""Timestamps as proof of existence, end to end (EN 319 102-1): real documents signed by the test
PKI's revoked and expired identities with a signature timestamp from a trusted test TSA
(tests/genuine/tsa_kit.py), and document timestamps whatever their /Type says.

A trusted timestamp fixes a time by which the signature existed: the certificate is judged at that
time. Before the revocation or the expiry, it was made with a valid certificate (PASSED,
VALIDATED_AT_TIMESTAMP), though the certificate is revoked or expired today; after them, it proves
nothing of when the signature was made (INDETERMINATE REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE). The samples' CRL revokes 'revoked' on 2022-03-01;
'expired' expired on 2021-12-31."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.attacks import kit
from tests.genuine import tsa_kit

UTC = dt.timezone.utc
BEFORE = dt.datetime(2021, 6, 1, 2, 0, tzinfo=UTC)  # before the revocation and the expiry
AFTER = dt.datetime(2023, 1, 5, 2, 0, tzinfo=UTC)  # after both




def _layer(report, field="Signature1"):
    return next(x for x in report.layers if x.field == field)


def _timestamped(base, who, at):
    return tsa_kit.sign(base, who, signed_at=at, ts_at=at)


def test_a_trusted_timestamp_is_the_signing_time(base, trust):
    report = kit.verify(_timestamped(base, "director", AFTER), trust)
    layer = _layer(report)
    assert report.verdict == "VALID" and layer.status == "PASSED", kit.explain(report)
    assert layer.signing_time_source == "timestamp"
    assert dt.datetime.fromisoformat(layer.signing_time) == AFTER
    assert layer.timestamp.valid and layer.timestamp.trusted and "Time Stamping Authority" in layer.timestamp.tsa
    assert dt.datetime.fromisoformat(layer.validation_time) == AFTER  # judged at the proof of existence
    assert "VALIDATED_AT_TIMESTAMP" not in kit.codes(report)  # nothing happened to the certificate since


def test_revoked_signer_timestamped_after_the_revocation_stays_indeterminate(base, trust):
    """The timestamp proves the signature existed after the revocation, not that it was made
    after it: anyone can have an old signature timestamped (red team, 2026-12-06; EN 319 102-1
    fails a layer as REVOKED only on proof the signature was made after the revocation)."""
    report = kit.verify(_timestamped(base, "revoked", AFTER), trust)
    layer = _layer(report)
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "REVOKED_NO_POE"), kit.explain(report)
    assert report.verdict == "INDETERMINATE"
    assert layer.signing_time_source == "timestamp"
    assert layer.revocation.status == "revoked" and layer.revocation.revoked_at.startswith("2022-03-01")


def test_revoked_signer_timestamped_before_the_revocation_passes(base, trust):
    """Revoked today, but the timestamp proves the signature was made while the certificate was
    good: the CRL, issued after the proof of existence, is read retroactively."""
    report = kit.verify(_timestamped(base, "revoked", BEFORE), trust)
    layer = _layer(report)
    assert (layer.status, report.verdict) == ("PASSED", "VALID"), kit.explain(report)
    assert dt.datetime.fromisoformat(layer.validation_time) == BEFORE
    # the report does not call the certificate unrevoked: it was revoked after the proven time,
    # and says the signature stands because of that time
    stands = [f for f in report.findings if f.code == "REVOKED_AFTER_PROVEN_TIME"]
    assert stands and stands[0].params["time"] == BEFORE.isoformat()
    assert stands[0].params["revoked"].startswith("2022-03-01")
    assert layer.revocation.status == "revoked" and layer.revocation.revoked_at.startswith("2022-03-01")


def test_expired_signer_timestamped_after_the_expiry_stays_indeterminate(base, trust):
    """Likewise: a timestamp after the expiry does not prove the signature was made after it."""
    report = kit.verify(_timestamped(base, "expired", AFTER), trust)
    layer = _layer(report)
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE"), kit.explain(report)
    assert report.verdict == "INDETERMINATE"
    assert "2021-12-31" in str(layer.problem)


def test_expired_signer_timestamped_before_the_expiry_passes(base, trust):
    report = kit.verify(_timestamped(base, "expired", BEFORE), trust)
    layer = _layer(report)
    assert (layer.status, report.verdict) == ("PASSED", "VALID"), kit.explain(report)
    assert layer.valid_at_signing_time is True
    assert "VALIDATED_AT_TIMESTAMP" in kit.codes(report)
    assert layer.revocation.status == "good"


def test_without_a_timestamp_the_same_signatures_are_undecided(base, trust):
    """The control: the signer's own signingTime is a claim, never a proof either way."""
    revoked = kit.verify(tsa_kit.sign(base, "revoked", signed_at=BEFORE), trust)
    assert (_layer(revoked).status, _layer(revoked).subindication) == ("INDETERMINATE", "REVOKED_NO_POE"), kit.explain(revoked)
    expired = kit.verify(tsa_kit.sign(base, "expired", signed_at=AFTER), trust)
    assert _layer(expired).status == "INDETERMINATE", kit.explain(expired)
    assert _layer(expired).subindication == "OUT_OF_BOUNDS_NO_POE"


@pytest.mark.parametrize("sig_type", ["/DocTimeStamp", "/Sig", None], ids=["DocTimeStamp", "Sig", "no-Type"])
def test_a_document_timestamp_is_chosen_by_its_subfilter(base, trust, sig_type):
    """pyHanko writes /Type /DocTimeStamp; some tools write /Sig or leave /Type out (ISO 32000-2
    makes it optional). /SubFilter /ETSI.RFC3161 makes it a document timestamp all the same."""
    signed = kit.sign(base)
    data = tsa_kit.document_timestamp(signed, AFTER, sig_type=sig_type)
    assert (b"/Type /DocTimeStamp" in data[len(signed):]) == (sig_type == "/DocTimeStamp")
    report = kit.verify(data, trust)
    ts = _layer(report, "DocTs1")
    assert report.verdict == "VALID", kit.explain(report)
    assert (ts.kind, ts.status, ts.sub_filter) == ("document_timestamp", "PASSED", "/ETSI.RFC3161")
    assert ts.timestamp.valid and ts.timestamp.trusted
    assert dt.datetime.fromisoformat(ts.timestamp.time) == AFTER
    assert ts.signing_time_source == "timestamp"
    assert _layer(report).status == "PASSED"  # the timestamp is a permitted update of the signed document
