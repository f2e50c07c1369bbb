"""GET /export/{format}."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api.deps import KG
from api.schemas import EXPORT_FORMAT_EXAMPLES
from kg import FORMATS

router = APIRouter(tags=["export"])
ExportFormat = Enum("ExportFormat", {k: k for k in FORMATS}, type=str)


@router.get("/export/{format}", response_class=Response,
            responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}, "description": "the graph in that format"}})
async def export_graph(request: Request, kg: KG,
                       format: Annotated[ExportFormat, Path(openapi_examples=EXPORT_FORMAT_EXAMPLES)]) -> Response:
    """The served graph as OWL (RDF/XML), Turtle, JSON-LD, KGX (zip of nodes.tsv, edges.tsv and the support graphs, the
    same Biolink nodes and edges /trapi/query answers from), GraphML, Cytoscape JSON or CX2 (Cytoscape and NDEx, with
    the map's colours as its visual style).

    Computed once per server (the store does not change under it), one heavy answer at a time; 503 with Retry-After
    when too many heavy answers are being made.
    """
    fmt = FORMATS[format.value]
    body = await request.app.state.heavy.get(("export", fmt.name), lambda: kg.export(fmt.name))
    return Response(body, media_type=fmt.media_type,
                    headers={"Content-Disposition": f'attachment; filename="oihkg{fmt.extension}"'})
