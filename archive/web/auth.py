"""Who is asking, and may they. The console signs in with a password and keeps a session cookie
(HttpOnly, SameSite=Strict, Secure over HTTPS; the archive keeps only its SHA-256); the API
takes `Authorization: Bearer <token>` only, never the cookie, so no other site can make a
browser call it. Console forms carry the session's CSRF token and their Origin must be ours.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from fastapi import Request

from archive.db.session import utc
from archive.db.models import Account, WebSession
from archive.web import accounts
from archive.web.access import allowed
from archive.web.accounts import Who, now, token_sha256
from archive.web.problems import Problem, forbidden, unauthenticated

SESSION_COOKIE = "kyso_session"
SESSION_IDLE = timedelta(hours=2)  # a console left alone this long signs out
SESSION_MAX = timedelta(hours=12)  # a working day at most, then sign in again


def db(request: Request):
    """A new database session of the archive (archive.db.session.transaction gives the commit)."""
    return request.app.state.archive.sessions()


def open_session(request: Request, account: Account) -> tuple[str, WebSession]:
    """A new console session for `account`: its cookie value, and the row kept of it."""
    token = secrets.token_urlsafe(32)
    moment = now()
    row = WebSession(token_sha256=token_sha256(token), account_id=account.id, csrf=secrets.token_urlsafe(32),
                     created_at=moment, last_seen=moment, expires_at=moment + SESSION_MAX)
    with request.app.state.archive.sessions() as s, s.begin():
        s.add(row)
    return token, row


def close_session(request: Request) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return
    with request.app.state.archive.sessions() as s, s.begin():
        row = s.get(WebSession, token_sha256(token))
        if row is not None:
            s.delete(row)


def console_who(request: Request) -> tuple[Who, str] | None:
    """The signed-in account of a console request and its session's CSRF token, or None."""
    cached = getattr(request.state, "console_who", False)
    if cached is not False:
        return cached
    found = None
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) < 200:
        moment = now()
        with request.app.state.archive.sessions() as s, s.begin():
            row = s.get(WebSession, token_sha256(token))
            if row is not None:
                if utc(row.expires_at) <= moment or utc(row.last_seen) + SESSION_IDLE <= moment:
                    s.delete(row)
                else:
                    account = s.get(Account, row.account_id)
                    if account is not None and account.disabled_at is None:
                        if moment - utc(row.last_seen) > timedelta(minutes=1):  # not a write per page
                            row.last_seen = moment
                        found = (accounts.who(account), row.csrf)
    request.state.console_who = found
    return found


def api_who(request: Request) -> Who:
    """The account of an API request (bearer token), or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        raise unauthenticated()
    with request.app.state.archive.sessions() as s, s.begin():
        account = accounts.by_token(s, token.strip())
        if account is None:
            raise unauthenticated()
        return accounts.who(account)


def need(action: str):
    """An API dependency: the caller, allowed to take `action` (401 / 403 otherwise)."""
    def dependency(request: Request) -> Who:
        caller = api_who(request)
        if not allowed(caller.roles, action):
            raise forbidden(action)
        request.state.who = caller
        return caller

    dependency.action = action  # read by the access test: every route names its action
    return dependency


class SignIn(Exception):
    """A console page asked for by someone not signed in: they are sent to the sign-in page."""


def page(action: str):
    """A console dependency: the signed-in caller, allowed to take `action`."""
    def dependency(request: Request) -> Who:
        found = console_who(request)
        if found is None:
            raise SignIn()
        caller, _ = found
        if not allowed(caller.roles, action):
            raise forbidden(action)
        request.state.who = caller
        return caller

    dependency.action = action
    return dependency


def check_csrf(request: Request, submitted: str | None) -> None:
    """A console form's token is its session's, and it came from one of our own pages."""
    found = console_who(request)
    if found is None:
        raise SignIn()
    _, expected = found
    check_origin(request)
    if not submitted or not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise _csrf_refused()


def check_origin(request: Request) -> None:
    """A form sent from another site's page (its Origin or Referer not ours) is refused; the
    sign-in form too, which has no session yet to hold a token (login CSRF)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin:
        own = f"{request.url.scheme}://{request.url.netloc}"
        if not (origin == own or origin.startswith(own + "/")):
            raise _csrf_refused()


def _csrf_refused() -> Problem:
    return Problem(403, "csrf", "biểu mẫu này không đến từ trang của kyso hoặc đã quá hạn",
                   "this form did not come from a kyso page, or it has expired",
                   "tải lại trang rồi gửi lại", "reload the page and submit it again")


def action_of(route) -> str | None:
    """The action a route's need()/page() dependency names (None: the route names none); read
    by the OpenAPI description and the access test."""
    def walk(dependant):
        for dep in getattr(dependant, "dependencies", ()):
            action = getattr(dep.call, "action", None) or walk(dep)
            if action:
                return action
        return None

    return walk(getattr(route, "dependant", None))


def every_route(app) -> list:
    """Every route of `app`, with its full path (path_format), methods and dependencies. FastAPI
    0.165 keeps an included router as one branch of app.routes; iter_route_contexts flattens
    them. Earlier versions copied the routes into app.routes."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return list(app.routes)
    return list(iter_route_contexts(app.routes))
