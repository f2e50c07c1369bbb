"""Benchmark: TRAPI answers beside the REST answers to the same questions, in one process and one run.

What the TRAPI layer costs over asking the catalog or the path engine directly (what ``/edges`` and
``/paths`` do), on the OIH graph, in process (no socket):

* building the Biolink graph from a fresh catalog (once per store in a server);
* a one-hop lookup (chemicals that affect the NMDA receptor complex) beside ``catalog.edges(object=...)``;
* a three-hop lookup (TLR4 → process → process → mediator), TRAPI only;
* a Pathfinder query (opioid agonist → hyperalgesia) beside ``engine.paths``;
* the meta knowledge graph.

Loops are bounded by count and by time; the table gives p50 / p99 in milliseconds and the ratio
TRAPI ÷ peer. Usage::

    .venv/bin/python bench/bench_trapi.py [--runs 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import percentile, timed  # noqa: E402

from kg import OIHKG  # noqa: E402
from kg.catalog import Catalog  # noqa: E402
from kg.mechanism.engine import Engine  # noqa: E402
from kg.translator.trapi import TRAPI  # noqa: E402

ONE_HOP = {"nodes": {"c": {"categories": ["biolink:ChemicalEntity"]}, "n": {"ids": ["GO:0017146"]}},
           "edges": {"e": {"subject": "c", "object": "n", "predicates": ["biolink:affects"]}}}
THREE_HOP = {"nodes": {"t": {"ids": ["HGNC:11850"]}, "a": {"categories": ["biolink:BiologicalProcess"]},
                       "r": {"categories": ["biolink:BiologicalProcess"]}, "m": {"categories": ["biolink:GeneOrGeneProduct"]}},
             "edges": {"e1": {"subject": "t", "object": "a", "predicates": ["biolink:affects"]},
                       "e2": {"subject": "a", "object": "r", "predicates": ["biolink:affects"]},
                       "e3": {"subject": "r", "object": "m", "predicates": ["biolink:has_output"]}}}
PATHFINDER = {"nodes": {"o": {"ids": ["oih:opioid"]}, "h": {"ids": ["oih:hyperalgesia"]}},
              "paths": {"p": {"subject": "o", "object": "h"}}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    kg = OIHKG.open()
    trapi = kg.trapi
    _ = trapi.graph  # warm
    kg.engine.causal_graph()

    def cold_build():
        TRAPI(Engine(Catalog(kg.store))).graph

    rows = [
        ("Biolink graph, cold build", timed(cold_build, 20, args.seconds), None, "-"),
        ("one-hop: chemicals → NMDA receptor", timed(lambda: trapi.query({"message": {"query_graph": ONE_HOP}}), args.runs, args.seconds),
         timed(lambda: kg.catalog.edges(object="GO:0017146"), args.runs, args.seconds), "catalog.edges (REST /edges)"),
        ("three-hop: TLR4 → … → mediators", timed(lambda: trapi.query({"message": {"query_graph": THREE_HOP}}), args.runs, args.seconds),
         None, "-"),
        ("Pathfinder: opioid → hyperalgesia", timed(lambda: trapi.query({"message": {"query_graph": PATHFINDER}}), args.runs, args.seconds),
         timed(lambda: kg.engine.paths("oih:opioid", "oih:hyperalgesia", max_length=6, limit=200), args.runs, args.seconds),
         "engine.paths (REST /paths)"),
        ("meta knowledge graph", timed(trapi.meta_knowledge_graph, args.runs, args.seconds), None, "-"),
    ]
    print(f"{'question':38} {'TRAPI p50':>10} {'p99':>9} {'n':>5}   {'peer':30} {'p50':>9} {'p99':>9} {'TRAPI÷peer':>10}")
    for name, ours, peer, peer_name in rows:
        line = f"{name:38} {percentile(ours, .5):10.2f} {percentile(ours, .99):9.2f} {len(ours):5d}   {peer_name:30}"
        if peer:
            line += f" {percentile(peer, .5):9.2f} {percentile(peer, .99):9.2f} {percentile(ours, .5) / percentile(peer, .5):10.2f}"
        print(line)


if __name__ == "__main__":
    main()
