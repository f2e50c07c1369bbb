"""kg.reason: HermiT derives intervention→pathway facts, explains each, and rejects inconsistency."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from dataclasses import replace

import pytest
import rdflib
from rdflib import RDF, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg import schema
from kg.compile import build
from kg.cli import app
from kg.config import Paths
from kg.reason import Explanation, InconsistentOntologyError, reason, verify_explanations

E = schema.expand
RDF_TYPE = RDF.type
DRIVES, INHIBITS = URIRef(E("oih:drives_pathway")), URIRef(E("oih:inhibits_pathway"))
NMDA_PW, MOR_PW, GLIAL_PW = (URIRef(E(c)) for c in ("oih:nmda_central_sensitization_pathway", "oih:mor_analgesic_pathway", "oih:glial_neuroinflammatory_pathway"))
KETAMINE, METHADONE, MORPHINE, MINOCYCLINE = (URIRef(E(c)) for c in ("CHEBI:6121", "CHEBI:6807", "CHEBI:17303", "CHEBI:50694"))
TLR4_ANT, MICRO_INH, TAPER, OPIOID = (URIRef(E(c)) for c in ("oih:tlr4_antagonist", "oih:microglial_inhibitor", "oih:dose_reduction", "oih:opioid"))
TLR4, ACTIVATES_TLR4 = URIRef(E("HGNC:11850")), URIRef(E("RO:0002450"))
SPARING = URIRef(E("oih:AnalgesiaSparingAntiHyperalgesicIntervention"))
C = {name: URIRef(E(f"oih:{name}")) for name in (
    "PronociceptivePathway", "AnalgesicPathway", "AntiHyperalgesicAgent", "ProHyperalgesicAgent", "GlialTargetingIntervention",
    "NMDATargetingIntervention", "DoseStrategy", "DoseReducingStrategy", "DoseIncreasingStrategy")}


@pytest.fixture(scope="module")
def reasoned(repo_paths, tmp_path_factory):
    out = tmp_path_factory.mktemp("reasoned")
    shutil.copy(repo_paths.owl, out / "oih.owl")
    paths = Paths(src=repo_paths.src, out=out)
    result = reason(paths)
    asserted = rdflib.Graph().parse(repo_paths.ttl, format="turtle")
    inferred = rdflib.Graph().parse(paths.inferred, format="turtle")
    return result, asserted, inferred


def _by_inference(reasoned, s, p, o) -> None:
    _, asserted, inferred = reasoned
    assert (s, p, o) not in asserted, "must not be asserted"
    assert (s, p, o) in inferred, "must be inferred"


def _members(reasoned, cls) -> set:
    _, asserted, inferred = reasoned
    return set((inferred + asserted).subjects(RDF.type, C[cls]))


def test_ketamine_inhibits_nmda_pathway_by_inference(reasoned):
    _by_inference(reasoned, KETAMINE, INHIBITS, NMDA_PW)


def _in_context(reasoned, s, p, o, context: str):
    """The triple is inferred in ``context`` and neither asserted nor inferred in every context."""
    result, asserted, inferred = reasoned
    assert (s, p, o) not in asserted and (s, p, o) not in inferred, "must hold only in a context"
    found = [i.context for i in result.inferences if i.triple == (str(s), str(p), str(o))]
    assert found == [context], found
    return next(i for i in result.inferences if i.triple == (str(s), str(p), str(o)))


def test_methadone_inherits_what_its_drug_classes_do(reasoned):
    _by_inference(reasoned, METHADONE, INHIBITS, NMDA_PW)  # an NMDA receptor antagonist
    _by_inference(reasoned, METHADONE, DRIVES, MOR_PW)  # an opioid: muOR agonist
    _in_context(reasoned, METHADONE, DRIVES, GLIAL_PW, "oih:oih")  # an opioid: acts through TLR4 in OIH


def test_opioids_drive_the_chronic_pathways_under_chronic_exposure_only(reasoned):
    for agent in (OPIOID, MORPHINE, METHADONE):
        for pw in ("oih:nmda_central_sensitization_pathway", "oih:dynorphin_pathway", "oih:descending_facilitation_pathway"):
            inf = _in_context(reasoned, agent, DRIVES, URIRef(E(pw)), "oih:chronic_exposure")
            assert inf.explanation.rule == "property chain"
            # the weakest premise: morphine's membership is a curator's (the text never names morphine); the agonism
            # of the opioid is an uncited statement of the text
            assert inf.evidence == {MORPHINE: "ECO:0000305"}.get(agent, "ECO:0000303"), (agent, pw)
    result, _, _ = reasoned
    acute = {i.triple for i in result.inferences if i.context == "oih:acute_administration"}
    assert not {t for t in acute if t[1] == str(DRIVES) or t[2] == str(C["ProHyperalgesicAgent"])}
    assert all(i.context in ("", "oih:acute_administration", "oih:chronic_exposure", "oih:oih", "oih:opioid_tolerance")
               for i in result.inferences)


def test_the_mu_receptor_inhibits_no_pathway_in_any_context(reasoned):
    result, asserted, inferred = reasoned
    mor = str(URIRef(E("HGNC:8156")))
    assert not [i for i in result.inferences if i.subject == mor and i.predicate == str(INHIBITS)]


def test_morphine_reaches_tlr4_through_an_explained_class_statement(reasoned):
    result, _, _ = reasoned
    inf = _in_context(reasoned, MORPHINE, ACTIVATES_TLR4, TLR4, "oih:oih")  # "In OIH, opioids can trigger these cells"
    steps = [s.as_dict() for s in inf.explanation.steps]
    assert inf.explanation.rule == "class statement"
    assert {"kind": "type", "subject": "CHEBI:17303", "predicate": "rdf:type", "object": "oih:class/opioid"} in steps
    statement = next(s for s in steps if s["kind"] == "class statement")
    assert statement["subject"] == "oih:class/opioid" and statement["object"] == "HGNC:11850"
    assert statement["citations"] == ["4539328"] and "ObjectHasValue(RO:0002450 HGNC:11850)" in statement["axiom"]


@pytest.mark.parametrize("agent", [TLR4_ANT, MICRO_INH, MINOCYCLINE])
def test_glial_blockers_inhibit_glial_pathway_and_spare_analgesia_by_inference(reasoned, agent):
    _by_inference(reasoned, agent, INHIBITS, GLIAL_PW)
    _by_inference(reasoned, agent, RDF.type, SPARING)
    _by_inference(reasoned, agent, RDF.type, C["GlialTargetingIntervention"])


def test_methadone_is_not_analgesia_sparing(reasoned):
    _, asserted, inferred = reasoned
    assert (METHADONE, RDF.type, SPARING) not in inferred | asserted
    # the text says "without affecting A" of the agents that block TLR4 or inhibit microglial activation, not of ketamine
    assert (KETAMINE, RDF.type, SPARING) not in inferred | asserted


def test_direction_counts_opioids_drive_and_blockers_inhibit(reasoned):
    assert not _members(reasoned, "ProHyperalgesicAgent")  # in every context, acute included: none
    for agent in (OPIOID, MORPHINE, METHADONE):
        _in_context(reasoned, agent, RDF.type, C["ProHyperalgesicAgent"], "oih:chronic_exposure")
    anti = _members(reasoned, "AntiHyperalgesicAgent")
    assert {KETAMINE, METHADONE, TLR4_ANT, MICRO_INH, MINOCYCLINE} <= anti
    assert OPIOID not in anti and MORPHINE not in anti


def test_dose_strategies_are_classified_by_what_they_change(reasoned):
    _, _, inferred = reasoned
    # rotation is no dose strategy: the text says nothing of its dose (methadone is a full agonist)
    strategies = {URIRef(E(c)) for c in ("oih:dose_reduction", "oih:test_taper", "oih:dose_escalation")}
    assert _members(reasoned, "DoseStrategy") == strategies
    assert _members(reasoned, "DoseIncreasingStrategy") == {URIRef(E("oih:dose_escalation"))}
    for cls in ("GlialTargetingIntervention", "NMDATargetingIntervention", "AntiHyperalgesicAgent", "ProHyperalgesicAgent"):
        assert not strategies & _members(reasoned, cls), cls
    assert not list(inferred.objects(TAPER, INHIBITS)) and not list(inferred.objects(TAPER, DRIVES))


def test_only_the_mu_opioid_pathway_is_analgesic_and_it_is_not_pronociceptive(reasoned):
    assert _members(reasoned, "AnalgesicPathway") == {MOR_PW}
    assert MOR_PW not in _members(reasoned, "PronociceptivePathway")
    assert {NMDA_PW, GLIAL_PW, URIRef(E("oih:dynorphin_pathway")), URIRef(E("oih:descending_facilitation_pathway"))} \
        == _members(reasoned, "PronociceptivePathway")


def test_no_inferred_triple_repeats_an_asserted_one(reasoned):
    result, asserted, _ = reasoned
    assert result.inferences, "the reasoner inferred nothing: nothing was checked"
    for inf in result.inferences:
        assert tuple(URIRef(x) for x in inf.triple) not in asserted


def test_each_inferred_triple_has_an_explanation_that_rederives_it(reasoned):
    result, _, inferred = reasoned
    assert result.verified == len(result.inferences) > 100
    nodes = set(inferred.subjects(RDF.type, schema.OIH.Inference))
    assert len(nodes) == len(result.inferences)
    for node in nodes:
        steps = json.loads(str(inferred.value(node, schema.OIH.explanation)))
        assert steps and inferred.value(node, schema.OIH.rule) is not None


def test_ketamine_explanation_is_the_chain_of_asserted_facts(reasoned):
    result, _, _ = reasoned
    inf = next(i for i in result.inferences if i.triple == (str(KETAMINE), str(INHIBITS), str(NMDA_PW)))
    steps = [s.as_dict() for s in inf.explanation.steps]
    assert {"kind": "triple", "subject": "CHEBI:6121", "predicate": "RO:0018029", "object": "GO:0017146"} in steps
    assert {"kind": "triple", "subject": "GO:0017146", "predicate": "oih:part_of_pathway", "object": "oih:nmda_central_sensitization_pathway"} in steps
    assert any("ObjectPropertyChain(oih:inhibits oih:part_of_pathway)" in s.get("axiom", "") for s in steps)


def test_verification_rejects_an_explanation_missing_a_premise(reasoned):
    result, asserted, _ = reasoned
    inf = next(i for i in result.inferences if i.triple == (str(KETAMINE), str(INHIBITS), str(NMDA_PW)))
    broken = Explanation(inf.explanation.rule, [s for s in inf.explanation.steps if s.predicate != E("oih:part_of_pathway")])
    with pytest.raises(RuntimeError, match="do not entail"):
        verify_explanations([replace(inf, explanation=broken)], asserted)


def test_verification_rejects_an_inherited_edge_without_its_class_statement(reasoned):
    result, asserted, _ = reasoned
    inf = next(i for i in result.inferences if i.triple == (str(MORPHINE), str(ACTIVATES_TLR4), str(TLR4)))
    broken = Explanation(inf.explanation.rule, [s for s in inf.explanation.steps if s.kind != "class statement"])
    with pytest.raises(RuntimeError, match="do not entail"):
        verify_explanations([replace(inf, explanation=broken)], asserted)


def test_committed_inferred_artifact_is_current(reasoned, repo_paths):
    _, _, inferred = reasoned
    committed = rdflib.Graph().parse(repo_paths.inferred, format="turtle")
    assert isomorphic(committed, inferred), "ontology/oih-inferred.ttl is stale: run `make reason`"


# ---------------------------------------------------------------- inconsistency


def _make_inconsistent(tiny, tiny_seed):
    rows = (tiny.src / "interventions.tsv").read_text(encoding="utf-8")
    rows += "CHEBI:6121\tagonist_of\tGO:0017146\t+1\t\t2\tECO:0000304\tan NMDA antagonist like ketamine\t\n"
    (tiny.src / "interventions.tsv").write_text(rows, encoding="utf-8")
    build(tiny, tiny_seed)


@pytest.mark.slow
def test_inconsistent_ontology_names_the_offending_axioms(tiny, tiny_seed):
    _make_inconsistent(tiny, tiny_seed)
    with pytest.raises(InconsistentOntologyError) as info:
        reason(tiny)
    text = "\n".join(info.value.axioms)
    assert "CHEBI:6121 (ketamine) RO:0018027 (is agonist of) GO:0017146 (NMDA receptor)" in text
    assert "RO:0018029 (is antagonist of)" in text and "DisjointObjectProperties" in text
    assert not tiny.inferred.exists(), "nothing is written when reasoning fails"


def test_cli_reason_exits_non_zero_on_inconsistency(tiny, tiny_seed):
    _make_inconsistent(tiny, tiny_seed)
    result = CliRunner().invoke(app, ["reason", "--out", str(tiny.out)])
    assert result.exit_code == 1
    assert "inconsistent" in result.output and "ketamine" in result.output
    assert not tiny.inferred.exists()


@pytest.mark.slow
def test_tiny_ontology_reasons_consistently(tiny, tiny_seed):
    build(tiny, tiny_seed)
    result = reason(tiny)
    triples = {tuple(schema.compress(x) for x in i.triple) for i in result.inferences}
    assert ("oih:tlr4_antagonist", "oih:inhibits_pathway", "oih:glial_neuroinflammatory_pathway") in triples
    assert ("CHEBI:17303", "RO:0002450", "HGNC:11850") in triples  # morphine, a member of the opioid class
    # analgesia sparing is said of glial-targeting agents alone, not of ketamine
    assert ("CHEBI:6121", "rdf:type", "oih:AnalgesiaSparingAntiHyperalgesicIntervention") not in triples
    assert ("oih:tlr4_antagonist", "rdf:type", "oih:AnalgesiaSparingAntiHyperalgesicIntervention") in triples
    assert result.verified == len(result.inferences)


# ---------------------------------------------------------------- every rule, planted with what it must not derive


def _rows(path, rows):
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join("\t".join(r) + "\n" for r in rows))


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The tiny ontology plus rows that would fool a careless rule, built and reasoned once (no seed: quotes unchecked)."""
    root = tmp_path_factory.mktemp("planted")
    shutil.copytree(Path(__file__).parent / "fixtures" / "tiny" / "src", root / "src")
    paths = Paths(src=root / "src", out=root / "out")
    ents = [
        ("oih:tlr4_activator", "TLR4 activating drug", "Drug", "", "Activates TLR4 (planted).", "", ""),
        ("oih:mixed_drug", "mixed drug", "Drug", "", "Blocks TLR4 and activates the muOR (planted).", "", ""),
        ("oih:nmda_agonist", "NMDA agonist", "Drug", "", "Activates the NMDA receptor (planted).", "", ""),
        ("oih:brake_pathway", "brake pathway", "Pathway", "", "Its member lowers H (planted).", "", ""),
        ("oih:brake", "brake process", "BiologicalProcess", "", "Lowers H (planted).", "", "oih:brake_pathway"),
        ("oih:dose_pathway", "dose pathway", "Pathway", "", "Only a model quantity in it raises H (planted).", "", ""),
        ("oih:oih", "opioid-induced hyperalgesia", "Condition", "", "OIH (planted).", "", ""),
        ("oih:rest", "rest", "Intervention", "", "Changes nothing (planted).", "", ""),
    ]
    _rows(paths.src / "entities.tsv", ents)
    # the dose is made part of two pathways, as the old model had it: a taper must still not be a mechanism agent
    text = (paths.src / "entities.tsv").read_text(encoding="utf-8").replace(
        "How much opioid.\t\t\n", "How much opioid.\t\toih:glial_neuroinflammatory_pathway|oih:dose_pathway\n")
    (paths.src / "entities.tsv").write_text(text, encoding="utf-8")
    ev = ("2", "ECO:0000304", "planted", "")
    _rows(paths.src / "interventions.tsv", [(*row[:4], "", *row[4:]) for row in [
        ("oih:tlr4_activator", "activator_of", "HGNC:11850", "+1", *ev),
        ("oih:mixed_drug", "antagonist_of", "HGNC:11850", "-1", *ev),
        ("oih:mixed_drug", "agonist_of", "HGNC:8156", "+1", *ev),
        ("oih:nmda_agonist", "agonist_of", "GO:0017146", "+1", *ev),
    ]])
    _rows(paths.src / "edges.tsv", [
        ("oih:brake", "oih:negatively_influences", "oih:hyperalgesic_component", "-1", "", *ev),
        ("oih:opioid_dose", "oih:positively_influences", "oih:hyperalgesic_component", "+1", "", *ev),
        # true only in OIH: must not make the receptor (and its analgesic pathway) promote H
        ("HGNC:8156", "oih:positively_influences", "oih:hyperalgesic_component", "+1", "oih:oih", *ev),
    ])
    build(paths, None)
    result = reason(paths)
    types: dict[str, set[str]] = {}
    facts = set()
    for inf in result.inferences:
        if inf.context:  # what holds only in a context (here OIH) is no fact in general
            continue
        s, p, o = (schema.compress(x) for x in inf.triple)
        if p == "rdf:type":
            types.setdefault(s, set()).add(o.split(":", 1)[1])
        facts.add((s, p, o))
    return types, facts


def test_a_drug_that_activates_a_pronociceptive_pathway_is_pro_not_anti_hyperalgesic(planted):
    types, _ = planted
    assert "ProHyperalgesicAgent" in types["oih:tlr4_activator"]
    assert not {"AntiHyperalgesicAgent", "GlialTargetingIntervention", "AnalgesiaSparingAntiHyperalgesicIntervention"} \
        & types["oih:tlr4_activator"]


def test_an_anti_hyperalgesic_drug_acting_on_the_mu_receptor_is_not_analgesia_sparing(planted):
    types, _ = planted
    assert {"AntiHyperalgesicAgent", "GlialTargetingIntervention"} <= types["oih:mixed_drug"]
    assert "AnalgesiaSparingAntiHyperalgesicIntervention" not in types["oih:mixed_drug"]


def test_an_nmda_agonist_is_not_nmda_targeting(planted):
    types, _ = planted
    assert "NMDATargetingIntervention" not in types.get("oih:nmda_agonist", set())
    assert "NMDATargetingIntervention" in types["CHEBI:6121"]


def test_a_dose_strategy_is_no_mechanism_agent_even_if_the_dose_were_a_pathway_member(planted):
    types, facts = planted
    assert ("oih:dose_reduction", "oih:inhibits_pathway", "oih:glial_neuroinflammatory_pathway") in facts  # the chain fires
    assert "DoseReducingStrategy" in types["oih:dose_reduction"]
    assert not {"GlialTargetingIntervention", "AntiHyperalgesicAgent", "AnalgesiaSparingAntiHyperalgesicIntervention",
                "PronociceptivePathwayTargetingIntervention"} & types["oih:dose_reduction"]
    assert "DoseStrategy" not in types.get("oih:rest", set()), "an action that does not change the dose is no dose strategy"


def test_a_pathway_is_pronociceptive_only_through_a_mechanistic_positive_chain_to_h(planted):
    types, _ = planted
    assert "PronociceptivePathway" not in types.get("oih:brake_pathway", set()), "its member lowers H"
    assert "PronociceptivePathway" not in types.get("oih:dose_pathway", set()), "only a model quantity raises H"
    assert "PronociceptivePathway" in types["oih:glial_neuroinflammatory_pathway"]


def test_a_statement_true_only_in_a_context_derives_nothing(planted):
    types, facts = planted
    assert ("HGNC:8156", "oih:promotes", "oih:hyperalgesic_component") not in facts
    assert "PronociceptivePathway" not in types.get("oih:mor_analgesic_pathway", set())
    assert types["oih:mor_analgesic_pathway"] >= {"AnalgesicPathway"}


def test_only_members_inherit_what_is_said_of_a_drug_class(planted):
    _, facts = planted
    assert ("CHEBI:17303", "RO:0002450", "HGNC:11850") in facts  # morphine, a member
    assert not {(s, p, o) for s, p, o in facts if s in ("CHEBI:6121", "oih:tlr4_activator") and o == "HGNC:8156"}
