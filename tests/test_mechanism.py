"""The mechanism engine: causal graph, signed paths, perturbations and the illustrative pain model."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from kg.cli import app
from kg.mechanism.model import ModelInputError, default_params
from kg.catalog.queries import UnknownEntity

TLR4, MOR, NMDA, DYN = "HGNC:11850", "HGNC:8156", "GO:0017146", "HGNC:8820"
MICROGLIA_ACT, TNF, IL1B, BDNF = "GO:0001774", "HGNC:11892", "HGNC:5992", "HGNC:1033"
A, H, P = "oih:analgesia", "oih:hyperalgesic_component", "oih:net_pain"


# -- graph
def test_causal_graph_edges_are_signed_and_carry_evidence(kg):
    g = kg.to_networkx(causal=True)
    assert g.number_of_nodes() >= 60 and g.number_of_edges() >= 70
    for u, v, d in g.edges(data=True):
        assert d["sign"] in (1, -1), (u, v)
        assert d["inferred"] is bool(d["via"]), "only what a drug derives from its drug class is inferred"
        assert d["evidence"]["quote"], (u, v)
        assert d["evidence"]["citations"] or d["evidence"]["evidence_type"] in ("ECO:0000303", "ECO:0000305"), (u, v)
    assert g.nodes[TLR4]["label"] == "toll-like receptor 4"
    assert g.nodes[TLR4]["pathways"] == ("oih:glial_neuroinflammatory_pathway",)
    chronic = g["oih:chronic_mor_signaling"][DYN]["oih:increases_activity_of@oih:chronic_exposure"]
    assert chronic["sign"] == 1 and chronic["context"] == "oih:chronic_exposure"
    assert g["oih:mg_block"][NMDA]["oih:decreases_activity_of"]["sign"] == -1
    assert g["oih:mg_block"][NMDA]["oih:decreases_activity_of"]["context"] == ""
    # the receptor reaches its own chronic signalling only under chronic exposure
    assert {d["context"] for d in g[MOR]["oih:chronic_mor_signaling"].values()} == {"oih:chronic_exposure"}
    assert not g.has_edge(MOR, DYN) and not g.has_edge(MOR, "oih:mg_block_removal")


def test_drugs_inherit_the_edges_of_their_drug_class_with_the_class_evidence(kg):
    g = kg.causal_graph()
    d = g["CHEBI:17303"][TLR4]["RO:0002450|inferred@oih:oih"]  # "In OIH, opioids can trigger these cells"
    assert d["inferred"] and d["via"] == "oih:opioid" and d["sign"] == 1 and d["context"] == "oih:oih"
    assert d["evidence"]["citations"] == ("4539328",) and "TLR4" in d["evidence"]["quote"]
    assert g["CHEBI:6807"][NMDA]["RO:0018029|inferred"]["via"] == "oih:nmda_antagonist"
    assert not g.has_edge("CHEBI:6121", TLR4), "ketamine is no opioid"


def test_statements_that_hold_in_a_context_are_edges_of_that_context_only(kg):
    g = kg.causal_graph()
    assert {(d["sign"], d["context"]) for d in g["oih:test_taper"][P].values()} == {(-1, "oih:oih"), (1, "oih:opioid_tolerance")}
    everywhere = kg.engine.causal_graph(context="")
    assert not everywhere.has_edge("oih:test_taper", P) and not everywhere.has_edge("oih:dose_escalation", P)
    in_oih = kg.engine.causal_graph(context="oih:oih")
    assert {d["sign"] for d in in_oih["oih:test_taper"][P].values()} == {-1}
    assert in_oih.has_edge(MOR, "oih:chronic_mor_signaling"), "OIH implies chronic exposure"
    assert not kg.engine.causal_graph(context="oih:acute_administration").has_edge(MOR, "oih:chronic_mor_signaling")
    ctx = {(e["sign"], e["context"]) for e in kg.edges(subject="test taper", object="net pain")}
    assert ctx == {(-1, "oih:oih"), (1, "oih:opioid_tolerance")}


def test_inferred_edges_are_flagged(kg):
    g = kg.to_networkx(causal=True, include_inferred=True)
    inferred = [(u, v) for u, v, d in g.edges(data=True) if d["inferred"]]
    assert (TLR4, H) in inferred
    assert len(inferred) > 0 and g.number_of_edges() > kg.to_networkx(causal=True).number_of_edges()


@pytest.mark.parametrize("endpoint", ["remote_kg", "virtuoso_kg"])
def test_graph_from_a_remote_store_equals_the_embedded_one(kg, endpoint, request):
    """Over an Oxigraph server and over Virtuoso the engine reads the same graph, so it gives the same answers."""
    a, b = kg.to_networkx(causal=True), request.getfixturevalue(endpoint).to_networkx(causal=True)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True, data="sign")) == sorted(b.edges(keys=True, data="sign"))


# -- paths
def _through(result, *nodes):
    return [p for p in result.paths if all(n in p.nodes for n in nodes)]


def test_opioid_to_hyperalgesia_through_tlr4_and_the_mediators_is_positive(kg):
    res = kg.paths("opioid agonist", "hyperalgesia", max_length=8, sign=1, context="OIH")
    assert res.status.value == "found"
    for mediator in (TNF, IL1B, BDNF):
        assert _through(res, TLR4, MICROGLIA_ACT, mediator, NMDA), mediator
    assert all(p.contexts in (("oih:oih",), ("oih:chronic_exposure",)) for p in res.paths)
    acute = kg.paths("opioid agonist", "hyperalgesia", context="acute")
    assert acute.status.value == "no_path", "acute muOR activation gives no hyperalgesia"
    brake = kg.paths("opioid agonist", "spinal pain transmission", sign=-1, context="acute")
    assert _through(brake, "oih:descending_inhibition"), "acute opioids hit the brakes"
    assert all(p.contexts == ("oih:acute_administration",) for p in brake.paths)


def test_chronic_signalling_reaches_hyperalgesia_by_each_chronic_route(kg):
    res = kg.paths("chronic opioid signaling", "hyperalgesic component")
    plug = _through(res, "oih:receptor_desensitization", "oih:mg_block_removal", "oih:nmda_disinhibition", NMDA)
    dyn = _through(res, DYN, "oih:neuronal_hyperexcitability")
    on = _through(res, "oih:on_cell", "oih:descending_facilitation")
    assert plug and dyn and on
    assert {p.sign for p in res.paths} == {1}
    assert all(p.contexts == ("oih:oih",) for p in dyn), "dynorphin is pronociceptive in the context of OIH"
    # the design card's chain, honestly marked: desensitization pulling the plug is a curator's link
    assert all(p.weakest_evidence == "curator inference" for p in plug)
    assert kg.paths("opioid exposure", "chronic opioid signaling").paths[0].length == 1


def test_paths_rank_shortest_first_then_by_evidence(kg):
    res = kg.paths("opioid agonist", "hyperalgesic component")
    keys = [(p.length, -p.evidence_count) for p in res.paths]
    assert keys == sorted(keys)
    for p in res.paths:
        assert p.nodes[0] == "oih:opioid" and p.nodes[-1] == H
        assert all(e["quote"] and (e["citations"] or e["evidence_type"] != "ECO:0000304") for e in p.edges)


def test_sign_filter_finds_the_off_cell_brake_lost(kg):
    res = kg.paths("chronic opioid signaling", "analgesic effect", sign=-1)
    assert res.status.value == "found" and {p.sign for p in res.paths} == {-1}
    assert _through(res, "oih:receptor_desensitization", "oih:off_cell")
    assert kg.paths("chronic opioid signaling", "analgesic effect", sign=1).status.value == "no_path"


def test_off_cells_brake_and_on_cells_press_spinal_pain_transmission(kg):
    off, on = kg.paths("OFF-cell", "spinal pain transmission"), kg.paths("ON-cell", "spinal pain transmission")
    assert {p.sign for p in off.paths} == {-1} and {p.sign for p in on.paths} == {1}
    assert kg.paths("OFF-cell", "hyperalgesia").status.value == "no_path", "transmission is not sensitization"


def test_microglia_reach_their_mediators_and_inhibiting_them_lowers_h(kg):
    for mediator in (TNF, IL1B, BDNF):
        res = kg.paths("microglia", mediator)
        assert res.status.value == "found" and {p.sign for p in res.paths} == {1}, mediator
    assert kg.perturb(inhibit=["microglial cell"]).summary() == {"A": "unchanged", "H": "down", "P": "down"}


def test_morphine_and_methadone_reach_tlr4_and_descending_inhibition(kg):
    for drug in ("morphine", "methadone"):
        for target in (TLR4, "oih:descending_inhibition"):
            res = kg.paths(drug, target, max_length=1)
            assert res.status.value == "found" and res.paths[0].sign == 1, (drug, target)
            assert res.paths[0].edges[0]["via"] == "oih:opioid" and res.paths[0].edges[0]["inferred"]


def test_no_path_and_unknown_node_statuses(kg):
    res = kg.paths("hyperalgesia", "TLR4")
    assert res.status.value == "no_path" and res.paths == []
    res = kg.paths("no such thing", "TLR4")
    assert res.status.value == "unknown_node" and "no such thing" in res.message


def test_cli_paths_prints_signed_paths_and_fails_on_unknown():
    runner = CliRunner()
    out = runner.invoke(app, ["paths", "TLR4", "hyperalgesic component", "--format", "json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert body["status"] == "found" and body["paths"][0]["sign"] == 1
    out = runner.invoke(app, ["paths", "opioid exposure", "analgesic effect", "--sign", "-"])
    assert out.exit_code == 0 and "-|" in out.output
    out = runner.invoke(app, ["paths", "TLR4", "nowhere"])
    assert out.exit_code == 2 and "nowhere" in out.output


# -- perturbation
@pytest.mark.parametrize("kind, node, expect", [
    ("inhibit", TLR4, {"A": "unchanged", "H": "down"}),
    ("inhibit", MICROGLIA_ACT, {"A": "unchanged", "H": "down"}),
    ("inhibit", NMDA, {"A": "unchanged", "H": "down"}),
    ("activate", "oih:opioid_dose", {"A": "up", "H": "unchanged"}),  # in every context: relief; H rises with the dose in chronic use
    ("activate", "oih:opioid_dose in oih:chronic_exposure", {"A": "ambiguous", "H": "up"}),  # and the brake lost
    ("activate", "oih:chronic_mor_signaling", {"A": "unchanged", "H": "unchanged"}),  # acts only under chronic exposure
    ("activate", "oih:chronic_mor_signaling in oih:chronic_exposure", {"A": "down", "H": "up"}),
    ("inhibit", "HGNC:8156 in oih:chronic_exposure", {"H": "down"}),  # blocking the receptor stops its chronic cascade
    ("activate", "MONDO:0005546", {"A": "down", "H": "unchanged", "P": "up"}),
    ("inhibit", "HGNC:8156", {"A": "down", "H": "unchanged"}),  # no opioid-induced hyperalgesia from blocking the receptor
    ("activate", "oih:dose_reduction in oih:chronic_exposure", {"H": "down"}),
    ("inhibit", "CL:0000129", {"A": "unchanged", "H": "down"}),
    ("knockout", MOR, {"A": "down"}),
])
def test_perturbation_signs(kg, kind, node, expect):
    node, _, context = node.partition(" in ")
    summary = kg.perturb(**{kind: [node]}, context=context or None).summary()
    assert {k: summary[k] for k in expect} == expect


def test_giving_an_antagonist_lowers_h_and_p(kg):
    for drug in ("ketamine", "TLR4 antagonist", "minocycline"):
        assert kg.perturb(activate=[drug]).summary() == {"A": "unchanged", "H": "down", "P": "down"}, drug


def test_ambiguous_effects_keep_a_path_of_each_sign(kg):
    res = kg.perturb(activate=["opioid dose (D)"], context="chronic exposure")
    p = res.effects[P]
    assert p.direction == "ambiguous" and p.shortest_up and p.shortest_down
    assert A in p.examples["down"] and H in p.examples["up"]
    assert res.effects["oih:chronic_mor_signaling"].direction == "up"


def test_perturbing_a_node_without_causal_edges_says_so(kg):
    res = kg.perturb(inhibit=["dorsal horn"])
    assert res.inert == ["UBERON:0002256"] and res.summary() == {"A": "unchanged", "H": "unchanged", "P": "unchanged"}
    assert kg.perturb(inhibit=["TLR4"]).inert == []


def test_a_node_perturbed_twice_is_refused(kg):
    with pytest.raises(ValueError, match="perturbed twice"):
        kg.perturb(activate=["opioid agonist"], knockout=["oih:opioid"])


def test_a_perturbed_node_holds_its_own_value(kg):
    # giving the opioid pushes the NMDA receptor up (TLR4 -> microglia -> mediators); blocking it must win
    both = kg.perturb(activate=["opioid agonist"], inhibit=["GO:0017146"], context="OIH")
    assert both.effects[NMDA].direction == "down"
    assert both.effects["GO:0060291"].direction == "down"  # downstream follows the held value (LTP: NMDA alone)
    assert kg.perturb(activate=["opioid agonist"], context="OIH").effects[NMDA].direction == "up"
    assert NMDA not in kg.perturb(activate=["opioid agonist"], context="acute").effects


def test_knockout_stops_flow_into_the_node(kg):
    res = kg.perturb(knockout=[TLR4], activate=["opioid agonist"], context="OIH")
    assert res.effects[TLR4].direction == "down"
    assert res.effects[MICROGLIA_ACT].direction == "down"


def test_perturb_unknown_name_raises(kg):
    with pytest.raises(UnknownEntity):
        kg.perturb(inhibit=["no such receptor"])


def test_cli_perturb():
    out = CliRunner().invoke(app, ["perturb", "--inhibit", "TLR4", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["summary"] == {"A": "unchanged", "H": "down", "P": "down"}
    assert CliRunner().invoke(app, ["perturb"]).exit_code == 2


# -- the pain model
def test_parameters_are_labelled_illustrative(kg):
    text = (__import__("kg.mechanism").mechanism.__path__[0] + "/model_params.toml")
    assert "ILLUSTRATIVE PARAMETERS" in open(text, encoding="utf-8").read()
    assert "not clinical data" in kg.simulate().note
    assert default_params()["pain"]["P0"] == kg.simulate().params["P0"]


def test_tolerance_only_pain_falls_with_dose_and_a_taper_raises_it(kg):
    r = kg.simulate(default_gain=0)
    assert max(r.curves["dP_dD"]) < 0
    assert r.classification == "tolerance" and r.oih_threshold_dose is None
    assert r.test_taper["delta_P"] > 0


def test_oih_pain_rises_above_a_dose_and_a_taper_lowers_it(kg):
    r = kg.simulate()
    assert r.classification == "OIH" and r.at_dose["dP_dD"] > 0
    t = r.oih_threshold_dose
    assert t is not None and 0 < t < r.dose
    slopes = dict(zip(r.curves["dose"], r.curves["dP_dD"]))
    assert all(s > 0 for d, s in slopes.items() if d >= t)
    assert any(s < 0 for d, s in slopes.items() if d < t)
    assert r.test_taper["delta_P"] < 0 and 0.8 <= r.test_taper["dose"] / r.dose <= 0.9


def test_h_can_rise_faster_than_a(kg):
    r = kg.simulate()
    assert r.at_dose["dH_dD"] > r.at_dose["dA_dD"] > 0


@pytest.mark.parametrize("blocker", ["TLR4 antagonist", "microglial activation inhibitor", "minocycline", "ibudilast"])
def test_glial_blockers_lower_h_and_p_and_leave_a(kg, blocker):
    base, r = kg.simulate(), kg.simulate(interventions=[blocker])
    assert r.at_dose["H"] < base.at_dose["H"] and r.at_dose["P"] < base.at_dose["P"]
    assert r.at_dose["A"] == base.at_dose["A"] and r.curves["A"] == base.curves["A"]
    assert {e["pathway"] for e in r.applied} == {"oih:glial_neuroinflammatory_pathway"}


def test_ketamine_lowers_h_through_the_nmda_pathway(kg):
    base, r = kg.simulate(), kg.simulate(interventions=["ketamine"])
    assert r.at_dose["H"] < base.at_dose["H"]
    assert [e["pathway"] for e in r.applied] == ["oih:nmda_central_sensitization_pathway"]


def test_fibromyalgia_profile_turns_dp_dd_positive_at_a_lower_dose(kg):
    base, fib = kg.simulate(), kg.simulate(profile="fibromyalgia")
    assert fib.oih_threshold_dose < base.oih_threshold_dose
    assert fib.profile["A"] == "down" and fib.profile["H"] == "up" and fib.profile["id"] == "MONDO:0005546"
    assert fib.emax < base.emax, "weakened descending inhibition lowers A"
    assert all(fib.gains[pw] > g for pw, g in base.gains.items()), "vulnerable to the opioid-induced flip: the H gains rise"
    assert fib.at_dose["H"] > base.at_dose["H"] and fib.dose == base.dose, "more H at the same dose"
    with pytest.raises(ModelInputError) as exc:
        kg.simulate(profile="ketamine")  # not a condition that predisposes to OIH
    assert exc.value.field == "profile"


def test_the_analgesic_pathway_gets_no_hyperalgesic_gain(kg):
    r = kg.simulate()
    assert "oih:mor_analgesic_pathway" not in r.gains and len(r.gains) == 4


def test_methadone_has_less_h_than_morphine_at_the_same_analgesic_dose(kg):
    morphine, methadone = kg.simulate(interventions=["morphine"]), kg.simulate(interventions=["methadone"])
    assert methadone.at_dose["A"] == morphine.at_dose["A"]
    assert methadone.at_dose["H"] < morphine.at_dose["H"]
    rotation = kg.simulate(interventions=["rotation to methadone"])
    assert rotation.dose == rotation.prescribed_dose, "the text says nothing of the rotated dose"
    assert any(e.get("via") == "oih:methadone_rotation" and e["target"] == NMDA for e in rotation.applied)


def test_interventions_act_only_on_pathways_the_reasoner_derived(kg):
    derived = {(r["intervention"], r["pathway"]) for r in kg.query("intervention-pathway-matrix")}
    checked = 0
    for item in kg.interventions():
        r = kg.simulate(interventions=[item["id"]])
        for e in r.applied:
            if "pathway" in e:
                assert (e["intervention"], e["pathway"]) in derived
                checked += 1
    assert checked, "no intervention acted on a pathway: nothing was checked"


def test_dose_interventions_move_the_operating_dose(kg):
    taper, esc = kg.simulate(interventions=["test taper"]), kg.simulate(interventions=["dose escalation"])
    assert taper.dose == pytest.approx(taper.prescribed_dose * 0.85)
    assert esc.dose > esc.prescribed_dose and esc.at_dose["P"] > kg.simulate().at_dose["P"]


def test_gain_overrides_by_pathway_label(kg):
    r = kg.simulate(default_gain=0, gains={"glial neuroinflammatory pathway": 1.0})
    assert r.gains["oih:glial_neuroinflammatory_pathway"] == 1.0 and sum(r.gains.values()) == 1.0
    with pytest.raises(ModelInputError) as exc:
        kg.simulate(gains={"TLR4": 1.0})
    assert exc.value.field == "gains"


@pytest.mark.parametrize("params, field", [({"hill": 0}, "hill"), ({"taper_fraction": 1.5}, "taper_fraction"),
                                           ({"points": 1}, "points"), ({"bogus": 1}, "bogus")])
def test_invalid_parameters_name_the_field(kg, params, field):
    with pytest.raises(ValidationError) as exc:
        kg.simulate(**params)
    assert field in str(exc.value)


def test_a_dose_above_the_range_and_a_non_intervention_are_refused(kg):
    with pytest.raises(ValidationError, match="dose_max"):
        kg.simulate(dose=100, dose_max=50)
    with pytest.raises(ModelInputError) as exc:
        kg.simulate(interventions=["TLR4"])
    assert exc.value.field == "interventions"


def test_plot_png_and_svg(kg):
    from kg.outputs.figure import plot

    r = kg.simulate()
    assert plot(r, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    root = ET.fromstring(plot(r, "svg"))
    assert root.tag.endswith("svg")


def test_one_dose_relieves_pain_and_the_same_drug_amplifies_it_after_chronic_exposure(kg):
    """The paradox in time: acutely the curve only falls (no tolerance shift, no H), chronically it flips."""
    acute, chronic = kg.simulate(context="acute"), kg.simulate()
    assert acute.context == "oih:acute_administration" and chronic.context == "oih:chronic_exposure"
    assert acute.classification == "analgesia" and chronic.classification == "OIH"
    assert max(acute.curves["H"]) == 0 and max(acute.curves["dP_dD"]) < 0 and acute.oih_threshold_dose is None
    assert acute.ed50 == acute.params["ED50"] < chronic.ed50, "no tolerance shift after one dose"
    assert acute.at_dose["P"] < acute.params["P0"] and acute.test_taper["delta_P"] > 0
    assert kg.simulate(context="chronic exposure").at_dose == chronic.at_dose
    # the graph facts come from the context: fibromyalgia's flip toward facilitation is chronic, its weak brake is not
    fib = kg.simulate(context="acute", profile="fibromyalgia")
    assert fib.profile["A"] == "down" and fib.profile["H"] == "unchanged" and fib.at_dose["A"] < acute.at_dose["A"]


def test_without_exposure_there_is_no_tolerance_to_name(kg):
    """Chronic exposure of length 0 is one dose: the same curves as acute administration, and named so."""
    none, acute = kg.simulate(exposure=0), kg.simulate(context="acute")
    assert none.curves == acute.curves and none.classification == acute.classification == "analgesia"
    assert "tolerance" not in none.test_taper["outcome"]
    assert kg.simulate(context="acute", exposure="0.0").classification == "analgesia"


@pytest.mark.parametrize("params, field", [({"context": "acute", "exposure": 4}, "exposure"), ({"context": "OIH"}, "context"),
                                           ({"context": "tolerance"}, "context"), ({"context": "weekly"}, "context")])
def test_a_simulation_context_is_how_the_drug_is_given(kg, params, field):
    with pytest.raises(ModelInputError) as exc:
        kg.simulate(**params)
    assert exc.value.field == field
    assert kg.simulate(context="acute", exposure=0).classification == "analgesia"


def test_cli_simulate_writes_a_plot_and_rejects_bad_values(tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["simulate", "-i", "ketamine", "--plot", str(tmp_path / "p.svg")])
    assert out.exit_code == 0, out.output
    assert "OIH" in out.output and (tmp_path / "p.svg").stat().st_size > 1000
    out = runner.invoke(app, ["simulate", "-p", "default_gain=0", "--format", "json"])
    assert json.loads(out.output)["classification"] == "tolerance"
    out = runner.invoke(app, ["simulate", "-p", "hill=0"])
    assert out.exit_code == 2 and "hill" in out.output
    out = runner.invoke(app, ["simulate", "--context", "acute"])
    assert out.exit_code == 0 and "one dose (acute)" in out.output and "analgesia" in out.output
    out = runner.invoke(app, ["simulate", "--context", "acute", "-p", "exposure=3"])
    assert out.exit_code == 2 and "acute administration is one dose" in out.output and "Traceback" not in out.output


def test_all_pairs_walk_agrees_with_per_pair_search(kg):
    from kg.mechanism.paths import all_signed_paths, signed_paths

    g = kg.causal_graph()
    every = all_signed_paths(g, max_length=6)
    for s, t in [("oih:opioid", H), (TLR4, "oih:hyperalgesia"), ("oih:opioid_exposure", A), ("oih:chronic_mor_signaling", DYN)]:
        assert [p.nodes for p in every[(s, t)]] == [p.nodes for p in signed_paths(g, s, t, max_length=6).paths]
    assert (H, TLR4) not in every


def test_cli_export_writes_each_format(tmp_path):
    import networkx as nx
    import rdflib

    out = CliRunner().invoke(app, ["export", "--format", "ttl", "-o", str(tmp_path / "g.ttl")])
    assert out.exit_code == 0, out.output
    assert len(rdflib.Graph().parse(tmp_path / "g.ttl")) > 1000
    out = CliRunner().invoke(app, ["export", "--format", "graphml", "-o", str(tmp_path / "g.graphml")])
    assert out.exit_code == 0 and nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() >= 58
    out = CliRunner().invoke(app, ["export", "--format", "nope"])
    assert out.exit_code == 2 and "owl" in out.output


def test_an_unknown_export_format_is_an_error_naming_the_known_ones(kg, tmp_path):
    from kg.outputs.export import FORMATS, UnknownFormat

    for fmt in ("cx", "CYTOSCAPE", "", "ttl "):
        with pytest.raises(UnknownFormat, match="known: owl, ttl, jsonld, kgx, graphml, cytoscape"):
            kg.export(fmt, tmp_path / "x")
    assert not (tmp_path / "x").exists()
    assert all(kg.export(name)[:1] for name in FORMATS)  # every listed format has a writer that writes


def test_cli_takes_a_store_selector_and_says_when_it_cannot_open_it(tmp_path):
    ok = CliRunner().invoke(app, ["paths", "TLR4", "hyperalgesic component", "--store", "oxigraph:memory", "-f", "csv"])
    assert ok.exit_code == 0 and "HGNC:11850" in ok.output
    for store, reason in (("sparql:http://127.0.0.1:9/query", "unreachable"), ("fuseki:x", "unknown store selector")):
        out = CliRunner().invoke(app, ["perturb", "--inhibit", "TLR4", "--store", store])
        assert out.exit_code == 2 and "cannot open the store" in out.output and reason in out.output
    assert not (tmp_path / "fuseki:x").exists()


def test_an_empty_path_answer_says_why(kg):
    assert "cannot be reached" in kg.paths("hyperalgesia", "TLR4").message
    assert "the shortest has" in kg.paths("opioid agonist", "hyperalgesic component", max_length=2).message
    off = kg.paths("OFF-cell", "spinal pain transmission", sign=1)
    assert off.status.value == "no_path" and "no + path" in off.message and "shortest - path" in off.message


def test_an_empty_path_answer_says_why_as_data_too(kg):
    assert kg.paths("hyperalgesia", "TLR4").diagnosis == {"reason": "unreachable"}
    shortest = kg.paths("opioid agonist", "hyperalgesic component").paths[0].length
    assert kg.paths("opioid agonist", "hyperalgesic component", max_length=2).diagnosis == {
        "reason": "too_long", "max_length": 2, "shortest_length": shortest}
    off = kg.paths("OFF-cell", "spinal pain transmission", sign=1).diagnosis
    assert off["reason"] == "wrong_sign" and off["sign"] == 1 and off["other_sign_shortest"]["sign"] == -1
    assert off["other_sign_shortest"]["nodes"][0] == "oih:off_cell"
    assert off["other_sign_shortest"]["nodes"][-1] == "oih:spinal_pain_transmission"
    assert kg.paths("TLR4", "hyperalgesia").diagnosis is None  # found: nothing to explain


def test_an_agent_reached_twice_acts_once(kg):
    both = kg.simulate(interventions=["rotation to methadone", "methadone"])
    nmda = [e for e in both.applied if e.get("pathway") == "oih:nmda_central_sensitization_pathway"]
    assert len(nmda) == 1 and nmda[0]["via"] == "oih:methadone_rotation"
    assert both.gains == kg.simulate(interventions=["rotation to methadone"]).gains


# -- the bounded engine against exhaustive enumeration (networkx) on the OIH graph, and on graphs that would explode
def _oracle_paths(g, s, t, max_length, sign, limit):
    """Every simple path by networkx, signed, ranked as the engine ranks them (shortest, then strongest weakest evidence,
    then most cited, then nodes); none joins statements of contexts that exclude each other."""
    import networkx as nx
    from math import prod

    from kg.schema import contexts
    from kg import schema

    if s == t:
        return []
    out = []
    for path in nx.all_simple_edge_paths(g, s, t, cutoff=max_length):
        net = prod(g.edges[e]["sign"] for e in path)
        if contexts.joint(g.edges[e]["context"] for e in path) is None:
            continue
        if sign is None or net == sign:
            cited = sum(len(g.edges[e]["evidence"]["citations"]) for e in path)
            weakest = min(schema.evidence_strength(g.edges[e]["evidence"]["evidence_type"])[0] for e in path)
            out.append((len(path), -weakest, -cited, (s, *(v for _, v, _ in path)), net))
    return [(nodes, net) for _, _, _, nodes, net in sorted(out)[:limit]]


@pytest.mark.parametrize("inferred", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_bounded_paths_equal_exhaustive_enumeration_on_the_oih_graph(kg, inferred):
    from kg.mechanism.paths import signed_paths

    g = kg.causal_graph(inferred)
    compared = 0
    for s in g:
        for t in g:
            for sign in (None, 1, -1):
                got = signed_paths(g, s, t, max_length=6, sign=sign, limit=20)
                assert got.complete
                want = _oracle_paths(g, s, t, 6, sign, 20)
                assert [(p.nodes, p.sign) for p in got.paths] == want, (s, t, sign)
                compared += bool(want)
    assert compared > 1000


def _oracle_directions(g, starts, knocked, max_length=8):
    """Directions by every simple path (networkx), the engine's former method: paths end at other perturbed nodes."""
    import networkx as nx
    from math import prod

    signs: dict[str, set[int]] = {}
    allowed = g.subgraph(set(g) - knocked | set(starts))
    for start, s0 in starts.items():
        view = allowed.copy()
        view.remove_edges_from([e for e in list(view.out_edges(keys=True)) if e[0] in starts and e[0] != start])
        for t in view:
            if t == start:
                continue
            for path in nx.all_simple_edge_paths(view, start, t, cutoff=max_length):
                signs.setdefault(t, set()).add(s0 * prod(g.edges[e]["sign"] for e in path))
    return {n: "ambiguous" if len(v) == 2 else "up" if 1 in v else "down" for n, v in signs.items() if n not in starts}


def test_perturbation_by_signed_reachability_equals_every_simple_path_on_the_oih_graph(kg):
    from kg.mechanism.perturb import perturb

    g = kg.causal_graph()
    cases = [({"inhibit": [n]}, {n: -1}, set()) for n in g] + [({"activate": [n]}, {n: 1}, set()) for n in g]
    cases += [({"knockout": [n]}, {n: -1}, {n}) for n in g]
    cases += [({"inhibit": [TLR4], "activate": ["oih:opioid"]}, {TLR4: -1, "oih:opioid": 1}, set()),
              ({"knockout": [MOR], "activate": ["oih:opioid"]}, {MOR: -1, "oih:opioid": 1}, {MOR})]
    for kwargs, starts, knocked in cases:
        got = perturb(g, **kwargs)
        moved = {n: e.direction for n, e in got.effects.items() if n not in starts and e.direction != "unchanged"}
        assert moved == _oracle_directions(g, starts, knocked), kwargs
        for n, e in moved.items():  # each example is a real path of its sign, as short as the shortest
            for way, path in got.effects[n].examples.items():
                assert len(set(path)) == len(path) and path[-1] == n
                assert len(path) - 1 == (got.effects[n].shortest_up if way == "up" else got.effects[n].shortest_down)


def _layered(layers: int, width: int, seed: int = 3):
    """A complete layered DAG (width^(layers-2) paths end to end) with random signs: exhaustive search cannot finish."""
    import random

    import networkx as nx

    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    ev = {"citations": ("1",), "quote": "q", "evidence_type": "ECO:0000304"}
    cols = [["s"]] + [[f"n{i}_{j}" for j in range(width)] for i in range(1, layers - 1)] + [["t"]]
    for a, b in zip(cols, cols[1:]):
        for u in a:
            for v in b:
                g.add_edge(u, v, key="r", sign=rng.choice((1, -1)), relation="r", inferred=False, evidence=ev)
    for n in g:
        g.nodes[n]["label"] = n
    return g


def test_a_path_search_that_cannot_finish_answers_the_best_found_in_its_budget():
    from kg.mechanism.paths import signed_paths

    g = _layered(8, 40)  # 40^6 ≈ 4·10^9 paths of 7 edges
    res = signed_paths(g, "s", "t", max_length=7, limit=20, budget=0.3)
    assert res.status.value == "found" and not res.complete and "budget ran out" in res.message
    assert len(res.paths) == 20 and all(p.length == 7 and p.nodes[0] == "s" and p.nodes[-1] == "t" for p in res.paths)
    assert res.as_dict()["complete"] is False


def test_pruning_keeps_a_hub_graph_exact_and_complete():
    """A hub fanning out to thousands of dead ends beside two routes to the target: both routes, exactly."""
    import networkx as nx

    from kg.mechanism.paths import signed_paths

    g = nx.MultiDiGraph()
    ev = {"citations": ("1",), "quote": "q", "evidence_type": "ECO:0000304"}
    edges = [("s", "a", 1), ("a", "t", 1), ("s", "b", -1), ("b", "c", 1), ("c", "t", 1)]
    edges += [("s", f"h{i}", 1) for i in range(2000)] + [(f"h{i}", f"d{i}_{j}", -1) for i in range(2000) for j in range(5)]
    for u, v, sg in edges:
        g.add_edge(u, v, key="r", sign=sg, relation="r", inferred=False, evidence=ev)
    for n in g:
        g.nodes[n]["label"] = n
    res = signed_paths(g, "s", "t", max_length=6, limit=20, budget=30)
    assert res.complete and [(p.nodes, p.sign) for p in res.paths] == [(("s", "a", "t"), 1), (("s", "b", "c", "t"), -1)]
    minus = signed_paths(g, "s", "t", max_length=6, sign=-1, limit=5, budget=30)
    assert minus.complete and [p.nodes for p in minus.paths] == [("s", "b", "c", "t")]
    assert signed_paths(g, "s", "d0_0", max_length=6).paths[0].sign == -1


def test_a_wanted_sign_only_a_walk_gives_is_no_simple_path():
    """a -> b -> c with a negative loop b -> x -> b: a walk round the loop makes a -> c negative, but no simple path is."""
    import networkx as nx

    from kg.mechanism.paths import signed_paths

    g = nx.MultiDiGraph()
    ev = {"citations": (), "quote": "q", "evidence_type": "ECO:0000305"}
    for u, v, s in [("a", "b", 1), ("b", "x", -1), ("x", "b", 1), ("b", "c", 1)]:
        g.add_edge(u, v, key="r", sign=s, relation="r", inferred=False, evidence=ev)
    for n in g:
        g.nodes[n]["label"] = n
    res = signed_paths(g, "a", "c", sign=-1)
    assert res.status.value == "no_path" and res.diagnosis["reason"] == "wrong_sign"  # not derived from the walk
    assert res.diagnosis["other_sign_shortest"]["nodes"] == ["a", "b", "c"]


def test_perturbation_on_a_large_graph_visits_each_node_at_most_twice():
    """4·10^9 paths end to end; signed reachability answers every node, and a flipped sign makes t ambiguous."""
    from kg.mechanism.perturb import perturb

    g = _layered(8, 40)
    res = perturb(g, activate=["s"])
    assert len(res.effects) == len(g) and res.effects["t"].direction == "ambiguous"
    assert res.effects["t"].shortest_up == res.effects["t"].shortest_down == 7


def _signed(edges):
    import networkx as nx

    g = nx.MultiDiGraph()
    ev = {"citations": (), "quote": "q", "evidence_type": "ECO:0000305"}
    for u, v, s in edges:
        g.add_edge(u, v, key=f"r{s}", sign=s, relation="r", inferred=False, evidence=ev)
    for n in g:
        g.nodes[n]["label"] = n
    return g


def test_the_engine_graph_is_frozen_and_a_changed_graph_is_searched_afresh(kg):
    import networkx as nx

    from kg.mechanism.perturb import perturb

    assert nx.is_frozen(kg.causal_graph())  # shared by every answer: nobody can change it under the kept search pairs
    g = _signed([("a", "b", 1), ("b", "c", 1)])
    assert perturb(g, activate=["a"]).effects["c"].direction == "up"
    g.add_edge("a", "c", key="r-1", sign=-1, relation="r", inferred=False,
               evidence={"citations": (), "quote": "q", "evidence_type": "ECO:0000305"})
    assert perturb(g, activate=["a"]).effects["c"].direction == "ambiguous"


def test_loops_and_dead_ends(kg):
    from kg.mechanism.paths import signed_paths
    from kg.mechanism.perturb import perturb

    # a loop that keeps the sign makes nothing ambiguous; one that flips it does (walk semantics, documented)
    keep = perturb(_signed([("d", "r", 1), ("r", "x", 1), ("x", "r", 1), ("x", "p", 1)]), activate=["d"])
    assert {n: keep.effects[n].direction for n in "rxp"} == {"r": "up", "x": "up", "p": "up"}
    flip = perturb(_signed([("d", "r", 1), ("r", "x", 1), ("x", "r", -1), ("x", "p", 1)]), activate=["d"])
    assert flip.effects["p"].direction == "ambiguous" and flip.effects["p"].examples["down"] == ["d", "r", "x", "r", "x", "p"]
    # a hub with thousands of dead ends beside the one edge onwards: every route is found, exactly
    edges = [("s", f"m{j}", 1) for j in range(300)] + [(f"m{j}", "hub", 1) for j in range(300)]
    edges += [("hub", f"dead{i}", -1) for i in range(20000)] + [("hub", "t", 1)]
    res = signed_paths(_signed(edges), "s", "t", limit=1000, budget=60)
    assert res.complete and len(res.paths) == 300 and {p.nodes[-2] for p in res.paths} == {"hub"}


def test_no_time_left_is_said_and_not_guessed():
    from kg.mechanism.paths import signed_paths

    res = signed_paths(_layered(8, 40), "s", "t", max_length=7, limit=20, budget=0)
    assert res.status.value == "no_path" and not res.complete and res.diagnosis == {"reason": "out_of_time", "budget": 0}


# -- contexts: the drug through time
def test_a_cell_is_reached_through_its_activation_and_the_step_says_so(kg):
    res = kg.paths("morphine", "microglia")
    assert res.status.value == "found" and res.paths[0].nodes[-2:] == (MICROGLIA_ACT, "CL:0000129")
    last = res.paths[0].edges[-1]
    assert last["relation"] == "RO:0000057" and last["inverse_of"] == "RO:0000056" and last["sign"] == 1
    assert last["quote"] and res.paths[0].contexts == ("oih:oih",)
    assert kg.paths("morphine", "microglia", context="acute").status.value == "no_path"
    out = CliRunner().invoke(app, ["paths", "morphine", "microglia"])
    assert out.exit_code == 0 and "taking part in it" in out.output


def test_no_path_joins_statements_of_contexts_that_exclude_each_other():
    from kg.mechanism.graph import build_graph
    from kg.mechanism.paths import signed_paths

    g = build_graph([{"subject": "a", "predicate": "r", "object": "b", "sign": 1, "context": "oih:acute_administration"},
                     {"subject": "b", "predicate": "r", "object": "c", "sign": 1, "context": "oih:oih"},
                     {"subject": "b", "predicate": "s", "object": "c", "sign": -1, "context": ""}])
    res = signed_paths(g, "a", "c")
    assert [(p.sign, p.contexts) for p in res.paths] == [(-1, ("oih:acute_administration",))], "acute never joins OIH"
    assert signed_paths(g, "a", "c", sign=1).status.value == "no_path"


def test_paths_rank_by_their_weakest_evidence_before_citations():
    from kg.mechanism.graph import build_graph
    from kg.mechanism.paths import signed_paths

    def edge(s, o, eco, cites):
        return {"subject": s, "predicate": "r", "object": o, "sign": 1, "evidenceType": eco, "citations": cites}

    g = build_graph([edge("a", "b", "ECO:0000305", "1 2 3"), edge("b", "d", "ECO:0000304", "4"),
                     edge("a", "c", "ECO:0000304", "5"), edge("c", "d", "ECO:0000303", "")])
    res = signed_paths(g, "a", "d")
    assert [p.nodes for p in res.paths] == [("a", "c", "d"), ("a", "b", "d")]  # uncited beats curator, despite citations
    assert [p.weakest_evidence for p in res.paths] == ["uncited author statement", "curator inference"]


def test_cli_takes_a_context_and_names_a_bad_one(kg):
    runner = CliRunner()
    out = runner.invoke(app, ["paths", "morphine", "dynorphin", "--context", "chronic exposure", "-f", "csv"])
    assert out.exit_code == 0 and "oih:chronic_exposure" in out.output
    assert runner.invoke(app, ["paths", "morphine", "dynorphin", "--context", "acute"]).exit_code == 1
    bad = runner.invoke(app, ["paths", "morphine", "dynorphin", "--context", "tuesday"])
    assert bad.exit_code == 2 and "not a context" in bad.output and "Traceback" not in bad.output
    rows = runner.invoke(app, ["query", "pathways-for-intervention", "-p", "intervention=morphine", "--context", "acute", "-f", "csv"])
    assert rows.exit_code == 0 and "mor_analgesic_pathway" in rows.output and "dynorphin" not in rows.output


def test_a_target_reached_only_across_excluded_contexts_says_so_and_never_fails():
    from kg.mechanism.graph import build_graph
    from kg.mechanism.paths import all_signed_paths, signed_paths

    g = build_graph([{"subject": "a", "predicate": "r", "object": "b", "sign": 1, "context": "oih:acute_administration"},
                     {"subject": "b", "predicate": "r", "object": "c", "sign": -1, "context": "oih:chronic_exposure"}])
    for sign in (None, 1, -1):
        res = signed_paths(g, "a", "c", sign=sign)
        assert res.status.value == "no_path" and res.diagnosis["reason"] == "contexts_exclude", sign
        assert "exclude each other" in res.message
    assert ("a", "c") not in all_signed_paths(g) and ("a", "b") in all_signed_paths(g)
