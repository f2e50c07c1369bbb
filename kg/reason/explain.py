"""Explanations: which asserted axioms entail each triple HermiT inferred.

This module owns the explanations of inferred triples: :class:`Explainer`
explains each triple the reasoner added (:mod:`kg.reason.infer`) with the
asserted triples, type assertions, closure axioms, class statements and schema
axioms that entail it (:class:`Explanation`), found by walking the class
expressions and property axioms of the schema.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import owlready2 as ow
import rdflib
from rdflib import OWL, RDF, RDFS, BNode, URIRef

from kg import schema
from kg.reason.hermit import render

__all__ = ["Triple", "Step", "Explanation", "Inference", "Explainer"]

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Step:
    """One premise of an explanation.

    ``kind`` is ``triple`` (an asserted property assertion), ``type`` (an
    asserted class assertion), ``closure`` (``subject`` may only have
    ``predicate`` values among ``members``), ``different`` (two individuals
    are distinct), ``class statement`` (every member of the class ``subject``
    has ``predicate`` ``object``: what the text says of a drug class, with its
    ``citations``), or ``axiom`` (a schema axiom, written in Manchester-like
    text in ``text``).
    """

    kind: str
    subject: str = ""
    predicate: str = ""
    object: str = ""
    members: tuple[str, ...] = ()
    text: str = ""
    citations: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """A JSON-ready dict with CURIEs for IRIs and empty fields dropped."""
        d = {"kind": self.kind}
        for k in ("subject", "predicate", "object"):
            v = getattr(self, k)
            if v:
                d[k] = schema.compress(v)
        if self.members:
            d["members"] = [schema.compress(m) for m in self.members]
        if self.text:
            d["axiom"] = self.text
        if self.citations:
            d["citations"] = list(self.citations)
        return d


@dataclass
class Explanation:
    """The premises that entail an inferred triple, and the rule that combines them."""

    rule: str
    steps: list[Step] = field(default_factory=list)

    def add(self, *steps: Step) -> Explanation:
        for s in steps:
            if s not in self.steps:
                self.steps.append(s)
        return self

    def merge(self, other: Explanation) -> Explanation:
        return self.add(*other.steps)


@dataclass(frozen=True)
class Inference:
    """An inferred triple (IRIs) with its explanation."""

    subject: str
    predicate: str
    object: str
    explanation: Explanation
    context: str = ""  # a CURIE: the triple holds in this context (and those implying it), not in every one
    evidence: str = ""  # the weakest evidence type (ECO CURIE) of the asserted statements it rests on

    @property
    def triple(self) -> Triple:
        return (self.subject, self.predicate, self.object)


class Explainer:
    """Find the premises of inferred triples in an asserted graph and the schema."""

    def __init__(self, asserted: rdflib.Graph, world: ow.World):
        self.g = asserted
        self.world = world
        self.super_props: dict[str, set[str]] = {}
        self.sub_props: dict[str, set[str]] = {}
        for s, o in asserted.subject_objects(RDFS.subPropertyOf):
            self.super_props.setdefault(str(s), set()).add(str(o))
            self.sub_props.setdefault(str(o), set()).add(str(s))
        self.transitive = {str(s) for s in asserted.subjects(RDF.type, OWL.TransitiveProperty)}
        self.chains: dict[str, list[list[str]]] = {}
        for p, lst in asserted.subject_objects(OWL.propertyChainAxiom):
            self.chains.setdefault(str(p), []).append([str(x) for x in rdflib.collection.Collection(asserted, lst)])
        self.cache: dict[Triple, Explanation] = {}
        self.active: set[Triple] = set()
        # class statements: C SubClassOf (q value o), with the citations of their axiom annotation
        self.class_values: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
        cited: dict[tuple, tuple[str, ...]] = {}  # RDF/XML repeats the restriction under the axiom: match it by structure
        for ax in asserted.subjects(OWL.annotatedProperty, RDFS.subClassOf):
            r = asserted.value(ax, OWL.annotatedTarget)
            key = (asserted.value(ax, OWL.annotatedSource), asserted.value(r, OWL.onProperty), asserted.value(r, OWL.hasValue))
            cited[key] = tuple(sorted(str(asserted.value(c, schema.OIH.problem_id)) for c in asserted.objects(ax, schema.OIH.citation)))
        for c, r in asserted.subject_objects(RDFS.subClassOf):
            q, o = asserted.value(r, OWL.onProperty), asserted.value(r, OWL.hasValue)
            if not isinstance(r, BNode) or q is None or o is None:
                continue
            self.class_values.setdefault(str(c), []).append((str(q), str(o), cited.get((c, q, o), ())))
        self.types: dict[str, set[str]] = {}
        for ind, c in asserted.subject_objects(RDF.type):
            self.types.setdefault(str(ind), set()).add(str(c))

    # -- helpers
    def _memo(self, key, find: Callable[[], Explanation | None]) -> Explanation | None:
        """Explanations found are kept; a failure is not, since it may be an artefact of a cycle in progress."""
        if key in self.cache:
            return self.cache[key]
        if key in self.active:
            return None
        self.active.add(key)
        try:
            result = find()
        finally:
            self.active.discard(key)
        if result is not None:
            self.cache[key] = result
        return result

    def asserted_triple(self, s: str, p: str, o: str) -> bool:
        return (URIRef(s), URIRef(p), URIRef(o)) in self.g

    def descendants(self, p: str) -> set[str]:
        out, todo = {p}, [p]
        while todo:
            for q in self.sub_props.get(todo.pop(), ()):
                if q not in out:
                    out.add(q)
                    todo.append(q)
        return out

    def sub_path(self, sub: str, sup: str) -> list[str] | None:
        """The chain of SubPropertyOf steps from ``sub`` up to ``sup``."""
        prev, todo = {sub: None}, deque([sub])
        while todo:
            cur = todo.popleft()
            if cur == sup:
                path = [cur]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return path[::-1]
            for nxt in sorted(self.super_props.get(cur, ())):
                if nxt not in prev:
                    prev[nxt] = cur
                    todo.append(nxt)
        return None

    def _ax_sub(self, path: list[str]) -> list[Step]:
        return [Step("axiom", text=f"SubObjectPropertyOf({schema.compress(a)} {schema.compress(b)})") for a, b in zip(path, path[1:])]

    # -- property assertions
    def explain_triple(self, s: str, p: str, o: str, depth: int = 0) -> Explanation | None:
        """Explain ``s p o``: asserted, via a sub-property, a chain, or transitivity."""
        key = (s, p, o)
        return self._memo(key, lambda: self._explain_triple(s, p, o, depth))

    def _explain_triple(self, s, p, o, depth) -> Explanation | None:
        if self.asserted_triple(s, p, o):
            return Explanation("asserted", [Step("triple", s, p, o)])
        if depth > 12:
            return None
        # 1. a sub-property asserted on the same pair
        for q in sorted(self.descendants(p) - {p}):
            if self.asserted_triple(s, q, o):
                return Explanation("sub-property", [Step("triple", s, q, o), *self._ax_sub(self.sub_path(q, p))])
        # 1b. a class statement of a class s is asserted a member of
        for c in sorted(self.types.get(s, ())):
            for q, value, cites in self.class_values.get(c, []):
                if value == o and q in self.descendants(p):
                    text = f"SubClassOf({schema.compress(c)} ObjectHasValue({schema.compress(q)} {schema.compress(o)}))"
                    ex = Explanation("class statement", [Step("type", s, str(RDF.type), c),
                                                         Step("class statement", c, q, o, text=text, citations=cites)])
                    return ex.add(*self._ax_sub(self.sub_path(q, p)))
        # 2. a property chain of p, or of one of its sub-properties
        for q in sorted(self.descendants(p)):
            for chain in self.chains.get(q, []):
                found = self._chain(s, chain, o, depth)
                if found is not None:
                    names = " ".join(schema.compress(c) for c in chain)
                    ex = Explanation("property chain", []).merge(found)
                    ex.add(Step("axiom", text=f"SubObjectPropertyOf(ObjectPropertyChain({names}) {schema.compress(q)})"))
                    if q != p:
                        ex.add(*self._ax_sub(self.sub_path(q, p)))
                    return ex
        # 3. transitivity: a path of asserted edges whose properties are below p
        if p in self.transitive:
            path = self._path(s, o, self.descendants(p))
            if path:
                ex = Explanation("transitivity", [])
                for a, rel, b in path:
                    if self.asserted_triple(a, rel, b):
                        ex.add(Step("triple", a, rel, b))
                    else:  # a class statement of a's drug class
                        ex.merge(self.explain_triple(a, rel, b, depth + 1))
                    if rel != p:
                        ex.add(*self._ax_sub(self.sub_path(rel, p)))
                ex.add(Step("axiom", text=f"TransitiveObjectProperty({schema.compress(p)})"))
                return ex
        # 4. a transitive sub-property entails it
        for q in sorted(self.descendants(p) & self.transitive - {p}):
            sub = self.explain_triple(s, q, o, depth + 1)
            if sub is not None:
                return Explanation("sub-property", []).merge(sub).add(*self._ax_sub(self.sub_path(q, p)))
        return None

    def _chain(self, s: str, chain: list[str], o: str, depth: int) -> Explanation | None:
        if len(chain) == 1:
            return self.explain_triple(s, chain[0], o, depth + 1)
        first, rest = chain[0], chain[1:]
        for mid in self._values(s, first):
            a = self.explain_triple(s, first, mid, depth + 1)
            if a is None:
                continue
            b = self._chain(mid, rest, o, depth)
            if b is not None:
                return Explanation("chain", []).merge(a).merge(b)
        return None

    def _values(self, s: str, p: str) -> list[str]:
        """Objects of ``s p ?`` in the reasoned world (asserted or inferred)."""
        ent, prop = self.world[s], self.world[p]
        if ent is None or prop is None:
            return []
        return sorted(v.iri for v in getattr(ent, "INDIRECT_" + prop.python_name, []) if hasattr(v, "iri"))

    def _path(self, s: str, o: str, props: set[str]) -> list[Triple] | None:
        prev: dict[str, Triple | None] = {s: None}
        todo = deque([s])
        prop_refs = [URIRef(p) for p in sorted(props)]
        while todo:
            cur = todo.popleft()
            if cur == o and cur != s:
                break
            for rel in prop_refs:
                for nxt in sorted(self.g.objects(URIRef(cur), rel)):
                    n = str(nxt)
                    if n not in prev and isinstance(nxt, URIRef):
                        prev[n] = (cur, str(rel), n)
                        todo.append(n)
            for c in sorted(self.types.get(cur, ())):
                for q, n, _ in self.class_values.get(c, []):
                    if q in props and n not in prev:
                        prev[n] = (cur, q, n)
                        todo.append(n)
        if o not in prev or o == s:
            return None
        path, cur = [], o
        while prev[cur] is not None:
            path.append(prev[cur])
            cur = prev[cur][0]
        return path[::-1]

    # -- class assertions
    def explain_type(self, ind, cls) -> Explanation | None:
        """Explain ``ind rdf:type cls`` for a named class."""
        key = (ind.iri, "type", cls.iri)
        return self._memo(key, lambda: self._explain_type(ind, cls))

    def _explain_type(self, ind, cls) -> Explanation | None:
        if cls.iri in self.types.get(ind.iri, ()):
            return Explanation("asserted", [Step("type", ind.iri, str(RDF.type), cls.iri)])
        for eq in cls.equivalent_to:
            w = self.witness(ind, eq)
            if w is not None:
                ex = Explanation("defined class", []).merge(w)
                ex.add(Step("axiom", text=f"EquivalentClasses({schema.compress(cls.iri)} {render(eq)})"))
                return ex
        # a named sub-class the individual belongs to: the shortest such explanation
        best = None
        subs = sorted((c for c in cls.descendants(include_self=False) if isinstance(c, ow.ThingClass)), key=lambda c: c.iri)
        for sub in subs:
            if sub in ind.INDIRECT_is_a:
                w = self.explain_type(ind, sub)
                if w is not None and (best is None or len(w.steps) < len(best[1].steps)):
                    best = (sub, w)
        if best is None:
            return None
        sub, w = best
        ex = Explanation("sub-class", []).merge(w)
        ex.add(Step("axiom", text=f"SubClassOf({schema.compress(sub.iri)} {schema.compress(cls.iri)})"))
        return ex

    def witness(self, ind, expr) -> Explanation | None:
        """Premises showing that individual ``ind`` is an instance of ``expr``."""
        if isinstance(expr, ow.ThingClass):
            return self.explain_type(ind, expr) if expr in ind.INDIRECT_is_a else None
        if isinstance(expr, ow.And):
            ex = Explanation("and", [])
            for part in expr.Classes:
                w = self.witness(ind, part)
                if w is None:
                    return None
                ex.merge(w)
            return ex
        if isinstance(expr, ow.Or):
            return next((w for w in (self.witness(ind, part) for part in expr.Classes) if w is not None), None)
        if isinstance(expr, ow.Not):
            return self._not(ind, expr.Class)
        if isinstance(expr, ow.Restriction):
            return self._restriction(ind, expr)
        return None

    def _not(self, ind, inner) -> Explanation | None:
        """``ind`` is none of a set of individuals, or its asserted type is disjoint with a named class."""
        if isinstance(inner, ow.OneOf):
            if ind in inner.instances:
                return None
            return Explanation("different", [Step("different", ind.iri, "", other.iri) for other in inner.instances])
        if not isinstance(inner, ow.ThingClass):
            return None
        for c in ind.is_a:
            if not isinstance(c, ow.ThingClass):
                continue
            for d in self.world.disjoint_classes():
                ents = list(d.entities)
                if any(c is e or e in c.ancestors() for e in ents) and inner in ents and not (c is inner or inner in c.ancestors()):
                    return Explanation("disjoint", [
                        Step("type", ind.iri, str(RDF.type), c.iri),
                        Step("axiom", text=f"DisjointClasses({', '.join(schema.compress(e.iri) for e in ents)})"),
                    ])
        return None

    def _restriction(self, ind, expr) -> Explanation | None:
        prop = expr.property
        inverse = isinstance(prop, ow.Inverse)
        base = prop.property if inverse else prop
        if expr.type == ow.VALUE:
            s, o = (expr.value.iri, ind.iri) if inverse else (ind.iri, expr.value.iri)
            return self.explain_triple(s, base.iri, o)
        if expr.type == ow.SOME:
            return self._some(ind, base, inverse, expr.value)
        if expr.type == ow.ONLY and not inverse:
            return self._only(ind, base, expr.value)
        return None

    def _some(self, ind, base, inverse: bool, filler) -> Explanation | None:
        """A value of ``base`` (or of its inverse) that is an instance of ``filler``, with the triple linking it."""
        if inverse:
            cands = sorted((x for x in self.world.individuals() if ind in getattr(x, "INDIRECT_" + base.python_name, [])),
                           key=lambda x: x.iri)
        else:
            cands = sorted((v for v in getattr(ind, "INDIRECT_" + base.python_name, []) if hasattr(v, "iri")), key=lambda x: x.iri)
        for y in cands:
            w = self.witness(y, filler)
            if w is None:
                continue
            s, o = (y.iri, ind.iri) if inverse else (ind.iri, y.iri)
            t = self.explain_triple(s, base.iri, o)
            if t is not None:
                return Explanation("some", []).merge(t).merge(w)
        return None

    def _only(self, ind, base, filler) -> Explanation | None:
        """A closure axiom on ``ind`` and ``base`` whose every member is an instance of ``filler``."""
        for c in ind.is_a:
            if not (isinstance(c, ow.Restriction) and c.type == ow.ONLY and c.property is base
                    and isinstance(c.value, (ow.OneOf, ow.ThingClass))):
                continue
            listed = c.value.instances if isinstance(c.value, ow.OneOf) else []
            ex = Explanation("closure", [Step("closure", ind.iri, base.iri, members=tuple(sorted(m.iri for m in listed)))])
            for m in listed:
                w = self.witness(m, filler)
                if w is None:
                    return None
                ex.merge(w)
            return ex
        return None
