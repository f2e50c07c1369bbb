"""The interactive mechanism map: one self-contained HTML file that makes no external request.

pyvis builds the network (nodes shaped and coloured by type, signed and
inferred edges styled, vis.js options with a fixed layout seed). pyvis's own
template loads vis-network and Bootstrap from CDNs, so the page is rendered
from ``kg/templates/map.html`` instead, with the vis-network script and style
that ship inside the pyvis package inlined, and the map's own script and
style beside them. Everything the page shows is read from the store the
:class:`kg.OIHKG` was opened on (embedded or remote) when the page is made:
entity cards, edges with evidence, the reasoner's intervention → pathway
links, and the perturbation engine's predicted effect of each intervention.

Examples
--------
>>> from kg import OIHKG
>>> data = map_data(OIHKG.open())
>>> len(data["nodes"]) == len({r["curie"] for r in OIHKG.open().query("graph-nodes")})
True
>>> data["meta"]["interventions"]["oih:tlr4_antagonist"]["pathways"]
['oih:glial_neuroinflammatory_pathway']
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from kg import vocab

__all__ = ["CATEGORIES", "category", "map_data", "render_map"]

#: Map category of each asserted class: (category, colour, vis.js shape, legend label).
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "receptor": ("#e6550d", "diamond", "receptor"),
    "mediator": ("#fd8d3c", "dot", "mediator"),
    "cell": ("#31a354", "hexagon", "cell type"),
    "region": ("#756bb1", "square", "anatomical region"),
    "process": ("#6baed6", "ellipse", "biological process"),
    "phenotype": ("#de2d26", "star", "phenotype"),
    "condition": ("#c51b8a", "triangleDown", "condition"),
    "drug": ("#3182bd", "triangle", "drug / drug class"),
    "intervention": ("#238b45", "box", "intervention"),
    "chemical": ("#969696", "dot", "chemical"),
    "pathway": ("#fdae6b", "box", "pathway"),
    "quantity": ("#bdbdbd", "square", "model quantity"),
}
_CLASS_CATEGORY = {
    "Receptor": "receptor", "Mediator": "mediator", "GeneProduct": "mediator", "Gene": "mediator", "CellType": "cell",
    "AnatomicalRegion": "region", "BiologicalProcess": "process", "Phenotype": "phenotype",
    "Condition": "condition", "Disease": "condition", "Drug": "drug", "DrugClass": "drug", "PharmacologicalAgent": "drug",
    "Intervention": "intervention", "DiagnosticProcedure": "intervention", "ChemicalEntity": "chemical",
    "Ion": "chemical", "Pathway": "pathway", "ModelQuantity": "quantity",
}
SIGN_COLOURS = {1: "#2b8cbe", -1: "#e34a33", None: "#999999"}
OPTIONS: dict[str, Any] = {
    "layout": {"randomSeed": 7, "improvedLayout": True},
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50},
    },
    "interaction": {"hover": True, "navigationButtons": False, "keyboard": False, "tooltipDelay": 150},
    "nodes": {"font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1},
    "edges": {"smooth": {"type": "dynamic"}, "width": 1.4, "font": {"size": 10, "align": "middle"}},
}


def category(type_curie: str) -> str:
    """The map category of an asserted class (``oih:Receptor`` → ``receptor``)."""
    return _CLASS_CATEGORY.get(type_curie.split(":", 1)[-1], "process")


def _link(curie: str) -> str:
    """A resolvable URL for a CURIE: the w3id IRI for ``oih:``, Bioregistry's resolver for the rest."""
    return vocab.expand(curie) if curie.startswith("oih:") else f"https://bioregistry.io/{curie}"


def map_data(kg) -> dict[str, Any]:
    """Everything the map shows, read from ``kg``'s store: vis.js nodes, edges and options, plus details.

    Returns
    -------
    dict
        ``nodes`` and ``edges`` (vis.js, built with pyvis), ``options``, and ``meta`` with per-node
        cards, per-edge evidence, interventions (reasoned pathways, targets, perturbation effects),
        pathways and categories.
    """
    from pyvis.network import Network

    from kg import _row

    split = lambda s, sep="|": [x for x in str(s or "").split(sep) if x]  # noqa: E731
    nodes = {c: {"id": c, "label": d["label"], "category": category(d["type"]), "type": f"oih:{d['type']}",
                 "pathways": list(d["pathways"])} for c, d in kg.causal_graph().nodes(data=True)}
    for raw in kg.store.select(kg.queries["entity-card"].text):
        r = _row(raw)
        if r["curie"] in nodes:
            nodes[r["curie"]].update(
                definition=r.get("definition") or "", synonyms=split(r.get("synonyms")),
                xrefs=[{"id": x, "url": _link(x)} for x in split(r.get("xrefs"))], url=_link(r["curie"]),
                types=sorted(vocab.compress(t) for t in split(r.get("types"))))
    pathways = {c: n["label"] for c, n in nodes.items() if n["category"] == "pathway"}

    net = Network(directed=True, cdn_resources="in_line")
    for c, n in sorted(nodes.items()):
        colour, shape, _ = CATEGORIES[n["category"]]
        net.add_node(c, label=n["label"], color=colour, shape=shape, title=f"{n['label']} ({c})",
                     size=18 if n["category"] == "pathway" else 14)
    edges: dict[str, dict[str, Any]] = {}
    for i, e in enumerate(kg.edges()):
        if e["subject"] not in nodes or e["object"] not in nodes:
            continue
        sign = e.get("sign") if e.get("sign") in (1, -1) else None
        eid = f"e{i}"
        edges[eid] = {"id": eid, "subject": e["subject"], "object": e["object"], "predicate": e["predicate"],
                      "relation": e["predicateLabel"], "sign": sign, "inferred": e["inferred"],
                      "context": e.get("context") or "", "via": e.get("via") or "",
                      "citations": e["citations"], "quote": e.get("quote") or "", "evidenceType": e.get("evidenceType") or ""}
        arrow = {"to": {"enabled": True, "type": "bar" if sign == -1 else "arrow", "scaleFactor": 0.8}}
        net.add_edge(e["subject"], e["object"], id=eid, color=SIGN_COLOURS[sign], arrows=arrow, dashes=e["inferred"],
                     hidden=e["inferred"], title=f"{e['subjectLabel']} {e['predicateLabel']} {e['objectLabel']}"
                     + (f" (only in {e['context']})" if e.get("context") else "")
                     + (f" (inferred, from {e['via']})" if e.get("via") else " (inferred)" if e["inferred"] else ""), width=0.8 if e["inferred"] else 1.6)
    # undrawn springs from each pathway to its members, so a pathway sits beside what it holds
    for c, n in sorted(nodes.items()):
        for pw in n["pathways"]:
            net.add_edge(c, pw, id=f"m:{c}|{pw}", hidden=True, membership=True, physics=True, length=160)
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

    interventions = {}
    for item in kg.interventions():
        effect = kg.perturb(activate=[item["id"]])
        interventions[item["id"]] = {
            "label": item["label"], "pathways": sorted(p["id"] for p in item["pathways"]),
            "inferred": sorted(p["id"] for p in item["pathways"] if p["inferred"]),
            "targets": item["targets"], "classes": item["classes"], "summary": effect.summary(),
            "effects": {n: e.direction for n, e in effect.effects.items() if e.direction != "unchanged"},
        }
    return {
        "nodes": vis_nodes, "edges": vis_edges, "options": OPTIONS,
        "meta": {"nodes": nodes, "edges": edges, "interventions": interventions, "pathways": pathways,
                 "categories": {k: {"color": v[0], "shape": v[1], "label": v[2]} for k, v in CATEGORIES.items()},
                 "signColours": {"+": SIGN_COLOURS[1], "-": SIGN_COLOURS[-1], "none": SIGN_COLOURS[None]}},
    }


def _asset(package: str, *path: str) -> str:
    return resources.files(package).joinpath(*path).read_text(encoding="utf-8")


def render_map(kg, title: str = "oihkg — OIH mechanism map") -> str:
    """The map as one HTML page with every script, style and datum inlined (no external request)."""
    import jinja2

    data = map_data(kg)
    # "</" would end the inline <script>; JSON allows escaping the slash
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]))
    template = env.from_string(_asset("kg", "templates", "map.html"))
    return template.render(
        title=title, data=payload,
        vis_js=_asset("pyvis", "lib", "vis-9.1.2", "vis-network.min.js"),
        vis_css=_asset("pyvis", "lib", "vis-9.1.2", "vis-network.css"),
        map_js=_asset("kg", "templates", "map.js"), map_css=_asset("kg", "templates", "map.css"),
    )
