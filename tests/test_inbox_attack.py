"""The inbox under attack, by someone who can only write into it: real `kyso watch` and `kyso
ingest` processes, real links and folders swapped into the windows between scan, open, claim
and read, names that are not UTF-8 or too long to be part of another name, files nobody may
read, named pipes, sockets and a 5 GB sparse file. Every entry ends archived or quarantined
with its reason, the service goes on, nothing outside the inbox is read, moved or deleted, and
what is stored under a hash is exactly the bytes that hash was computed over."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.conftest import SAMPLES, manifest, pg_schema, variants

TRUST = SAMPLES / manifest()["trust"]
GB = 1 << 30
CLAIM_ID = re.compile(r"[0-9a-f]{32}")
# a Vietnamese name of 246 bytes: it fits a file name, "<claim id>__<name>.reason.txt" does not
LONG_NAME = ("Quyết định về việc phê duyệt kế hoạch tổ chức " * 4)[:170].encode()[:242].decode("utf-8", "ignore") + ".pdf"


def kyso_env(home: Path, database_url: str | None = None) -> dict:
    env = dict(os.environ, KYSO_HOME=str(home), KYSO_LANG="en")  # these tests read the English wording
    env["KYSO_DATABASE_URL"] = database_url or f"sqlite:///{home / 'kyso.sqlite'}"
    return env


def kyso(env: dict, *args, timeout: float = 180) -> tuple[subprocess.CompletedProcess, int]:
    """Run `kyso ARGS` and return it with the peak memory (kB) of the largest of its processes."""
    wrapper = ("import resource, subprocess, sys\n"
               "r = subprocess.run(sys.argv[1:])\n"
               "print('PEAK_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, flush=True)\n"
               "sys.exit(r.returncode)\n")
    cmd = [sys.executable, "-c", wrapper, sys.executable, "-m", "archive", *map(os.fsdecode, args)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # kyso and its workers with it
        proc.communicate()
        raise
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    peak = int(re.search(rb"PEAK_KB (\d+)", result.stdout).group(1))
    return result, peak


def watch_once(env: dict, inbox: Path, *extra: str, timeout: float = 180):
    return kyso(env, "watch", inbox, "--once", "--trust", TRUST, "--poll", "0.2", "--stable-seconds", "0.3", *extra,
                timeout=timeout)


def open_archive(home: Path, database_url: str | None = None, trust: bool = False):
    from archive.config import Settings
    from archive.ingest import Archive

    settings = Settings(home=home, database_url=database_url or f"sqlite:///{home / 'kyso.sqlite'}", stable_seconds=0)
    config = None
    if trust:
        from archive.trust.assembly import TrustOptions, assemble_trust

        config = assemble_trust(TrustOptions(trust=(TRUST,), use_store=False), settings)
    return Archive(settings, trust=config)


def documents(archive) -> dict[str, str]:
    from archive.db.models import Document

    with archive.sessions() as s:
        return dict(s.execute(select(Document.sha256, Document.verdict)).all())


def receipt_names(archive) -> list[str]:
    from archive.db.models import Receipt

    with archive.sessions() as s:
        return sorted(s.execute(select(Receipt.original_name)).scalars())


def quarantined(home: Path) -> dict[str, str]:
    """reason file name -> its text"""
    folder = home / "quarantine"
    return {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.reason.txt")} if folder.exists() else {}


def by_file(reasons: dict[str, str], name: str) -> tuple[str, str]:
    found = [(k, v) for k, v in reasons.items() if f"file: {name}\n" in v]
    assert len(found) == 1, (name, list(reasons.values()))
    return found[0]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree(folder: Path) -> dict[str, tuple[int, str]]:
    """Everything under a folder, to show it untouched: name -> (mode, content hash)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        out[p.relative_to(folder).as_posix()] = (st.st_mode, sha(p.read_bytes()) if stat.S_ISREG(st.st_mode) else "")
    return out


def make_outside(root: Path, pdfs: list[Path]) -> tuple[Path, Path]:
    """A folder outside the inbox holding a valid document readable only by its owner (kyso's
    user here): what an attacker wants kyso to read, move or delete for them."""
    outside = root / "outside"
    outside.mkdir()
    secret = outside / "secret.pdf"
    secret.write_bytes(pdfs[0].read_bytes())
    secret.chmod(0o600)
    (outside / "b.pdf").write_bytes(pdfs[1].read_bytes())
    (outside / "b.pdf").chmod(0o600)
    return outside, secret


# -- one watcher run over an inbox full of hostile entries --------------------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hostile(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"hostile-{request.param}")
    database_url = None
    if request.param == "postgresql":
        database_url = request.getfixturevalue("pg_module_database")
    pdfs = variants(SAMPLES / "appendix.pdf", 6, root / "made", prefix="hostile")
    outside, secret = make_outside(root, pdfs[4:6])
    before_outside = tree(outside)
    inbox = root / "inbox"
    inbox.mkdir()
    bin_inbox = os.fsencode(inbox)
    (inbox / "good.pdf").write_bytes(pdfs[0].read_bytes())
    non_utf8 = b"c\xf4ng v\xe3n \xff.pdf"  # Latin-1 bytes from an old Windows share
    with open(os.path.join(bin_inbox, non_utf8), "wb") as fh:
        fh.write(pdfs[1].read_bytes())
    (inbox / LONG_NAME).write_bytes(pdfs[2].read_bytes())
    (inbox / ("Tờ trình " + LONG_NAME[9:])).write_bytes(b"not a PDF at all\n")
    locked = inbox / "khoa.pdf"
    locked.write_bytes(pdfs[3].read_bytes())
    locked.chmod(0)
    os.mkfifo(inbox / "ong.pdf")
    sock = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(inbox)  # a socket's path must be short; bound relative to the inbox
    try:
        sock.bind("o-cam.pdf")
    finally:
        os.chdir(cwd)
    big = inbox / "lon.pdf"
    with open(big, "wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(5 * GB)
    inodes = {"lon.pdf": big.stat().st_ino, "khoa.pdf": locked.stat().st_ino}
    (inbox / "lien-ket.pdf").symlink_to(secret)
    os.link(outside / "b.pdf", inbox / "cung.pdf")  # a second name of a file outside (same filesystem)
    (inbox / "thu-muc").symlink_to(outside, target_is_directory=True)
    (inbox / "gia mao\nreason: archived, all fine.pdf").write_bytes(b"junk")
    home = root / "home"
    env = kyso_env(home, database_url)
    if database_url:
        subprocess.run([sys.executable, "-m", "archive", "db", "upgrade"], env=env, check=True, capture_output=True)
    started = time.monotonic()
    result, peak = watch_once(env, inbox, timeout=240)
    seconds = time.monotonic() - started
    sock.close()
    print(f"\n[{request.param}] hostile inbox: {seconds:.1f} s, peak memory {peak / 1024:.0f} MB (5 GB sparse file included)")
    archive = open_archive(home, database_url)
    yield {"result": result, "peak_kb": peak, "seconds": seconds, "archive": archive, "home": home, "inbox": inbox,
           "pdfs": pdfs, "outside": outside, "secret": secret, "before_outside": before_outside, "inodes": inodes,
           "db": request.param}
    archive.engine.dispose()


@pytest.fixture(scope="module")
def pg_module_database(pg_url):
    yield from pg_schema(pg_url)


def test_the_watcher_ends_and_every_entry_is_settled(hostile):
    result = hostile["result"]
    assert result.returncode == 4, result.stderr[-3000:]  # something was quarantined
    assert b"Traceback" not in result.stderr, result.stderr[-3000:]
    left = [p for p in hostile["inbox"].rglob("*") if not p.is_dir() or p.is_symlink()]
    # a link whose name does not claim a PDF is no document: left alone, never followed
    assert left == [hostile["inbox"] / "thu-muc"]
    assert list((hostile["inbox"] / ".kyso-processing").iterdir()) == []


def test_names_of_any_bytes_and_length_are_archived_and_shown_escaped(hostile):
    pdfs = hostile["pdfs"]
    docs = documents(hostile["archive"])
    assert {sha(p.read_bytes()) for p in pdfs[:3]} <= set(docs)
    names = receipt_names(hostile["archive"])
    assert "c\\xf4ng v\\xe3n \\xff.pdf" in names and LONG_NAME in names and "good.pdf" in names


def test_what_cannot_be_archived_is_quarantined_under_the_claim_id_with_its_reason(hostile):
    reasons = quarantined(hostile["home"])
    expected = {
        "khoa.pdf": "mode 000",
        "ong.pdf": "named pipe",
        "o-cam.pdf": "socket",
        "lon.pdf": "over the limit",
        "lien-ket.pdf": "symbolic link",
        "cung.pdf": "hard links",
        "gia mao\\x0areason: archived, all fine.pdf": "not archivable",
        "Tờ trình " + LONG_NAME[9:]: "not archivable",
    }
    assert len(reasons) == len(expected)
    for name, why in expected.items():
        file_name, body = by_file(reasons, name)
        lines = body.splitlines()
        assert sum(1 for line in lines if line.startswith("reason: ")) == 1, body  # a name cannot forge one
        assert why in next(line for line in lines if line.startswith("reason: ")), body
        assert CLAIM_ID.match(file_name), file_name
    long_file, _ = by_file(reasons, "Tờ trình " + LONG_NAME[9:])
    assert CLAIM_ID.fullmatch(long_file.removesuffix(".reason.txt"))  # the claim id alone
    from archive.db.models import Event

    with hostile["archive"].sessions() as s:
        assert s.scalar(select(func.count(Event.seq)).where(Event.kind == "quarantined")) == len(expected)


def test_unread_files_are_kept_by_rename_never_read_or_copied(hostile):
    home = hostile["home"]
    reasons = quarantined(home)
    for name in ("lon.pdf", "khoa.pdf"):
        file_name, body = by_file(reasons, name)
        kept = home / "quarantine" / file_name.removesuffix(".reason.txt")
        st = kept.lstat()
        assert st.st_ino == hostile["inodes"][name] and "unread" in body  # the very file, moved
    big = home / "quarantine" / by_file(reasons, "lon.pdf")[0].removesuffix(".reason.txt")
    assert big.stat().st_size == 5 * GB and big.stat().st_blocks * 512 < (1 << 20)  # still sparse: not copied
    assert hostile["peak_kb"] < 600 * 1024, hostile["peak_kb"]  # and not read into memory


def test_nothing_outside_the_inbox_is_read_moved_or_deleted(hostile):
    assert tree(hostile["outside"]) == hostile["before_outside"]
    assert (hostile["outside"] / "b.pdf").stat().st_nlink == 1  # the inbox's name of it was removed, not kept
    docs = documents(hostile["archive"])
    assert sha(hostile["secret"].read_bytes()) not in docs
    assert sha((hostile["outside"] / "b.pdf").read_bytes()) not in docs
    kept = [p.read_bytes() for p in (hostile["home"] / "quarantine").iterdir()
            if p.is_file() and not p.name.endswith(".reason.txt") and p.stat().st_size < GB]
    assert hostile["secret"].read_bytes() not in kept


# -- swaps timed into each window, in process, against the real archive ------------------------

@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("windows")
    archive = open_archive(root / "home", trust=True)
    pdfs = variants(SAMPLES / "appendix.pdf", 12, root / "made", prefix="window")
    yield {"root": root, "archive": archive, "pdfs": pdfs}
    archive.engine.dispose()


def _inbox(live, name: str):
    from archive.intake.inbox import Inbox

    folder = live["root"] / name
    folder.mkdir()
    return folder, lambda: Inbox(folder, 0)


def _swap_for_link(path: Path, target: Path) -> Path:
    """What the attacker can do to their own entry: move it aside, put a link in its place."""
    aside = path.with_name("." + path.name + ".aside")
    os.rename(path, aside)
    tmp = path.with_name(".link")
    tmp.symlink_to(target)
    os.rename(tmp, path)
    return aside


def test_a_file_swapped_for_a_link_after_the_scan_is_not_followed(live):
    folder, make = _inbox(live, "after-scan")
    (folder.parent / "o1").mkdir()
    outside, secret = make_outside(folder.parent / "o1", live["pdfs"][0:2])
    before = tree(outside)
    (folder / "a.pdf").write_bytes(live["pdfs"][2].read_bytes())
    inbox = make()
    [cand], _ = inbox.scan()
    _swap_for_link(folder / "a.pdf", secret)
    claim = inbox.claim(cand)
    outcome = live["archive"].process(claim, inbox.area)
    assert outcome.kind == "quarantined" and "symbolic link" in str(outcome.reason)
    assert tree(outside) == before and sha(secret.read_bytes()) not in documents(live["archive"])


def test_a_file_swapped_for_a_link_between_open_and_claim_is_not_read(live):
    folder, make = _inbox(live, "after-open")
    (folder.parent / "o2").mkdir()
    outside, secret = make_outside(folder.parent / "o2", live["pdfs"][3:5])
    before = tree(outside)
    (folder / "a.pdf").write_bytes(live["pdfs"][5].read_bytes())
    inbox = make()
    [cand], _ = inbox.scan()
    parent, opened = inbox.open(cand)
    assert opened.fd is not None
    aside = _swap_for_link(folder / "a.pdf", secret)
    claim = inbox.take(cand, parent, opened)
    outcome = live["archive"].process(claim, inbox.area)
    assert outcome.kind == "quarantined" and "symbolic link" in str(outcome.reason)
    assert tree(outside) == before and sha(secret.read_bytes()) not in documents(live["archive"])
    assert aside.read_bytes() == live["pdfs"][5].read_bytes()  # the attacker's own file, left alone


def test_a_file_written_on_after_it_was_read_is_put_back_whole(live):
    """A copy that paused past the stable time, then went on writing into the file kyso had
    taken (red team: archived cut short, and its end deleted with the claim): taken again once
    complete, nothing of it archived or lost."""
    folder, make = _inbox(live, "written-on")
    whole = live["pdfs"][6].read_bytes()
    half = len(whole) // 2
    (folder / "a.pdf").write_bytes(whole[:half])
    writer = open(folder / "a.pdf", "ab")  # the copy tool's own descriptor, kept across the rename
    inbox = make()
    [cand], _ = inbox.scan()
    claim = inbox.claim(cand)
    claim.read(10 << 20)  # kyso has read what was written so far
    writer.write(whole[half:])
    writer.close()
    outcome = live["archive"].process(claim, inbox.area)
    assert outcome.kind == "returned", outcome
    assert (folder / "a.pdf").read_bytes() == whole
    assert sha(whole[:half]) not in documents(live["archive"])


def test_a_file_written_on_while_it_was_committed_is_put_back_not_deleted(live):
    """The same write after the last look before storing: the claim is released with the file
    still growing, and the release puts it back instead of deleting it."""
    folder, make = _inbox(live, "written-on-late")
    whole = live["pdfs"][7].read_bytes()
    (folder / "a.pdf").write_bytes(whole[:100])
    writer = open(folder / "a.pdf", "ab")
    inbox = make()
    [cand], _ = inbox.scan()
    claim = inbox.claim(cand)
    claim.read(10 << 20)
    writer.write(whole[100:])
    writer.close()
    inbox.area.release(claim)
    assert (folder / "a.pdf").read_bytes() == whole
    assert not any(inbox.area.path("").iterdir())


def test_a_folder_swapped_for_a_link_is_never_entered(live):
    folder, make = _inbox(live, "folder-swap")
    (folder.parent / "o3").mkdir()
    outside, secret = make_outside(folder.parent / "o3", live["pdfs"][6:8])
    before = tree(outside)
    (folder / "sub").mkdir()
    (folder / "sub" / "b.pdf").write_bytes(live["pdfs"][8].read_bytes())  # outside holds a b.pdf too
    inbox = make()
    [cand], _ = inbox.scan()
    os.rename(folder / "sub", folder / ".sub-aside")
    (folder / "sub").symlink_to(outside, target_is_directory=True)
    assert inbox.claim(cand) is None
    [link], _ = inbox.scan()
    from archive.intake.kinds import Left

    left = inbox.claim(link)  # a link not named .pdf is no document: left alone, never followed
    assert isinstance(left, Left) and "not a regular file" in str(left.reason) and (folder / "sub").is_symlink()
    assert inbox.scan()[0] == []  # and not looked at again while it stays as it is
    assert tree(outside) == before
    docs = documents(live["archive"])
    assert sha(secret.read_bytes()) not in docs and sha((outside / "b.pdf").read_bytes()) not in docs


def test_the_processing_folder_swapped_for_a_link_sends_nothing_elsewhere(live):
    folder, make = _inbox(live, "processing-swap")
    elsewhere = folder.parent / "elsewhere"  # e.g. the archive home, with the database in it
    elsewhere.mkdir()
    (elsewhere / "kyso.sqlite").write_bytes(b"precious")
    before = tree(elsewhere)
    (folder / "c.pdf").write_bytes(live["pdfs"][9].read_bytes())
    inbox = make()
    inbox.area.fd  # the worker has started
    os.rename(folder / ".kyso-processing", folder / ".old-processing")
    (folder / ".kyso-processing").symlink_to(elsewhere, target_is_directory=True)
    [cand], _ = inbox.scan()
    outcome = live["archive"].process(inbox.claim(cand), inbox.area)
    assert outcome.kind == "archived"
    assert tree(elsewhere) == before
    restarted = make()  # a new worker finds the link: moved aside, a private folder made
    restarted.area.orphans(600)
    assert (folder / ".kyso-processing").is_dir() and not (folder / ".kyso-processing").is_symlink()
    assert stat.S_IMODE((folder / ".kyso-processing").stat().st_mode) == 0o700
    assert tree(elsewhere) == before


def test_a_file_written_to_while_it_is_read_is_put_back_whole(live):
    folder, make = _inbox(live, "rewritten")
    first, second = live["pdfs"][10].read_bytes(), live["pdfs"][11].read_bytes()
    path = folder / "d.pdf"
    path.write_bytes(first)
    writer = open(path, "r+b")  # the attacker (or a slow copy tool) keeps the file open
    inbox = make()
    [cand], _ = inbox.scan()
    claim = inbox.claim(cand)
    writer.seek(0)
    writer.write(second)
    writer.truncate()
    writer.flush()
    os.utime(writer.fileno(), ns=(time.time_ns(), time.time_ns() + 10**9))
    outcome = live["archive"].process(claim, inbox.area)
    writer.close()
    assert outcome.kind == "returned"
    assert path.read_bytes() == second  # left whole in the inbox, to be taken once complete
    docs = documents(live["archive"])
    assert sha(first) not in docs and sha(second) not in docs
    assert not list((live["root"] / "home" / "quarantine").glob("*d.pdf*"))


def test_what_is_stored_and_healed_is_the_bytes_that_were_hashed(live):
    from archive.storage.fixity import check

    archive = live["archive"]
    folder, make = _inbox(live, "heal")
    data = (SAMPLES / "plan.pdf").read_bytes()
    (folder / "e.pdf").write_bytes(data)
    inbox = make()
    [cand], _ = inbox.scan()
    assert archive.process(inbox.claim(cand), inbox.area).kind == "archived"
    blob = archive.blobs.path(sha(data))
    blob.chmod(0o600)
    blob.unlink()  # the stored copy is lost
    (folder / "again.pdf").write_bytes(data)
    writer = open(folder / "again.pdf", "r+b")
    [cand], _ = inbox.scan()
    claim = inbox.claim(cand)
    claim.read(archive.settings.max_size)  # the one read
    writer.write(b"%PDF-1.7 rewritten after it was read")  # then the attacker rewrites it
    writer.close()
    outcome = archive.process(claim, inbox.area)
    assert outcome.kind == "duplicate" and outcome.sha256 == sha(data)
    assert archive.blobs.path(sha(data)).read_bytes() == data and check(archive).ok
    with pytest.raises(ValueError):
        archive.blobs.put(b"other bytes", sha(data))  # nothing stores bytes under another hash


def test_an_unread_file_on_another_filesystem_is_held_beside_the_claims_not_copied(live, tmp_path):
    from dataclasses import replace

    from archive.ingest import Archive
    from archive.intake.inbox import Inbox

    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second filesystem (/dev/shm) to put the inbox on")
    archive = Archive(replace(live["archive"].settings, max_size=1024), trust=live["archive"].trust, lang="en")
    folder = Path(os.fsdecode(os.path.join(os.fsencode(shm), b"kyso-test-%d" % os.getpid())))
    folder.mkdir()
    try:
        (folder / "big.pdf").write_bytes(b"%PDF-1.7\n" + b"0" * 4096)
        inode = (folder / "big.pdf").stat().st_ino
        inbox = Inbox(folder, 0)
        [cand], _ = inbox.scan()
        outcome = archive.process(inbox.claim(cand), inbox.area)
        assert outcome.kind == "quarantined" and "over the limit" in str(outcome.reason)
        held = list((folder / ".kyso-processing").glob("*.held"))
        assert [p.stat().st_ino for p in held] == [inode]  # the very file, moved within its filesystem
        _, body = by_file(quarantined(live["root"] / "home"), "big.pdf")
        assert ".held (another filesystem)" in body
    finally:
        import shutil

        shutil.rmtree(folder)
    archive.engine.dispose()


# -- a swap racing a running watcher -----------------------------------------------------------

def test_an_attacker_racing_the_watcher_never_gets_a_file_from_outside(tmp_path):
    pdfs = variants(SAMPLES / "appendix.pdf", 3, tmp_path / "made", prefix="race")
    (tmp_path / "o").mkdir()
    outside, secret = make_outside(tmp_path / "o", pdfs[:2])
    before = tree(outside)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bait = pdfs[2].read_bytes()
    attacker = f"""
import os, random, time
inbox, secret, outside = {str(inbox)!r}, {str(secret)!r}, {str(outside)!r}
bait = open({str(pdfs[2])!r}, 'rb').read()
st = os.stat(secret)
end = time.time() + 3
i = 0
while time.time() < end:
    i += 1
    name = os.path.join(inbox, 'bait-%d.pdf' % i)
    with open(name, 'wb') as fh:
        fh.write(bait)
    os.makedirs(os.path.join(inbox, 'sub%d' % i))
    sub = os.path.join(inbox, 'sub%d' % i, 'b.pdf')
    with open(sub, 'wb') as fh:
        fh.write(bait)
    time.sleep(0.25 + random.random() * 0.3)  # found stable by then, maybe being taken now
    for path, target in ((name, secret), (os.path.join(inbox, 'sub%d' % i), outside)):
        try:
            os.rename(path, os.path.join(inbox, '.gone-%d-%s' % (i, os.path.basename(path))))
            os.symlink(target, path)
        except OSError:
            pass
"""
    home = tmp_path / "home"
    env = kyso_env(home)
    watcher = subprocess.Popen([sys.executable, "-m", "archive", "watch", str(inbox), "--trust", str(TRUST), "--poll", "0.1",
                                "--stable-seconds", "0.2", "--workers", "2"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        time.sleep(1.5)  # starting: the first files wait for it
        subprocess.run([sys.executable, "-c", attacker], check=True, timeout=60)
        time.sleep(1.5)
    finally:
        os.killpg(watcher.pid, 15)
        _, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err[-3000:]
    assert tree(outside) == before
    docs = documents(open_archive(home))
    assert sha(bait) in docs  # the race did happen against a working watcher
    assert sha(secret.read_bytes()) not in docs and sha((outside / "b.pdf").read_bytes()) not in docs


# -- `kyso ingest`: a claim stuck on a long name, pipes and huge files --------------------------

def test_a_stuck_claim_with_a_long_vietnamese_name_is_settled_by_the_next_ingest(tmp_path):
    home = tmp_path / "home"
    env = kyso_env(home)
    junk = tmp_path / LONG_NAME
    junk.write_bytes(b"a claim whose process died before it was settled\n")
    dying = ("import os, sys\nfrom pathlib import Path\nfrom archive.intake.inbox import ProcessingArea\n"
             "area = ProcessingArea(Path(sys.argv[1]) / 'processing')\n"
             "claim = area.copy_in(Path(sys.argv[2]), Path(sys.argv[2]).name, 'ingest:' + sys.argv[2])\n"
             "getattr(claim, 'read', lambda limit: None)(1 << 20)\n"
             "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", dying, str(home), str(junk)], env=env, check=True, timeout=60)
    assert len(list((home / "processing").glob("*.json"))) == 1
    good = tmp_path / "good.pdf"
    good.write_bytes((SAMPLES / "plan.pdf").read_bytes())
    first, _ = kyso(env, "ingest", "--json", good, "--trust", TRUST)
    assert first.returncode == 4, first.stderr[-3000:]  # the stuck one is quarantined, the new one archived
    assert b'"event": "archived"' in first.stdout and b"Traceback" not in first.stderr
    _, body = by_file(quarantined(home), LONG_NAME)
    assert "not archivable" in body
    second, _ = kyso(env, "ingest", "--json", good, "--trust", TRUST)
    # the same file from the same path again: already archived, no second receipt
    assert second.returncode == 0 and b'"event": "already"' in second.stdout, second.stderr[-3000:]


def test_ingest_of_a_pipe_and_a_5_gb_file_ends_without_reading_them(tmp_path):
    home = tmp_path / "home"
    pipe = tmp_path / "ong.pdf"
    os.mkfifo(pipe)
    big = tmp_path / "lon.pdf"
    with open(big, "wb") as fh:
        fh.truncate(5 * GB)
    good = tmp_path / "good.pdf"
    good.write_bytes((SAMPLES / "plan.pdf").read_bytes())
    result, peak = kyso(kyso_env(home), "ingest", "--json", pipe, big, good, "--trust", TRUST, timeout=120)
    assert result.returncode == 4, result.stderr[-3000:]
    assert b'"event": "archived"' in result.stdout
    reasons = quarantined(home)
    assert "named pipe" in by_file(reasons, "ong.pdf")[1] and "over the limit" in by_file(reasons, "lon.pdf")[1]
    assert "not copied" in by_file(reasons, "lon.pdf")[1] and big.stat().st_size == 5 * GB  # the original stays
    assert [p for p in (home / "quarantine").iterdir() if not p.name.endswith(".reason.txt")] == []
    assert peak < 600 * 1024, peak


# -- a database error is one file's problem ---------------------------------------------------

REFUSE = {
    "sqlite": ["CREATE TRIGGER refuse BEFORE INSERT ON receipts WHEN NEW.original_name LIKE '%tu-choi%' "
               "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"],
    "postgresql": ["CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF NEW.original_name LIKE '%tu-choi%' THEN "
                   "RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER refuse BEFORE INSERT ON receipts FOR EACH ROW EXECUTE FUNCTION refuse()"],
}


def test_a_database_error_quarantines_that_file_and_the_rest_flows(tmp_path, database_url):
    home = tmp_path / "home"
    env = kyso_env(home, database_url)
    subprocess.run([sys.executable, "-m", "archive", "db", "upgrade"], env=env, check=True, capture_output=True)
    engine = create_engine(database_url)
    with engine.begin() as conn:
        for statement in REFUSE[database_url.split(":")[0].split("+")[0]]:
            conn.execute(text(statement))
    engine.dispose()
    pdfs = variants(SAMPLES / "appendix.pdf", 2, tmp_path / "in", prefix="db")
    refused = pdfs[0].rename(pdfs[0].with_name("tu-choi.pdf"))
    result, _ = kyso(env, "ingest", "--json", refused, pdfs[1], "--trust", TRUST)
    assert result.returncode == 4 and b"Traceback" not in result.stderr, result.stderr[-3000:]
    _, body = by_file(quarantined(home), "tu-choi.pdf")
    assert "refused by the test" in body
    archive = open_archive(home, database_url)
    assert set(documents(archive)) == {sha(pdfs[1].read_bytes())}  # the refused one rolled back whole
    archive.engine.dispose()


# -- the retry cap counts every start, across restarts -----------------------------------------

def started(processing: Path) -> int:
    """How many times processing of the one claimed file has been started, as its record says."""
    import json

    for record in processing.glob("*.json") if processing.exists() else ():
        try:
            return json.loads(record.read_text(encoding="utf-8"))["attempts"]
        except (OSError, ValueError, KeyError):
            pass
    return 0


def killed_while_held(inbox: Path, env: dict) -> bool:
    """Two starts of the watcher, each killed with -9 (a power cut, an OOM kill of the whole
    service) while it holds the file. False when a start got through the file before its kill
    landed (a test process starved by a loaded machine), so the scene was never set."""
    processing = inbox / ".kyso-processing"
    for attempt in (1, 2):
        proc = subprocess.Popen([sys.executable, "-m", "archive", "watch", str(inbox), "--trust", str(TRUST),
                                 "--poll", "0.1", "--stable-seconds", "0"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline and started(processing) < attempt:
            if attempt == 2 and not any(processing.glob("*.pdf")):
                break  # the claim ended before this start could be seen holding it
            time.sleep(0.005)
        os.killpg(proc.pid, 9)
        proc.wait(timeout=30)
        if not any(processing.glob("*.pdf")):
            return False
    return True


def test_a_file_that_keeps_stopping_the_whole_service_is_quarantined_after_two_starts(tmp_path):
    for run in range(3):
        inbox = tmp_path / f"run{run}" / "inbox"
        inbox.mkdir(parents=True)
        home = tmp_path / f"run{run}" / "home"
        env = kyso_env(home)
        (inbox / "plan.pdf").write_bytes((SAMPLES / "plan.pdf").read_bytes())
        if killed_while_held(inbox, env):
            break
    else:
        pytest.fail("three times the watcher finished the file before the test could kill it")
    assert not (home / "quarantine").exists() and not documents(open_archive(home))
    result, _ = watch_once(env, inbox)
    assert result.returncode == 4, result.stderr[-3000:]
    _, body = by_file(quarantined(home), "plan.pdf")
    assert "stopped its worker 2 times" in body


# -- the control: a thousand tiny files, each archived once ------------------------------------

def tiny_pdf(i: int) -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    body = b"%%PDF-1.7\n%% tiny %d\n" % i
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return body + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def test_a_thousand_tiny_files_are_archived_once_each(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    for i in range(1000):
        (inbox / ("sub" if i % 2 else ".") / f"tiny-{i:04d}.pdf").write_bytes(tiny_pdf(i))
    home = tmp_path / "home"
    started = time.monotonic()
    result, _ = watch_once(kyso_env(home), inbox, "--workers", "2")
    seconds = time.monotonic() - started
    print(f"\n1000 tiny files: {seconds:.1f} s with 2 workers")
    assert result.returncode == 0, result.stderr[-3000:]
    from archive.db.models import Receipt

    archive = open_archive(home)
    with archive.sessions() as s:
        counts = dict(s.execute(select(Receipt.original_name, func.count(Receipt.id)).group_by(Receipt.original_name)).all())
    assert len(counts) == 1000 and set(counts.values()) == {1}
    assert len(documents(archive)) == 1000
    assert [p for p in inbox.rglob("*") if p.is_file()] == []
    archive.engine.dispose()
