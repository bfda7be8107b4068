"""The JSON API of `kyso serve` (issue 19), route by route, against a live server on an archive
made by `kyso ingest` (plan.pdf VALID, content-changed.pdf INVALID, untrusted-root.pdf
INDETERMINATE), with the real samples: what each answers, in which language, the problems'
shape, the audit events naming the account, and what the CLI says of the same documents."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import zipfile
from urllib.parse import quote

import pytest

from tests.conftest import SAMPLES
from tests.serving import TRUST, kyso

PLAN = (SAMPLES / "plan.pdf").read_bytes()
CHANGED = (SAMPLES / "content-changed.pdf").read_bytes()


def upload(name: str, data: bytes) -> dict:
    return {"file": (name, data, "application/pdf")}


def problem(answer, status: int, code: str) -> dict:
    """The answer is the problem `code` with `status`, in the API's shape, and no traceback."""
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) >= {"error", "message", "next"} and body["error"] == code, body
    assert body["message"] and "Traceback" not in answer.text
    return body


def events(served, kind: str) -> list[dict]:
    """The audit chain's events of `kind`, oldest first (the archive's own SQLite database)."""
    with sqlite3.connect(served.home / "kyso.sqlite") as db:
        rows = db.execute("SELECT document_id, detail FROM events WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
    return [{"document_id": doc, **json.loads(detail)} for doc, detail in rows]


def said_as_the_cli_says(outcome: dict) -> None:
    """An ingest's outcome is the JSON event of `kyso ingest --json` (docs/schemas/events.schema.json)."""
    import jsonschema

    from tests.conftest import ROOT

    schema = json.loads((ROOT / "docs" / "schemas" / "events.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(outcome, schema)


def document_id(served, name: str) -> int:
    found = served.api("both").get("/api/documents", params={"name": name}).json()["documents"]
    assert len(found) == 1, found
    return found[0]["id"]


# --- verify without archiving ----------------------------------------------------------------

def test_verify_answers_the_report_of_kyso_verify_json(served):
    answer = served.api("clerk").post("/api/verify", files=upload("plan.pdf", PLAN))
    assert answer.status_code == 200 and answer.headers["kyso-verdict"] == "VALID"
    body = answer.json()
    assert body["verdict"] == "VALID" == body["report"]["verdict"]
    cli = json.loads(kyso(served.home, "verify", str(SAMPLES / "plan.pdf"), "--json", "--trust", str(TRUST),
                          "--no-trust-store").stdout.strip().splitlines()[-1])
    assert set(body["report"]) == set(cli)
    assert body["report"]["sha256"] == cli["sha256"] == hashlib.sha256(PLAN).hexdigest()
    assert [layer["status"] for layer in body["report"]["layers"]] == [layer["status"] for layer in cli["layers"]]
    assert body["report"]["verdict_text"] == cli["verdict_text"] == "Hợp lệ"  # Vietnamese unless asked
    # nothing was archived
    assert served.api("both").get("/api/documents", params={"q": body["report"]["sha256"][:12]}).json()["documents"] == []


def test_verify_a_changed_document_is_invalid_and_said_in_english_on_request(served):
    answer = served.api("auditor").post("/api/verify", params={"lang": "en"}, files=upload("changed.pdf", CHANGED))
    body = answer.json()
    assert answer.headers["kyso-verdict"] == body["verdict"] == "INVALID"
    assert body["report"]["verdict_text"] == "Invalid"
    by_header = served.api("auditor").post("/api/verify", headers={"Accept-Language": "en-GB,en;q=0.9"},
                                           files=upload("changed.pdf", CHANGED))
    assert by_header.json()["report"]["verdict_text"] == "Invalid"


def test_verify_answers_each_form_the_accept_header_asks_for(served):
    client = served.api("admin")  # verify is open to every role

    def ask(accept: str, **params):
        answer = client.post("/api/verify", headers={"Accept": accept}, params=params, files=upload("plan.pdf", PLAN))
        assert answer.status_code == 200, answer.text[:300]
        assert answer.headers["kyso-verdict"] == "VALID"
        return answer

    text = ask("text/plain")
    assert text.headers["content-type"].startswith("text/plain") and "HỢP LỆ" in text.text
    assert "VALID" in ask("text/plain", lang="en").text
    html = ask("text/html")
    assert html.headers["content-type"].startswith("text/html") and html.text.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="vi"' in html.text and '<html lang="en"' in ask("text/html", lang="en").text
    pdf = ask("application/pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "filename*=UTF-8''plan.report.pdf" in pdf.headers["content-disposition"]
    etsi = ask("application/xml")
    from lxml import etree

    root = etree.fromstring(etsi.content)
    assert etree.QName(root).localname == "ValidationReport" and "etsi" in etree.QName(root).namespace
    # the most specific range and the highest q decide; */* is JSON
    assert ask("text/html;q=0.4, application/pdf").headers["content-type"] == "application/pdf"
    assert ask("text/*").headers["content-type"].startswith("text/plain")
    assert ask("*/*").json()["verdict"] == "VALID"


def test_verify_refuses_a_form_it_cannot_answer_in_naming_those_it_can(served):
    answer = served.api("clerk").post("/api/verify", headers={"Accept": "image/png"}, files=upload("plan.pdf", PLAN))
    body = problem(answer, 406, "not_acceptable")
    for media in ("application/json", "text/plain", "text/html", "application/pdf", "application/xml"):
        assert media in body["message"]


def test_an_upload_that_is_not_a_pdf_is_refused_in_the_askers_language(served):
    data = (SAMPLES / "not-a-pdf.pdf").read_bytes()
    vi = problem(served.api("clerk").post("/api/verify", files=upload("not-a-pdf.pdf", data)), 415, "not_pdf")
    assert "không phải PDF" in vi["message"] and vi["next"]
    en = problem(served.api("clerk").post("/api/verify?lang=en", files=upload("not-a-pdf.pdf", data)), 415, "not_pdf")
    assert "not a PDF" in en["message"]
    problem(served.api("clerk").post("/api/verify", data={"nothing": "here"}), 422, "invalid_request")
    broken = served.api("clerk").post("/api/verify", content=b"--x\r\n-1--x--\r\n",
                                      headers={"Content-Type": "multipart/form-data; boundary=x"})
    problem(broken, 400, "bad_request")
    # two files in one request: one would be taken and the other go unsaid (red team)
    two = [("file", ("a.pdf", PLAN, "application/pdf")), ("file", ("b.pdf", CHANGED, "application/pdf"))]
    for path in ("/api/verify?lang=en", "/api/documents?lang=en"):
        said = problem(served.api("clerk").post(path, files=two), 400, "one_file")
        assert said["message"] == "the request holds 2 files; one is taken per request"


# --- searching and reading the archive ------------------------------------------------------

def test_search_finds_what_kyso_archive_search_finds_with_folded_vietnamese(served):
    client = served.api("clerk")
    for words in ("binh phuoc", "BÌNH PHƯỚC", "Bi\u0300nh Phu\u031bo\u031b\u0301c"):  # plain, upper case, NFD
        found = client.get("/api/documents", params={"q": words}).json()
        cli = [json.loads(line)["id"] for line in
               kyso(served.home, "archive", "search", *words.split(), "--json").stdout.splitlines() if line.startswith("{")]
        assert sorted(d["id"] for d in found["documents"]) == sorted(cli) and cli, words
    invalid = client.get("/api/documents", params={"verdict": "INVALID"}).json()["documents"]
    assert [d["name"] for d in invalid] == ["content-changed.pdf"]
    by_number = client.get("/api/documents", params={"number": "KH-SGDDT", "verdict": "VALID"}).json()["documents"]
    assert "plan.pdf" in [d["name"] for d in by_number]


def test_search_pages_with_limit_and_offset_and_says_whether_more_follow(served):
    client = served.api("auditor")
    every = client.get("/api/documents").json()["documents"]
    assert len(every) >= 3
    first = client.get("/api/documents", params={"limit": 1}).json()
    second = client.get("/api/documents", params={"limit": 1, "offset": 1}).json()
    assert first["more"] is True and first["documents"][0]["id"] == every[0]["id"]
    assert second["documents"][0]["id"] == every[1]["id"]
    assert client.get("/api/documents", params={"limit": 500}).json()["more"] is False
    problem(client.get("/api/documents", params={"limit": 501}), 422, "invalid_request")
    problem(client.get("/api/documents", params={"verdict": "GOOD"}), 422, "invalid_request")
    problem(client.get("/api/documents", params={"issued_from": "2022-02-30"}), 422, "invalid_request")
    refused = problem(client.get("/api/documents", params={"signer": "x" * 300, "lang": "en"}), 422, "invalid_filter")
    assert refused["message"].startswith("signer ") and "--" not in refused["message"]


def test_a_document_is_what_kyso_archive_show_json_says(served):
    doc_id = document_id(served, "plan.pdf")
    shown = served.api("auditor").get(f"/api/documents/{doc_id}").json()
    cli = json.loads(kyso(served.home, "archive", "show", str(doc_id), "--json").stdout.strip().splitlines()[-1])
    cli.pop("archive")  # where the server keeps its archive is not the asker's business
    assert shown == cli
    assert shown["verdict"] == "VALID" and shown["stored_original"] == "ok" and shown["report"]["verdict"] == "VALID"
    by_sha = served.api("auditor").get(f"/api/documents/{shown['sha256'][:12]}").json()
    assert by_sha["id"] == doc_id


def test_an_unknown_document_is_a_404_problem_in_either_language(served):
    client = served.api("clerk")
    for ref in ("424242", "99999999999999999999", "deadbeefdeadbeef", "%C2%B2", "..%2F..%2Fetc%2Fpasswd", "%00"):
        body = problem(client.get(f"/api/documents/{ref}"), 404, "not_found")
        assert "kyso archive" not in body["message"]  # the API's own words, not the CLI's
    assert problem(client.get("/api/documents/424242?lang=en"), 404, "not_found")["message"] == \
        "no archived document '424242'"
    assert problem(client.get("/api/documents/424242/report"), 404, "not_found")["message"] == \
        "không có văn bản lưu trữ nào là '424242'"


def test_the_verification_history_lists_every_run(served):
    doc_id = document_id(served, "content-changed.pdf")
    history = served.api("clerk").get(f"/api/documents/{doc_id}/verifications").json()
    assert history["document_id"] == doc_id and history["verdict_verification_id"]
    first = history["verifications"][0]
    assert set(first) >= {"id", "trigger", "performed_at", "validation_time", "as_of", "verdict", "decision", "policy",
                          "kyso_version"}
    assert first["trigger"] == "ingest" and first["verdict"] == "INVALID" and first["decision"] == "first"


def test_the_report_is_json_or_the_kept_html(served):
    doc_id = document_id(served, "plan.pdf")
    client = served.api("auditor")
    report = client.get(f"/api/documents/{doc_id}/report").json()
    assert report["verdict"] == "VALID" and report["verdict_text"] == "Hợp lệ" and report["summary"]
    assert client.get(f"/api/documents/{doc_id}/report?lang=en").json()["verdict_text"] == "Valid"
    html = client.get(f"/api/documents/{doc_id}/report", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html") and '<html lang="vi"' in html.text
    with sqlite3.connect(served.home / "kyso.sqlite") as db:
        kept = db.execute("SELECT report_html_sha256 FROM verifications WHERE id = "
                          "(SELECT latest_verification_id FROM documents WHERE id = ?)", (doc_id,)).fetchone()[0]
    assert hashlib.sha256(html.content).hexdigest() == kept  # the HTML kept at ingest, as it was kept
    english = client.get(f"/api/documents/{doc_id}/report?lang=en", headers={"Accept": "text/html"})
    assert '<html lang="en"' in english.text
    pdf = client.get(f"/api/documents/{doc_id}/report", headers={"Accept": "application/pdf"})
    assert pdf.content.startswith(b"%PDF-")
    problem(client.get(f"/api/documents/{doc_id}/report", headers={"Accept": "application/xml"}), 406, "not_acceptable")
    problem(client.get(f"/api/documents/{doc_id}/report", params={"verification": 424242}), 404, "not_found")


def test_the_original_is_the_stored_bytes_as_an_attachment(served):
    doc_id = document_id(served, "plan.pdf")
    answer = served.api("clerk").get(f"/api/documents/{doc_id}/original")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.content == PLAN
    assert answer.headers["content-disposition"] == "attachment; filename=\"plan.pdf\"; filename*=UTF-8''plan.pdf"


# --- ingest, re-verify, export: each an event naming the account -----------------------------

def test_ingest_archives_an_upload_received_from_the_account(served):
    data = (SAMPLES / "agency-only.pdf").read_bytes()
    name = "Kế hoạch 45; bản số 2.pdf"  # (httpx writes a quote in a file name as %22)
    client = served.api("clerk")
    answer = client.post("/api/documents", files=upload("..\\..\\" + name, data))
    assert answer.status_code == 201, answer.text
    out = answer.json()
    assert out["event"] == "archived" and out["verdict"] == "VALID" and out["file"] == name
    said_as_the_cli_says(out)
    assert answer.headers["location"] == f"/api/documents/{out['document_id']}"
    shown = served.api("auditor").get(answer.headers["location"]).json()
    assert shown["sha256"] == hashlib.sha256(data).hexdigest()
    assert [r["source"] for r in shown["receipts"]] == ["web:van.thu"]
    received = [e for e in events(served, "received") if e["document_id"] == out["document_id"]]
    assert received and received[0]["source"] == "web:van.thu"
    # the download's name: the exact name for RFC 8187 clients, a harmless ASCII one for the others
    disposition = client.get(f"/api/documents/{out['document_id']}/original").headers["content-disposition"]
    assert disposition.endswith("filename*=UTF-8''" + quote(name, safe=""))
    fallback = re.match(r'attachment; filename="([^"]*)"; filename\*=', disposition).group(1)
    assert fallback.startswith("Ke hoach 45") and fallback.isascii() and ";" not in fallback
    # the same bytes again: nothing new, 200
    again = client.post("/api/documents", files=upload(name, data))
    assert again.status_code == 200 and again.json()["event"] in ("already", "duplicate")
    renamed = client.post("/api/documents", files=upload("another name.pdf", data))
    assert renamed.status_code == 200 and renamed.json()["event"] == "duplicate"
    said_as_the_cli_says(renamed.json())
    assert renamed.json()["document_id"] == out["document_id"]


def test_an_ingest_that_goes_to_quarantine_is_a_422_with_the_reason(served):
    data = (SAMPLES / "truncated.pdf").read_bytes()
    answer = served.api("clerk").post("/api/documents?lang=en", files=upload("truncated.pdf", data))
    body = problem(answer, 422, "quarantined")
    assert "PDF" in body["message"] and "quarantine" in body["next"]
    outcome = body["outcome"]
    assert outcome["event"] == "quarantined" and outcome["reason"] == body["message"]
    said_as_the_cli_says(outcome)
    assert "/" not in outcome["quarantine"] and outcome["quarantine"].endswith("truncated.pdf")
    quarantined = [e for e in events(served, "quarantined") if e.get("sha256") == hashlib.sha256(data).hexdigest()]
    assert quarantined and quarantined[-1]["source"] == "web:van.thu"
    # the reason file beside the kept copy says what a clerk who uploaded it can do (not `kyso ingest`'s step)
    reason = (served.home / "quarantine" / (outcome["quarantine"] + ".reason.txt")).read_text(encoding="utf-8")
    assert "upload it again" in reason and "Inbox page" in reason and "kyso ingest" not in reason  # asked in English


def test_only_a_clerk_ingests_and_only_an_auditor_reverifies(served):
    problem(served.api("auditor").post("/api/documents", files=upload("plan.pdf", PLAN)), 403, "forbidden")
    problem(served.api("clerk").post("/api/documents/1/reverify"), 403, "forbidden")
    problem(served.api().post("/api/documents", files=upload("plan.pdf", PLAN)), 401, "unauthenticated")


def test_reverify_records_runs_whose_events_name_the_account(served):
    doc_id = document_id(served, "plan.pdf")
    before = len(served.api("auditor").get(f"/api/documents/{doc_id}/verifications").json()["verifications"])
    answer = served.api("auditor").post(f"/api/documents/{doc_id}/reverify")
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["document_id"] == doc_id and out["before"] == out["after"] == "VALID" and out["by"] == "kiem.tra"
    assert [run["as_of"] for run in out["runs"]] == ["archived"] and out["decision"] == "same"
    history = served.api("auditor").get(f"/api/documents/{doc_id}/verifications").json()["verifications"]
    assert len(history) == before + 1 and history[-1]["trigger"] == "reverify"
    run = next(e for e in events(served, "re-verified") if e["verification_id"] == out["runs"][0]["verification_id"])
    assert run["by"] == "kiem.tra" and run["document_id"] == doc_id
    both = served.api("both").post(f"/api/documents/{doc_id}/reverify", params={"now": "true"}).json()
    assert [run["as_of"] for run in both["runs"]] == ["archived", "now"] and both["by"] == "hai.vai"
    problem(served.api("auditor").post("/api/documents/424242/reverify"), 404, "not_found")


def test_export_is_the_package_of_kyso_archive_export_and_an_event_naming_the_account(served):
    doc_id = document_id(served, "plan.pdf")
    answer = served.api("auditor").get(f"/api/documents/{doc_id}/export")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as package:
        names = package.namelist()
        top = names[0].split("/")[0]
        assert f'filename="{top}.zip"' in answer.headers["content-disposition"]
        files = {n[len(top) + 1:]: package.read(n) for n in names}
    assert files["data/original.pdf"] == PLAN
    assert {"data/report.json", "data/report.vi.txt", "data/report.en.txt", "data/report.etsi.xml", "data/metadata.json",
            "data/evidence.json", "data/audit-head.json", "bagit.txt"} <= set(files)
    for line in files["manifest-sha256.txt"].decode().splitlines():  # every file as the manifest says
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256(files[rel]).hexdigest() == digest, rel
    exported = [e for e in events(served, "exported") if e["document_id"] == doc_id]
    assert exported and exported[-1]["by"] == "kiem.tra"
    problem(served.api("clerk").get(f"/api/documents/{doc_id}/export"), 403, "forbidden")


def test_evidence_is_listed_and_each_piece_downloaded_as_stored(served):
    doc_id = document_id(served, "plan.pdf")
    client = served.api("auditor")
    listing = client.get(f"/api/documents/{doc_id}/evidence").json()
    assert listing["document_id"] == doc_id and listing["evidence"]
    item = next(e for e in listing["evidence"] if e["kind"] == "certificate")
    answer = client.get(f"/api/documents/{doc_id}/evidence/{item['sha256']}")
    assert hashlib.sha256(answer.content).hexdigest() == item["sha256"]
    assert answer.headers["content-type"] == "application/pkix-cert"
    assert item["file"].rsplit("/", 1)[-1] in answer.headers["content-disposition"]
    # an object of the store that is not this document's evidence (here: its own original) is not served
    original = hashlib.sha256(PLAN).hexdigest()
    problem(client.get(f"/api/documents/{doc_id}/evidence/{original}"), 404, "not_found")
    problem(served.api("clerk").get(f"/api/documents/{doc_id}/evidence"), 403, "forbidden")


# --- metrics and the absence of tracebacks --------------------------------------------------

def _metric(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        metric, _, value = line.rpartition(" ")
        if metric == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    return 0.0


def test_metrics_count_verifications_answers_and_documents(served):
    client = served.api("admin")
    before = client.get("/metrics")
    assert before.status_code == 200 and before.headers["content-type"].startswith("text/plain")
    valid = _metric(before.text, "kyso_verifications_total", route="/api/verify", verdict="VALID")
    client.post("/api/verify", files=upload("plan.pdf", PLAN))
    client.get("/api/documents/8475123")  # labelled by its route, never by the path asked for
    client.get("/no/such/path")
    after = client.get("/metrics").text
    assert _metric(after, "kyso_verifications_total", route="/api/verify", verdict="VALID") == valid + 1
    assert _metric(after, "kyso_verification_seconds_count", route="/api/verify") >= 1
    assert _metric(after, "kyso_http_requests_total", route="/api/documents/{ref}", status="403") >= 1
    assert _metric(after, "kyso_http_requests_total", route="unmatched", status="404") >= 1
    assert "8475123" not in after and "/no/such/path" not in after
    assert re.search(r"^kyso_queue_depth 0\.0$", after, re.M)
    every = served.api("both").get("/api/documents", params={"limit": 500}).json()["documents"]
    for verdict in ("VALID", "INVALID", "INDETERMINATE"):
        assert _metric(after, "kyso_documents", verdict=verdict) == sum(d["verdict"] == verdict for d in every)
    problem(served.api().get("/metrics"), 401, "unauthenticated")


def test_no_answer_ever_carries_a_traceback(served):
    client = served.api("both")
    odd = [client.get("/api/documents", params={"limit": "10" * 20}),
           client.get("/api/documents", params={"received_to": "9999-12-31", "received_from": "0001-01-01"}),
           client.get("/api/documents/1/report", headers={"Accept": "text/html;q=abc"}),
           client.get("/api/documents/1/evidence/" + "z" * 64),
           client.post("/api/verify", files=upload("x.pdf", b"%PDF-1.7\n" + b"\x00" * 1000)),
           client.post("/api/documents/1/reverify", params={"now": "maybe"}),
           client.request("DELETE", "/api/documents/1")]
    for answer in odd:
        assert answer.status_code < 500 and "Traceback" not in answer.text, (answer.request.url, answer.text[:300])
    assert odd[1].status_code == 200  # bounds beyond any receipt are no bounds, not an overflow
    assert odd[4].json()["verdict"] == "ERROR"  # a PDF header over nothing readable: a report, not a crash
    assert "Traceback" not in served.log.read_text()


# --- the documentation of the API, kept true ------------------------------------------------

def test_docs_api_md_names_every_route_and_metric_and_no_other(served):
    from tests.conftest import ROOT
    from tests.test_serve_access import ROUTES

    docs = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    served_routes = {f"{m} {p}" for m, p, _ in ROUTES if p.startswith("/api/") and p != "/api/openapi.json" or p == "/metrics"}
    documented = set(re.findall(r"`((?:GET|POST|PUT|PATCH|DELETE) /[^`]*)`", docs))
    assert served_routes - documented == set(), "routes the API serves that docs/api.md does not name"
    assert documented - served_routes == set(), "routes docs/api.md names that the API does not serve"
    metrics = served.api("auditor").get("/metrics").text
    for name in re.findall(r"^# TYPE (kyso_\w+) ", metrics, re.M):  # a counter's TYPE line names it with _total
        assert f"`{name}{{" in docs or f"`{name}`" in docs, f"{name} is not in docs/api.md"
