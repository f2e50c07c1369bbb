"""kg.store: the embedded store and a real Oxigraph server answer alike; parameters stay data."""

from __future__ import annotations

import shutil

import pytest
from pyoxigraph import Literal, NamedNode

from kg.config import Paths
from kg.store import EmbeddedStore, RemoteStore, StoreError, open_store

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
KETAMINE = NamedNode("http://purl.obolibrary.org/obo/CHEBI_6121")


@pytest.fixture(scope="module")
def embedded(repo_paths):
    return EmbeddedStore(repo_paths)


@pytest.fixture(scope="module")
def remote(oxigraph_server, repo_paths):
    return open_store(endpoint=oxigraph_server["query"], graph_store=oxigraph_server["store"], paths=repo_paths)


def test_asserted_and_inferred_live_in_their_named_graphs(embedded):
    assert embedded.graphs() == ["https://w3id.org/oihkg/graph/asserted", "https://w3id.org/oihkg/graph/inferred"]
    c = embedded.counts()
    assert c["asserted"] > 1500 and c["inferred"] > 1000
    assert c["total"] == c["asserted"] + c["inferred"] - _shared(embedded)


def _shared(store) -> int:
    q = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/oihkg/graph/asserted> { ?s ?p ?o } "
         "GRAPH <https://w3id.org/oihkg/graph/inferred> { ?s ?p ?o } }")
    return int(store.select(q)[0]["n"].value)


def test_remote_store_holds_the_same_graphs(embedded, remote):
    assert remote.counts() == embedded.counts()


def test_parameters_bind_as_terms(embedded, remote):
    q = f"SELECT ?x ?label WHERE {{ ?x <{LABEL}> ?label }}"
    for store in (embedded, remote):
        assert [r["label"].value for r in store.select(q, {"x": KETAMINE})] == ["ketamine"]


def test_injection_in_a_parameter_is_inert(embedded, remote):
    evil = Literal('ketamine" } UNION { ?x ?p ?label } #')
    q = f"SELECT ?x ?label WHERE {{ ?x <{LABEL}> ?label }}"
    for store in (embedded, remote):
        assert store.select(q, {"label": evil}) == []
        assert store.ask(f"ASK {{ ?x <{LABEL}> ?label }}", {"label": Literal("ketamine")}) is True
    assert remote.counts() == embedded.counts()


def test_construct_and_ask(embedded, remote):
    q = f"CONSTRUCT {{ ?x <{LABEL}> ?l }} WHERE {{ ?x <{LABEL}> ?l }}"
    for store in (embedded, remote):
        triples = store.construct(q, {"x": KETAMINE})
        assert [t.object.value for t in triples] == ["ketamine"]


def test_stale_on_disk_store_is_reloaded(repo_paths, tmp_path):
    paths = Paths(src=repo_paths.src, out=tmp_path / "ontology")
    paths.out.mkdir()
    for f in (repo_paths.ttl, repo_paths.inferred):
        shutil.copy(f, paths.out / f.name)
    first = EmbeddedStore(paths, tmp_path / "db")
    assert first.reloaded
    first.close()
    again = EmbeddedStore(paths, tmp_path / "db")
    assert not again.reloaded, "a current store is reopened without reloading"
    again.close()
    text = paths.ttl.read_text(encoding="utf-8")
    paths.ttl.write_text(text.replace('rdfs:label "ketamine"', 'rdfs:label "ketamine (edited)"'), encoding="utf-8")
    edited = EmbeddedStore(paths, tmp_path / "db")
    assert edited.reloaded, "an edited artifact forces a reload"
    labels = edited.select(f"SELECT ?x ?l WHERE {{ ?x <{LABEL}> ?l }}", {"x": KETAMINE})
    assert [r["l"].value for r in labels] == ["ketamine (edited)"]


def test_unreachable_endpoint_is_a_clear_error():
    store = RemoteStore("http://127.0.0.1:9/query", timeout=2)
    with pytest.raises(StoreError, match="unreachable"):
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_bad_sparql_raises_syntax_error_on_both(embedded, remote):
    for store in (embedded, remote):
        with pytest.raises(SyntaxError):
            store.select("SELECT ?x WHERE { ?x ?p }")
