"""A quick look at the served graph, for ``oihkg summary`` and ``make run`` (:meth:`kg.OIHKG.summary`).

Two named queries over the store the graph is served from, embedded or remote: ``queries/graph-counts.rq`` (what the
curated graph holds) and ``queries/intervention-pathway-matrix.rq`` (which agents drive or inhibit which pathways).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.catalog import Catalog

__all__ = ["counts", "intervention_pathways"]

#: The columns of ``graph-counts`` and the keys :func:`counts` answers them under.
_KEYS = {"entities": "entities", "edges": "edges", "citations": "citations", "assertedTriples": "asserted_triples",
         "inferredTriples": "inferred_triples"}


def counts(catalog: Catalog) -> dict[str, int]:
    """Entities, evidence-backed edges, citations, asserted triples and inferred triples of the served graph."""
    row = catalog.query("graph-counts")[0]
    return {key: int(row.get(column) or 0) for column, key in _KEYS.items()}


def intervention_pathways(catalog: Catalog) -> list[dict[str, object]]:
    """Rows of the ``intervention-pathway-matrix`` query: each agent with a pathway it drives or inhibits, whether the
    reasoner inferred it, and the defined classes the reasoner put the agent in."""
    return [{"intervention": str(r["interventionLabel"]), "pathway": f"{r['direction']} {r['pathwayLabel']}",
             "inferred": bool(r.get("inferred")), "classes": str(r.get("classes") or "")}
            for r in catalog.query("intervention-pathway-matrix")]
