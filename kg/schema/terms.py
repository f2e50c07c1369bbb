"""The classes of the schema (TBox): :class:`Term`, the entity types rows may use and the defined classes.

The curated rows in ``ontology/src`` give each entity a ``type`` from :data:`CLASSES`; each class carries the
kind of its members (:data:`KINDS`), its Biolink category and its map category. :data:`DEFINED_CLASSES` are the
classes the reasoner fills. The entities the code names by CURIE (the pathways, the NMDA receptor, the quantities
of the pain model) are here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Term",
    "KINDS",
    "CLASSES",
    "DEFINED_CLASSES",
    "member_class",
    "kind_of",
    "entity_class",
    "PATHWAY_MOR",
    "PATHWAY_GLIAL",
    "NMDA_RECEPTOR",
    "COMPONENT_A",
    "COMPONENT_H",
    "NET_PAIN",
    "OPIOID_DOSE",
]

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

#: Entities of the curated model that the code names by CURIE.
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
