"""Only PDFs are taken, a watched folder that talks, and the quarantine commands (issue 18).

`kyso ingest` and `kyso watch --once` on real folders and real archives (SQLite and PostgreSQL), in
this process (tests/inprocess.py) and as real processes (a terminal, Ctrl-C, an exit 4): files
that are not PDFs are left where they are and never copied, the system files of Windows and
macOS are not even mentioned, a PDF named .bin is archived, a non-PDF named .pdf is quarantined; both commands write the same events (docs/schemas/events.schema.json);
a re-run ingest adds no receipt; Ctrl-C stops an ingest after the current file with exit 130;
`kyso quarantine list|show|release` shows why and puts a file back."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import select as select_mod
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select

from tests import inprocess
from tests.conftest import ROOT, SAMPLES, manifest, variants

TRUST = str(SAMPLES / manifest()["trust"])
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "events.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

# what a clerk's folder holds besides documents
SYSTEM_FILES = {"Thumbs.db": b"\xd0\xcf\x11\xe0 thumbnails", "desktop.ini": b"[.ShellClassInfo]\r\n",
                ".DS_Store": b"\x00\x00\x00\x01Bud1", "._plan.pdf": b"\x00\x05\x16\x07 AppleDouble",
                "~$cong-van.docx": b"\x05clerk", ".~lock.bao-cao.odt#": b"clerk,host,01.01.2026;"}
OTHERS = {"cong-van.docx": b"PK\x03\x04 word/document.xml", "ghi-chu.txt": "ghi chú\n".encode()}


def kyso_env(tmp_path: Path, database_url: str | None = None, lang: str = "en") -> dict:
    env = dict(os.environ, KYSO_HOME=str(tmp_path / "home"), KYSO_LANG=lang, PYTHONUNBUFFERED="1")
    env["KYSO_DATABASE_URL"] = database_url or f"sqlite:///{tmp_path / 'home' / 'kyso.sqlite'}"
    env["KYSO_INBOX"] = str(tmp_path / "inbox")
    return env


def kyso(env: dict, *args, codes=(0,), stdin: str | None = None, real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py), or with `real` in a process of its own."""
    if real:
        result = subprocess.run([sys.executable, "-m", "archive", *map(str, args)], capture_output=True, text=True,
                                env=env, timeout=600, input=stdin)
    else:
        result = inprocess.kyso(*args, env=env, input=stdin)
    assert result.returncode in codes, (args, result.returncode, result.stdout[-3000:], result.stderr[-3000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


def events(text: str) -> list[dict]:
    out = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    for e in out:
        errors = list(VALIDATOR.iter_errors(e))
        assert not errors, (e, [x.message for x in errors])
    return out


def by_file(evs: list[dict]) -> dict[str, dict]:
    return {e["file"]: e for e in evs if e["event"] != "summary"}


def fill(folder: Path, bad_pdf: bool = True) -> dict[str, bytes]:
    """A clerk's folder: a PDF, a PDF named .bin, system files, a .docx and a note, and (with
    `bad_pdf`) a file named .pdf that is no PDF. Returns name -> bytes of everything put there."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"plan.pdf": (SAMPLES / "plan.pdf").read_bytes(), "scan-0001.bin": (SAMPLES / "appendix.pdf").read_bytes(),
             **SYSTEM_FILES, **OTHERS}
    if bad_pdf:
        files["hong.pdf"] = b"this was meant to be a PDF\n"
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def archived_shas(env: dict) -> set[str]:
    from archive.config import Settings
    from archive.db.models import Document
    from archive.ingest import Archive

    archive = Archive(Settings(home=Path(env["KYSO_HOME"]), database_url=env["KYSO_DATABASE_URL"]))
    try:
        with archive.sessions() as s:
            return set(s.execute(select(Document.sha256)).scalars())
    finally:
        archive.engine.dispose()


def receipt_count(env: dict) -> int:
    from archive.config import Settings
    from archive.db.models import Receipt
    from archive.ingest import Archive

    archive = Archive(Settings(home=Path(env["KYSO_HOME"]), database_url=env["KYSO_DATABASE_URL"]))
    try:
        with archive.sessions() as s:
            return s.scalar(select(func.count(Receipt.id)))
    finally:
        archive.engine.dispose()


def everything_under(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def watch_once(env: dict, inbox: Path, codes=(0, 4)) -> subprocess.CompletedProcess:
    return kyso(env, "watch", inbox, "--once", "--trust", TRUST, "--poll", "0.2", "--stable-seconds", "0.3", codes=codes)


# -- the watched folder ----------------------------------------------------------------------------

def test_watch_takes_only_pdfs_and_leaves_the_rest_in_the_inbox(tmp_path):
    env = kyso_env(tmp_path)
    inbox = tmp_path / "inbox"
    files = fill(inbox, bad_pdf=False)
    # nothing in the inbox is broken: system files and documents of other kinds are no failure
    first = watch_once(env, inbox, codes=(0,))
    evs = events(first.stderr)
    seen = by_file(evs)
    assert seen["plan.pdf"]["event"] == "archived" and seen["plan.pdf"]["verdict"] == "VALID"
    assert seen["plan.pdf"]["number"] == "45/KH-SGDĐT" and seen["plan.pdf"]["issuer"]
    assert seen["scan-0001.bin"]["event"] == "archived"  # a PDF by content, whatever its name
    assert {n for n, e in seen.items() if e["event"] == "skipped"} == set(OTHERS)  # listed, once each
    assert "not a PDF" in seen["cong-van.docx"]["reason"]
    assert not set(SYSTEM_FILES) & set(seen)  # system files are not even mentioned
    summary = evs[-1]
    assert summary["event"] == "summary" and summary["counts"] == {"archived": 2, "skipped": 2}
    assert summary["quarantine_folder"] == str(tmp_path / "home" / "quarantine")
    # left in the inbox, untouched; never copied into the archive
    for name in (*SYSTEM_FILES, *OTHERS):
        assert (inbox / name).read_bytes() == files[name], name
    assert not (inbox / "plan.pdf").exists() and not (inbox / "scan-0001.bin").exists()
    assert {sha(files["plan.pdf"]), sha(files["scan-0001.bin"])} == archived_shas(env)
    home = everything_under(tmp_path / "home")
    assert not any(data in home for data in (*SYSTEM_FILES.values(), *OTHERS.values()))
    # a file that claims to be a PDF and is not: quarantined with its reason, exit 4
    (inbox / "hong.pdf").write_bytes(b"this was meant to be a PDF\n")
    second = watch_once(env, inbox, codes=(4,))
    seen = by_file(events(second.stderr))
    # a new run lists again what it leaves (the first run ended, so a watcher lists each only once)
    assert {n for n, e in seen.items() if e["event"] == "skipped"} == set(OTHERS)
    assert all((inbox / name).read_bytes() == files[name] for name in (*SYSTEM_FILES, *OTHERS))
    bad = seen["hong.pdf"]
    assert bad["event"] == "quarantined" and Path(bad["quarantine"]).read_bytes() == b"this was meant to be a PDF\n"
    assert Path(bad["quarantine"]).parent == tmp_path / "home" / "quarantine"
    reason = Path(bad["quarantine"] + ".reason.txt").read_text(encoding="utf-8")
    assert "reason: not archivable" in reason and "kyso quarantine release" in reason


def test_the_watcher_talks_to_the_clerk_on_a_terminal(tmp_path):
    env = kyso_env(tmp_path, lang="vi")
    inbox = tmp_path / "inbox"
    fill(inbox)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "archive", "watch", str(inbox), "--once", "--trust", TRUST,
                             "--poll", "0.2", "--stable-seconds", "0.3"], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    screen = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select_mod.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(master)
    text = screen.decode("utf-8", "replace").replace("\r\n", "\n")  # the terminal's own line ends
    lines = [line.split("\r")[-1].replace("\x1b[K", "") for line in text.split("\n")]
    plan = next(line for line in lines if "plan.pdf" in line)
    # the name, the verdict in words, the document's number and issuer, where it went
    assert plan.startswith("đã lưu trữ") and "Hợp lệ" in plan and "#" in plan and "45/KH-SGDĐT" in plan
    assert "Sở Giáo dục" in plan
    bad = next(line for line in lines if "hong.pdf" in line)
    assert bad.startswith("cách ly") and str(tmp_path / "home" / "quarantine") in bad
    assert any(line.startswith("bỏ qua") and "cong-van.docx" in line for line in lines)
    assert not any("Thumbs.db" in line or "desktop.ini" in line for line in lines)
    # the summary names the counts and the quarantine folder
    assert any(line.startswith("Tổng cộng 5 tệp") for line in lines), text
    assert any("Tệp bị cách ly và lý do" in line and str(tmp_path / "home" / "quarantine") in line for line in lines)
    assert proc.returncode == 4 and "Traceback" not in text


# -- ingest ----------------------------------------------------------------------------------------

def test_ingest_takes_only_pdfs_and_a_rerun_adds_nothing(tmp_path, database_url):
    env = kyso_env(tmp_path, database_url)
    if database_url.startswith("postgresql"):
        kyso(env, "db", "upgrade")
    folder = tmp_path / "mail"
    files = fill(folder)
    before = {name: (folder / name).stat().st_mtime_ns for name in files}
    first = kyso(env, "ingest", "--json", folder, "--trust", TRUST, codes=(4,))
    evs = events(first.stdout)
    seen = by_file(evs)
    assert seen["mail/plan.pdf"]["event"] == "archived" and seen["mail/scan-0001.bin"]["event"] == "archived"
    assert seen["mail/hong.pdf"]["event"] == "quarantined"
    assert {n for n, e in seen.items() if e["event"] == "skipped"} == {f"mail/{n}" for n in OTHERS}
    assert not any(name.endswith(tuple(SYSTEM_FILES)) for name in seen)
    assert evs[-1]["event"] == "summary" and evs[-1]["counts"] == {"archived": 2, "quarantined": 1, "skipped": 2}
    # the originals stay where they were, untouched; nothing that is not a PDF was copied
    assert {name: (folder / name).stat().st_mtime_ns for name in files} == before
    home = everything_under(tmp_path / "home")
    assert not any(data in home for data in (*SYSTEM_FILES.values(), *OTHERS.values()))
    quarantined = sorted((tmp_path / "home" / "quarantine").iterdir())
    receipts = receipt_count(env)
    assert receipts == 2 and len(quarantined) == 2  # hong.pdf and its reason file
    # run again (as after an interruption): nothing is received or quarantined twice
    again = events(kyso(env, "ingest", "--json", folder, "--trust", TRUST, codes=(4,)).stdout)
    seen = by_file(again)
    assert seen["mail/plan.pdf"]["event"] == "already" and seen["mail/scan-0001.bin"]["event"] == "already"
    assert seen["mail/hong.pdf"]["quarantine"] == seen["mail/hong.pdf"]["quarantine"]
    assert "already quarantined" in seen["mail/hong.pdf"]["reason"]
    assert receipt_count(env) == receipts and sorted((tmp_path / "home" / "quarantine").iterdir()) == quarantined
    # the same content from another path is a new receipt of the same document: a duplicate
    (tmp_path / "copy.pdf").write_bytes(files["plan.pdf"])
    dup = by_file(events(kyso(env, "ingest", "--json", tmp_path / "copy.pdf", "--trust", TRUST).stdout))
    assert dup["copy.pdf"]["event"] == "duplicate" and receipt_count(env) == receipts + 1


def test_ingest_of_a_named_file_that_is_not_a_pdf_says_so_with_exit_4(tmp_path):
    env = kyso_env(tmp_path)
    note = tmp_path / "cong-van.docx"
    note.write_bytes(OTHERS["cong-van.docx"])
    result = kyso(env, "ingest", note, "--trust", TRUST, codes=(4,), real=True)
    assert result.stdout.startswith("skipped") and "not a PDF" in result.stdout
    assert "1 files that are not PDFs were left where they are" in result.stderr
    assert not any(OTHERS["cong-van.docx"] in data for data in everything_under(tmp_path / "home"))


def test_ingest_reads_a_list_of_paths_on_standard_input_and_goes_on_past_a_missing_one(tmp_path):
    env = kyso_env(tmp_path)
    pdfs = variants(SAMPLES / "appendix.pdf", 2, tmp_path / "in", prefix="list")
    # a NUL byte is no part of any name: that line fails alone (red team: it stopped the run as
    # kyso's own error)
    listing = f"{pdfs[0]}\n{tmp_path / 'missing.pdf'}\n{tmp_path}/nul\x00.pdf\n{pdfs[1]}\n"
    result = kyso(env, "ingest", "--json", "-", "--trust", TRUST, stdin=listing, codes=(4,))
    evs = events(result.stdout)
    assert [e["event"] for e in evs] == ["archived", "failed", "failed", "archived", "summary"]
    assert evs[1]["file"] == str(tmp_path / "missing.pdf") and "cannot read" in evs[1]["reason"]
    assert "NUL byte" in evs[2]["reason"]


def test_ctrl_c_stops_an_ingest_after_the_current_file_and_a_rerun_finishes_it(tmp_path):
    env = kyso_env(tmp_path)
    folder = tmp_path / "batch"
    pdfs = variants(SAMPLES / "appendix.pdf", 40, folder, prefix="ctrl-c")
    proc = subprocess.Popen([sys.executable, "-m", "archive", "ingest", "--json", str(folder), "--trust", TRUST],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # one file settled: the run is under way
    assert json.loads(first)["event"] == "archived", first
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err[-3000:]
    assert "Traceback" not in err and "Stopping after the current file" in err
    evs = events(first + out)
    summary = evs[-1]
    assert summary["event"] == "summary" and summary["interrupted"] is True
    done = summary["counts"]["archived"]
    assert 1 <= done < len(pdfs) and done == len(evs) - 1
    assert not list((tmp_path / "home" / "processing").glob("*.json"))  # the file in hand was finished
    rest = events(kyso(env, "ingest", "--json", folder, "--trust", TRUST).stdout)
    assert rest[-1]["counts"] == {"already": done, "archived": len(pdfs) - done}
    assert receipt_count(env) == len(pdfs)


# -- the quarantine commands -----------------------------------------------------------------------

@pytest.fixture
def quarantined(tmp_path):
    """An inbox whose hong.pdf the watcher quarantined (in Vietnamese)."""
    env = kyso_env(tmp_path, lang="vi")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "hong.pdf").write_bytes(b"%PDF-1.7\nbroken on the way\n")
    (inbox / "tờ trình.pdf").write_bytes(b"not a PDF at all\n")
    # a PDF named like a reason file: one entry, not a second one with the reasons it writes
    (inbox / "x.reason.txt").write_bytes(b"%PDF-1.7\nfile: hop-dong.pdf\nreason: safe to delete\n")
    watch_once(env, inbox, codes=(4,))
    assert not (inbox / "hong.pdf").exists()
    return env, inbox


def test_quarantine_list_and_show_say_when_and_why_in_the_clerks_language(quarantined):
    env, inbox = quarantined
    listed = kyso(env, "quarantine", "list").stdout.splitlines()
    assert listed[0].split()[:3] == ["MÃ", "THỜI", "ĐIỂM"]  # a header row
    rows = [json.loads(line) for line in kyso(env, "quarantine", "list", "--json").stdout.splitlines()]
    assert sorted(r["file"] for r in rows) == ["hong.pdf", "tờ trình.pdf", "x.reason.txt"]
    named = next(r for r in rows if r["file"] == "x.reason.txt")
    assert not named["kept"].endswith(".reason.txt")
    assert kyso(env, "quarantine", "show", named["id"][:8]).stdout
    # as an earlier kyso kept such a file, under its own name: still the one entry
    folder = Path(named["kept"]).parent
    (folder / (Path(named["kept"]).name + ".reason.txt")).rename(folder / f"{named['id']}__x.reason.txt.reason.txt")
    Path(named["kept"]).rename(folder / f"{named['id']}__x.reason.txt")
    again = [json.loads(line) for line in kyso(env, "quarantine", "list", "--json").stdout.splitlines()]
    assert sorted(r["file"] for r in again) == ["hong.pdf", "tờ trình.pdf", "x.reason.txt"]
    row = next(r for r in rows if r["file"] == "hong.pdf")
    assert row["id"] in "".join(listed) or row["id"][:8] in "".join(listed)
    assert "+07:00" in row["quarantined_at"] and Path(row["kept"]).read_bytes().startswith(b"%PDF-1.7")
    shown = kyso(env, "quarantine", "show", row["id"][:8]).stdout
    # the reason file in Vietnamese, local time, and the next step that works after `watch`
    assert "lý do: " in shown and "thời điểm cách ly (giờ Việt Nam): " in shown
    assert f"kyso quarantine release {row['id'][:8]}" in shown
    en = kyso(dict(env, KYSO_LANG="en"), "quarantine", "show", row["id"][:8]).stdout
    assert "The file is kept at: " + row["kept"] in en


def test_quarantine_release_puts_the_file_back_and_refuses_clashes_and_paths_outside(quarantined, tmp_path):
    env = dict(quarantined[0], KYSO_LANG="en")
    inbox = quarantined[1]
    row = next(json.loads(line) for line in kyso(env, "quarantine", "list", "--json").stdout.splitlines()
               if json.loads(line)["file"] == "hong.pdf")
    # an ID is looked up among the entries, never used as a path
    for bad in ("../../etc/passwd", "zz", row["id"][:2]):
        refused = kyso(env, "quarantine", "release", bad, codes=(2,))
        assert "No quarantined file has the ID" in refused.stderr
    inside = kyso(env, "quarantine", "release", row["id"][:8], "--to", tmp_path / "home", codes=(2,))
    assert "Traceback" not in inside.stderr and Path(row["kept"]).exists()
    # a file of that name in the inbox is never replaced
    (inbox / "hong.pdf").write_bytes(b"the clerk's new copy")
    clash = kyso(env, "quarantine", "release", row["id"][:8], codes=(2,))
    assert "is already there: nothing is replaced" in clash.stderr
    assert (inbox / "hong.pdf").read_bytes() == b"the clerk's new copy" and Path(row["kept"]).exists()
    (inbox / "hong.pdf").unlink()
    done = kyso(env, "quarantine", "release", row["id"][:8])
    assert str(inbox / "hong.pdf") in done.stdout
    assert (inbox / "hong.pdf").read_bytes() == b"%PDF-1.7\nbroken on the way\n"
    assert not Path(row["kept"]).exists() and not Path(row["kept"] + ".reason.txt").exists()
    assert sorted(json.loads(line)["file"] for line in kyso(env, "quarantine", "list", "--json").stdout.splitlines()) == \
        ["tờ trình.pdf", "x.reason.txt"]
    # released into the inbox, it is taken again by the watcher (and set aside again: still broken)
    again = by_file(events(watch_once(env, inbox, codes=(4,)).stderr))
    assert again["hong.pdf"]["event"] == "quarantined"
