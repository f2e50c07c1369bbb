"""GET /interventions, /interventions/{id}/pathways, /pathways, /pathways/{id}/interventions."""

from __future__ import annotations

import json

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import KG
from api.routers.entities import ERRORS
from api.schemas import INTERVENTION_EXAMPLES, PATHWAY_EXAMPLES, Intervention, InterventionLink, Pathway, PathwayLink
from kg import evidence_strength

router = APIRouter(tags=["interventions"])

Context = Annotated[str | None, Query(max_length=300, description="Only links that hold in this context (acute, chronic "
                                      "exposure, OIH, tolerance); default: every link, each with the context it holds in.")]


@router.get("/interventions", response_model=list[Intervention])
def interventions(kg: KG) -> list[dict]:
    """Every intervention or agent with what it acts on and the pathways it targets (reasoned)."""
    return kg.interventions()


@router.get("/interventions/{id:path}/pathways", response_model=list[PathwayLink], responses=ERRORS)
def intervention_pathways(kg: KG, id: Annotated[str, Path(openapi_examples=INTERVENTION_EXAMPLES)],
                          context: Context = None) -> list[dict]:
    """Pathways an agent or clinical action drives or inhibits, each with the context it holds in (none: every context),
    whether it was inferred and the reasoner's explanation."""
    rows = kg.query_in_context("pathways-for-intervention", context, intervention=id)
    return [{"pathway": r["pathway"], "label": r["pathwayLabel"], "direction": r["direction"], "context": r.get("context"),
             "inferred": r["inferred"], "rule": r.get("rule"),
             "weakest_evidence": evidence_strength(r["weakestEvidence"])[1] if r.get("weakestEvidence") else None,
             "explanation": json.loads(r["explanation"]) if r.get("explanation") else None} for r in rows]


@router.get("/pathways", response_model=list[Pathway])
def pathways(kg: KG) -> list[dict]:
    """Every pathway, with whether the reasoner classifies it pronociceptive and/or analgesic."""
    return [{"id": r["pathway"], "label": r["pathwayLabel"], "pronociceptive": r["pronociceptive"],
             "analgesic": r["analgesic"]} for r in kg.query("pathway-classes")]


@router.get("/pathways/{id:path}/interventions", response_model=list[InterventionLink], responses=ERRORS)
def pathway_interventions(kg: KG, id: Annotated[str, Path(openapi_examples=PATHWAY_EXAMPLES)],
                          context: Context = None) -> list[dict]:
    """Agents and clinical actions that drive or inhibit a pathway (asserted or inferred), each with the context it holds in."""
    rows = kg.query_in_context("interventions-for-pathway", context, pathway=id)
    return [{"intervention": r["intervention"], "label": r["interventionLabel"], "direction": r["direction"],
             "context": r.get("context"), "inferred": r["inferred"]} for r in rows]
