"""GET /favicon.ico and GET /assets/{name}: the site's own small files (its icon), shared by the editor, the map and
the docs, so no page load asks for a file the server does not have."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

router = APIRouter(tags=["site"])

_ASSETS = Path(__file__).resolve().parent.parent / "assets"
#: The files served, by name (a fixed list: nothing else of the folder or the tree is reachable).
ASSETS = {
    "favicon.svg": (_ASSETS / "favicon.svg", "image/svg+xml"),
    "favicon.ico": (_ASSETS / "favicon.ico", "image/x-icon"),
}
#: A day: the icon changes with a release at most.
CACHE = {"Cache-Control": "public, max-age=86400"}


def _file(name: str) -> FileResponse:
    path, media = ASSETS[name]
    return FileResponse(path, media_type=media, headers=CACHE)


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> FileResponse:
    """The site's icon, where a browser looks for it when a page names none."""
    return _file("favicon.ico")


@router.get("/assets/{name:path}", include_in_schema=False)
async def asset(name: str) -> FileResponse:
    """One of the site's own files (:data:`ASSETS`); any other name is a 404 with a sentence."""
    if name not in ASSETS:
        raise HTTPException(404, f"this server has no asset {name[:80]!r}; it serves {', '.join(sorted(ASSETS))}")
    return _file(name)
