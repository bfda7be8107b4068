"""POST /api/documents/{ref}/reverify: verify an archived document again (archive.reverify: a
proven result is never lost to a less founded one); the "re-verified" events of the audit chain
name the account."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from archive.web.api.common import REF_DESCRIPTION, asked_lang, damaged, document, problems
from archive.web.api.shapes import Reverified
from archive.web.auth import need

router = APIRouter(tags=["reverify"])


@router.post("/documents/{ref}/reverify", summary="Verify an archived document again", response_model=Reverified,
             description="A run as of the archived validation time with the evidence kept (never fetching), and with "
                         "`now` a second run as of now. The document's verdict changes only for a result at least as "
                         "well founded (see `decision`).",
             responses=problems(401, 403, 404, 422, 500, 503, 504))
async def reverify(request: Request, ref: str = Path(description=REF_DESCRIPTION, max_length=200),
                   who=Depends(need("reverify")),
                   now: bool = Query(False, description="also verify as of now, with the server's trust"),
                   lang: str = Depends(asked_lang)):
    from archive.problems import StoredObjectError

    def lookup() -> int:
        with request.app.state.archive.sessions() as s:
            return document(s, ref).id

    doc_id = await run_in_threadpool(lookup)
    try:
        out = await request.app.state.pool.reverify(doc_id, who.name, now=now)
    except StoredObjectError as exc:
        raise damaged(exc) from None
    return JSONResponse(out)
