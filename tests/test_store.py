"""kg.store: the embedded store and a real Oxigraph server answer alike — typed results, one row limit, one selector;
parameters stay data."""

from __future__ import annotations

import shutil

import json

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode

from kg.config import Paths
from kg.store import (Boolean, EmbeddedStore, EndpointError, QueryError, QuerySyntaxError, RemoteStore, ResultTooLarge, Solutions, Triples,
                      WrongQueryForm, open_store)

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
KETAMINE = NamedNode("http://purl.obolibrary.org/obo/CHEBI_6121")


@pytest.fixture(scope="module")
def embedded(repo_paths):
    return EmbeddedStore(repo_paths)


@pytest.fixture(scope="module")
def remote(oxigraph_server, repo_paths):
    return open_store(f"sparql:{oxigraph_server['query']}", graph_store=oxigraph_server["store"], paths=repo_paths)


def test_asserted_and_inferred_live_in_their_named_graphs(embedded):
    assert embedded.graphs() == ["https://w3id.org/oihkg/graph/asserted", "https://w3id.org/oihkg/graph/inferred"]
    c = embedded.counts()
    assert c["asserted"] > 1500 and c["inferred"] > 1000
    assert c["total"] == c["asserted"] + c["inferred"] - _shared(embedded)


def test_the_checksum_fingerprints_the_loaded_artifacts(embedded, remote, repo_paths):
    import hashlib

    from kg.store import artifacts_checksum

    want = hashlib.sha256(artifacts_checksum(repo_paths).encode()).hexdigest()
    assert embedded.checksum() == want and remote.checksum() == want  # the upload records it beside the graphs
    assert "https://w3id.org/oihkg/graph/meta" not in remote.graphs()  # and it stays out of the served dataset


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
    with pytest.raises(EndpointError, match="unreachable"):
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_bad_sparql_raises_a_query_error_on_both(embedded, remote):
    with pytest.raises(QuerySyntaxError, match="error at 1:"):
        embedded.query("SELECT ?x WHERE { ?x ?p }")
    with pytest.raises(QueryError, match="the endpoint refused the query: .*error at 1:"):
        remote.query("SELECT ?x WHERE { ?x ?p }")


def test_a_dataset_graph_that_is_no_iri_is_a_query_error(embedded, remote):
    for store in (embedded, remote):
        with pytest.raises(QueryError, match="is not an IRI"):
            store.query("ASK {}", default_graphs=["not an iri"])


def test_a_bound_variable_outside_the_projection_is_a_query_error(embedded):
    with pytest.raises(QueryError, match="projection"):
        embedded.query(f"SELECT ?l WHERE {{ ?x <{LABEL}> ?l }}", {"x": KETAMINE})


@pytest.mark.parametrize(("text", "kind"), [
    (f"SELECT ?l WHERE {{ <{KETAMINE.value}> <{LABEL}> ?l }}", Solutions),
    (f"ASK {{ <{KETAMINE.value}> <{LABEL}> 'ketamine' }}", Boolean),
    (f"CONSTRUCT {{ <{KETAMINE.value}> <{LABEL}> ?l }} WHERE {{ <{KETAMINE.value}> <{LABEL}> ?l }}", Triples),
    (f"DESCRIBE <{KETAMINE.value}>", Triples),
    # the form is not guessed from the text: a comment naming another form, and lower case, change nothing
    (f"# CONSTRUCT\nask {{ <{KETAMINE.value}> <{LABEL}> 'ketamine' }}", Boolean),
])
def test_query_result_type_says_the_form_on_both_backends(embedded, remote, text, kind):
    here, there = embedded.query(text), remote.query(text)
    assert type(here) is kind and type(there) is kind
    if kind is Solutions:
        assert here.variables == there.variables == ("l",) and here.rows == there.rows
    elif kind is Boolean:
        assert here.value is there.value is True
    else:  # blank nodes are named apart by each backend: compare the rest, and the counts
        ground = lambda ts: {t for t in ts if not isinstance(t.subject, BlankNode) and not isinstance(t.object, BlankNode)}  # noqa: E731
        assert ground(here) == ground(there) and len(here) == len(there) > 0


def test_row_limit_applies_on_both_backends(embedded, remote):
    for store in (embedded, remote):
        assert len(store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 10", limit=10)) == 10
        with pytest.raises(ResultTooLarge, match="more than 10 rows"):
            store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 11", limit=10)
        with pytest.raises(ResultTooLarge, match="more than 10 triples"):
            store.query("CONSTRUCT WHERE { ?s ?p ?o }", limit=10)
        assert store.query("ASK { ?s ?p ?o }", limit=0).value is True  # a boolean has no rows to count


def test_results_serialize_in_every_protocol_format(embedded):
    rows = embedded.query(f"SELECT ?x ?l WHERE {{ ?x <{LABEL}> ?l }}", {"x": KETAMINE})
    assert b'"value":"ketamine"' in rows.serialize("application/sparql-results+json")
    assert b"<literal>ketamine</literal>" in rows.serialize("application/sparql-results+xml")
    assert rows.serialize("text/csv").splitlines()[0] == b"x,l"
    assert b'"ketamine"' in rows.serialize("text/tab-separated-values")
    graph = embedded.query(f"DESCRIBE <{KETAMINE.value}>")
    assert b"CHEBI:6121" in graph.serialize("text/turtle") and b"@prefix CHEBI:" in graph.serialize("text/turtle")
    assert b'"@id":"http://purl.obolibrary.org/obo/CHEBI_6121"' in graph.serialize("application/ld+json")


def test_convenience_calls_refuse_another_form(embedded):
    with pytest.raises(WrongQueryForm):
        embedded.select("ASK { ?s ?p ?o }")
    with pytest.raises(WrongQueryForm):
        embedded.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_one_selector_opens_each_backend(repo_paths, tmp_path, oxigraph_server, remote):
    assert isinstance(open_store("oxigraph:memory", repo_paths), EmbeddedStore)
    on_disk = open_store(f"oxigraph:{tmp_path / 'db'}", repo_paths)
    assert on_disk.selector == f"oxigraph:{tmp_path / 'db'}" and on_disk.count() > 1000
    remote = open_store(f"sparql:{oxigraph_server['query']}")
    assert isinstance(remote, RemoteStore) and remote.count() > 1000
    for bad in ("memory", "oxigraph:", "sparql:ftp://x", "fuseki:http://x"):
        with pytest.raises(ValueError, match="unknown store selector"):
            open_store(bad)


def test_failures_cross_the_worker_boundary_typed_and_without_their_traceback(embedded):
    """A worker pickles the exception on its own thread: the type and message travel, no frame holding pyoxigraph's
    iterator reaches the queue's thread (pyoxigraph objects must be freed on the thread that made them)."""
    import pickle

    from kg.endpoint.workers import QueryFailed, pickle_error

    try:
        embedded.query("SELECT * WHERE { ?s ?p ?o }", limit=3)
    except ResultTooLarge as exc:
        data = pickle_error(exc)
    back = pickle.loads(data)
    assert type(back) is ResultTooLarge and "more than 3 rows" in str(back) and back.__traceback__ is None

    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("no")

    assert type(pickle.loads(pickle_error(Unpicklable("x")))) is QueryFailed


# -- what RemoteStore smooths over (Virtuoso's ways; the real Virtuoso runs in test_virtuoso.py and the parametrised tests)

VIRTUOSO_JSON = (b'{ "head": { "link": [], "vars": ["s", "l"] },\n  "results": { "bindings": [\n'
                 b'    { "s": { "type": "bnode", "value": "nodeID://b10172" }\t, '
                 b'"l": { "type": "literal", "value": "\\"type\\": \\"bnode\\", \\"value\\": \\"nodeID://kept" }} ] } }')


@pytest.mark.parametrize("cut", range(1, len(VIRTUOSO_JSON), 7))
def test_virtuoso_blank_node_labels_are_read_wherever_the_chunks_split(cut):
    import httpx
    import pyoxigraph as ox

    from kg.store import ResponseReader

    resp = httpx.Response(200, content=iter([VIRTUOSO_JSON[:cut], VIRTUOSO_JSON[cut:]]))
    rows = list(ox.parse_query_results(ResponseReader(resp), format=ox.QueryResultsFormat.JSON))
    assert rows[0]["s"] == BlankNode("b10172")
    assert rows[0]["l"].value == '"type": "bnode", "value": "nodeID://kept'  # a literal that looks like one is left alone


def test_boolean_columns_are_only_those_bound_to_tests_alone():
    from kg.store import boolean_columns

    q = ("SELECT ?a ?b ?c ?d ?n WHERE { { BIND(true AS ?a) BIND(1 AS ?b) } UNION { BIND(false AS ?a) BIND(false AS ?b) } "
         "BIND(?x = 1 || ?y AS ?c) BIND(COALESCE(?x, false) AS ?d) ?s <urn:p> ?n }")
    assert boolean_columns(q) == {"a", "c"}  # ?b is an integer on one side; COALESCE may give anything; ?n is data
    assert boolean_columns("NOT SPARQL") == frozenset()
    arithmetic = "SELECT ?x (?x - 1 AS ?n) (?x * 2 AS ?m) WHERE { ?s ?p ?x BIND(?x + 0 AS ?k) }"
    assert boolean_columns(arithmetic) == frozenset()  # + - * / make numbers, not tests
    data_too = "SELECT ?b WHERE { { VALUES ?b { 0 1 } } UNION { BIND(true AS ?b) } UNION { ?s <urn:p> ?b } }"
    assert boolean_columns(data_too) == frozenset()  # bound to data elsewhere: its 1 may be a number


def test_bindings_open_the_outer_where_group_whatever_the_text_around():
    from kg.store import bind_values

    x = {"x": NamedNode("urn:a")}
    q = "PREFIX w: <urn:where> SELECT ?x # where {\nWHERE { ?x w:p 'WHERE {' . { SELECT ?x WHERE { ?x ?p ?o } } } LIMIT 1"
    bound = bind_values(q, x)
    assert bound.count("VALUES") == 1 and bound.index("VALUES") == q.index("WHERE {", q.index("\n")) + len("WHERE {") + 1
    assert bind_values("ASK { ?x ?p ?o }", x).endswith("VALUES (?x) { (<urn:a>) }")  # no WHERE keyword: a trailing block
    inner = "SELECT ?x ?p { ?x ?q ?r { SELECT ?p WHERE { ?p ?a ?b } } }"  # the first WHERE is a subquery's: not there
    assert bind_values(inner, x) == inner + "\nVALUES (?x) { (<urn:a>) }"
    short = "CONSTRUCT WHERE { ?x ?p ?o }"  # that group is the template too
    assert bind_values(short, x) == short + "\nVALUES (?x) { (<urn:a>) }"
    assert "WHERE { VALUES" in bind_values("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", x)
    with pytest.raises(QueryError, match="assigned in the query"):
        bind_values("SELECT ?x WHERE { BIND(<urn:b> AS ?x) }", x)


@pytest.mark.parametrize("query", [
    "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s LIMIT 40",
    'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("a\\nb"@en UNDEF) (UNDEF "c\\td") (<urn:x> 1.5) } }',
    "SELECT * WHERE { }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(false) }",
])
@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values"])
def test_the_endpoints_rust_serialisation_gives_the_rows_the_general_path_gives(embedded, query, media):
    """EmbeddedStore.answer writes SELECT rows in Rust (TSV, then the chosen format); Store.answer builds Python rows.
    Both must carry the same solutions, in order."""
    import pyoxigraph as ox

    from kg.store import Store

    fast = embedded.answer(query, lambda offered: media)
    general = Store.answer(embedded, query, lambda offered: media)
    assert fast[:2] == general[:2] == ("solutions", media)
    fmt = ox.QueryResultsFormat.from_media_type(media)
    if fmt == ox.QueryResultsFormat.CSV:  # CSV keeps no term types: compare the text
        assert fast[2].replace(b"\r\n", b"\n") == general[2].replace(b"\r\n", b"\n")
        return
    fast_rows, general_rows = ([[str(term) for term in solution] for solution in ox.parse_query_results(body, fmt)]
                               for body in (fast[2], general[2]))
    assert fast_rows == general_rows


def test_the_rust_serialisation_keeps_the_row_limit_exactly(embedded):
    q = "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 30"
    kind, media, body = embedded.answer(q, lambda offered: "text/tab-separated-values", limit=30)
    assert body.count(b"\n") == 31  # the header and 30 rows: at the limit is allowed
    with pytest.raises(ResultTooLarge, match="more than 29 rows"):
        embedded.answer(q, lambda offered: offered[0], limit=29)
    with pytest.raises(QuerySyntaxError):
        embedded.answer("SELECT WHERE {", lambda offered: offered[0])


def test_the_endpoint_answers_ask_and_graphs_in_one_run_with_their_limit(embedded):
    ket = "<http://purl.obolibrary.org/obo/CHEBI_6121>"
    kind, media, body = embedded.answer(f"ASK {{ {ket} ?p ?o }}", lambda offered: "application/sparql-results+json")
    assert (kind, media) == ("boolean", "application/sparql-results+json") and b"true" in body
    kind, media, body = embedded.answer(f"CONSTRUCT {{ {ket} ?p ?o }} WHERE {{ {ket} ?p ?o }}",
                                        lambda offered: "application/n-triples", limit=100)
    assert kind == "graph" and body.count(b"\n") > 3
    with pytest.raises(ResultTooLarge, match="more than 3 triples"):
        embedded.answer(f"CONSTRUCT {{ {ket} ?p ?o }} WHERE {{ {ket} ?p ?o }}", lambda offered: offered[0], limit=3)


@pytest.mark.parametrize("tail, rows", [
    ("LIMIT 3", 3),  # its own limit within the server's: written once, in the chosen format
    ("OFFSET 2 LIMIT 3", 3),
    ("LIMIT 4", None),  # over the server's limit: counted, and refused
    ("\n# LIMIT 3", None),  # a limit in a comment is none
    ("", None),
])
def test_a_query_s_own_limit_never_lifts_the_row_limit(embedded, tail, rows):
    from kg.store import ResultTooLarge

    query = "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } " + tail
    ask = lambda: embedded.answer(query, lambda offered: "application/sparql-results+json", limit=3)  # noqa: E731
    if rows is None:
        with pytest.raises(ResultTooLarge, match="more than 3 rows"):
            ask()
    else:
        kind, media, body = ask()
        assert (kind, media, len(json.loads(body)["results"]["bindings"])) == ("solutions", "application/sparql-results+json", rows)
