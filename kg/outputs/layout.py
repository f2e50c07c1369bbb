"""The map's designed layout: computed once in Python, shipped with the data, never recomputed in the page.

The causal flow reads left to right, one column per causal level (:func:`kg.outputs.map.causal_levels`), and top to bottom
on an anatomical frame: one horizontal lane per mechanism module (the text's pathways: μ-opioid receptor analgesia and
descending facilitation in the brainstem above, the spinal dynorphin, NMDA / central-sensitisation and glial
modules below). A node that belongs to several modules sits in the one it has most links into; a node that belongs to
none sits in a gutter between two lanes, the one nearest its links, so no area holds a node that is not its member
and no two areas overlap. Bands drop in that order onto a skyline kept per column, so a gutter's nodes rise beside
the areas above them and a lane only clears the columns it spans. Inside each lane, a column's nodes are ordered by
the barycentre of their neighbours (a few sweeps, the order with the fewest edge crossings kept). The force-directed
view is a seeded spring layout with its overlaps pushed apart, also computed here. Sizes are estimated from the
wrapped label with metrics measured in Chromium; the page's tests measure the drawn boxes.

Examples
--------
>>> wrap("NMDA selective glutamate receptor complex")
'NMDA selective\\nglutamate\\nreceptor\\ncomplex'
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["FONT", "OPTIONS", "FORCE_OPTIONS", "MODULE_ORDER", "wrap", "size", "offset", "map_layouts", "flow_layout",
           "force_layout", "crossings", "overlaps", "area_overlaps"]

#: The node label size in canvas units; the page keeps the scale at which it reads as 12 px or more on screen.
FONT = 18
#: The lanes from top to bottom: supraspinal (PAG/RVM) modules above the spinal ones.
MODULE_ORDER = ["oih:mor_analgesic_pathway", "oih:descending_facilitation_pathway", "oih:dynorphin_pathway",
                "oih:nmda_central_sensitization_pathway", "oih:glial_neuroinflammatory_pathway"]
#: The map's vis.js options (kg/outputs/map.py ships them): positions come with the nodes, so vis.js runs no layout, no physics.
OPTIONS: dict[str, Any] = {
    "layout": {"randomSeed": 7, "improvedLayout": False, "hierarchical": {"enabled": False}},
    "physics": {"enabled": False},
    "interaction": {"hover": True, "navigationButtons": False, "tooltipDelay": 150, "dragNodes": False,
                    "keyboard": {"enabled": True, "bindToWindow": False}},  # arrows pan, +/- zoom once the map has focus
    "nodes": {"font": {"size": FONT, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}, "borderWidth": 1},
    "edges": {"smooth": {"type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.4}, "width": 1.4,
              "font": {"size": 12, "align": "middle"}},
}
#: The force-directed view, a choice of the page: its positions also come from here (:func:`force_layout`).
FORCE_OPTIONS: dict[str, Any] = {"edges": {"smooth": {"type": "continuous", "roundness": 0.3}}}
#: Shapes whose label is drawn inside them (vis.js); the others carry it below.
INSIDE = {"ellipse", "box", "circle", "database", "text"}
#: Label metrics measured in Chromium (vis.js, sans-serif): character width and line height in canvas units.
CHAR, LINE, GAP, COLUMN_GAP, HEADER, SPLIT = 0.48 * FONT, 1.0 * FONT, 16, 36, 34, 3


def wrap(label: str, width: int = 15) -> str:
    """``label`` broken at spaces into lines of at most ``width`` characters (a longer word keeps its own line whole),
    so vis.js never breaks a word in two."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def size(label: str, shape: str) -> tuple[float, float]:
    """The estimated width and height (canvas units) of a node drawn with this wrapped label and shape."""
    lines = label.split("\n")
    w, h = max(len(s) for s in lines) * CHAR, len(lines) * LINE
    if shape == "ellipse":  # vis.js: an ellipse is as wide as its text plus its height, twice as tall as its text
        return w + h + 6, 2 * h + 4
    if shape in INSIDE:
        return w + 16, h + 24
    return max(w, 32) + 4, 32 + h  # the shape above, its label below


def offset(label: str, shape: str) -> float:
    """How far below the node's position the centre of its box lies: a shape drawn with its label below it has its
    position at the shape's centre, so its box reaches further down than up."""
    return 0.0 if shape in INSIDE else len(label.split("\n")) * LINE / 2


def _primary(nodes: dict, links: dict[str, set[str]], modules: list[str]) -> dict[str, str]:
    """Each module member's one lane: its module with the most links into it (the first in lane order on a tie)."""
    out = {}
    for c, n in nodes.items():
        own = [p for p in modules if p in n["pathways"] or c == p]
        if own:
            out[c] = max(own, key=lambda p: (sum(p in nodes[m]["pathways"] for m in links.get(c, ())), -modules.index(p)))
    return out


def _gutters(nodes: dict, links: dict[str, set[str]], lane: dict[str, str], modules: list[str]) -> dict[str, int]:
    """For each node in no module, the gutter it sits in: gutter k lies above lane k (the last one below every lane),
    the one nearest the mean lane of its links; followed through chains of such nodes; outcomes with no link end in
    the last gutter, inputs in the first."""
    where = {c: modules.index(p) for c, p in lane.items()}
    out: dict[str, int] = {}
    rest = sorted(set(nodes) - set(lane))
    for _ in range(4):
        for c in rest:
            around = [where[m] for m in links.get(c, ()) if m in where] or [out[m] - 0.5 for m in links.get(c, ()) if m in out]
            if around:
                mean = sum(around) / len(around)
                out[c] = min(range(len(modules) + 1), key=lambda k: (abs(k - 0.5 - mean), k))
    for c in rest:
        out.setdefault(c, len(modules) if nodes[c]["category"] in ("phenotype", "quantity", "condition") else 0)
    return out


def flow_layout(nodes: dict[str, dict], links: dict[str, set[str]], labels: dict[str, str],
                shapes: dict[str, str]) -> dict[str, Any]:
    """The causal-flow layout: positions, module areas and the sizes used.

    Parameters
    ----------
    nodes : dict
        The map's nodes by CURIE, each with ``level``, ``pathways``, ``category`` and ``label``.
    links : dict
        Each node's neighbours by the asserted edges (and the undrawn anchors of the unlinked ones).
    labels, shapes : dict
        The wrapped label and vis.js shape of each node.

    Returns
    -------
    dict
        ``positions`` (id → [x, y]), ``areas`` (one per module: ``id``, ``label``, ``x``, ``y``, ``w``, ``h``), and
        ``boxes`` (id → the estimated box of the node and its label: left, top, right, bottom).
    """
    modules = [p for p in MODULE_ORDER if p in nodes] + sorted(c for c, n in nodes.items()
                                                              if n["category"] == "pathway" and c not in MODULE_ORDER)
    lane = _primary(nodes, links, modules)
    gutter = _gutters(nodes, links, lane, modules)
    band = {c: 2 * modules.index(p) + 1 for c, p in lane.items()} | {c: 2 * k for c, k in gutter.items()}
    dims = {c: size(labels[c], shapes[c]) for c in nodes}
    off = {c: offset(labels[c], shapes[c]) for c in nodes}
    levels = sorted({n["level"] for n in nodes.values()})
    cells: dict[tuple[int, int], list[str]] = {}
    for c in sorted(nodes):
        cells.setdefault((band[c], nodes[c]["level"]), []).append(c)
    # a cell of SPLIT nodes or more is laid out two abreast; columns as wide as their widest cell, bands as tall as
    # their tallest cell
    half = {k: max(dims[c][0] for c in ids) for k, ids in cells.items()}
    x, left = {}, 0.0
    for lv in levels:
        w = max(2 * half[k] + GAP if len(ids) >= SPLIT else half[k] for k, ids in cells.items() if k[1] == lv)
        x[lv], left = left + w / 2, left + w + COLUMN_GAP
    bands = sorted({b for b, _ in cells})

    def rows(ids: list[str]) -> list[list[str]]:
        return [ids[i:i + 2] for i in range(0, len(ids), 2)] if len(ids) >= SPLIT else [[c] for c in ids]

    def stack(k: tuple, ids: list[str], y: float, pos: dict) -> None:
        for r in rows(ids):
            h = max(dims[c][1] for c in r) + GAP
            for i, c in enumerate(r):
                dx = 0 if len(ids) < SPLIT else (half[k] + GAP) / 2 * (1 if i else -1)
                pos[c] = [x[k[1]] + dx, y + h / 2 - off[c]]
            y += h

    # bands drop in order onto a skyline kept per column: a lane (a module's area) is a rectangle over the columns it
    # spans, so it starts below the lowest thing above it there; a gutter's nodes rise in their own column to what is
    # above them, so no band is taller than it needs to be and the order top to bottom holds in every column
    def place(order: dict) -> dict[str, list[float]]:
        pos, sky = {}, {lv: 0.0 for lv in levels}
        for b in bands:
            mine = {k: ids for k, ids in order.items() if k[0] == b}
            height = {k: sum(max(dims[c][1] for c in r) + GAP for r in rows(ids)) for k, ids in mine.items()}
            if b % 2:
                span = [lv for lv in levels if min(k[1] for k in mine) <= lv <= max(k[1] for k in mine)]
                top, tall = max(sky[lv] for lv in span) + GAP, max(height.values())
                for k, ids in mine.items():
                    stack(k, ids, top + HEADER + (tall - height[k]) / 2, pos)
                for lv in span:
                    sky[lv] = top + HEADER + tall + GAP
            else:
                for k, ids in mine.items():
                    stack(k, ids, sky[k[1]] + GAP, pos)
                    sky[k[1]] += GAP + height[k]
        return pos

    order = {k: list(v) for k, v in cells.items()}
    pos = place(order)
    best = (crossings(pos, links), {k: list(v) for k, v in order.items()})
    for _ in range(8):  # barycentre sweeps inside each cell; the best order is kept
        for k, ids in order.items():
            ids.sort(key=lambda c: sum(pos[m][1] for m in links.get(c, ()) if m in pos) / max(1, len(links.get(c, ()))))
        pos = place(order)
        n = crossings(pos, links)
        if n < best[0]:
            best = (n, {k: list(v) for k, v in order.items()})
    pos = place(best[1])
    boxes = {c: (pos[c][0] - dims[c][0] / 2, pos[c][1] + off[c] - dims[c][1] / 2, pos[c][0] + dims[c][0] / 2,
                 pos[c][1] + off[c] + dims[c][1] / 2) for c in pos}
    areas = []
    for p in modules:
        members = [c for c in nodes if lane.get(c) == p]
        if not members:
            continue
        x0, y0 = min(boxes[c][0] for c in members) - 14, min(boxes[c][1] for c in members) - HEADER
        x1, y1 = max(boxes[c][2] for c in members) + 14, max(boxes[c][3] for c in members) + 8
        areas.append({"id": p, "label": nodes[p]["label"] if p in nodes else p, "x": round(x0), "y": round(y0),
                      "w": round(x1 - x0), "h": round(y1 - y0), "members": sorted(members)})
    return {"positions": {c: [round(v[0]), round(v[1])] for c, v in pos.items()}, "areas": areas, "boxes": boxes}


def force_layout(nodes: dict, links: dict[str, set[str]], labels: dict[str, str], shapes: dict[str, str],
                 seed: int = 7) -> dict[str, list[int]]:
    """The force-directed view: a seeded spring layout of the linked graph, scaled and then pushed apart (at most 300
    rounds) until no two estimated node boxes overlap."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(sorted(nodes))
    g.add_edges_from((a, b) for a in sorted(links) for b in sorted(links[a]) if a in nodes and b in nodes)
    g.add_edges_from((c, p) for c in sorted(nodes) for p in nodes[c]["pathways"] if p in nodes)  # a pathway by its members
    raw = nx.spring_layout(g, seed=seed, k=1.6 / math.sqrt(max(1, len(g))), iterations=200)
    dims = {c: size(labels[c], shapes[c]) for c in nodes}
    off = {c: offset(labels[c], shapes[c]) for c in nodes}
    # spread to the canvas's proportions (wider than tall), then push apart; each position the centre of its box
    lo = [min(float(v[i]) for v in raw.values()) for i in (0, 1)]
    span = [max(float(v[i]) for v in raw.values()) - lo[i] or 1.0 for i in (0, 1)]
    pos = {c: [(float(v[0]) - lo[0]) / span[0] * 2200, (float(v[1]) - lo[1]) / span[1] * 1400 + off[c]] for c, v in raw.items()}
    ids = sorted(pos)
    for _ in range(300):
        moved = False
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                dx, dy = pos[b][0] - pos[a][0], pos[b][1] - pos[a][1]
                ox = (dims[a][0] + dims[b][0]) / 2 + 8 - abs(dx)
                oy = (dims[a][1] + dims[b][1]) / 2 + 8 - abs(dy)
                if ox > 0 and oy > 0:  # push apart along the axis that needs less
                    moved = True
                    if ox < oy:
                        s = (ox / 2 + 0.5) * (1 if dx >= 0 else -1)
                        pos[a][0] -= s
                        pos[b][0] += s
                    else:
                        s = (oy / 2 + 0.5) * (1 if dy >= 0 else -1)
                        pos[a][1] -= s
                        pos[b][1] += s
        if not moved:
            break
    return {c: [round(v[0]), round(v[1] - off[c])] for c, v in pos.items()}


def map_layouts(nodes: dict, edges: dict, anchors: dict[str, list[str]], vis_nodes: list[dict],
                vis_edges: list[dict]) -> tuple[dict, list, dict]:
    """Both views' positions (:mod:`kg.outputs.layout`), the causal flow's also written on the vis.js nodes, the module
    areas of the flow, and the flow's detours (edge id → curve, also set on the vis.js edges): the page computes no
    layout itself."""
    links: dict[str, set[str]] = {}
    pairs = [(e["subject"], e["object"]) for e in edges.values() if not e["inferred"]]
    for a, b in pairs + [(c, m) for c, around in anchors.items() for m in around]:
        if a != b:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
    labels, shapes = {v["id"]: v["label"] for v in vis_nodes}, {v["id"]: v["shape"] for v in vis_nodes}
    flow = flow_layout(nodes, links, labels, shapes)
    for v in vis_nodes:
        v["x"], v["y"] = flow["positions"][v["id"]]
    # an edge with its own curve (a converse's bend) keeps it; any other that runs through a label takes a detour
    ends = {e["id"]: (e["from"], e["to"]) for e in vis_edges if "smooth" not in e and "id" in e and not e.get("membership")}
    routes = detours(flow["positions"], ends, flow["boxes"])
    for e in vis_edges:
        if e.get("id") in routes:
            e["smooth"] = routes[e["id"]]
    return {"flow": flow["positions"], "force": force_layout(nodes, links, labels, shapes)}, flow["areas"], routes


def _cross(p1, p2, p3, p4) -> bool:
    d = lambda a, b, c: (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])  # noqa: E731
    return d(p1, p2, p3) * d(p1, p2, p4) < 0 and d(p3, p4, p1) * d(p3, p4, p2) < 0


def crossings(pos: dict[str, Any], links: dict[str, set[str]]) -> int:
    """How many pairs of links, drawn as straight segments between node centres, cross (shared ends do not count)."""
    segs = sorted({tuple(sorted((a, b))) for a in links for b in links[a] if a in pos and b in pos and a != b})
    return sum(_cross(pos[a], pos[b], pos[c], pos[d]) for i, (a, b) in enumerate(segs) for c, d in segs[i + 1:]
               if not {a, b} & {c, d})


#: The curves an edge may take instead of the default one when that runs through a label (vis.js ``smooth``).
DETOURS = [{"enabled": True, "type": kind, "roundness": r} for r in (0.15, 0.3, 0.45) for kind in ("curvedCW", "curvedCCW")]


def curve(a: list[float], b: list[float], smooth: dict | None = None, samples: int = 24) -> list[tuple[float, float]]:
    """Points along an edge from ``a`` to ``b`` as vis.js draws it: the map's horizontal cubic Bézier, or ``smooth``
    (``curvedCW`` / ``curvedCCW``, a quadratic Bézier through vis.js's via point)."""
    (x1, y1), (x2, y2) = a, b
    ts = [i / samples for i in range(1, samples)]
    if smooth is None:
        r = OPTIONS["edges"]["smooth"]["roundness"]
        v1, v2 = (x1 + r * (x2 - x1), y1), (x2 - r * (x2 - x1), y2)
        return [((1 - t) ** 3 * x1 + 3 * (1 - t) ** 2 * t * v1[0] + 3 * (1 - t) * t * t * v2[0] + t ** 3 * x2,
                 (1 - t) ** 3 * y1 + 3 * (1 - t) ** 2 * t * v1[1] + 3 * (1 - t) * t * t * v2[1] + t ** 3 * y2) for t in ts]
    r, dx, dy = smooth["roundness"], x2 - x1, y1 - y2
    turn = (0.5 * r if smooth["type"] == "curvedCW" else -0.5 * r) + 0.5
    angle, reach = (math.atan2(dy, dx) + turn * math.pi) % (2 * math.pi), (0.5 * r + 0.5) * math.hypot(dx, dy)
    vx, vy = x1 + reach * math.sin(angle), y1 + reach * math.cos(angle)
    return [((1 - t) ** 2 * x1 + 2 * (1 - t) * t * vx + t * t * x2, (1 - t) ** 2 * y1 + 2 * (1 - t) * t * vy + t * t * y2)
            for t in ts]


def through(points: list[tuple[float, float]], ends: tuple[str, str],
            boxes: dict[str, tuple[float, float, float, float]]) -> list[str]:
    """The nodes other than ``ends`` whose box (left, top, right, bottom) the ``points`` of an edge pass through."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [c for c, (l, t, r, b) in boxes.items() if c not in ends and not (r < min(xs) or l > max(xs) or b < min(ys)
            or t > max(ys)) and any(l + 2 < x < r - 2 and t + 2 < y < b - 2 for x, y in points)]


def detours(pos: dict[str, Any], ends: dict[str, tuple[str, str]],
            boxes: dict[str, tuple[float, float, float, float]]) -> dict[str, dict]:
    """For each edge (id → its two ends) whose default curve runs through other nodes' labels, the curve of
    :data:`DETOURS` through the fewest (the gentlest of equals), when it passes through fewer: edge id → vis.js
    ``smooth``. Nodes never move for it."""
    out = {}
    for eid, (a, b) in ends.items():
        if a == b or a not in pos or b not in pos:
            continue
        hits = len(through(curve(pos[a], pos[b]), (a, b), boxes))
        if hits:  # the fewest, the first of equals (DETOURS runs gentlest first)
            fewest, k = min((len(through(curve(pos[a], pos[b], s), (a, b), boxes)), k) for k, s in enumerate(DETOURS))
            if fewest < hits:
                out[eid] = DETOURS[k]
    return out


def overlaps(boxes: dict[str, tuple[float, float, float, float]]) -> list[tuple[str, str]]:
    """The pairs of boxes (left, top, right, bottom) that overlap by more than a hairline both ways."""
    ids = sorted(boxes)
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]
            if min(boxes[a][2], boxes[b][2]) - max(boxes[a][0], boxes[b][0]) > 2
            and min(boxes[a][3], boxes[b][3]) - max(boxes[a][1], boxes[b][1]) > 2]


def area_overlaps(areas: list[dict]) -> list[tuple[str, str]]:
    """The pairs of module areas that overlap."""
    return overlaps({a["id"]: (a["x"], a["y"], a["x"] + a["w"], a["y"] + a["h"]) for a in areas})
