"""GET, POST /sparql: the SPARQL 1.1 Protocol, read-only, with content negotiation and a query deadline."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response

from api import errors
from api.deps import Pool
from kg.sparql import service_description

router = APIRouter(tags=["sparql"])
log = logging.getLogger("oihkg.sparql")

RESPONSES = {
    200: {"description": "results (JSON, XML, CSV, TSV) or a graph (Turtle, N-Triples, RDF/XML, JSON-LD); "
                         "a service description in Turtle without a query",
          "content": {m: {} for m in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                      "text/tab-separated-values", "text/turtle", "application/n-triples",
                                      "application/rdf+xml", "application/ld+json")}},
    400: {"description": "malformed SPARQL: the parser's message"},
    403: {"description": "updates are refused: the endpoint is read-only"},
    406: {"description": "no acceptable result format"},
    413: {"description": "the result is larger than the configured row limit"},
    500: {"description": "the query failed while running"},
    502: {"description": "the SPARQL endpoint behind this server failed"},
    503: {"description": "the query ran longer than the configured timeout and was stopped, its worker died, or every "
                         "worker stayed busy (with Retry-After)"},
    504: {"description": "the SPARQL endpoint behind this server did not answer in time"},
}



async def _run(request: Request, pool: Pool, query: str, accept: str | None, dg: list[str], ng: list[str]) -> Response:
    settings = request.app.state.settings
    client = request.client.host if request.client else None
    try:
        ans = await asyncio.to_thread(pool.submit, query, accept, dg or None, ng or None, settings.result_limit,
                                      tuple(settings.allow_service), client=client)
    except tuple(errors.STATUS):
        raise  # answered by the app's handlers (api.errors)
    except Exception:  # noqa: BLE001 - an untyped failure: logged, and answered in the API's error shape
        log.exception("SPARQL query failed")
        raise HTTPException(500, "the query failed inside the server") from None
    return Response(ans.body, media_type=ans.media_type)


def _refuse_update() -> None:
    raise HTTPException(403, "this SPARQL endpoint is read-only; updates are refused")


@router.get("/sparql", response_class=Response, responses=RESPONSES)
async def sparql_get(
    request: Request, pool: Pool,
    query: Annotated[str | None, Query(description="the SPARQL query")] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    update: Annotated[str | None, Query(description="refused")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Query by GET; without ``query``, the service description."""
    if update is not None:
        _refuse_update()
    if query is None:
        return Response(service_description(str(request.url_for("sparql_get"))), media_type="text/turtle")
    return await _run(request, pool, query, accept, default_graph_uri or [], named_graph_uri or [])


@router.post("/sparql", response_class=Response, responses=RESPONSES, openapi_extra={
    "requestBody": {"content": {
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "query": {"type": "string"}, "default-graph-uri": {"type": "string"}, "named-graph-uri": {"type": "string"}}}},
    }}})
async def sparql_post(
    request: Request, pool: Pool,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    accept: Annotated[str | None, Header()] = None,
    content_type: Annotated[str | None, Header()] = None,
) -> Response:
    """Query by POST, form-encoded (``query=``) or directly (``application/sparql-query``); updates are refused."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    body = (await request.body()).decode("utf-8", errors="replace")
    dg, ng = list(default_graph_uri or []), list(named_graph_uri or [])
    if ctype == "application/sparql-update":
        _refuse_update()
    if ctype == "application/sparql-query":
        query = body
    elif ctype == "application/x-www-form-urlencoded":
        form = parse_qs(body, keep_blank_values=True)
        if "update" in form:
            _refuse_update()
        if "query" not in form:
            raise HTTPException(400, "the form has no 'query' field")
        query = form["query"][0]
        dg += form.get("default-graph-uri", [])
        ng += form.get("named-graph-uri", [])
    else:
        raise HTTPException(415, "POST application/sparql-query or application/x-www-form-urlencoded")
    return await _run(request, pool, query, accept, dg, ng)
