"""The application of `kyso serve`: the JSON API under /api, the console everywhere else.

Every answer carries headers that keep pages of documents out of other sites' frames and
scripts; a request body larger than the upload limit is refused before it is read; every
exception becomes a Problem in the asker's language (archive.web.problems), the API's as JSON
and the console's as a page, and whatever kyso did not foresee is logged with its traceback
and answered "internal" (500), never shown.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from archive.web.auth import SignIn
from archive.web.config import ServeConfig
from archive.web.problems import Problem, internal, request_lang
from archive.web.uploads import ENVELOPE, BodyLimit, too_large

log = logging.getLogger(__name__)

HEADERS = {
    # the console has no script of its own, and pages show what untrusted files carry
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}


BODILESS = ("GET", "HEAD", "OPTIONS")


def _signed(request: Request) -> bool:
    """Whether the request comes from an account: a valid bearer token for the API, a console
    session elsewhere (the route checks again, and whether the account may)."""
    from archive.web.auth import api_who, console_who

    if not is_api(request):
        return console_who(request) is not None
    try:
        api_who(request)
    except Problem:
        return False
    return True


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith(("/api/", "/metrics"))


def answer(request: Request, problem: Problem):
    lang = request_lang(request)
    if is_api(request):
        return JSONResponse(problem.body(lang), status_code=problem.status, headers=problem.headers)
    from archive.web.console.render import problem_page

    return problem_page(request, problem, lang)


def build_app(config: ServeConfig, archive=None, pool=None) -> FastAPI:
    from verifier import __version__

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.pool.start()
        try:
            yield
        finally:
            app.state.pool.stop()

    app = FastAPI(title="kyso", version=__version__, lifespan=lifespan, openapi_url="/api/openapi.json",
                  docs_url=None, redoc_url=None,
                  description="Verification and archive of signed PDFs of Vietnamese state agencies. "
                              "Authenticate with 'Authorization: Bearer <token>' ('kyso accounts token NAME').")
    if archive is None:
        from archive.ingest import Archive

        archive = Archive(config.settings)
    if pool is None:
        from archive.web.pool import Pool

        pool = Pool(config)
    app.state.config, app.state.archive, app.state.pool = config, archive, pool
    # bodies without a Content-Length too (inside the guard below, whose headers its 413 gets)
    app.add_middleware(BodyLimit, limit=config.max_upload + ENVELOPE, answer=answer)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > config.max_upload + ENVELOPE):
            return answer(request, too_large(config.max_upload))
        if request.method not in BODILESS and (length is None or int(length) > ENVELOPE):
            # FastAPI reads (and spools) a body before a route's dependencies say who is asking:
            # an upload is taken only from an account, or anyone could make the server parse 50 MB
            from starlette.concurrency import run_in_threadpool

            if not await run_in_threadpool(_signed, request):
                from archive.web.problems import unauthenticated

                return answer(request, unauthenticated())
        try:
            response = await call_next(request)
        except Exception:  # noqa: BLE001 - what reaches here was not foreseen: logged, answered, served on
            log.exception("internal error on %s %s", request.method, request.url.path)
            response = answer(request, internal())
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(Problem)
    async def on_problem(request: Request, problem: Problem):
        return answer(request, problem)

    @app.exception_handler(SignIn)
    async def on_sign_in(request: Request, _exc: SignIn):
        from urllib.parse import quote

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        where = "; ".join(".".join(str(p) for p in err.get("loc", ())) + ": " + str(err.get("msg", ""))
                          for err in exc.errors()[:5])
        return answer(request, Problem(422, "invalid_request", f"yêu cầu không hợp lệ ({where})",
                                       f"the request is not valid ({where})",
                                       "xem mô tả API tại /api/openapi.json", "see the API description at /api/openapi.json"))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return answer(request, Problem(404, "not_found", "không có trang này", "no such page"))
        if exc.status_code == 400:  # e.g. a body that is not the multipart/form-data it says it is
            # the parser's reason is English: said only in English
            return answer(request, Problem(400, "bad_request", "yêu cầu không đọc được (không đúng multipart/form-data)",
                                           f"the request cannot be read ({exc.detail})",
                                           "gửi tệp trong trường 'file' của multipart/form-data",
                                           "send the file in the 'file' field of multipart/form-data"))
        if exc.status_code == 405:
            return answer(request, Problem(405, "method_not_allowed", "phương thức này không dùng được ở đây",
                                           "this method is not allowed here"))
        return answer(request, Problem(exc.status_code, "http_error", str(exc.detail), str(exc.detail)))

    @app.exception_handler(Exception)
    async def on_error(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return answer(request, internal())

    from archive.web.api import router as api_router
    from archive.web.console import router as console_router

    app.include_router(api_router, prefix="/api")
    app.include_router(console_router)
    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("console") / "static"), name="static")
    from archive.web import metrics
    from archive.web.api.openapi import describe

    describe(app)
    metrics.install(app)  # last: its middleware must be the outermost (see metrics.install)
    return app
