"""The administrator's accounts page: every account with its roles, state and API tokens; an
account added, its roles set, disabled or enabled, its password reset, an API token issued (shown
once: only its SHA-256 is kept) or revoked. All through archive.web.accounts, whose functions
write the "account" events, here naming the administrator.

An administrator cannot disable their own account nor take their own admin role away: the
console would lock out the one who is using it (the command line, `kyso accounts`, is the way
back for whoever runs the server).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Path, Request
from sqlalchemy import select

from archive.db.models import Account, ApiToken
from archive.web import accounts
from archive.web.access import ROLES
from archive.web.accounts import AccountError
from archive.web.auth import check_csrf, page
from archive.web.console.render import show
from archive.web.problems import Problem

router = APIRouter()

Name = Path(max_length=200)
STATUS = {"no_account": 404, "account_exists": 409}  # AccountError code -> status; others 422


def _problem(exc: AccountError) -> Problem:
    return Problem(STATUS.get(exc.code, 422), exc.code, exc.vi, exc.en,
                   "sửa lại rồi gửi lại biểu mẫu", "correct it and send the form again")


def _own(vi: str, en: str) -> Problem:
    return Problem(409, "own_account", vi, en, "nhờ một quản trị viên khác làm việc này",
                   "ask another administrator to do it")


def _listing(request: Request) -> list[dict]:
    with request.app.state.archive.sessions() as s:
        rows = s.execute(select(Account).order_by(Account.name)).scalars().all()
        tokens = s.execute(select(ApiToken).where(ApiToken.revoked_at.is_(None))
                           .order_by(ApiToken.created_at)).scalars().all()
        out = []
        for a in rows:
            out.append({"name": a.name, "roles": sorted(a.roles.split(",")), "lang": a.lang, "created_at": a.created_at,
                        "disabled_at": a.disabled_at, "locked_until": a.locked_until,
                        "tokens": [{"label": t.label, "created_at": t.created_at, "last_used": t.last_used}
                                   for t in tokens if t.account_id == a.id]})
    return out


def _page(request: Request, **notice):
    return show(request, "accounts.html", accounts=_listing(request), roles=ROLES, **notice)


def _change(request: Request, csrf: str, name: str, act) -> None:
    """`act(session, account)` on the account `name`, in one transaction with its event."""
    check_csrf(request, csrf)
    try:
        with request.app.state.archive.sessions() as s, s.begin():
            act(s, accounts.existing(s, name))
    except AccountError as exc:
        raise _problem(exc) from None


def _roles(chosen: list[str]) -> str:
    if not chosen:
        raise Problem(422, "no_role", "chọn ít nhất một vai trò", "choose at least one role",
                      "đánh dấu một hoặc nhiều vai trò rồi gửi lại", "tick one or more roles and send it again")
    return ",".join(chosen)


@router.get("/accounts")
def accounts_page(request: Request, who=Depends(page("accounts"))):
    return _page(request)


@router.post("/accounts")
def add(request: Request, csrf: str = Form(""), name: str = Form("", max_length=200),
        password: str = Form("", max_length=1000), roles: list[str] = Form([]), lang: str = Form("vi"),
        who=Depends(page("accounts"))):
    check_csrf(request, csrf)
    try:
        with request.app.state.archive.sessions() as s, s.begin():
            made = accounts.create(s, name, password, _roles(roles), lang, by=who.name).name
    except AccountError as exc:
        raise _problem(exc) from None
    return _page(request, done=("created", made))


@router.post("/accounts/{name}/roles")
def set_roles(request: Request, name: str = Name, csrf: str = Form(""), roles: list[str] = Form([]),
              who=Depends(page("accounts"))):
    def act(s, account):
        text = _roles(roles)
        if account.id == who.id and "admin" not in text.split(","):
            raise _own("bạn không thể tự bỏ vai trò quản trị của chính mình", "you cannot take away your own admin role")
        accounts.set_roles(s, account, text, by=who.name)

    _change(request, csrf, name, act)
    return _page(request, done=("roles", name))


@router.post("/accounts/{name}/disable")
def disable(request: Request, name: str = Name, csrf: str = Form(""), who=Depends(page("accounts"))):
    def act(s, account):
        if account.id == who.id:
            raise _own("bạn không thể tự khóa tài khoản của chính mình", "you cannot disable your own account")
        accounts.disable(s, account, by=who.name)

    _change(request, csrf, name, act)
    return _page(request, done=("disabled", name))


@router.post("/accounts/{name}/enable")
def enable(request: Request, name: str = Name, csrf: str = Form(""), who=Depends(page("accounts"))):
    _change(request, csrf, name, lambda s, account: accounts.enable(s, account, by=who.name))
    return _page(request, done=("enabled", name))


@router.post("/accounts/{name}/password")
def reset_password(request: Request, name: str = Name, csrf: str = Form(""), password: str = Form("", max_length=1000),
                   who=Depends(page("accounts"))):
    _change(request, csrf, name, lambda s, account: accounts.set_password(s, account, password, by=who.name))
    return _page(request, done=("password", name))


@router.post("/accounts/{name}/token")
def issue_token(request: Request, name: str = Name, csrf: str = Form(""), label: str = Form("api", max_length=64),
                who=Depends(page("accounts"))):
    issued = {}

    def act(s, account):
        issued["token"] = accounts.issue_token(s, account, label.strip() or "api", by=who.name)

    _change(request, csrf, name, act)
    # shown this once, on this page only (Cache-Control: no-store); the archive keeps its SHA-256
    return _page(request, done=("token-issued", name), token={"name": name, "label": label.strip() or "api",
                                                              "value": issued["token"]})


@router.post("/accounts/{name}/revoke")
def revoke_tokens(request: Request, name: str = Name, csrf: str = Form(""), label: str = Form("", max_length=64),
                  who=Depends(page("accounts"))):
    _change(request, csrf, name, lambda s, account: accounts.revoke_tokens(s, account, label or None, by=who.name))
    return _page(request, done=("token-revoked", name))
