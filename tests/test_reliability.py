"""The server as a hostile or careless client finds it: no outbound request, bounded work, a status and a sentence for
every failure, workers that die cleanly and leave no orphan. Each test plants the defect it is about."""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kg.cli import app


#: The shared ``http`` fixture (tests/conftest.py) gives its client this timeout here, in seconds.
HTTP_TIMEOUT = 30


SLOW_Q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
KETAMINE_Q = "SELECT ?l WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> <http://www.w3.org/2000/01/rdf-schema#label> ?l }"


def _children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    out = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class _Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        self.held = []
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            self._take(conn)

    def _take(self, conn):
        conn.close()

    def close(self):
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()


class _Hanging(_Listener):
    """A listener that accepts and never answers: an endpoint that hangs."""

    def _take(self, conn):
        self.held.append(conn)


# ---------------------------------------------------------------- outbound requests


def test_service_is_refused_and_no_connection_is_made(start_server):
    listener = _Listener()
    try:
        base = start_server("--query-workers", "1")
        q = f"SELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
        for send in (lambda: httpx.get(f"{base}/sparql", params={"query": q}, timeout=10),
                     lambda: httpx.post(f"{base}/sparql", data={"query": q.replace("SERVICE", "service")}, timeout=10)):
            r = send()
            assert r.status_code == 400 and f"SERVICE <http://127.0.0.1:{listener.port}/x> is refused" in r.json()["detail"]
        variable = httpx.get(f"{base}/sparql", params={"query": "SELECT * WHERE { SERVICE ?e { ?s ?p ?o } }"}, timeout=10)
        assert variable.status_code == 400 and "SERVICE <?e> is refused" in variable.json()["detail"]
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()


@pytest.mark.parametrize(("query", "allowed"), [
    ('SELECT * WHERE { BIND("\\u0022" AS ?a) SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } BIND("\\u0022" AS ?c) }', ()),
    ("PREFIX e: <http://127.0.0.1:1/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }", ()),
    ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }", ()),
    ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:1/x> { ?s ?p ?o } } # service", ("http://127.0.0.1:1/x",)),
])
def test_a_service_clause_cannot_hide_from_the_check(query, allowed):
    """The clause is found by one parser and run by another: a word 'service' the first cannot account for is refused."""
    from kg.endpoint.protocol import ServiceRefused, check_services

    with pytest.raises(ServiceRefused):
        check_services(query, allowed)


def test_an_allowed_service_and_innocent_uses_of_the_word_pass():
    from kg.endpoint.protocol import check_services

    check_services("PREFIX e: <http://ex/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }", ("http://ex/x",))
    check_services("SELECT ?service WHERE { ?service <http://x/service> ?o }")


# ---------------------------------------------------------------- bounded work


def test_request_bodies_and_lists_are_bounded_and_errors_quote_little(start_server):
    base = start_server("--query-workers", "1", "--max-body", "100000")
    big = httpx.post(f"{base}/perturb", content=b'{"inhibit": ["' + b"x" * 200_000 + b'"]}',
                     headers={"Content-Type": "application/json"}, timeout=30)
    assert big.status_code == 413 and "larger than 100000 bytes" in big.json()["detail"]
    many = httpx.post(f"{base}/perturb", json={"inhibit": ["TLR4"] * 101}, timeout=30)
    assert many.status_code == 422 and len(many.content) < 3000
    long_name = httpx.post(f"{base}/perturb", json={"inhibit": ["y" * 299]}, timeout=30)
    assert long_name.status_code == 404 and len(long_name.json()["detail"]) <= 300
    too_long = httpx.post(f"{base}/perturb", json={"inhibit": ["y" * 5000]}, timeout=30)
    assert too_long.status_code == 422 and len(too_long.content) < 3000
    sparql = httpx.post(f"{base}/sparql", content=b"SELECT * WHERE { ?s ?p ?o }" + b" " * 200_000,
                        headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert sparql.status_code == 413

    def chunks():  # no Content-Length: the limit is counted as the body streams in
        yield b'{"inhibit": ["'
        for _ in range(40):
            yield b"x" * 5000
        yield b'"]}'

    chunked = httpx.post(f"{base}/perturb", content=chunks(), headers={"Content-Type": "application/json"}, timeout=30)
    assert chunked.status_code == 413 and "larger than 100000 bytes" in chunked.json()["detail"]
    # a request line past the limit: uvicorn's parser bounds it, and the body limit checks the query string as well
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(base)
    with socket.create_connection((where.hostname, where.port), timeout=30) as conn:  # httpx builds no URL this long
        conn.sendall(b"GET /sparql?query=" + b"%20" * 50_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    # refused before any route runs: by uvicorn's parser (400), or by the body limit's check of the query string (414)
    assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 414")) and (b"Invalid HTTP request" in answer
                                                                     or b"query string is larger than" in answer)
    assert httpx.get(f"{base}/health", timeout=10).status_code == 200


@pytest.mark.parametrize("body", ['{"inhibit": ["TLR4"], "max_length": NaN}', '{"inhibit": ["TLR4"], "max_length": Infinity}',
                                  '{"inhibit": ["TLR4"], "max_length": 1e400}'])
def test_non_finite_numbers_are_422_not_500(http, body):
    r = http.post("/perturb", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_model_parameters_are_422_not_500(http, value):
    r = http.post("/simulate", content=f'{{"dose": {value}}}', headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("accept", ["garbage", "a/b/c", ";;;"])
def test_a_malformed_accept_header_is_400(http, accept):
    r = http.get("/sparql", params={"query": KETAMINE_Q}, headers={"Accept": accept})
    assert r.status_code in (400, 406) and r.headers["content-type"] == "application/json", r.text


# ---------------------------------------------------------------- workers


def test_busy_workers_answer_503_with_retry_after_within_the_queue_wait(start_server):
    base = start_server("--query-workers", "2", "--short-lane", "0", "--queue-wait", "0.5", "--query-timeout", "6")
    with cf.ThreadPoolExecutor(3) as ex:
        slow = [ex.submit(httpx.get, f"{base}/sparql", params={"query": SLOW_Q}, timeout=30) for _ in range(2)]
        time.sleep(0.8)
        t0 = time.monotonic()
        busy = httpx.get(f"{base}/sparql", params={"query": KETAMINE_Q}, timeout=30)
        waited = time.monotonic() - t0
        assert busy.status_code == 503 and busy.headers.get("retry-after") and "within 0.5 s" in busy.json()["detail"]
        assert waited < 3, "a query waits the queue wait, not the query timeout"
        assert all(f.result().status_code == 503 for f in slow)
    assert httpx.get(f"{base}/sparql", params={"query": KETAMINE_Q}, timeout=30).status_code == 200


def _query_workers(server_pid: int) -> set[int]:
    """The server's query workers (spawned children), not multiprocessing's resource tracker."""
    out = set()
    for c in _children(server_pid):
        cmd = Path(f"/proc/{c}/cmdline").read_text(errors="replace")
        if "spawn_main" in cmd and "resource_tracker" not in cmd:
            out.add(c)
    return out


def test_a_killed_worker_is_noticed_at_once_and_replaced(start_server):
    base = start_server("--query-workers", "1", "--short-lane", "0", "--query-timeout", "20")
    server = start_server.procs[-1].pid
    workers = _query_workers(server)
    assert len(workers) == 1
    # killed while idle: the next query is served by its replacement
    os.kill(workers.pop(), signal.SIGKILL)
    time.sleep(0.3)
    t0 = time.monotonic()
    assert httpx.get(f"{base}/sparql", params={"query": KETAMINE_Q}, timeout=30).status_code == 200
    assert time.monotonic() - t0 < 15
    # killed while running a query: that query is answered at once, not after the 20 s timeout
    with cf.ThreadPoolExecutor(1) as ex:
        slow = ex.submit(httpx.get, f"{base}/sparql", params={"query": SLOW_Q}, timeout=60)
        time.sleep(1.0)
        running = _query_workers(server)
        t0 = time.monotonic()
        for pid in running:
            os.kill(pid, signal.SIGKILL)
        r = slow.result()
        assert r.status_code == 503 and "died" in r.json()["detail"] and time.monotonic() - t0 < 5
    assert httpx.get(f"{base}/sparql", params={"query": KETAMINE_Q}, timeout=30).status_code == 200


def test_a_worker_replaced_from_a_short_lived_thread_outlives_that_thread():
    """Linux sends the parent-death signal when the thread that forked a worker ends: replacements must not die so."""
    from functools import partial

    from kg.endpoint.protocol import answer
    from kg.store import open_store
    from kg.endpoint.workers import QueryPool

    pool = QueryPool(partial(open_store, "oxigraph:memory"), answer, workers=1, timeout=30)
    try:
        pool.warm_up()
        os.kill(pool.pids[0], signal.SIGKILL)
        time.sleep(0.3)
        killed = pool.pids[0]
        # the query runs on the event loop of a short-lived thread, finds its worker dead and waits for the
        # replacement, which is started on the pool's own thread
        with cf.ThreadPoolExecutor(1) as short_lived:
            body = short_lived.submit(asyncio.run, pool.run("ASK {}", None, None, None, 10)).result(timeout=120).body
        assert body == b'{"head":{},"boolean":true}'
        replacement = pool.pids[0]
        assert replacement != killed
        time.sleep(1.5)
        assert _alive(replacement)
    finally:
        pool.close()


def _survivors_of_kill(server, pids, seconds: float = 10) -> list[int]:
    """kill -9 the server; the processes of ``pids`` still alive ``seconds`` later."""
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if _alive(p)]


def test_no_orphan_worker_after_the_server_is_killed(start_server):
    start_server("--query-workers", "2")
    server = start_server.procs[-1]
    workers = _children(server.pid)
    assert workers
    assert _survivors_of_kill(server, workers) == [], "query workers outlived their server"
    log = start_server.log.read_text()
    assert "leaked semaphore" not in log


def test_nothing_outlives_a_killed_server_with_two_uvicorn_workers(start_server):
    start_server("--workers", "2", "--query-workers", "1")
    server = start_server.procs[-1]
    deadline = time.monotonic() + 60
    tree: set[int] = set()
    while time.monotonic() < deadline:
        apps = [p for p in _children(server.pid) if _query_workers(p)]
        tree = set(_children(server.pid)).union(*(_children(a) for a in apps))
        if len(apps) == 2:
            break
        time.sleep(0.5)
    assert len(tree) >= 4
    assert _survivors_of_kill(server, tree) == [], "processes outlived the server"


def test_no_orphan_worker_after_one_uvicorn_worker_is_killed(start_server):
    start_server("--workers", "2", "--query-workers", "1")
    server = start_server.procs[-1]
    deadline = time.monotonic() + 60
    apps = []
    while time.monotonic() < deadline:  # both uvicorn workers up, each with its query worker
        apps = [p for p in _children(server.pid) if _query_workers(p)]
        if len(apps) == 2:
            break
        time.sleep(0.5)
    assert len(apps) == 2
    victim = apps[0]
    workers = _query_workers(victim)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)], "the killed uvicorn worker's query workers outlived it"


# ---------------------------------------------------------------- a remote endpoint that fails


def test_a_hanging_endpoint_is_504_in_time_and_health_says_degraded(start_server):
    hanging = _Hanging()
    try:
        url = f"http://127.0.0.1:{hanging.port}/query"
        base = start_server("--endpoint", url, "--endpoint-timeout", "1", "--query-workers", "1")
        t0 = time.monotonic()
        health = httpx.get(f"{base}/health", timeout=5)
        assert health.status_code == 200 and time.monotonic() - t0 < 1
        assert health.json()["status"] == "degraded" and "did not answer in time" in health.json()["reason"]
        t0 = time.monotonic()
        r = httpx.get(f"{base}/entities/ketamine", timeout=30)
        assert r.status_code == 504 and "did not answer in time" in r.json()["detail"] and time.monotonic() - t0 < 5
        s = httpx.get(f"{base}/sparql", params={"query": KETAMINE_Q}, timeout=30)
        assert s.status_code == 504
        bad = subprocess.run([str(Path(os.sys.executable).parent / "oihkg"), "paths", "TLR4", "hyperalgesia", "--endpoint", url],
                             capture_output=True, text=True, timeout=120, env={**os.environ, "OIHKG_ENDPOINT_TIMEOUT": "2"})
        assert bad.returncode == 2 and "did not answer in time" in bad.stderr and "Traceback" not in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1
        assert "Traceback" not in start_server.log.read_text()
    finally:
        hanging.close()


@contextlib.contextmanager
def _oxigraph(folder: Path):
    """A real Oxigraph server on a free 127.0.0.1 port, empty; yields its base URL and process."""
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        number = probe.getsockname()[1]
    proc = subprocess.Popen([str(Path(sys.executable).parent / "oxigraph"), "serve", "--location", str(folder), "--bind",
                             f"127.0.0.1:{number}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{number}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_an_endpoint_that_goes_down_gives_502_and_a_degraded_health(start_server, tmp_path):
    from kg import OIHKG

    with _oxigraph(tmp_path / "ox") as (ox, proc):
        OIHKG.open(endpoint=f"{ox}/query", graph_store=f"{ox}/store").close()
        base = start_server("--endpoint", f"{ox}/query", "--query-workers", "1")
        assert httpx.get(f"{base}/search", params={"q": "ketamine"}, timeout=10).status_code == 200
        proc.kill()
        proc.wait(timeout=10)
        r = httpx.get(f"{base}/entities/ketamine", timeout=30)
        assert r.status_code == 502 and "unreachable" in r.json()["detail"]
        s = httpx.get(f"{base}/sparql", params={"query": KETAMINE_Q}, timeout=30)
        assert s.status_code == 502
        deadline = time.monotonic() + 20
        health = {}
        while time.monotonic() < deadline:
            health = httpx.get(f"{base}/health", timeout=5).json()
            if health["status"] == "degraded":
                break
            time.sleep(0.5)
        assert health["status"] == "degraded" and "unreachable" in health["reason"]
        assert "Traceback" not in start_server.log.read_text()


def test_an_endpoint_with_foreign_data_is_said_in_one_line(start_server, tmp_path):
    with _oxigraph(tmp_path / "ox") as (ox, _):
        httpx.post(f"{ox}/update", data={"update": "INSERT DATA { <http://x/a> <http://www.w3.org/2000/01/rdf-schema#label> "
                                                   "'a' . <http://x/a> <http://x/p> <http://x/b> }"}, timeout=10)
        for args in (["paths", "a", "b"], ["export", "--format", "ttl"], ["map", "-o", str(tmp_path / "m.html")]):
            out = CliRunner().invoke(app, [*args, "--endpoint", f"{ox}/query"])
            assert out.exit_code == 2 and "holds no oihkg graph" in out.output, (args, out.output)
            assert len(out.output.strip().splitlines()) == 1
        base = start_server("--endpoint", f"{ox}/query", "--query-workers", "1")
        health = httpx.get(f"{base}/health", timeout=10).json()
        assert health["status"] == "degraded" and "no oihkg graph" in health["reason"]


# ---------------------------------------------------------------- heavy routes, headers, the map


def test_a_heavy_answer_is_computed_once_and_waiting_holds_no_thread():
    import asyncio

    from api.heavy import HeavyBusy, HeavyCache

    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return b"x" * 10

    async def scenario():
        cache = HeavyCache(max_waiting=2, wait=5)
        same = await asyncio.gather(*(cache.get(("export", "jsonld"), compute) for _ in range(8)))
        assert same == [b"x" * 10] * 8 and len(calls) == 1
        # distinct keys: two may wait their turn, the third is told to come back
        results = await asyncio.gather(*(cache.get(("plot", k), compute) for k in range(3)), return_exceptions=True)
        assert sum(isinstance(r, HeavyBusy) for r in results) == 1
        small = HeavyCache(max_items=2)
        for k in range(3):
            await small.get(k, lambda k=k: bytes([k]))
        assert await small.get(0, lambda: b"again") == b"again", "the least recently used answer was dropped"

    asyncio.run(scenario())


def test_a_heavy_storm_leaves_light_routes_served(start_server):
    base = start_server("--query-workers", "1")
    with cf.ThreadPoolExecutor(60) as ex:
        storm = [ex.submit(httpx.get, f"{base}/simulate/plot.png", params={"default_gain": k / 10}, timeout=120)
                 for k in range(60)]
        time.sleep(1.0)
        light = httpx.get(f"{base}/search", params={"q": "TNF"}, timeout=30)
        assert light.status_code == 200
        codes = {f.result().status_code for f in storm}
    assert codes <= {200, 503}, codes
    busy = [f.result() for f in storm if f.result().status_code == 503]
    assert all(r.headers.get("retry-after") and "try again" in r.json()["detail"] for r in busy)


def test_every_response_carries_security_headers(http):
    for path in ("/health", "/map", "/docs", "/entities/nothing-by-this-name"):
        r = http.get(path)
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_map_data_cannot_break_out_of_its_script():
    from kg.outputs.map import script_json

    text = script_json({"label": "x<!--<script></script>&y"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"label": "x<!--<script></script>&y"}


# ---------------------------------------------------------------- the CLI and the build


def test_cli_errors_are_one_line(tmp_path, tiny, tiny_seed):
    runner = CliRunner()
    cases = [
        (["map", "-o", str(tmp_path / "missing" / "m.html")], "cannot write"),
        (["export", "--format", "ttl", "-o", str(tmp_path)], "cannot write"),
        (["simulate", "--plot", str(tmp_path / "missing" / "p.png")], "cannot write"),
        (["paths", "TLR4", "hyperalgesia", "--store", str(tiny_seed)], "cannot open the store"),
        (["paths", "TLR4", "hyperalgesia", "--store", str(tmp_path / "no" / "such" / "db")], "cannot open the store"),
        (["serve", "--port", "99999"], "65535"),
    ]
    for args, says in cases:
        out = runner.invoke(app, args)
        assert out.exit_code == 2 and says in out.output and "Traceback" not in out.output, (args, out.output)
    assert not (tmp_path / "no").exists(), "--store does not create missing parent folders"


def test_a_locked_store_is_one_line(tmp_path, repo_paths):
    from kg.store import StoreError, open_store

    held = open_store(f"oxigraph:{tmp_path / 'db'}", repo_paths)
    with pytest.raises(StoreError, match="cannot open the store at"):
        open_store(f"oxigraph:{tmp_path / 'db'}", repo_paths)
    held.close()


def test_non_utf8_and_empty_sources_are_named(tiny, tiny_seed):
    from kg.compile import BuildError, build

    edges = tiny.src / "edges.tsv"
    original = edges.read_bytes()
    edges.write_bytes(original.replace(b"\n", b"\n\xff", 2))
    with pytest.raises(BuildError, match=r"edges.tsv:2: not UTF-8: byte 0xff at column 1"):
        build(tiny, tiny_seed)
    edges.write_bytes(original.split(b"\n", 1)[0] + b"\n")
    with pytest.raises(BuildError, match="edges.tsv:1: no rows: the model needs at least one edge"):
        build(tiny, tiny_seed)
    assert not tiny.owl.exists()


def test_the_body_limit_refuses_a_query_string_past_it_with_414():
    """The same bound holds for a query string (a long GET /sparql), refused before any route runs."""
    import asyncio

    from api.middleware import BodyLimit

    reached: list = []

    async def route(scope, receive, send):
        reached.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def call(query: bytes) -> list:
        sent: list = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request", "body": b""}

        await BodyLimit(route, 10)({"type": "http", "query_string": query, "headers": []}, receive, send)
        return sent

    refused = asyncio.run(call(b"q=" + b"x" * 9))
    assert refused[0]["status"] == 414 and b"query string is larger than 10 bytes" in refused[1]["body"]
    assert asyncio.run(call(b"q=" + b"x" * 8))[0]["status"] == 200 and reached == [b"q=xxxxxxxx"]


def test_the_pool_hands_freed_workers_to_waiting_queries_and_loses_none():
    """The asyncio pool: more queries than workers all get answers; a query that outlives the deadline is stopped while
    the other worker serves; a wait that is cancelled or runs out gives back nothing it did not take."""
    from functools import partial

    from kg.endpoint.protocol import answer
    from kg.store import open_store
    from kg.endpoint.workers import PoolBusy, QueryPool, QueryTimeout

    ask = ("ASK {}", None, None, None, 10)
    slow = (SLOW_Q, None, None, None, 10)

    async def scenario(pool: QueryPool) -> None:
        answers = await asyncio.gather(*(pool.run(*ask) for _ in range(12)))  # 12 queries, 2 workers
        assert {a.body for a in answers} == {b'{"head":{},"boolean":true}'}
        stuck = asyncio.ensure_future(pool.run(*slow))
        await asyncio.sleep(0.2)
        assert (await pool.run(*ask)).kind == "boolean"  # the other worker keeps serving
        with pytest.raises(QueryTimeout):
            await stuck
        both = [asyncio.ensure_future(pool.run(*slow)) for _ in range(2)]
        await asyncio.sleep(0.2)
        with pytest.raises(PoolBusy):  # both workers busy past the queue wait
            await pool.run(*ask)
        waiting = asyncio.ensure_future(pool.run(*ask))
        await asyncio.sleep(0.1)
        waiting.cancel()  # a client gone while it waits
        for task in both:
            with pytest.raises(QueryTimeout):
                await task
        for _ in range(100):  # the replacements join as they start
            if len(pool.pids) == 2:
                break
            await asyncio.sleep(0.1)
        assert len(pool.pids) == 2
        answers = await asyncio.gather(*(pool.run(*ask) for _ in range(6)))  # both serve
        assert len(answers) == 6

    pool = QueryPool(partial(open_store, "oxigraph:memory"), answer, workers=2, timeout=1.5, queue_wait=0.5, per_client=None)
    try:
        pool.warm_up()
        asyncio.run(scenario(pool))
        pids = pool.pids
    finally:
        pool.close()
    assert len(pids) == 2 and not [p for p in pids if _alive(p)]  # close() leaves no worker


def test_an_answer_past_the_byte_limit_is_413_and_the_server_keeps_serving(start_server):
    """Rows are bounded by --result-limit, bytes by --answer-limit: a few rows of long literals cannot make the
    server hold (or the event loop read) an answer of any size."""
    base = start_server("--query-workers", "1", "--answer-limit", "1")
    big = f'SELECT ?s ?pad WHERE {{ ?s ?p ?o BIND(CONCAT(STR(?s), "{"y" * 4000}") AS ?pad) }} LIMIT 1000'
    r = httpx.post(f"{base}/sparql", content=big, headers={"Content-Type": "application/sparql-query"}, timeout=60)
    assert r.status_code == 413 and "larger than 1,048,576 bytes" in r.json()["detail"]
    small = httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=30)
    assert small.status_code == 200 and small.json()["boolean"] is True


def test_the_pool_reads_no_answer_past_its_byte_limit_and_replaces_the_worker():
    """The pool's own guard, below the worker's check: a message longer than ``max_answer`` is not read."""
    from functools import partial

    from kg.endpoint.protocol import answer
    from kg.store import open_store
    from kg.endpoint.workers import AnswerTooLarge, QueryPool

    many = ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 50", None, None, None, 100)
    pool = QueryPool(partial(open_store, "oxigraph:memory"), answer, workers=1, timeout=30, max_answer=500)
    try:
        pool.warm_up()
        first = pool.pids[0]

        async def scenario():
            with pytest.raises(AnswerTooLarge, match="larger than 500 bytes"):
                await pool.run(*many)
            return await pool.run("ASK {}", None, None, None, 10)  # waits for the replacement

        assert asyncio.run(scenario()).kind == "boolean"
        assert pool.pids[0] != first
    finally:
        pool.close()


def test_a_named_query_past_the_result_limit_is_413_not_every_row(start_server):
    """A named query over a large merged graph (``loaded-causal-edges`` lists every merged edge) could make the server
    hold millions of rows: the REST route stops at --result-limit, as /sparql does."""
    base = start_server("--query-workers", "1", "--result-limit", "50")
    r = httpx.get(f"{base}/queries/all-edges", timeout=60)  # 381 rows on the curated graph
    assert r.status_code == 413 and "more than 50 rows" in r.json()["detail"] and "LIMIT and OFFSET" in r.json()["detail"]
    few = httpx.get(f"{base}/queries/releases-mediator", params={"mediator": "TNF-α"}, timeout=60)
    assert few.status_code == 200 and 0 < len(few.json()["rows"]) <= 50
    clash = httpx.get(f"{base}/queries/all-edges", params={"limit": "100000"}, timeout=60)
    assert clash.status_code == 422 and "unknown parameter" in clash.json()["detail"]  # no option hides in the params

