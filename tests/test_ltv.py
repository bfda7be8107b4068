"""Long-term validation against the live test PKI on 127.0.0.1 (tests/livepki), with real `kyso`
processes and a real SQLite archive: the trust store's CRLs refreshed from the network, RFC 3161
timestamps over the audit chain head (taken, kept, checked, tampering found, taken by the
watcher on its own), PAdES-LTV copies that verify offline with only the root, the VGCA list."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REAL_TRUST, SAMPLES, need_shared

pytest.importorskip("certomancer", reason="certomancer (test extra) runs the live test PKI")


@pytest.fixture
def env(tmp_path):
    e = dict(os.environ)
    e["KYSO_HOME"] = str(tmp_path / "home")
    e["KYSO_LANG"] = "en"  # these tests read the English wording
    e.pop("KYSO_DATABASE_URL", None)
    e.pop("KYSO_CONFIG", None)
    return e


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def kyso(env, *args) -> Ran:
    """`kyso ARGS` in this process (click's runner: each command is a second or more cheaper than
    a fresh interpreter); the watcher runs as a real subprocess below."""
    from click.testing import CliRunner

    from archive.cli import main

    changed = {k: env.get(k) for k in ("KYSO_HOME", "KYSO_LANG", "KYSO_DATABASE_URL", "KYSO_CONFIG")}
    result = CliRunner().invoke(main, list(args), env=changed)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a bug, whatever the exit code
    assert "Traceback" not in result.stderr, result.stderr
    return Ran(result.exit_code, result.stdout, result.stderr)


def db(env) -> sqlite3.Connection:
    return sqlite3.connect(Path(env["KYSO_HOME"]) / "kyso.sqlite")


def store_root(env, pki, *labels) -> None:
    """The live PKI's certificates in the trust store (the test root is not pinned)."""
    paths = [str(pki.write_pem(f"{label}.pem", label)) for label in labels]
    assert kyso(env, "certs", "import", "--unpinned", *paths).returncode == 0


def settings_file(env, text: str) -> None:
    home = Path(env["KYSO_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "kyso.toml").write_text(text, encoding="utf-8")


# --- kyso certs refresh ---------------------------------------------------------------------------

def test_certs_refresh_fetches_the_crls_so_revocation_is_known_offline(live_pki, tmp_path, env):
    good, revoked = tmp_path / "good.pdf", tmp_path / "revoked.pdf"
    good.write_bytes(live_pki.sign("good", "seal"))
    revoked.write_bytes(live_pki.sign("revoked"))
    store_root(env, live_pki, "root", "ca")
    # offline, nothing known of revocation: undetermined
    assert kyso(env, "verify", str(good)).returncode == 3

    first = kyso(env, "certs", "refresh")
    # the intermediate names its root's CRL; the issuing CA's address is only in the signers' certificates
    assert first.returncode == 0, first.stdout + first.stderr
    root_crl = live_pki.cert("ca").crl_distribution_points[0]["distribution_point"].native[0]  # where the CA says its root's CRL is
    assert "refreshed" in first.stdout and root_crl in first.stdout

    assert kyso(env, "ingest", str(good), "--online").returncode == 0  # the archive keeps the signers' certificates
    second = kyso(env, "certs", "refresh", "--json")
    assert second.returncode == 0, second.stdout + second.stderr
    crls = {c["url"].rsplit("/", 2)[-2]: c for c in json.loads(second.stdout)["crls"]}
    assert crls["ca"]["status"] == "refreshed" and crls["ca"]["next_update"]
    assert crls["root"]["status"] == "unchanged"
    # issue 19 (serve-admin): with an archive, the refresh is an event of its chain, by "cli"
    with db(env) as conn:
        [(detail,)] = conn.execute("SELECT detail FROM events WHERE kind = 'trust-changed'").fetchall()
    changed = json.loads(detail)
    assert changed["by"] == "cli" and changed["action"] == "refreshed"
    assert {c["url"]: c["status"] for c in changed["crls"]} == {c["url"]: c["status"] for c in crls.values()}

    # every service gone: the refreshed store alone settles both documents
    live_pki.set(crl="down", ocsp="down", certs="down", tsa="down")
    assert kyso(env, "verify", str(good)).returncode == 0
    # the revocation is known now (how a revocation without proof of the signing time is judged is
    # the verifier's business: INVALID or INDETERMINATE, never VALID, never "unknown")
    known = kyso(env, "verify", str(revoked))
    assert known.returncode in (1, 3) and "certificate revoked" in known.stdout


def test_certs_refresh_says_what_failed_and_never_hangs(live_pki, env):
    store_root(env, live_pki, "root", "ca")
    with live_pki.states(crl="down"):
        down = kyso(env, "certs", "refresh")
    assert down.returncode == 3
    assert "FAILED" in down.stdout and live_pki.url_of("crl") in down.stdout and "cannot connect" in down.stdout
    assert "1 failed" in down.stdout

    with live_pki.states(crl="hang"):
        started = time.monotonic()
        hung = kyso(env, "certs", "refresh", "--net-timeout", "1")
        elapsed = time.monotonic() - started
    assert hung.returncode == 3 and "no answer within 1 s" in hung.stdout
    assert elapsed < 15, elapsed

    vi = kyso({**env, "KYSO_LANG": "vi"}, "certs", "refresh")  # the services are back
    assert vi.returncode == 0 and "đã cập nhật" in vi.stdout


# --- timestamps over the audit chain head -----------------------------------------------------------

def _archive_one(env, live_pki, tmp_path) -> None:
    doc = tmp_path / "doc.pdf"
    doc.write_bytes(live_pki.sign("good"))
    store_root(env, live_pki, "root", "ca")  # the TSA's chain: its tokens carry only its own certificate
    assert kyso(env, "ingest", str(doc)).returncode == 0


def test_audit_timestamp_is_kept_and_checked_by_audit_verify(live_pki, tmp_path, env):
    _archive_one(env, live_pki, tmp_path)
    unset = kyso(env, "audit", "timestamp")
    assert unset.returncode == 2 and "[ltv] tsa_url" in unset.stderr

    settings_file(env, f'[ltv]\ntsa_url = "{live_pki.tsa_url}"\n')
    taken = kyso(env, "audit", "timestamp")
    assert taken.returncode == 0, taken.stderr
    assert "timestamped by" in taken.stdout
    with db(env) as conn:
        seq, chain_hash, token = conn.execute("select seq, chain_hash, token from chain_timestamps").fetchone()
        assert conn.execute("select hash from events where seq = ?", (seq,)).fetchone()[0] == chain_hash
        assert conn.execute("select kind from events order by seq desc limit 1").fetchone()[0] == "timestamped"
    from asn1crypto import cms

    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == bytes.fromhex(chain_hash)

    ok = kyso(env, "audit", "verify")
    assert ok.returncode == 0, ok.stdout
    assert f"timestamp of event {seq}" in ok.stdout and "intact, from a trusted TSA" in ok.stdout

    with live_pki.states(tsa="down"):
        failed = kyso(env, "audit", "timestamp")
    assert failed.returncode == 3 and "try again later" in failed.stderr and live_pki.tsa_url in failed.stderr
    with db(env) as conn:
        assert conn.execute("select count(*) from chain_timestamps").fetchone()[0] == 1

    # the TSA's root no longer trusted: intact, but no proof of time (said, not a tampering)
    trust = Path(env["KYSO_HOME"]) / "trust"
    trust.rename(trust.with_name("trust-away"))
    untrusted = kyso(env, "audit", "verify")
    trust.with_name("trust-away").rename(trust)
    assert untrusted.returncode == 0 and "proves no time yet" in untrusted.stdout


def test_audit_verify_finds_a_token_moved_altered_or_forged(live_pki, tmp_path, env):
    _archive_one(env, live_pki, tmp_path)
    settings_file(env, f'[ltv]\ntsa_url = "{live_pki.tsa_url}"\n')
    assert kyso(env, "audit", "timestamp").returncode == 0
    with db(env) as conn:
        seq, chain_hash, token = conn.execute("select seq, chain_hash, token from chain_timestamps").fetchone()
        first = conn.execute("select hash from events where seq = 1").fetchone()[0]

    def tampered(sql, *params) -> Ran:
        with db(env) as conn:
            conn.execute(sql, params)
        result = kyso(env, "audit", "verify")
        with db(env) as conn:  # put it back for the next case
            conn.execute("update chain_timestamps set seq = ?, chain_hash = ?, token = ?, token_sha256 = ?",
                         (seq, chain_hash, token, hashlib.sha256(token).hexdigest()))
        return result

    # the token claimed for another event (consistent with the chain): its imprint says otherwise
    moved = tampered("update chain_timestamps set seq = 1, chain_hash = ?", first)
    assert moved.returncode == 1 and "imprint" in moved.stdout
    # the token's bytes changed, its recorded hash with them: the TSA's signature no longer holds
    forged = bytearray(token)
    forged[-5] ^= 0xFF
    bad = tampered("update chain_timestamps set token = ?, token_sha256 = ?", bytes(forged),
                   hashlib.sha256(bytes(forged)).hexdigest())
    assert bad.returncode == 1 and "does not hold" in bad.stdout
    altered = tampered("update chain_timestamps set token = ?", bytes(forged))
    assert altered.returncode == 1 and "was altered" in altered.stdout
    assert kyso(env, "audit", "verify").returncode == 0


def test_the_watcher_takes_a_chain_timestamp_on_its_own(live_pki, tmp_path, env):
    _archive_one(env, live_pki, tmp_path)
    settings_file(env, f'[ltv]\ntsa_url = "{live_pki.tsa_url}"\ntimestamp_every_hours = 24\n')
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "archive", "watch", str(inbox), "--poll", "0.2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        count = 0
        while time.monotonic() < deadline and not count:
            time.sleep(0.5)
            with db(env) as conn:
                count = conn.execute("select count(*) from chain_timestamps").fetchone()[0]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=60)
    assert count == 1
    assert kyso(env, "audit", "verify").returncode == 0


# --- kyso archive ltv ---------------------------------------------------------------------------------

def test_archive_ltv_writes_a_copy_that_verifies_offline_with_only_the_root(live_pki, tmp_path, env):
    doc = tmp_path / "plan.pdf"
    doc.write_bytes(live_pki.sign("good", "seal"))
    root = live_pki.root_pem
    store_root(env, live_pki, "root", "ca")  # the archive's trust; the receiver below has only the root
    assert kyso(env, "ingest", str(doc)).returncode == 0  # offline: no revocation data kept
    with db(env) as conn:
        sha = conn.execute("select sha256 from documents").fetchone()[0]
    blob = Path(env["KYSO_HOME"]) / "objects" / sha[:2] / sha[2:]
    settings_file(env, f'[ltv]\ntsa_url = "{live_pki.tsa_url}"\n')

    out = tmp_path / "out" / "plan-ltv.pdf"
    # nothing kept, nothing fetched: said which certificate lacks what, and how to get it
    with live_pki.states(crl="down", ocsp="down"):
        missing = kyso(env, "archive", "ltv", "1", "-o", str(out))
    assert missing.returncode == 3 and "no revocation information" in missing.stderr and "--online" in missing.stderr
    assert not out.exists()

    made = kyso(env, "archive", "ltv", "1", "-o", str(out), "--online")
    assert made.returncode == 0, made.stdout + made.stderr
    assert "the copy verified again offline: Valid" in made.stdout
    copy = out.read_bytes()
    assert copy.startswith(doc.read_bytes())  # incremental: the signed bytes are untouched
    assert hashlib.sha256(blob.read_bytes()).hexdigest() == sha  # the stored original is only read
    with db(env) as conn:
        detail = conn.execute("select detail from events where kind = 'exported'").fetchone()[0]
    assert json.loads(detail)["sha256"] == hashlib.sha256(copy).hexdigest()

    live_pki.stop()  # every service gone, as years later
    alone = ["--no-trust-store", "--trust", str(root), "--lang", "en"]
    checked = kyso(env, "verify", str(out), *alone)
    assert checked.returncode == 0, checked.stdout
    assert "document timestamp" in checked.stdout
    assert kyso(env, "verify", str(doc), *alone).returncode == 3  # the original alone cannot say so offline

    again = kyso(env, "archive", "ltv", "1", "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    nowhere = tmp_path / "out" / "second.pdf"
    later = kyso(env, "archive", "ltv", "1", "-o", str(nowhere))
    assert later.returncode == 3 and "no LTV copy made" in later.stderr and not nowhere.exists()


# --- the VGCA trust list ------------------------------------------------------------------------------

def test_import_vgca_takes_only_cas_that_chain_to_a_pinned_root(tmp_path, env):
    need_shared(REAL_TRUST)
    from asn1crypto import pem

    def der(path: Path) -> bytes:
        data = path.read_bytes()
        return pem.unarmor(data)[2] if pem.detect(data) else data

    assert kyso(env, "certs", "import", str(REAL_TRUST / "vgca_rootcag2.pem")).returncode == 0
    items = [der(REAL_TRUST / "vgca_cpcag2.pem"),  # the G2 issuing CA: chains to the pinned G2 root
             der(SAMPLES / "pki" / "ca-g2.pem"),  # a CA of another tree with the same kind of name
             der(SAMPLES / "pki" / "director.pem")]  # an end-entity certificate
    listing = tmp_path / "gca.ctl"
    listing.write_text(json.dumps({"Version": 1, "ListIdentifier": "x", "SequenceNumber": 7, "ThisUpdate": "",
                                   "NextUpdate": "", "Cerificates": [base64.b64encode(d).decode() for d in items]}))
    result = kyso(env, "certs", "import-vgca", str(listing))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 imported, 1 skipped (end-entity or already present), 1 refused" in result.stdout
    assert "chains to vgca-g2-root" in result.stdout and "REFUSED" in result.stdout and "TEST CA" in result.stdout
    rows = {r["name"]: r for r in json.loads(kyso(env, "certs", "list", "--json").stdout)}
    assert rows["vgca-g2-cp"]["imported"] and rows["vgca-g2-cp"]["pinned"]

    broken = tmp_path / "broken.ctl"
    broken.write_text("<html>not found</html>")
    refused = kyso(env, "certs", "import-vgca", str(broken))
    assert refused.returncode == 1 and "is not a VGCA trust list" in refused.stderr


# --- the same on both databases, stale CRLs, the watcher's refresh ------------------------------------

def test_chain_timestamps_on_sqlite_and_postgresql(live_pki, tmp_path, database_url):
    """Migration 0006 and the token kept as bytes on both databases: taken, checked, a rewritten
    chain found."""
    from archive.config import Settings
    from archive.db import events
    from archive.db.session import transaction
    from archive.ingest import Archive
    from archive.ltv import chainstamp
    from verifier.trust.config import TrustConfig

    archive = Archive(Settings(home=tmp_path / "home", database_url=database_url))
    with transaction(archive.sessions) as s:
        events.append(s, "fixity-checked", checked=0, problems=0)
    stamp = chainstamp.take(archive, live_pki.tsa_url, 10)
    trust = TrustConfig()
    trust.add_bundle(live_pki.pem("root", "ca"))
    with archive.sessions() as s:
        [checked] = chainstamp.check(s, trust)
    assert (checked.seq, checked.proven, checked.problem) == (stamp.seq, True, None)
    assert not chainstamp.due(archive, 24)  # just taken, and nothing new since but its own event
    with transaction(archive.sessions) as s:
        s.get(events.Event, stamp.seq).detail = '{"checked":99}'  # rewritten and re-hashed, as a forger would
        s.get(events.Event, stamp.seq).hash = "f" * 64
    with archive.sessions() as s:
        [checked] = chainstamp.check(s, trust)
    assert not checked.proven and "rewritten" in checked.problem
    archive.engine.dispose()


def test_certs_refresh_replaces_a_stale_crl_and_says_it_while_it_cannot(live_pki, tmp_path, env):
    from datetime import timedelta

    store_root(env, live_pki, "root", "ca")
    old = tmp_path / "root-old.crl"
    old.write_bytes(live_pki.arch.service_registry.get_crl("root", live_pki.start - timedelta(days=10)).dump())
    assert kyso(env, "certs", "import-crl", str(old)).returncode == 0

    with live_pki.states(crl="down"):
        stuck = kyso(env, "certs", "refresh")
    assert stuck.returncode == 3 and "STALE: the CRL of" in stuck.stdout and "1 stale" in stuck.stdout

    fresh = kyso(env, "certs", "refresh", "--json")
    assert fresh.returncode == 0, fresh.stdout
    assert json.loads(fresh.stdout)["stale"] == []
    index = json.loads((Path(env["KYSO_HOME"]) / "trust" / "index.json").read_text())
    crls = [e for e in index["entries"] if e["kind"] == "crl"]
    assert len(crls) == 1 and crls[0]["source"].startswith(live_pki.url_of("crl"))  # the stale one is gone


def test_the_watcher_refreshes_the_crls_when_online(live_pki, tmp_path, env):
    store_root(env, live_pki, "root", "ca")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    index = Path(env["KYSO_HOME"]) / "trust" / "index.json"
    proc = subprocess.Popen([sys.executable, "-m", "archive", "watch", str(inbox), "--poll", "0.2", "--online"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        crls, recorded = [], []
        while time.monotonic() < deadline and not (crls and recorded):
            time.sleep(0.5)
            crls = [e for e in json.loads(index.read_text())["entries"] if e["kind"] == "crl"]
            recorded = _trust_events(env)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=60)
    assert [e["source"].rsplit("/", 2)[-2] for e in crls] == ["root"]
    # what the store gained is an event of the archive's audit chain, as `kyso certs refresh`'s is
    [changed] = recorded
    assert changed["by"] == "watcher" and changed["action"] == "refreshed"
    assert {c["url"].rsplit("/", 2)[-2]: c["status"] for c in changed["crls"]} == {"root": "refreshed"}
    assert kyso(env, "audit", "verify").returncode == 0



def test_a_refresh_the_database_cannot_record_yet_is_recorded_a_minute_later(live_pki, env, monkeypatch):
    """A CRL stored is fresh: the next refresh would neither fetch nor record it. So while the
    archive's database cannot take the event (another process holds its write lock), the
    watcher's upkeep keeps the outcomes and records them at its next round."""
    from archive.config import load_settings
    from archive.ltv.settings import ltv_settings
    from archive.ltv.upkeep import Upkeep

    store_root(env, live_pki, "root", "ca")
    sample = SAMPLES / "plan.pdf"
    assert kyso(env, "ingest", str(sample), "--trust", str(SAMPLES / "pki" / "trust.pem")).returncode == 0
    monkeypatch.setenv("KYSO_HOME", env["KYSO_HOME"])
    monkeypatch.setenv("KYSO_LOCK_WAIT", "0")  # give up at the first wait
    settings = load_settings()
    upkeep = Upkeep(settings, online=True)
    holder = db(env)
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")  # a writer in another process's place
    try:
        upkeep._refresh(ltv_settings(settings))
        assert _trust_events(env) == []
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [o.status for o in upkeep._unrecorded] == ["refreshed"]
    upkeep._run()  # its next round: no refresh due, the event written
    [changed] = _trust_events(env)
    assert changed["by"] == "watcher" and [c["status"] for c in changed["crls"]] == ["refreshed"]
    assert upkeep._unrecorded == []
    assert kyso(env, "audit", "verify").returncode == 0

def _trust_events(env) -> list[dict]:
    """The details of the archive's trust-changed events (none while it has no database)."""
    if not (Path(env["KYSO_HOME"]) / "kyso.sqlite").exists():
        return []
    with db(env) as conn:
        try:
            rows = conn.execute("SELECT detail FROM events WHERE kind = 'trust-changed' ORDER BY seq").fetchall()
        except sqlite3.OperationalError:  # the schema not made yet
            return []
    return [json.loads(detail) for (detail,) in rows]


def test_a_running_watcher_judges_with_the_crls_imported_while_it_runs(live_pki, tmp_path, env):
    """Its workers assembled their trust at start; CRLs refreshed or imported later (the upkeep,
    `kyso certs refresh`, `certs import-crl`) serve the next file without a restart."""
    store_root(env, live_pki, "root", "ca")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "archive", "watch", str(inbox), "--poll", "0.2",
                             "--stable-seconds", "0.3"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    archived = Path(env["KYSO_HOME"]) / "kyso.sqlite"

    def verdict_of(name: str) -> str:
        import sqlite3

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if archived.exists():
                try:
                    with sqlite3.connect(archived) as db:
                        row = db.execute("SELECT d.verdict FROM documents d JOIN receipts r ON r.document_id = d.id "
                                         "WHERE r.name_nfc = ?", (name,)).fetchone()
                except sqlite3.OperationalError:  # the watcher made the file and has not made its tables yet
                    row = None
                if row:
                    return row[0]
            time.sleep(0.3)
        raise AssertionError(f"{name} was not archived")

    try:
        (inbox / "before.pdf").write_bytes(live_pki.sign("good"))
        assert verdict_of("before.pdf") == "INDETERMINATE"  # offline, no CRL: revocation unknown
        for label in ("root", "ca"):
            crl = tmp_path / f"{label}.crl"
            crl.write_bytes(live_pki.arch.service_registry.get_crl(label, live_pki.start).dump())
            assert kyso(env, "certs", "import-crl", str(crl)).returncode == 0
        (inbox / "after.pdf").write_bytes(live_pki.sign("good"))
        assert verdict_of("after.pdf") == "VALID"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=60)
