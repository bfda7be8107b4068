"""The watched folder with real watcher subprocesses: files still being written are waited for,
kill -9 at random moments loses and duplicates nothing, several workers on PostgreSQL share the
work, SIGTERM stops cleanly, and a file over the time budget is quarantined while the rest flows."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import SAMPLES, manifest, variants
from tests.pdfbytes import costly

TRUST = SAMPLES / manifest()["trust"]


def start_watch(env: dict, inbox: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "archive", "watch", str(inbox), "--trust", str(TRUST), "--poll", "0.2",
           "--stable-seconds", "0.5", *extra]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def run_once(env: dict, inbox: Path, *extra: str, timeout: float = 600) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "archive", "watch", str(inbox), "--once", "--trust", str(TRUST), "--poll", "0.2",
           "--stable-seconds", "0.5", *extra]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def env(tmp_path):
    e = dict(os.environ)
    e["KYSO_HOME"] = str(tmp_path / "home")
    e["KYSO_LANG"] = "en"  # these tests read the English wording
    e["KYSO_DATABASE_URL"] = f"sqlite:///{tmp_path / 'home' / 'kyso.sqlite'}"
    return e


def open_archive(env: dict):
    from archive.config import Settings
    from archive.ingest import Archive

    home = Path(env["KYSO_HOME"])
    return Archive(Settings(home=home, database_url=env["KYSO_DATABASE_URL"]))


def receipts_by_name(archive) -> dict[str, int]:
    from archive.db.models import Receipt

    with archive.sessions() as s:
        rows = s.execute(select(Receipt.name_nfc, func.count(Receipt.id)).group_by(Receipt.name_nfc)).all()
    return dict(rows)


def leftovers(inbox: Path) -> list[str]:
    return sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file())


def test_a_file_still_being_written_is_waited_for(env, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    data = (SAMPLES / "plan.pdf").read_bytes()
    proc = start_watch(env, inbox, "--stable-seconds", "1.0")
    try:
        target = inbox / "growing.pdf"
        step = len(data) // 8
        with open(target, "wb") as fh:
            for i in range(0, len(data), step):  # a slow copy: a chunk every 0.4 s, 3 s in all
                fh.write(data[i:i + step])
                fh.flush()
                time.sleep(0.4)
        deadline = time.time() + 60
        archive = open_archive(env)
        while time.time() < deadline and not receipts_by_name(archive):
            time.sleep(0.3)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    from archive.db.models import Document

    with archive.sessions() as s:
        docs = list(s.execute(select(Document)).scalars())
    assert [(d.original_name, d.verdict) for d in docs] == [("growing.pdf", "VALID")]
    assert not list((Path(env["KYSO_HOME"]) / "quarantine").glob("*")) if (Path(env["KYSO_HOME"]) / "quarantine").exists() else True


def test_kill_9_at_random_moments_loses_and_duplicates_nothing(env, tmp_path):
    inbox = tmp_path / "inbox"
    files = variants(SAMPLES / "appendix.pdf", 60, inbox, prefix="phu-luc")  # the kills land within the first 50
    rng = random.Random(20261126)
    archive = open_archive(env)
    kills = 0
    for _ in range(5):
        # kill once the watcher is visibly mid-stream, a random few files further on
        target = sum(receipts_by_name(archive).values()) + rng.randint(2, 10)
        proc = start_watch(env, inbox)
        deadline = time.time() + 120
        while sum(receipts_by_name(archive).values()) < target and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.3))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        kills += 1
    before = sum(receipts_by_name(archive).values())
    assert 0 < before < 60, before  # the kills did land in the middle of the work
    result = run_once(env, inbox)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = receipts_by_name(archive)
    assert sorted(counts) == sorted(p.name for p in files)
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
    assert leftovers(inbox) == []
    from archive.storage.fixity import check
    from archive.db.models import Document

    with archive.sessions() as s:
        assert s.scalar(select(func.count(Document.id))) == 60
        assert set(s.execute(select(Document.verdict)).scalars()) == {"VALID"}
    assert check(archive).ok
    from archive.db.events import verify_chain

    with archive.sessions() as s:
        assert verify_chain(s)[1] == []
    assert kills == 5


def test_three_workers_on_postgresql_archive_each_file_once(env, tmp_path, pg_database):
    env = {**env, "KYSO_DATABASE_URL": pg_database}
    subprocess.run([sys.executable, "-m", "archive", "db", "upgrade"], env=env, check=True, capture_output=True)
    inbox = tmp_path / "inbox"
    files = variants(SAMPLES / "appendix.pdf", 120, inbox, prefix="bc")  # every file raced for by the three
    # three independent watchers (as on three machines), each with its own worker
    procs = [subprocess.Popen([sys.executable, "-m", "archive", "watch", str(inbox), "--once", "--trust", str(TRUST),
                               "--poll", "0.2", "--stable-seconds", "0.2"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-2000:] for o in outputs]
    archive = open_archive(env)
    counts = receipts_by_name(archive)
    assert len(counts) == 120 and set(counts.values()) == {1}
    assert sorted(counts) == sorted(p.name for p in files)
    per_worker = [o[1].decode().count('"event": "archived"') for o in outputs]
    assert sum(per_worker) == 120 and sum(1 for n in per_worker if n) >= 2, per_worker  # the work was shared
    assert leftovers(inbox) == []


def test_sigterm_finishes_the_current_file_and_stops(env, tmp_path):
    inbox = tmp_path / "inbox"
    variants(SAMPLES / "plan.pdf", 20, inbox, prefix="kh")
    proc = start_watch(env, inbox, "--workers", "2")
    time.sleep(3.0)
    os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    processing = inbox / ".kyso-processing"
    assert not processing.exists() or list(processing.iterdir()) == []  # nothing left half-done
    archive = open_archive(env)
    done = receipts_by_name(archive)
    assert all(v == 1 for v in done.values())
    assert len(done) + len(leftovers(inbox)) == 20  # every file archived once or still waiting


def test_a_file_over_the_time_budget_is_quarantined_and_the_rest_flows(env, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "slow.pdf").write_bytes(costly())  # seconds of CPU on any machine
    variants(SAMPLES / "appendix.pdf", 5, inbox, prefix="quick")
    result = run_once(env, inbox, "--timeout", "1", "--workers", "1")
    assert result.returncode == 4, result.stderr[-3000:]
    reasons = list((Path(env["KYSO_HOME"]) / "quarantine").glob("*slow.pdf.reason.txt"))
    assert len(reasons) == 1 and "stopped its worker 2 times" in reasons[0].read_text(encoding="utf-8")
    assert len(receipts_by_name(open_archive(env))) == 5
    assert leftovers(inbox) == []


def test_a_worker_that_cannot_assemble_its_trust_reports_it_and_stops(env, tmp_path):
    """The trust is checked before the workers start; if it breaks after (a file removed), the
    workers say why and stop, instead of crashing and being restarted forever."""
    import io

    from archive.config import Settings
    from archive.intake.watcher import WatchConfig, run_watch
    from archive.trust.assembly import TrustOptions

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "plan.pdf").write_bytes((SAMPLES / "plan.pdf").read_bytes())
    settings = Settings(home=Path(env["KYSO_HOME"]), database_url=env["KYSO_DATABASE_URL"], stable_seconds=0.1)
    cfg = WatchConfig(settings=settings, inbox=inbox, trust=TrustOptions(trust=(tmp_path / "removed.pem",)), once=True)
    started = time.monotonic()
    status = run_watch(cfg, workers=2, stream=io.StringIO())
    assert status.fatal is not None and "--trust" in status.fatal and "removed.pem" in status.fatal
    assert status.counts["processed"] == 0 and (inbox / "plan.pdf").exists()  # nothing taken with no trust
    assert time.monotonic() - started < 60
