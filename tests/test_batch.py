"""`kyso verify` on several files uses a pool of worker processes (archive/verify_pool.py): the
output is in the order the files were given, identical to verifying them one by one, and a
worker that dies stops the batch with an error, never with a gap or a false exit code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import SAMPLES, manifest

TRUST = str(SAMPLES / manifest()["trust"])
MIXED = ["plan.pdf", "content-changed.pdf", "not-a-pdf.pdf", "unit-report.pdf", "revoked-signer.pdf", "plan.pdf"]


def kyso(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, timeout=600, **kwargs)


def _lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def _comparable(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "validation_time"} | {
        "layers": [{k: v for k, v in layer.items() if k != "validation_time"} for layer in report["layers"]]}


def test_batch_output_is_in_input_order_and_equals_one_by_one(tmp_path):
    paths = [str(SAMPLES / name) for name in MIXED]
    env = os.environ | {"PYTHONHASHSEED": "0"}  # pyHanko lists a set of paths in a diff message in hash order
    pooled = kyso("verify", "--json", "--jobs", "2", "--trust", TRUST, *paths, env=env)
    serial = kyso("verify", "--json", "--jobs", "1", "--trust", TRUST, *paths, env=env)
    assert pooled.returncode == serial.returncode == 1  # one INVALID decides
    assert [r["file"] for r in _lines(pooled)] == paths
    assert [_comparable(r) for r in _lines(pooled)] == [_comparable(r) for r in _lines(serial)]
    expected = {s["file"]: s["verdict"] for s in manifest()["samples"]}
    assert [r["verdict"] for r in _lines(pooled)] == [expected[name] for name in MIXED]


def test_text_reports_of_a_batch_are_separated_in_order():
    paths = [str(SAMPLES / "plan.pdf"), str(SAMPLES / "not-a-pdf.pdf")]
    result = kyso("verify", "--lang", "en", "--jobs", "2", "--trust", TRUST, *paths)
    assert result.returncode == 4
    first, second, summary = result.stdout.split("=" * 72)
    assert first.startswith("RESULT: VALID —") and second.strip().startswith("RESULT: UNREADABLE FILE —")
    assert summary.strip().splitlines()[0] == "SUMMARY of 2 files: Valid 1 · Unreadable file 1"


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(x) for x in (task / "children").read_text().split()]
    return found


def test_a_killed_worker_stops_the_batch_with_an_error(tmp_path):
    data = (SAMPLES / "plan.pdf").read_bytes()
    for i in range(40):  # distinct documents (trailing newlines), so that no worker answers from its cache
        (tmp_path / f"plan-{i:02d}.pdf").write_bytes(data + b"\n" * (i + 1))
    files = sorted(str(p) for p in tmp_path.glob("*.pdf"))
    proc = subprocess.Popen([sys.executable, "-m", "archive", "verify", "--json", "--jobs", "2", "--trust", TRUST, *files],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        workers = []
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "two worker processes verify the batch"
        os.kill(workers[0], signal.SIGKILL)
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1
    assert "worker died" in err and "plan-" in err and "--jobs 1" in err
    reports = [json.loads(line) for line in out.splitlines()]  # only whole reports, in order
    assert len(reports) < len(files)
    assert [r["file"] for r in reports] == files[:len(reports)]
