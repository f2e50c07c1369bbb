"""The read side of the graph: names, entities, edges and interventions over one store.

This module owns reading the graph as plain data. A :class:`Catalog` takes a
:class:`kg.store.Store` and the named queries (:mod:`kg.catalog.queries`) and answers
with JSON-ready values (IRIs as CURIEs): it resolves names (the one name
resolver: CURIE, IRI, label or synonym), searches, gives entity cards, edges
with evidence, interventions with their targets and pathways, named-query rows
and ad hoc SPARQL. Everything above it — the mechanism engine, the exports,
the map and the :class:`kg.OIHKG` façade — takes a catalog and never the store
directly, so the embedded store and a remote endpoint answer alike.

Examples
--------
>>> from kg.store import open_store
>>> cat = Catalog(open_store())
>>> cat.curie("μOR"), cat.label(cat.resolve("HGNC:11850"))
('HGNC:8156', 'toll-like receptor 4')
>>> [hit["id"] for hit in cat.search("ketam")]
['CHEBI:6121']
>>> cat.sparql("ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> 'ketamine' }")
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from typing import Any

from kg import schema
from kg.catalog.queries import AmbiguousEntity, NamedQuery, Param, UnknownEntity, load_queries, ready, run
from kg.store import Boolean, Literal, NamedNode, Row, Solutions, Store

__all__ = ["Catalog", "Names", "plain", "plain_row"]


def plain(term) -> Any:
    """A JSON-ready Python value for an RDF term: IRIs as CURIEs where a prefix matches, typed literals as numbers or bools.

    Examples
    --------
    >>> plain(NamedNode("http://purl.obolibrary.org/obo/CHEBI_6121")), plain(Literal("3", datatype=NamedNode(
    ...     "http://www.w3.org/2001/XMLSchema#integer")))
    ('CHEBI:6121', 3)
    """
    if isinstance(term, NamedNode):
        return schema.compress(term.value)
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


def plain_row(row: Row) -> dict[str, Any]:
    """A row of plain values (:func:`plain`), with GROUP_CONCAT columns in a stable order; one that concatenated
    nothing is absent, as Oxigraph leaves it (Virtuoso answers the empty string)."""
    out = {k: plain(v) for k, v in row.items()}
    for k, sep in _CONCAT.items():
        if isinstance(out.get(k), str):
            out[k] = sep.join(sorted(x for x in out[k].split(sep) if x))
            if not out[k]:
                del out[k]
    return out


_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def _sparql_term(curie: str, iri: str) -> str:
    """A term as SPARQL writes it: its prefixed name when the local part needs no escape, else ``<IRI>``.

    Examples
    --------
    >>> _sparql_term("CHEBI:6121", "http://purl.obolibrary.org/obo/CHEBI_6121"), _sparql_term("oih:class/opioid", "https://w3id.org/oihkg/class/opioid")
    ('CHEBI:6121', '<https://w3id.org/oihkg/class/opioid>')
    """
    prefix, _, local = curie.partition(":")
    return curie if local and prefix in schema.CONVERTER.prefix_map and _LOCAL.match(local) else f"<{iri}>"


def _split(value, sep: str = "|") -> list[str]:
    return [x for x in str(value or "").split(sep) if x]


class Names:
    """Every name of every entity, read once: the index behind :meth:`Catalog.resolve` and :meth:`Catalog.search`.

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


class Catalog:
    """Plain-data reads of the graph over one store.

    Parameters
    ----------
    store : kg.store.Store
        The embedded store or a remote endpoint.
    queries : dict of NamedQuery, optional
        The named queries by name (default: ``queries/*.rq``).
    """

    def __init__(self, store: Store, queries: dict[str, NamedQuery] | None = None):
        self.store = store
        self.queries = queries if queries is not None else load_queries()

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

    def merged(self, step: Callable[[], None] = lambda: None) -> tuple[list[dict], list[dict]]:
        """The graphs merged in with ``oihkg load``, as the mechanism graph reads them: ``(nodes, edges)``, the
        labelled entities (``curie``, ``label``) and every triple whose relation has a sign in the schema (``subject``,
        ``predicate``, ``object``, ``sign``, ``graph``, ``citations``: the sources an ``owl:Axiom`` gives), each query
        asked once per merged graph with the graph bound, so the store plans it on that graph alone; ``step`` is
        called after each of these three queries (progress)."""
        nodes: list[dict] = []
        edges: list[dict] = []
        for record in self.store.loaded():
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

    # -- queries
    def _named(self, name: str | NamedQuery) -> NamedQuery:
        if isinstance(name, NamedQuery):
            return name
        if name not in self.queries:
            raise KeyError(f"no named query {name!r}; known: {', '.join(sorted(self.queries))}")
        return self.queries[name]

    def query(self, name: str | NamedQuery, **params: str) -> list[dict]:
        """Run a named query (``queries/NAME.rq``, or a parsed query file) with parameters given by entity name; rows of
        plain values.

        Raises
        ------
        KeyError
            No named query has that name.
        ValueError, UnknownEntity, AmbiguousEntity
            A parameter is missing, unknown, or names no entity or several.
        """
        return self.run_query(name, params)

    def run_query(self, name: str | NamedQuery, params: dict[str, str], limit: int | None = None) -> list[dict]:
        """:meth:`query` with the parameters as a dict (so no parameter name can clash with an option) and at most
        ``limit`` rows (:class:`kg.store.ResultTooLarge` past it): for a client's request, which may not make the
        server hold a merged graph's every edge."""
        return [plain_row(r) for r in run(self.store, self._named(name), params, self.resolve, limit)]

    def rows(self, name: str | NamedQuery, **params: str) -> list[Row]:
        """The rows of a named query as RDF terms (full IRIs), for callers that compare IRIs; as :meth:`query`."""
        return run(self.store, self._named(name), params, self.resolve)

    def triples(self) -> list:
        """Every triple of the served graph (asserted and inferred), as pyoxigraph triples."""
        return self.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    # -- what the SPARQL editor completes
    def completions(self) -> dict[str, Any]:
        """What a SPARQL editor over this graph completes and offers (:meth:`_completions`), read once per store."""
        return self._completions

    @cached_property
    def _completions(self) -> dict[str, Any]:
        """What a SPARQL editor over this graph completes and offers, read from the served graph.

        ``prefixes`` is the prefix map; ``entities`` every entity (``id``, ``iri``, ``sparql`` — the term as SPARQL
        writes it — ``label``, ``synonyms``, ``type``); ``schema`` the classes and relations the ontology declares
        (``id``, ``iri``, ``sparql``, ``label``, ``kind``, a relation's ``sign`` or None); ``examples`` each named query with its parameters bound
        by a trailing ``VALUES`` block to the example its description gives.
        """
        entities = []
        for iri, card in sorted(self.cards().items(), key=lambda kv: kv[1]["label"].casefold()):
            try:
                kind = schema.entity_class(card["types"]).label
            except KeyError:
                continue  # a schema term or a citation, not an entity of the model
            entities.append({"id": card["id"], "iri": iri, "sparql": _sparql_term(card["id"], iri), "label": card["label"],
                             "synonyms": card["synonyms"], "type": kind})
        terms = [{"id": schema.compress(r["term"].value), "iri": r["term"].value,
                   "sparql": _sparql_term(schema.compress(r["term"].value), r["term"].value), "label": r["label"].value,
                   "kind": r["kind"].value, "sign": int(r["sign"].value) if r.get("sign") else None}
                  for r in self.store.select(self.queries["schema-terms"].text)]
        examples = [{**q.as_dict(), "text": self._example(q)} for _, q in sorted(self.queries.items())]
        return {"prefixes": dict(schema.CONVERTER.prefix_map), "entities": entities, "schema": terms, "examples": examples}

    def _example(self, q: NamedQuery) -> str:
        """The query's text with its parameters as a trailing ``VALUES`` block to edit: ``UNDEF`` (every value) and,
        in a comment above it, the example its description gives."""
        if not q.params:
            return q.text
        names = " ".join(f"?{p.name}" for p in q.params)
        examples = " ".join(self._example_term(p, q.text) for p in q.params)
        return (f"{q.text.rstrip()}\n# parameters: UNDEF is every value; to ask for one, e.g. VALUES ({names}) {{ ({examples}) }}\n"
                f"VALUES ({names}) {{ ({' '.join('UNDEF' for _ in q.params)}) }}\n")

    def _example_term(self, p: Param, text: str) -> str:
        """A parameter's example as the query can write it: a prefixed name its PREFIX lines declare, else ``<IRI>``;
        ``UNDEF`` when the description gives none, or one the graph does not know."""
        if p.example is None:
            return "UNDEF"
        if p.kind == "literal":
            return str(Literal(p.example))
        try:
            iri = schema.expand(p.example)
        except ValueError:
            try:
                iri = self.resolve(p.example)
            except (UnknownEntity, AmbiguousEntity):
                return "UNDEF"
        term = _sparql_term(schema.compress(iri), iri)
        declared = re.search(rf"^PREFIX\s+{re.escape(term.split(':')[0])}:", text, re.M | re.I)
        return term if term.startswith("<") or declared else f"<{iri}>"

    def sparql(self, text: str) -> Any:
        """Run SPARQL: SELECT → rows of plain values, ASK → bool, CONSTRUCT/DESCRIBE → triples of plain values. The
        well-known prefixes it uses without declaring them are declared, as the SPARQL editor declares them
        (:func:`kg.catalog.queries.ready`).

        Raises
        ------
        kg.catalog.queries.SparqlSyntaxError
            One sentence saying what to change, with the line and column of the problem.
        """
        result = self.store.query(ready(text))
        if isinstance(result, Solutions):
            return [{k: plain(v) for k, v in r.items()} for r in result]
        if isinstance(result, Boolean):
            return result.value
        return [tuple(plain(x) for x in (t.subject, t.predicate, t.object)) for t in result]
