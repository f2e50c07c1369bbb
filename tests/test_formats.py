"""Formats other tools read, read back with the consuming library: TRAPI refusals with reasoner-pydantic, the CX2
export with ndex2 (against the KGX export), and the two ontology files with py-horned-owl and rdflib."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict

import networkx as nx
import pyhornedowl
import pytest
import rdflib
from pyhornedowl import model
from rdflib.compare import isomorphic
from reasoner_pydantic import Response

from kg.compile import build
from kg.config import Paths
from kg.outputs.export import KGX_EDGE_COLUMNS, KGX_NODE_COLUMNS

KETAMINE, METHADONE, MORPHINE, MINOCYCLINE, MOR = "CHEBI:6121", "CHEBI:6807", "CHEBI:17303", "CHEBI:50694", "HGNC:8156"
NMDA, TLR4, TNF, IL1B, BDNF = "GO:0017146", "HGNC:11850", "HGNC:11892", "HGNC:5992", "HGNC:1033"
HYPERALGESIA, OPIOID = "oih:hyperalgesia", "oih:opioid"


# -- TRAPI: every refusal is a TRAPI Response


def _qg(nodes: dict, edges: dict | None = None, paths: dict | None = None) -> dict:
    return {"nodes": nodes, **({"paths": paths} if paths is not None else {}), **({"edges": edges} if edges is not None else {})}


def _path(subject: str = "s", object: str = "o", **extra) -> dict:
    return {"p": {"subject": subject, "object": object, **extra}}


PINNED = {"s": {"ids": [OPIOID]}, "o": {"ids": [HYPERALGESIA]}}
DEEP: dict = {}
for _ in range(100):
    DEEP = {"x": DEEP}

#: (what is sent, status, TRAPI status code, whether the query graph is echoed: valid TRAPI, nested no deeper than MAX_DEPTH)
REFUSALS = {
    "empty ids": ({"message": {"query_graph": _qg({"a": {"ids": []}}, {})}}, 400, "InvalidQuery", False),
    "ids not a list": ({"message": {"query_graph": _qg({"a": {"ids": KETAMINE}}, {})}}, 400, "InvalidQuery", False),
    "node nested too deep": ({"message": {"query_graph": _qg({"a": {"ids": [KETAMINE], "deep": DEEP}}, {})}}, 400,
                             "InvalidQuery", False),
    "body not an object": ([], 400, "InvalidRequest", False),
    "no query graph": ({"message": {}}, 400, "QueryGraphMissing", False),
    "edge end not a node": ({"message": {"query_graph": _qg({"a": {}}, {"e": {"subject": "a", "object": "b"}})}}, 400,
                            "QueryNotTraversable", True),
    "unknown category": ({"message": {"query_graph": _qg({"a": {"categories": ["biolink:Unicorn"]}}, {})}}, 400,
                         "UnsupportedCategory", True),
    "unknown constraint": ({"message": {"query_graph": _qg({"a": {"ids": [KETAMINE], "constraints": [
        {"id": "biolink:unicorn_horn", "name": "horn", "operator": "==", "value": 1}]}}, {})}}, 400, "UnsupportedConstraint", True),
    "too many ids": ({"message": {"query_graph": _qg({"a": {"ids": [f"CHEBI:{i}" for i in range(1001)]}}, {})}}, 413,
                     "BatchSizeExceeded", True),
    "too many edges": ({"message": {"query_graph": _qg({f"n{i}": {} for i in range(12)},
                                                       {f"e{i}": {"subject": f"n{i}", "object": f"n{i + 1}"} for i in range(11)})}},
                       413, "QueryTooLarge", True),
    "workflow not supported": ({"message": {"query_graph": _qg({"a": {"ids": [KETAMINE]}}, {})}, "workflow": [{"id": "fill"}]},
                               501, "UnsupportedOperation", True),
    "pathfinder end unpinned": ({"message": {"query_graph": _qg({"s": {"ids": [OPIOID]}, "o": {"categories": ["biolink:Disease"]}},
                                                                paths=_path())}}, 400, "QueryNotTraversable", True),
    "pathfinder end not a node": ({"message": {"query_graph": _qg(PINNED, paths=_path(object="x"))}}, 400,
                                  "QueryNotTraversable", True),
    "pathfinder two paths": ({"message": {"query_graph": _qg(PINNED, paths={**_path(), "q": {"subject": "o", "object": "s"}})}},
                             400, "QueryNotTraversable", True),
    "pathfinder paths and edges": ({"message": {"query_graph": _qg(PINNED, {"e": {"subject": "s", "object": "o"}}, _path())}},
                                   400, "QueryNotTraversable", True),
    "pathfinder unknown predicate": ({"message": {"query_graph": _qg(PINNED, paths=_path(predicates=["biolink:cures"]))}}, 400,
                                     "UnsupportedPredicate", True),
    "pathfinder unknown category": ({"message": {"query_graph": _qg(PINNED, paths=_path(
        constraints=[{"intermediate_categories": ["biolink:Unicorn"]}]))}}, 400, "UnsupportedCategory", True),
    "pathfinder too many pairs": ({"message": {"query_graph": _qg(
        {"s": {"ids": [KETAMINE, METHADONE, MORPHINE, MINOCYCLINE, MOR]}, "o": {"ids": [HYPERALGESIA, NMDA, TLR4, TNF, IL1B, BDNF]}},
        paths=_path())}}, 413, "QueryTooLarge", True),
    "pathfinder workflow not supported": ({"message": {"query_graph": _qg(PINNED, paths=_path())}, "workflow": [{"id": "fill"}]},
                                          501, "UnsupportedOperation", True),
}


@pytest.mark.parametrize("case", list(REFUSALS) + ["not JSON", "over the body limit"])
def test_every_trapi_refusal_is_a_valid_trapi_response(http, case):
    if case == "not JSON":
        body, status, code, echoed = None, 400, "InvalidJSON", False
        r = http.post("/trapi/query", content=b'{"message": {', headers={"content-type": "application/json"})
    elif case == "over the body limit":  # refused by the server's body limit, before the route
        body, status, code, echoed = None, 413, "QueryTooLarge", False
        r = http.post("/trapi/query", content=b'{"message": "' + b"x" * 1_100_000 + b'"}',
                      headers={"content-type": "application/json"})
    else:
        body, status, code, echoed = REFUSALS[case]
        r = http.post("/trapi/query", json=body)
    assert (r.status_code, r.json()["status"]) == (status, code), r.text[:300]
    answer = r.json()
    Response.model_validate(answer)  # what a TRAPI client reads it with
    assert answer["logs"][0]["level"] == "ERROR" and answer["logs"][0]["code"] == code and answer["description"]
    sent = body["message"]["query_graph"] if echoed else None
    if sent is not None and "paths" in sent:  # a path is echoed as read: constraints null where it named none
        sent = {**sent, "paths": {k: {"constraints": None, **p} for k, p in sent["paths"].items()}}
    assert answer["message"]["query_graph"] == sent


# -- CX2 carries what KGX carries


def _kgx(kg) -> tuple[list[dict], list[dict], list[dict]]:
    z = zipfile.ZipFile(io.BytesIO(kg.export("kgx")))
    return tuple(list(csv.DictReader(io.StringIO(z.read(f).decode()), delimiter="\t"))
                 for f in ("nodes.tsv", "edges.tsv", "support_graphs.tsv"))


def test_cx2_read_by_ndex2_holds_the_kgx_nodes_and_edges_with_their_columns(kg):
    from ndex2.cx2 import CX2Network, RawCX2NetworkFactory

    nodes, edges, support = _kgx(kg)
    net = RawCX2NetworkFactory().get_cx2network(json.loads(kg.export("cx2")))
    assert isinstance(net, CX2Network)
    cx_nodes = {n["v"]["name"]: n["v"] for n in net.get_nodes().values()}
    name = {i: n["v"]["name"] for i, n in net.get_nodes().items()}
    assert set(cx_nodes) == {n["id"] for n in nodes} and len(cx_nodes) == len(net.get_nodes())
    for n in nodes:
        v = cx_nodes[n["id"]]
        assert {c: v["label"] if c == "name" else v[c] for c in KGX_NODE_COLUMNS if c != "id"} == \
            {c: n[c] for c in KGX_NODE_COLUMNS if c != "id"}, n["id"]
    cx_edges = {e["v"]["edge_id"]: {**e["v"], "subject": name[e["s"]], "object": name[e["t"]]} for e in net.get_edges().values()}
    assert len(cx_edges) == len(net.get_edges()) == len(edges)
    premises = defaultdict(set)
    for row in support:
        premises[row["edge"]].add(row["support_graph"])
    for e in edges:
        v = cx_edges[e["id"]]
        said = {c: (str(v[c]) if v[c] else "") if c == "sign" else v[c] for c in KGX_EDGE_COLUMNS if c != "id"}
        assert said == {c: e[c] for c in KGX_EDGE_COLUMNS if c != "id"}, e["id"]
        assert set(filter(None, v["premise_of"].split("|"))) == premises[e["id"]]
        assert v["inferred"] is (e["knowledge_level"] == "logical_entailment")
    members = [e for e in edges if e["original_predicate"] == "oih:part_of_pathway"]
    assert members and all(cx_edges[e["id"]]["predicate"] == "biolink:has_participant" for e in members)
    dynorphin = [e["object"] for e in members if e["subject"] == "oih:dynorphin_pathway"]
    assert dynorphin and "oih:dynorphin_pathway" in cx_nodes


def test_graphml_and_cytoscape_json_hold_the_kgx_edges_by_id(kg):
    _, edges, _ = _kgx(kg)
    ids = {e["id"]: (e["subject"], e["object"]) for e in edges}
    graphml = nx.read_graphml(io.BytesIO(kg.export("graphml")), force_multigraph=True)
    cyjs = nx.cytoscape_graph(json.loads(kg.export("cytoscape")))
    for g in (graphml, cyjs):
        assert {k: (u, v) for u, v, k in g.edges(keys=True)} == ids


# -- the ontology: oih.owl and oih.ttl hold the same graph


def _annotated(path) -> dict[str, frozenset[str]]:
    onto = pyhornedowl.open_ontology(str(path), "rdf" if path.suffix == ".owl" else None)
    out: dict[str, frozenset[str]] = {}
    for a in onto.get_axioms():
        if a.ann:
            out[str(a.component)] = out.get(str(a.component), frozenset()) | frozenset(map(str, a.ann))
    return out


def test_owl_and_turtle_hold_the_same_annotated_axioms_and_the_same_graph(repo_paths, seed, tmp_path):
    fresh = Paths(src=repo_paths.src, out=tmp_path)
    build(fresh, seed)
    for paths in (repo_paths, fresh):
        owl, ttl = _annotated(paths.owl), _annotated(paths.ttl)
        assert owl == ttl, sorted(set(ttl.items()) ^ set(owl.items()))[:3]
        onto = pyhornedowl.open_ontology(str(paths.owl), "rdf")
        on_values = [a for a in onto.get_axioms() if a.ann and isinstance(a.component, model.SubClassOf)
                     and isinstance(a.component.sup, model.ObjectHasValue)]  # a drug class's statements
        assert on_values and all(any("/quote>" in str(x) for x in a.ann) for a in on_values)
        assert isomorphic(rdflib.Graph().parse(paths.owl, format="xml"), rdflib.Graph().parse(paths.ttl, format="turtle"))


def test_the_rdfxml_writer_keeps_shared_blank_nodes_lists_and_odd_literals():
    from kg.compile.rdfxml import rdfxml

    g = rdflib.Graph().parse(data='''
        @prefix ex: <https://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ex:A ex:same _:r ; ex:chain ( ex:p ex:q ) ; ex:words ( "one" "two"@en ) ; ex:note "a\\r\\nb <&> \\"c\\"" .
        _:r a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom [ owl:intersectionOf ( ex:B [ a owl:Class ] ) ] .
        [] a owl:Axiom ; owl:annotatedSource ex:A ; owl:annotatedTarget _:r .
        _:x ex:next _:y . _:y ex:next _:x .
        ''', format="turtle")
    xml = rdfxml(g, {"ex": "https://example.org/", "owl": str(rdflib.OWL)})
    assert xml == rdfxml(g, {"ex": "https://example.org/", "owl": str(rdflib.OWL)})
    assert xml.count(b"<owl:Restriction") == 1
    back = rdflib.Graph().parse(data=xml, format="xml")
    assert isomorphic(g, back) and len(back) == len(g)
