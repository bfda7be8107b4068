"""Named policies and TOML policy files: severities and legacy-algorithm choices."""

from __future__ import annotations

import pytest

from verifier.policy import policyfile
from verifier.policy.named import ND30, VGCA_G1_ROOT
from verifier.report.model import DocumentReport


def write(tmp_path, text: str):
    path = tmp_path / "strict.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_and_named():
    assert policyfile.load(None) is ND30 and policyfile.load("nd30") is ND30
    with pytest.raises(policyfile.PolicyError, match="neither a known policy"):
        policyfile.load("nd31")


def test_file_overrides_severities_and_legacy(tmp_path):
    path = write(tmp_path, """
name = "nd30-strict"
description = "stricter"
[severities]
REVOCATION_UNKNOWN = "fail"
HYBRID_XREF = "ignore"
[legacy]
sha1 = "never"
min_rsa_bits = 3072
""")
    p = policyfile.load(path)
    assert p.name == "nd30-strict"
    assert p.severities == {"REVOCATION_UNKNOWN": "error", "HYBRID_XREF": "ignore"}
    assert p.sha1_anchors == () and p.min_rsa_bits == 3072
    assert p.sha256 != ND30.sha256  # the hash travels with every report
    assert policyfile.severity(p, "REVOCATION_UNKNOWN") == "error"
    assert policyfile.severity(p, "ISSUER_MISSING") == "warning"


def test_default_name_from_the_file_and_sha1_anchor_list(tmp_path):
    path = write(tmp_path, f'[legacy]\nsha1 = ["{VGCA_G1_ROOT.lower()}"]\n')
    p = policyfile.load(path)
    assert p.name == "nd30+strict" and p.sha1_anchors == (VGCA_G1_ROOT,)


@pytest.mark.parametrize("text,message", [
    ("[severities]\nNO_SUCH_CODE = 'warn'\n", "unknown finding code"),
    ("[severities]\nHYBRID_XREF = 'maybe'\n", "fail, warn, info or ignore"),
    ("[severities]\nLAYER_FAILED = 'info'\n", "cannot be changed"),
    # no policy may make a forgery pass: integrity errors can be raised, never lowered
    ("[severities]\nSIGNATURE_GAP_INVALID = 'ignore'\n", "may not lower"),
    ("[severities]\nBYTES_AFTER_EOF = 'warn'\n", "may not lower"),
    ("[severities]\nACTIVE_CONTENT_ADDED = 'info'\n", "may not lower"),
    ("[legacy]\nsha1 = 'sometimes'\n", "sha1 must be"),
    ("[legacy]\nmin_rsa_bits = 512\n", "at least 1024"),
    ("colour = 'red'\n", "unknown keys"),
    ("[legacy]\naccept_digital_signature_only = false\n", "unknown \\[legacy\\] keys"),
    # a code nothing raises: a policy naming it would judge nothing
    ("[severities]\nUNSIGNED_CHANGES_AFTER_LAST_SIGNATURE = 'fail'\n", "unknown finding code"),
    ("[severities\n", "not valid TOML"),
])
def test_bad_files_say_what_to_fix(tmp_path, text, message):
    with pytest.raises(policyfile.PolicyError, match=message):
        policyfile.load(write(tmp_path, text))


def test_every_field_of_a_policy_is_read_by_a_check():
    """The policy's hash is recorded in every report, so a field no check reads would make two
    policies that judge alike look different (accept_digital_signature_only was one)."""
    import dataclasses

    from verifier.policy.named import Policy

    read = {"sha1_anchors": "verifier/signatures/legacy.py (allows_sha1_under)",
            "min_rsa_bits": "verifier/signatures/legacy.py", "severities": "policyfile.apply",
            "name": "the report", "description": "the policy file's own words",
            "limits": "verifier/document.py with verifier/pdf/budget.py"}
    assert {f.name for f in dataclasses.fields(Policy)} == set(read)


def test_apply_rejudges_findings():
    report = DocumentReport(file=None, sha256="0" * 64, size=0)
    report.add("HYBRID_XREF")
    report.add("REVOCATION_UNKNOWN")
    p = policyfile.from_dict({"severities": {"HYBRID_XREF": "ignore", "REVOCATION_UNKNOWN": "fail"}})
    policyfile.apply(report, p)
    assert [(f.code, f.severity) for f in report.findings] == [("REVOCATION_UNKNOWN", "error")]


def test_min_rsa_bits_refuses_a_smaller_key(sample_trust):
    """The samples' keys are RSA-2048: a policy asking for 3072 refuses them as a crypto
    constraint, which leaves the layer INDETERMINATE (the key is not proven forged; it is weaker
    than the policy accepts), never VALID."""
    import dataclasses

    from tests.conftest import SAMPLES
    from verifier.document import verify_pdf

    trust = dataclasses.replace(sample_trust, policy=policyfile.from_dict({"legacy": {"min_rsa_bits": 3072}}))
    report = verify_pdf((SAMPLES / "person-only.pdf").read_bytes(), trust)
    assert report.verdict == "INDETERMINATE"
    assert report.layers[0].subindication == "CRYPTO_CONSTRAINTS_FAILURE" and "2048 bits" in str(report.layers[0].problem)
    assert report.policy == "custom"


@pytest.mark.parametrize("severity, verdict, kept", [("fail", "INVALID", "error"), ("warn", "VALID", "warning"),
                                                     ("ignore", "VALID", None)])
def test_a_finding_added_after_verification_is_judged_like_the_others(severity, verdict, kept):
    """What the archive knows and the verifier cannot (a duplicate number) goes through the same
    policy and verdict as verify_pdf's own findings."""
    from verifier.document import add_finding, verify_pdf
    from verifier.trust.config import TrustConfig
    from tests.conftest import SAMPLES, manifest

    policy = policyfile.from_dict({"severities": {"ND30_DUPLICATE_NUMBER": severity}})
    trust = TrustConfig(policy=policy)
    trust.add_bundle((SAMPLES / manifest()["trust"]).read_bytes())
    report = verify_pdf((SAMPLES / "plan.pdf").read_bytes(), trust, file="plan.pdf")
    assert report.verdict == "VALID"
    add_finding(report, policy, "ND30_DUPLICATE_NUMBER", number="45", notation="KH-SGDĐT", organ="Sở", year=2022, other=1)
    assert report.verdict == verdict
    assert [f.severity for f in report.findings if f.code == "ND30_DUPLICATE_NUMBER"] == ([kept] if kept else [])
    with pytest.raises(ValueError, match="policy"):
        add_finding(report, ND30, "ND30_DUPLICATE_NUMBER", number="45", notation="KH", organ="Sở", year=2022, other=1)
