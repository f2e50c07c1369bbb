"""oihkg: a knowledge graph and mechanism query engine for opioid-induced hyperalgesia.

:class:`OIHKG` is the one entry point that notebooks, the CLI and the HTTP
API call. It opens a store (embedded by default, any SPARQL 1.1 endpoint by
URL), resolves entity names, and answers the named queries.

Examples
--------
>>> from kg import OIHKG
>>> kg = OIHKG.open()
>>> [hit["id"] for hit in kg.search("TLR4")][:1]
['HGNC:11850']
>>> sorted({r["interventionLabel"] for r in kg.query("analgesia-sparing-interventions")})[:3]
['NMDA receptor antagonist', 'TLR4 antagonist', 'ibudilast']
>>> [(r["direction"], r["pathwayLabel"]) for r in kg.query("pathways-for-intervention", intervention="ketamine")]
[('inhibits', 'NMDA receptor / central sensitization pathway')]
>>> kg.paths("morphine", "TLR4").paths[0].edges[0]["via"]  # what the text says of opioids holds for morphine
'oih:opioid'
>>> kg.sparql("ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> 'ketamine' }")
True
>>> kg.paths("TLR4", "hyperalgesic component").paths[0].sign
1
>>> kg.perturb(activate=["ketamine"]).summary()  # giving ketamine
{'A': 'unchanged', 'H': 'down', 'P': 'down'}
>>> kg.simulate(interventions=["test taper"]).test_taper["outcome"]
'pain falls: points to OIH'
>>> kg.check().counts()["contradicted"]
0
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg import vocab
from kg.config import Paths, default_paths, default_seed

__all__ = ["OIHKG", "__version__"]
__version__ = "0.1.0"


def _py(term) -> Any:
    """A JSON-ready Python value for an RDF term (IRIs become CURIEs where possible)."""
    from pyoxigraph import Literal, NamedNode

    if isinstance(term, NamedNode):
        return vocab.compress(term.value)
    if isinstance(term, Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt == "boolean":
            return term.value == "true"
        if dt in {"integer", "int", "long"}:
            return int(term.value)
        if dt in {"decimal", "double", "float"}:
            return float(term.value)
        return term.value
    return str(term)


#: Columns the named queries build with GROUP_CONCAT, whose order SPARQL leaves open: sorted here.
_CONCAT = {"problemIds": " ", "citations": " ", "synonyms": "|", "xrefs": "|", "types": "|", "classes": "; "}


def _row(row: dict) -> dict:
    out = {k: _py(v) for k, v in row.items()}
    for k, sep in _CONCAT.items():
        if isinstance(out.get(k), str):
            out[k] = sep.join(sorted(x for x in out[k].split(sep) if x))
    return out


class OIHKG:
    """The OIH knowledge graph over one store. Build with :meth:`open`."""

    def __init__(self, store, paths: Paths | None = None):
        from kg.queries import Resolver, load_queries

        self.store = store
        self.files = paths or default_paths()
        self.queries = load_queries()
        self.resolver = Resolver(store, self.queries)
        self._graphs: dict[bool, Any] = {}  # causal graphs, without and with inferred edges
        self._mechanism = None
        self._report = None

    @classmethod
    def open(cls, endpoint: str | None = None, store_path: Path | None = None,
             paths: Paths | None = None, graph_store: str | None = None) -> OIHKG:
        """Open the embedded store (built from the artifacts, building them first if missing) or an endpoint.

        Parameters
        ----------
        endpoint : str, optional
            A SPARQL 1.1 query URL. Without it the embedded store is used.
        store_path : Path, optional
            Keep the embedded store on disk here; reopened without reloading while current.
        graph_store : str, optional
            A Graph Store Protocol URL to upload the artifacts to before querying ``endpoint``.
        """
        from kg.store import open_store

        paths = paths or default_paths()
        if endpoint is None and not (paths.ttl.is_file() and paths.inferred.is_file()):
            from kg.build import build
            from kg.reason import reason

            build(paths, default_seed())
            reason(paths)
        return cls(open_store(endpoint, store_path, paths, graph_store), paths)

    # -- lookups
    def resolve(self, name: str) -> str:
        """The IRI for a CURIE, IRI, label or synonym (case-insensitive).

        Raises ``kg.queries.UnknownEntity`` or ``kg.queries.AmbiguousEntity``.
        """
        return self.resolver.resolve(name)

    def search(self, text: str, limit: int = 20) -> list[dict]:
        """Entities whose label, synonym or CURIE contains ``text`` (case-insensitive), best first.

        Each hit is ``{"id", "label", "types", "matched"}``; exact matches come
        before prefix matches, which come before substring matches.
        """
        needle = text.strip().casefold()
        if not needle:
            return []
        scored: dict[str, tuple[int, str, str]] = {}
        for name, bucket in self.resolver.by_name.items():
            if needle not in name:
                continue
            score = 0 if name == needle else 1 if name.startswith(needle) else 2
            for iri, (curie, label, kind) in bucket.items():
                key = (score, kind)
                if iri not in scored or key < scored[iri][:2]:
                    scored[iri] = (score, kind, name)
        hits = sorted(scored.items(), key=lambda kv: (kv[1][0], kv[1][1], self._label(kv[0]).casefold()))
        out = []
        for iri, (_, _, name) in hits[:limit]:
            card = self._card(iri)
            out.append({"id": self.resolver.curies[iri], "label": card.get("label"), "types": card.get("types", []), "matched": name})
        return out

    def _label(self, iri: str) -> str:
        for bucket in self.resolver.by_name.values():
            if iri in bucket:
                return bucket[iri][1]
        return iri

    def _card(self, iri: str) -> dict:
        from kg.store import NamedNode

        rows = self.store.select(self.queries["entity-card"].text, {"entity": NamedNode(iri)})
        if not rows:
            return {}
        r = _row(rows[0])
        split = lambda s: [x for x in str(s or "").split("|") if x]  # noqa: E731
        return {
            "id": r["curie"], "iri": iri, "label": r["label"], "definition": r.get("definition"),
            "synonyms": sorted(split(r.get("synonyms"))), "xrefs": sorted(split(r.get("xrefs"))),
            "types": sorted(vocab.compress(t) for t in split(r.get("types"))),
        }

    def entity(self, name: str) -> dict:
        """One entity: id, label, definition, synonyms, xrefs, types, and its edges in and out with evidence."""
        iri = self.resolve(name)
        card = self._card(iri)
        card["edges_out"] = self.edges(subject=iri)
        card["edges_in"] = self.edges(object=iri)
        return card

    def edges(self, subject: str | None = None, predicate: str | None = None, object: str | None = None,
              inferred: bool | None = None) -> list[dict]:
        """Evidence-backed edges (and, unless ``inferred=False``, inferred causal reach), filtered.

        ``subject``/``object`` accept any entity name; ``predicate`` a CURIE or IRI.
        """
        s = self.resolve(subject) if subject else None
        o = self.resolve(object) if object else None
        p = predicate
        if predicate and not predicate.startswith(("http://", "https://")):
            from kg.queries import UnknownEntity

            try:
                p = vocab.expand(predicate)
            except ValueError:
                raise UnknownEntity(f"no relation has the CURIE {predicate!r}") from None
        out = []
        for r in self.store.select(self.queries["all-edges"].text):
            if s and r["subject"].value != s or o and r["object"].value != o or p and r["predicate"].value != p:
                continue
            row = _row(r)
            if inferred is not None and row["inferred"] != inferred:
                continue
            row["citations"] = [c for c in str(row.get("citations") or "").split() if c]
            for key in ("sign", "context", "via"):  # unbound in the answer: no sign, no context, not inherited
                row.setdefault(key, None)
            out.append(row)
        return out

    def interventions(self) -> list[dict]:
        """Every agent or clinical action with its targets (action, sign; inferred when derived from its drug class), the
        pathways it drives or inhibits, and the defined classes the reasoner put it in."""
        out: dict[str, dict] = {}
        for r in self.query("intervention-targets"):
            item = out.setdefault(r["intervention"], {"id": r["intervention"], "label": r["interventionLabel"], "targets": [], "pathways": [], "classes": []})
            item["targets"].append({"id": r["target"], "label": r["targetLabel"], "action": r["actionLabel"], "sign": r["sign"],
                                    "inferred": r["inferred"]})
        for r in self.query("intervention-pathway-matrix"):
            item = out.setdefault(r["intervention"], {"id": r["intervention"], "label": r["interventionLabel"], "targets": [], "pathways": [], "classes": []})
            item["pathways"].append({"id": r["pathway"], "label": r["pathwayLabel"], "direction": r["direction"], "inferred": r["inferred"]})
        for r in self.query("intervention-classes"):
            if r["intervention"] in out:
                out[r["intervention"]]["classes"].append(r["classLabel"])
        return sorted(out.values(), key=lambda d: d["label"].casefold())

    # -- queries
    def query(self, name: str, **params: str) -> list[dict]:
        """Run a named query (``queries/NAME.rq``) with parameters given by entity name; rows as plain values."""
        from kg.queries import run

        if name not in self.queries:
            raise KeyError(f"no named query {name!r}; known: {', '.join(sorted(self.queries))}")
        rows = run(self.store, self.queries[name], params, self.resolver)
        return [_row(r) for r in rows]

    def sparql(self, text: str) -> Any:
        """Run SPARQL: SELECT → rows of plain values, ASK → bool, CONSTRUCT/DESCRIBE → list of triples (CURIEs)."""
        from kg.queries import check_syntax

        check_syntax(text)
        try:
            return [{k: _py(v) for k, v in r.items()} for r in self.store.select(text)]
        except ValueError:
            pass
        try:
            return self.store.ask(text)
        except ValueError:
            return [tuple(_py(x) for x in (t.subject, t.predicate, t.object)) for t in self.store.construct(text)]

    # -- mechanism engine
    def _curie(self, name: str) -> str:
        return vocab.compress(self.resolve(name))

    def causal_graph(self, include_inferred: bool = False):
        """The signed causal graph (:func:`kg.graph.causal_graph`), built once per store and cached."""
        from kg.graph import causal_graph

        if include_inferred not in self._graphs:
            self._graphs[include_inferred] = causal_graph(self, include_inferred)
        return self._graphs[include_inferred]

    def to_networkx(self, causal: bool = False, include_inferred: bool = False):
        """The graph as a networkx ``MultiDiGraph``.

        ``causal=True`` gives the signed causal graph the mechanism engine uses; otherwise every
        evidence-backed and inferred edge (:func:`kg.export.to_networkx`). A copy: change it freely.
        """
        if causal:
            return self.causal_graph(include_inferred).copy()
        from kg.export import to_networkx

        return to_networkx(self)

    def paths(self, source: str, target: str, max_length: int = 8, sign: int | None = None, limit: int = 100,
              include_inferred: bool = False):
        """Signed causal paths between two entities named any way (:func:`kg.paths.signed_paths`).

        An unknown name gives a result with status ``unknown_node``; an ambiguous one raises
        ``kg.queries.AmbiguousEntity``.
        """
        from kg.paths import PathResult, PathStatus, signed_paths
        from kg.queries import UnknownEntity

        ends = []
        for name in (source, target):
            try:
                ends.append(self._curie(name))
            except UnknownEntity as exc:
                return PathResult(PathStatus.unknown_node, source, target, message=str(exc))
        return signed_paths(self.causal_graph(include_inferred), *ends, max_length=max_length, sign=sign, limit=limit)

    def perturb(self, inhibit=(), activate=(), knockout=(), max_length: int = 8):
        """Predicted direction of every node, and of A, H and P, after a perturbation (:func:`kg.perturb.perturb`).

        Names are resolved first; an unknown one raises ``kg.queries.UnknownEntity``.
        """
        from kg.perturb import perturb

        ids = {k: [self._curie(n) for n in v] for k, v in (("inhibit", inhibit), ("activate", activate), ("knockout", knockout))}
        return perturb(self.causal_graph(), max_length=max_length, **ids)

    def mechanism(self):
        """The graph facts of the pain model (:class:`kg.model.Mechanism`), read once and cached."""
        from kg.model import Mechanism

        if self._mechanism is None:
            self._mechanism = Mechanism.from_kg(self)
        return self._mechanism

    def simulate(self, interventions=(), **params):
        """Run the illustrative model P = P0 - A + H (:func:`kg.model.simulate`).

        ``params`` override ``kg/model_params.toml``; invalid values raise ``pydantic.ValidationError``
        naming the field. Interventions, pathway names in ``gains`` and the patient ``profile`` (a condition that
        predisposes to OIH, e.g. ``"fibromyalgia"``) may be given any way.
        """
        from kg.model import ModelInputError, Scenario, simulate
        from kg.queries import UnknownEntity

        mech = self.mechanism()
        gains = {}
        for name, value in (params.pop("gains", None) or {}).items():
            try:
                gains[mech.pathway(name)] = value
            except ModelInputError:
                try:
                    gains[mech.pathway(self._curie(name))] = value
                except UnknownEntity as exc:
                    raise ModelInputError("gains", str(exc)) from None
        if params.get("profile"):
            try:
                params["profile"] = self._curie(params["profile"])
            except UnknownEntity as exc:
                raise ModelInputError("profile", str(exc)) from None
        scenario = Scenario(interventions=[self._curie(n) for n in interventions], gains=gains, **params)
        return simulate(mech, scenario)

    def check(self):
        """The text's claims (``ontology/src/observations.tsv``) checked against this graph (:func:`kg.observations.check`).

        Computed once per store and cached: the graph does not change under an open store.
        """
        from kg.observations import check

        if self._report is None:
            self._report = check(self)
        return self._report

    def export(self, fmt: str, path: Path | str | None = None) -> bytes:
        """The graph in one of :data:`kg.export.FORMATS` (owl, ttl, jsonld, kgx, graphml, cytoscape); written to ``path`` if given."""
        from kg.export import export

        data = export(self, fmt)
        if path is not None:
            Path(path).write_bytes(data)
        return data

    def close(self) -> None:
        """Release the store."""
        self.store.close()
