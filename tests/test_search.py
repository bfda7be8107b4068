"""Search as Vietnamese readers type (issue 18): every text filter of `kyso archive list` and
every word of `kyso archive search` ignores case and diacritics, NFC/NFD, the tone placement
and Đ/đ, the same in real SQLite and real PostgreSQL; the folded columns are kept by the model
on every write and filled by migration 0004 for an archive made at 0003.

The archive holds samples ingested by the real `kyso ingest`, and documents written through the
model with the names of the real documents in ../shared/realdocs (BỘ NGOẠI GIAO, CỔNG THÔNG TIN
ĐIỆN TỬ CHÍNH PHỦ, ỦY BAN VĂN HÓA VÀ XÃ HỘI, Hoàng Văn Thủy), whose verification takes 10–40 s
each; one of them is ingested for real in test_a_real_document_is_found_by_its_folded_name.
Commands run in this process (tests/inprocess.py); the table and JSON a shell reads come from
real processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import Boolean, DateTime, bindparam, insert, inspect, select, text

from tests import inprocess
from tests.conftest import REALDOCS, SAMPLES, manifest, need_shared, pg_schema

TRUST = str(SAMPLES / manifest()["trust"])
INGESTED = ("plan.pdf", "unit-report.pdf", "public-ca-2026.pdf")


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def kyso(env: dict, *args: str, codes=(0,), real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py), or with `real` in a process of its own."""
    if real:
        result = subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, env=env, timeout=600)
    else:
        result = inprocess.kyso(*args, env=env)
    assert result.returncode in codes, (args, result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    return result


def run_cli(env: dict, *args: str, codes=(0,)):
    """The `kyso` command in this process (click's runner): many filters, no start-up each."""
    from archive.cli import main

    result = CliRunner().invoke(main, list(args), env={k: env[k] for k in ("KYSO_HOME", "KYSO_DATABASE_URL", "KYSO_LANG")})
    assert result.exit_code in codes, (args, result.exit_code, result.output, result.exception)
    return result


def names(env: dict, command: str, *args: str) -> list[str]:
    """The files `kyso archive COMMAND ARGS` finds (a --limit in ARGS wins over the 500 here)."""
    out = run_cli(env, "archive", command, "--json", "--limit", "500", *args).output
    return sorted(json.loads(line)["name"] for line in out.splitlines() if line.strip())


# documents as the archive keeps them for the real documents' signers (and other spellings)
MODEL_DOCUMENTS = {
    "bo-ngoai-giao.pdf": dict(layers=[("agency", "BỘ NGOẠI GIAO")]),
    "cong-thong-tin.pdf": dict(layers=[("agency", "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ")]),
    "uy-ban.pdf": dict(layers=[("person", "Nguyễn Đắc Vinh"), ("agency", "ỦY BAN VĂN HÓA VÀ XÃ HỘI")]),
    "thuy.pdf": dict(layers=[("person", "Hoàng Văn Thủy"), ("agency", "CỤC CHỨNG THỰC SỐ VÀ BẢO MẬT THÔNG TIN")]),
    "nghi-dinh.pdf": dict(layers=[("person", "Trần Hồng Hà"), ("agency", "CHÍNH PHỦ")],
                          meta=dict(type_name="Nghị định", code_number="50", code_notation="2026/NĐ-CP",
                                    organ_name="CHÍNH PHỦ", subject="Quy định chi tiết một số điều của Luật Đất đai")),
    # Word output keeps NFD; the old tone placement "Hoà"; Ð (U+00D0) typed for Đ
    "nfd.pdf": dict(layers=[("person", nfd("Nguyễn Văn Hoà"))],
                    meta=dict(organ_name=nfd("Sở Y tế tỉnh Bình Phước"), type_name=nfd("Công văn"))),
    "eth.pdf": dict(layers=[("agency", "SỞ NỘI VỤ TỈNH ÐỒNG NAI")]),
}


def write_documents(url: str) -> None:
    """Documents, their latest verification and layers, written through the model as ingest does."""
    from archive.db.models import Document, LayerRow, Receipt, Verification
    from archive.db.session import make_engine, sessions, transaction

    engine = make_engine(url)
    now = datetime.now(timezone.utc) - timedelta(days=1)
    with transaction(sessions(engine)) as s:
        for i, (name, spec) in enumerate(MODEL_DOCUMENTS.items()):
            doc = Document(sha256=f"{i + 1:064x}", size=1, storage_key="x", original_name=name, first_received_at=now,
                           verdict="INDETERMINATE", validation_time=now, **spec.get("meta", {}))
            s.add(doc)
            s.flush()
            s.add(Receipt(document_id=doc.id, claim_id=f"claim-{i}", original_name=name, name_nfc=name, source="test",
                          received_at=now))
            ver = Verification(document_id=doc.id, validation_time=now, trigger="ingest", verdict="INDETERMINATE",
                               policy="nd30", policy_sha256="0" * 64, trust_fingerprint="0" * 64, kyso_version="t",
                               pyhanko_version="t", report="{}")
            s.add(ver)
            s.flush()
            for number, (role, cn) in enumerate(spec["layers"], start=1):
                s.add(LayerRow(verification_id=ver.id, layer=number, field=f"Sig{number}", revision=number, kind="signature",
                               role=role, signer_common_name=cn, pki="government", status="INDETERMINATE"))
            doc.latest_verification_id = ver.id
    engine.dispose()


def env_for(home, url: str) -> dict:
    env = dict(os.environ)
    env.update(KYSO_HOME=str(home), KYSO_LANG="en", KYSO_DATABASE_URL=url)
    return env


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def archive_env(request, tmp_path_factory):
    """One archive per database for the module: three samples ingested by the real command and
    the documents of MODEL_DOCUMENTS."""
    tmp = tmp_path_factory.mktemp(f"search-{request.param}")
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'kyso.sqlite'}"
    else:
        schema = pg_schema(request.getfixturevalue("pg_url"))
        url = next(schema)
    env = env_for(tmp / "home", url)
    kyso(env, "ingest", *(str(SAMPLES / n) for n in INGESTED), "--trust", TRUST)
    write_documents(url)
    yield env
    if schema is not None:
        next(schema, None)


AGENCY = ["plan.pdf", "public-ca-2026.pdf"]  # Sở Giáo dục và Đào tạo (Bình Phước)
TRINH_VAN_NAM = ["plan.pdf", "public-ca-2026.pdf"]


@pytest.mark.parametrize("args, expected", [
    # every example of the "Why"
    (["--agency", "BỘ NGOẠI GIAO"], ["bo-ngoai-giao.pdf"]),
    (["--signer", "CỔNG"], ["cong-thong-tin.pdf"]),
    (["--agency", "ỦY BAN"], ["uy-ban.pdf"]),
    (["--agency", "Binh Phuoc"], ["nfd.pdf", "public-ca-2026.pdf"]),
    (["--signer", "trinh van nam"], TRINH_VAN_NAM),
    (["--agency", "SO GIAO DUC"], AGENCY),
    (["--type", "nghi dinh"], ["nghi-dinh.pdf"]),
    (["--number", "45/KH-SGDDT"], AGENCY),
    (["--signer", nfd("Trịnh Văn Nam")], TRINH_VAN_NAM),  # typed in NFD
    (["--signer", "Hoàng Văn Thuỷ"], ["thuy.pdf"]),  # Thuỷ for Thủy
    # and the other spellings a reader types
    (["--agency", "bộ ngoại giao"], ["bo-ngoai-giao.pdf"]),
    (["--agency", "bo ngoai giao"], ["bo-ngoai-giao.pdf"]),
    (["--signer", "cong thong tin dien tu"], ["cong-thong-tin.pdf"]),
    (["--agency", "uy ban van hoa"], ["uy-ban.pdf"]),
    (["--signer", "thuy"], ["thuy.pdf"]),
    (["--signer", "Nguyễn Văn Hòa"], ["nfd.pdf"]),  # stored NFD with the old placement "Hoà"
    (["--agency", "sở y tế"], ["nfd.pdf"]),  # stored NFD, typed NFC
    (["--type", "cong van"], ["nfd.pdf"]),
    (["--agency", "đồng nai"], ["eth.pdf"]),  # stored with Ð (U+00D0) for Đ
    (["--type", "KẾ HOẠCH"], AGENCY),
    (["--type", "bao cao"], ["unit-report.pdf"]),
    (["--number", "45/kh-sgdđt"], AGENCY),
    (["--number", "KH-SGDDT"], AGENCY),
    (["--number", "45/KH – SGDĐT"], AGENCY),  # spaces and an en dash in the notation
    (["--number", "50/2026/ND-CP"], ["nghi-dinh.pdf"]),
    (["--number", "46/KH-SGDDT"], []),
    (["--name", "PLAN"], ["plan.pdf"]),
    (["--name", "nghi-dinh"], ["nghi-dinh.pdf"]),
    (["--signer", "TRƯỜNG THPT"], ["unit-report.pdf"]),
    (["--signer", "Trịnh Văn Nam", "--agency", "giao duc", "--verdict", "VALID"], TRINH_VAN_NAM),
    (["--signer", "50%"], []),  # LIKE's wildcards are the characters themselves
])
def test_list_filters_fold_case_diacritics_and_normalisation(archive_env, args, expected):
    assert names(archive_env, "list", *args) == sorted(expected)


@pytest.mark.parametrize("words, expected", [
    (["bo ngoai giao"], ["bo-ngoai-giao.pdf"]),
    (["ke", "hoach", "binh", "phuoc"], AGENCY),  # type, and the place of plan.pdf / a signer of public-ca
    (["45/KH-SGDDT"], AGENCY),
    (["nghi dinh dat dai"], ["nghi-dinh.pdf"]),  # type and subject
    (["nghi dinh", "binh phuoc"], []),  # every word must match
    (["tran hong ha"], ["nghi-dinh.pdf"]),  # a signer
    (["chinh phu"], ["cong-thong-tin.pdf", "nghi-dinh.pdf"]),  # issuer (organ, agency layer) and signer
    (["THỦY"], ["thuy.pdf"]),
    (["nong thon moi", "quang trung"], ["unit-report.pdf"]),  # subject and the school's seal
])
def test_search_matches_every_word_folded(archive_env, words, expected):
    assert names(archive_env, "search", *words) == sorted(expected)


def test_search_takes_the_filters_and_pages_of_list(archive_env):
    assert names(archive_env, "search", "binh phuoc", "--type", "ke hoach") == AGENCY
    assert names(archive_env, "search", "chinh phu", "--type", "nghi dinh") == ["nghi-dinh.pdf"]
    first = names(archive_env, "search", "chinh phu", "--limit", "1")
    second = names(archive_env, "search", "chinh phu", "--limit", "1", "--offset", "1")
    assert sorted(first + second) == ["cong-thong-tin.pdf", "nghi-dinh.pdf"]


def test_list_and_search_print_a_header_row_and_json(archive_env):
    """Real `kyso` processes: a table with its header row in the reader's language, and JSON."""
    table = kyso(archive_env, "archive", "search", "Bình Phước", "--type", "kế hoạch", real=True).stdout.splitlines()
    assert table[0].split()[:3] == ["ID", "VERDICT", "RECEIVED"] and "NUMBER" in table[0]
    assert any("public-ca-2026.pdf" in line and "45/KH-SGDĐT" in line for line in table[1:])
    rows = [json.loads(line) for line in kyso(archive_env, "archive", "search", "bo", "ngoai", "giao", "--json", real=True).stdout.splitlines()]
    assert [r["name"] for r in rows] == ["bo-ngoai-giao.pdf"]
    assert rows[0]["layers"][0]["signer_common_name"] == "BỘ NGOẠI GIAO"  # shown as written, never folded
    vi = run_cli(archive_env, "archive", "list", "--agency", "so giao duc", "--lang", "vi").output.splitlines()
    assert vi[0].split()[:2] == ["SỐ", "TT"] and "KẾT LUẬN" in vi[0]
    nothing = run_cli(archive_env, "archive", "search", "khong co gi nhu the").output
    assert nothing.strip() == "no documents match"


def test_search_refuses_text_no_database_takes_and_no_words(archive_env):
    result = run_cli(archive_env, "archive", "search", "a\x00b", codes=(2,))
    assert "TEXT" in result.output and "NUL" in result.output
    result = run_cli(archive_env, "archive", "search", "  ", "\u0301", codes=(2,))
    assert "no word to search for" in result.output


def test_the_model_keeps_the_folded_columns_on_every_write(archive_env):
    """Insert through the ORM and through Core (as the benchmark does), then an update: the
    folded columns follow the values."""
    from archive.db.models import Document, LayerRow
    from archive.db.session import make_engine, sessions, transaction

    engine = make_engine(archive_env["KYSO_DATABASE_URL"])
    now = datetime.now(timezone.utc) - timedelta(days=2)
    with engine.begin() as conn:
        conn.execute(insert(Document), [dict(sha256="f" * 64, size=1, storage_key="x", original_name="core.pdf",
                                             first_received_at=now, verdict="VALID", validation_time=now,
                                             organ_name="Ủy ban nhân dân tỉnh Khánh Hòa", code_number="7",
                                             code_notation="QĐ-UBND")])
    try:
        assert names(archive_env, "list", "--agency", "khanh hoa") == ["core.pdf"]
        assert names(archive_env, "list", "--number", "7/QD-UBND") == ["core.pdf"]
        factory = sessions(engine)
        with transaction(factory) as s:
            doc = s.execute(select(Document).where(Document.sha256 == "f" * 64)).scalar_one()
            doc.organ_name, doc.code_notation = "Sở Tư pháp tỉnh Khánh Hòa", "KH-STP"
        assert names(archive_env, "list", "--agency", "tu phap") == ["core.pdf"]
        assert names(archive_env, "list", "--agency", "uy ban nhan dan") == []
        assert names(archive_env, "list", "--number", "7/KH-STP") == ["core.pdf"]
        assert names(archive_env, "list", "--number", "7/QD-UBND") == []
        with factory() as s:
            layer = s.execute(select(LayerRow).where(LayerRow.signer_common_name == "BỘ NGOẠI GIAO")).scalar_one()
            assert layer.signer_common_name_folded == "bo ngoai giao"
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM documents WHERE sha256 = :s"), {"s": "f" * 64})
        engine.dispose()


# -- migration 0004 ------------------------------------------------------------------------------

@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_an_archive_made_at_0003_finds_its_documents_after_the_upgrade(db, tmp_path, request):
    """An archive whose documents were written at schema 0003 (one ingested by the real command,
    the others written as 0003 wrote them, with NFD and Đ) is upgraded by `kyso db upgrade`; the
    new columns are filled from the old rows and every filter finds them."""
    from alembic import command

    from archive.db.session import alembic_config, current_revision, make_engine

    schema = None
    if db == "sqlite":
        url = f"sqlite:///{tmp_path / 'kyso.sqlite'}"
    else:
        schema = pg_schema(request.getfixturevalue("pg_url"))
        url = next(schema)
    try:
        env = env_for(tmp_path / "home", url)
        kyso(env, "ingest", str(SAMPLES / "plan.pdf"), "--trust", TRUST)
        engine = make_engine(url)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
        assert current_revision(engine) == "0003"
        assert "organ_name_folded" not in {c["name"] for c in inspect(engine).get_columns("documents")}
        now = datetime.now(timezone.utc)

        def sql(statement: str):
            return text(statement).bindparams(bindparam("now", type_=DateTime(timezone=True)))

        with engine.begin() as conn:  # rows as kyso at 0003 wrote them: no folded columns
            conn.execute(sql(
                "INSERT INTO documents (id, sha256, size, storage_key, original_name, first_received_at, verdict, "
                "validation_time, latest_verification_id, type_name, code_number, code_notation, organ_name) VALUES "
                "(100, :sha, 1, 'x', :name, :now, 'INDETERMINATE', :now, 100, :type, '3', :notation, :organ)"),
                dict(sha="e" * 64, name=nfd("Quyết định 3.pdf"), now=now, type=nfd("Quyết định"),
                     notation="QĐ-BNG", organ=nfd("BỘ NGOẠI GIAO")))
            conn.execute(sql(
                "INSERT INTO verifications (id, document_id, validation_time, trigger, verdict, policy, policy_sha256, "
                "trust_fingerprint, kyso_version, pyhanko_version, report) VALUES "
                "(100, 100, :now, 'ingest', 'INDETERMINATE', 'nd30', :z, :z, 't', 't', '{}')"), dict(now=now, z="0" * 64))
            conn.execute(text(
                "INSERT INTO layers (verification_id, layer, field, revision, kind, role, signer_common_name, pki, status) "
                "VALUES (100, 1, 'Sig1', 1, 'signature', 'agency', :cn, 'government', 'INDETERMINATE')"),
                dict(cn="BỘ NGOẠI GIAO"))
            conn.execute(sql(
                "INSERT INTO receipts (document_id, claim_id, original_name, name_nfc, source, received_at, duplicate) "
                "VALUES (100, 'c100', :name, :name, 'ingest', :now, :f)").bindparams(bindparam("f", type_=Boolean())),
                dict(name="Quyết định 3.pdf", now=now, f=False))
        engine.dispose()

        from archive.db.session import head_revision

        assert head_revision() in kyso(env, "db", "upgrade").stdout
        assert names(env, "list", "--signer", "trinh van nam") == ["plan.pdf"]
        assert names(env, "list", "--number", "45/KH-SGDDT") == ["plan.pdf"]
        assert names(env, "list", "--agency", "bo ngoai giao") == [nfd("Quyết định 3.pdf")]
        assert names(env, "list", "--type", "QUYET DINH") == [nfd("Quyết định 3.pdf")]
        assert names(env, "list", "--number", "3/QD-BNG") == [nfd("Quyết định 3.pdf")]
        assert names(env, "list", "--name", "quyet dinh") == [nfd("Quyết định 3.pdf")]
        assert names(env, "search", "ke hoach", "binh phuoc") == ["plan.pdf"]
        assert names(env, "search", "quyet dinh", "ngoai giao") == [nfd("Quyết định 3.pdf")]
        engine = make_engine(url)
        assert "ix_documents_code_notation_folded" in {i["name"] for i in inspect(engine).get_indexes("documents")}
        engine.dispose()
    finally:
        if schema is not None:
            next(schema, None)


def test_a_real_document_is_found_by_its_folded_name(tmp_path):
    """The Ministry of Foreign Affairs' real document, ingested by the real command (SQLite)."""
    doc = need_shared(REALDOCS / "4cae3b9afe54435faf53f3c8f237776c.pdf")
    env = env_for(tmp_path / "home", f"sqlite:///{tmp_path / 'kyso.sqlite'}")
    kyso(env, "ingest", str(doc), "--trust", TRUST)
    for args in (["list", "--agency", "BỘ NGOẠI GIAO"], ["list", "--signer", "bo ngoai giao"],
                 ["list", "--agency", nfd("Bộ Ngoại giao")], ["search", "ngoai", "giao"]):
        assert names(env, *args) == [doc.name], args
