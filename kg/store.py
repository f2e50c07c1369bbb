"""Where the graph lives: one small interface, an embedded and a remote implementation.

:class:`Store` is what every other module asks of a backend (select,
construct/describe, ask, named graphs, triple counts). :class:`EmbeddedStore`
is a pyoxigraph store, in memory or on disk, loaded from the release
artifacts; :class:`RemoteStore` talks the SPARQL 1.1 Protocol to any endpoint
(Oxigraph server, Fuseki, Virtuoso, QLever, GraphDB) and can upload the
graphs through the Graph Store Protocol. :func:`open_store` picks one.

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
>>> store = open_store()
>>> rows = store.select(
...     "SELECT ?x ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
...     {"x": NamedNode("http://purl.obolibrary.org/obo/CHEBI_6121")})
>>> [r["label"].value for r in rows]
['ketamine']
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Union

import httpx
import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, Variable

from kg import vocab
from kg.config import Paths, default_paths

__all__ = [
    "Term",
    "Row",
    "Store",
    "EmbeddedStore",
    "RemoteStore",
    "StoreError",
    "open_store",
    "artifacts_checksum",
    "NamedNode",
    "Literal",
]

Term = Union[NamedNode, BlankNode, Literal]
Row = dict[str, Term]

ASSERTED = NamedNode(str(vocab.GRAPH_ASSERTED))
INFERRED = NamedNode(str(vocab.GRAPH_INFERRED))
META = NamedNode("https://w3id.org/oihkg/graph/meta")
CHECKSUM = NamedNode(str(vocab.OIH) + "artifactsChecksum")


class StoreError(Exception):
    """A backend could not answer (unreachable endpoint, HTTP error)."""


def artifacts_checksum(paths: Paths) -> str:
    """SHA-256 over the asserted and inferred artifacts, to tell a stale store."""
    h = hashlib.sha256()
    for p in (paths.ttl, paths.inferred):
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.is_file() else b"")
    return h.hexdigest()


class Store(ABC):
    """What a backend can answer. All methods take SPARQL text and RDF-term bindings."""

    @abstractmethod
    def select(self, query: str, bindings: dict[str, Term] | None = None) -> list[Row]:
        """Rows of a SELECT query, each a dict of variable name to term (unbound names absent)."""

    @abstractmethod
    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        """The answer of an ASK query."""

    @abstractmethod
    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE query."""

    @abstractmethod
    def raw(self, query: str, media_type: str, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None) -> tuple[str, bytes]:
        """Run any query and return ``(kind, body)`` serialized in ``media_type``.

        ``kind`` is ``solutions``, ``boolean`` or ``graph``. Used by the SPARQL
        protocol endpoint, which passes the client's dataset and format through.
        """

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

    def counts(self) -> dict[str, int]:
        """Triple counts of the asserted and inferred graphs and their union."""
        return {
            "asserted": self.count(ASSERTED.value),
            "inferred": self.count(INFERRED.value),
            "total": self.count(),
        }

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release resources."""


_RESULT_FORMATS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/n-quads": RdfFormat.N_QUADS,
}


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
        Open an existing, current on-disk store read-only (for worker processes).
    """

    def __init__(self, paths: Paths | None = None, location: Path | None = None, read_only: bool = False):
        self.paths = paths or default_paths()
        self.location = location
        self.reloaded = False
        if location is not None and read_only:
            self._store = ox.Store.read_only(str(location))
            return
        if location is not None:
            Path(location).mkdir(parents=True, exist_ok=True)
        self._store = ox.Store(str(location)) if location is not None else ox.Store()
        self.ensure_current()

    def stored_checksum(self) -> str | None:
        """The artifacts' checksum recorded at the last load, if any."""
        quads = list(self._store.quads_for_pattern(None, CHECKSUM, None, META))
        return quads[0].object.value if quads else None

    def ensure_current(self) -> bool:
        """Reload from the artifacts unless the store already holds them; True when reloaded."""
        want = artifacts_checksum(self.paths)
        if self.stored_checksum() == want:
            return False
        self._store.clear()
        self._store.bulk_load(path=str(self.paths.ttl), format=RdfFormat.TURTLE, to_graph=ASSERTED)
        if self.paths.inferred.is_file():
            self._store.bulk_load(path=str(self.paths.inferred), format=RdfFormat.TURTLE, to_graph=INFERRED)
        self._store.add(ox.Quad(META, CHECKSUM, Literal(want), META))
        self._store.flush()
        self.reloaded = True
        return True

    def _query(self, query: str, bindings: dict[str, Term] | None):
        subs = {Variable(k): v for k, v in (bindings or {}).items()}
        return self._store.query(
            query, default_graph=[ASSERTED, INFERRED], substitutions=subs or None,
            named_graphs=[ASSERTED, INFERRED],
        )

    def select(self, query: str, bindings: dict[str, Term] | None = None) -> list[Row]:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]

    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        return list(result)

    def raw(self, query, media_type, default_graphs=None, named_graphs=None):
        kwargs: dict = {}
        kwargs["default_graph"] = [NamedNode(g) for g in (default_graphs or [ASSERTED.value, INFERRED.value])]
        kwargs["named_graphs"] = [NamedNode(g) for g in (named_graphs or [ASSERTED.value, INFERRED.value])]
        result = self._store.query(query, **kwargs)
        if isinstance(result, ox.QueryTriples):
            return "graph", result.serialize(format=_GRAPH_FORMATS.get(media_type, RdfFormat.N_TRIPLES))
        fmt = _RESULT_FORMATS.get(media_type, QueryResultsFormat.JSON)
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        return kind, result.serialize(format=fmt)

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]


def _values_block(bindings: dict[str, Term]) -> str:
    """A trailing ``VALUES`` clause binding each variable to one RDF term.

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


class RemoteStore(Store):
    """Any SPARQL 1.1 Protocol endpoint.

    Parameters
    ----------
    endpoint : str
        The query URL.
    graph_store : str, optional
        A SPARQL 1.1 Graph Store Protocol URL, to upload the graphs with :meth:`upload`.
    timeout : float
        Seconds to wait for an answer.
    """

    def __init__(self, endpoint: str, graph_store: str | None = None, timeout: float = 30.0):
        self.endpoint = endpoint
        self.graph_store = graph_store
        self._http = httpx.Client(timeout=timeout)

    def _post(self, query: str, accept: str, default_graphs=None, named_graphs=None) -> bytes:
        params = [("default-graph-uri", g) for g in (default_graphs or [ASSERTED.value, INFERRED.value])]
        params += [("named-graph-uri", g) for g in (named_graphs or [ASSERTED.value, INFERRED.value])]
        try:
            resp = self._http.post(
                self.endpoint, params=params, content=query.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": accept},
            )
        except httpx.HTTPError as exc:
            raise StoreError(f"SPARQL endpoint {self.endpoint} unreachable: {exc}") from exc
        if resp.status_code == 400:
            raise SyntaxError(resp.text.strip())
        if resp.status_code >= 300:
            raise StoreError(f"SPARQL endpoint {self.endpoint} answered {resp.status_code}: {resp.text[:300]}")
        return resp.content

    @staticmethod
    def _bind(query: str, bindings: dict[str, Term] | None) -> str:
        return f"{query.rstrip()}\n{_values_block(bindings)}" if bindings else query

    def select(self, query: str, bindings: dict[str, Term] | None = None) -> list[Row]:
        body = self._post(self._bind(query, bindings), "application/sparql-results+json")
        result = ox.parse_query_results(body, format=QueryResultsFormat.JSON)
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]

    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        body = self._post(self._bind(query, bindings), "application/sparql-results+json")
        return bool(ox.parse_query_results(body, format=QueryResultsFormat.JSON))

    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        body = self._post(self._bind(query, bindings), "application/n-triples")
        return [q.triple for q in ox.parse(body, format=RdfFormat.N_TRIPLES)]

    def raw(self, query, media_type, default_graphs=None, named_graphs=None):
        body = self._post(query, media_type, default_graphs, named_graphs)
        head = query.lstrip().upper()
        kind = "graph" if "CONSTRUCT" in head or "DESCRIBE" in head else "solutions"
        return kind, body

    def upload(self, paths: Paths | None = None) -> None:
        """Replace the asserted and inferred graphs on the endpoint (Graph Store Protocol PUT)."""
        if not self.graph_store:
            raise StoreError("no graph store URL given; cannot upload")
        paths = paths or default_paths()
        for graph, path in ((ASSERTED, paths.ttl), (INFERRED, paths.inferred)):
            resp = self._http.put(
                self.graph_store, params={"graph": graph.value}, content=path.read_bytes(),
                headers={"Content-Type": "text/turtle"},
            )
            if resp.status_code >= 300:
                raise StoreError(f"upload of {graph.value} failed: {resp.status_code} {resp.text[:300]}")

    def close(self) -> None:
        self._http.close()


def open_store(endpoint: str | None = None, location: Path | None = None, paths: Paths | None = None,
               graph_store: str | None = None) -> Store:
    """Open the embedded store (default) or a remote endpoint by URL.

    Parameters
    ----------
    endpoint : str, optional
        A SPARQL 1.1 query URL; the embedded store when omitted.
    location : Path, optional
        On-disk folder for the embedded store; in memory when omitted.
    paths : Paths, optional
        Where the artifacts are.
    graph_store : str, optional
        With ``endpoint``: a Graph Store Protocol URL to upload the artifacts to first.
    """
    if endpoint:
        store = RemoteStore(endpoint, graph_store)
        if graph_store:
            store.upload(paths)
        return store
    return EmbeddedStore(paths, location)
