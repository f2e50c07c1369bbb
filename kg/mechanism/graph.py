"""The mechanism graph: a networkx MultiDiGraph of the signed causal edges.

Nodes are CURIEs with ``label``, ``type`` and ``pathways``; edges carry
``sign`` (+1/−1), ``relation`` (a CURIE), ``inferred``, ``via`` (the drug
class an inherited edge comes from) and ``evidence`` (``citations``,
``quote``, ``evidence_type``). The edges come from the named query
``causal-edges``: every asserted statement whose relation has a sign (RO's
causal relations, the actions of agents, and capable of (part of),
participates in, has output and releases, followed with sign +1), and what each drug derives from its drug
class (``inferred=True``, with the class statement's evidence). Inferred
all-positive reach (``oih:promotes``) is added when asked for. Relations
without a sign (has phenotype, part of, has participant, …) are not edges.
A statement that holds only in a context (a taper lowers pain *in OIH*; the
muOR sets off chronic signalling *under chronic exposure*) is an edge with
that ``context`` (a CURIE; ``""`` for every context); :func:`in_context`
keeps the edges that hold in one context (:mod:`kg.schema.contexts`).

Examples
--------
>>> from kg.catalog import Catalog
>>> from kg.store import open_store
>>> g = causal_graph(Catalog(open_store()))
>>> g.nodes["HGNC:11850"]["label"]
'toll-like receptor 4'
>>> sorted({d["sign"] for _, _, d in g.out_edges("CHEBI:6121", data=True)})
[-1]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import networkx as nx

from kg.schema import contexts
from kg import schema
from kg.progress import Progress, track

if TYPE_CHECKING:
    from kg.catalog import Catalog

__all__ = ["build_graph", "causal_graph", "in_context", "IMPORTED"]

#: The evidence type of an edge from a merged graph: ECO's "imported information".
IMPORTED = "ECO:0000311"


def build_graph(edges: Iterable[dict], nodes: Iterable[dict] = ()) -> nx.MultiDiGraph:
    """A MultiDiGraph from row dicts.

    Parameters
    ----------
    edges : iterable of dict
        Keys ``subject``, ``predicate``, ``object``, ``sign``; optional
        ``inferred``, ``via``, ``context``, ``inverse_of`` (the asserted relation an edge reverses), ``citations``
        (space-separated or list), ``quote``, ``evidenceType``.
    nodes : iterable of dict
        Keys ``curie``, ``label``; optional ``type`` and ``pathway`` (rows repeat
        a node once per pathway; the pathways are gathered in ``pathways``).
    """
    g = nx.MultiDiGraph()
    for n in nodes:
        if n["curie"] in g:
            g.nodes[n["curie"]]["pathways"] += (n["pathway"],) if n.get("pathway") else ()
            continue
        g.add_node(n["curie"], label=n["label"], type=n.get("type", ""), pathways=(n["pathway"],) if n.get("pathway") else ())
    for e in edges:
        cites = e.get("citations") or []
        cites = tuple(cites.split() if isinstance(cites, str) else cites)
        for end in (e["subject"], e["object"]):
            if end not in g:
                g.add_node(end, label=end, type="", pathways=())
        context = e.get("context") or ""
        g.add_edge(
            e["subject"], e["object"], key=e["predicate"] + ("|inferred" if e.get("inferred") else "") + (f"@{context}" if context else ""),
            sign=int(e["sign"]), relation=e["predicate"], inferred=bool(e.get("inferred")), via=e.get("via") or "", context=context,
            inverse_of=e.get("inverse_of", ""),
            evidence={"citations": cites, "quote": e.get("quote") or "", "evidence_type": schema.weakest((e.get("evidenceType"), e.get("memberEvidenceType"))),
                      **({"source": e["source"]} if e.get("source") else {})},
        )
    return g


def causal_graph(catalog: Catalog, include_inferred: bool = False) -> nx.MultiDiGraph:
    """The causal graph read through a :class:`kg.catalog.Catalog` (embedded or remote store), its progress shown
    (:mod:`kg.progress`; on a large merged store this takes minutes): the queries asked, then the edges added."""
    loaded = catalog.store.loaded()
    queries = 2 + 3 * len(loaded)
    with Progress("reading the causal graph", total=queries, unit="queries") as read:
        nodes = [{**r, "type": r["type"].split(":", 1)[-1]} for r in catalog.query("graph-nodes")]
        read.advance()
        edges = list(catalog.query("causal-edges"))
        read.advance()
        merged_nodes, merged_edges = catalog.merged(read.advance, loaded)  # the graphs merged in with `oihkg load`
    nodes += merged_nodes
    curated = {(e["subject"], e["predicate"], e["object"]) for e in edges if not e.get("inferred")}
    # a merged triple that restates a curated edge adds nothing, and must not replace the curated evidence; one that
    # several merged graphs state is one edge with the sources of all
    imported: dict[tuple[str, str, str], dict] = {}
    for r in merged_edges:
        key = (r["subject"], r["predicate"], r["object"])
        if key in curated:
            continue
        if key in imported:
            seen = imported[key]
            seen["citations"] = sorted(set(seen["citations"]) | set(r["citations"]))
            seen["source"] = " ".join(sorted(set(seen["source"].split()) | {r["graph"]}))
        else:
            imported[key] = {**r, "citations": list(r["citations"]), "evidenceType": IMPORTED, "source": r["graph"]}
    edges += imported.values()
    edges += _through_activation(edges, nodes)
    if include_inferred:
        edges += [
            {"subject": r["subject"], "predicate": r["predicate"], "object": r["object"], "sign": 1, "inferred": True}
            for r in catalog.edges(predicate="oih:promotes", inferred=True)
        ]
    return build_graph(track(edges, "building the causal graph", unit="edges"), nodes)


#: A cell takes part in its own activation (RO:0000056, participates in); the graph reaches the cell back through the
#: activation with the inverse relation, has participant, so "does morphine activate microglia?" has a path that says so.
PARTICIPATES, HAS_PARTICIPANT = "RO:0000056", "RO:0000057"


def _through_activation(edges: list[dict], nodes: list[dict]) -> list[dict]:
    """For each cell's ``participates in`` edge, the edge from the process back to the cell (``has participant``,
    marked ``inverse_of``), with the same evidence and context: more activation, more activated cells."""
    cells = {n["curie"] for n in nodes if n.get("type") == "CellType"}
    return [{**e, "subject": e["object"], "object": e["subject"], "predicate": HAS_PARTICIPANT, "inverse_of": PARTICIPATES}
            for e in edges if e["predicate"] == PARTICIPATES and e["subject"] in cells and not e.get("inferred")]


def in_context(g: nx.MultiDiGraph, context: str) -> nx.MultiDiGraph:
    """The edges of ``g`` that hold in ``context`` (a CURIE), every node kept; ``""`` keeps only the edges that hold
    in every context (a statement without one).

    Examples
    --------
    >>> g = build_graph([{"subject": "a", "predicate": "r", "object": "b", "sign": 1, "context": "oih:oih"},
    ...                  {"subject": "b", "predicate": "r", "object": "c", "sign": 1}])
    >>> sorted(in_context(g, "oih:oih").edges()), sorted(in_context(g, "oih:acute_administration").edges())
    ([('a', 'b'), ('b', 'c')], [('b', 'c')])
    """
    keep = [(u, v, k) for u, v, k, c in g.edges(keys=True, data="context")
            if not c or (context and contexts.holds_in(c, context))]
    out = nx.MultiDiGraph()
    out.add_nodes_from(g.nodes(data=True))
    out.add_edges_from((u, v, k, g.edges[u, v, k]) for u, v, k in keep)
    return out
