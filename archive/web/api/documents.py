"""Reading the archive: search (the filters and folded Vietnamese matching of `kyso archive
list/search`), one document (`kyso archive show --json`), its verification history, its report
(`kyso archive report`) and its stored original."""

from __future__ import annotations

import json
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from archive.web.download import disposition
from archive.web.api.common import REF_DESCRIPTION, asked_lang, damaged, document, problems
from archive.web.api.negotiate import choose
from archive.web.api.shapes import DocumentDetail, DocumentList, History
from archive.web.auth import need
from archive.web.problems import Problem

router = APIRouter(tags=["documents"])

Ref = Path(description=REF_DESCRIPTION, max_length=200)
# the days a receipt time can be compared at: before and after them nothing was or will be
# received, and the day arithmetic of archive.db.queries stays within what a datetime holds
RECEIVED_RANGE = (date(1900, 1, 1), date(9000, 12, 31))
HISTORY_KEYS = ("id", "trigger", "performed_at", "validation_time", "as_of", "verdict", "decision", "policy",
                "trust_fingerprint", "kyso_version", "pyhanko_version")


def _within(day: date | None) -> date | None:
    return None if day is None else min(max(day, RECEIVED_RANGE[0]), RECEIVED_RANGE[1])


@router.get("/documents", summary="Search the archive", response_model=DocumentList,
            description="Every filter must hold. Text filters match folded text as `kyso archive search` does: "
                        "without diacritics or case, 'Binh Phuoc' finds 'Bình Phước', 'SGDDT' finds 'SGDĐT'.",
            responses=problems(401, 403, 422))
def search(request: Request, who=Depends(need("read")),
           q: str | None = Query(None, description="free text: every word in the number, subject, issuer or a signer"),
           verdict: Literal["VALID", "INVALID", "INDETERMINATE"] | None = Query(None),
           signer: str | None = Query(None, description="a signer's name (any layer)"),
           agency: str | None = Query(None, description="the issuing agency, or an agency layer's signer"),
           type_name: str | None = Query(None, alias="type", description="the type name, e.g. 'Kế hoạch'"),
           number: str | None = Query(None, description="number and/or notation: '45/KH-SGDĐT', 'KH-SGDĐT' or '45'"),
           name: str | None = Query(None, description="a name the file was received under"),
           issued_from: date | None = Query(None), issued_to: date | None = Query(None),
           received_from: date | None = Query(None, description="day of receipt, Vietnam time"),
           received_to: date | None = Query(None),
           limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000_000),
           lang: str = Depends(asked_lang)):
    from archive.db.folded import folded
    from archive.db.limits import FilterError
    from archive.db.queries import Filters, document_summary, list_documents

    f = Filters(verdict=verdict, signer=signer, agency=agency, type_name=type_name, number=number, name=name,
                issued_from=issued_from, issued_to=issued_to, received_from=_within(received_from),
                received_to=_within(received_to), text=q if q and folded(q) else None)
    with request.app.state.archive.sessions() as s:
        try:
            docs = list_documents(s, f, limit + 1, offset)  # one more: whether another page follows
        except FilterError as exc:
            raise Problem(422, "invalid_filter", _as_parameter(exc.text("vi")), _as_parameter(exc.text("en")),
                          "rút ngắn hoặc sửa tham số đó", "shorten or correct that parameter") from None
        rows = [document_summary(s, d) for d in docs[:limit]]
    return JSONResponse({"documents": rows, "limit": limit, "offset": offset, "more": len(docs) > limit})


def _as_parameter(message: str) -> str:
    """A FilterError names the CLI's option first ('--type …', 'TEXT …'): here, the parameter."""
    flag, _, rest = message.partition(" ")
    parameter = {"TEXT": "q", "--type": "type"}.get(flag, flag.removeprefix("--"))
    return f"{parameter} {rest}"


def _shown(request: Request, ref: str) -> dict:
    from archive.db.queries import document_detail, latest_report
    from archive.evidence import enrich

    archive = request.app.state.archive
    with archive.sessions() as s:
        doc = document(s, ref)
        detail = enrich(s, doc, document_detail(s, doc))
        report = latest_report(s, doc)
    return {**detail, "stored_original": archive.blobs.check(detail["sha256"]), "report": report}


@router.get("/documents/{ref}", summary="One archived document, as `kyso archive show --json` gives it",
            response_model=DocumentDetail, responses=problems(401, 403, 404, 422))
def show(request: Request, ref: str = Ref, who=Depends(need("read")), lang: str = Depends(asked_lang)):
    return JSONResponse(_shown(request, ref))


@router.get("/documents/{ref}/verifications", summary="The verification history of a document",
            response_model=History, responses=problems(401, 403, 404, 422))
def verifications(request: Request, ref: str = Ref, who=Depends(need("read")), lang: str = Depends(asked_lang)):
    from archive.db.queries import document_detail
    from archive.evidence import enrich

    with request.app.state.archive.sessions() as s:
        doc = document(s, ref)
        detail = enrich(s, doc, document_detail(s, doc))
    runs = sorted(detail["verifications"], key=lambda v: v["id"])
    return JSONResponse({"document_id": detail["id"], "verdict_verification_id": detail["verdict_verification_id"],
                         "verifications": [{k: v.get(k) for k in HISTORY_KEYS} for v in runs]})


REPORT_FORMS = {"application/json": "json", "text/html": "html", "text/plain": "text", "application/pdf": "pdf"}


@router.get("/documents/{ref}/report", summary="The report of a document's verification",
            description="The report of the verification the verdict comes from (or of `verification`), in the form "
                        "Accept asks for: application/json (default; the report as `kyso verify --json` gives it), "
                        "text/html (the HTML report kept at ingest, in Vietnamese; made again for English), "
                        "text/plain or application/pdf.",
            responses={200: {"description": "the report", "content": {
                "application/json": {"schema": {"type": "object"}}, "text/html": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                **problems(401, 403, 404, 406, 422)})
def report(request: Request, ref: str = Ref, who=Depends(need("read")), lang: str = Depends(asked_lang),
           verification: int | None = Query(None, ge=1, le=2**31 - 1, description="a verification of the document "
                                                                                    "(default: the one its verdict comes from)")):
    from archive.db.models import Verification

    form = REPORT_FORMS[choose(request.headers.get("accept"), tuple(REPORT_FORMS))]
    archive = request.app.state.archive
    with archive.sessions() as s:
        doc = document(s, ref)
        ver_id = verification or doc.latest_verification_id
        ver = s.get(Verification, ver_id) if ver_id else None
        if ver is None or ver.document_id != doc.id:
            raise Problem(404, "not_found", f"văn bản {doc.id} không có lần kiểm tra {ver_id}",
                          f"document {doc.id} has no verification {ver_id}",
                          f"xem các lần kiểm tra ở /api/documents/{doc.id}/verifications",
                          f"its verifications are listed at /api/documents/{doc.id}/verifications")
        doc_id, sha, stored, html_sha = doc.id, doc.sha256, ver.report, ver.report_html_sha256
    from verifier.report.load import report_from_dict

    facts = report_from_dict(json.loads(stored))
    if form == "json":
        from verifier.report.render import render_json

        return JSONResponse(json.loads(render_json(facts, lang)))
    if form == "text":
        from archive.textsafe import report_for_terminal
        from verifier.report.render import render_text

        return Response(render_text(report_for_terminal(facts, lang), lang), media_type="text/plain; charset=utf-8")
    content = _kept(archive, html_sha) if form == "html" and lang == "vi" and html_sha else None
    if content is None:
        from archive.verify_pool import sheet

        content = sheet(facts, _intact(archive, sha), form, lang)
    media = "text/html; charset=utf-8" if form == "html" else "application/pdf"
    return Response(content, media_type=media,
                    headers={"Content-Disposition": disposition("attachment", f"kyso-report-{doc_id}-{ver_id}.{form}")
                             .replace("attachment", "inline", 1)})


def _kept(archive, sha: str) -> bytes | None:
    """A kept HTML report whose object is intact (else it is made again; fixity says why)."""
    return archive.blobs.get_if_intact(sha)


def _intact(archive, sha: str) -> bytes | None:
    """The original for the report's pictures; without it the report is still made."""
    return archive.blobs.get_if_intact(sha)


@router.get("/documents/{ref}/original", summary="The stored original, byte for byte",
            response_class=Response,
            responses={200: {"description": "the PDF as received", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                **problems(401, 403, 404, 422, 500)})
def original(request: Request, ref: str = Ref, who=Depends(need("read")), lang: str = Depends(asked_lang)):
    from archive.problems import StoredObjectError, original_of

    archive = request.app.state.archive
    with archive.sessions() as s:
        doc = document(s, ref)
        doc_id, sha, name = doc.id, doc.sha256, doc.original_name
    try:
        data = archive.blobs.get_intact(sha, original_of(doc_id))
    except StoredObjectError as exc:
        raise damaged(exc) from None
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": disposition("attachment", name)})
