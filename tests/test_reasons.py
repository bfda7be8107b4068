"""A layer's verdict and reasons do not depend on logging. pyHanko only logs why it did not trust
a certificate; a real document offline is INDETERMINATE / TRY_LATER because that exception says
revocation data is missing, and it must stay so in a process that silences logging, with or
without kyso's changes to pyHanko (verifier.signatures.reasons)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from tests.conftest import REAL_TRUST, REALDOCS, ROOT, SAMPLES, manifest, need_shared

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
# offline: TRY_LATER (one layer; six layers in shared contexts with a missing issuer among them;
# three in one context; a timestamp whose TSA certificate expired), then the samples' reasons
REAL = ("143-qd.signed.pdf", "385.signed.signed.pdf", "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf",
        "duthaototrinh-luat-ks.pdf")
SAMPLED = ("revoked-signer.pdf", "expired-signer.pdf", "self-signed.pdf", "later-untrusted.pdf")
LOGGING = {
    "normal": "",
    "disabled": "logging.disable(logging.CRITICAL)",
    "critical": "[logging.getLogger(n).setLevel(logging.CRITICAL) for n in ('pyhanko', 'pyhanko_certvalidator')]",
}

SCRIPT = """
import json, logging, sys
from datetime import datetime
from pathlib import Path
{install}
{logging_setup}
from verifier.document import verify_pdf
from verifier.report.render import render_json
from verifier.trust.config import TrustConfig

now, anchors, sample_anchors, real, samples = sys.argv[1:]
real_trust, sample_trust = TrustConfig(), TrustConfig()
for pem in sorted(Path(anchors).glob("*.pem")):
    real_trust.add_bundle(pem.read_bytes())
sample_trust.add_bundle(Path(sample_anchors).read_bytes())
reports = {{path: json.loads(render_json(verify_pdf(Path(path).read_bytes(), trust, file=Path(path).name,
                                                   now=datetime.fromisoformat(now))))
           for trust, paths in ((real_trust, json.loads(real)), (sample_trust, json.loads(samples))) for path in paths}}
print(json.dumps(reports))
"""


def _run(install: bool, mode: str) -> dict:
    script = SCRIPT.format(install="from verifier.patches import install; assert install()" if install else "",
                           logging_setup=LOGGING[mode])
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # pyHanko's diff messages list sets in hash order
    real = [str(REALDOCS / name) for name in REAL]
    samples = [str(SAMPLES / name) for name in SAMPLED]
    done = subprocess.run([sys.executable, "-c", script, NOW.isoformat(), str(REAL_TRUST),
                           str(SAMPLES / manifest()["trust"]), json.dumps(real), json.dumps(samples)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def runs():
    """Every report, from a fresh interpreter per (install(), logging) pair."""
    need_shared(REALDOCS)
    pairs = [(install, mode) for install in (True, False) for mode in LOGGING]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(pairs, pool.map(lambda pair: _run(*pair), pairs)))


def _layers(report: dict) -> list[tuple]:
    return [(layer["status"], layer["subindication"]) for layer in report["layers"]]


def test_a_normal_run_is_what_the_test_rests_on(runs):
    """Offline, the real documents are INDETERMINATE for want of revocation data, and the
    samples' reports name pyHanko's reasons: what a silenced process must still give."""
    normal = runs[(True, "normal")]
    assert normal.keys() == runs[(False, "disabled")].keys()
    for name in REAL:
        report = normal[str(REALDOCS / name)]
        assert report["verdict"] == "INDETERMINATE"
        assert ("INDETERMINATE", "TRY_LATER") in _layers(report)
    revoked = normal[str(SAMPLES / "revoked-signer.pdf")]["layers"][0]
    assert revoked["subindication"] == "REVOKED_NO_POE" and "revoked at" in revoked["problem_detail"]
    tsa = normal[str(REALDOCS / "duthaototrinh-luat-ks.pdf")]["layers"][0]["problem_detail"]
    assert "end-entity certificate expired" in tsa and "no revocation information" in tsa


@pytest.mark.parametrize("install", [True, False], ids=["installed", "not-installed"])
@pytest.mark.parametrize("mode", ["disabled", "critical"])
def test_silenced_logging_changes_no_report(runs, install, mode):
    assert runs[(install, mode)] == runs[(install, "normal")]


def test_kyso_s_changes_to_pyhanko_change_no_report(runs):
    assert runs[(False, "normal")] == runs[(True, "normal")]


# --- a document timestamp's reason, in this process -------------------------------------------

def _doc_timestamped_by(who: str) -> bytes:
    """samples/appendix.pdf with a document timestamp from a test key whose certificate is no
    TSA's (no timeStamping extended key usage): pyHanko refuses its usage, and says why only in
    its log."""
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    pki = SAMPLES / "pki"
    stamper = DummyTimeStamper(tsa_cert=load_cert_from_pemder(str(pki / f"{who}.pem")),
                               tsa_key=load_private_key_from_pemder(str(pki / "private" / f"{who}.TEST-ONLY.key.pem"), None),
                               certs_to_embed=[load_cert_from_pemder(str(pki / "ca-g2.pem"))],
                               fixed_dt=datetime(2026, 3, 1, tzinfo=timezone.utc))
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO((SAMPLES / "appendix.pdf").read_bytes()))
    signers.PdfTimeStamper(stamper).timestamp_pdf(writer, "sha256", output=out)
    return out.getvalue()


def test_a_document_timestamps_reason_does_not_depend_on_logging(sample_trust):
    from verifier.document import verify_pdf
    from verifier.report.render import render_json

    data = _doc_timestamped_by("director")

    def report() -> str:
        return render_json(verify_pdf(data, sample_trust, file="stamped.pdf", now=NOW))

    normal = report()
    stamp = json.loads(normal)["layers"][-1]
    assert stamp["kind"] == "document_timestamp" and stamp["status"] == "INDETERMINATE"  # a chain constraint: undetermined (EN 319 102-1)
    assert "extended key usage" in (stamp["problem_en"] or "") and "extended key usage" in stamp["problem_detail"]  # pyHanko's reason: the usage it lacks
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    logging.disable(logging.CRITICAL)
    try:
        disabled = report()
    finally:
        logging.disable(logging.NOTSET)
    try:
        for lg in loggers:
            lg.setLevel(logging.CRITICAL)
        critical = report()
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
    assert disabled == normal and critical == normal
