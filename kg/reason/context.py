"""Reasoning in a context: the asserted ontology with the statements that hold there made assertions.

The built ontology keeps a statement that holds only in a context (:mod:`kg.schema.contexts`) as an
``oih:QualifiedStatement``, so the reasoner derives nothing from it in general. :func:`activate` turns
the statements that hold in one context into what an unqualified row becomes — a property assertion with
its evidence as an ``owl:Axiom``, and for a drug class the ``SubClassOf(members, property value object)``
axiom its members inherit — each axiom marked with its ``oih:context``. HermiT run over the result
(:func:`kg.reason.infer.infer` with a context) derives what holds in that context.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef

from kg.schema import contexts
from kg import schema

__all__ = ["activate", "used_contexts"]

_EVIDENCE = ("citation", "quote", "evidence_type", "sign", "context")


def used_contexts(asserted: Graph) -> tuple[str, ...]:
    """Every context (as a CURIE) a qualified statement of ``asserted`` names, with the contexts it implies."""
    ctx = URIRef(schema.expand(schema.ANNOTATIONS["context"]))
    return contexts.reasoning_contexts({schema.compress(str(o)) for o in asserted.objects(None, ctx)})


def activate(asserted: Graph, context: str) -> list[tuple[str, str, str]]:
    """Assert, in ``asserted`` (changed in place), every qualified statement that holds in ``context``; return them.

    Parameters
    ----------
    asserted : rdflib.Graph
        The built ontology (``oih.owl``), parsed.
    context : str
        A context CURIE; the statements of it and of every broader context it implies are asserted.
    """
    q = {k: URIRef(schema.expand(f"oih:qualified_{k}")) for k in ("subject", "predicate", "object")}
    ann = {k: URIRef(schema.expand(schema.ANNOTATIONS[k])) for k in _EVIDENCE}
    drug_class = URIRef(schema.expand("oih:DrugClass"))
    wanted = {URIRef(schema.expand(c)) for c in contexts.closure(context)}
    done = []
    for st in sorted(asserted.subjects(RDF.type, URIRef(schema.expand("oih:QualifiedStatement")))):
        if asserted.value(st, ann["context"]) not in wanted:
            continue
        s, p, o = (asserted.value(st, q[k]) for k in ("subject", "predicate", "object"))
        asserted.add((s, p, o))
        _axiom(asserted, st, ann, s, p, o)
        if (s, RDF.type, drug_class) in asserted:  # what a drug class does, its members do (in this context)
            members = URIRef(schema.expand(schema.member_class(schema.compress(str(s)))))
            r = BNode()
            asserted.add((r, RDF.type, OWL.Restriction))
            asserted.add((r, OWL.onProperty, p))
            asserted.add((r, OWL.hasValue, o))
            asserted.add((members, RDFS.subClassOf, r))
            _axiom(asserted, st, ann, members, RDFS.subClassOf, r)
        done.append((str(s), str(p), str(o)))
    return done


def _axiom(g: Graph, st, ann: dict, s, p, o) -> None:
    """An ``owl:Axiom`` on ``(s, p, o)`` carrying the evidence (and context) of the qualified statement ``st``."""
    ax = BNode()
    g.add((ax, RDF.type, OWL.Axiom))
    g.add((ax, OWL.annotatedSource, s))
    g.add((ax, OWL.annotatedProperty, p))
    g.add((ax, OWL.annotatedTarget, o))
    for key in _EVIDENCE:
        for v in g.objects(st, ann[key]):
            g.add((ax, ann[key], v))
