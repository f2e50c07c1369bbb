"""POST /trapi/query and GET /trapi/meta_knowledge_graph: a TRAPI knowledge provider over the served graph."""

from __future__ import annotations

import hashlib
import json

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api import jobs
from api.deps import KG, client_of
from api.errors import RETRY_AFTER
from api.heavy import HeavyBusy
from kg.errors import AnswerTooLarge, PoolBusy, QueryFailed, QueryTimeout, TRAPIError, WorkerDied
from kg.translator import INFORES, OPERATIONS, TRAPI_VERSION, Limits, refusal

router = APIRouter(prefix="/trapi", tags=["trapi"])

_EXAMPLE = {"message": {"query_graph": {
    "nodes": {"drug": {"categories": ["biolink:ChemicalEntity"]}, "nmda": {"ids": ["GO:0017146"]}},
    "edges": {"e0": {"subject": "drug", "object": "nmda", "predicates": ["biolink:affects"]}},
}}}

#: The x-trapi block of the OpenAPI info (what Translator's registry reads).
X_TRAPI = {"version": TRAPI_VERSION, "infores": INFORES, "multicuriequery": True, "pathfinderquery": True,
           "asyncquery": False, "operations": list(OPERATIONS), "batch_size_limit": Limits().max_ids}


@router.post("/query", response_class=Response, openapi_extra={
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}, "example": _EXAMPLE}}},
})
async def trapi_query(request: Request, kg: KG) -> Response:
    """Answer a TRAPI 1.5 query (1.6 Pathfinder queries accepted, and answered in 1.6) from the served graph.

    Query nodes match by ids (a drug class's ids reach its member drugs; xrefs such as UniProtKB reach the entity) or by
    categories (Biolink descendants included); query edges by predicate (descendants, inverses and symmetric
    predicates included), qualifier constraints and attribute constraints. Each knowledge-graph edge carries the
    source text's citations and quote, its RO predicate, knowledge level and agent type; each reasoner-derived edge
    its explanation as a support graph. A Pathfinder query (two pinned nodes and one path) is answered from the signed
    path engine, each path an auxiliary graph with its net sign. A bad query graph gets 400 with TRAPI logs saying
    why, one over the limits 413, a workflow operation other than ``lookup`` 501. Answers are computed by the query
    workers in the client's turn, like SPARQL queries (503 with Retry-After when the client's queue is full), and
    kept: the graph does not change under a running server.
    """
    raw = await request.body()  # bounded by the server's body limit; read, parsed and answered in a worker

    async def compute() -> bytes:  # in a query worker, in this client's turn (api.jobs)
        status, answer = await request.app.state.endpoint.job(jobs.trapi, raw, client=client_of(request),
                                                              timeout=request.app.state.settings.job_timeout)
        if status != 200:
            raise _Refused(status, answer)
        return answer

    try:
        key = ("trapi", hashlib.sha256(raw).hexdigest())
        answer = await request.app.state.trapi.get(key, compute, keep=lambda answer: b'"ResultsTruncated"' not in answer)
    except _Refused as exc:
        return Response(exc.body, status_code=exc.status, media_type="application/json")
    except (HeavyBusy, PoolBusy, QueryTimeout, WorkerDied, AnswerTooLarge, QueryFailed) as exc:
        status = 413 if isinstance(exc, AnswerTooLarge) else 500 if isinstance(exc, QueryFailed) else 503
        code = {413: "ResponseTooLarge", 500: "UnexpectedError"}.get(status, "ServiceUnavailable")
        retry = RETRY_AFTER.get(type(exc))
        # no echo of the query graph here: reading it back would be work on the event loop for a busy answer
        return JSONResponse(refusal(TRAPIError(status, code, str(exc)[:300])), status_code=status,
                            headers={"Retry-After": retry} if retry else None)
    return Response(answer, media_type="application/json")


class _Refused(Exception):
    """A TRAPI error response the worker made (status and body), answered as it is and never kept."""

    def __init__(self, status: int, body: bytes):
        super().__init__(status)
        self.status, self.body = status, body


@router.get("/meta_knowledge_graph")
async def meta_knowledge_graph(request: Request, kg: KG) -> Response:
    """Every (subject category, predicate, object category) the graph holds, with the qualifiers and attributes each
    offers and the id prefixes of each category; ``counts`` gives how many nodes and edges of each, and
    ``biolink_version`` the Biolink model (the packaged one) the mapping is checked against."""
    body = await request.app.state.trapi.get(("trapi-meta",), lambda: json.dumps(kg.trapi.meta_knowledge_graph()).encode())
    return Response(body, media_type="application/json")
