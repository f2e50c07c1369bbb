"""oihkg: a knowledge graph and mechanism query engine for opioid-induced hyperalgesia.

This package is the graph's door. :class:`OIHKG` (:mod:`kg.facade`) is the one entry point that notebooks, the CLI and
the HTTP API call: it opens a store from a selector (embedded by default, any SPARQL 1.1 endpoint by URL), builds the
layers over it and delegates to them. Beside it the door names what a curator or a face needs without a graph: the
paths and settings (:mod:`kg.config`), a project of one's own (:mod:`kg.project`), the model compiler and the
reasoner (``build_model``, ``reason_model``), named query files, the export formats and the figure, each imported on
first use. The SPARQL endpoint has a door of its own (:mod:`kg.endpoint`), TRAPI clients another
(:mod:`kg.translator`), and every typed failure is in :mod:`kg.errors`.

The wings below, lowest first: :mod:`kg.schema` (namespaces, terms, the mapping table, contexts), :mod:`kg.compile`
(rows → ontology → artifacts) and :mod:`kg.reason` (HermiT, explanations, OWL RL), :mod:`kg.store` (embedded and
remote stores, one reader of SPARQL text), :mod:`kg.catalog` (names, entities, edges, named queries) and
:mod:`kg.present` (how results show), :mod:`kg.mechanism` (graph, paths, perturbations, the pain model, the text's
claims), :mod:`kg.outputs` (exports, the map, the figure) and :mod:`kg.translator` (Biolink, TRAPI). Data flows one
way, up; nothing below the façade receives it.

Examples
--------
>>> from kg import OIHKG
>>> kg = OIHKG.open()
>>> [hit["id"] for hit in kg.search("TLR4")][:1]
['HGNC:11850']
>>> sorted({r["interventionLabel"] for r in kg.query("analgesia-sparing-interventions")})[:3]
['TLR4 antagonist', 'ibudilast', 'microglial activation inhibitor']
>>> [(r["direction"], r["pathwayLabel"]) for r in kg.query("pathways-for-intervention", intervention="ketamine")]
[('inhibits', 'NMDA receptor / central sensitization pathway')]
>>> p = kg.paths("morphine", "TLR4").paths[0]  # what the text says of opioids holds for morphine, in OIH
>>> p.edges[0]["via"], p.contexts
('oih:opioid', ('oih:oih',))
>>> kg.sparql("ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> 'ketamine' }")
True
>>> OIHKG.open(selector="oxigraph:memory").store.selector
'oxigraph:memory'
>>> kg.paths("TLR4", "hyperalgesic component").paths[0].sign
1
>>> kg.perturb(activate=["ketamine"]).summary()  # giving ketamine
{'A': 'unchanged', 'H': 'down', 'P': 'down'}
>>> kg.simulate(interventions=["test taper"]).test_taper["outcome"]
'pain falls: points to OIH'
>>> kg.check().counts()["contradicted"]
0
"""

from __future__ import annotations

from typing import Any

from kg.config import Paths, ReadOnlyModel, default_paths, default_seed, writable
from kg.facade import OIHKG
from kg.project import check_project, init_project

__all__ = ["OIHKG", "__version__", "Paths", "ReadOnlyModel", "default_paths", "default_seed", "writable",
           "init_project", "check_project", "selector", "build_model", "reason_model", "load_queries",
           "parse_query_file", "FORMATS", "plot", "steps", "Scenario", "evidence_strength", "mutants", "mutate"]
__version__ = "0.1.0"


def __dir__() -> list[str]:
    """The door's names, the ones opened on first use included (for ``dir(kg)`` and a notebook's completion)."""
    return sorted({*globals(), *__all__})


def __getattr__(name: str) -> Any:
    """The door's other names, each imported on first use (PEP 562) so that ``import kg`` stays quick: the store
    selector, the model compiler and reasoner (``build_model``, ``reason_model``), named query files, the export
    formats, the figure, a paths table's steps, the simulator's scenario, evidence strength, and mutation testing."""
    if name == "selector":
        from kg.store import selector as found
    elif name == "build_model":
        from kg.compile import build as found
    elif name == "reason_model":
        from kg.reason import reason as found
    elif name in ("load_queries", "parse_query_file"):
        from kg.catalog import queries

        found = getattr(queries, name)
    elif name == "FORMATS":
        from kg.outputs.export import FORMATS as found
    elif name == "plot":
        from kg.outputs.figure import plot as found
    elif name == "steps":
        from kg.present.notebook import steps as found
    elif name == "Scenario":
        from kg.mechanism.model import Scenario as found
    elif name == "evidence_strength":
        from kg.schema import evidence_strength as found
    elif name in ("mutants", "mutate"):
        from kg.mechanism import mutation

        found = getattr(mutation, name)
    else:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    return found
