"""Biolink, one import path for both halves: the model (:mod:`kg.translator.model`) and the served graph said in it
(:mod:`kg.translator.graph`).

``from kg.translator import biolink`` then ``biolink.version()``, ``biolink.BiolinkGraph``, ``biolink.INFORES``:
what callers wrote before the two were split, and still the short way to name them.
"""

from __future__ import annotations

from kg.translator.graph import INFORES, BiolinkGraph, Edge, Node, attribute
from kg.translator.model import (DIRECTED, Statement, ancestors, canonical, category, check, id_prefixes, inverse,
                                 node_category, predicate, predicate_ancestors, schema, statement, symmetric,
                                 value_ancestors, version)

#: The model's names (:mod:`kg.translator.model`), then the graph's (:mod:`kg.translator.graph`).
__all__ = ["schema", "version", "category", "predicate", "ancestors", "predicate_ancestors", "inverse", "symmetric",
           "canonical", "id_prefixes", "node_category", "value_ancestors", "Statement", "statement", "DIRECTED", "check",
           "INFORES", "attribute", "Node", "Edge", "BiolinkGraph"]
