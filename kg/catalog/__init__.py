"""The read side of the graph: names, entities, edges and interventions over one store.

This module owns reading the graph as plain data. A :class:`Catalog` takes a
:class:`kg.store.Store` and the named queries (:mod:`kg.catalog.queries`) and answers
with JSON-ready values (IRIs as CURIEs): it resolves names (the one name
resolver: CURIE, IRI, label or synonym), searches, gives entity cards, edges
with evidence, interventions with their targets and pathways, named-query rows
and ad hoc SPARQL. Everything above it — the mechanism engine, the exports,
the map and the :class:`kg.OIHKG` façade — takes a catalog and never the store
directly, so the embedded store and a remote endpoint answer alike.

Modules: this one holds :class:`Catalog`, the one entry point, with the named
queries and ad hoc SPARQL; its reads are grouped by concern in
:mod:`kg.catalog.names` (the name index, the resolver and search),
:mod:`kg.catalog.cards` (entity cards, edges, merged graphs, interventions) and
:mod:`kg.catalog.editor` (what the SPARQL editor completes);
:mod:`kg.catalog.values` turns RDF terms into plain values;
:mod:`kg.catalog.queries` parses and runs the named query files; and
:mod:`kg.catalog.summary` gives a quick look at the served graph (``oihkg summary``).

Examples
--------
>>> from kg.store import open_store
>>> cat = Catalog(open_store())
>>> cat.curie("μOR"), cat.label(cat.resolve("HGNC:11850"))
('HGNC:8156', 'toll-like receptor 4')
>>> [hit["id"] for hit in cat.search("ketam")]
['CHEBI:6121']
>>> cat.sparql("ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> 'ketamine' }")
True
"""

from __future__ import annotations

from typing import Any

from kg.catalog.cards import CardReads
from kg.catalog.editor import EditorData
from kg.catalog.names import NameReads, Names
from kg.catalog.queries import NamedQuery, load_queries, ready, run
from kg.catalog.values import plain, plain_row
from kg.store import Boolean, Row, Solutions, Store

__all__ = ["Catalog", "Names", "plain", "plain_row"]


class Catalog(NameReads, CardReads, EditorData):
    """Plain-data reads of the graph over one store: names (:class:`~kg.catalog.names.NameReads`), entities
    (:class:`~kg.catalog.cards.CardReads`), the SPARQL editor's data (:class:`~kg.catalog.editor.EditorData`), and
    here the named queries and ad hoc SPARQL.

    Parameters
    ----------
    store : kg.store.Store
        The embedded store or a remote endpoint.
    queries : dict of NamedQuery, optional
        The named queries by name (default: ``queries/*.rq``).
    """

    def __init__(self, store: Store, queries: dict[str, NamedQuery] | None = None):
        self.store = store
        self.queries = queries if queries is not None else load_queries()

    # -- queries
    def _named(self, name: str | NamedQuery) -> NamedQuery:
        if isinstance(name, NamedQuery):
            return name
        if name not in self.queries:
            raise KeyError(f"no named query {name!r}; known: {', '.join(sorted(self.queries))}")
        return self.queries[name]

    def query(self, name: str | NamedQuery, **params: str) -> list[dict]:
        """Run a named query (``queries/NAME.rq``, or a parsed query file) with parameters given by entity name; rows of
        plain values.

        Raises
        ------
        KeyError
            No named query has that name.
        ValueError, UnknownEntity, AmbiguousEntity
            A parameter is missing, unknown, or names no entity or several.
        """
        return self.run_query(name, params)

    def run_query(self, name: str | NamedQuery, params: dict[str, str], limit: int | None = None) -> list[dict]:
        """:meth:`query` with the parameters as a dict (so no parameter name can clash with an option) and at most
        ``limit`` rows (:class:`kg.store.ResultTooLarge` past it): for a client's request, which may not make the
        server hold a merged graph's every edge."""
        return [plain_row(r) for r in run(self.store, self._named(name), params, self.resolve, limit)]

    def rows(self, name: str | NamedQuery, **params: str) -> list[Row]:
        """The rows of a named query as RDF terms (full IRIs), for callers that compare IRIs; as :meth:`query`."""
        return run(self.store, self._named(name), params, self.resolve)

    def triples(self) -> list:
        """Every triple of the served graph (asserted and inferred), as pyoxigraph triples."""
        return self.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def sparql(self, text: str, source: str = "query") -> Any:
        """Run SPARQL: SELECT → rows of plain values, ASK → bool, CONSTRUCT/DESCRIBE → triples of plain values. The
        well-known prefixes it uses without declaring them are declared, as the SPARQL editor declares them
        (:func:`kg.catalog.queries.ready`).

        Raises
        ------
        kg.catalog.queries.SparqlSyntaxError
            One sentence saying what to change, with the line and column of the problem, naming ``source``.
        """
        result = self.store.query(ready(text, source))
        if isinstance(result, Solutions):
            return [{k: plain(v) for k, v in r.items()} for r in result]
        if isinstance(result, Boolean):
            return result.value
        return [tuple(plain(x) for x in (t.subject, t.predicate, t.object)) for t in result]
