"""Every stored object is read one way (archive.storage.blobs.BlobStore: check, get_intact,
get_if_intact): whatever stands in an object's place that is not a regular file with the object's
bytes is "altered", said at once. Whoever can write into the objects folder must not be able to
hold a command forever with a pipe, pass a link off as the object, or make a server lose a file
descriptor per request with a folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
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
    return store, hashlib.sha256(DATA).hexdigest()


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


def test_a_folder_in_an_objects_place_is_altered_and_leaves_no_descriptor_open(stored):
    from archive.problems import StoredObjectError

    store, sha = stored
    path = store.path(sha)
    path.chmod(0o644)
    path.unlink()
    path.mkdir()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(50):
        assert store.check(sha) == "altered"
        with pytest.raises(StoredObjectError) as raised:
            store.get_intact(sha)
        assert raised.value.state == "altered"
        assert store.get_if_intact(sha) is None
    assert len(os.listdir("/proc/self/fd")) <= before  # a long-running server loses none per request


# -- the commands, with a pipe where a stored object should be -------------------------------------

def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("KYSO_LANG", "KYSO_DATABASE_URL", "KYSO_INBOX", "KYSO_CONFIG")}
    env.update({"KYSO_HOME": str(home), "KYSO_LANG": "en"})
    return env


def _kyso(env, *args, timeout=120):
    done = subprocess.run([sys.executable, "-m", "archive", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def _archived(tmp_path_factory):
    """An archive holding plan.pdf, verified: its original and its evidence stored."""
    home = tmp_path_factory.mktemp("blobs") / "home"
    done = _kyso(_env(home), "ingest", str(SAMPLES / "plan.pdf"), "--trust", str(SAMPLES / manifest()["trust"]), timeout=300)
    assert done.returncode == 0, done.stderr
    return home


@pytest.fixture
def archived(_archived, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(_archived, home)
    return home, _env(home)


def _piped(home: Path, sql: str) -> None:
    """A pipe put in the place of the stored objects the query names."""
    db = sqlite3.connect(home / "kyso.sqlite")
    shas = [sha for (sha,) in db.execute(sql).fetchall()]
    db.close()
    assert shas
    for sha in shas:
        blob = home / "objects" / sha[:2] / sha[2:]
        blob.chmod(0o644)
        blob.unlink()
        os.mkfifo(blob)


def test_commands_say_a_pipe_in_the_originals_place_at_once(archived, tmp_path):
    """Each reads the original through get_intact: said as altered (exit 5), never waited on."""
    home, env = archived
    _piped(home, "SELECT sha256 FROM documents WHERE id = 1")
    trust = str(SAMPLES / manifest()["trust"])
    copy = tmp_path / "copy.pdf"
    ltv = _kyso(env, "archive", "ltv", "1", "--tsa", "http://127.0.0.1:9/", "--trust", trust, "-o", str(copy))
    assert ltv.returncode == 5 and "the stored original of document 1 is missing or fails fixity" in ltv.stderr
    assert not copy.exists()  # before any time-stamping authority is asked
    report = _kyso(env, "archive", "report", "1", "-o", str(tmp_path / "r.html"))
    assert report.returncode == 5 and (tmp_path / "r.html").exists()  # made, without its pictures
    again = _kyso(env, "verify", "--archived", "1", "--trust", trust)
    assert again.returncode == 5 and "fails fixity" in again.stderr
    fixity = _kyso(env, "archive", "fixity")
    assert fixity.returncode == 1 and "ALTERED" in fixity.stdout


def test_evidence_with_a_pipe_in_its_place_is_left_out_not_waited_on(archived):
    """Re-verification and the LTV copy read the kept evidence through get_if_intact."""
    home, env = archived
    _piped(home, "SELECT DISTINCT sha256 FROM evidence")
    again = _kyso(env, "verify", "--archived", "1", "--trust", str(SAMPLES / manifest()["trust"]))
    assert again.returncode in (0, 3), again.stdout + again.stderr  # the run's own trust still serves
    refresh = _kyso(env, "certs", "refresh")  # offline: reads the archive's certificates for their CRL addresses
    assert refresh.returncode in (0, 3), refresh.stdout + refresh.stderr
