"""Namespaces, CURIE handling, the schema (TBox) of the OIH model, and the one mapping table.

The curated rows in ``ontology/src`` name entities by CURIE and give each a
``type`` from :data:`CLASSES`; edges name a relation from :data:`RELATIONS`
and interventions an action from :data:`ACTIONS`. Everything the build and
the reasoner need to know about the schema lives here, so the TSV files stay
the only hand-edited model data. Each class carries its Biolink category and
map category (:data:`MAP_CATEGORIES` gives colour and shape), each relation its
RO id, sign and Biolink predicate: exports and the map read them from here
(:func:`biolink_category`, :func:`biolink_predicate`, :func:`map_category`), and
:func:`check_mappings` makes an unmapped term a build error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import curies
from rdflib import Namespace, URIRef

__all__ = [
    "OIH",
    "OBO",
    "OBOINOWL",
    "SKOS",
    "GRAPH_ASSERTED",
    "GRAPH_INFERRED",
    "ONTOLOGY_IRI",
    "CONVERTER",
    "expand",
    "compress",
    "Term",
    "KINDS",
    "CLASSES",
    "MEMBER_OF",
    "NOT_ASSERTABLE",
    "DEFINED_CLASSES",
    "SCHEMA_TERMS",
    "TRAVERSED",
    "RELATIONS",
    "ACTIONS",
    "REASONING",
    "ANNOTATIONS",
    "EVIDENCE_TYPES",
    "member_class",
    "kind_of",
    "MapStyle",
    "MAP_CATEGORIES",
    "MEMBERSHIP",
    "relation",
    "entity_class",
    "map_category",
    "evidence_strength",
    "weakest",
    "EVIDENCE_STRENGTH",
    "biolink_category",
    "biolink_predicate",
    "check_mappings",
    "PATHWAY_MOR",
    "PATHWAY_GLIAL",
    "NMDA_RECEPTOR",
    "COMPONENT_A",
    "COMPONENT_H",
    "NET_PAIN",
    "OPIOID_DOSE",
]

OIH = Namespace("https://w3id.org/oihkg/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ONTOLOGY_IRI = "https://w3id.org/oihkg/oih.owl"
GRAPH_ASSERTED = URIRef("https://w3id.org/oihkg/graph/asserted")
GRAPH_INFERRED = URIRef("https://w3id.org/oihkg/graph/inferred")

_OBO_PREFIXES = ("RO", "BFO", "GO", "CL", "UBERON", "CHEBI", "MONDO", "HP", "NCIT", "ECO", "IAO")

#: Prefix map: OBO PURLs for OBO ontologies, identifiers.org for the rest.
CONVERTER = curies.Converter.from_prefix_map(
    {
        "oih": str(OIH),
        **{p: f"http://purl.obolibrary.org/obo/{p}_" for p in _OBO_PREFIXES},
        "HGNC": "https://identifiers.org/hgnc:",
        "UniProtKB": "https://identifiers.org/uniprot:",
        "NCBIGene": "https://identifiers.org/ncbigene:",
        "MESH": "https://identifiers.org/mesh:",
        "biolink": "https://w3id.org/biolink/vocab/",
        "oboInOwl": str(OBOINOWL),
        "skos": str(SKOS),
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "dcterms": "http://purl.org/dc/terms/",
    }
)


def expand(curie: str) -> str:
    """Return the IRI of a CURIE, or raise ``ValueError`` for an unknown prefix.

    Examples
    --------
    >>> expand("CHEBI:6121")
    'http://purl.obolibrary.org/obo/CHEBI_6121'
    >>> expand("HGNC:8156")
    'https://identifiers.org/hgnc:8156'
    >>> expand("oih:on_cell")
    'https://w3id.org/oihkg/on_cell'
    """
    iri = CONVERTER.expand(curie)
    if iri is None:
        raise ValueError(f"unknown CURIE prefix in {curie!r}")
    return iri


@lru_cache(maxsize=1 << 18)
def compress(iri: str) -> str:
    """Return the CURIE of an IRI, or the IRI itself when no prefix matches (memoised: the prefix trie is slow, and a
    large merged graph names the same entities many times).

    Examples
    --------
    >>> compress("http://purl.obolibrary.org/obo/GO_0017146")
    'GO:0017146'
    """
    return CONVERTER.compress(str(iri)) or str(iri)


#: Kinds of entity, the domain and range of the relations. Every class of
#: :data:`CLASSES` has one; ``act`` is a clinical action (a planned process).
KINDS = ("material", "process", "condition", "quantity", "act", "pathway", "context")


@dataclass(frozen=True)
class Term:
    """A schema term: an OWL class or object property of the model.

    Parameters
    ----------
    curie : str
        Its identifier; ``oih:`` for terms minted here.
    label : str
        Its ``rdfs:label``.
    definition : str
        Its textual definition (IAO:0000115).
    parents : tuple of str
        CURIEs of super-classes or super-properties.
    close_match : tuple of str
        CURIEs of the nearest standard terms (``skos:closeMatch``).
    characteristics : tuple of str
        OWL property characteristics, e.g. ``("transitive",)``.
    sign : int
        For relations: +1, -1, or 0 when the relation carries no sign. A signed
        relation is an edge of the mechanism graph.
    kind : str
        For classes: the kind of entity (:data:`KINDS`) its members are.
    domain, range : tuple of str
        For relations: the kinds its subject and object may have (empty: any).
    fallback : bool
        A relation minted for pairs of kinds no RO relation of the same sign
        fits; the build refuses it where one does.
    biolink : str
        The Biolink category (classes) or predicate (relations) it maps to, for
        exports; every term an entity or an edge can carry has one. Relations whose
        subjects include drugs and cells map to ``biolink:affects`` (with the sign as
        the direction), not to Biolink's ``regulates`` (an evolved control mechanism)
        or ``acts_upstream_of*`` (gene products only); process-to-process regulation
        (RO:0002629/0002630) maps to ``biolink:regulates``. ``oih:distinguishes`` maps to
        ``related_to_at_instance_level``: Biolink's ``diagnoses`` wants a diagnostic aid (a device or substance),
        which a test taper is not; ``oih:managed_by`` to ``treatment_applications_from`` (said as the dose strategy
        ``applied_to_treat`` the condition: a practice the text reports, not an established efficacy).
    map_category : str
        For classes: the category the mechanism map draws its members as (:data:`MAP_CATEGORIES`).
    biolink_alt : tuple of str
        For classes: Biolink categories to use instead of ``biolink`` for a member whose identifier prefix that
        category does not list but one of these does (a receptor named by its HGNC gene id is a ``biolink:Gene``;
        the NMDA receptor, named by its GO complex id, a ``biolink:MacromolecularComplex``).
    qualifiers : tuple of (str, str)
        For relations: Biolink qualifiers every edge of the relation carries besides the direction its sign gives,
        e.g. ``(("causal_mechanism_qualifier", "agonism"),)``.
    """

    curie: str
    label: str
    definition: str
    parents: tuple[str, ...] = ()
    close_match: tuple[str, ...] = ()
    characteristics: tuple[str, ...] = ()
    sign: int = 0
    kind: str = ""
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    fallback: bool = False
    synonyms: tuple[str, ...] = field(default=())
    biolink: str = ""
    map_category: str = ""
    biolink_alt: tuple[str, ...] = ()
    qualifiers: tuple[tuple[str, str], ...] = ()

    def fits(self, subject_kind: str, object_kind: str) -> bool:
        """Whether a subject and an object of these kinds are in the relation's domain and range."""
        return (not self.domain or subject_kind in self.domain) and (not self.range or object_kind in self.range)


def _c(curie, label, definition, *parents, kind="", close=(), biolink="", map="", alt=()):
    return Term(curie, label, definition, tuple(parents), tuple(close), kind=kind, biolink=biolink, map_category=map,
                biolink_alt=tuple(alt))


#: Where a gene product is named by a gene (HGNC) or complex (GO) id, Biolink calls it a Gene or a complex.
_GENE_ALT = ("biolink:Gene", "biolink:MacromolecularComplex")

#: Entity types that ``entities.tsv`` may use, keyed by the ``type`` column.
CLASSES: dict[str, Term] = {
    t.curie.split(":")[1]: t
    for t in [
        _c("oih:Entity", "OIH model entity", "Anything that takes part in the OIH mechanism model.", biolink="biolink:NamedThing", map="other"),
        _c("oih:ChemicalEntity", "chemical entity", "A drug, ion or other molecular entity.", "oih:Entity", kind="material", biolink="biolink:ChemicalEntity", map="chemical"),
        _c("oih:PharmacologicalAgent", "pharmacological agent", "A drug or drug class: a chemical given to act on the body's "
           "mechanisms (an ion or a mediator of the body is not one).", "oih:ChemicalEntity", kind="material", biolink="biolink:ChemicalEntity", map="drug"),
        _c("oih:Drug", "drug", "A chemical given to a patient.", "oih:PharmacologicalAgent", kind="material", biolink="biolink:Drug", map="drug"),
        _c("oih:DrugClass", "drug class", "A kind of pharmacological agent named by its action rather than by a single compound. "
           "The individual stands for an unspecified member; the class of its members is oih:class/<name>, and what the "
           "source text says of the drug class holds for every member.", "oih:PharmacologicalAgent", kind="material", biolink="biolink:ChemicalEntity", map="drug"),
        _c("oih:Ion", "ion", "A charged atom or molecule.", "oih:ChemicalEntity", kind="material", biolink="biolink:SmallMolecule", map="chemical"),
        _c("oih:GeneProduct", "gene product", "A protein or peptide encoded by a gene.", "oih:Entity", kind="material", biolink="biolink:Protein", map="mediator",
           alt=_GENE_ALT),
        _c("oih:Receptor", "receptor", "A gene product or complex that binds a ligand and signals.", "oih:GeneProduct", kind="material", biolink="biolink:Protein", map="receptor",
           alt=_GENE_ALT),
        _c("oih:Mediator", "mediator", "A secreted cytokine, neurotrophic factor or peptide that signals between cells.", "oih:GeneProduct", kind="material", biolink="biolink:Protein", map="mediator",
           alt=_GENE_ALT),
        _c("oih:Gene", "gene", "A gene, standing in the causal model for the products it encodes.", "oih:Entity", kind="material", biolink="biolink:Gene", map="mediator"),
        _c("oih:CellType", "cell type", "A kind of cell.", "oih:Entity", kind="material", biolink="biolink:Cell", map="cell"),
        _c("oih:AnatomicalRegion", "anatomical region", "A region of the nervous system.", "oih:Entity", kind="material", biolink="biolink:AnatomicalEntity", map="region"),
        _c("oih:BiologicalProcess", "biological process", "A process in the nervous or immune system.", "oih:Entity", kind="process", biolink="biolink:BiologicalProcess", map="process"),
        _c("oih:Phenotype", "phenotype", "An observable feature of pain or of its dose dependence.", "oih:Entity", kind="condition", biolink="biolink:PhenotypicFeature", map="phenotype"),
        _c("oih:Condition", "clinical condition", "A clinical state of a patient.", "oih:Entity", kind="condition", biolink="biolink:DiseaseOrPhenotypicFeature", map="condition"),
        _c("oih:Disease", "disease", "A disease that changes vulnerability to OIH.", "oih:Condition", kind="condition", biolink="biolink:Disease", map="condition"),
        _c("oih:ExposureContext", "exposure context", "A time course of opioid exposure in which a statement holds: acute "
           "administration (a drug given once) or chronic exposure (a drug given for weeks). A statement without a context "
           "holds in every one.", "oih:Entity", kind="context", biolink="biolink:DrugExposure", map="condition"),
        _c("oih:Pathway", "pathway", "A named chain of causally linked entities and processes of the model.", "oih:Entity", kind="pathway", biolink="biolink:Pathway", map="pathway"),
        _c("oih:Intervention", "intervention", "A clinical action that changes the opioid dose or brings in an agent.", "oih:Entity", kind="act", biolink="biolink:Treatment", map="intervention"),
        _c("oih:DiagnosticProcedure", "diagnostic procedure", "A clinical action done to tell conditions apart.", "oih:Intervention", kind="act", biolink="biolink:Procedure", map="intervention"),
        _c("oih:ModelQuantity", "model quantity", "A quantity of the illustrative pain model P = P0 - A + H.", "oih:Entity", kind="quantity", biolink="biolink:NamedThing", map="quantity"),
        _c("oih:Citation", "citation", "A reference cited in the source text by its problem_id.", close=("IAO:0000013",), biolink="biolink:Publication", map="other"),
    ]
}

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

#: Evidence types a row may give: the text's own statement with its citation, a curator's link of the
#: text's statements (cited or not, as the quoted sentence is), and a statement of the text that cites nothing.
ECO_TRACEABLE, ECO_CURATOR, ECO_UNCITED = "ECO:0000304", "ECO:0000305", "ECO:0000303"
EVIDENCE_TYPES = {
    ECO_TRACEABLE: "author statement supported by traceable reference used in manual assertion",
    ECO_CURATOR: "curator inference used in manual assertion",
    ECO_UNCITED: "author statement without traceable support used in manual assertion",
}

#: How strong each evidence type is, strongest first, with the words a path or derived fact uses for its weakest
#: link: a cited statement of the text, an uncited one, a curator's inference, a statement merged from elsewhere
#: (ECO:0000311 imported information). Paths rank by their weakest link (INDRA ranks by belief).
EVIDENCE_STRENGTH = {ECO_TRACEABLE: (3, "cited statement of the text"), ECO_UNCITED: (2, "uncited author statement"),
                     ECO_CURATOR: (1, "curator inference"), "ECO:0000311": (0, "imported statement")}


def evidence_strength(evidence_type: str) -> tuple[int, str]:
    """The rank (higher is stronger) and name of an evidence type; anything unknown ranks as imported.

    >>> evidence_strength("ECO:0000305")
    (1, 'curator inference')
    """
    return EVIDENCE_STRENGTH.get(evidence_type, EVIDENCE_STRENGTH["ECO:0000311"])


def weakest(evidence_types) -> str:
    """The weakest of some evidence types (``""`` when none is given): what a chain of statements rests on.

    >>> weakest(["ECO:0000304", "", "ECO:0000303"])
    'ECO:0000303'
    """
    given = [t for t in evidence_types if t]
    return min(given, key=lambda t: evidence_strength(t)[0]) if given else ""


#: Annotation properties of entities and of evidence (axiom annotations).
ANNOTATIONS = {
    "definition": "IAO:0000115",
    "synonym": "oboInOwl:hasExactSynonym",
    "xref": "oboInOwl:hasDbXref",
    "id": "oboInOwl:id",
    "citation": "oih:citation",
    "quote": "oih:quote",
    "evidence_type": "oih:evidence_type",
    "sign": "oih:sign",
    "context": "oih:context",
    "broader_context": "oih:broader_context",
    "excludes_context": "oih:excludes_context",
    "problem_id": "oih:problem_id",
    "section": "oih:section",
    "close_match": "skos:closeMatch",
}

PATHWAY_MOR = "oih:mor_analgesic_pathway"
PATHWAY_GLIAL = "oih:glial_neuroinflammatory_pathway"
NMDA_RECEPTOR = "GO:0017146"
COMPONENT_A = "oih:analgesia"
COMPONENT_H = "oih:hyperalgesic_component"
NET_PAIN = "oih:net_pain"
OPIOID_DOSE = "oih:opioid_dose"


def member_class(curie: str) -> str:
    """The CURIE of the OWL class whose members a drug-class entity stands for.

    Examples
    --------
    >>> member_class("oih:opioid")
    'oih:class/opioid'
    """
    return "oih:class/" + curie.split(":", 1)[1]


def kind_of(type_name: str) -> str:
    """The kind (:data:`KINDS`) of an entity type of ``entities.tsv``.

    Examples
    --------
    >>> kind_of("Receptor"), kind_of("BiologicalProcess")
    ('material', 'process')
    """
    return CLASSES[type_name].kind


#: The defined classes the reasoner fills (their logical definitions are built in :mod:`kg.compile`); the first
#: parent is the class they refine.
DEFINED_CLASSES: dict[str, Term] = {
    t.curie: t
    for t in [
        _c("oih:PronociceptivePathway", "pronociceptive pathway", "A pathway with a mechanistic part (not a model quantity) that "
           "promotes, through an all-positive causal chain, the hyperalgesic component H.", "oih:Pathway"),
        _c("oih:AnalgesicPathway", "analgesic pathway", "A pathway with a mechanistic part (not a model quantity) that promotes, "
           "through an all-positive causal chain, the analgesic effect A.", "oih:Pathway"),
        _c("oih:PronociceptivePathwayTargetingIntervention", "agent acting on a pronociceptive pathway", "A drug or drug class "
           "that acts on (activates or inhibits) something that is part of a pronociceptive pathway.", "oih:Entity"),
        _c("oih:AntiHyperalgesicAgent", "anti-hyperalgesic agent", "A drug or drug class that inhibits something that is part "
           "of a pronociceptive pathway.", "oih:Entity"),
        _c("oih:ProHyperalgesicAgent", "pro-hyperalgesic agent", "A drug or drug class that activates something that is part "
           "of a pronociceptive pathway (e.g. an opioid through TLR4).", "oih:Entity"),
        _c("oih:GlialTargetingIntervention", "glial-targeting agent", "A drug or drug class that inhibits something that is "
           "part of the glial neuroinflammatory pathway.", "oih:Entity"),
        _c("oih:NMDATargetingIntervention", "NMDA-targeting agent", "A drug or drug class that inhibits (blocks) the NMDA "
           "receptor.", "oih:Entity"),
        _c("oih:AnalgesiaSparingAntiHyperalgesicIntervention", "analgesia-sparing anti-hyperalgesic agent", "An "
           "agent that blocks TLR4 or inhibits microglial activation (a glial-targeting intervention) and acts only on things "
           "that are not part of the mu-opioid receptor analgesic pathway, so it can lower H without lowering A: the text says "
           "this of those agents alone.", "oih:Entity"),
        _c("oih:DoseStrategy", "dose strategy", "A clinical action that changes the opioid dose (a taper, a rotation, an "
           "escalation, a test taper); it is not an agent acting on a mechanism, though it may bring one in (rotation to "
           "methadone).", "oih:Intervention"),
        _c("oih:DoseReducingStrategy", "dose-reducing strategy", "A dose strategy that lowers the opioid dose.", "oih:Intervention"),
        _c("oih:DoseIncreasingStrategy", "dose-increasing strategy", "A dose strategy that raises the opioid dose.",
           "oih:Intervention"),
    ]
}

#: CURIEs of the schema's own terms (classes and relations), which queries may take as parameters.
SCHEMA_TERMS = frozenset(
    [t.curie for t in (*CLASSES.values(), *DEFINED_CLASSES.values(), *RELATIONS.values(), *REASONING.values(), *ACTIONS.values())]
    + [MEMBER_OF])


@dataclass(frozen=True)
class MapStyle:
    """How the mechanism map draws an entity category: fill colour, vis.js shape and legend label."""

    colour: str
    shape: str
    legend: str


#: The map's categories, each named by the ``map_category`` of the classes of :data:`CLASSES`.
MAP_CATEGORIES: dict[str, MapStyle] = {
    "receptor": MapStyle("#e6550d", "diamond", "receptor"),
    "mediator": MapStyle("#fd8d3c", "dot", "mediator"),
    "cell": MapStyle("#31a354", "hexagon", "cell type"),
    "region": MapStyle("#756bb1", "square", "anatomical region"),
    "process": MapStyle("#6baed6", "ellipse", "biological process"),
    "phenotype": MapStyle("#de2d26", "star", "phenotype"),
    "condition": MapStyle("#c51b8a", "triangleDown", "condition"),
    "drug": MapStyle("#3182bd", "triangle", "drug / drug class"),
    "intervention": MapStyle("#238b45", "box", "intervention"),
    "chemical": MapStyle("#969696", "dot", "chemical"),
    "pathway": MapStyle("#fdae6b", "box", "pathway"),
    "quantity": MapStyle("#bdbdbd", "square", "model quantity"),
    "other": MapStyle("#d9d9d9", "dot", "other"),
}


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


def entity_class(types) -> Term:
    """The most specific class of :data:`CLASSES` among an entity's types (CURIEs); defined and member classes are skipped.

    Raises
    ------
    KeyError
        When none of the types is a class of the schema.

    Examples
    --------
    >>> entity_class(["oih:Entity", "oih:Disease", "oih:AntiHyperalgesicAgent"]).curie
    'oih:Disease'
    """
    known = [CLASSES[t.split(":", 1)[1]] for t in types if t.startswith("oih:") and t.split(":", 1)[1] in CLASSES]
    if not known:
        raise KeyError(f"none of the types {', '.join(types) or '(none)'} is a class of the schema")
    return max(known, key=_depth)


def _depth(term: Term) -> int:
    return 1 + _depth(CLASSES[term.parents[0].split(":")[1]]) if term.parents else 0


def map_category(types) -> str:
    """The map category of an entity with these types (:func:`entity_class`)."""
    return entity_class(types).map_category


def biolink_category(types) -> str:
    """The Biolink category of an entity with these types (:func:`entity_class`).

    Examples
    --------
    >>> biolink_category(["oih:Intervention"]), biolink_category(["oih:DiagnosticProcedure", "oih:Intervention"])
    ('biolink:Treatment', 'biolink:Procedure')
    """
    return entity_class(types).biolink


def biolink_predicate(curie: str) -> str:
    """The Biolink predicate of a relation CURIE (:func:`relation`); ``KeyError`` for one the schema lacks."""
    return relation(curie).biolink


def check_mappings() -> list[str]:
    """What the mapping table lacks: each class without a Biolink category or a known map category, each relation
    without a Biolink predicate. The build refuses to run while the list is not empty.

    Examples
    --------
    >>> check_mappings()
    []
    """
    problems = [f"class {t.curie} has no Biolink category" for t in CLASSES.values() if not t.biolink.startswith("biolink:")]
    problems += [f"class {t.curie} has map category {t.map_category!r}, not one of {', '.join(MAP_CATEGORIES)}"
                 for t in CLASSES.values() if t.map_category not in MAP_CATEGORIES]
    relations = [*RELATIONS.values(), *ACTIONS.values(), *REASONING.values(), MEMBERSHIP]
    problems += [f"relation {t.curie} has no Biolink predicate" for t in relations if not t.biolink.startswith("biolink:")]
    return problems
