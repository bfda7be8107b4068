"""Hostile files beyond signatures: a decompression bomb, 10,000 levels of nesting, a /Prev
loop and a 1 GB sparse file each get a clear finding within the budget, and the watcher keeps
serving the other files of the inbox meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, variants

TRUST = SAMPLES / "pki" / "trust.pem"


def _pdf(objects: list[bytes], extra_trailer: bytes = b"") -> bytes:
    body = b"%PDF-1.7\n"
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, extra_trailer, xref)


CATALOG = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]


def bomb() -> bytes:
    """A page whose content stream inflates to 1 GiB of zeros (about 1 MB on disk)."""
    comp = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(1024)) + comp.flush()
    return _pdf(CATALOG + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                           b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"])


def nesting() -> bytes:
    deep = b"[" * 10000 + b"]" * 10000
    return _pdf(CATALOG + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep " + deep + b" >>"])


def prev_loop() -> bytes:
    body = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    xref_at = int(body.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    return body.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % xref_at)


def sparse(path: Path) -> Path:
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(1 << 30)
    return path


def kyso_verify(path: Path) -> tuple[int, dict, float]:
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "archive", "verify", "--json", "--lang", "en", str(path)],
                            capture_output=True, text=True, timeout=120)
    return result.returncode, json.loads(result.stdout), time.monotonic() - start


@pytest.mark.parametrize("name,make,expected", [
    ("bomb.pdf", bomb, {"NO_SIGNATURES"}),
    ("nesting.pdf", nesting, {"NO_SIGNATURES"}),
    ("prev-loop.pdf", prev_loop, {"XREF_PREV_LOOP"}),
])
def test_each_hostile_file_gets_a_clear_finding_in_time(tmp_path, name, make, expected):
    path = tmp_path / name
    path.write_bytes(make())
    code, report, seconds = kyso_verify(path)
    assert code == 1 and report["verdict"] == "INVALID"
    assert expected <= {f["code"] for f in report["findings"]}
    assert "INTERNAL_ERROR" not in {f["code"] for f in report["findings"]}
    assert seconds < 60


def test_a_1_gb_sparse_file_is_refused_unread(tmp_path):
    code, report, seconds = kyso_verify(sparse(tmp_path / "sparse.pdf"))
    assert code == 4 and report["verdict"] == "ERROR"
    assert [f["code"] for f in report["findings"]] == ["FILE_TOO_LARGE"]
    assert seconds < 10


def test_the_watcher_keeps_serving_other_files(tmp_path):
    inbox = tmp_path / "inbox"
    variants(SAMPLES / "appendix.pdf", 4, inbox, prefix="good")
    (inbox / "bomb.pdf").write_bytes(bomb())
    (inbox / "nesting.pdf").write_bytes(nesting())
    (inbox / "prev-loop.pdf").write_bytes(prev_loop())
    sparse(inbox / "sparse.pdf")
    env = dict(os.environ, KYSO_HOME=str(tmp_path / "home"), KYSO_LANG="en")
    env.pop("KYSO_DATABASE_URL", None)
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "archive", "watch", str(inbox), "--once", "--poll", "0.2",
                             "--stable-seconds", "0.3", "--timeout", "60", "--trust", str(TRUST)],
                            env=env, capture_output=True, text=True, timeout=300)
    assert time.monotonic() - start < 240
    assert result.returncode == 4, result.stderr[-2000:]  # the sparse file is quarantined
    lines = [json.loads(l) for l in result.stderr.splitlines() if l.startswith("{")]
    outcome = {l["file"]: l for l in lines if l["event"] != "summary"}
    for i in range(4):
        assert outcome[f"good-{i:04d}.pdf"]["verdict"] == "VALID"
    for name in ("bomb.pdf", "nesting.pdf", "prev-loop.pdf"):
        assert outcome[name]["event"] == "archived" and outcome[name]["verdict"] == "INVALID"
    assert outcome["sparse.pdf"]["event"] == "quarantined" and "over the limit" in outcome["sparse.pdf"]["reason"]
    assert [p.name for p in inbox.iterdir() if p.is_file()] == []
