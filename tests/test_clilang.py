"""The `kyso` command speaks the clerk's language: Vietnamese by default, English with `--lang
en` or KYSO_LANG=en, in help, click's own usage errors, the ingest and watch lines, archive
listings, the quarantine reason files; times in Vietnam local time (dd/mm/yyyy HH:MM), ISO 8601
with the offset in JSON; date filters as dd/mm/yyyy or yyyy-mm-dd.

`kyso` in this process (tests/inprocess.py) on a real SQLite archive in tmp_path; the top-level
help and a bad KYSO_LANG (refused before click runs) from real processes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from archive.cli import main
from tests import inprocess
from archive.cli.clicklang import help_key, walk
from archive.cli.words import HELP

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TRUST = str(SAMPLES / "pki" / "trust.pem")

# letters only Vietnamese uses: none may appear in English output (names from documents aside)
VI_LETTERS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]")
# common English words that must not appear in Vietnamese output
EN_WORDS = {"the", "and", "of", "to", "is", "are", "not", "file", "files", "show", "this", "with", "for", "from",
            "usage", "error", "options", "commands", "invalid", "value", "missing", "argument", "option", "such",
            "try", "help", "default", "archive", "archived", "received", "verified", "document", "documents",
            "exit", "message", "version", "reason", "next", "step", "inbox", "quarantined", "duplicate", "valid",
            "trust", "store", "signer", "date", "time", "times", "list", "every", "each", "when", "which",
            "policy", "language", "report", "anchors", "certificates", "signature", "worker", "seconds", "schema"}


def english_words(text: str) -> set[str]:
    """English words of a Vietnamese text, outside what is no prose: option names, file paths,
    URLs, environment variables, placeholders in capitals, quoted values and examples
    (command lines)."""
    kept, commands = [], False
    for line in text.splitlines():
        if line.strip().startswith("kyso "):  # an example command line
            continue
        if line in ("Lệnh:", "Commands:"):
            commands = True
        elif commands and line.startswith("  "):
            line = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ""  # a command's name
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"\bkyso(?: [a-z][a-z-]*)*", " ", text)  # a command's name in a usage line
    text = re.sub(r"\[vi\|en\]|\[valid\|invalid\|indeterminate\]", " ", text)
    text = re.sub(r"https?://\S+|\S*/\S*|--?[\w-]+|\$?[A-Z][A-Z0-9_]+\b|'[^']*'|\"[^\"]*\"|\S+\.(pdf|pem|toml|txt|crt|crl|p7b|json)",
                  " ", text)
    return {w for w in re.findall(r"\w+", text) if w.lower() in EN_WORDS}


def env_for(tmp_path: Path, lang: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("KYSO_LANG", "KYSO_DATABASE_URL", "KYSO_INBOX", "KYSO_CONFIG")}
    env["KYSO_HOME"] = str(tmp_path / "home")
    if lang is not None:
        env["KYSO_LANG"] = lang
    return env


def command() -> list[str]:
    script = shutil.which("kyso", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "archive"]


def kyso(env: dict, *args: str, codes=(0,), cwd=None, real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py), or with `real` in a process of its own."""
    if real:
        result = subprocess.run([*command(), *args], capture_output=True, text=True, env=env, timeout=300, cwd=cwd)
    else:
        result = inprocess.kyso(*args, env=env, cwd=cwd)
    assert result.returncode in codes, (args, result.returncode, result.stdout, result.stderr)
    return result


COMMAND_PATHS = [path for path, _cmd in walk(main)]


# -- help --------------------------------------------------------------------------------------

def test_every_command_and_option_has_help_in_both_languages():
    missing = []
    for path, command in walk(main):
        if path not in HELP:
            missing.append(path)
        for param in command.params:
            if param.__class__.__name__ == "Option" and not param.hidden and help_key(path, param) is None:
                missing.append(f"{path} {param.opts[-1]}")
    assert missing == []
    for key, (vi, en) in HELP.items():
        assert vi.strip() and en.strip() and vi != en, key
        assert not VI_LETTERS.search(en.replace("Kế hoạch", "").replace("SGDĐT", "")), key


@pytest.fixture(scope="module")
def helps(tmp_path_factory):
    """`--help` of every command: by default, with `--lang en` before the command, with
    KYSO_LANG=en after it; in this process, and `kyso --help` from real processes."""
    tmp = tmp_path_factory.mktemp("help")
    out = {}
    for path in COMMAND_PATHS:
        words = [] if path == "kyso" else path.split()
        for variant, args, lang in (("vi", [*words, "--help"], None), ("en-flag", ["--lang", "en", *words, "--help"], None),
                                    ("en-env", [*words, "--help"], "en")):
            out[(path, variant)] = kyso(env_for(tmp, lang), *args, real=path == "kyso").stdout
    return out


@pytest.mark.parametrize("path", COMMAND_PATHS)
def test_help_is_vietnamese_by_default_and_english_on_request(helps, path):
    vi = helps[(path, "vi")]
    assert vi.startswith("Cách dùng: kyso") and "Tùy chọn:" in vi and "Hiện hướng dẫn này rồi thoát." in vi
    assert english_words(vi) == set(), vi
    for variant in ("en-flag", "en-env"):
        en = helps[(path, variant)]
        assert en.startswith("Usage: kyso") and "Options:" in en and "Show this message and exit." in en
        # Vietnamese appears in English help only as an example value ('Kế hoạch', '45/KH-SGDĐT')
        assert not VI_LETTERS.search(re.sub(r"'[^']*'", "", en)), en


def test_lang_after_the_command_and_for_the_report(tmp_path):
    en = kyso(env_for(tmp_path), "archive", "list", "--lang", "en", "--help").stdout
    assert en.startswith("Usage: kyso archive list")
    vi = kyso(env_for(tmp_path, "en"), "--lang", "vi", "certs", "list", "--help").stdout  # the option wins over KYSO_LANG
    assert vi.startswith("Cách dùng: kyso certs list")


def test_a_bad_kyso_lang_is_a_clear_error(tmp_path):
    result = kyso(env_for(tmp_path, "fr"), "verify", "--help", codes=(2,), real=True)
    assert "KYSO_LANG='fr'" in result.stderr and "vi" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    kyso(env_for(tmp_path, " EN "), "--help", real=True)  # case and spaces do not matter


# -- click's own errors --------------------------------------------------------------------------

@pytest.mark.parametrize("args, vi, en", [
    (["verify", "--bogus"], "Lỗi: Không có tùy chọn '--bogus'.", "Error: No such option '--bogus'."),
    # (a missing FILE is no usage error since issue 18: it is reported in its place, exit 4)
    (["verify", "--trust", "missing.pem", "x.pdf"], "Lỗi: Giá trị không hợp lệ cho '--trust': Không có 'missing.pem'.",
     "Error: Invalid value for '--trust': File 'missing.pem' does not exist."),
    (["archive", "show"], "Lỗi: Thiếu đối số 'ID|SHA256'.", "Error: Missing argument 'REF'."),
    (["ingest"], "Lỗi: Thiếu đối số", "Error: Missing argument"),
    (["nosuch"], "Lỗi: Không có lệnh 'nosuch'.", "Error: No such command 'nosuch'."),
    (["watch", "--workers", "0"], "nằm ngoài khoảng", "is not in the range"),
])
def test_usage_errors_in_the_readers_language(tmp_path, args, vi, en):
    result = kyso(env_for(tmp_path), *args, codes=(2,))
    assert vi in result.stderr and "Cách dùng: kyso" in result.stderr and "để biết cách dùng." in result.stderr
    assert english_words(result.stderr) == set(), result.stderr
    result = kyso(env_for(tmp_path, "en"), *args, codes=(2,))
    assert en in result.stderr and "Usage: kyso" in result.stderr and "for help." in result.stderr
    assert not VI_LETTERS.search(result.stderr), result.stderr


# -- an archive: ingest, list, show, reason files -------------------------------------------------

@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """plan.pdf archived and not-a-pdf.pdf quarantined by `kyso ingest` in Vietnamese, then
    encrypted.pdf by `kyso ingest --lang en`."""
    tmp = tmp_path_factory.mktemp("archive")
    env = env_for(tmp)
    vi = kyso(env, "ingest", str(SAMPLES / "plan.pdf"), str(SAMPLES / "not-a-pdf.pdf"), "--trust", TRUST, codes=(4,))
    en = kyso(env, "ingest", str(SAMPLES / "encrypted.pdf"), "--trust", TRUST, "--lang", "en", codes=(4,))
    return {"env": env, "home": tmp / "home", "vi": vi.stdout, "en": en.stdout}


def test_ingest_lines_in_the_clerks_language(archived):
    lines = archived["vi"].splitlines()
    assert lines[0].startswith("đã lưu trữ") and "Hợp lệ" in lines[0] and "plan.pdf #1 — 45/KH-SGDĐT" in lines[0]
    assert lines[1].startswith("cách ly") and "không lưu trữ được" in lines[1]
    assert archived["en"].startswith("quarantined not archivable: The PDF is encrypted")


def _reason(home: Path, name: str) -> str:
    found = [p.read_text(encoding="utf-8") for p in (home / "quarantine").glob("*.reason.txt") if name in p.name]
    assert len(found) == 1
    return found[0]


def _local_minutes(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%d/%m/%Y %H:%M")


def test_reason_file_in_the_clerks_language_and_local_time_with_the_next_step_of_ingest(archived):
    from verifier.vietnam import VIETNAM

    vi = _reason(archived["home"], "not-a-pdf.pdf")
    assert vi.startswith("tệp: not-a-pdf.pdf\nnguồn: ingest:")
    at = re.search(r"^thời điểm cách ly \(giờ Việt Nam\): (\d\d/\d\d/\d{4} \d\d:\d\d)$", vi, re.M)
    assert at and abs((_local_minutes(at[1]) - datetime.now(VIETNAM).replace(tzinfo=None)).total_seconds()) < 600
    assert "lý do: không lưu trữ được: " in vi
    assert "bước tiếp theo: sửa hoặc thay tệp gốc (vẫn ở chỗ cũ) rồi chạy lại 'kyso ingest'" in vi
    en = _reason(archived["home"], "encrypted.pdf")
    assert "reason: not archivable: The PDF is encrypted" in en and "quarantined at (Vietnam time): " in en
    assert "next step: fix or replace the original (it is still where it was) and run 'kyso ingest' on it again" in en
    assert not VI_LETTERS.search(en)


def test_archive_list_in_local_time_and_date_filters_in_both_forms(archived):
    from verifier.vietnam import VIETNAM

    env = archived["env"]
    out = kyso(env, "archive", "list").stdout
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["SỐ", "TT"] and "NGÀY NHẬN" in lines[0]
    row = lines[1]
    stamp = re.search(r"(\d\d/\d\d/\d{4} \d\d:\d\d)", row)[1]
    received = json.loads(kyso(env, "archive", "list", "--json").stdout.splitlines()[0])["received_at"]
    assert received.endswith("+07:00")  # ISO 8601 with its offset
    assert datetime.fromisoformat(received).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") == stamp
    assert "Hợp lệ" in row and lines[-1] == "Thời gian theo giờ Việt Nam (UTC+07:00)."
    assert english_words(out.replace("plan.pdf", "")) == set()
    today = datetime.now(VIETNAM).date()
    for option, value, found in (("--issued-from", "08/03/2022", True), ("--issued-from", "2022-03-09", False),
                                 ("--issued-to", "8/3/2022", True), ("--received-from", today.strftime("%d/%m/%Y"), True),
                                 ("--received-to", f"{today.year - 1}-12-31", False)):
        out = kyso(env, "archive", "list", option, value).stdout
        assert ("plan.pdf" in out) == found, (option, value, out)
    for bad in ("2022-13-01", "31/02/2022", "03-08-2022", "yesterday", "08/03/22"):
        result = kyso(env, "archive", "list", "--issued-from", bad, codes=(2,))
        assert "không phải là ngày: hãy viết dd/mm/yyyy" in result.stderr and "Traceback" not in result.stderr
    result = kyso(env, "archive", "list", "--issued-from", "tomorrow", "--lang", "en", codes=(2,))
    assert "is not a date: write dd/mm/yyyy (e.g. 31/01/2026) or yyyy-mm-dd" in result.stderr


def test_archive_show_in_local_time(archived):
    env = archived["env"]
    out = kyso(env, "archive", "show", "1").stdout
    head = out.split("\n\n", 1)[0]
    assert head.startswith("#1  plan.pdf  (292850 byte, 3 trang)") and "Thời gian theo giờ Việt Nam (UTC+07:00)." in head
    assert re.search(r"^  nhận lúc \d\d/\d\d/\d{4} \d\d:\d\d  plan\.pdf  từ ingest:", head, re.M)
    assert re.search(r"^  kiểm tra lúc \d\d/\d\d/\d{4} \d\d:\d\d  Hợp lệ\s+khi nhận\s+chính sách nd30", head, re.M)
    en = kyso(env, "archive", "show", "1", "--lang", "en").stdout.split("\n\n", 1)[0]
    assert re.search(r"^  received \d\d/\d\d/\d{4} \d\d:\d\d  plan\.pdf", en, re.M) and not VI_LETTERS.search(en.replace("plan.pdf", ""))
    detail = json.loads(kyso(env, "archive", "show", "1", "--json").stdout)
    assert all(r["received_at"].endswith("+07:00") for r in detail["receipts"])
    assert all(v["validation_time"].endswith("+07:00") for v in detail["verifications"])
    missing = kyso(env, "archive", "show", "99", codes=(2,))  # issue 18: an id that names nothing is a bad argument
    assert "Lỗi: không có văn bản lưu trữ nào có số thứ tự 99" in missing.stderr


# -- the watcher -----------------------------------------------------------------------------------

def test_watch_lines_and_reason_file_in_the_clerks_language(tmp_path):
    env = env_for(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "not-a-pdf.pdf", inbox / "hong.pdf")
    result = kyso(env, "watch", str(inbox), "--once", "--poll", "0.2", "--stable-seconds", "0", "--trust", TRUST, codes=(4,))
    event, summary = (json.loads(line) for line in result.stderr.strip().splitlines()[-2:])
    assert event["event"] == "quarantined" and event["reason"].startswith("không lưu trữ được")
    assert summary["event"] == "summary" and summary["counts"] == {"quarantined": 1}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", event["time"])
    reason = _reason(tmp_path / "home", "hong.pdf")
    assert reason.startswith("tệp: hong.pdf\n")
    assert "bước tiếp theo: sửa hoặc thay tệp, hoặc nếu lỗi đã được khắc phục" in reason and "'kyso quarantine release " in reason
    assert re.search(r"^thời điểm cách ly \(giờ Việt Nam\): \d\d/\d\d/\d{4} \d\d:\d\d$", reason, re.M)


def test_watch_reason_file_in_english(tmp_path):
    env = env_for(tmp_path, "en")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "not-a-pdf.pdf", inbox / "broken.pdf")
    kyso(env, "watch", str(inbox), "--once", "--poll", "0.2", "--stable-seconds", "0", "--trust", TRUST, codes=(4,))
    reason = _reason(tmp_path / "home", "broken.pdf")
    assert "next step: fix or replace the file, or once the cause is fixed" in reason and "'kyso quarantine release " in reason
    assert not VI_LETTERS.search(reason)


# -- times and dates, as functions -----------------------------------------------------------------

def test_local_time_and_date_parsing():
    from datetime import date, timezone

    from archive.lang import iso, local, parse_date

    utc = datetime(2026, 1, 31, 17, 30, tzinfo=timezone.utc)
    assert local(utc) == "01/02/2026 00:30" and local(utc.replace(tzinfo=None)) == "01/02/2026 00:30"
    assert iso(utc) == "2026-02-01T00:30:00+07:00"
    assert parse_date("31/01/2026") == parse_date("2026-01-31") == date(2026, 1, 31)
    for bad in ("2026/01/31", "31-01-2026", "1/1/26", "", "2026-1-31"):
        with pytest.raises(ValueError):
            parse_date(bad)
