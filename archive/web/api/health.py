"""Whether the service answers and can reach its archive (for a load balancer or a supervisor:
no account needed, nothing about the archive's content)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/health", summary="Whether the service answers and reaches its archive")
def health(request: Request):
    from verifier import __version__

    try:
        with request.app.state.archive.sessions() as s:
            s.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - said, not raised: this is the question being asked
        database = "unreachable"
    body = {"status": "ok" if database == "ok" else "degraded", "version": __version__, "database": database,
            "queue": request.app.state.pool.depth()}
    return JSONResponse(body, status_code=200 if database == "ok" else 503)
