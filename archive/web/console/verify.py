"""A clerk's two ways in with a PDF of their own: verify it without archiving it (the verdict and
the HTML report, nothing kept), or archive it as `kyso ingest` would, received from
"web:<account>" (archived, a duplicate, or quarantined with the reason).

The upload is untrusted (archive.web.uploads: size, PDF by content, a plain name); both go
through the warm workers (app.state.pool). The report of a verification is not kept anywhere,
so the answer page carries it itself, in a sandboxed frame (`srcdoc`): the page's policy then
allows inline styles for the report and nothing more, and the frame runs no script.
"""

from __future__ import annotations


from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from archive.web.auth import check_csrf, page
from archive.web.console.render import framed_report_csp, show
from archive.web.problems import request_lang
from archive.web.uploads import read_pdf

router = APIRouter()



@router.get("/verify")
def verify_form(request: Request, who=Depends(page("verify"))):
    return show(request, "verify.html")


@router.post("/verify")
async def verify(request: Request, file: UploadFile | None = File(None), csrf: str = Form(""),
                 who=Depends(page("verify"))):
    from verifier.report.load import report_from_dict
    from verifier.report.summary import summarize

    check_csrf(request, csrf)
    config = request.app.state.config
    name, data = await read_pdf(request, file)
    lang = request_lang(request)
    verified = await request.app.state.pool.verify(data, name, lang, frozenset({"html"}))
    try:
        summary = summarize(report_from_dict(verified.report), lang)
    except Exception:  # noqa: BLE001 - the verdict and the report below still say it
        summary = None
    html = verified.sheets.get("html", b"").decode("utf-8", "replace")
    response = show(request, "verified.html", file_name=name, size=len(data), verdict=verified.verdict, summary=summary,
                    report_html=html, text=verified.text, seconds=verified.seconds)
    response.headers["Content-Security-Policy"] = framed_report_csp()
    return response


@router.get("/ingest")
def ingest_form(request: Request, who=Depends(page("ingest"))):
    return show(request, "ingest.html")


@router.post("/ingest")
async def ingest(request: Request, file: UploadFile | None = File(None), csrf: str = Form(""),
                 who=Depends(page("ingest"))):
    check_csrf(request, csrf)
    name, data = await read_pdf(request, file)
    outcome = await request.app.state.pool.ingest(data, name, who.name, request_lang(request))
    return show(request, "ingested.html", outcome=outcome, file_name=name)
