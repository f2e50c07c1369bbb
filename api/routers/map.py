"""GET /map: the interactive mechanism map, rendered from the served graph."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import KG

router = APIRouter(tags=["map"])


@router.get("/map", response_class=HTMLResponse)
async def mechanism_map(request: Request, kg: KG) -> HTMLResponse:
    """The interactive map of the graph this server serves (embedded or remote), every asset inlined; made once per
    store checksum (:meth:`kg.OIHKG.about`)."""
    key = ("map", (await asyncio.to_thread(kg.about))["checksum"])  # taken at start; a thread in case it was not
    return HTMLResponse(await request.app.state.heavy.get(key, lambda: kg.map_html().encode("utf-8")))
