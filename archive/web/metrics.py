"""GET /metrics: what the service did, in the Prometheus text format (prometheus_client, with
the application's own registry, so two apps in one process never share counts).

kyso_verifications_total{route,verdict}  verifications run, by the route that asked (a
    re-verification counts each of its runs; an ingest that found the bytes archived counts none)
kyso_verification_seconds{route}         from handing a file to the pool to its answer
                                         (waiting for a worker included: what the asker waited)
kyso_queue_depth                         requests waiting for a worker now (pool.depth())
kyso_documents{verdict}                  archived documents by verdict, read from the archive
                                         at each scrape (every server and watcher's work)
kyso_http_requests_total{route,status}   answers by route template and status

Routes are labelled by their template (/api/documents/{ref}), never by the path asked for: a
label per path would let any asker grow the registry without end. Verifications are counted by
wrapping the pool, so the console's pages are counted as the API's are.
"""

from __future__ import annotations

import contextvars
import logging
import time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from archive.web.api.common import problems
from archive.web.auth import every_route, need

log = logging.getLogger(__name__)

VERDICTS = ("VALID", "INVALID", "INDETERMINATE")
BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)
_scope: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kyso_request_scope", default=None)


class Metrics:
    def __init__(self, app):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

        # no *_created series beside each counter and histogram: a scraper of the text format reads
        # them as more gauges, doubling what it stores for a start time it does not use
        disable_created_metrics()
        self.app = app
        self._templates = None  # (path regex, template, methods) of every route, made at the first answer
        self.registry = registry = CollectorRegistry()
        self.verifications = Counter("kyso_verifications", "Verifications run, by route and verdict",
                                     ["route", "verdict"], registry=registry)
        self.seconds = Histogram("kyso_verification_seconds", "Seconds from handing a file to the pool to its answer",
                                 ["route"], buckets=BUCKETS, registry=registry)
        self.requests = Counter("kyso_http_requests", "HTTP answers, by route template and status",
                                ["route", "status"], registry=registry)
        Gauge("kyso_queue_depth", "Requests waiting for a verification worker",
              registry=registry).set_function(lambda: app.state.pool.depth())
        registry.register(_Documents(app))

    def route(self, scope: dict | None) -> str:
        """The template of the route serving `scope`'s path and method, else of one serving its
        path, else "unmatched". Matched here rather than read from the scope, so an answer given
        before routing (a body over the limit) is labelled by its route too."""
        if scope is None:
            return "none"
        if self._templates is None:
            self._templates = [(r.path_regex, r.path_format, r.methods) for r in every_route(self.app)
                               if getattr(r, "path_regex", None) is not None and r.path_format]
        path, method, found = scope.get("path", ""), scope.get("method"), "unmatched"
        for regex, template, methods in self._templates:
            if regex.match(path):
                if not methods or method in methods:
                    return template
                found = template if found == "unmatched" else found
        return found

    def verified(self, verdicts, seconds: float) -> None:
        route = self.route(_scope.get())
        for verdict in verdicts:
            self.verifications.labels(route, verdict or "none").inc()
        self.seconds.labels(route).observe(seconds)


class _Documents:
    """kyso_documents{verdict}, counted in the archive when scraped."""

    def __init__(self, app):
        self.app = app

    def describe(self):
        return []  # read at scrape time only: registering must not query the database

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily
        from sqlalchemy import func, select

        from archive.db.models import Document

        family = GaugeMetricFamily("kyso_documents", "Archived documents by verdict", labels=["verdict"])
        try:
            with self.app.state.archive.sessions() as s:
                counts = dict(s.execute(select(Document.verdict, func.count()).group_by(Document.verdict)).all())
        except Exception:  # noqa: BLE001 - an unreachable archive leaves this gauge out, not the scrape
            log.warning("kyso_documents: the archive could not be counted", exc_info=True)
            return
        for verdict in sorted(set(VERDICTS) | set(counts)):
            family.add_metric([verdict], counts.get(verdict, 0))
        yield family


class CountedPool:
    """The pool, its verifications counted and timed; everything else passes through."""

    def __init__(self, pool, metrics: Metrics):
        self._pool, self._metrics = pool, metrics

    def __getattr__(self, name):
        return getattr(self._pool, name)

    async def verify(self, *args, **kwargs):
        start = time.monotonic()
        done = await self._pool.verify(*args, **kwargs)
        self._metrics.verified([done.verdict], time.monotonic() - start)
        return done

    async def ingest(self, *args, **kwargs):
        start = time.monotonic()
        out = await self._pool.ingest(*args, **kwargs)
        if out.get("kind") in ("archived", "quarantined"):  # duplicates are not verified again
            self._metrics.verified([out.get("verdict")], time.monotonic() - start)
        return out

    async def reverify(self, *args, **kwargs):
        start = time.monotonic()
        out = await self._pool.reverify(*args, **kwargs)
        self._metrics.verified([run.get("verdict") for run in out.get("runs", [])], time.monotonic() - start)
        return out


class _Requests:
    """ASGI middleware: every answer counted by route template and status."""

    def __init__(self, app, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        token = _scope.set(scope)
        status = 500  # what the asker gets when nothing was sent (uvicorn answers 500)

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.requests.labels(self.metrics.route(scope), str(status)).inc()
            _scope.reset(token)


def install(app) -> None:
    """Count what `app` does (call last in build_app: the counting middleware must be the
    outermost, to see the answers the other middleware give)."""
    metrics = app.state.metrics = Metrics(app)
    app.state.pool = CountedPool(app.state.pool, metrics)
    app.add_middleware(_Requests, metrics=metrics)
    app.include_router(router)


router = APIRouter(tags=["metrics"])


@router.get("/metrics", summary="What the service did, in the Prometheus text format", response_class=Response,
            description="kyso_verifications_total{route,verdict}, kyso_verification_seconds{route} (histogram), "
                        "kyso_queue_depth, kyso_documents{verdict}, kyso_http_requests_total{route,status}. "
                        "Scrape with a bearer token of any role.",
            responses={200: {"description": "the metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
                       **problems(401, 403)})
def metrics(request: Request, who=Depends(need("metrics"))):
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
