"""kyso's one HTTP client (verifier.net.http) says every failure in both languages, and the
reports of --online say it in the reader's: FETCH_FAILED, REVOCATION_NOT_OBTAINED and the list of
downloads of a Vietnamese report hold no English reason. Real servers on 127.0.0.1 (a closed
port, one that answers 404, one that never answers; the live test PKI)."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from verifier.net import http as net_http


@pytest.fixture
def not_found_url():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_error(404, "Not Found")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ca.crl"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_failure_is_said_in_both_languages(not_found_url):
    with pytest.raises(net_http.HttpError) as refused:
        net_http.fetch(f"http://127.0.0.1:{_closed_port()}/x.crl", timeout=2)
    assert refused.value.unreachable
    assert refused.value.reason.en == "cannot connect (connection refused)"
    assert refused.value.reason.vi == "không kết nối được (máy chủ từ chối kết nối)"

    with pytest.raises(net_http.HttpError) as missing:
        net_http.fetch(not_found_url, timeout=2)
    assert not missing.value.unreachable  # the server is there: asking it again is no waste
    assert (missing.value.reason.vi, missing.value.reason.en) == ("máy chủ trả lời HTTP 404 Not Found",
                                                                  "the server answered HTTP 404 Not Found")

    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        with pytest.raises(net_http.HttpError) as hung:
            net_http.fetch(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.5)
    assert hung.value.unreachable and hung.value.reason.vi == "không có trả lời sau 0.5 giây"

    with pytest.raises(net_http.HttpError) as ldap:
        net_http.fetch("ldap://ldap.ca.gov.vn/cn=CA", timeout=1)
    assert "ldap:" in ldap.value.reason.vi and "chỉ tải được địa chỉ http://" in ldap.value.reason.vi


def test_the_archive_says_a_download_failure_in_both_languages():
    from archive.ltv.net import FetchError, fetch

    url = f"http://127.0.0.1:{_closed_port()}/tsa"
    with pytest.raises(FetchError) as failed:
        fetch(url, timeout=2, data=b"request", content_type="application/timestamp-query")
    assert failed.value.text("vi") == f"{url}: không kết nối được (máy chủ từ chối kết nối)"
    assert failed.value.text("en") == f"{url}: cannot connect (connection refused)"


def test_a_vietnamese_report_says_why_a_download_failed_in_vietnamese(live_pki):
    pytest.importorskip("certomancer")
    from verifier.document import verify_pdf
    from verifier.report.render import render_text
    from verifier.trust.config import TrustConfig

    data = live_pki.sign("good")
    trust = TrustConfig(online=True, net_private_addresses=True)
    trust.add_bundle(live_pki.pem("root"))
    with live_pki.states(crl="down", ocsp="down"):
        report = verify_pdf(data, trust, file="live.pdf")
    assert report.verdict == "INDETERMINATE"
    failed = [f for f in report.findings if f.code == "FETCH_FAILED"]
    [obtained] = [f for f in report.findings if f.code == "REVOCATION_NOT_OBTAINED"]
    assert failed
    for finding in failed:
        assert "máy chủ từ chối kết nối" in finding.message("vi") and "refused" not in finding.message("vi")
        assert "connection refused" in finding.message("en")
    assert "máy chủ từ chối kết nối" in obtained.message("vi") and "refused" not in obtained.message("vi")
    assert all(f["result"].startswith(("cannot connect", "not asked again")) for f in report.fetched
               if f["result"] != "ok")  # the JSON keeps the English, as before
    text = render_text(report, "vi", details=True)
    assert "máy chủ từ chối kết nối" in text and "refused" not in text


def test_an_answer_that_is_not_http_is_a_failure_said_not_a_crash():
    """http.client's own errors (not OSErrors) escaped archive.ltv's client before: `kyso certs
    refresh` against such a server ended as an internal error."""
    from archive.ltv.net import FetchError, fetch

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)

        def answer():
            conn, _ = server.accept()
            with conn:
                conn.recv(4096)
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/root.crl"
        with pytest.raises(FetchError) as failed:
            fetch(url, timeout=5)
        thread.join(5)
    assert failed.value.text("en").startswith(f"{url}: the answer is not valid HTTP")
    assert failed.value.text("vi").startswith(f"{url}: trả lời không phải HTTP hợp lệ")
