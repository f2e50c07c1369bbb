"""TRAPI over the same model: lookups over the Biolink graph, Pathfinder, and the meta knowledge graph.

This module owns the Translator Reasoner API. :class:`TRAPI` answers ``POST
/query`` bodies over the served graph said in Biolink
(:class:`kg.translator.biolink.BiolinkGraph`, built once per store): one-hop and multi-hop
query graphs whose node ids and categories and edge predicates match their
descendants (a drug class's members, xrefs, Biolink's sub-categories and
sub-predicates, inverses and symmetric predicates), qualifier and attribute
constraints (a context asked in Biolink's context qualifiers,
:mod:`kg.translator.context`), set-valued nodes, and TRAPI 1.6 Pathfinder queries
answered from the signed path engine (:mod:`kg.mechanism.paths`), each path an auxiliary
graph with its net sign and the contexts it holds in. Requests are validated with the TRAPI models of ``reasoner-pydantic``;
one this provider refuses raises :class:`TRAPIError` with the HTTP status, the
TRAPI log code and a sentence, and :meth:`TRAPIError.response` says it as a
valid TRAPI response (:mod:`kg.translator.refusal`). Every query is bounded (:class:`Limits`).

Examples
--------
>>> from kg.catalog import Catalog
>>> from kg.mechanism.engine import Engine
>>> from kg.store import open_store
>>> trapi = TRAPI(Engine(Catalog(open_store())))
>>> qg = {"nodes": {"drug": {"categories": ["biolink:ChemicalEntity"]}, "nmda": {"ids": ["GO:0017146"]}},
...       "edges": {"e": {"subject": "drug", "object": "nmda", "predicates": ["biolink:affects"]}}}
>>> answer = trapi.query({"message": {"query_graph": qg}})
>>> "CHEBI:6121" in {b["id"] for r in answer["message"]["results"] for b in r["node_bindings"]["drug"]}
True
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import regex

from kg.translator import biolink, context as trapi_context
from kg.translator.biolink import INFORES, BiolinkGraph, Edge, attribute
from kg.translator.context import QualifierSet
from kg.translator.refusal import MAX_DEPTH, PATHFINDER_VERSION, TRAPI_VERSION, TRAPIError, depth, with_path_constraints
from kg.translator.refusal import log as _log

if TYPE_CHECKING:
    from kg.mechanism.engine import Engine

__all__ = ["TRAPI_VERSION", "PATHFINDER_VERSION", "OPERATIONS", "Limits", "TRAPIError", "TRAPI"]

#: The workflow operations answered; any other is refused with 501.
OPERATIONS = ("lookup",)
#: Attribute types a constraint may name besides the ones the graph's nodes and edges carry.
_SOURCE_ATTRIBUTES = ("biolink:knowledge_source", "biolink:primary_knowledge_source")
#: What every edge and node says of those (this resource is the source), for constraints to test.
_SOURCES = [{"attribute_type_id": t, "value": INFORES} for t in _SOURCE_ATTRIBUTES]


@dataclass(frozen=True)
class Limits:
    """What one TRAPI query may cost.

    Attributes
    ----------
    max_ids : int
        Ids per query node (TRAPI's ``batch_size_limit``; more is 413).
    max_edges : int
        Query edges (more is 413).
    max_results : int
        Results; an answer is cut there with a ``WARNING`` log.
    max_pairs : int
        Pathfinder (source, target) pairs after the ids are resolved (more is 413).
    max_paths : int
        Paths per Pathfinder pair.
    max_path_length : int
        Edges per Pathfinder path.
    seconds : float
        Time for one query; an answer is cut there with a ``WARNING`` log.
    regex_seconds : float
        Time for one ``matches`` constraint on one value.
    """

    max_ids: int = 1000
    max_edges: int = 10
    max_results: int = 5000
    max_pairs: int = 25
    max_paths: int = 50
    max_path_length: int = 6
    seconds: float = 10.0
    regex_seconds: float = 0.05


@dataclass
class _QNode:
    key: str
    candidates: dict[str, set[str]] | None  # node id -> the query ids it matches (itself, as an xref, as a member); None: any
    categories: frozenset[str]
    constraints: list[dict]
    is_set: bool
    required: frozenset[str]  # set_interpretation ALL: the query ids every result must bind
    set_id: str | None  # set_interpretation ALL/MANY with member_ids: the set's own id

    def query_id(self, nid: str) -> str | None:
        """The ``query_id`` of a binding: the set's id, or the query id a node matched through when not itself."""
        if self.set_id:
            return self.set_id
        origins = (self.candidates or {}).get(nid, set())
        return None if not origins or nid in origins else min(origins)


@dataclass
class _QEdge:
    key: str
    subject: str
    object: str
    forward: frozenset[str]
    reverse: frozenset[str]
    qualifier_sets: list[QualifierSet]
    constraints: list[dict]


def _binding(nid: str, qn: _QNode) -> dict:
    """A node binding, with the query id it was matched through when that is not the node's own."""
    q = qn.query_id(nid)
    return {"id": nid, "attributes": [], **({"query_id": q} if q else {})}


def _where(errors: list[dict], pathfinder: bool, most: int = 5) -> list[str]:
    """Pydantic's errors as ``place: problem``, without the validators' own names, and only for the kind of query
    graph sent (a union's other branch would only add noise)."""
    branch = "PathfinderQueryGraph]" if pathfinder else " QueryGraph]"
    out = []
    for e in errors:
        parts = [str(p) for p in e["loc"]]
        if any(p.endswith("QueryGraph]") and not p.endswith(branch) for p in parts):
            continue
        place = ".".join(p for p in parts if not p.startswith("function-"))
        out.append(f"{place}: {e['msg']}")
    return list(dict.fromkeys(out))[:most]


class TRAPI:
    """The TRAPI knowledge provider over one engine: ``query`` and ``meta_knowledge_graph``; the Biolink graph is built
    once per store and kept.

    Parameters
    ----------
    engine : kg.mechanism.engine.Engine
        The mechanism engine (Pathfinder uses its signed paths; everything else its catalog).
    limits : Limits, optional
        What one query may cost.
    """

    def __init__(self, engine: Engine, limits: Limits | None = None):
        self.engine = engine
        self.limits = limits or Limits()

    @cached_property
    def graph(self) -> BiolinkGraph:
        """The served graph in Biolink, built on first use."""
        return BiolinkGraph.from_catalog(self.engine.catalog)

    @cached_property
    def _attribute_types(self) -> tuple[frozenset[str], frozenset[str]]:
        """The attribute types the graph's nodes and edges carry, which constraints may name."""
        nodes = {a["attribute_type_id"] for n in self.graph.nodes.values() for a in _flat(n.attributes())}
        edges = {a["attribute_type_id"] for e in self.graph.edges.values() for a in _flat(e.attributes())}
        return frozenset(nodes), frozenset(edges) | frozenset(_SOURCE_ATTRIBUTES)

    # -- the meta knowledge graph
    def meta_knowledge_graph(self) -> dict:
        """Every (subject category, predicate, object category) the graph holds, with its qualifiers and attributes,
        the id prefixes of each category, and the counts (``counts``, beside the TRAPI fields)."""
        g = self.graph
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
            t["attributes"] |= {a["attribute_type_id"] for a in _flat(e.attributes())}
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

    # -- queries
    def query(self, request: dict) -> dict:
        """Answer a TRAPI ``Query`` body (a dict) with a TRAPI ``Response`` (a dict).

        Raises
        ------
        TRAPIError
            400 for a body that is no valid TRAPI query or a query graph this provider cannot traverse, 413 for one over
            the limits, 501 for a workflow operation other than ``lookup``.
        """
        message = self._validate(request)
        qg = message["query_graph"]
        logs: list[dict] = []
        deadline = time.monotonic() + self.limits.seconds
        pathfinder = qg.get("paths") is not None
        if pathfinder:
            results, edge_ids, aux = self._pathfinder(qg, logs, deadline)
        else:
            (results, edge_ids), aux = self._lookup(qg, logs, deadline), {}
        node_ids = {b["id"] for r in results for bs in r["node_bindings"].values() for b in bs}
        kg, support = self.graph.message_graphs(edge_ids, node_ids)
        logs.append(_log("INFO", f"{len(results)} results, {len(kg['edges'])} edges"))
        return {
            "message": {"query_graph": qg, "knowledge_graph": kg, "results": results, "auxiliary_graphs": {**support, **aux}},
            "logs": logs, "status": "Success", "description": f"{len(results)} results from {INFORES}",
            "schema_version": PATHFINDER_VERSION if pathfinder else TRAPI_VERSION, "biolink_version": biolink.version(),
        }

    def _validate(self, request: Any) -> dict:
        from pydantic import ValidationError
        from reasoner_pydantic import Query

        if not isinstance(request, dict):
            raise TRAPIError(400, "InvalidRequest", "the body must be a JSON object with a 'message'")
        if depth(request) > MAX_DEPTH:
            raise TRAPIError(400, "InvalidQuery", f"the body nests deeper than {MAX_DEPTH} levels")
        message = request.get("message")
        qg = message.get("query_graph") if isinstance(message, dict) else None
        paths = qg.get("paths") if isinstance(qg, dict) else None
        checked = with_path_constraints(request)  # a path's constraints: optional in TRAPI 1.6, required by reasoner-pydantic 6
        try:
            Query.model_validate(checked)
        except RecursionError:
            raise TRAPIError(400, "InvalidQuery", "the body nests too deeply") from None
        except ValidationError as exc:
            where = "; ".join(_where(exc.errors(), isinstance(paths, dict)))
            raise TRAPIError(400, "InvalidQuery", f"the body is not a valid TRAPI query: {where}") from None
        for op in request.get("workflow") or []:
            if op.get("id") not in OPERATIONS:
                raise TRAPIError(501, "UnsupportedOperation",
                                 f"workflow operation {op.get('id')!r} is not supported; supported: {', '.join(OPERATIONS)}")
        message = checked["message"]
        qg = message.get("query_graph")
        if not qg:
            raise TRAPIError(400, "QueryGraphMissing", "the message has no query_graph")
        if qg.get("paths") is not None and qg.get("edges"):
            raise TRAPIError(400, "QueryNotTraversable", "a query graph has edges or paths, not both")
        return message

    def _category(self, where: str, c: str) -> str:
        if biolink.category(c) is None:
            raise TRAPIError(400, "UnsupportedCategory", f"{where}: {c} is not a Biolink {biolink.version()} category")
        return c

    def _predicate(self, where: str, p: str) -> str:
        if biolink.predicate(p) is None:
            raise TRAPIError(400, "UnsupportedPredicate", f"{where}: {p} is not a Biolink {biolink.version()} predicate")
        return p

    def _constraints(self, where: str, constraints: list[dict], offered: frozenset[str]) -> list[dict]:
        unknown = sorted({c["id"] for c in constraints} - offered)
        if unknown:
            raise TRAPIError(400, "UnsupportedConstraint", f"{where}: no attribute {', '.join(unknown)} to constrain; "
                                                           f"offered: {', '.join(sorted(offered))}")
        return constraints

    # -- lookup
    def _qnode(self, key: str, q: dict, logs: list[dict]) -> _QNode:
        g = self.graph
        known = {"ids", "categories", "set_interpretation", "member_ids", "constraints", "is_set"}
        for extra in sorted(set(q) - known):
            logs.append(_log("WARNING", f"query node {key}: property {extra!r} is not recognised and was ignored"))
        categories = frozenset(self._category(f"query node {key}", c) for c in q.get("categories") or ())
        set_kind = q.get("set_interpretation") or "BATCH"
        ids, set_id = list(q.get("ids") or []), None
        if set_kind in ("ALL", "MANY") and q.get("member_ids"):  # ids names the set, member_ids its members
            ids, set_id = list(q["member_ids"]), (q.get("ids") or [None])[0]
        if len(ids) > self.limits.max_ids:
            raise TRAPIError(413, "BatchSizeExceeded", f"query node {key} has {len(ids)} ids; at most {self.limits.max_ids}")
        candidates = None
        if ids:
            candidates, unknown = defaultdict(set), []
            direct = {qid for qid in ids if qid in g.nodes}
            for qid in direct:  # what the client named directly binds as itself
                candidates[qid].add(qid)
            for qid in ids:
                for nid in g.xref_index.get(qid, ()):
                    candidates[nid].add(qid)
                if qid not in direct and qid not in g.xref_index:
                    unknown.append(qid)
            expand = list(candidates)
            while expand:  # a drug class's members are its descendants, matched through what the class matched
                nid = expand.pop()
                for member in g.members.get(nid, ()):
                    if not candidates[nid] <= candidates[member]:
                        candidates[member] |= candidates[nid] - ({member} if member in direct else set())
                        expand.append(member)
            candidates = dict(candidates)
            if unknown:
                shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
                logs.append(_log("WARNING", f"query node {key}: {shown} not in this graph", "UnknownCurie"))
        constraints = self._constraints(f"query node {key}", list(q.get("constraints") or []), self._attribute_types[0])
        return _QNode(key, candidates, frozenset() if ids else categories, constraints,
                      bool(q.get("is_set")) or set_kind in ("ALL", "MANY"), frozenset(ids) if set_kind == "ALL" else frozenset(),
                      set_id)

    def _qedge(self, key: str, q: dict, qnodes: dict, logs: list[dict]) -> _QEdge:
        for end in ("subject", "object"):
            if q[end] not in qnodes:
                raise TRAPIError(400, "QueryNotTraversable", f"query edge {key}: its {end} {q[end]!r} is not a node of the query graph")
        known = {"subject", "object", "predicates", "knowledge_type", "attribute_constraints", "qualifier_constraints"}
        for extra in sorted(set(q) - known):
            logs.append(_log("WARNING", f"query edge {key}: property {extra!r} is not recognised and was ignored"))
        predicates = [self._predicate(f"query edge {key}", p) for p in q.get("predicates") or ["biolink:related_to"]]
        reverse = {biolink.inverse(p) for p in predicates if biolink.inverse(p)} | {p for p in predicates if biolink.symmetric(p)}
        sets = [[(c["qualifier_type_id"], c["qualifier_value"]) for c in s.get("qualifier_set") or []]
                for s in q.get("qualifier_constraints") or []]
        sets = [s for s in sets if s]
        for t in sorted({t for s in sets for t, _ in s}):
            if not _is_qualifier(t):
                logs.append(_log("WARNING", f"query edge {key}: {t} is not a Biolink {biolink.version()} qualifier; no edge has it"))
        sets, problems = trapi_context.qualifier_sets(sets, self.engine)
        logs += [_log("WARNING", f"query edge {key}: {p}") for p in problems]
        if any(s.others for s in sets) and any(biolink.canonical(p)[1] for p in predicates):
            logs.append(_log("WARNING", f"query edge {key}: qualifier constraints are matched in the query edge's own direction "
                                        "only, so edges found through an inverse predicate are left out"))
        if q.get("knowledge_type") == "inferred":
            logs.append(_log("INFO", f"query edge {key}: inferred answers come from the curated edges and the reasoner's "
                                     "entailments (knowledge_level logical_entailment)"))
        constraints = self._constraints(f"query edge {key}", list(q.get("attribute_constraints") or []), self._attribute_types[1])
        return _QEdge(key, q["subject"], q["object"], frozenset(predicates), frozenset(reverse), sets, constraints)

    def _node_ok(self, qn: _QNode, nid: str) -> bool:
        if qn.candidates is not None and nid not in qn.candidates:
            return False
        node = self.graph.node(nid)
        if qn.categories and not (biolink.ancestors(node.category) & qn.categories):
            return False
        return not qn.constraints or self._satisfies(node.attributes(), qn.constraints)

    def _satisfies(self, attributes: list[dict], constraints: list[dict]) -> bool:
        attributes = _flat(attributes) + _SOURCES
        for c in constraints:
            hit = any(a["attribute_type_id"] == c["id"] and self._compare(c["operator"], a["value"], c["value"]) for a in attributes)
            if hit == bool(c.get("not", False)):
                return False
        return True

    def _compare(self, op: str, have: Any, want: Any) -> bool:
        """Whether an attribute value (or one of a list's) meets a constraint; ``matches`` is a regular expression run
        with a time limit, so a pathological pattern fails instead of holding the server."""
        if op == "===":
            return have == want
        if isinstance(want, (list, tuple)):  # a list of wanted values is an OR (== is IN)
            return any(self._compare(op, have, w) for w in want)
        for v in have if isinstance(have, (list, tuple)) else [have]:
            try:
                if op == "==" and (v == want or str(v) == str(want)):
                    return True
                if op in (">", "<") and (float(v) > float(want) if op == ">" else float(v) < float(want)):
                    return True
                if op == "matches" and regex.search(str(want), str(v), timeout=self.limits.regex_seconds):
                    return True
            except TimeoutError:
                raise TRAPIError(400, "UnsupportedConstraint", f"the pattern {str(want)[:80]!r} took too long to match") from None
            except regex.error as exc:
                raise TRAPIError(400, "UnsupportedConstraint", f"the pattern {str(want)[:80]!r} is no regular expression: {exc}") from None
            except (TypeError, ValueError):
                continue
        return False

    def _orientations(self, qe: _QEdge, e: Edge) -> list[tuple[str, str]]:
        """How a KG edge binds a query edge: ``(subject node, object node)`` for each orientation that matches."""
        if qe.constraints and not self._satisfies(e.attributes(), qe.constraints):
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

    def _lookup(self, qg: dict, logs: list[dict], deadline: float) -> tuple[list[dict], set[str]]:
        if len(qg.get("edges") or {}) > self.limits.max_edges:
            raise TRAPIError(413, "QueryTooLarge", f"the query graph has {len(qg['edges'])} edges; at most {self.limits.max_edges}")
        qnodes = {k: self._qnode(k, v, logs) for k, v in qg["nodes"].items()}
        if not qnodes:
            raise TRAPIError(400, "QueryNotTraversable", "the query graph has no nodes")
        qedges = [self._qedge(k, v, qnodes, logs) for k, v in (qg.get("edges") or {}).items()]
        if not qedges and len(qnodes) > 1:
            raise TRAPIError(400, "QueryNotTraversable", "a query graph without edges has one node; these nodes are not joined")
        touched = {n for qe in qedges for n in (qe.subject, qe.object)}
        if qedges and set(qnodes) - touched:
            lone = ", ".join(sorted(set(qnodes) - touched))
            raise TRAPIError(400, "QueryNotTraversable", f"query node(s) {lone} are not joined to the rest of the query graph by any edge")
        order = self._order(qnodes, qedges)
        if order is None:
            raise TRAPIError(400, "QueryNotTraversable", "the query graph is not connected: every edge must join the others")
        grouped: dict[tuple, dict] = {}
        for nb, eb in self._bindings(qnodes, order, deadline):
            key = tuple((k, nb[k]) for k in sorted(qnodes) if not qnodes[k].is_set)
            if key not in grouped and len(grouped) >= self.limits.max_results:
                logs.append(_log("WARNING", f"the answer was cut at {self.limits.max_results} results; pin more query nodes "
                                            "to narrow it", "ResultsTruncated"))
                break
            slot = grouped.setdefault(key, {"nodes": defaultdict(set), "edges": defaultdict(set)})
            for k, v in nb.items():
                slot["nodes"][k].add(v)
            for k, v in eb.items():
                slot["edges"][k].add(v)
        if time.monotonic() > deadline:
            logs.append(_log("WARNING", f"the answer was cut after {self.limits.seconds:g} s; pin more query nodes to narrow it",
                             "ResultsTruncated"))
        results, edge_ids = [], set()
        for slot in grouped.values():
            if not all(qn.required <= set().union(*(qn.candidates[n] for n in slot["nodes"][k]))
                       for k, qn in qnodes.items() if qn.required):
                continue  # set_interpretation ALL: every member is bound in the one result, or there is no result
            bindings = {k: [_binding(nid, qnodes[k]) for nid in sorted(ids)] for k, ids in slot["nodes"].items()}
            edge_bindings = {k: [{"id": e, "attributes": []} for e in sorted(ids)] for k, ids in slot["edges"].items()}
            edge_ids |= {e for ids in slot["edges"].values() for e in ids}
            results.append({"node_bindings": bindings, "analyses": [{"resource_id": INFORES, "edge_bindings": edge_bindings}]})
        return results, edge_ids

    @staticmethod
    def _order(qnodes: dict[str, _QNode], qedges: list[_QEdge]) -> list[_QEdge] | None:
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

    def _bindings(self, qnodes: dict[str, _QNode], order: list[_QEdge], deadline: float) -> Iterator[tuple[dict, dict]]:
        """Every consistent binding of query nodes to nodes and query edges to edges (a backtracking join), until the
        deadline."""
        g = self.graph
        if not order:
            ((key, qn),) = qnodes.items()
            for nid in sorted(qn.candidates if qn.candidates is not None else g.nodes):
                if time.monotonic() > deadline:
                    return
                if self._node_ok(qn, nid):
                    yield {key: nid}, {}
            return
        steps, expired = 0, False

        def pool(qe: _QEdge, nb: dict) -> list[str]:
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
                for s, o in self._orientations(qe, g.edges[eid]):
                    if nb.get(qe.subject, s) != s or nb.get(qe.object, o) != o or (qe.subject == qe.object and s != o):
                        continue
                    if not (self._node_ok(qnodes[qe.subject], s) and self._node_ok(qnodes[qe.object], o)):
                        continue
                    added = [k for k in (qe.subject, qe.object) if k not in nb]
                    nb.update({qe.subject: s, qe.object: o})
                    eb[qe.key] = eid
                    yield from extend(i + 1, nb, eb)
                    for k in added:
                        del nb[k]
                    del eb[qe.key]

        yield from extend(0, {}, {})

    # -- Pathfinder
    def _pathfinder(self, qg: dict, logs: list[dict], deadline: float) -> tuple[list[dict], set[str], dict]:
        g = self.graph
        if len(qg.get("paths") or {}) != 1:
            raise TRAPIError(400, "QueryNotTraversable", "a Pathfinder query graph has exactly one path")
        ((pkey, qp),) = qg["paths"].items()
        ends = {}
        for end in ("subject", "object"):
            key = qp.get(end)
            if key not in qg["nodes"]:
                raise TRAPIError(400, "QueryNotTraversable", f"path {pkey}: its {end} {key!r} is not a node of the query graph")
            qn = self._qnode(key, qg["nodes"][key], logs)
            if qn.candidates is None:
                raise TRAPIError(400, "QueryNotTraversable", f"path {pkey}: Pathfinder needs both ends pinned by ids; {key} has none")
            ends[end] = (key, qn, [n for n, origins in qn.candidates.items()
                                   if (n in origins or any(n in g.xref_index.get(o, ()) for o in origins)) and self._node_ok(qn, n)])
        for p in qp.get("predicates") or ():  # what kind of paths are wanted, not a filter on their steps (TRAPI 1.6)
            self._predicate(f"path {pkey}", p)
        constraints = [frozenset(self._category(f"path {pkey}", c) for c in con.get("intermediate_categories") or ())
                       for con in qp.get("constraints") or []]
        (skey, sq, sources), (okey, oq, targets) = ends["subject"], ends["object"]
        if len(sources) * len(targets) > self.limits.max_pairs:
            raise TRAPIError(413, "QueryTooLarge", f"path {pkey}: {len(sources)} × {len(targets)} ends; at most "
                                                   f"{self.limits.max_pairs} pairs")
        results, edge_ids, aux = [], set(), {}
        for s in sources:
            for t in targets:
                if time.monotonic() > deadline:
                    logs.append(_log("WARNING", f"the answer was cut after {self.limits.seconds:g} s", "ResultsTruncated"))
                    return results, edge_ids, aux
                analyses = self._paths(pkey, s, t, constraints, logs, edge_ids, aux)
                if analyses:
                    results.append({"node_bindings": {skey: [_binding(s, sq)], okey: [_binding(t, oq)]}, "analyses": analyses})
        return results, edge_ids, aux

    def _paths(self, pkey: str, s: str, t: str, constraints: list[frozenset[str]], logs: list[dict], edge_ids: set[str],
               aux: dict) -> list[dict]:
        """The analyses of one (source, target) pair: one per signed path that meets a constraint (each of its
        categories on some intermediate node), each path an auxiliary graph."""
        g = self.graph
        found = self.engine.paths(s, t, max_length=self.limits.max_path_length, limit=self.limits.max_paths * 4)
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
            if len(analyses) >= self.limits.max_paths:
                break
        return analyses


def _flat(attributes: list[dict]) -> list[dict]:
    """Attributes with their nested attributes (a quote under its evidence code), which constraints may name."""
    out = []
    for a in attributes:
        out += [a, *_flat(a.get("attributes") or [])]
    return out


def _is_qualifier(curie: str) -> bool:
    """Whether a CURIE names a Biolink qualifier slot."""
    slots = biolink.schema()["slots"]
    name, seen = curie.split(":", 1)[-1].replace("_", " "), set()
    if name in slots and name.endswith(" qualifier"):  # some qualifiers are association slots by is_a
        return True
    while name and name not in seen:
        if name == "qualifier":
            return True
        seen.add(name)
        name = (slots.get(name) or {}).get("is_a")
    return False
