"""The façade: :class:`OIHKG`, the graph's one door for Python, the CLI and the API.

It opens a store from a selector (embedded by default, any SPARQL 1.1 endpoint by URL), builds the layers over it —
the :class:`kg.catalog.Catalog` (names, entities, edges, queries), the :class:`kg.mechanism.engine.Engine` (paths,
perturbations, the pain model) and the :class:`kg.translator.trapi.TRAPI` provider — and delegates to them, to
:mod:`kg.mechanism.observations`, :mod:`kg.outputs` and :mod:`kg.reason.rl`. It holds no logic of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.config import Paths, default_paths, default_seed

__all__ = ["OIHKG"]


class OIHKG:
    """The OIH knowledge graph over one store. Build with :meth:`open`."""

    def __init__(self, store, paths: Paths | None = None):
        from kg.catalog import Catalog
        from kg.mechanism.engine import Engine
        from kg.translator.trapi import TRAPI

        self.store = store
        self.files = paths or default_paths()
        self.catalog = Catalog(store)
        self.engine = Engine(self.catalog)
        self.trapi = TRAPI(self.engine)
        self._report = None
        self._about: dict[str, Any] | None = None

    @classmethod
    def open(cls, endpoint: str | None = None, store_path: Path | None = None, paths: Paths | None = None,
             graph_store: str | None = None, selector: str | None = None, timeout: float = 30.0) -> OIHKG:
        """Open the embedded store (built from the artifacts, building them first if missing) or an endpoint.

        Parameters
        ----------
        endpoint : str, optional
            A SPARQL 1.1 query URL. Without it the embedded store is used.
        store_path : Path, optional
            Keep the embedded store on disk here; reopened without reloading while current.
        graph_store : str, optional
            A Graph Store Protocol URL to upload the artifacts to before querying ``endpoint``.
        selector : str, optional
            The store as one string (``oxigraph:memory``, ``oxigraph:DIR``, ``sparql:URL``; :func:`kg.store.open_store`),
            instead of ``endpoint`` / ``store_path``.
        timeout : float
            Seconds to wait for a remote endpoint's answer.
        """
        from kg.store import open_store
        from kg.store import selector as make_selector

        paths = paths or default_paths()
        spec = selector or make_selector(endpoint, store_path)
        if spec.startswith("oxigraph:") and not (paths.ttl.is_file() and paths.inferred.is_file()):
            from kg.compile import build
            from kg.reason import reason

            build(paths, default_seed())
            reason(paths)
        return cls(open_store(spec, paths, graph_store, timeout), paths)

    # -- the catalog: names, entities, edges, queries
    @property
    def queries(self) -> dict:
        """The named queries (``queries/*.rq``) by name."""
        return self.catalog.queries

    def resolve(self, name: str) -> str:
        """The IRI for a CURIE, IRI, label or synonym (:meth:`kg.catalog.Catalog.resolve`)."""
        return self.catalog.resolve(name)

    def search(self, text: str, limit: int = 20) -> list[dict]:
        """Entities whose label, synonym or CURIE contains ``text``, best first (:meth:`kg.catalog.Catalog.search`)."""
        from kg.present.notebook import Rows

        return Rows(self.catalog.search(text, limit), caption=f"entities matching {text!r}")

    def entity(self, name: str) -> dict:
        """One entity with its edges in and out (:meth:`kg.catalog.Catalog.entity`): a dict that shows itself as a card
        in a notebook (:class:`kg.present.notebook.Card`)."""
        from kg.present.notebook import Card

        return Card(self.catalog.entity(name))

    def edges(self, subject: str | None = None, predicate: str | None = None, object: str | None = None,
              inferred: bool | None = None) -> list[dict]:
        """Evidence-backed and inferred edges, filtered (:meth:`kg.catalog.Catalog.edges`); a list that shows itself as a
        table in a notebook (:class:`kg.present.notebook.Rows`)."""
        from kg.present.notebook import Rows

        return Rows(self.catalog.edges(subject, predicate, object, inferred), caption="edges")

    def interventions(self) -> list[dict]:
        """Every agent or clinical action with its targets and pathways (:meth:`kg.catalog.Catalog.interventions`)."""
        from kg.present.notebook import Rows

        return Rows(self.catalog.interventions(), caption="interventions")

    def query(self, name, **params: str) -> list[dict]:
        """Run a named query (by name, or a parsed query file) with parameters given by entity name
        (:meth:`kg.catalog.Catalog.query`); a list of rows that shows itself as a table (:class:`kg.present.notebook.Rows`)."""
        from kg.present.notebook import Rows

        return Rows(self.catalog.query(name, **params), caption=getattr(name, "name", name))

    def run_query(self, name, params: dict[str, str], limit: int | None = None) -> list[dict]:
        """A named query for a client: parameters as a dict, at most ``limit`` rows; a ``context`` the query does not
        declare keeps the rows that hold in it (:meth:`kg.mechanism.engine.Engine.run_query`)."""
        return self.engine.run_query(name, params, limit)

    def completions(self) -> dict[str, Any]:
        """What the SPARQL editor completes and offers: prefixes, entities, schema terms, named-query examples
        (:meth:`kg.catalog.Catalog.completions`)."""
        return self.catalog.completions()

    def sparql(self, text: str, source: str = "query") -> Any:
        """Run SPARQL: rows, a bool or triples, by the query's form (:meth:`kg.catalog.Catalog.sparql`); rows and
        triples show themselves as tables (:func:`kg.present.notebook.answer`). The well-known prefixes (rdfs:, oih:, RO:…)
        need no PREFIX line, as in the SPARQL editor; a query that does not parse raises
        :class:`kg.catalog.queries.SparqlSyntaxError`, one sentence saying what to change, naming ``source`` (e.g. the
        file the query was read from)."""
        from kg.present.notebook import answer

        return answer(self.catalog.sparql(text, source))

    # -- the engine: paths, perturbations, the pain model
    def causal_graph(self, include_inferred: bool = False):
        """The signed causal graph (:meth:`kg.mechanism.engine.Engine.causal_graph`), shared: copy it to change it."""
        return self.engine.causal_graph(include_inferred)

    def to_networkx(self, causal: bool = False, include_inferred: bool = False):
        """The graph as a networkx ``MultiDiGraph``, a copy to change freely.

        ``causal=True`` gives the signed causal graph the mechanism engine uses; otherwise the KGX export's nodes and
        edges, in Biolink's direction with the KGX columns (:func:`kg.outputs.export.to_networkx`).
        """
        if causal:
            return self.causal_graph(include_inferred).copy()
        from kg.outputs.export import to_networkx

        return to_networkx(self.catalog)

    def paths(self, source: str, target: str, max_length: int = 8, sign: int | None = None, limit: int = 100,
              include_inferred: bool = False, context: str | None = None):
        """Signed causal paths between two entities named any way, in every context (each path labelled with the
        contexts it holds in) or in one (:meth:`kg.mechanism.engine.Engine.paths`).

        >>> kg = OIHKG.open()
        >>> kg.paths("morphine", "dynorphin", context="acute").status.value
        'no_path'
        >>> kg.paths("morphine", "dynorphin", context="chronic exposure").paths[0].contexts
        ('oih:chronic_exposure',)
        """
        return self.engine.paths(source, target, max_length, sign, limit, include_inferred, context)

    def perturb(self, inhibit=(), activate=(), knockout=(), max_length: int = 8, context: str | None = None):
        """Direction of every node, and of A, H and P, after a perturbation, over the statements that hold in
        ``context`` or, without one, in every context (:meth:`kg.mechanism.engine.Engine.perturb`)."""
        return self.engine.perturb(inhibit, activate, knockout, max_length, context)

    def context(self, name: str | None) -> str | None:
        """The CURIE of a context named any way (:meth:`kg.mechanism.engine.Engine.context`), None for none."""
        return self.engine.context(name)

    def query_in_context(self, name: str, context: str | None = None, **params):
        """The rows of a named query that hold in ``context`` (:meth:`kg.mechanism.engine.Engine.query_in_context`).

        >>> kg = OIHKG.open()
        >>> sorted({r.get("context") for r in kg.query_in_context("pathways-for-intervention", "acute", intervention="morphine")})
        [None]
        """
        from kg.present.notebook import Rows

        return Rows(self.engine.query_in_context(name, context, **params), caption=name)

    def contexts(self) -> tuple[str, ...]:
        """The model's contexts (exposures and conditions some statement holds in): what ``context=`` takes."""
        return self.engine.contexts()

    def mechanism(self):
        """The graph facts of the pain model under chronic exposure (:meth:`kg.mechanism.engine.Engine.mechanism`)."""
        return self.engine.mechanism()

    def simulate(self, interventions=(), context=None, **params):
        """Run the illustrative model P = P0 - A + H (:meth:`kg.mechanism.engine.Engine.simulate`), after chronic exposure or,
        with ``context="acute"``, one dose.

        >>> kg = OIHKG.open()
        >>> kg.simulate().classification, kg.simulate(context="acute").classification
        ('OIH', 'analgesia')
        """
        from kg.outputs.figure import Plotted

        return Plotted.of(self.engine.simulate(interventions, context=context, **params))

    def check(self):
        """The text's claims (``ontology/src/observations.tsv``) checked against this graph (:func:`kg.mechanism.observations.check`).

        Computed once per store and cached: the graph does not change under an open store.
        """
        from kg.mechanism.observations import check, load

        if self._report is None:
            self._report = check(self.engine, load(self.files))
        return self._report

    def summary(self) -> dict[str, Any]:
        """What the graph holds (``counts``: entities, evidence-backed edges, citations, asserted and inferred
        triples) and which agents drive or inhibit which pathways (``interventions``), read from the store
        (:mod:`kg.catalog.summary`)."""
        from kg.catalog.summary import counts, intervention_pathways

        return {"counts": counts(self.catalog), "interventions": intervention_pathways(self.catalog)}

    @staticmethod
    def materialise(files=(), paths: Paths | None = None, show: str | None = None):
        """The OWL 2 RL closure of the built ontology (``paths``, default the model's) with instance graphs
        (``files``), less what they and the inferred graph hold: a :class:`kg.reason.rl.Closure`, ready for
        :meth:`load`. It needs no store, only the artifacts. HermiT stays the curated ontology's reasoner; this is for
        instance graphs too large for it (:func:`kg.reason.rl.closure`)."""
        from kg.reason.rl import closure

        paths = paths or default_paths()
        return closure(paths.ttl, paths.inferred, map(Path, files), show)

    def where(self) -> dict[str, Any]:
        """Where this graph is served from, without asking the store: ``store`` (``embedded`` or the endpoint URL),
        ``selector``, the package ``versions``, and the Biolink and TRAPI versions the TRAPI answers follow."""
        from kg.translator import biolink
        from kg.config import versions
        from kg.translator.trapi import TRAPI_VERSION

        spec = self.store.selector
        return {"store": "embedded" if spec.startswith("oxigraph:") else spec.partition(":")[2], "selector": spec,
                "versions": versions(), "biolink_version": biolink.version(), "trapi_version": TRAPI_VERSION}

    def about(self) -> dict[str, Any]:
        """:meth:`where`, the triple counts and the store's ``checksum`` (:meth:`kg.store.Store.checksum`, the key of
        answers that depend only on what the store holds): taken once per store and cached, so a liveness probe costs
        next to nothing."""
        if self._about is None:
            self._about = {**self.where(), "triples": self.store.counts(), "checksum": self.store.checksum(),
                           "loaded": self.store.loaded()}
        return self._about

    # -- merging other graphs in
    def load(self, files, names=None, drop=()) -> list[dict]:
        """Merge RDF or KGX files into named graphs of their own beside the curated graph, dropping the merged graphs
        named in ``drop`` once every file is read (:func:`kg.store.merge.load_files`; the embedded store only), then read
        the graph afresh: the engine follows the merged signed edges."""
        from kg.store.merge import load_files

        done = load_files(self.store, files, names, drop)
        self.__init__(self.store, self.files)
        return done

    def unload(self, name: str) -> None:
        """Drop a graph merged in with :meth:`load` (:func:`kg.store.merge.unload`), then read the graph afresh."""
        from kg.store.merge import unload

        unload(self.store, name)
        self.__init__(self.store, self.files)

    # -- outputs
    def export(self, fmt: str, path: Path | str | None = None) -> bytes:
        """The graph in one of :data:`kg.outputs.export.FORMATS`; written to ``path`` if given (:func:`kg.outputs.export.export`)."""
        from kg.outputs.export import export

        data = export(self.catalog, fmt)
        if path is not None:
            Path(path).write_bytes(data)
        return data

    def map_html(self, title: str = "oihkg — OIH mechanism map") -> str:
        """The interactive mechanism map as one self-contained HTML page (:func:`kg.outputs.map.render_map`)."""
        from kg.outputs.map import render_map

        return render_map(self.catalog, self.causal_graph(), title)

    def map(self, title: str = "oihkg — OIH mechanism map", height: int = 720):
        """The mechanism map shown inline in a notebook (:class:`kg.present.notebook.MapView`; ``.save(path)`` writes it)."""
        from kg.present.notebook import MapView

        return MapView(self.map_html(title), height)

    def close(self) -> None:
        """Release the store."""
        self.store.close()
