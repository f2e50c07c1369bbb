"""GET /health: status, the store, triple counts, versions — taken once at start, so the probe costs next to nothing."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health(request: Request) -> Response:
    """Whether the server is up, which store it serves, how many triples that held at start, and the versions in use.

    A liveness probe: answered on the event loop from the bytes the app's lifespan wrote from
    :meth:`kg.OIHKG.about`, without touching the store.
    """
    return Response(request.app.state.health, media_type="application/json")
