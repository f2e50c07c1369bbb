"""Benchmark: the mechanism engine against plain networkx / plain Python doing the same work.

Rows (milliseconds, p50 / p95 over bounded runs, ratio ours ÷ baseline; goal ≤ 100 ms each):

1. signed paths between every ordered pair of nodes of the causal graph (up to
   ``--max-length`` edges), with signs, evidence and ranking — one
   ``signed_paths`` call per pair, and ``all_signed_paths`` in one go — versus
   ``nx.all_simple_paths`` per pair on a collapsed ``DiGraph`` that only counts paths;
2. a perturbation from every node (inhibit it), versus ``nx.descendants`` per node;
3. a 200-point simulation of P = P0 − A + H (numpy) — versus the same formulas
   in a plain Python loop; and the plot (PNG) on its own.

Usage::

    .venv/bin/python bench/bench_mechanism.py [--runs 20] [--max-length 8]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import networkx as nx

from kg import OIHKG
from kg.outputs.figure import plot
from kg.mechanism.model import Scenario, simulate
from kg.mechanism.paths import all_signed_paths, signed_paths
from kg.mechanism.perturb import perturb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import percentile, timed  # noqa: E402


def _python_simulation(s: Scenario, n_pathways: int) -> list[tuple[float, ...]]:
    """The model's formulas in a plain loop: the baseline for the numpy version."""
    gain = s.default_gain * n_pathways
    ed50 = s.ED50 * (1 + s.tolerance_rate * s.exposure)
    onset = 1 - math.exp(-s.exposure / s.onset_tau)
    rows = []
    for i in range(1, s.points + 1):
        d = s.dose_max * i / s.points
        dn, en = d**s.hill, ed50**s.hill
        a = s.Emax * dn / (dn + en)
        da = s.Emax * s.hill * d ** (s.hill - 1) * en / (dn + en) ** 2
        h = gain * (d / s.D_ref) ** s.power * onset
        dh = gain * s.power * d ** (s.power - 1) / s.D_ref**s.power * onset
        rows.append((d, s.P0 - a + h, a, h, dh - da))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--max-length", type=int, default=8)
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per row at most")
    args = ap.parse_args()

    kg = OIHKG.open()
    t0 = time.perf_counter()
    g = kg.causal_graph()
    mech = kg.mechanism()
    load_ms = (time.perf_counter() - t0) * 1000
    nodes = list(g.nodes)
    pairs = [(s, t) for s in nodes for t in nodes if s != t]
    simple = nx.DiGraph(g)

    counts = {}

    def ours_paths():
        counts["ours"] = sum(len(signed_paths(g, s, t, max_length=args.max_length, limit=10**6).paths) for s, t in pairs)

    def ours_all_pairs():
        counts["all"] = sum(len(v) for v in all_signed_paths(g, args.max_length).values())

    def base_paths():
        counts["base"] = sum(sum(1 for _ in nx.all_simple_paths(simple, s, t, cutoff=args.max_length)) for s, t in pairs)

    def ours_perturb():
        for n in nodes:
            perturb(g, inhibit=[n], max_length=args.max_length)

    def base_perturb():
        for n in nodes:
            nx.descendants(simple, n)

    scenario = Scenario(points=200)
    result = simulate(mech, scenario)

    rows = [
        (f"signed paths, all {len(pairs)} pairs, <= {args.max_length} edges", ours_paths,
         "nx.all_simple_paths (count only)", base_paths),
        ("all_signed_paths, one walk per source", ours_all_pairs, "nx.all_simple_paths (count only)", base_paths),
        (f"perturb each of {len(nodes)} nodes", ours_perturb, "nx.descendants per node", base_perturb),
        ("simulate, 200 doses (numpy)", lambda: simulate(mech, scenario), "same formulas, plain Python loop",
         lambda: _python_simulation(scenario, len(mech.pronociceptive))),
        ("plot PNG of that simulation", lambda: plot(result, "png"), "-", None),
    ]
    print(f"causal graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; "
          f"graph + mechanism facts read from the store in {load_ms:.1f} ms (once per process)\n")
    _table(rows, args.runs, args.budget)
    print(f"\npaths found: per pair {counts['ours']}, one walk per source {counts['all']}, baseline {counts['base']}")
    print(f"runs per row <= {args.runs}, <= {args.budget:g} s per row")


def _table(rows, runs: int, budget: float) -> None:
    """Time each (task, function, baseline, function) row and print p50, p95 and the ratio side by side."""
    head = f"{'task':<48} {'ours p50':>9} {'p95':>8}   {'baseline':<34} {'p50':>8} {'p95':>8} {'ours/base':>9} {'<=100ms':>8}"
    print(head)
    print("-" * len(head))
    for name, fn, bname, bfn in rows:
        fn()  # warm
        ours = timed(fn, runs, budget)
        if bfn is not None:
            bfn()
            base = timed(bfn, runs, budget)
            b50, b95 = f"{percentile(base, .5):8.2f}", f"{percentile(base, .95):8.2f}"
            ratio = f"{percentile(ours, .5) / percentile(base, .5):9.1f}"
        else:
            b50 = b95 = f"{'-':>8}"
            ratio = f"{'-':>9}"
        ok = "yes" if percentile(ours, .5) <= 100 else "NO"
        print(f"{name:<48} {percentile(ours, .5):9.2f} {percentile(ours, .95):8.2f}   {bname:<34} {b50} {b95} {ratio} {ok:>8}")


if __name__ == "__main__":
    main()
