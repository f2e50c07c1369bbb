"""TRAPI says where a statement holds in Biolink's own context qualifiers, and answers a query edge asked in a context.

An exposure (acute administration, chronic exposure) is a ``biolink:temporal_context_qualifier``, a condition (OIH,
tolerance) a ``biolink:disease_context_qualifier``; a statement without one holds in every context. Every response here
is validated with the TRAPI models of ``reasoner-pydantic`` (offline).
"""

from __future__ import annotations

import json

import pytest
from reasoner_pydantic import Response

from kg.schema import contexts
from kg.translator.context import DISEASE, SLOTS, TEMPORAL

KETAMINE, MORPHINE, METHADONE, OPIOID = "CHEBI:6121", "CHEBI:17303", "CHEBI:6807", "oih:opioid"
NMDA, TLR4, MOR, SIGNALLING = "GO:0017146", "HGNC:11850", "HGNC:8156", "oih:chronic_mor_signaling"
ACUTE, CHRONIC, OIH, TOLERANCE = contexts.ACUTE, contexts.CHRONIC, "oih:oih", "oih:opioid_tolerance"
AFFECTS = ["biolink:affects"]


def sets(*qualifier_sets: list[tuple[str, str]]) -> list[dict]:
    """TRAPI qualifier_constraints: one qualifier set per argument, each a list of (type, value)."""
    return [{"qualifier_set": [{"qualifier_type_id": t, "qualifier_value": v} for t, v in s]} for s in qualifier_sets]


def during(context: str) -> list[dict]:
    """The qualifier constraint that asks what holds in ``context``."""
    return sets([(TEMPORAL if context in (ACUTE, CHRONIC) else DISEASE, context)])


def valid(body: dict) -> dict:
    Response.model_validate(json.loads(json.dumps(body)))
    return body


@pytest.fixture(scope="module")
def ask(kg):
    def run(nodes: dict, edges: dict) -> dict:
        return valid(kg.trapi.query({"message": {"query_graph": {"nodes": nodes, "edges": edges}}}))
    return run


def bound(answer: dict, qnode: str) -> set[str]:
    return {b["id"] for r in answer["message"]["results"] for b in r["node_bindings"][qnode]}


def bound_edges(answer: dict, qedge: str) -> list[dict]:
    kg = answer["message"]["knowledge_graph"]["edges"]
    return [kg[b["id"]] for r in answer["message"]["results"] for a in r["analyses"] for b in a["edge_bindings"][qedge]]


def attr(edge: dict, type_id: str):
    return next((a["value"] for a in edge["attributes"] if a["attribute_type_id"] == type_id), None)


def quals(edge: dict) -> dict:
    return {q["qualifier_type_id"]: q["qualifier_value"] for q in edge.get("qualifiers") or []}


def context_of(edge: dict) -> dict:
    return {t: v for t, v in quals(edge).items() if t in SLOTS}


def receptor_to_signalling(ask, constraints: list[dict] | None = None) -> dict:
    edge = {"subject": "r", "object": "s", "predicates": AFFECTS, **({"qualifier_constraints": constraints} if constraints else {})}
    return ask({"r": {"ids": [MOR]}, "s": {"ids": [SIGNALLING]}}, {"e": edge})


def test_the_receptor_drives_its_chronic_signalling_under_chronic_exposure_and_says_so(ask, kg):
    (edge,) = bound_edges(receptor_to_signalling(ask), "e")
    assert context_of(edge) == {TEMPORAL: CHRONIC} and attr(edge, "oih:context") == CHRONIC
    assert quals(edge)["biolink:object_direction_qualifier"] == "increased"
    assert attr(edge, "biolink:knowledge_level") == "knowledge_assertion" and attr(edge, "biolink:original_predicate") == "oih:sets_off"
    (row,) = [r for r in kg.edges(subject=MOR, object=SIGNALLING) if r["context"]]
    assert row["context"] == CHRONIC and attr(next(a for a in edge["attributes"] if a["attribute_type_id"] == "biolink:has_evidence"),
                                               "biolink:supporting_text") == [row["quote"]]
    # asked in chronic exposure, or in OIH (which arises under it), it holds; asked acutely it does not
    for context in (CHRONIC, OIH, TOLERANCE):
        assert [e["subject"] for e in bound_edges(receptor_to_signalling(ask, during(context)), "e")] == [MOR], context
    assert receptor_to_signalling(ask, during(ACUTE))["message"]["results"] == []


def test_morphine_reaches_chronic_receptor_signalling_through_its_receptor_only_under_chronic_exposure(ask):
    def chain(e1: list[dict] | None = None, e2: list[dict] | None = None) -> dict:
        return ask({"m": {"ids": [MORPHINE]}, "r": {"ids": [MOR]}, "s": {"ids": [SIGNALLING]}},
                   {"e1": {"subject": "m", "object": "r", "predicates": AFFECTS, **({"qualifier_constraints": e1} if e1 else {})},
                    "e2": {"subject": "r", "object": "s", "predicates": AFFECTS, **({"qualifier_constraints": e2} if e2 else {})}})

    answer = chain()
    (agonism,), (signalling,) = bound_edges(answer, "e1"), bound_edges(answer, "e2")
    # morphine is a μOR agonist in every context (inherited from the opioid agonist class); the receptor's chronic signalling is chronic
    assert context_of(agonism) == {} and quals(agonism)["biolink:causal_mechanism_qualifier"] == "agonism"
    assert attr(agonism, "oih:via") == OPIOID and context_of(signalling) == {TEMPORAL: CHRONIC}
    assert len(chain(e2=during(CHRONIC))["message"]["results"]) == 1
    assert chain(e2=during(ACUTE))["message"]["results"] == []
    assert len(chain(e1=during(ACUTE))["message"]["results"]) == 1  # the agonism itself holds acutely too


def test_a_statement_without_a_context_holds_in_every_context(ask):
    for context in (None, ACUTE, CHRONIC, OIH, TOLERANCE):
        edge = {"subject": "k", "object": "n", "predicates": AFFECTS, **({"qualifier_constraints": during(context)} if context else {})}
        answer = ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}}, {"e": edge})
        assert bound(answer, "k") == {KETAMINE}, context
        assert all(context_of(e) == {} for e in bound_edges(answer, "e"))


def test_a_context_is_named_any_way_and_one_the_graph_lacks_or_an_impossible_pair_is_said(ask):
    by_name = receptor_to_signalling(ask, sets([(TEMPORAL, "chronic exposure")]))
    assert bound(by_name, "s") == {SIGNALLING}
    # a context the graph does not know: only what holds in every context holds there, with a warning
    nowhere = ask({"x": {"ids": [KETAMINE, MOR]}, "y": {"ids": [NMDA, SIGNALLING]}},
                  {"e": {"subject": "x", "object": "y", "predicates": AFFECTS, "qualifier_constraints": sets([(DISEASE, "MONDO:0005546")])}})
    assert {(e["subject"], e["object"]) for e in bound_edges(nowhere, "e")} == {(KETAMINE, NMDA)}
    assert any(log["level"] == "WARNING" and "MONDO:0005546" in log["message"] and "no context" in log["message"] for log in nowhere["logs"])
    # acute administration and OIH exclude each other: nothing holds in both, not even a statement of every context
    both = ask({"k": {"ids": [KETAMINE]}, "n": {"ids": [NMDA]}},
               {"e": {"subject": "k", "object": "n", "qualifier_constraints": sets([(TEMPORAL, ACUTE), (DISEASE, OIH)])}})
    assert both["message"]["results"] == [] and any("exclude each other" in log["message"] for log in both["logs"])
    # two qualifier sets are an OR: acutely or under chronic exposure
    either = receptor_to_signalling(ask, sets([(TEMPORAL, ACUTE)], [(TEMPORAL, CHRONIC)]))
    assert bound(either, "s") == {SIGNALLING}


def test_context_and_direction_qualifiers_combine_and_a_context_alone_matches_either_way(ask):
    def opioid_on_nmda(*pairs) -> set[str]:
        return bound(ask({"o": {"ids": [OPIOID]}, "n": {"ids": [NMDA]}},
                         {"e": {"subject": "o", "object": "n", "predicates": AFFECTS, "qualifier_constraints": sets(list(pairs))}}), "o")

    up = ("biolink:object_direction_qualifier", "increased")
    assert opioid_on_nmda(up, (TEMPORAL, CHRONIC)) == set()  # through the glia: said of OIH, not of all chronic use
    assert opioid_on_nmda(up, (TEMPORAL, ACUTE)) == set()
    assert OPIOID in opioid_on_nmda(up, (DISEASE, OIH))
    # a context qualifies the whole statement, so it matches an edge found through the inverse predicate too
    back = ask({"s": {"ids": [SIGNALLING]}, "r": {"ids": [MOR]}},
               {"e": {"subject": "s", "object": "r", "predicates": ["biolink:affected_by"], "qualifier_constraints": during(CHRONIC)}})
    assert [(e["subject"], e["object"]) for e in bound_edges(back, "e")] == [(MOR, SIGNALLING)]
    assert not any("own direction" in log["message"] for log in back["logs"])


def test_what_a_drug_inherits_or_the_reasoner_derives_in_a_context_is_explained_in_that_context(ask):
    answer = ask({"m": {"ids": [MORPHINE]}, "p": {"ids": ["oih:dynorphin_pathway"]}}, {"e": {"subject": "m", "object": "p"}})
    (drives,) = [e for e in bound_edges(answer, "e") if attr(e, "biolink:original_predicate") == "oih:drives_pathway"]
    assert context_of(drives) == {TEMPORAL: CHRONIC} and attr(drives, "biolink:knowledge_level") == "logical_entailment"
    (support,) = attr(drives, "biolink:support_graphs")
    message = answer["message"]
    premises = [message["knowledge_graph"]["edges"][e] for e in message["auxiliary_graphs"][support]["edges"]]
    assert all(context_of(p) in ({}, {TEMPORAL: CHRONIC}) for p in premises)  # each premise holds under chronic exposure
    assert any(p["subject"] == MOR and p["object"] == SIGNALLING and context_of(p) == {TEMPORAL: CHRONIC} for p in premises)
    # the opioid's TLR4 activation holds in OIH: morphine and methadone inherit it there, and not acutely
    for context, wanted in ((None, {MORPHINE, METHADONE}), (OIH, {MORPHINE, METHADONE}), (ACUTE, set()), (TOLERANCE, set())):
        edge = {"subject": "d", "object": "t", "predicates": AFFECTS, **({"qualifier_constraints": during(context)} if context else {})}
        assert bound(ask({"d": {"ids": [MORPHINE, METHADONE]}, "t": {"ids": [TLR4]}}, {"e": edge}), "d") == wanted, context
    # the acute brake is acute: descending inhibition, for the class and its members, only acutely
    brake = ask({"d": {"ids": [OPIOID]}, "i": {"ids": ["oih:descending_inhibition"]}},
                {"e": {"subject": "d", "object": "i", "predicates": AFFECTS}})
    assert bound(brake, "d") == {OPIOID, MORPHINE, METHADONE}
    assert all(context_of(e) == {TEMPORAL: ACUTE} for e in bound_edges(brake, "e"))
    assert ask({"d": {"ids": [OPIOID]}, "i": {"ids": ["oih:descending_inhibition"]}},
               {"e": {"subject": "d", "object": "i", "predicates": AFFECTS, "qualifier_constraints": during(CHRONIC)}})["message"]["results"] == []


def test_context_over_http(http):
    qg = {"nodes": {"r": {"ids": [MOR]}, "s": {"ids": [SIGNALLING]}},
          "edges": {"e": {"subject": "r", "object": "s", "predicates": AFFECTS, "qualifier_constraints": during(CHRONIC)}}}
    chronic = http.post("/trapi/query", json={"message": {"query_graph": qg}})
    assert chronic.status_code == 200
    (edge,) = bound_edges(valid(chronic.json()), "e")
    assert context_of(edge) == {TEMPORAL: CHRONIC}
    qg["edges"]["e"]["qualifier_constraints"] = during(ACUTE)
    acute = http.post("/trapi/query", json={"message": {"query_graph": qg}})
    assert acute.status_code == 200 and valid(acute.json())["message"]["results"] == []
