"""Where the graph lives: one typed query call, an embedded and a remote backend, one selector string.

This module owns the backends. :meth:`Store.query` is the one call every other
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

import hashlib
import io
import json
import logging
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from urllib.parse import urlencode
from typing import Any, Union

import httpx
import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, Variable

from kg import progress, schema
from kg.store import leftovers, messages as store_messages

from kg.config import Paths, default_paths
from kg.store.text import declares_dataset, parse_tree, unsupported_functions
from kg.errors import StoreError, EndpointError, EndpointTimeout, QueryError, QuerySyntaxError, ResultTooLarge, WrongQueryForm

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
]

log = logging.getLogger("oihkg.store")

Term = Union[NamedNode, BlankNode, Literal]
Row = dict[str, Term]

ASSERTED = NamedNode(str(schema.GRAPH_ASSERTED))
INFERRED = NamedNode(str(schema.GRAPH_INFERRED))
META = NamedNode("https://w3id.org/oihkg/graph/meta")
CHECKSUM = NamedNode(str(schema.OIH) + "artifactsChecksum")
#: Where ``oihkg load`` puts a merged graph: this prefix and the graph's name.
LOADED = "https://w3id.org/oihkg/graph/loaded/"
SOURCE = NamedNode(str(schema.OIH) + "loadedFrom")
TRIPLES = NamedNode(str(schema.OIH) + "triples")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


# -- typed results ---------------------------------------------------------------------------------

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


def _triples(items, limit: int | None) -> Triples | str:
    """The triples, or the message saying there are more than ``limit``."""
    kept = _bounded(items, limit)
    return Triples(kept) if kept is not None else f"the result has more than {limit} triples; add a LIMIT"


def _typed(result, limit: int | None) -> Result | str:
    """The typed result of a pyoxigraph answer, or the message saying it has more than ``limit`` rows or triples.

    Over the limit nothing is raised here: the caller drops pyoxigraph's iterator first, on its own thread (pyoxigraph
    objects must not be freed on another thread, which an exception's traceback crossing threads would do).
    """
    if isinstance(result, ox.QueryBoolean):
        return Boolean(bool(result))
    if isinstance(result, ox.QueryTriples):
        return _triples(result, limit)
    names = tuple(v.value for v in result.variables)
    kept = _bounded(result, limit)
    if kept is None:
        return f"the result has more than {limit} rows; add a LIMIT"
    return Solutions(names, [{n: v for n, v in zip(names, s) if v is not None} for s in kept])  # by position: 4x faster


def _outcome(typed: Result | str | None, failure: Exception | None) -> Result:
    """Return the result or raise: called once pyoxigraph's objects are released."""
    if failure is not None:
        raise failure
    if isinstance(typed, str):
        raise ResultTooLarge(typed)
    return typed


def query_form(text: str) -> str | None:
    """The kind of result a query gives (``solutions``, ``boolean``, ``graph``) by rdflib's SPARQL grammar; None when
    rdflib cannot tell (a syntax it lacks): the endpoint then decides.

    Examples
    --------
    >>> query_form("PREFIX select: <x:> ask { ?s select:p ?o }"), query_form("DESCRIBE <x:y>"), query_form("NOT SPARQL")
    ('boolean', 'graph', None)
    """
    tree = parse_tree(text)
    name = tree[1].name if tree is not None else None
    return {"SelectQuery": "solutions", "AskQuery": "boolean", "ConstructQuery": "graph", "DescribeQuery": "graph"}.get(name)


#: Parse-tree nodes that only pass their one operand through when they carry no operator.
_WRAPPERS = {"ConditionalOrExpression", "ConditionalAndExpression", "RelationalExpression", "AdditiveExpression",
             "MultiplicativeExpression"}
#: Of those, the ones whose operator makes a boolean: ``||``, ``&&`` and the comparisons (not ``+ - * /``).
_LOGICAL = {"ConditionalOrExpression", "ConditionalAndExpression", "RelationalExpression"}
#: Operators and built-in calls whose value is always an xsd:boolean.
_TESTS = {"UnaryNot", "Builtin_EXISTS", "Builtin_NOTEXISTS", "Builtin_BOUND", "Builtin_isIRI", "Builtin_isURI",
          "Builtin_isBLANK", "Builtin_isLITERAL", "Builtin_isNUMERIC", "Builtin_sameTerm", "Builtin_REGEX",
          "Builtin_CONTAINS", "Builtin_STRSTARTS", "Builtin_STRENDS", "Builtin_LANGMATCHES"}
#: Patterns that bind variables to data: triples, VALUES, a GRAPH or SERVICE name.
_DATA_SITES = {"TriplesBlock", "InlineData", "InlineDataOneVar", "InlineDataFull", "GraphGraphPattern",
               "ServiceGraphPattern"}


def _is_test(expr) -> bool:
    """Whether an expression of rdflib's parse tree always gives an xsd:boolean."""
    from rdflib import Literal as RdfLiteral
    from rdflib.namespace import XSD
    from rdflib.plugins.sparql.parserutils import CompValue

    while isinstance(expr, CompValue) and expr.name in _WRAPPERS:
        if "op" in expr or ("other" in expr and expr["other"]):  # an operator (CompValue.get answers a missing key)
            return expr.name in _LOGICAL
        expr = expr["expr"]
    if isinstance(expr, RdfLiteral):
        return expr.datatype == XSD.boolean
    return isinstance(expr, CompValue) and expr.name in _TESTS


@lru_cache(maxsize=1024)
def _shape(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The variables a query binds only to boolean tests, and every variable it assigns (``BIND`` or ``AS``)."""
    from pyparsing import ParseResults
    from rdflib.term import Variable as RdfVariable
    from rdflib.plugins.sparql.parserutils import CompValue

    sites: dict[str, set[bool]] = {}
    assigned: set[str] = set()

    def walk(node, in_data: bool) -> None:
        if isinstance(node, CompValue):
            var = {"Bind": "var", "vars": "evar"}.get(node.name)
            if var in node and "expr" in node:
                assigned.add(str(node[var]))
                sites.setdefault(str(node[var]), set()).add(_is_test(node["expr"]))
            for value in node.values():
                walk(value, in_data or node.name in _DATA_SITES)
        elif isinstance(node, (list, ParseResults)):
            for value in node:
                walk(value, in_data)
        elif in_data and isinstance(node, RdfVariable):
            sites.setdefault(str(node), set()).add(False)  # bound to data too: may be anything

    tree = parse_tree(text)
    if tree is not None:
        walk(tree, False)
    return frozenset(v for v, kinds in sites.items() if kinds == {True}), frozenset(assigned)


def boolean_columns(text: str) -> frozenset[str]:
    """The variables a query binds (``BIND`` or ``(expr AS ?v)``) to boolean tests only — ``true``, ``EXISTS``, a
    comparison, ``&&`` — and to nothing else (no triple pattern, ``VALUES`` or other expression). Virtuoso 7 answers
    those as the integers 1 and 0, which :class:`RemoteStore` turns back into booleans. Empty when rdflib cannot read
    the query.

    Examples
    --------
    >>> sorted(boolean_columns("SELECT ?a (1 < ?n AS ?b) (?n - 1 AS ?c) WHERE { BIND(NOT EXISTS { ?s ?p ?o } AS ?a) }"))
    ['a', 'b']
    """
    return _shape(text)[0]


# -- the interface ---------------------------------------------------------------------------------


def _fingerprint(checksums: list[str]) -> str | None:
    """The store's fingerprint from its recorded checksums, the same whichever store keeps them; None for none."""
    return hashlib.sha256("\n".join(sorted(checksums)).encode()).hexdigest() if checksums else None


def meta_ntriples(checksum: str | None, records: list[dict[str, Any]]) -> str:
    """The meta graph an endpoint keeps, as N-Triples: the artifacts' checksum and each merged graph's record, in the
    shape :meth:`Store.loaded` and :meth:`Store.checksum` read."""
    lines = [f"{META} {CHECKSUM} {Literal(checksum)} ."] if checksum else []
    for r in records:
        g = NamedNode(r["graph"])
        lines += [f"{g} {SOURCE} {Literal(r['source'])} .", f"{g} {CHECKSUM} {Literal(r['checksum'])} .",
                  f"{g} {TRIPLES} {Literal(str(r['triples']), datatype=NamedNode(_XSD_INTEGER))} ."]
    return "".join(line + "\n" for line in lines)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks (a merged graph may be gigabytes)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def artifacts_checksum(paths: Paths) -> str:
    """SHA-256 over the asserted and inferred artifacts, to tell a stale store."""
    h = hashlib.sha256()
    for p in (paths.ttl, paths.inferred):
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.is_file() else b"")
    return h.hexdigest()


class Store(ABC):
    """What a backend can answer: one typed :meth:`query`, and the conveniences built on it."""

    #: The selector string this store was opened with (``oxigraph:memory``, ``oxigraph:DIR``, ``sparql:URL``).
    selector: str = ""
    _served: list[str] | None = None

    def loaded(self) -> list[dict[str, Any]]:
        """The graphs merged in with ``oihkg load``, as the store records them (an endpoint in the meta graph uploaded
        with the others, the embedded store beside itself): ``graph`` (IRI), ``source`` (the file's name), ``triples``
        and ``checksum`` (SHA-256 of the file)."""
        text = (f"SELECT ?graph ?source ?triples ?checksum WHERE {{ GRAPH {META} {{ ?graph {SOURCE} ?source ; "
                f"{TRIPLES} ?triples ; {CHECKSUM} ?checksum }} }} ORDER BY ?graph")
        rows = self.query(text, default_graphs=[META.value], named_graphs=[META.value])
        return [{"graph": r["graph"].value, "source": r["source"].value, "triples": int(r["triples"].value),
                 "checksum": r["checksum"].value} for r in rows] if isinstance(rows, Solutions) else []

    def served_graphs(self) -> list[str]:
        """The graphs a query sees unless it names its dataset: the asserted and inferred graphs and every loaded one."""
        if self._served is None:
            self._served = [ASSERTED.value, INFERRED.value, *(g["graph"] for g in self.loaded())]
        return self._served

    def _dataset(self, graphs: list[str] | None, own: bool = False) -> list[str]:
        """The graph IRIs of a dataset: :meth:`served_graphs` by default, none when ``own`` (the query's ``FROM`` holds);
        :class:`QueryError` for one that is no IRI."""
        if not graphs:
            return [] if own else self.served_graphs()
        for g in graphs:
            try:
                NamedNode(g)
            except ValueError:
                raise QueryError(f"the graph {g[:200]!r} is not an IRI") from None
        return list(graphs)

    @abstractmethod
    def query(self, text: str, bindings: dict[str, Term] | None = None, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, limit: int | None = None) -> Result:
        """Run SPARQL once; the result's type says the query form.

        Parameters
        ----------
        text : str
            A SPARQL 1.1 query.
        bindings : dict, optional
            Variable name → RDF term, bound without touching the query's text.
        default_graphs, named_graphs : list of str, optional
            The dataset (SPARQL 1.1 Protocol); every served graph when omitted (:meth:`served_graphs`: the
            asserted, inferred and merged ones).
        limit : int, optional
            Most rows (or triples) accepted; more raise :class:`ResultTooLarge`.

        Raises
        ------
        QuerySyntaxError, ResultTooLarge, StoreError
        """

    def _curated(self, text: str, bindings: dict[str, Term] | None, limit: int | None = None) -> Result:
        """Run a query of the catalog or a named query: its default graph is the curated one (asserted and inferred),
        so a merged graph cannot change a curated answer, and its named graphs are every served graph, so a query
        may reach the merged ones with ``GRAPH ?g``."""
        return self.query(text, bindings, default_graphs=[ASSERTED.value, INFERRED.value], named_graphs=self.served_graphs(),
                          limit=limit)

    def select(self, text: str, bindings: dict[str, Term] | None = None, limit: int | None = None) -> list[Row]:
        """Rows of a SELECT query, each a dict of variable name to term (unbound names absent); over the curated
        default graph (:meth:`_curated`); :class:`ResultTooLarge` past ``limit`` rows."""
        result = self._curated(text, bindings, limit)
        if not isinstance(result, Solutions):
            raise WrongQueryForm("not a SELECT query")
        return result.rows

    def ask(self, text: str, bindings: dict[str, Term] | None = None) -> bool:
        """The answer of an ASK query (over the curated default graph)."""
        result = self._curated(text, bindings)
        if not isinstance(result, Boolean):
            raise WrongQueryForm("not an ASK query")
        return result.value

    def construct(self, text: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE query (over the curated default graph)."""
        result = self._curated(text, bindings)
        if not isinstance(result, Triples):
            raise WrongQueryForm("not a CONSTRUCT or DESCRIBE query")
        return result.triples

    def graphs(self) -> list[str]:
        """IRIs of the named graphs holding data."""
        return [r["g"].value for r in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")]

    def count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or in the default (union) graph."""
        if graph is None:
            q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        else:
            q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}"
        return int(self.select(q)[0]["n"].value)

    def checksum(self) -> str | None:
        """A fingerprint of what the store holds: the checksums recorded (see :meth:`loaded`) when graphs were loaded
        (the artifacts' SHA-256, :func:`artifacts_checksum`), hashed together; None when nothing recorded one (a
        remote store filled by other means). One triple pattern, so it is cheap to ask."""
        rows = self.query(f"SELECT ?c WHERE {{ GRAPH {META} {{ ?g {CHECKSUM} ?c }} }}", named_graphs=[META.value])
        return _fingerprint([r["c"].value for r in rows] if isinstance(rows, Solutions) else [])

    def answer(self, text: str, choose: Callable[[tuple[str, ...]], str], *, default_graphs: list[str] | None = None,
               named_graphs: list[str] | None = None, limit: int | None = None) -> tuple[str, str, bytes]:
        """Run a query once and serialise its result for the SPARQL endpoint: ``(kind, media type, body)``, the media
        type being what ``choose`` picks from the ones of the result's kind (it may raise to refuse them all).

        Raises
        ------
        QuerySyntaxError, ResultTooLarge, StoreError
            As :meth:`query`.
        """
        result = self.query(text, default_graphs=default_graphs, named_graphs=named_graphs, limit=limit)
        media = choose(result.media_types)
        return result.kind, media, result.serialize(media)

    def counts(self) -> dict[str, int]:
        """Triple counts of the asserted and inferred graphs and their union."""
        return {"asserted": self.count(ASSERTED.value), "inferred": self.count(INFERRED.value), "total": self.count()}

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release resources."""


class EmbeddedStore(Store):
    """A pyoxigraph store loaded from the release artifacts.

    Parameters
    ----------
    paths : Paths, optional
        Where ``oih.ttl`` and ``oih-inferred.ttl`` are.
    location : Path, optional
        On-disk store folder; in memory when omitted. An on-disk store whose
        recorded checksum matches the artifacts is reused without reloading;
        otherwise it is cleared and reloaded, so a stale store is never served.
    read_only : bool
        Open an existing on-disk store read-only, beside the process that holds it for writing (the API's query
        workers beside the API process).
    """

    #: The record's file, inside an on-disk store's folder (RocksDB leaves files it did not write alone).
    RECORD = "oihkg-record.json"

    def __init__(self, paths: Paths | None = None, location: Path | None = None, read_only: bool = False):
        self.paths = paths or default_paths()
        self.location = location
        self.selector = f"oxigraph:{location}" if location is not None else "oxigraph:memory"
        self.reloaded = False
        self._record: dict[str, Any] = {"checksum": None, "loaded": [], "pending": []}
        self._union = True
        try:
            if location is not None and read_only:
                self._store = ox.Store.read_only(str(location))
                self._read_record()
                return
            if location is not None:
                if Path(location).exists() and not Path(location).is_dir():
                    raise StoreError(f"cannot open the store at {location}: it is a file, not a store folder")
                Path(location).mkdir(exist_ok=True)  # its parent must exist: a typo does not create folders anywhere
            self._store = ox.Store(str(location)) if location is not None else ox.Store()
            self._read_record(tidy=True, swept=location is not None and leftovers.sweep(location))  # a dead load's files
            self.ensure_current()
        except OSError as exc:
            raise StoreError(store_messages.cannot_open(location, exc)) from None  # a store in use said as such

    # What the store holds — the artifacts' checksum, and each merged graph's source, size and SHA-256 — is recorded
    # beside the store rather than in a graph of it. Then every graph in the store is a served one, and a query that
    # names no dataset runs over pyoxigraph's union default graph: on disk, twice as fast as over a list of graphs.

    def _read_record(self, tidy: bool = False, swept: bool = False) -> None:
        """Read the record, then check that the store holds the served graphs only, so that a query naming no dataset
        may run over the union default graph.

        A store written by an earlier version keeps its record in the meta graph; with ``tidy`` (a writable store) it
        is moved to the record's file, which keeps what it knows of graphs the meta graph does not record (a store
        opened by the earlier version in between). With ``tidy``, a merged graph whose load was cut short (still
        ``pending`` in the record, and under :data:`LOADED`: a curated graph is never dropped so) is dropped, as a failed
        load leaves it, and the store compacted to give its space back (also when a dead load's files were ``swept``).
        Any other graph the record does not know, or triples in the store's own default graph, are kept but not served:
        queries then name the served graphs, and a warning says which graphs are not served.
        """
        path = self.location / self.RECORD if self.location is not None else None
        record: dict[str, Any] = {"checksum": None, "loaded": [], "pending": []}
        if path is not None and path.is_file():
            try:
                found = json.loads(path.read_text(encoding="utf-8"))
                record = {"checksum": found["checksum"], "pending": [str(g) for g in found.get("pending", [])],
                          "loaded": [{"graph": str(g["graph"]), "source": str(g["source"]), "triples": int(g["triples"]),
                                      "checksum": str(g["checksum"])} for g in found["loaded"]]}
            except (ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"the store's record {path} is unreadable ({type(exc).__name__}: {exc}); move it "
                                 "aside to open the store (its merged graphs are then not served until loaded again), "
                                 "or remove the store folder") from None
        present = {g.value for g in self._store.named_graphs()}
        legacy = META.value in present
        if legacy:
            checksum = list(self._store.quads_for_pattern(META, CHECKSUM, None, META))
            known = Store.loaded(self)
            recorded = {g["graph"] for g in known}
            record = {"checksum": checksum[0].object.value if checksum else None, "pending": record["pending"],
                      "loaded": known + [g for g in record["loaded"] if g["graph"] not in recorded and g["graph"] in present]}
        self._record = record
        if tidy:
            for graph in [g for g in record["pending"] if g.startswith(LOADED)]:  # never the asserted or inferred graph
                self._store.remove_graph(NamedNode(graph))
                present.discard(graph)
            self._store.flush()
            if record["pending"] or swept:  # a load stopped part way: compact, so its triples' space is given back
                self._store.optimize()
            record["pending"] = []
            self._write_record()  # before the meta graph goes: the record is never in neither place
            if legacy:
                self._store.remove_graph(META)
                self._store.flush()
                present.discard(META.value)
                legacy = False
        served = {ASSERTED.value, INFERRED.value, *(g["graph"] for g in record["loaded"])}
        stray = sorted(present - served - ({META.value} if legacy else set()))
        own_default = next(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None
        self._union = not stray and not own_default and not legacy
        if stray or own_default:
            log.warning("the store at %s holds %s that it has no record of; not served (load a graph again with "
                        "`oihkg load`, or make the store afresh)", self.location,
                        ", ".join(stray[:5] + (["triples in its default graph"] if own_default else [])))

    def _write_record(self) -> None:
        """Save the record of an on-disk store durably: a new file, synced, renamed over the old, and the folder synced,
        so it is whole or not changed even after a power cut."""
        self._served = None
        if self.location is None:
            return
        path = self.location / self.RECORD
        spare = path.with_name(path.name + ".new")
        with spare.open("w", encoding="utf-8") as fh:
            json.dump(self._record, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        spare.replace(path)
        folder = os.open(self.location, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)

    def loaded(self) -> list[dict[str, Any]]:
        return sorted((dict(g) for g in self._record["loaded"]), key=lambda g: g["graph"])

    def checksum(self) -> str | None:
        return _fingerprint([g["checksum"] for g in self._record["loaded"]]
                            + ([self._record["checksum"]] if self._record["checksum"] else []))

    def stored_checksum(self) -> str | None:
        """The artifacts' checksum recorded at the last load, if any."""
        return self._record["checksum"]

    def ensure_current(self) -> bool:
        """Reload from the artifacts unless the store already holds them; True when reloaded."""
        want = artifacts_checksum(self.paths)
        if self.stored_checksum() == want:
            return False
        self._record["checksum"] = None  # until the reload is whole
        self._write_record()
        for graph in (ASSERTED, INFERRED):  # the graphs merged in with `oihkg load` stay
            self._store.remove_graph(graph)
        self._store.bulk_load(path=str(self.paths.ttl), format=RdfFormat.TURTLE, to_graph=ASSERTED)
        if self.paths.inferred.is_file():
            self._store.bulk_load(path=str(self.paths.inferred), format=RdfFormat.TURTLE, to_graph=INFERRED)
        self._store.flush()
        self._record["checksum"] = want
        self._write_record()
        self.reloaded = True
        return True

    def load(self, source: Path, name: str, fmt: RdfFormat, label: str | None = None) -> dict[str, Any]:
        """Merge an RDF file into the named graph ``LOADED + name``, replacing what an earlier load put there.

        The file is bulk-loaded (read it whole first, as :func:`kg.store.merge.load_files` does, so a bad line cannot stop
        it half way); then the store's record notes its source (``label``, or the file's name), triple count and
        SHA-256. Returns that record (as :meth:`loaded` lists it). Should the load itself fail (a full disk), the
        graph's partial triples and record are removed and :class:`StoreError` says so: the graph is then absent.
        """
        source = Path(source)
        digest = file_sha256(source)
        graph = NamedNode(LOADED + name)
        self._pend(graph)  # until recorded: dropped at the next open should this stop here
        self._store.remove_graph(graph)  # what an earlier load of the name put there
        try:
            with progress.loading(source, self.location, label or source.name) as data:  # bytes read, then written
                self._store.bulk_load(data, format=fmt, to_graph=graph)
        except (OSError, SyntaxError, ValueError) as exc:
            self._store.remove_graph(graph)
            self._store.flush()
            leftovers.sweep_bulk(self.location)  # the bulk files a full disk stopped half way
            self._record["pending"].remove(graph.value)
            self._write_record()
            raise StoreError(f"loading {source} into {graph.value} failed ({exc}); that graph is now absent: "
                             "load it again") from None
        counted = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
                             default_graphs=[graph.value], named_graphs=[graph.value])
        triples = int(counted.rows[0]["n"].value)
        record = {"graph": graph.value, "source": label or source.name, "triples": triples, "checksum": digest}
        self._store.flush()
        self._record["loaded"].append(record)
        self._record["pending"].remove(graph.value)
        self._write_record()
        return dict(record)

    def _pend(self, graph: NamedNode) -> bool:
        """Mark a merged graph ``pending`` in the record, taking it out of ``loaded``, in one write: should the process
        stop before it is unmarked, the next open drops the graph. Whether it had a record."""
        kept = [g for g in self._record["loaded"] if g["graph"] != graph.value]
        had = len(kept) < len(self._record["loaded"])
        self._record["loaded"] = kept
        self._record["pending"].append(graph.value)
        self._write_record()
        return had

    def unload(self, name: str) -> bool:
        """Drop the graph merged in as ``name`` and its record; False when there was none."""
        graph = NamedNode(LOADED + name)
        had = self._pend(graph)
        self._store.remove_graph(graph)
        self._store.flush()
        self._record["pending"].remove(graph.value)
        self._write_record()
        return had

    def _run(self, text: str, read: Callable[[Any], Any], subs: dict | None = None, default_graphs: list[str] | None = None,
             named_graphs: list[str] | None = None, lacking: dict | None = None) -> tuple[Any, Exception | None]:
        """Run a query on its dataset and ``read`` pyoxigraph's result on this thread: ``(what read gave, None)``, or
        ``(None, the failure)`` as this module's error (raised by the caller once pyoxigraph's objects are gone). A
        function the engine lacks (``lacking``, found when it refuses the query) is an error where it is called."""
        own = not (default_graphs or named_graphs) and declares_dataset(text)  # its FROM holds (SPARQL 1.1 Protocol)
        dataset: dict[str, Any] = {"named_graphs": [NamedNode(g) for g in self._dataset(named_graphs, own)] or None}
        if default_graphs or not (self._union or own):
            dataset["default_graph"] = [NamedNode(g) for g in self._dataset(default_graphs)]
        else:  # the store holds the served graphs only (:meth:`_read_record`), or the query names its own
            dataset["use_default_graph_as_union"] = not own
        try:
            return read(self._store.query(text, substitutions=subs or None, custom_functions=lacking, **dataset)), None
        except _TooManyLines as exc:
            return None, ResultTooLarge(str(exc))
        except SyntaxError as exc:
            return None, QuerySyntaxError(store_messages.syntax(text, str(exc)))
        except RuntimeError as exc:  # a binding refused (a variable outside the projection), or a function it lacks,
            lacking = None if lacking is not None else unsupported_functions(text)  # refused before anything is read
            if lacking:
                return self._run(text, read, subs, default_graphs, named_graphs, lacking)
            return None, QueryError(str(exc))
        except OSError as exc:
            return None, StoreError(f"the query failed while running: {exc}")

    def query(self, text, bindings=None, *, default_graphs=None, named_graphs=None, limit=None) -> Result:
        subs = {Variable(k): v for k, v in (bindings or {}).items()}
        return _outcome(*self._run(text, lambda raw: _typed(raw, limit), subs, default_graphs, named_graphs))

    def answer(self, text, choose, *, default_graphs=None, named_graphs=None, limit=None) -> tuple[str, str, bytes]:
        """:meth:`Store.answer`, with the rows of a SELECT serialised by pyoxigraph (Rust) instead of as Python objects:
        they are written as SPARQL TSV, one line per row, through a writer that counts the lines and stops the query
        past ``limit`` rows; then converted to the chosen format, still in Rust. 2.5x faster for 100 rows."""
        lines = _LineCounter(limit)
        media = body = None
        bounded = limit is None or (own := _own_limit(text)) is not None and own <= limit

        def read(raw):
            nonlocal media, body
            if not isinstance(raw, ox.QuerySolutions):  # an ASK or a graph, read as :meth:`query` reads it
                return _typed(raw, limit)
            media = choose(RESULT_TYPES)
            if bounded:  # no more rows than the limit: written once, in the chosen format
                body = raw.serialize(format=QueryResultsFormat.from_media_type(media))
            else:
                raw.serialize(lines, QueryResultsFormat.TSV)
            return None

        typed, failure = self._run(text, read, None, default_graphs, named_graphs)
        if typed is not None or failure is not None:
            result = _outcome(typed, failure)
            media = choose(result.media_types)
            return result.kind, media, result.serialize(media)
        if body is not None:
            return "solutions", media, body
        tsv = lines.getvalue()
        fmt = QueryResultsFormat.from_media_type(media)
        if fmt == QueryResultsFormat.TSV:
            return "solutions", media, tsv
        return "solutions", media, ox.parse_query_results(tsv, QueryResultsFormat.TSV).serialize(format=fmt)

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]


#: The query's own row limit, when its text ends with it: the outermost query's (a subquery's closes inside braces, and
#: nothing but a VALUES block or a comment may follow a LIMIT, which this does not take).
_OWN_LIMIT = re.compile(r"\bLIMIT\s+(\d+)(?:\s+OFFSET\s+\d+)?\s*$", re.IGNORECASE)


def _own_limit(text: str) -> int | None:
    """The row limit a query sets itself, when its text ends with ``LIMIT n`` (and an OFFSET); None otherwise.

    >>> _own_limit("SELECT ?s { ?s ?p ?o } LIMIT 100"), _own_limit("SELECT ?s { ?s ?p ?o } OFFSET 5 LIMIT 7 ")
    (100, 7)
    >>> _own_limit("SELECT ?s { { SELECT ?s { ?s ?p ?o } LIMIT 1 } ?s ?q ?r }"), _own_limit("SELECT * {} LIMIT 2 # x")
    (None, None)
    >>> _own_limit("SELECT * { ?s ?p ?o }\\n# LIMIT 5")  # a comment is no limit
    """
    m = _OWN_LIMIT.search(text)
    if not m or "#" in text[text.rfind("\n", 0, m.start()) + 1:m.start()]:  # maybe a comment: count the rows
        return None
    return int(m[1])


class _TooManyLines(Exception):
    """Raised by :class:`_LineCounter` inside pyoxigraph's writer, to stop a result past its row limit."""


class _LineCounter(io.RawIOBase):
    """A writer of SPARQL TSV that keeps what it is given and raises :class:`_TooManyLines` past the header line and
    ``rows`` rows (one line each; TSV escapes a newline inside a term)."""

    def __init__(self, rows: int | None):
        self._parts: list[bytes] = []
        self._lines, self._rows = 0, rows

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self._lines += data.count(b"\n")
        if self._rows is not None and self._lines > self._rows + 1:
            raise _TooManyLines(f"the result has more than {self._rows} rows; add a LIMIT")
        self._parts.append(data)
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def _values_block(bindings: dict[str, Term]) -> str:
    """A ``VALUES`` clause binding each variable to one RDF term.

    The terms are written by pyoxigraph in N-Triples syntax, which escapes
    every character that could end the term, so the value stays data.

    Examples
    --------
    >>> _values_block({"x": Literal('a" } ; DROP ALL #')})
    'VALUES (?x) { ("a\\\\" } ; DROP ALL #") }'
    """
    names = sorted(bindings)
    vars_ = " ".join(f"?{n}" for n in names)
    vals = " ".join(str(bindings[n]) for n in names)
    return f"VALUES ({vars_}) {{ ({vals}) }}"


#: What may hide a ``WHERE {`` or a brace without being one (comments, strings, IRIs); the keyword; a brace.
_LEXEME = re.compile(r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                     r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>'
                     r'|(?<![\w:?$])(WHERE)\s*\{|([{}])', re.IGNORECASE)
_CONSTRUCT_WHERE = re.compile(r"(?<![\w:?$])CONSTRUCT\s*$", re.IGNORECASE)


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """The query with ``bindings`` as a ``VALUES`` block opening its outer ``WHERE`` group (outside every brace), so
    every endpoint binds them before it groups, orders or slices (Virtuoso 7 applies a trailing ``VALUES`` after
    ``LIMIT``); as a trailing block when the query has no outer ``WHERE`` keyword, or is a ``CONSTRUCT WHERE``.

    Raises
    ------
    QueryError
        A bound variable is one the query assigns itself (``BIND`` or ``AS``).

    Examples
    --------
    >>> bind_values('PREFIX w: <urn:w> SELECT ?x WHERE { ?x w:WHERE "WHERE {" } LIMIT 1', {"x": NamedNode("urn:a")})
    'PREFIX w: <urn:w> SELECT ?x WHERE { VALUES (?x) { (<urn:a>) } ?x w:WHERE "WHERE {" } LIMIT 1'
    """
    clash = sorted(set(bindings) & _shape(text)[1])
    if clash:
        raise QueryError(f"?{clash[0]} is assigned in the query (BIND or AS), so it cannot also be given a value")
    depth = 0
    for m in _LEXEME.finditer(text):
        if m.group(1) and depth == 0:
            if _CONSTRUCT_WHERE.search(text, 0, m.start()):
                break  # CONSTRUCT WHERE { … }: that group is the template too
            return f"{text[:m.end()]} {_values_block(bindings)}{text[m.end():]}"
        if m.group(1) or m.group(2) == "{":
            depth += 1
        elif m.group(2) == "}":
            depth -= 1
    return f"{text.rstrip()}\n{_values_block(bindings)}"


class _ResponseReader(io.RawIOBase):
    """A file over an httpx streaming response, so pyoxigraph parses the answer as it arrives.

    Blank nodes Virtuoso writes in SPARQL results as ``nodeID://b1``, which no parser takes as a blank node label, are
    read as ``b1``. The replaced sequences hold the markup around the label, which cannot occur inside a value, and a
    sequence split between two chunks is found all the same.
    """

    #: Virtuoso's blank node labels in the JSON and XML results formats, and what they are read as.
    REWRITES = ((b'"type": "bnode", "value": "nodeID://', b'"type": "bnode", "value": "'),
                (b"<bnode>nodeID://", b"<bnode>"))
    _KEEP = max(len(old) for old, _ in REWRITES) - 1

    def __init__(self, response: httpx.Response):
        self._chunks = response.iter_bytes()
        self._pending = b""
        self._tail = b""

    def readable(self) -> bool:
        return True

    def _next(self) -> bytes:
        """The next rewritten bytes, holding back a tail that might start a sequence to rewrite; b"" at the end."""
        while True:
            chunk = next(self._chunks, None)
            data = self._tail + (chunk or b"")
            for old, new in self.REWRITES:
                data = data.replace(old, new)
            if chunk is None:
                self._tail = b""
                return data
            cut = max(0, len(data) - self._KEEP)
            data, self._tail = data[:cut], data[cut:]
            if data:
                return data

    def readinto(self, buffer) -> int:
        if not self._pending:
            self._pending = self._next()
            if not self._pending:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n], self._pending = self._pending[:n], self._pending[n:]
        return n


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_XSD_INTEGER_TYPES = {"http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#int"}


def _as_booleans(result: Solutions, columns: frozenset[str]) -> Solutions:
    """The rows with the integers 1 and 0 of ``columns`` (bound to boolean tests only) as ``true`` and ``false``."""
    def fix(term: Term) -> Term:
        if isinstance(term, Literal) and term.datatype.value in _XSD_INTEGER_TYPES and term.value in ("0", "1"):
            return Literal("true" if term.value == "1" else "false", datatype=NamedNode(_XSD_BOOLEAN))
        return term

    return Solutions(result.variables, [{k: fix(v) if k in columns else v for k, v in row.items()} for row in result.rows])


class RemoteStore(Store):
    """Any SPARQL 1.1 Protocol endpoint.

    The query form is read from the answer's media type (results or a graph),
    so a query is sent once; the answer is parsed as it streams in, so a row
    limit bounds memory on this side too.

    Parameters
    ----------
    endpoint : str
        The query URL.
    graph_store : str, optional
        A SPARQL 1.1 Graph Store Protocol URL, to upload the graphs with :meth:`upload`.
    timeout : float
        Seconds to wait for an answer.
    """

    #: What to accept for each kind of result; for a query rdflib cannot read, both, and the answer's media type decides.
    ACCEPT = {
        "solutions": "application/sparql-results+json, application/sparql-results+xml;q=0.9",
        "boolean": "application/sparql-results+json, application/sparql-results+xml;q=0.9",
        "graph": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8",
        None: "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8",
    }
    #: Generic media types some endpoints answer with, read as SPARQL results when results are expected.
    RESULT_ALIASES = {"application/json": QueryResultsFormat.JSON, "application/xml": QueryResultsFormat.XML,
                      "text/xml": QueryResultsFormat.XML}

    def __init__(self, endpoint: str, graph_store: str | None = None, timeout: float = 30.0):
        for url in (endpoint, graph_store):
            try:
                if url is not None:
                    httpx.URL(url).port  # noqa: B018 - parses the whole URL, port included
            except (httpx.InvalidURL, ValueError) as exc:
                raise EndpointError(f"not a usable endpoint URL: {url[:200]!r} ({exc})") from None
        self.endpoint = endpoint
        self.selector = f"sparql:{endpoint}"
        self.graph_store = graph_store
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)), follow_redirects=True)

    def query(self, text, bindings=None, *, default_graphs=None, named_graphs=None, limit=None) -> Result:
        form, given = query_form(text), text
        if bindings:
            if any(isinstance(v, BlankNode) for v in bindings.values()):
                raise QueryError("a blank node cannot be bound in a query sent to an endpoint")
            text = bind_values(text, bindings)
        own = not (default_graphs or named_graphs) and declares_dataset(given)  # its FROM holds (SPARQL 1.1 Protocol)
        fields = [("query", text)] + [("default-graph-uri", g) for g in self._dataset(default_graphs, own)]
        fields += [("named-graph-uri", g) for g in self._dataset(named_graphs, own)]
        # a form POST, which every SPARQL 1.1 endpoint takes (Virtuoso 7 does not answer a direct POST)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": self.ACCEPT[form]}
        typed, failure, virtuoso = None, None, False
        try:
            with self._http.stream("POST", self.endpoint, content=urlencode(fields).encode("ascii"), headers=headers) as resp:
                virtuoso = resp.headers.get("server", "").startswith("Virtuoso")
                if resp.status_code == 400:
                    failure = QueryError(f"the endpoint refused the query: {resp.read().decode('utf-8', 'replace').strip()[:2000]}")
                elif resp.status_code == 500 and b"SECURITY" in resp.read()[:2000]:  # Virtuoso: a refused extension
                    failure = QueryError(f"the endpoint refused the query: {resp.read().decode('utf-8', 'replace').strip()[:2000]}")
                elif resp.status_code >= 300 and self._timed_out(resp):
                    failure = EndpointTimeout(f"SPARQL endpoint {self.endpoint} stopped the query at its time limit")
                elif resp.headers.get("x-sql-state") == "S1TAT":  # Virtuoso's partial "anytime" answer
                    failure = EndpointTimeout(f"SPARQL endpoint {self.endpoint} stopped the query at its time limit "
                                              "and sent a partial answer, which is not kept")
                elif resp.status_code >= 300:
                    failure = EndpointError(f"SPARQL endpoint {self.endpoint} answered {resp.status_code}: "
                                            f"{resp.read().decode('utf-8', 'replace')[:300]}")
                elif "x-sparql-maxrows" in resp.headers:  # Virtuoso cut the result at its own row cap
                    failure = ResultTooLarge(f"the result has more than the {resp.headers['x-sparql-maxrows']} rows the "
                                             "endpoint sends; add a LIMIT")
                else:
                    typed, failure = self._read(resp, limit, form)
        except httpx.TimeoutException as exc:
            failure = EndpointTimeout(f"SPARQL endpoint {self.endpoint} did not answer in time ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            failure = EndpointError(f"SPARQL endpoint {self.endpoint} unreachable: {exc}")
        result = _outcome(typed, failure)
        if isinstance(result, Solutions) and result.rows and (odd := store_messages.unasked(given, result.variables)):
            raise EndpointError(f"SPARQL endpoint {self.endpoint} {odd}")  # not the answer to this query
        tests = boolean_columns(given) if virtuoso and isinstance(result, Solutions) else frozenset()
        return _as_booleans(result, tests) if tests else result

    @staticmethod
    def _timed_out(resp: httpx.Response) -> bool:
        """Whether an error answer says the endpoint's own time limit stopped the query (Virtuoso: SQL state S1T00)."""
        head = resp.read()[:2000].decode("utf-8", "replace")
        return resp.status_code in (500, 503, 504) and ("S1T00" in head or "timed out" in head.lower() or resp.status_code == 504)

    def _read(self, resp: httpx.Response, limit: int | None, form: str | None) -> tuple[Result | str | None, Exception | None]:
        """Parse the answer as it streams in, by the expected kind and the answer's media type."""
        media = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        results_fmt = QueryResultsFormat.from_media_type(media) or self.RESULT_ALIASES.get(media)
        graph_fmt = RdfFormat.from_media_type(media)
        if form is None:  # unknown form: SPARQL results first, as a generic JSON or XML answer is more likely those
            form = "solutions" if results_fmt is not None else "graph"
        fmt = graph_fmt if form == "graph" else results_fmt
        if fmt is None:
            return None, EndpointError(f"SPARQL endpoint {self.endpoint} answered in {media or 'no media type'}, "
                                       f"not {'a graph' if form == 'graph' else 'SPARQL results'}")
        try:
            if form == "graph":
                return _triples((q.triple for q in ox.parse(_ResponseReader(resp), format=fmt)), limit), None
            return _typed(ox.parse_query_results(_ResponseReader(resp), format=fmt), limit), None
        except (SyntaxError, ValueError) as exc:
            return None, EndpointError(f"SPARQL endpoint {self.endpoint} sent an answer that does not parse as {media}: {exc}")

    def upload(self, paths: Paths | None = None) -> None:
        """Replace the asserted and inferred graphs on the endpoint (Graph Store Protocol PUT)."""
        if not self.graph_store:
            raise StoreError("no graph store URL given; cannot upload")
        paths = paths or default_paths()
        for graph, path in ((ASSERTED, paths.ttl), (INFERRED, paths.inferred)):
            try:
                resp = self._http.put(self.graph_store, params={"graph": graph.value}, content=path.read_bytes(),
                                      headers={"Content-Type": "text/turtle"})
            except httpx.HTTPError as exc:
                raise EndpointError(f"graph store {self.graph_store} unreachable: {exc}") from None
            if resp.status_code >= 300:
                raise EndpointError(f"upload of {graph.value} failed: {resp.status_code} {resp.text[:300]}")
        record = meta_ntriples(artifacts_checksum(paths), []).encode()
        try:  # the same fingerprint the embedded store records, so a cache keyed on it follows the data
            resp = self._http.put(self.graph_store, params={"graph": META.value}, content=record,
                                  headers={"Content-Type": "application/n-triples"})
        except httpx.HTTPError as exc:
            raise EndpointError(f"graph store {self.graph_store} unreachable: {exc}") from None
        if resp.status_code >= 300:
            raise EndpointError(f"upload of {META.value} failed: {resp.status_code} {resp.text[:300]}")

    def close(self) -> None:
        self._http.close()


def selector(endpoint: str | None = None, store_path: Path | str | None = None) -> str:
    """The selector string for the CLI's and API's ``--endpoint`` / ``--store`` options (``--store`` takes a folder
    or a selector).

    Examples
    --------
    >>> selector(), selector(store_path="/tmp/s"), selector("http://localhost:7878/query")
    ('oxigraph:memory', 'oxigraph:/tmp/s', 'sparql:http://localhost:7878/query')
    >>> selector(store_path="sparql:http://localhost:7878/query")  # a selector passes through
    'sparql:http://localhost:7878/query'
    """
    if endpoint:
        return f"sparql:{endpoint}"
    if store_path and re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", str(store_path)) and not Path(store_path).exists():
        return str(store_path)  # already a selector (open_store refuses an unknown scheme)
    return f"oxigraph:{store_path}" if store_path else "oxigraph:memory"


def open_store(spec: str = "oxigraph:memory", paths: Paths | None = None, graph_store: str | None = None,
               timeout: float = 30.0, read_only: bool = False) -> Store:
    """Open a store from a selector string.

    Parameters
    ----------
    spec : str
        ``oxigraph:memory`` (the embedded store in memory), ``oxigraph:DIR`` (on disk
        in DIR, reused while current) or ``sparql:URL`` (a SPARQL 1.1 endpoint).
    paths : Paths, optional
        Where the artifacts are.
    graph_store : str, optional
        With ``sparql:``: a Graph Store Protocol URL to upload the artifacts to first.
    timeout : float
        With ``sparql:``: seconds to wait for the endpoint's answer (connecting: at most 5).
    read_only : bool
        With ``oxigraph:DIR``: open the existing store read-only.

    Raises
    ------
    ValueError
        For a selector of no known scheme.
    """
    scheme, _, rest = spec.partition(":")
    if scheme == "sparql" and rest.startswith(("http://", "https://")):
        store = RemoteStore(rest, graph_store, timeout)
        if graph_store:
            store.upload(paths)
        return store
    if scheme == "oxigraph" and rest:
        return EmbeddedStore(paths, None if rest == "memory" else Path(rest), read_only=read_only)
    raise ValueError(f"unknown store selector {spec!r}; use oxigraph:memory, oxigraph:DIR or sparql:http(s)://URL")
