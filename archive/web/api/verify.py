"""POST /api/verify: an uploaded PDF verified without archiving it, the report in the form the
Accept header asks for (the JSON of `kyso verify --json`, the text, HTML or PDF report, or the
ETSI TS 119 102-2 validation report). Nothing is kept: no receipt, no event."""

from __future__ import annotations


from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from archive.web.download import disposition
from archive.web.api.common import asked_lang, problems
from archive.web.api.negotiate import choose
from archive.web.api.shapes import VerifyResult
from archive.web.auth import need
from archive.web.uploads import read_pdf

router = APIRouter(tags=["verify"])

# media type -> the pool's form of the report, in the order a bare Accept gets them
FORMS = {"application/json": "json", "text/plain": "text", "text/html": "html", "application/pdf": "pdf",
         "application/xml": "etsi"}
SUFFIX = {"html": ".html", "pdf": ".pdf", "etsi": ".etsi.xml", "text": ".txt"}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_TEXT = {"schema": {"type": "string"}}


@router.post(
    "/verify", summary="Verify an uploaded PDF without archiving it", response_model=VerifyResult,
    description="The report in the form Accept asks for: application/json (default: the verdict and the report "
                "of `kyso verify --json`), text/plain, text/html, application/pdf, or application/xml (ETSI TS 119 "
                "102-2). The header Kyso-Verdict carries the verdict in every form.",
    responses={200: {"description": "the report", "headers": {"Kyso-Verdict": {"schema": {"type": "string"}}},
                     "content": {"text/plain": _TEXT, "text/html": _TEXT, "application/pdf": _BINARY,
                                 "application/xml": _TEXT}},
               **problems(400, 401, 403, 406, 413, 415, 422, 503, 504)})
async def verify(request: Request, who=Depends(need("verify")),
                 file: UploadFile = File(..., description="the signed PDF"), lang: str = Depends(asked_lang)):
    media = choose(request.headers.get("accept"), tuple(FORMS))
    name, data = await read_pdf(request, file)
    form = FORMS[media]
    done = await request.app.state.pool.verify(data, name, lang, frozenset({form}) & {"html", "pdf", "etsi"})
    headers = {"Kyso-Verdict": done.verdict}
    if form == "json":
        report = done.report
        return JSONResponse({"verdict": done.verdict, "report": report}, headers=headers)
    if form == "text":
        return Response(done.text, media_type="text/plain; charset=utf-8", headers=headers)
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    headers["Content-Disposition"] = disposition("inline", f"{stem}.report{SUFFIX[form]}", fallback="report")
    media = {"html": "text/html; charset=utf-8", "etsi": "application/xml"}.get(form, media)
    return Response(done.sheets[form], media_type=media, headers=headers)
