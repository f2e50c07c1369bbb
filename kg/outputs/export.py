"""Export the served graph in the formats users load: OWL, Turtle, JSON-LD, KGX, GraphML, Cytoscape JSON, CX2.

This module owns the export formats: :data:`FORMATS` is the writers table
(name, media type, extension and the function that writes it), so an unknown
format is an error, never a silent default. Every writer takes a
:class:`kg.catalog.Catalog`. RDF formats are built from the store (so an export
of a remote endpoint reflects that endpoint); KGX is the Biolink TSV pair
(``nodes.tsv``, ``edges.tsv``, and the support graphs) in a zip, written from the
same :class:`kg.translator.biolink.BiolinkGraph` TRAPI answers from, so the two never
disagree; GraphML, Cytoscape JSON and CX2 (through ``ndex2``, with the map's
colours as its style) come from a networkx graph of the same rows
(:func:`to_networkx`), so they carry the KGX export's nodes and edges.

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
kg.errors.UnknownFormat: unknown export format 'csv'; known: owl, ttl, jsonld, kgx, graphml, cytoscape, cx2
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

from kg.translator import biolink
from kg import schema
from kg.errors import UnknownFormat

if TYPE_CHECKING:
    from kg.catalog import Catalog

__all__ = ["FORMATS", "Format", "UnknownFormat", "export", "to_networkx"]


def _rdf(catalog: Catalog) -> rdflib.Graph:
    g = rdflib.Graph()
    for prefix, ns in (("oih", schema.OIH), ("obo", schema.OBO), ("oboInOwl", schema.OBOINOWL), ("skos", schema.SKOS)):
        g.bind(prefix, ns)
    nt = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in catalog.triples())
    g.parse(data=nt, format="nt")
    return g


def _map_category(card: dict) -> str:
    """The map category of an entity (``other`` for one of a foreign graph behind a remote endpoint)."""
    try:
        return schema.entity_class(card.get("types", [])).map_category
    except KeyError:
        return "other"


#: Columns of the KGX edges file: the Biolink edge of :class:`kg.translator.biolink.Edge`, qualifiers and evidence included
#: (``sign`` from subject to object, left empty on an edge said the other way round).
KGX_EDGE_COLUMNS = ("id", "subject", "predicate", "object", "qualified_predicate", "object_aspect_qualifier",
                    "object_direction_qualifier", "causal_mechanism_qualifier", "temporal_context_qualifier",
                    "disease_context_qualifier", "original_predicate", "knowledge_level",
                    "agent_type", "primary_knowledge_source", "publications", "has_evidence", "supporting_text", "sign",
                    "context", "via", "support_graphs")
#: Columns of the KGX nodes file.
KGX_NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "provided_by")


def _kgx_rows(g: biolink.BiolinkGraph) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    """The rows of the KGX files (by column; multivalued fields ``|``-separated): nodes (every entity and every
    edge's ends), edges, and the support graphs' (graph id, edge id) pairs; each sorted."""
    used = {n for e in g.edges.values() for n in (e.subject, e.object)} | set(g.nodes)
    nodes = [dict(zip(KGX_NODE_COLUMNS, (n.id, n.category, n.name, n.definition or "", "|".join(n.synonyms),
                                         "|".join(n.xrefs), biolink.INFORES)))
             for n in map(g.node, sorted(used))]
    edges = []
    for e in sorted(g.edges.values(), key=lambda e: (e.subject, e.predicate, e.object, e.id)):
        q = {t.split(":", 1)[1]: v for t, v in e.qualifiers}
        edges.append(dict(zip(KGX_EDGE_COLUMNS, (
            e.id, e.subject, e.predicate, e.object, q.get("qualified_predicate", ""), q.get("object_aspect_qualifier", ""),
            q.get("object_direction_qualifier", ""), q.get("causal_mechanism_qualifier", ""),
            q.get("temporal_context_qualifier", ""), q.get("disease_context_qualifier", ""), e.relation,
            e.knowledge_level, e.agent_type, biolink.INFORES, "|".join(e.publications), e.evidence_type, e.quote,
            e.said_sign or "", e.context or "", e.via or "", e.support or ""))))
    support = [(aux, eid) for aux, body in sorted(g.aux.items()) for eid in body["edges"]]
    return nodes, edges, support


def to_networkx(catalog: Catalog) -> nx.MultiDiGraph:
    """The KGX export as a MultiDiGraph: the same nodes and edges (edge keys are the KGX edge ids), for GraphML,
    Cytoscape JSON and CX2.

    Nodes carry the KGX node columns (``name`` as ``label``) and ``map_category`` and ``types``; edges the KGX edge
    columns (``sign`` an integer, 0 where the KGX file leaves it empty), ``inferred``, ``citations`` (the problem ids,
    space-separated), ``original_predicate_label`` and ``premise_of`` (the support graphs that list the edge, ``|``-separated: the KGX
    ``support_graphs.tsv``). Attribute values are scalars so the graph writes to GraphML as is.
    """
    g = biolink.BiolinkGraph.from_catalog(catalog)
    nodes, edges, support = _kgx_rows(g)
    cards = {c["id"]: c for c in catalog.cards().values()}
    premise_of: dict[str, list[str]] = {}
    for aux, eid in support:
        premise_of.setdefault(eid, []).append(aux)
    out = nx.MultiDiGraph(name="oihkg")
    for row in nodes:
        card = cards.get(row["id"], {})
        out.add_node(row["id"], label=row["name"], **{k: v for k, v in row.items() if k not in ("id", "name")},
                     map_category=_map_category(card), types=" ".join(card.get("types", [])))
    for row in edges:
        e = g.edges[row["id"]]
        out.add_edge(row["subject"], row["object"], key=row["id"], **{k: v for k, v in row.items() if k not in ("id", "subject", "object")}
                     | {"sign": int(row["sign"] or 0), "inferred": e.inferred, "citations": " ".join(e.citations),
                        "original_predicate_label": e.relation_label, "premise_of": "|".join(premise_of.get(e.id, []))})
    return out


def _kgx(catalog: Catalog) -> bytes:
    """The KGX TSV pair (``nodes.tsv``, ``edges.tsv``) of the Biolink graph TRAPI answers from, and the support graphs
    (``support_graphs.tsv``: graph id, edge id), zipped; multivalued fields are ``|``-separated."""
    nodes, edges, support = _kgx_rows(biolink.BiolinkGraph.from_catalog(catalog))
    files = {}
    for name, header, rows in (("nodes.tsv", KGX_NODE_COLUMNS, [[r[c] for c in KGX_NODE_COLUMNS] for r in nodes]),
                               ("edges.tsv", KGX_EDGE_COLUMNS, [[r[c] for c in KGX_EDGE_COLUMNS] for r in edges]),
                               ("support_graphs.tsv", ("support_graph", "edge"), support)):
        text = io.StringIO()
        w = csv.writer(text, delimiter="\t", lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        files[name] = text.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def _cx2(catalog: Catalog) -> bytes:
    """CX2 (Cytoscape and NDEx) of :func:`to_networkx` (the KGX export's nodes and edges), written by ``ndex2``'s
    networkx factory: a node's ``name`` is its KGX id, an edge's ``edge_id`` its KGX id and ``interaction`` its RO
    predicate's label; the map's colours and shapes are the visual style (node fill and shape by ``map_category``, edge
    colour by ``sign``, dashed when ``inferred``)."""
    from ndex2.cx2 import NetworkXToCX2NetworkFactory

    g = to_networkx(catalog)
    flat = nx.MultiDiGraph(name="oihkg — opioid-induced hyperalgesia mechanisms")
    flat.add_nodes_from(g.nodes(data=True))
    flat.add_edges_from((u, v, {"edge_id": k, **d, "interaction": d["original_predicate_label"]})
                        for u, v, k, d in g.edges(keys=True, data=True))
    net = NetworkXToCX2NetworkFactory().get_cx2network(flat)
    net.add_network_attribute("description", "Mechanisms of opioid-induced hyperalgesia from the oihkg knowledge graph: the "
                                             "nodes and edges of its KGX export, in Biolink; edges carry their sign, "
                                             "citations, quote and whether the reasoner inferred them.")
    net.set_visual_properties(_cx2_style())
    return json.dumps(net.to_cx2(), ensure_ascii=False).encode("utf-8")


_CX2_SHAPES = {"diamond": "diamond", "dot": "ellipse", "hexagon": "hexagon", "square": "rectangle", "ellipse": "ellipse",
               "star": "octagon", "triangleDown": "v", "triangle": "triangle", "box": "round-rectangle"}


def _cx2_style() -> dict:
    """The CX2 visual properties: the mechanism map's colour and shape per category, labels from ``label``."""
    cats = schema.MAP_CATEGORIES
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
