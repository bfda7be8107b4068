"""An OCSP response about one certificate says nothing about another (verifier.trust.revinfo):
offline, a timestamp's TSA whose issuer also issued the signer stays trusted when only the
signer's OCSP response is at hand, and `kyso archive ltv` without --online makes its copy from
the evidence the archive kept. Against the live test PKI (tests/livepki), whose TSA and signers
share the issuing CA; real `kyso` commands (click's runner) on a real SQLite archive."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("certomancer", reason="certomancer (test extra) runs the live test PKI")


def _online_ocsps(pki, data: bytes) -> list[bytes]:
    """The OCSP responses an online verification of `data` fetched (and rested on)."""
    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig

    trust = TrustConfig(online=True, net_private_addresses=True)
    trust.add_bundle(pki.pem("root"))
    report = verify_pdf(data, trust)
    assert report.verdict == "VALID", [(l.subindication, l.problem) for l in report.layers]
    return [e.der for e in report.evidence if e.kind == "ocsp"]


def test_a_tsa_is_not_judged_by_the_signers_ocsp_response(live_pki):
    from asn1crypto import ocsp

    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig
    from verifier.trust.revinfo import ocsp_serials

    data = live_pki.sign("good", timestamp=True)
    tsa = live_pki.cert("tsa").serial_number
    # the signer's and the CA's responses, not the TSA's: its revocation is unknown, which a
    # timestamp tolerates (soft-fail), and the signer's response is about someone else
    kept = [der for der in _online_ocsps(live_pki, data) if tsa not in ocsp_serials(ocsp.OCSPResponse.load(der))]
    assert len(kept) == 2
    live_pki.stop()
    trust = TrustConfig()
    trust.add_bundle(live_pki.pem("root"))
    trust.add_intermediates(live_pki.pem("ca"))
    for der in kept:
        trust.add_ocsps(der)
    report = verify_pdf(data, trust)
    [layer] = report.layers
    assert layer.timestamp is not None and layer.timestamp.trusted, layer.timestamp
    assert not [f for f in report.findings if f.code == "TIMESTAMP_INVALID"]
    assert report.verdict == "VALID" and layer.revocation.status == "good"


def test_archive_ltv_offline_uses_the_kept_evidence(live_pki, tmp_path):
    from click.testing import CliRunner

    from archive.cli import main

    env = {"KYSO_HOME": str(tmp_path / "home"), "KYSO_LANG": "en", "KYSO_DATABASE_URL": None, "KYSO_CONFIG": None}

    def kyso(*args):
        result = CliRunner().invoke(main, list(args), env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    roots = [str(live_pki.write_pem(f"{label}.pem", label)) for label in ("root", "ca")]
    assert kyso("certs", "import", "--unpinned", *roots).exit_code == 0
    doc = tmp_path / "plan.pdf"
    doc.write_bytes(live_pki.sign("good", "seal"))
    assert kyso("ingest", str(doc), "--online").exit_code == 0  # the OCSP responses are kept as evidence
    (tmp_path / "home" / "kyso.toml").write_text(f'[ltv]\ntsa_url = "{live_pki.tsa_url}"\n', encoding="utf-8")
    out = tmp_path / "plan-ltv.pdf"
    with live_pki.states(crl="down", ocsp="down", certs="down"):  # only the TSA answers
        made = kyso("archive", "ltv", "1", "-o", str(out))
    assert made.exit_code == 0, made.stdout + made.stderr
    assert "the copy verified again offline: Valid" in made.stdout
    assert out.read_bytes().startswith(doc.read_bytes()) and os.path.getsize(out) > os.path.getsize(doc)


def test_an_online_report_names_the_response_it_rests_on(live_pki):
    """Online, pyHanko asks the signer's own OCSP responder and leaves the document's CRLs aside;
    the report says so, with that responder's URL (not the root's, whose response about the CA
    may carry the same serial number), and not "CRL embedded in the document"."""
    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig

    trust = TrustConfig(online=True, net_private_addresses=True)
    trust.add_bundle(live_pki.pem("root"))
    report = verify_pdf(live_pki.sign("good", dss=True), trust)  # the DSS holds the CRLs of the root and the CA
    [layer] = report.layers
    responder = live_pki.cert("good").ocsp_urls[0]
    assert layer.status == "PASSED" and layer.revocation.status == "good"
    assert layer.revocation.url == responder
    assert layer.revocation.source.en == f"OCSP response fetched from {responder}"
    [ocsp] = [e for e in report.evidence if e.kind == "ocsp" and e.url == responder]
    assert ocsp.source == "fetched" and ocsp.layers == [1]
