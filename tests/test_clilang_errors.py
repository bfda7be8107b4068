"""Errors and warnings a clerk meets on the terminal, in the clerk's language: bad trust material,
a bad policy file, a bad kyso.toml, a damaged trust store, certificates that are not
certificates, an export that cannot be made, a folder too deep in the inbox. Vietnamese by
default, English with KYSO_LANG=en; the exit codes are the same in both.

`kyso` in this process (tests/inprocess.py) and, for what the watcher's workers say, real `kyso`
processes; KYSO_HOME in tmp_path, real files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.test_clilang import SAMPLES, TRUST, VI_LETTERS, english_words, env_for, kyso

PLAN = str(SAMPLES / "plan.pdf")


def _integrity_code() -> str:
    """A finding code of severity error that a policy may not lower (and is not the verdict itself)."""
    from verifier.policy.policyfile import FIXED
    from verifier.report import codes

    return next(c for c, f in codes.FINDINGS.items() if f.severity == "error" and c not in FIXED)


INTEGRITY = _integrity_code()


def vietnamese_only(text: str) -> None:
    """Vietnamese wording and no English prose; TOML keys a message names ([trust] anchors) are
    names, like option names."""
    assert "Traceback" not in text, text
    assert VI_LETTERS.search(text), text
    prose = re.sub(r"\[\w+\](?: \w+)?", " ", text)
    assert not english_words(prose), (english_words(prose), text)


def english_only(text: str) -> None:
    assert "Traceback" not in text, text
    assert not VI_LETTERS.search(text), text


def both(tmp_path: Path, *args: str, code: int, vi: str, en: str, env_extra: dict | None = None) -> None:
    """The command in Vietnamese (the default) and in English: the same exit code, each stderr
    holding its own wording and none of the other language's."""
    for lang, words, check in (("vi", vi, vietnamese_only), ("en", en, english_only)):
        env = env_for(tmp_path, None if lang == "vi" else "en")
        env.update(env_extra or {})
        result = kyso(env, *args, codes=(code,))
        assert words in result.stderr, (lang, result.stderr)
        check(result.stderr)


@pytest.fixture
def not_a_certificate(tmp_path) -> Path:
    path = tmp_path / "notcert.pem"
    path.write_text("this is a note, not a certificate\n")
    return path


def test_trust_file_without_a_certificate(tmp_path, not_a_certificate):
    both(tmp_path, "verify", PLAN, "--trust", str(not_a_certificate), code=2,
         vi="không phải chứng thư số: không ở dạng PEM, cũng không ở dạng DER",
         en="Invalid value for --trust: " + str(not_a_certificate) + ": not a certificate: neither PEM nor DER")


def test_trust_file_with_a_damaged_certificate(tmp_path):
    pem = (SAMPLES / "pki" / "root-national.pem").read_text()
    body = pem.splitlines()
    damaged = tmp_path / "damaged.pem"
    damaged.write_text("\n".join(body[:1] + body[1:4] + body[-1:]) + "\n")  # the armour kept, the DER cut
    both(tmp_path, "verify", PLAN, "--trust", str(damaged), code=2,
         vi="chứng thư số bị hỏng, không đọc được", en="damaged certificate")


@pytest.mark.parametrize("toml, vi, en", [
    ('[severities]\nND30_SEAL_PLACEMENT = "loud"\n',
     "mức độ của ND30_SEAL_PLACEMENT phải là fail, warn, info hoặc ignore", "severity of ND30_SEAL_PLACEMENT must be"),
    ('[severities]\nNO_SUCH_CODE = "warn"\n', "có mã phát hiện không tồn tại 'NO_SUCH_CODE'", "unknown finding code 'NO_SUCH_CODE'"),
    (f'[severities]\n{INTEGRITY} = "ignore"\n', f"{INTEGRITY} là lỗi toàn vẹn", f"{INTEGRITY} is an integrity error"),
    ("colour = 'red'\n", "khóa không được nhận: colour", "unknown keys colour"),
    ("[limits]\nobjects = -1\n", "[limits] objects phải là số nguyên dương", "[limits] objects must be a positive integer"),
    ("severities = [\n", "sai cú pháp TOML", "is not valid TOML"),
])
def test_bad_policy_file(tmp_path, toml, vi, en):
    policy = tmp_path / "strict.toml"
    policy.write_text(toml)
    both(tmp_path, "verify", PLAN, "--policy", str(policy), code=2, vi=vi, en=en)


def test_unknown_policy_name(tmp_path):
    both(tmp_path, "verify", PLAN, "--policy", "nd99", code=2,
         vi="'nd99' không phải tên một chính sách có sẵn", en="policy 'nd99' is neither a known policy")


@pytest.mark.parametrize("toml, vi, en", [
    ('[ingest]\nstable_seconds = "soon"\n', "[ingest] stable_seconds phải là một số không âm",
     "[ingest] stable_seconds must be a number of at least 0"),
    ("[trust]\nanchors = 3\n", "[trust] anchors phải là một đường dẫn hoặc danh sách đường dẫn",
     "[trust] anchors must be a path or a list of paths"),
    ('[trust]\nanchors = "absent.pem"\n', "không đọc được", "cannot read"),
    ("database_url = [\n", "sai cú pháp TOML ở cuối tệp; hãy sửa tệp hoặc xóa nó đi", "fix the file or remove it"),
])
def test_bad_kyso_toml(tmp_path, toml, vi, en):
    home = tmp_path / "home"
    home.mkdir()
    (home / "kyso.toml").write_text(toml)
    both(tmp_path, "verify", PLAN, code=2, vi=vi, en=en)
    if "absent" in toml:  # the operating system's reason, in words of each language
        both(tmp_path, "verify", PLAN, code=2, vi="không có tệp hoặc thư mục này", en="no such file or directory")
    else:  # the archive commands read the same settings
        both(tmp_path, "archive", "list", code=2, vi=vi, en=en)


def test_certs_import_of_what_is_no_certificate(tmp_path, not_a_certificate):
    both(tmp_path, "certs", "import", str(not_a_certificate), code=1,
         vi="'notcert.pem' không đọc được như một chứng thư số", en="'notcert.pem' cannot be read as a certificate")
    both(tmp_path, "certs", "import-crl", str(not_a_certificate), code=1,
         vi="'notcert.pem' không dùng được làm CRL", en="'notcert.pem' is not a usable CRL")


def test_certs_import_of_an_unpinned_certificate(tmp_path):
    both(tmp_path, "certs", "import", str(SAMPLES / "pki" / "root-national.pem"), code=1,
         vi="không có trong danh sách ghim certs/pins.toml", en="is not pinned in certs/pins.toml")


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """plan.pdf archived, its trust anchors in the trust store."""
    tmp = tmp_path_factory.mktemp("errors")
    env = env_for(tmp, "en")
    kyso(env, "certs", "import", "--unpinned", TRUST)
    kyso(env, "ingest", PLAN)
    return tmp


def test_damaged_trust_store(archived, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(archived / "home" / "trust", home / "trust")
    anchor = sorted((home / "trust" / "anchors").glob("*.der"))[0]
    anchor.write_bytes(anchor.read_bytes() + b"x")
    both(tmp_path, "verify", PLAN, code=2, vi="của kho tin cậy bị thiếu hoặc đã bị sửa trên đĩa",
         en="is missing or was modified on disk")
    (home / "trust" / "index.json").write_text("{not json")
    both(tmp_path, "verify", PLAN, code=2, vi="bị hỏng; hãy chuyển nó đi nơi khác", en="is damaged")
    both(tmp_path, "certs", "list", code=1, vi="bị hỏng; hãy chuyển nó đi nơi khác", en="is damaged")


def test_export_errors(archived, tmp_path):
    extra = {"KYSO_HOME": str(archived / "home")}
    both(tmp_path, "archive", "export", "99", "--to", str(tmp_path / "out"), code=2, env_extra=extra,
         vi="không có văn bản lưu trữ nào có số thứ tự 99", en="no archived document with id 99")
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the folder should go")
    both(tmp_path, "archive", "export", "1", "--to", str(blocker / "sub"), code=2, env_extra=extra,
         vi="không ghi được thư mục xuất", en="cannot write the export folder")


def test_folder_too_deep_in_the_inbox(tmp_path):
    from archive.intake.inbox import MAX_DEPTH

    inbox = tmp_path / "inbox"
    deep = inbox.joinpath(*[f"d{i}" for i in range(MAX_DEPTH + 1)])
    deep.mkdir(parents=True)
    shutil.copy(SAMPLES / "plan.pdf", deep / "plan.pdf")
    args = ("watch", str(inbox), "--once", "--poll", "0.2", "--stable-seconds", "0", "--trust", TRUST)
    # real processes: the watcher's worker says it, on the stderr it shares with the command
    vi = kyso(env_for(tmp_path), *args, real=True).stderr
    assert f"nằm sâu quá {MAX_DEPTH} cấp trong thư mục nhận" in vi and "folders deep" not in vi, vi
    en = kyso(env_for(tmp_path, "en"), *args, real=True).stderr
    assert f"more than {MAX_DEPTH} folders deep in the inbox" in en and not VI_LETTERS.search(en), en
