"""Export the served graph in the formats users load: OWL, Turtle, JSON-LD, KGX, GraphML, Cytoscape.

This module owns the export formats: :data:`FORMATS` is the writers table
(name, media type, extension and the function that writes it), so an unknown
format is an error, never a silent default. Every writer takes a
:class:`kg.catalog.Catalog`. RDF formats are built from the store (so an export
of a remote endpoint reflects that endpoint); KGX is the Biolink TSV pair
(``nodes.tsv``, ``edges.tsv``) in a zip; GraphML and Cytoscape JSON come from a
networkx graph of the evidence-backed and inferred edges. Biolink categories
and predicates come from the mapping table of :mod:`kg.vocab`.

Examples
--------
>>> from kg.catalog import Catalog
>>> from kg.store import open_store
>>> data = export(Catalog(open_store()), "ttl")
>>> b"ketamine" in data
True
>>> export(Catalog(open_store()), "csv")
Traceback (most recent call last):
...
kg.export.UnknownFormat: unknown export format 'csv'; known: owl, ttl, jsonld, kgx, graphml, cytoscape
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import rdflib

from kg import vocab

if TYPE_CHECKING:
    from kg.catalog import Catalog

__all__ = ["FORMATS", "Format", "UnknownFormat", "export", "to_networkx"]


class UnknownFormat(KeyError):
    """An export format this module has no writer for; the message names the known ones."""

    def __str__(self) -> str:
        return str(self.args[0])


def _rdf(catalog: Catalog) -> rdflib.Graph:
    g = rdflib.Graph()
    for prefix, ns in (("oih", vocab.OIH), ("obo", vocab.OBO), ("oboInOwl", vocab.OBOINOWL), ("skos", vocab.SKOS)):
        g.bind(prefix, ns)
    nt = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in catalog.triples())
    g.parse(data=nt, format="nt")
    return g


def _category(card: dict) -> str:
    try:
        return vocab.biolink_category(card.get("types", []))
    except KeyError:  # an entity of a foreign graph behind a remote endpoint: Biolink's root, said as such
        return "biolink:NamedThing"


def to_networkx(catalog: Catalog) -> nx.MultiDiGraph:
    """A MultiDiGraph of every evidence-backed edge and every inferred causal or targeting edge.

    Nodes carry ``label``, ``category`` and ``types``; edges ``predicate``,
    ``sign`` (0 when unknown), ``inferred``, ``citations`` (space-separated),
    ``quote`` and ``evidence_type``. Attribute values are scalars so the graph
    writes to GraphML as is.
    """
    g = nx.MultiDiGraph(name="oihkg")
    for row in catalog.edges():
        for end, label in ((row["subject"], row["subjectLabel"]), (row["object"], row["objectLabel"])):
            if end not in g:
                g.add_node(end, label=label)
        g.add_edge(
            row["subject"], row["object"], key=f"{row['predicate']}{'|inferred' if row['inferred'] else ''}",
            predicate=row["predicate"], predicate_label=row["predicateLabel"], sign=int(row.get("sign") or 0),
            inferred=bool(row["inferred"]), citations=" ".join(row["citations"]), quote=row.get("quote") or "",
            evidence_type=row.get("evidenceType") or "",
        )
    cards = {c["id"]: c for c in catalog.cards().values()}
    for node in g.nodes:
        card = cards.get(node, {})
        g.nodes[node]["types"] = " ".join(card.get("types", []))
        g.nodes[node]["category"] = _category(card)
    return g


_DIRECTED = {"biolink:affects", "biolink:regulates"}


def _kgx(catalog: Catalog) -> bytes:
    g = to_networkx(catalog)
    cards = {c["id"]: c for c in catalog.cards().values()}
    nodes = io.StringIO()
    w = csv.writer(nodes, delimiter="\t", lineterminator="\n")
    w.writerow(["id", "category", "name", "description", "synonym", "xref", "provided_by"])
    for node, data in sorted(g.nodes(data=True)):
        card = cards.get(node, {})
        w.writerow([node, data["category"], data.get("label", ""), card.get("definition") or "",
                    "|".join(card.get("synonyms", [])), "|".join(card.get("xrefs", [])), "infores:oihkg"])
    edges = io.StringIO()
    w = csv.writer(edges, delimiter="\t", lineterminator="\n")
    w.writerow(["id", "subject", "predicate", "object", "relation", "object_direction_qualifier", "knowledge_level",
                "agent_type", "publications", "primary_knowledge_source", "sign", "quote"])
    for i, (s, o, data) in enumerate(sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1]))):
        predicate = vocab.biolink_predicate(data["predicate"])
        # a direction qualifies only the predicates that say "changes": affects and regulates
        direction = {1: "increased", -1: "decreased"}.get(data["sign"], "") if predicate in _DIRECTED else ""
        inferred = data["inferred"]
        w.writerow([
            f"oihkg:edge/{i}", s, predicate, o, data["predicate"],
            direction, "logical_entailment" if inferred else "knowledge_assertion",
            "automated_agent" if inferred else "manual_agent",
            "|".join(f"problem_id:{c}" for c in data["citations"].split()), "infores:oihkg", data["sign"], data["quote"],
        ])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("nodes.tsv", nodes.getvalue())
        z.writestr("edges.tsv", edges.getvalue())
    return buf.getvalue()


@dataclass(frozen=True)
class Format:
    """An export format: its name, media type, file extension and writer (catalog → bytes)."""

    name: str
    media_type: str
    extension: str
    write: Callable[..., bytes]


#: The writers table: every format :func:`export` knows.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("owl", "application/rdf+xml", ".owl", lambda c: _rdf(c).serialize(format="xml").encode("utf-8")),
        Format("ttl", "text/turtle", ".ttl", lambda c: _rdf(c).serialize(format="turtle").encode("utf-8")),
        Format("jsonld", "application/ld+json", ".jsonld",
               lambda c: _rdf(c).serialize(format="json-ld", auto_compact=True).encode("utf-8")),
        Format("kgx", "application/zip", ".kgx.zip", _kgx),
        Format("graphml", "application/graphml+xml", ".graphml",
               lambda c: "\n".join(nx.generate_graphml(to_networkx(c))).encode("utf-8")),
        Format("cytoscape", "application/json", ".cyjs",
               lambda c: json.dumps(nx.cytoscape_data(to_networkx(c)), ensure_ascii=False).encode("utf-8")),
    )
}


def export(catalog: Catalog, fmt: str) -> bytes:
    """The served graph in format ``fmt`` (a key of :data:`FORMATS`) as bytes.

    Raises
    ------
    UnknownFormat
        For a format with no writer, naming the known ones.
    """
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    return FORMATS[fmt].write(catalog)
