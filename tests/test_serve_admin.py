"""The administrator's console of `kyso serve` (issue 19), over real HTTP against real servers on
copies of a real archive (tests/serving.py): where an administrator lands, the trust page (the
store as `kyso certs list` shows it, an import with the checks of `kyso certs import`, no refresh
offline, a refresh online), GET /api/trust, the accounts page (add, roles, disable/enable, password, API tokens
shown once), CSRF on every form, the audit events naming the account, the rule that an
administrator cannot lock themselves out, and `kyso certs import` writing its event as "cli".

The import is proved by its effect: a server that uses its archive's trust store (no
--no-trust-store) verifies a sample of the test PKI INDETERMINATE, and VALID once the
administrator imported the test PKI's anchor and intermediates through the page."""

from __future__ import annotations

import json
import re
import sqlite3

import httpx
import pytest

from tests.conftest import SAMPLES
from tests.serving import ACCOUNTS, PASSWORD, TRUST, Server, copy_home, kyso

PKI = SAMPLES / "pki"


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def events(home, kind: str) -> list[dict]:
    """The archive's own events of `kind`, read from its SQLite database, newest first."""
    with sqlite3.connect(home / "kyso.sqlite") as db:
        rows = db.execute("SELECT seq, detail FROM events WHERE kind = ? ORDER BY seq DESC", (kind,)).fetchall()
    return [{"seq": seq, **json.loads(detail)} for seq, detail in rows]


def sign_in(server, name: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(server.url + "/login", data={"name": name, "password": password, "next": "/"},
                      follow_redirects=False, timeout=60)


def verdict(server, name: str) -> str:
    answer = server.api("admin").post("/api/verify", files={"file": (name, (SAMPLES / name).read_bytes())})
    assert answer.status_code == 200, answer.text
    return answer.json()["verdict"]


@pytest.fixture(scope="module")
def own_store(_served_template, tmp_path_factory):
    """A server that trusts what its archive's trust store holds (empty at first), as a real one does."""
    template, tokens = _served_template
    home = copy_home(template, tmp_path_factory.mktemp("own-store") / "home")
    server = Server(home, tokens, args=("--workers", "1"), trust=()).start()
    yield server
    server.stop()


# --- where an administrator lands --------------------------------------------------------------

def test_an_administrator_lands_on_the_trust_page_with_the_admin_links(served):
    admin = served.signed_in("admin")
    first = admin.get("/")
    assert first.status_code == 303 and first.headers["location"] == "/trust"  # not a 403: admin may not read
    nav = admin.get("/trust").text.split("<nav>", 1)[1].split("</nav>", 1)[0]
    assert 'href="/trust"' in nav and 'href="/accounts"' in nav and 'href="/verify"' in nav
    assert 'href="/inbox"' not in nav and 'href="/search"' not in nav
    clerk = served.signed_in("clerk")
    assert clerk.get("/").status_code == 200
    assert 'href="/trust"' not in clerk.get("/").text and clerk.get("/trust").status_code == 403


# --- the trust store ---------------------------------------------------------------------------

def test_the_trust_page_lists_the_store_as_certs_list_does(served):
    page = served.signed_in("admin").get("/trust").text
    listed = json.loads(kyso(served.home, "certs", "list", "--json").stdout)
    for row in listed:  # every pin, imported or not, with where to get it
        assert f'data-sha256="{row["sha256"]}"' in page
    assert "vgca-g2-root" in page and "http://ca.gov.vn/pki/pub/crt/rootcag2.crt" in page
    assert 'id="store-unused"' in page  # the test servers verify with --no-trust-store: said on the page
    assert 'action="/trust/refresh"' not in page  # offline: no refresh button
    english = served.signed_in("admin").get("/trust", params={"lang": "en"}).text
    assert "The trust store" in english and "not imported, get http://ca.gov.vn" in english
    api = served.api("admin").get("/api/trust").json()
    assert [r["sha256"] for r in api["certificates"]] == [r["sha256"] for r in listed]
    assert api["revocations"] == [] and api["online"] is False and api["store_used"] is False
    assert served.api("auditor").get("/api/trust").status_code == 403


def test_an_imported_anchor_is_what_makes_a_signature_valid(own_store):
    server = own_store
    assert verdict(server, "plan.pdf") == "INDETERMINATE"  # nothing in the store yet
    admin = server.signed_in("admin")
    token = csrf(admin.get("/trust").text)
    pem = TRUST.read_bytes()  # the test PKI's two roots and two intermediates, none of them pinned
    form = {"csrf": token, "kind": "certificate"}
    # not pinned, and not said to be: refused as `kyso certs import` refuses it, nothing kept
    refused = admin.post("/trust/import", data=form, files={"file": ("test-pki.pem", pem)})
    assert refused.status_code == 422 and 'data-code="trust_refused"' in refused.text
    assert "pins.toml" in refused.text and "chưa ghim" in refused.text  # why, and what to do next
    # a form without its session's token, or from another site, changes nothing
    forged = admin.post("/trust/import", data={**form, "unpinned": "true", "csrf": "x"}, files={"file": ("a.pem", pem)})
    assert forged.status_code == 403 and 'data-code="csrf"' in forged.text
    elsewhere = admin.post("/trust/import", data={**form, "unpinned": "true"}, files={"file": ("a.pem", pem)},
                           headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    assert not events(server.home, "trust-changed")
    assert not [r for r in server.api("admin").get("/api/trust").json()["certificates"] if r["imported"]]
    assert verdict(server, "plan.pdf") == "INDETERMINATE"
    # the administrator has checked the fingerprints: imported, with the warning, and recorded
    done = admin.post("/trust/import", data={**form, "unpinned": "true"}, files={"file": ("test-pki.pem", pem)})
    assert done.status_code == 200 and 'id="imported"' in done.text, done.text[-800:]
    assert "CHƯA ĐƯỢC GHIM" in done.text  # the --unpinned warning of the CLI
    imported = [r for r in server.api("admin").get("/api/trust").json()["certificates"] if r["imported"]]
    assert {r["role"] for r in imported} == {"anchor", "intermediate"} and len(imported) == 4
    assert not any(r["pinned"] for r in imported)
    [event] = events(server.home, "trust-changed")
    assert event["by"] == "quan.tri" and event["action"] == "imported" and event["file"] == "test-pki.pem"
    assert {e["sha256"] for e in event["entries"]} == {r["sha256"] for r in imported}
    # the next verification uses it, with no restart
    assert verdict(server, "plan.pdf") == "VALID"
    assert verdict(server, "untrusted-root.pdf") != "VALID"  # only what was imported is trusted
    # the same file again changes nothing, and is no event
    again = admin.post("/trust/import", data={**form, "unpinned": "true"}, files={"file": ("test-pki.pem", pem)})
    assert again.status_code == 200 and "không thay đổi gì" in again.text
    assert len(events(server.home, "trust-changed")) == 1


def test_a_crl_is_imported_and_listed_with_its_next_update(own_store):
    server = own_store
    admin = server.signed_in("admin")
    token = csrf(admin.get("/trust").text)
    crl = (PKI / "crl" / "ca-g2.crl").read_bytes()
    wrong = admin.post("/trust/import", data={"csrf": token, "kind": "revocation"},
                       files={"file": ("not-a-crl.crl", b"hello")})
    assert wrong.status_code == 422 and 'data-code="trust_refused"' in wrong.text
    done = admin.post("/trust/import", data={"csrf": token, "kind": "revocation"}, files={"file": ("ca-g2.crl", crl)})
    assert done.status_code == 200 and 'id="imported"' in done.text
    assert "31/12/2045" in done.text  # its next update, as the page lists it
    [row] = [r for r in server.api("admin").get("/api/trust").json()["revocations"] if r["source"] == "ca-g2.crl"]
    assert row["kind"] == "crl" and row["next_update"].startswith("2045-12-31") and row["stale"] is False
    assert "TEST CA phục vụ các cơ quan Nhà nước G2" in row["issuer"]
    event = events(server.home, "trust-changed")[0]
    assert event["by"] == "quan.tri" and event["action"] == "imported-revocation"
    assert event["entries"][0]["sha256"] == row["sha256"]
    # offline: no refresh button, and a refresh asked for anyway is refused, not attempted
    assert 'action="/trust/refresh"' not in admin.get("/trust").text
    refresh = admin.post("/trust/refresh", data={"csrf": token})
    assert refresh.status_code == 409 and 'data-code="offline"' in refresh.text
    assert admin.post("/trust/refresh", data={"csrf": ""}).status_code == 403  # CSRF before anything


def test_an_online_server_refreshes_the_crls_as_the_account(live_pki, _served_template, tmp_path):
    template, tokens = _served_template
    home = copy_home(template, tmp_path / "home")
    server = Server(home, tokens, args=("--workers", "1", "--online"), trust=()).start()
    try:
        admin = server.signed_in("admin")
        token = csrf(admin.get("/trust").text)
        for label in ("root", "ca"):  # the live PKI's CAs: the intermediate names its root's CRL
            pem = live_pki.write_pem(f"{label}.pem", label).read_bytes()
            answer = admin.post("/trust/import", data={"csrf": token, "kind": "certificate", "unpinned": "true"},
                                files={"file": (f"{label}.pem", pem)})
            assert answer.status_code == 200, answer.text[-500:]
        assert 'action="/trust/refresh"' in admin.get("/trust").text  # online: the button is there
        assert admin.post("/trust/refresh", data={"csrf": "x"}).status_code == 403
        done = admin.post("/trust/refresh", data={"csrf": token})
        assert done.status_code == 200 and 'id="refreshed"' in done.text and "đã cập nhật" in done.text
        event = events(home, "trust-changed")[0]
        assert event["action"] == "refreshed" and event["by"] == "quan.tri"
        assert [c["status"] for c in event["crls"]] == ["refreshed"]
        [row] = server.api("admin").get("/api/trust").json()["revocations"]
        assert row["source"] == event["crls"][0]["url"] and row["stale"] is False
        assert server.api("admin").get("/api/trust").json()["online"] is True
    finally:
        server.stop()


def test_kyso_certs_import_writes_the_same_event_by_cli(own_store, tmp_path):
    before = len(events(own_store.home, "trust-changed"))
    kyso(own_store.home, "certs", "import", str(PKI / "root-untrusted.pem"), "--unpinned")
    after = events(own_store.home, "trust-changed")
    assert len(after) == before + 1 and after[0]["by"] == "cli" and after[0]["action"] == "imported"
    assert after[0]["file"] == "root-untrusted.pem" and after[0]["entries"][0]["pinned"] is False
    # the audit page and API name it like any other event
    audit = own_store.api("both").get("/api/audit", params={"limit": 5}).json()
    assert any(e["kind"] == "trust-changed" and e["by"] == "cli" for e in audit["latest_events"])
    # without an archive there is no chain to record in: the store changes alone, no archive is made
    empty = tmp_path / "no-archive"
    kyso(empty, "certs", "import", str(PKI / "root-g2.pem"), "--unpinned")
    assert (empty / "trust" / "index.json").exists() and not (empty / "kyso.sqlite").exists()


# --- accounts ----------------------------------------------------------------------------------

def _form(client) -> str:
    return csrf(client.get("/accounts").text)


def test_the_accounts_page_lists_every_account_and_adds_one(served):
    admin = served.signed_in("admin")
    page = admin.get("/accounts").text
    for name, roles in ACCOUNTS.values():
        row = page.split(f'id="account-{name}"', 1)[1].split("</tr>", 1)[0]
        for role in ("clerk", "auditor", "admin"):
            assert (f'value="{role}" checked' in row) == (role in roles.split(",")), (name, role)
    token = _form(admin)
    short = admin.post("/accounts", data={"csrf": token, "name": "luu.tru", "password": "ngan", "roles": ["clerk"]})
    assert short.status_code == 422 and 'data-code="short_password"' in short.text
    taken = admin.post("/accounts", data={"csrf": token, "name": "van.thu", "password": "x" * 12, "roles": ["clerk"]})
    assert taken.status_code == 409 and 'data-code="account_exists"' in taken.text
    none = admin.post("/accounts", data={"csrf": token, "name": "luu.tru", "password": "x" * 12})
    assert none.status_code == 422 and 'data-code="no_role"' in none.text
    forged = admin.post("/accounts", data={"csrf": "x", "name": "luu.tru", "password": "x" * 12, "roles": ["clerk"]})
    assert forged.status_code == 403 and 'data-code="csrf"' in forged.text
    assert sign_in(served, "luu.tru", "x" * 12).status_code != 303  # none of those made it
    made = admin.post("/accounts", data={"csrf": token, "name": "luu.tru", "password": "mat-khau-luu-tru",
                                         "roles": ["clerk", "auditor"]})
    assert made.status_code == 200 and 'id="account-luu.tru"' in made.text and 'data-action="created"' in made.text
    event = events(served.home, "account")[0]
    assert event == {**event, "action": "created", "name": "luu.tru", "roles": "auditor,clerk", "by": "quan.tri"}
    assert sign_in(served, "luu.tru", "mat-khau-luu-tru").status_code == 303


def test_roles_password_disable_and_enable_of_an_account(served):
    admin = served.signed_in("admin")
    token = _form(admin)
    admin.post("/accounts", data={"csrf": token, "name": "tam.thoi", "password": "mat-khau-tam-thoi", "roles": ["clerk"]})
    roles = admin.post("/accounts/tam.thoi/roles", data={"csrf": token, "roles": ["auditor"]})
    assert roles.status_code == 200
    assert events(served.home, "account")[0] == {**events(served.home, "account")[0], "action": "roles",
                                                 "name": "tam.thoi", "roles": "auditor", "by": "quan.tri"}
    # the new role is the one that counts: an auditor's page, not a clerk's
    client = httpx.Client(base_url=served.url, timeout=60)
    assert client.post("/login", data={"name": "tam.thoi", "password": "mat-khau-tam-thoi", "next": "/"}).status_code == 303
    assert client.get("/audit").status_code == 200 and client.get("/ingest").status_code == 403
    # a new password: the old one no longer signs in, and the open session has ended
    reset = admin.post("/accounts/tam.thoi/password", data={"csrf": token, "password": "mat-khau-moi-hon"})
    assert reset.status_code == 200 and events(served.home, "account")[0]["action"] == "password"
    assert client.get("/audit").status_code == 303
    assert sign_in(served, "tam.thoi", "mat-khau-tam-thoi").status_code != 303
    assert sign_in(served, "tam.thoi", "mat-khau-moi-hon").status_code == 303
    # disabled: no sign-in; enabled again: signs in
    assert admin.post("/accounts/tam.thoi/disable", data={"csrf": token}).status_code == 200
    assert events(served.home, "account")[0] == {**events(served.home, "account")[0], "action": "disabled",
                                                 "name": "tam.thoi", "by": "quan.tri"}
    assert sign_in(served, "tam.thoi", "mat-khau-moi-hon").status_code != 303
    assert 'state-disabled' in admin.get("/accounts").text.split('id="account-tam.thoi"', 1)[1].split("</tr>", 1)[0]
    assert admin.post("/accounts/tam.thoi/enable", data={"csrf": token}).status_code == 200
    assert events(served.home, "account")[0]["action"] == "enabled"
    assert sign_in(served, "tam.thoi", "mat-khau-moi-hon").status_code == 303
    # every form wants its token
    for action in ("roles", "password", "disable", "enable", "token", "revoke"):
        answer = admin.post(f"/accounts/tam.thoi/{action}", data={"csrf": "", "roles": ["admin"], "password": "x" * 12})
        assert answer.status_code == 403 and 'data-code="csrf"' in answer.text, action
    assert admin.post("/accounts/khong.co/disable", data={"csrf": token}).status_code == 404


def test_an_api_token_is_shown_once_works_and_is_revoked(served):
    admin = served.signed_in("admin")
    token = _form(admin)
    issued = admin.post("/accounts/kiem.tra/token", data={"csrf": token, "label": "he-thong-qlvb"})
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    value = re.search(r'<code class="token">(kyso_[^<]+)</code>', issued.text).group(1)
    event = events(served.home, "account")[0]
    assert event == {**event, "action": "token-issued", "name": "kiem.tra", "label": "he-thong-qlvb", "by": "quan.tri"}
    assert value not in json.dumps(event)  # the chain never holds the token
    api = httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {value}"}, timeout=60)
    assert api.get("/api/documents").status_code == 200  # it acts as the auditor
    listed = admin.get("/accounts").text
    assert value not in listed and "he-thong-qlvb" in listed  # shown that once only; its label stays
    revoked = admin.post("/accounts/kiem.tra/revoke", data={"csrf": token, "label": "he-thong-qlvb"})
    assert revoked.status_code == 200
    assert events(served.home, "account")[0] == {**events(served.home, "account")[0], "action": "token-revoked",
                                                 "label": "he-thong-qlvb", "count": 1, "by": "quan.tri"}
    assert api.get("/api/documents").status_code == 401
    assert served.api("auditor").get("/api/documents").status_code == 200  # the account's other token still works


def test_an_administrator_cannot_lock_themselves_out(served):
    admin = served.signed_in("admin")
    token = _form(admin)
    before = len(events(served.home, "account"))
    page = admin.get("/accounts").text.split('id="account-quan.tri"', 1)[1].split("</tr>", 1)[0]
    assert 'action="/accounts/quan.tri/disable"' not in page  # no button for it
    own = admin.post("/accounts/quan.tri/disable", data={"csrf": token})
    assert own.status_code == 409 and 'data-code="own_account"' in own.text
    demoted = admin.post("/accounts/quan.tri/roles", data={"csrf": token, "roles": ["auditor"]})
    assert demoted.status_code == 409 and 'data-code="own_account"' in demoted.text
    assert len(events(served.home, "account")) == before  # refused, so nothing recorded
    assert admin.get("/accounts").status_code == 200  # still signed in, still an administrator
    assert sign_in(served, "quan.tri").status_code == 303
