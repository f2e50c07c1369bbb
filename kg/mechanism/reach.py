"""What reaches what in a causal graph: the signed adjacency the path searches walk, and the breadth-first distances
that bound them.

:func:`signed_adjacency` (each node's signed successors and predecessors) and the keyed out-edges the depth-first
path search walks are built once for a frozen graph (:func:`prepare`); :func:`distances_from` and
:func:`distances_to` give the fewest edges from a source and, by net sign, to a target, which is what lets
:func:`kg.mechanism.paths.signed_paths` prune. A search past its deadline raises :class:`OutOfTime`.
"""

from __future__ import annotations

import time
import weakref

import networkx as nx

from kg import schema
from kg.schema import contexts

__all__ = ["signed_adjacency", "distances_from", "distances_to", "prepare"]


_ADJACENCY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def signed_adjacency(g: nx.MultiDiGraph) -> tuple[dict[str, tuple[tuple[str, int], ...]], dict[str, tuple[tuple[str, int], ...]]]:
    """Each node's ``(successor, sign)`` and ``(predecessor, sign)`` pairs, parallel edges of one sign merged: what the
    breadth-first searches walk. Kept for a frozen graph (``networkx.freeze``; the engine's graphs are), since on a
    large graph networkx's edge views cost more than the walk itself; built afresh for any other."""
    kept = _ADJACENCY.get(g)
    if kept is not None:
        return kept
    succ: dict[str, set[tuple[str, int]]] = {n: set() for n in g}
    pred: dict[str, set[tuple[str, int]]] = {n: set() for n in g}
    for u, v, e in g.edges(data="sign"):
        succ[u].add((v, e))
        pred[v].add((u, e))
    out = ({n: tuple(sorted(x)) for n, x in succ.items()}, {n: tuple(sorted(x)) for n, x in pred.items()})
    if nx.is_frozen(g):  # only a graph that cannot change keeps its pairs
        _ADJACENCY[g] = out
    return out


def _tick(count: int, deadline: float | None) -> None:
    """Raise :class:`OutOfTime` past ``deadline``, looked at every 1,024 steps of a search."""
    if deadline is not None and count % 1024 == 0 and time.monotonic() > deadline:
        raise OutOfTime


def distances_from(g: nx.MultiDiGraph, source: str, max_length: int, succ: dict | None = None,
                   deadline: float | None = None) -> dict[str, int]:
    """The fewest edges from ``source`` to each node it reaches within ``max_length`` (a breadth-first search)."""
    succ = succ if succ is not None else signed_adjacency(g)[0]
    ahead = {source: 0}
    frontier = [source]
    steps = 0
    for depth in range(1, max_length + 1):
        nxt = []
        for v in frontier:
            for w, _ in succ[v]:
                steps += 1
                _tick(steps, deadline)
                if w not in ahead:
                    ahead[w] = depth
                    nxt.append(w)
        if not nxt:
            break
        frontier = nxt
    return ahead


def distances_to(g: nx.MultiDiGraph, target: str, max_length: int | None = None,
                 ahead: dict[str, int] | None = None, pred: dict | None = None,
                 deadline: float | None = None) -> dict[tuple[str, int], int]:
    """The fewest edges of a walk from each node to ``target`` with each net sign: ``{(node, sign): length}``.

    A breadth-first search over signed nodes (a node paired with the sign of the walk from it to the target, as in
    INDRA's signed-node search), backwards from ``(target, +1)``; it stops at ``max_length``. A walk may repeat a
    node, so this is a lower bound on the shortest *simple* path of that sign, which is what lets a path search prune
    every prefix that cannot end at the target in time, with the wanted sign. Given ``ahead``
    (:func:`distances_from` the source), it enters only nodes the source reaches early enough for a path through them
    to fit in ``max_length``, so its cost follows the part of the graph between the two ends.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", sign=1), g.add_edge("b", "c", sign=-1), g.add_edge("a", "c", sign=1)
    >>> sorted(distances_to(g, "c").items())
    [(('a', -1), 2), (('a', 1), 1), (('b', -1), 1), (('c', 1), 0)]
    """
    pred = pred if pred is not None else signed_adjacency(g)[1]
    dist = {(target, 1): 0}
    frontier = [(target, 1)]
    depth = steps = 0
    while frontier and (max_length is None or depth < max_length):
        depth += 1
        nxt = []
        for v, sign in frontier:
            for u, e in pred[v]:
                steps += 1
                _tick(steps, deadline)
                state = (u, sign * e)
                if ahead is not None and (u not in ahead or ahead[u] + depth > max_length):
                    continue
                if state not in dist:
                    dist[state] = depth
                    nxt.append(state)
        frontier = nxt
    return dist


class OutOfTime(Exception):
    """A search ran past its deadline: the breadth-first searches and the path search raise it, and the path search
    answers what it found by then."""


_KEYED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def keyed_successors(g: nx.MultiDiGraph) -> dict[str, tuple[tuple[str, str, int, int], ...]]:
    """Each node's out-edges as ``(successor, key, sign, citations, contexts)``: what the depth-first path search walks (kept
    for a frozen graph, as :func:`signed_adjacency`)."""
    kept = _KEYED.get(g)
    if kept is not None:
        return kept
    out: dict[str, list] = {n: [] for n in g}
    for u, v, k, d in g.edges(keys=True, data=True):
        # citations scaled below the evidence strength: a path's score ranks by its weakest link, then by citations
        strength = schema.evidence_strength(d["evidence"]["evidence_type"])[0]
        out[u].append((v, k, d["sign"], (len(d["evidence"]["citations"]), strength), contexts.closure(d.get("context", ""))))
    frozen = {n: tuple(x) for n, x in out.items()}
    if nx.is_frozen(g):
        _KEYED[g] = frozen
    return frozen


def prepare(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Build the search pairs of a frozen graph now (:func:`signed_adjacency` and the keyed out-edges), so no
    question pays for them; returns the graph."""
    signed_adjacency(g)
    keyed_successors(g)
    return g
