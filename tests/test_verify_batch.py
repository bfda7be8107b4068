"""Batches that scale (issue 18): `kyso verify` takes folders and `-` for a list of paths on
standard input, reports a file it cannot read in its place and goes on, keeps the order given,
holds a bounded number of jobs and results whatever the batch's size, and shows its progress on
a terminal only; `--password` opens an encrypted document, and goes into no output.

Real `kyso` processes on copies of the samples in tmp_path (a few runs of one file in this process,
tests/inprocess.py), a real pseudo-terminal, a document signed here with the test PKI and
encrypted with a user password."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import inprocess
from tests.conftest import SAMPLES, manifest
from tests.terminal import on_a_terminal

TRUST = str(SAMPLES / manifest()["trust"])
PASSWORD = "mật khẩu 7"


def kyso(*args: str, input: bytes | None = None, env_extra: dict | None = None, real: bool = True,
         **kwargs) -> subprocess.CompletedProcess:
    """`kyso ARGS` in a process of its own, or without `real` in this process (tests/inprocess.py)."""
    env = {k: v for k, v in os.environ.items() if k != "KYSO_PDF_PASSWORD"} | {"KYSO_LANG": "en", **(env_extra or {})}
    if not real:
        return inprocess.kyso(*args, env=env, input=input, text=False, **kwargs)
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, input=input, env=env,
                          timeout=600, **kwargs)


def reports(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def folder(tmp_path: Path) -> Path:
    root = tmp_path / "mail"
    (root / "b").mkdir(parents=True)
    shutil.copy(SAMPLES / "appendix.pdf", root / "b" / "z.pdf")
    shutil.copy(SAMPLES / "not-a-pdf.pdf", root / "b" / "broken.PDF")
    shutil.copy(SAMPLES / "appendix.pdf", root / "a.pdf")
    (root / "notes.txt").write_text("not a document")
    (root / "Thumbs.db").write_bytes(b"\0" * 64)
    shutil.copy(SAMPLES / "appendix.pdf", root / ".hidden.pdf")
    return root


def test_a_folder_is_walked_recursively_pdfs_by_name_in_sorted_order(tmp_path):
    root = folder(tmp_path)
    result = kyso("verify", "--json", "--trust", TRUST, str(root))
    assert [r["file"] for r in reports(result)] == [str(root / "a.pdf"), str(root / "b" / "broken.PDF"),
                                                     str(root / "b" / "z.pdf")]
    assert [r["verdict"] for r in reports(result)] == ["VALID", "ERROR", "VALID"]
    assert result.returncode == 4, result.stderr


def test_a_missing_file_is_reported_in_its_place_and_the_batch_goes_on(tmp_path):
    root = folder(tmp_path)
    missing = tmp_path / "gone.pdf"
    listed = f"{root / 'a.pdf'}\n{missing}\n{root / 'b' / 'z.pdf'}\n".encode()
    result = kyso("verify", "--json", "--trust", TRUST, "-", input=listed)
    got = reports(result)
    assert [r["file"] for r in got] == [str(root / "a.pdf"), str(missing), str(root / "b" / "z.pdf")]
    assert [r["verdict"] for r in got] == ["VALID", "ERROR", "VALID"]
    assert got[1]["findings"][0]["code"] == "FILE_UNREADABLE"
    assert "no such file or directory" in got[1]["findings"][0]["message"]
    assert result.returncode == 4  # unreadable input, after every file was checked (never 2 before)
    assert b"Traceback" not in result.stderr
    # in text, the reader is told what to do about it, in the file's place and in the summary
    text = kyso("verify", "--trust", TRUST, str(root / "a.pdf"), str(missing), str(root / "b" / "z.pdf"))
    out = text.stdout.decode()
    assert out.index("a.pdf") < out.index("gone.pdf") < out.index("z.pdf")
    assert "What to do: Check the path and the permission to read it" in out
    assert f"{missing} — Unreadable file: The file cannot be read: no such file or directory" in out
    assert text.returncode == 4


def test_a_nul_separated_list_reaches_names_with_newlines(tmp_path):
    odd = tmp_path / "công văn\nsố 2.pdf"
    shutil.copy(SAMPLES / "appendix.pdf", odd)
    result = kyso("verify", "--json", "-0", "--trust", TRUST, "-", input=os.fsencode(odd) + b"\0")
    assert [(r["file"], r["verdict"]) for r in reports(result)] == [(str(odd), "VALID")]
    assert result.returncode == 0


def test_nothing_to_verify_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    result = kyso("verify", "--trust", TRUST, str(tmp_path / "empty"))
    assert result.returncode == 2
    assert "no PDF file (named .pdf) was found to verify" in result.stderr.decode()


def test_results_hold_a_bounded_window_of_jobs_however_long_the_batch(tmp_path, sample_trust):
    """An endless batch still yields its first results: the pool never reads the whole list."""
    from archive import verify_pool
    from archive.cli import paths

    pulled = itertools.count()

    def endless():
        for n in itertools.count():
            next(pulled)
            yield verify_pool.Job(tmp_path / f"missing-{n}.pdf", 1 << 20, "en", True)

    results = verify_pool.results(endless(), sample_trust, workers=2)
    first = list(itertools.islice(results, 5))
    results.close()
    assert [json.loads(r.text)["file"] for r in first] == [str(tmp_path / f"missing-{n}.pdf") for n in range(5)]
    assert next(pulled) <= 5 + 2 * verify_pool.AHEAD + 2
    # and the walk of the arguments is as lazy (test_paths.py shows it on an endless stdin)
    assert next(paths.walk([tmp_path]), None) is None


def test_the_summary_keeps_a_bounded_list_of_files_needing_attention():
    from archive import verify_pool
    from archive.cli.verify import Tally, batch_summary

    tally = Tally()
    for n in range(Tally.ATTENTION + 5):
        tally.add(verify_pool.Result(Path(f"f{n}.pdf"), "INVALID", reason="changed"))
    tally.add(verify_pool.Result(Path("ok.pdf"), "VALID"))
    assert len(tally.attention) == Tally.ATTENTION and tally.more == 5
    text = batch_summary(tally, "en")
    assert "SUMMARY of 1006 files: Valid 1 · Invalid 1005" in text
    assert "Need attention (1005):" in text and "… and 5 more files" in text
    assert tally.exit_code() == 1


def _on_a_terminal(*args: str) -> tuple[int, str, bytes]:
    """kyso with stderr on a pseudo-terminal (stdout a pipe, as `kyso verify … > out.txt`)."""
    env = {**os.environ, "KYSO_LANG": "en"}
    code, out, seen = on_a_terminal([sys.executable, "-m", "archive", *args], env)
    return code, seen.decode(errors="replace"), out


def test_progress_is_drawn_on_a_terminal_and_never_in_a_pipe(tmp_path):
    root = folder(tmp_path)
    code, terminal, out = _on_a_terminal("verify", "--jobs", "1", "--trust", TRUST, str(root))
    assert code == 4
    assert "kyso verify: 1/3" in terminal and "kyso verify: 3/3" in terminal
    assert terminal.rstrip().endswith("\x1b[K")  # wiped when done: the terminal is left clean
    assert b"kyso verify:" not in out
    piped = kyso("verify", "--trust", TRUST, str(root))
    assert b"kyso verify:" not in piped.stderr and b"\r" not in piped.stderr


# -- --password ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def encrypted(tmp_path_factory) -> Path:
    """The plan signed by the director after encryption with a user password (AES-256), as
    samples/build.py makes encrypted-empty-password.pdf but with a password nobody can guess."""
    sys.path.insert(0, str(SAMPLES))
    import build as sample_build  # samples/build.py
    import forge
    import pkigen
    import vnsign

    work = tmp_path_factory.mktemp("encrypted")
    builder = sample_build.Builder(pkigen.load_or_create(SAMPLES / "pki"), work, None)
    when = dt.datetime(2022, 3, 8, 9, 56, 26)
    enc = forge.encrypt((SAMPLES / "no-signatures.pdf").read_bytes(), user=PASSWORD, owner="kyso-owner")
    writer = vnsign.open_incremental(enc, "password", when)
    writer.encrypt(PASSWORD.encode())
    signed = vnsign.sign(enc, builder.layer("director", when, "Signature1", certify=True), writer=writer)
    path = work / "signed-with-password.pdf"
    path.write_bytes(signed)
    return path


def test_password_opens_an_encrypted_document_and_goes_into_no_output(encrypted):
    result = kyso("verify", "--json", "--trust", TRUST, "--password", PASSWORD, str(encrypted))
    (report,) = reports(result)
    assert report["verdict"] == "VALID", report["findings"]
    codes = [f["code"] for f in report["findings"]]
    assert "ENCRYPTED_PASSWORD_GIVEN" in codes
    assert "RENDERING_UNAVAILABLE" not in codes  # PDFium opened it too: the pages were compared
    assert PASSWORD.encode() not in result.stdout + result.stderr
    assert result.returncode == 0
    # from the environment, as a script would give it
    env = kyso("verify", "--json", "--trust", TRUST, str(encrypted), env_extra={"KYSO_PDF_PASSWORD": PASSWORD}, real=False)
    assert reports(env)[0]["verdict"] == "VALID"
    # '-' from a pipe: the first line is the password
    piped = kyso("verify", "--json", "--trust", TRUST, "--password", "-", str(encrypted), input=PASSWORD.encode() + b"\n",
                 real=False)
    assert reports(piped)[0]["verdict"] == "VALID"


def test_without_or_with_a_wrong_password_the_advice_can_be_followed(encrypted):
    without = kyso("verify", "--trust", TRUST, str(encrypted))
    assert without.returncode == 4
    assert "What to do: Verify it again with its password (kyso verify --password -)" in without.stdout.decode()
    wrong = kyso("verify", "--json", "--trust", TRUST, "--password", "nope", str(encrypted), real=False)
    (report,) = reports(wrong)
    assert report["verdict"] == "ERROR" and report["findings"][0]["code"] == "ENCRYPTED_WRONG_PASSWORD"
    assert b"nope" not in wrong.stdout + wrong.stderr  # a wrong one is not echoed either
    assert wrong.returncode == 4
    both = kyso("verify", "--trust", TRUST, "--password", "-", "-", input=str(encrypted).encode(), real=False)
    assert both.returncode == 2 and b"KYSO_PDF_PASSWORD" in both.stderr


def test_ctrl_c_stops_the_batch_saying_what_was_done(tmp_path):
    """SIGINT to the process group, as Ctrl-C on a terminal sends it: the workers stop, the
    command says how many files were verified and how many were left, exit 130, no traceback."""
    import signal
    import time

    many = tmp_path / "many"
    many.mkdir()
    for n in range(400):
        os.link(SAMPLES / "appendix.pdf", many / f"{n:04d}.pdf")
    env = {**os.environ, "KYSO_LANG": "en"}
    proc = subprocess.Popen([sys.executable, "-m", "archive", "verify", "--jobs", "2", "--trust", TRUST, str(many)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    os.set_blocking(proc.stdout.fileno(), False)
    seen, deadline = b"", time.monotonic() + 120
    while b"RESULT" not in seen and time.monotonic() < deadline:  # the first results are out
        seen += proc.stdout.read() or b""
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    err = err.decode()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    done = int(err.split("interrupted (Ctrl-C) after ")[1].split(" files")[0])
    assert 0 < done < 400 and f"; {400 - done} files left unverified" in err
