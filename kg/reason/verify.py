"""Verification: prove every explanation with HermiT, over renamed copies of the explanations alone.

This module owns the check that each :class:`kg.reason.explain.Explanation`
entails its triple: :func:`verify_explanations` copies every explanation with
its individuals renamed apart and runs HermiT twice (inferred types on the
schema without any ABox, inferred property values on the property axioms
alone), each run over a world per group of contexts that may hold together;
a triple not entailed is an error.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import owlready2 as ow
import rdflib
from rdflib import OWL, RDF, RDFS, BNode, URIRef

from kg.schema import contexts
from kg import schema
from kg.reason.explain import Inference, Step
from kg.reason.hermit import run_hermit_together

__all__ = ["verify_explanations", "is_member_class"]


def is_member_class(iri) -> bool:
    """Whether ``iri`` is the class of the members of a drug class (``oih:class/...``)."""
    return str(iri).startswith(str(schema.OIH) + "class/")


def _schema_graph(asserted: rdflib.Graph, properties_only: bool = False) -> tuple[rdflib.Graph, set[URIRef]]:
    """The asserted graph without its ABox, and the individuals the schema names.

    With ``properties_only`` only the property axioms are kept (hierarchy, chains, characteristics):
    what a property assertion can follow from, given the premises of its explanation.
    """
    individuals = set(asserted.subjects(RDF.type, OWL.NamedIndividual))
    tbox = rdflib.Graph()
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
                tbox.add((s, p, o))
        return tbox, set()
    drop_bnodes = set(asserted.subjects(RDF.type, OWL.AllDifferent)) | set(asserted.subjects(RDF.type, OWL.Axiom))
    # class statements of drug classes are premises of the explanations that use them, copied per explanation
    statements = [o for s, o in asserted.subject_objects(RDFS.subClassOf) if is_member_class(s) and isinstance(o, BNode)]
    todo = [o for s in individuals for o in asserted.objects(s) if isinstance(o, BNode)] + list(drop_bnodes) + statements
    while todo:  # class expressions hanging off individuals (closure axioms) go too
        b = todo.pop()
        drop_bnodes.add(b)
        todo += [o for o in asserted.objects(b) if isinstance(o, BNode) and o not in drop_bnodes]
    for s, p, o in asserted:
        if s in individuals or s in drop_bnodes or o in drop_bnodes:
            continue
        tbox.add((s, p, o))
    named = {o for o in tbox.objects() if o in individuals}
    # members of owl:oneOf lists and owl:hasValue targets
    for o in list(named):
        tbox.add((o, RDF.type, OWL.NamedIndividual))
    return tbox, named


def verify_explanations(inferences: list[Inference], asserted: rdflib.Graph) -> int:
    """Re-derive each inferred triple from its explanation alone, with two HermiT runs (at once).

    Every explanation is copied with its individuals renamed apart
    (``…/check/k/…``). Inferred types are checked in one HermiT run on the
    schema without any ABox (individuals named by the schema itself, values of
    defined classes, are shared); inferred property values in another run on
    the property axioms alone, where nothing is shared. HermiT must entail
    each renamed triple. The schema is the same in each context (a context adds
    only ABox assertions and drug-class statements, which a check copies from
    each explanation); but the explanations in one check share the individuals
    the schema names, so those of contexts that exclude each other (acute,
    chronic) are checked in worlds of their own, in the same two runs.

    Returns
    -------
    int
        The number of inferences verified.

    Raises
    ------
    RuntimeError
        Listing the inferences whose explanation does not entail them.
    """
    type_schema, value_schema = _schema_graph(asserted), _schema_graph(asserted, properties_only=True)
    checks: dict[bool, list[tuple[ow.World, list]]] = {False: [], True: []}  # by infer_property_values
    for group in _joint_groups(inferences):
        types = [i for i in group if i.predicate in (str(RDF.type), str(RDFS.subClassOf))]
        values = [i for i in group if i.predicate not in (str(RDF.type), str(RDFS.subClassOf))]
        if types:
            checks[False].append(_check_world(types, *type_schema))
        if values:
            checks[True].append(_check_world(values, *value_schema))
    with ThreadPoolExecutor(max_workers=2) as pool:  # the two HermiT runs at once
        runs = [pool.submit(run_hermit_together, [w for w, _ in found], flag) for flag, found in checks.items() if found]
        for run in runs:
            run.result()
    failed = [inf for found in checks.values() for world, targets in found for inf in _failed(world, targets)]
    if failed:
        raise RuntimeError(
            "explanations that do not entail their triple: "
            + "; ".join(" ".join(schema.compress(x) for x in f.triple) for f in failed[:10])
        )
    return len(inferences)


def _joint_groups(inferences: list[Inference]) -> list[list[Inference]]:
    """The inferences in groups whose contexts may hold together (those of every context in the first)."""
    groups: list[tuple[set[str], list[Inference]]] = []
    for inf in sorted(inferences, key=lambda i: i.context):
        for members, items in groups:
            if contexts.joint(members | {inf.context}) is not None:
                members.add(inf.context)
                items.append(inf)
                break
        else:
            groups.append(({inf.context}, [inf]))
    return [items for _, items in groups]


def _check_world(inferences: list[Inference], tbox: rdflib.Graph, shared: set[URIRef]) -> tuple[ow.World, list]:
    """A world of renamed copies of the explanations on ``tbox``, and each inference with its renamed triple."""
    g = rdflib.Graph()
    for t in tbox:
        g.add(t)
    shared_iris = {str(x) for x in shared}
    targets = []
    for k, inf in enumerate(inferences):
        def rn(iri: str, k=k) -> URIRef:
            if iri in shared_iris or not iri:
                return URIRef(iri)
            return URIRef(f"{schema.OIH}check/{k}/{hashlib.sha1(iri.encode()).hexdigest()[:10]}")

        for st in inf.explanation.steps:
            _add_step(g, st, rn)
        if inf.predicate == str(RDFS.subClassOf):
            targets.append((inf, None, None))
        elif inf.predicate == str(RDF.type):
            targets.append((inf, str(rn(inf.subject)), inf.object))
        else:
            targets.append((inf, str(rn(inf.subject)), str(rn(inf.object))))
    world = ow.World()
    world.get_ontology("https://w3id.org/oihkg/check.owl").load(fileobj=io.BytesIO(g.serialize(format="nt").encode("utf-8")),
                                                               format="ntriples")
    return world, targets


def _failed(world: ow.World, targets: list) -> list[Inference]:
    """The inferences the reasoned check ``world`` does not entail; the world is closed."""
    if os.environ.get("OIHKG_DEBUG_VERIFY"):
        world.save(os.environ["OIHKG_DEBUG_VERIFY"], format="ntriples")
    failed = [inf for inf, s, o in targets if not _entailed(world, inf, s, o)]
    world.close()
    return failed


def _add_step(g: rdflib.Graph, st: Step, rn: Callable[[str], URIRef]) -> None:
    """Write one premise into the check graph, its individuals renamed by ``rn``."""
    if st.kind == "triple":
        g.add((rn(st.subject), URIRef(st.predicate), rn(st.object)))
        for x in (st.subject, st.object):
            g.add((rn(x), RDF.type, OWL.NamedIndividual))
    elif st.kind == "type":
        g.add((rn(st.subject), RDF.type, rn(st.object) if is_member_class(st.object) else URIRef(st.object)))
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


def _entailed(world: ow.World, inf: Inference, s: str | None, o: str | None) -> bool:
    """Whether the reasoned check world holds the renamed inference (``s`` None: a class subsumption)."""
    if s is None:
        sub, sup = world[inf.subject], world[inf.object]
        return sub is not None and sup is not None and sup in sub.ancestors()
    if inf.predicate == str(RDF.type):
        ind, cls = world[s], world[o]
        return ind is not None and cls is not None and cls in ind.INDIRECT_is_a
    ind, prop, obj = world[s], world[inf.predicate], world[o]
    return ind is not None and prop is not None and obj is not None and obj in getattr(ind, "INDIRECT_" + prop.python_name, [])
