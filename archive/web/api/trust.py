"""GET /api/trust: the trust store as `kyso certs list --json` lists it, with its CRLs and OCSP
responses (next update, stale); for an administrator's monitoring (archive.web.trust)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from archive.web import trust
from archive.web.api.common import asked_lang, problems
from archive.web.api.shapes import TrustListing
from archive.web.auth import need

router = APIRouter(tags=["trust"])


@router.get("/trust", summary="The trust store", response_model=TrustListing,
            description="The CA certificates as `kyso certs list --json` lists them (every pin, imported or not, then "
                        "the unpinned ones imported), and the CRLs and OCSP responses, each with its next update and "
                        "whether it is stale.",
            responses=problems(401, 403, 422, 500, said={500: "the trust store's index is damaged"}))
async def listing(request: Request, who=Depends(need("trust")), lang: str = Depends(asked_lang)):
    return JSONResponse(await run_in_threadpool(trust.listing, request.app))
