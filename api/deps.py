"""Settings and shared dependencies of the HTTP API."""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, Field

from api.jobs import DEADLINE
from kg import OIHKG, selector

__all__ = ["Settings", "get_settings", "get_kg", "KG", "client_of", "client_key"]


class Settings(BaseModel):
    """API settings, read from ``OIHKG_*`` environment variables (``oihkg serve`` sets them from its flags)."""

    endpoint: str | None = Field(None, description="SPARQL endpoint URL; the embedded store when unset")
    store_path: str | None = Field(None, description="on-disk folder of the embedded store, or a store selector")
    query_timeout: float = Field(30.0, gt=0, description="seconds before a SPARQL query is stopped (503)")
    result_limit: int = Field(10_000, gt=0, description="most rows (or triples) a SPARQL query may return (413)")
    answer_limit_mb: int = Field(256, gt=0, description="largest SPARQL answer, MiB (413)")
    query_workers: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1, description="SPARQL queries that may run at once")
    queue_wait: float = Field(20.0, ge=0, description="seconds a query (or TRAPI answer, plot) waits for its client's turn "
                                                      "at a worker before 503 with Retry-After")
    client_queries: int = Field(64, ge=1, description="requests one client may have waiting for a worker (clients take "
                                                      "turns); more get 503 with Retry-After")
    short_lane: int = Field(1, ge=0, le=16, description="workers more, kept for clients whose queries have not run long "
                                                        "lately")
    worker_memory_mb: int = Field(4096, ge=256, description="address-space limit of each SPARQL worker, MiB (RLIMIT_AS)")
    allow_service: list[str] = Field(default_factory=list, description="endpoints a SPARQL SERVICE clause may call")
    max_body: int = Field(1_000_000, gt=0, description="largest request body, bytes (413)")
    endpoint_timeout: float = Field(30.0, gt=0, description="seconds to wait for the --endpoint's answer (504)")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed by CORS")
    uvicorn_workers: int = Field(1, ge=1, description="uvicorn worker processes (set by oihkg serve)")

    @property
    def job_timeout(self) -> float:
        """Seconds a worker job (a TRAPI answer, a plot) may run: the query timeout, at least
        :data:`api.jobs.DEADLINE` (a worker's first job opens the graph)."""
        return max(self.query_timeout, DEADLINE)

    @property
    def answer_bytes(self) -> int:
        """``answer_limit_mb`` in bytes: the most a SPARQL answer may hold."""
        return self.answer_limit_mb * 2**20

    @property
    def selector(self) -> str:
        """The store as one selector string (:func:`kg.store.open_store`)."""
        return selector(self.endpoint, self.store_path)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        given = {
            "endpoint": env.get("OIHKG_ENDPOINT") or None,
            "store_path": env.get("OIHKG_STORE") or None,
            "query_timeout": env.get("OIHKG_QUERY_TIMEOUT"),
            "result_limit": env.get("OIHKG_RESULT_LIMIT"),
            "answer_limit_mb": env.get("OIHKG_ANSWER_LIMIT_MB"),
            "query_workers": env.get("OIHKG_QUERY_WORKERS"),
            "queue_wait": env.get("OIHKG_QUEUE_WAIT"),
            "client_queries": env.get("OIHKG_CLIENT_QUERIES"),
            "short_lane": env.get("OIHKG_SHORT_LANE"),
            "worker_memory_mb": env.get("OIHKG_WORKER_MEMORY_MB"),
            "max_body": env.get("OIHKG_MAX_BODY"),
            "endpoint_timeout": env.get("OIHKG_ENDPOINT_TIMEOUT"),
            "allow_service": [u for u in env.get("OIHKG_ALLOW_SERVICE", "").split(" ") if u],
            "cors_origins": [o for o in env.get("OIHKG_CORS_ORIGINS", "").split(",") if o],
            "uvicorn_workers": env.get("OIHKG_UVICORN_WORKERS"),
        }
        return cls(**{k: v for k, v in given.items() if v not in (None, "")})


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings.from_env()


async def get_kg(request: Request) -> OIHKG:
    """The knowledge graph opened by the app's lifespan (async: FastAPI runs a plain function dependency on its thread
    pool, a thread hop per request for an attribute read)."""
    return request.app.state.kg


KG = Annotated[OIHKG, Depends(get_kg)]


def client_of(request: Request) -> str | None:
    """Who a request comes from, for the workers' fair turns (:mod:`kg.endpoint.fairshare`): its address, an IPv6 one by its
    /64 (a host is given a whole /64 to pick from). The socket's peer: ``oihkg serve`` trusts no forwarding header."""
    return client_key(request.client.host if request.client else None)


def client_key(host: str | None) -> str | None:
    """The client a peer address counts as (:func:`client_of`): the address, an IPv6 one by its /64."""
    if host and ":" in host:
        try:
            return str(ipaddress.IPv6Network(f"{host}/64", strict=False))
        except ValueError:
            return host
    return host

