"""Ontology building: turn a validated :class:`kg.compile.model.Model` into an owlready2 ontology.

This module owns how the rows become OWL: the schema of :mod:`kg.schema`
(classes, relations, property chains, disjointness), one individual per
entity, the evidence-annotated edges, the drug classes' member classes, the
defined classes and the closure axioms the reasoner needs.
"""

from __future__ import annotations

import hashlib
import types

import owlready2 as ow
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef

from kg.schema import contexts
from kg import schema
from kg.compile.model import Edge, Model
from kg.compile.rows import Problem
from kg.errors import BuildError

__all__ = ["build_ontology"]


def _split_iri(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    return iri[:cut], iri[cut:]


class _Builder:
    """Create owlready2 entities by CURIE in their proper namespaces."""

    def __init__(self, world: ow.World):
        self.world = world
        self.onto = world.get_ontology(schema.ONTOLOGY_IRI)
        self.cache: dict[str, object] = {}

    def ns(self, iri: str):
        base, name = _split_iri(iri)
        return self.onto.get_namespace(base), name

    def make(self, curie: str, kind):
        """Return the class or property ``curie``, creating it as a subclass of ``kind`` if new."""
        if curie in self.cache:
            return self.cache[curie]
        ns, name = self.ns(schema.expand(curie))
        with ns:
            ent = types.new_class(name, (kind,))
        self.cache[curie] = ent
        return ent

    def individual(self, curie: str, cls):
        if curie in self.cache:
            return self.cache[curie]
        ns, name = self.ns(schema.expand(curie))
        ent = cls(name, namespace=ns)
        self.cache[curie] = ent
        return ent


def _annotate_term(b: _Builder, ent, term: schema.Term, props, close: tuple[str, ...] = ()) -> None:
    ent.label = [term.label]
    props["definition"][ent] = [term.definition]
    props["id"][ent] = [term.curie]
    for m in close + term.close_match:
        props["close_match"][ent] = props["close_match"][ent] + [_ref(b, m)]


def _ref(b: _Builder, curie: str):
    """An IRI-valued annotation target, declared as an individual of nothing."""
    if curie in b.cache:
        return b.cache[curie]
    ns, name = b.ns(schema.expand(curie))
    ent = ow.Thing(name, namespace=ns)
    b.cache[curie] = ent
    return ent


def build_ontology(model: Model, world: ow.World | None = None) -> tuple[ow.Ontology, str]:
    """Turn a validated :class:`Model` into an owlready2 ontology, and its axiom annotations as N-Triples.

    The ontology holds the schema (classes, relations, property chains,
    transitivity, disjointness, defined classes), one individual per entity
    with label, definition, synonyms, xrefs and pathway membership, one
    object-property assertion per edge with its evidence as OWL axiom
    annotations, and closure axioms on what each agent targets and on which
    pathways each target is part of (documented closed-world assumption of
    the curation, see ``docs/reasoning.md``). A drug class also gets the OWL
    class of its members (``oih:class/<name>``): each statement about the drug
    class becomes a ``SubClassOf(class, property value object)`` axiom with
    the same evidence, so HermiT derives it for every member. A statement that
    holds only in a context (a condition) is kept as an ``oih:QualifiedStatement``
    with its evidence and is not asserted, so nothing is derived from it
    outside that context.

    Everything is created in a fixed order (owlready2 numbers blank nodes in
    creation order), so the same model gives the same bytes. The axiom
    annotations (``owl:Axiom`` nodes) come back apart, as N-Triples lines whose
    blank nodes use owlready2's labels, for :func:`kg.compile.output.serialize`
    to add: owlready2 finds an annotated axiom with a SPARQL query, and building
    its SPARQL parser costs a third of a build.
    """
    w = _Writer(model, world or ow.World())
    w.header()
    w.schema()
    w.citations()
    w.entities()
    w.edges()
    w.defined_classes()
    w.closures()
    return w.b.onto, "".join(" ".join(t.n3() for t in triple) + " .\n" for triple in w.axioms)


class _Writer:
    """The steps of :func:`build_ontology`, sharing the builder and what earlier steps made."""

    def __init__(self, model: Model, world: ow.World):
        self.model = model
        self.b = _Builder(world)
        self.props: dict[str, object] = {key: self.b.make(curie, ow.AnnotationProperty) for key, curie in schema.ANNOTATIONS.items()}
        for key in ("subject", "predicate", "object"):
            self.props[key] = self.b.make(f"oih:qualified_{key}", ow.AnnotationProperty)
        self.classes: dict[str, ow.ThingClass] = {}
        self.rels: dict[str, ow.ObjectPropertyClass] = {}
        self.inds: dict[str, ow.Thing] = {}
        self.member_classes: dict[str, ow.ThingClass] = {}
        self.axioms: list[tuple] = []  # the owl:Axiom triples, as rdflib terms

    def header(self) -> None:
        onto = self.b.onto
        onto.metadata.comment = [
            "OIH knowledge graph: entities and signed causal edges of opioid-induced hyperalgesia, curated "
            "from one review article; every edge carries its citation (problem_id), a supporting quote and an "
            "ECO evidence type. Quantities of the pain model are illustrative."
        ]
        onto.metadata.label = ["oihkg: opioid-induced hyperalgesia ontology"]

    def schema(self) -> None:
        """The classes of :data:`kg.schema.CLASSES` (with their Biolink category as a close match) and every relation."""
        b, props, classes, rels = self.b, self.props, self.classes, self.rels
        for key, term in schema.CLASSES.items():
            parent = classes[term.parents[0].split(":")[1]] if term.parents else ow.Thing
            classes[key] = b.make(term.curie, parent)
            # Biolink's root class says nothing about a class: no close match to it
            close = (term.biolink,) if term.biolink != "biolink:NamedThing" else ()
            _annotate_term(b, classes[key], term, props, close=close)
        ow.AllDisjoint([c for k, c in classes.items() if schema.CLASSES[k].parents == ("oih:Entity",)])
        self.qualified = b.make("oih:QualifiedStatement", ow.Thing)
        self.qualified.label = ["qualified statement"]
        props["definition"][self.qualified] = [
            "A signed statement of the source text that holds only in a context (a condition), "
            "e.g. a test taper lowers pain in OIH; kept apart so the reasoner derives nothing from it."]
        all_terms = {**schema.RELATIONS, **schema.REASONING, **{t.curie: t for t in schema.ACTIONS.values()}}
        for curie in all_terms:
            rels[curie] = b.make(curie, ow.ObjectProperty)
        for curie, term in all_terms.items():
            prop = rels[curie]
            _annotate_term(b, prop, term, props)
            for parent in term.parents:
                prop.is_a.append(rels[parent])
            if "transitive" in term.characteristics:
                prop.is_a.append(ow.TransitiveProperty)
            if term.sign:
                props["sign"][prop] = [term.sign]
        for via, into in (("oih:activates", "oih:drives_pathway"), ("oih:inhibits", "oih:inhibits_pathway")):
            rels[into].property_chain.append(ow.PropertyChain([rels[via], rels["oih:part_of_pathway"]]))
        # an agent drives the pathways of the process that what it activates sets off (the opioid, through the muOR, the
        # chronic muOR signalling of the NMDA, dynorphin and descending-facilitation pathways under chronic exposure)
        rels["oih:drives_pathway"].property_chain.append(
            ow.PropertyChain([rels["oih:activates"], rels["oih:sets_off"], rels["oih:part_of_pathway"]]))
        # a clinical action brings in what the agent it involves inhibits (rotation: methadone's NMDA block), not its agonism
        rels["oih:inhibits"].property_chain.append(ow.PropertyChain([rels["oih:involves"], rels["oih:inhibits"]]))
        ow.AllDisjoint([rels[schema.ACTIONS["agonist_of"].curie], rels[schema.ACTIONS["antagonist_of"].curie]])

    def citations(self) -> None:
        """One individual per citation of the text, and the ECO evidence types."""
        props = self.props
        for cid, cit in sorted(self.model.citations.items()):
            ind = self.b.individual(f"oih:citation/{cid}", self.classes["Citation"])
            ind.label = [f"problem_id:{cid}"]
            props["problem_id"][ind] = [cid]
            props["section"][ind] = list(cit.sections)
            props["definition"][ind] = [cit.topic]
        for eco, label in schema.EVIDENCE_TYPES.items():
            _ref(self.b, eco).label = [label]

    def entities(self) -> None:
        """One individual per entity, the class of members of each drug class, and pathway membership."""
        b, props, classes = self.b, self.props, self.classes
        for curie, ent in self.model.entities.items():
            ind = b.individual(curie, classes[ent.type])
            ind.label = [ent.label]
            props["definition"][ind] = [ent.definition]
            props["id"][ind] = [curie]
            props["synonym"][ind] = list(ent.synonyms)
            props["xref"][ind] = list(ent.xrefs)
            self.inds[curie] = ind
            if ent.type == "DrugClass":
                cls = b.make(schema.member_class(curie), classes["ChemicalEntity"])
                cls.label = [f"{ent.label} (class)"]
                props["definition"][cls] = [f"The members of the drug class {ent.label}: what the source text says of the drug "
                                            f"class ({curie}, which stands for an unspecified member) holds for each of them."]
                for x in ent.xrefs:
                    props["close_match"][cls] = props["close_match"][cls] + [_ref(b, x)]
                self.member_classes[curie] = cls
                ind.is_a.append(cls)
        part_of = self.rels["oih:part_of_pathway"]
        for curie, ent in self.model.entities.items():
            for pw in ent.pathways:
                part_of[self.inds[curie]].append(self.inds[pw])
        for c, wider in sorted(contexts.BROADER.items()):  # how the contexts relate, for SPARQL (kg.schema.contexts reads them)
            if c in self.inds:
                props["broader_context"][self.inds[c]] = [self.inds[w] for w in wider if w in self.inds]
        for pair in sorted(sorted(p) for p in contexts.EXCLUDES):
            if all(c in self.inds for c in pair):
                for a, z in (pair, pair[::-1]):
                    props["excludes_context"][self.inds[a]] = props["excludes_context"][self.inds[a]] + [self.inds[z]]

    def annotate(self, key, edge: Edge) -> None:
        """Put an edge's evidence on ``key``: an axiom ``(source, property, target)`` or a qualified statement."""
        props, b = self.props, self.b
        if isinstance(key, tuple):
            self._axiom(key, edge)
            return
        props["citation"][key] = [b.cache[f"oih:citation/{c}"] for c in edge.citations]
        props["quote"][key] = [edge.quote]
        props["evidence_type"][key] = [b.cache[edge.evidence_type]]
        if edge.sign is not None:
            props["sign"][key] = [edge.sign]
        if edge.note:
            ow.comment[key] = [edge.note]

    def _axiom(self, key: tuple, edge: Edge) -> None:
        """An ``owl:Axiom`` on ``(source, property, target)`` with the edge's evidence (a restriction target is a
        blank node, named as owlready2 writes it)."""
        terms = {ow.rdf_type: RDF.type, ow.rdfs_subclassof: RDFS.subClassOf}
        s, p, o = (terms.get(x) or (URIRef(x.iri) if hasattr(x, "iri") else BNode(str(-x.storid))) for x in key)
        ax = BNode("ax" + hashlib.sha1(f"{s.n3()} {p.n3()} {o.n3()}".encode()).hexdigest()[:16])
        iri = {k: URIRef(v.iri) for k, v in self.props.items()}
        self.axioms += [(ax, RDF.type, OWL.Axiom), (ax, OWL.annotatedSource, s), (ax, OWL.annotatedProperty, p),
                        (ax, OWL.annotatedTarget, o), (ax, iri["quote"], Literal(edge.quote)),
                        (ax, iri["evidence_type"], URIRef(self.b.cache[edge.evidence_type].iri))]
        self.axioms += [(ax, iri["citation"], URIRef(self.b.cache[f"oih:citation/{c}"].iri)) for c in edge.citations]
        if edge.sign is not None:
            self.axioms.append((ax, iri["sign"], Literal(edge.sign)))
        if edge.note:
            self.axioms.append((ax, RDFS.comment, Literal(edge.note)))

    def edges(self) -> None:
        """Every edge with its evidence as axiom annotations: memberships, statements in a context, drug-class statements."""
        inds, props = self.inds, self.props
        for edge in self.model.all_edges:
            s, o = inds[edge.subject], inds[edge.object]
            if edge.predicate == schema.MEMBER_OF:
                cls = self.member_classes[edge.object]
                s.is_a.append(cls)
                self.annotate((s, ow.rdf_type, cls), edge)
                continue
            prop = self.rels[edge.predicate]
            if edge.context:
                digest = hashlib.sha1(f"{edge.subject} {edge.predicate} {edge.object} {edge.context}".encode()).hexdigest()[:12]
                st = self.b.individual(f"oih:statement/{digest}", self.qualified)
                props["subject"][st], props["predicate"][st], props["object"][st] = [s], [prop], [o]
                props["context"][st] = [inds[edge.context]]
                self.annotate(st, edge)
                continue
            prop[s].append(o)
            self.annotate((s, prop, o), edge)
            if edge.subject in self.member_classes:
                restriction = prop.value(o)
                self.member_classes[edge.subject].is_a.append(restriction)
                self.annotate((self.member_classes[edge.subject], ow.rdfs_subclassof, restriction), edge)

    def _defined(self, curie: str, expr) -> ow.ThingClass:
        term = schema.DEFINED_CLASSES[curie]
        cls = self.b.make(curie, self.classes[term.parents[0].split(":")[1]])
        cls.label = [term.label]
        self.props["definition"][cls] = [term.definition]
        cls.equivalent_to.append(expr)
        return cls

    def defined_classes(self) -> None:
        """The defined classes that make the reasoner's classifications logical (:data:`kg.schema.DEFINED_CLASSES`)."""
        inds, classes, rels = self.inds, self.classes, self.rels
        needed = (schema.PATHWAY_MOR, schema.COMPONENT_A, schema.COMPONENT_H, schema.PATHWAY_GLIAL, schema.NMDA_RECEPTOR, schema.OPIOID_DOSE)
        absent = [c for c in needed if c not in inds]
        if absent:
            raise BuildError([Problem("entities.tsv", 0, f"the reasoning axioms need entity {c}, which is missing") for c in absent])
        pathways = [inds[c] for c, e in self.model.entities.items() if e.type == "Pathway"]
        if len(pathways) > 1:
            ow.AllDifferent(pathways)
        targets, part_of, promotes = rels["oih:targets"], rels["oih:part_of_pathway"], rels["oih:promotes"]
        agent, dose, pathway = classes["PharmacologicalAgent"], inds[schema.OPIOID_DOSE], classes["Pathway"]
        mechanistic = ow.Not(classes["ModelQuantity"])
        pro = self._defined("oih:PronociceptivePathway",
                            pathway & ow.Inverse(part_of).some(mechanistic & promotes.value(inds[schema.COMPONENT_H])))
        self._defined("oih:AnalgesicPathway",
                      pathway & ow.Inverse(part_of).some(ow.Not(classes["ModelQuantity"]) & promotes.value(inds[schema.COMPONENT_A])))
        self._defined("oih:PronociceptivePathwayTargetingIntervention", agent & rels["oih:targets_pathway"].some(pro))
        anti = self._defined("oih:AntiHyperalgesicAgent", agent & rels["oih:inhibits_pathway"].some(pro))
        self._defined("oih:ProHyperalgesicAgent", agent & rels["oih:drives_pathway"].some(pro))
        self._defined("oih:NMDATargetingIntervention", agent & rels["oih:inhibits"].value(inds[schema.NMDA_RECEPTOR]))
        glial = self._defined("oih:GlialTargetingIntervention", agent & rels["oih:inhibits_pathway"].value(inds[schema.PATHWAY_GLIAL]))
        # the text says "without affecting A" of the agents that block TLR4 or inhibit microglial activation only
        self._defined("oih:AnalgesiaSparingAntiHyperalgesicIntervention",
                      anti & glial & targets.only(part_of.only(ow.Not(ow.OneOf([inds[schema.PATHWAY_MOR]])))))
        strategy = self._defined("oih:DoseStrategy", classes["Intervention"] & targets.value(dose))
        self._defined("oih:DoseReducingStrategy", strategy & rels["oih:reduces"].value(dose))
        self._defined("oih:DoseIncreasingStrategy", strategy & rels["oih:increases"].value(dose))

    def closures(self) -> None:
        """Closure axioms: what each agent targets (its own rows, its drug classes' rows, and what it involves inhibits),
        and which pathways each target is part of."""
        model, inds = self.model, self.inds
        targets, part_of = self.rels["oih:targets"], self.rels["oih:part_of_pathway"]
        direct: dict[str, set[tuple[str, int]]] = {}
        for e in model.interventions:
            if e.predicate != "oih:involves":
                direct.setdefault(e.subject, set()).add((e.object, e.sign))
        own: dict[str, set[tuple[str, int]]] = {}
        for drug, drug_classes in model.members.items():
            own[drug] = set(direct.get(drug, set())).union(*(direct.get(c, set()) for c in drug_classes))
        for e in model.interventions:
            own.setdefault(e.subject, set(direct.get(e.subject, set())))
        closed = {k: {t for t, _ in v} for k, v in own.items()}
        for e in model.interventions:
            if e.predicate == "oih:involves":
                closed[e.subject] |= {t for t, sign in own.get(e.object, set()) if sign < 0}
        for who, objs in sorted(closed.items()):
            members = [inds[o] for o in sorted(objs)]
            inds[who].is_a.append(targets.only(ow.OneOf(members)) if members else targets.only(ow.Nothing))
        for obj in sorted(set().union(*closed.values())):
            pws = [inds[p] for p in model.entities[obj].pathways]
            inds[obj].is_a.append(part_of.only(ow.OneOf(pws)) if pws else part_of.only(ow.Nothing))
