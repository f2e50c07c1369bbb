"""The relations of the schema (TBox): what ``edges.tsv`` and ``interventions.tsv`` may say, and the reasoning layer's.

Edges name a relation from :data:`RELATIONS` and interventions an action from :data:`ACTIONS`, each with its RO id,
sign, domain and range and Biolink predicate; :data:`REASONING` holds the relations the reasoner closes, and
:func:`relation` finds the term of any relation CURIE.
"""

from __future__ import annotations

from kg.schema.terms import CLASSES, DEFINED_CLASSES, Term

__all__ = [
    "RELATIONS",
    "NOT_ASSERTABLE",
    "SPECIFIC",
    "TRAVERSED",
    "MEMBER_OF",
    "MEMBERSHIP",
    "ACTIONS",
    "REASONING",
    "SCHEMA_TERMS",
    "relation",
]

M, PR, C, Q, ACT = "material", "process", "condition", "quantity", "act"
UP, DOWN = "RO:0002304", "RO:0002305"


def _r(curie, label, definition, parents=(), sign=0, domain=(), range=(), close=(), chars=(), fallback=False, biolink="",
       qualifiers=()):
    return Term(curie, label, definition, tuple(parents), tuple(close), tuple(chars), sign, "", tuple(domain), tuple(range), fallback,
                biolink=biolink, qualifiers=tuple(qualifiers))


#: Relations that ``edges.tsv`` may use, with their sign (0: not an edge of the mechanism graph) and
#: the kinds of subject and object their definitions allow. Each positive relation is a sub-property of
#: ``oih:promotes``, so HermiT closes all-positive chains. ``capable of``, ``has output`` and ``releases``
#: are not causal relations in RO; the mechanism graph follows them with sign +1 (more of the bearer,
#: more of what it does or makes).
RELATIONS: dict[str, Term] = {
    t.curie: t
    for t in [
        _r("RO:0002410", "causally related to", "A relation that holds between two entities where one is a cause of the other.", biolink="biolink:related_to"),
        _r("RO:0002411", "causally upstream of", "p is causally upstream of q: p is a cause of q, directly or through intermediates (processes).",
           ("RO:0002410",), domain=(PR, ACT), range=(PR, ACT), biolink="biolink:affects"),
        _r(UP, "causally upstream of, positive effect", "p is causally upstream of q and increases it (processes).",
           ("RO:0002411", "oih:promotes"), 1, (PR, ACT), (PR, ACT), biolink="biolink:affects"),
        _r(DOWN, "causally upstream of, negative effect", "p is causally upstream of q and decreases it (processes).",
           ("RO:0002411",), -1, (PR, ACT), (PR, ACT), biolink="biolink:affects"),
        _r("RO:0002629", "directly positively regulates", "p directly increases the rate or extent of process q.", (UP,), 1, (PR,), (PR,), biolink="biolink:regulates"),
        _r("RO:0002630", "directly negatively regulates", "p directly decreases the rate or extent of process q.", (DOWN,), -1, (PR,), (PR,), biolink="biolink:regulates"),
        _r("RO:0002263", "acts upstream of", "A material entity c acts upstream of a process p: c enables a function that is causally upstream of p.",
           ("RO:0002410",), domain=(M,), range=(PR,), biolink="biolink:affects"),
        _r("RO:0004034", "acts upstream of, positive effect", "A material entity acts upstream of a process and increases it.",
           ("RO:0002263", "oih:promotes"), 1, (M,), (PR,), biolink="biolink:affects"),
        _r("RO:0004035", "acts upstream of, negative effect", "A material entity acts upstream of a process and decreases it.",
           ("RO:0002263", "oih:inhibits"), -1, (M,), (PR,), biolink="biolink:affects"),
        _r("oih:sets_off", "sets off (under sustained activation)", "A receptor held active for long sets off a signalling "
           "process of its own (the mu-opioid receptor, its chronic signalling). Signed +1 like RO's acts upstream of, "
           "positive effect, but kept out of oih:promotes, so the receptor's own pathway is not classified by what its "
           "chronic signalling feeds; an agent that activates the receptor drives the pathways of the process it sets off.",
           ("RO:0002263",), 1, (M,), (PR,), close=("RO:0004034",), biolink="biolink:affects"),
        _r("RO:0002566", "causally influences", "A causal relation between two material entities.", ("RO:0002410",), domain=(M,), range=(M,), biolink="biolink:affects"),
        _r("RO:0002448", "directly regulates activity of", "A material entity directly changes the activity of another material entity.",
           ("RO:0002566",), domain=(M,), range=(M,), biolink="biolink:affects"),
        _r("RO:0002450", "directly positively regulates activity of", "A material entity directly increases the activity of another "
           "material entity (directly activates).", ("RO:0002448", "oih:promotes", "oih:activates"), 1, (M,), (M,), biolink="biolink:affects",
           qualifiers=(("object_aspect_qualifier", "activity"),)),
        _r("RO:0002449", "directly negatively regulates activity of", "A material entity directly decreases the activity of another "
           "material entity (directly inhibits).", ("RO:0002448", "oih:inhibits"), -1, (M,), (M,), biolink="biolink:affects",
           qualifiers=(("object_aspect_qualifier", "activity"),)),
        _r("oih:increases_activity_of", "increases activity or amount of", "A process, or a material entity acting through "
           "intermediates, increases the activity or amount of a material entity (RO has no signed relation from a process to a "
           "material entity, and RO:0002450 is for direct regulation).", ("RO:0002410", "oih:promotes"), 1, (PR, M), (M,),
           close=("RO:0002450",), biolink="biolink:affects"),
        _r("oih:decreases_activity_of", "decreases activity or amount of", "A process, or a material entity acting through "
           "intermediates, decreases the activity or amount of a material entity (RO has no signed relation from a process to a "
           "material entity, and RO:0002449 is for direct regulation).", ("RO:0002410",), -1, (PR, M), (M,), close=("RO:0002449",), biolink="biolink:affects"),
        _r("RO:0003302", "causes or contributes to condition", "An entity or process causes a condition or phenotype, or contributes to it.",
           ("RO:0002410", "oih:promotes"), 1, (M, PR, ACT), (C,), biolink="biolink:contributes_to"),
        _r("RO:0002606", "is substance that treats", "A chemical ameliorates a condition.", ("RO:0002410",), -1, (M,), (C,), biolink="biolink:treats"),
        _r("oih:positively_influences", "positively influences", "A condition or a quantity of the pain model raises another entity or quantity, "
           "or something raises a quantity; used only where no RO relation of the same sign fits the two kinds.",
           ("RO:0002410", "oih:promotes"), 1, close=(UP,), fallback=True, biolink="biolink:affects"),
        _r("oih:negatively_influences", "negatively influences", "A condition or a quantity of the pain model lowers another entity or quantity, "
           "or something lowers a quantity; used only where no RO relation of the same sign fits the two kinds.",
           ("RO:0002410",), -1, close=(DOWN,), fallback=True, biolink="biolink:affects"),
        _r("RO:0002215", "capable of", "A cell or molecule can carry out a process (followed with sign +1 in the mechanism graph).",
           ("oih:promotes",), 1, (M,), (PR,), biolink="biolink:capable_of"),
        _r("RO:0002216", "capable of part of", "A cell or molecule can carry out a part of a process (followed with sign +1).",
           ("oih:promotes",), 1, (M,), (PR,), biolink="biolink:participates_in"),
        _r("RO:0000056", "participates in", "A material entity takes part in a process, e.g. a cell in its own activation "
           "(followed with sign +1: more of the participant, more of the process).", ("oih:promotes",), 1, (M,), (PR,), biolink="biolink:participates_in"),
        _r("RO:0002234", "has output", "A process makes a material entity (followed with sign +1 in the mechanism graph).",
           ("oih:promotes",), 1, (PR,), (M,), biolink="biolink:has_output"),
        _r("oih:releases", "releases", "A cell secretes a mediator (followed with sign +1 in the mechanism graph).",
           ("oih:promotes",), 1, (M,), (M,), close=("RO:0002234",), biolink="biolink:produces"),
        _r("RO:0002200", "has phenotype", "A condition has a characteristic feature.", domain=(C,), range=(C,), biolink="biolink:has_phenotype"),
        _r("RO:0000057", "has participant", "A process has a participant.", domain=(PR,), range=(M,), biolink="biolink:has_participant"),
        _r("BFO:0000050", "part of", "p is part of q.", biolink="biolink:part_of"),
        _r("oih:distinguishes", "distinguishes", "A diagnostic procedure tells a condition apart from another.", domain=(ACT,), range=(C,),
           close=("RO:0002610",), biolink="biolink:related_to_at_instance_level"),
        _r("oih:predisposes_to", "predisposes to", "A condition makes a patient more vulnerable to another condition.", domain=(C,), range=(C,),
           close=("RO:0003302",), biolink="biolink:contributes_to"),
        _r("oih:mistaken_for", "is mistaken for", "A condition is commonly misdiagnosed as another.", domain=(C,), range=(C,), biolink="biolink:related_to"),
        _r("oih:managed_by", "conventionally managed by", "The clinical action conventionally taken for a condition.", domain=(C,), range=(ACT,),
           biolink="biolink:treatment_applications_from"),
    ]
}

#: Unsigned relations kept for the RO hierarchy only: rows use their signed sub-properties.
NOT_ASSERTABLE = frozenset({"RO:0002410", "RO:0002411", "RO:0002263", "RO:0002566", "RO:0002448"})
#: Relations for one kind of statement only, never offered in place of a fallback relation.
SPECIFIC = frozenset({"oih:sets_off"})
#: Signed relations that are not causal in RO but are followed by the mechanism graph.
TRAVERSED = frozenset({"RO:0002215", "RO:0002216", "RO:0000056", "RO:0002234", "oih:releases"})

#: The relation ``edges.tsv`` uses to put a drug in a drug class: an rdf:type assertion of the class's members.
MEMBER_OF = "rdf:type"
MEMBERSHIP = _r(MEMBER_OF, "member of drug class", "A drug is a member of a drug class: an instance of the class of its members.",
                biolink="biolink:subclass_of")

#: Actions that ``interventions.tsv`` may use, by the name the ``action`` column gives: RO's relations where RO
#: has them, each below oih:activates or oih:inhibits (both below oih:targets), or oih:involves. An inhibitor of a
#: process ``acts upstream of, negative effect`` on it (RO:0012006 "is small molecule inhibitor of" is for a molecular
#: activity, and a drug class is no small molecule).
ACTIONS: dict[str, Term] = {
    "agonist_of": _r("RO:0018027", "is agonist of", "A ligand binds a receptor and activates it.", ("RO:0002450",), 1, (M,), (M,), biolink="biolink:affects",
                     qualifiers=(("object_aspect_qualifier", "activity"), ("causal_mechanism_qualifier", "agonism"))),
    "activator_of": RELATIONS["RO:0002450"],
    "antagonist_of": _r("RO:0018029", "is antagonist of", "A ligand binds a receptor and blocks it.", ("RO:0002449",), -1, (M,), (M,), biolink="biolink:affects",
                        qualifiers=(("object_aspect_qualifier", "activity"), ("causal_mechanism_qualifier", "antagonism"))),
    "inhibitor_of": RELATIONS["RO:0004035"],
    "reduces": _r("oih:reduces", "reduces", "A clinical action lowers a quantity of the pain model (RO's relations link processes and "
                  "material entities, not quantities).", ("oih:inhibits",), -1, (ACT,), (Q,), (DOWN,), biolink="biolink:affects"),
    "increases": _r("oih:increases", "increases", "A clinical action raises a quantity of the pain model.", ("oih:activates",), 1, (ACT,),
                    (Q,), (UP,), biolink="biolink:affects"),
    "involves": _r("oih:involves", "involves", "A clinical action brings in an agent (e.g. rotation to methadone); it then inhibits what "
                   "the agent inhibits. Its agonism it does not add: rotation replaces one opioid agonist with another.",
                   (), 0, (ACT,), (M,), ("RO:0000057",), biolink="biolink:has_participant"),
}

_ACTIONS_BY_CURIE = {t.curie: t for t in ACTIONS.values()}

#: Relations of the reasoning layer (not used directly in rows).
REASONING: dict[str, Term] = {
    t.curie: t
    for t in [
        _r("oih:promotes", "promotes (all-positive causal chain)", "p increases q through a chain of links each of positive sign; the "
           "transitive closure of the positive relations.", ("RO:0002410",), close=(UP,), chars=("transitive",), biolink="biolink:affects"),
        _r("oih:targets", "targets", "An agent or intervention acts on an entity.", close=("RO:0002436",), biolink="biolink:interacts_with"),
        _r("oih:activates", "activates", "An agent or intervention raises the activity or amount of what it acts on.", ("oih:targets",),
           close=("RO:0002450",), biolink="biolink:affects"),
        _r("oih:inhibits", "inhibits", "An agent or intervention lowers the activity or amount of what it acts on.", ("oih:targets",),
           close=("RO:0002449",), biolink="biolink:affects"),
        _r("oih:part_of_pathway", "part of pathway", "An entity or process takes part in a pathway.", close=("BFO:0000050", "RO:0002331"), biolink="biolink:participates_in"),
        _r("oih:targets_pathway", "targets pathway", "An agent or intervention acts on something that is part of the pathway: "
           "targets o part_of_pathway.", close=("RO:0002436",), biolink="biolink:affects"),
        _r("oih:drives_pathway", "drives pathway", "An agent or intervention activates something that is part of the pathway "
           "(activates o part_of_pathway), or that sets off a process that is part of it "
           "(activates o sets off o part_of_pathway: the opioid, through the mu-opioid receptor's chronic signalling).", ("oih:targets_pathway",), biolink="biolink:affects"),
        _r("oih:inhibits_pathway", "inhibits pathway", "An agent or intervention inhibits something that is part of the pathway: "
           "inhibits o part_of_pathway.", ("oih:targets_pathway",), biolink="biolink:affects"),
    ]
}

#: CURIEs of the schema's own terms (classes and relations), which queries may take as parameters.
SCHEMA_TERMS = frozenset(
    [t.curie for t in (*CLASSES.values(), *DEFINED_CLASSES.values(), *RELATIONS.values(), *REASONING.values(), *ACTIONS.values())]
    + [MEMBER_OF])


def relation(curie: str) -> Term:
    """The schema term of a relation CURIE: an edge relation, an intervention action, a reasoning relation or membership.

    Raises
    ------
    KeyError
        For a relation the schema does not have.

    Examples
    --------
    >>> t = relation("RO:0018029")
    >>> t.label, t.sign, t.biolink
    ('is antagonist of', -1, 'biolink:affects')
    """
    for table in (RELATIONS, _ACTIONS_BY_CURIE, REASONING, {MEMBER_OF: MEMBERSHIP}):
        if curie in table:
            return table[curie]
    raise KeyError(f"the schema has no relation {curie}")
