"""GET /health: status, triple counts, versions."""

from __future__ import annotations

import platform
from importlib.metadata import version

from fastapi import APIRouter

from api.deps import KG
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(kg: KG) -> Health:
    """Whether the store answers, how many triples it holds, and the versions in use."""
    from kg.store import RemoteStore

    store = kg.store.endpoint if isinstance(kg.store, RemoteStore) else "embedded"
    versions = {"python": platform.python_version()}
    for pkg in ("oihkg", "pyoxigraph", "owlready2", "rdflib", "fastapi", "networkx"):
        versions[pkg] = version(pkg)
    return Health(status="ok", store=store, triples=kg.store.counts(), versions=versions)
