"""The first page after signing in: what the archive holds, by verdict, and what arrived last."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select

from archive.db.models import Document
from archive.web.auth import page
from archive.web.console.render import show

router = APIRouter()


@router.get("/")
def home(request: Request, who=Depends(page("read"))):
    with request.app.state.archive.sessions() as s:
        counts = dict(s.execute(select(Document.verdict, func.count()).group_by(Document.verdict)).all())
        latest = s.execute(select(Document).order_by(Document.first_received_at.desc(), Document.id.desc())
                           .limit(20)).scalars().all()
    return show(request, "home.html", counts=counts, total=sum(counts.values()), latest=latest)
