"""The HTTP API: app factory with a lifespan that opens the graph and the SPARQL workers once.

Run it with ``oihkg serve`` (uvicorn, factory mode) or ``uvicorn --factory api.main:create_app``.
This module owns the app's shape: middleware (request-body limit, security
headers, CORS), the mapping of kg's typed failures to statuses with a sentence
(no traceback in the log for an expected failure), the SPARQL worker pool, the
heavy-answer cache, and a /health that says ``degraded`` when a remote endpoint
stops answering (checked in the background, never on the probe's path).
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextlib import asynccontextmanager, suppress

from fastapi import Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from api import errors
from api.deps import Settings, get_settings
from api.heavy import HeavyCache
from api.middleware import AnswerCache, BodyLimit, JSONText, SecurityHeaders
from api.routers import (
    entities,
    export,
    health,
    interventions,
    map,
    mechanism,
    observations,
    queries,
    site,
    sparql,
    trapi,
)
from api.schemas import Health
from kg import OIHKG, __version__
from kg.endpoint import Endpoint, die_with_parent
from kg.errors import AmbiguousEntity, StoreError, clip
from kg.translator import biolink_version

__all__ = ["create_app"]

log = logging.getLogger("oihkg.api")
#: How often the background check asks a remote endpoint whether it answers, and how long it waits.
PING_EVERY, PING_TIMEOUT = 10.0, 3.0
#: Most characters of a failure's message /health quotes as the reason it is degraded.
QUOTE = 300


def _health(app, status: str, reason: str | None = None) -> None:
    """Write /health's answer; a store that cannot be counted (an endpoint down at start) makes it degraded."""
    kg = app.state.kg
    try:
        about = kg.about()
    except StoreError as exc:
        about = {**kg.where(), "triples": {}}
        status, reason = "degraded", reason or str(exc)[:QUOTE]
    else:
        if status == "ok" and not about["triples"].get("asserted"):
            status, reason = "degraded", "the store holds no oihkg graph: its asserted graph is empty"
    app.state.health = Health(status=status, reason=reason, **health.public(about)).model_dump_json().encode()
    # what kept answers are filed under; None keeps nothing: a remote endpoint's data can change under the server
    app.state.checksum = None if kg.store.selector.startswith("sparql:") else about.get("checksum")


async def _watch_endpoint(app) -> None:
    """Every PING_EVERY seconds, ASK the remote endpoint with a short timeout; /health says degraded while it fails."""
    await app.state.endpoint.watch(lambda: _health(app, "ok"), lambda exc: _health(app, "degraded", str(exc)[:QUOTE]),
                                   every=PING_EVERY, timeout=PING_TIMEOUT)


def _handlers(app) -> None:
    """Each expected failure answers its status and a sentence, quoting a short prefix of a long input (kg's typed
    failures, HTTPException and refused requests by :mod:`api.errors`)."""
    errors.install(app)

    @app.exception_handler(AmbiguousEntity)
    async def _ambiguous(_: Request, exc: AmbiguousEntity):
        return JSONResponse({"detail": {"message": clip(str(exc)),
                                        "candidates": [{"id": c, "label": lab} for c, lab in exc.candidates]}}, status_code=409)


class _FastLane:
    """The app's middleware stack, with the common ``/sparql`` query answered in front of it
    (:func:`api.routers.sparql.fast_lane`); every other request, and the documented route, the framework's way."""

    def __init__(self, app, stack):
        self.app, self.stack = app, stack

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/sparql" and await sparql.fast_lane(self.app, scope, receive, send):
            return
        await self.stack(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPIOffline:
    """Build the app; ``settings`` default to :func:`api.deps.get_settings` (environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app):
        if settings.uvicorn_workers > 1:  # a worker of uvicorn's supervisor: go with it, and so do its query workers
            die_with_parent(os.getppid())
        app.state.settings = settings
        app.state.kg = OIHKG.open(selector=settings.selector, timeout=settings.endpoint_timeout)
        _health(app, "ok")
        app.state.heavy = HeavyCache()
        # TRAPI answers and plots are jobs of the query workers, which bound them and give each client its turn: no
        # cap on the answers in flight here beyond the workers' own queue
        app.state.trapi = HeavyCache(max_items=256, max_bytes=64 * 2**20, max_waiting=256, what="TRAPI answers")
        app.state.plots = HeavyCache(max_items=128, max_bytes=64 * 2**20, max_waiting=256, what="plots")
        app.state.endpoint = Endpoint(settings.selector, workers=settings.query_workers, timeout=settings.query_timeout,
                                      queue_wait=settings.queue_wait, per_client=settings.client_queries,
                                      reserve=settings.short_lane, memory_mb=settings.worker_memory_mb,
                                      result_limit=settings.result_limit, answer_bytes=settings.answer_bytes,
                                      allow_service=tuple(settings.allow_service),
                                      endpoint_timeout=settings.endpoint_timeout)
        app.state.endpoint.warm_up()
        watch = (asyncio.create_task(_watch_endpoint(app))
                 if settings.selector.startswith("sparql:") else None)
        try:
            yield
        finally:
            if watch is not None:
                watch.cancel()
                with suppress(asyncio.CancelledError):
                    await watch
            app.state.endpoint.close()
            app.state.kg.close()

    app = FastAPIOffline(
        title="oihkg",
        version=__version__,
        description="Knowledge graph and mechanism query engine for opioid-induced hyperalgesia: REST, SPARQL 1.1 Protocol, "
                    "TRAPI, exports. Write SPARQL in the [SPARQL query editor](/sparql); explore the [mechanism map](/map).",
        lifespan=lifespan,
    )
    app.add_middleware(AnswerCache)  # innermost (the last added is outermost): CORS and security headers wrap it
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"], allow_headers=["*"])
    app.add_middleware(JSONText)  # a JSON body must be Unicode text; inside the body limit, which bounds what it reads
    app.add_middleware(BodyLimit, max_body=settings.max_body)
    app.add_middleware(SecurityHeaders)
    _handlers(app)
    app.include_router(sparql.protocol)  # first: the route pipelines call most, found without trying the others
    for module in (health, entities, interventions, mechanism, observations, queries, export, sparql, trapi, map, site):
        app.include_router(module.router)
    _x_trapi(app)
    app.middleware_stack = _FastLane(app, app.build_middleware_stack())  # built now: nothing is added after this
    return app


def _x_trapi(app) -> None:
    """Add the ``x-trapi`` and ``x-translator`` blocks Translator's registry reads to the OpenAPI info."""
    base = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            info = base()["info"]
            info["x-trapi"] = trapi.X_TRAPI
            info["x-translator"] = {"infores": trapi.INFORES, "component": "KP", "biolink-version": biolink_version()}
        return app.openapi_schema

    app.openapi = openapi
