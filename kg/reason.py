"""Run HermiT over the built ontology, keep the inferred triples and explain each.

:func:`reason` loads ``oih.owl`` into a fresh owlready2 world, runs HermiT
(``infer_property_values=True``), and keeps what the reasoner added and the
asserted graph lacks. Each inferred triple gets an :class:`Explanation`: the
asserted triples, type assertions, closure axioms and schema axioms that
entail it, found by walking the class expressions and property axioms of the
schema. :func:`verify_explanations` proves every explanation with one more
HermiT run over disjoint copies of the explanations alone. An inconsistent
ontology raises :class:`InconsistentOntologyError` naming the offending
axioms; nothing is written then.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import owlready2 as ow
import rdflib
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef

from kg import vocab
from kg.config import Paths, default_paths

__all__ = [
    "Step",
    "Explanation",
    "Inference",
    "ReasonResult",
    "InconsistentOntologyError",
    "run_hermit",
    "infer",
    "verify_explanations",
    "reason",
    "inferred_graph",
]

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
                d[k] = vocab.compress(v)
        if self.members:
            d["members"] = [vocab.compress(m) for m in self.members]
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

    @property
    def triple(self) -> Triple:
        return (self.subject, self.predicate, self.object)


@dataclass(frozen=True)
class ReasonResult:
    """What a reasoner run produced."""

    inferences: tuple[Inference, ...]
    verified: int
    path: Path | None
    seconds_reasoning: float


class InconsistentOntologyError(Exception):
    """The ontology is inconsistent or has unsatisfiable classes.

    ``axioms`` lists, in readable form, the axioms that together cause it.
    """

    def __init__(self, message: str, axioms: list[str]):
        self.axioms = axioms
        super().__init__(message + ("\n  " + "\n  ".join(axioms) if axioms else ""))


# --------------------------------------------------------------------------- HermiT


def run_hermit(world: ow.World, infer_property_values: bool = True) -> float:
    """Run HermiT on every ontology of ``world``; return the seconds it took.

    Raises
    ------
    InconsistentOntologyError
        With the axioms that make the ontology inconsistent.
    """
    import time

    t0 = time.perf_counter()
    try:
        ow.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
    except ow.OwlReadyInconsistentOntologyError as exc:
        raise InconsistentOntologyError("the ontology is inconsistent", _suspects(world)) from exc
    unsat = [c for c in world.inconsistent_classes() if c is not ow.Nothing]
    if unsat:
        lines = [f"unsatisfiable class {_label(c)}" for c in unsat]
        for c in unsat:
            lines += [f"  {_label(c)} SubClassOf {_render(p)}" for p in c.is_a]
            lines += [f"  {_label(c)} EquivalentTo {_render(e)}" for e in c.equivalent_to]
        raise InconsistentOntologyError("the ontology has unsatisfiable classes", lines)
    return time.perf_counter() - t0


def _label(ent) -> str:
    try:
        lab = ent.label.first() if hasattr(ent, "label") else None
    except Exception:  # noqa: BLE001 - anonymous class expressions have no label
        lab = None
    curie = vocab.compress(ent.iri) if hasattr(ent, "iri") else str(ent)
    return f"{curie} ({lab})" if lab else curie


def _render(expr) -> str:
    """Render a class expression in Manchester syntax with CURIEs."""
    if isinstance(expr, (ow.ThingClass, ow.Thing, ow.ObjectPropertyClass)):
        return vocab.compress(expr.iri)
    if isinstance(expr, ow.And):
        return "(" + " and ".join(_render(c) for c in expr.Classes) + ")"
    if isinstance(expr, ow.Or):
        return "(" + " or ".join(_render(c) for c in expr.Classes) + ")"
    if isinstance(expr, ow.Not):
        return f"not {_render(expr.Class)}"
    if isinstance(expr, ow.OneOf):
        return "{" + ", ".join(_render(i) for i in expr.instances) + "}"
    if isinstance(expr, ow.Inverse):
        return f"inverse {_render(expr.property)}"
    if isinstance(expr, ow.Restriction):
        kind = {ow.SOME: "some", ow.ONLY: "only", ow.VALUE: "value"}.get(expr.type, "?")
        return f"({_render(expr.property)} {kind} {_render(expr.value)})"
    return str(expr)


def _suspects(world: ow.World) -> list[str]:
    """Name the axioms behind an inconsistency.

    HermiT reports only that the ontology is inconsistent; we then find the
    individuals whose own assertions clash: two values of disjoint properties
    on the same pair, or types from disjoint classes.
    """
    lines: list[str] = []
    props = list(world.object_properties())
    for p in props:
        for disj in p.disjoints():
            q = [e for e in disj.entities if e is not p]
            if not q:
                continue
            q = q[0]
            for s, o in p.get_relations():
                if o in getattr(s, q.python_name, []):
                    lines.append(
                        f"{_label(s)} {_label(p)} {_label(o)}  AND  {_label(s)} {_label(q)} {_label(o)}"
                        f"  conflict with DisjointObjectProperties({_label(p)}, {_label(q)})"
                    )
    for ind in world.individuals():
        named = [c for c in ind.is_a if isinstance(c, ow.ThingClass)]
        for disj in world.disjoint_classes():
            hit = [c for c in named if any(c is e or e in c.ancestors() for e in disj.entities)]
            if len(hit) > 1:
                lines.append(f"{_label(ind)} has types {', '.join(_label(c) for c in hit)}  conflict with DisjointClasses")
    return sorted(set(lines)) or ["(no single clash found: see the closure axioms and defined classes)"]


# --------------------------------------------------------------------------- explanations


class _Explainer:
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
            cited[key] = tuple(sorted(str(asserted.value(c, vocab.OIH.problem_id)) for c in asserted.objects(ax, vocab.OIH.citation)))
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
        return [Step("axiom", text=f"SubObjectPropertyOf({vocab.compress(a)} {vocab.compress(b)})") for a, b in zip(path, path[1:])]

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
                    text = f"SubClassOf({vocab.compress(c)} ObjectHasValue({vocab.compress(q)} {vocab.compress(o)}))"
                    ex = Explanation("class statement", [Step("type", s, str(RDF.type), c),
                                                         Step("class statement", c, q, o, text=text, citations=cites)])
                    return ex.add(*self._ax_sub(self.sub_path(q, p)))
        # 2. a property chain of p, or of one of its sub-properties
        for q in sorted(self.descendants(p)):
            for chain in self.chains.get(q, []):
                found = self._chain(s, chain, o, depth)
                if found is not None:
                    names = " ".join(vocab.compress(c) for c in chain)
                    ex = Explanation("property chain", []).merge(found)
                    ex.add(Step("axiom", text=f"SubObjectPropertyOf(ObjectPropertyChain({names}) {vocab.compress(q)})"))
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
                ex.add(Step("axiom", text=f"TransitiveObjectProperty({vocab.compress(p)})"))
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
                ex.add(Step("axiom", text=f"EquivalentClasses({vocab.compress(cls.iri)} {_render(eq)})"))
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
        ex.add(Step("axiom", text=f"SubClassOf({vocab.compress(sub.iri)} {vocab.compress(cls.iri)})"))
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
            for part in expr.Classes:
                w = self.witness(ind, part)
                if w is not None:
                    return w
            return None
        if isinstance(expr, ow.Not):
            inner = expr.Class
            if isinstance(inner, ow.OneOf):
                if ind in inner.instances:
                    return None
                ex = Explanation("different", [])
                for other in inner.instances:
                    ex.add(Step("different", ind.iri, "", other.iri))
                return ex
            if isinstance(inner, ow.ThingClass):
                # disjoint named classes: the individual's asserted type is disjoint with inner
                for c in ind.is_a:
                    if isinstance(c, ow.ThingClass):
                        for d in self.world.disjoint_classes():
                            ents = list(d.entities)
                            if any(c is e or e in c.ancestors() for e in ents) and inner in ents and not (c is inner or inner in c.ancestors()):
                                return Explanation("disjoint", [
                                    Step("type", ind.iri, str(RDF.type), c.iri),
                                    Step("axiom", text=f"DisjointClasses({', '.join(vocab.compress(e.iri) for e in ents)})"),
                                ])
            return None
        if isinstance(expr, ow.Restriction):
            prop = expr.property
            inverse = isinstance(prop, ow.Inverse)
            base = prop.property if inverse else prop
            if expr.type == ow.VALUE:
                val = expr.value
                s, o = (val.iri, ind.iri) if inverse else (ind.iri, val.iri)
                return self.explain_triple(s, base.iri, o)
            if expr.type == ow.SOME:
                if inverse:
                    cands = sorted((x for x in self.world.individuals() if ind in getattr(x, "INDIRECT_" + base.python_name, [])), key=lambda x: x.iri)
                else:
                    cands = sorted((v for v in getattr(ind, "INDIRECT_" + base.python_name, []) if hasattr(v, "iri")), key=lambda x: x.iri)
                for y in cands:
                    w = self.witness(y, expr.value)
                    if w is None:
                        continue
                    s, o = (y.iri, ind.iri) if inverse else (ind.iri, y.iri)
                    t = self.explain_triple(s, base.iri, o)
                    if t is not None:
                        return Explanation("some", []).merge(t).merge(w)
                return None
            if expr.type == ow.ONLY and not inverse:
                for c in ind.is_a:
                    if isinstance(c, ow.Restriction) and c.type == ow.ONLY and c.property is base and isinstance(c.value, (ow.OneOf, ow.ThingClass)):
                        members = tuple(sorted(m.iri for m in c.value.instances)) if isinstance(c.value, ow.OneOf) else ()
                        ex = Explanation("closure", [Step("closure", ind.iri, base.iri, members=members)])
                        for m in (c.value.instances if isinstance(c.value, ow.OneOf) else []):
                            w = self.witness(m, expr.value)
                            if w is None:
                                return None
                            ex.merge(w)
                        return ex
                return None
        return None


# --------------------------------------------------------------------------- run


def _world_triples(world: ow.World) -> set[Triple]:
    """IRI-only triples of every ontology in ``world`` (blank-node triples dropped)."""
    g = rdflib.Graph()
    buf = io.BytesIO()
    for onto in world.ontologies.values():
        onto.save(file=buf, format="ntriples")
        buf.write(b"\n")
    g.parse(data=buf.getvalue().decode("utf-8"), format="nt")
    return {(str(s), str(p), str(o)) for s, p, o in g if isinstance(s, URIRef) and isinstance(o, URIRef)}


_SKIP_TYPES = {str(OWL.NamedIndividual), str(OWL.Thing), str(OWL.Class), str(OWL.ObjectProperty), str(OWL.Ontology)}


def infer(owl_path: Path, progress: Callable[[str], None] | None = None) -> tuple[list[Inference], float, rdflib.Graph]:
    """Reason over ``owl_path``; return its explained inferences, reasoning time and asserted graph.

    Raises
    ------
    InconsistentOntologyError
        When HermiT finds the ontology inconsistent or a class unsatisfiable.
    RuntimeError
        When an inferred triple cannot be explained (a defect of the explainer).
    """
    say = progress or (lambda _msg: None)
    asserted = rdflib.Graph().parse(owl_path, format="xml")
    world = ow.World()
    world.get_ontology(owl_path.resolve().as_uri()).load()
    say("running HermiT")
    seconds = run_hermit(world)
    say("collecting inferred triples")
    before = {(str(s), str(p), str(o)) for s, p, o in asserted if isinstance(s, URIRef) and isinstance(o, URIRef)}
    after = _world_triples(world)
    new = sorted(t for t in after - before if not (t[1] == str(RDF.type) and t[2] in _SKIP_TYPES))
    # owlready2 keeps only the most specific inferred types; add the named superclasses too
    entities = {ind.iri: ind for ind in world.individuals()}
    extra = set()
    for ind in entities.values():
        for c in ind.INDIRECT_is_a:
            if isinstance(c, ow.ThingClass) and c is not ow.Thing and str(c.iri).startswith(str(vocab.OIH)):
                t = (ind.iri, str(RDF.type), c.iri)
                if t not in before:
                    extra.add(t)
    new = sorted(set(new) | extra)
    ex = _Explainer(asserted, world)
    out: list[Inference] = []
    missing = []
    for s, p, o in new:
        if p == str(RDF.type):
            ind, cls = world[s], world[o]
            if isinstance(ind, ow.Thing) and isinstance(cls, ow.ThingClass):
                e = ex.explain_type(ind, cls)
            else:
                continue
        elif p == str(RDFS.subClassOf):
            # class subsumptions that owlready2 reparents can hinge on ABox facts
            # (nominals); they are not exported, the individuals' types are.
            continue
        else:
            e = ex.explain_triple(s, p, o)
        if e is None:
            missing.append((s, p, o))
            continue
        out.append(Inference(s, p, o, e))
    world.close()
    if missing:
        raise RuntimeError("no explanation found for: " + "; ".join(" ".join(vocab.compress(x) for x in t) for t in missing[:10]))
    return out, seconds, asserted


# --------------------------------------------------------------------------- verification


def _is_member_class(iri) -> bool:
    """Whether ``iri`` is the class of the members of a drug class (``oih:class/...``)."""
    return str(iri).startswith(str(vocab.OIH) + "class/")


def _schema_graph(asserted: rdflib.Graph, properties_only: bool = False) -> tuple[rdflib.Graph, set[URIRef]]:
    """The asserted graph without its ABox, and the individuals the schema names.

    With ``properties_only`` only the property axioms are kept (hierarchy, chains, characteristics):
    what a property assertion can follow from, given the premises of its explanation.
    """
    individuals = set(asserted.subjects(RDF.type, OWL.NamedIndividual))
    schema = rdflib.Graph()
    if properties_only:
        props = set(asserted.subjects(RDF.type, OWL.ObjectProperty))
        todo = [o for p in props for o in asserted.objects(p) if isinstance(o, BNode)]
        keep = set()
        while todo:  # the rdf:List nodes of property chains
            b = todo.pop()
            keep.add(b)
            todo += [o for o in asserted.objects(b) if isinstance(o, BNode) and o not in keep]
        for s, p, o in asserted:
            if (s in props and p != OWL.equivalentClass) or s in keep:
                schema.add((s, p, o))
        return schema, set()
    drop_bnodes = set(asserted.subjects(RDF.type, OWL.AllDifferent)) | set(asserted.subjects(RDF.type, OWL.Axiom))
    # class statements of drug classes are premises of the explanations that use them, copied per explanation
    statements = [o for s, o in asserted.subject_objects(RDFS.subClassOf) if _is_member_class(s) and isinstance(o, BNode)]
    todo = [o for s in individuals for o in asserted.objects(s) if isinstance(o, BNode)] + list(drop_bnodes) + statements
    while todo:  # class expressions hanging off individuals (closure axioms) go too
        b = todo.pop()
        drop_bnodes.add(b)
        todo += [o for o in asserted.objects(b) if isinstance(o, BNode) and o not in drop_bnodes]
    for s, p, o in asserted:
        if s in individuals or s in drop_bnodes or o in drop_bnodes:
            continue
        schema.add((s, p, o))
    named = {o for o in schema.objects() if o in individuals}
    # members of owl:oneOf lists and owl:hasValue targets
    for o in list(named):
        schema.add((o, RDF.type, OWL.NamedIndividual))
    return schema, named


def verify_explanations(inferences: list[Inference], asserted: rdflib.Graph) -> int:
    """Re-derive each inferred triple from its explanation alone, with one HermiT run.

    Every explanation is copied with its individuals renamed apart
    (``…/check/k/…``). Inferred types are checked in one HermiT run on the
    schema without any ABox (individuals named by the schema itself, values of
    defined classes, are shared); inferred property values in another run on
    the property axioms alone, where nothing is shared. HermiT must entail
    each renamed triple.

    Returns
    -------
    int
        The number of inferences verified.

    Raises
    ------
    RuntimeError
        Listing the inferences whose explanation does not entail them.
    """
    types = [i for i in inferences if i.predicate in (str(RDF.type), str(RDFS.subClassOf))]
    values = [i for i in inferences if i.predicate not in (str(RDF.type), str(RDFS.subClassOf))]
    failed = _check(types, *_schema_graph(asserted), infer_property_values=False)
    failed += _check(values, *_schema_graph(asserted, properties_only=True), infer_property_values=True)
    if failed:
        raise RuntimeError(
            "explanations that do not entail their triple: "
            + "; ".join(" ".join(vocab.compress(x) for x in f.triple) for f in failed[:10])
        )
    return len(inferences)


def _check(inferences: list[Inference], schema: rdflib.Graph, shared: set[URIRef], infer_property_values: bool) -> list[Inference]:
    """One HermiT run over renamed copies of the explanations on ``schema``; the inferences not entailed."""
    if not inferences:
        return []
    g = rdflib.Graph()
    for t in schema:
        g.add(t)
    shared_iris = {str(x) for x in shared}
    targets = []
    for k, inf in enumerate(inferences):
        def rn(iri: str, k=k) -> URIRef:
            if iri in shared_iris or not iri:
                return URIRef(iri)
            h = hashlib.sha1(iri.encode()).hexdigest()[:10]
            return URIRef(f"{vocab.OIH}check/{k}/{h}")

        for st in inf.explanation.steps:
            if st.kind in ("triple",):
                g.add((rn(st.subject), URIRef(st.predicate), rn(st.object)))
                for x in (st.subject, st.object):
                    g.add((rn(x), RDF.type, OWL.NamedIndividual))
            elif st.kind == "type":
                g.add((rn(st.subject), RDF.type, rn(st.object) if _is_member_class(st.object) else URIRef(st.object)))
                g.add((rn(st.subject), RDF.type, OWL.NamedIndividual))
            elif st.kind == "class statement":
                r = BNode()
                g.add((rn(st.subject), RDF.type, OWL.Class))
                g.add((rn(st.subject), RDFS.subClassOf, r))
                g.add((r, RDF.type, OWL.Restriction))
                g.add((r, OWL.onProperty, URIRef(st.predicate)))
                g.add((r, OWL.hasValue, rn(st.object)))
                g.add((rn(st.object), RDF.type, OWL.NamedIndividual))
            elif st.kind == "closure":
                r, c, lst = BNode(), BNode(), BNode()
                rdflib.collection.Collection(g, lst, [rn(m) for m in st.members])
                g.add((rn(st.subject), RDF.type, r))
                g.add((r, RDF.type, OWL.Restriction))
                g.add((r, OWL.onProperty, URIRef(st.predicate)))
                g.add((r, OWL.allValuesFrom, c))
                g.add((c, RDF.type, OWL.Class))
                g.add((c, OWL.oneOf, lst))
                for m in st.members:
                    g.add((rn(m), RDF.type, OWL.NamedIndividual))
            elif st.kind == "different":
                g.add((rn(st.subject), OWL.differentFrom, rn(st.object)))
        if inf.predicate == str(RDFS.subClassOf):
            targets.append((inf, None, None))
        elif inf.predicate == str(RDF.type):
            targets.append((inf, str(rn(inf.subject)), inf.object))
        else:
            targets.append((inf, str(rn(inf.subject)), str(rn(inf.object))))
    data = g.serialize(format="nt").encode("utf-8")
    world = ow.World()
    world.get_ontology("https://w3id.org/oihkg/check.owl").load(fileobj=io.BytesIO(data), format="ntriples")
    run_hermit(world, infer_property_values=infer_property_values)
    if os.environ.get("OIHKG_DEBUG_VERIFY"):
        world.save(os.environ["OIHKG_DEBUG_VERIFY"], format="ntriples")
    failed = []
    for inf, s, o in targets:
        if s is None:
            sub, sup = world[inf.subject], world[inf.object]
            ok = sub is not None and sup is not None and sup in sub.ancestors()
        elif inf.predicate == str(RDF.type):
            ind, cls = world[s], world[o]
            ok = ind is not None and cls is not None and cls in ind.INDIRECT_is_a
        else:
            ind, prop, obj = world[s], world[inf.predicate], world[o]
            ok = ind is not None and prop is not None and obj is not None and obj in getattr(ind, "INDIRECT_" + prop.python_name, [])
        if not ok:
            failed.append(inf)
    world.close()
    return failed


# --------------------------------------------------------------------------- output


def inferred_graph(inferences: list[Inference]) -> rdflib.Graph:
    """The inferred triples plus one ``oih:Inference`` node each, explaining it.

    Each node has ``rdf:subject``/``rdf:predicate``/``rdf:object`` (the
    inferred triple), ``oih:rule``, ``oih:premise`` links to reified asserted
    premises, and ``oih:explanation`` holding the whole explanation as JSON.
    """
    g = rdflib.Graph()
    g.bind("oih", vocab.OIH)
    g.bind("obo", vocab.OBO)
    for inf in inferences:
        s, p, o = (URIRef(x) for x in inf.triple)
        g.add((s, p, o))
        h = hashlib.sha1(" ".join(inf.triple).encode()).hexdigest()[:16]
        node = vocab.OIH[f"inference/{h}"]
        g.add((node, RDF.type, vocab.OIH.Inference))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))
        g.add((node, vocab.OIH.rule, Literal(inf.explanation.rule)))
        g.add((node, vocab.OIH.explanation, Literal(json.dumps([st.as_dict() for st in inf.explanation.steps], ensure_ascii=False))))
        for st in inf.explanation.steps:
            if st.kind in ("triple", "type"):
                ph = hashlib.sha1(" ".join((st.subject, st.predicate, st.object)).encode()).hexdigest()[:16]
                prem = vocab.OIH[f"premise/{ph}"]
                g.add((node, vocab.OIH.premise, prem))
                g.add((prem, RDF.type, RDF.Statement))
                g.add((prem, RDF.subject, URIRef(st.subject)))
                g.add((prem, RDF.predicate, URIRef(st.predicate)))
                g.add((prem, RDF.object, URIRef(st.object)))
    return g


def reason(
    paths: Paths | None = None,
    verify: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ReasonResult:
    """Reason over the built ontology and write ``oih-inferred.ttl``.

    Parameters
    ----------
    paths : Paths, optional
        Where ``oih.owl`` is and ``oih-inferred.ttl`` goes.
    verify : bool
        Re-derive every inference from its explanation (one more HermiT run).
    progress : callable, optional
        Called with a short message at each stage.

    Raises
    ------
    InconsistentOntologyError
        Nothing is written then.
    """
    paths = paths or default_paths()
    say = progress or (lambda _msg: None)
    inferences, seconds, asserted = infer(paths.owl, say)
    verified = 0
    if verify:
        say(f"verifying {len(inferences)} explanations")
        verified = verify_explanations(inferences, asserted)
    say("writing inferred triples")
    ttl = inferred_graph(inferences).serialize(format="turtle").encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=paths.out, prefix=".oih-inferred.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(ttl)
    os.replace(tmp, paths.inferred)
    return ReasonResult(tuple(inferences), verified, paths.inferred, seconds)
