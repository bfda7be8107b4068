"""Several `kyso serve` and `kyso watch` on one PostgreSQL archive behave as one service (issue 19):
two servers and two watchers, each its own process with its own workers, share the database
(KYSO_DATABASE_URL) and one KYSO_HOME: the objects, the audit chain's head file, the processing
and quarantine folders and the trust store live there, so that folder must be shared by every
process (on one machine or a network file system that honours rename and flock), as the inbox
must be shared by the watchers.

Every file is archived exactly once: a document per distinct content, a receipt per arrival,
whether it came through either server's POST /api/documents or the shared inbox, even when the
same content arrives through several of them at once. A sign-in on one server is valid on the
other; the audit chain written by all of them verifies.

The uploads need POST /api/documents of the API branch (serve-api): that test skips, saying so,
on a server without it. Both skip only when no PostgreSQL server is reachable.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES, variants
from tests.serving import ACCOUNTS, KYSO, TRUST, Server, env_for, kyso, prepare

WAIT = 300.0  # seconds for the watchers to settle what was dropped (a busy machine)


class Cluster:
    def __init__(self, root: Path, url: str):
        self.root, self.url = root, url
        self.home = root / "home"
        self.inbox = root / "inbox"
        self.inbox.mkdir(parents=True)
        self.servers: list[Server] = []
        self.watchers: list[subprocess.Popen] = []
        self.dropped = 0

    def start(self) -> "Cluster":
        kyso(self.home, "db", "upgrade", KYSO_DATABASE_URL=self.url)
        tokens = prepare(self.home, ingested=(), database_url=self.url)
        for _ in range(2):
            self.servers.append(Server(self.home, tokens, args=("--workers", "1"),
                                       env={"KYSO_DATABASE_URL": self.url}).start())
        for n in range(2):
            log = (self.root / f"watch-{n}.log").open("wb")
            self.watchers.append(subprocess.Popen(
                [*KYSO, "watch", str(self.inbox), "--poll", "0.3", "--stable-seconds", "0.5", "--trust", str(TRUST),
                 "--no-trust-store", "--no-ocr"], stdout=log, stderr=subprocess.STDOUT,
                env=env_for(self.home, KYSO_DATABASE_URL=self.url), cwd=ROOT, start_new_session=True))
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        for proc in self.watchers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()

    def drop(self, source: Path, name: str) -> None:
        """Into the shared inbox as a copy tool would: written aside, then renamed in."""
        part = self.inbox / (name + ".part")
        shutil.copyfile(source, part)
        part.rename(self.inbox / name)
        self.dropped += 1

    def query(self, sql: str) -> list:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return [tuple(row) for row in conn.execute(text(sql))]
        finally:
            engine.dispose()

    def settled(self, receipts: int) -> None:
        """Wait until the archive holds `receipts` receipts and the inbox is empty."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for n, proc in enumerate(self.watchers):
                assert proc.poll() is None, (self.root / f"watch-{n}.log").read_text()
            left = [p for p in self.inbox.iterdir() if not p.name.startswith(".")]
            if not left and self.query("SELECT count(*) FROM receipts")[0][0] >= receipts:
                return
            time.sleep(0.5)
        logs = "\n".join((self.root / f"watch-{n}.log").read_text()[-3000:] for n in range(2))
        raise AssertionError(f"not settled in {WAIT} s: {self.query('SELECT count(*) FROM receipts')} receipts\n{logs}")

    def audit_ok(self) -> dict:
        done = kyso(self.home, "audit", "verify", "--json", KYSO_DATABASE_URL=self.url)
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, request):
    pytest.importorskip("httpx", reason="httpx (test extra) is the HTTP client of the server tests")
    from tests.conftest import pg_schema

    url_fixture = request.getfixturevalue("pg_url")  # skips when no PostgreSQL server answers
    schemas = pg_schema(url_fixture)
    url = next(schemas)
    running = Cluster(tmp_path_factory.mktemp("cluster"), url)
    try:
        yield running.start()
    finally:
        running.stop()
        schemas.close()


def test_two_servers_and_two_watchers_on_one_postgresql_archive_are_one_service(cluster, tmp_path):
    import httpx

    docs = variants(SAMPLES / "appendix.pdf", 6, tmp_path / "docs", prefix="watch")
    for path in docs:
        cluster.drop(path, path.name)
    cluster.drop(docs[0], "watch-0000 lần hai.pdf")  # the same content again, another arrival
    cluster.settled(receipts=cluster.dropped)

    rows = cluster.query("SELECT d.sha256, r.original_name, r.duplicate, r.source FROM receipts r "
                         "JOIN documents d ON d.id = r.document_id ORDER BY r.id")
    assert len(rows) == 7 and len({sha for sha, *_ in rows}) == 6  # a document per content, a receipt per arrival
    assert sorted(name for _, name, *_ in rows) == sorted([p.name for p in docs] + ["watch-0000 lần hai.pdf"])
    assert sum(1 for *_, duplicate, _ in rows if duplicate) == 1
    assert all(source.startswith("inbox:") for *_, source in rows)
    assert cluster.query("SELECT count(*) FROM documents")[0][0] == 6

    # a sign-in on one server opens the console of the other; a token works on both
    one, other = cluster.servers
    session = one.signed_in("clerk")
    page = httpx.get(other.url + "/", cookies=dict(session.cookies), follow_redirects=False)
    assert page.status_code == 200 and ACCOUNTS["clerk"][0] in page.text
    for server in cluster.servers:
        assert server.api("auditor").get("/api/health").json()["database"] == "ok"

    assert cluster.audit_ok()["ok"] is True


def test_uploads_through_both_servers_and_the_inbox_are_each_archived_once(cluster, tmp_path):
    import httpx

    one, other = cluster.servers
    paths = one.api().get("/api/openapi.json").json().get("paths", {})
    if "post" not in paths.get("/api/documents", {}):
        pytest.skip("POST /api/documents comes with the API branch (serve-api, issue 19); this server has no such route")
    before = cluster.query("SELECT count(*) FROM receipts")[0][0]
    documents_before = cluster.query("SELECT count(*) FROM documents")[0][0]
    docs = variants(SAMPLES / "appendix.pdf", 4, tmp_path / "docs", prefix="web")

    async def upload(server, role: str, path: Path, name: str):
        headers = {"Authorization": f"Bearer {server.tokens[role]}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=300) as client:
            return await client.post("/api/documents", files={"file": (name, path.read_bytes(), "application/pdf")})

    async def at_once():
        # docs[0] through both servers and the inbox at the same moment; the others once each
        cluster.drop(docs[0], "web-0000 qua thư mục.pdf")
        return await asyncio.gather(
            upload(one, "clerk", docs[0], "web-0000.pdf"), upload(other, "both", docs[0], "web-0000.pdf"),
            upload(one, "clerk", docs[1], "web-0001.pdf"), upload(other, "clerk", docs[2], "web-0002.pdf"),
            upload(other, "both", docs[3], "web-0003.pdf"))

    answers = asyncio.run(at_once())
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    kinds = [a.json()["event"] for a in answers]  # the event of `kyso ingest --json`
    assert set(kinds[:2]) <= {"archived", "duplicate"} and kinds[2:] == ["archived"] * 3
    arrivals = 5 + 1  # five uploads and one drop
    cluster.settled(receipts=before + arrivals)

    rows = cluster.query(f"SELECT d.sha256, r.source, r.duplicate FROM receipts r JOIN documents d ON d.id = r.document_id "
                         f"ORDER BY r.id OFFSET {before}")
    assert len(rows) == arrivals  # a receipt per arrival
    assert cluster.query("SELECT count(*) FROM documents")[0][0] == documents_before + 4  # a document per content
    raced = hashlib.sha256(docs[0].read_bytes()).hexdigest()
    of_raced = [(source, duplicate) for sha, source, duplicate in rows if sha == raced]
    assert sorted(source.split(":")[0] for source, _ in of_raced) == ["inbox", "web", "web"]
    assert [duplicate for _, duplicate in of_raced].count(False) == 1  # archived once, whoever came first
    assert sorted(source for _, source, _ in rows if source.startswith("web:")) == \
        ["web:hai.vai", "web:hai.vai", "web:van.thu", "web:van.thu", "web:van.thu"]
    assert cluster.audit_ok()["ok"] is True
