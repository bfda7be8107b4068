"""Timestamps that must not serve as proof of existence (EN 319 102-1): a token over other bytes,
a token from a TSA nobody trusts, a token grafted from another signature, a token signed by a
trusted certificate that is no TSA's. Each would otherwise carry a revoked or expired signer back
to a time when the certificate was good (tests/genuine/test_tsa.py has the genuine shapes).

Relaxing the document-timestamp shape (/Type /Sig or none, chosen by /SubFilter) must still
check the token's imprint against the byte ranges."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from tests.attacks import kit
from tests.genuine import tsa_kit

UTC = dt.timezone.utc
BEFORE = dt.datetime(2021, 6, 1, 2, 0, tzinfo=UTC)  # before 'revoked' was revoked and 'expired' expired


def _layer(report, field="Signature1"):
    return next(x for x in report.layers if x.field == field)


@pytest.mark.parametrize("sig_type", ["/DocTimeStamp", "/Sig", None], ids=["DocTimeStamp", "Sig", "no-Type"])
def test_a_document_timestamp_over_other_bytes_fails(approval, trust, sig_type):
    data = tsa_kit.document_timestamp(approval, BEFORE, sig_type=sig_type, imprint_of=b"another document")
    report = kit.verify(data, trust)
    ts = _layer(report, "DocTs1")
    assert (ts.kind, ts.status, ts.subindication) == ("document_timestamp", "FAILED", "HASH_FAILURE"), kit.explain(report)
    assert report.verdict == "INVALID"
    assert not ts.timestamp.valid and ts.signing_time_source != "timestamp"


def test_a_timestamp_from_an_untrusted_tsa_is_no_proof_for_a_revoked_signer(base, trust):
    """The token claims a time before the revocation; its TSA chains only to a root no trust
    includes, so it proves nothing: the signer is judged now, revoked, with no proof of when."""
    data = tsa_kit.sign(base, "revoked", signed_at=BEFORE, ts_at=BEFORE, tsa_issuer=tsa_kit.UNTRUSTED_TSA)
    report = kit.verify(data, trust)
    layer = _layer(report)
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "REVOKED_NO_POE"), kit.explain(report)
    assert report.verdict == "INDETERMINATE"
    assert layer.timestamp.valid and not layer.timestamp.trusted
    assert layer.signing_time_source == "signed_attribute"
    assert "TIMESTAMP_INVALID" in kit.codes(report) and "VALIDATED_AT_TIMESTAMP" not in kit.codes(report)


def test_a_timestamp_from_an_untrusted_tsa_is_no_proof_for_an_expired_signer(base, trust):
    data = tsa_kit.sign(base, "expired", signed_at=BEFORE, ts_at=BEFORE, tsa_issuer=tsa_kit.UNTRUSTED_TSA)
    report = kit.verify(data, trust)
    layer = _layer(report)
    assert layer.status == "INDETERMINATE" and report.verdict == "INDETERMINATE", kit.explain(report)
    assert layer.signing_time_source == "signed_attribute"
    assert "VALIDATED_AT_TIMESTAMP" not in kit.codes(report)


class _GraftedTimestamper:
    """The trusted TSA's token for another signature value, put into this signature."""

    def __init__(self, at):
        self._inner = tsa_kit.timestamper(at)

    def __getattr__(self, name):
        return getattr(self._inner, name)

    async def async_timestamp(self, message_digest, md_algorithm):
        return await self._inner.async_timestamp(hashlib.new(md_algorithm, b"another signature").digest(), md_algorithm)


def test_a_trusted_token_over_another_signature_is_no_proof(base, trust):
    data = tsa_kit.sign(base, "revoked", signed_at=BEFORE, stamper=_GraftedTimestamper(BEFORE))
    report = kit.verify(data, trust)
    layer = _layer(report)
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "REVOKED_NO_POE"), kit.explain(report)
    assert not layer.timestamp.valid and layer.signing_time_source == "signed_attribute"


def test_a_token_signed_by_a_trusted_certificate_that_is_no_tsa_is_no_proof(base, trust):
    """The revoked signer stamps its own signature with a time before its revocation, with its
    own key: a certificate the trust knows, but without the timeStamping key purpose."""
    data = tsa_kit.sign(base, "revoked", signed_at=BEFORE, stamper=tsa_kit.identity_timestamper("revoked", BEFORE))
    report = kit.verify(data, trust)
    layer = _layer(report)
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "REVOKED_NO_POE"), kit.explain(report)
    assert not layer.timestamp.trusted and layer.signing_time_source == "signed_attribute"
    director = kit.verify(tsa_kit.sign(base, "revoked", signed_at=BEFORE,
                                       stamper=tsa_kit.identity_timestamper("director", BEFORE)), trust)
    assert (_layer(director).status, _layer(director).subindication) == ("INDETERMINATE", "REVOKED_NO_POE"), kit.explain(director)


def _forged_crl(revoking: str, at: dt.datetime) -> bytes:
    """A CRL in ca-g2's name listing `revoking` as revoked at `at`, signed by a key that is not
    ca-g2's (root-untrusted's)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    ca = x509.load_pem_x509_certificate((kit.PKI / "ca-g2.pem").read_bytes())
    victim = x509.load_pem_x509_certificate((kit.PKI / f"{revoking}.pem").read_bytes())
    key = serialization.load_pem_private_key(
        (kit.PKI / "private" / "root-untrusted.TEST-ONLY.key.pem").read_bytes(), password=None)
    entry = x509.RevokedCertificateBuilder().serial_number(victim.serial_number).revocation_date(at).build()
    crl = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
           .last_update(dt.datetime(2022, 7, 1, tzinfo=UTC)).next_update(dt.datetime(2045, 12, 31, tzinfo=UTC))
           .add_revoked_certificate(entry).sign(key, hashes.SHA256()))
    return crl.public_bytes(serialization.Encoding.DER)


def test_a_crl_not_signed_by_the_issuer_revokes_nothing_after_the_timestamp(base):
    """A report of a signature that passed at its timestamp says the certificate was revoked since
    only on the word of a CRL its issuer signed: a forged one changes neither status nor report."""
    trust = kit.trust()
    trust.add_crls(_forged_crl("director", dt.datetime(2022, 6, 1, tzinfo=UTC)))
    report = kit.verify(tsa_kit.sign(base, "director", signed_at=BEFORE, ts_at=BEFORE), trust)
    layer = _layer(report)
    assert (layer.status, report.verdict) == ("PASSED", "VALID"), kit.explain(report)
    assert layer.revocation.status == "good" and layer.revocation.revoked_at is None
    assert "VALIDATED_AT_TIMESTAMP" not in kit.codes(report)
