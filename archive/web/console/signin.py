"""Signing in and out, and the language switch."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from archive.web import accounts, auth
from archive.web.console.render import show
from archive.web.problems import Problem, request_lang

router = APIRouter()

# a password check is argon2id: 64 MiB and ~0.15 s of a core each. Anyone may ask for one, so
# only this many run at once; the others wait without a thread, and past SIGN_IN_WAIT are told
# to come back, instead of the server hashing as many as its thread pool holds (40: 2.5 GB)
SIGN_IN_AT_ONCE = 2
SIGN_IN_WAIT = 10.0  # seconds
_checking = asyncio.Semaphore(SIGN_IN_AT_ONCE)


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
async def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/")):
    auth.check_origin(request)
    try:
        await asyncio.wait_for(_checking.acquire(), SIGN_IN_WAIT)
    except TimeoutError:
        raise _busy() from None
    try:
        return await run_in_threadpool(_sign_in, request, name, password, next)
    finally:
        _checking.release()


def _sign_in(request: Request, name: str, password: str, next: str):
    account, refused = accounts.authenticate(request.app.state.archive.sessions, name, password)
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


def _busy() -> Problem:
    return Problem(503, "sign_in_busy", "đang có quá nhiều lượt đăng nhập cùng lúc", "too many sign-ins at once",
                   "chờ vài giây rồi đăng nhập lại", "wait a few seconds and sign in again",
                   headers={"Retry-After": "5"})


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
