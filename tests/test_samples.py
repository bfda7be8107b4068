"""Every sample of samples/manifest.json gets its expected verdict, layers and roles, through the
library and through the real `kyso verify` command (in this process, tests/inprocess.py; the exit
codes of a batch and of usage errors as a shell sees them, from real processes)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests import inprocess
from tests.conftest import SAMPLES, manifest

SAMPLE_LIST = manifest()["samples"]
TRUST = str(SAMPLES / manifest()["trust"])


def kyso(*args: str) -> subprocess.CompletedProcess:
    return inprocess.kyso(*args)


def real_kyso(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def reports(sample_report):
    return {s["file"]: sample_report(s["file"]) for s in SAMPLE_LIST}


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=[s["file"] for s in SAMPLE_LIST])
def test_sample_verdict_layers_and_roles(sample, reports):
    report = reports[sample["file"]]
    assert report.verdict == sample["verdict"], [(l.field, l.status, l.subindication, l.problem) for l in report.layers]
    assert len(report.layers) == sample["layers"]
    assert [l.role for l in report.layers] == sample["roles"]
    assert [l.subindication for l in report.layers] == sample["subindications"]


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=[s["file"] for s in SAMPLE_LIST])
def test_sample_decree30_profile_purposes_and_metadata(sample, reports):
    """Each sample gets exactly the Decree 30 findings the manifest lists (one per broken rule),
    its layers the purposes listed, and the metadata fields listed."""
    report = reports[sample["file"]]
    found = sorted({f.code for f in report.findings if f.code.startswith("ND30_")})
    assert found == sorted(set(sample["profile"])), [(f.code, f.params) for f in report.findings if f.code.startswith("ND30_")]
    assert [l.purpose for l in report.layers] == sample["purposes"], [l.purpose_basis for l in report.layers]
    for key, value in sample["metadata"].items():
        assert key in report.metadata, key
        assert report.metadata[key]["value"] == value, (key, report.metadata[key])
        assert report.metadata[key]["source"]


def test_seed_plan_metadata_says_where_each_field_came_from(reports):
    meta = reports["plan.pdf"].metadata
    assert meta["code_number"]["source"] == "layer 3 appearance (Signature3)"
    assert meta["issued_date"]["source"] == "page 1 text + layer 4 appearance (Signature4)"
    assert meta["organ_name"]["printed"] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert not [f for f in reports["plan.pdf"].findings if f.code.startswith(("ND30_", "METADATA_"))]
    evidence = [str(l.purpose_basis) for l in reports["plan.pdf"].layers]
    assert "'45'" in evidence[2] and "'08'" in evidence[3] and "layer 1" in evidence[4]


def test_cli_shows_metadata_and_profile():
    vi = kyso("verify", "--details", str(SAMPLES / "plan.pdf"), "--trust", TRUST).stdout
    assert "Số, ký hiệu: 45/KH-SGDĐT" in vi and "Cơ quan ban hành: Sở Giáo dục và Đào tạo" in vi
    assert "Vai trò: chữ ký của cơ quan: đóng dấu" in vi and "KIỂM TRA THEO NGHỊ ĐỊNH 30/2020" in vi
    en = kyso("verify", "--lang", "en", "--details", str(SAMPLES / "date-after-signing.pdf"), "--trust", TRUST).stdout
    assert "ND30_DATE_AFTER_SIGNING" in en and "Issue date: 15/03/2022" in en
    doc = json.loads(kyso("verify", "--json", str(SAMPLES / "plan.pdf"), "--trust", TRUST).stdout)
    assert {k: doc["metadata"]["type_name"][k] for k in ("value", "source")} == {"value": "Kế hoạch", "source": "page 1 text"}
    assert [l["purpose"] for l in doc["layers"]] == ["competent", "person", "number", "date", "seal", "appendix"]


def test_policy_file_changes_severity_and_is_recorded(tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text('name = "nd30-strict"\n[severities]\nND30_AGENCY_BEFORE_PERSON = "fail"\n', encoding="utf-8")
    result = kyso("verify", "--json", str(SAMPLES / "agency-before-person.pdf"), "--trust", TRUST, "--policy", str(strict))
    doc = json.loads(result.stdout)
    assert result.returncode == 1 and doc["verdict"] == "INVALID"
    assert doc["policy"] == "nd30-strict" and doc["policy_sha256"] != json.loads(
        kyso("verify", "--json", str(SAMPLES / "agency-before-person.pdf"), "--trust", TRUST).stdout)["policy_sha256"]
    assert ("ND30_AGENCY_BEFORE_PERSON", "error") in {(f["code"], f["severity"]) for f in doc["findings"]}
    ignore = tmp_path / "quiet.toml"
    ignore.write_text('[severities]\nND30_AGENCY_BEFORE_PERSON = "ignore"\n', encoding="utf-8")
    doc = json.loads(kyso("verify", "--json", str(SAMPLES / "agency-before-person.pdf"), "--trust", TRUST, "--policy", str(ignore)).stdout)
    assert doc["verdict"] == "VALID" and "ND30_AGENCY_BEFORE_PERSON" not in {f["code"] for f in doc["findings"]}
    bad = tmp_path / "bad.toml"
    bad.write_text('[severities]\nNOPE = "fail"\n', encoding="utf-8")
    result = kyso("verify", str(SAMPLES / "plan.pdf"), "--policy", str(bad), "--lang", "en")  # the English wording
    assert result.returncode == 2 and "unknown finding code" in result.stderr


def test_seed_plan_six_layers_in_revision_order(reports):
    report = reports["plan.pdf"]
    assert [l.revision for l in report.layers] == sorted(l.revision for l in report.layers)
    first = report.layers[0]
    assert first.signer.common_name == "Trịnh Văn Nam"
    assert first.certification_level == 2
    assert first.pki == "government"
    assert first.local_time_as_utc and first.signing_time.startswith("2022-03-08T09:56:26")
    assert first.revocation.status == "good"
    assert all(l.status == "PASSED" and l.integrity and l.cryptographic_validity and l.trusted for l in report.layers)
    # the agency's later fields are explained as signed signature fields, nothing else changed
    assert first.modification_level == "FORM_FILLING"
    assert all("added and signed" in c for c in map(str, first.changes))
    assert report.layers[-1].coverage == "ENTIRE_FILE"


def test_failures_carry_their_findings(reports):
    def found(name):
        return {f.code for f in reports[name].findings}

    assert reports["self-signed.pdf"].layers[0].pki == "untrusted"
    assert reports["revoked-signer.pdf"].layers[0].revocation.status == "revoked"
    assert reports["expired-signer.pdf"].layers[0].valid_at_signing_time is False
    assert "NO_SIGNATURES" in found("no-signatures.pdf")
    assert found("encrypted.pdf") == {"ENCRYPTED"}
    assert found("not-a-pdf.pdf") == {"NOT_PDF"} and found("truncated.pdf") == {"NOT_PDF"}
    assert "ENCRYPTED_EMPTY_PASSWORD" in found("encrypted-empty-password.pdf")
    assert "LAYER_FAILED" in found("corrupt-cms.pdf")


def test_encrypted_file_shows_the_signers_own_words(reports):
    """Strings of an encrypted file are decrypted before they are shown, like the plain plan's."""
    plain, encrypted = reports["plan.pdf"].layers[0], reports["encrypted-empty-password.pdf"].layers[0]
    assert (encrypted.reason, encrypted.location, encrypted.contact_info) == (plain.reason, plain.location, plain.contact_info)
    assert "đã ký lên văn bản này" in encrypted.reason


def test_unsigned_update_is_shown_as_a_change(reports):
    layer = reports["unsigned-update.pdf"].layers[0]
    assert layer.changes, "the report must say what changed"
    assert reports["unsigned-update.pdf"].layers[1].status == "PASSED"


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=[s["file"] for s in SAMPLE_LIST])
def test_cli_exit_code_per_sample(sample):
    result = kyso("verify", "--json", str(SAMPLES / sample["file"]), "--trust", TRUST)
    assert result.returncode == sample["exit_code"], result.stderr
    doc = json.loads(result.stdout)
    assert doc["verdict"] == sample["verdict"]


def test_cli_exit_code_precedence():
    def code(*names: str) -> int:
        return real_kyso("verify", "--json", *[str(SAMPLES / n) for n in names], "--trust", TRUST).returncode

    assert code("plan.pdf", "not-a-pdf.pdf", "content-changed.pdf") == 1  # INVALID beats unreadable
    assert code("plan.pdf", "not-a-pdf.pdf", "unsupported-subfilter.pdf") == 4  # unreadable beats indeterminate
    assert code("plan.pdf", "unsupported-subfilter.pdf") == 3
    assert code("plan.pdf", "appendix.pdf") == 0


def test_cli_usage_errors_exit_2(tmp_path):
    assert real_kyso("verify").returncode == 2
    # a missing file is no usage error (issue 18): it is reported in its place, exit 4
    assert real_kyso("verify", str(tmp_path / "missing.pdf")).returncode == 4
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    result = real_kyso("verify", str(SAMPLES / "plan.pdf"), "--trust", str(bad), "--lang", "en")  # the English wording
    assert result.returncode == 2 and "not a certificate" in result.stderr.lower() or "neither PEM nor DER" in result.stderr


def test_json_has_one_line_per_file_with_stable_keys():
    result = real_kyso("verify", "--json", str(SAMPLES / "plan.pdf"), str(SAMPLES / "not-a-pdf.pdf"), "--trust", TRUST)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    doc = json.loads(lines[0])
    assert {"file", "sha256", "verdict", "layers", "findings", "policy", "policy_sha256", "trust_fingerprint"} <= doc.keys()
    layer = doc["layers"][0]
    assert {"field", "revision", "role", "signer", "status", "subindication", "signing_time", "modification_level",
            "changes", "certificate", "chain", "pki", "timestamp", "revocation", "coverage", "appearance",
            "integrity", "cryptographic_validity", "trusted", "message_vi", "message_en"} <= layer.keys()
    assert {"common_name", "email", "organization", "organizational_units", "locality", "uid", "title"} <= layer["signer"].keys()
    for finding in doc["findings"]:
        assert {"code", "severity", "message"} <= finding.keys()
    assert json.loads(lines[1])["verdict"] == "ERROR"


def test_both_languages():
    vi = kyso("verify", str(SAMPLES / "plan.pdf"), "--trust", TRUST)
    en = kyso("verify", "--lang", "en", str(SAMPLES / "plan.pdf"), "--trust", TRUST)
    assert vi.stdout.startswith("KẾT LUẬN: HỢP LỆ —") and "Trịnh Văn Nam, Giám đốc — người có thẩm quyền ký" in vi.stdout
    assert en.stdout.startswith("RESULT: VALID —") and "Trịnh Văn Nam, Giám đốc — the competent person's signature" in en.stdout
    bad = kyso("verify", "--lang", "en", "--details", str(SAMPLES / "content-changed.pdf"), "--trust", TRUST)
    assert bad.stdout.startswith("RESULT: NOT VALID —") and "modified after this signature" in bad.stdout


def test_without_the_test_root_nothing_is_trusted():
    # The CMS holds only the signer's certificate, as the government tools write it: without
    # the test PKI the issuer is missing, which is missing information (INDETERMINATE), and the
    # report says what to import.
    result = kyso("verify", "--json", str(SAMPLES / "plan.pdf"))
    assert result.returncode == 3
    doc = json.loads(result.stdout)
    assert {l["subindication"] for l in doc["layers"]} == {"NO_CERTIFICATE_CHAIN_FOUND"}
    assert "ISSUER_MISSING" in {f["code"] for f in doc["findings"]}
