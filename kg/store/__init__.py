"""Where the graph lives: one typed query call, an embedded and a remote backend, one selector string.

This wing owns the backends. :meth:`Store.query` is the one call every other
module makes, in the manner of pyoxigraph's ``Store.query``: its result type
says the query form — :class:`Solutions` (SELECT), :class:`Boolean` (ASK) or
:class:`Triples` (CONSTRUCT, DESCRIBE) — and is the same on both backends. A
query runs once; a row limit, when given, is applied on both backends and
raises :class:`ResultTooLarge`. Failures are typed: :class:`QueryError` and
its :class:`QuerySyntaxError` (the query cannot run as given; the parser's or
the endpoint's message), :class:`ResultTooLarge`, :class:`StoreError` (the
query failed while running) and its :class:`EndpointError` (the endpoint
behind a remote store failed).

:class:`EmbeddedStore` is a pyoxigraph store, in memory or on disk, loaded from
the release artifacts; :class:`RemoteStore` talks the SPARQL 1.1 Protocol to
any endpoint (Oxigraph server, Fuseki, Virtuoso, QLever, GraphDB) and can
upload the graphs through the Graph Store Protocol. :func:`open_store` opens
either from one selector string, in the manner of oaklib's ``get_adapter``:
``oxigraph:memory``, ``oxigraph:DIR`` or ``sparql:URL``.

Asserted triples live in the graph ``https://w3id.org/oihkg/graph/asserted``,
inferred ones in ``…/graph/inferred``, and queries see their union as the
default graph. Parameters bind as RDF terms: pyoxigraph substitutions in the
embedded store, a trailing ``VALUES`` block for remote endpoints, so a
parameter value can never change the query's text. A parameter variable must
appear in the query's projection (pyoxigraph's substitution rule, SEP-0007)
and in a triple pattern rather than only in a FILTER (so that a trailing
VALUES block binds it the same way).

The wing's modules, one concept each:

- :mod:`kg.store.interface`: :class:`Store`, what every backend answers, and :class:`Loadable`, the capability of
  putting graphs in and taking them out (the artifacts, and graphs merged in with ``oihkg load``);
- :mod:`kg.store.results`: the typed results (:class:`Solutions`, :class:`Boolean`, :class:`Triples`, :data:`Row`,
  :data:`Term`) and the helpers that type a backend's answer within a row limit;
- :mod:`kg.store.embedded`: :class:`EmbeddedStore`, the pyoxigraph backend, and its row-limited writer;
- :mod:`kg.store.remote`: :class:`RemoteStore`, the SPARQL 1.1 Protocol backend, and its :class:`ResponseReader`;
- :mod:`kg.store.select`: :func:`open_store` and :func:`selector`, the one selector string;
- :mod:`kg.store.record`: the graphs' IRIs and the record of what a store holds (:data:`META`, :data:`LOADED`,
  :func:`meta_ntriples`, :func:`artifacts_checksum`, the fingerprint);
- :mod:`kg.store.text`: the one reader of SPARQL text — its lexer (:data:`kg.store.text.LEXEME`), rdflib's parse
  tree, the prefixes, dataset and functions a query names, and the query as the server runs it;
- :mod:`kg.store.shape`: what the text makes of the answer and the parameters — :func:`query_form`,
  :func:`boolean_columns`, the query's own row limit, and :func:`bind_values`;
- :mod:`kg.store.merge`: reading other graphs (N-Triples, Turtle, KGX) whole before they are merged in;
- :mod:`kg.store.leftovers`: sweeping what a load cut short left in a store's folder;
- :mod:`kg.store.virtuoso`: Virtuoso's bulk loader as a :class:`Loadable` (``scripts/virtuoso.py`` starts and stops
  the server);
- :mod:`kg.store.messages`: what a store says, in a sentence, when it cannot open or an endpoint answers amiss.

Examples
--------
>>> store = open_store("oxigraph:memory")
>>> result = store.query(
...     "SELECT ?x ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
...     {"x": NamedNode("http://purl.obolibrary.org/obo/CHEBI_6121")})
>>> result.kind, [r["label"].value for r in result]
('solutions', ['ketamine'])
>>> bool(store.query("ASK { ?s ?p ?o }"))
True
>>> store.query("SELECT * WHERE { ?s ?p ?o }", limit=10)
Traceback (most recent call last):
...
kg.errors.ResultTooLarge: the result has more than 10 rows; add a LIMIT
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from kg.errors import EndpointError, EndpointTimeout, QueryError, QuerySyntaxError, ResultTooLarge, StoreError, WrongQueryForm
from kg.store.embedded import EmbeddedStore
from kg.store.interface import Loadable, Store
from kg.store.record import (ASSERTED, CHECKSUM, INFERRED, LOADED, META, SOURCE, TRIPLES, artifacts_checksum, file_sha256,
                             meta_ntriples)
from kg.store.remote import RemoteStore, ResponseReader
from kg.store.results import GRAPH_TYPES, RESULT_TYPES, Boolean, Result, Row, Solutions, Term, Triples
from kg.store.select import open_store, selector
from kg.store.shape import bind_values, boolean_columns, query_form
from kg.store.text import parse_tree

__all__ = [
    "Term", "Row", "Solutions", "Boolean", "Triples", "Result", "Store", "EmbeddedStore", "RemoteStore",
    "StoreError",
    "EndpointError",
    "EndpointTimeout",
    "QueryError",
    "QuerySyntaxError",
    "ResultTooLarge",
    "WrongQueryForm",
    "open_store",
    "selector",
    "query_form",
    "parse_tree",
    "boolean_columns",
    "bind_values",
    "artifacts_checksum",
    "file_sha256",
    "meta_ntriples",
    "ASSERTED",
    "INFERRED",
    "LOADED",
    "NamedNode",
    "Literal",
    # beside today's names: the capability of loading, the response reader, the record's IRIs, the media types
    "Loadable", "ResponseReader", "META", "CHECKSUM", "SOURCE", "TRIPLES", "RESULT_TYPES", "GRAPH_TYPES",
]
