"""GET /queries, /queries/{name}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request

from api.deps import KG
from api.routers.entities import ERRORS
from api.schemas import QUERY_NAME_EXAMPLES, QueryInfo, QueryResult
from kg.errors import ResultTooLarge

router = APIRouter(tags=["queries"])


@router.get("/queries", response_model=list[QueryInfo])
def list_queries(kg: KG) -> list[dict]:
    """The named competency queries, with their parameters and returned columns."""
    return [q.as_dict() for q in kg.queries.values()]


@router.get("/queries/{name}", response_model=QueryResult, responses={
    **ERRORS, 413: {"description": "more rows than the server's result limit"},
    422: {"description": "missing or unknown parameter"}})
def run_query(kg: KG, name: Annotated[str, Path(openapi_examples=QUERY_NAME_EXAMPLES)], request: Request) -> dict:
    """Run a named query; its parameters come as query-string values (entities by CURIE, IRI, label or synonym)."""
    if name not in kg.queries:
        raise HTTPException(404, f"no named query {name!r}; see GET /queries")
    params = dict(request.query_params)
    limit = request.app.state.settings.result_limit
    try:
        rows = kg.run_query(name, params, limit)
    except ResultTooLarge:
        raise HTTPException(413, f"{name} has more than {limit} rows here (a graph merged in is large): ask /sparql "
                                 "for pages with LIMIT and OFFSET") from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"name": name, "params": params, "rows": rows}
