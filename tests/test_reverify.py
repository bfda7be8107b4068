"""Evidence kept with every verification and re-verification that reuses it (issues 15 and 18),
against real SQLite and PostgreSQL, the real `kyso` command (in this process, tests/inprocess.py;
`kyso demo` and an exit 5 as real processes) and the live test PKI on 127.0.0.1:
a re-verification judges as of the archived validation time with the stored evidence, is a new
verification beside the earlier ones, and changes a document's verdict only for a result at least
as well founded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import inprocess
from tests.conftest import SAMPLES

PKI = SAMPLES / "pki"
TRUST = PKI / "trust.pem"
CRLS = ("--crl", str(PKI / "crl" / "ca-g2.crl"), "--crl", str(PKI / "crl" / "root-g2.crl"))


def kyso(env: dict, *args: str, codes=(0,), real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py), or with `real` in a process of its own."""
    if real:
        result = subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, env=env, timeout=900)
    else:
        result = inprocess.kyso(*args, env=env)
    assert result.returncode in codes, (result.returncode, result.stdout[-3000:], result.stderr[-3000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


def _env(tmp_path: Path, database_url: str | None = None) -> dict:
    env = dict(os.environ, KYSO_HOME=str(tmp_path / "home"), KYSO_LANG="en")
    if database_url:
        env["KYSO_DATABASE_URL"] = database_url
    return env


def _show(env, ref) -> dict:
    return json.loads(kyso(env, "archive", "show", str(ref), "--json").stdout)


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> Path:
    """A document of the test PKI whose CMS holds its chain but no revocation data: without the
    CRLs given for the run it cannot be VALID."""
    from tests.attacks import kit

    path = tmp_path_factory.mktemp("signed") / "ke-hoach.pdf"
    path.write_bytes(kit.sign(kit.base_pdf(), "director", chain=("ca-g2",)))
    return path


def test_decide_ranks_proven_results_above_undetermined_ones():
    from types import SimpleNamespace

    from archive.reverify import decide

    run = SimpleNamespace(kyso_version="1", policy_sha256="p")
    assert decide("VALID", "INDETERMINATE", run, "p", "1") == "less_founded"
    assert decide("INVALID", "INDETERMINATE", run, "p", "1") == "less_founded"
    assert decide("INVALID", "ERROR", run, "p", "1") == "less_founded"
    assert decide("INDETERMINATE", "VALID", run, "p", "1") == "changed"
    assert decide("INDETERMINATE", "INVALID", run, "p", "1") == "changed"
    assert decide("VALID", "INVALID", run, "p", "1") == "changed"  # a proven problem is what the clerk acts on
    assert decide("VALID", "VALID", run, "p", "1") == "same"
    # INVALID -> VALID under the same kyso and policy contradicts a proof: a person looks
    assert decide("INVALID", "VALID", run, "p", "1") == "conflict"
    assert decide("INVALID", "VALID", run, "other-policy", "1") == "changed"
    assert decide("INVALID", "VALID", run, "p", "2") == "changed"


def test_evidence_given_for_a_run_is_kept_listed_exported_and_reused(tmp_path, database_url, signed):
    env = _env(tmp_path, database_url)
    # offline without the CRLs the document cannot be VALID: they make the difference
    kyso(env, "verify", str(signed), "--trust", str(TRUST), "--no-trust-store", codes=(3,))
    out = kyso(env, "ingest", "--json", str(signed), "--trust", str(TRUST), "--no-trust-store", *CRLS)
    doc = json.loads(out.stdout.splitlines()[0])  # the file's event; a summary follows
    assert doc["verdict"] == "VALID"

    detail = _show(env, doc["document_id"])
    [ingest] = detail["verifications"]
    assert (ingest["as_of"], ingest["decision"]) == ("now", "first")
    crls = [e for e in ingest["evidence"] if e["kind"] == "crl"]
    assert len(crls) == 2 and {e["source"] for e in crls} == {"run"}
    assert [1] in [e["layers"] for e in crls] and all(e["obtained_at"] for e in crls)
    signer_cert = [e for e in ingest["evidence"] if e["kind"] == "certificate" and e["source"] == "embedded"]
    assert signer_cert and all(1 in e["layers"] for e in signer_cert)
    shown = kyso(env, "archive", "show", str(doc["document_id"])).stdout
    assert "Evidence of the verdict" in shown and "given for the run" in shown

    # without the CRLs now: judged as of the archived time with the stored ones, VALID again
    out = kyso(env, "archive", "reverify", "--all", "--trust", str(TRUST), "--no-trust-store")
    assert "as of the archived time" in out.stdout and "with the stored evidence: Valid" in out.stdout
    detail = _show(env, doc["document_id"])
    again = detail["verifications"][-1]
    assert (again["verdict"], again["as_of"], again["decision"]) == ("VALID", "archived", "same")
    assert again["validation_time"] == ingest["validation_time"]  # the archived moment, not now
    assert {e["sha256"] for e in again["evidence"] if e["kind"] == "crl"} == {e["sha256"] for e in crls}
    assert {e["source"] for e in again["evidence"] if e["kind"] == "crl"} == {"run"}  # as first recorded

    # without any trust: the run is less founded, recorded beside the others, the verdict stays
    out = kyso(env, "verify", "--archived", str(doc["document_id"]), "--json", "--no-trust-store")
    line = json.loads(out.stdout)
    assert line["verdict"] == "INDETERMINATE"
    assert (line["archived"]["verdict"], line["archived"]["decision"]) == ("VALID", "less_founded")
    assert "trust configuration of this run differs" in out.stderr
    detail = _show(env, doc["document_id"])
    assert detail["verdict"] == "VALID" and len(detail["verifications"]) == 3
    assert detail["verdict_verification_id"] != detail["verifications"][-1]["id"]

    # the export carries every piece of evidence, listed with its provenance and in the manifest
    target = Path(kyso(env, "archive", "export", str(doc["document_id"]), "--to", str(tmp_path / "out")).stdout.strip())
    listed = json.loads((target / "data" / "evidence.json").read_text(encoding="utf-8"))
    manifest = (target / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert {e["sha256"] for e in listed} >= {e["sha256"] for e in crls}
    for e in listed:
        assert e["file"] in manifest and (target / e["file"]).is_file()
        assert e["source"] in ("embedded", "run") and e["verifications"]
    assert "data/evidence.json" in manifest


def test_a_proven_result_replaces_an_undetermined_one(tmp_path, signed):
    env = _env(tmp_path)
    out = kyso(env, "ingest", "--json", str(signed), "--no-trust-store")
    doc = json.loads(out.stdout.splitlines()[0])  # the file's event; a summary follows
    assert doc["verdict"] == "INDETERMINATE"
    out = kyso(env, "archive", "reverify", "--all", "--trust", str(TRUST), "--no-trust-store", *CRLS)
    assert "1 changed verdict" in out.stdout
    detail = _show(env, doc["document_id"])
    assert detail["verdict"] == "VALID"
    assert detail["verdict_verification_id"] == detail["verifications"][-1]["id"]
    assert detail["verifications"][-1]["decision"] == "changed"

    # a stored original gone: said for that document, the run goes on, exit 5 (an archive problem)
    (tmp_path / "home" / "objects" / detail["storage_key"]).rename(tmp_path / "away")
    out = kyso(env, "archive", "reverify", "--all", "--trust", str(TRUST), "--no-trust-store", codes=(5,), real=True)
    gone = f"the stored original of document {doc['document_id']} is missing from the archive"
    assert gone in out.stdout and "0 re-verified" in out.stdout  # said in its place among the results
    out = kyso(env, "verify", "--archived", str(doc["document_id"]), "--trust", str(TRUST), codes=(5,))
    assert gone in out.stderr
    shown = kyso(env, "archive", "show", str(doc["document_id"]), "--json", codes=(5,))  # what it knows, then exit 5
    assert json.loads(shown.stdout)["verdict"] == "VALID" and gone in shown.stderr


def test_reverify_after_the_demo_without_its_trust_keeps_every_verdict(tmp_path):
    """Issue 18: after `kyso demo`, `archive reverify --all` without the demo's trust turned every
    VALID into INDETERMINATE and rewrote the archive; now it says the trust differs and keeps them."""
    env = _env(tmp_path)
    kyso(env, "demo", real=True)
    before = {d["id"]: d["verdict"] for d in map(json.loads, kyso(env, "archive", "list", "--json", "--limit", "100").stdout.splitlines())}
    assert "VALID" in before.values() and "INVALID" in before.values()
    out = kyso(env, "archive", "reverify", "--all")  # exit 0: nothing changed, nothing contradicts
    assert out.stderr.count("trust configuration of this run differs") == 1  # before it starts
    assert "trust configuration of this run differs" in out.stdout  # and in the summary
    assert "0 changed verdict" in out.stdout
    after = {d["id"]: d["verdict"] for d in map(json.loads, kyso(env, "archive", "list", "--json", "--limit", "100").stdout.splitlines())}
    assert after == before
    plan = next(i for i, v in before.items() if v == "VALID")
    runs = _show(env, plan)["verifications"]
    assert [(r["trigger"], r["verdict"], r["decision"]) for r in runs] == [
        ("ingest", "VALID", "first"), ("reverify", "INDETERMINATE", "less_founded")]


def test_the_migration_keeps_an_archive_made_before_it(tmp_path, database_url, signed):
    """An archive at schema 0003 with data in it: upgraded, its evidence is listed (source
    unknown) and reused."""
    from alembic import command
    from sqlalchemy import create_engine

    from archive.db.session import alembic_config, current_revision

    env = _env(tmp_path, database_url)
    doc = json.loads(kyso(env, "ingest", "--json", str(signed), "--trust", str(TRUST), "--no-trust-store", *CRLS).stdout.splitlines()[0])
    engine = create_engine(database_url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    assert current_revision(engine) == "0003"
    kyso(env, "db", "upgrade")
    assert current_revision(engine) not in (None, "0003")
    engine.dispose()
    [ingest] = _show(env, doc["document_id"])["verifications"]
    assert ingest["evidence"] and {e["source"] for e in ingest["evidence"]} == {None}
    kyso(env, "archive", "reverify", "--all", "--trust", str(TRUST), "--no-trust-store")
    detail = _show(env, doc["document_id"])
    assert detail["verdict"] == "VALID" and detail["verifications"][-1]["verdict"] == "VALID"


# --- the live test PKI: an archive filled online keeps every verdict once the services stop ---

def test_an_archive_filled_online_keeps_its_verdicts_when_the_services_stop(tmp_path, live_pki):
    from tests.livepki.pki import BEFORE_REVOCATION, DOWN

    docs = {"good.pdf": live_pki.sign("good", "seal"), "revoked.pdf": live_pki.sign("revoked", timestamp=True),
            "revoked-later.pdf": live_pki.sign("revoked-later", timestamp=True, at=live_pki.start - BEFORE_REVOCATION)}
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in docs.items():
        (folder / name).write_bytes(data)
    env = _env(tmp_path)
    root = str(live_pki.root_pem)
    out = kyso(env, "ingest", "--json", *(str(folder / n) for n in docs), "--trust", root, "--no-trust-store", "--online")
    ingested = {e["file"]: e for e in map(json.loads, out.stdout.splitlines()) if e["event"] != "summary"}
    expected = {"good.pdf": "VALID", "revoked.pdf": "INDETERMINATE", "revoked-later.pdf": "VALID"}
    assert {n: o["verdict"] for n, o in ingested.items()} == expected

    with live_pki.states(crl=DOWN, ocsp=DOWN, certs=DOWN, tsa=DOWN):
        kyso(env, "verify", str(folder / "good.pdf"), "--trust", root, "--no-trust-store", codes=(3,))  # nothing to fetch
        kyso(env, "archive", "reverify", "--all", "--trust", root, "--no-trust-store")
    for name, verdict in expected.items():
        detail = _show(env, ingested[name]["document_id"])
        assert detail["verdict"] == verdict
        # not merely kept: the run as of the archived time proves it again with the stored evidence
        run = detail["verifications"][-1]
        assert (run["as_of"], run["verdict"]) == ("archived", verdict), name
    good = _show(env, ingested["good.pdf"]["document_id"])["verifications"][0]["evidence"]
    fetched = [e for e in good if e["source"] == "fetched"]
    assert {e["kind"] for e in fetched} >= {"certificate", "ocsp"}
    assert all(e["url"].startswith("http://127.0.0.1:") and e["layers"] for e in fetched)

    target = Path(kyso(env, "archive", "export", str(ingested["good.pdf"]["document_id"]), "--to", str(tmp_path / "x")).stdout.strip())
    listed = json.loads((target / "data" / "evidence.json").read_text(encoding="utf-8"))
    assert {(e["kind"], e["url"]) for e in listed if e["source"] == "fetched"} == {(e["kind"], e["url"]) for e in fetched}
    assert all((target / e["file"]).read_bytes() for e in listed)


def test_an_archive_filled_offline_is_settled_by_a_run_as_of_now_online(tmp_path, live_pki):
    """Offline, revocation is unknown: INDETERMINATE. `archive reverify --online` cannot fetch for
    the archived time, so its run as of now with fresh evidence decides, and says which is which."""
    path = tmp_path / "good.pdf"
    path.write_bytes(live_pki.sign("good", "seal"))
    env = _env(tmp_path)
    root = str(live_pki.root_pem)
    doc = json.loads(kyso(env, "ingest", "--json", str(path), "--trust", root, "--no-trust-store").stdout.splitlines()[0])
    assert doc["verdict"] == "INDETERMINATE"
    out = kyso(env, "archive", "reverify", "--all", "--trust", root, "--no-trust-store", "--online")
    assert "with the stored evidence: Indeterminate; as of now" in out.stdout and "1 changed verdict" in out.stdout
    detail = _show(env, doc["document_id"])
    runs = [(v["as_of"], v["verdict"], v["decision"]) for v in detail["verifications"][1:]]
    assert runs == [("archived", "INDETERMINATE", "same"), ("now", "VALID", "changed")]
    assert detail["verdict"] == "VALID" and detail["verdict_verification_id"] == detail["verifications"][-1]["id"]
    assert any(e["source"] == "fetched" for e in detail["verifications"][-1]["evidence"])
