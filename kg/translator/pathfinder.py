"""TRAPI 1.6 Pathfinder: the signed paths between two pinned ends, each path an auxiliary graph.

This module owns path queries. :func:`pathfinder` resolves a query graph's one
path's ends (:mod:`kg.translator.request`), and :func:`paths` answers each
(source, target) pair from the signed path engine (:mod:`kg.mechanism.paths`):
one analysis per path whose intermediate nodes meet a constraint, the path an
auxiliary graph of Biolink edges with its net sign, steps' signs, length,
contexts and weakest evidence.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING

from kg.translator import model as biolink
from kg.translator.graph import INFORES, BiolinkGraph, attribute
from kg.translator.lookup import binding
from kg.translator.matching import node_ok
from kg.translator.refusals import TRAPIError
from kg.translator.refusals import log as _log
from kg.translator.request import Limits, check_category, check_predicate, query_node

if TYPE_CHECKING:
    from kg.mechanism.engine import Engine

__all__ = ["pathfinder", "paths"]


def pathfinder(qg: dict, logs: list[dict], deadline: float, *, graph: BiolinkGraph, limits: Limits, engine: Engine,
               offered: frozenset[str]) -> tuple[list[dict], set[str], dict]:
    """The results of a Pathfinder query graph, the edges they bind and the paths' auxiliary graphs; ``offered``
    are the attribute types nodes carry, which the ends' constraints may name."""
    g = graph
    if len(qg.get("paths") or {}) != 1:
        raise TRAPIError(400, "QueryNotTraversable", "a Pathfinder query graph has exactly one path")
    ((pkey, qp),) = qg["paths"].items()
    ends = {}
    for end in ("subject", "object"):
        key = qp.get(end)
        if key not in qg["nodes"]:
            raise TRAPIError(400, "QueryNotTraversable", f"path {pkey}: its {end} {key!r} is not a node of the query graph")
        qn = query_node(key, qg["nodes"][key], logs, graph=g, limits=limits, offered=offered)
        if qn.candidates is None:
            raise TRAPIError(400, "QueryNotTraversable", f"path {pkey}: Pathfinder needs both ends pinned by ids; {key} has none")
        ends[end] = (key, qn, [n for n, origins in qn.candidates.items()
                               if (n in origins or any(n in g.xref_index.get(o, ()) for o in origins))
                               and node_ok(qn, n, graph=g, regex_seconds=limits.regex_seconds)])
    for p in qp.get("predicates") or ():  # what kind of paths are wanted, not a filter on their steps (TRAPI 1.6)
        check_predicate(f"path {pkey}", p)
    constraints = [frozenset(check_category(f"path {pkey}", c) for c in con.get("intermediate_categories") or ())
                   for con in qp.get("constraints") or []]
    (skey, sq, sources), (okey, oq, targets) = ends["subject"], ends["object"]
    if len(sources) * len(targets) > limits.max_pairs:
        raise TRAPIError(413, "QueryTooLarge", f"path {pkey}: {len(sources)} × {len(targets)} ends; at most "
                                               f"{limits.max_pairs} pairs")
    results, edge_ids, aux = [], set(), {}
    for s in sources:
        for t in targets:
            if time.monotonic() > deadline:
                logs.append(_log("WARNING", f"the answer was cut after {limits.seconds:g} s", "ResultsTruncated"))
                return results, edge_ids, aux
            analyses = paths(pkey, s, t, constraints, logs, edge_ids, aux, graph=g, limits=limits, engine=engine)
            if analyses:
                results.append({"node_bindings": {skey: [binding(s, sq)], okey: [binding(t, oq)]}, "analyses": analyses})
    return results, edge_ids, aux


def paths(pkey: str, s: str, t: str, constraints: list[frozenset[str]], logs: list[dict], edge_ids: set[str],
          aux: dict, *, graph: BiolinkGraph, limits: Limits, engine: Engine) -> list[dict]:
    """The analyses of one (source, target) pair: one per signed path that meets a constraint (each of its
    categories on some intermediate node), each path an auxiliary graph."""
    g = graph
    found = engine.paths(s, t, max_length=limits.max_path_length, limit=limits.max_paths * 4)
    if not found.paths:
        logs.append(_log("INFO", f"no path from {s} to {t}: {found.message}", found.status.value))
    analyses = []
    for path in found.paths:
        steps = [g.statement(*((e["object"], e["inverse_of"], e["subject"]) if e.get("inverse_of")  # a statement walked back
                               else (e["subject"], e["relation"], e["object"])), bool(e["inferred"]), e.get("context") or "")
                 for e in path.edges]
        if any(e is None for e in steps):
            continue
        middle = [biolink.ancestors(g.node(n).category) for n in path.nodes[1:-1]]
        if constraints and not any(all(any(c in m for m in middle) for c in con) for con in constraints):
            continue
        pid = "path:" + hashlib.blake2b(json.dumps([e.id for e in steps]).encode(), digest_size=6).hexdigest()
        aux[pid] = {"edges": [e.id for e in steps], "attributes": [
            attribute("oih:sign", path.sign, original_attribute_name="net_sign",
                      description="the net sign of the path: the product of its edges' signs (+1 raises the target, -1 lowers it)"),
            attribute("oih:signs", [e["sign"] for e in path.edges], description="the sign of each step, in order"),
            attribute("oih:path_length", path.length),
            attribute("oih:nodes", list(path.nodes), description="the path's nodes in order"),
            *([attribute("oih:contexts", list(path.contexts), description="the contexts the path holds in (each of its "
                         "statements holds there); without it, every context")] if path.contexts else []),
            attribute("oih:weakest_evidence", path.weakest_evidence, description="the weakest evidence the path rests on"),
        ]}
        edge_ids |= {e.id for e in steps}
        analyses.append({"resource_id": INFORES, "path_bindings": {pkey: [{"id": pid}]},
                         "score": round(1.0 / path.length, 4), "scoring_method": "1 / path length"})
        if len(analyses) >= limits.max_paths:
            break
    return analyses
