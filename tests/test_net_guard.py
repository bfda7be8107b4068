"""What --online asks, and for how long (red team, 2026-12-06): the addresses come from the
certificates of the document, which anyone can make, so a request goes to the loopback, private
or link-local networks only when the operator allows them ([network] private_addresses); a
redirection leaves http and https for nothing; and the timeout bounds a whole request, however
slowly its answer drips (verifier/net/http.py). Real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from verifier.net import http as kyso_http


class _Recorder(http.server.BaseHTTPRequestHandler):
    """/loop: a redirection to itself; /redirect-ftp: a redirection to ftp://; /short: 100 bytes promised, 10 sent; /drip: 1,000
    bytes promised, one sent every 0.4 s; anything else: 200 with a body. Every path asked is
    recorded."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.seen.append(self.path)
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/redirect-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1:1/x")
            self.end_headers()
            return
        if self.path == "/short":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.close_connection = True
            return
        if self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.4)
            except OSError:  # kyso closed the connection: what the test wants
                pass
            return
        body = b"secret admin page"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Recorder.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.seen
    httpd.shutdown()
    httpd.server_close()


def test_a_local_address_is_not_asked_unless_allowed(server):
    url, seen = server
    with pytest.raises(kyso_http.HttpError) as refused:
        kyso_http.fetch(f"{url}/admin/deleteAll", timeout=2, private_addresses=False)
    assert "127.0.0.1 is a local or private network address" in str(refused.value)
    assert "private_addresses = true" in refused.value.reason.vi
    assert seen == []  # nothing was sent
    body, _ = kyso_http.fetch(f"{url}/admin", timeout=2, private_addresses=True)
    assert body == b"secret admin page" and seen == ["/admin"]


def test_a_local_address_is_not_even_connected_to():
    # a connection alone tells a local service someone is there (and, for https, sends it a
    # TLS hello): the address is checked before connecting, not after
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        for scheme in ("http", "https"):
            with pytest.raises(kyso_http.HttpError) as refused:
                kyso_http.fetch(f"{scheme}://127.0.0.1:{port}/", timeout=2, private_addresses=False)
            assert "127.0.0.1 is a local or private network address" in str(refused.value)
        with pytest.raises(kyso_http.HttpError):  # "localhost" is resolved, then checked
            kyso_http.fetch(f"http://localhost:{port}/", timeout=2, private_addresses=False)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_a_redirection_out_of_http_is_not_followed(server):
    url, seen = server
    with pytest.raises(kyso_http.HttpError) as refused:
        kyso_http.fetch(f"{url}/redirect-ftp", timeout=2)
    assert str(refused.value) == "redirection to ftp: not followed (only http:// and https://)"


def test_a_redirection_loop_ends_after_three_redirections(server):
    url, seen = server
    with pytest.raises(kyso_http.HttpError) as looped:
        kyso_http.fetch(f"{url}/loop", timeout=2)
    assert str(looped.value) == "more than 3 redirections (HTTP 302)"
    assert looped.value.reason.vi == "quá 3 lần chuyển hướng (HTTP 302)"
    assert len(seen) == 1 + kyso_http.MAX_REDIRECTS  # urllib's own count went five times round a loop


def test_the_timeout_bounds_a_dripping_answer(server):
    url, _ = server
    started = time.monotonic()
    with pytest.raises(kyso_http.HttpError) as slow:
        kyso_http.fetch(f"{url}/drip", timeout=1.5)
    assert time.monotonic() - started < 4, "each read was bounded, not the request"
    assert str(slow.value) == "no answer within 1.5 s"


def test_an_answer_cut_short_is_no_answer(server):
    url, _ = server
    with pytest.raises(kyso_http.HttpError) as short:
        kyso_http.fetch(f"{url}/short", timeout=2)
    assert str(short.value) == "the answer was cut short (10 bytes, 90 missing)"


def test_kyso_verify_online_does_not_ask_the_local_pki_unless_allowed(live_pki, tmp_path):
    """The live test PKI answers on 127.0.0.1: its certificates' caIssuers, OCSP and CRL
    addresses are local ones, not asked by default and asked once the operator allows them."""
    pdf = tmp_path / "good.pdf"
    pdf.write_bytes(live_pki.sign("good"))
    args = [sys.executable, "-m", "archive", "verify", "--json", "--online", "--no-trust-store",
            "--trust", str(live_pki.root_pem), str(pdf)]
    env = {**os.environ, "KYSO_HOME": str(tmp_path / "home"), "KYSO_LANG": "en"}
    env.pop("KYSO_NET_PRIVATE_ADDRESSES")
    denied = json.loads(subprocess.run(args, capture_output=True, text=True, env=env, timeout=120).stdout)
    assert denied["verdict"] == "INDETERMINATE"
    assert denied["fetched"] and all(f["result"].startswith("not asked: 127.0.0.1 is a local") for f in denied["fetched"])
    allowed = json.loads(subprocess.run(args, capture_output=True, text=True, timeout=120,
                                        env={**env, "KYSO_NET_PRIVATE_ADDRESSES": "1"}).stdout)
    assert allowed["verdict"] == "VALID" and all(f["result"] == "ok" for f in allowed["fetched"])


@pytest.mark.parametrize("address, local", [
    ("8.8.8.8", False), ("2001:4860:4860::8888", False), ("64:ff9b::808:808", False),
    ("127.0.0.1", True), ("10.1.2.3", True), ("169.254.169.254", True), ("::1", True), ("fe80::1", True),
    ("::ffff:127.0.0.1", True), ("fec0::1", True),
    # IPv6 addresses carrying a private IPv4 one, which Python's is_global calls global
    ("64:ff9b::a00:1", True), ("2002:7f00:1::", True), ("::7f00:1", True),
])
def test_which_addresses_are_on_the_internet(address, local):
    import ipaddress

    assert kyso_http._local(ipaddress.ip_address(address)) is local
