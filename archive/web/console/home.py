"""The first page after signing in: what the archive holds, by verdict, and what arrived last.
An account that may not read the archive (an administrator only) is sent to the first page it
may use instead of being refused."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from archive.db.models import Document
from archive.web.access import allowed
from archive.web.auth import SignIn, console_who
from archive.web.console.render import show
from archive.web.problems import forbidden

router = APIRouter()

# where an account that may not read lands: the first of these its roles may use
LANDINGS = (("trust", "/trust"), ("accounts", "/accounts"), ("verify", "/verify"))


def landing(roles) -> str | None:
    return next((path for action, path in LANDINGS if allowed(roles, action)), None)


def reader_or_landing(request: Request):
    """page("read"), except that a signed-in account without it gets the path it lands on."""
    found = console_who(request)
    if found is None:
        raise SignIn()
    caller, _ = found
    if allowed(caller.roles, "read"):
        request.state.who = caller
        return caller
    path = landing(caller.roles)
    if path is None:
        raise forbidden("read")
    return path


reader_or_landing.action = "read"  # the access test and the OpenAPI description read it


@router.get("/")
def home(request: Request, who=Depends(reader_or_landing)):
    if isinstance(who, str):
        return RedirectResponse(who, status_code=303)
    with request.app.state.archive.sessions() as s:
        counts = dict(s.execute(select(Document.verdict, func.count()).group_by(Document.verdict)).all())
        latest = s.execute(select(Document).order_by(Document.first_received_at.desc(), Document.id.desc())
                           .limit(20)).scalars().all()
    return show(request, "home.html", counts=counts, total=sum(counts.values()), latest=latest)
