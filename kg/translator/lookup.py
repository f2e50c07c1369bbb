"""One-hop and multi-hop lookups: a query graph's answers as TRAPI results over the Biolink graph.

This module owns lookup answers. :func:`lookup` reads the query graph
(:mod:`kg.translator.request`), joins it against the graph
(:mod:`kg.translator.matching`) and groups the joins into results (one per
binding of the query nodes that are no sets; a set node's set interpretation
``ALL`` requires every member bound), cut at the result and time limits with
a ``WARNING`` log; :func:`binding` says one node binding.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import TYPE_CHECKING

from kg.translator import matching
from kg.translator.graph import INFORES, BiolinkGraph
from kg.translator.refusals import TRAPIError
from kg.translator.refusals import log as _log
from kg.translator.request import Limits, QNode, query_edge, query_node

if TYPE_CHECKING:
    from kg.mechanism.engine import Engine

__all__ = ["binding", "lookup"]


def binding(nid: str, qn: QNode) -> dict:
    """A node binding, with the query id it was matched through when that is not the node's own."""
    q = qn.query_id(nid)
    return {"id": nid, "attributes": [], **({"query_id": q} if q else {})}


def lookup(qg: dict, logs: list[dict], deadline: float, *, graph: BiolinkGraph, limits: Limits, engine: Engine,
           attribute_types: tuple[frozenset[str], frozenset[str]]) -> tuple[list[dict], set[str]]:
    """The results of a query graph with edges (or one node) and the edges they bind; ``attribute_types`` are the
    attribute types the graph's nodes and edges carry, which constraints may name."""
    if len(qg.get("edges") or {}) > limits.max_edges:
        raise TRAPIError(413, "QueryTooLarge", f"the query graph has {len(qg['edges'])} edges; at most {limits.max_edges}")
    qnodes = {k: query_node(k, v, logs, graph=graph, limits=limits, offered=attribute_types[0]) for k, v in qg["nodes"].items()}
    if not qnodes:
        raise TRAPIError(400, "QueryNotTraversable", "the query graph has no nodes")
    qedges = [query_edge(k, v, qnodes, logs, engine=engine, offered=attribute_types[1]) for k, v in (qg.get("edges") or {}).items()]
    if not qedges and len(qnodes) > 1:
        raise TRAPIError(400, "QueryNotTraversable", "a query graph without edges has one node; these nodes are not joined")
    touched = {n for qe in qedges for n in (qe.subject, qe.object)}
    if qedges and set(qnodes) - touched:
        lone = ", ".join(sorted(set(qnodes) - touched))
        raise TRAPIError(400, "QueryNotTraversable", f"query node(s) {lone} are not joined to the rest of the query graph by any edge")
    order = matching.join_order(qnodes, qedges)
    if order is None:
        raise TRAPIError(400, "QueryNotTraversable", "the query graph is not connected: every edge must join the others")
    grouped: dict[tuple, dict] = {}
    for nb, eb in matching.bindings(qnodes, order, deadline, graph=graph, regex_seconds=limits.regex_seconds):
        key = tuple((k, nb[k]) for k in sorted(qnodes) if not qnodes[k].is_set)
        if key not in grouped and len(grouped) >= limits.max_results:
            logs.append(_log("WARNING", f"the answer was cut at {limits.max_results} results; pin more query nodes "
                                        "to narrow it", "ResultsTruncated"))
            break
        slot = grouped.setdefault(key, {"nodes": defaultdict(set), "edges": defaultdict(set)})
        for k, v in nb.items():
            slot["nodes"][k].add(v)
        for k, v in eb.items():
            slot["edges"][k].add(v)
    if time.monotonic() > deadline:
        logs.append(_log("WARNING", f"the answer was cut after {limits.seconds:g} s; pin more query nodes to narrow it",
                         "ResultsTruncated"))
    results, edge_ids = [], set()
    for slot in grouped.values():
        if not all(qn.required <= set().union(*(qn.candidates[n] for n in slot["nodes"][k]))
                   for k, qn in qnodes.items() if qn.required):
            continue  # set_interpretation ALL: every member is bound in the one result, or there is no result
        bindings = {k: [binding(nid, qnodes[k]) for nid in sorted(ids)] for k, ids in slot["nodes"].items()}
        edge_bindings = {k: [{"id": e, "attributes": []} for e in sorted(ids)] for k, ids in slot["edges"].items()}
        edge_ids |= {e for ids in slot["edges"].values() for e in ids}
        results.append({"node_bindings": bindings, "analyses": [{"resource_id": INFORES, "edge_bindings": edge_bindings}]})
    return results, edge_ids
