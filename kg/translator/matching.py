"""Matching a query graph against the Biolink graph: which nodes and edges bind, and every consistent join.

This module owns matching. :func:`node_ok` says whether a node binds a
:class:`kg.translator.request.QNode` (its ids, its categories and their
descendants, its constraints), :func:`orientations` how an edge binds a
:class:`kg.translator.request.QEdge` (sub-predicates, inverses, symmetric
predicates, qualifier values and their descendants, contexts),
:func:`satisfies` and :func:`compare` test attribute constraints (a
``matches`` pattern under a time limit), and :func:`join_order` and
:func:`bindings` join the query edges by backtracking until a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import regex

from kg.translator import model as biolink
from kg.translator.graph import INFORES, BiolinkGraph, Edge
from kg.translator.refusals import TRAPIError

if TYPE_CHECKING:
    from kg.translator.request import QEdge, QNode

__all__ = ["SOURCE_ATTRIBUTES", "flat", "attribute_types", "node_ok", "satisfies", "compare", "orientations", "join_order",
           "bindings"]

#: Attribute types a constraint may name besides the ones the graph's nodes and edges carry.
SOURCE_ATTRIBUTES = ("biolink:knowledge_source", "biolink:primary_knowledge_source")
#: What every edge and node says of those (this resource is the source), for constraints to test.
_SOURCES = [{"attribute_type_id": t, "value": INFORES} for t in SOURCE_ATTRIBUTES]


def flat(attributes: list[dict]) -> list[dict]:
    """Attributes with their nested attributes (a quote under its evidence code), which constraints may name."""
    out = []
    for a in attributes:
        out += [a, *flat(a.get("attributes") or [])]
    return out


def attribute_types(graph: BiolinkGraph) -> tuple[frozenset[str], frozenset[str]]:
    """The attribute types the graph's nodes and edges carry, which constraints may name."""
    nodes = {a["attribute_type_id"] for n in graph.nodes.values() for a in flat(n.attributes())}
    edges = {a["attribute_type_id"] for e in graph.edges.values() for a in flat(e.attributes())}
    return frozenset(nodes), frozenset(edges) | frozenset(SOURCE_ATTRIBUTES)


def node_ok(qn: QNode, nid: str, *, graph: BiolinkGraph, regex_seconds: float) -> bool:
    """Whether node ``nid`` binds query node ``qn``: one of its candidates, of a category it asks (or below), meeting
    its constraints."""
    if qn.candidates is not None and nid not in qn.candidates:
        return False
    node = graph.node(nid)
    if qn.categories and not (biolink.ancestors(node.category) & qn.categories):
        return False
    return not qn.constraints or satisfies(node.attributes(), qn.constraints, regex_seconds=regex_seconds)


def satisfies(attributes: list[dict], constraints: list[dict], *, regex_seconds: float) -> bool:
    """Whether attributes (with the source attributes every node and edge has) meet every constraint."""
    attributes = flat(attributes) + _SOURCES
    for c in constraints:
        hit = any(a["attribute_type_id"] == c["id"] and compare(c["operator"], a["value"], c["value"], regex_seconds=regex_seconds)
                  for a in attributes)
        if hit == bool(c.get("not", False)):
            return False
    return True


def compare(op: str, have: Any, want: Any, *, regex_seconds: float) -> bool:
    """Whether an attribute value (or one of a list's) meets a constraint; ``matches`` is a regular expression run
    with a time limit, so a pathological pattern fails instead of holding the server."""
    if op == "===":
        return have == want
    if isinstance(want, (list, tuple)):  # a list of wanted values is an OR (== is IN)
        return any(compare(op, have, w, regex_seconds=regex_seconds) for w in want)
    for v in have if isinstance(have, (list, tuple)) else [have]:
        try:
            if op == "==" and (v == want or str(v) == str(want)):
                return True
            if op in (">", "<") and (float(v) > float(want) if op == ">" else float(v) < float(want)):
                return True
            if op == "matches" and regex.search(str(want), str(v), timeout=regex_seconds):
                return True
        except TimeoutError:
            raise TRAPIError(400, "UnsupportedConstraint", f"the pattern {str(want)[:80]!r} took too long to match") from None
        except regex.error as exc:
            raise TRAPIError(400, "UnsupportedConstraint", f"the pattern {str(want)[:80]!r} is no regular expression: {exc}") from None
        except (TypeError, ValueError):
            continue
    return False


def orientations(qe: QEdge, e: Edge, *, regex_seconds: float) -> list[tuple[str, str]]:
    """How a KG edge binds a query edge: ``(subject node, object node)`` for each orientation that matches."""
    if qe.constraints and not satisfies(e.attributes(), qe.constraints, regex_seconds=regex_seconds):
        return []
    have, either_way = biolink.predicate_ancestors(e.predicate), True
    if qe.qualifier_sets:  # a statement holds in the contexts asked when it has none or one they imply (kg.schema.contexts)
        quals = dict(e.qualifiers)
        sets = [s for s in qe.qualifier_sets if s.holds(e.context)
                and all(t in quals and v in biolink.value_ancestors(t, quals[t]) for t, v in s.others)]
        if not sets:
            return []
        either_way = not all(s.others for s in sets)  # the other qualifiers are said in the edge's own direction
    out = [(e.subject, e.object)] if have & qe.forward else []
    if either_way and have & qe.reverse and (e.object, e.subject) not in out:
        out.append((e.object, e.subject))
    return out


def join_order(qnodes: dict[str, QNode], qedges: list[QEdge]) -> list[QEdge] | None:
    """Query edges in a joinable order, starting from pinned nodes; None when the graph falls apart."""
    if not qedges:
        return []
    remaining = list(qedges)
    pinned = {k for k, q in qnodes.items() if q.candidates is not None}
    start = next((qe for qe in remaining if {qe.subject, qe.object} & pinned), remaining[0])
    order, bound = [start], {start.subject, start.object}
    remaining.remove(start)
    while remaining:
        nxt = next((qe for qe in remaining if {qe.subject, qe.object} & bound), None)
        if nxt is None:
            return None
        order.append(nxt)
        bound |= {nxt.subject, nxt.object}
        remaining.remove(nxt)
    return order


def bindings(qnodes: dict[str, QNode], order: list[QEdge], deadline: float, *, graph: BiolinkGraph,
             regex_seconds: float) -> Iterator[tuple[dict, dict]]:
    """Every consistent binding of query nodes to nodes and query edges to edges (a backtracking join), until the
    deadline."""
    g = graph
    if not order:
        ((key, qn),) = qnodes.items()
        for nid in sorted(qn.candidates if qn.candidates is not None else g.nodes):
            if time.monotonic() > deadline:
                return
            if node_ok(qn, nid, graph=g, regex_seconds=regex_seconds):
                yield {key: nid}, {}
        return
    steps, expired = 0, False

    def pool(qe: QEdge, nb: dict) -> list[str]:
        for end in (qe.subject, qe.object):
            if end in nb:
                return g.incident.get(nb[end], [])
        for end in (qe.subject, qe.object):
            if qnodes[end].candidates is not None:
                return list(dict.fromkeys(e for n in qnodes[end].candidates for e in g.incident.get(n, [])))
        return list(g.edges)

    def extend(i: int, nb: dict, eb: dict) -> Iterator[tuple[dict, dict]]:
        nonlocal steps, expired
        if i == len(order):
            yield dict(nb), dict(eb)
            return
        qe = order[i]
        for eid in pool(qe, nb):
            steps += 1
            if steps % 200 == 0 and time.monotonic() > deadline:
                expired = True
            if expired:  # every level stops, not only the deepest
                return
            for s, o in orientations(qe, g.edges[eid], regex_seconds=regex_seconds):
                if nb.get(qe.subject, s) != s or nb.get(qe.object, o) != o or (qe.subject == qe.object and s != o):
                    continue
                if not (node_ok(qnodes[qe.subject], s, graph=g, regex_seconds=regex_seconds)
                        and node_ok(qnodes[qe.object], o, graph=g, regex_seconds=regex_seconds)):
                    continue
                added = [k for k in (qe.subject, qe.object) if k not in nb]
                nb.update({qe.subject: s, qe.object: o})
                eb[qe.key] = eid
                yield from extend(i + 1, nb, eb)
                for k in added:
                    del nb[k]
                del eb[qe.key]

    yield from extend(0, {}, {})
