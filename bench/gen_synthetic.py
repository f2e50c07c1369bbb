"""A synthetic graph shaped like the OIH graph, for store benchmarks.

Entities with labels and a type, grouped into pathways (``part_of_pathway``),
linked by signed causal edges (``RO:0002304`` / ``RO:0002305``) to a few
random successors. About 8 triples per entity.

Usage::

    .venv/bin/python bench/gen_synthetic.py 250000 > /tmp/synthetic.nt
"""

from __future__ import annotations

import random
import sys

__all__ = ["synthetic_ntriples", "TWO_HOP", "TWO_HOP_PATHWAY"]

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
    for i in range(n):
        e = f"<{OIH}e{i}>"
        lines.append(f'{e} <{LABEL}> "entity {i}" .')
        lines.append(f"{e} <{TYPE}> <{OIH}BiologicalProcess> .")
        lines.append(f"{e} <{OIH}part_of_pathway> <{OIH}pathway_{rng.randrange(pathways)}> .")
        for _ in range(5):
            rel = UP if rng.random() < 0.7 else DOWN
            lines.append(f"{e} <{rel}> <{OIH}e{rng.randrange(n)}> .")
    return "\n".join(lines[:triples]) + "\n"


if __name__ == "__main__":
    sys.stdout.write(synthetic_ntriples(int(sys.argv[1]) if len(sys.argv) > 1 else 250_000))
