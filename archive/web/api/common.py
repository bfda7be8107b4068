"""What the API's routes share: the asker's language as a described parameter, the problems a
route may answer with (for its OpenAPI description), a document looked up by the reference the
CLI takes, and a download's Content-Disposition."""

from __future__ import annotations

from typing import Literal

from fastapi import Query, Request

from archive.web.api.shapes import ProblemBody
from archive.web.problems import Problem, request_lang

# what each refusal means, as the description says it
PROBLEMS = {
    400: "the body cannot be read (not the multipart/form-data it says it is)",
    401: "no token, or one that is unknown, revoked or of a disabled account",
    403: "the account's roles may not take this action",
    404: "no such document (or evidence of it)",
    409: "the archive's state does not allow it now (see `error`: what is in the way, and `next`: what to do)",
    406: "none of the forms this route answers in is acceptable (Accept)",
    413: "the upload is larger than the server's limit",
    415: "the upload is not a PDF",
    422: "the request is not valid (a parameter, or no file)",
    500: "the archive itself has a problem (a stored object missing or altered); the server log says more",
    503: "the verification workers are busy or the archive cannot be reached; try again",
    504: "the verification took longer than the server's budget",
}


def problems(*statuses: int, said: dict[int, str] | None = None) -> dict:
    """`responses=` of a route: each status with the problem body; `said` words a status the
    route's own way (a 404 of the quarantine is no quarantined file, not no document)."""
    said = said or {}
    return {status: {"model": ProblemBody, "description": said.get(status, PROBLEMS[status])} for status in statuses}


def asked_lang(request: Request,
               lang: Literal["vi", "en"] | None = Query(
                   None, description="the language of messages and reports: vi (default) or en; "
                                     "without it, the Accept-Language header decides")) -> str:
    """The language to answer in (archive.web.problems.request_lang; `lang` is named so the
    description shows it)."""
    return request_lang(request)


MAX_ID = 2**31 - 1  # the largest id PostgreSQL's integer column holds: beyond it, no document
REF_DESCRIPTION = "a document id, or its SHA-256 (a unique prefix of at least 8 hex digits is enough)"


def document(s, ref: str):
    """The archived document `ref` names (archive.db.queries.find_document), or 404."""
    from archive.db.queries import NotFound, find_document

    ref = ref.strip()
    shown = ref[:80]
    if ref.isascii() and ref.isdigit():
        if len(ref) > 10 or int(ref) > MAX_ID:
            raise _missing(shown)
    elif not ref.isascii() or len(ref) > 64:
        raise _missing(shown)
    try:
        return find_document(s, ref)
    except NotFound as exc:
        if ref.isdigit():
            raise _missing(shown) from None
        raise Problem(404, "not_found", exc.text("vi"), exc.text("en"), *_FIND) from None


_FIND = ("tìm văn bản bằng GET /api/documents?q=…", "find documents with GET /api/documents?q=…")


def _missing(ref: str) -> Problem:
    return Problem(404, "not_found", f"không có văn bản lưu trữ nào là '{ref}'", f"no archived document '{ref}'", *_FIND)


def damaged(exc) -> Problem:
    """A stored object that is missing or fails fixity (archive.problems.StoredObjectError),
    said without the server's paths."""
    what = {"missing": ("không còn trong kho lưu trữ", "is missing from the archive"),
            "altered": ("không còn nguyên vẹn (mã băm không khớp)", "fails fixity (its SHA-256 no longer matches)")}
    vi, en = what.get(exc.state, what["altered"])
    return Problem(500, f"object_{exc.state}", f"tệp lưu trữ {exc.sha256[:16]}… {vi}", f"the stored object {exc.sha256[:16]}… {en}",
                   "báo quản trị viên chạy 'kyso archive fixity' và khôi phục từ bản sao lưu",
                   "ask an administrator to run 'kyso archive fixity' and restore it from a backup")
