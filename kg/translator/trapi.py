"""TRAPI over the same model: lookups over the Biolink graph, Pathfinder, and the meta knowledge graph.

This module owns the Translator Reasoner API's one entry point. :class:`TRAPI` answers ``POST
/query`` bodies over the served graph said in Biolink
(:class:`kg.translator.graph.BiolinkGraph`, built once per store): one-hop and multi-hop
query graphs whose node ids and categories and edge predicates match their
descendants (a drug class's members, xrefs, Biolink's sub-categories and
sub-predicates, inverses and symmetric predicates), qualifier and attribute
constraints (a context asked in Biolink's context qualifiers,
:mod:`kg.translator.context`), set-valued nodes, and TRAPI 1.6 Pathfinder queries
answered from the signed path engine (:mod:`kg.mechanism.paths`), each path an auxiliary
graph with its net sign and the contexts it holds in. Requests are validated with the TRAPI models of ``reasoner-pydantic``;
one this provider refuses raises :class:`TRAPIError` with the HTTP status, the
TRAPI log code and a sentence, and :meth:`TRAPIError.response` says it as a
valid TRAPI response (:mod:`kg.translator.refusals`). Every query is bounded (:class:`Limits`).
The work is the wing's other modules': reading the request (:mod:`kg.translator.request`), matching the
query graph (:mod:`kg.translator.matching`), lookups (:mod:`kg.translator.lookup`), Pathfinder
(:mod:`kg.translator.pathfinder`) and the meta knowledge graph (:mod:`kg.translator.meta`).

Examples
--------
>>> from kg.catalog import Catalog
>>> from kg.mechanism.engine import Engine
>>> from kg.store import open_store
>>> trapi = TRAPI(Engine(Catalog(open_store())))
>>> qg = {"nodes": {"drug": {"categories": ["biolink:ChemicalEntity"]}, "nmda": {"ids": ["GO:0017146"]}},
...       "edges": {"e": {"subject": "drug", "object": "nmda", "predicates": ["biolink:affects"]}}}
>>> answer = trapi.query({"message": {"query_graph": qg}})
>>> "CHEBI:6121" in {b["id"] for r in answer["message"]["results"] for b in r["node_bindings"]["drug"]}
True
"""

from __future__ import annotations

import time
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kg.translator import lookup, meta
from kg.translator import model as biolink
from kg.translator import pathfinder as paths
from kg.translator.graph import INFORES, BiolinkGraph
from kg.translator.matching import attribute_types
from kg.translator.refusals import PATHFINDER_VERSION, TRAPI_VERSION, TRAPIError
from kg.translator.refusals import log as _log
from kg.translator.request import OPERATIONS, Limits, validate

if TYPE_CHECKING:
    from kg.mechanism.engine import Engine

__all__ = ["TRAPI_VERSION", "PATHFINDER_VERSION", "OPERATIONS", "Limits", "TRAPIError", "TRAPI"]


class TRAPI:
    """The TRAPI knowledge provider over one engine: ``query`` and ``meta_knowledge_graph``; the Biolink graph is built
    once per store and kept.

    Parameters
    ----------
    engine : kg.mechanism.engine.Engine
        The mechanism engine (Pathfinder uses its signed paths; everything else its catalog).
    limits : Limits, optional
        What one query may cost.
    """

    def __init__(self, engine: Engine, limits: Limits | None = None):
        self.engine = engine
        self.limits = limits or Limits()

    @cached_property
    def graph(self) -> BiolinkGraph:
        """The served graph in Biolink, built on first use."""
        return BiolinkGraph.from_catalog(self.engine.catalog)

    @cached_property
    def _attribute_types(self) -> tuple[frozenset[str], frozenset[str]]:
        """The attribute types the graph's nodes and edges carry, which constraints may name."""
        return attribute_types(self.graph)

    # -- the meta knowledge graph
    def meta_knowledge_graph(self) -> dict:
        """Every (subject category, predicate, object category) the graph holds, with its qualifiers and attributes,
        the id prefixes of each category, and the counts (``counts``, beside the TRAPI fields)."""
        return meta.meta_knowledge_graph(self.graph)

    # -- queries
    def query(self, request: dict) -> dict:
        """Answer a TRAPI ``Query`` body (a dict) with a TRAPI ``Response`` (a dict).

        Raises
        ------
        TRAPIError
            400 for a body that is no valid TRAPI query or a query graph this provider cannot traverse, 413 for one over
            the limits, 501 for a workflow operation other than ``lookup``.
        """
        message = self._validate(request)
        qg = message["query_graph"]
        logs: list[dict] = []
        deadline = time.monotonic() + self.limits.seconds
        pathfinder = qg.get("paths") is not None
        if pathfinder:
            results, edge_ids, aux = self._pathfinder(qg, logs, deadline)
        else:
            (results, edge_ids), aux = self._lookup(qg, logs, deadline), {}
        node_ids = {b["id"] for r in results for bs in r["node_bindings"].values() for b in bs}
        kg, support = self.graph.message_graphs(edge_ids, node_ids)
        logs.append(_log("INFO", f"{len(results)} results, {len(kg['edges'])} edges"))
        return {
            "message": {"query_graph": qg, "knowledge_graph": kg, "results": results, "auxiliary_graphs": {**support, **aux}},
            "logs": logs, "status": "Success", "description": f"{len(results)} results from {INFORES}",
            "schema_version": PATHFINDER_VERSION if pathfinder else TRAPI_VERSION, "biolink_version": biolink.version(),
        }

    def _validate(self, request: Any) -> dict:
        """The message of a valid request (:func:`kg.translator.request.validate`)."""
        return validate(request)

    def _lookup(self, qg: dict, logs: list[dict], deadline: float) -> tuple[list[dict], set[str]]:
        """Results and their edges for a query graph with edges (:func:`kg.translator.lookup.lookup`)."""
        return lookup.lookup(qg, logs, deadline, graph=self.graph, limits=self.limits, engine=self.engine,
                             attribute_types=self._attribute_types)

    def _pathfinder(self, qg: dict, logs: list[dict], deadline: float) -> tuple[list[dict], set[str], dict]:
        """Results, their edges and the paths' auxiliary graphs for a Pathfinder query (:mod:`kg.translator.pathfinder`)."""
        return paths.pathfinder(qg, logs, deadline, graph=self.graph, limits=self.limits, engine=self.engine,
                                offered=self._attribute_types[0])
