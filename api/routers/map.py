"""GET /map: the interactive mechanism map, rendered from the served graph."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import KG

router = APIRouter(tags=["map"])


@router.get("/map", response_class=HTMLResponse)
async def mechanism_map(request: Request, kg: KG) -> HTMLResponse:
    """The interactive map of the graph this server serves (embedded or remote), every asset inlined; made once."""
    return HTMLResponse(await request.app.state.heavy.get(("map",), lambda: kg.map_html().encode("utf-8")))
