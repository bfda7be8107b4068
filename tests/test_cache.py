"""Verification results are kept while they cannot have changed (verifier/report/cache.py): same bytes,
policy, trust and kyso version, and a validation time before anything in the evidence expires."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import SAMPLES

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


@pytest.fixture()
def counted(monkeypatch):
    """How many verifications really ran (verifier.document._verify is kyso's own function)."""
    from verifier import document

    calls = []
    real = document._verify

    def counting(*args, **kwargs):
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(document, "_verify", counting)
    return calls


def _trust():
    from verifier.trust.config import TrustConfig

    trust = TrustConfig()
    trust.add_bundle((SAMPLES / "pki" / "trust.pem").read_bytes())
    return trust


def test_the_same_document_again_is_answered_from_the_cache(counted):
    from verifier.report.cache import ReportCache
    from verifier.document import verify_pdf

    cache, trust, data = ReportCache(), _trust(), (SAMPLES / "plan.pdf").read_bytes()
    first = verify_pdf(data, trust, file="a.pdf", now=NOW, cache=cache)
    again = verify_pdf(data, trust, file="b.pdf", now=NOW + timedelta(seconds=30), cache=cache)
    assert counted == ["a.pdf"] and cache.hits == 1
    assert again.file == "b.pdf" and again.validation_time == first.validation_time
    assert again.to_dict("en") | {"file": "a.pdf"} == first.to_dict("en")
    again.layers[0].status = "changed by the caller"
    assert verify_pdf(data, trust, file="c.pdf", now=NOW, cache=cache).layers[0].status == "PASSED"


def test_another_policy_trust_or_document_is_verified(counted, tmp_path):
    from verifier.report.cache import ReportCache
    from verifier.document import verify_pdf
    from verifier.policy.policyfile import load

    cache, trust, data = ReportCache(), _trust(), (SAMPLES / "plan.pdf").read_bytes()
    verify_pdf(data, trust, file="plan", now=NOW, cache=cache)
    verify_pdf(data + b"\n", trust, file="plan+newline", now=NOW, cache=cache)
    (tmp_path / "strict.toml").write_text('base = "nd30"\n[severities]\nND30_SEAL_PLACEMENT = "ignore"\n')
    strict = _trust()
    strict.policy = load(tmp_path / "strict.toml")
    verify_pdf(data, strict, file="other policy", now=NOW, cache=cache)
    other = _trust()
    other.add_crls((SAMPLES / "pki" / "crl" / "ca-g2.crl").read_bytes())
    verify_pdf(data, other, file="more trust", now=NOW, cache=cache)
    online = _trust()
    online.online = True
    key = cache.key("0" * 64, online)
    assert key is None  # what the network returns is not in the key: nothing is kept
    assert counted == ["plan", "plan+newline", "other policy", "more trust"] and cache.hits == 0


def test_a_kept_report_answers_only_until_its_evidence_or_age_says_otherwise(counted):
    from verifier.report.cache import MAX_AGE, ReportCache
    from verifier.document import verify_pdf
    from verifier.trust.material import load_certificates

    cache, trust, data = ReportCache(), _trust(), (SAMPLES / "plan.pdf").read_bytes()
    expiry = load_certificates((SAMPLES / "pki" / "director.pem").read_bytes())[0].not_valid_after  # layer 1's signer
    before_expiry = expiry - timedelta(minutes=2)
    verify_pdf(data, trust, file="1", now=before_expiry, cache=cache)
    verify_pdf(data, trust, file="2", now=before_expiry + timedelta(minutes=1), cache=cache)  # kept
    verify_pdf(data, trust, file="3", now=expiry + timedelta(seconds=1), cache=cache)  # the signer's certificate expired
    verify_pdf(data, trust, file="4", now=before_expiry - timedelta(seconds=1), cache=cache)  # earlier than the kept one
    assert counted == ["1", "3", "4"]

    counted.clear()
    verify_pdf(data, trust, file="5", now=NOW, cache=cache)
    verify_pdf(data, trust, file="6", now=NOW + MAX_AGE, cache=cache)  # too old, whatever the evidence says
    assert counted == ["5", "6"]


def test_a_password_never_shares_a_kept_report():
    """What an encrypted document says depends on the password it was opened with: a report read
    with it must not answer a caller without it (its text and metadata would reach someone who
    cannot open the file), nor a kept ENCRYPTED answer the caller who has it."""
    from verifier.document import verify_pdf
    from verifier.report.cache import ReportCache

    data = (SAMPLES / "encrypted.pdf").read_bytes()  # user password 'secret' (samples/manifest.json)
    cache = ReportCache()
    opened = verify_pdf(data, _trust(), cache=cache, now=NOW, password="secret")
    assert "ENCRYPTED_PASSWORD_GIVEN" in [f.code for f in opened.findings] and opened.metadata
    refused = verify_pdf(data, _trust(), cache=cache, now=NOW)
    assert refused.verdict == "ERROR" and [f.code for f in refused.findings] == ["ENCRYPTED"] and not refused.metadata

    cache = ReportCache()
    assert verify_pdf(data, _trust(), cache=cache, now=NOW).verdict == "ERROR"
    again = verify_pdf(data, _trust(), cache=cache, now=NOW, password="secret")
    assert "ENCRYPTED_PASSWORD_GIVEN" in [f.code for f in again.findings]
