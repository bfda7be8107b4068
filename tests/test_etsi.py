"""The ETSI TS 119 102-2 validation report (verifier.report.etsi): valid against the published
schema (../shared/etsi) for every sample and every real document, its indications those of
kyso's layers, its identifiers the signatures' own bytes, kyso's findings carried along; written
by the real `kyso verify --etsi` and kept by `kyso archive export`."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests import inprocess
from tests.conftest import REALDOCS, SAMPLES, SHARED, manifest, need_shared

ETSI = SHARED / "etsi"
TRUST = SAMPLES / manifest()["trust"]
SAMPLE_FILES = [s["file"] for s in manifest()["samples"]]
REAL_FILES = sorted(p.name for p in REALDOCS.glob("*.pdf")) if REALDOCS.exists() else []
NS = {"vr": "http://uri.etsi.org/19102/v1.4.1#", "ds": "http://www.w3.org/2000/09/xmldsig#",
      "XAdES": "http://uri.etsi.org/01903/v1.3.2#", "kyso": "urn:kyso:validationreport:1"}
MAIN = {"PASSED": "urn:etsi:019102:mainindication:total-passed",
        "FAILED": "urn:etsi:019102:mainindication:total-failed",
        "INDETERMINATE": "urn:etsi:019102:mainindication:indeterminate"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    """The report's schema, loaded once, its imports pointed at the copies beside it (the files
    name them by web address, and the tests run offline)."""
    from lxml import etree

    need_shared(ETSI)
    folder = tmp_path_factory.mktemp("etsi-xsd")
    for xsd in ETSI.glob("*.xsd"):
        text = xsd.read_text(encoding="utf-8")
        text = re.sub(r'schemaLocation="[^"]*/(xmldsig-core-schema\.xsd|XAdES\.xsd|xml\.xsd)"', r'schemaLocation="\1"', text)
        text = re.sub(r'schemaLocation="[^"]*ts_119612[^"]*\.xsd"', 'schemaLocation="ts_119612v020401_xsd.xsd"', text)
        (folder / xsd.name).write_text(text, encoding="utf-8")
    return etree.XMLSchema(etree.parse(str(folder / "TS119102-2-v141.xsd")))


def valid(schema, xml: bytes):
    """The parsed report, after asserting that the schema accepts it."""
    from lxml import etree

    doc = etree.fromstring(xml)
    assert schema.validate(doc), str(schema.error_log)
    return doc


@pytest.fixture(scope="module")
def samples(sample_report):
    """(report, XML) of every sample, each verified once."""
    from verifier.report.etsi import validation_report

    out = {}
    for name in SAMPLE_FILES:
        report = sample_report(name)
        out[name] = (report, validation_report(report, (SAMPLES / name).read_bytes()))
    return out


@pytest.fixture(scope="module")
def reals(real_reports):
    from verifier.report.etsi import validation_report

    return {name: (report, validation_report(report, (REALDOCS / name).read_bytes())) for name, report in real_reports.items()}


def layer_reports(doc):
    return doc.findall("vr:SignatureValidationReport", NS)


def check_matches_kyso(report, doc) -> None:
    """Each layer's indications are kyso's, and every finding is there with its code, severity
    and wording."""
    from verifier.report.etsi import STANDARD_SUBINDICATIONS

    reports = layer_reports(doc)
    assert len(reports) == max(1, len(report.layers))
    for number, (layer, element) in enumerate(zip(report.layers, reports), start=1):
        status = element.find("vr:SignatureValidationStatus", NS)
        assert status.findtext("vr:MainIndication", namespaces=NS) == MAIN[layer.status]
        subs = [s.text for s in status.findall("vr:SubIndication", NS)]
        if layer.subindication in STANDARD_SUBINDICATIONS:
            assert subs == [f"urn:etsi:019102:subindication:{layer.subindication}"]
        else:
            # kyso's own codes are no ETSI sub-indications: they are kyso's report data
            assert subs == []
            if layer.subindication:
                kept = status.find(".//kyso:Status", NS)
                assert kept.get("subindication") == layer.subindication and kept.get("status") == layer.status
        assert element.find("vr:SignatureIdentifier/vr:OtherInformation/vr:SignatureReference/vr:PAdESFieldName", NS).text == layer.field
        found = sorted((f.get("code"), f.get("severity")) for f in status.findall(".//kyso:Finding", NS) if f.get("layer") == str(number))
        assert found == sorted((f.code, f.severity) for f in report.findings if f.layer == number)
    for element in reports:
        document = element.find(".//kyso:Document", NS)
        assert document.get("verdict") == report.verdict and document.get("sha256") == report.sha256
        found = sorted(f.get("code") for f in element.findall(".//kyso:Finding", NS) if f.get("layer") is None)
        assert found == sorted(f.code for f in report.findings if f.layer is None)
    messages = {m.text for m in doc.iterfind(".//kyso:Finding/kyso:Message", NS)}
    for finding in report.findings:
        assert {finding.message("vi"), finding.message("en")} <= messages


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_report_is_valid_and_says_what_kyso_says(name, samples, schema):
    report, xml = samples[name]
    check_matches_kyso(report, valid(schema, xml))


@pytest.mark.parametrize("name", REAL_FILES)
def test_every_real_document_report_is_valid_and_says_what_kyso_says(name, reals, schema):
    report, xml = reals[name]
    check_matches_kyso(report, valid(schema, xml))


def test_the_identifier_is_the_signature_itself(samples):
    """The DTBSR digest is what the signer's key signed, the signature value is the CMS's, and
    the signer's document digest is the messageDigest the CMS signed: a verifier that only has
    the report and the signer's certificate can check that it names this signature."""
    from lxml import etree
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, utils

    report, xml = samples["plan.pdf"]
    doc = etree.fromstring(xml)
    objects = {o.get("id"): o for o in doc.iterfind(".//vr:ValidationObject", NS)}
    for layer, element in zip(report.layers, layer_reports(doc)):
        ident = element.find("vr:SignatureIdentifier", NS)
        assert ident.find("vr:DigestAlgAndValue/ds:DigestMethod", NS).get("Algorithm") == "http://www.w3.org/2001/04/xmlenc#sha256"
        dtbsr = base64.b64decode(ident.findtext("vr:DigestAlgAndValue/ds:DigestValue", namespaces=NS))
        value = base64.b64decode(ident.findtext("ds:SignatureValue", namespaces=NS))
        signer = element.find("vr:SignerInformation/vr:SignerCertificate", NS).get("VOReference")
        cert_der = base64.b64decode(objects[signer].findtext(".//vr:base64", namespaces=NS))
        assert hashlib.sha256(cert_der).hexdigest() == layer.certificate.sha256
        cert = x509.load_der_x509_certificate(cert_der)
        cert.public_key().verify(value, dtbsr, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))  # raises if not
        signed = base64.b64decode(element.findtext("vr:SignersDocument/vr:DigestAlgAndValue/ds:DigestValue", namespaces=NS))
        a, b, c, d = map(int, element.findtext("vr:SignatureAttributes/vr:ByteRange", namespaces=NS).split())
        data = (SAMPLES / "plan.pdf").read_bytes()
        assert signed == hashlib.sha256(data[a:a + b] + data[c:c + d]).digest()
        chain = element.find(".//vr:CertificateChain", NS)
        assert chain.find("vr:SigningCertificate", NS).get("VOReference") == signer
        anchor = chain.find("vr:TrustAnchor", NS).get("VOReference")
        assert objects[anchor].findtext("vr:ObjectType", namespaces=NS) == "urn:etsi:019102:validationObject:certificate"
        assert element.find(".//vr:RelatedValidationObject", NS) is not None  # the CRL the verdict rests on
    policy = doc.find(".//vr:SignatureValidationPolicy", NS)
    assert policy.findtext("vr:PolicyName", namespaces=NS) == report.policy
    digest = base64.b64decode(policy.findtext(".//XAdES:SigPolicyHash/ds:DigestValue", namespaces=NS))
    assert digest.hex() == report.policy_sha256
    validator = doc.find("vr:SignatureValidator/vr:OtherInformation/kyso:Validator", NS)
    assert validator.get("version") == report.kyso_version and validator.get("trust_fingerprint") == report.trust_fingerprint


def test_every_piece_of_evidence_is_a_validation_object(samples, reals):
    from lxml import etree

    for report, xml in [samples["revoked-signer.pdf"], reals.get("1009-ttg.signed.pdf", samples["plan.pdf"])]:
        doc = etree.fromstring(xml)
        listed = {}
        for obj in doc.iterfind(".//vr:ValidationObject", NS):
            der = obj.findtext("vr:ValidationObjectRepresentation/vr:base64", namespaces=NS)
            if der is not None:
                listed[hashlib.sha256(base64.b64decode(der)).digest()] = obj
                digest = base64.b64decode(obj.findtext(".//vr:DigestAlgAndValue/ds:DigestValue", namespaces=NS))
                assert digest == hashlib.sha256(base64.b64decode(der)).digest()
            assert obj.find("vr:POE/vr:POETime", NS) is not None
        kinds = {"certificate": "certificate", "crl": "CRL", "ocsp": "OCSPResponse", "timestamp": "timestamp"}
        for kind, der in report.evidence:
            obj = listed[hashlib.sha256(der).digest()]
            assert obj.findtext("vr:ObjectType", namespaces=NS) == f"urn:etsi:019102:validationObject:{kinds[kind]}"


def test_a_revoked_signer_names_its_revocation(samples):
    from lxml import etree

    report, xml = samples["revoked-signer.pdf"]
    doc = etree.fromstring(xml)
    info = doc.find(".//vr:RevocationStatusInformation", NS)
    assert info is not None
    revoked = datetime.fromisoformat(info.findtext("vr:RevocationTime", namespaces=NS))
    assert revoked == datetime.fromisoformat(report.layers[0].revocation.revoked_at)
    kinds = {o.get("id"): o.findtext("vr:ObjectType", namespaces=NS) for o in doc.iterfind(".//vr:ValidationObject", NS)}
    assert kinds[info.find("vr:RevocationObject", NS).get("VOReference")].endswith(":CRL")


def test_a_timestamp_is_the_best_signature_time(reals):
    """A real layer with a trusted signature timestamp: its time is the proof of existence, given
    by the token, which the report lists with the field it proves."""
    from lxml import etree
    from asn1crypto import cms

    need_shared(REALDOCS)
    report, xml = reals["1009-ttg.signed.pdf"]
    doc = etree.fromstring(xml)
    best = layer_reports(doc)[0].find("vr:ValidationTimeInfo/vr:BestSignatureTime", NS)
    assert best.findtext("vr:TypeOfProof", namespaces=NS) == "urn:etsi:019102:poetype:provided"
    token_id = best.find("vr:POEObject", NS).get("VOReference")
    token = next(o for o in doc.iterfind(".//vr:ValidationObject", NS) if o.get("id") == token_id)
    der = base64.b64decode(token.findtext(".//vr:base64", namespaces=NS))
    gen_time = cms.ContentInfo.load(der)["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    assert datetime.fromisoformat(best.findtext("vr:POETime", namespaces=NS)) == gen_time
    assert token.findtext("vr:POEProvisioning/vr:SignatureReference/vr:PAdESFieldName", namespaces=NS) == report.layers[0].field
    assert layer_reports(doc)[0].findtext(".//vr:SignatureValidationProcessID", namespaces=NS).endswith(":LTVM")


def test_a_document_with_no_layer_still_gets_a_report(samples, schema):
    for name in ("no-signatures.pdf", "not-a-pdf.pdf"):
        report, xml = samples[name]
        assert not report.layers
        doc = valid(schema, xml)
        (only,) = layer_reports(doc)
        assert only.findtext(".//vr:MainIndication", namespaces=NS) == MAIN["INDETERMINATE"]
        assert {f.get("code") for f in only.iterfind(".//kyso:Finding", NS)} == {f.code for f in report.findings}


def test_characters_xml_cannot_carry_do_not_break_the_report(samples, schema):
    """A field name or a finding's value read from a hostile document may hold control
    characters; the report stays well-formed and valid, the character shown escaped."""
    import copy

    from verifier.report.etsi import validation_report

    report = copy.deepcopy(samples["plan.pdf"][0])
    report.layers[0].field = "Sig\x01nature\x00"
    report.add("BYTES_AFTER_EOF", count=3, offset="\x1b[31m")
    doc = valid(schema, validation_report(report))
    assert layer_reports(doc)[0].find(".//vr:PAdESFieldName", NS).text == "Sig\\x01nature\\x00"


def kyso(*args: str, env: dict | None = None, cwd: Path | None = None, real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py), or with `real` in a process of its own."""
    if not real:
        return inprocess.kyso(*args, env=env, cwd=cwd)
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, timeout=600, env=env, cwd=cwd)


def test_kyso_verify_writes_the_etsi_report(tmp_path, schema):
    one = tmp_path / "plan.xml"
    done = kyso("verify", str(SAMPLES / "plan.pdf"), "--trust", str(TRUST), "--etsi", str(one), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "VALID"  # the report on stdout is unchanged
    doc = valid(schema, one.read_bytes())
    assert {e.text for e in doc.iterfind(".//vr:MainIndication", NS)} == {MAIN["PASSED"]}

    folder = tmp_path / "reports"
    done = kyso("verify", str(SAMPLES / "plan.pdf"), str(SAMPLES / "sha1.pdf"), "--trust", str(TRUST), "--etsi", str(folder), "--jobs", "2",
                real=True)  # its workers make the reports
    assert done.returncode == 3, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["plan.etsi.xml", "sha1.etsi.xml"]
    sha1 = valid(schema, (folder / "sha1.etsi.xml").read_bytes())
    assert sha1.findtext(".//vr:SubIndication", namespaces=NS) == "urn:etsi:019102:subindication:CRYPTO_CONSTRAINTS_FAILURE"

    # several files and a file as OUT, or two files of one name: refused before any verification
    refused = kyso("verify", str(SAMPLES / "plan.pdf"), str(SAMPLES / "sha1.pdf"), "--etsi", str(one))
    assert refused.returncode == 2 and "thư mục" in refused.stderr and "Traceback" not in refused.stderr
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "plan.pdf").write_bytes((SAMPLES / "plan.pdf").read_bytes())
    refused = kyso("verify", str(SAMPLES / "plan.pdf"), str(twin / "plan.pdf"), "--etsi", str(folder), "--lang", "en")
    assert refused.returncode == 2 and "share a name" in refused.stderr


def test_archive_export_holds_the_etsi_report(tmp_path, schema):
    env = dict(os.environ)
    env["KYSO_HOME"] = str(tmp_path / "home")
    env["KYSO_DATABASE_URL"] = f"sqlite:///{tmp_path / 'kyso.sqlite'}"
    done = kyso("ingest", "--json", str(SAMPLES / "revoked-signer.pdf"), "--trust", str(TRUST), env=env)
    assert done.returncode in (0, 3), done.stderr
    doc_id = json.loads(done.stdout.splitlines()[0])["document_id"]
    done = kyso("archive", "export", str(doc_id), "--to", str(tmp_path / "export"), env=env)
    assert done.returncode == 0, done.stderr
    out = Path(done.stdout.strip())
    manifest_lines = (out / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    assert any(line.endswith("  data/report.etsi.xml") for line in manifest_lines)
    doc = valid(schema, (out / "data" / "report.etsi.xml").read_bytes())
    status = layer_reports(doc)[0].find("vr:SignatureValidationStatus", NS)
    assert status.findtext("vr:SubIndication", namespaces=NS) == "urn:etsi:019102:subindication:REVOKED_NO_POE"
    assert doc.find(".//vr:RevocationStatusInformation", NS) is not None  # the evidence kept came along
    kept = {p.read_bytes() for p in (out / "data" / "evidence").iterdir()}
    listed = {base64.b64decode(e.text) for e in doc.iterfind(".//vr:base64", NS)}
    assert kept <= listed
