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

from kg.store import GRAPH_TYPES, RESULT_TYPES, QueryError, Store
from kg.workers import Answer

__all__ = ["RESULT_TYPES", "GRAPH_TYPES", "NotAcceptable", "ServiceRefused", "negotiate", "services", "check_services",
           "answer", "service_description"]


class NotAcceptable(Exception):
    """No media type of the result kind satisfies the Accept header."""


class ServiceRefused(QueryError):
    """The query has a SERVICE clause to an endpoint the operator did not allow: the server makes no outbound request."""


def _walk_services(node, out: list) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            out.append(node.get("term"))
        for value in node.values():
            _walk_services(value, out)
    elif isinstance(node, (list, tuple)) or (hasattr(node, "__iter__") and not isinstance(node, (str, bytes, dict))):
        for value in node:
            _walk_services(value, out)


def services(query: str) -> list[str] | None:
    """The endpoints of the query's SERVICE clauses (``?var`` for a variable one), or None when rdflib cannot parse it.

    Examples
    --------
    >>> services("SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"), services("ASK {}")
    (['http://127.0.0.1:1/x'], [])
    """
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(query)
    except Exception:  # noqa: BLE001 - the other parser's failure: unknown
        return None
    found: list = []
    _walk_services(parsed, found)
    return [f"?{t}" if t.__class__.__name__ == "Variable" else str(t) for t in found]


def check_services(query: str, allowed: tuple[str, ...] = ()) -> None:
    """Refuse a query whose SERVICE clauses name an endpoint outside ``allowed`` (a variable one is never allowed).

    A query without the word ``service`` (and without ``\\u`` escapes, which could spell it) is let through
    unparsed; one that mentions it but that rdflib cannot parse is refused, since it cannot be checked.

    Raises
    ------
    ServiceRefused
        Naming the clause.
    """
    lowered = query.lower()
    if "service" not in lowered and "\\u" not in lowered:
        return
    found = services(query)
    if found is None:
        raise ServiceRefused("the query mentions SERVICE but could not be checked for SERVICE clauses; "
                             "this endpoint makes no outbound request")
    refused = [s for s in found if s not in allowed]
    if refused:
        raise ServiceRefused(f"SERVICE <{refused[0][:200]}> is refused: this endpoint makes no outbound request "
                             "(the operator may allow endpoints with --allow-service)")


def negotiate(accept: str | None, offered: tuple[str, ...] | list[str]) -> str:
    """The best of ``offered`` (preferred first) for an ``Accept`` header; :class:`NotAcceptable` if none.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    'application/sparql-results+xml'
    """
    if not accept or accept.strip() in {"*/*", ""}:
        return offered[0]
    try:
        best = mimeparse.best_match(list(reversed(offered)), accept)
    except ValueError:
        raise QueryError(f"the Accept header {accept[:200]!r} is malformed") from None
    if not best:
        raise NotAcceptable(f"none of {', '.join(offered)} is acceptable to 'Accept: {accept}'")
    return best


def answer(store: Store, query: str, accept: str | None, default_graphs: list[str] | None,
           named_graphs: list[str] | None, limit: int, allowed_services: tuple[str, ...] = ()) -> Answer:
    """Run ``query`` once on ``store`` and serialize it in the best acceptable format.

    A SERVICE clause to an endpoint outside ``allowed_services`` is refused before anything runs.

    Raises
    ------
    kg.store.QuerySyntaxError
        The parser's message, for malformed SPARQL.
    kg.store.ResultTooLarge
        More than ``limit`` rows or triples.
    ServiceRefused
        A SERVICE clause the operator did not allow.
    NotAcceptable, kg.store.StoreError
    """
    check_services(query, allowed_services)
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
