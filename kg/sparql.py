"""Answer SPARQL 1.1 Protocol requests: negotiate the result format, run, serialize.

:func:`answer` runs in a :class:`kg.workers.QueryPool` worker (so a long query
can be stopped) and returns an :class:`kg.workers.Answer` or raises
:class:`NotAcceptable` / :class:`ResultTooLarge`. Content negotiation uses
``python-mimeparse`` over the formats of the query's result kind.
"""

from __future__ import annotations

from itertools import islice

import mimeparse

from kg.store import EmbeddedStore, Store, open_store
from kg.workers import Answer

__all__ = ["RESULT_TYPES", "GRAPH_TYPES", "NotAcceptable", "ResultTooLarge", "open_worker_store", "answer", "service_description"]

#: Media types for SELECT and ASK results, preferred first.
RESULT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
#: Media types for CONSTRUCT and DESCRIBE results, preferred first (JSON-LD via rdflib).
GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]


class NotAcceptable(Exception):
    """No media type of the result kind satisfies the Accept header."""


class ResultTooLarge(Exception):
    """The result has more rows than the configured limit."""


def open_worker_store(endpoint: str | None = None, store_path: str | None = None) -> Store:
    """The store a worker process queries: embedded (in memory, or read-only on disk) or remote."""
    if endpoint:
        return open_store(endpoint)
    if store_path:
        from pathlib import Path

        return EmbeddedStore(location=Path(store_path), read_only=True)
    return EmbeddedStore()


def _negotiate(accept: str | None, offered: list[str]) -> str:
    if not accept or accept.strip() in {"*/*", ""}:
        return offered[0]
    best = mimeparse.best_match(list(reversed(offered)), accept)
    if not best:
        raise NotAcceptable(f"none of {', '.join(offered)} is acceptable to 'Accept: {accept}'")
    return best


def answer(store: Store, query: str, accept: str | None, default_graphs: list[str] | None,
           named_graphs: list[str] | None, limit: int) -> Answer:
    """Run ``query`` on ``store`` and serialize it in the best acceptable format.

    Raises
    ------
    SyntaxError
        The parser's message, for malformed SPARQL.
    NotAcceptable, ResultTooLarge
    """
    import pyoxigraph as ox

    if isinstance(store, EmbeddedStore):
        dg = [ox.NamedNode(g) for g in (default_graphs or ["https://w3id.org/oihkg/graph/asserted", "https://w3id.org/oihkg/graph/inferred"])]
        ng = [ox.NamedNode(g) for g in (named_graphs or ["https://w3id.org/oihkg/graph/asserted", "https://w3id.org/oihkg/graph/inferred"])]
        result = store._store.query(query, default_graph=dg, named_graphs=ng)
        kind = "graph" if isinstance(result, ox.QueryTriples) else "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        if kind == "solutions" and len(list(islice(result, limit + 1))) > limit:
            raise ResultTooLarge(f"the result has more than {limit} rows; add a LIMIT")
    else:
        head = query.upper()
        kind = "graph" if ("CONSTRUCT" in head or "DESCRIBE" in head) else "solutions"
    media = _negotiate(accept, GRAPH_TYPES if kind == "graph" else RESULT_TYPES)
    if kind == "graph" and media == "application/ld+json":
        import rdflib

        _, nt = store.raw(query, "application/n-triples", default_graphs, named_graphs)
        body = rdflib.Graph().parse(data=nt, format="nt").serialize(format="json-ld").encode("utf-8")
        return Answer(kind, media, body)
    _, body = store.raw(query, media, default_graphs, named_graphs)
    return Answer(kind, media, body)


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
