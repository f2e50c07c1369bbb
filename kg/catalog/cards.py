"""Entity cards, edges with evidence, the merged graphs' nodes and edges, and interventions: what the catalog reads
about entities (:class:`CardReads`, a mixin of :class:`kg.catalog.Catalog`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from kg import schema
from kg.catalog.queries import NamedQuery, UnknownEntity
from kg.catalog.values import plain_row
from kg.store import NamedNode, Store

__all__ = ["CardReads"]


def _split(value, sep: str = "|") -> list[str]:
    return [x for x in str(value or "").split(sep) if x]


class CardReads:
    """The reads of :class:`kg.catalog.Catalog` about entities: cards, edges, merged graphs and interventions (a mixin;
    the catalog gives ``store``, ``queries``, the name reads and ``query``)."""

    store: Store
    queries: dict[str, NamedQuery]

    # -- entities
    @staticmethod
    def _card(iri: str, r: dict) -> dict:
        return {
            "id": r["curie"], "iri": iri, "label": r["label"], "definition": r.get("definition"),
            "synonyms": sorted(_split(r.get("synonyms"))), "xrefs": sorted(_split(r.get("xrefs"))),
            "types": sorted(schema.compress(t) for t in _split(r.get("types"))),
        }

    @cached_property
    def _cards(self) -> dict[str, dict]:
        """Every entity's card by IRI, read in one query on first use (the graph does not change under an open store)."""
        rows = self.store.select(self.queries["entity-card"].text)
        return {r["entity"].value: self._card(r["entity"].value, plain_row(r)) for r in rows}

    def card(self, iri: str) -> dict:
        """One entity's annotations (``id``, ``iri``, ``label``, ``definition``, ``synonyms``, ``xrefs``, ``types``); ``{}`` if none."""
        return dict(self._cards.get(iri, {}))

    def cards(self, iris: list[str] | None = None) -> dict[str, dict]:
        """The cards of ``iris`` (every entity when omitted), by IRI."""
        out = self._cards
        if iris is None:
            return {i: dict(c) for i, c in out.items()}
        return {i: dict(out.get(i, {"label": self.label(i), "types": []})) for i in iris}

    def entity(self, name: str) -> dict:
        """One entity: its card, and its edges in and out with evidence."""
        iri = self.resolve(name)
        card = self.card(iri) or {  # an entity of a merged graph: the cards cover the curated graph
            "id": self.names.curies[iri], "iri": iri, "label": self.label(iri), "definition": None, "synonyms": [],
            "xrefs": [], "types": []}
        card["edges_out"] = self.edges(subject=iri)
        card["edges_in"] = self.edges(object=iri)
        return card

    def edges(self, subject: str | None = None, predicate: str | None = None, object: str | None = None,
              inferred: bool | None = None) -> list[dict]:
        """Evidence-backed edges (and, unless ``inferred=False``, inferred ones), filtered.

        ``subject``/``object`` accept any entity name; ``predicate`` a CURIE or IRI.
        """
        s = self.resolve(subject) if subject else None
        o = self.resolve(object) if object else None
        p = predicate
        if predicate and not predicate.startswith(("http://", "https://")):
            try:
                p = schema.expand(predicate)
            except ValueError:
                raise UnknownEntity(f"no relation has the CURIE {predicate!r}") from None
        out = []
        for r in self.store.select(self.queries["all-edges"].text):
            if s and r["subject"].value != s or o and r["object"].value != o or p and r["predicate"].value != p:
                continue
            row = plain_row(r)
            if inferred is not None and row["inferred"] != inferred:
                continue
            row["citations"] = _split(row.get("citations"), " ")
            for key in ("sign", "context", "via"):  # unbound in the answer: no sign, no context, not inherited
                row.setdefault(key, None)
            out.append(row)
        return out

    def merged(self, step: Callable[[], None] = lambda: None,
               records: list[dict] | None = None) -> tuple[list[dict], list[dict]]:
        """The graphs merged in with ``oihkg load``, as the mechanism graph reads them: ``(nodes, edges)``, the
        labelled entities (``curie``, ``label``) and every triple whose relation has a sign in the schema (``subject``,
        ``predicate``, ``object``, ``sign``, ``graph``, ``citations``: the sources an ``owl:Axiom`` gives), each query
        asked once per merged graph with the graph bound, so the store plans it on that graph alone; ``step`` is
        called after each of these three queries (progress). ``records`` are the store's records of those graphs
        (:meth:`kg.store.Store.loaded`) when the caller has read them already."""
        nodes: list[dict] = []
        edges: list[dict] = []
        for record in self.store.loaded() if records is None else records:
            graph = {"graph": NamedNode(record["graph"])}
            nodes += [{"curie": r["entity"], "label": r["label"]}
                      for r in map(plain_row, self.store.select(self.queries["loaded-nodes"].text, graph))]
            step()
            sources: dict[tuple[str, str, str], list[str]] = {}
            for r in self.store.select(self.queries["loaded-edge-sources"].text, graph):
                sources.setdefault((r["subject"].value, r["predicate"].value, r["object"].value), []).append(r["source"].value)
            step()
            for r in self.store.select(self.queries["loaded-causal-edges"].text, graph):
                row = plain_row(r)
                row["citations"] = sources.get((r["subject"].value, r["predicate"].value, r["object"].value), [])
                edges.append(row)
            step()
        return nodes, edges

    def interventions(self) -> list[dict]:
        """Every agent or clinical action with its targets (action, sign; inferred when derived from its drug class), the
        pathways it drives or inhibits, and the defined classes the reasoner put it in."""
        out: dict[str, dict] = {}

        def item(r: dict) -> dict:
            return out.setdefault(r["intervention"], {"id": r["intervention"], "label": r["interventionLabel"],
                                                      "targets": [], "pathways": [], "classes": []})

        for r in self.query("intervention-targets"):
            item(r)["targets"].append({"id": r["target"], "label": r["targetLabel"], "action": r["actionLabel"],
                                       "sign": r["sign"], "inferred": r["inferred"]})
        for r in self.query("intervention-pathway-matrix"):
            item(r)["pathways"].append({"id": r["pathway"], "label": r["pathwayLabel"], "direction": r["direction"],
                                        "inferred": r["inferred"]})
        for r in self.query("intervention-classes"):
            if r["intervention"] in out:
                out[r["intervention"]]["classes"].append(r["classLabel"])
        return sorted(out.values(), key=lambda d: d["label"].casefold())
