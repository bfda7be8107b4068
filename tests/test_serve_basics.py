"""`kyso serve` foundations (issue 19): sign-in, sessions, tokens, CSRF, the address rule."""

from __future__ import annotations

import json

import pytest

from tests.serving import ACCOUNTS, PASSWORD, kyso


def test_health_needs_no_account_and_says_the_database_answers(served):
    body = served.api().get("/api/health").json()
    assert body["status"] == "ok" and body["database"] == "ok"


def test_console_sends_who_is_not_signed_in_to_the_sign_in_page_and_back(served):
    import httpx

    answer = httpx.get(served.url + "/?x=1", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=%2F%3Fx%3D1"
    client = served.signed_in("clerk")
    page = client.get("/")
    assert page.status_code == 200 and "Kho lưu trữ" in page.text and "van.thu" in page.text
    cookie = next(c for c in client.cookies.jar if c.name == "kyso_session")
    assert cookie.has_nonstandard_attr("HttpOnly")


def test_wrong_password_is_refused_the_same_as_an_unknown_account_and_throttled(served):
    import httpx

    wrong = httpx.post(served.url + "/login", data={"name": "kiem.tra", "password": "sai-mat-khau-roi"})
    unknown = httpx.post(served.url + "/login", data={"name": "khong.co", "password": "sai-mat-khau-roi"})
    assert wrong.status_code == unknown.status_code == 401
    assert "sai tên tài khoản hoặc mật khẩu" in wrong.text and "sai tên tài khoản hoặc mật khẩu" in unknown.text
    for _ in range(5):
        httpx.post(served.url + "/login", data={"name": "quan.tri", "password": "sai-mat-khau-roi"})
    # even the right password now waits
    locked = httpx.post(served.url + "/login", data={"name": "quan.tri", "password": PASSWORD})
    assert locked.status_code == 429 and "thử lại sau" in locked.text


def test_a_form_without_the_session_csrf_token_is_refused(served):
    client = served.signed_in("auditor")
    refused = client.post("/logout", data={"csrf": "not-the-token"})
    assert refused.status_code == 403 and "biểu mẫu" in refused.text
    assert client.get("/").status_code == 200  # still signed in
    foreign = client.post("/logout", data={"csrf": "x"}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403


def test_sign_out_ends_the_session_on_the_server(served):
    import re

    client = served.signed_in("auditor")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    stolen = dict(client.cookies)
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    import httpx

    again = httpx.get(served.url + "/", cookies=stolen, follow_redirects=False)
    assert again.status_code == 303  # the old cookie opens nothing


def test_open_redirect_after_sign_in_goes_home(served):
    import httpx

    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = httpx.post(served.url + "/login", data={"name": ACCOUNTS["clerk"][0], "password": PASSWORD,
                                                         "next": target})
        assert answer.status_code == 303 and answer.headers["location"] == "/", target


def test_api_refuses_without_a_token_and_with_a_revoked_one(served, tmp_path):
    assert served.api().get("/api/openapi.json").status_code == 200
    home = served.home
    token = kyso(home, "accounts", "token", "kiem.tra", "--label", "short-lived").stdout.strip()
    import httpx

    assert served.api().get("/api/health").status_code == 200
    kyso(home, "accounts", "token", "kiem.tra", "--label", "short-lived", "--revoke")
    answer = httpx.get(served.url + "/", headers={"Authorization": f"Bearer {token}"}, follow_redirects=False)
    assert answer.status_code == 303  # a token opens no console page


def test_every_account_change_is_in_the_audit_chain(served):
    done = kyso(served.home, "audit", "verify", "--json")
    assert json.loads(done.stdout.strip().splitlines()[-1])["ok"] is True


def test_listening_beyond_loopback_needs_tls_or_a_proxy(tmp_path):
    refused = kyso(tmp_path / "home", "serve", "--host", "0.0.0.0", check=False)
    assert refused.returncode == 2 and "TLS" in refused.stderr and "Traceback" not in refused.stderr
    half = kyso(tmp_path / "home", "serve", "--tls-cert", __file__, check=False)
    assert half.returncode == 2 and "--tls-key" in half.stderr


def test_short_password_and_unknown_role_are_usage_errors(tmp_path):
    short = kyso(tmp_path / "h", "accounts", "add", "a", "--role", "clerk", "--password-stdin", stdin="short\n", check=False)
    assert short.returncode == 2 and "10" in short.stderr
    role = kyso(tmp_path / "h", "accounts", "add", "a", "--role", "boss", "--password-stdin", stdin=PASSWORD + "\n",
                check=False)
    assert role.returncode == 2 and "boss" in role.stderr


@pytest.mark.parametrize("name", ["cli", "Watcher"])
def test_the_names_the_audit_log_gives_the_system_are_no_account_names(tmp_path, name):
    """An event `by` "cli" or "watcher" is the command line's or the watched folder's: an account
    of that name could not be told from them."""
    refused = kyso(tmp_path / "h", "accounts", "add", name, "--role", "admin", "--password-stdin",
                   stdin=PASSWORD + "\n", check=False)
    assert refused.returncode == 2 and "dành cho nhật ký kiểm toán" in refused.stderr and "Traceback" not in refused.stderr
