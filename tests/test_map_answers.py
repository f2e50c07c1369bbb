"""The map's answers in Debian's chromium driven by Playwright: path answers grouped by mechanism, evidence to a citable
standard (quotes as text, ECO labels, citations explained, inherited steps marked), what drives and inhibits each
pathway (panel and matrix), and the simulator's before → after comparison. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from kg import OIHKG, schema
from kg.present.display import display_text

ARTIFACTS = Path(__file__).parent / "artifacts"
MAP_READY = "Boolean(window.oihMap && window.oihMap.isStabilized())"
GLIAL, MOR_PATHWAY = "oih:glial_neuroinflammatory_pathway", "oih:mor_analgesic_pathway"
KETAMINE, MORPHINE, ANALGESIA = "CHEBI:6121", "CHEBI:17303", "oih:analgesia"


@pytest.fixture()
def served_map(open_page, api_server):
    return open_page(f"{api_server}/map", MAP_READY)


@pytest.fixture(scope="module")
def catalog():
    return OIHKG.open().catalog


def _until(p, expr: str, what: str, seconds: float = 30):
    """The value of ``expr`` once truthy, polled with evaluate (the served page's CSP forbids wait_for_function)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = p.js(expr)
        if value:
            return value
        p.page.wait_for_timeout(100)
    raise AssertionError(f"no {what} within {seconds:g} s")


def _search(p, source: str, target: str, sign: str | None = None) -> None:
    p.page.fill("#path-source", source)
    p.page.fill("#path-target", target)
    if sign is not None:
        p.page.select_option("#path-sign", sign)
    if p.page.is_visible("#panel button.close"):
        p.page.click("#panel button.close")
    p.page.click("#path-form button[type=submit]")
    p.page.wait_for_selector("#panel ol.paths li, #panel .no-path", timeout=30_000)


def _mechanism(nodes: list[str], meta: dict) -> list[str]:
    """The rule the page states: a path's inner steps' pathways, a step in several counting for those shared."""
    inner = [meta["nodes"][n]["pathways"] for n in nodes[1:-1]]
    count = {}
    for pws in inner:
        for pw in pws:
            count[pw] = count.get(pw, 0) + 1
    seq = []
    for pws in inner:
        seq += [pw for pw in pws if (len(pws) == 1 or count[pw] > 1) and pw not in seq]
    return seq


def test_a_path_answer_lists_one_line_per_mechanism_plus_first_and_dims_the_rest(served_map, api_server):
    p = served_map
    assert p.page.input_value("#path-sign") == "+"  # "leads to" by default
    _search(p, "morphine", "hyperalgesia")
    answer = httpx.get(f"{api_server}/paths", params={"source": MORPHINE, "target": "oih:hyperalgesia", "max_length": 6,
                                                       "sign": "1"}, timeout=60).json()
    meta = p.js("window.OIH_DATA.meta")
    want: dict[tuple, int] = {}
    for path in answer["paths"]:
        key = tuple(_mechanism(path["nodes"], meta))
        want[key] = want.get(key, 0) + 1
    assert len(want) < len(answer["paths"])  # the variants fold: fewer groups than paths
    groups = p.page.eval_on_selector_all("#panel li.mech-group", "els => els.map(e => e.querySelector('.mech-name').innerText)")
    assert len(groups) == len(want)
    names = {" → ".join(meta["pathways"][pw] for pw in key): n for key, n in want.items()}
    for text in groups:
        name, count = re.fullmatch(r"(.*) (\d+) paths?", text).groups()
        assert names[name] == int(count)
    visible = p.page.eval_on_selector_all("#panel .path-line", "els => els.filter(e => e.checkVisibility()).length")
    assert visible == len(want)  # one line per mechanism until its variants are opened
    assert p.page.eval_on_selector_all("#panel blockquote", "els => els.filter(e => e.checkVisibility()).length") == 0
    heads = p.page.eval_on_selector_all("#panel .path-groups h4", "els => els.map(e => e.innerText)")
    assert heads[0].startswith("+ leads to") and not any(h.startswith("−") for h in heads)
    assert "via drug class: opioid agonist" in p.page.inner_text("#panel .path-line.chosen")  # inherited steps said
    chosen = p.js("oihMap.chosenPath()")
    off = [n for n in meta["nodes"] if n not in chosen["nodes"]][0]
    assert p.js(f"oihMap.nodes.get('{chosen['nodes'][1]}').opacity ?? 1") == 1 and p.js(f"oihMap.nodes.get('{off}').opacity") < 0.5
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "answers-path-groups.png"))
    p.page.click("#panel .path-line.chosen details.path-evidence > summary")  # the evidence, on demand
    quotes = p.page.eval_on_selector_all("#panel .path-line.chosen blockquote", "els => els.map(e => e.innerText)")
    assert quotes and not any("$" in q for q in quotes)
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "answers-path-morphine-hyperalgesia.png"))
    more = p.page.query_selector("#panel details.variants > summary")
    more.click()
    assert p.page.eval_on_selector_all("#panel .path-line", "els => els.filter(e => e.checkVisibility()).length") > len(want)
    p.clean()


def test_any_sign_lists_the_lowering_paths_apart_after_the_raising_ones(served_map):
    _search(served_map, "morphine", "net pain", sign="")
    lanes = served_map.page.eval_on_selector_all(  # in each context's lane, + first and − apart
        "#panel section.path-lane", "els => els.map(l => [...l.querySelectorAll('.path-groups')].map(g => g.innerText))")
    assert {g[0] for gs in lanes for g in gs} == {"+", "−"}
    for gs in lanes:
        assert [g[0] for g in gs] in ([], ["+"], ["−"], ["+", "−"])
        for g in gs:
            if g[0] == "−":
                assert "+ " not in g.split("\n", 1)[1]
    assert served_map.js("oihMap.chosenPath().sign") == 1  # the first + path is lit
    _search(served_map, "ketamine", "hyperalgesia", sign="+")  # none of sign +: said, not shown as paths
    assert "none of sign +" in served_map.page.inner_text("#panel .no-path")
    served_map.clean()


def _lane_counts(answer: dict, meta: dict) -> dict[str, int]:
    """The page's lanes computed from a /paths answer: one per exposure (a context no other implies), a path going to
    the exposure its contexts arise under, then the paths that hold in every context ("")."""
    closure = meta["contexts"]["closure"]
    roots = [c for c in meta["contexts"]["choices"] if closure[c] == [c]]
    counts = {c: 0 for c in [*roots, ""]}
    for path in answer["paths"]:
        held = {d for c in path["contexts"] for d in closure.get(c, [c])}
        counts[next((c for c in roots if c in held), "")] += 1
    return counts


def test_path_answers_come_in_lanes_by_context_and_one_context_shows_its_lane(served_map, api_server):
    p = served_map
    _search(p, "morphine", "hyperalgesia")
    meta = p.js("window.OIH_DATA.meta")
    params = {"source": MORPHINE, "target": "oih:hyperalgesia", "max_length": 6, "sign": "1"}
    want = _lane_counts(httpx.get(f"{api_server}/paths", params=params, timeout=60).json(), meta)
    assert set(want) >= {"oih:acute_administration", "oih:chronic_exposure", ""}
    shown = p.page.eval_on_selector_all("#panel section.path-lane", "els => els.map(l => [l.dataset.lane, "
                                        "Number(l.querySelector('.lane-count').innerText), l.querySelectorAll('.path-line').length])")
    assert [lane for lane, _, _ in shown] == list(want)  # acute, chronic exposure, every context
    for lane, count, lines in shown:
        assert count == want[lane] == lines, lane
    heads = p.page.eval_on_selector_all("#panel h4.lane-head", "els => els.map(e => e.innerText)")
    assert heads[-1].startswith("every context") and any(h.startswith(meta["contexts"]["labels"]["oih:acute_administration"]) for h in heads)
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "answers-path-lanes.png"))
    acute = httpx.get(f"{api_server}/paths", params={**params, "context": "oih:acute_administration"}, timeout=60).json()
    p.page.click("#context label:has(input[value='oih:acute_administration'])")
    _until(p, "(() => { const t = document.querySelector('#panel h3'); return t && t.innerText.includes(' in ') ? 1 : 0; })()",
           "the answer in the acute context")
    _until(p, "document.querySelector('#panel section.path-lane, #panel .no-path')", "the acute answer")
    lanes = p.page.eval_on_selector_all("#panel section.path-lane", "els => els.map(l => [l.dataset.lane, l.querySelectorAll('.path-line').length])")
    if acute["paths"]:
        assert lanes == [["oih:acute_administration", len(acute["paths"])]]
        assert all("oih:chronic_exposure" not in {d for c in path["contexts"] for d in meta["contexts"]["closure"].get(c, [c])}
                   for path in acute["paths"])
    else:  # none holds acutely: said, and no lane of another context shown
        assert lanes == [] and "No path in" in p.page.inner_text("#panel .no-path")
    _search(p, "morphine", "analgesia", sign="")  # an answer with acute paths: only acute ones in the acute context
    acute = httpx.get(f"{api_server}/paths", params={**{k: v for k, v in params.items() if k != "sign"},
                                                        "target": ANALGESIA, "context": "oih:acute_administration"}, timeout=60).json()
    assert acute["paths"]
    lanes = p.page.eval_on_selector_all("#panel section.path-lane", "els => els.map(l => [l.dataset.lane, l.querySelectorAll('.path-line').length])")
    assert lanes == [["oih:acute_administration", len(acute["paths"])]]
    p.page.screenshot(path=str(ARTIFACTS / "answers-path-lane-acute.png"))
    p.clean()


def test_every_quote_reads_as_text_with_its_eco_label_and_citations_explained(served_map):
    p = served_map
    meta = p.js("window.OIH_DATA.meta")
    with_math = [eid for eid, e in meta["edges"].items() if "$" in e["quote"]]
    assert with_math
    for eid in with_math:
        p.js(f"oihMap.edgePanel('{eid}')")
        text = p.page.inner_text("#panel")
        assert "$" not in text and display_text(meta["edges"][eid]["quote"]) in text
    assert any("μ" in display_text(meta["edges"][eid]["quote"]) for eid in with_math)
    cited = next(eid for eid, e in meta["edges"].items() if e["evidenceType"] == schema.ECO_TRACEABLE and not e["inferred"])
    p.js(f"oihMap.edgePanel('{cited}')")
    text = p.page.inner_text("#panel")
    assert f"{schema.EVIDENCE_TYPES[schema.ECO_TRACEABLE]} ({schema.ECO_TRACEABLE})" in text
    c = meta["edges"][cited]["citations"][0]
    assert f"ref. {c}" in text and "reference marker" in text and f"problem_id:{c}" in text
    p.page.click(f"#panel button.cite[data-citation='{c}']")  # a citation lists every statement that cites it
    listed = p.page.eval_on_selector_all("#panel ul.cited > li", "els => els.length")
    assert listed == sum(1 for e in meta["edges"].values() if not e["inferred"] and c in e["citations"])
    for typed in (f"problem_id:{c}", f"ref. {c}"):  # a citation can be searched for as the article writes it or as shown
        p.page.fill("#search", typed)
        p.page.press("#search", "Enter")
        assert p.page.inner_text("#panel h3") == f"ref. {c}"
        assert p.page.eval_on_selector_all("#panel ul.cited > li", "els => els.length") == listed
    p.page.fill("#search", "ref. 1")  # no such reference: said as for any name
    p.page.press("#search", "Enter")
    assert "no node matches" in p.page.inner_text("#search-message")
    inherited = next(eid for eid, e in meta["edges"].items() if e["via"])
    p.js(f"oihMap.edgePanel('{inherited}')")
    assert f"inherited from {meta['nodes'][meta['edges'][inherited]['via']]['label']}" in p.page.inner_text("#panel")
    bare = next(eid for eid, e in meta["edges"].items() if not e["quote"] and not e["citations"])  # nothing to show
    p.js(f"oihMap.edgePanel('{bare}')")
    text = p.page.inner_text("#panel")
    assert "Quote" not in text and "none: the quoted sentence cites nothing" in text
    p.clean()


def _links(catalog, pathway: str) -> dict[str, set[str]]:
    """What drives and what inhibits ``pathway``, by intervention label: the every-context matrix of the catalog and
    the links the reasoner derives only in a context (the named query ``contextual-fact``)."""
    out = {"drives": set(), "inhibits": set()}
    for iv in catalog.interventions():
        out_here = {pw["direction"] for pw in iv["pathways"] if pw["id"] == pathway}
        for direction in ("drives", "inhibits"):
            if direction in out_here or catalog.query("contextual-fact", subject=iv["id"], predicate=f"oih:{direction}_pathway",
                                                      object=pathway):
                out[direction].add(iv["label"])
    return out


def test_a_pathways_panel_lists_its_drivers_and_inhibitors_and_the_matrix_explains(served_map, catalog):
    p = served_map
    want = _links(catalog, GLIAL)
    assert want["drives"] and want["inhibits"]
    p.js(f"oihMap.nodePanel('{GLIAL}')")
    text = p.page.inner_text("#panel")
    for direction, title in (("drives", "Driven by"), ("inhibits", "Inhibited by")):
        assert f"{title} ({len(want[direction])})" in text
        shown = p.page.eval_on_selector_all(f"#panel ul.actors-{direction} .actor", "els => els.map(e => e.innerText)")
        assert set(shown) == want[direction]
    assert "only in opioid-induced hyperalgesia" in text  # morphine drives glia in OIH, not in every context
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "answers-pathway-panel.png"))
    dyn = _links(catalog, "oih:dynorphin_pathway")
    assert not dyn["inhibits"]
    p.js("oihMap.nodePanel('oih:dynorphin_pathway')")
    assert "Inhibited by (0)\nnothing the map names" in p.page.inner_text("#panel")  # said, not left out
    p.page.select_option("#intervention", KETAMINE)  # an inhibitor reads apart from a driver
    assert "▼ inhibits" in p.page.inner_text("#panel") and "▲ drives" not in p.page.inner_text("#panel")
    p.page.select_option("#intervention", MORPHINE)
    assert "▲ drives" in p.page.inner_text("#panel") and "▼ inhibits" not in p.page.inner_text("#panel")
    p.page.click("#open-matrix")
    cells = p.page.eval_on_selector_all("#panel table.matrix button.cell", "els => els.map(e => e.dataset.pathway + '|' + e.title)")
    every = sum(len(iv["pathways"]) for iv in catalog.interventions())
    meta = p.js("window.OIH_DATA.meta")
    assert len(cells) == every + sum(len(iv["inContext"]) for iv in meta["interventions"].values())
    p.page.click(f"#panel table.matrix button.cell[data-intervention='oih:tlr4_antagonist'][data-pathway='{GLIAL}']")
    why = p.page.inner_text("#panel .matrix-why")
    assert "TLR4 antagonist inhibits glial neuroinflammatory pathway" in why and "inferred by HermiT" in why
    assert p.page.eval_on_selector_all("#panel .matrix-why ol.explanation li", "els => els.length") > 0
    p.page.click(f"#panel table.matrix button.cell[data-intervention='{MORPHINE}'][data-pathway='{GLIAL}']")
    assert "only in opioid-induced hyperalgesia" in p.page.inner_text("#panel .matrix-why")
    p.page.screenshot(path=str(ARTIFACTS / "answers-matrix.png"))
    p.clean()


def _compared(p, n: int, columns: int) -> dict:
    """The simulation once it has ``n`` interventions and its ``columns`` scenarios tabled (30 s at most)."""
    return _until(p, f"(() => {{ const r = oihMap.simulation(), s = oihMap.simulationScenarios(); "
                  f"return r && r.interventions.length === {n} && s.length === {columns} && "
                  f"document.querySelectorAll('#sim-result table.sim-compare thead th[data-scenario]').length === {columns} ? [r, s] : null; }})()",
                  f"comparison with {n} intervention(s) in {columns} scenarios")


def _table(p) -> dict[str, dict[str, str]]:
    """The comparison table: row name -> scenario key -> cell text."""
    return {row: dict(cells) for row, cells in p.page.eval_on_selector_all(
        "#sim-result table.sim-compare tbody tr",
        "els => els.map(e => [e.cells[0].innerText, [...e.querySelectorAll('td')].map(c => [c.dataset.scenario, c.innerText])])")}


def _cells(r: dict) -> dict[str, str]:
    """A /simulate answer as the table writes it."""
    num = lambda x, n: "none" if x is None else f"{x:.{n}f}"  # noqa: E731
    d = r["at_dose"]
    return {"operating dose": f"{r['dose']:g}", "OIH threshold dose": num(r["oih_threshold_dose"], 1), "verdict": r["classification"],
            "net pain P": num(d["P"], 2), "analgesia A": num(d["A"], 2), "hyperalgesic component H": num(d["H"], 2),
            "dP/dD": f"{'+' if d['dP_dD'] >= 0 else ''}{d['dP_dD']:.3f}",
            "test taper": f"to {r['test_taper']['dose']:.1f}: {r['test_taper']['outcome']}"}


def _fits_1024(p, selectors: list[str]) -> None:
    p.page.set_viewport_size({"width": 1024, "height": 700})  # nothing cut off at 1024 px
    p.page.wait_for_timeout(300)
    for sel in selectors:
        box = p.page.eval_on_selector(sel, "e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.width, e.scrollWidth, e.clientWidth]; }")
        assert box[2] > 0 and box[0] >= 0 and box[1] <= 1024 and box[3] <= box[4] + 1, (sel, box)


def test_the_simulator_compares_baseline_and_intervention_and_says_what_it_ignored(served_map, api_server):
    p = served_map
    p.page.click("#simulator-box > summary")
    _, scenarios = _compared(p, 0, 2)  # without an intervention: the baseline and its test taper
    assert [x["key"] for x in scenarios] == ["baseline", "taper"]
    p.page.check(f"#sim-interventions input[value='{KETAMINE}']")
    r, scenarios = _compared(p, 1, 3)
    body = {"dose": r["prescribed_dose"], "exposure": r["params"]["exposure"]}
    want = {"baseline": {**body, "interventions": []}, "chosen": {**body, "interventions": [KETAMINE]},
            "taper": {**body, "interventions": ["oih:test_taper"]}}
    assert [x["key"] for x in scenarios] == list(want)
    table = _table(p)
    answers = {}
    for key, request in want.items():
        answers[key] = httpx.post(f"{api_server}/simulate", json=request, timeout=60).json()
        for row, text in _cells(answers[key]).items():
            assert table[row][key] == text, (key, row)
    base, keta, taper = answers["baseline"], answers["chosen"], answers["taper"]
    assert taper["dose"] == pytest.approx(base["test_taper"]["dose"])  # the taper column is the model's test taper
    assert keta["oih_threshold_dose"] != base["oih_threshold_dose"]  # ketamine moves the threshold: shown bold
    assert p.page.eval_on_selector("#sim-result table.sim-compare tbody tr:nth-child(2) td[data-scenario=chosen]", "e => e.className") == "delta"
    assert "Applied: ketamine" in p.page.inner_text("#sim-result") and "Not applied" not in p.page.inner_text("#sim-result")
    p.page.check(f"#sim-interventions input[value='{MORPHINE}']")  # morphine changes nothing: said so
    _compared(p, 2, 3)
    text = p.page.inner_text("#sim-result")
    assert "Not applied: morphine" in text and "Applied: ketamine" in text
    _fits_1024(p, ["#sim-result table.sim-compare", "#sim-result .ignored", "#sim-plot", "#sim-result"])
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.eval_on_selector("#simulator", "e => e.scrollIntoView()")
    p.page.screenshot(path=str(ARTIFACTS / "answers-simulator-compare-1024.png"))
    p.clean()


def test_the_simulator_with_a_profile_adds_the_baseline_without_it(served_map, api_server):
    p = served_map
    p.page.click("#simulator-box > summary")
    _compared(p, 0, 2)
    profile = p.page.eval_on_selector_all("#sim-profile option", "els => els.map(e => e.value).filter(v => v)")[0]
    p.page.select_option("#sim-profile", profile)
    p.page.check(f"#sim-interventions input[value='{KETAMINE}']")
    r, scenarios = _compared(p, 1, 4)
    body = {"dose": r["prescribed_dose"], "exposure": r["params"]["exposure"]}
    want = {"baseline": {**body, "profile": profile, "interventions": []},
            "chosen": {**body, "profile": profile, "interventions": [KETAMINE]},
            "taper": {**body, "profile": profile, "interventions": ["oih:test_taper"]},
            "no-profile": {**body, "interventions": []}}
    assert [x["key"] for x in scenarios] == list(want)
    table = _table(p)
    for key, request in want.items():
        for row, text in _cells(httpx.post(f"{api_server}/simulate", json=request, timeout=60).json()).items():
            assert table[row][key] == text, (key, row)
    heads = p.page.eval_on_selector_all("#sim-result table.sim-compare thead th[data-scenario]", "els => els.map(e => e.innerText)")
    assert heads[1] == "+ ketamine" and heads[2].startswith("+ test taper") and "without the profile" in heads[3]
    _fits_1024(p, ["#sim-result table.sim-compare", "#sim-result", "#sim-plot"])
    p.page.eval_on_selector("#simulator", "e => e.scrollIntoView()")
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "answers-simulator-scenarios-profile-1024.png"))
    p.clean()


def test_the_saved_map_file_shows_evidence_as_text_and_the_matrix_offline(open_page, tmp_path):
    """The `oihkg map` file has no server: the panels and the matrix still work, from the data it carries."""
    from kg.outputs.map import render_map

    kg = OIHKG.open()
    out = tmp_path / "map.html"
    out.write_text(render_map(kg.catalog, kg.causal_graph()), encoding="utf-8")
    p = open_page(out.as_uri(), MAP_READY)
    meta = p.js("window.OIH_DATA.meta")
    eid = next(eid for eid, e in meta["edges"].items() if "$\\mu$" in e["quote"])
    p.js(f"oihMap.edgePanel('{eid}')")
    text = p.page.inner_text("#panel")
    assert "μ" in text and "$" not in text
    c = meta["edges"][eid]["citations"][0]
    p.page.click(f"#panel button.cite[data-citation='{c}']")
    assert "by-citation" not in p.page.inner_text("#panel")  # the named query needs the server: not offered
    p.page.click("#open-matrix")
    assert p.page.eval_on_selector_all("#panel table.matrix button.cell", "els => els.length") > 0
    p.clean()


def test_clearing_a_chosen_path_gives_back_the_context_switchs_fading(served_map):
    """The path's dimming puts back only what it changed: after a context switch re-ran the search, clearing the path
    leaves the context's faded edges faded and the rest whole."""
    p = served_map
    _search(p, "morphine", "hyperalgesia")
    before = p.js("oihMap.chosenPath().nodes")
    p.page.click("#context label:has(input[value='oih:acute_administration'])")
    _until(p, "(() => { const c = oihMap.chosenPath(); return !c || document.querySelector('#panel .no-path') ? 1 : 0; })()",
           "the search again in the acute context")
    p.js("oihMap.undim()")
    meta = p.js("window.OIH_DATA.meta")
    off = next(eid for eid, e in meta["edges"].items() if "oih:acute_administration" not in e["holdsIn"])
    on = next(eid for eid, e in meta["edges"].items() if "oih:acute_administration" in e["holdsIn"] and not e["inferred"])
    assert p.js(f"oihMap.edges.get('{off}').color.opacity") < 0.5  # the context's fading stands
    assert p.js(f"oihMap.edges.get('{on}').color.opacity") == 1
    assert before  # a path was chosen before the switch
    p.clean()


def test_an_intervention_dims_the_edges_off_its_pathways_too(served_map):
    """Choosing an intervention fades the edges that leave its lit nodes (as the nodes fade); choosing none puts them back."""
    p = served_map
    p.page.select_option("#intervention", "oih:tlr4_antagonist")
    lit = set(p.js("oihMap.nodes.get().filter(n => (n.opacity ?? 1) === 1).map(n => n.id)"))  # the nodes left whole
    assert set(p.js("oihMap.highlighted().nodes")) <= lit < set(p.js("oihMap.nodes.getIds()"))
    drawn = p.js("oihMap.edges.get().filter(e => !e.membership).map(e => [e.id, e.from, e.to, (e.color && e.color.opacity) ?? 1])")
    off = [e for e in drawn if not (e[1] in lit and e[2] in lit)]
    on = [e for e in drawn if e[1] in lit and e[2] in lit]
    assert off and on
    assert all(e[3] < 0.5 for e in off) and all(e[3] == 1 for e in on)  # faded off the pathways, whole on them
    tags = p.js("Object.fromEntries(oihMap.edges.get().filter(e => e.label).map(e => [e.id, e.font.color]))")
    faded_tags = [tags[e[0]] for e in off if e[0] in tags]
    assert faded_tags and all(len(c) == 9 and c.endswith("33") for c in faded_tags)  # a tag fades with its edge (0.2)
    assert all(len(tags[e[0]]) == 7 for e in on if e[0] in tags)
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "answers-intervention-edges-dimmed.png"))
    p.page.select_option("#intervention", "")
    back = p.js("oihMap.edges.get().filter(e => !e.membership).map(e => (e.color && e.color.opacity) ?? 1)")
    assert min(back) == 1  # every edge whole again
    assert all(len(c) == 7 for c in p.js("oihMap.edges.get().filter(e => e.label).map(e => e.font.color)"))  # tags too
    p.clean()
