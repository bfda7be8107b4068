"""The console of `kyso serve` (issue 19) as each role uses it, over real HTTP against a real
server on a copy of a real archive (tests/serving.py): the inbox and its watchers, the quarantine
and its release, search, the document page and its downloads, verify and ingest, the audit page;
CSRF on every form; values a document or an uploader brought shown as text; the JSON routes of
the quarantine and the audit chain; and `kyso quarantine release` writing its audit event."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.serving import ACCOUNTS, KYSO, env_for, kyso

BROKEN = b"%PDF-1.7\nbroken on the way\n"  # a PDF by its header, unreadable after it
HOSTILE_NAME = "<img src=x onerror=alert(1)>.pdf"  # no "/" (a name is its last component), no '"' (browsers send %22)
HOSTILE_SUBJECT = "Về việc <script>alert(1)</script> thử nghiệm"


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def doc_id(served, name: str) -> int:
    """The id of the archived document first received as `name` (from the search page's links)."""
    page = served.signed_in("auditor").get("/search", params={"per": 100}).text
    found = re.search(r'<a href="/documents/(\d+)">' + re.escape(name) + "</a>", page)
    assert found, name
    return int(found.group(1))


def upload(client, path: str, name: str, data: bytes, token: str | None = None):
    token = token or csrf(client.get(path).text)
    return client.post(path, data={"csrf": token}, files={"file": (name, data, "application/pdf")})


def events(served, kind: str) -> list[dict]:
    """The archive's own events of `kind`, read from its SQLite database, newest first."""
    with sqlite3.connect(served.home / "kyso.sqlite") as db:
        rows = db.execute("SELECT seq, claim_id, document_id, detail FROM events WHERE kind = ? ORDER BY seq DESC",
                          (kind,)).fetchall()
    return [{"seq": seq, "claim_id": claim, "document_id": doc, **json.loads(detail)} for seq, claim, doc, detail in rows]


def inbox_of(served) -> Path:
    return served.home.parent / f"{served.home.name}-inbox"  # Settings.default_inbox


def quarantine_ids(html: str) -> list[str]:
    return re.findall(r'action="/quarantine/([0-9a-f]{32})/release"', html)


# --- who sees what ----------------------------------------------------------------------------

PAGES = {  # page -> the roles of tests.serving.ACCOUNTS that may open it
    "/inbox": {"clerk", "auditor", "both"}, "/search": {"clerk", "auditor", "both"},
    "/documents/1": {"clerk", "auditor", "both"}, "/documents/1/report.html": {"clerk", "auditor", "both"},
    "/documents/1/original": {"clerk", "auditor", "both"},
    "/verify": {"clerk", "auditor", "admin", "both"}, "/ingest": {"clerk", "both"}, "/audit": {"auditor", "both"},
    "/trust": {"admin"}, "/accounts": {"admin"},
}
NAV = {"/inbox": "read", "/search": "read", "/verify": "verify", "/ingest": "ingest", "/audit": "audit",
       "/trust": "trust", "/accounts": "accounts"}


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_role_opens_the_pages_its_role_may_and_is_refused_the_others(served, role):
    from archive.web.access import allowed

    client = served.signed_in(role)
    for path, roles in PAGES.items():
        answer = client.get(path)
        if role in roles:
            assert answer.status_code == 200, (role, path, answer.text[-500:])
        else:
            assert answer.status_code == 403 and "không có quyền" in answer.text, (role, path)
    nav = client.get("/verify").text.split("<nav>", 1)[1].split("</nav>", 1)[0]
    roles = frozenset(ACCOUNTS[role][1].split(","))
    for link, action in NAV.items():
        assert (f'href="{link}"' in nav) == allowed(roles, action), (role, link)


def test_a_page_asked_for_without_signing_in_leads_to_the_sign_in_page(served):
    import httpx

    for path in ("/inbox", "/search?q=ke+hoach", "/documents/1", "/audit", "/verify"):
        answer = httpx.get(served.url + path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next="), path


# --- search -----------------------------------------------------------------------------------

def test_search_folds_vietnamese_filters_and_pages(served):
    client = served.signed_in("clerk")
    plan = doc_id(served, "plan.pdf")
    changed = doc_id(served, "content-changed.pdf")
    found = client.get("/search", params={"q": "ke hoach chung tay"})
    assert found.status_code == 200 and f'href="/documents/{plan}"' in found.text
    assert "Kế hoạch" in found.text and "Hợp lệ" in found.text
    invalid = client.get("/search", params={"verdict": "INVALID"}).text
    assert f'href="/documents/{changed}"' in invalid and f'href="/documents/{plan}"' not in invalid
    by_number = client.get("/search", params={"number": "45/KH-SGDDT"}).text  # Đ typed as D
    assert f'href="/documents/{plan}"' in by_number and f'href="/documents/{changed}"' not in by_number
    by_agency = client.get("/search", params={"agency": "so giao duc", "signer": "trinh van nam"}).text
    assert f'href="/documents/{plan}"' in by_agency
    # the plan was issued on 08/03/2022: a range that starts the day after leaves it out
    after = client.get("/search", params={"issued_from": "09/03/2022"}).text
    assert f'href="/documents/{plan}"' not in after
    within = client.get("/search", params={"issued_from": "2022-03-01", "issued_to": "08/03/2022"}).text
    assert f'href="/documents/{plan}"' in within
    none = client.get("/search", params={"q": "khong co van ban nao nhu the"})
    assert none.status_code == 200 and "Không có văn bản nào khớp" in none.text
    bad = client.get("/search", params={"received_from": "31/02/2022"})
    assert bad.status_code == 422 and "không phải ngày (dd/mm/yyyy)" in bad.text and "Traceback" not in bad.text
    # a page at a time, newest first, with links both ways that keep the filters
    first = client.get("/search", params={"per": 2}).text
    ids = re.findall(r'<a href="/documents/(\d+)">#?\d*', first)
    assert len(set(ids)) == 2 and 'rel="next"' in first and 'rel="prev"' not in first
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(following).text
    assert 'rel="prev"' in second and not set(re.findall(r'<a href="/documents/(\d+)">', second)) & set(ids)
    english = client.get("/search", params={"q": "ke hoach", "lang": "en"}).text
    assert "Search the archive" in english and "Valid" in english


# --- the document page ------------------------------------------------------------------------

def test_document_page_says_the_verdict_first_and_shows_summary_history_evidence_and_report(served):
    client = served.signed_in("clerk")
    plan = doc_id(served, "plan.pdf")
    page = client.get(f"/documents/{plan}").text
    main = page.split("<main>", 1)[1]
    # the verdict in words comes before anything else the page says about the document
    assert main.index("Hợp lệ") < main.index("Thông tin văn bản")
    for text in ("Kế hoạch", "45/KH-SGDĐT", "08/03/2022", "Sở Giáo dục và Đào tạo", "Trịnh Văn Nam",
                 "Chung tay xây dựng nông thôn mới", "lần kiểm tra đầu tiên", "kết luận hiện tại dựa trên lần này",
                 "chứng thư số", "CRL", "nhúng trong tệp"):
        assert text in page, text
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", page)  # times as a clerk reads them
    # the report is shown in a sandboxed frame that runs nothing, its markup escaped into srcdoc
    framed = re.search(r'<iframe class="report" sandbox srcdoc="([^"]*)"', page)
    assert framed and "&lt;html" in framed.group(1) and "HỢP LỆ — mọi chữ ký số đều đúng" in framed.group(1)
    assert "unsafe-inline" not in client.get(f"/documents/{plan}").headers["content-security-policy"].split("script-src")[1]
    # and as a page of its own, to print or keep
    report = client.get(f"/documents/{plan}/report.html")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    policy = report.headers["content-security-policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
    assert "HỢP LỆ — mọi chữ ký số đều đúng" in report.text and "data:image/png;base64," in report.text
    english = client.get(f"/documents/{plan}/report.html", params={"lang": "en"}).text
    assert "VALID — every signature checks out" in english
    # the clerk may read but neither export nor re-verify: no such buttons
    assert f'action="/documents/{plan}/export"' not in page and f'action="/documents/{plan}/reverify"' not in page
    auditor = served.signed_in("auditor").get(f"/documents/{plan}").text
    assert f'action="/documents/{plan}/export"' in auditor and f'action="/documents/{plan}/reverify"' in auditor
    missing = client.get("/documents/999999")
    assert missing.status_code == 404 and "không có văn bản lưu trữ nào có số thứ tự 999999" in missing.text
    assert client.get("/documents/abc").status_code == 422


def test_the_original_downloads_as_received_under_a_safe_name(served):
    client = served.signed_in("clerk")
    plan = doc_id(served, "plan.pdf")
    answer = client.get(f"/documents/{plan}/original")
    assert answer.status_code == 200 and answer.content == (SAMPLES / "plan.pdf").read_bytes()
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == "attachment; filename=\"plan.pdf\"; filename*=UTF-8''plan.pdf"


def test_export_is_the_command_lines_package_as_a_zip_and_an_audit_event_naming_the_account(served):
    plan = doc_id(served, "plan.pdf")
    refused = served.signed_in("clerk")
    assert refused.post(f"/documents/{plan}/export", data={"csrf": csrf(refused.get("/search").text)}).status_code == 403
    client = served.signed_in("auditor")
    answer = client.post(f"/documents/{plan}/export", data={"csrf": csrf(client.get(f"/documents/{plan}").text)})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert 'filename*=UTF-8\'\'kyso-' in answer.headers["content-disposition"]
    package = zipfile.ZipFile(io.BytesIO(answer.content))
    root = package.namelist()[0].split("/", 1)[0]
    assert root.startswith(f"kyso-{plan}-")
    files = {n.split("/", 1)[1]: package.read(n) for n in package.namelist()}
    assert files["data/original.pdf"] == (SAMPLES / "plan.pdf").read_bytes()
    assert "bagit.txt" in files and "data/report.etsi.xml" in files
    for line in files["manifest-sha256.txt"].decode().splitlines():  # every file as the manifest says
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    exported = events(served, "exported")[0]
    assert exported["document_id"] == plan and exported["by"] == "kiem.tra"
    assert not list((served.home / "tmp").glob("web-export-*"))  # nothing left behind on the server


def test_reverify_adds_a_run_to_the_history_and_says_what_it_decided(served):
    plan = doc_id(served, "plan.pdf")
    client = served.signed_in("auditor")
    before = len(events(served, "re-verified"))
    runs = client.get(f"/documents/{plan}").text.count("/report.html?verification=")
    clerk = served.signed_in("clerk")
    assert clerk.post(f"/documents/{plan}/reverify", data={"csrf": csrf(clerk.get("/search").text)}).status_code == 403
    answer = client.post(f"/documents/{plan}/reverify", data={"csrf": csrf(client.get(f"/documents/{plan}").text)})
    assert answer.status_code == 303 and answer.headers["location"] == f"/documents/{plan}?reverified=1#history"
    page = client.get(answer.headers["location"]).text
    assert re.search(r'id="reverified">Đã kiểm tra lại: kết luận giữ nguyên;', page)
    assert page.count("/report.html?verification=") == runs + 1 and "kiểm tra lại" in page
    assert len(events(served, "re-verified")) == before + 1


# --- verify and ingest ------------------------------------------------------------------------

def test_verify_shows_the_verdict_and_the_report_and_archives_nothing(served):
    client = served.signed_in("admin")  # verifying is every role's
    documents = len(events(served, "stored"))
    answer = upload(client, "/verify", "untrusted-root.pdf", (SAMPLES / "untrusted-root.pdf").read_bytes())
    assert answer.status_code == 200
    main = answer.text.split("<main>", 1)[1]
    assert main.index("Không xác định") < main.index("Báo cáo kiểm tra")
    assert "chứng thư số không do tổ chức được tin cậy cấp" in main  # the cause, in plain words
    frame = re.search(r'<iframe class="report" sandbox srcdoc="([^"]*)"', main)
    assert frame and "KHÔNG XÁC ĐỊNH" in frame.group(1) and "&lt;html" in frame.group(1).lower()
    policy = answer.headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self'" in policy
    assert len(events(served, "stored")) == documents  # nothing archived
    not_pdf = upload(client, "/verify", "cong-van.docx", b"PK\x03\x04 a Word file")
    assert not_pdf.status_code == 415 and "không phải PDF" in not_pdf.text and "Traceback" not in not_pdf.text
    empty = client.post("/verify", data={"csrf": csrf(client.get("/verify").text)})
    assert empty.status_code == 422 and "không có tệp nào được gửi lên" in empty.text


def test_ingest_archives_the_upload_from_the_account_and_links_the_document(served):
    client = served.signed_in("clerk")
    answer = upload(client, "/ingest", "bao-cao-don-vi.pdf", (SAMPLES / "unit-report.pdf").read_bytes())
    assert answer.status_code == 200 and 'data-kind="archived"' in answer.text and "Hợp lệ" in answer.text
    link = re.search(r'<a href="/documents/(\d+)" id="document-link">', answer.text)
    assert link and "12/BC-THPTCQT" in answer.text
    page = client.get(f"/documents/{link.group(1)}").text
    assert "bao-cao-don-vi.pdf" in page and "web:van.thu" in page
    received = next(e for e in events(served, "received") if e["document_id"] == int(link.group(1)))
    assert received["source"] == "web:van.thu"
    again = upload(client, "/ingest", "lan-hai.pdf", (SAMPLES / "unit-report.pdf").read_bytes())
    assert 'data-kind="duplicate"' in again.text and f'href="/documents/{link.group(1)}"' in again.text
    assert "lan-hai.pdf" in client.get("/inbox").text  # among the latest arrivals, as a duplicate
    refused = served.signed_in("auditor")
    assert upload(refused, "/ingest", "x.pdf", b"%PDF-1.7\n", token=csrf(refused.get("/verify").text)).status_code == 403


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory) -> bytes:
    """A decision signed by the test PKI, VALID, whose subject line holds markup."""
    sys.path.insert(0, str(SAMPLES))
    import build as sample_build  # samples/build.py
    import pdfmake
    import pkigen

    from tests import test_provenance as tp

    pdf = pdfmake._Pdf()
    pdf.add_page()
    size, base = 12, pdfmake.TOP + 8
    pdf.centred("ỦY BAN NHÂN DÂN", pdfmake.HEAD_L, base, "", size)
    pdf.centred("TỈNH THỬ NGHIỆM", pdfmake.HEAD_L, base + size * 1.3, "B", size, underline_frac=0.35)
    pdf.centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", pdfmake.HEAD_R, base, "B", size)
    pdf.centred("Độc lập - Tự do - Hạnh phúc", pdfmake.HEAD_R, base + size * 1.3, "B", size, underline_frac=1.0)
    row = base + size * 2.6 + 14
    pdf.centred("Số: 77/QĐ-UBND", pdfmake.HEAD_L, row, "", size)
    pdf.set_font("Serif", "I", size)
    pdf.text(300, row, "Thử Nghiệm, ngày 02 tháng 12 năm 2026")
    y = pdfmake._title(pdf, row + 42, "QUYẾT ĐỊNH", [HOSTILE_SUBJECT])
    pdfmake._body(pdf, y, [("p", "Điều 1. Thử nghiệm việc hiển thị trích yếu."), ("p", "Điều 2. Có hiệu lực kể từ ngày ký.")])
    pdfmake._closing(pdf, ["- Như Điều 2;", "- Lưu: VT."], ["CHỦ TỊCH"], "Trịnh Văn Nam")
    doc = pdfmake.Doc(bytes(pdf.output()), pdf.pages_count, pdf.boxes)
    builder = sample_build.Builder(pkigen.load_or_create(SAMPLES / "pki"), tmp_path_factory.mktemp("fonts"), None)
    return tp.issue(builder, doc, number=None, date=None)


def test_values_a_document_or_an_uploader_brought_show_as_text(served, hostile_pdf):
    client = served.signed_in("both")
    answer = upload(client, "/ingest", HOSTILE_NAME, hostile_pdf)
    assert 'data-kind="archived"' in answer.text
    doc = int(re.search(r'<a href="/documents/(\d+)" id="document-link">', answer.text).group(1))
    pages = {"ingest": answer.text, "document": client.get(f"/documents/{doc}").text,
             "search": client.get("/search", params={"q": "thu nghiem"}).text, "inbox": client.get("/inbox").text,
             "home": client.get("/").text}
    escaped_name = "&lt;img src=x onerror=alert(1)&gt;.pdf"
    for where, page in pages.items():
        assert "<img src=x" not in page and "<script>alert(1)</script>" not in page, where
        assert escaped_name in page, where
    for where in ("document", "search", "home"):
        assert "Về việc &lt;script&gt;alert(1)&lt;/script&gt; thử nghiệm" in pages[where], where
    # the stored report says it too, as text, and is served to run nothing
    report = client.get(f"/documents/{doc}/report.html")
    assert "<script>alert(1)</script>" not in report.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in report.text
    assert "sandbox" in report.headers["content-security-policy"]


# --- the inbox, the watchers and the quarantine -----------------------------------------------

def test_quarantine_shows_the_reason_in_the_clerks_language_and_release_puts_the_file_back(served):
    inbox = inbox_of(served)
    inbox.mkdir(exist_ok=True)
    client = served.signed_in("clerk")
    answer = upload(client, "/ingest", "hong-tren-duong.pdf", BROKEN)
    assert 'data-kind="quarantined"' in answer.text and "Không lưu trữ được" in answer.text
    page = client.get("/inbox").text
    entry = next(i for i in quarantine_ids(page) if "hong-tren-duong.pdf" in page.split(f'id="q-{i}"', 1)[1][:600])
    row = page.split(f'id="q-{entry}"', 1)[1].split("</tr>", 1)[0]
    assert "không đọc được" in row.lower()  # the reason, in Vietnamese
    english = client.get("/inbox", params={"lang": "en"}).text.split(f'id="q-{entry}"', 1)[1].split("</tr>", 1)[0]
    assert "not archivable" in english  # the same reason, in English (from the audit event)
    # who may not release does not get the button, and is refused the request
    auditor = served.signed_in("auditor")
    assert f"/quarantine/{entry}/release" not in auditor.get("/inbox").text
    assert auditor.post(f"/quarantine/{entry}/release", data={"csrf": csrf(auditor.get("/inbox").text)}).status_code == 403
    # the clerk releases it: the file is back in the inbox under its name, and the chain says who
    released = client.post(f"/quarantine/{entry}/release", data={"csrf": csrf(page)})
    assert released.status_code == 303 and released.headers["location"] == f"/inbox?released={entry}"
    assert (inbox / "hong-tren-duong.pdf").read_bytes() == BROKEN
    after = client.get(released.headers["location"]).text
    assert 'id="released"' in after and "hong-tren-duong.pdf" in after and entry not in quarantine_ids(after)
    event = next(e for e in events(served, "released") if e["claim_id"] == entry)
    assert event["by"] == "van.thu" and event["to"] == str(inbox.absolute() / "hong-tren-duong.pdf")
    # the released file now waits in the inbox for a watcher
    assert "hong-tren-duong.pdf" in after.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    again = client.post(f"/quarantine/{entry}/release", data={"csrf": csrf(page)})
    assert again.status_code == 404 and "không có tệp bị cách ly nào có mã" in again.text
    (inbox / "hong-tren-duong.pdf").unlink()


def test_release_is_refused_with_a_reason_when_it_cannot_be_done(served):
    inbox = inbox_of(served)
    inbox.mkdir(exist_ok=True)
    client = served.signed_in("clerk")
    upload(client, "/ingest", "trung-ten.pdf", BROKEN + b"2")
    page = client.get("/inbox").text
    entry = next(i for i in quarantine_ids(page) if "trung-ten.pdf" in page.split(f'id="q-{i}"', 1)[1][:600])
    (inbox / "trung-ten.pdf").write_bytes(b"the clerk's own copy")
    clash = client.post(f"/quarantine/{entry}/release", data={"csrf": csrf(page)})
    assert clash.status_code == 409 and "không ghi đè" in clash.text
    assert (inbox / "trung-ten.pdf").read_bytes() == b"the clerk's own copy" and entry in quarantine_ids(client.get("/inbox").text)
    assert not [e for e in events(served, "released") if e["claim_id"] == entry]  # no release, no event
    (inbox / "trung-ten.pdf").unlink()
    inbox.rename(inbox.with_name("elsewhere"))
    try:
        gone = client.post(f"/quarantine/{entry}/release", data={"csrf": csrf(page)})
        assert gone.status_code == 409 and "thư mục nhận" in gone.text and "không có" in gone.text
    finally:
        inbox.with_name("elsewhere").rename(inbox)
    forged = client.post(f"/quarantine/{entry}/release", data={"csrf": "not-the-token"})
    assert forged.status_code == 403 and entry in quarantine_ids(client.get("/inbox").text)
    bad = client.post("/quarantine/..%2F..%2Fetc%2Fpasswd/release", data={"csrf": csrf(page)})
    assert bad.status_code in (404, 405)


def test_inbox_shows_a_running_watcher_and_one_killed_without_a_word(served, tmp_path):
    inbox = inbox_of(served)
    inbox.mkdir(exist_ok=True)
    client = served.signed_in("clerk")
    assert "Không có tiến trình kyso watch nào đang chạy" in client.get("/inbox").text
    (inbox / "cho-xu-ly.part").write_bytes(b"still being copied")  # a temporary name: never listed
    log = (tmp_path / "watch.log").open("wb")
    watcher = subprocess.Popen([*KYSO, "watch", str(inbox), "--trust", str(SAMPLES / "pki" / "trust.pem"),
                                "--no-trust-store"], env=env_for(served.home), cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            section = client.get("/inbox").text.split('id="watchers"', 1)[1].split("</section>", 1)[0]
            if f":{watcher.pid}" in section:
                break
            time.sleep(0.5)
        assert f":{watcher.pid}" in section, (tmp_path / "watch.log").read_text()[-2000:]
        assert "đang chạy" in section and str(inbox) in section
        assert "cho-xu-ly.part" not in client.get("/inbox").text
        os.killpg(watcher.pid, signal.SIGKILL)  # no chance to say it stops
        watcher.wait(timeout=30)
        section = client.get("/inbox").text.split('id="watchers"', 1)[1].split("</section>", 1)[0]
        assert f":{watcher.pid}" in section and "đã dừng bất thường" in section
    finally:
        if watcher.poll() is None:
            os.killpg(watcher.pid, signal.SIGKILL)
            watcher.wait(timeout=30)
        (inbox / "cho-xu-ly.part").unlink(missing_ok=True)
        for beat in (served.home / "watchers").glob("*.json"):
            beat.unlink()


def test_inbox_lists_what_arrived_and_where_it_went(served):
    client = served.signed_in("clerk")
    plan = doc_id(served, "plan.pdf")
    arrivals = client.get("/inbox").text.split('id="arrivals"', 1)[1].split("</section>", 1)[0]
    row = next(r for r in arrivals.split("<tr")[1:] if ">plan.pdf<" in r)
    assert "Hợp lệ" in row and "45/KH-SGDĐT" in row and "Sở Giáo dục và Đào tạo" in row
    assert f'<a href="/documents/{plan}">đã lưu trữ, #{plan}</a>' in row
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", row)


# --- the audit page ---------------------------------------------------------------------------

def test_audit_page_shows_the_chain_fixity_and_who_did_what(served):
    client = served.signed_in("auditor")
    page = client.get("/audit").text
    chain = page.split('id="chain"', 1)[1].split("</section>", 1)[0]
    assert "Nguyên vẹn" in chain and "sự kiện" in chain
    events_table = page.split('id="events"', 1)[1]
    assert re.search(r'class="by">cli<', events_table)  # the accounts made with `kyso accounts add`
    checked = client.post("/audit/fixity", data={"csrf": csrf(page)})
    fixity = checked.text.split('id="fixity"', 1)[1].split("</section>", 1)[0]
    assert checked.status_code == 200 and "Nguyên vẹn" in fixity and "0 vấn đề" in fixity
    assert events(served, "fixity-checked")[0]["by"] == "kiem.tra"
    assert re.search(r'fixity-checked</code></td>\s*<td data-label="[^"]*" class="by">kiem.tra<', checked.text)
    # an object altered on disk: the next check says which
    plan = doc_id(served, "plan.pdf")
    with sqlite3.connect(served.home / "kyso.sqlite") as db:
        sha = db.execute("SELECT report_html_sha256 FROM verifications WHERE document_id = ? AND report_html_sha256 "
                         "IS NOT NULL ORDER BY id LIMIT 1", (plan,)).fetchone()[0]
    stored = served.home / "objects" / sha[:2] / sha[2:]  # archive.storage.blobs
    kept = stored.read_bytes()
    os.chmod(stored, 0o644)
    stored.write_bytes(kept + b"<!-- changed -->")
    try:
        broken = client.post("/audit/fixity", data={"csrf": csrf(page)}).text.split('id="fixity"', 1)[1]
        assert "Có tệp hỏng hoặc mất" in broken and "BỊ SỬA" in broken and sha[:16] in broken
    finally:
        stored.write_bytes(kept)
        os.chmod(stored, 0o444)
    assert served.signed_in("clerk").get("/audit").status_code == 403


# --- CSRF on every form -----------------------------------------------------------------------

def _routes(router):
    """Every route of a router, through the routers it includes."""
    for route in router.routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner)
        elif hasattr(route, "router"):  # an include of older FastAPI versions
            yield from _routes(route.router)
        else:
            yield route


def test_every_console_form_carries_the_session_token_and_no_post_goes_without_it(served):
    from archive.web.console import router

    from archive.web.access import allowed
    from archive.web.auth import action_of

    client = served.signed_in("both")
    admin = served.signed_in("admin")  # the trust and accounts forms are the administrator's
    plan = doc_id(served, "plan.pdf")
    token, admin_token = csrf(client.get("/inbox").text), csrf(admin.get("/trust").text)
    posts = [r for r in _routes(router) if "POST" in getattr(r, "methods", ()) and r.path != "/login"]
    assert len(posts) >= 7, [r.path for r in posts]
    for route in posts:
        path = route.path
        action = action_of(route)
        by_admin = action is not None and not allowed({"clerk", "auditor"}, action)
        poster, own = (admin, admin_token) if by_admin else (client, token)
        url = path.replace("{document_id}", str(plan)).replace("{ref}", "0" * 32).replace("{name}", "van.thu")
        files = {"file": ("plan.pdf", (SAMPLES / "plan.pdf").read_bytes(), "application/pdf")}
        for data, headers in (({}, {}), ({"csrf": "not-the-token"}, {}), ({"csrf": own}, {"Origin": "https://evil.example"})):
            answer = poster.post(url, data=data, files=files if path in ("/verify", "/ingest", "/trust/import") else None,
                                 headers=headers)
            assert answer.status_code == 403 and 'data-code="csrf"' in answer.text, (path, data, headers)
    # and every form of the pages carries the token
    for page in ("/inbox", f"/documents/{plan}", "/verify", "/ingest", "/audit", "/search"):
        html = client.get(page).text
        for form in re.findall(r'<form[^>]*method="post".*?</form>', html, re.S):
            assert f'name="csrf" value="{token}"' in form, (page, form[:200])
    for page in ("/trust", "/accounts"):
        html = admin.get(page).text
        for form in re.findall(r'<form[^>]*method="post".*?</form>', html, re.S):
            assert f'name="csrf" value="{admin_token}"' in form, (page, form[:200])


# --- the JSON routes --------------------------------------------------------------------------

def test_api_lists_the_quarantine_and_releases_as_the_account(served):
    inbox = inbox_of(served)
    inbox.mkdir(exist_ok=True)
    upload(served.signed_in("clerk"), "/ingest", "qua-api.pdf", BROKEN + b"api")
    listed = served.api("clerk").get("/api/quarantine")
    assert listed.status_code == 200
    entry = next(e for e in listed.json()["entries"] if e["file"] == "qua-api.pdf")
    assert "+07:00" in entry["quarantined_at"] and "không đọc được" in entry["reason"].lower()
    english = served.api("clerk").get("/api/quarantine", params={"lang": "en"}).json()["entries"]
    assert "not archivable" in next(e for e in english if e["id"] == entry["id"])["reason"]
    assert served.api("admin").get("/api/quarantine").status_code == 403
    assert served.api().get("/api/quarantine").status_code == 401
    assert served.api("auditor").post(f"/api/quarantine/{entry['id']}/release").status_code == 403
    unknown = served.api("clerk").post("/api/quarantine/ffff0000/release")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_in_quarantine"
    done = served.api("clerk").post(f"/api/quarantine/{entry['id'][:8]}/release")
    assert done.status_code == 200, done.text
    assert done.json() == {"id": entry["id"], "file": "qua-api.pdf", "released_to": str(inbox.absolute() / "qua-api.pdf")}
    assert (inbox / "qua-api.pdf").read_bytes() == BROKEN + b"api"
    assert next(e for e in events(served, "released") if e["claim_id"] == entry["id"])["by"] == "van.thu"
    (inbox / "qua-api.pdf").unlink()


def test_api_audit_says_what_kyso_audit_verify_says_with_the_latest_events(served):
    answer = served.api("auditor").get("/api/audit", params={"limit": 5})
    assert answer.status_code == 200
    body = answer.json()
    cli = json.loads(kyso(served.home, "audit", "verify", "--json").stdout.strip().splitlines()[-1])
    assert body["ok"] is True and cli["ok"] is True
    assert body["events"] <= cli["events"] and body["head"]["seq"] <= cli["head"]["seq"]
    assert len(body["latest_events"]) == 5 and body["latest_events"][0]["seq"] == body["head"]["seq"]
    assert served.api("clerk").get("/api/audit").status_code == 403
    assert served.api("auditor").get("/api/audit", params={"limit": -1}).status_code == 422


# --- the command line -------------------------------------------------------------------------

def test_kyso_quarantine_release_writes_the_released_event_too(served, tmp_path):
    target = tmp_path / "den"
    target.mkdir()
    broken = tmp_path / "van-ban-hong.pdf"
    broken.write_bytes(BROKEN + b"cli")
    kyso(served.home, "ingest", str(broken), check=False)
    row = next(json.loads(line) for line in kyso(served.home, "quarantine", "list", "--json").stdout.splitlines()
               if json.loads(line)["file"].endswith("van-ban-hong.pdf"))
    kyso(served.home, "quarantine", "release", row["id"][:8], "--to", str(target))
    assert (target / "van-ban-hong.pdf").read_bytes() == BROKEN + b"cli"
    event = next(e for e in events(served, "released") if e["claim_id"] == row["id"])
    assert event["by"] == "cli" and event["to"] == str(target / "van-ban-hong.pdf")
    assert json.loads(kyso(served.home, "audit", "verify", "--json").stdout.strip().splitlines()[-1])["ok"] is True
