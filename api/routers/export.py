"""GET /export/{format}."""

from __future__ import annotations

from enum import Enum

from fastapi import APIRouter, Response

from api.deps import KG
from kg.export import FORMATS

router = APIRouter(tags=["export"])
ExportFormat = Enum("ExportFormat", {k: k for k in FORMATS}, type=str)


@router.get("/export/{format}", response_class=Response,
            responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}, "description": "the graph in that format"}})
def export_graph(kg: KG, format: ExportFormat) -> Response:
    """The served graph as OWL (RDF/XML), Turtle, JSON-LD, KGX (zip of nodes.tsv and edges.tsv), GraphML or Cytoscape JSON."""
    fmt = FORMATS[format.value]
    return Response(kg.export(fmt.name), media_type=fmt.media_type,
                    headers={"Content-Disposition": f'attachment; filename="oihkg{fmt.extension}"'})
