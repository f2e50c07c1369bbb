"""GET /queries, /queries/{name}."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from api.deps import KG
from api.routers.entities import ERRORS
from api.schemas import QueryInfo, QueryResult

router = APIRouter(tags=["queries"])


@router.get("/queries", response_model=list[QueryInfo])
def list_queries(kg: KG) -> list[dict]:
    """The named competency queries, with their parameters and returned columns."""
    return [q.as_dict() for q in kg.queries.values()]


@router.get("/queries/{name}", response_model=QueryResult, responses={**ERRORS, 422: {"description": "missing or unknown parameter"}})
def run_query(kg: KG, name: str, request: Request) -> dict:
    """Run a named query; its parameters come as query-string values (entities by CURIE, IRI, label or synonym)."""
    if name not in kg.queries:
        raise HTTPException(404, f"no named query {name!r}; see GET /queries")
    params = dict(request.query_params)
    try:
        rows = kg.query(name, **params)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"name": name, "params": params, "rows": rows}
