"""One archived document: what it is and its verdict in plain words, the HTML report with its
pictures, every verification run and what it decided, the evidence the verdict rests on, the
original and the export package to download, and a re-verification.

The HTML report is made from an untrusted file. It is served on its own address with a policy
that lets it run nothing, fetch nothing and submit nothing (CSP `sandbox`, no script source), and
the document page shows it in a sandboxed frame: even a fault in the report's escaping would
give a document's text no way to act as the signed-in clerk.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import zipfile

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select

from archive.db.models import Document, LayerRow, Verification
from archive.web.auth import check_csrf, page
from archive.web.download import disposition
from archive.web.console.render import framed_report_csp, show
from archive.web.problems import Problem, not_found, request_lang

router = APIRouter()

# what the stored report may do in a browser: show itself (its styles and data: pictures), nothing else
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; "
              "base-uri 'none'; form-action 'none'; sandbox")


def _document(s, document_id: int) -> Document:
    from archive.web.api.common import MAX_ID

    # an id beyond what the column holds is no document, not a database error
    doc = s.get(Document, document_id) if 0 < document_id <= MAX_ID else None
    if doc is None:
        raise not_found(f"không có văn bản lưu trữ nào có số thứ tự {document_id}",
                        f"no archived document has the id {document_id}")
    return doc


def _exists(archive, document_id: int) -> None:
    with archive.sessions() as s:
        _document(s, document_id)


def _stored_problem(exc) -> Problem:
    """A stored original (or evidence) missing or altered: the archive's fault, said as the CLI says it."""
    return Problem(500, f"stored_{getattr(exc, 'state', 'object')}", exc.text("vi"), exc.text("en"),
                   "báo quản trị viên: chạy 'kyso archive fixity' và khôi phục từ bản sao lưu",
                   "tell an administrator: run 'kyso archive fixity' and restore from a backup")


def _summary(report: dict, lang: str):
    """The report's opening in plain words (verifier.report.summary), or None for a stored report
    this kyso cannot read back."""
    from verifier.report.load import report_from_dict
    from verifier.report.summary import summarize

    try:
        return summarize(report_from_dict(report), lang)
    except Exception:  # noqa: BLE001 - the page still shows what the archive's columns hold
        return None


@router.get("/documents/{document_id}")
def document(request: Request, document_id: int, reverified: int | None = None, who=Depends(page("read"))):
    from archive.db.queries import document_detail, latest_report
    from archive.evidence import enrich

    lang = request_lang(request)
    archive = request.app.state.archive
    with archive.sessions() as s:
        doc = _document(s, document_id)
        detail = enrich(s, doc, document_detail(s, doc))
        report = latest_report(s, doc)
        layers = s.execute(select(LayerRow).where(LayerRow.verification_id == doc.latest_verification_id)
                           .order_by(LayerRow.layer)).scalars().all() if doc.latest_verification_id else []
        s.expunge_all()
    verdict_run = next((v for v in detail["verifications"] if v["id"] == detail["verdict_verification_id"]), None)
    newest = detail["verifications"][-1] if reverified and detail["verifications"] else None
    # shown in a sandboxed srcdoc frame, as the verify page shows its report: a frame of its own
    # address is a process of its own that some Chromium builds leave unpainted
    report_page = _report(archive, document_id, None, lang)[1].decode("utf-8", "replace") if doc.latest_verification_id else ""
    response = show(request, "document.html", doc=detail, summary=_summary(report, lang), layers=layers,
                    evidence=verdict_run["evidence"] if verdict_run else [], verdict_run=verdict_run,
                    stored=archive.blobs.check(detail["sha256"]), reverified=newest, report_html=report_page)
    response.headers["Content-Security-Policy"] = framed_report_csp()
    return response


def _stored_report(archive, sha: str | None) -> bytes | None:
    """The HTML report kept when the run was made, if its object is intact."""
    return archive.blobs.get_if_intact(sha) if sha else None


def _report(archive, document_id: int, verification: int | None, lang: str) -> tuple[int, bytes]:
    """(the run's id, its HTML report): the one kept in the archive (Vietnamese), made again from
    the stored JSON report and the original for English or when none was kept."""
    from archive.web.api.common import MAX_ID

    with archive.sessions() as s:
        doc = _document(s, document_id)
        wanted = verification or doc.latest_verification_id or 0
        ver = s.get(Verification, wanted) if 0 < wanted <= MAX_ID else None
        if ver is None or ver.document_id != doc.id:
            raise not_found(f"văn bản {document_id} không có lần kiểm tra {verification}",
                            f"document {document_id} has no verification {verification}")
        ver_id, sha, stored, stored_json = ver.id, doc.sha256, ver.report_html_sha256, ver.report
    content = _stored_report(archive, stored) if lang == "vi" else None
    if content is None:
        from archive.verify_pool import sheet
        from verifier.report.load import report_from_dict

        data = archive.blobs.get_if_intact(sha)  # missing or altered: the report without its pictures (the page says why)
        content = sheet(report_from_dict(json.loads(stored_json)), data, "html", lang)
    return ver_id, content


@router.get("/documents/{document_id}/report.html")
def report_html(request: Request, document_id: int, verification: int | None = None, who=Depends(page("read"))):
    """The report as a page of its own (to print or keep), under a policy that lets it run,
    fetch and submit nothing."""
    ver_id, content = _report(request.app.state.archive, document_id, verification, request_lang(request))
    return Response(content, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": REPORT_CSP,
                             "Content-Disposition": disposition("inline", f"kyso-report-{document_id}-{ver_id}.html")})


@router.get("/documents/{document_id}/original")
def original(request: Request, document_id: int, who=Depends(page("read"))):
    from archive.problems import StoredObjectError, original_of

    archive = request.app.state.archive
    with archive.sessions() as s:
        doc = _document(s, document_id)
        sha, name = doc.sha256, doc.original_name
    try:
        data = archive.blobs.get_intact(sha, original_of(document_id))
    except StoredObjectError as exc:
        raise _stored_problem(exc) from None
    # an attachment: a PDF opened inside the console's origin would be the file's page, not ours
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": disposition("attachment", name)})


@router.post("/documents/{document_id}/export")
def export_package(request: Request, document_id: int, csrf: str = Form(""), who=Depends(page("export"))):
    """The export package of `kyso archive export`, as one zip file; an audit event names the account."""
    from archive.problems import StoredObjectError
    from archive.storage.export import ExportError, export

    check_csrf(request, csrf)
    archive = request.app.state.archive
    with archive.sessions() as s:
        _document(s, document_id)
    work = archive.settings.tmp / f"web-export-{secrets.token_hex(8)}"
    work.mkdir(parents=True, mode=0o700)
    try:
        folder = export(archive, str(document_id), work, by=who.name)
        package = work / f"{folder.name}.zip"
        with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    out.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
        stream = open(package, "rb")  # read from the open file: the folder goes now, whatever the client does
    except StoredObjectError as exc:
        raise _stored_problem(exc) from None
    except ExportError as exc:
        raise Problem(500, "export_failed", exc.text("vi"), exc.text("en")) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def chunks():
        with stream:
            while block := stream.read(1024 * 1024):
                yield block

    return StreamingResponse(chunks(), media_type="application/zip",
                             headers={"Content-Disposition": disposition("attachment", package.name),
                                      "Content-Length": str(os.fstat(stream.fileno()).st_size)})


@router.post("/documents/{document_id}/reverify")
async def reverify(request: Request, document_id: int, csrf: str = Form(""), who=Depends(page("reverify"))):
    """Verify the stored original again (archive.reverify through the pool); the page then says
    what the run decided."""
    from archive.problems import ArchiveProblem

    from starlette.concurrency import run_in_threadpool

    check_csrf(request, csrf)
    await run_in_threadpool(_exists, request.app.state.archive, document_id)
    try:
        await request.app.state.pool.reverify(document_id, who.name)
    except ArchiveProblem as exc:  # the stored original is missing or altered
        raise _stored_problem(exc) from None
    return RedirectResponse(f"/documents/{document_id}?reverified=1#history", status_code=303)
