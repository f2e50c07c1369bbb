"""Export the served graph in the formats users load: OWL, Turtle, JSON-LD, KGX, GraphML, Cytoscape JSON, CX2.

This module owns the export formats: :data:`FORMATS` is the writers table
(name, media type, extension and the function that writes it), so an unknown
format is an error, never a silent default. Every writer takes a
:class:`kg.catalog.Catalog`. RDF formats are built from the store (so an export
of a remote endpoint reflects that endpoint); KGX is the Biolink TSV pair
(``nodes.tsv``, ``edges.tsv``, and the support graphs) in a zip, written from the
same :class:`kg.biolink.BiolinkGraph` TRAPI answers from, so the two never
disagree; GraphML, Cytoscape JSON and CX2 (through ``ndex2``, with the map's
colours as its style) come from a networkx graph of the evidence-backed and
inferred edges.

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
kg.export.UnknownFormat: unknown export format 'csv'; known: owl, ttl, jsonld, kgx, graphml, cytoscape, cx2
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

from kg import biolink, vocab

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


def _categories(node: str, card: dict) -> tuple[str, str]:
    """The Biolink category (by class and id prefix, as TRAPI says it) and the map category of an entity."""
    try:
        term = vocab.entity_class(card.get("types", []))
    except KeyError:  # an entity of a foreign graph behind a remote endpoint: Biolink's root, said as such
        return "biolink:NamedThing", "other"
    return biolink.node_category(term, node), term.map_category


def to_networkx(catalog: Catalog) -> nx.MultiDiGraph:
    """A MultiDiGraph of every evidence-backed edge and every inferred causal or targeting edge.

    Nodes carry ``label``, ``category`` (Biolink), ``map_category`` and ``types``; edges ``predicate``,
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
        g.nodes[node]["category"], g.nodes[node]["map_category"] = _categories(node, card)
    return g


#: Columns of the KGX edges file: the Biolink edge of :class:`kg.biolink.Edge`, qualifiers and evidence included
#: (``sign`` from subject to object, left empty on an edge said the other way round).
KGX_EDGE_COLUMNS = ("id", "subject", "predicate", "object", "qualified_predicate", "object_aspect_qualifier",
                    "object_direction_qualifier", "causal_mechanism_qualifier", "temporal_context_qualifier",
                    "disease_context_qualifier", "original_predicate", "knowledge_level",
                    "agent_type", "primary_knowledge_source", "publications", "has_evidence", "supporting_text", "sign",
                    "context", "via", "support_graphs")
#: Columns of the KGX nodes file.
KGX_NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "provided_by")


def _kgx(catalog: Catalog) -> bytes:
    """The KGX TSV pair (``nodes.tsv``, ``edges.tsv``) of the Biolink graph TRAPI answers from, and the support graphs
    (``support_graphs.tsv``: graph id, edge id), zipped; multivalued fields are ``|``-separated."""
    g = biolink.BiolinkGraph.from_catalog(catalog)
    nodes = io.StringIO()
    w = csv.writer(nodes, delimiter="\t", lineterminator="\n")
    w.writerow(KGX_NODE_COLUMNS)
    used = {n for e in g.edges.values() for n in (e.subject, e.object)} | set(g.nodes)
    for nid in sorted(used):
        n = g.node(nid)
        w.writerow([n.id, n.category, n.name, n.definition or "", "|".join(n.synonyms), "|".join(n.xrefs), biolink.INFORES])
    edges = io.StringIO()
    w = csv.writer(edges, delimiter="\t", lineterminator="\n")
    w.writerow(KGX_EDGE_COLUMNS)
    for e in sorted(g.edges.values(), key=lambda e: (e.subject, e.predicate, e.object, e.id)):
        q = {t.split(":", 1)[1]: v for t, v in e.qualifiers}
        w.writerow([e.id, e.subject, e.predicate, e.object, q.get("qualified_predicate", ""), q.get("object_aspect_qualifier", ""),
                    q.get("object_direction_qualifier", ""), q.get("causal_mechanism_qualifier", ""),
                    q.get("temporal_context_qualifier", ""), q.get("disease_context_qualifier", ""), e.relation,
                    e.knowledge_level, e.agent_type, biolink.INFORES, "|".join(e.publications), e.evidence_type, e.quote,
                    e.said_sign or "", e.context or "", e.via or "", e.support or ""])
    support = io.StringIO()
    w = csv.writer(support, delimiter="\t", lineterminator="\n")
    w.writerow(("support_graph", "edge"))
    for aux, body in sorted(g.aux.items()):
        for eid in body["edges"]:
            w.writerow((aux, eid))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("nodes.tsv", nodes.getvalue())
        z.writestr("edges.tsv", edges.getvalue())
        z.writestr("support_graphs.tsv", support.getvalue())
    return buf.getvalue()


def _cx2(catalog: Catalog) -> bytes:
    """CX2 (Cytoscape and NDEx) of :func:`to_networkx`, written by ``ndex2``'s networkx factory, with the map's colours
    and shapes as the visual style (node fill and shape by ``map_category``, edge colour by ``sign``, dashed when
    ``inferred``)."""
    from ndex2.cx2 import NetworkXToCX2NetworkFactory

    g = to_networkx(catalog)
    flat = nx.MultiDiGraph(name="oihkg — opioid-induced hyperalgesia mechanisms")
    flat.add_nodes_from(g.nodes(data=True))
    flat.add_edges_from((u, v, {**d, "interaction": d["predicate_label"]}) for u, v, d in g.edges(data=True))
    net = NetworkXToCX2NetworkFactory().get_cx2network(flat)
    net.add_network_attribute("description", "Mechanisms of opioid-induced hyperalgesia from the oihkg knowledge graph; "
                                             "edges carry their sign, citations, quote and whether the reasoner inferred them.")
    net.set_visual_properties(_cx2_style())
    return json.dumps(net.to_cx2(), ensure_ascii=False).encode("utf-8")


_CX2_SHAPES = {"diamond": "diamond", "dot": "ellipse", "hexagon": "hexagon", "square": "rectangle", "ellipse": "ellipse",
               "star": "octagon", "triangleDown": "v", "triangle": "triangle", "box": "round-rectangle"}


def _cx2_style() -> dict:
    """The CX2 visual properties: the mechanism map's colour and shape per category, labels from ``label``."""
    cats = vocab.MAP_CATEGORIES
    return {
        "default": {
            "network": {"NETWORK_BACKGROUND_COLOR": "#FFFFFF"},
            "node": {"NODE_FILL_COLOR": cats["other"].colour, "NODE_SHAPE": "ellipse", "NODE_WIDTH": 40, "NODE_HEIGHT": 40,
                     "NODE_LABEL_FONT_SIZE": 11},
            "edge": {"EDGE_LINE_COLOR": "#999999", "EDGE_TARGET_ARROW_SHAPE": "triangle", "EDGE_WIDTH": 1.5},
        },
        "nodeMapping": {
            "NODE_LABEL": {"type": "PASSTHROUGH", "definition": {"attribute": "label", "type": "string"}},
            "NODE_FILL_COLOR": {"type": "DISCRETE", "definition": {"attribute": "map_category", "type": "string", "map": [
                {"v": k, "vp": s.colour} for k, s in cats.items()]}},
            "NODE_SHAPE": {"type": "DISCRETE", "definition": {"attribute": "map_category", "type": "string", "map": [
                {"v": k, "vp": _CX2_SHAPES.get(s.shape, "ellipse")} for k, s in cats.items()]}},
        },
        "edgeMapping": {
            "EDGE_LINE_COLOR": {"type": "DISCRETE", "definition": {"attribute": "sign", "type": "integer", "map": [
                {"v": 1, "vp": "#d62728"}, {"v": -1, "vp": "#1f77b4"}]}},
            "EDGE_TARGET_ARROW_SHAPE": {"type": "DISCRETE", "definition": {"attribute": "sign", "type": "integer", "map": [
                {"v": 1, "vp": "triangle"}, {"v": -1, "vp": "tee"}]}},
            "EDGE_LINE_STYLE": {"type": "DISCRETE", "definition": {"attribute": "inferred", "type": "boolean", "map": [
                {"v": True, "vp": "dash"}, {"v": False, "vp": "solid"}]}},
        },
    }


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
        Format("cx2", "application/json", ".cx2", _cx2),
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
