"""The HTTP API: app factory with a lifespan that opens the graph and the SPARQL workers once.

Run it with ``oihkg serve`` (uvicorn, factory mode) or ``uvicorn --factory api.main:create_app``.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from functools import partial

from fastapi import Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from api.deps import Settings, get_settings
from api.schemas import Health
from api.routers import entities, export, health, interventions, map, mechanism, observations, queries, sparql
from kg import OIHKG, __version__
from kg.queries import AmbiguousEntity, UnknownEntity
from kg.sparql import answer
from kg.store import open_store
from kg.workers import QueryPool

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> FastAPIOffline:
    """Build the app; ``settings`` default to :func:`api.deps.get_settings` (environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app):
        app.state.settings = settings
        app.state.kg = OIHKG.open(selector=settings.selector)
        app.state.health = Health(status="ok", **app.state.kg.about()).model_dump_json().encode()  # /health's answer
        factory = partial(open_store, settings.worker_selector)
        app.state.pool = QueryPool(factory, answer, workers=settings.query_workers, timeout=settings.query_timeout)
        app.state.pool.warm_up()
        try:
            yield
        finally:
            app.state.pool.close()
            app.state.kg.close()

    app = FastAPIOffline(
        title="oihkg",
        version=__version__,
        description="Knowledge graph and mechanism query engine for opioid-induced hyperalgesia: REST, SPARQL 1.1 Protocol, exports.",
        lifespan=lifespan,
    )
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"], allow_headers=["*"])

    @app.exception_handler(UnknownEntity)
    async def _unknown(_: Request, exc: UnknownEntity):
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(AmbiguousEntity)
    async def _ambiguous(_: Request, exc: AmbiguousEntity):
        return JSONResponse({"detail": {"message": str(exc), "candidates": [{"id": c, "label": lab} for c, lab in exc.candidates]}},
                            status_code=409)

    for module in (health, entities, interventions, mechanism, observations, queries, export, sparql, map):
        app.include_router(module.router)
    return app
