"""Signed causal paths between two entities (INDRA-style results with a status).

Examples
--------
>>> from kg import OIHKG
>>> res = signed_paths(OIHKG.open().causal_graph(), "HGNC:11850", "oih:hyperalgesic_component")
>>> res.status.value, res.paths[0].sign
('found', 1)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from math import prod

import networkx as nx

from kg.schema import contexts
from kg import schema
from kg.mechanism.reach import OutOfTime, distances_from, distances_to, keyed_successors, prepare, signed_adjacency
from kg.present.notebook import PathsTable, PathTable

__all__ = ["PathStatus", "SignedPath", "PathResult", "signed_paths", "all_signed_paths", "walk", "distances_to", "distances_from", "signed_adjacency", "prepare", "BUDGET"]


class PathStatus(str, Enum):
    """Why a path search ended."""

    found = "found"
    no_path = "no_path"
    unknown_node = "unknown_node"


@dataclass(frozen=True)
class SignedPath(PathTable):
    """One simple path: its nodes, its edges with evidence, and its net sign (product of edge signs); a table."""

    nodes: tuple[str, ...]
    edges: tuple[dict, ...]
    sign: int

    @property
    def length(self) -> int:
        return len(self.edges)

    @property
    def contexts(self) -> tuple[str, ...]:
        """The contexts the path holds in, most specific first named (``()``: every context; :mod:`kg.schema.contexts`)."""
        return contexts.most_specific(contexts.joint(e.get("context", "") for e in self.edges) or ())

    @property
    def evidence_count(self) -> int:
        return sum(len(e["citations"]) for e in self.edges)

    @property
    def weakest_evidence(self) -> str:
        """The weakest evidence the path rests on (:func:`kg.schema.evidence_strength`): a cited statement of the
        text, an uncited author statement, a curator inference or an imported statement."""
        return min((schema.evidence_strength(e["evidence_type"]) for e in self.edges), default=(3, ""))[1]

    def as_dict(self) -> dict:
        return {"nodes": list(self.nodes), "sign": self.sign, "length": self.length, "contexts": list(self.contexts),
                "weakest_evidence": self.weakest_evidence, "edges": list(self.edges)}


@dataclass
class PathResult(PathsTable):
    """The answer of :func:`signed_paths`: a status, a message, and the ranked paths (a table: :mod:`kg.present.notebook`)."""

    status: PathStatus
    source: str
    target: str
    paths: list[SignedPath] = field(default_factory=list)
    message: str = ""
    diagnosis: dict | None = None
    complete: bool = True  # False when the time budget cut the search short

    def as_dict(self) -> dict:
        return {"status": self.status.value, "source": self.source, "target": self.target, "message": self.message,
                "diagnosis": self.diagnosis, "complete": self.complete, "paths": [p.as_dict() for p in self.paths]}


def _edge(g: nx.MultiDiGraph, u: str, v: str, key: str) -> dict:
    d = g.edges[u, v, key]
    return {"subject": u, "subjectLabel": g.nodes[u]["label"], "relation": d["relation"], "object": v,
            "objectLabel": g.nodes[v]["label"], "sign": d["sign"], "inferred": d["inferred"], "via": d.get("via", ""),
            "context": d.get("context", ""), "inverse_of": d.get("inverse_of", ""),
            "citations": list(d["evidence"]["citations"]), "quote": d["evidence"]["quote"],
            "evidence_type": d["evidence"]["evidence_type"]}


def _path(g: nx.MultiDiGraph, source: str, edge_path) -> SignedPath:
    edges = tuple(_edge(g, u, v, k) for u, v, k in edge_path)
    return SignedPath((source, *(e["object"] for e in edges)), edges, prod(e["sign"] for e in edges))


def _rank(p: SignedPath) -> tuple:
    return p.length, -min(schema.evidence_strength(e["evidence_type"])[0] for e in p.edges), -p.evidence_count, p.nodes


def walk(g: nx.MultiDiGraph, s: str, max_length: int, allowed: set[str] | None = None, stop: frozenset[str] = frozenset()):
    """Yield ``(end, edge_path)`` for every simple path from ``s`` of 1..max_length edges.

    Paths enter only nodes in ``allowed`` (all when None) and end at, rather than pass
    through, nodes in ``stop``. One depth-first walk: its cost follows the number of paths.
    """
    stack = [(s, (), frozenset((s,)))]
    while stack:
        node, edge_path, seen = stack.pop()
        if edge_path:
            yield node, edge_path
            if node in stop:
                continue
        if len(edge_path) == max_length:
            continue
        for _, v, k in g.out_edges(node, keys=True):
            if v not in seen and (allowed is None or v in allowed):
                stack.append((v, (*edge_path, (node, v, k)), seen | {v}))


def all_signed_paths(g: nx.MultiDiGraph, max_length: int = 8) -> dict[tuple[str, str], list[SignedPath]]:
    """Every simple path of at most ``max_length`` edges between every ordered pair, ranked per pair (none joining
    statements of contexts that exclude each other).

    One depth-first walk per source node, so the cost follows the number of
    paths rather than the number of node pairs.
    """
    out: dict[tuple[str, str], list[SignedPath]] = {}
    for s in g:
        for end, edge_path in walk(g, s, max_length):
            if contexts.joint(g.edges[e].get("context", "") for e in edge_path) is not None:  # statements that can hold together
                out.setdefault((s, end), []).append(_path(g, s, edge_path))
    for paths in out.values():
        paths.sort(key=_rank)
    return out


#: Seconds a path search may take by default; what it found by then is answered, marked incomplete.
BUDGET = 2.0


def _paths_of_length(g: nx.MultiDiGraph, s: str, t: str, length: int, sign: int | None, dist: dict, deadline: float,
                     succ: dict | None = None):
    """Yield ``((citations, weakest evidence strength), edge_path)`` for every simple path from ``s`` to ``t`` of exactly ``length`` edges (and net
    ``sign``, if given), depth first, entering only nodes from which :func:`distances_to` says ``t`` can still be
    reached in time with the sign still needed. Raises :class:`OutOfTime` past ``deadline`` (``time.monotonic``),
    looked at every 1024 edges scanned, so a hub's long edge list cannot hold it."""
    never = length + 1
    succ = succ if succ is not None else keyed_successors(g)
    useful: dict[str, tuple] = {}  # each node's edges towards nodes that can reach t at all: a hub's dead ends go once
    stack = [(s, (), frozenset((s,)), 1, (0, 3), frozenset())]
    scanned = 0
    while stack:
        node, path, seen, net, cites, held = stack.pop()
        left = length - len(path) - 1  # edges still to walk after the next one
        if node not in useful:
            kept = []
            for edge in succ[node]:
                scanned += 1
                if scanned % 1024 == 0 and time.monotonic() > deadline:
                    raise OutOfTime
                if edge[0] == t or (edge[0], 1) in dist or (edge[0], -1) in dist:
                    kept.append(edge)
            useful[node] = tuple(kept)
        for v, k, e, c, where in useful[node]:
            scanned += 1
            if scanned % 1024 == 0 and time.monotonic() > deadline:
                raise OutOfTime
            if v in seen:
                continue
            if where and not where <= held:  # a statement of a context: the path must still hold somewhere
                joined = held | where
                if contexts.excluded(joined):
                    continue
            else:
                joined = held
            signed = net * e
            if v == t:  # a simple path ends at its target
                if left == 0 and (sign is None or signed == sign):
                    yield _score(cites, c), (*path, (node, v, k))
                continue
            if sign is None:
                need = min(dist.get((v, 1), never), dist.get((v, -1), never))
            else:
                need = dist.get((v, sign * signed), never)
            if need <= left:
                stack.append((v, (*path, (node, v, k)), seen | {v}, signed, _score(cites, c), joined))


def _score(path: tuple[int, int], edge: tuple[int, int]) -> tuple[int, int]:
    """A path's ``(citations, weakest evidence strength)`` after one more edge."""
    return path[0] + edge[0], min(path[1], edge[1])


def _best(level: list[tuple[tuple[int, int], tuple, tuple]], keep: int) -> list[tuple[tuple[int, int], tuple, tuple]]:
    """The ``keep`` best paths of one length, ranked as :func:`_rank` ranks them (strongest weakest link, most
    cited, then by nodes)."""
    return sorted(level, key=lambda x: (-x[0][1], -x[0][0], x[1]))[:keep]


def signed_paths(g: nx.MultiDiGraph, source: str, target: str, max_length: int = 6, sign: int | None = None,
                 limit: int = 100, budget: float = BUDGET) -> PathResult:
    """The ``limit`` best simple paths from ``source`` to ``target`` of at most ``max_length`` edges, with net signs.

    Paths are ranked shortest first, then by how many citations back them. The search is bounded: it finds paths one
    length at a time (every path of that length, so the ranking within it is exact), prunes every prefix that cannot
    reach the target in time with the wanted sign (:func:`distances_to`), stops after the length at which ``limit``
    paths are in hand, and answers what it has when ``budget`` seconds are spent (``complete`` False).

    Parameters
    ----------
    g : MultiDiGraph
        A graph from :func:`kg.mechanism.graph.causal_graph`.
    source, target : str
        CURIEs (names are resolved above this module, by :class:`kg.catalog.Catalog`).
    max_length : int
        Longest path, in edges.
    sign : {1, -1}, optional
        Keep only paths of this net sign.
    limit : int
        Most paths returned (k).
    budget : float
        Seconds the search may take.
    """
    s, t = source, target
    if s not in g or t not in g:
        missing = [n for n in (source, target) if n not in g]
        return PathResult(PathStatus.unknown_node, source, target, message=f"not in the causal graph: {', '.join(map(repr, missing))}",
                          diagnosis={"reason": "not_in_graph", "names": missing})
    deadline = time.monotonic() + budget
    (forward, backward), keyed = signed_adjacency(g), keyed_successors(g)  # once per search, frozen graph or not
    found: list[SignedPath] = []
    complete, searched = True, max_length
    level: list[tuple[int, tuple, tuple]] = []  # (citations, nodes, edge path) of the length being searched
    total = 0  # every path found, kept or not
    try:
        ahead = distances_from(g, s, max_length, forward, deadline) if s != t else {}
        for length in range(ahead.get(t, max_length + 1), max_length + 1):
            # the backward search is bounded by this length, so a short answer costs only the graph near both ends
            dist = distances_to(g, t, length, ahead, backward, deadline)
            keep, level = limit - len(found), []
            for cites, edge_path in _paths_of_length(g, s, t, length, sign, dist, deadline, keyed):
                total += 1
                level.append((cites, (s, *(v for _, v, _ in edge_path)), edge_path))
                if len(level) > 2 * keep + 1000:  # bounded memory: only the best `keep` of a length can be answered
                    level = _best(level, keep)
            found += [_path(g, s, p) for _, _, p in _best(level, keep)]
            level = []
            if len(found) >= limit:
                searched = length
                break
            if length < max_length and time.monotonic() > deadline:
                raise OutOfTime
    except OutOfTime:  # the paths of the level cut short are the best found of that length
        complete = False
        found += [_path(g, s, p) for _, _, p in _best(level, limit - len(found))]
    if not found:
        if not complete:
            return PathResult(PathStatus.no_path, s, t, message=f"no path found within the {budget:g} s budget",
                              diagnosis={"reason": "out_of_time", "budget": budget}, complete=False)
        try:
            message, diagnosis, complete = _why_none(g, s, t, max_length, sign, deadline, forward)
        except OutOfTime:
            message, diagnosis, complete = (f"no path found within the {budget:g} s budget",
                                            {"reason": "out_of_time", "budget": budget}, False)
        return PathResult(PathStatus.no_path, s, t, message=message, diagnosis=diagnosis, complete=complete)
    if not complete:
        message = f"{total} path(s) (the {budget:g} s budget ran out: longer or less supported paths may be missing)"
    elif searched < max_length:
        message = f"{total} path(s) of at most {searched} edges (longer ones not counted)"
    else:
        message = f"{total} path(s)"
    return PathResult(PathStatus.found, s, t, found[:limit], message, complete=complete)


def _why_none(g: nx.MultiDiGraph, s: str, t: str, max_length: int, sign: int | None, deadline: float,
              succ: dict) -> tuple[str, dict, bool]:
    """Why no path was found, as a sentence and as data: ``unreachable`` (at any length), ``too_long`` (with the
    shortest length), ``contexts_exclude`` (every route joins statements of contexts that exclude each other), or
    ``wrong_sign`` (with the shortest path of the other sign, if any); and whether that answer
    is complete (False when the search for the other sign ran out of time). Raises :class:`OutOfTime` past
    ``deadline``.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("a", "b", key="r", sign=-1, relation="r", inferred=False, evidence={"citations": (), "quote": "", "evidence_type": ""})
    'r'
    >>> for n in g: g.nodes[n]["label"] = n
    >>> signed_paths(g, "a", "b", sign=1).diagnosis
    {'reason': 'wrong_sign', 'sign': 1, 'max_length': 6, 'other_sign_shortest': {'nodes': ['a', 'b'], 'sign': -1, 'length': 1}}
    >>> signed_paths(g, "b", "a").diagnosis["reason"]
    'unreachable'
    """
    shortest = distances_from(g, s, len(g), succ, deadline).get(t) if s != t else None
    if shortest is None:
        return f"{t} cannot be reached from {s} at any length", {"reason": "unreachable"}, True
    if shortest > max_length:
        return (f"no path of at most {max_length} edges; the shortest has {shortest}",
                {"reason": "too_long", "max_length": max_length, "shortest_length": shortest}, True)
    excluded = (f"every route of at most {max_length} edges joins statements of contexts that exclude each other "
                "(acute with chronic, or OIH with tolerance)", {"reason": "contexts_exclude", "max_length": max_length})
    if sign is None:  # reachable, yet no path: only through statements that cannot hold together
        return (*excluded, True)
    other = signed_paths(g, s, t, max_length=max_length, sign=None, limit=1, budget=max(0.0, deadline - time.monotonic()))
    if other.status is PathStatus.no_path and (other.diagnosis or {}).get("reason") == "contexts_exclude":
        return (*excluded, True)
    shown = f"; the shortest {'+' if -sign > 0 else '-'} path has {other.paths[0].length} edge(s)" if other.paths else ""
    best = other.paths[0] if other.paths else None
    return (f"no {'+' if sign > 0 else '-'} path of at most {max_length} edges{shown}",
            {"reason": "wrong_sign", "sign": sign, "max_length": max_length,
             "other_sign_shortest": {"nodes": list(best.nodes), "sign": best.sign, "length": best.length} if best else None},
            other.complete)
