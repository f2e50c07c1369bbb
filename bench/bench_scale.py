"""Benchmark: the OIH graph with a 10⁶-triple synthetic graph merged in (``oihkg load``), and the bounded engine.

The harness writes the synthetic graph (``bench/gen_synthetic.py --shape mechanism``), loads it with the real
``oihkg load`` command into a fresh on-disk store (load time and the command's peak memory), opens that store, and
measures, each loop bounded in count and time:

1. building the causal graph the engine reads (the curated edges and every merged signed triple);
2. every named query on the merged store beside the same query on the curated store alone (ratio merged ÷ curated);
3. ``/paths`` (k = 20, length ≤ 6) between random sources and the biggest hubs, beside the peer: networkx's
   ``all_simple_paths`` doing the former exhaustive enumeration (each pair capped at ``--cap`` seconds);
4. ``/perturb`` (inhibit one node) from random nodes, beside the peer: the former per-path walk
   (``kg.mechanism.paths.walk``), capped the same way.

Usage::

    .venv/bin/python bench/bench_scale.py [--triples 1000000] [--pairs 20] [--cap 2]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import PARAMS  # noqa: E402
from gen_synthetic import mechanism_ntriples  # noqa: E402
from timing import percentile, timed  # noqa: E402

from kg import OIHKG  # noqa: E402
from kg.mechanism.paths import walk  # noqa: E402

BIN = Path(sys.executable).parent


def _capped(fn, cap: float) -> tuple[float, bool]:
    """Run a generator-consuming ``fn(deadline)``; (ms, finished) where finished is False when it hit the cap."""
    t0 = time.perf_counter()
    finished = fn(t0 + cap)
    return (time.perf_counter() - t0) * 1000, finished


def _exhaustive_paths(g: nx.DiGraph, s: str, t: str, deadline: float) -> bool:
    for i, _ in enumerate(nx.all_simple_paths(g, s, t, cutoff=6)):
        if i % 256 == 0 and time.perf_counter() > deadline:
            return False
    return True


def _exhaustive_perturb(g: nx.MultiDiGraph, s: str, deadline: float) -> bool:
    for i, _ in enumerate(walk(g, s, 8)):
        if i % 256 == 0 and time.perf_counter() > deadline:
            return False
    return True


def _row(name: str, ours: list[float], peer: list[float] | None = None, peer_done: str = "") -> str:
    o50, o95, omax = percentile(ours, .5), percentile(ours, .95), max(ours)
    if peer is None:
        return f"{name:<44}{o50:>10.1f}{o95:>10.1f}{omax:>10.1f}{'':>12}{'':>10}"
    p50 = percentile(peer, .5)
    return f"{name:<44}{o50:>10.1f}{o95:>10.1f}{omax:>10.1f}{p50:>12.1f}{o50 / p50:>10.3f}  {peer_done}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--cap", type=float, default=2.0, help="seconds each peer call may take before it is cut")
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        data, store = Path(tmp) / "synthetic.nt", Path(tmp) / "store"
        t0 = time.perf_counter()
        with data.open("w") as fh:
            written = mechanism_ntriples(args.triples, out=fh)
        gen_s = time.perf_counter() - t0
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        subprocess.run([str(BIN / "oihkg"), "load", str(data), "--store", str(store)], check=True,
                       stdout=subprocess.DEVNULL,  # its progress (standard error) shows
                       timeout=1800)
        load_s = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"\nScale: the OIH graph with {written:,} synthetic triples merged in ({data.stat().st_size / 2**20:.0f} MiB "
              f"of N-Triples, written in {gen_s:.1f} s)")
        print(f"oihkg load: {load_s:.1f} s, peak memory {max(peak, before) / 1024:.0f} MiB (the load command)")

        merged, curated = OIHKG.open(store_path=store), OIHKG.open(store_path=Path(tmp) / "curated")  # both on disk
        t0 = time.perf_counter()
        g = merged.causal_graph()
        graph_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        merged.catalog.names  # noqa: B018 - the name index, read once per server
        names_s = time.perf_counter() - t0
        print(f"causal graph: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges, built in {graph_s:.1f} s; "
              f"name index in {names_s:.1f} s (once per server)")

        head = f"{'question (ms)':<44}{'p50':>10}{'p95':>10}{'max':>10}{'peer p50':>12}{'ratio':>10}"
        print(f"\nNamed queries, merged store beside the curated store alone (peer), up to {args.runs} runs each")
        print(head)
        for name in sorted(merged.queries):
            if name.startswith("loaded-"):
                continue
            params = PARAMS.get(name, {})
            ours = timed(lambda n=name, p=params: merged.query(n, **p), args.runs, 5.0)
            peer = timed(lambda n=name, p=params: curated.query(n, **p), args.runs, 5.0)
            print(_row(name, ours, peer))
        for name in ("loaded-causal-edges", "loaded-nodes"):
            print(_row(name, timed(lambda n=name: merged.query(n), 3, 60.0)))

        simple = nx.DiGraph(g)
        sources = rng.sample([n for n in g if g.out_degree(n) and str(n).startswith("oih:syn/")], args.pairs)
        hubs = [n for n, _ in sorted(g.in_degree, key=lambda x: -x[1])[: args.pairs + 1]]
        print(f"\nMechanism engine on the merged graph ({args.pairs} questions a row; peer cut at {args.cap:g} s)")
        print(head)
        for label, pairs in (("random source -> hub", list(zip(sources, hubs))),
                             ("hub -> hub", list(zip(hubs[1:], hubs[:-1])))):
            ours, peer, done, found = [], [], 0, 0
            for s, t in pairs:
                t0 = time.perf_counter()
                res = merged.engine.paths(s, t, max_length=6, limit=20)
                ours.append((time.perf_counter() - t0) * 1000)
                found += bool(res.paths)
                ms, finished = _capped(lambda d, s=s, t=t: _exhaustive_paths(simple, s, t, d), args.cap)
                peer.append(ms)
                done += finished
            print(_row(f"/paths k=20, <=6, {label} ({found} found)", ours, peer, f"exhaustive finished {done}/{len(pairs)}"))
        ours, peer, done = [], [], 0
        for s in sources:
            t0 = time.perf_counter()
            merged.engine.perturb(inhibit=[s])
            ours.append((time.perf_counter() - t0) * 1000)
            ms, finished = _capped(lambda d, s=s: _exhaustive_perturb(g, s, d), args.cap)
            peer.append(ms)
            done += finished
        print(_row("/perturb inhibit one node, length<=8", ours, peer, f"path walk finished {done}/{args.pairs}"))
        print("\nratio: ours ÷ peer at p50 (a peer cut at the cap counts as the cap: the true ratio is smaller)")
        print("goals: /paths and /perturb within 1 s on the 10^6-triple graph")


if __name__ == "__main__":
    main()
