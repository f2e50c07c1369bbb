"""The mechanism engine: paths, perturbations and the pain model, asked by entity name.

This module owns turning names into the engine's CURIEs and caching what the
engine reads once per store. An :class:`Engine` takes a
:class:`kg.catalog.Catalog`, builds the signed causal graph from it
(:mod:`kg.mechanism.graph`), and answers with :func:`kg.mechanism.paths.signed_paths`,
:func:`kg.mechanism.perturb.perturb` and :func:`kg.mechanism.model.simulate`; every name is resolved
by the catalog, the one name resolver. The :class:`kg.OIHKG` façade delegates
here; :mod:`kg.mechanism.observations` checks the text's claims against an engine.

Examples
--------
>>> from kg.catalog import Catalog
>>> from kg.store import open_store
>>> engine = Engine(Catalog(open_store()))
>>> engine.paths("TLR4", "hyperalgesic component").paths[0].sign
1
>>> engine.perturb(inhibit=["TLR4"]).summary()["H"]
'down'
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.schema import contexts
from kg.catalog import Catalog
from kg.schema.contexts import UnknownContextError
from kg.mechanism.graph import causal_graph, in_context
from kg.mechanism.model import Mechanism, ModelInputError, Scenario, SimulationResult, simulate
from kg.mechanism.paths import PathResult, PathStatus, prepare, signed_paths
from kg.mechanism.perturb import PerturbResult, perturb
from kg.catalog.queries import AmbiguousEntity, UnknownEntity

__all__ = ["Engine"]


class Engine:
    """Mechanism questions over one catalog; the causal graphs and the model's facts are read once and cached.

    Parameters
    ----------
    catalog : kg.catalog.Catalog
        The graph's read side.
    """

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._graphs: dict[tuple[bool, str | None], nx.MultiDiGraph] = {}
        self._mechanisms: dict[str, Mechanism] = {}

    def causal_graph(self, include_inferred: bool = False, context: str | None = None) -> nx.MultiDiGraph:
        """The signed causal graph (:func:`kg.mechanism.graph.causal_graph`), frozen (shared): copy it to change it.

        ``context`` None keeps every edge, each with its context; a context CURIE keeps the edges that hold in it, and
        ``""`` those that hold in every context (:func:`kg.mechanism.graph.in_context`).
        """
        key = (include_inferred, context)
        if key not in self._graphs:  # frozen: shared by every answer, and its search pairs kept
            if context is None:
                g = causal_graph(self.catalog, include_inferred)
            else:
                g = in_context(self.causal_graph(include_inferred), context)
            self._graphs[key] = prepare(nx.freeze(g))
        return self._graphs[key]

    def context(self, name: str | None) -> str | None:
        """The CURIE of a context named any way (``acute``, ``chronic exposure``, ``OIH``), None for none.

        Raises
        ------
        kg.schema.contexts.UnknownContextError
            When the name is no context of the model (an exposure or a condition some statement holds in).
        """
        if not name:
            return None
        known = self.contexts()
        try:
            curie = self.catalog.curie(name)
        except (UnknownEntity, AmbiguousEntity):
            curie = None
        if curie not in known:
            shown = name if len(name) <= 80 else name[:77] + "..."
            raise UnknownContextError(f"{shown!r} is not a context; the contexts are {', '.join(sorted(known))}")
        return curie

    def query_in_context(self, name: str, context: str | None = None, **params) -> list[dict]:
        """The rows of a named query whose ``context`` column holds in ``context`` (every row without one): a row with
        no context holds in every context (:func:`kg.schema.contexts.holds_in`)."""
        return self._holding(name, context, lambda: self.catalog.query(name, **params))

    def _holding(self, name, context: str | None, rows) -> list[dict]:
        """The rows (``rows()``) of the named query ``name`` that hold in ``context``, all without one; a context on a
        query without a ``context`` column raises :class:`kg.schema.contexts.UnknownContextError`."""
        ctx = self.context(context)
        if ctx is None:
            return rows()
        query = self.catalog.queries.get(name) if isinstance(name, str) else name
        if query is not None and "context" not in query.returns:
            raise UnknownContextError(f"the named query {query.name} has no context column: its rows hold in every "
                                      "context, so it takes no context")
        return [r for r in rows() if contexts.holds_in(r.get("context") or "", ctx)]

    def run_query(self, name: str, params: dict[str, str], limit: int | None = None) -> list[dict]:
        """A named query for a client (:meth:`kg.catalog.Catalog.run_query`); a ``context`` parameter the query does not
        declare keeps the rows that hold in that context."""
        query = self.catalog.queries.get(name)
        declared = {p.name for p in query.params} if query is not None else set()
        if "context" not in params or "context" in declared:
            return self.catalog.run_query(name, params, limit)
        params = dict(params)
        context = params.pop("context")
        return self._holding(name, context, lambda: self.catalog.run_query(name, params, limit))

    def contexts(self) -> tuple[str, ...]:
        """Every context of the model: each one a statement holds in, and the broader ones they imply."""
        g = self.causal_graph()
        return contexts.reasoning_contexts({c for _, _, c in g.edges(data="context") if c})

    def mechanism(self, context: str | None = None) -> Mechanism:
        """The graph facts of the pain model (:class:`kg.mechanism.model.Mechanism`), from the statements that hold in ``context``
        (chronic exposure by default: the model's exposure t runs in weeks)."""
        context = context or contexts.CHRONIC
        if context not in self._mechanisms:
            self._mechanisms[context] = Mechanism.from_catalog(self.catalog, self.causal_graph(context=context))
        return self._mechanisms[context]

    def _exposure(self, name: str | None) -> str:
        """The exposure context a simulation runs in: chronic by default; :class:`kg.mechanism.model.ModelInputError` otherwise."""
        try:
            ctx = self.context(name) or contexts.CHRONIC
        except UnknownContextError as exc:
            raise ModelInputError("context", str(exc)) from None
        if ctx not in (contexts.ACUTE, contexts.CHRONIC):
            raise ModelInputError("context", f"{ctx} is a condition the model classifies (OIH or tolerance), not how the "
                                             f"drug is given: simulate {contexts.ACUTE} or {contexts.CHRONIC}")
        return ctx

    def paths(self, source: str, target: str, max_length: int = 8, sign: int | None = None, limit: int = 100,
              include_inferred: bool = False, context: str | None = None) -> PathResult:
        """Signed causal paths between two entities named any way (:func:`kg.mechanism.paths.signed_paths`).

        Without ``context`` every path is searched and labelled with the contexts it holds in, and none joins
        statements of contexts that exclude each other; with one, only statements that hold in it are followed.
        An unknown name gives a result with status ``unknown_node``; an ambiguous one raises
        ``kg.catalog.queries.AmbiguousEntity``; an unknown context :class:`kg.schema.contexts.UnknownContextError`.
        """
        context = self.context(context)
        ends = []
        for name in (source, target):
            try:
                ends.append(self.catalog.curie(name))
            except UnknownEntity as exc:
                return PathResult(PathStatus.unknown_node, source, target, message=str(exc))
        return signed_paths(self.causal_graph(include_inferred, context), *ends, max_length=max_length, sign=sign, limit=limit)

    def perturb(self, inhibit=(), activate=(), knockout=(), max_length: int = 8, context: str | None = None) -> PerturbResult:
        """Predicted direction of every node, and of A, H and P, after a perturbation (:func:`kg.mechanism.perturb.perturb`).

        Signs propagate over the statements that hold in ``context``; without one, over those that hold in every
        context (so opposite statements of two contexts never meet). Names are resolved first; an unknown one
        raises ``kg.catalog.queries.UnknownEntity``.
        """
        ids = {k: [self.catalog.curie(n) for n in v] for k, v in (("inhibit", inhibit), ("activate", activate), ("knockout", knockout))}
        return perturb(self.causal_graph(context=self.context(context) or ""), max_length=max_length, **ids)

    def _field(self, field: str, name: str) -> str:
        try:
            return self.catalog.curie(name)
        except UnknownEntity as exc:
            raise ModelInputError(field, str(exc)) from None

    def simulate(self, interventions=(), context: str | None = None, **params: Any) -> SimulationResult:
        """Run the illustrative model P = P0 - A + H (:func:`kg.mechanism.model.simulate`).

        ``params`` override ``kg/mechanism/model_params.toml``; invalid values raise ``pydantic.ValidationError``
        naming the field. Interventions, pathway names in ``gains`` and the patient ``profile`` (a condition that
        predisposes to OIH, e.g. ``"fibromyalgia"``) may be given any way; one the graph does not know raises
        :class:`kg.mechanism.model.ModelInputError` naming the field. ``context`` is how the drug is given, chronic exposure
        (default) or acute administration (one dose: exposure 0; another exposure is an error); the graph facts come
        from the statements that hold there. A condition (OIH, tolerance) is not a context to simulate in: it is
        what the simulation classifies.
        """
        ctx = self._exposure(context)
        if ctx == contexts.ACUTE:
            if not _zero(params.get("exposure")):
                raise ModelInputError("exposure", "acute administration is one dose, with no exposure time: leave exposure "
                                                  f"out (or 0), or simulate chronic exposure; got exposure {params['exposure']}")
            params["exposure"] = 0
        params["context"] = ctx
        mech = self.mechanism(ctx)
        gains = {mech.pathway(self._field("gains", name)): value for name, value in (params.pop("gains", None) or {}).items()}
        if params.get("profile"):
            params["profile"] = self._field("profile", params["profile"])
        scenario = Scenario(interventions=[self.catalog.curie(n) for n in interventions], gains=gains, **params)
        return simulate(mech, scenario)


def _zero(value: Any) -> bool:
    """Whether an exposure given any way (a number, its text, or nothing) is none."""
    try:
        return value is None or float(value) == 0
    except (TypeError, ValueError):
        return False

