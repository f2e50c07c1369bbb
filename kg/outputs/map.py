"""The interactive mechanism map: one self-contained HTML file that makes no external request.

pyvis builds the network (nodes shaped and coloured by type, signed and
inferred edges styled, each node on its causal level so the default view reads
left to right: inputs, receptors and cells, processes, mediators, phenotypes,
the pain model's quantities; a force-directed view is the page's other choice);
both views' positions and the module areas come from :mod:`kg.outputs.layout`, so the
page runs no layout and no physics and nothing moves under the user. pyvis's own
template loads vis-network and Bootstrap from CDNs, so the page is rendered
from ``kg/outputs/templates/map.html`` instead, with the vis-network script and style
that ship inside the pyvis package inlined, and the map's own scripts
(``map.js`` and its parts: the legend, the context switch, the evidence panels with the
pathway × intervention matrix, path search, the simulator) and style beside
them; the evidence's display text comes from :mod:`kg.present.display`. This module owns the page and its data; it takes a
:class:`kg.catalog.Catalog` and the causal graph built from it, so everything
the page shows is read from the store the catalog reads (embedded or remote):
entity cards, edges with evidence, the reasoner's intervention → pathway
links, and the perturbation engine's predicted effect of each intervention in
every context. The contexts a statement may hold in (:mod:`kg.schema.contexts`) ship
with the data: each context's closure, and for each edge the contexts it holds
in, so the page's context switch applies the rules of :mod:`kg.schema.contexts` without
restating them. Categories, colours and shapes come from the mapping table of
:mod:`kg.schema`.

Examples
--------
>>> from kg import OIHKG
>>> kg = OIHKG.open()
>>> data = map_data(kg.catalog, kg.causal_graph())
>>> len(data["nodes"]) == len({r["curie"] for r in kg.query("graph-nodes")})
True
>>> data["meta"]["interventions"]["oih:tlr4_antagonist"]["pathways"]
['oih:glial_neuroinflammatory_pathway']
>>> data["meta"]["contexts"]["closure"]["oih:oih"]
['oih:chronic_exposure', 'oih:oih']
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import TYPE_CHECKING, Any

from kg.schema import contexts
from kg.present import display
from kg import schema
from kg.outputs.layout import FORCE_OPTIONS, OPTIONS, map_layouts, wrap

if TYPE_CHECKING:
    import networkx as nx

    from kg.catalog import Catalog

__all__ = ["map_data", "render_map", "script_json", "causal_levels", "OPTIONS", "FORCE_OPTIONS"]

#: One sign convention (SIGNOR's): + an arrow head, − a bar, colour the second cue; an intervention's predicted up / down
#: borders use the same two colours (kg/outputs/templates/map.js).
SIGN_COLOURS = {1: "#b2182b", -1: "#2166ac", None: "#999999"}
#: Colours that replace the vocabulary's where two categories read alike on the map (receptor and mediator oranges).
COLOUR_OVERRIDES = {"mediator": "#f2d024", "pathway": "#fdd0a2"}
#: The tag on an edge that holds only in a context (its short name, e.g. "chronic").
CONTEXT_FONT = {"size": 17, "color": "#5a3d7a", "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"}
def causal_levels(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Each node's causal level: the longest causal distance from an input (a node nothing in the graph causes),
    counted on the graph of strongly connected components, so the members of a feedback loop share one level and every
    other causal edge points to a higher level (the map's non-causal edges, such as part-of, are not counted). An input
    then moves right to the level just before its nearest consequence, so a drug stands beside what it acts on and the
    first column does not hold every input of the graph; a node with no causal edge keeps level 0.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("drug", "receptor"), ("receptor", "process"), ("process", "receptor"), ("process", "pain"),
    ...                      ("drug", "pain"), ("blocker", "pain")])
    >>> causal_levels(g)
    {'drug': 0, 'receptor': 1, 'process': 1, 'pain': 2, 'blocker': 1}
    """
    import networkx as nx

    components = nx.condensation(nx.DiGraph(graph))
    level: dict[int, int] = {}
    for c in nx.topological_sort(components):
        level[c] = 1 + max((level[p] for p in components.predecessors(c)), default=-1)
    for c in components.nodes:
        if components.in_degree(c) == 0 and components.out_degree(c) > 0:  # an input, as late as its consequences allow
            level[c] = min(level[s] for s in components.successors(c)) - 1
    return {n: level[components.graph["mapping"][n]] for n in graph.nodes}


def _place_unlinked(levels: dict[str, int], unlinked: set[str], neighbours: dict[str, set[str]]) -> dict[str, int]:
    """Levels for the map's nodes that take part in no causal edge (a region, an umbrella process): the median level of
    the placed nodes the map links them to (part-of, has-participant), repeated so a chain of such links is followed;
    the ones linked to nothing placed are left out.

    Examples
    --------
    >>> _place_unlinked({"off": 4, "on": 6, "x": 1}, {"rvm", "pag"}, {"rvm": {"off", "on", "pag"}, "pag": {"rvm"}})
    {'rvm': 6, 'pag': 6}
    """
    placed: dict[str, int] = {}
    for _ in range(len(unlinked)):
        known = {**levels, **placed}
        new = {}
        for n in sorted(unlinked - placed.keys()):
            around = sorted(known[m] for m in neighbours.get(n, ()) if m in known)
            if around:
                new[n] = around[len(around) // 2]
        if not new:
            break
        placed.update(new)
    return placed


def _category(type_name: str) -> str:
    """The map category of an entity type; ``other`` for a node of a foreign graph that has no type of the schema."""
    try:
        return schema.map_category([f"oih:{type_name}"])
    except KeyError:
        return "other"


def _link(curie: str) -> str:
    """A resolvable URL for a CURIE: the w3id IRI for ``oih:``, Bioregistry's resolver for the rest."""
    return schema.expand(curie) if curie.startswith("oih:") else f"https://bioregistry.io/{curie}"


def map_data(catalog: Catalog, graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Everything the map shows: vis.js nodes, edges and options, plus details.

    Parameters
    ----------
    catalog : kg.catalog.Catalog
        The graph's read side.
    graph : networkx.MultiDiGraph
        Its causal graph (:func:`kg.mechanism.graph.causal_graph`): the map's nodes, and what interventions perturb.

    Returns
    -------
    dict
        ``nodes`` and ``edges`` (vis.js, built with pyvis), ``options``, and ``meta`` with per-node
        cards, per-edge evidence and contexts, interventions (reasoned pathways, targets, perturbation effects in
        every context and in each one), the contexts of the switch (:func:`_contexts`), pathways and categories.
        A context sits on a level among the statements that hold only in it, the least crowded of theirs.
    """
    nodes = _nodes(catalog, graph)
    edges, rows = _edges(catalog, nodes)
    table = _contexts(nodes, edges)
    levels = causal_levels(graph)
    last = max(levels.values(), default=0)
    unlinked = {c for c in nodes if c not in graph or graph.degree(c) == 0}
    neighbours: dict[str, set[str]] = {}
    for e in edges.values():
        neighbours.setdefault(e["subject"], set()).add(e["object"])
        neighbours.setdefault(e["object"], set()).add(e["subject"])
    levels = {**{c: v for c, v in levels.items() if c not in unlinked},
              **_place_unlinked({c: v for c, v in levels.items() if c not in unlinked}, unlinked, neighbours)}
    ties = _context_ties(edges)
    for c in sorted(ties.keys() & unlinked & nodes.keys()):  # a context sits among its statements, where there is room
        crowd, around = Counter(levels.values()), sorted({levels[m] for m in ties[c] if m in levels})
        if around:
            levels[c] = min(around, key=lambda v: crowd[v])
    members: dict[str, list[int]] = {}
    for c, n in nodes.items():
        for pw in n["pathways"]:
            members.setdefault(pw, []).append(levels.get(c, 0))
    for c, n in nodes.items():
        if n["category"] == "pathway" and members.get(c):  # a pathway sits among its members
            n["level"] = sorted(members[c])[len(members[c]) // 2]
        elif c not in levels and n["category"] in ("phenotype", "condition", "quantity"):
            n["level"] = last  # an end point linked to nothing placed sits with the other end points
        else:
            n["level"] = levels.get(c, 0)
    anchors = _anchors(nodes, set(neighbours) | set(members), ties)
    vis_nodes, vis_edges = _network(nodes, edges, rows, anchors, table["short"])
    layouts, areas, routes = map_layouts(nodes, edges, anchors, vis_nodes, vis_edges)
    return {
        "nodes": vis_nodes, "edges": vis_edges, "options": OPTIONS, "forceOptions": FORCE_OPTIONS,
        "layouts": layouts, "areas": areas, "routes": routes,
        "meta": {"nodes": nodes, "edges": edges, "interventions": _interventions(catalog, graph, table["choices"]),
                 "pathways": {c: n["label"] for c, n in nodes.items() if n["category"] == "pathway"},
                 "contexts": table, **display.evidence_display(edges),
                 "categories": {k: {"color": COLOUR_OVERRIDES.get(k, v.colour), "shape": v.shape, "label": v.legend} for k, v in schema.MAP_CATEGORIES.items()},
                 "signColours": {"+": SIGN_COLOURS[1], "-": SIGN_COLOURS[-1], "none": SIGN_COLOURS[None]}},
    }


def _contexts(nodes: dict, edges: dict) -> dict[str, Any]:
    """The page's context switch: the contexts the statements hold in and those they imply (exposures first), each
    with its label, a short name for the edges' tags, its closure and the contexts it cannot hold together with
    (:func:`kg.schema.contexts.joint`); and on each edge the contexts it holds in (``holdsIn``), so the page never restates
    the rules.

    Examples
    --------
    >>> edges = {"e0": {"context": "oih:oih"}, "e1": {"context": ""}}
    >>> table = _contexts({}, edges)
    >>> table["choices"], table["closure"]["oih:oih"]
    (['oih:chronic_exposure', 'oih:oih'], ['oih:chronic_exposure', 'oih:oih'])
    >>> edges["e0"]["holdsIn"], edges["e1"]["holdsIn"]
    (['oih:oih'], ['oih:chronic_exposure', 'oih:oih'])
    """
    choices = list(contexts.reasoning_contexts({e["context"] for e in edges.values() if e["context"]}))
    for e in edges.values():
        e["holdsIn"] = [c for c in choices if contexts.holds_in(e["context"], c)]

    def short(c: str) -> str:
        n = nodes.get(c)
        return min([n["label"], *n.get("synonyms", ())], key=len) if n else c.partition(":")[2]

    return {"choices": choices, "labels": {c: nodes[c]["label"] if c in nodes else c for c in choices},
            "short": {c: short(c) for c in choices}, "closure": {c: sorted(contexts.closure(c)) for c in choices},
            "excludes": {c: [d for d in choices if contexts.joint([c, d]) is None] for c in choices}}


def _context_ties(edges: dict) -> dict[str, set[str]]:
    """Each context and the ends of the asserted edges that hold only in it."""
    out: dict[str, set[str]] = {}
    for e in edges.values():
        if e["context"] and not e["inferred"]:
            out.setdefault(e["context"], set()).update((e["subject"], e["object"]))
    return out


def _anchors(nodes: dict, linked: set[str], ties: dict[str, set[str]]) -> dict[str, list[str]]:
    """Undrawn springs for the nodes the map draws no edge to and no pathway holds (a context, a strategy the text
    names but links to nothing): a context to the statements that hold only in it, any other node to the nodes of its
    kind on its level, so none drifts away from the diagram as a tree of its own.

    Examples
    --------
    >>> nodes = {"a": {"category": "drug", "level": 0, "pathways": []}, "b": {"category": "drug", "level": 0, "pathways": []},
    ...          "ctx": {"category": "condition", "level": 1, "pathways": []}, "x": {"category": "drug", "level": 0, "pathways": []}}
    >>> _anchors(nodes, {"a", "b"}, {"ctx": {"a"}})
    {'ctx': ['a'], 'x': ['a', 'b']}
    """
    out = {}
    for c, n in sorted(nodes.items()):
        if c in linked or n["pathways"]:
            continue
        peers = ties.get(c) or {m for m, o in nodes.items() if m in linked and m != c and o["category"] == n["category"]
                                and o["level"] == n["level"]}
        if peers:
            out[c] = sorted(peers)
    return out


def _nodes(catalog: Catalog, graph: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    """The causal graph's nodes with their cards: category, type, pathways, definition, synonyms, linked xrefs."""
    nodes = {c: {"id": c, "label": d["label"], "category": _category(d["type"]), "type": f"oih:{d['type']}",
                 "pathways": list(d["pathways"])} for c, d in graph.nodes(data=True)}
    for card in catalog.cards().values():
        if card["id"] in nodes:
            nodes[card["id"]].update(
                definition=display.display_text(card.get("definition") or ""), synonyms=card["synonyms"],
                xrefs=[{"id": x, "url": _link(x)} for x in card["xrefs"]], url=_link(card["id"]), types=card["types"])
    return nodes


def _edges(catalog: Catalog, nodes: dict) -> tuple[dict[str, dict[str, Any]], list[tuple[str, dict]]]:
    """Every edge between two map nodes with its evidence, by edge id; and the catalog rows they came from."""
    edges: dict[str, dict[str, Any]] = {}
    rows = []
    for i, e in enumerate(catalog.edges()):
        if e["subject"] not in nodes or e["object"] not in nodes:
            continue
        eid = f"e{i}"
        edges[eid] = {"id": eid, "subject": e["subject"], "object": e["object"], "predicate": e["predicate"],
                      "relation": e["predicateLabel"], "sign": e.get("sign") if e.get("sign") in (1, -1) else None,
                      "inferred": e["inferred"], "context": e.get("context") or "", "via": e.get("via") or "",
                      "citations": e["citations"], "quote": e.get("quote") or "", "evidenceType": e.get("evidenceType") or ""}
        # what a reader sees: the quote's math as text, the evidence code named (the stored quote stays verbatim)
        edges[eid].update(quoteText=display.display_text(edges[eid]["quote"]),
                          evidenceLabel=display.evidence_label(edges[eid]["evidenceType"]))
        rows.append((eid, e))
    return edges, rows


def _network(nodes: dict, edges: dict, rows: list[tuple[str, dict]], anchors: dict[str, list[str]],
             short: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """The vis.js nodes and edges, built with pyvis: shapes and colours by category, signed and inferred edges styled,
    an edge that holds only in a context tagged with the context's short name; undrawn springs hold each pathway
    beside its members and each node in no drawn edge beside its anchors (:func:`_anchors`)."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for c, n in sorted(nodes.items()):
        style = schema.MAP_CATEGORIES[n["category"]]
        net.add_node(c, label=wrap(n["label"]), color=COLOUR_OVERRIDES.get(n["category"], style.colour), shape=style.shape,
                     title=f"{n['label']} ({c})",
                     size=18 if n["category"] == "pathway" else 14, level=n["level"])
    pairs = {(e["subject"], e["object"]) for _, e in rows}
    for eid, e in rows:
        sign, context = edges[eid]["sign"], edges[eid]["context"]
        # a statement whose converse is drawn too bends aside, so each of the two can be seen and clicked
        bend = {"smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.25}} if (e["object"], e["subject"]) in pairs else {}
        arrow = {"to": {"enabled": True, "type": "bar" if sign == -1 else "arrow", "scaleFactor": 0.8}}
        where = nodes[context]["label"] if context in nodes else context
        title = (f"{e['subjectLabel']} {e['predicateLabel']} {e['objectLabel']}"
                 + (f" (holds only in: {where})" if context else "")
                 + (f" (inferred, from {e['via']})" if e.get("via") else " (inferred)" if e["inferred"] else ""))
        tag = {"label": short.get(context, context), "font": CONTEXT_FONT} if context else {}
        net.add_edge(e["subject"], e["object"], id=eid, color=SIGN_COLOURS[sign], arrows=arrow, dashes=e["inferred"],
                     hidden=e["inferred"], title=title, width=0.8 if e["inferred"] else 1.6, **tag, **bend)
    # undrawn springs from each pathway to its members, so a pathway sits beside what it holds
    for c, n in sorted(nodes.items()):
        for pw in n["pathways"]:
            net.add_edge(c, pw, id=f"m:{c}|{pw}", hidden=True, membership=True, physics=True, length=160)
    for c, around in anchors.items():
        for m in around:
            net.add_edge(c, m, id=f"a:{c}|{m}", hidden=True, membership=True, physics=True, length=160)
    net.options = OPTIONS
    vis_nodes, vis_edges, *_ = net.get_network_data()
    for v in vis_nodes:
        v["category"] = nodes[v["id"]]["category"]
    for v in vis_edges:
        if v.get("membership"):
            v["inferred"] = False
            continue
        v["inferred"] = edges[v["id"]]["inferred"]
        v["hidden"] = False  # the page's filter decides; hidden above only marks pyvis's own rendering
    return vis_nodes, vis_edges


def _interventions(catalog: Catalog, graph: nx.MultiDiGraph, choices: list[str]) -> dict[str, dict[str, Any]]:
    """Each intervention's reasoned pathways, targets, classes and predicted effect of giving it
    (:func:`kg.mechanism.perturb.perturb`, as ``POST /perturb``): over the statements that hold in every context (``summary``,
    ``effects``) and over those that hold in each context of the switch (``byContext``); whether it drives or inhibits
    each pathway (``directions``), the reasoner's explanation of each inferred link (``explanations``) and the links it
    derives only in a context (``inContext``, :func:`kg.present.display.contextual_pathways`)."""
    from kg.mechanism.graph import in_context
    from kg.mechanism.perturb import perturb

    graphs = {c: in_context(graph, c) for c in ["", *choices]}
    items = catalog.interventions()
    why = display.pathway_explanations(catalog)
    contextual = display.contextual_pathways(catalog, why, {(i["id"], p["direction"], p["id"]) for i in items for p in i["pathways"]})
    out = {}
    for item in items:
        by = {}
        for c, g in graphs.items():
            effect = perturb(g, activate=[item["id"]])
            by[c] = {"summary": effect.summary(),
                     "effects": {n: e.direction for n, e in effect.effects.items() if e.direction != "unchanged"}}
        out[item["id"]] = {
            "label": item["label"], "pathways": sorted(p["id"] for p in item["pathways"]),
            "inferred": sorted(p["id"] for p in item["pathways"] if p["inferred"]),
            "targets": item["targets"], "classes": item["classes"], **by.pop(""), "byContext": by,
            "directions": {p["id"]: p["direction"] for p in item["pathways"]},
            "explanations": {p["id"]: why.get((item["id"], p["direction"], p["id"]), []) for p in item["pathways"] if p["inferred"]},
            "inContext": contextual.get(item["id"], []),
        }
    return out


def _asset(package: str, *path: str) -> str:
    return resources.files(package).joinpath(*path).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """``data`` as JSON safe inside an inline ``<script>``: ``</script`` would end it and ``<!--`` changes how the HTML
    parser reads it, so ``<``, ``>`` and ``&`` are written as JSON's ``\\u`` escapes and no text of the graph can do
    either.

    Examples
    --------
    >>> script_json({"label": "</script>"})
    '{"label": "\\\\u003c/script\\\\u003e"}'
    """
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_map(catalog: Catalog, graph: nx.MultiDiGraph, title: str = "oihkg — OIH mechanism map") -> str:
    """The map as one HTML page with every script, style and datum inlined (no external request); arguments as
    :func:`map_data`."""
    import jinja2

    payload = script_json(map_data(catalog, graph))
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]))
    template = env.from_string(_asset("kg.outputs", "templates", "map.html"))
    return template.render(
        title=title, data=payload,
        vis_js=_asset("pyvis", "lib", "vis-9.1.2", "vis-network.min.js"),
        vis_css=_asset("pyvis", "lib", "vis-9.1.2", "vis-network.css"),
        map_js=_asset("kg.outputs", "templates", "map.js"), map_css=_asset("kg.outputs", "templates", "map.css"),
        parts_js=[_asset("kg.outputs", "templates", f"map-{part}.js") for part in ("legend", "context", "panels", "paths", "simulator", "figure", "table", "modules")],
    )
