"""The API over a real Virtuoso (Debian's virtuoso-opensource 7), started and bulk-loaded by ``scripts/virtuoso.py``.

The named queries, the SPARQL protocol and the engine's graph are compared with the embedded store in
``test_queries.py``, ``test_api.py`` and ``test_mechanism.py`` (each parametrised over the endpoints); here: the REST
routes side by side, Virtuoso's own limits, and the script's life cycle.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from kg.store import EndpointTimeout, RemoteStore

SLOW_Q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def both(api_server, virtuoso_api_server):
    """Clients of the server on the embedded store and of the one over Virtuoso."""
    with httpx.Client(base_url=api_server, timeout=30) as a, httpx.Client(base_url=virtuoso_api_server, timeout=30) as b:
        yield a, b


def test_health_over_virtuoso_names_it_and_has_the_embedded_fingerprint(both, virtuoso_server):
    embedded, virtuoso = (c.get("/health").json() for c in both)
    assert virtuoso["status"] == "ok" and virtuoso["store"] == virtuoso_server["query"]
    assert virtuoso["triples"] == embedded["triples"]
    assert virtuoso["checksum"] == embedded["checksum"]  # the script records the artifacts' checksum in the meta graph


@pytest.mark.parametrize("route, params", [
    ("/entities/TLR4", None),
    ("/entities/fibromyalgia", None),
    ("/search", {"q": "NMDA"}),
    ("/edges", {"subject": "ketamine"}),
    ("/interventions", None),
    ("/pathways", None),
    ("/interventions/ketamine/pathways", None),
    ("/pathways/oih:glial_neuroinflammatory_pathway/interventions", None),
    ("/paths", {"source": "opioid agonist", "target": "hyperalgesia", "max_length": 5}),
    ("/paths", {"source": "TLR4", "target": "hyperalgesia", "sign": "-"}),
    ("/queries/pathway-members", {"pathway": "dynorphin pathway"}),
    ("/queries/fact-status", {"subject": "morphine", "predicate": "rdf:type", "object": "oih:ProHyperalgesicAgent"}),
])
def test_rest_answers_over_virtuoso_equal_the_embedded_ones(both, route, params):
    embedded, virtuoso = (c.get(route, params=params) for c in both)
    assert embedded.status_code == 200, embedded.text
    assert virtuoso.status_code == 200 and virtuoso.json() == embedded.json()


def test_perturbation_over_virtuoso_equals_the_embedded_one(both):
    body = {"activate": ["opioid agonist"], "inhibit": ["NMDA receptor"]}
    embedded, virtuoso = (c.post("/perturb", json=body) for c in both)
    assert embedded.status_code == virtuoso.status_code == 200 and virtuoso.json() == embedded.json()


def test_unknown_entity_is_404_over_virtuoso(both):
    assert both[1].get("/entities/HGNC:0").status_code == 404


def test_virtuoso_stops_a_long_query_itself_and_it_is_a_timeout(virtuoso_server):
    """The script gives Virtuoso a time limit (5 s here): the endpoint ends the query, which the store reports as a
    timeout, well before its own 60 s wait."""
    store = RemoteStore(virtuoso_server["query"], timeout=60)
    t0 = time.monotonic()
    with pytest.raises(EndpointTimeout, match="time limit"):
        store.query(SLOW_Q)
    assert time.monotonic() - t0 < 30
    assert len(store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")) == 3  # and it keeps serving


def test_a_long_query_through_the_api_is_a_timeout_and_the_server_keeps_serving(both):
    slow = both[1].get("/sparql", params={"query": SLOW_Q})  # the API's 2 s deadline comes before Virtuoso's 5 s
    assert slow.status_code == 503 and "stopped" in slow.json()["detail"]
    assert both[1].get("/entities/ketamine").status_code == 200


def test_virtuoso_fetches_nothing_on_a_clients_behalf(both):
    """Virtuoso's own extensions (the sponger's ``define get:soft``, federated SERVICE) cannot make it fetch: the
    script leaves the public SPARQL account no role that fetches, and the API refuses SERVICE before that."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    seen: list = []

    def watch(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                seen.append(listener.accept())
            except OSError:
                pass

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(stop,), daemon=True)
    watcher.start()
    url = f"http://127.0.0.1:{port}/x"
    tries = {
        "sponger pragma": f'define get:soft "soft" SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }} LIMIT 1',
        "SERVICE": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} LIMIT 1",
        "bif: function": f'SELECT (bif:http_get("{url}") AS ?x) {{}}',
        "bif: by IRI": f'SELECT (<bif:http_get>("{url}") AS ?x) {{}}',
        "bif: by prefix": f'PREFIX b: <bif:> SELECT (b:http_get("{url}") AS ?x) {{}}',
        "escaped": 'SELECT (<bif:http_get>("http\\u003a//127.0.0.1:' + str(port) + '/x") AS ?x) {}',
        "sql: procedure": f'SELECT (<sql:DB.DBA.RDF_SPONGE_UP>("{url}") AS ?x) {{}}',
        "unreadable": f'SELECT (bif:http_get("{url}") AS ?x) {{ ?s ?p }}',
        # rdflib's algebra drops a FILTER inside EXISTS; the parse tree keeps it
        "inside EXISTS": f'SELECT * {{ ?s ?p ?o FILTER NOT EXISTS {{ ?s ?p ?o FILTER(<bif:http_get>("{url}")) }} }} LIMIT 1',
        # rdflib reads \u escapes everywhere, Virtuoso only in strings: the two would see different queries
        "escape split": 'SELECT * { BIND(CONCAT("\\u005C", <bif:http_get>("' + url + '"), "#"\n) AS ?a) }',
        "predicate": f'SELECT * {{ ?s <bif:contains> "{url}" }} LIMIT 1',
    }
    try:
        answers = {name: both[1].get("/sparql", params={"query": q}) for name, q in tries.items()}
        direct = both[1].get("/sparql", params={"query": 'SELECT (<http://www.w3.org/2001/XMLSchema#string>(1) AS ?x) {}'})
        time.sleep(0.5)
    finally:
        stop.set()
        watcher.join(timeout=5)
        listener.close()
    for name, r in answers.items():
        assert r.status_code == 400, (name, r.status_code, r.text)
        assert any(w in r.json()["detail"] for w in ("outbound", "not passed on", "does not pass on")), (name, r.text)
    assert direct.status_code == 200  # an XSD cast, SPARQL's own, still runs
    assert seen == [], "Virtuoso connected to the address in the query"


def test_a_load_that_fails_replaces_no_graph(virtuoso_server, virtuoso_kg, tmp_path):
    """Virtuoso's bulk load is all or nothing: a file the loader refuses leaves every served graph as it was."""
    from kg.errors import VirtuosoError
    from kg.store.virtuoso import bulk_load

    before = virtuoso_kg.store.counts()
    good, bad = tmp_path / "good.nt", tmp_path / "bad.ttl"
    good.write_text("<urn:a> <urn:b> <urn:c> .\n")
    bad.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n")
    graphs = {good: "https://w3id.org/oihkg/graph/asserted", bad: "https://w3id.org/oihkg/graph/inferred"}
    with pytest.raises(VirtuosoError, match="refused 1-bad.ttl, so no graph was replaced"):
        bulk_load(virtuoso_server["dir"], virtuoso_server["sql_port"], graphs)
    assert virtuoso_kg.store.counts() == before
    assert not virtuoso_kg.store.ask("ASK { GRAPH ?g { <urn:a> ?p ?o } }")


def test_the_script_starts_and_stops_a_server_and_leaves_no_process(tmp_path, virtuoso_script):
    script, free_port, need_virtuoso = virtuoso_script
    need_virtuoso()
    http_port, sql_port = free_port(), free_port()
    args = [sys.executable, str(script)]
    where = ["--dir", str(tmp_path)]
    ports = ["--http-port", str(http_port), "--sql-port", str(sql_port)]
    started = subprocess.run([*args, "start", *where, *ports, "--no-load", "--memory-gib", "0.25"],
                             capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, started.stderr
    assert f"oihkg serve --endpoint http://127.0.0.1:{http_port}/sparql" in started.stdout
    pid = int((tmp_path / "virtuoso.pid").read_text())
    try:
        again = subprocess.run([*args, "start", *where, *ports], capture_output=True, text=True, timeout=60)
        assert again.returncode == 1 and "already runs" in again.stderr
        assert (tmp_path / "dba-password").stat().st_mode & 0o077 == 0  # the administrator's password: owner only
        assert tmp_path.stat().st_mode & 0o077 == 0  # and the folder with the database
        default = subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", "exec=SELECT 1;"],
                                 capture_output=True, text=True, timeout=30)
        assert "Bad login" in default.stdout + default.stderr  # the default password is gone
        assert "127.0.0.1" in (tmp_path / "virtuoso.ini").read_text().split("[HTTPServer]")[1].split("\n")[1]
    finally:
        stopped = subprocess.run([*args, "stop", *where], capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{http_port}/sparql", params={"query": "ASK {}"}, timeout=2)


def test_a_graph_merged_into_virtuoso_is_recorded_served_and_dropped_as_in_the_embedded_store(virtuoso_server,
                                                                                                virtuoso_script, tmp_path):
    """``scripts/virtuoso.py load FILE`` merges as ``oihkg load`` does: the same record, the engine follows the merged
    signed triples, reloading the artifacts keeps it, and ``--drop`` takes it out again."""
    from kg import OIHKG

    oih, ro, label = "https://w3id.org/oihkg/", "http://purl.obolibrary.org/obo/RO_", "http://www.w3.org/2000/01/rdf-schema#label"
    merged = tmp_path / "extra.nt"
    merged.write_text(f'<{oih}x/gene1> <{label}> "merged gene one" .\n'
                      f"<{oih}x/gene1> <{ro}0002304> <https://identifiers.org/hgnc:11850> .\n")  # raises TLR4
    embedded = OIHKG.open(store_path=tmp_path / "store")
    embedded.load([merged])
    base = [sys.executable, str(virtuoso_script[0])]
    where = ["--dir", str(virtuoso_server["dir"])]
    before = OIHKG.open(endpoint=virtuoso_server["query"]).about()["checksum"]
    try:
        done = subprocess.run([*base, "load", str(merged), *where], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "graph/loaded/extra: 2 triples" in done.stdout
        over = OIHKG.open(endpoint=virtuoso_server["query"])
        assert over.store.loaded() == embedded.store.loaded()  # graph, source, triples and SHA-256 alike
        assert over.about()["checksum"] == embedded.about()["checksum"]
        assert over.paths("merged gene one", "hyperalgesia").paths  # the engine follows the merged edge
        again = subprocess.run([*base, "load", *where], capture_output=True, text=True, timeout=300)  # the artifacts
        assert again.returncode == 0, again.stderr
        assert OIHKG.open(endpoint=virtuoso_server["query"]).store.loaded() == embedded.store.loaded()  # kept
        bad = subprocess.run([*base, "load", str(merged), "--name", "no spaces", *where], capture_output=True, text=True,
                             timeout=60)
        assert bad.returncode == 1 and "graph name 'no spaces'" in bad.stderr
        refused_bad = tmp_path / "extra.ttl"
        refused_bad.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:d> ")
        broken = subprocess.run([*base, "load", str(refused_bad), *where], capture_output=True, text=True, timeout=60)
        assert broken.returncode == 1 and "extra.ttl" in broken.stderr  # read whole first: nothing changed
        same = subprocess.run([*base, "load", str(merged), "--drop", "extra", *where], capture_output=True, text=True,
                              timeout=300)  # dropped, then loaded afresh, as `oihkg load` does
        assert same.returncode == 0, same.stderr
        assert OIHKG.open(endpoint=virtuoso_server["query"]).store.loaded() == embedded.store.loaded()
    finally:
        dropped = subprocess.run([*base, "load", "--drop", "extra", *where], capture_output=True, text=True, timeout=300)
    assert dropped.returncode == 0 and "dropped extra" in dropped.stdout, dropped.stderr
    after = OIHKG.open(endpoint=virtuoso_server["query"])
    assert after.store.loaded() == [] and after.about()["checksum"] == before
    assert not after.store.ask(f'ASK {{ GRAPH ?g {{ ?s <{label}> "merged gene one" }} }}')
