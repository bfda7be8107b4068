"""POST /api/documents: an uploaded PDF archived as `kyso ingest` archives a file, received from
"web:<account>" (its receipt and the audit chain name the account). 201 for a new document,
200 when the archive holds it already, 422 with the reason when it went to quarantine. What
became of the file is said as `kyso ingest --json` says it (docs/schemas/events.schema.json),
so a system reads one form from the CLI, the watcher and the API."""

from __future__ import annotations

import dataclasses
from pathlib import PurePath

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse

from archive.web.api.common import PROBLEMS, asked_lang, problems
from archive.web.api.shapes import Ingested, QuarantinedProblem
from archive.web.auth import need
from archive.web.problems import Problem
from archive.web.uploads import read_pdf

router = APIRouter(tags=["ingest"])

KEPT = ("duplicate", "already")  # the archive holds these bytes already: nothing new was stored


@router.post(
    "/documents", status_code=201, summary="Archive an uploaded PDF", response_model=Ingested,
    description="Verified and stored as `kyso ingest` does, received from 'web:<account>'. "
                "201 and Location for a new document; 200 when the archive holds it already "
                "(event duplicate or already); 422 with the reason and the outcome when it went to quarantine. What became "
                "of the file is said as `kyso ingest --json` says it.",
    responses={201: {"description": "archived as a new document",
                     "headers": {"Location": {"schema": {"type": "string"}, "description": "the document"}}},
               200: {"model": Ingested, "description": "the archive holds these bytes already"},
               **problems(400, 401, 403, 413, 415, 503, 504),
               422: {"model": QuarantinedProblem, "description": PROBLEMS[422] + "; or the file went to quarantine "
                                                                                 "(error 'quarantined', with the outcome)"}})
async def ingest(request: Request, who=Depends(need("ingest")),
                 file: UploadFile = File(..., description="the signed PDF"), lang: str = Depends(asked_lang)):
    name, data = await read_pdf(request, file)
    out = await request.app.state.pool.ingest(data, name, who.name, lang)
    said = _event(out, lang)
    kind = out.get("kind")
    if kind == "archived":
        return JSONResponse(said, status_code=201, headers={"Location": f"/api/documents/{out['document_id']}"})
    if kind in KEPT:
        return JSONResponse(said, status_code=200)
    reason = said.get("reason", "")
    if kind in ("quarantined", "skipped"):
        entry = said.get("quarantine", "")
        vi = (f"tệp được giữ trong khu cách ly ({entry}); sửa hoặc thay tệp rồi gửi lại, hoặc khi nguyên nhân đã được "
              "khắc phục (ví dụ đã nhập chứng thư), văn thư giải phóng nó khỏi khu cách ly")
        en = (f"the file is kept in quarantine ({entry}); fix or replace it and send it again, or once the cause is "
              "fixed (e.g. a certificate imported) a clerk releases it from quarantine")
        if kind == "skipped":
            vi, en = "gửi tệp PDF đã ký số", "send the signed PDF"
        return JSONResponse({"error": "quarantined" if kind == "quarantined" else "not_archived", "message": reason,
                             "next": vi if lang == "vi" else en, "outcome": said}, status_code=422)
    raise Problem(503, "not_archived", f"chưa lưu trữ được tệp: {reason}", f"the file could not be archived yet: {reason}",
                  "thử gửi lại sau ít phút", "send it again in a few minutes")


def _event(out: dict, lang: str) -> dict:
    """The pool's outcome (archive.ingest.Outcome's fields) as the JSON event of `kyso ingest
    --json`; the quarantine entry by its name, not where the server keeps it."""
    from archive.ingest import Outcome
    from archive.intake.outcomes import event

    names = {f.name for f in dataclasses.fields(Outcome)}
    said = event(Outcome(**{k: v for k, v in out.items() if k in names}), lang)
    if said.get("quarantine"):
        said["quarantine"] = PurePath(said["quarantine"]).name
    return said
