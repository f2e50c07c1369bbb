"""kg.reason: HermiT derives intervention→pathway facts, explains each, and rejects inconsistency."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest
import rdflib
from rdflib import RDF, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg import vocab
from kg.build import build
from kg.cli import app
from kg.config import Paths
from kg.reason import Explanation, InconsistentOntologyError, reason, verify_explanations

E = vocab.expand
TARGETS_PATHWAY = URIRef(E("oih:targets_pathway"))
NMDA_PW, MOR_PW, GLIAL_PW = (URIRef(E(c)) for c in ("oih:nmda_central_sensitization_pathway", "oih:mor_analgesic_pathway", "oih:glial_neuroinflammatory_pathway"))
KETAMINE, METHADONE, MINOCYCLINE = (URIRef(E(c)) for c in ("CHEBI:6121", "CHEBI:6807", "CHEBI:50694"))
TLR4_ANT, MICRO_INH, TAPER = (URIRef(E(c)) for c in ("oih:tlr4_antagonist", "oih:microglial_inhibitor", "oih:dose_reduction"))
SPARING = URIRef(E("oih:AnalgesiaSparingAntiHyperalgesicIntervention"))


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


def test_ketamine_targets_nmda_pathway_by_inference(reasoned):
    _by_inference(reasoned, KETAMINE, TARGETS_PATHWAY, NMDA_PW)


def test_methadone_targets_nmda_and_mu_opioid_pathways_by_inference(reasoned):
    _by_inference(reasoned, METHADONE, TARGETS_PATHWAY, NMDA_PW)
    _by_inference(reasoned, METHADONE, TARGETS_PATHWAY, MOR_PW)


@pytest.mark.parametrize("agent", [TLR4_ANT, MICRO_INH, MINOCYCLINE])
def test_glial_blockers_target_glial_pathway_and_spare_analgesia_by_inference(reasoned, agent):
    _by_inference(reasoned, agent, TARGETS_PATHWAY, GLIAL_PW)
    _by_inference(reasoned, agent, RDF.type, SPARING)
    _by_inference(reasoned, agent, RDF.type, URIRef(E("oih:GlialTargetingIntervention")))


def test_methadone_is_not_analgesia_sparing(reasoned):
    _, asserted, inferred = reasoned
    assert (METHADONE, RDF.type, SPARING) not in inferred | asserted
    assert (KETAMINE, RDF.type, SPARING) in inferred


def test_taper_acts_on_the_pronociceptive_drive(reasoned):
    _by_inference(reasoned, TAPER, RDF.type, URIRef(E("oih:PronociceptivePathwayTargetingIntervention")))
    _, _, inferred = reasoned
    pro = set(inferred.subjects(RDF.type, URIRef(E("oih:PronociceptivePathway"))))
    assert set(inferred.objects(TAPER, TARGETS_PATHWAY)) == pro
    assert {NMDA_PW, GLIAL_PW, URIRef(E("oih:dynorphin_pathway")), URIRef(E("oih:descending_facilitation_pathway"))} <= pro
    assert (TAPER, RDF.type, SPARING) not in inferred


def test_only_the_mu_opioid_pathway_is_classified_analgesic(reasoned):
    _, _, inferred = reasoned
    assert set(inferred.subjects(RDF.type, URIRef(E("oih:AnalgesicPathway")))) == {MOR_PW}


def test_no_inferred_triple_repeats_an_asserted_one(reasoned):
    result, asserted, _ = reasoned
    for inf in result.inferences:
        assert tuple(URIRef(x) for x in inf.triple) not in asserted


def test_each_inferred_triple_has_an_explanation_that_rederives_it(reasoned):
    result, _, inferred = reasoned
    assert result.verified == len(result.inferences) > 100
    nodes = set(inferred.subjects(RDF.type, vocab.OIH.Inference))
    assert len(nodes) == len(result.inferences)
    for node in nodes:
        steps = json.loads(str(inferred.value(node, vocab.OIH.explanation)))
        assert steps and inferred.value(node, vocab.OIH.rule) is not None


def test_ketamine_explanation_is_the_chain_of_asserted_facts(reasoned):
    result, _, _ = reasoned
    inf = next(i for i in result.inferences if i.triple == (str(KETAMINE), str(TARGETS_PATHWAY), str(NMDA_PW)))
    steps = [s.as_dict() for s in inf.explanation.steps]
    assert {"kind": "triple", "subject": "CHEBI:6121", "predicate": "oih:antagonist_of", "object": "GO:0017146"} in steps
    assert {"kind": "triple", "subject": "GO:0017146", "predicate": "oih:part_of_pathway", "object": "oih:nmda_central_sensitization_pathway"} in steps
    assert any("ObjectPropertyChain(oih:targets oih:part_of_pathway)" in s.get("axiom", "") for s in steps)


def test_verification_rejects_an_explanation_missing_a_premise(reasoned):
    result, asserted, _ = reasoned
    inf = next(i for i in result.inferences if i.triple == (str(KETAMINE), str(TARGETS_PATHWAY), str(NMDA_PW)))
    broken = Explanation(inf.explanation.rule, [s for s in inf.explanation.steps if s.predicate != E("oih:part_of_pathway")])
    with pytest.raises(RuntimeError, match="do not entail"):
        verify_explanations([replace(inf, explanation=broken)], asserted)


def test_committed_inferred_artifact_is_current(reasoned, repo_paths):
    _, _, inferred = reasoned
    committed = rdflib.Graph().parse(repo_paths.inferred, format="turtle")
    assert isomorphic(committed, inferred), "ontology/oih-inferred.ttl is stale: run `make reason`"


# ---------------------------------------------------------------- inconsistency


def _make_inconsistent(tiny, tiny_seed):
    rows = (tiny.src / "interventions.tsv").read_text(encoding="utf-8")
    rows += "CHEBI:6121\tagonist_of\tGO:0017146\t+1\t2\tECO:0000304\tan NMDA antagonist like ketamine\t\n"
    (tiny.src / "interventions.tsv").write_text(rows, encoding="utf-8")
    build(tiny, tiny_seed)


def test_inconsistent_ontology_names_the_offending_axioms(tiny, tiny_seed):
    _make_inconsistent(tiny, tiny_seed)
    with pytest.raises(InconsistentOntologyError) as info:
        reason(tiny)
    text = "\n".join(info.value.axioms)
    assert "CHEBI:6121 (ketamine) oih:agonist_of (agonist of) GO:0017146 (NMDA receptor)" in text
    assert "oih:antagonist_of (antagonist of)" in text and "DisjointObjectProperties" in text
    assert not tiny.inferred.exists(), "nothing is written when reasoning fails"


def test_cli_reason_exits_non_zero_on_inconsistency(tiny, tiny_seed):
    _make_inconsistent(tiny, tiny_seed)
    result = CliRunner().invoke(app, ["reason", "--out", str(tiny.out)])
    assert result.exit_code == 1
    assert "inconsistent" in result.output and "ketamine" in result.output
    assert not tiny.inferred.exists()


def test_tiny_ontology_reasons_consistently(tiny, tiny_seed):
    build(tiny, tiny_seed)
    result = reason(tiny)
    triples = {tuple(vocab.compress(x) for x in i.triple) for i in result.inferences}
    assert ("oih:tlr4_antagonist", "oih:targets_pathway", "oih:glial_neuroinflammatory_pathway") in triples
    assert ("CHEBI:6121", "rdf:type", "oih:AnalgesiaSparingAntiHyperalgesicIntervention") in triples
    assert result.verified == len(result.inferences)
