"""The audit status over the API: the chain re-walked and compared with the head file outside the
database (the keys of `kyso audit verify --json`), the last fixity check the chain records, and
the latest events with the account that caused each."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from archive.web import audit
from archive.web.api.common import asked_lang, problems
from archive.web.api.shapes import AuditStatus
from archive.web.auth import need

router = APIRouter(tags=["audit"])


@router.get("/audit", summary="The audit chain's state, the last fixity check and the latest events",
            response_model=AuditStatus,
            description="The chain re-walked as `kyso audit verify --json` does (it takes time in proportion to the "
                        "archive), the last fixity check the chain records, and the latest events, newest first, each "
                        "with the account that caused it.",
            responses=problems(401, 403, 422))
async def status(request: Request, who=Depends(need("audit")), lang: str = Depends(asked_lang),
                 limit: int = Query(50, ge=0, le=1000, description="how many of the latest events")):
    archive = request.app.state.archive

    def gather() -> dict:
        return {**audit.chain_status(archive, request.app.state.config.trust), "fixity": audit.last_fixity(archive),
                "latest_events": audit.latest_events(archive, limit)}

    return JSONResponse(await run_in_threadpool(gather))
