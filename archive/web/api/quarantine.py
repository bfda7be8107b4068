"""The quarantine over the API: the files set aside and why (the JSON of `kyso quarantine list
--json`, the reason in the asker's language), and their release back into the watched inbox,
which does what `kyso quarantine release` does and is an audit event naming the account."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from archive.web import quarantine
from archive.web.api.common import asked_lang, problems
from archive.web.api.shapes import QuarantineList, Released
from archive.web.auth import need

router = APIRouter(tags=["quarantine"])

ID = Path(description="the entry's ID, or a unique start of it of at least 4 characters", max_length=quarantine.MAX_REF)


@router.get("/quarantine", summary="The quarantined files", response_model=QuarantineList,
            description="Oldest first, each with why it was set aside (as `kyso quarantine list --json`).",
            responses=problems(401, 403, 422))
def listing(request: Request, who=Depends(need("read")), lang: str = Depends(asked_lang)):
    return JSONResponse({"entries": quarantine.entries(request.app.state.archive, lang)})


@router.post("/quarantine/{id}/release", summary="Put a quarantined file back into the inbox", response_model=Released,
             description="As `kyso quarantine release`: the file goes back into the watched inbox (`kyso serve --inbox`) "
                         "for `kyso watch`, never replacing a file there; the 'released' event names the account.",
             responses=problems(401, 403, 404, 409, 422, said={
                 404: "no quarantined file has that ID",
                 409: "the ID matches several files (ambiguous_id), there is no inbox (no_inbox) or it lies in the "
                      "archive's data (inbox_overlap), a file of that name waits there (name_taken), or the entry "
                      "holds no file (nothing_kept)"}))
async def release(request: Request, id: str = ID, who=Depends(need("release")), lang: str = Depends(asked_lang)):
    app = request.app
    entry, placed = await run_in_threadpool(quarantine.release, app.state.archive, app.state.config.watched, id, who.name)
    return JSONResponse({"id": entry.id, "file": entry.file, "released_to": str(placed)})
