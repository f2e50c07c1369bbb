"""Inference: what HermiT adds to ``oih.owl``, in every context or in one, each triple explained.

This module owns the steps of one reasoner run: :func:`prepare` loads the
ontology into a world (with the statements of a context asserted,
:func:`kg.reason.context.activate`), the reasoner runs (:mod:`kg.reason.hermit`,
one world or several in one JVM), and :func:`collect` keeps what it added and
the asserted graph lacks, each explained (:class:`kg.reason.explain.Explainer`).
:func:`infer` is the three in a row.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import owlready2 as ow
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from kg import schema
from kg.reason.context import activate
from kg.reason.explain import Explainer, Explanation, Inference, Triple
from kg.reason.hermit import run_hermit

__all__ = ["prepare", "collect", "infer"]

#: An N-Triples line of three IRIs (owlready2 writes one statement a line); blank nodes and literals do not match.
_IRI_TRIPLE = re.compile(r"^<([^>\s]*)> <([^>\s]*)> <([^>\s]*)> \.$", re.MULTILINE)

_SKIP_TYPES = {str(OWL.NamedIndividual), str(OWL.Thing), str(OWL.Class), str(OWL.ObjectProperty), str(OWL.Ontology)}


def prepare(owl_path: Path, context: str | None = None,
            asserted: rdflib.Graph | None = None) -> tuple[ow.World, rdflib.Graph]:
    """A world holding ``owl_path`` for the reasoner, and the asserted graph that goes with it.

    With ``context`` (a CURIE), the statements that hold in that context are asserted first, in ``asserted``
    (``owl_path`` parsed: it is changed in place; parsed here when not given), so what HermiT infers is what holds
    there. Without, the world is ``owl_path`` as built, and ``asserted`` is returned as given (None when not given).
    """
    world = ow.World()
    if context:
        if asserted is None:
            asserted = rdflib.Graph().parse(owl_path, format="xml")
        activate(asserted, context)
        data = asserted.serialize(format="nt", encoding="utf-8")
        world.get_ontology(schema.ONTOLOGY_IRI).load(fileobj=io.BytesIO(data), format="ntriples")
    else:
        world.get_ontology(owl_path.resolve().as_uri()).load()
    return world, asserted


def collect(world: ow.World, asserted: rdflib.Graph, known: frozenset[Triple] | set[Triple] = frozenset(),
            explain: bool = True) -> list[Inference]:
    """The triples HermiT added to ``world`` that ``asserted`` lacks (those in ``known`` left out), each explained;
    the world is closed.

    Without ``explain`` each inference gets an empty explanation (rule ``not explained``): what a mutation run, which
    only counts what holds, needs.

    Raises
    ------
    RuntimeError
        When an inferred triple cannot be explained (a defect of the explainer).
    """
    before = {(str(s), str(p), str(o)) for s, p, o in asserted if isinstance(s, URIRef) and isinstance(o, URIRef)}
    after = _world_triples(world)
    new = {t for t in after - before if not (t[1] == str(RDF.type) and t[2] in _SKIP_TYPES)}
    # owlready2 keeps only the most specific inferred types; add the named superclasses too
    for ind in world.individuals():
        for c in ind.INDIRECT_is_a:
            if isinstance(c, ow.ThingClass) and c is not ow.Thing and str(c.iri).startswith(str(schema.OIH)):
                t = (ind.iri, str(RDF.type), c.iri)
                if t not in before:
                    new.add(t)
    new = sorted(new - set(known))
    try:
        if not explain:
            return [Inference(s, p, o, Explanation("not explained", [])) for s, p, o in new
                    if p != str(RDFS.subClassOf) and (p != str(RDF.type) or isinstance(world[s], ow.Thing))]
        return _explained(new, world, asserted)
    finally:
        world.close()


def infer(owl_path: Path, progress: Callable[[str], None] | None = None,
          context: str | None = None, explain: bool = True, asserted: rdflib.Graph | None = None,
          known: frozenset[Triple] | set[Triple] = frozenset()) -> tuple[list[Inference], float, rdflib.Graph]:
    """Reason over ``owl_path``; return its explained inferences, reasoning time and asserted graph.

    ``context``, ``asserted``: as :func:`prepare`; ``known``, ``explain``: as :func:`collect`.

    Raises
    ------
    InconsistentOntologyError
        When HermiT finds the ontology inconsistent or a class unsatisfiable.
    RuntimeError
        When an inferred triple cannot be explained (a defect of the explainer).
    """
    say = progress or (lambda _msg: None)
    world, asserted = prepare(owl_path, context, asserted)
    say("running HermiT")
    seconds = run_hermit(world)
    say("collecting inferred triples")
    if asserted is None:
        asserted = rdflib.Graph().parse(owl_path, format="xml")
    return collect(world, asserted, known, explain), seconds, asserted


def _explained(new: list[Triple], world: ow.World, asserted: rdflib.Graph) -> list[Inference]:
    """Each new triple with its explanation; class subsumptions and types of non-individuals left out."""
    ex = Explainer(asserted, world)
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
    if missing:
        raise RuntimeError("no explanation found for: " + "; ".join(" ".join(schema.compress(x) for x in t) for t in missing[:10]))
    return out


def _world_triples(world: ow.World) -> set[Triple]:
    """IRI-only triples of every ontology in ``world`` (blank-node and literal triples dropped), read from its
    N-Triples with one pattern rather than a full parse (a tenth of the time)."""
    buf = io.BytesIO()
    for onto in world.ontologies.values():
        onto.save(file=buf, format="ntriples")
        buf.write(b"\n")
    return set(_IRI_TRIPLE.findall(buf.getvalue().decode("utf-8")))
