"""The Translator wing, and the door TRAPI clients come in by: the Biolink model, the served graph said in it, and TRAPI
over that graph. The HTTP API reaches the wing through the names this module exports only.

Modules, and what each owns:

- :mod:`kg.translator.model` — the Biolink model as the ``biolink-model`` package ships it: its schema, classes and
  slots with their closures, the categories and statements the model is said in, and what the mapping table lacks.
- :mod:`kg.translator.graph` — the served graph said in Biolink (:class:`BiolinkGraph`, its ``Node`` and ``Edge``),
  built from the catalog, with evidence as attributes and explanations as support graphs.
- :mod:`kg.translator.biolink` — both of those under one import path (``biolink.version()``, ``biolink.BiolinkGraph``).
- :mod:`kg.translator.context` — contexts as Biolink qualifiers, and a query's qualifier sets read as contexts.
- :mod:`kg.translator.request` — reading a TRAPI request: validation, the workflow, :class:`Limits`, query nodes and
  edges.
- :mod:`kg.translator.matching` — matching a query graph against the Biolink graph: node and edge bindings,
  attribute constraints, the backtracking join.
- :mod:`kg.translator.lookup` — lookup answers: results and the edges they bind.
- :mod:`kg.translator.pathfinder` — TRAPI 1.6 Pathfinder queries answered from the signed path engine.
- :mod:`kg.translator.meta` — the meta knowledge graph.
- :mod:`kg.translator.trapi` — :class:`TRAPI`, the one entry point: ``query`` and ``meta_knowledge_graph``.
- :mod:`kg.translator.refusals` — the TRAPI body of a refused query (:func:`refusal`) and the versions answered in.
"""

from kg.translator.graph import INFORES, BiolinkGraph, Edge, Node
from kg.translator.model import version as biolink_version
from kg.translator.refusals import PATHFINDER_VERSION, TRAPI_VERSION, TRAPIError, refusal
from kg.translator.request import OPERATIONS, Limits
from kg.translator.trapi import TRAPI

__all__ = ["TRAPI", "Limits", "OPERATIONS", "TRAPI_VERSION", "PATHFINDER_VERSION", "TRAPIError", "refusal", "INFORES",
           "biolink_version", "BiolinkGraph", "Edge", "Node"]
