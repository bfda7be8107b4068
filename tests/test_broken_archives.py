"""Issue 18, no tracebacks: every command that reads the archive, run as a real `kyso` process
against real broken archives (a stored original missing or altered, a read-only home, a database
another process holds locked, KYSO_HOME a file, a schema too old or too new, an archive that does
not exist, a database server that cannot be reached), says in one sentence what happened and what
to do next, in Vietnamese and English, and exits with the agreed code (README: Exit codes):
5 for an archive problem, 2 for a bad argument, 6 for kyso's own bug (with a log file), 130 on
Ctrl-C after saying what was done. Never "Traceback".

Real SQLite archives made by `kyso ingest`, real PostgreSQL (tests/conftest.py), real files,
real subprocesses, real signals and a real terminal (a pty) for the which-archive line. Every
command of a case runs in this process (tests/inprocess.py: the same entry point, a second of
start-up less each); in each case at least one runs as a real process too, where the exit status
and stderr are what a shell sees, and a read-only home, a held lock, Ctrl-C and the terminal are
only real processes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import inprocess
from tests.conftest import SAMPLES, manifest
from tests.terminal import on_a_terminal

TRUST = str(SAMPLES / manifest()["trust"])
DOCS = ("plan.pdf", "appendix.pdf", "agency-only.pdf", "person-only.pdf", "unit-report.pdf", "seal-elsewhere.pdf")


def command() -> list[str]:
    script = shutil.which("kyso", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "archive"]


def env_for(home: Path, lang: str = "en", **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("KYSO_LANG", "KYSO_DATABASE_URL", "KYSO_INBOX", "KYSO_CONFIG")}
    env.update({"KYSO_HOME": str(home), "KYSO_LANG": lang, "PYTHONUNBUFFERED": "1", **extra})
    return env


def run(env: dict, *args: str, code: int, prefix: tuple[str, ...] = (), real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process, or in a real one with `real` or a `prefix` (a real process's
    privileges)."""
    if real or prefix:
        result = subprocess.run([*prefix, *command(), *args], capture_output=True, text=True, env=env, timeout=300)
    else:
        result = inprocess.kyso(*args, env=env)
    assert result.returncode == code, (args, result.returncode, result.stdout[-2000:], result.stderr[-3000:])
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr[-3000:]
    return result


def each(env: dict, commands: list[tuple[str, ...]], code: int, prefix: tuple[str, ...] = ()) -> dict:
    """`run` of every command, results by argv: in this process, or with a `prefix` in real
    processes four at a time (their start-up is most of their time)."""
    if not prefix:
        return {args: run(env, *args, code=code) for args in commands}
    out = {}
    for start in range(0, len(commands), 4):
        batch = commands[start:start + 4]
        procs = {args: subprocess.Popen([*prefix, *command(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env) for args in batch}
        for args, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=300)
            assert proc.returncode == code, (args, proc.returncode, stdout[-2000:], stderr[-3000:])
            assert "Traceback" not in stderr and "Traceback" not in stdout, stderr[-3000:]
            out[args] = subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)
    return out


def reading(out: Path) -> list[tuple[str, ...]]:
    """Every command that only reads the archive (README: Exit codes)."""
    return [
        ("archive", "list"), ("archive", "list", "--json"), ("archive", "show", "1"), ("archive", "show", "1", "--json"),
        ("archive", "export", "1", "--to", str(out / "export")), ("archive", "fixity"), ("archive", "fixity", "--json"),
        ("archive", "report", "1", "-o", str(out / "r.html")), ("archive", "reverify", "--all", "--trust", TRUST),
        ("audit", "verify"), ("audit", "verify", "--json"), ("verify", "--archived", "1", "--trust", TRUST),
    ]


WRITING = [("ingest", str(SAMPLES / "plan.pdf"), "--trust", TRUST), ("db", "upgrade")]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A real SQLite archive: six VALID samples ingested."""
    home = tmp_path_factory.mktemp("made") / "home"
    run(env_for(home), "ingest", *[str(SAMPLES / d) for d in DOCS], "--trust", TRUST, code=0)
    # the archive at rest, as after its last kyso process ended: the in-process ingest may still
    # hold a pooled connection, and its write-ahead log copied along made a read-only copy
    # readable or not by when the garbage collector closed it
    db = sqlite3.connect(home / "kyso.sqlite")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return home


@pytest.fixture
def home(made, tmp_path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(made, copy, ignore=shutil.ignore_patterns("kyso.sqlite-wal", "kyso.sqlite-shm"))
    return copy


def _original(home: Path, doc_id: int = 1) -> Path:
    db = sqlite3.connect(home / "kyso.sqlite")
    (sha,) = db.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
    db.close()
    return home / "objects" / sha[:2] / sha[2:]


def _together(jobs: dict[tuple[str, ...], dict], timeout: float = 300) -> dict:
    """Several kyso processes at once (they wait for the same lock); their results by argv."""
    procs = {args: subprocess.Popen([*command(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env=env) for args, env in jobs.items()}
    out = {}
    for args, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=timeout)
        out[args] = subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)
    return out


# -- an archive that is not there, or not a folder ----------------------------------------------

def test_a_reading_command_refuses_an_archive_that_does_not_exist(tmp_path):
    missing = tmp_path / "mistyped-home"
    for args, result in each(env_for(missing), reading(tmp_path), code=5).items():
        assert f"there is no archive at {missing}" in result.stderr and "kyso ingest FILE" in result.stderr, args
    assert not missing.exists()  # nothing was created: a mistyped KYSO_HOME is said, not filled
    vi = run(env_for(missing, "vi"), "archive", "list", code=5, real=True)
    assert f"Lỗi: không có kho lưu trữ nào ở {missing}" in vi.stderr and "kyso ingest TỆP" in vi.stderr


def test_home_that_is_a_file(tmp_path):
    afile = tmp_path / "home"
    afile.write_text("not a folder")
    for args, result in each(env_for(afile), [*reading(tmp_path), *WRITING], code=5).items():
        assert f"KYSO_HOME {afile} is a file, not a folder" in result.stderr, args
    vi = run(env_for(afile, "vi"), "ingest", str(SAMPLES / "plan.pdf"), code=5, real=True)
    assert f"KYSO_HOME {afile} là một tệp, không phải thư mục" in vi.stderr


# -- stored originals missing or altered --------------------------------------------------------

@pytest.mark.parametrize("damage", ["missing", "altered"])
def test_stored_original_missing_or_altered(home, tmp_path, damage):
    blob = _original(home)
    blob.chmod(0o644)
    if damage == "missing":
        blob.unlink()
        said, vi_said = "is missing from the archive", "không còn trong kho lưu trữ"
    else:
        blob.write_bytes(blob.read_bytes()[:-10] + b"0123456789")
        said, vi_said = "fails fixity", "không còn nguyên vẹn"
    env = env_for(home)
    out = tmp_path / "out"

    shown = run(env, "archive", "show", "1", code=5)  # what the archive knows is still shown, then the problem
    assert shown.stdout.startswith("#1  plan.pdf") and f"the stored original of document 1 {said}" in shown.stderr
    assert "kyso archive fixity" in shown.stderr
    as_json = run(env, "archive", "show", "1", "--json", code=5)
    assert json.loads(as_json.stdout)["stored_original"] == damage

    exported = run(env, "archive", "export", "1", "--to", str(out), code=5)
    assert said in exported.stderr and not out.exists()  # no half-made export folder
    run(env, "archive", "export", "2", "--to", str(out), code=0)  # the other documents are untouched

    report = run(env, "archive", "report", "1", "-o", str(out / "r.html"), code=5)
    assert (out / "r.html").exists() and said in report.stderr  # the report still made, without pictures

    archived = run(env, "verify", "--archived", "1", "--archived", "2", "--trust", TRUST, code=5)
    assert said in archived.stderr and "appendix.pdf" in archived.stdout  # document 2 verified all the same

    again = run(env, "archive", "reverify", "--all", "--trust", TRUST, code=5)
    lines = again.stdout.splitlines()
    assert said in lines[0] and len([l for l in lines if "->" in l]) == len(DOCS) - 1  # went on past it
    assert f"{len(DOCS) - 1} re-verified" in again.stdout
    assert "1 documents whose stored original is missing or altered were not re-verified" in again.stdout

    fixity = run(env, "archive", "fixity", code=1)  # the check found a problem: a proven one
    assert ("MISSING" if damage == "missing" else "ALTERED") in fixity.stdout
    run(env, "archive", "list", code=0)
    run(env, "audit", "verify", code=0)

    vi = run(env_for(home, "vi"), "archive", "export", "1", "--to", str(out), code=5, real=True)
    assert f"Lỗi: bản gốc đã lưu của văn bản 1 {vi_said}" in vi.stderr


# -- database problems -------------------------------------------------------------------------

def test_locked_database_waits_with_a_message_then_gives_up(home, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(home / 'kyso.sqlite')!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(120)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        env = env_for(home, KYSO_LOCK_WAIT="3")
        jobs = {args: env for args in [*reading(tmp_path), WRITING[0]]}
        jobs[("--lang", "vi", "archive", "show", "2")] = env
        started = time.monotonic()
        results = _together(jobs)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    for args, result in results.items():
        assert result.returncode == 5, (args, result.returncode, result.stderr[-2000:])
        assert "Traceback" not in result.stderr
        if "vi" in args:
            assert "đang bị một tiến trình kyso khác khóa; đang chờ tối đa 3 giây" in result.stderr
            assert "đang bị một tiến trình khác khóa (đã chờ 3 giây)" in result.stderr
        else:
            assert "is locked by another kyso process; waiting up to 3 s" in result.stderr, (args, result.stderr)
            assert "is locked by another process (waited 3 s)" in result.stderr
    assert elapsed < 120  # bounded, not SQLite's minute per statement


def _without_root_powers() -> tuple[str, ...]:
    """A prefix that makes file permissions bind this process even when the tests run as root."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot make the home read-only")
    return (setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")


def test_read_only_home(home, tmp_path):
    prefix = _without_root_powers()
    for path in [home, *home.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        for args, result in each(env_for(home), [*reading(tmp_path), WRITING[0]], code=5, prefix=prefix).items():
            assert "cannot be written (read-only)" in result.stderr and "write access" in result.stderr, args
        vi = run(env_for(home, "vi"), "archive", "list", code=5, prefix=prefix)
        assert "(chỉ cho đọc)" in vi.stderr
    finally:
        for path in [home, *home.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)


def test_sqlite_schema_too_old_or_too_new(home, tmp_path):
    db = sqlite3.connect(home / "kyso.sqlite")
    db.execute("UPDATE alembic_version SET version_num = '0002'")  # says older than its tables are
    db.commit()
    for args, result in each(env_for(home), reading(tmp_path), code=5).items():
        assert "is at schema revision 0002, this kyso needs" in result.stderr and "kyso db upgrade" in result.stderr, args
    db.execute("UPDATE alembic_version SET version_num = '0999'")
    db.commit()
    db.close()
    for args, result in each(env_for(home), [*reading(tmp_path), *WRITING], code=5).items():
        assert "is at schema revision 0999, made by a newer kyso; update kyso" in result.stderr, args
    upgrade = run(env_for(home), "db", "upgrade", code=5, real=True)
    assert "is at schema revision 0999, made by a newer kyso; update kyso" in upgrade.stderr


def test_postgresql_schema_too_old_and_unreachable(pg_database, tmp_path):
    from sqlalchemy import create_engine, text

    env = env_for(tmp_path / "home", KYSO_DATABASE_URL=pg_database)
    for args, result in each(env, reading(tmp_path), code=5).items():  # an empty database: no archive there yet
        assert "holds no archive yet" in result.stderr and "kyso db upgrade" in result.stderr, args
    run(env, "db", "upgrade", code=0)
    run(env, "archive", "list", code=0)
    engine = create_engine(pg_database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    engine.dispose()
    for args, result in each(env, reading(tmp_path), code=5).items():
        assert "is at schema revision 0002, this kyso needs" in result.stderr and "run 'kyso db upgrade'" in result.stderr
    vi = run(env_for(tmp_path / "home", "vi", KYSO_DATABASE_URL=pg_database), "archive", "list", code=5, real=True)
    assert "hãy chạy 'kyso db upgrade'" in vi.stderr

    down = env_for(tmp_path / "home", KYSO_DATABASE_URL="postgresql+psycopg://kyso:s3cret@127.0.0.1:1/test")
    for args, result in each(down, [*reading(tmp_path), *WRITING], code=5).items():
        assert "cannot reach the archive database" in result.stderr and "KYSO_DATABASE_URL" in result.stderr, args
        assert "s3cret" not in result.stderr
    real = run(down, "archive", "list", code=5, real=True)
    assert "cannot reach the archive database" in real.stderr and "s3cret" not in real.stderr


# -- kyso's own failure, and Ctrl-C ------------------------------------------------------------

def test_internal_error_is_one_sentence_and_a_log_file(home):
    db = sqlite3.connect(home / "kyso.sqlite")
    db.execute("UPDATE verifications SET report = '{not json' WHERE document_id = 1")
    db.commit()
    db.close()
    result = run(env_for(home), "archive", "show", "1", code=6, real=True)
    assert result.stderr.startswith("Error: kyso stopped on an internal error (JSONDecodeError")
    assert len(result.stderr.strip().splitlines()) == 1
    log = Path(result.stderr.split("Details are in ")[1].split(";")[0])
    try:
        assert "Traceback" in log.read_text() and "archive show 1" in log.read_text()
    finally:
        log.unlink()
    verbose = subprocess.run([*command(), "-v", "archive", "show", "1"], capture_output=True, text=True, env=env_for(home))
    assert verbose.returncode == 6 and "Traceback" in verbose.stderr  # -v shows it here
    Path(verbose.stderr.split("Details are in ")[1].split(";")[0]).unlink()


def test_ctrl_c_exits_130_saying_what_was_done(home, tmp_path):
    # a batch of verifications says how far it got
    files = [str(SAMPLES / d) for d in DOCS] * 6
    proc = subprocess.Popen([*command(), "verify", "--jobs", "1", "--trust", TRUST, *files], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env_for(home))
    assert proc.stdout.readline()  # it is running
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "interrupted (Ctrl-C) after" in err and "files left unverified" in err and "Traceback" not in err

    # a command that registers what it has done (failures.so_far): how many of how many
    proc = subprocess.Popen([*command(), "archive", "reverify", "--all", "--trust", TRUST], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env_for(home, "vi"))
    assert "->" in proc.stdout.readline()  # the first document is done
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "Đã dừng theo yêu cầu (Ctrl-C): đã kiểm tra lại" in err and f"trên {len(DOCS)} văn bản." in err
    assert "Traceback" not in err


# -- which archive -----------------------------------------------------------------------------

def _on_a_terminal(env: dict, *args: str) -> tuple[int, str, str]:
    """Run with stderr on a real terminal (a pty): (exit code, stdout, what the terminal showed)."""
    code, out, shown = on_a_terminal([*command(), *args], env, timeout=120)
    return code, out.decode(), shown.decode().replace("\r\n", "\n")


def test_which_archive_is_said_first_on_a_terminal_and_in_json(home):
    code, out, shown = _on_a_terminal(env_for(home), "archive", "list")
    assert code == 0 and shown.splitlines()[0] == f"Archive: {home} (SQLite)"
    code, out, shown = _on_a_terminal(env_for(home, "vi"), "audit", "verify")
    assert code == 0 and shown.splitlines()[0] == f"Kho lưu trữ: {home} (SQLite)"
    code, out, shown = _on_a_terminal(env_for(home), "-q", "archive", "list")
    assert code == 0 and "Archive:" not in shown and "plan.pdf" in out
    piped = run(env_for(home), "archive", "list", code=0, real=True)
    assert "Archive:" not in piped.stderr  # not for a script reading stderr
    expected = {"home": str(home), "database": str(home / "kyso.sqlite"), "engine": "SQLite"}
    assert all(json.loads(line)["archive"] == expected for line in run(env_for(home), "archive", "list", "--json", code=0).stdout.splitlines())
    assert json.loads(run(env_for(home), "archive", "show", "1", "--json", code=0).stdout)["archive"] == expected
    assert json.loads(run(env_for(home), "archive", "fixity", "--json", code=0).stdout)["archive"] == expected
    audit = json.loads(run(env_for(home), "audit", "verify", "--json", code=0).stdout)
    assert audit["archive"] == expected and audit["ok"] is True and audit["events"] > 0 and audit["head"]["seq"] > 0


def test_version_and_a_bad_option(tmp_path):
    assert run(env_for(tmp_path / "h"), "--version", code=0, real=True).stdout.strip()
    bad = run(env_for(tmp_path / "h"), "archive", "list", "--no-such-option", code=2, real=True)
    assert "No such option" in bad.stderr
