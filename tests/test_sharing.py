"""Fair sharing as clients see it (kg.endpoint.fairshare through kg.endpoint.workers and the server): excess waits its turn, a full
queue is refused, clients take turns, slow clients leave the short lane, and TRAPI and plots share the same turns.

Clients are told apart by address: the tests send from 127.0.0.2, 127.0.0.3, ... (all loopback on Linux).
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import threading
import time

import httpx
import pytest

SLOW_Q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
KETAMINE_Q = "SELECT ?l WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> <http://www.w3.org/2000/01/rdf-schema#label> ?l }"


def _client(address: str) -> httpx.Client:
    """An HTTP client whose requests come from ``address`` (any of 127.0.0.0/8 on Linux): another client to the server."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def test_one_clients_excess_queries_wait_their_turn_and_only_a_full_queue_is_refused(start_server):
    base = start_server("--query-workers", "1", "--short-lane", "0", "--client-queries", "3", "--query-timeout", "3")
    with _client("127.0.0.2") as c, cf.ThreadPoolExecutor(4) as ex:
        many = [ex.submit(c.get, f"{base}/sparql", params={"query": KETAMINE_Q}) for _ in range(24)]
        assert [f.result().status_code for f in many] == [200] * 24  # one worker, 4 at once: each waits its turn
        slow = ex.submit(c.get, f"{base}/sparql", params={"query": SLOW_Q})
        time.sleep(0.5)
        queued = [ex.submit(c.get, f"{base}/sparql", params={"query": KETAMINE_Q}) for _ in range(3)]
        time.sleep(0.5)
        full = c.get(f"{base}/sparql", params={"query": KETAMINE_Q})
        assert full.status_code == 503 and "3 requests waiting" in full.json()["detail"] and full.headers.get("retry-after")
        with _client("127.0.0.3") as other:  # another client has a queue of its own
            assert other.get(f"{base}/sparql", params={"query": KETAMINE_Q}).status_code == 200
        assert [f.result().status_code for f in queued] == [200] * 3 and slow.result().status_code == 503


def test_clients_take_turns_and_a_slow_client_leaves_the_short_lane_to_others(start_server):
    """Client A loops queries that run to the timeout on two connections; once its queries have run long it waits for
    the one general worker, and client B's short queries keep the short lane: each answered at once."""
    base = start_server("--query-workers", "1", "--short-lane", "1", "--query-timeout", "4")
    stop = threading.Event()

    def loop_slow(c: httpx.Client) -> list[int]:
        codes = []
        for _ in range(20):  # bounded: at most 20 timeouts of 4 s, and stopped below
            if stop.is_set():
                break
            codes.append(c.get(f"{base}/sparql", params={"query": SLOW_Q}).status_code)
        return codes

    with _client("127.0.0.2") as a, _client("127.0.0.3") as b, cf.ThreadPoolExecutor(2) as ex:
        first = ex.submit(a.get, f"{base}/sparql", params={"query": SLOW_Q})
        time.sleep(1.5)  # A's query has run long: A is heavy now
        loops = [ex.submit(loop_slow, a)]
        times = []
        try:
            for _ in range(10):
                t0 = time.monotonic()
                assert b.get(f"{base}/sparql", params={"query": KETAMINE_Q}).status_code == 200
                times.append(time.monotonic() - t0)
                time.sleep(0.3)
        finally:
            stop.set()
        assert max(times) < 2, times
        assert first.result().status_code == 503 and all(code == 503 for code in loops[0].result())


def test_a_long_job_in_the_short_lane_makes_room_for_a_light_client():
    """A client's second slow query landed in the short lane before the client was known to be slow: when a light
    client waits, that query is stopped there and queued again for the general lane (queries only read)."""
    from functools import partial

    from kg.endpoint.protocol import answer
    from kg.store import open_store
    from kg.endpoint.workers import QueryPool, QueryTimeout

    slow = (SLOW_Q, None, None, None, 10)

    async def scenario(pool: QueryPool) -> float:
        hog = [asyncio.ensure_future(pool.run(*slow, client="hog")) for _ in range(2)]  # general, then the short lane
        await asyncio.sleep(0.8)  # both run long: the hog is heavy now
        t0 = asyncio.get_running_loop().time()
        quick = await pool.run("ASK {}", None, None, None, 10, client="quick")
        waited = asyncio.get_running_loop().time() - t0
        assert quick.kind == "boolean"
        assert set(pool.pids) - before, "the short-lane worker was stopped (and replaced) before any timeout"
        for task in hog:  # the demoted one ran again in the general lane, after the first
            with pytest.raises(QueryTimeout):
                await task
        return waited

    pool = QueryPool(partial(open_store, "oxigraph:memory"), answer, workers=1, reserve=1, timeout=2.5, long_after=0.3)
    try:
        pool.warm_up()
        before = set(pool.pids)
        waited = asyncio.run(scenario(pool))
    finally:
        pool.close()
    assert waited < 2.0, f"the light client waited {waited:.1f} s"


def _chain(start: str, hops: int) -> dict:
    """A TRAPI query of ``hops`` edges of any predicate from ``start``: about a second of work each."""
    nodes = {f"n{i}": {"categories": ["biolink:NamedThing"]} for i in range(1, hops + 1)} | {"n0": {"ids": [start]}}
    edges = {f"e{i}": {"subject": f"n{i}", "object": f"n{i + 1}", "predicates": ["biolink:related_to"]} for i in range(hops)}
    return {"message": {"query_graph": {"nodes": nodes, "edges": edges}}}


def test_trapi_answers_take_turns_in_the_workers_and_leave_the_event_loop_alone(start_server):
    """One client posts eight expensive chains at once; another client's one-hop lookups are all answered, and a light
    REST route stays quick meanwhile (the answers are made in the query workers, not in the server's threads)."""
    base = start_server()
    one_hop = {"message": {"query_graph": {"nodes": {"c": {"categories": ["biolink:ChemicalEntity"]},
                                                     "n": {"ids": ["GO:0017146"]}},
                                           "edges": {"e": {"subject": "c", "object": "n", "predicates": ["biolink:affects"]}}}}}
    starts = ["CHEBI:17303", "CHEBI:7557", "CHEBI:6121", "HGNC:8156", "HGNC:11850", "HGNC:11892", "HGNC:5992", "HGNC:1033"]
    with _client("127.0.0.2") as a, _client("127.0.0.3") as b, cf.ThreadPoolExecutor(8) as ex:
        heavy = [ex.submit(a.post, f"{base}/trapi/query", json=_chain(s, 4 + k % 2)) for k, s in enumerate(starts)]
        time.sleep(1.0)
        lookups, light = [], []
        for _ in range(15):
            lookups.append(b.post(f"{base}/trapi/query", json=one_hop).status_code)
            t0 = time.monotonic()
            assert b.get(f"{base}/entities/TLR4").status_code == 200
            light.append(time.monotonic() - t0)
        assert lookups == [200] * 15
        assert sorted(light)[-2] < 0.5, light  # all but the slowest light answer under half a second
        assert [f.result().status_code for f in heavy] == [200] * 8


def test_after_every_idle_worker_dies_the_next_query_waits_for_a_replacement_not_a_503(start_server):
    """Killed while idle (all of them, the short lane too): the next query is answered by a replacement."""
    import os
    import signal
    from pathlib import Path

    base = start_server()
    server = start_server.procs[-1].pid
    children = {int(c) for task in Path(f"/proc/{server}/task").glob("*") for c in (task / "children").read_text().split()}
    workers = {c for c in children if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text(errors="replace")
               and "resource_tracker" not in Path(f"/proc/{c}/cmdline").read_text(errors="replace")}
    assert len(workers) == (os.cpu_count() or 2) + 1  # the general workers and the short lane
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    r = httpx.get(f"{base}/sparql", params={"query": KETAMINE_Q}, timeout=60)
    assert r.status_code == 200, r.text


def test_a_client_cannot_pick_its_identity_with_a_forwarding_header(start_server):
    """X-Forwarded-For is not trusted: two requests from one address are one client whatever they claim."""
    base = start_server("--query-workers", "1", "--short-lane", "0", "--client-queries", "1", "--query-timeout", "3")
    with _client("127.0.0.2") as c, cf.ThreadPoolExecutor(2) as ex:
        slow = ex.submit(c.get, f"{base}/sparql", params={"query": SLOW_Q})
        time.sleep(0.5)
        waiting = ex.submit(c.get, f"{base}/sparql", params={"query": KETAMINE_Q}, headers={"X-Forwarded-For": "10.0.0.1"})
        time.sleep(0.5)
        again = c.get(f"{base}/sparql", params={"query": KETAMINE_Q}, headers={"X-Forwarded-For": "10.0.0.2"})
        assert again.status_code == 503 and "1 requests waiting" in again.json()["detail"]
        assert waiting.result().status_code == 200 and slow.result().status_code == 503


def test_an_ipv6_client_is_its_64():
    from starlette.requests import Request

    from api.deps import client_of

    def ask(host: str) -> str | None:
        return client_of(Request({"type": "http", "client": (host, 5000), "headers": []}))

    assert ask("2001:db8:1:2::5") == ask("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert ask("2001:db8:1:3::5") != ask("2001:db8:1:2::5") and ask("127.0.0.2") == "127.0.0.2"
