"""GET /search, /entities/{id}, /edges."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import KG
from api.schemas import ENTITY_EXAMPLES, SEARCH_EXAMPLES, Edge, Entity, Problem, SearchHit

router = APIRouter(tags=["entities"])
ERRORS = {404: {"model": Problem, "description": "no entity has that id, label or synonym"},
          409: {"model": Problem, "description": "the name fits several entities; candidates listed"}}


@router.get("/search", response_model=list[SearchHit])
def search(kg: KG, q: Annotated[str, Query(min_length=1, max_length=200, description="text in a label, synonym or id",
                                           openapi_examples=SEARCH_EXAMPLES)],
           limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[dict]:
    """Entities whose label, synonym or CURIE contains ``q`` (case-insensitive), exact matches first."""
    return kg.search(q, limit)


@router.get("/entities/{id:path}", response_model=Entity, responses=ERRORS)
def entity(kg: KG, id: Annotated[str, Path(openapi_examples=ENTITY_EXAMPLES)]) -> dict:
    """One entity by CURIE, IRI, label or synonym, with its edges in and out and their evidence."""
    return kg.entity(id)


@router.get("/edges", response_model=list[Edge], responses=ERRORS)
def edges(kg: KG, subject: str | None = None, predicate: str | None = None, object: str | None = None,
          inferred: bool | None = None) -> list[dict]:
    """Edges with sign and evidence, filtered by subject/object (any entity name), predicate (CURIE or IRI), inferred."""
    return kg.edges(subject=subject, predicate=predicate, object=object, inferred=inferred)
