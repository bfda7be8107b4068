"""kyso --online against the live test PKI on 127.0.0.1 (tests/livepki), with only its root
configured, as a clerk runs it: the VGCA tools put only the signer's certificate in the CMS, so
the issuing CA comes from caIssuers and the revocation status from OCSP or the CRL. Fetching may
fail in every way a network fails (a closed port, a service that never answers); none of it may
make a document INVALID, only a proven revocation does, and it must end within the budget."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("certomancer")

from tests.livepki.pki import BEFORE_REVOCATION  # noqa: E402
from tests.livepki.server import DOWN, HANG, Answer  # noqa: E402


def _trust(pki, online=True, **net):
    from verifier.trust.config import TrustConfig

    trust = TrustConfig(online=online, net_private_addresses=True, **net)
    trust.add_bundle(pki.pem("root"))
    return trust


def _verify(pki, data, online=True, **net):
    from verifier.document import verify_pdf

    return verify_pdf(data, _trust(pki, online, **net), file="live.pdf")


def _codes(report, code):
    return [f for f in report.findings if f.code == code]


@pytest.fixture(scope="module")
def documents(_live_pki_session):
    """Signed once for the module: person then agency seal, and the revoked variants."""
    pki = _live_pki_session
    pki.all_up()
    return {
        "good": pki.sign("good", "seal"),
        "good-dss": pki.sign("good", "seal", dss=True),
        "revoked": pki.sign("revoked", timestamp=True),
        "revoked-untimestamped": pki.sign("revoked"),
        "revoked-later": pki.sign("revoked-later", timestamp=True, at=pki.start - BEFORE_REVOCATION),
    }


def test_good_document_is_valid_with_the_issuer_fetched_by_caissuers(live_pki, documents):
    report = _verify(live_pki, documents["good"])
    assert report.verdict == "VALID", [(l.subindication, l.problem) for l in report.layers]
    assert [l.status for l in report.layers] == ["PASSED", "PASSED"]
    ca_url = live_pki.cert("good").authority_information_access_value[1]["access_location"].native
    issuer_fetch = [f for f in report.fetched if f["kind"] == "certificate"]
    assert issuer_fetch == [{**issuer_fetch[0], "url": ca_url, "result": "ok", "layers": [1, 2]}]
    for layer in report.layers:
        assert layer.revocation.status == "good" and layer.revocation.url.startswith(live_pki.url_of("ocsp"))
        assert layer.chain[1].startswith("CA phục vụ các cơ quan Nhà nước G2 TEST")
    # the evidence says where each piece came from: the CA fetched, the root given for the run
    ca = next(e for e in report.evidence if e.der == live_pki.cert("ca").dump())
    assert (ca.source, ca.url, ca.layers) == ("fetched", ca_url, [1, 2])
    root = next(e for e in report.evidence if e.der == live_pki.cert("root").dump())
    assert root.source == "run"
    assert {e.source for e in report.evidence if e.kind == "ocsp"} == {"fetched"}
    assert all(isinstance(e.obtained, str) for e in report.evidence)
    kind, der = ca  # read as (kind, der) as before issue 15
    assert kind == "certificate" and der == live_pki.cert("ca").dump()


def test_revocation_before_the_timestamp_is_known_and_proves_nothing_either_way(live_pki, documents):
    """Revoked before the signature's timestamp: the timestamp proves the signature existed
    after the revocation, not that it was made after it (EN 319 102-1)."""
    report = _verify(live_pki, documents["revoked"])
    assert report.verdict == "INDETERMINATE"
    layer = report.layers[0]
    assert (layer.status, layer.subindication) == ("INDETERMINATE", "REVOKED_NO_POE")
    assert layer.revocation.status == "revoked" and layer.revocation.revoked_at


def test_revocation_without_proof_of_time_stays_indeterminate(live_pki, documents):
    """EN 319 102-1: without a proof that it existed before the revocation, a signature is not
    proven bad either (REVOKED_NO_POE), whatever its own claimed signing time says."""
    report = _verify(live_pki, documents["revoked-untimestamped"])
    assert (report.verdict, report.layers[0].subindication) == ("INDETERMINATE", "REVOKED_NO_POE")


def test_revocation_after_the_proven_signing_time_leaves_the_signature_standing(live_pki, documents):
    report = _verify(live_pki, documents["revoked-later"])
    assert report.verdict == "VALID"
    layer = report.layers[0]
    assert layer.status == "PASSED" and layer.revocation.status == "revoked"
    [finding] = _codes(report, "REVOKED_AFTER_PROVEN_TIME")
    assert finding.params["revoked"] > finding.params["time"]
    from verifier.report.summary import finding_message

    assert "the signature stands" in finding_message(finding, "en")


@pytest.mark.parametrize("down, works", [("ocsp", "crl"), ("crl", "ocsp")])
def test_one_revocation_service_down_the_other_settles_it(live_pki, documents, down, works):
    live_pki.set(**{down: DOWN})
    report = _verify(live_pki, documents["good"])
    assert report.verdict == "VALID", [(l.subindication, l.problem) for l in report.layers]
    for layer in report.layers:
        assert layer.revocation.url.startswith(live_pki.url_of(works))
    failed = [f for f in report.fetched if f["result"] != "ok"]
    assert all(f["url"].startswith(live_pki.url_of(down)) for f in failed)
    assert all(f.severity == "info" and f.params["url"].startswith(live_pki.url_of(down))
               for f in _codes(report, "FETCH_FAILED"))
    if down == "ocsp":  # asked first: its failure is said, and the CRL asked after it
        assert failed and all("connection refused" in f["result"] for f in failed)


def test_every_service_down_is_indeterminate_never_invalid(live_pki, documents):
    live_pki.set(crl=DOWN, ocsp=DOWN, certs=DOWN)
    report = _verify(live_pki, documents["good"])
    assert report.verdict == "INDETERMINATE"
    assert all(l.status == "INDETERMINATE" for l in report.layers)
    assert {f.params["url"] for f in _codes(report, "FETCH_FAILED")} == {
        live_pki.cert("good").authority_information_access_value[1]["access_location"].native}
    # with the issuer at hand, the revocation services down: TRY_LATER, the URLs named
    live_pki.set(certs="up")
    report = _verify(live_pki, documents["good"])
    assert report.verdict == "INDETERMINATE"
    assert [l.subindication for l in report.layers] == ["TRY_LATER", "TRY_LATER"]
    [first, _] = _codes(report, "REVOCATION_NOT_OBTAINED")
    assert live_pki.url_of("ocsp") in first.params["failures"] and live_pki.url_of("crl") in first.params["failures"]
    assert not _codes(report, "REVOCATION_UNKNOWN")  # the offline advice (use --online) is not given


def _ocsp_request(pki, label: str, issuer: str):
    """An OCSP request about `label` to the responder of `issuer`, as the VGCA tools ask (SHA-1)."""
    from pyhanko_certvalidator.authority import AuthorityWithCert
    from pyhanko_certvalidator.fetchers.common_utils import format_ocsp_request

    return format_ocsp_request(pki.cert(label), AuthorityWithCert(pki.cert(issuer)), certid_hash_algo="sha1",
                               request_nonces=False)


def _ocsp_at(pki, label: str, issuer: str, at: datetime, validity: timedelta | None = None):
    """The OCSP response the live responder of `issuer` gives at `at` about `label`."""
    from asn1crypto import ocsp

    responder = pki.arch.service_registry.summon_responder(issuer, at_time=at)
    if validity is not None:
        responder.validity = validity
    return ocsp.OCSPResponse.load(responder.build_ocsp_response(_ocsp_request(pki, label, issuer)).dump())


def _ocsp_now(pki, label: str, issuer: str):
    return _ocsp_at(pki, label, issuer, datetime.now(timezone.utc))


def _crl_before_the_revocations(pki):
    """A CRL the CA really signed three days before the start, listing nothing, whose nextUpdate
    is ten days after the start: current by its own dates, silent on the revocations since."""
    from asn1crypto import crl
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    ca = x509.load_der_x509_certificate(pki.cert("ca").dump())
    key = serialization.load_der_private_key(pki.key("ca").dump(), None)
    issued = pki.start - timedelta(days=3)
    built = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
             .last_update(issued).next_update(pki.start + timedelta(days=10))
             .add_extension(x509.CRLNumber(1), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False)
             .sign(key, hashes.SHA256()))
    return crl.CertificateList.load(built.public_bytes(serialization.Encoding.DER))


def _with_dss(data: bytes, **material) -> bytes:
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    buf = io.BytesIO(data)
    DocumentSecurityStore.add_dss(buf, None, force_write=True, **material)
    return buf.getvalue()


def test_the_responses_a_document_holds_still_count_when_the_responders_are_down(live_pki):
    """Online never answers worse than offline: the OCSP responses of the document's DSS settle
    it when neither the responder nor the CRL can be reached."""
    data = _with_dss(live_pki.sign("good"), certs=[live_pki.cert("ca")],
                     ocsps=[_ocsp_now(live_pki, "good", "ca"), _ocsp_now(live_pki, "ca", "root")])
    assert _verify(live_pki, data, online=False).verdict == "VALID"
    live_pki.set(ocsp=DOWN, crl=DOWN)
    report = _verify(live_pki, data)
    assert report.verdict == "VALID", [(l.subindication, l.problem) for l in report.layers]
    assert {f["kind"] for f in report.fetched if f["result"] != "ok"} >= {"ocsp", "crl"}  # both were tried first


def test_a_crl_from_before_the_revocation_does_not_hide_it_online(live_pki):
    """A revoked signer embeds the CA's CRL from before the revocation, still current by its own
    dates. Online with the OCSP responder down, the CRL the CA serves now is asked and says
    revoked, as the responder would have; offline, the embedded CRL is all there is."""
    data = _with_dss(live_pki.sign("revoked"), certs=[live_pki.cert("ca")],
                     crls=[_crl_before_the_revocations(live_pki), live_pki.crl("root")])
    live_pki.set(ocsp=DOWN)
    report = _verify(live_pki, data)
    assert report.verdict == "INDETERMINATE"
    assert report.layers[0].subindication == "REVOKED_NO_POE", report.layers[0].problem
    live_pki.set(crl=DOWN)  # nothing newer to be had: the document's own CRL, as offline
    assert _verify(live_pki, data).verdict == _verify(live_pki, data, online=False).verdict == "VALID"


def _forged_ocsp_from_the_future(pki, label: str, issuer: str):
    """An OCSP response about `label`, "good", produced in 2099, signed by a key nobody knows."""
    from asn1crypto import core, ocsp
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    request = _ocsp_request(pki, label, issuer)
    future = datetime(2099, 1, 1, tzinfo=timezone.utc)
    data = ocsp.ResponseData({
        "responder_id": ocsp.ResponderId(name="by_key", value=core.OctetString(b"\x01" * 20)), "produced_at": future,
        "responses": [ocsp.SingleResponse({"cert_id": request["tbs_request"]["request_list"][0]["req_cert"],
                                           "cert_status": ocsp.CertStatus(name="good", value=None),
                                           "this_update": future})]})
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    basic = ocsp.BasicOCSPResponse({"tbs_response_data": data, "signature_algorithm": {"algorithm": "sha256_rsa"},
                                    "signature": key.sign(data.dump(), padding.PKCS1v15(), hashes.SHA256())})
    return ocsp.OCSPResponse({"response_status": "successful",
                              "response_bytes": {"response_type": "basic_ocsp_response", "response": basic}})


def test_a_forged_response_dated_in_the_future_does_not_spare_the_crl(live_pki):
    """Red team on the rule above: the CA's genuine "good" from before the revocation, still
    current, beside a forged response dated 2099. Which held responses predate the moment had
    decided whether the CRL was asked; the forged date is read before anything checks it, and
    the CRL that says revoked was skipped: VALID."""
    # current until an hour after the start
    before = _ocsp_at(live_pki, "revoked-later", "ca", live_pki.start - timedelta(hours=2), timedelta(hours=3))
    data = _with_dss(live_pki.sign("revoked-later"), certs=[live_pki.cert("ca")],
                     ocsps=[before, _forged_ocsp_from_the_future(live_pki, "revoked-later", "ca"),
                            _ocsp_now(live_pki, "ca", "root")])
    live_pki.set(ocsp=DOWN)
    report = _verify(live_pki, data)
    assert report.verdict == "INDETERMINATE" and report.layers[0].subindication == "REVOKED_NO_POE", \
        [(l.subindication, l.problem) for l in report.layers]


def test_an_ocsp_response_of_a_revocation_after_the_timestamp_leaves_the_signature_standing(live_pki, documents):
    """What PDFBox's AddValidationInformation embeds: OCSP responses, one saying the signer was
    revoked an hour before the start, after the timestamp that proves the signature two hours
    before it. pyhanko-certvalidator took that response as no answer (INDETERMINATE offline);
    a CRL saying the same left the signature standing."""
    data = _with_dss(documents["revoked-later"], certs=[live_pki.cert(c) for c in ("ca", "root", "tsa")],
                     ocsps=[_ocsp_now(live_pki, "revoked-later", "ca"), _ocsp_now(live_pki, "ca", "root"),
                            _ocsp_now(live_pki, "tsa", "ca")])
    live_pki.stop()
    report = _verify(live_pki, data, online=False)
    assert report.verdict == "VALID", [(l.subindication, l.problem) for l in report.layers]
    [finding] = _codes(report, "REVOKED_AFTER_PROVEN_TIME")
    assert report.layers[0].revocation.status == "revoked"
    assert "OCSP" in report.layers[0].revocation.source.en
    # revoked before the moment validated, it is what it says
    data = _with_dss(documents["revoked"], certs=[live_pki.cert(c) for c in ("ca", "root", "tsa")],
                     ocsps=[_ocsp_now(live_pki, "revoked", "ca"), _ocsp_now(live_pki, "ca", "root"),
                            _ocsp_now(live_pki, "tsa", "ca")])
    report = _verify(live_pki, data, online=False)
    assert report.verdict != "VALID" and report.layers[0].revocation.status == "revoked"


def test_a_certificate_service_answering_no_certificate_is_a_failed_fetch(live_pki, documents, tmp_path):
    """A DER value that is no certificate (a SEQUENCE of three numbers) was taken for one until
    the path builder read its names: INTERNAL_ERROR and a traceback on stderr."""
    live_pki.set(certs=Answer(b"\x30\x09\x02\x01\x01\x02\x01\x02\x02\x01\x03", "application/pkix-cert"))
    report = _verify(live_pki, documents["good"])
    assert report.verdict == "INDETERMINATE" and "INTERNAL_ERROR" not in {f.code for f in report.findings}
    assert {l.subindication for l in report.layers} == {"NO_CERTIFICATE_CHAIN_FOUND"}
    [fetch] = [f for f in report.fetched if f["kind"] == "certificate"]
    assert fetch["result"].startswith("the answer cannot be read") and "\n" not in fetch["result"]
    pdf = tmp_path / "good.pdf"
    pdf.write_bytes(documents["good"])
    done = _kyso("verify", "--online", "--no-trust-store", "--trust", str(live_pki.root_pem), str(pdf), home=tmp_path / "home")
    assert done.returncode == 3 and "Traceback" not in done.stderr, done.stderr


def test_a_certificate_service_serving_another_certificate_gives_no_chain(live_pki, documents):
    """caIssuers answers the root in place of the CA: pyHanko took it for the issuer and judged
    the path through it TRY_LATER (its missing revocation data), so the advice was to try again
    later; no chain exists, whenever asked."""
    live_pki.set(certs=Answer(live_pki.cert("root").dump(), "application/pkix-cert"))
    report = _verify(live_pki, documents["good"])
    assert report.verdict == "INDETERMINATE"
    assert {l.subindication for l in report.layers} == {"NO_CERTIFICATE_CHAIN_FOUND"}
    assert [f["result"] for f in report.fetched if f["kind"] == "certificate"] == ["ok"]  # fetched, not an issuer


def test_hanging_services_end_within_the_budget(live_pki, documents):
    live_pki.set(crl=HANG, ocsp=HANG)
    started = time.monotonic()
    report = _verify(live_pki, documents["good"], net_timeout=1.0, net_budget=2.5)
    elapsed = time.monotonic() - started
    assert report.verdict == "INDETERMINATE"
    assert [l.subindication for l in report.layers] == ["TRY_LATER", "TRY_LATER"]
    assert elapsed < 2.5 + 4, elapsed  # the budget, plus the verification itself
    results = {f["result"] for f in report.fetched if f["kind"] != "certificate"}
    assert results == {"no answer within 1 s"}
    urls = [f["url"] for f in report.fetched]
    assert len(urls) == len(set(urls))  # a responder that hung is not waited for again by the second layer


def test_hanging_services_with_the_defaults_end_well_under_30_seconds(live_pki, documents):
    live_pki.set(crl=HANG, ocsp=HANG, certs=HANG)
    started = time.monotonic()
    report = _verify(live_pki, documents["good"])
    elapsed = time.monotonic() - started
    assert report.verdict == "INDETERMINATE" and elapsed < 20, elapsed


def test_embedded_evidence_is_valid_offline(live_pki, documents):
    live_pki.stop()
    report = _verify(live_pki, documents["good-dss"], online=False)
    assert report.verdict == "VALID"
    assert report.fetched == []
    assert {e.source for e in report.evidence if e.kind in ("crl", "certificate") and e.der != live_pki.cert("root").dump()} \
        == {"embedded"}
    assert all(l.revocation.source.en == "CRL embedded in the document" for l in report.layers)


def _kyso(*args, home, real=True, **env):
    """`kyso ARGS` in a process of its own, or without `real` in this process (tests/inprocess.py)."""
    full = {**os.environ, "KYSO_HOME": str(home), "KYSO_LANG": "en", **env}
    if not real:
        from tests import inprocess

        return inprocess.kyso(*args, env=full)
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, env=full, timeout=120)


def test_cli_online_reports_fetches_and_gives_no_online_advice(live_pki, documents, tmp_path):
    pdf = tmp_path / "good.pdf"
    pdf.write_bytes(documents["good"])
    root = live_pki.root_pem
    live_pki.set(crl=DOWN, ocsp=DOWN)
    result = _kyso("verify", "--online", "--net-timeout", "2", "--trust", str(root), str(pdf), home=tmp_path / "home")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "--online" not in result.stdout  # the run was online: 'run again with --online' helps nobody
    assert "verify again later" in result.stdout
    result = _kyso("verify", "--online", "--details", "--trust", str(root), str(pdf), home=tmp_path / "home", real=False)
    assert live_pki.url_of("crl") in result.stdout and "connection refused" in result.stdout
    result = _kyso("verify", "--online", "--json", "--trust", str(root), str(pdf), home=tmp_path / "home", real=False)
    report = json.loads(result.stdout.splitlines()[0])
    assert report["verdict"] == "INDETERMINATE"
    assert {f["kind"] for f in report["fetched"]} == {"certificate", "ocsp", "crl"}
    assert all(set(f) == {"url", "kind", "result", "layers", "time", "seconds"} for f in report["fetched"])


def test_network_settings_in_kyso_toml(live_pki, documents, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    pdf = tmp_path / "good.pdf"
    pdf.write_bytes(documents["good"])
    (home / "kyso.toml").write_text("[network]\nonline = true\ntimeout_seconds = 1\nbudget_seconds = 2\n")
    live_pki.set(crl=HANG, ocsp=HANG)
    started = time.monotonic()
    result = _kyso("verify", "--json", "--trust", str(live_pki.root_pem), str(pdf), home=home)
    assert result.returncode == 3, result.stderr
    assert time.monotonic() - started < 2 + 15  # the budget, plus starting Python and verifying
    assert "no answer within 1 s" in result.stdout

    (home / "kyso.toml").write_text("[network]\ntimeout_seconds = \"soon\"\n")
    result = _kyso("verify", "--trust", str(live_pki.root_pem), str(pdf), home=home)
    assert result.returncode == 2 and "[network] timeout_seconds" in result.stderr and "Traceback" not in result.stderr
    result = _kyso("verify", "--online", "--net-budget", "-1", str(pdf), home=tmp_path / "other")
    assert result.returncode == 2 and "--net-budget" in result.stderr


def test_evidence_names_the_trust_store_and_the_run(live_pki, documents):
    """Offline, with the CA and the CRLs as the trust store holds them: VALID, and the evidence
    says the CRLs came from the store and the root from the run's --trust."""
    from verifier.document import verify_pdf
    from verifier.trust.config import TrustConfig

    live_pki.stop()
    trust = TrustConfig()
    trust.add_bundle(live_pki.pem("root"))
    trust.add_intermediates(live_pki.pem("ca"), source="store")
    for issuer in ("root", "ca"):
        trust.add_crls(live_pki.crl(issuer).dump(), source="store")
    report = verify_pdf(documents["good"], trust, file="live.pdf")
    assert report.verdict == "VALID"
    sources = {(e.kind, e.der): e.source for e in report.evidence}
    assert sources[("certificate", live_pki.cert("ca").dump())] == "store"
    assert sources[("certificate", live_pki.cert("root").dump())] == "run"
    assert sources[("crl", live_pki.crl("ca").dump())] == "store"
    assert sources[("certificate", live_pki.cert("good").dump())] == "embedded"
    assert all(e.layers for e in report.evidence)
