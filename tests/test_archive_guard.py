"""Issue 17, everything around the intake path: the attacks of the red team's round reproduced
first, against the real `kyso` command, real SQLite and PostgreSQL archives and real files.

- the archive home out of reach: an inbox that is, contains or lies inside what kyso protects is
  refused (exit 2), links resolved; the default inbox lies beside the home;
- the audit chain anchored outside the database: kyso.sqlite moved away, emptied or replaced
  makes `kyso audit verify` fail, and the head file is never overwritten by the new chain;
- untrusted text escaped: terminal escapes in a file name cannot make `archive list` show
  VALID for an INVALID document; a signature's /Reason cannot forge a line of the report;
- only VALID documents speak for others (ND30_DUPLICATE_NUMBER);
- limits checked before the database: a 124-character document symbol, a 100,000-character
  filter, a database error on one file;
- bounded work: a million objects no one refers to, added after signing, refused early.

Commands run in this process (tests/inprocess.py) unless a real process is what is tested: the
bytes a terminal gets, a name no UTF-8 decodes, the time and memory of a refused document.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from tests import inprocess
from tests.conftest import REALDOCS, SAMPLES, manifest, need_shared
from tests.pdfbytes import assemble

TRUST = SAMPLES / manifest()["trust"]


def kyso(env: dict, *args: str, codes=(0,), timeout: float = 300, real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py), or with `real` in a process of its own."""
    if real:
        result = subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, env=env, timeout=timeout)
    else:
        result = inprocess.kyso(*args, env=env, text=False)
    out = subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8", "replace"),
                                      result.stderr.decode("utf-8", "replace"))
    out.raw = result.stdout
    assert result.returncode in codes, (result.returncode, out.stdout[-3000:], out.stderr[-3000:])
    assert "Traceback" not in out.stderr, out.stderr[-3000:]
    return out


def make_env(home: Path, database_url: str | None = None) -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("KYSO_")}
    e["KYSO_HOME"] = str(home)
    e["KYSO_LANG"] = "en"  # these tests read the English wording
    if database_url:
        e["KYSO_DATABASE_URL"] = database_url
    return e


# --- documents, made once ------------------------------------------------------------------------

def _plan(notation: str) -> bytes:
    """An unsigned plan of the Sở Giáo dục và Đào tạo numbered 45/<notation>, dated 08/03/2022."""
    sys.path.insert(0, str(SAMPLES))
    try:
        import pdfmake
    finally:
        sys.path.remove(str(SAMPLES))
    seed = pdfmake.Seed(subject=["Triển khai thực hiện phong trào thi đua"],
                        paragraphs=[("p", "Thực hiện kế hoạch của Sở.")], recipients=["Như trên"])
    return pdfmake.plan(seed, notation=notation, number="45", day="08").pdf


# 124 characters: over varchar(120), and still drawn large enough (about 3.7 pt) for a viewer to paint it
LONG_NOTATION = "KH-" + "SGDĐT" * 24 + "X"


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, Path]:
    from tests.attacks import kit

    root = tmp_path_factory.mktemp("docs")
    out = {}
    out["long"] = root / "long-symbol.pdf"
    out["long"].write_bytes(_plan(LONG_NOTATION))
    out["dup45"] = root / "unsigned-45.pdf"
    out["dup45"].write_bytes(_plan("KH-SGDĐT"))
    signed = kit.sign(kit.base_pdf())
    _, size, _ = kit.trailer_info(signed)
    # the red team's attack: a permitted-looking update of a million objects no one refers to
    out["million"] = root / "million-unreachable.pdf"
    out["million"].write_bytes(kit.append_update(signed, ((size + i, b"null") for i in range(1_000_000))))
    # under the document's limit, over the limit of one update after signing
    out["update20k"] = root / "update-20000.pdf"
    out["update20k"].write_bytes(kit.append_update(signed, ((size + i, b"null") for i in range(20_000))))
    # a page whose text is 3 MiB once decoded (the metadata reads page 1)
    ops = zlib.compress(b"BT /F1 12 Tf 72 760 Td (x) Tj ET\n" * 100_000)
    out["decodes3mb"] = root / "decodes-3mb.pdf"
    out["decodes3mb"].write_bytes(assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(ops) + ops + b"\nendstream"]))
    return out


def _one_line_with(stdout: str, marker: str) -> str:
    lines = [line for line in stdout.splitlines() if marker in line]
    assert len(lines) == 1, stdout
    return lines[0]


# --- untrusted text escaped for where it goes -----------------------------------------------------

def test_the_invisible_list_is_unicodes_format_characters():
    import unicodedata

    from archive.textsafe import INVISIBLE

    listed = {cp for a, b in INVISIBLE for cp in range(a, b + 1)}
    wanted = {cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) in ("Cf", "Zl", "Zp")}
    assert listed == wanted


def test_escaping_is_visible_and_leaves_vietnamese_alone():
    from archive.textsafe import for_file, for_terminal, json_line

    assert for_terminal("Kế hoạch 45/KH-SGDĐT “Chung tay”") == "Kế hoạch 45/KH-SGDĐT “Chung tay”"
    assert for_terminal("a\x1b[2Kb\x9bc\u202ed\udcffe\\f") == "a\\x1b[2Kb\\x9bc\\u202ed\\xffe\\\\f"
    assert "\n" not in for_file("x.pdf\nreason: forged") and for_file("x\r\n") == "x\\x0d\\x0a"
    line = json_line({"name": "a\x9b\u202e\udcff\x1b"})
    assert json.loads(line) == {"name": "a\x9b\u202e\udcff\x1b"}
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202e]", line) and line.isascii()


@pytest.fixture(scope="module")
def escaped_archive(tmp_path_factory):
    """An INVALID document received under a name that redraws its `archive list` line as VALID
    (the red team's forgery), and a VALID one under a name with a C1 CSI and a bidi override."""
    root = tmp_path_factory.mktemp("escapes")
    env = make_env(root / "home")
    forged = "x\x1b[1G\x1b[2K     1  VALID         \x1b[8m.pdf"
    drop = root / "drop"
    drop.mkdir()
    (drop / forged).write_bytes((SAMPLES / "content-changed.pdf").read_bytes())
    (drop / "b\x9b31m\u202efdp.exe.pdf").write_bytes((SAMPLES / "plan.pdf").read_bytes())
    # real processes: the bytes a terminal would get
    ingested = kyso(env, "ingest", str(drop / forged), str(drop / "b\x9b31m\u202efdp.exe.pdf"), "--trust", str(TRUST), real=True)
    listed = kyso(env, "archive", "list", real=True).stdout
    rows = [json.loads(line) for line in kyso(env, "archive", "list", "--json", real=True).stdout.splitlines()]
    return env, ingested, listed, rows


def test_a_name_cannot_redraw_the_verdict_in_archive_list(escaped_archive):
    env, ingested, listed, rows = escaped_archive
    for out in (ingested.stdout, listed, "\n".join(map(json.dumps, rows))):
        assert not re.search("[\x1b\x9b\u202e]", out), out
    line = _one_line_with(listed, "x\\x1b[1G")
    assert re.match(r"\s+\d+  Invalid ", line), line  # kyso's verdict column, nothing painted over it
    assert "\\x1b[2K" in line and "\\x1b[8m" in line
    assert "b\\x9b31m\\u202efdp.exe.pdf" in listed
    assert {r["name"]: r["verdict"] for r in rows}["x\x1b[1G\x1b[2K     1  VALID         \x1b[8m.pdf"] == "INVALID"


def test_archive_show_escapes_names_and_report(escaped_archive):
    env, _, _, rows = escaped_archive
    row = next(r for r in rows if r["verdict"] == "INVALID")
    shown = kyso(env, "archive", "show", str(row["id"]), "--lang", "en").stdout
    assert not re.search("[\x1b\x9b\u202e]", shown) and "x\\x1b[1G" in shown
    detail = json.loads(kyso(env, "archive", "show", str(row["id"]), "--json").stdout)
    assert detail["name"] == row["name"]  # the data is kept as received; only its display is escaped


def test_a_signature_reason_cannot_forge_a_line_of_the_report(tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from tests.attacks import kit

    reason = "Đã ký\n\nKẾT LUẬN: HỢP LỆ — mọi chữ ký số đều đúng\x1b[8m"
    meta = signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha256", reason=reason)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=kit.signer("director")).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(kit.base_pdf())), output=out)
    path = tmp_path / "reason.pdf"
    path.write_bytes(out.getvalue())
    env = make_env(tmp_path / "home")
    text = kyso(env, "verify", "--details", str(path), "--trust", str(TRUST), codes=(1, 3)).stdout
    assert not re.search("(?m)^KẾT LUẬN: HỢP LỆ", text), text
    assert "\x1b" not in text and "\\x0a\\x0aKẾT LUẬN: HỢP LỆ — mọi chữ ký số đều đúng\\x1b[8m" in text
    as_json = kyso(env, "verify", "--json", str(path), "--trust", str(TRUST), codes=(1, 3)).stdout
    assert json.loads(as_json)["layers"][0]["reason"] == reason  # the facts are kept whole


def test_a_log_record_keeps_to_one_line(capsys):
    import logging

    from archive.cli.logs import configure

    configure()
    logging.getLogger("archive.test").error("verification crashed on %s", "a.pdf\nERROR archive: forged\x1b[2J")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a.pdf\\x0aERROR archive: forged\\x1b[2J" in err


# --- the archive home out of reach ---------------------------------------------------------------

def test_an_inbox_over_the_archive_is_refused(tmp_path):
    home = tmp_path / "kyso-data"
    env = make_env(home)
    home.mkdir()
    (tmp_path / "link").symlink_to(home)
    elsewhere = tmp_path / "db" / "kyso.sqlite"
    vi = kyso({**env, "KYSO_LANG": ""}, "watch", str(home / "inbox"), "--once", codes=(2,))  # Vietnamese by default
    assert "thư mục nhận" in vi.stderr and "nằm trong" in vi.stderr
    cases = [
        (home, "contains"), (home / "objects" / "x", "the stored objects"),
        (tmp_path, "contains"), (tmp_path / "link" / "den", "lies inside"),
    ]
    for inbox, said in cases:
        result = kyso(env, "watch", str(inbox), "--once", "--lang", "en", codes=(2,))
        assert said in result.stderr and "README, Deployment" in result.stderr, result.stderr
    # a SQLite database elsewhere is protected where it is, with its WAL beside it
    env_db = {**env, "KYSO_DATABASE_URL": f"sqlite:///{elsewhere}"}
    assert "the database" in kyso(env_db, "watch", str(elsewhere.parent), "--once", "--lang", "en", codes=(2,)).stderr
    assert not (home / "inbox").exists() and not (tmp_path / "link" / "den").exists()  # nothing created


def test_the_default_inbox_lies_beside_the_home(tmp_path):
    env = make_env(tmp_path / "kyso-data")
    kyso(env, "watch", "--once", "--trust", str(TRUST), "--stable-seconds", "0")
    assert (tmp_path / "kyso-data-inbox").is_dir() and not (tmp_path / "kyso-data" / "inbox").exists()
    env["KYSO_INBOX"] = str(tmp_path / "kyso-data" / "den")
    assert kyso(env, "watch", "--once", codes=(2,)).stderr


# --- the audit chain anchored outside the database -----------------------------------------------

def _anchor(home: Path) -> dict:
    return json.loads((home / "audit-head.json").read_text(encoding="utf-8"))


def test_a_database_moved_away_or_replaced_fails_audit_verify(tmp_path):
    """The red team's finding: kyso.sqlite moved into a claim, 81 documents became 0, and
    `kyso audit verify` said 0 events, exit 0."""
    home = tmp_path / "home"
    env = make_env(home)
    kyso(env, "ingest", str(SAMPLES / "plan.pdf"), str(SAMPLES / "appendix.pdf"), "--trust", str(TRUST))
    anchor = _anchor(home)
    assert anchor["seq"] == 6 and "chain head 6 " + anchor["hash"] in kyso(env, "audit", "verify").stdout
    # an export carries the head the chain had
    out = Path(kyso(env, "archive", "export", "1", "--to", str(tmp_path / "export")).stdout.strip())
    assert json.loads((out / "data" / "audit-head.json").read_text()) == {"seq": 6, "hash": anchor["hash"]}
    assert "data/audit-head.json" in (out / "manifest-sha256.txt").read_text()
    anchor = _anchor(home)  # the export's own event
    kept = tmp_path / "kept"
    kept.mkdir()
    for f in home.glob("kyso.sqlite*"):
        shutil.move(str(f), kept / f.name)
    result = kyso(env, "audit", "verify", codes=(1,))
    assert "TAMPERED the database holds no events" in result.stdout and "event 7" in result.stdout
    # the service goes on in a fresh database; its chain (9 events) never overwrites the anchor
    kyso(env, "ingest", str(SAMPLES / "unit-report.pdf"), str(SAMPLES / "sha1.pdf"), str(SAMPLES / "self-signed.pdf"),
         "--trust", str(TRUST))
    assert _anchor(home) == anchor
    replaced = kyso(env, "audit", "verify", codes=(1,)).stdout
    assert "event 7 in the database is not the one" in replaced and "replaced" in replaced
    # the original database back: its chain is the anchored one
    for f in home.glob("kyso.sqlite*"):
        f.unlink()
    for f in kept.iterdir():
        shutil.move(str(f), home / f.name)
    kyso(env, "audit", "verify")


def test_a_cut_or_emptied_postgresql_chain_fails_audit_verify(tmp_path, pg_database):
    from sqlalchemy import create_engine, text

    home = tmp_path / "home"
    env = make_env(home, pg_database)
    kyso(env, "db", "upgrade")
    kyso(env, "ingest", str(SAMPLES / "appendix.pdf"), "--trust", str(TRUST))
    assert _anchor(home)["seq"] == 3
    engine = create_engine(pg_database)
    with engine.begin() as conn:  # cut back to its first event: a perfect, shorter chain
        conn.execute(text("DELETE FROM events WHERE seq > 1"))
        conn.execute(text("UPDATE chain_head SET seq = 1, hash = (SELECT hash FROM events WHERE seq = 1)"))
    assert "ends at event 1" in kyso(env, "audit", "verify", codes=(1,)).stdout
    with engine.begin() as conn:  # a perfect chain of 0 events, as a fresh database has
        conn.execute(text("DELETE FROM events"))
        conn.execute(text(f"UPDATE chain_head SET seq = 0, hash = '{'0' * 64}'"))
    engine.dispose()
    assert "holds no events" in kyso(env, "audit", "verify", codes=(1,)).stdout


def test_an_unreadable_head_file_fails_audit_verify(tmp_path):
    home = tmp_path / "home"
    env = make_env(home)
    kyso(env, "ingest", str(SAMPLES / "appendix.pdf"), "--trust", str(TRUST))
    (home / "audit-head.json").write_text("{}", encoding="utf-8")
    assert "cannot be read" in kyso(env, "audit", "verify", codes=(1,)).stdout


# --- only verified documents speak for others ----------------------------------------------------

def test_an_unsigned_file_with_the_same_number_does_not_flag_a_valid_one(tmp_path, docs):
    env = make_env(tmp_path / "home")
    first = json.loads(kyso(env, "ingest", "--json", str(docs["dup45"]), "--trust", str(TRUST)).stdout.splitlines()[0])
    assert first["verdict"] == "INVALID"
    plan = json.loads(kyso(env, "ingest", "--json", str(SAMPLES / "plan.pdf"), "--trust", str(TRUST)).stdout.splitlines()[0])
    assert plan["verdict"] == "VALID"
    rows = {json.loads(l)["name"]: json.loads(l) for l in kyso(env, "archive", "list", "--json").stdout.splitlines()}
    assert rows["unsigned-45.pdf"]["code_number"] == rows["plan.pdf"]["code_number"] == "45"
    assert rows["unsigned-45.pdf"]["code_notation"] == rows["plan.pdf"]["code_notation"] == "KH-SGDĐT"
    shown = json.loads(kyso(env, "archive", "show", str(plan["document_id"]), "--json").stdout)
    assert "ND30_DUPLICATE_NUMBER" not in [f["code"] for f in shown["report"]["findings"]]


# --- limits checked before the database ----------------------------------------------------------

def test_a_long_document_symbol_is_archived_alike_in_sqlite_and_postgresql(tmp_path, docs, database_url):
    """The red team's finding: a long symbol (184 characters then) overflowed varchar(120) on PostgreSQL
    and blocked ingestion; SQLite never enforces the limit."""
    env = make_env(tmp_path / "home", database_url)
    if database_url.startswith("postgresql"):
        kyso(env, "db", "upgrade")
    outcome = json.loads(kyso(env, "ingest", "--json", str(docs["long"]), "--trust", str(TRUST)).stdout.splitlines()[0])
    assert outcome["event"] == "archived", outcome
    row = json.loads(kyso(env, "archive", "list", "--json", "--name", "long-symbol").stdout)
    assert row["code_notation"] == LONG_NOTATION[:120]
    shown = json.loads(kyso(env, "archive", "show", str(row["id"]), "--json").stdout)
    assert shown["report"]["metadata"]["code_notation"]["value"] == LONG_NOTATION  # the report keeps it whole
    cut = [f for f in shown["report"]["findings"] if f["code"] == "ARCHIVE_VALUE_TRUNCATED"]
    assert [f["params"] for f in cut] == [{"field": "code_notation", "length": len(LONG_NOTATION), "limit": 120}]
    # the same number searched for: refused if no column can hold it, found by what it holds
    assert "no archived value is longer" in kyso(env, "archive", "list", "--number", "45/" + LONG_NOTATION * 2, codes=(2,)).stderr


def test_an_overlong_filter_is_a_message_not_a_traceback(tmp_path, database_url):
    env = make_env(tmp_path / "home", database_url)
    if database_url.startswith("postgresql"):
        kyso(env, "db", "upgrade")
    kyso(env, "ingest", str(SAMPLES / "appendix.pdf"), "--trust", str(TRUST))
    long = "a" * 100_000
    for option in ("--name", "--signer"):  # LIKE patterns: SQLite refused them past 50,000 bytes
        result = kyso(env, "archive", "list", option, long, codes=(2,))
        assert f"{option} is 100000 characters long" in result.stderr, result.stderr
    if database_url.startswith("postgresql"):  # the driver would not encode it
        result = subprocess.run([sys.executable, "-m", "archive", "archive", "list", "--name", os.fsdecode(b"a\xff")],
                                capture_output=True, text=True, env=env)
        assert result.returncode == 2 and "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_a_database_error_on_one_file_is_that_files_alone(tmp_path):
    """A database that refuses one file's row: that file is quarantined with the reason, the
    others are archived, the command ends with exit 4 and no traceback."""
    home = tmp_path / "home"
    env = make_env(home)
    kyso(env, "db", "upgrade")
    with sqlite3.connect(home / "kyso.sqlite") as conn:
        # a runtime error of the database on this file's row alone (not a constraint, which the
        # pipeline takes for another worker's concurrent insert)
        conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON documents WHEN NEW.original_name LIKE 'refused%' "
                     "BEGIN SELECT abs(-9223372036854775807 - 1); END")
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(SAMPLES / "appendix.pdf", drop / "refused.pdf")
    shutil.copy(SAMPLES / "plan.pdf", drop / "plan.pdf")
    result = kyso(env, "ingest", "--json", str(drop / "refused.pdf"), str(drop / "plan.pdf"), "--trust", str(TRUST), codes=(4,))
    outcomes = {json.loads(l)["file"]: json.loads(l) for l in result.stdout.splitlines()[:-1]}  # then the summary
    assert outcomes["refused.pdf"]["event"] == "quarantined" and "integer overflow" in outcomes["refused.pdf"]["reason"]
    assert outcomes["plan.pdf"]["event"] == "archived"
    assert list((home / "quarantine").glob("*refused.pdf"))


# --- bounded work per document -------------------------------------------------------------------

def _measured(*args: str) -> tuple[subprocess.CompletedProcess, float, int]:
    """A command, its wall time and its peak memory in MB (the child's, measured by a parent
    that runs nothing else)."""
    probe = ("import resource, subprocess, sys, json; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "print(json.dumps([r.returncode, r.stdout, r.stderr, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "archive", *args], capture_output=True, text=True,
                          timeout=120)
    code, out, err, rss_kb = json.loads(done.stdout)
    return subprocess.CompletedProcess(args, code, out, err), time.monotonic() - start, rss_kb // 1024


def test_a_million_unreachable_objects_after_signing_are_refused_early(docs):
    """The red team's finding: a permitted update of a million objects no one refers to cost
    33 s and 1 GB, with no finding."""
    result, seconds, peak_mb = _measured("verify", "--json", "--lang", "en", str(docs["million"]), "--trust", str(TRUST))
    report = json.loads(result.stdout)
    assert result.returncode == 4 and report["verdict"] == "ERROR"
    found = [f for f in report["findings"] if f["code"] == "OBJECT_LIMIT_EXCEEDED"]
    assert found and found[0]["params"]["objects"] >= 1_000_000 and found[0]["params"]["limit"] == 200_000
    assert seconds < 10 and peak_mb < 300, (seconds, peak_mb)


def test_an_update_after_signing_over_its_limit_is_refused_before_the_layers(docs):
    result, seconds, peak_mb = _measured("verify", "--json", "--lang", "en", str(docs["update20k"]), "--trust", str(TRUST))
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["verdict"] == "INVALID"
    assert [(f["code"], f["params"]) for f in report["findings"]] == [
        ("UPDATE_OBJECT_LIMIT_EXCEEDED", {"revision": 3, "objects": 20_000, "limit": 10_000})]
    assert seconds < 10 and peak_mb < 300, (seconds, peak_mb)


def test_limits_come_from_the_policy(tmp_path, docs):
    env = make_env(tmp_path / "home")
    small = tmp_path / "small.toml"
    small.write_text("[limits]\nobjects = 50\n", encoding="utf-8")  # the plan lists 120
    report = json.loads(kyso(env, "verify", "--json", str(SAMPLES / "plan.pdf"), "--policy", str(small), codes=(4,)).stdout)
    assert [f["code"] for f in report["findings"]] == ["OBJECT_LIMIT_EXCEEDED"]
    tight = tmp_path / "tight.toml"
    tight.write_text("[limits]\ndecoded_mb = 1\n", encoding="utf-8")
    report = json.loads(kyso(env, "verify", "--json", "--lang", "en", str(docs["decodes3mb"]), "--policy", str(tight),
                             codes=(1,)).stdout)
    assert "DECODE_LIMIT_EXCEEDED" in [f["code"] for f in report["findings"]]
    bad = tmp_path / "bad.toml"
    bad.write_text("[limits]\nobjects = 0\n", encoding="utf-8")
    assert "positive integer" in kyso(env, "verify", str(SAMPLES / "plan.pdf"), "--policy", str(bad), codes=(2,)).stderr


def test_the_default_limits_leave_the_policy_hash_alone():
    import dataclasses

    from verifier.policy.named import ND30, Limits

    assert ND30.sha256 == "38c6832bca8dab89099e378aa1220542abd01be5925d2d6487550100c6c57067"
    assert dataclasses.replace(ND30, limits=Limits(objects=1000)).sha256 != ND30.sha256


def test_genuine_documents_are_far_within_the_limits(real_reports):
    from verifier.pdf.budget import count_entries
    from verifier.policy.named import Limits

    need_shared(REALDOCS)
    limits = Limits()
    for path in sorted(REALDOCS.glob("*.pdf")):
        data = path.read_bytes()
        start = time.perf_counter()
        objects, _ = count_entries(data)
        assert time.perf_counter() - start < 0.05
        assert objects < limits.objects / 5, (path.name, objects)
        codes = {f.code for f in real_reports[path.name].findings}
        assert not codes & {"OBJECT_LIMIT_EXCEEDED", "UPDATE_OBJECT_LIMIT_EXCEEDED", "DECODE_LIMIT_EXCEEDED"}, path.name
