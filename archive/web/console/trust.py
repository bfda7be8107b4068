"""The administrator's trust page: the trust store as `kyso certs list` shows it, its CRLs and
OCSP responses (next update, stale), a form that imports a certificate, CRL or OCSP file (the
checks of `kyso certs import`: a certificate not pinned enters only when the administrator says
so), and, on a server that may go online, a button that refreshes the CRLs (`kyso certs
refresh`). Every change is a "trust-changed" event naming the account (archive.web.trust)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from archive.web import trust
from archive.web.auth import check_csrf, page
from archive.web.console.render import show
from archive.web.uploads import read_upload

router = APIRouter()


async def _page(request: Request, **notice):
    listing = await run_in_threadpool(trust.listing, request.app)
    return show(request, "trust.html", **listing, **notice)


@router.get("/trust")
async def trust_page(request: Request, who=Depends(page("trust"))):
    return await _page(request)


@router.post("/trust/import")
async def import_file(request: Request, csrf: str = Form(""), kind: str = Form("certificate"),
                      unpinned: bool = Form(False), file: UploadFile | None = File(None), who=Depends(page("trust"))):
    check_csrf(request, csrf)
    name, data = await read_upload(file, request.app.state.config.max_upload, fallback="upload")
    change = await run_in_threadpool(trust.import_file, request.app, data, name, kind, unpinned, who.name)
    return await _page(request, imported=change, file=name)


@router.post("/trust/refresh")
async def refresh(request: Request, csrf: str = Form(""), who=Depends(page("trust"))):
    check_csrf(request, csrf)
    outcomes = await run_in_threadpool(trust.refresh, request.app, who.name)
    return await _page(request, refreshed=outcomes)
