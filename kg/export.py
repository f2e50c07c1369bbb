"""Export the served graph in the formats users load: OWL, Turtle, JSON-LD, KGX, GraphML, Cytoscape.

RDF formats are built from the store (so an export of a remote endpoint
reflects that endpoint); KGX is the Biolink TSV pair (``nodes.tsv``,
``edges.tsv``) in a zip; GraphML and Cytoscape JSON come from a networkx
graph of the evidence-backed and inferred edges.

Examples
--------
>>> from kg import OIHKG
>>> data = export(OIHKG.open(), "ttl")
>>> b"ketamine" in data
True
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass

import networkx as nx
import rdflib

from kg import vocab

__all__ = ["FORMATS", "Format", "export", "to_networkx", "BIOLINK_PREDICATES"]


@dataclass(frozen=True)
class Format:
    """An export format: its media type and file extension."""

    name: str
    media_type: str
    extension: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("owl", "application/rdf+xml", ".owl"),
        Format("ttl", "text/turtle", ".ttl"),
        Format("jsonld", "application/ld+json", ".jsonld"),
        Format("kgx", "application/zip", ".kgx.zip"),
        Format("graphml", "application/graphml+xml", ".graphml"),
        Format("cytoscape", "application/json", ".cyjs"),
    )
}

#: Biolink predicates for the model's relations (direction carried by object_direction_qualifier).
BIOLINK_PREDICATES = {
    **{c: "biolink:affects" for c in (
        "RO:0002304", "RO:0002305", "RO:0002629", "RO:0002630", "RO:0004034", "RO:0004035", "RO:0002450", "RO:0002449",
        "oih:increases_activity_of", "oih:decreases_activity_of", "oih:positively_influences", "oih:negatively_influences",
        "RO:0018027", "RO:0018029", "oih:reduces", "oih:increases", "oih:promotes", "oih:targets",
        "oih:activates", "oih:inhibits", "oih:targets_pathway", "oih:drives_pathway", "oih:inhibits_pathway")},
    "RO:0003302": "biolink:contributes_to", "RO:0002606": "biolink:treats", "RO:0002200": "biolink:has_phenotype",
    "BFO:0000050": "biolink:part_of", "RO:0002215": "biolink:capable_of", "RO:0000057": "biolink:has_participant",
    "RO:0002234": "biolink:has_output", "oih:releases": "biolink:related_to", "oih:distinguishes": "biolink:related_to",
    "oih:predisposes_to": "biolink:predisposes_to_condition", "oih:involves": "biolink:related_to", "rdf:type": "biolink:subclass_of",
    "oih:mistaken_for": "biolink:related_to", "oih:managed_by": "biolink:related_to",
}
_CATEGORY = {
    "oih:Drug": "biolink:Drug", "oih:DrugClass": "biolink:ChemicalEntity", "oih:PharmacologicalAgent": "biolink:ChemicalEntity",
    "oih:ChemicalEntity": "biolink:ChemicalEntity", "oih:Gene": "biolink:Gene",
    "oih:Ion": "biolink:SmallMolecule", "oih:Receptor": "biolink:Protein", "oih:Mediator": "biolink:Protein",
    "oih:CellType": "biolink:Cell", "oih:AnatomicalRegion": "biolink:AnatomicalEntity",
    "oih:BiologicalProcess": "biolink:BiologicalProcess", "oih:Phenotype": "biolink:PhenotypicFeature",
    "oih:Condition": "biolink:DiseaseOrPhenotypicFeature", "oih:Disease": "biolink:Disease", "oih:Pathway": "biolink:Pathway",
    "oih:Intervention": "biolink:Procedure", "oih:DiagnosticProcedure": "biolink:Procedure",
    "oih:ModelQuantity": "biolink:NamedThing",
}


def _category(types: list[str]) -> str:
    for t in ("oih:Disease", "oih:DiagnosticProcedure", *_CATEGORY):
        if t in types:
            return _CATEGORY[t]
    return "biolink:NamedThing"


def _rdf(kg) -> rdflib.Graph:
    g = rdflib.Graph()
    for prefix, ns in (("oih", vocab.OIH), ("obo", vocab.OBO), ("oboInOwl", vocab.OBOINOWL), ("skos", vocab.SKOS)):
        g.bind(prefix, ns)
    nt = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in kg.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    g.parse(data=nt, format="nt")
    return g


def _nodes(kg) -> list[dict]:
    out = []
    for r in kg.query("entity-names"):
        if r["kind"] != "id":
            continue
        out.append(r)
    return out


def to_networkx(kg) -> nx.MultiDiGraph:
    """A MultiDiGraph of every evidence-backed edge and every inferred causal or targeting edge.

    Nodes carry ``label``, ``category`` and ``types``; edges ``predicate``,
    ``sign`` (0 when unknown), ``inferred``, ``citations`` (space-separated),
    ``quote`` and ``evidence_type``. Attribute values are scalars so the graph
    writes to GraphML as is.
    """
    g = nx.MultiDiGraph(name="oihkg")
    for row in kg.edges():
        for end, label in ((row["subject"], row["subjectLabel"]), (row["object"], row["objectLabel"])):
            if end not in g:
                g.add_node(end, label=label)
        g.add_edge(
            row["subject"], row["object"], key=f"{row['predicate']}{'|inferred' if row['inferred'] else ''}",
            predicate=row["predicate"], predicate_label=row["predicateLabel"], sign=int(row.get("sign") or 0),
            inferred=bool(row["inferred"]), citations=" ".join(row["citations"]), quote=row.get("quote") or "",
            evidence_type=row.get("evidenceType") or "",
        )
    cards = {r["entity"]: r for r in kg.query("entity-names") if r["kind"] == "id"}
    for node in g.nodes:
        types = [t for t in kg._card(vocab.expand(node)).get("types", [])] if node in {c["curie"] for c in cards.values()} else []
        g.nodes[node]["types"] = " ".join(types)
        g.nodes[node]["category"] = _category(types)
    return g


def _kgx(kg) -> bytes:
    g = to_networkx(kg)
    nodes = io.StringIO()
    w = csv.writer(nodes, delimiter="\t", lineterminator="\n")
    w.writerow(["id", "category", "name", "description", "synonym", "xref", "provided_by"])
    for node, data in sorted(g.nodes(data=True)):
        card = kg._card(vocab.expand(node))
        w.writerow([node, data["category"], data.get("label", ""), card.get("definition") or "",
                    "|".join(card.get("synonyms", [])), "|".join(card.get("xrefs", [])), "infores:oihkg"])
    edges = io.StringIO()
    w = csv.writer(edges, delimiter="\t", lineterminator="\n")
    w.writerow(["id", "subject", "predicate", "object", "relation", "object_direction_qualifier", "knowledge_level",
                "agent_type", "publications", "primary_knowledge_source", "sign", "quote"])
    for i, (s, o, data) in enumerate(sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1]))):
        direction = {1: "increased", -1: "decreased"}.get(data["sign"], "")
        inferred = data["inferred"]
        w.writerow([
            f"oihkg:edge/{i}", s, BIOLINK_PREDICATES.get(data["predicate"], "biolink:related_to"), o, data["predicate"],
            direction, "logical_entailment" if inferred else "knowledge_assertion",
            "automated_agent" if inferred else "manual_agent",
            "|".join(f"problem_id:{c}" for c in data["citations"].split()), "infores:oihkg", data["sign"], data["quote"],
        ])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("nodes.tsv", nodes.getvalue())
        z.writestr("edges.tsv", edges.getvalue())
    return buf.getvalue()


def export(kg, fmt: str) -> bytes:
    """The served graph in format ``fmt`` (a key of :data:`FORMATS`) as bytes.

    Raises
    ------
    KeyError
        For an unknown format, naming the known ones.
    """
    if fmt not in FORMATS:
        raise KeyError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt == "owl":
        return _rdf(kg).serialize(format="xml").encode("utf-8")
    if fmt == "ttl":
        return _rdf(kg).serialize(format="turtle").encode("utf-8")
    if fmt == "jsonld":
        return _rdf(kg).serialize(format="json-ld", auto_compact=True).encode("utf-8")
    if fmt == "kgx":
        return _kgx(kg)
    g = to_networkx(kg)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(g)).encode("utf-8")
    return json.dumps(nx.cytoscape_data(g), ensure_ascii=False).encode("utf-8")
