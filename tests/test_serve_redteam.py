"""`kyso serve` attacked from outside and from each role (issue 19, red team): every test here
failed on the server as it was built, and passes with the fix committed beside it. A real server
on 127.0.0.1 (tests/serving.py), answered over real HTTP and raw sockets."""

from __future__ import annotations

import re

import pytest

from tests.serving import PASSWORD

BEYOND = "99999999999999999999"  # larger than any integer column of SQLite or PostgreSQL


def _csrf(client, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


@pytest.mark.parametrize("path", [f"/documents/{BEYOND}", f"/documents/{BEYOND}/original",
                                  f"/documents/{BEYOND}/report.html", f"/documents/1/report.html?verification={BEYOND}"])
def test_a_document_or_run_beyond_any_id_is_not_found_not_an_internal_error(served, path):
    answer = served.signed_in("auditor").get(path)
    assert answer.status_code == 404, answer.text
    assert "không có" in answer.text


@pytest.mark.parametrize("field", ["received_from", "received_to", "issued_from", "issued_to"])
@pytest.mark.parametrize("day", ["01/01/0001", "31/12/9999"])
def test_a_search_from_the_first_or_to_the_last_day_answers(served, field, day):
    answer = served.signed_in("clerk").get("/search", params={field: day})
    assert answer.status_code == 200, answer.text


def _first_answer(served, head: bytes, wait: float = 15.0) -> bytes:
    """What the server answers to `head` and the start of a body it never gets the rest of."""
    import socket

    with socket.create_connection(("127.0.0.1", served.port)) as sock:
        sock.sendall(head + b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7\n")
        sock.settimeout(wait)
        try:
            return sock.recv(4096)
        except TimeoutError:
            return b""


@pytest.mark.parametrize("path", ["/api/verify", "/api/documents", "/verify", "/ingest"])
@pytest.mark.parametrize("framing", [b"Content-Length: 40000000", b"Transfer-Encoding: chunked"])
def test_an_upload_by_nobody_is_refused_before_its_body_is_read(served, path, framing):
    # otherwise anyone who can reach the port has the server parse and spool 50 MB per request
    # (1000 parts of it in memory) before it says 401
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n".encode()
            + framing + b"\r\n\r\n")
    if b"chunked" in framing:
        head += b"100000\r\n"  # a chunk of 1 MB announced, a few bytes of it sent
    answer = _first_answer(served, head)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_another_site_cannot_sign_a_browser_in_to_an_account_of_its_choosing(served, origin):
    # login CSRF: the clerk would then archive into, and read from, the attacker's session
    import httpx

    answer = httpx.post(served.url + "/login", data={"name": "van.thu", "password": PASSWORD, "next": "/"},
                        headers={"Origin": origin})
    assert answer.status_code == 403 and "biểu mẫu" in answer.text
    assert "kyso_session" not in answer.headers.get("set-cookie", "")
    own = httpx.post(served.url + "/login", data={"name": "van.thu", "password": PASSWORD, "next": "/"},
                     headers={"Origin": served.url})
    assert own.status_code == 303 and "kyso_session" in own.headers["set-cookie"]


def _peak_rss_mb(pid: int) -> float:
    from pathlib import Path

    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


@pytest.fixture
def bare_server(tmp_path, database_url):
    """A server of its own over an archive with the test accounts and no documents, on SQLite
    and on PostgreSQL."""
    from tests.serving import Server, prepare, set_up

    home = tmp_path / "home"
    extra = {"KYSO_DATABASE_URL": database_url} if database_url else {}
    if database_url:
        set_up(home, "db", "upgrade", **extra)
    tokens = prepare(home, ingested=(), database_url=database_url)
    server = Server(home, tokens, args=("--workers", "1"), env=extra).start()
    yield server
    server.stop()


def test_many_sign_ins_at_once_cannot_make_the_server_hash_them_all_at_once(bare_server):
    # each password check is argon2id with 64 MiB: as many at once as the thread pool has threads
    # (40: 2.5 GB) on PostgreSQL; on SQLite each held the archive's write lock meanwhile
    import concurrent.futures

    import httpx

    served = bare_server
    before = _peak_rss_mb(served.proc.pid)

    def attempt(n: int) -> int:
        return httpx.post(served.url + "/login", data={"name": f"khong.co.{n}", "password": "sai-mat-khau-roi"},
                          timeout=120).status_code

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        statuses = list(pool.map(attempt, range(24)))
    assert set(statuses) <= {401, 503}, statuses
    assert _peak_rss_mb(served.proc.pid) - before < 4 * 64, "more than a few password checks ran at once"


def test_a_body_the_parser_refuses_is_said_in_vietnamese_only(served):
    # a part header longer than the multipart parser takes: its English reason was in the Vietnamese answer
    answer = served.api("clerk").post("/api/verify", files={"file": ("a" * 5000 + ".pdf", b"%PDF-1.7", "application/pdf")})
    assert answer.status_code == 400 and answer.json()["error"] == "bad_request"
    assert "không đọc được" in answer.json()["message"] and "Invalid" not in answer.json()["message"]
    english = served.api("clerk").post("/api/verify?lang=en",
                                       files={"file": ("a" * 5000 + ".pdf", b"%PDF-1.7", "application/pdf")})
    assert "cannot be read" in english.json()["message"]
