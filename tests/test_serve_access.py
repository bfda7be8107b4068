"""Access control of every route (issue 19): the routes are enumerated from the application
itself, so a route added later is checked without a line here. Each must name one action of
archive.web.access.ACTIONS (or be on the short public list), and a live `kyso serve` must answer
each role, and no account, exactly as that table says: the API 401 without a token (and to a
console cookie), 403 to a role without the action; the console 303 to /login when signed out,
403 to a role without it (a console form sent with its session's CSRF token, so the role decides).
Documents are named by an id the archive does not hold, so an allowed request is answered (404,
422, …) without changing anything."""

from __future__ import annotations

import re

import pytest

from archive.web.access import ACTIONS, allowed
from tests.serving import ACCOUNTS

# answered to anyone: a load balancer's check, the API's description, signing in, the language,
# the stylesheet; and signing out, which only ends the caller's own session and needs its CSRF token
PUBLIC = {"/api/health", "/api/openapi.json", "/login", "/logout", "/lang/{lang}", "/static/{path}"}
CALLERS = (*ACCOUNTS, None)  # every role of the test accounts, and no account


def _app():
    from archive.web.app import build_app
    from archive.web.config import ServeConfig

    # the routes only: no archive is opened and no worker started
    return build_app(ServeConfig(settings=None), archive=object(), pool=object())


def _routes() -> list[tuple[str, str, str | None]]:
    from archive.web.auth import action_of, every_route

    out = []
    for route in every_route(_app()):
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            out.append((method, route.path_format, action_of(route)))
    return out


ROUTES = _routes()
GUARDED = [r for r in ROUTES if r[1] not in PUBLIC]


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/metrics"


def _url(path: str) -> str:
    # an id no document has, for every parameter: allowed requests change nothing
    return re.sub(r"\{[^}]+\}", "999999", path)


def _roles(caller: str | None) -> frozenset[str]:
    return frozenset(ACCOUNTS[caller][1].split(",")) if caller else frozenset()


# the API's routes and the action each takes, as the issue assigns them (clerk: upload, ingest;
# auditor: read, re-verify, export)
ISSUE = {("POST", "/api/verify"): "verify", ("GET", "/api/documents"): "read", ("POST", "/api/documents"): "ingest",
         ("GET", "/api/documents/{ref}"): "read", ("GET", "/api/documents/{ref}/verifications"): "read",
         ("GET", "/api/documents/{ref}/report"): "read", ("GET", "/api/documents/{ref}/original"): "read",
         ("GET", "/api/documents/{ref}/export"): "export", ("GET", "/api/documents/{ref}/evidence"): "export",
         ("GET", "/api/documents/{ref}/evidence/{sha256}"): "export",
         ("POST", "/api/documents/{ref}/reverify"): "reverify", ("GET", "/metrics"): "metrics", ("GET", "/"): "read"}


def test_the_routes_of_the_issue_take_their_actions():
    actions = {(m, p): a for m, p, a in ROUTES}
    assert {route: actions.get(route) for route in ISSUE} == ISSUE


@pytest.mark.parametrize("method,path,action", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_route_names_an_action_or_is_public(method, path, action):
    if path in PUBLIC:
        return
    assert action in ACTIONS, f"{method} {path} names no action of archive.web.access.ACTIONS: add need()/page()"


@pytest.fixture(scope="module")
def consoles(served):
    """role -> (a signed-in console client, its session's CSRF token); None -> signed out."""
    import httpx

    clients = {}
    for role in ACCOUNTS:
        client = served.signed_in(role)
        # every page of a signed-in account carries the token (the sign-out form), a refusal too
        page = client.get("/", follow_redirects=True)  # an account that may not read lands elsewhere
        clients[role] = (client, re.search(r'name="csrf" value="([^"]+)"', page.text).group(1))
    clients[None] = (httpx.Client(base_url=served.url, timeout=60, follow_redirects=False), "")
    yield clients
    for client, _ in clients.values():
        client.close()


def _code(answer) -> str | None:
    """The problem code of an answer: the JSON's "error", or the console page's data-code."""
    if answer.headers.get("content-type", "").startswith("application/json"):
        try:
            return answer.json().get("error")
        except ValueError:
            return None
    found = re.search(r'data-code="([^"]+)"', answer.text)
    return found.group(1) if found else None


@pytest.mark.parametrize("method,path,action", GUARDED, ids=[f"{m} {p}" for m, p, _ in GUARDED])
def test_each_role_is_answered_as_the_table_says(served, consoles, method, path, action):
    if action is None:
        pytest.skip("names no action (test_every_route_names_an_action_or_is_public fails for it)")
    for caller in CALLERS:
        if _is_api(path):
            client = served.api(caller)
            answer = client.request(method, _url(path))
        else:
            # a form with its session's token: refused by the role, not by the CSRF check
            client, csrf = consoles[caller]
            form = {"data": {"csrf": csrf}} if method == "POST" else {}
            answer = client.request(method, _url(path), **form)
        where = f"{method} {path} as {caller or 'no account'}: {answer.status_code} {answer.text[:200]}"
        assert answer.status_code < 500, where
        if caller is None:
            if _is_api(path):
                assert answer.status_code == 401 and _code(answer) == "unauthenticated", where
                assert answer.headers.get("www-authenticate", "").startswith("Bearer"), where
            else:
                assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next="), where
        elif allowed(_roles(caller), action):
            assert answer.status_code != 401, where
            assert not (answer.status_code == 303 and answer.headers["location"].startswith("/login")), where
            assert _code(answer) not in ("forbidden", "unauthenticated"), where
        elif (method, path) == ("GET", "/"):
            # the first page: an account that may not read is sent to the first page it may use
            from archive.web.console.home import landing

            assert answer.status_code == 303 and answer.headers["location"] == landing(_roles(caller)), where
        else:
            assert answer.status_code == 403 and _code(answer) == "forbidden", where


@pytest.mark.parametrize("method,path,action", [r for r in GUARDED if _is_api(r[1])],
                         ids=[f"{m} {p}" for m, p, _ in GUARDED if _is_api(p)])
def test_the_api_takes_no_console_cookie(served, consoles, method, path, action):
    # a signed-in browser on another site's page could otherwise call the API with its cookie
    answer = consoles["both"][0].request(method, _url(path))
    assert answer.status_code == 401 and _code(answer) == "unauthenticated", (method, path, answer.text[:200])


@pytest.mark.parametrize("path", sorted(PUBLIC & {p for _, p, _ in ROUTES} - {"/logout"}))
def test_public_routes_answer_without_an_account(served, path):
    import httpx

    answer = httpx.get(served.url + _url(path).replace("999999", "vi"), follow_redirects=False)
    assert answer.status_code not in (401, 403) and answer.status_code < 500, (path, answer.status_code)
