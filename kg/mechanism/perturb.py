"""What-if: inhibit, activate or knock out nodes and propagate signs downstream.

Each perturbed node starts with a sign (activate +1, inhibit −1, knock out
−1 and removed from the graph so nothing flows through it) and holds it:
what other perturbations do upstream does not change a node that is itself
perturbed, and a path ends where it meets one. The signs spread by a
breadth-first search over signed nodes (a node paired with the net sign that
reaches it, as in INDRA's signed-node search), up to ``max_length`` edges: a
node reached with +1 only goes ``up``, with −1 only ``down``, with both
``ambiguous``, and the report keeps a shortest path of each sign. Nodes not
reached are ``unchanged``. The cost follows the size of the graph (each node
is visited at most twice), not the number of paths, so it stays bounded on
large graphs; a path may pass round a feedback loop, which is how a loop that
flips the sign makes what follows it ambiguous.

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

import networkx as nx

from kg import schema
from kg.present.notebook import EffectsTable
from kg.mechanism.paths import signed_adjacency

__all__ = ["Effect", "PerturbResult", "perturb", "A", "H", "P"]

A, H, P = schema.COMPONENT_A, schema.COMPONENT_H, schema.NET_PAIN


@dataclass
class Effect:
    """The predicted change of one node."""

    node: str
    label: str
    direction: str
    shortest_up: int | None = None  # edges of the shortest path that raises it, if any
    shortest_down: int | None = None
    examples: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"node": self.node, "label": self.label, "direction": self.direction, "shortest_up": self.shortest_up,
                "shortest_down": self.shortest_down, "examples": self.examples}


@dataclass
class PerturbResult(EffectsTable):
    """Effects per reached node, and on A, H and P; in a notebook, a table of one row per effect, A, H and P first
    (:mod:`kg.present.notebook`)."""

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
        A graph from :func:`kg.mechanism.graph.causal_graph` (asserted edges).
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
    succ = signed_adjacency(g)[0]
    parent: dict[tuple[str, int], tuple[str, int] | None] = {(n, s0): None for n, s0 in starts.items()}
    depth = {state: 0 for state in parent}
    frontier = list(parent)
    for d in range(1, max_length + 1):
        nxt = []
        for v, sign in frontier:
            if d > 1 and v in starts:  # a path ends at another perturbed node: its own perturbation sets what follows
                continue
            for w, e in succ[v]:
                state = (w, sign * e)
                if w not in knocked and state not in parent:
                    parent[state], depth[state] = (v, sign), d
                    nxt.append(state)
        frontier = nxt

    def example(state: tuple[str, int]) -> list[str]:
        out = []
        while state is not None:
            out.append(state[0])
            state = parent[state]
        return out[::-1]

    effects: dict[str, Effect] = {}
    for node, s0 in starts.items():  # a perturbed node holds its own value
        way = "up" if s0 > 0 else "down"
        effects[node] = Effect(node, g.nodes[node]["label"], way, 0 if s0 > 0 else None, 0 if s0 < 0 else None, {way: [node]})
    for node in sorted({v for v, _ in parent} - set(starts)):
        up, down = (node, 1) in parent, (node, -1) in parent
        direction = "ambiguous" if up and down else "up" if up else "down"
        effects[node] = Effect(node, g.nodes[node]["label"], direction, depth.get((node, 1)), depth.get((node, -1)),
                               {k: example((node, sg)) for k, sg in (("up", 1), ("down", -1)) if (node, sg) in parent})
    for node in (A, H, P):
        if node in g and node not in effects:
            effects[node] = Effect(node, g.nodes[node]["label"], "unchanged")
    inert = sorted(n for n in starts if g.out_degree(n) == 0)
    return PerturbResult(resolved["inhibit"], resolved["activate"], resolved["knockout"], effects, unknown, inert)
