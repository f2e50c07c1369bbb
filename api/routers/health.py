"""GET /health: status, triple counts, versions — counted once per store, so the probe costs next to nothing."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import KG
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health(kg: KG) -> Response:
    """Whether the server is up, which store it serves, how many triples that holds, and the versions in use.

    Answered on the event loop from what the app's lifespan counted at start (:meth:`kg.OIHKG.about`)."""
    return Response(Health(status="ok", **kg.about()).model_dump_json(), media_type="application/json")
