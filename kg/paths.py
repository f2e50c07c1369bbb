"""Signed causal paths between two entities (INDRA-style results with a status).

Examples
--------
>>> from kg import OIHKG
>>> res = signed_paths(OIHKG.open().causal_graph(), "HGNC:11850", "oih:hyperalgesic_component")
>>> res.status.value, res.paths[0].sign
('found', 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from math import prod

import networkx as nx


__all__ = ["PathStatus", "SignedPath", "PathResult", "signed_paths", "all_signed_paths", "walk"]


class PathStatus(str, Enum):
    """Why a path search ended."""

    found = "found"
    no_path = "no_path"
    unknown_node = "unknown_node"


@dataclass(frozen=True)
class SignedPath:
    """One simple path: its nodes, its edges with evidence, and its net sign (product of edge signs)."""

    nodes: tuple[str, ...]
    edges: tuple[dict, ...]
    sign: int

    @property
    def length(self) -> int:
        return len(self.edges)

    @property
    def evidence_count(self) -> int:
        return sum(len(e["citations"]) for e in self.edges)

    def as_dict(self) -> dict:
        return {"nodes": list(self.nodes), "sign": self.sign, "length": self.length, "edges": list(self.edges)}


@dataclass
class PathResult:
    """The answer of :func:`signed_paths`: a status, a message, and the ranked paths."""

    status: PathStatus
    source: str
    target: str
    paths: list[SignedPath] = field(default_factory=list)
    message: str = ""
    diagnosis: dict | None = None

    def as_dict(self) -> dict:
        return {"status": self.status.value, "source": self.source, "target": self.target, "message": self.message,
                "diagnosis": self.diagnosis, "paths": [p.as_dict() for p in self.paths]}


def _edge(g: nx.MultiDiGraph, u: str, v: str, key: str) -> dict:
    d = g.edges[u, v, key]
    return {"subject": u, "subjectLabel": g.nodes[u]["label"], "relation": d["relation"], "object": v,
            "objectLabel": g.nodes[v]["label"], "sign": d["sign"], "inferred": d["inferred"], "via": d.get("via", ""),
            "citations": list(d["evidence"]["citations"]), "quote": d["evidence"]["quote"],
            "evidence_type": d["evidence"]["evidence_type"]}


def _path(g: nx.MultiDiGraph, source: str, edge_path) -> SignedPath:
    edges = tuple(_edge(g, u, v, k) for u, v, k in edge_path)
    return SignedPath((source, *(e["object"] for e in edges)), edges, prod(e["sign"] for e in edges))


def _rank(p: SignedPath) -> tuple:
    return p.length, -p.evidence_count, p.nodes


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
    """Every simple path of at most ``max_length`` edges between every ordered pair, ranked per pair.

    One depth-first walk per source node, so the cost follows the number of
    paths rather than the number of node pairs.
    """
    out: dict[tuple[str, str], list[SignedPath]] = {}
    for s in g:
        for end, edge_path in walk(g, s, max_length):
            out.setdefault((s, end), []).append(_path(g, s, edge_path))
    for paths in out.values():
        paths.sort(key=_rank)
    return out


def signed_paths(g: nx.MultiDiGraph, source: str, target: str, max_length: int = 6, sign: int | None = None,
                 limit: int = 100) -> PathResult:
    """Simple paths from ``source`` to ``target`` of at most ``max_length`` edges, with net signs.

    Paths are ranked shortest first, then by how many citations back them.

    Parameters
    ----------
    g : MultiDiGraph
        A graph from :func:`kg.graph.causal_graph`.
    source, target : str
        CURIEs (names are resolved above this module, by :class:`kg.catalog.Catalog`).
    max_length : int
        Longest path, in edges.
    sign : {1, -1}, optional
        Keep only paths of this net sign.
    limit : int
        Most paths returned.
    """
    s, t = source, target
    if s not in g or t not in g:
        missing = [n for n in (source, target) if n not in g]
        return PathResult(PathStatus.unknown_node, source, target, message=f"not in the causal graph: {', '.join(map(repr, missing))}",
                          diagnosis={"reason": "not_in_graph", "names": missing})
    found = []
    reach = nx.descendants(g, s) if s != t else set()
    if t in reach:
        # only nodes between s and t can be on a path: walk those alone
        for end, edge_path in walk(g, s, max_length, (reach & nx.ancestors(g, t)) | {t}):
            if end == t:
                p = _path(g, s, edge_path)
                if sign is None or p.sign == sign:
                    found.append(p)
    found.sort(key=_rank)
    if not found:
        message, diagnosis = _why_none(g, s, t, reach, max_length, sign)
        return PathResult(PathStatus.no_path, s, t, message=message, diagnosis=diagnosis)
    return PathResult(PathStatus.found, s, t, found[:limit], f"{len(found)} path(s)")


def _why_none(g: nx.MultiDiGraph, s: str, t: str, reach: set[str], max_length: int, sign: int | None) -> tuple[str, dict]:
    """Why no path was found, as a sentence and as data: ``unreachable`` (at any length), ``too_long`` (with the
    shortest length), or ``wrong_sign`` (with the shortest path of the other sign, if any).

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
    if t not in reach:
        return f"{t} cannot be reached from {s} at any length", {"reason": "unreachable"}
    shortest = nx.shortest_path_length(g, s, t)
    if shortest > max_length:
        return (f"no path of at most {max_length} edges; the shortest has {shortest}",
                {"reason": "too_long", "max_length": max_length, "shortest_length": shortest})
    other = signed_paths(g, s, t, max_length=max_length, sign=-sign, limit=1)
    shown = f"; the shortest {'+' if -sign > 0 else '-'} path has {other.paths[0].length} edge(s)" if other.paths else ""
    best = other.paths[0] if other.paths else None
    return (f"no {'+' if sign > 0 else '-'} path of at most {max_length} edges{shown}",
            {"reason": "wrong_sign", "sign": sign, "max_length": max_length,
             "other_sign_shortest": {"nodes": list(best.nodes), "sign": best.sign, "length": best.length} if best else None})
