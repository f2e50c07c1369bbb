"""OWL 2 RL materialisation (kg.reason.rl): the same intervention → pathway facts as HermiT on the curated graph, and
nothing the rules must not derive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from kg.reason.rl import _chains, materialise, pathway_facts

OIH = "https://w3id.org/oihkg/"
TLR4 = "https://identifiers.org/hgnc:11850"

PLANTED = f"""@prefix oih: <{OIH}> .
oih:agent_x a oih:Drug ; oih:activates <{TLR4}> .
oih:agent_y a oih:Drug ; oih:activates oih:lonely .
oih:lonely a oih:BiologicalProcess .
oih:agent_z a oih:Drug ; oih:inhibits <{TLR4}> .
oih:agent_w a oih:Drug ; oih:activates oih:hop .
oih:hop a oih:BiologicalProcess ; oih:activates <{TLR4}> .
oih:agent_v a oih:Drug ; oih:part_of_pathway oih:glial_neuroinflammatory_pathway .
"""


@pytest.fixture(scope="module")
def asserted(repo_paths) -> rdflib.Graph:
    return rdflib.Graph().parse(repo_paths.ttl)


@pytest.fixture(scope="module")
def planted(asserted) -> rdflib.Graph:
    """The curated graph with the planted agents, closed under the OWL 2 RL rules."""
    return materialise(asserted + rdflib.Graph().parse(data=PLANTED, format="turtle")).graph


def test_rl_gives_hermits_intervention_pathway_facts_on_the_curated_graph(asserted, repo_paths):
    result = materialise(asserted)
    hermit = pathway_facts(asserted + rdflib.Graph().parse(repo_paths.inferred))
    assert pathway_facts(result.graph) == hermit
    assert ("CHEBI:6121", "inhibits", "oih:nmda_central_sensitization_pathway") in hermit  # ketamine
    assert ("oih:opioid", "drives", "oih:mor_analgesic_pathway") in hermit  # in every context; TLR4 only in OIH
    assert ("oih:opioid", "drives", "oih:glial_neuroinflammatory_pathway") not in hermit
    assert len(hermit) >= 10
    assert not asserted - result.graph  # the closure holds its input as it was (no literal retyped beside it)


def test_the_schema_has_the_chains_the_pathway_facts_need(asserted):
    chains = _chains(asserted)
    assert (OIH + "drives_pathway", [OIH + "activates", OIH + "part_of_pathway"]) in chains
    assert (OIH + "drives_pathway", [OIH + "activates", OIH + "sets_off", OIH + "part_of_pathway"]) in chains
    assert (OIH + "inhibits_pathway", [OIH + "inhibits", OIH + "part_of_pathway"]) in chains


def test_a_planted_activator_of_a_pathway_member_drives_that_pathway(planted):
    facts = pathway_facts(planted)
    assert ("oih:agent_x", "drives", "oih:glial_neuroinflammatory_pathway") in facts
    # the super-property of the chain's result follows in the next round: the rounds reach a fixpoint
    assert (rdflib.URIRef(OIH + "agent_x"), rdflib.URIRef(OIH + "targets_pathway"),
            rdflib.URIRef(OIH + "glial_neuroinflammatory_pathway")) in planted


@pytest.mark.parametrize("agent, why", [
    ("agent_y", "activates something in no pathway"),
    ("agent_w", "activates something that activates a member: activation is no chain of any length"),
    ("agent_v", "is itself part of the pathway, which targets nothing"),
])
def test_no_pathway_fact_for_an_agent_the_chains_do_not_reach(planted, agent, why):
    facts = pathway_facts(planted)
    assert ("oih:agent_x", "drives", "oih:glial_neuroinflammatory_pathway") in facts  # the rules did run on this graph
    assert not [f for f in facts if f[0] == f"oih:{agent}"], why


def test_an_inhibitor_of_a_member_inhibits_the_pathway_and_never_drives_it(planted):
    facts = {f for f in pathway_facts(planted) if f[0] == "oih:agent_z"}
    assert facts == {("oih:agent_z", "inhibits", "oih:glial_neuroinflammatory_pathway")}


def test_cli_materialise_writes_the_derived_triples(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(PLANTED)
    out = tmp_path / "derived.nt"
    exe = str(Path(sys.executable).parent / "oihkg")
    run = subprocess.run([exe, "materialise", str(extra), "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    derived = rdflib.Graph().parse(out, format="nt")
    assert "XMLSchema#string" not in out.read_text()  # no label copied back as a typed literal
    assert (rdflib.URIRef(OIH + "agent_x"), rdflib.URIRef(OIH + "drives_pathway"),
            rdflib.URIRef(OIH + "glial_neuroinflammatory_pathway")) in derived
    assert not derived & rdflib.Graph().parse(extra)  # only what was derived, none of the input
    known = rdflib.Graph().parse(Path("ontology/oih.ttl")) + rdflib.Graph().parse(Path("ontology/oih-inferred.ttl"))
    assert not derived & known  # nor what the curated graph or HermiT's inferred graph holds
    assert "agent → pathway facts" in run.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n")
    refused = subprocess.run([exe, "materialise", str(bad)], capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and "bad.ttl" in refused.stderr


def test_every_oih_class_rl_puts_a_curated_individual_in_hermit_does_too(asserted, repo_paths):
    """RL is sound but weaker: each membership it derives in a class of the schema, HermiT derives too (the defined
    classes that need more than RL, such as pro-hyperalgesic agent, stay HermiT's alone)."""
    from rdflib.namespace import RDF

    def memberships(graph):
        return {(s, o) for s, o in graph.subject_objects(RDF.type)
                if isinstance(s, rdflib.URIRef) and str(o).startswith(OIH) and str(o)[len(OIH):][:1].isupper()}

    hermit = memberships(asserted + rdflib.Graph().parse(repo_paths.inferred))
    rl = memberships(materialise(asserted).graph)
    assert rl <= hermit
    assert (rdflib.URIRef("http://purl.obolibrary.org/obo/CHEBI_6807"), rdflib.URIRef(OIH + "AntiHyperalgesicAgent")) in hermit - rl


def test_a_recursive_chain_is_followed_to_any_length(asserted):
    """``involves ∘ inhibits → inhibits`` along a path of 80 ``involves`` steps: followed to its end, with no cap hit."""
    path = rdflib.Graph()
    for i in range(80):
        path.add((rdflib.URIRef(f"{OIH}n{i}"), rdflib.URIRef(OIH + "involves"), rdflib.URIRef(f"{OIH}n{i + 1}")))
    path.add((rdflib.URIRef(f"{OIH}n80"), rdflib.URIRef(OIH + "inhibits"), rdflib.URIRef(TLR4)))
    closed = materialise(asserted + path).graph
    assert (rdflib.URIRef(f"{OIH}n0"), rdflib.URIRef(OIH + "inhibits"), rdflib.URIRef(TLR4)) in closed
    assert (rdflib.URIRef(f"{OIH}n0"), rdflib.URIRef(OIH + "inhibits_pathway"),
            rdflib.URIRef(OIH + "glial_neuroinflammatory_pathway")) in closed
