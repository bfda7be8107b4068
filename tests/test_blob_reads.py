"""Reading a stored object (archive.storage.blobs.BlobStore.get_intact) answers as fixity's
check does: whatever stands in an object's place that is not a regular file with the object's
bytes is "altered", said at once. Whoever can write into the objects folder must not be able to
hold a command forever with a pipe, or pass a link off as the object."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, manifest

ROOT = Path(__file__).resolve().parents[1]
DATA = b"%PDF-1.7 the stored bytes\n"


def _read_in_a_process(root: Path, sha: str) -> str:
    """get_intact's answer ("ok", or the StoredObjectError's state) from a real process, which a
    read that never ends cannot take the test run with."""
    code = textwrap.dedent(f"""
        from pathlib import Path
        from archive.problems import StoredObjectError
        from archive.storage.blobs import BlobStore
        store = BlobStore(Path({str(root)!r}), Path({str(root.parent / 'tmp')!r}))
        try:
            store.get_intact({sha!r})
            print("ok")
        except StoredObjectError as exc:
            print(exc.state)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.fixture
def stored(tmp_path):
    from archive.storage.blobs import BlobStore

    (tmp_path / "tmp").mkdir()
    store = BlobStore(tmp_path / "objects", tmp_path / "tmp")
    store.put(DATA)
    import hashlib

    sha = hashlib.sha256(DATA).hexdigest()
    return store, sha


def test_an_intact_object_is_read(stored):
    store, sha = stored
    assert store.get_intact(sha) == DATA and _read_in_a_process(store.root, sha) == "ok"


def test_a_pipe_in_an_objects_place_is_altered_at_once(stored):
    store, sha = stored
    path = store.path(sha)
    path.chmod(0o644)
    path.unlink()
    os.mkfifo(path)
    assert store.check(sha) == "altered"
    assert _read_in_a_process(store.root, sha) == "altered"  # not a read that waits for a writer


def test_a_link_to_the_very_bytes_is_altered_as_fixity_says(stored, tmp_path):
    store, sha = stored
    elsewhere = tmp_path / "elsewhere.pdf"
    elsewhere.write_bytes(DATA)
    path = store.path(sha)
    path.chmod(0o644)
    path.unlink()
    path.symlink_to(elsewhere)
    assert store.check(sha) == "altered"
    assert _read_in_a_process(store.root, sha) == "altered"


def test_ltv_copy_of_a_damaged_original_ends_with_the_archive_code(tmp_path):
    """`kyso archive ltv` reads the original through get_intact: a damaged one is said (exit 5)
    before any time-stamping authority is asked."""
    import sqlite3

    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("KYSO_LANG", "KYSO_DATABASE_URL", "KYSO_INBOX", "KYSO_CONFIG")}
    env.update({"KYSO_HOME": str(home), "KYSO_LANG": "en"})
    trust = str(SAMPLES / manifest()["trust"])
    kyso = [sys.executable, "-m", "archive"]
    subprocess.run([*kyso, "ingest", str(SAMPLES / "plan.pdf"), "--trust", trust], env=env, check=True,
                   capture_output=True, timeout=300)
    db = sqlite3.connect(home / "kyso.sqlite")
    (sha,) = db.execute("SELECT sha256 FROM documents WHERE id = 1").fetchone()
    db.close()
    blob = home / "objects" / sha[:2] / sha[2:]
    blob.chmod(0o644)
    blob.write_bytes(blob.read_bytes()[:-10] + b"0123456789")
    done = subprocess.run([*kyso, "archive", "ltv", "1", "--tsa", "http://127.0.0.1:9/", "--trust", trust,
                           "-o", str(tmp_path / "copy.pdf")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 5, (done.stdout, done.stderr)
    assert "the stored original of document 1 is missing or fails fixity" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "copy.pdf").exists()
