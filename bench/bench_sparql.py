"""Benchmark: oihkg's /sparql beside rdflib-endpoint and the bare Oxigraph server, same data, same queries, one run.

The data is the OIH graph (asserted and inferred) with a synthetic graph merged in (``bench/gen_synthetic.py``,
``--triples``, 250k by default). The harness builds it once with the real ``oihkg load`` into an on-disk store, then
starts, one at a time on 127.0.0.1, and stops afterwards:

* **oihkg**: ``oihkg serve --store`` on that store with its default sharing (query workers, the short lane, a queue
  per client served in turn); ``--query-timeout`` 10 s like the Oxigraph server's and ``--result-limit`` 10000;
* **rdflib-endpoint** (PyPI, FastAPI + rdflib; installed into its own virtual environment under ``bench/.venv-peers``
  on first use, from the package registry) serving the same triples from N-Triples files;
* **Oxigraph server** (``oxigraph serve-read-only --union-default-graph --timeout-s 10``, the Rust server of the
  PyPI ``oxigraph`` package) on a copy of the same store.

Each server gets, from **one client** (one address), the same mix of 1,000 distinct SELECT queries (400 two-hop
causal chains from an entity, 400 label lookups, 200 group-counts per pathway), sent in turn by ``wrk`` (2 threads,
``--connections``) as ``GET ?query=``: first ``--warmup`` seconds from start (the *cold* figure: every server's caches
fill then, and oihkg's query workers each fill their own), then after a pause of the query timeout (:data:`SETTLE`)
``--seconds`` measured; ``--rounds`` times, the servers in turn in each round (a drift of the shared machine hits
every server alike), each server's median round reported. Rows: answered requests per
second (a refusal is not throughput), p50 and p99 latency, errors (non-2xx and socket errors), and each server's
throughput as a ratio of oihkg's.

Then **contention** (``--contention`` seconds): two clients (127.0.0.2 and 127.0.0.3, two connections each) loop a
cartesian query that runs to the timeout, while a third (127.0.0.4) asks label lookups one after another; rows: the
share of the third client's queries answered, and their p50 and p99 latency.

Usage::

    .venv/bin/python bench/bench_sparql.py [--triples 250000] [--rounds 3] [--warmup 3] [--seconds 8] [--connections 20] [--contention 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_routes import _lua, _wrk  # noqa: E402
from gen_synthetic import OIH, UP, synthetic_ntriples  # noqa: E402
from harness import free_port, stop, wait_until_up  # noqa: E402

from kg.config import default_paths  # noqa: E402

BIN = Path(sys.executable).parent
PEERS = Path(__file__).resolve().parent / ".venv-peers"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def queries(entities: int, pathways: int) -> list[str]:
    """The 1,000 distinct queries: two-hop causal chains, label lookups and group-counts, interleaved."""
    two_hop = [f"SELECT ?b ?c WHERE {{ <{OIH}e{i * 37 % entities}> <{UP}> ?b . ?b <{UP}> ?c }} LIMIT 100"
               for i in range(400)]
    label = [f'SELECT ?s ?type WHERE {{ ?s <{LABEL}> "entity {i * 53 % entities}" ; a ?type }}' for i in range(400)]
    count = [f"SELECT ?rel (COUNT(*) AS ?n) WHERE {{ ?a <{OIH}part_of_pathway> <{OIH}pathway_{i % pathways}> . "
             f"?a ?rel ?b }} GROUP BY ?rel LIMIT {10 + i // pathways}" for i in range(200)]
    mixed = [q for pair in zip(two_hop, label) for q in pair] + count
    assert len(set(mixed)) == 1000
    return mixed


#: Seconds between the cold run and the measured one: the query timeout. The Oxigraph server (0.5) starts one thread per
#: query that sleeps until the timeout, done or not (~14,000 threads at 1,400 queries/s); past ~16,000 it answers 500
#: ("Resource temporarily unavailable") and then aborts, so its cold run's threads must end before it is measured.
SETTLE = 10.0

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def contention(url: str, simple: list[str], seconds: float) -> dict[str, float]:
    """Two clients loop CARTESIAN on two connections each while a third asks ``simple`` queries one after another, for
    ``seconds``; the share of the third client's queries answered (200), and their p50 and p99 latency in ms."""
    stop, lat, answered = threading.Event(), [], []
    accept = {"Accept": "application/sparql-results+json"}

    def client(address: str) -> httpx.Client:
        return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60, headers=accept)

    def hog(address: str) -> None:
        with client(address) as c:
            for _ in range(1000):  # bounded; stopped when the run ends
                if stop.is_set():
                    return
                try:
                    c.get(url, params={"query": CARTESIAN})
                except httpx.HTTPError:
                    pass

    with ThreadPoolExecutor(4) as hogs, client("127.0.0.4") as c:
        for address in ("127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"):
            hogs.submit(hog, address)
        time.sleep(2.0)  # the hogs' first queries have started and run long
        end = time.monotonic() + seconds
        for q in simple * 100:
            if time.monotonic() > end:
                break
            t0 = time.monotonic()
            try:
                answered.append(c.get(url, params={"query": q}).status_code == 200)
            except httpx.HTTPError:
                answered.append(False)
            lat.append((time.monotonic() - t0) * 1000)
        stop.set()
    lat.sort()
    return {"asked": len(lat), "answered": 100 * sum(answered) / max(1, len(answered)),
            "p50": lat[len(lat) // 2] if lat else float("nan"), "p99": lat[int(len(lat) * 0.99)] if lat else float("nan")}


def _peers() -> Path:
    """rdflib-endpoint in its own virtual environment (its pins stay out of oihkg's)."""
    exe = PEERS / "bin" / "rdflib-endpoint"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(PEERS / "bin" / "pip"), "install", "-q", "rdflib-endpoint==0.6.3", "uvicorn"], check=True,
                       timeout=900)
    return exe


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=250_000)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the one-client run, the servers in turn in each "
                    "(the median reported; contention runs in the first)")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of the same load before the measured run, "
                    "reported as the cold figure (0: none)")
    ap.add_argument("--contention", type=float, default=30.0, help="seconds of the contention run (0: skip)")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: run `bash scripts/setup.sh --bench` (installs Debian's wrk)")
    rdflib_endpoint = _peers()
    paths = default_paths()
    entities, pathways = max(10, args.triples // 8), max(5, max(10, args.triples // 8) // 500)
    qs = queries(entities, pathways)
    results = {}
    with tempfile.TemporaryDirectory(prefix="oihkg-sparql-") as tmp:
        folder = Path(tmp)
        data = folder / "synthetic.nt"
        data.write_text(synthetic_ntriples(args.triples))
        store = folder / "store"
        subprocess.run([str(BIN / "oihkg"), "load", str(data), "--store", str(store)], check=True,
                       stdout=subprocess.DEVNULL,  # its progress (standard error) shows
                       timeout=1800)
        copy = folder / "store-copy"
        shutil.copytree(store, copy)
        os.sync()  # else the kernel writes the ~150 MB just written back 30 s later, in the middle of the first server's run
        servers = {}
        port = free_port()
        servers["oihkg /sparql"] = ([str(BIN / "oihkg"), "serve", "--host", "127.0.0.1", "--port", str(port), "--store",
                                     str(store), "--query-timeout", "10", "--result-limit", "10000"],
                                    f"http://127.0.0.1:{port}", "/sparql")
        port = free_port()
        servers["rdflib-endpoint"] = ([str(rdflib_endpoint), "serve", "--host", "127.0.0.1", "--port", str(port),
                                       str(paths.ttl), str(paths.inferred), str(data)], f"http://127.0.0.1:{port}", "/")
        port = free_port()
        servers["Oxigraph server"] = ([str(BIN / "oxigraph"), "serve-read-only", "--location", str(copy), "--bind",
                                       f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "10"],
                                      f"http://127.0.0.1:{port}", "/query")
        runs: dict[str, list[dict]] = {}
        for turn in range(args.rounds):  # the servers in turn, round after round: a drift of the machine hits all
            for name, (cmd, base, path) in servers.items():
                if turn and name == "rdflib-endpoint":
                    continue  # 30x slower than the others: one round tells
                proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
                try:
                    wait_until_up(proc, base + path, 600, name, params={"query": "ASK {}"}, interval=0.3, timeout=5,
                                  headers={"Accept": "application/sparql-results+json"})
                    same = httpx.get(base + path, params={"query": qs[0]}, timeout=60,
                                     headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
                    script = _lua([f"{path}?query={quote(q, safe='')}" for q in qs], folder,
                                  "application/sparql-results+json")
                    cold = _wrk(base, script, args.warmup, args.connections) if args.warmup else {"rps": float("nan")}
                    time.sleep(SETTLE if args.warmup else 0)
                    run = {**_wrk(base, script, args.seconds, args.connections), "cold": cold["rps"], "rows": len(same)}
                    if args.contention and not turn:
                        run["contention"] = contention(base + path, qs[1::2][:400], args.contention)
                    runs.setdefault(name, []).append(run)
                finally:
                    stop(proc)
        for name, got in runs.items():  # each server's median round (by answered req/s), with every round's figure
            results[name] = {**sorted(got, key=lambda r: r["rps"])[(len(got) - 1) // 2], "rounds": [r["rps"] for r in got],
                             "contention": got[0].get("contention")}
    base = results["oihkg /sparql"]["rps"]
    print(f"\nSPARQL side by side: the OIH graph + {args.triples:,} synthetic triples; 1,000 distinct queries "
          f"(two-hop, label, group-count); wrk -t2 -c{args.connections} -d{args.seconds:g}s")
    head = (f"{'server':<20}{'cold req/s':>11}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'÷ oihkg':>9}"
            f"{'rows of q1':>11}  every round's req/s")
    print(head)
    print("-" * len(head))
    for name, r in results.items():
        print(f"{name:<20}{r['cold']:>11.0f}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{int(r['errors']):>8}"
              f"{r['rps'] / base:>9.2f}{r['rows']:>11}  {', '.join(f'{x:.0f}' for x in r['rounds'])}")
    print(f"cold: the first {args.warmup:g} s after the server answered its first query (caches empty); the other "
          f"columns: the {args.seconds:g} s after it, in each server's median round of {args.rounds} (rdflib-endpoint: 1)")
    print(f"oihkg is {base / results['rdflib-endpoint']['rps']:.1f}x rdflib-endpoint (goal >= 5x) and "
          f"{base / results['Oxigraph server']['rps']:.2f}x the bare Oxigraph server (goal >= 0.7x, no refusal)")
    if args.contention:
        print(f"\nContention, {args.contention:g} s: two clients loop a cartesian query (two connections each, to the "
              "10 s timeout); a third asks label lookups one after another (goal: >= 95 % answered, p99 < 2 s)")
        head = f"{'server':<20}{'asked':>7}{'answered %':>12}{'p50 ms':>9}{'p99 ms':>10}"
        print(head)
        print("-" * len(head))
        for name, r in results.items():
            c = r["contention"]
            print(f"{name:<20}{c['asked']:>7}{c['answered']:>12.1f}{c['p50']:>9.1f}{c['p99']:>10.1f}")


if __name__ == "__main__":
    main()
