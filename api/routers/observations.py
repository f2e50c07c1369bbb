"""GET /observations: the text's claims checked against the served graph."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from api.deps import KG
from api.schemas import ObservationReport

router = APIRouter(tags=["observations"])


@router.get("/observations", response_model=ObservationReport)
def observations(kg: KG, status: Annotated[Literal["holds", "contradicted", "error"] | None,
                                           Query(description="keep only the observations with this status")] = None) -> dict:
    """Each qualitative statement of the source text, as an expected path, perturbation, fact, class or simulator
    outcome, checked against the graph: ``holds`` or ``contradicted``, with the path, effect, derivation or values
    that decide it. Negative expectations (``negative: true``) hold when the model does *not* say them."""
    from kg.errors import BuildError

    try:
        report = kg.check().as_dict()
    except BuildError as exc:
        raise HTTPException(503, f"the observations of the source text could not be read: {exc}") from None
    if status is not None:
        report["results"] = [r for r in report["results"] if r["status"] == status]
    return report
