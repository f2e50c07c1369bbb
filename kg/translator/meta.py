"""The TRAPI meta knowledge graph: what the Biolink graph holds, by (subject category, predicate, object category).

This module owns :func:`meta_knowledge_graph`, the body of ``GET
/meta_knowledge_graph``: each triple of categories and predicate with its
qualifiers' values and the attribute types constraints may name, the id
prefixes of each category, and the counts.
"""

from __future__ import annotations

from collections import defaultdict

from kg.translator import model as biolink
from kg.translator.graph import BiolinkGraph
from kg.translator.matching import flat
from kg.translator.refusals import TRAPI_VERSION

__all__ = ["meta_knowledge_graph"]


def meta_knowledge_graph(graph: BiolinkGraph) -> dict:
    """Every (subject category, predicate, object category) the graph holds, with its qualifiers and attributes,
    the id prefixes of each category, and the counts (``counts``, beside the TRAPI fields)."""
    g = graph
    prefixes: dict[str, set[str]] = defaultdict(set)
    node_counts: dict[str, int] = defaultdict(int)
    for n in g.nodes.values():
        prefixes[n.category].add(n.id.split(":", 1)[0])
        node_counts[n.category] += 1
    triples: dict[tuple[str, str, str], dict] = {}
    for e in g.edges.values():
        s, o = g.node(e.subject), g.node(e.object)
        for n in (s, o):
            prefixes[n.category].add(n.id.split(":", 1)[0])
        t = triples.setdefault((s.category, e.predicate, o.category), {"count": 0, "qualifiers": defaultdict(set), "attributes": set()})
        t["count"] += 1
        for qt, qv in e.qualifiers:
            t["qualifiers"][qt].add(qv)
        t["attributes"] |= {a["attribute_type_id"] for a in flat(e.attributes())}
    edges = []
    for (s, p, o), t in sorted(triples.items()):
        meta = {"subject": s, "predicate": p, "object": o, "knowledge_types": ["lookup"],
                "attributes": [{"attribute_type_id": a, "constraint_use": True, "constraint_name": a.split(":", 1)[1]}
                               for a in sorted(t["attributes"])]}
        if t["qualifiers"]:
            meta["qualifiers"] = [{"qualifier_type_id": q, "applicable_values": sorted(v)} for q, v in sorted(t["qualifiers"].items())]
        edges.append(meta)
    return {
        "nodes": {c: {"id_prefixes": sorted(p)} for c, p in sorted(prefixes.items())},
        "edges": edges,
        "counts": {"nodes": dict(sorted(node_counts.items())),
                   "edges": [{"subject": s, "predicate": p, "object": o, "count": t["count"]} for (s, p, o), t in sorted(triples.items())]},
        "biolink_version": biolink.version(),
        "schema_version": TRAPI_VERSION,
    }
