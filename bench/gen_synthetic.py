"""Synthetic graphs for the store and scale benchmarks.

Two shapes:

- ``synthetic_ntriples`` (the store benchmark's, unchanged): entities with a label and a type, in pathways, each with
  five signed causal edges to random others; about 8 triples per entity.
- ``mechanism_ntriples`` (``--shape mechanism``, what ``oihkg load`` merges in the scale benchmark): genes, drugs,
  processes and phenotypes with labels and Biolink categories, in pathways; signed causal edges (RO's causally
  upstream of, positive / negative effect, and directly positively / negatively regulates), each second one with an
  ``owl:Axiom`` giving its PubMed sources (``dcterms:source``); targets drawn from a Zipf law and out-degrees from a
  Pareto law, so a few hub nodes hold many edges in and out; and a few edges into the curated OIH graph (TLR4,
  the μOR, the NMDA receptor, hyperalgesia), as a merged graph would have.

Usage::

    .venv/bin/python bench/gen_synthetic.py 250000 > /tmp/synthetic.nt
    .venv/bin/python bench/gen_synthetic.py 1000000 --shape mechanism > /tmp/mechanism-1m.nt
"""

from __future__ import annotations

import random
import sys

from kg.progress import track  # a bar on a terminal, a line every few seconds elsewhere

__all__ = ["synthetic_ntriples", "mechanism_ntriples", "TWO_HOP", "TWO_HOP_PATHWAY"]

OIH = "https://w3id.org/oihkg/"
UP = "http://purl.obolibrary.org/obo/RO_0002304"
DOWN = "http://purl.obolibrary.org/obo/RO_0002305"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: The 2-hop queries of the benchmark: every positive two-step chain, and those ending in pathway 3.
TWO_HOP = f"""
SELECT (COUNT(*) AS ?n) WHERE {{
  ?a <{UP}> ?b .
  ?b <{UP}> ?c .
}}"""
TWO_HOP_PATHWAY = f"""
SELECT (COUNT(*) AS ?n) WHERE {{
  ?a <{UP}> ?b .
  ?b <{UP}> ?c .
  ?c <{OIH}part_of_pathway> <{OIH}pathway_3> .
}}"""


def synthetic_ntriples(triples: int = 250_000, seed: int = 11) -> str:
    """N-Triples text of about ``triples`` triples, deterministic for a given seed."""
    rng = random.Random(seed)
    n = max(10, triples // 8)
    pathways = max(5, n // 500)
    lines = []
    for i in track(range(n), "writing the synthetic graph", unit="entities"):
        e = f"<{OIH}e{i}>"
        lines.append(f'{e} <{LABEL}> "entity {i}" .')
        lines.append(f"{e} <{TYPE}> <{OIH}BiologicalProcess> .")
        lines.append(f"{e} <{OIH}part_of_pathway> <{OIH}pathway_{rng.randrange(pathways)}> .")
        for _ in range(5):
            rel = UP if rng.random() < 0.7 else DOWN
            lines.append(f"{e} <{rel}> <{OIH}e{rng.randrange(n)}> .")
    return "\n".join(lines[:triples]) + "\n"


OBO = "http://purl.obolibrary.org/obo/"
BIOLINK = "https://w3id.org/biolink/vocab/"
OWL = "http://www.w3.org/2002/07/owl#"
SOURCE = "http://purl.org/dc/terms/source"
#: Curated OIH nodes a merged graph links into: TLR4, the μOR, the NMDA receptor complex, hyperalgesia.
CURATED = ["https://identifiers.org/hgnc:11850", "https://identifiers.org/hgnc:8156", f"{OBO}GO_0017146",
           f"{OIH}hyperalgesia"]
KINDS = [("gene", "Gene", 0.55), ("process", "BiologicalProcess", 0.25), ("drug", "Drug", 0.12),
         ("phenotype", "PhenotypicFeature", 0.08)]
RELATIONS = [(f"{OBO}RO_0002304", 0.45), (f"{OBO}RO_0002305", 0.25), (f"{OBO}RO_0002629", 0.2), (f"{OBO}RO_0002630", 0.1)]


def _zipf_picker(rng: random.Random, n: int, s: float = 1.1):
    """A function drawing indices 0..n-1 with a Zipf law, by inverse transform on a table, and the indices from the
    biggest hub down."""
    import bisect
    import itertools

    weights = [1 / (i + 1) ** s for i in range(n)]
    cum = list(itertools.accumulate(weights))
    total = cum[-1]
    order = list(range(n))
    rng.shuffle(order)  # hubs scattered over the kinds, not the first ids

    def pick() -> int:
        return order[min(bisect.bisect_left(cum, rng.random() * total), n - 1)]
    return pick, order


def mechanism_ntriples(triples: int = 1_000_000, seed: int = 7, out=None) -> int:
    """Write N-Triples of about ``triples`` triples in the mechanism shape (see the module) to ``out`` (stdout when
    None); deterministic for a seed. Returns the triples written."""
    out = out or sys.stdout
    rng = random.Random(seed)
    n = max(20, int(triples / 19.2))  # 3 node triples, ~4.3 edges, ~2.3 axioms of 5 triples each
    pathways = max(5, n // 400)
    kinds = rng.choices([k for k in KINDS], weights=[w for *_, w in KINDS], k=n)
    target, by_rank = _zipf_picker(rng, n)
    # heavy-tailed out-degrees (mean ~4.3), the largest given to the biggest in-hubs: a hub both receives and sends
    degrees = sorted((min(400, int(rng.paretovariate(1.5) * 5 / 3)) for _ in range(n)), reverse=True)
    out_degree = dict(zip(by_rank, degrees))
    rels, rel_w = [r for r, _ in RELATIONS], [w for _, w in RELATIONS]
    written = 0
    buf = []
    for i in track(range(n), "writing the synthetic graph", unit="entities"):
        e = f"<{OIH}syn/e{i}>"
        short, category, _ = kinds[i]
        buf.append(f'{e} <{LABEL}> "{short} {i}" .')
        buf.append(f"{e} <{TYPE}> <{BIOLINK}{category}> .")
        buf.append(f"{e} <{OIH}part_of_pathway> <{OIH}syn/pathway{rng.randrange(pathways)}> .")
        for j in range(out_degree[i]):
            o = CURATED[rng.randrange(len(CURATED))] if rng.random() < 0.002 else f"{OIH}syn/e{target()}"
            if o == f"{OIH}syn/e{i}":
                continue
            rel = rng.choices(rels, rel_w)[0]
            buf.append(f"{e} <{rel}> <{o}> .")
            if j % 2 == 0:  # each second edge with its sources
                ax = f"_:a{i}_{j}"
                buf += [f"{ax} <{TYPE}> <{OWL}Axiom> .", f"{ax} <{OWL}annotatedSource> {e} .",
                        f"{ax} <{OWL}annotatedProperty> <{rel}> .", f"{ax} <{OWL}annotatedTarget> <{o}> .",
                        f'{ax} <{SOURCE}> "PMID:{rng.randrange(10_000_000, 40_000_000)}" .']
        if len(buf) > 50_000:
            out.write("\n".join(buf) + "\n")
            written += len(buf)
            buf = []
    out.write("\n".join(buf) + "\n")
    return written + len(buf)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Write a synthetic graph as N-Triples to stdout.")
    ap.add_argument("triples", type=int, nargs="?", default=250_000)
    ap.add_argument("--shape", choices=["store", "mechanism"], default="store")
    args = ap.parse_args()
    if args.shape == "mechanism":
        mechanism_ntriples(args.triples)
    else:
        sys.stdout.write(synthetic_ntriples(args.triples))
