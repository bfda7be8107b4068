"""Signing in and out, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from archive.db.session import transaction
from archive.web import accounts, auth
from archive.web.console.render import show
from archive.web.problems import request_lang

router = APIRouter()


def _local(target: str | None) -> str:
    """Where to go after signing in: a path of ours only, never another site (open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return show(request, "login.html", next=_local(next), error=None)


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/")):
    auth.check_origin(request)
    with transaction(request.app.state.archive.sessions) as s:
        account, refused = accounts.authenticate(s, name, password)  # a failure is counted, and kept
    if refused is not None:
        lang = request_lang(request)
        return show(request, "login.html", status=429 if refused.code == "throttled" else 401,
                    next=_local(next), error=refused.text(lang))
    token, _row = auth.open_session(request, account)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(auth.SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.app.state.config.secure, max_age=int(auth.SESSION_MAX.total_seconds()), path="/")
    if "kyso_lang" not in request.cookies:
        response.set_cookie("kyso_lang", account.lang, samesite="strict", path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    auth.check_csrf(request, csrf)
    auth.close_session(request)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/"):
    response = RedirectResponse(_local(next), status_code=303)
    if lang in ("vi", "en"):
        response.set_cookie("kyso_lang", lang, samesite="strict", path="/", max_age=365 * 24 * 3600)
    return response
