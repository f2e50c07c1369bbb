"""Reason over the built ontology with HermiT, and explain and verify every inferred triple.

:func:`reason` loads ``oih.owl`` into a fresh owlready2 world, runs HermiT
(``infer_property_values=True``), and keeps what the reasoner added and the
asserted graph lacks. Each inferred triple gets an :class:`Explanation`: the
asserted triples, type assertions, closure axioms and schema axioms that
entail it. :func:`verify_explanations` proves every explanation with more
HermiT runs over renamed copies of the explanations alone. An inconsistent
ontology raises :class:`InconsistentOntologyError` naming the offending
axioms; nothing is written then. One module per part:

* :mod:`kg.reason.hermit` — running HermiT (one world, or several in one JVM), inconsistency reports;
* :mod:`kg.reason.context` — the asserted ontology in one context, its statements that hold there made assertions;
* :mod:`kg.reason.infer` — one reasoner run: the world, the inferred triples;
* :mod:`kg.reason.explain` — the explanation of each inferred triple;
* :mod:`kg.reason.verify` — re-deriving each inference from its explanation;
* :mod:`kg.reason.output` — the inferred graph, and the whole step;
* :mod:`kg.reason.rl` — OWL 2 RL materialisation for large instance graphs (``oihkg materialise``, the façade's
  ``materialise``: :func:`kg.reason.rl.closure`), beside HermiT.
"""

from kg.reason.explain import Explanation, Inference, Step
from kg.reason.hermit import InconsistentOntologyError, run_hermit
from kg.reason.infer import infer
from kg.reason.output import ReasonResult, inferred_graph, reason
from kg.reason.verify import verify_explanations

__all__ = [
    "Step",
    "Explanation",
    "Inference",
    "ReasonResult",
    "InconsistentOntologyError",
    "run_hermit",
    "infer",
    "verify_explanations",
    "reason",
    "inferred_graph",
]
