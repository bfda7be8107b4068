"""An uploaded file, taken as untrusted: read in pieces up to the limit (a body without a
Content-Length is still stopped there: BodyLimit), a PDF by its content (the %PDF- header within
the first 1024 bytes, as readers accept it), and its name reduced to a plain last component that
can be shown and stored, never a path."""

from __future__ import annotations

import unicodedata

from fastapi import UploadFile

from archive.intake.kinds import HEADER_WINDOW, PDF_MAGIC
from archive.web.problems import Problem

CHUNK = 1024 * 1024


def too_large(limit: int) -> Problem:
    mb = limit // (1024 * 1024)
    return Problem(413, "too_large", f"tệp tải lên lớn hơn giới hạn {mb} MB", f"the upload is larger than the {mb} MB limit",
                   "gửi tệp nhỏ hơn, hoặc nhờ quản trị viên tăng --max-upload",
                   "send a smaller file, or ask an administrator to raise --max-upload")


def not_pdf() -> Problem:
    return Problem(415, "not_pdf", "tệp tải lên không phải PDF (không có phần đầu %PDF-)",
                   "the upload is not a PDF (no %PDF- header)",
                   "chọn đúng tệp PDF đã ký số; tệp Word, ảnh hay tệp nén không kiểm tra được",
                   "choose the signed PDF itself; Word files, pictures and archives cannot be verified")


def no_file() -> Problem:
    return Problem(422, "no_file", "không có tệp nào được gửi lên", "no file was uploaded",
                   "gửi tệp PDF trong trường 'file' (multipart/form-data)",
                   "send the PDF in the 'file' field (multipart/form-data)")


async def one_file(request, field: str = "file") -> None:
    """A request holding several files under `field` is refused: only one would be taken, and the
    others would go unsaid (red team)."""
    form = await request.form()
    count = len(form.getlist(field))
    if count > 1:
        raise Problem(400, "one_file", f"yêu cầu gửi {count} tệp, mỗi lần chỉ nhận một tệp",
                      f"the request holds {count} files; one is taken per request",
                      "gửi mỗi tệp trong một yêu cầu riêng", "send each file in a request of its own")


def plain_name(name: str | None, fallback: str = "upload.pdf") -> str:
    """The last component of what the browser said the file was called, NFC, without control
    characters, at most 200 characters; `fallback` when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in ("", ".", ".."):
        return fallback
    return name[:200]


async def read_pdf(request, upload: UploadFile | None) -> tuple[str, bytes]:
    """(its plain name, its bytes) of the one PDF uploaded in the request's 'file' field; a
    Problem (400, 413, 415, 422) otherwise."""
    await one_file(request)
    name, data = await read_upload(upload, request.app.state.config.max_upload)
    if PDF_MAGIC not in data[:HEADER_WINDOW]:
        raise not_pdf()
    return name, data


async def read_upload(upload: UploadFile | None, limit: int, fallback: str = "upload.pdf") -> tuple[str, bytes]:
    """(its plain name, its bytes) of an uploaded file of any kind; a Problem (413, 422) otherwise."""
    if upload is None or not hasattr(upload, "read"):
        raise no_file()
    parts, size = [], 0
    while True:
        chunk = await upload.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        parts.append(chunk)
    data = b"".join(parts)
    if not data:
        raise no_file()
    return plain_name(upload.filename, fallback), data


class BodyLimit:
    """ASGI middleware: a request body larger than `limit` is answered 413 as soon as it goes
    over, whether it announced its length or not (chunked transfer encoding). The multipart
    parser would otherwise spool any amount to disk before a route could look at the file.
    What the application had begun to answer to the broken body is replaced by the 413 (`answer`
    makes it: JSON for the API, a page for the console)."""

    def __init__(self, app, limit: int, answer):
        self.app, self.limit, self.answer = app, limit, answer

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        seen, over, started = 0, False, False

        async def limited():
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    over = True
                    raise BodyTooLarge()
            return message

        async def watched(message):
            nonlocal started
            if over:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            from starlette.requests import Request

            response = self.answer(Request(scope), too_large(self.limit - ENVELOPE))
            await response(scope, receive, send)


class BodyTooLarge(Exception):
    """Raised into the application from its receive(): the body went over the limit."""


ENVELOPE = 64 * 1024  # what a multipart body may hold beyond the file: boundaries, headers, the other fields
