"""Typed results: what :meth:`kg.store.Store.query` answers, the same on every backend.

The result's type says the query form, in the manner of pyoxigraph's query results: :class:`Solutions` (SELECT),
:class:`Boolean` (ASK) or :class:`Triples` (CONSTRUCT, DESCRIBE); each serialises itself in the media types of its
kind (:data:`RESULT_TYPES`, :data:`GRAPH_TYPES`). :func:`typed_result`, :func:`bounded_triples` and :func:`outcome`
turn a backend's answer into one, within a row limit.

Examples
--------
>>> Solutions(("x",), [{"x": NamedNode("urn:a")}]).serialize("text/csv")
b'x\\r\\nurn:a\\r\\n'
>>> bool(Boolean(True)), Boolean(False).kind
(True, 'boolean')
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Union

import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat

from kg import schema
from kg.errors import ResultTooLarge

__all__ = ["Term", "Row", "Solutions", "Boolean", "Triples", "Result", "RESULT_TYPES", "GRAPH_TYPES", "typed_result",
           "bounded_triples", "outcome"]

Term = Union[NamedNode, BlankNode, Literal]
Row = dict[str, Term]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Media types of SELECT and ASK results, preferred first.
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values")
#: Media types of CONSTRUCT and DESCRIBE results, preferred first.
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


def _json_term(term) -> dict:
    """A term in the SPARQL Query Results JSON format (1.1 §3.2.2; triple terms and ``its:dir`` as in 1.2)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if getattr(term, "direction", None) is not None:  # RDF 1.2 base direction, as pyoxigraph writes it
            out["its:dir"] = str(term.direction)
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _results(document: dict, media_type: str) -> bytes:
    """A SPARQL JSON results document in ``media_type``: as is for JSON, converted by pyoxigraph otherwise."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    fmt = QueryResultsFormat.from_media_type(media_type)
    if fmt is None or fmt == QueryResultsFormat.JSON:
        return body
    return ox.parse_query_results(body, format=QueryResultsFormat.JSON).serialize(format=fmt)


@dataclass(frozen=True)
class Solutions:
    """The answer of a SELECT: its variables in projection order and its rows (unbound names absent)."""

    variables: tuple[str, ...]
    rows: list[Row]
    kind = "solutions"
    media_types = RESULT_TYPES

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def serialize(self, media_type: str) -> bytes:
        """The rows in one of :data:`RESULT_TYPES`, written by pyoxigraph from the SPARQL JSON form."""
        return _results({"head": {"vars": list(self.variables)},
                         "results": {"bindings": [{k: _json_term(v) for k, v in r.items()} for r in self.rows]}}, media_type)


@dataclass(frozen=True)
class Boolean:
    """The answer of an ASK."""

    value: bool
    kind = "boolean"
    media_types = RESULT_TYPES

    def __bool__(self) -> bool:
        return self.value

    def serialize(self, media_type: str) -> bytes:
        """The answer in one of :data:`RESULT_TYPES`, written by pyoxigraph."""
        return _results({"head": {}, "boolean": self.value}, media_type)


@dataclass(frozen=True)
class Triples:
    """The answer of a CONSTRUCT or DESCRIBE."""

    triples: list[ox.Triple]
    kind = "graph"
    media_types = GRAPH_TYPES

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)

    def serialize(self, media_type: str) -> bytes:
        """The triples in one of :data:`GRAPH_TYPES`, written by pyoxigraph (Turtle with the project's prefixes)."""
        fmt = RdfFormat.from_media_type(media_type) or RdfFormat.N_TRIPLES
        prefixes = dict(schema.CONVERTER.bimap) if fmt == RdfFormat.TURTLE else None
        return ox.serialize(self.triples, format=fmt, prefixes=prefixes)


Result = Union[Solutions, Boolean, Triples]


def _bounded(items, limit: int | None) -> list | None:
    """At most ``limit`` items, or None when there are more."""
    if limit is None:
        return list(items)
    kept = list(islice(items, limit + 1))
    return kept if len(kept) <= limit else None


def bounded_triples(items, limit: int | None) -> Triples | str:
    """The triples, or the message saying there are more than ``limit``."""
    kept = _bounded(items, limit)
    return Triples(kept) if kept is not None else f"the result has more than {limit} triples; add a LIMIT"


def typed_result(result, limit: int | None) -> Result | str:
    """The typed result of a pyoxigraph answer, or the message saying it has more than ``limit`` rows or triples.

    Over the limit nothing is raised here: the caller drops pyoxigraph's iterator first, on its own thread (pyoxigraph
    objects must not be freed on another thread, which an exception's traceback crossing threads would do).
    """
    if isinstance(result, ox.QueryBoolean):
        return Boolean(bool(result))
    if isinstance(result, ox.QueryTriples):
        return bounded_triples(result, limit)
    names = tuple(v.value for v in result.variables)
    kept = _bounded(result, limit)
    if kept is None:
        return f"the result has more than {limit} rows; add a LIMIT"
    return Solutions(names, [{n: v for n, v in zip(names, s) if v is not None} for s in kept])  # by position: 4x faster


def outcome(typed: Result | str | None, failure: Exception | None) -> Result:
    """Return the result or raise: called once pyoxigraph's objects are released."""
    if failure is not None:
        raise failure
    if isinstance(typed, str):
        raise ResultTooLarge(typed)
    return typed

