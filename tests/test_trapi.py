"""TRAPI over the OIH graph: real questions, descendants and inverses, support graphs, Pathfinder, the meta knowledge graph,
bad queries, and the KGX and CX2 exports written from the same Biolink mapping.

Every TRAPI response here is validated with the TRAPI models of ``reasoner-pydantic`` (offline).
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections import Counter

import pytest
from reasoner_pydantic import MetaKnowledgeGraph, Response

from kg import schema
from kg.translator import biolink
from kg.schema import contexts
from kg.translator.biolink import INFORES
from kg.translator.trapi import TRAPIError
from kg.translator.context import DISEASE, SLOTS, TEMPORAL

KETAMINE, METHADONE, MORPHINE, OPIOID = "CHEBI:6121", "CHEBI:6807", "CHEBI:17303", "oih:opioid"
NMDA, TLR4, MOR, MICROGLIA_ACTIVATION = "GO:0017146", "HGNC:11850", "HGNC:8156", "GO:0001774"
TNF, IL1B, BDNF = "HGNC:11892", "HGNC:5992", "HGNC:1033"
HYPERALGESIA = "oih:hyperalgesia"
ACUTE, CHRONIC, OIH = contexts.ACUTE, contexts.CHRONIC, "oih:oih"
DECREASED = [{"qualifier_set": [{"qualifier_type_id": "biolink:object_direction_qualifier", "qualifier_value": "decreased"}]}]
CURATED = [{"id": "biolink:knowledge_level", "name": "knowledge level", "operator": "==", "value": "knowledge_assertion"}]


def valid(body: dict) -> dict:
    """The body, after checking it is a valid TRAPI Response (reasoner-pydantic)."""
    Response.model_validate(json.loads(json.dumps(body)))
    return body


@pytest.fixture(scope="module")
def ask(kg):
    def run(nodes: dict, edges: dict | None = None, paths: dict | None = None, **extra) -> dict:
        qg = {"nodes": nodes, **({"paths": paths} if paths is not None else {"edges": edges or {}})}
        return valid(kg.trapi.query({"message": {"query_graph": qg}, **extra}))
    return run


def bound(answer: dict, qnode: str) -> set[str]:
    return {b["id"] for r in answer["message"]["results"] for b in r["node_bindings"][qnode]}


def edges_of(answer: dict, result: dict, qedge: str) -> list[dict]:
    kg = answer["message"]["knowledge_graph"]["edges"]
    return [kg[b["id"]] for a in result["analyses"] for b in a["edge_bindings"][qedge]]


def attr(edge_or_graph: dict, type_id: str):
    return next((a["value"] for a in edge_or_graph["attributes"] if a["attribute_type_id"] == type_id), None)


def quals(edge: dict) -> dict:
    return {q["qualifier_type_id"]: q["qualifier_value"] for q in edge.get("qualifiers") or []}


# -- real questions


def test_chemicals_that_affect_the_nmda_receptor_complex_and_in_which_direction(ask):
    answer = ask({"c": {"categories": ["biolink:ChemicalEntity"]}, "n": {"ids": [NMDA]}},
                 {"e": {"subject": "c", "object": "n", "predicates": ["biolink:affects"]}})
    direction = {}
    for r in answer["message"]["results"]:
        (chem,) = [b["id"] for b in r["node_bindings"]["c"]]
        direction[chem] = {quals(e)["biolink:object_direction_qualifier"] for e in edges_of(answer, r, "e")}
    assert direction[KETAMINE] == {"decreased"}
    assert "decreased" in direction[METHADONE]  # an NMDA antagonist; as an opioid agonist it also feeds the NMDA pathway
    assert direction[OPIOID] == {"increased"}
    # the drug raises the NMDA receptor's function through the glia in OIH ("In OIH, opioids can trigger these cells"), never
    # acutely (its chronic muOR route is a path of the mechanism graph, not an all-positive OWL chain)
    opioid = [e for r in answer["message"]["results"] if r["node_bindings"]["c"][0]["id"] == OPIOID for e in edges_of(answer, r, "e")]
    assert {quals(e).get("biolink:disease_context_qualifier") for e in opioid} == {"oih:oih"}
    assert not {quals(e).get(TEMPORAL) for e in opioid} - {None}
    blockers = ask({"c": {"categories": ["biolink:ChemicalEntity"]}, "n": {"ids": [NMDA]}},
                   {"e": {"subject": "c", "object": "n", "predicates": ["biolink:affects"], "qualifier_constraints": DECREASED}})
    assert {KETAMINE, METHADONE} <= bound(blockers, "c")
    assert not {OPIOID, MORPHINE} & bound(blockers, "c")  # the direction constraint plants no false blocker


def test_ketamine_blocks_the_nmda_receptor_as_the_text_says_with_its_evidence(ask, kg):
    answer = ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}}, {"e": {"subject": "k", "object": "n"}})
    (edge,) = [e for r in answer["message"]["results"] for e in edges_of(answer, r, "e")
               if attr(e, "biolink:knowledge_level") == "knowledge_assertion"]
    assert edge["predicate"] == "biolink:affects" and quals(edge) == {
        "biolink:qualified_predicate": "biolink:causes", "biolink:object_aspect_qualifier": "activity",
        "biolink:causal_mechanism_qualifier": "antagonism", "biolink:object_direction_qualifier": "decreased"}
    assert edge["sources"] == [{"resource_id": INFORES, "resource_role": "primary_knowledge_source"}]
    assert attr(edge, "biolink:agent_type") == "manual_agent" and attr(edge, "biolink:original_predicate") == "RO:0018029"
    (row,) = kg.edges(subject=KETAMINE, object=NMDA, inferred=False)
    evidence = next(a for a in edge["attributes"] if a["attribute_type_id"] == "biolink:has_evidence")
    assert evidence["value"] == [row["evidenceType"]] and attr(evidence, "biolink:supporting_text") == [row["quote"]]
    assert "NMDA" in row["quote"] and attr(edge, "biolink:publications") == [f"oih:citation/{c}" for c in row["citations"]]
    assert attr(edge, "oih:sign") == -1


def test_what_tlr4_activation_leads_to_through_curated_edges(ask):
    answer = ask({"t": {"ids": [TLR4]}, "a": {"categories": ["biolink:BiologicalProcess"]},
                  "r": {"categories": ["biolink:BiologicalProcess"]}, "m": {"categories": ["biolink:GeneOrGeneProduct"]}},
                 {"e1": {"subject": "t", "object": "a", "predicates": ["biolink:affects"], "attribute_constraints": CURATED},
                  "e2": {"subject": "a", "object": "r", "predicates": ["biolink:affects"], "attribute_constraints": CURATED},
                  "e3": {"subject": "r", "object": "m", "predicates": ["biolink:has_output"], "attribute_constraints": CURATED}})
    through_microglia = {b["id"] for r in answer["message"]["results"] if r["node_bindings"]["a"][0]["id"] == MICROGLIA_ACTIVATION
                         for b in r["node_bindings"]["m"]}
    assert through_microglia == {TNF, IL1B, BDNF}
    assert all(attr(e, "biolink:knowledge_level") == "knowledge_assertion"
               for e in answer["message"]["knowledge_graph"]["edges"].values() if not attr(e, "biolink:support_graphs"))


def test_two_hops_from_opioid_to_hyperalgesia(ask):
    answer = ask({"o": {"ids": [OPIOID]}, "x": {}, "h": {"ids": [HYPERALGESIA]}},
                 {"e1": {"subject": "o", "object": "x", "predicates": ["biolink:affects"]},
                  "e2": {"subject": "x", "object": "h", "predicates": ["biolink:affects"]}})
    assert TLR4 in bound(answer, "x")
    for r in answer["message"]["results"]:
        assert r["node_bindings"]["h"][0]["id"] == HYPERALGESIA
        for e in edges_of(answer, r, "e2"):
            assert e["object"] == HYPERALGESIA


def test_a_parent_category_reaches_its_descendants(ask):
    chemicals = bound(ask({"c": {"categories": ["biolink:ChemicalEntity"]}}), "c")
    assert {KETAMINE, METHADONE, MORPHINE, OPIOID} <= chemicals  # Drug and the drug classes
    genes = bound(ask({"g": {"categories": ["biolink:GeneOrGeneProduct"]}}), "g")  # a mixin reaches Gene
    assert {MOR, TLR4, TNF} <= genes and KETAMINE not in genes
    everything = bound(ask({"n": {"categories": ["biolink:NamedThing"]}}), "n")
    assert chemicals | genes <= everything


def test_a_drug_class_id_reaches_its_members_with_the_query_id(ask):
    answer = ask({"d": {"ids": [OPIOID]}, "t": {"ids": [TLR4]}},
                 {"e": {"subject": "d", "object": "t", "predicates": ["biolink:affects"]}})
    bindings = {b["id"]: b.get("query_id") for r in answer["message"]["results"] for b in r["node_bindings"]["d"]}
    assert bindings[OPIOID] is None and bindings[MORPHINE] == OPIOID
    # "In OIH, opioids can trigger these cells ... via TLR4": morphine inherits the activation in OIH only, with the class's quote
    (morphine,) = [e for r in answer["message"]["results"] if r["node_bindings"]["d"][0]["id"] == MORPHINE for e in edges_of(answer, r, "e")]
    assert quals(morphine)[DISEASE] == OIH and attr(morphine, "oih:via") == OPIOID
    assert attr(morphine, "biolink:knowledge_level") == "logical_entailment" and "In OIH" in attr(
        next(a for a in morphine["attributes"] if a["attribute_type_id"] == "biolink:has_evidence"), "biolink:supporting_text")[0]


def test_an_xref_reaches_the_entity(ask):
    answer = ask({"r": {"ids": ["UniProtKB:P35372"]}})
    assert [b for r in answer["message"]["results"] for b in r["node_bindings"]["r"]] == [
        {"id": MOR, "attributes": [], "query_id": "UniProtKB:P35372"}]


def test_predicates_match_descendants_and_inverses(ask):
    # the graph says "pathway has_participant TLR4"; asked the other way round with the inverse it is found
    inverse = ask({"t": {"ids": [TLR4]}, "p": {"categories": ["biolink:Pathway"]}},
                  {"e": {"subject": "t", "object": "p", "predicates": ["biolink:participates_in"]}})
    assert "oih:glial_neuroinflammatory_pathway" in bound(inverse, "p")
    # related_to (the root) reaches affects edges, in either direction (it is symmetric)
    root = ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}}, {"e": {"subject": "n", "object": "k", "predicates": ["biolink:related_to"]}})
    assert bound(root, "k") == {KETAMINE}
    # affects is not symmetric: NMDA does not affect ketamine
    assert ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}},
               {"e": {"subject": "n", "object": "k", "predicates": ["biolink:affects"]}})["message"]["results"] == []


def test_a_predicate_or_qualifier_the_graph_lacks_finds_nothing(ask):
    assert ask({"k": {"ids": [KETAMINE]}, "t": {"ids": [TLR4]}},
               {"e": {"subject": "k", "object": "t", "predicates": ["biolink:treats"]}})["message"]["results"] == []
    increased = [{"qualifier_set": [{"qualifier_type_id": "biolink:object_direction_qualifier", "qualifier_value": "increased"}]}]
    assert ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}},
               {"e": {"subject": "k", "object": "n", "qualifier_constraints": increased}})["message"]["results"] == []
    unknown = [{"qualifier_set": [{"qualifier_type_id": "biolink:species_context_qualifier", "qualifier_value": "NCBITaxon:9606"}]}]
    assert ask({"k": {"ids": [KETAMINE]}, "n": {}},
               {"e": {"subject": "k", "object": "n", "qualifier_constraints": unknown}})["message"]["results"] == []


def test_an_inferred_edge_carries_its_explanation_as_a_support_graph(ask):
    answer = ask({"m": {"ids": [METHADONE]}, "n": {"ids": [NMDA]}},
                 {"e": {"subject": "m", "object": "n", "predicates": ["biolink:affects"], "qualifier_constraints": DECREASED}})
    message = answer["message"]
    (edge,) = [e for r in message["results"] for e in edges_of(answer, r, "e")]
    assert attr(edge, "biolink:knowledge_level") == "logical_entailment" and attr(edge, "biolink:agent_type") == "automated_agent"
    (support,) = attr(edge, "biolink:support_graphs")
    graph = message["auxiliary_graphs"][support]
    premises = [message["knowledge_graph"]["edges"][e] for e in graph["edges"]]  # every premise is in the answer
    assert {(p["subject"], p["predicate"], p["object"]) for p in premises} == {
        (METHADONE, "biolink:subclass_of", "oih:nmda_antagonist"), ("oih:nmda_antagonist", "biolink:affects", NMDA)}
    class_statement = next(p for p in premises if p["subject"] == "oih:nmda_antagonist")
    assert attr(class_statement, "biolink:knowledge_level") == "knowledge_assertion" and attr(class_statement, "biolink:publications")
    assert attr(graph, "oih:rule") and attr(graph, "biolink:agent_type") == "automated_agent"


def test_every_support_graph_is_closed_over_premises(ask):
    answer = ask({"t": {"ids": [TLR4]}, "x": {}}, {"e": {"subject": "t", "object": "x", "predicates": ["biolink:affects"]}})
    message = answer["message"]
    for e in message["knowledge_graph"]["edges"].values():
        for g in attr(e, "biolink:support_graphs") or []:
            assert g in message["auxiliary_graphs"] and set(message["auxiliary_graphs"][g]["edges"]) <= set(message["knowledge_graph"]["edges"])
    for e in message["knowledge_graph"]["edges"].values():
        assert {e["subject"], e["object"]} <= set(message["knowledge_graph"]["nodes"])
        assert attr(e, "biolink:has_evidence") or attr(e, "biolink:knowledge_level") == "logical_entailment"


def test_set_valued_query_nodes_bind_every_member_in_one_result(ask):
    mediators = {"ids": [TNF, IL1B, BDNF]}
    edge = {"e": {"subject": "c", "object": "m", "predicates": ["biolink:produces"]}}
    batch = ask({"c": {"ids": ["CL:0000129"]}, "m": mediators}, edge)
    assert len(batch["message"]["results"]) == 3
    for flavour in ({"set_interpretation": "ALL"}, {"is_set": True}):
        grouped = ask({"c": {"ids": ["CL:0000129"]}, "m": {**mediators, **flavour}}, edge)
        (result,) = grouped["message"]["results"]
        assert {b["id"] for b in result["node_bindings"]["m"]} == {TNF, IL1B, BDNF}
        assert len(result["analyses"][0]["edge_bindings"]["e"]) == 3


# -- Pathfinder


def test_pathfinder_from_opioid_agonist_to_hyperalgesia(ask):
    answer = ask({"o": {"ids": [OPIOID]}, "h": {"ids": [HYPERALGESIA]}}, paths={"p": {"subject": "o", "object": "h"}})
    message = answer["message"]
    (result,) = message["results"]
    assert len(result["analyses"]) >= 3 and answer["schema_version"] == "1.6.0"
    signs = {}
    for analysis in result["analyses"]:
        (binding,) = analysis["path_bindings"]["p"]
        graph = message["auxiliary_graphs"][binding["id"]]
        edges = [message["knowledge_graph"]["edges"][e] for e in graph["edges"]]
        nodes = attr(graph, "oih:nodes")
        assert nodes[0] == OPIOID and nodes[-1] == HYPERALGESIA and len(edges) == len(nodes) - 1
        for a, b in zip(nodes, nodes[1:]):  # linear: each step is an edge of the graph, in order
            assert any({e["subject"], e["object"]} == {a, b} for e in edges)
        net, steps = attr(graph, "oih:sign"), attr(graph, "oih:signs")
        assert net == math.prod(steps) and all(attr(e, "oih:sign") in (s, None) for e, s in zip(edges, steps))  # turned round: unsaid
        signs[tuple(nodes)] = net
        # the drug raises hyperalgesia only where its cascade runs: each path holds in OIH or under chronic exposure, never acutely,
        # and each contextual step says its context in Biolink's qualifier
        held = set(attr(graph, "oih:contexts") or ())
        assert held and held <= contexts.closure(OIH)
        assert all(q in contexts.joint(held) for e in edges for q in (quals(e).get(TEMPORAL), quals(e).get(DISEASE)) if q)
    assert signs[(OPIOID, TLR4, MICROGLIA_ACTIVATION, "GO:0150076", HYPERALGESIA)] == 1  # the glial route raises it
    assert signs[(OPIOID, MOR, "oih:chronic_mor_signaling", "HGNC:8820", "oih:neuronal_hyperexcitability", HYPERALGESIA)] == 1  # dynorphin
    assert set(signs.values()) == {1}  # no route from the drug lowers hyperalgesia: its analgesia is on the other side (A)


def test_pathfinder_intermediate_categories_constrain_paths(ask):
    nodes = {"o": {"ids": [OPIOID]}, "h": {"ids": [HYPERALGESIA]}}
    genes = ask(nodes, paths={"p": {"subject": "o", "object": "h", "constraints": [{"intermediate_categories": ["biolink:Gene"]}]}})
    message = genes["message"]
    for analysis in message["results"][0]["analyses"]:
        path = attr(message["auxiliary_graphs"][analysis["path_bindings"]["p"][0]["id"]], "oih:nodes")
        assert any(n.startswith("HGNC:") for n in path[1:-1])
    none = ask(nodes, paths={"p": {"subject": "o", "object": "h", "constraints": [{"intermediate_categories": ["biolink:Disease"]}]}})
    assert none["message"]["results"] == []


def test_pathfinder_needs_both_ends_pinned(kg):
    with pytest.raises(TRAPIError) as err:
        kg.trapi.query({"message": {"query_graph": {"nodes": {"o": {"ids": [OPIOID]}, "h": {"categories": ["biolink:Disease"]}},
                                                    "paths": {"p": {"subject": "o", "object": "h"}}}}})
    assert err.value.status == 400 and "pinned" in err.value.message


# -- refusals


@pytest.mark.parametrize("body, status, code", [
    ([], 400, "InvalidRequest"),
    ({"message": {}}, 400, "QueryGraphMissing"),
    ({"message": {"query_graph": {"nodes": {"a": {"ids": []}}, "edges": {}}}}, 400, "InvalidQuery"),
    ({"message": {"query_graph": {"nodes": {"a": {}}, "edges": {"e": {"subject": "a", "object": "b"}}}}}, 400, "QueryNotTraversable"),
    ({"message": {"query_graph": {"nodes": {"a": {}, "b": {}, "c": {}}, "edges": {"e": {"subject": "a", "object": "b"}}}}}, 400,
     "QueryNotTraversable"),
    ({"message": {"query_graph": {"nodes": {"a": {"categories": ["biolink:Unicorn"]}}, "edges": {}}}}, 400, "UnsupportedCategory"),
    ({"message": {"query_graph": {"nodes": {"a": {}, "b": {}}, "edges": {"e": {"subject": "a", "object": "b",
                                                                               "predicates": ["biolink:cures"]}}}}}, 400, "UnsupportedPredicate"),
    ({"message": {"query_graph": {"nodes": {"a": {"ids": [KETAMINE]}}, "edges": {}}}, "workflow": [{"id": "fill"}]}, 501,
     "UnsupportedOperation"),
])
def test_bad_queries_are_refused_with_a_code_and_a_reason(kg, body, status, code):
    with pytest.raises(TRAPIError) as err:
        kg.trapi.query(body)
    assert (err.value.status, err.value.code) == (status, code) and err.value.message


def test_an_unknown_id_is_a_warning_not_an_error(ask):
    answer = ask({"a": {"ids": ["CHEBI:0"]}, "b": {}}, {"e": {"subject": "a", "object": "b"}})
    assert answer["message"]["results"] == []
    assert any(log["level"] == "WARNING" and "CHEBI:0" in log["message"] for log in answer["logs"])


def test_pathfinder_constraints_and_within_a_list_or_across_lists_and_predicates_do_not_filter_steps(ask):
    nodes = {"o": {"ids": [OPIOID]}, "h": {"ids": [HYPERALGESIA]}}

    def paths(**qp):
        answer = ask(nodes, paths={"p": {"subject": "o", "object": "h", **qp}})
        return {a["path_bindings"]["p"][0]["id"] for r in answer["message"]["results"] for a in r["analyses"]}

    message = ask(nodes, paths={"p": {"subject": "o", "object": "h"}})["message"]
    through = {}  # each path, and the categories (with their ancestors) of the nodes between its ends
    for pid in (a["path_bindings"]["p"][0]["id"] for r in message["results"] for a in r["analyses"]):
        middle = attr(message["auxiliary_graphs"][pid], "oih:nodes")[1:-1]
        through[pid] = set().union(*(biolink.ancestors(message["knowledge_graph"]["nodes"][n]["categories"][0]) for n in middle))
    every = set(through)
    # a category some paths pass through and others do not (a cell: the paths that reach microglia or astrocytes)
    some = next(c for c in ("biolink:Cell", "biolink:BiologicalProcess", "biolink:Gene")
                if 0 < sum(c in t for t in through.values()) < len(every))
    wanted = {p for p, t in through.items() if some in t}
    assert not any("biolink:Disease" in t for t in through.values())
    assert paths(constraints=[{"intermediate_categories": [some]}]) == wanted
    assert paths(constraints=[{"intermediate_categories": [some, "biolink:Disease"]}]) == set()  # AND: no Disease
    assert paths(constraints=[{"intermediate_categories": [some]}, {"intermediate_categories": ["biolink:Disease"]}]) == wanted  # OR
    assert paths() == paths(predicates=["biolink:affects"]) == every  # the kind of path wanted, not a filter on its steps


def test_set_interpretation_all_needs_every_member_in_the_result(ask):
    edge = {"e": {"subject": "d", "object": "n", "predicates": ["biolink:affects"], "qualifier_constraints": DECREASED}}
    both = ask({"d": {"ids": ["oih:set/blockers"], "member_ids": [KETAMINE, METHADONE], "set_interpretation": "ALL"},
                "n": {"ids": [NMDA]}}, edge)
    (result,) = both["message"]["results"]
    assert [(b["id"], b["query_id"]) for b in result["node_bindings"]["d"]] == [(KETAMINE, "oih:set/blockers"), (METHADONE, "oih:set/blockers")]
    morphine_too = ask({"d": {"ids": ["oih:set/mixed"], "member_ids": [KETAMINE, MORPHINE], "set_interpretation": "ALL"},
                        "n": {"ids": [NMDA]}}, edge)
    assert morphine_too["message"]["results"] == []  # morphine does not lower NMDA function: no set binds both


def test_an_id_asked_for_directly_binds_as_itself(ask):
    answer = ask({"d": {"ids": [OPIOID, MORPHINE]}, "t": {"ids": [TLR4]}},
                 {"e": {"subject": "d", "object": "t", "predicates": ["biolink:affects"]}})
    bindings = {b["id"]: b.get("query_id") for r in answer["message"]["results"] for b in r["node_bindings"]["d"]}
    assert bindings[MORPHINE] is None and bindings[OPIOID] is None and bindings[METHADONE] == OPIOID


def test_pathway_edges_say_no_direction_of_the_whole_pathway(ask):
    answer = ask({"a": {"ids": [MOR, KETAMINE, OPIOID]}, "p": {"categories": ["biolink:Pathway"]}},
                 {"e": {"subject": "a", "object": "p", "predicates": ["biolink:affects"]}})
    links = [e for e in answer["message"]["knowledge_graph"]["edges"].values()
             if attr(e, "biolink:original_predicate") in ("oih:inhibits_pathway", "oih:drives_pathway")]
    held = {(e["subject"], attr(e, "biolink:original_predicate"), e["object"]): quals(e) for e in links}
    # the μOR inhibits no pronociceptive pathway: its acute brake on spinal transmission is in no pathway
    assert not [k for k in held if k[0] == MOR]
    assert held[(KETAMINE, "oih:inhibits_pathway", "oih:nmda_central_sensitization_pathway")] == {}  # in every context
    # the drug drives the pronociceptive pathways under chronic exposure, and the glial one in OIH (through TLR4)
    for pathway in ("oih:nmda_central_sensitization_pathway", "oih:dynorphin_pathway", "oih:descending_facilitation_pathway"):
        assert held[(OPIOID, "oih:drives_pathway", pathway)] == {TEMPORAL: CHRONIC}
    assert held[(OPIOID, "oih:drives_pathway", "oih:glial_neuroinflammatory_pathway")] == {DISEASE: OIH}
    # a context qualifier says where the link holds, never a direction of the whole pathway
    assert links and all(set(quals(e)) <= set(SLOTS) and attr(e, "oih:sign") is None for e in links)


def test_turned_round_edges_keep_no_sign_and_clinical_practice_is_applied_to_treat(ask, kg):
    answer = ask({"p": {"ids": ["GO:0060291"]}, "n": {"ids": [NMDA]}}, {"e": {"subject": "p", "object": "n"}})
    turned = [e for e in answer["message"]["knowledge_graph"]["edges"].values() if e["predicate"] == "biolink:has_participant"]
    assert turned  # "the NMDA receptor is capable of part of LTP", said from LTP
    for e in turned:
        assert attr(e, "oih:sign") is None and "other way round" in next(
            a["description"] for a in e["attributes"] if a["attribute_type_id"] == "biolink:original_predicate")
    escalation = ask({"d": {"ids": ["oih:dose_escalation"]}, "c": {"ids": ["oih:opioid_tolerance"]}},
                     {"e": {"subject": "d", "object": "c", "predicates": ["biolink:applied_to_treat"]}})
    assert len(escalation["message"]["results"]) == 1
    assert ask({"d": {"ids": ["oih:dose_escalation"]}, "c": {"ids": ["oih:opioid_tolerance"]}},
               {"e": {"subject": "d", "object": "c", "predicates": ["biolink:treats"]}})["message"]["results"] == []


def test_direct_activity_regulation_names_the_activity_aspect(ask):
    answer = ask({"o": {"ids": [OPIOID]}, "t": {"ids": [TLR4]}}, {"e": {"subject": "o", "object": "t"}})
    (edge,) = [e for e in answer["message"]["knowledge_graph"]["edges"].values() if attr(e, "biolink:original_predicate") == "RO:0002450"
               and attr(e, "biolink:knowledge_level") == "knowledge_assertion"]
    assert quals(edge)["biolink:object_aspect_qualifier"] == "activity" and quals(edge)["biolink:object_direction_qualifier"] == "increased"


def test_constraints_and_qualifiers_the_graph_cannot_judge_are_said(kg, ask):
    with pytest.raises(TRAPIError) as err:
        kg.trapi.query({"message": {"query_graph": {"nodes": {"a": {"ids": [KETAMINE], "constraints": [
            {"id": "biolink:molecular_weight", "name": "mw", "operator": ">", "value": 200}]}}, "edges": {}}}})
    assert err.value.code == "UnsupportedConstraint" and "molecular_weight" in err.value.message
    with pytest.raises(TRAPIError) as err:
        kg.trapi.query({"message": {"query_graph": {"nodes": {"a": {"ids": [KETAMINE]}, "b": {}}, "edges": {"e": {
            "subject": "a", "object": "b", "attribute_constraints": [
                {"id": "biolink:supporting_text", "name": "quote", "operator": "matches", "value": "("}]}}}}})
    assert err.value.code == "UnsupportedConstraint"
    answer = ask({"a": {"ids": [KETAMINE]}, "b": {}}, {"e": {"subject": "a", "object": "b", "qualifier_constraints": [
        {"qualifier_set": [{"qualifier_type_id": "biolink:frequency_qualifier_x", "qualifier_value": "x"}]}]}})
    assert answer["message"]["results"] == [] and any("not a Biolink" in log["message"] for log in answer["logs"])
    inverse = ask({"a": {"ids": [NMDA]}, "b": {}}, {"e": {"subject": "a", "object": "b", "predicates": ["biolink:affected_by"],
                                                         "qualifier_constraints": DECREASED}})
    assert any("own direction" in log["message"] for log in inverse["logs"])
    # a pattern that backtracks without end in Python's re is answered (the regex engine bounds it)
    quoted = ask({"a": {"ids": [KETAMINE]}, "b": {"ids": [NMDA]}}, {"e": {"subject": "a", "object": "b", "attribute_constraints": [
        {"id": "biolink:supporting_text", "name": "quote", "operator": "matches", "value": "^(.*?,?)*;$"}]}})
    assert quoted["message"]["results"] == []
    sourced = ask({"a": {"ids": [KETAMINE]}, "b": {"ids": [NMDA]}}, {"e": {"subject": "a", "object": "b", "attribute_constraints": [
        {"id": "biolink:knowledge_source", "name": "source", "operator": "==", "value": INFORES}]}})
    assert sourced["message"]["results"]


def test_limits_cut_answers_with_a_warning_and_refuse_oversized_queries(kg):
    from kg.translator.trapi import TRAPI, Limits

    small = TRAPI(kg.engine, Limits(max_results=3, max_pairs=2))
    answer = valid(small.query({"message": {"query_graph": {"nodes": {"a": {}, "b": {}}, "edges": {"e": {"subject": "a", "object": "b"}}}}}))
    assert len(answer["message"]["results"]) == 3 and any(log.get("code") == "ResultsTruncated" for log in answer["logs"])
    unknown = valid(small.query({"message": {"query_graph": {"nodes": {"a": {"ids": [f"CHEBI:{i}" for i in range(50)]}}, "edges": {}}}}))
    assert [log["code"] for log in unknown["logs"] if log["level"] == "WARNING"] == ["UnknownCurie"]
    with pytest.raises(TRAPIError) as err:
        small.query({"message": {"query_graph": {"nodes": {"o": {"ids": [OPIOID, MORPHINE, METHADONE]}, "h": {"ids": [HYPERALGESIA]}},
                                                 "paths": {"p": {"subject": "o", "object": "h"}}}}})
    assert err.value.status == 413
    for qg in ({"nodes": {"a": {}, "b": {}}, "edges": {}}, {"nodes": {"a": {"ids": [KETAMINE]}}, "paths": {}}):
        with pytest.raises(TRAPIError) as err:
            kg.trapi.query({"message": {"query_graph": qg}})
        assert (err.value.status, err.value.code) == (400, "QueryNotTraversable")


def test_the_time_limit_stops_every_level_of_the_search(kg):
    from kg.translator.trapi import TRAPI, Limits

    quick = TRAPI(kg.engine, Limits(seconds=0.3))
    chain = {"nodes": {k: {} for k in "abcde"}, "edges": {
        "e1": {"subject": "a", "object": "b"}, "e2": {"subject": "b", "object": "c"}, "e3": {"subject": "c", "object": "d"},
        "e4": {"subject": "d", "object": "e", "predicates": ["biolink:treats"], "qualifier_constraints": DECREASED}}}
    answer = valid(quick.query({"message": {"query_graph": chain}}))
    assert any(log.get("code") == "ResultsTruncated" for log in answer["logs"])


def test_xrefs_direct_ids_and_sets_bind_with_the_right_query_ids(ask):
    xref = "CHEBI:60643"  # an xref of the NMDA receptor antagonist class
    both = ask({"d": {"ids": [xref, "oih:nmda_antagonist"]}})
    assert {b["id"]: b.get("query_id") for r in both["message"]["results"] for b in r["node_bindings"]["d"]}[
        "oih:nmda_antagonist"] is None
    as_set = ask({"d": {"ids": ["oih:set/x"], "member_ids": ["oih:nmda_antagonist", xref], "set_interpretation": "ALL"},
                  "n": {"ids": [NMDA]}}, {"e": {"subject": "d", "object": "n", "predicates": ["biolink:affects"]}})
    assert len(as_set["message"]["results"]) == 1
    path = ask({"o": {"ids": ["CHEBI:35482"]}, "h": {"ids": [HYPERALGESIA]}}, paths={"p": {"subject": "o", "object": "h"}})
    assert path["message"]["results"][0]["node_bindings"]["o"] == [{"id": OPIOID, "attributes": [], "query_id": "CHEBI:35482"}]
    excluded = ask({"o": {"ids": [OPIOID], "constraints": [{"id": "biolink:synonym", "name": "s", "operator": "==", "value": "nothing"}]},
                    "h": {"ids": [HYPERALGESIA]}}, paths={"p": {"subject": "o", "object": "h"}})
    assert excluded["message"]["results"] == []  # a node constraint on an end is honoured


def test_small_protocol_points(ask):
    lookup = ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}}, {"e": {"subject": "k", "object": "n"}}, paths=None)
    assert lookup["message"]["results"]
    either = [{"id": "biolink:knowledge_level", "name": "kl", "operator": "==", "value": ["knowledge_assertion", "logical_entailment"]}]
    assert ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}},
               {"e": {"subject": "k", "object": "n", "attribute_constraints": either}})["message"]["results"]  # a list is an OR
    plain = ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}}, {"e": {"subject": "k", "object": "n", "predicates": ["biolink:affects"],
                                                                      "qualifier_constraints": DECREASED}})
    assert not [log for log in plain["logs"] if log["level"] == "WARNING"]
    catalyst = ask({"k": {"ids": [KETAMINE]}, "n": {}}, {"e": {"subject": "k", "object": "n", "qualifier_constraints": [
        {"qualifier_set": [{"qualifier_type_id": "biolink:catalyst_qualifier", "qualifier_value": "x"}]}]}})
    assert not [log for log in catalyst["logs"] if "not a Biolink" in log["message"]]


def test_a_deeply_nested_body_is_refused(kg):
    deep: dict = {}
    for _ in range(600):
        deep = {"x": deep}
    with pytest.raises(TRAPIError) as err:
        kg.trapi.query({"message": {"query_graph": {"nodes": {"a": {"ids": [KETAMINE], "deep": deep}}, "edges": {}}}})
    assert err.value.status == 400 and "nests" in err.value.message


def test_heavy_cache_does_not_keep_what_keep_refuses():
    import asyncio

    from api.heavy import HeavyCache

    calls = []

    async def run():
        cache = HeavyCache()
        for _ in range(2):
            await cache.get("k", lambda: calls.append(1) or b"cut", keep=lambda b: b != b"cut")
        await cache.get("j", lambda: calls.append(2) or b"whole")
        await cache.get("j", lambda: calls.append(2) or b"whole")

    asyncio.run(run())
    assert calls == [1, 1, 2]


# -- the meta knowledge graph and the mapping


def _kgx(kg) -> tuple[list[dict], list[dict]]:
    z = zipfile.ZipFile(io.BytesIO(kg.export("kgx")))
    read = lambda name: list(csv.DictReader(io.StringIO(z.read(name).decode()), delimiter="\t"))  # noqa: E731
    return read("nodes.tsv"), read("edges.tsv")


def test_meta_knowledge_graph_equals_what_the_graph_holds(kg, ask):
    meta = kg.trapi.meta_knowledge_graph()
    MetaKnowledgeGraph.model_validate(meta)
    assert meta["biolink_version"] == biolink.version()
    # what an unconstrained lookup serves (the query path, not the meta path) ...
    served = ask({"a": {}, "b": {}}, {"e": {"subject": "a", "object": "b"}})["message"]["knowledge_graph"]
    category = {n: body["categories"][0] for n, body in served["nodes"].items()}
    held = Counter((category[e["subject"]], e["predicate"], category[e["object"]]) for e in served["edges"].values())
    assert {(m["subject"], m["predicate"], m["object"]): c["count"] for m, c in zip(meta["edges"], meta["counts"]["edges"])} == held
    # every node a lookup of one node serves (a context, such as chronic exposure, is a node that no edge joins)
    alone = {n: body["categories"][0] for n, body in ask({"n": {}})["message"]["knowledge_graph"]["nodes"].items()}
    assert set(category.items()) <= set(alone.items()) and meta["counts"]["nodes"] == dict(Counter(alone.values()))
    for cat, entry in meta["nodes"].items():
        assert set(entry["id_prefixes"]) == {n.split(":")[0] for n, c in alone.items() if c == cat}
    # ... is every edge the catalog reads, and besides them only statements the store holds: in every context (the bare
    # triple), or in a context (what the reasoner derived there, a drug's inherited contextual statement among them)
    graph = kg.trapi.graph
    rows = {(r["subject"], r["predicate"], r["object"], bool(r["inferred"]), r["context"]) for r in kg.edges()}
    edges = {(e.source[0], e.relation, e.source[1], e.inferred, e.context): e for e in graph.edges.values()}
    assert rows <= set(edges) and len(served["edges"]) == len(edges)
    in_context = {(r["s"], r["p"], r["o"], r["c"]) for r in kg.sparql(
        "PREFIX oih: <https://w3id.org/oihkg/> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "SELECT ?s ?p ?o ?c WHERE { GRAPH <https://w3id.org/oihkg/graph/inferred> { "
        "?i a oih:Inference ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; oih:context ?c } }")}
    for s, p, o, inferred, context in set(edges) - rows:
        if context:
            assert inferred and (s, p, o, context) in in_context, (s, p, o, context)
            continue
        where = "inferred" if inferred else "asserted"
        assert kg.sparql(f"ASK {{ GRAPH <https://w3id.org/oihkg/graph/{where}> {{ <{schema.expand(s)}> <{schema.expand(p)}> "
                         f"<{schema.expand(o)}> }} }}"), (s, p, o)
    assert {(s, p, o, c) for s, p, o, inferred, c in edges if c and inferred} == {k for k in in_context if k[1] != "rdf:type"}
    # the contexts are said in Biolink's context qualifiers, and the meta knowledge graph offers them
    offered = {(q["qualifier_type_id"], v) for m in meta["edges"] for q in m.get("qualifiers", []) for v in q["applicable_values"]}
    assert {(TEMPORAL, ACUTE), (TEMPORAL, CHRONIC), (DISEASE, OIH), (DISEASE, "oih:opioid_tolerance")} <= offered
    assert {v for t, v in offered if t in SLOTS} == {e.context for e in graph.edges.values() if e.context}
    affects = [m for m in meta["edges"] if m["predicate"] == "biolink:affects" and m["object"] == "biolink:MacromolecularComplex"]
    assert any({"qualifier_type_id": "biolink:object_direction_qualifier", "applicable_values": ["decreased", "increased"]}
               in m.get("qualifiers", []) for m in affects)


def test_the_kgx_export_and_trapi_say_the_same_edges(kg, ask):
    _, edges = _kgx(kg)
    kgx = {(e["subject"], e["predicate"], e["object"], e["object_direction_qualifier"], e["knowledge_level"]) for e in edges}
    everything = ask({"a": {}, "b": {}}, {"e": {"subject": "a", "object": "b"}})
    said = {(e["subject"], e["predicate"], e["object"], quals(e).get("biolink:object_direction_qualifier", ""),
             attr(e, "biolink:knowledge_level")) for e in everything["message"]["knowledge_graph"]["edges"].values()}
    assert said == kgx


def test_the_kgx_export_follows_the_packaged_biolink_model(kg):
    """kgx's own validator cannot run here (see the note of issue 15): this checks what it checks, offline."""
    nodes, edges = _kgx(kg)
    levels = biolink.schema()["enums"]["KnowledgeLevelEnum"]["permissible_values"]
    agents = biolink.schema()["enums"]["AgentTypeEnum"]["permissible_values"]
    served = {e.id: dict(e.qualifiers) for e in kg.trapi.graph.edges.values()}  # what TRAPI says of each edge
    for n in nodes:
        found = biolink.category(n["category"])
        assert found and not found.get("mixin") and not found.get("abstract"), n
        prefix = n["id"].split(":")[0]
        assert prefix == "oih" or prefix in biolink.id_prefixes(n["category"]), n
    for e in edges:
        assert biolink.predicate(e["predicate"]) and biolink.canonical(e["predicate"]) == (e["predicate"], False), e
        assert e["knowledge_level"] in levels and e["agent_type"] in agents
        for q in ("object_direction_qualifier", "object_aspect_qualifier", "causal_mechanism_qualifier"):
            if e[q]:
                said = served[e["id"]].get("biolink:" + q, "")  # the export says the served edge's value (or one above it)
                assert e[q] in biolink.value_ancestors("biolink:" + q, said) and biolink.schema()["enums"][
                    biolink.schema()["slots"][q.replace("_", " ")]["range"]]["permissible_values"].__contains__(e[q]), e
        if e["object_direction_qualifier"]:  # the direction says the sign, never the opposite
            assert e["predicate"] in biolink.DIRECTED and e["qualified_predicate"] == "biolink:causes"
            assert {"increased": "1", "decreased": "-1"}[e["object_direction_qualifier"]] == e["sign"], e


def test_entities_get_the_categories_of_their_kind_and_identifier(kg):
    category = {n["id"]: n["category"] for n in _kgx(kg)[0]}
    assert category[MOR] == category[TLR4] == category[TNF] == "biolink:Gene"  # named by HGNC gene ids
    assert category[NMDA] == "biolink:MacromolecularComplex"
    assert category[KETAMINE] == category[MORPHINE] == "biolink:Drug"
    assert category["CL:0000129"] == "biolink:Cell" and category[MICROGLIA_ACTIVATION] == "biolink:BiologicalProcess"
    assert category[HYPERALGESIA] == "biolink:PhenotypicFeature" and category["MONDO:0005546"] == "biolink:Disease"
    assert biolink.check() == [] and schema.check_mappings() == []


def test_cx2_loads_back_through_ndex2_with_every_node_and_edge(kg):
    from ndex2.cx2 import RawCX2NetworkFactory

    from kg.outputs.export import to_networkx

    g = to_networkx(kg.catalog)
    net = RawCX2NetworkFactory().get_cx2network(json.loads(kg.export("cx2")))
    nodes, edges = net.get_nodes(), net.get_edges()
    assert len(nodes) == g.number_of_nodes() and len(edges) == g.number_of_edges()
    names = {n["v"]["name"]: n["id"] for n in nodes.values()}
    assert set(names) == set(g.nodes)
    ketamine_edges = [e["v"] for e in edges.values() if e["s"] == names[KETAMINE] and e["t"] == names[NMDA]]
    assert any(e["sign"] == -1 and e["inferred"] is False and e["citations"] for e in ketamine_edges)
    style = net.get_visual_properties()
    fill = {m["v"]: m["vp"] for m in style["nodeMapping"]["NODE_FILL_COLOR"]["definition"]["map"]}
    assert fill == {k: s.colour for k, s in schema.MAP_CATEGORIES.items()}
    assert nodes[names[KETAMINE]]["v"]["map_category"] == "drug"


# -- over HTTP


def test_trapi_over_http_answers_and_refuses_in_trapi_shape(http):
    qg = {"nodes": {"c": {"categories": ["biolink:ChemicalEntity"]}, "n": {"ids": [NMDA]}},
          "edges": {"e": {"subject": "c", "object": "n", "predicates": ["biolink:affects"], "qualifier_constraints": DECREASED}}}
    ok = http.post("/trapi/query", json={"message": {"query_graph": qg}})
    assert ok.status_code == 200 and KETAMINE in bound(valid(ok.json()), "c")
    assert ok.json()["biolink_version"] == biolink.version() and ok.json()["schema_version"].startswith("1.5")
    bad = http.post("/trapi/query", content=b"{not json", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and bad.json()["logs"][0]["level"] == "ERROR" and bad.json()["detail"]
    valid(bad.json())
    refused = http.post("/trapi/query", json={"message": {"query_graph": qg}, "workflow": [{"id": "overlay_connect_knodes"}]})
    assert refused.status_code == 501 and refused.json()["status"] == "UnsupportedOperation"
    nested = b'{"message": {"query_graph": {"nodes": {"a": {"x": ' + b"[" * 700 + b"]" * 700 + b'}}, "edges": {}}}}'
    for raw in (b"[" * 200_000, b'{"message": {"query_graph": {"nodes": {"a": {"ids": [NaN]}}, "edges": {}}}}', b"\xff\xfe",
                b'{"message": {"query_graph": {"nodes": {"a": {"constraints": [{"value": 1e999}]}}, "edges": {}}}}'):
        r = http.post("/trapi/query", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 400 and r.json()["status"] == "InvalidJSON", raw[:40]
    deep = http.post("/trapi/query", content=nested, headers={"content-type": "application/json"})
    assert deep.status_code == 400 and "nests" in deep.json()["detail"]


def test_meta_knowledge_graph_health_and_openapi_name_the_versions(http):
    meta = http.get("/trapi/meta_knowledge_graph").json()
    MetaKnowledgeGraph.model_validate(meta)
    assert meta["biolink_version"] == http.get("/health").json()["biolink_version"] == biolink.version()
    info = http.get("/openapi.json").json()["info"]
    assert info["x-trapi"]["version"].startswith("1.5") and info["x-translator"]["infores"] == INFORES


def test_cx2_over_http(http):
    r = http.get("/export/cx2")
    assert r.status_code == 200 and r.json()[0]["CXVersion"] == "2.0"
