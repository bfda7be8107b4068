"""One numbering and one hash case wherever a person or a script reads them (docs/vocabulary.md):
layers, revisions and pages count from 1 in the text report, the JSON report and the database;
hashes are lower-case hex, so the archive's layer rows join its evidence rows. Archived reports
and databases of the earlier form are still read."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect, select, text

from tests import inprocess
from tests.conftest import SAMPLES, manifest

TRUST = str(SAMPLES / manifest()["trust"])


def kyso(*args: str) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py)."""
    return inprocess.kyso(*args)


@pytest.fixture(scope="module")
def plan_json() -> dict:
    result = kyso("verify", "--json", "--lang", "en", str(SAMPLES / "plan.pdf"), "--trust", TRUST)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def plan_text() -> str:
    result = kyso("verify", "--lang", "en", "--details", str(SAMPLES / "plan.pdf"), "--trust", TRUST)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- revisions --------------------------------------------------------------------------------

def test_a_suspicious_change_names_the_revision_kyso_counts():
    """pyHanko counts revisions from 0 in its reasons; the report counts from 1. The unsigned
    update of unsigned-update.pdf sits between layer 1 (revision 2) and layer 2 (revision 4)."""
    result = kyso("verify", "--json", "--lang", "en", str(SAMPLES / "unsigned-update.pdf"), "--trust", TRUST)
    report = json.loads(result.stdout)
    assert [layer["revision"] for layer in report["layers"]] == [2, 4]
    changes = "\n".join(report["layers"][0]["changes"])
    assert "unexplained xrefs in revision 3:" in changes
    assert "objects from revision 2 were replaced in revision 3" in changes
    # objects and paths by the names the rest of the report uses, not Python representations
    assert "Reference(" not in changes and "PathInRevision" not in changes
    assert re.search(r"object \d+ is also used in /Root/Pages/Kids\[\d+\]/Contents", changes)


def test_json_layer_revision_is_the_revision_its_findings_name(plan_json):
    layers = plan_json["layers"]
    revisions = plan_json["revisions"]
    numbers = [layer["revision"] for layer in layers]
    # revision 1 is the file as first written, unsigned; each layer adds one; the last is `revisions`
    assert numbers == list(range(2, 2 + len(layers))) and numbers[-1] <= revisions == 7
    # plan.pdf's seal lies over signed content where Decree 30 puts it: named by layer and revision
    over = [f for f in plan_json["findings"] if f["code"] == "OVERLAY_AS_PRESCRIBED"]
    assert over, "plan.pdf's seal lies over signed content"
    for f in over:
        layer = layers[f["layer"] - 1]
        assert layer["field"] == f["params"]["field"] == "Signature5"
        assert layer["revision"] == f["params"]["revision"] == 6
        assert f"added in revision {layer['revision']}, " in f["message"]
    # "changes after signing" name each later layer by the revision that layer reports
    by_field = {layer["field"]: layer["revision"] for layer in layers}
    for layer in layers:
        for change in layer["changes"]:
            m = re.fullmatch(r"signature field '(\w+)' added and signed in revision (\d+)", change)
            assert m and by_field[m.group(1)] == int(m.group(2)), change


def test_text_report_layer_revision_is_the_revision_its_notes_name(plan_text):
    headers = dict(re.findall(r"^SIGNATURE \d+/6: (\w+) \(revision (\d+)\)$", plan_text, re.M))
    assert headers == {f"Signature{n}": str(n + 1) for n in range(1, 7)}
    notes = re.findall(r"^  - \[OVERLAY_AS_PRESCRIBED\] \(signature \d+\) .*field (\w+), added in revision (\d+), ", plan_text, re.M)
    assert notes == [("Signature5", headers["Signature5"])]
    for field, revision in re.findall(r"signature field '(\w+)' added and signed in revision (\d+)", plan_text):
        assert headers[field] == revision


# --- layers named by number ---------------------------------------------------------------------

def test_a_finding_names_its_layer_by_number(plan_json):
    """`layer` is the layer number: layers[layer - 1]; the same number the text and the
    metadata sources print."""
    for f in plan_json["findings"]:
        if "layer" in f:
            assert 1 <= f["layer"] <= len(plan_json["layers"])
    local = [f["layer"] for f in plan_json["findings"] if f["code"] == "SIGNING_TIME_LOCAL_AS_UTC"]
    assert local == [1, 2, 3, 4, 5, 6]
    meta = plan_json["metadata"]
    for key in ("code_number", "issued_date"):
        [number] = meta[key]["layers"]
        assert f"layer {number} appearance ({plan_json['layers'][number - 1]['field']})" in meta[key]["source"]


def test_profile_findings_name_the_layer_once(sample_trust):
    """ND30 findings about one layer say so in `layer`; other layers they mention are numbers too."""
    from verifier.document import verify_pdf

    report = verify_pdf((SAMPLES / "agency-before-person.pdf").read_bytes(), sample_trust)
    [f] = [f for f in report.findings if f.code == "ND30_AGENCY_BEFORE_PERSON"]
    agency, person = report.layers[f.layer - 1], report.layers[f.params["person_layer"] - 1]
    assert (agency.role, person.role) == ("agency", "person")
    assert "agency_layer" not in f.params and f"layer {f.layer})" in f.message("en")


# --- pages ------------------------------------------------------------------------------------------

def test_pages_count_from_one_in_appearances_widgets_metadata_and_findings(plan_json):
    from verifier.decree30.metadata import extract

    data = (SAMPLES / "plan.pdf").read_bytes()
    layers = plan_json["layers"]
    pages = {layer["field"]: layer["appearance"]["page"] for layer in layers}
    assert pages == {"Signature1": 2, "Signature2": 2, "Signature3": 1, "Signature4": 1, "Signature5": 2, "Signature6": 3}
    meta = extract(data)
    assert {w.field: w.page for w in meta.doc.widgets()} == pages
    # the signature block is on the page the signer's name is read from, where the director signs
    assert plan_json["metadata"]["signer_name"]["source"] == "page 2 text"
    assert meta.geometry.signer_block[0] == 2 == pages["Signature1"]
    assert meta.geometry.header_page == 1 and set(meta.geometry.page_boxes) == {1, 2, 3}
    [over] = [f for f in plan_json["findings"] if f["code"] == "OVERLAY_AS_PRESCRIBED"]
    assert over["params"]["page"] == pages[over["params"]["field"]] == 2
    assert "page 3 (an appendix page)" in layers[5]["purpose_basis"]


# --- hashes -----------------------------------------------------------------------------------------

def test_certificate_hashes_are_lower_case_hex(plan_json):
    for layer in plan_json["layers"]:
        assert re.fullmatch(r"[0-9a-f]{64}", layer["certificate"]["sha256"])
    assert re.fullmatch(r"[0-9a-f]{64}", plan_json["sha256"])


def test_a_layers_certificate_joins_its_evidence_row(tmp_path, database_url):
    import os

    from archive.db.models import Evidence, LayerRow
    from archive.db.session import make_engine, sessions

    env = {**os.environ, "KYSO_HOME": str(tmp_path / "home"), "KYSO_DATABASE_URL": database_url, "KYSO_LANG": "en"}
    if not database_url.startswith("sqlite"):  # a shared PostgreSQL is upgraded on purpose
        assert inprocess.kyso("db", "upgrade", env=env).returncode == 0
    result = inprocess.kyso("ingest", str(SAMPLES / "plan.pdf"), "--trust", TRUST, env=env)
    assert result.returncode == 0, result.stderr
    engine = make_engine(database_url)
    with sessions(engine)() as s:
        rows = list(s.execute(select(LayerRow).order_by(LayerRow.layer)).scalars())
        joined = s.execute(
            select(LayerRow.layer, Evidence.kind)
            .join(Evidence, (Evidence.sha256 == LayerRow.certificate_sha256)
                  & (Evidence.verification_id == LayerRow.verification_id))
            .order_by(LayerRow.layer)
        ).all()
    engine.dispose()
    assert [r.layer for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r.revision for r in rows] == [2, 3, 4, 5, 6, 7]
    assert [r.signer_common_name for r in rows][:2] == ["Trịnh Văn Nam", "Lý Thanh Tâm"]
    assert [tuple(j) for j in joined] == [(n, "certificate") for n in range(1, 7)]


# --- archived reports and databases of the earlier form -------------------------------------------

def test_a_report_archived_in_the_earlier_form_reads_as_today(plan_json):
    """Reports archived before (0-based layers and revisions, upper-case certificate hashes,
    details under `evidence`) load into today's form: rendered again, they read as a fresh one."""
    from verifier.report.load import report_from_dict, upgrade
    from verifier.report.render import render_text

    old = json.loads(json.dumps(plan_json))
    del old["report_format"]
    for layer in old["layers"]:
        layer["revision"] -= 1
        layer["certificate"]["sha256"] = layer["certificate"]["sha256"].upper()
        layer["role_evidence"], layer["purpose_evidence"] = layer.pop("role_basis"), layer.pop("purpose_basis")
        layer["changes"] = [re.sub(r"revision (\d+)", lambda m: f"revision {int(m.group(1)) - 1}", c) for c in layer["changes"]]
    for f in old["findings"]:
        if "layer" in f:
            f["layer"] -= 1
        if "params" in f:
            f["evidence"] = f.pop("params")
    for entry in old["metadata"].values():
        if isinstance(entry, dict) and "layers" in entry:
            entry["layers"] = [n - 1 for n in entry["layers"]]
    assert upgrade(old) == plan_json
    assert render_text(report_from_dict(old), "en") == render_text(report_from_dict(plan_json), "en")


def test_old_finding_details_take_todays_names():
    from verifier.report.load import report_from_dict

    old = {"file": "x.pdf", "sha256": "0" * 64, "size": 1, "verdict": "VALID", "layers": [], "metadata": {}, "findings": [
        {"code": "ND30_NO_PERSON_SIGNATURE", "severity": "warning", "layer": 0, "evidence": {"layers": 2}},
        {"code": "ND30_AGENCY_NAME_MISMATCH", "severity": "warning", "layer": 2,
         "evidence": {"certificate": "X", "printed": "Y", "parent": "-", "layers": "3, 4"}},
        {"code": "ND30_DATE_AFTER_SIGNING", "severity": "warning", "layer": 3,
         "evidence": {"issued": "2022-03-09", "signed": "2022-03-08T10:00:00+07:00", "layer_number": 4}},
    ]}
    a, b, c = report_from_dict(old).findings
    assert (a.layer, a.params) == (1, {"count": 2})
    assert (b.layer, b.params["layers"]) == (3, [3, 4]) and "layer(s) 3, 4" in b.message("en")
    assert c.layer == 4 and "layer_number" not in c.params and "(layer 4, " in c.message("en")


def _columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_a_database_at_the_first_schema_upgrades_to_one_vocabulary(database_url):
    """An archive created at schema 0001, with a document ingested as 0001 stored it (0-based
    position and revision, upper-case certificate hash), upgrades: columns named like the JSON
    keys, numbers from 1, the hash lower-case and joining its evidence row."""
    from alembic import command

    from archive.db.session import alembic_config, head_revision, make_engine, upgrade

    engine = make_engine(database_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    cert = "74BA252C2D2D2ED6CAB5EE83FD3E7F326871BD0A7B65DC74C6D32027E9BA40D0"
    now = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (id, sha256, size, pages, storage_key, original_name, first_received_at, verdict,"
            " verified_at, latest_verification_id) VALUES (1, :sha, 10, 3, 'ab/cd', 'plan.pdf', :now, 'VALID', :now, 1)"),
            {"sha": "42" * 32, "now": now})
        conn.execute(text(
            "INSERT INTO verifications (id, document_id, verified_at, trigger, verdict, policy, policy_sha256,"
            " trust_fingerprint, kyso_version, pyhanko_version, report)"
            " VALUES (1, 1, :now, 'ingest', 'VALID', 'nd30', :z, :z, '0.1', '0.38.0', '{}')"),
            {"now": now, "z": "0" * 64})
        conn.execute(text(
            "INSERT INTO layers (id, verification_id, position, field, revision, kind, role, signer_cn, signer_email,"
            " signer_org, pki, status, cert_sha256, cert_serial, issuer_cn) VALUES"
            " (1, 1, 0, 'Signature1', 1, 'signature', 'person', 'Trịnh Văn Nam', NULL, 'Sở GD', 'government', 'PASSED',"
            "  :cert, '668A', 'TEST CA'),"
            " (2, 1, 1, 'Signature2', 2, 'signature', 'person', 'Lý Thanh Tâm', NULL, NULL, 'government', 'PASSED',"
            "  NULL, NULL, NULL)"),
            {"cert": cert})
        conn.execute(text("INSERT INTO evidence (id, verification_id, kind, sha256, storage_key)"
                          " VALUES (1, 1, 'certificate', :sha, 'x/y')"), {"sha": cert.lower()})

    assert upgrade(engine) == head_revision()
    assert {"validation_time"} <= _columns(engine, "documents") and "verified_at" not in _columns(engine, "documents")
    assert "validation_time" in _columns(engine, "verifications")
    layer_columns = _columns(engine, "layers")
    assert {"layer", "signer_common_name", "signer_organization", "certificate_sha256", "certificate_serial",
            "issuer_common_name"} <= layer_columns
    assert not {"position", "signer_cn", "signer_org", "cert_sha256", "cert_serial", "issuer_cn"} & layer_columns
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT layer, revision, signer_common_name, certificate_sha256 FROM layers ORDER BY layer")).all()
        joined = conn.execute(text(
            "SELECT layers.field FROM layers JOIN evidence ON evidence.sha256 = layers.certificate_sha256")).all()
    assert [tuple(r) for r in rows] == [(1, 2, "Trịnh Văn Nam", cert.lower()), (2, 3, "Lý Thanh Tâm", None)]
    assert [r[0] for r in joined] == ["Signature1"]
    # and the archive's own queries run on it
    from archive.db.models import Document
    from archive.db.queries import document_summary
    from archive.db.session import sessions

    with sessions(engine)() as s:
        summary = document_summary(s, s.get(Document, 1))
    assert [(l["layer"], l["signer_common_name"]) for l in summary["layers"]] == [(1, "Trịnh Văn Nam"), (2, "Lý Thanh Tâm")]
    assert summary["validation_time"].startswith("2026-12-01")
    engine.dispose()
