"""Benchmark: the named queries on rdflib's in-memory graph and on the embedded Oxigraph store.

Two parts, printed as tables side by side (p50 / p95 in milliseconds, ratio rdflib ÷ embedded):

1. every named query of ``queries/`` on the OIH graph (asserted + inferred),
   with the same parameters as the tests;
2. a synthetic graph of about 250k triples (``bench/gen_synthetic.py``) and its
   2-hop query.

Loops are bounded by count and by time. Usage::

    .venv/bin/python bench/bench_store.py [--triples 250000] [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_synthetic import TWO_HOP, TWO_HOP_PATHWAY, synthetic_ntriples  # noqa: E402
from timing import percentile, timed  # noqa: E402

from kg import schema  # noqa: E402
from kg.config import default_paths  # noqa: E402
from kg.catalog.queries import load_queries  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402

PARAMS = {
    "interventions-for-pathway": {"pathway": "oih:glial_neuroinflammatory_pathway"},
    "pathways-for-intervention": {"intervention": "CHEBI:6807"},
    "downstream-effects": {"entity": "HGNC:11850"},
    "releases-mediator": {"mediator": "HGNC:11892"},
    "edge-evidence": {"subject": "CHEBI:6121", "object": "GO:0017146"},
    "by-citation": {"citation": "oih:citation/4834506"},
    "entity-card": {"entity": "MONDO:0005546"},
    "pathway-members": {"pathway": "oih:dynorphin_pathway"},
    "fact-status": {"subject": "CHEBI:17303", "predicate": "RO:0002450", "object": "HGNC:11850"},
    "qualified-statement": {"subject": "oih:test_taper", "object": "oih:net_pain"},
    "contextual-fact": {"subject": "CHEBI:17303", "predicate": "oih:drives_pathway", "object": "oih:dynorphin_pathway"},
}


def bench_named(runs: int) -> list[tuple]:
    paths = default_paths()
    ds = rdflib.Dataset(default_union=True)
    ds.graph(schema.GRAPH_ASSERTED).parse(paths.ttl, format="turtle")
    ds.graph(schema.GRAPH_INFERRED).parse(paths.inferred, format="turtle")
    store = EmbeddedStore(paths)
    queries = load_queries()
    rows = []
    for name, q in queries.items():
        params = PARAMS.get(name, {})
        ox_bind = {k: ox.NamedNode(schema.expand(v)) for k, v in params.items()}
        rdf_bind = {k: rdflib.URIRef(v.value) for k, v in ox_bind.items()}
        n_ox = len(store.select(q.text, ox_bind))
        t_ox = timed(lambda: store.select(q.text, ox_bind), runs, 5.0)
        try:
            n_rdf = len(list(ds.query(q.text, initBindings=rdf_bind)))
            t_rdf = timed(lambda: list(ds.query(q.text, initBindings=rdf_bind)), runs, 10.0)
            r50, r95 = percentile(t_rdf, .5), percentile(t_rdf, .95)
        except Exception as exc:  # noqa: BLE001 - rdflib fails some queries; shown in the table
            n_rdf, r50, r95 = type(exc).__name__, float("nan"), float("nan")
        rows.append((name, n_ox, n_rdf, r50, r95, percentile(t_ox, .5), percentile(t_ox, .95)))
    return rows


def bench_synthetic(triples: int, runs: int) -> list[tuple]:
    data = synthetic_ntriples(triples)
    g = rdflib.Graph()
    t0 = time.perf_counter()
    g.parse(data=data, format="nt")
    load_rdf = time.perf_counter() - t0
    store = ox.Store()
    t0 = time.perf_counter()
    store.bulk_load(data.encode(), format=ox.RdfFormat.N_TRIPLES)
    load_ox = time.perf_counter() - t0
    out = []
    for name, q in (("2-hop, all positive chains", TWO_HOP), ("2-hop, ending in one pathway", TWO_HOP_PATHWAY)):
        n_ox = int(next(iter(store.query(q)))["n"].value)
        n_rdf = int(next(iter(g.query(q)))[0])
        t_ox = timed(lambda: list(store.query(q)), runs, 10.0)
        t_rdf = timed(lambda: list(g.query(q)), max(3, runs // 10), 120.0)
        out.append((name, len(g), load_rdf, load_ox, n_rdf, n_ox, t_rdf, t_ox))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=250_000)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    rows = bench_named(args.runs)
    print(f"\nNamed queries on the OIH graph (ms, up to {args.runs} runs each)")
    print(f"{'query':<34}{'rows':>6}{'rdflib p50':>12}{'p95':>9}{'oxigraph p50':>14}{'p95':>9}{'ratio p50':>11}")
    for name, n_ox, n_rdf, r50, r95, o50, o95 in rows:
        rows_col = str(n_ox) if n_ox == n_rdf else f"{n_ox}/{str(n_rdf)[:3]}"
        print(f"{name:<34}{rows_col:>6}{r50:>12.2f}{r95:>9.2f}{o50:>14.3f}{o95:>9.3f}{r50 / o50:>10.0f}x")
    all_ox = [r[5] for r in rows]
    ok = [r[3] for r in rows if r[3] == r[3]]
    print(f"{'median over queries':<34}{'':>6}{statistics.median(ok):>12.2f}{'':>9}{statistics.median(all_ox):>14.3f}")
    print("n/err: rows differ or rdflib raised (its GROUP_CONCAT fails on unbound OPTIONAL values)")
    for i, (name, n, lr, lo, nr, no, tr, to) in enumerate(bench_synthetic(args.triples, args.runs)):
        if i == 0:
            print(f"\nSynthetic graph: {n} triples; load rdflib {lr:.1f} s, oxigraph {lo:.1f} s (ms below)")
        print(f"{name:<34}{no:>6}{percentile(tr, .5):>12.1f}{percentile(tr, .95):>9.1f}{percentile(to, .5):>14.2f}{percentile(to, .95):>9.2f}{percentile(tr, .5) / percentile(to, .5):>10.0f}x"
              + ("" if no == nr else f"  (rdflib rows {nr})"))
    print("\ngoals: named query p50 <= 2 ms embedded on the OIH graph; >= 100x rdflib on the 250k 2-hop query")


if __name__ == "__main__":
    main()
