"""The audit status over the API: the chain re-walked and compared with the head file outside the
database (the keys of `kyso audit verify --json`), the last fixity check the chain records, and
the latest events with the account that caused each."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from archive.web import audit
from archive.web.api.quarantine import Problem
from archive.web.auth import need

router = APIRouter(tags=["audit"])


class Head(BaseModel):
    seq: int
    hash: str


class Fixity(BaseModel):
    seq: int
    at: str
    by: str | None = None
    checked: int | None = None
    problems: int | None = None


class EventRow(BaseModel):
    seq: int
    at: str
    kind: str
    document_id: int | None = None
    claim_id: str | None = None
    by: str | None = None
    detail: dict


class Status(BaseModel):
    ok: bool
    events: int
    head: Head
    problems: list[str]
    fixity: Fixity | None = None
    latest_events: list[EventRow]


@router.get("/audit", response_model=Status,
            responses={401: {"model": Problem}, 403: {"model": Problem}, 422: {"model": Problem}},
            summary="The audit chain's state (as 'kyso audit verify'), the last fixity check and the latest events")
def status(request: Request, limit: int = Query(50, ge=0, le=1000), who=Depends(need("audit"))):
    archive = request.app.state.archive
    return {**audit.chain_status(archive, request.app.state.config.trust), "fixity": audit.last_fixity(archive),
            "latest_events": audit.latest_events(archive, limit)}
