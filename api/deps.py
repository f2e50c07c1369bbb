"""Settings and shared dependencies of the HTTP API."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, Field

from kg import OIHKG
from kg.store import selector
from kg.workers import QueryPool

__all__ = ["Settings", "get_settings", "get_kg", "get_pool", "KG", "Pool"]


class Settings(BaseModel):
    """API settings, read from ``OIHKG_*`` environment variables (``oihkg serve`` sets them from its flags)."""

    endpoint: str | None = Field(None, description="SPARQL endpoint URL; the embedded store when unset")
    store_path: str | None = Field(None, description="on-disk folder of the embedded store, or a store selector")
    query_timeout: float = Field(30.0, gt=0, description="seconds before a SPARQL query is stopped (503)")
    result_limit: int = Field(10_000, gt=0, description="most rows a SPARQL SELECT may return")
    query_workers: int = Field(2, ge=1, description="SPARQL queries that may run at once")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed by CORS")

    @property
    def selector(self) -> str:
        """The store as one selector string (:func:`kg.store.open_store`)."""
        return selector(self.endpoint, self.store_path)

    @property
    def worker_selector(self) -> str:
        """The store each SPARQL worker opens: the same endpoint, or its own in-memory copy of the artifacts
        (the on-disk store stays the API process's)."""
        return self.selector if self.selector.startswith("sparql:") else "oxigraph:memory"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            endpoint=env.get("OIHKG_ENDPOINT") or None,
            store_path=env.get("OIHKG_STORE") or None,
            query_timeout=float(env.get("OIHKG_QUERY_TIMEOUT", 30)),
            result_limit=int(env.get("OIHKG_RESULT_LIMIT", 10_000)),
            query_workers=int(env.get("OIHKG_QUERY_WORKERS", 2)),
            cors_origins=[o for o in env.get("OIHKG_CORS_ORIGINS", "").split(",") if o],
        )


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings.from_env()


def get_kg(request: Request) -> OIHKG:
    """The knowledge graph opened by the app's lifespan."""
    return request.app.state.kg


def get_pool(request: Request) -> QueryPool:
    """The SPARQL worker pool opened by the app's lifespan."""
    return request.app.state.pool


KG = Annotated[OIHKG, Depends(get_kg)]
Pool = Annotated[QueryPool, Depends(get_pool)]
