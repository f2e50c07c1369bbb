"""What a SPARQL editor over the graph completes and offers: the prefixes, every entity and schema term as SPARQL
writes it, and each named query as an example to edit (:class:`EditorData`, a mixin of :class:`kg.catalog.Catalog`)."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from kg import schema
from kg.catalog.queries import AmbiguousEntity, NamedQuery, Param, UnknownEntity
from kg.store import Literal, Store

__all__ = ["EditorData"]


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


class EditorData:
    """The SPARQL editor's data of :class:`kg.catalog.Catalog` (a mixin; the catalog gives ``store``, ``queries``,
    ``cards`` and ``resolve``)."""

    store: Store
    queries: dict[str, NamedQuery]

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
