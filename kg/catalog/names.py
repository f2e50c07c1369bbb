"""The one name resolver: every name of every entity read once, and the catalog's reads by name.

:class:`Names` is the index (CURIE, IRI, label or synonym, case-insensitive);
:class:`NameReads` gives :class:`kg.catalog.Catalog` its name index and the reads
over it — :meth:`~NameReads.resolve`, :meth:`~NameReads.curie`,
:meth:`~NameReads.label` and :meth:`~NameReads.search`.
"""

from __future__ import annotations

from functools import cached_property

from kg import schema
from kg.catalog.queries import AmbiguousEntity, NamedQuery, UnknownEntity
from kg.store import NamedNode, Row, Store

__all__ = ["Names", "NameReads"]


class Names:
    """Every name of every entity, read once: the index behind :meth:`kg.catalog.Catalog.resolve` and :meth:`kg.catalog.Catalog.search`.

    Matching is case-insensitive; a CURIE or IRI wins, then a label, then a
    synonym. A name shared by several entities raises :class:`kg.catalog.queries.AmbiguousEntity`.
    """

    _RANK = {"id": 0, "label": 1, "synonym": 2, "merged": 3}

    def __init__(self, rows: list[Row], merged: list[Row] = ()):
        self.by_name: dict[str, dict[str, tuple[str, str, int]]] = {}
        self.curies: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        for r in rows:
            self._add(r["entity"].value, r["curie"].value, r["label"].value, r["name"].value, r["kind"].value)
        curated_names, curated = set(self.by_name), set(self.curies)
        for r in merged:  # an entity of a merged graph (`loaded-nodes`): its CURIE, and its label unless a curated name
            iri = r["entity"].value
            if iri in curated:
                continue  # a curated entity: a merged label neither renames it nor adds a name to it
            curie = schema.compress(iri)
            self._add(iri, curie, r["label"].value, curie, "id")
            if r["label"].value.casefold() not in curated_names:
                self._add(iri, curie, r["label"].value, r["label"].value, "merged")

    def _add(self, iri: str, curie: str, label: str, name: str, kind: str) -> None:
        self.curies[iri], self.labels[iri] = curie, label
        bucket = self.by_name.setdefault(name.casefold(), {})
        k = self._RANK[kind]
        if iri not in bucket or k < bucket[iri][2]:
            bucket[iri] = (curie, label, k)

    def resolve(self, name: str) -> str:
        """The IRI of the entity ``name`` designates.

        Raises
        ------
        UnknownEntity, AmbiguousEntity
        """
        name = name.strip()
        if name in self.curies:
            return name
        try:
            iri = schema.expand(name)
            if iri in self.curies:
                return iri
        except ValueError:
            pass
        bucket = self.by_name.get(name.casefold(), {})
        if not bucket:
            raise UnknownEntity(f"no entity has the id, label or synonym {name!r}")
        best = min(k for _, _, k in bucket.values())
        hits = sorted((iri, c, lab) for iri, (c, lab, k) in bucket.items() if k == best)
        if len(hits) > 1:
            raise AmbiguousEntity(name, [(c, lab) for _, c, lab in hits])
        return hits[0][0]


class NameReads:
    """The reads by name of :class:`kg.catalog.Catalog`: its name index, the resolver and search (a mixin; the
    catalog gives ``store``, ``queries`` and ``cards``)."""

    store: Store
    queries: dict[str, NamedQuery]

    @cached_property
    def names(self) -> Names:
        """The name index, read on first use."""
        merged = [r for g in self.store.loaded()
                  for r in self.store.select(self.queries["loaded-nodes"].text, {"graph": NamedNode(g["graph"])})]
        return Names(self.store.select(self.queries["entity-names"].text), merged)

    # -- names
    def resolve(self, name: str) -> str:
        """The IRI for a CURIE, IRI, label or synonym (case-insensitive); :class:`UnknownEntity` or :class:`AmbiguousEntity`."""
        return self.names.resolve(name)

    def curie(self, name: str) -> str:
        """The CURIE of the entity a name designates."""
        return schema.compress(self.resolve(name))

    def label(self, iri: str) -> str:
        """The label of an entity IRI (the IRI itself when it names no entity)."""
        return self.names.labels.get(iri, iri)

    def search(self, text: str, limit: int = 20) -> list[dict]:
        """Entities whose label, synonym or CURIE contains ``text`` (case-insensitive), best first.

        Each hit is ``{"id", "label", "types", "matched"}``; exact matches come
        before prefix matches, which come before substring matches.
        """
        needle = text.strip().casefold()
        if not needle:
            return []
        scored: dict[str, tuple[int, int, str]] = {}
        for name, bucket in self.names.by_name.items():
            if needle not in name:
                continue
            score = 0 if name == needle else 1 if name.startswith(needle) else 2
            for iri, (_, _, kind) in bucket.items():
                if iri not in scored or (score, kind) < scored[iri][:2]:
                    scored[iri] = (score, kind, name)
        hits = sorted(scored.items(), key=lambda kv: (kv[1][0], kv[1][1], self.label(kv[0]).casefold()))[:limit]
        cards = self.cards([iri for iri, _ in hits])
        return [{"id": self.names.curies[iri], "label": cards[iri]["label"], "types": cards[iri]["types"], "matched": m}
                for iri, (_, _, m) in hits]
