"""The quarantine over the API: the files set aside and why (the JSON of `kyso quarantine list
--json`, the reason in the asker's language), and their release back into the watched inbox,
which does what `kyso quarantine release` does and is an audit event naming the account."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from archive.web import quarantine
from archive.web.auth import need
from archive.web.problems import request_lang

router = APIRouter(tags=["quarantine"])


class Problem(BaseModel):
    error: str
    message: str
    next: str


class Entry(BaseModel):
    id: str
    short_id: str
    file: str
    quarantined_at: str
    reason: str
    sha256: str | None = None
    source: str | None = None
    kept: str | None = None  # where the file is kept on the server; absent when nothing was kept
    reason_file: str


class Entries(BaseModel):
    entries: list[Entry]


class Released(BaseModel):
    id: str
    file: str
    released_to: str  # the file's path in the inbox


ERRORS = {401: {"model": Problem}, 403: {"model": Problem}}


@router.get("/quarantine", response_model=Entries, responses=ERRORS,
            summary="The quarantined files, oldest first, each with why it was set aside")
def listing(request: Request, who=Depends(need("read"))):
    return {"entries": quarantine.entries(request.app.state.archive, request_lang(request))}


@router.post("/quarantine/{id}/release", response_model=Released,
             responses={**ERRORS, 404: {"model": Problem}, 409: {"model": Problem}, 422: {"model": Problem}},
             summary="Put a quarantined file back into the inbox for the watcher (its ID, or a unique start of at least 4 characters)")
def release(request: Request, id: str, who=Depends(need("release"))):
    entry, placed = quarantine.release(request.app.state.archive, request.app.state.config.watched, id, who.name)
    return {"id": entry.id, "file": entry.file, "released_to": str(placed)}
