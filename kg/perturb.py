"""What-if: inhibit, activate or knock out nodes and propagate signs downstream.

Each perturbed node starts with a sign (activate +1, inhibit −1, knock out
−1 and removed from the graph so nothing flows through it) and holds it:
what other perturbations do upstream does not change a node that is itself
perturbed, and a path ends where it meets one. Every simple path (up to
``max_length`` edges) from a perturbed node to a node gives that node the
start sign times the path's net sign. A node whose paths agree goes ``up`` or
``down``; one whose paths disagree is ``ambiguous`` and the report keeps an
example path of each sign. Nodes no path reaches are ``unchanged``.

Examples
--------
>>> from kg import OIHKG
>>> r = perturb(OIHKG.open().causal_graph(), inhibit=["HGNC:11850"])
>>> r.effects["oih:hyperalgesic_component"].direction, r.effects["oih:analgesia"].direction
('down', 'unchanged')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from math import prod

import networkx as nx

from kg import vocab
from kg.paths import walk

__all__ = ["Effect", "PerturbResult", "perturb", "A", "H", "P"]

A, H, P = vocab.COMPONENT_A, vocab.COMPONENT_H, vocab.NET_PAIN


@dataclass
class Effect:
    """The predicted change of one node."""

    node: str
    label: str
    direction: str
    paths_up: int = 0
    paths_down: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"node": self.node, "label": self.label, "direction": self.direction, "paths_up": self.paths_up,
                "paths_down": self.paths_down, "examples": self.examples}


@dataclass
class PerturbResult:
    """Effects per reached node, and on A, H and P."""

    inhibit: list[str]
    activate: list[str]
    knockout: list[str]
    effects: dict[str, Effect]
    unknown: list[str]
    inert: list[str] = field(default_factory=list)  # perturbed nodes with no causal edge out: they move nothing

    def summary(self) -> dict[str, str]:
        """Direction of A, H and P."""
        return {k: self.effects[n].direction if n in self.effects else "unchanged" for k, n in (("A", A), ("H", H), ("P", P))}

    def as_dict(self) -> dict:
        return {"inhibit": self.inhibit, "activate": self.activate, "knockout": self.knockout, "unknown": self.unknown, "inert": self.inert,
                "summary": self.summary(), "effects": [e.as_dict() for e in self.effects.values()]}


def perturb(g: nx.MultiDiGraph, inhibit: Iterable[str] = (), activate: Iterable[str] = (),
            knockout: Iterable[str] = (), max_length: int = 8) -> PerturbResult:
    """Propagate a perturbation's sign to every reachable node of the causal graph.

    Parameters
    ----------
    g : MultiDiGraph
        A graph from :func:`kg.graph.causal_graph` (asserted edges).
    inhibit, activate, knockout : iterable of str
        Nodes by CURIE (names are resolved above this module); a node may be perturbed one way only
        (``ValueError`` otherwise).
    max_length : int
        Longest path followed, in edges.
    """
    starts: dict[str, int] = {}
    unknown: list[str] = []
    resolved: dict[str, list[str]] = {"inhibit": [], "activate": [], "knockout": []}
    for kind, names, s0 in (("inhibit", inhibit, -1), ("activate", activate, 1), ("knockout", knockout, -1)):
        for name in names:
            if name not in g:
                unknown.append(name)
                continue
            node = name
            if node in starts:
                raise ValueError(f"{node} is perturbed twice ({', '.join(k for k, v in resolved.items() if node in v)} and {kind})")
            starts[node] = s0
            resolved[kind].append(node)
    # nothing flows into a knocked-out node; its own loss still propagates from it
    knocked = set(resolved["knockout"])
    signs: dict[str, dict[int, list[list[str]]]] = {}
    for start, s0 in starts.items():
        # a path ends at another perturbed node: that node's own perturbation sets what follows
        for target, path in walk(g, start, max_length, set(g) - knocked, frozenset(starts)):
            sign = s0 * prod(g.edges[e]["sign"] for e in path)
            signs.setdefault(target, {1: [], -1: []})[sign].append([start] + [v for _, v, _ in path])
    effects: dict[str, Effect] = {}
    for node, s0 in starts.items():  # a perturbed node holds its own value
        signs.pop(node, None)
        effects[node] = Effect(node, g.nodes[node]["label"], "up" if s0 > 0 else "down", int(s0 > 0), int(s0 < 0),
                               {"up" if s0 > 0 else "down": [node]})
    for node, by_sign in signs.items():
        up, down = by_sign[1], by_sign[-1]
        direction = "ambiguous" if up and down else "up" if up else "down"
        ex = {}
        if up:
            ex["up"] = min(up, key=len)
        if down:
            ex["down"] = min(down, key=len)
        effects[node] = Effect(node, g.nodes[node]["label"], direction, len(up), len(down), ex)
    for node in (A, H, P):
        if node in g and node not in effects:
            effects[node] = Effect(node, g.nodes[node]["label"], "unchanged")
    inert = sorted(n for n in starts if g.out_degree(n) == 0)
    return PerturbResult(resolved["inhibit"], resolved["activate"], resolved["knockout"], effects, unknown, inert)
