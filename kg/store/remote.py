"""The remote backend: any SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, Virtuoso, QLever, GraphDB).

:class:`RemoteStore` sends a query once, binding parameters as a ``VALUES`` block (:func:`kg.store.shape.bind_values`),
reads the answer as it streams in (:class:`ResponseReader`, which also reads Virtuoso's blank node labels), turns
Virtuoso's 1 and 0 for boolean tests back into booleans, and uploads the artifacts through the Graph Store Protocol
(:class:`kg.store.interface.Loadable`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat

from kg.config import Paths, default_paths
from kg.errors import EndpointError, EndpointTimeout, QueryError, ResultTooLarge, StoreError
from kg.store import messages as store_messages
from kg.store.interface import Loadable, Store
from kg.store.merge import load_files
from kg.store.record import ASSERTED, INFERRED, META, artifacts_checksum, meta_ntriples
from kg.store.results import Result, Solutions, Term, bounded_triples, outcome, typed_result
from kg.store.shape import bind_values, boolean_columns, query_form
from kg.store.text import declares_dataset

__all__ = ["RemoteStore", "ResponseReader"]


class ResponseReader(io.RawIOBase):
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


class RemoteStore(Store, Loadable):
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
        result = outcome(typed, failure)
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
                return bounded_triples((q.triple for q in ox.parse(ResponseReader(resp), format=fmt)), limit), None
            return typed_result(ox.parse_query_results(ResponseReader(resp), format=fmt), limit), None
        except (SyntaxError, ValueError) as exc:
            return None, EndpointError(f"SPARQL endpoint {self.endpoint} sent an answer that does not parse as {media}: {exc}")

    def upload(self, paths: Paths | None = None) -> None:
        """Replace the asserted and inferred graphs on the endpoint (Graph Store Protocol PUT)."""
        if not self.graph_store:
            raise StoreError("no graph store URL given; cannot upload")
        paths = paths or default_paths()
        # the artifacts, then the same fingerprint the embedded store records, so a cache keyed on it follows the data
        for graph, content, media in ((ASSERTED, paths.ttl.read_bytes, "text/turtle"),
                                      (INFERRED, paths.inferred.read_bytes, "text/turtle"),
                                      (META, lambda: meta_ntriples(artifacts_checksum(paths), []).encode(),
                                       "application/n-triples")):
            try:
                resp = self._http.put(self.graph_store, params={"graph": graph.value}, content=content(),
                                      headers={"Content-Type": media})
            except httpx.HTTPError as exc:
                raise EndpointError(f"graph store {self.graph_store} unreachable: {exc}") from None
            if resp.status_code >= 300:
                raise EndpointError(f"upload of {graph.value} failed: {resp.status_code} {resp.text[:300]}")

    def merge(self, files: Iterable[Path | str], names: Iterable[str] | None = None,
              drop: Iterable[str] = ()) -> list[dict]:
        """:meth:`Loadable.merge`: refused with :class:`kg.errors.LoadError`, as ``oihkg load`` refuses an endpoint
        (:func:`kg.store.merge.load_files`): an endpoint merges graphs with its own bulk loader."""
        return load_files(self, files, names, drop)

    def close(self) -> None:
        self._http.close()
