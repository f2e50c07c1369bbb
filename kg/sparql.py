"""Answer SPARQL 1.1 Protocol requests: run once, negotiate the result format, serialize.

This module owns the protocol's side of a query: :func:`answer` runs in a
:class:`kg.workers.QueryPool` worker (so a long query can be stopped), takes
the typed result of :meth:`kg.store.Store.query` (the same on every backend,
with the row limit applied), picks the best media type of that result's kind
with ``python-mimeparse`` and returns an :class:`kg.workers.Answer`. Failures
stay typed (:class:`NotAcceptable` here; :class:`kg.store.QuerySyntaxError`,
:class:`kg.store.ResultTooLarge`, :class:`kg.store.StoreError` from the store),
so the HTTP layer maps classes to status codes.

Examples
--------
>>> from kg.store import open_store
>>> ans = answer(open_store(), "ASK { ?s ?p ?o }", "application/sparql-results+xml", None, None, 10)
>>> ans.kind, ans.media_type
('boolean', 'application/sparql-results+xml')
"""

from __future__ import annotations

import mimeparse

from kg.store import GRAPH_TYPES, RESULT_TYPES, Store
from kg.workers import Answer

__all__ = ["RESULT_TYPES", "GRAPH_TYPES", "NotAcceptable", "negotiate", "answer", "service_description"]


class NotAcceptable(Exception):
    """No media type of the result kind satisfies the Accept header."""


def negotiate(accept: str | None, offered: tuple[str, ...] | list[str]) -> str:
    """The best of ``offered`` (preferred first) for an ``Accept`` header; :class:`NotAcceptable` if none.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    'application/sparql-results+xml'
    """
    if not accept or accept.strip() in {"*/*", ""}:
        return offered[0]
    best = mimeparse.best_match(list(reversed(offered)), accept)
    if not best:
        raise NotAcceptable(f"none of {', '.join(offered)} is acceptable to 'Accept: {accept}'")
    return best


def answer(store: Store, query: str, accept: str | None, default_graphs: list[str] | None,
           named_graphs: list[str] | None, limit: int) -> Answer:
    """Run ``query`` once on ``store`` and serialize it in the best acceptable format.

    Raises
    ------
    kg.store.QuerySyntaxError
        The parser's message, for malformed SPARQL.
    kg.store.ResultTooLarge
        More than ``limit`` rows or triples.
    NotAcceptable, kg.store.StoreError
    """
    result = store.query(query, default_graphs=default_graphs, named_graphs=named_graphs, limit=limit)
    media = negotiate(accept, result.media_types)
    return Answer(result.kind, media, result.serialize(media))


def service_description(endpoint_url: str) -> str:
    """A SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    formats = " ,\n        ".join(
        f"<http://www.w3.org/ns/formats/{f}>" for f in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                                         "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD"))
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{endpoint_url}> a sd:Service ;
    rdfs:label "oihkg SPARQL endpoint (read-only)" ;
    sd:endpoint <{endpoint_url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat {formats} ;
    sd:defaultDataset [
        a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ; rdfs:comment "union of the asserted and inferred graphs" ] ;
        sd:namedGraph [ a sd:NamedGraph ; sd:name <https://w3id.org/oihkg/graph/asserted> ] ,
                      [ a sd:NamedGraph ; sd:name <https://w3id.org/oihkg/graph/inferred> ]
    ] .
"""
