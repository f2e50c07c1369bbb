"""What a store is, and what a store that takes graphs can do: the wing's two interfaces.

:class:`Store` is what every backend answers: one typed :meth:`Store.query`, in the manner of pyoxigraph's
``Store.query``, and the conveniences built on it (:meth:`Store.select`, :meth:`Store.ask`, the record of the graphs
it serves). :class:`Loadable` is the capability of putting graphs into a store and taking them out, in the manner of
oaklib's interfaces: the release artifacts (:meth:`Loadable.upload`), and other graphs merged in beside them or
dropped (:meth:`Loadable.merge`, as ``oihkg load`` does). :class:`kg.store.EmbeddedStore` and
:class:`kg.store.RemoteStore` implement both; Virtuoso's bulk loader (:class:`kg.store.virtuoso.VirtuosoLoader`)
implements :class:`Loadable`.

Examples
--------
>>> from kg.store import EmbeddedStore, Loadable, RemoteStore, Store
>>> [(issubclass(s, Store), issubclass(s, Loadable)) for s in (EmbeddedStore, RemoteStore)]
[(True, True), (True, True)]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyoxigraph import NamedNode

from kg.config import Paths
from kg.errors import QueryError, WrongQueryForm
from kg.store.record import ASSERTED, CHECKSUM, INFERRED, META, SOURCE, TRIPLES, fingerprint
from kg.store.results import Boolean, Result, Row, Solutions, Term, Triples

__all__ = ["Store", "Loadable"]


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
        return fingerprint([r["c"].value for r in rows] if isinstance(rows, Solutions) else [])

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


class Loadable(ABC):
    """Putting graphs into a store and taking them out: the capability ``oihkg load`` and the servers' loaders share.

    The release artifacts go into the asserted and inferred graphs with their checksum recorded (:meth:`upload`), so
    :meth:`Store.checksum` tells a stale store; other graphs are merged in each into its own graph under
    :data:`kg.store.LOADED`, with a record of its source, triples and SHA-256, or dropped (:meth:`merge`). Every file
    is read whole before anything changes (:func:`kg.store.merge.prepared`).
    """

    @abstractmethod
    def upload(self, paths: Paths | None = None) -> None:
        """Put the release artifacts (``paths``, or the project's) into the asserted and inferred graphs and record
        their checksum.

        Raises
        ------
        StoreError
            The store could not take them (:class:`kg.errors.EndpointError` from an endpoint).
        """

    @abstractmethod
    def merge(self, files: Iterable[Path | str], names: Iterable[str] | None = None,
              drop: Iterable[str] = ()) -> list[dict]:
        """Drop the merged graphs named in ``drop``, then merge each file into its own graph (``names``, one per file,
        or the files' names); the records of the graphs loaded, as :meth:`Store.loaded` lists them.

        Raises
        ------
        LoadError
            A file cannot be read, a name is not a graph name or no graph of a ``drop`` name is merged in, or the
            store merges no graphs; then nothing changed.
        """
