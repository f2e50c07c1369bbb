"""The mechanism map in Debian's chromium driven by Playwright: served by `oihkg serve` and as the `oihkg map` file.

Every request to a host other than 127.0.0.1 (or to a scheme other than file/data/blob) is aborted
and recorded, and each test asserts none was attempted. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import httpx
import pytest

from kg import OIHKG

ARTIFACTS = Path(__file__).parent / "artifacts"
TLR4, MICROGLIA_ACT, GLIAL = "HGNC:11850", "GO:0001774", "oih:glial_neuroinflammatory_pathway"
MAP_READY = "Boolean(window.oihMap && window.oihMap.isStabilized())"


@pytest.fixture(scope="module")
def graph_node_count():
    return len({r["curie"] for r in OIHKG.open().query("graph-nodes")})


@pytest.fixture(params=["served", "file"])
def mapped(request, open_page, api_server, map_file):
    url = f"{api_server}/map" if request.param == "served" else map_file.as_uri()
    p = open_page(url, MAP_READY)
    p.source = request.param
    return p


PIXELS = """(() => {
    const c = document.querySelector('#network canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
})()"""


def _non_blank_pixels(p, at_least: int = 5000) -> int:
    """Drawn pixels of the map's canvas, once it has drawn more than ``at_least`` (the network draws on an animation frame after
    it stabilises; waited for at most 10 s: the test then asserts the count)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        p.page.wait_for_function(f"{PIXELS} > {at_least}", timeout=10_000)
    except PlaywrightTimeout:
        pass  # the caller's assertion shows the count
    return p.js(PIXELS)


def test_renders_every_node_without_external_requests(mapped, graph_node_count):
    assert mapped.js("oihMap.visibleNodeCount()") == graph_node_count
    assert mapped.js("oihMap.nodes.length") == graph_node_count
    assert _non_blank_pixels(mapped) > 5000
    assert "of %d nodes" % graph_node_count in mapped.page.inner_text("#count")
    legend = mapped.page.inner_text("#legend")
    assert "receptor" in legend and "inferred by the reasoner" in legend
    if mapped.source == "served":
        ARTIFACTS.mkdir(exist_ok=True)
        mapped.page.screenshot(path=str(ARTIFACTS / "map-default.png"))
    mapped.clean()


def test_search_focuses_ketamine(mapped):
    mapped.page.fill("#search", "Ketalar")  # a synonym
    mapped.page.press("#search", "Enter")
    assert mapped.js("oihMap.selected()") == ["CHEBI:6121"]
    panel = mapped.page.inner_text("#panel")
    assert "ketamine" in panel and "CHEBI:6121" in panel
    mapped.page.fill("#search", "no such node")
    mapped.page.press("#search", "Enter")
    assert "no node matches" in mapped.page.inner_text("#search-message")
    mapped.clean()


def test_tlr4_antagonist_highlights_the_glial_pathway(mapped):
    mapped.page.select_option("#intervention", label="TLR4 antagonist")
    lit = mapped.js("oihMap.highlighted()")
    assert lit["pathways"] == [GLIAL]
    assert {TLR4, MICROGLIA_ACT, GLIAL} <= set(lit["nodes"])
    assert "CHEBI:6121" not in lit["nodes"]
    panel = mapped.page.inner_text("#panel")
    assert "glial neuroinflammatory pathway" in panel and "inferred by HermiT" in panel
    assert "hyperalgesic component H: down" in panel and "analgesia A: unchanged" in panel
    border = mapped.js(f"oihMap.nodes.get('{MICROGLIA_ACT}').color.border")
    assert border == "#2166ac"  # predicted down
    if mapped.source == "served":
        mapped.page.screenshot(path=str(ARTIFACTS / "map-tlr4-antagonist.png"))
    mapped.clean()


def _edge_id(p, source: str, target: str) -> str:
    return p.js(f"oihMap.edges.get({{filter: e => e.from === '{source}' && e.to === '{target}' && !e.membership}})[0].id")


def _click_edge(p, source: str, target: str) -> str:
    """Click the edge from ``source`` to ``target`` at a canvas point along it that no node covers (found from vis.js's
    own geometry, with the two ends fitted into view) and return the evidence panel's text."""
    eid = _edge_id(p, source, target)
    p.js(f"oihMap.network.fit({{nodes: ['{source}', '{target}'], animation: false}})")
    x, y = p.js(f"""(() => {{
        const r = document.getElementById('network').getBoundingClientRect();
        for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8]) {{
            const d = oihMap.network.canvasToDOM(oihMap.network.body.edges['{eid}'].edgeType.getPoint(t));
            if (oihMap.network.getNodeAt(d) === undefined && oihMap.network.getEdgeAt(d) === '{eid}') return [r.left + d.x, r.top + d.y];
        }}
        return null;
    }})()""")
    p.page.mouse.click(x, y)
    return p.page.inner_text("#panel")


def test_clicking_an_edge_shows_its_evidence(mapped):
    panel = _click_edge(mapped, "CHEBI:6121", "GO:0017146")  # ketamine -| NMDA receptor
    assert "ketamine → NMDA selective glutamate receptor complex" in panel
    assert "problem_id:" in panel and "Quote" in panel and "Holds in\nevery context" in panel
    mapped.clean()


def test_clicking_a_node_lists_edges_with_citations(mapped):
    width = mapped.js("document.getElementById('network').clientWidth")
    assert not mapped.page.is_visible("#panel")  # closed until there is something to show, so the map has the width
    mapped.js("oihMap.network.focus('HGNC:8820', {scale: 1, animation: false})")  # the first view shows the flow's start
    x, y = mapped.js("""(() => {
        const d = oihMap.network.canvasToDOM(oihMap.network.getPositions(['HGNC:8820'])['HGNC:8820']);
        const r = document.getElementById('network').getBoundingClientRect();
        return [r.left + d.x, r.top + d.y];
    })()""")
    mapped.page.mouse.click(x, y)
    panel = mapped.page.inner_text("#panel")
    assert "dynorphin" in panel and "problem_id:4867970" in panel and "bioregistry" not in panel
    assert mapped.page.get_attribute("#panel a", "href") == "https://bioregistry.io/HGNC:8820"
    assert mapped.js("document.getElementById('network').clientWidth") == width  # the panel opens over the map
    mapped.page.click("#panel button.close")
    assert not mapped.page.is_visible("#panel")
    mapped.clean()


def test_filters_change_the_visible_counts(mapped, graph_node_count):
    page = mapped.page
    page.uncheck("#type-filter input[value=process]")
    fewer = mapped.js("oihMap.visibleNodeCount()")
    assert 0 < fewer < graph_node_count
    page.check("#type-filter input[value=process]")
    assert mapped.js("oihMap.visibleNodeCount()") == graph_node_count
    page.select_option("#pathway-filter", GLIAL)
    glial = mapped.js("oihMap.visibleNodeCount()")
    assert 5 <= glial < graph_node_count
    page.select_option("#pathway-filter", "")
    asserted = mapped.js("oihMap.visibleEdgeCount()")
    page.check("#show-inferred")
    assert mapped.js("oihMap.visibleEdgeCount()") > asserted
    mapped.clean()


def test_no_physics_runs_the_positions_come_with_the_data(mapped):
    assert mapped.js("oihMap.physicsOn()") is False and mapped.page.locator("#physics-toggle").count() == 0
    assert mapped.js("oihMap.network.physics.options.enabled") is False
    flow = mapped.js("window.OIH_DATA.layouts.flow")
    assert {k: [round(v["x"]), round(v["y"])] for k, v in mapped.js("oihMap.network.getPositions()").items()} == flow
    mapped.clean()


def test_export_png_downloads_the_view(mapped, tmp_path):
    with mapped.page.expect_download() as info:
        mapped.page.click("#export-png")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "oihkg-map.png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    mapped.clean()


def test_layout_is_the_same_on_every_load(open_page, map_file):
    positions = []
    for _ in range(2):
        p = open_page(map_file.as_uri(), MAP_READY)
        positions.append(p.js("(() => { const q = oihMap.network.getPositions(); "
                              "return Object.keys(q).sort().map(k => [k, Math.round(q[k].x), Math.round(q[k].y)]); })()"))
        p.clean()
    assert positions[0] == positions[1]


def test_served_map_reflects_the_served_graph(api_server):
    html = httpx.get(f"{api_server}/map", timeout=60).text
    assert html.startswith("<!DOCTYPE html>") and "cdn" not in html.lower().split("window.oih_data")[0][:2000]
    assert '"HGNC:11850"' in html and "vis.Network" in html


@pytest.fixture()
def served_map(open_page, api_server):
    return open_page(f"{api_server}/map", MAP_READY)


def _search_paths(p, source: str, target: str, sign: str = "", longest: int = 6) -> None:
    p.page.fill("#path-source", source)
    p.page.fill("#path-target", target)
    p.page.select_option("#path-sign", sign)
    p.page.fill("#path-max", str(longest))
    if p.page.is_visible("#panel button.close"):  # so the wait below sees this search's answer, not the last one's
        p.page.click("#panel button.close")
    p.page.click("#path-form button[type=submit]")
    p.page.wait_for_selector("#panel ol.paths li, #panel .no-path", timeout=30_000)


def test_path_search_lists_paths_with_quotes_and_highlights_one(served_map):
    _search_paths(served_map, "opioid agonist", "hyperalgesia")
    items = served_map.page.eval_on_selector_all("#panel ol.paths li", "els => els.map(e => e.innerText)")
    assert len(items) >= 3 and any("toll-like receptor 4" in i for i in items)
    assert served_map.page.eval_on_selector_all("#panel ol.paths blockquote", "els => els.length") > 0  # each edge's quote
    chosen = served_map.js("oihMap.chosenPath()")
    assert chosen["nodes"][0] == "oih:opioid" and chosen["nodes"][-1] == "oih:hyperalgesia"
    selected = set(served_map.js("oihMap.network.getSelectedNodes()"))
    assert set(chosen["nodes"]) <= selected and served_map.js("oihMap.network.getSelectedEdges().length") == len(chosen["edges"])
    ARTIFACTS.mkdir(exist_ok=True)
    served_map.page.screenshot(path=str(ARTIFACTS / "map-path.png"))
    served_map.clean()


def test_an_empty_path_search_says_why(served_map):
    _search_paths(served_map, "TLR4", "hyperalgesia", sign="-")
    text = served_map.page.inner_text("#panel .no-path")
    assert "none of sign −" in text and "the shortest + path has" in text and "toll-like receptor 4 →" in text
    _search_paths(served_map, "unobtainium", "hyperalgesia")
    assert "unknown name “unobtainium”" in served_map.page.inner_text("#panel .no-path")
    _search_paths(served_map, "hyperalgesia", "TLR4")
    assert "cannot be reached at any length" in served_map.page.inner_text("#panel .no-path")
    served_map.clean()


def test_a_shared_link_restores_the_view(served_map, open_page):
    served_map.page.select_option("#intervention", "oih:tlr4_antagonist")
    _search_paths(served_map, "opioid agonist", "hyperalgesia")
    served_map.page.click("#panel ol.paths li:nth-child(2)")
    want = served_map.js("oihMap.chosenPath()")["nodes"]
    url = served_map.page.url
    assert "#" in url and "path=" in url
    again = open_page(url, MAP_READY)
    assert again.js("oihMap.chosenPath()")["nodes"] == want
    assert again.page.input_value("#intervention") == "oih:tlr4_antagonist"
    served_map.clean()
    again.clean()


def test_a_saved_map_file_says_path_search_needs_the_server(open_page, map_file):
    p = open_page(map_file.as_uri(), MAP_READY)
    assert p.page.is_disabled("#path-source") and "oihkg serve" in p.page.inner_text("#path-message")
    p.clean()


def _simulation_when(p, ok, what: str) -> dict:
    """The map's simulation once ``ok`` says it is the one asked for (10 s at most)."""
    for _ in range(100):
        r = p.js("oihMap.simulation()")
        if r and ok(r):
            return r
        p.page.wait_for_timeout(100)
    raise AssertionError(f"no simulation {what}")


def _set_dose(p, dose: float) -> dict:
    p.js(f"(() => {{ const d = document.getElementById('sim-dose'); d.value = '{dose}'; "
         "d.dispatchEvent(new Event('input', {bubbles: true})); })()")
    return _simulation_when(p, lambda r: r["prescribed_dose"] == dose, f"at dose {dose}")


def test_the_simulator_redraws_and_flips_at_the_threshold_the_api_reports(served_map, api_server):
    served_map.page.click("#simulator-box > summary")
    first = served_map.js("oihMap.simulation()")
    threshold = httpx.post(f"{api_server}/simulate", json={"exposure": first["params"]["exposure"]}, timeout=30).json()[
        "oih_threshold_dose"]
    assert threshold and first["oih_threshold_dose"] == threshold
    before = served_map.js("document.getElementById('sim-plot').toDataURL()")
    low = _set_dose(served_map, max(math.floor(threshold - 3), 1))  # the slider moves in steps of 0.5
    assert low["classification"] == "tolerance" and "tolerance" in served_map.page.inner_text("#sim-result")
    high = _set_dose(served_map, math.ceil(threshold + 3))
    assert high["classification"] == "OIH" and "OIH" in served_map.page.inner_text("#sim-result")
    assert served_map.js("document.getElementById('sim-plot').toDataURL()") != before
    assert "not clinical data" in served_map.page.inner_text("#simulator")
    served_map.page.check("#sim-interventions input[value='CHEBI:6121']")  # ketamine, overlaid on the curves without it
    for _ in range(100):
        if served_map.js("oihMap.simulationWithout()") and served_map.js("oihMap.simulation().interventions.length"):
            break
        served_map.page.wait_for_timeout(100)
    assert served_map.js("oihMap.simulationWithout().interventions") == []
    assert "without the interventions" in served_map.page.inner_text("#sim-result")
    ARTIFACTS.mkdir(exist_ok=True)
    served_map.page.screenshot(path=str(ARTIFACTS / "map-simulator.png"))
    served_map.clean()


def _simulation_where(p, ctx: str) -> dict:
    return _simulation_when(p, lambda r: r["context"] == ctx, f"in {ctx}")


def test_the_simulator_follows_the_context_switch(served_map):
    """Acute is one dose: the simulator asks POST /simulate in that context (no exposure), the drug relieves pain with no
    H; any other choice is chronic exposure again, where the default dose is past the flip."""
    p = served_map
    p.page.click("#simulator-box > summary")
    assert _simulation_where(p, CHRONIC)["classification"] == "OIH"
    with p.page.expect_request(lambda r: r.url.endswith("/simulate") and ACUTE in (r.post_data or "")) as asked:
        _choose_context(p, ACUTE)
    assert "exposure" not in json.loads(asked.value.post_data)
    acute = _simulation_where(p, ACUTE)
    assert acute["classification"] == "analgesia" and acute["at_dose"]["H"] == 0 and acute["at_dose"]["dP_dD"] < 0
    assert p.page.is_disabled("#sim-exposure") and "One dose (acute administration)" in p.page.inner_text("#sim-result")
    _choose_context(p, "oih:oih")  # a condition implies chronic exposure
    assert _simulation_where(p, CHRONIC)["classification"] == "OIH" and not p.page.is_disabled("#sim-exposure")
    p.clean()


def test_a_shared_link_restores_the_simulator(served_map, open_page):
    served_map.page.click("#simulator-box > summary")
    _set_dose(served_map, 12.5)
    again = open_page(served_map.page.url, MAP_READY)
    assert again.js("oihMap.simulation()")["prescribed_dose"] == 12.5 and again.js("document.getElementById('simulator-box').open")
    served_map.clean()
    again.clean()


def test_the_default_view_reads_in_causal_order_and_the_force_layout_stays_available(served_map):
    got = served_map.js("""(() => {
        const pos = oihMap.network.getPositions(), level = {};
        for (const n of window.OIH_DATA.nodes) level[n.id] = n.level;
        const edges = Object.values(window.OIH_DATA.meta.edges).filter((e) => !e.inferred && e.sign !== null);
        return { layout: oihMap.layout(), edges: edges.map((e) => [e.subject, e.object, level[e.subject], level[e.object],
                 pos[e.subject].x, pos[e.object].x]) };
    })()""")
    assert got["layout"] == "flow"
    font = served_map.js("window.OIH_DATA.options.nodes.font.size")
    assert served_map.js("oihMap.network.getScale()") * font >= 12  # labels at the first view, in screen pixels
    from tests.test_map_layout import _overlaps

    overlaps = _overlaps(served_map)  # each node's shape and label, as vis.js sizes them
    assert overlaps == [], f"labels overlap at the first fit: {overlaps}"
    # no node stands apart as a tree of its own (a context, a strategy linked to nothing): each sits beside another
    apart = served_map.js("""(() => {
        const pos = oihMap.network.getPositions(), ids = Object.keys(pos), out = [];
        for (const a of ids) {
            const near = Math.min(...ids.filter((b) => b !== a).map((b) => Math.hypot(pos[a].x - pos[b].x, pos[a].y - pos[b].y)));
            if (near > 500) out.push([a, Math.round(near)]);  // the designed flow's columns stand up to ~450 apart
        }
        return out;
    })()""")
    assert apart == []
    checked = 0
    for s, o, ls, lo, xs, xo in got["edges"]:
        assert ls <= lo, f"{s} -> {o} points back a level"  # only a feedback loop shares a level
        if ls < lo:
            assert xs < xo, f"{s} -> {o} is drawn right to left"
            checked += 1
    assert checked > 50
    served_map.page.select_option("#layout", "force")
    assert served_map.js("oihMap.layout()") == "force" and "layout=force" in served_map.page.url
    force = served_map.js("window.OIH_DATA.layouts.force")  # its own positions, computed once in Python
    assert {k: [round(v["x"]), round(v["y"])] for k, v in served_map.js("oihMap.network.getPositions()").items()} == force
    served_map.clean()


def test_levels_put_inputs_beside_their_first_consequence_and_unlinked_nodes_beside_their_links():
    from collections import Counter

    from kg.outputs.map import map_data

    kg = OIHKG.open()
    g = kg.causal_graph()
    meta = map_data(kg.catalog, g)["meta"]
    level = {c: n["level"] for c, n in meta["nodes"].items()}
    inputs = [n for n in g if g.in_degree(n) == 0 and g.out_degree(n) > 0]
    assert len(inputs) > 10
    for n in inputs:
        assert level[n] == min(level[s] for s in g.successors(n)) - 1, n
    assert level["CHEBI:6121"] == level["GO:0017146"] - 1  # ketamine stands just before the NMDA receptor it blocks
    # the RVM takes part in no causal edge; it sits among what the map links it to (its ON- and OFF-cells, the process)
    linked = [e["subject"] if e["object"] == "oih:rvm" else e["object"] for e in meta["edges"].values()
              if "oih:rvm" in (e["subject"], e["object"]) and not e["inferred"]]
    assert g.degree("oih:rvm") == 0 and min(level[c] for c in linked) <= level["oih:rvm"] <= max(level[c] for c in linked)
    assert max(Counter(level.values()).values()) <= len(level) // 5  # no column holds every input of the graph


def test_the_latest_path_search_wins_and_a_path_is_shown_whole(served_map):
    served_map.page.uncheck("#type-filter input[value='quantity']")
    served_map.js("(() => { oihMap.findPaths('TLR4', 'hyperalgesia', '', 6); return 1; })()")
    served_map.js("(() => { oihMap.findPaths('opioid agonist', 'hyperalgesic component', '', 6); return 1; })()")
    for _ in range(100):
        chosen = served_map.js("oihMap.chosenPath()")
        if chosen and chosen["nodes"][-1] == "oih:hyperalgesic_component":
            break
        served_map.page.wait_for_timeout(100)
    served_map.page.wait_for_timeout(500)  # the earlier search has answered by now, and must not have replaced it
    chosen = served_map.js("oihMap.chosenPath()")
    assert chosen["nodes"][0] == "oih:opioid" and chosen["nodes"][-1] == "oih:hyperalgesic_component"
    hidden = served_map.js(f"{chosen['nodes']!r}.filter(n => !oihMap.network.body.nodes[n] || oihMap.network.body.nodes[n].options.hidden)")
    assert hidden == [] and served_map.page.is_checked("#type-filter input[value='quantity']")  # the filter was lifted
    served_map.clean()


MOR, CHRONIC_MOR, OPIOID, BRAKES = "HGNC:8156", "oih:chronic_mor_signaling", "oih:opioid", "oih:descending_inhibition"
ACUTE, CHRONIC = "oih:acute_administration", "oih:chronic_exposure"


def test_the_map_ships_where_each_edge_holds_and_the_closure_of_each_context():
    from kg.schema import contexts
    from kg.mechanism.graph import in_context
    from kg.mechanism.perturb import perturb
    from kg.outputs.map import map_data

    kg = OIHKG.open()
    g = kg.causal_graph()
    data = map_data(kg.catalog, g)
    meta, table = data["meta"], data["meta"]["contexts"]
    assert table["choices"][:2] == [ACUTE, CHRONIC] and {"oih:oih", "oih:opioid_tolerance"} <= set(table["choices"])
    assert table["closure"] == {c: sorted(contexts.closure(c)) for c in table["choices"]}
    assert table["closure"]["oih:oih"] == [CHRONIC, "oih:oih"] and table["short"][CHRONIC] == "chronic"
    assert set(table["excludes"][ACUTE]) == set(table["choices"]) - {ACUTE} and "oih:opioid_tolerance" in table["excludes"]["oih:oih"]
    for e in meta["edges"].values():  # the rules of kg.schema.contexts, applied in Python
        assert e["holdsIn"] == [c for c in table["choices"] if contexts.holds_in(e["context"], c)], e
    edge = {(e["subject"], e["object"]): e for e in meta["edges"].values() if not e["inferred"]}
    assert edge[MOR, CHRONIC_MOR]["holdsIn"] == [CHRONIC, "oih:oih", "oih:opioid_tolerance"]
    assert edge[OPIOID, BRAKES]["holdsIn"] == [ACUTE]
    assert edge["CHEBI:6121", "GO:0017146"]["context"] == "" and edge["CHEBI:6121", "GO:0017146"]["holdsIn"] == table["choices"]
    drawn = {e["id"]: e for e in data["edges"]}
    assert drawn[edge[MOR, CHRONIC_MOR]["id"]]["label"] == "chronic" and "label" not in drawn[edge["CHEBI:6121", "GO:0017146"]["id"]]
    # a context sits among the statements that hold only in it, held there by undrawn springs
    ties = {n for e in meta["edges"].values() if e["context"] == CHRONIC and not e["inferred"] for n in (e["subject"], e["object"])}
    level = {c: n["level"] for c, n in meta["nodes"].items()}
    assert level[CHRONIC] in {level[n] for n in ties}
    assert {e["to"] for e in data["edges"] if e["id"].startswith(f"a:{CHRONIC}|")} == ties
    # the predicted effect of giving morphine, as POST /perturb answers it, in every context and in each one
    morphine = meta["interventions"]["CHEBI:17303"]
    assert morphine["summary"] == perturb(in_context(g, ""), activate=["CHEBI:17303"]).summary()
    assert morphine["byContext"][ACUTE]["summary"]["H"] == "unchanged" and morphine["byContext"][CHRONIC]["summary"]["H"] == "up"


def _opacity(p, eid: str) -> float:
    return p.js(f"(() => {{ const c = oihMap.network.body.edges['{eid}'].options.color; return c.opacity; }})()")


def _choose_context(p, value: str) -> None:
    p.page.click(f"#context label:has(input[value='{value}'])")


POSITIONS = "(() => { const q = oihMap.network.getPositions(); return Object.keys(q).sort().map(k => [k, Math.round(q[k].x), Math.round(q[k].y)]); })()"


def test_the_context_switch_fades_what_does_not_hold_keeps_the_layout_and_is_shared(served_map, open_page):
    p = served_map
    chronic_edge, acute_edge = _edge_id(p, MOR, CHRONIC_MOR), _edge_id(p, OPIOID, BRAKES)
    colours = p.js(f"[oihMap.network.body.edges['{chronic_edge}'].options.color.color, oihMap.network.body.edges['{acute_edge}'].options.color.color]")
    before = p.js(POSITIONS)
    assert p.page.is_checked("#context input[value='']") and _opacity(p, chronic_edge) == _opacity(p, acute_edge) == 1
    p.page.select_option("#intervention", "CHEBI:17303")  # morphine
    _choose_context(p, ACUTE)
    assert _opacity(p, chronic_edge) < 0.3 and _opacity(p, acute_edge) == 1  # the chronic cascade fades; the brakes hold
    assert "acute opioid administration: faded" in p.page.inner_text("#context-status")
    panel = p.page.inner_text("#panel")  # the intervention is predicted afresh in the chosen context
    assert "in acute opioid administration" in panel and "hyperalgesic component H: unchanged" in panel
    panel = _click_edge(p, MOR, CHRONIC_MOR)
    assert "Holds only in\nchronic opioid exposure" in panel and "does not hold in acute opioid administration" in panel
    _choose_context(p, CHRONIC)
    assert _opacity(p, chronic_edge) == 1 and _opacity(p, acute_edge) < 0.3
    # one sign convention: the switch changes only how strongly an edge is drawn, never its colour or its head
    assert p.js(f"[oihMap.network.body.edges['{chronic_edge}'].options.color.color, oihMap.network.body.edges['{acute_edge}'].options.color.color]") == colours
    assert p.js(f"oihMap.network.body.edges['{acute_edge}'].options.arrows.to.type") == "arrow"
    # path search asks /paths in the chosen context
    with p.page.expect_request(lambda r: "/paths?" in r.url) as asked:
        _search_paths(p, "morphine", "OFF-cell")
    assert "context=oih%3Achronic_exposure" in asked.value.url
    chosen = p.js("oihMap.chosenPath()")
    assert chosen["nodes"][-1] == "oih:off_cell" and chosen["contexts"] == [CHRONIC] and chosen["sign"] == -1
    assert "holds only in: chronic opioid exposure" in p.page.inner_text("#panel ol.paths")
    _choose_context(p, ACUTE)  # the search is asked again in the new context
    p.page.wait_for_selector("#panel .no-path", timeout=30_000)
    assert "No path in acute opioid administration" in p.page.inner_text("#panel .no-path")
    _choose_context(p, CHRONIC)
    p.page.wait_for_selector("#panel ol.paths li", timeout=30_000)
    assert p.js(POSITIONS) == before  # nothing moved: not the switch, the intervention, the search or its lifted filters
    url = p.page.url
    assert "context=oih%3Achronic_exposure" in url
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "map-chronic.png"))
    again = open_page(url, MAP_READY)
    assert again.page.is_checked(f"#context input[value='{CHRONIC}']")
    assert _opacity(again, chronic_edge) == 1 and _opacity(again, acute_edge) < 0.3
    assert again.js("oihMap.chosenPath()")["nodes"] == chosen["nodes"] and again.page.input_value("#intervention") == "CHEBI:17303"
    border = "oihMap.nodes.get('oih:hyperalgesic_component').color.border"
    assert again.js(border) == "#b2182b"  # morphine raises H under chronic exposure: its node's border says up
    _choose_context(again, ACUTE)
    assert again.js("(() => { const c = oihMap.nodes.get('oih:hyperalgesic_component').color; return typeof c === 'string' ? null : c.border; })()") is None
    p.clean()
    again.clean()


def test_the_context_switch_works_in_the_saved_file_too(mapped):
    chronic_edge, acute_edge = _edge_id(mapped, MOR, CHRONIC_MOR), _edge_id(mapped, OPIOID, BRAKES)
    before = mapped.js(POSITIONS)
    _choose_context(mapped, "oih:oih")  # OIH implies chronic exposure: the chronic cascade holds, the acute brake does not
    assert _opacity(mapped, chronic_edge) == 1 and _opacity(mapped, acute_edge) < 0.3
    assert "opioid-induced hyperalgesia (under chronic opioid exposure)" in mapped.page.inner_text("#context-status")
    _choose_context(mapped, "")
    assert _opacity(mapped, chronic_edge) == _opacity(mapped, acute_edge) == 1 and "context=" not in mapped.page.url
    assert mapped.js(POSITIONS) == before
    mapped.clean()
