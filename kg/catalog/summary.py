"""A quick look at the built and reasoned graph, for ``oihkg summary`` and ``make run``.

Reads the release artifacts into an rdflib dataset with the asserted and the
inferred triples in their own named graphs, and runs the named query
``queries/intervention-pathway-matrix.rq`` over it.
"""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS

from kg import schema
from kg.config import Paths
from kg.config import queries_dir as project_queries
from kg.config import shipped_queries_dir

__all__ = ["load_dataset", "counts", "intervention_pathways"]


def load_dataset(paths: Paths) -> rdflib.Dataset:
    """Load ``oih.ttl`` and ``oih-inferred.ttl`` into their named graphs (default graph = union)."""
    ds = rdflib.Dataset(default_union=True)
    ds.graph(schema.GRAPH_ASSERTED).parse(paths.ttl, format="turtle")
    if paths.inferred.is_file():
        ds.graph(schema.GRAPH_INFERRED).parse(paths.inferred, format="turtle")
    return ds


def counts(paths: Paths) -> dict[str, int]:
    """Entities, evidence-backed edges, citations and triples of the artifacts."""
    ds = load_dataset(paths)
    asserted = ds.graph(schema.GRAPH_ASSERTED)
    inferred = ds.graph(schema.GRAPH_INFERRED)
    individuals = set(asserted.subjects(RDF.type, OWL.NamedIndividual))
    entities = {s for s in individuals if (s, schema.OBOINOWL.id, None) in asserted}
    return {
        "entities": len(entities),
        # a drug class's statements are also kept as class axioms: count each statement once
        "edges": sum(1 for ax in set(asserted.subjects(RDF.type, OWL.Axiom)) if asserted.value(ax, OWL.annotatedProperty) != RDFS.subClassOf)
        + len(set(asserted.subjects(RDF.type, schema.OIH.QualifiedStatement))),
        "citations": len(set(asserted.subjects(RDF.type, schema.OIH.Citation))),
        "asserted_triples": len(asserted),
        "inferred_triples": len(set(inferred.subjects(RDF.type, schema.OIH.Inference))),
    }


def intervention_pathways(paths: Paths, queries_dir: Path | None = None) -> list[dict[str, object]]:
    """Rows of the ``intervention-pathway-matrix`` query, as dicts of plain values."""
    path = (queries_dir or project_queries()) / "intervention-pathway-matrix.rq"
    if not path.is_file() and queries_dir is None:  # a project without its own copy: the one shipped with the code
        path = shipped_queries_dir() / path.name
    text = path.read_text(encoding="utf-8")
    rows = []
    for r in load_dataset(paths).query(text):
        rows.append(
            {
                "intervention": str(r.interventionLabel),
                "pathway": f"{r.direction} {r.pathwayLabel}",
                "inferred": bool(r.inferred.toPython()) if r.inferred is not None else False,
                "classes": str(r.classes or ""),
            }
        )
    return rows
