"""POST /trapi/query and GET /trapi/meta_knowledge_graph: a TRAPI knowledge provider over the served graph."""

from __future__ import annotations

import hashlib
import json

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.deps import KG
from kg.trapi import INFORES, OPERATIONS, TRAPI_VERSION, TRAPIError

router = APIRouter(prefix="/trapi", tags=["trapi"])

_EXAMPLE = {"message": {"query_graph": {
    "nodes": {"drug": {"categories": ["biolink:ChemicalEntity"]}, "nmda": {"ids": ["GO:0017146"]}},
    "edges": {"e0": {"subject": "drug", "object": "nmda", "predicates": ["biolink:affects"]}},
}}}

#: The x-trapi block of the OpenAPI info (what Translator's registry reads).
X_TRAPI = {"version": TRAPI_VERSION, "infores": INFORES, "multicuriequery": True, "pathfinderquery": True,
           "asyncquery": False, "operations": list(OPERATIONS)}


def _refusal(exc: TRAPIError, body) -> JSONResponse:
    """A TRAPI Response saying why the query is refused: the status, an ERROR log with its code, and ``detail``."""
    from datetime import datetime, timezone

    message = body.get("message") if isinstance(body, dict) and isinstance(body.get("message"), dict) else {}
    return JSONResponse({
        "message": {"query_graph": message.get("query_graph") if isinstance(message.get("query_graph"), dict) else None},
        "logs": [{"timestamp": datetime.now(timezone.utc).isoformat(), "level": "ERROR", "code": exc.code, "message": exc.message}],
        "status": exc.code, "description": exc.message, "detail": exc.message, "schema_version": TRAPI_VERSION,
    }, status_code=exc.status)


@router.post("/query", response_class=Response, openapi_extra={
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}, "example": _EXAMPLE}}},
})
async def trapi_query(request: Request, kg: KG) -> Response:
    """Answer a TRAPI 1.5 query (1.6 Pathfinder queries accepted) from the served graph.

    Query nodes match by ids (a drug class's ids reach its member drugs; xrefs such as UniProtKB reach the entity) or by
    categories (Biolink descendants included); query edges by predicate (descendants, inverses and symmetric
    predicates included) and qualifier constraints. Each knowledge-graph edge carries the source text's citations and
    quote, its RO predicate, knowledge level and agent type; each reasoner-derived edge its explanation as a support
    graph. A Pathfinder query (two pinned nodes and one path) is answered from the signed path engine, each path an
    auxiliary graph with its net sign. A bad query graph gets 400 with TRAPI logs saying why; a workflow operation
    other than ``lookup`` gets 501. Answers are computed one at a time and kept (the graph does not change under a
    running server).
    """
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _refusal(TRAPIError(400, "InvalidJSON", f"the body is not JSON: {exc}"), None)
    key = ("trapi", hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest())
    try:
        answer = await request.app.state.heavy.get(key, lambda: json.dumps(kg.trapi.query(body)).encode())
    except TRAPIError as exc:
        return _refusal(exc, body)
    return Response(answer, media_type="application/json")


@router.get("/meta_knowledge_graph")
async def meta_knowledge_graph(request: Request, kg: KG) -> Response:
    """Every (subject category, predicate, object category) the graph holds, with the qualifiers and attributes each
    offers and the id prefixes of each category; ``counts`` gives how many nodes and edges of each, and
    ``biolink_version`` the Biolink model (the packaged one) the mapping is checked against."""
    body = await request.app.state.heavy.get(("trapi-meta",), lambda: json.dumps(kg.trapi.meta_knowledge_graph()).encode())
    return Response(body, media_type="application/json")
