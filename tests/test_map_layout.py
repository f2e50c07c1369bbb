"""The map's designed layout in Debian's chromium (Playwright): computed once, never moved by what the user does,
readable at first sight, exported as figures, reachable by keyboard; and the layout itself in Python.

Measured, never timed: positions before and after each interaction, overlapping node boxes (shape and label, as
vis.js sizes them), label size on screen (font size × canvas scale), the legend's box against the viewport.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kg import OIHKG

ARTIFACTS = Path(__file__).parent / "artifacts"
MAP_READY = "Boolean(window.oihMap && window.oihMap.isStabilized())"
GLIAL = "oih:glial_neuroinflammatory_pathway"
POSITIONS = ("(() => { const q = oihMap.network.getPositions(); "
             "return Object.keys(q).sort().map(k => [k, Math.round(q[k].x), Math.round(q[k].y)]); })()")
# each shown node's box, shape and label, as vis.js sizes them (drawn once so every size is measured)
BOXES = """(() => {
    const net = oihMap.network, ctx = net.canvas.getContext(), out = {};
    for (const [id, p] of Object.entries(net.getPositions())) {
        const n = net.body.nodes[id];
        if (n.options.hidden) continue;
        n.draw(ctx);
        const s = n.shape, L = n.labelModule.size;
        if (['ellipse', 'box', 'circle', 'database', 'text'].includes(n.options.shape)) {
            out[id] = [p.x - s.width / 2, p.y - s.height / 2, p.x + s.width / 2, p.y + s.height / 2];
        } else {
            const r = n.options.size, half = Math.max(r, L.width / 2);
            out[id] = [p.x - half, p.y - r, p.x + half, p.y + r + L.height + 2];
        }
    }
    net.redraw();
    return out;
})()"""
LABEL_PX = "window.OIH_DATA.options.nodes.font.size * oihMap.network.getScale()"


def _overlaps(p) -> list:
    from kg.outputs.layout import overlaps

    return overlaps({k: tuple(v) for k, v in p.js(BOXES).items()})


@pytest.fixture(scope="module")
def data():
    from kg.outputs.map import map_data

    kg = OIHKG.open()
    return map_data(kg.catalog, kg.causal_graph())


def test_modules_are_labelled_areas_that_hold_only_their_members(data):
    from kg.outputs.layout import area_overlaps, offset, size

    areas = data["areas"]
    assert {a["id"] for a in areas} == set(data["meta"]["pathways"]) and all(a["label"] for a in areas)
    assert area_overlaps(areas) == []
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    shapes = {n["id"]: n["shape"] for n in data["nodes"]}
    for a in areas:
        for c, (x, y) in data["layouts"]["flow"].items():
            w, h = size(labels[c], shapes[c])
            y += offset(labels[c], shapes[c])
            inside = a["x"] < x + w / 2 and x - w / 2 < a["x"] + a["w"] and a["y"] < y + h / 2 and y - h / 2 < a["y"] + a["h"]
            assert inside == (c in a["members"]), (a["id"], c)
            if c in a["members"]:
                assert a["id"] == c or a["id"] in data["meta"]["nodes"][c]["pathways"]


def test_labels_break_at_spaces_only(data):
    for n in data["nodes"]:
        assert n["label"].replace("\n", " ") == data["meta"]["nodes"][n["id"]]["label"].strip()
        assert "widthConstraint" not in data["options"]["nodes"]  # vis.js would break a long word in two


def test_the_flow_reads_left_to_right(data):
    x = {c: p[0] for c, p in data["layouts"]["flow"].items()}
    level = {c: n["level"] for c, n in data["meta"]["nodes"].items()}
    for e in data["meta"]["edges"].values():
        if not e["inferred"] and level[e["subject"]] < level[e["object"]]:
            assert x[e["subject"]] < x[e["object"]], e


def _interact_and_check(p, before, what: str) -> None:
    """Every node in view stands where it stood (a filter hides nodes; none moves), and none overlaps another."""
    now, was = {k: (x, y) for k, x, y in p.js(POSITIONS)}, {k: (x, y) for k, x, y in before}
    assert now and {k: was[k] for k in now} == now, f"{what} moved nodes"
    assert _overlaps(p) == [], f"overlapping nodes after {what}"


def test_nothing_moves_under_the_user(open_page, map_file):
    p = open_page(map_file.as_uri(), MAP_READY)
    before = p.js(POSITIONS)
    assert _overlaps(p) == []
    p.page.select_option("#intervention", "oih:tlr4_antagonist")
    _interact_and_check(p, before, "an intervention")
    p.page.select_option("#intervention", "")
    p.page.select_option("#pathway-filter", GLIAL)
    _interact_and_check(p, before, "a pathway filter")
    p.page.select_option("#pathway-filter", "")
    p.page.uncheck("#type-filter input[value=process]")
    _interact_and_check(p, before, "a type filter")
    p.page.check("#type-filter input[value=process]")
    p.page.check("#show-inferred")
    _interact_and_check(p, before, "showing inferred edges")
    p.page.click("#context label:has(input[value='oih:acute_administration'])")
    _interact_and_check(p, before, "a context")
    p.page.select_option("#layout", "force")
    assert p.js(POSITIONS) != before and _overlaps(p) == []
    assert p.js("oihMap.areasShown().length") == 0  # the module areas belong to the flow
    p.page.select_option("#layout", "flow")  # threw a page error before
    _interact_and_check(p, before, "switching the layout and back")
    assert p.js("oihMap.areasShown().length") == 5
    p.clean()


def test_readable_at_first_sight_at_two_window_sizes(open_page, map_file):
    p = open_page(map_file.as_uri(), MAP_READY)
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in [(1400, 900), (1024, 700)]:
        p.page.set_viewport_size({"width": width, "height": height})
        p.page.reload()
        p.page.wait_for_function(MAP_READY)
        assert p.js(LABEL_PX) >= 12, f"labels under 12 px at {width}×{height}"
        legend = p.page.locator("#legend").bounding_box()
        assert legend["y"] >= 0 and legend["y"] + legend["height"] <= height and legend["width"] > 300
        assert legend["y"] > p.page.locator("#network").bounding_box()["y"]  # on the canvas, not below it
        assert "Start here" in p.page.inner_text("#intro")
        assert p.page.locator("#intro").bounding_box()["y"] < 120
        p.page.screenshot(path=str(ARTIFACTS / f"map-layout-{width}x{height}.png"))
    p.page.click("#fit")
    assert p.js(LABEL_PX) < 12  # "Fit all" shows the whole overview; "Zoom to read" brings the labels back
    p.page.click("#readable")
    assert p.js(LABEL_PX) >= 12
    p.clean()


def test_one_sign_convention_and_distinct_categories(data):
    meta = data["meta"]
    plus, minus = meta["signColours"]["+"], meta["signColours"]["-"]
    for e in data["edges"]:
        if e.get("membership"):
            continue
        sign = meta["edges"][e["id"]]["sign"]
        if sign is not None:
            assert e["color"] == (plus if sign == 1 else minus)
            assert e["arrows"]["to"]["type"] == ("arrow" if sign == 1 else "bar")
    colours = [c["color"] for c in meta["categories"].values()]
    assert meta["categories"]["receptor"]["color"] != meta["categories"]["mediator"]["color"]

    def rgb(h):
        return [int(h[i:i + 2], 16) for i in (1, 3, 5)]

    r, m = rgb(meta["categories"]["receptor"]["color"]), rgb(meta["categories"]["mediator"]["color"])
    assert sum(abs(a - b) for a, b in zip(r, m)) > 120 and len(colours) == len(set(colours))


def test_intervention_borders_use_the_edge_colours(open_page, map_file):
    p = open_page(map_file.as_uri(), MAP_READY)
    p.page.select_option("#intervention", label="TLR4 antagonist")
    assert p.js("oihMap.nodes.get('GO:0001774').color.border") == p.js("window.OIH_DATA.meta.signColours['-']")
    p.clean()


def test_a_path_search_shows_only_its_own_inferred_steps(open_page, api_server):
    p = open_page(f"{api_server}/map", MAP_READY)
    before, asserted = p.js(POSITIONS), p.js("oihMap.visibleEdgeCount()")
    p.page.fill("#path-source", "morphine")
    p.page.fill("#path-target", "hyperalgesia")
    p.page.click("#path-form button[type=submit]")
    p.page.wait_for_selector("#panel ol.paths li, #panel .no-path", timeout=30_000)
    p.page.wait_for_function("Boolean(oihMap.chosenPath && oihMap.chosenPath())", timeout=10_000)
    chosen = p.js("oihMap.chosenPath()")
    assert chosen["nodes"][0] == "CHEBI:17303"
    assert not p.page.is_checked("#show-inferred")  # the inferred edges of the whole map stay off
    shown_inferred = p.js("oihMap.edges.get({filter: e => e.inferred && oihMap.network.body.edges[e.id] && "
                          "!oihMap.network.body.edges[e.id].options.hidden}).map(e => [e.from, e.to])")
    steps = list(zip(chosen["nodes"], chosen["nodes"][1:]))
    assert shown_inferred and all(tuple(e) in steps for e in shown_inferred)
    assert p.js("oihMap.visibleEdgeCount()") <= asserted + len(steps)
    assert p.js(POSITIONS) == before and _overlaps(p) == []
    p.clean()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_figures_export_with_title_and_legend(open_page, map_file, tmp_path):
    p = open_page(map_file.as_uri(), MAP_READY)
    with p.page.expect_download() as info:
        p.page.click("#export-svg")
    svg = tmp_path / info.value.suggested_filename
    info.value.save_as(svg)
    assert svg.name == "oihkg-map.svg"
    root = ET.parse(svg).getroot()
    text = " ".join(t.strip() for t in root.itertext())
    assert "OIH mechanism map" in text and "+ increases (arrow)" in text and "− decreases (bar)" in text
    assert "ketamine" in text and "glial neuroinflammatory pathway" in text
    assert len(root.findall(".//{http://www.w3.org/2000/svg}polyline")) == p.js("oihMap.visibleEdgeCount()")
    with p.page.expect_download() as info:
        p.page.click("#export-png")
    png = tmp_path / info.value.suggested_filename
    info.value.save_as(png)
    width, height = _png_size(png.read_bytes())
    screen = p.js("document.querySelector('#network canvas').width")
    assert png.name == "oihkg-map.png" and width >= 2 * screen and height > 500
    p.clean()


def test_every_control_and_each_node_by_keyboard(open_page, map_file):
    p = open_page(map_file.as_uri(), MAP_READY)
    reached = set()
    p.page.locator("#search").focus()
    for _ in range(80):  # bounded: the page has fewer controls than this
        p.page.keyboard.press("Tab")
        reached.add(p.js("document.activeElement.id || document.activeElement.tagName"))
    assert {"intervention", "pathway-filter", "show-inferred", "layout", "show-hulls", "readable", "fit", "export-svg",
            "export-png", "network"} <= reached
    p.page.locator("#table-box > summary").focus()
    p.page.keyboard.press("Enter")
    row = p.page.locator("#table-box table[aria-label=nodes] tr[tabindex]").filter(has_text="ketamine").first
    row.focus()
    p.page.keyboard.press("Enter")
    assert p.js("oihMap.selected()") == ["CHEBI:6121"] and "ketamine" in p.page.inner_text("#panel")
    edge = p.page.locator("#table-box table[aria-label=edges] tr[tabindex]").filter(has_text="ketamine").first
    edge.focus()
    p.page.keyboard.press("Enter")
    assert p.js("oihMap.network.getSelectedEdges().length") == 1 and "ketamine →" in p.page.inner_text("#panel")
    p.clean()


def test_a_module_collapses_and_expands_in_place(open_page, map_file):
    p = open_page(map_file.as_uri(), MAP_READY)
    before, count = p.js(POSITIONS), p.js("oihMap.visibleNodeCount()")
    members = p.js(f"window.OIH_DATA.areas.find(a => a.id === '{GLIAL}').members")
    p.page.uncheck(f"#modules input[value='{GLIAL}']")
    assert p.js("oihMap.visibleNodeCount()") == count - (len(members) - 1)  # its pathway node stays
    _interact_and_check(p, before, "collapsing a module")
    assert p.js(f"oihMap.areasShown().some(a => a.id === '{GLIAL}')")  # the area stays where it was
    drawn = p.js("oihMap.edges.get({filter: e => e.summary && oihMap.network.body.edges[e.id] && "
                 "!oihMap.network.body.edges[e.id].options.hidden}).map(e => [e.from, e.to])")
    assert drawn and all(GLIAL in e for e in drawn)  # its links to the rest of the map, to its pathway node
    assert "collapsed=" in p.page.url
    # a click on the area's name expands it again
    x, y = p.js(f"""(() => {{
        const a = window.OIH_DATA.areas.find(a => a.id === '{GLIAL}');
        oihMap.network.moveTo({{position: {{x: a.x + a.w / 2, y: a.y + a.h / 2}}, scale: oihMap.minScale(), animation: false}});
        const d = oihMap.network.canvasToDOM({{x: a.x + 60, y: a.y + 14}}), r = document.getElementById('network').getBoundingClientRect();
        return [r.left + d.x, r.top + d.y];
    }})()""")
    p.page.mouse.click(x, y)
    assert p.js("oihMap.visibleNodeCount()") == count and p.page.is_checked(f"#modules input[value='{GLIAL}']")
    _interact_and_check(p, before, "expanding a module")
    p.clean()


# drawn edges (asserted; the inferred are hidden) and how many (edge, node) pairs have the edge run through the box of
# a node that is not one of its ends, over the curve as vis.js draws it
THROUGH = """(() => {
    const boxes = %s, body = oihMap.network.body;
    let edges = 0, hits = 0;
    for (const e of Object.values(body.edges)) {
        if (e.options.hidden || !e.connected) continue;
        edges++;
        const pts = [];
        for (let i = 1; i < 24; i++) pts.push(e.edgeType.getPoint(i / 24));
        for (const [id, b] of Object.entries(boxes)) {
            if (id !== e.fromId && id !== e.toId
                && pts.some((p) => p.x > b[0] + 2 && p.x < b[2] - 2 && p.y > b[1] + 2 && p.y < b[3] - 2)) hits++;
        }
    }
    return [edges, hits];
})()""" % BOXES.strip()


def test_edges_detour_around_labels_in_the_flow_only(open_page, map_file):
    """An edge whose curve would run through another node's label takes a detour (kg.outputs.layout.detours), computed once
    in Python: at most a third of the pass-throughs are left; the force layout draws those edges as any other, and
    the flow gets its detours back."""
    p = open_page(map_file.as_uri(), MAP_READY)
    routes = p.js("window.OIH_DATA.routes")
    assert routes
    edges, routed = p.js(THROUGH)
    first = next(iter(routes))
    p.js("oihMap.edges.update(Object.keys(window.OIH_DATA.routes).map((id) => "
         "({ id, smooth: window.OIH_DATA.options.edges.smooth })))")  # every edge on the default curve
    _, straight = p.js(THROUGH)
    assert edges > 80 and routed <= straight / 3, (routed, straight)
    p.js("oihMap.setLayout('force')")
    assert p.js(f"oihMap.edges.get('{first}').smooth.type") == p.js("window.OIH_DATA.forceOptions.edges.smooth.type")
    p.js("oihMap.setLayout('flow')")
    assert p.js(f"oihMap.edges.get('{first}').smooth") == routes[first]
    p.clean()


def test_the_curves_modelled_are_the_curves_drawn(open_page, map_file):
    """kg.outputs.layout.curve draws an edge as vis.js does (the default cubic Bézier and each detour): within a pixel."""
    from kg.outputs.layout import curve

    p = open_page(map_file.as_uri(), MAP_READY)
    got = p.js("""(() => { const out = {}, body = oihMap.network.body, pos = oihMap.network.getPositions();
        for (const [id, e] of Object.entries(body.edges)) {
            if (e.options.hidden || !e.connected) continue;
            out[id] = { a: [pos[e.fromId].x, pos[e.fromId].y], b: [pos[e.toId].x, pos[e.toId].y],
                        smooth: e.options.smooth.type === 'cubicBezier' ? null
                            : { type: e.options.smooth.type, roundness: e.options.smooth.roundness },
                        pts: [...Array(23).keys()].map((i) => { const q = e.edgeType.getPoint((i + 1) / 24); return [q.x, q.y]; }) };
        }
        return out; })()""")
    kinds = {(v["smooth"] or {}).get("type", "default") for v in got.values()}
    assert {"default", "curvedCW", "curvedCCW"} <= kinds
    for eid, v in got.items():
        model = curve(v["a"], v["b"], v["smooth"])
        assert max(abs(x - q[0]) + abs(y - q[1]) for (x, y), q in zip(model, v["pts"])) < 1.0, eid
    p.clean()


def test_the_map_works_in_a_notebooks_sandboxed_frame(open_page, tmp_path):
    """kg.map() in a notebook: the map in a sandboxed srcdoc frame (no address of its own) is drawn and answers the
    controls without a page error (it keeps no share link there)."""
    page = tmp_path / "notebook.html"
    page.write_text("<!DOCTYPE html><html><body>" + OIHKG.open().map()._repr_html_() + "</body></html>", encoding="utf-8")
    p = open_page(page.as_uri(), "document.querySelector('iframe') !== null")
    frame = next(f for f in p.page.frames if f != p.page.main_frame)
    for _ in range(300):
        if frame.evaluate("() => Boolean(window.oihMap && window.oihMap.isStabilized())"):
            break
        p.page.wait_for_timeout(100)
    assert frame.evaluate("() => window.oihMap.nodes.length") > 20
    frame.evaluate("() => { oihMap.setLayout('force'); oihMap.setLayout('flow'); }")
    frame.select_option("#intervention", "oih:tlr4_antagonist")
    p.page.wait_for_timeout(300)
    p.clean()
