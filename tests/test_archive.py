"""The archive against real SQLite and real PostgreSQL, real files, and the real `kyso` command:
every sample ends archived with its verdict or quarantined with a reason, duplicates are
receipts, history is kept, tampering shows.

The commands run in this process (tests/inprocess.py); tampering is found by real `kyso`
processes, whose exit status is what a shell or a cron job sees."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests import inprocess
from tests.conftest import SAMPLES, manifest

TRUST = SAMPLES / manifest()["trust"]


def kyso(env: dict, *args: str, check_codes=(0,), real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process, or with `real` in a process of its own."""
    if real:
        result = subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, env=env, timeout=600)
    else:
        result = inprocess.kyso(*args, env=env)
    assert result.returncode in check_codes, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    return result


@pytest.fixture
def env(tmp_path, database_url):
    e = dict(os.environ)
    e["KYSO_HOME"] = str(tmp_path / "home")
    e["KYSO_LANG"] = "en"  # these tests read the English wording
    e["KYSO_DATABASE_URL"] = database_url
    return e


@pytest.fixture
def archive(env):
    from archive.config import load_settings
    from archive.ingest import Archive
    from archive.trust.assembly import TrustOptions, assemble_trust

    old = {k: os.environ.get(k) for k in ("KYSO_HOME", "KYSO_DATABASE_URL")}
    os.environ.update({k: env[k] for k in old})
    try:
        settings = load_settings()
        yield Archive(settings, trust=assemble_trust(TrustOptions(trust=(TRUST,), use_store=False), settings))
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_ingest_every_sample(env, archive, tmp_path):
    from archive.db.models import Document, Event, Receipt

    result = kyso(env, "ingest", "--json", *[str(SAMPLES / s["file"]) for s in manifest()["samples"]], "--trust", str(TRUST),
                  check_codes=(4,))  # some samples cannot be archived: exit 4
    outcomes = {json.loads(line)["file"]: json.loads(line) for line in result.stdout.splitlines()[:-1]}  # then the summary
    quarantine = Path(env["KYSO_HOME"]) / "quarantine"
    for sample in manifest()["samples"]:
        o = outcomes[sample["file"]]
        if sample["verdict"] == "ERROR":
            assert o["event"] == "quarantined", o
            reasons = list(quarantine.glob(f"*__{sample['file']}.reason.txt"))
            assert len(reasons) == 1 and "reason: not archivable" in reasons[0].read_text(encoding="utf-8")
            kept = reasons[0].with_name(reasons[0].name.removesuffix(".reason.txt"))
            assert kept.read_bytes() == (SAMPLES / sample["file"]).read_bytes()  # nothing lost
        else:
            assert o["event"] == "archived" and o["verdict"] == sample["verdict"], o
    with archive.sessions() as s:
        archived = [x for x in manifest()["samples"] if x["verdict"] != "ERROR"]
        assert s.scalar(select(func.count(Document.id))) == len(archived)
        assert s.scalar(select(func.count(Receipt.id))) == len(archived)
        kinds = [e.kind for e in s.execute(select(Event).order_by(Event.seq)).scalars()]
        assert kinds.count("quarantined") == 3 and kinds.count("verified") == len(archived)
    # the originals stay where they were (ingest copies)
    assert (SAMPLES / "plan.pdf").exists()


def test_duplicate_is_a_new_receipt_of_the_same_document(env, archive, tmp_path):
    from archive.db.models import Document, Receipt

    a = tmp_path / "a" / "Kế hoạch 45.pdf"
    b = tmp_path / "b" / "ke-hoach-45-ban-sao.pdf"
    for p in (a, b):
        p.parent.mkdir()
        p.write_bytes((SAMPLES / "plan.pdf").read_bytes())
    first = kyso(env, "ingest", "--json", str(a), "--trust", str(TRUST))
    second = kyso(env, "ingest", "--json", str(b), "--trust", str(TRUST))
    assert json.loads(first.stdout.splitlines()[0])["event"] == "archived"
    assert json.loads(second.stdout.splitlines()[0])["event"] == "duplicate"
    with archive.sessions() as s:
        assert s.scalar(select(func.count(Document.id))) == 1
        receipts = list(s.execute(select(Receipt).order_by(Receipt.id)).scalars())
    assert [r.duplicate for r in receipts] == [False, True]
    assert receipts[0].name_nfc == "Kế hoạch 45.pdf"  # NFC, Unicode kept


def test_list_show_reverify_export(env, archive, tmp_path):
    kyso(env, "ingest", str(SAMPLES / "plan.pdf"), str(SAMPLES / "content-changed.pdf"), "--trust", str(TRUST))
    listed = [json.loads(l) for l in kyso(env, "archive", "list", "--json").stdout.splitlines()]
    assert {d["name"]: d["verdict"] for d in listed} == {"plan.pdf": "VALID", "content-changed.pdf": "INVALID"}
    only_invalid = kyso(env, "archive", "list", "--json", "--verdict", "INVALID").stdout.splitlines()
    assert [json.loads(l)["name"] for l in only_invalid] == ["content-changed.pdf"]
    by_signer = kyso(env, "archive", "list", "--json", "--signer", "lý thanh").stdout.splitlines()
    assert [json.loads(l)["name"] for l in by_signer] == ["plan.pdf"]
    by_agency = kyso(env, "archive", "list", "--json", "--agency", "Sở Giáo dục").stdout.splitlines()
    # the agency's own layers sign plan.pdf; both headers print it as the issuing agency
    assert sorted(json.loads(l)["name"] for l in by_agency) == ["content-changed.pdf", "plan.pdf"]
    # the metadata the verifier reads is what the archive searches: content-changed.pdf's page
    # content was forged to print 99 where the agency's layer draws 45 in plan.pdf
    by_number = kyso(env, "archive", "list", "--json", "--number", "45/KH-SGDĐT").stdout.splitlines()
    assert [json.loads(l)["name"] for l in by_number] == ["plan.pdf"]
    plan = next(d for d in listed if d["name"] == "plan.pdf")

    shown = kyso(env, "archive", "show", plan["sha256"][:12], "--lang", "en").stdout
    assert "RESULT: VALID —" in shown and "received" in shown

    # re-verification without the test root: history keeps both runs; the less founded result
    # does not replace the proven one, and the exit code is the verdict the archive holds
    again = kyso(env, "verify", "--archived", str(plan["id"]), "--json", "--no-trust-store", check_codes=(0,))
    assert json.loads(again.stdout)["verdict"] == "INDETERMINATE"
    assert json.loads(again.stdout)["archived"]["verdict"] == "VALID"
    detail = json.loads(kyso(env, "archive", "show", str(plan["id"]), "--json").stdout)
    assert detail["verdict"] == "VALID"
    assert [v["verdict"] for v in detail["verifications"]] == ["VALID", "INDETERMINATE"]
    assert [v["trigger"] for v in detail["verifications"]] == ["ingest", "verify"]
    kyso(env, "archive", "reverify", "--all", "--trust", str(TRUST))
    detail = json.loads(kyso(env, "archive", "show", str(plan["id"]), "--json").stdout)
    assert detail["verdict"] == "VALID" and len(detail["verifications"]) == 3

    out = Path(kyso(env, "archive", "export", str(plan["id"]), "--to", str(tmp_path / "export")).stdout.strip())
    manifest_lines = (out / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    names = {line.split("  ", 1)[1] for line in manifest_lines}
    assert {"data/original.pdf", "data/report.json", "data/report.vi.txt", "data/report.en.txt", "data/metadata.json"} <= names
    assert any(n.startswith("data/evidence/certificate-") for n in names) and any(n.startswith("data/evidence/crl-") for n in names)
    import hashlib

    for line in manifest_lines:
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest
    assert (out / "data" / "original.pdf").read_bytes() == (SAMPLES / "plan.pdf").read_bytes()
    exported = (out / "data" / "report.vi.txt").read_text(encoding="utf-8")
    assert exported.startswith("KẾT LUẬN: HỢP LỆ —")
    assert "CHI TIẾT KỸ THUẬT" in exported  # the file an auditor keeps carries the details


def test_tampering_with_a_blob_or_an_event_is_detected(env, archive):
    kyso(env, "ingest", str(SAMPLES / "plan.pdf"), str(SAMPLES / "appendix.pdf"), "--trust", str(TRUST))
    assert "0 problems" in kyso(env, "archive", "fixity").stdout
    assert "events checked" in kyso(env, "audit", "verify").stdout

    from archive.db.models import Document

    with archive.sessions() as s:
        sha = s.execute(select(Document.sha256).where(Document.original_name == "plan.pdf")).scalar_one()
    blob = archive.blobs.path(sha)
    assert not os.access(blob, os.W_OK) or os.geteuid() == 0
    assert stat.S_IMODE(blob.stat().st_mode) & 0o222 == 0  # stored read-only
    os.chmod(blob, 0o644)
    data = bytearray(blob.read_bytes())
    data[1000] ^= 0x01
    blob.write_bytes(bytes(data))
    result = kyso(env, "archive", "fixity", check_codes=(1,), real=True)
    assert "ALTERED" in result.stdout and sha[:2] in result.stdout

    with archive.engine.begin() as conn:
        conn.execute(text("UPDATE events SET detail = replace(detail, 'plan.pdf', 'other.pdf') WHERE kind = 'received'"))
    result = kyso(env, "audit", "verify", check_codes=(1,), real=True)
    assert "TAMPERED" in result.stdout and "edited" in result.stdout


def test_deleting_an_event_breaks_the_chain(env, archive):
    kyso(env, "ingest", str(SAMPLES / "appendix.pdf"), "--trust", str(TRUST))
    with archive.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE seq = 2"))
    result = kyso(env, "audit", "verify", check_codes=(1,))
    assert "missing" in result.stdout


def test_archive_list_filters_by_metadata_columns(archive):
    """type, number/notation and issue date filter on the document's Decree 30 columns."""
    from datetime import date, datetime, timezone

    from archive.db.session import transaction
    from archive.db.models import Document
    from archive.db.queries import Filters, list_documents

    now = datetime.now(timezone.utc)
    with transaction(archive.sessions) as s:
        for i, (type_name, number, notation, issued) in enumerate([
            ("Kế hoạch", "45", "KH-SGDĐT", date(2022, 3, 8)),
            ("Báo cáo", "12", "BC-THPTCQT", date(2022, 3, 15)),
            ("Kế hoạch", "46", "KH-SGDĐT", date(2023, 1, 5)),
        ]):
            s.add(Document(sha256=f"{i:064x}", size=1, storage_key="x", original_name=f"{i}.pdf", first_received_at=now,
                           verdict="VALID", validation_time=now, type_name=type_name, code_number=number,
                           code_notation=notation, issued_date=issued))
    with archive.sessions() as s:
        def names(**kw):
            return sorted(d.original_name for d in list_documents(s, Filters(**kw)))

        assert names(type_name="kế hoạch") == ["0.pdf", "2.pdf"]
        assert names(number="45/KH-SGDĐT") == ["0.pdf"]
        assert names(number="KH-SGDĐT") == ["0.pdf", "2.pdf"]
        assert names(issued_from=date(2022, 1, 1), issued_to=date(2022, 12, 31)) == ["0.pdf", "1.pdf"]


@pytest.mark.parametrize("severity", [None, "fail"])
def test_a_second_document_with_the_same_number_is_judged_by_the_policy(env, archive, tmp_path, severity):
    """Two different files both numbered 45/KH-SGDĐT of the same agency in 2022: the second
    one's report says so (Decree 30, Art. 15), as a warning under nd30 that leaves it VALID, and
    as an error that makes it INVALID under a policy that says "fail"."""
    from archive.db.models import Document, Verification
    from tests.conftest import variants

    policy = []
    if severity:
        path = tmp_path / "unique-numbers.toml"
        path.write_text(f'[severities]\nND30_DUPLICATE_NUMBER = "{severity}"\n', encoding="utf-8")
        policy = ["--policy", str(path)]
    first, second = variants(SAMPLES / "plan.pdf", 2, tmp_path / "two", prefix="kh45")
    kyso(env, "ingest", str(first), "--trust", str(TRUST), *policy)
    outcome = json.loads(kyso(env, "ingest", "--json", str(second), "--trust", str(TRUST), *policy).stdout.splitlines()[0])
    expected = "INVALID" if severity == "fail" else "VALID"
    assert outcome["verdict"] == expected, outcome
    docs = {json.loads(l)["name"]: json.loads(l) for l in kyso(env, "archive", "list", "--json").stdout.splitlines()}
    assert {d["code_notation"] for d in docs.values()} == {"KH-SGDĐT"}
    shown = {}
    for name, d in docs.items():
        shown[name] = json.loads(kyso(env, "archive", "show", str(d["id"]), "--json").stdout)
    flagged = {n: [f for f in s["report"]["findings"] if f["code"] == "ND30_DUPLICATE_NUMBER"] for n, s in shown.items()}
    assert not flagged["kh45-0000.pdf"] and len(flagged["kh45-0001.pdf"]) == 1, flagged
    assert flagged["kh45-0001.pdf"][0]["severity"] == ("error" if severity == "fail" else "warning")
    later = shown["kh45-0001.pdf"]
    assert later["verdict"] == later["report"]["verdict"] == expected
    assert shown["kh45-0000.pdf"]["verdict"] == "VALID"
    with archive.sessions() as s:
        doc = s.execute(select(Document).where(Document.original_name == "kh45-0001.pdf")).scalar_one()
        stored = s.get(Verification, doc.latest_verification_id)
        assert doc.verdict == stored.verdict == json.loads(stored.report)["verdict"] == expected
