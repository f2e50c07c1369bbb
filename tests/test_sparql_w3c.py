"""SPARQL as the standard says, through /sparql on the embedded store and behind ``--endpoint`` (a real Oxigraph
server, a real Virtuoso): the W3C SPARQL 1.0 and 1.1 query syntax suites (tests/w3c/, read from their manifests with
rdflib), the query's own dataset (FROM), relative IRIs read against the request's URL, the empty prefix, the generic
``Accept`` types, and SERVICE refused by the command line as by the server."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app

W3C = Path(__file__).parent / "w3c"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
#: The suites run, each a list of manifests.
SUITES = {"sparql10": [W3C / "sparql10" / "manifest-syntax.ttl"],
          "sparql11": [W3C / "sparql11" / "syntax-query" / "manifest.ttl", W3C / "sparql11" / "syntax-fed" / "manifest.ttl"]}
#: Positive tests refused by design on every backend: this server makes no outbound request on a client's behalf.
SERVICE = {f"sparql11/syntax-fed/syntax-service-0{i}.rq" for i in (1, 2, 3)}
#: Positive tests refused by design behind ``--endpoint`` only (:func:`kg.endpoint.protocol.check_extensions`): a function called
#: by IRI that is no XSD cast may be the endpoint's own (Virtuoso's ``bif:http_get`` fetches a URL), and ``\u``
#: escapes could make the endpoint read another query than the one checked. The embedded store answers them (an
#: unknown function is an error where it is called, as SPARQL evaluates it).
NOT_PASSED_ON = {f"sparql10/syntax-sparql1/{n}.rq" for n in ("syntax-expr-05", "syntax-order-05", "syntax-order-06")} | {
    f"sparql10/syntax-sparql2/syntax-{n}.rq" for n in ("function-01", "function-02", "function-03", "function-04",
                                                       "esc-04", "esc-05")} | {
    f"sparql11/syntax-query/{n}.rq" for n in ("syntax-select-expr-04", "syn-codepoint-escape-01",
                                              "1val1STRING_LITERAL1_with_UTF8_boundaries_escaped")}
#: Positive tests Virtuoso 7 itself refuses (each checked first as standard SPARQL, then sent on): its answer is kept,
#: 400 when its parser refuses the query, 502 when it fails running it.
VIRTUOSO = {
    **{f"sparql10/{n}.rq": 400 for n in (  # a ';' before OPTIONAL, FILTER or '.': "not in SPARQL-BI"
        "syntax-sparql1/syntax-struct-11", "syntax-sparql1/syntax-struct-12", "syntax-sparql3/syn-07",
        "syntax-sparql3/syn-08")},
    **{f"sparql11/syntax-query/{n}.rq": 400 for n in (  # escapes, '%' or ':' in a local name; a path in a collection
        "qname-escape-02", "qname-escape-03", "syn-pname-04", "syn-pname-05", "syn-pname-06", "syn-pname-07",
        "syn-pname-09", "syn-pp-in-collection")},
    **{f"sparql11/syntax-query/{n}.rq": 502 for n in (  # GROUP_CONCAT without SEPARATOR; VALUES after an empty group
        "syntax-aggregate-13", "syntax-aggregate-14", "syntax-bindings-03a", "syntax-bindings-05a")},
}
#: The negative test pyoxigraph's parser takes (so the embedded store, and the check of a query sent on, answer it):
#: ``?x<?a&&?b>?y`` is read as two comparisons where the SPARQL tokenizer's longest match makes ``<?a&&?b>`` an IRI.
#: Oxigraph's own run of this suite leaves it out ("tokenizer"); Virtuoso's tokenizer refuses it.
TOKENIZER = "sparql10/syntax-sparql3/syn-bad-26.rq"
ASSERTED = "https://w3id.org/oihkg/graph/asserted"
INFERRED = "https://w3id.org/oihkg/graph/inferred"
#: An empty dataset, so a syntax test's answer is small (no result limit met) whatever it asks.
EMPTY = {"default-graph-uri": "http://example.org/empty", "named-graph-uri": "http://example.org/empty"}


def syntax_tests(manifest: Path) -> list[tuple[str, bool, str]]:
    """The syntax tests of a W3C manifest and of those it includes: ``(name, positive, query text)``, the name being
    the query file's path under tests/w3c/."""
    graph = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    found = []
    for m in graph.subjects(rdflib.RDF.type, MF.Manifest):
        for included in graph.objects(m, MF.include):
            for child in Collection(graph, included):
                found += syntax_tests(Path(unquote(urlsplit(child).path)))
        for entries in graph.objects(m, MF.entries):
            for test in Collection(graph, entries):
                kind = graph.value(test, rdflib.RDF.type).split("#")[1]
                path = Path(unquote(urlsplit(graph.value(test, MF.action)).path))
                found.append((path.relative_to(W3C.resolve()).as_posix(), kind.startswith("Positive"),
                              path.read_text(encoding="utf-8")))
    return found


@pytest.fixture(scope="module", params=["embedded", "oxigraph", "virtuoso"])
def backend(request):
    """The backend's name and a client of a real ``oihkg serve`` on it: the embedded store, then behind
    ``--endpoint`` a real Oxigraph server and a real Virtuoso."""
    base = request.getfixturevalue({"embedded": "api_server", "oxigraph": "remote_api_server",
                                    "virtuoso": "virtuoso_api_server"}[request.param])
    with httpx.Client(base_url=base, timeout=30) as client:
        yield request.param, client


def _sparql(client: httpx.Client, query: str, accept: str | None = None, **params) -> httpx.Response:
    """POST the query directly (``application/sparql-query``), the protocol's parameters in the URL."""
    headers = {"Content-Type": "application/sparql-query", **({"Accept": accept} if accept else {})}
    return client.post("/sparql", content=query.encode("utf-8"), params=params, headers=headers)


def _count(client: httpx.Client, query: str, **params) -> int:
    """The ``?n`` of a one-row count query."""
    r = _sparql(client, query, "application/sparql-results+json", **params)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- the W3C syntax suites


def test_the_manifests_name_every_copied_query_and_every_listed_test():
    """tests/w3c/ holds the queries its manifests name and no other, and each test listed apart above is one of them."""
    tests = {s: [t for m in manifests for t in syntax_tests(m)] for s, manifests in SUITES.items()}
    counts = {s: (sum(p for _, p, _ in t), sum(not p for _, p, _ in t)) for s, t in tests.items()}
    assert counts == {"sparql10": (149, 50), "sparql11": (66, 31)}
    named = {name for t in tests.values() for name, _, _ in t}
    assert {p.relative_to(W3C).as_posix() for p in W3C.rglob("*.rq")} == named
    assert SERVICE | NOT_PASSED_ON | set(VIRTUOSO) | {TOKENIZER} <= named


def _expected(test: str, positive: bool, backend: str) -> int:
    """The status a syntax test gets on a backend: 200 answered, 400 refused, 502 the endpoint's own failure."""
    if test in SERVICE or (backend != "embedded" and test in NOT_PASSED_ON):
        return 400
    if backend == "virtuoso" and test in VIRTUOSO:
        return VIRTUOSO[test]
    if test == TOKENIZER:
        return 400 if backend == "virtuoso" else 200
    return 200 if positive else 400


@pytest.mark.parametrize("suite", SUITES)
def test_the_w3c_syntax_suite_is_answered_or_refused_as_the_standard_says(backend, suite):
    """Every positive syntax test is answered and every negative one refused with 400 and a short sentence, none is a
    server error; the refusals by design (SERVICE; behind an endpoint, functions by IRI and escapes), the endpoint's
    own refusals (Virtuoso) and the tokenizer case are listed above, each one expected exactly."""
    name, client = backend
    outcomes, wrong = {}, []
    for test, positive, query in (t for m in SUITES[suite] for t in syntax_tests(m)):
        r = _sparql(client, query, **EMPTY)
        detail = r.json().get("detail", "") if r.status_code != 200 else ""
        outcomes[test] = (positive, r.status_code)
        said = {"refused by design": "is refused: no outbound request" in detail if test in SERVICE else True,
                "not passed on": "not passed on" in detail if test in NOT_PASSED_ON and name != "embedded" else True,
                "a short sentence": r.status_code == 200 or 0 < len(detail) <= 2000}
        if r.status_code != _expected(test, positive, name) or not all(said.values()):
            wrong.append(f"{test}: {'positive' if positive else 'negative'} → {r.status_code} {detail[:300]} "
                         f"{[k for k, v in said.items() if not v] or ''}")
    positives = [t for t, (p, _) in outcomes.items() if p]
    print(f"\n{name} {suite}: {sum(outcomes[t][1] == 200 for t in positives)}/{len(positives)} positive answered, "
          f"{sum(s == 400 for p, s in outcomes.values() if not p)}/{len(outcomes) - len(positives)} negative refused")
    assert not wrong, "\n".join(wrong)
    assert not any(s >= 500 and s != 502 for _, s in outcomes.values())


# ---------------------------------------------------------------- the query's own dataset


def test_a_querys_own_dataset_holds_when_the_request_names_none(backend):
    """SPARQL 1.1 Protocol §2.1.4: the request's default-graph-uri / named-graph-uri, when given, else the query's own
    FROM / FROM NAMED, else the served graphs."""
    _, client = backend
    total = _count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    asserted = _count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": ASSERTED})
    assert 0 < asserted < total
    assert _count(client, "SELECT (COUNT(*) AS ?n) FROM <http://nowhere/x> WHERE { ?s ?p ?o }") == 0
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM <{ASSERTED}> WHERE {{ ?s ?p ?o }}") == asserted
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM <{INFERRED}> FROM <{ASSERTED}> WHERE {{ ?s ?p ?o }}") == total
    # FROM NAMED alone: GRAPH reaches the graphs it names, and those only
    named = _sparql(client, f"SELECT DISTINCT ?g FROM NAMED <{INFERRED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                    "application/sparql-results+json")
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [INFERRED]
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{INFERRED}> WHERE {{ ?s ?p ?o }}") == 0  # no FROM: empty
    ask = _sparql(client, "ASK FROM <http://nowhere/x> { ?s ?p ?o }", "application/sparql-results+json")
    assert ask.json()["boolean"] is False
    # the request's dataset comes first
    assert _count(client, "SELECT (COUNT(*) AS ?n) FROM <http://nowhere/x> WHERE { ?s ?p ?o }",
                  **{"default-graph-uri": ASSERTED}) == asserted


class _Endpoint:
    """A SPARQL endpoint on 127.0.0.1 that answers every request with one row (``?x`` = <http://fake/row>) and counts
    the connections made to it; stopped by :meth:`close`."""

    ROW = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "http://fake/row"}}]}}

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        endpoint = self
        self.connections = 0

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                body = json.dumps(endpoint.ROW).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def verify_request(self, request, client_address):
                endpoint.connections += 1
                return True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_a_from_clause_makes_no_backend_fetch_its_graph(backend):
    """The query's FROM now reaches the backend, which must read it as a graph's name, never fetch it (Virtuoso's
    sponger could)."""
    _, client = backend
    fake = _Endpoint()
    try:
        r = _sparql(client, f"SELECT * FROM <{fake.url}> WHERE {{ ?s ?p ?o }} LIMIT 1", "application/sparql-results+json")
        assert r.status_code == 200 and r.json()["results"]["bindings"] == []
        time.sleep(0.5)
    finally:
        fake.close()
    assert fake.connections == 0


# ---------------------------------------------------------------- relative IRIs, the empty prefix


def test_relative_iris_are_read_against_the_request_url(backend):
    """As the Oxigraph server reads them: against the URL the query was sent to, its query string left out."""
    name, client = backend
    here = str(client.base_url).rstrip("/")

    def value(r: httpx.Response) -> str:
        assert r.status_code == 200, r.text
        return r.json()["results"]["bindings"][0]["x"]["value"]

    json_ = "application/sparql-results+json"
    assert value(_sparql(client, "SELECT (<a> AS ?x) {}", json_)) == f"{here}/a"
    assert value(client.get("/sparql", params={"query": "SELECT (<#b> AS ?x) {}"}, headers={"Accept": json_})) \
        == f"{here}/sparql#b"
    assert value(_sparql(client, "BASE <http://ex/b/> SELECT (<a> AS ?x) {}", json_)) == "http://ex/b/a"
    relative_base = _sparql(client, "BASE <sub/> SELECT (<a> AS ?x) {}", json_)
    if name == "virtuoso":  # the URL comes as a BASE before the query's own, and Virtuoso refuses a second BASE
        assert relative_base.status_code == 400 and "syntax error at 'BASE'" in relative_base.json()["detail"]
    else:
        assert value(relative_base) == f"{here}/sub/a"
    # a syntax error past a relative IRI is said at its own line of the query
    bad = _sparql(client, "SELECT (<a> AS ?x)\nWHERE { ?x ?p }")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("error at 2:"), bad.text


def test_the_empty_prefix_is_read_on_every_backend(backend):
    name, client = backend
    q = ("PREFIX : <http://purl.obolibrary.org/obo/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
         "SELECT ?l WHERE { :CHEBI_6121 rdfs:label ?l }")
    r = _sparql(client, q, "application/sparql-results+json")
    assert r.status_code == 200 and [b["l"]["value"] for b in r.json()["results"]["bindings"]] == ["ketamine"]
    # a function of the endpoint's own spelt with the empty prefix is still seen, and refused behind an endpoint; the
    # embedded store, which has no such function, evaluates the call as an error (the variable stays unbound)
    call = _sparql(client, 'PREFIX : <http://www.openlinksw.com/schemas/bif#> SELECT (:http_get("http://127.0.0.1:9/") '
                           "AS ?x) {}", "application/sparql-results+json")
    if name == "embedded":
        assert call.status_code == 200 and call.json()["results"]["bindings"] == [{}]
    else:
        assert call.status_code == 400 and "is not passed on" in call.json()["detail"]


# ---------------------------------------------------------------- generic Accept types


@pytest.mark.parametrize(("accept", "query", "media"), [
    ("application/json", "SELECT ?l WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> "
                         "<http://www.w3.org/2000/01/rdf-schema#label> ?l }", "application/sparql-results+json"),
    ("application/json", "ASK { ?s ?p ?o }", "application/sparql-results+json"),
    ("application/json", "CONSTRUCT WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> "
                         "<http://www.w3.org/2000/01/rdf-schema#label> ?l }", "application/ld+json"),
    ("text/plain", "SELECT ?l WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> "
                   "<http://www.w3.org/2000/01/rdf-schema#label> ?l }", "text/csv"),
    ("text/plain", "CONSTRUCT WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> "
                   "<http://www.w3.org/2000/01/rdf-schema#label> ?l }", "application/n-triples"),
])
def test_generic_accept_types_are_answered_as_oxigraph_answers_them(backend, oxigraph_server, remote_kg, accept, query,
                                                                     media):
    """application/json: SPARQL JSON results, or JSON-LD for a graph; text/plain: CSV, or N-Triples for a graph. The
    real Oxigraph server, asked the same, answers in the same media type."""
    _, client = backend
    params = {"query": query, "default-graph-uri": ASSERTED}
    reference = httpx.get(oxigraph_server["query"], params=params, headers={"Accept": accept}, timeout=30)
    assert reference.status_code == 200 and reference.headers["content-type"].split(";")[0] == media
    r = client.get("/sparql", params=params, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media, r.text
    if media == "application/sparql-results+json":
        assert r.json() == reference.json()
    elif media == "text/csv":
        assert r.text.splitlines() == ["l", "ketamine"]
    else:
        fmt = "json-ld" if media == "application/ld+json" else "nt"
        ours, theirs = (rdflib.Graph().parse(data=x.text, format=fmt) for x in (r, reference))
        assert len(ours) == 1 and isomorphic(ours, theirs)


# ---------------------------------------------------------------- SERVICE from the command line


def test_cli_refuses_service_in_a_query_file_in_one_line_and_calls_nothing(tmp_path):
    fake = _Endpoint()
    try:
        query = tmp_path / "federated.rq"
        query.write_text(f"SELECT ?x WHERE {{ SERVICE <{fake.url}> {{ ?x ?p ?o }} }}\n", encoding="utf-8")
        out = CliRunner().invoke(app, ["query", str(query), "--format", "json"])
        time.sleep(0.5)
    finally:
        fake.close()
    assert out.exit_code == 2, out.output
    assert f"SERVICE <{fake.url}> is refused" in out.output and "Traceback" not in out.output
    assert len(out.output.strip().splitlines()) == 1 and "http://fake/row" not in out.output
    assert fake.connections == 0
