"""GET /health: status, the store, triple counts, versions — taken once at start, so the probe costs next to nothing."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, Request, Response

from api.schemas import Health
from kg.errors import without_credentials

router = APIRouter(tags=["health"])

__all__ = ["router", "health", "public"]


def public(about: dict[str, Any]) -> dict[str, Any]:
    """What /health may show of :meth:`kg.OIHKG.about`: an on-disk store by its folder's name, never the server's path
    to it, and an endpoint's URL without credentials.

    Examples
    --------
    >>> public({"store": "embedded", "selector": "oxigraph:/srv/data/oih-store"})["selector"]
    'oxigraph:oih-store'
    >>> public({"store": "http://u:p@host:7878/query", "selector": "sparql:http://u:p@host:7878/query"})["store"]
    'http://host:7878/query'
    """
    scheme, _, rest = str(about.get("selector", "")).partition(":")
    if scheme == "oxigraph" and rest != "memory":
        selector = f"oxigraph:{PurePath(rest).name}"
    elif scheme == "sparql":
        selector = f"sparql:{without_credentials(rest)}"
    else:
        selector = about.get("selector", "")
    store = about.get("store", "")
    return {**about, "selector": selector, "store": store if store == "embedded" else without_credentials(store)}


@router.get("/health", response_model=Health)
async def health(request: Request) -> Response:
    """Whether the server is up, which store it serves (an on-disk store by its folder's name), how many triples that
    held at start, and the versions in use.

    A liveness probe: answered on the event loop from the bytes the app's lifespan wrote from
    :meth:`kg.OIHKG.about` (through :func:`public`), without touching the store.
    """
    return Response(request.app.state.health, media_type="application/json")
