"""What an auditor takes away (action export): a document's export package, as `kyso archive
export` makes it (BagIt: original, reports, metadata, evidence, audit head, manifest), zipped;
and the evidence its verifications rest on, listed and one by one. An export is an event of the
audit chain naming the account."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path as FilePath

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from archive.web.download import disposition
from archive.web.api.common import REF_DESCRIPTION, asked_lang, damaged, document, problems
from archive.web.api.shapes import EvidenceList
from archive.web.auth import need
from archive.web.problems import Problem

router = APIRouter(tags=["export"])

Ref = Path(description=REF_DESCRIPTION, max_length=200)
MEDIA = {"certificate": "application/pkix-cert", "crl": "application/pkix-crl", "ocsp": "application/ocsp-response",
         "timestamp": "application/timestamp-reply"}
_ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}
_DER = {media: {"schema": {"type": "string", "format": "binary"}} for media in (*MEDIA.values(), "application/octet-stream")}


@router.get("/documents/{ref}/export", summary="The export package of a document (zip)", response_class=Response,
            description="The folder `kyso archive export` writes, as a zip: data/original.pdf, the latest report "
                        "(JSON, text in both languages, ETSI TS 119 102-2), metadata, evidence, the audit chain's "
                        "head, manifest-sha256.txt. Written to the audit chain as 'exported', naming the account.",
            responses={200: {"description": "the package", "content": _ZIP}, **problems(401, 403, 404, 422, 500)})
def export_package(request: Request, ref: str = Ref, who=Depends(need("export")), lang: str = Depends(asked_lang)):
    from archive.problems import StoredObjectError
    from archive.storage.export import export

    archive = request.app.state.archive
    with archive.sessions() as s:
        doc_id = document(s, ref).id
    archive.settings.tmp.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="web-export-", dir=archive.settings.tmp)
    try:
        try:
            folder = export(archive, str(doc_id), FilePath(scratch), by=who.name)
        except StoredObjectError as exc:
            raise damaged(exc) from None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                package.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": disposition("attachment", f"{folder.name}.zip")})


def _listing(request: Request, ref: str) -> tuple[int, list[dict]]:
    from archive.evidence import export_listing

    with request.app.state.archive.sessions() as s:
        doc = document(s, ref)
        return doc.id, export_listing(s, doc, doc.latest_verification_id)


@router.get("/documents/{ref}/evidence", summary="The evidence stored with a document's verifications",
            response_model=EvidenceList, responses=problems(401, 403, 404, 422))
def evidence_list(request: Request, ref: str = Ref, who=Depends(need("export")), lang: str = Depends(asked_lang)):
    doc_id, items = _listing(request, ref)
    return JSONResponse({"document_id": doc_id, "evidence": items})


SHA256 = re.compile(r"[0-9a-f]{64}")


@router.get("/documents/{ref}/evidence/{sha256}", summary="One piece of a document's evidence (DER)",
            response_class=Response,
            responses={200: {"description": "the certificate, CRL, OCSP response or timestamp token", "content": _DER},
                       **problems(401, 403, 404, 422, 500)})
def evidence_file(request: Request, ref: str = Ref,
                  sha256: str = Path(description="the evidence's SHA-256 (64 hex digits)", max_length=64),
                  who=Depends(need("export")), lang: str = Depends(asked_lang)):
    from archive.problems import StoredObjectError
    from verifier.report.codes import Phrase

    doc_id, items = _listing(request, ref)
    # only what this document's verifications used: the object store holds everyone's originals too
    item = next((i for i in items if SHA256.fullmatch(sha256.lower()) and i["sha256"] == sha256.lower()), None)
    if item is None:
        raise Problem(404, "not_found", f"văn bản {doc_id} không có bằng chứng {sha256[:64]}",
                      f"document {doc_id} has no evidence {sha256[:64]}",
                      f"xem danh sách ở /api/documents/{doc_id}/evidence", f"see the list at /api/documents/{doc_id}/evidence")
    try:
        der = request.app.state.archive.blobs.get_intact(item["sha256"], Phrase(f"bằng chứng {item['kind']}",
                                                                                f"the {item['kind']} evidence"))
    except StoredObjectError as exc:
        raise damaged(exc) from None
    return Response(der, media_type=MEDIA.get(item["kind"], "application/octet-stream"),
                    headers={"Content-Disposition": disposition("attachment", item["file"].rsplit("/", 1)[-1])})
