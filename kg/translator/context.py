"""Contexts in TRAPI: Biolink's context qualifiers on the statements that hold only in a context, and a query's
qualifier constraints read as the context it asks about.

A statement of the model may hold only in a context (:mod:`kg.schema.contexts`): an
exposure (acute administration, chronic exposure) or a condition (OIH, opioid
tolerance, a patient profile). A TRAPI edge says it in Biolink's own slots: an
exposure as a ``biolink:temporal_context_qualifier`` ("a constraint of time
placed upon the truth value of an association") and a condition as a
``biolink:disease_context_qualifier`` ("a disease or condition in which a
relationship ... took place"), each valued by the context's CURIE, which is a
node of the graph (a ``biolink:DrugExposure`` or a
``biolink:DiseaseOrPhenotypicFeature``). Both slots are Biolink qualifiers
(``is_a: qualifier``, an association slot). The disease slot's range is
``disease``; the temporal slot's is ``time type``, serialised as
``xsd:string`` but described as a point in time (``xsd:time``), which an
exposure regime is not: no Biolink slot takes an exposure as the time a
statement holds in, so the exposure's CURIE goes in the slot whose meaning fits,
and the ``oih:context`` attribute (:class:`kg.translator.graph.Edge`) says the same
beside it.

A query edge's qualifier set that names contexts asks what holds in them
(:class:`QualifierSet`): a statement without a context holds in every context,
one of a context in that context and in those that imply it (a statement of
chronic exposure holds in OIH, which arises under chronic exposure; one of OIH
does not hold in every chronic exposure). That is :func:`kg.schema.contexts.holds_in`,
the reading the path engine takes.

Examples
--------
>>> qualifiers("oih:chronic_exposure"), qualifiers("oih:oih"), qualifiers(None)
((('biolink:temporal_context_qualifier', 'oih:chronic_exposure'),), (('biolink:disease_context_qualifier', 'oih:oih'),), ())
>>> q = QualifierSet.of([("biolink:disease_context_qualifier", "oih:oih"), ("biolink:object_direction_qualifier", "increased")])
>>> q.others, q.holds("oih:chronic_exposure"), q.holds(None), q.holds("oih:acute_administration")
((('biolink:object_direction_qualifier', 'increased'),), True, True, False)
>>> QualifierSet.of([("biolink:temporal_context_qualifier", "oih:acute_administration"),
...                  ("biolink:disease_context_qualifier", "oih:oih")]).holds(None)
False
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.schema import contexts
from kg.catalog import plain_row
from kg.schema.contexts import UnknownContextError

if TYPE_CHECKING:
    from kg.catalog import Catalog
    from kg.mechanism.engine import Engine

__all__ = ["TEMPORAL", "DISEASE", "SLOTS", "qualifiers", "QualifierSet", "qualifier_sets", "contextual_facts", "drug_class"]

TEMPORAL = "biolink:temporal_context_qualifier"
DISEASE = "biolink:disease_context_qualifier"
#: The qualifiers that say a context.
SLOTS = (TEMPORAL, DISEASE)
#: The exposures: contexts of time (how long the drug is given); every other context is a condition.
EXPOSURES = frozenset({contexts.ACUTE, contexts.CHRONIC})


def qualifiers(context: str | None) -> tuple[tuple[str, str], ...]:
    """The Biolink qualifier that says a statement's context: temporal for an exposure, disease for a condition;
    none for a statement without one (it holds in every context)."""
    if not context:
        return ()
    return ((TEMPORAL if context in EXPOSURES else DISEASE, context),)


@dataclass(frozen=True)
class QualifierSet:
    """One qualifier set of a query edge: the contexts it asks about and its other qualifiers.

    ``context`` is where the named contexts hold together (:func:`kg.schema.contexts.joint`): None when the set names no
    context, empty when the named contexts exclude each other (nothing holds in both).
    """

    context: frozenset[str] | None
    others: tuple[tuple[str, str], ...]
    named: tuple[str, ...] = ()

    @classmethod
    def of(cls, pairs) -> QualifierSet:
        """Split ``(qualifier_type_id, qualifier_value)`` pairs into the contexts and the other qualifiers."""
        named = tuple(v for t, v in pairs if t in SLOTS)
        others = tuple((t, v) for t, v in pairs if t not in SLOTS)
        if not named:
            return cls(None, others)
        return cls(contexts.joint(named) or frozenset(), others, named)

    def holds(self, context: str | None) -> bool:
        """Whether a statement of ``context`` (None: every context) holds in the contexts this set asks about."""
        if self.context is None:
            return True
        return bool(self.context) and (not context or context in self.context)


def qualifier_sets(sets: list[list[tuple[str, str]]], engine: Engine) -> tuple[list[QualifierSet], list[str]]:
    """A query edge's qualifier sets (``(qualifier_type_id, qualifier_value)`` pairs) read, each context named by its
    CURIE (a context may be named any way, :meth:`kg.mechanism.engine.Engine.context`); and what a client should be told: a
    value that is no context of the graph (only statements without a context hold in it), contexts that exclude each
    other."""
    problems: list[str] = []

    def curie(t: str, v: str) -> str:
        if t not in SLOTS:
            return v
        try:
            return engine.context(v) or v
        except UnknownContextError:
            problems.append(f"{v if len(v) <= 80 else v[:77] + '...'} is no context of this graph ({', '.join(engine.contexts())}); only statements that hold "
                            "in every context hold in it")
            return v

    out = [QualifierSet.of([(t, curie(t, v)) for t, v in s]) for s in sets]
    problems += [f"the contexts {', '.join(s.named)} exclude each other; nothing holds in both" for s in out if s.context == frozenset()]
    return out, problems


def contextual_facts(catalog: Catalog) -> list[dict]:
    """What the reasoner derived in a context only (the named query ``contextual-fact`` with its parameters left
    unbound, as its ``UNDEF`` example does): one row per fact and context, with its rule and explanation; class
    memberships left out."""
    seen, out = set(), []
    for row in map(plain_row, catalog.store.select(catalog.queries["contextual-fact"].text)):
        key = (row["subject"], row["predicate"], row["object"], row["context"])
        if row.get("inferred") and row["predicate"] != "rdf:type" and key not in seen:  # a row per broader context
            seen.add(key)
            out.append(row)
    return out


def drug_class(fact: dict) -> str | None:
    """The drug class a derived fact is inherited from (the subject of its class statement), or None."""
    if fact.get("rule") != "class statement":
        return None
    for p in json.loads(fact.get("explanation") or "[]"):
        if p.get("kind") == "class statement" and p["subject"].startswith("oih:class/"):
            return "oih:" + p["subject"].removeprefix("oih:class/")
    return None
