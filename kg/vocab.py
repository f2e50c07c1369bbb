"""Namespaces, CURIE handling and the schema (TBox) of the OIH model.

The curated rows in ``ontology/src`` name entities by CURIE and give each a
``type`` from :data:`CLASSES`; edges name a relation from :data:`RELATIONS`
and interventions an action from :data:`ACTIONS`. Everything the build and
the reasoner need to know about the schema lives here, so the TSV files stay
the only hand-edited model data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    "CLASSES",
    "RELATIONS",
    "ACTIONS",
    "ANNOTATIONS",
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


def compress(iri: str) -> str:
    """Return the CURIE of an IRI, or the IRI itself when no prefix matches.

    Examples
    --------
    >>> compress("http://purl.obolibrary.org/obo/GO_0017146")
    'GO:0017146'
    """
    return CONVERTER.compress(str(iri)) or str(iri)


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
        For relations: +1, -1, or 0 when the relation is not causal.
    """

    curie: str
    label: str
    definition: str
    parents: tuple[str, ...] = ()
    close_match: tuple[str, ...] = ()
    characteristics: tuple[str, ...] = ()
    sign: int = 0
    synonyms: tuple[str, ...] = field(default=())


def _c(curie, label, definition, *parents, close=()):
    return Term(curie, label, definition, tuple(parents), tuple(close))


#: Entity types that ``entities.tsv`` may use, keyed by the ``type`` column.
CLASSES: dict[str, Term] = {
    t.curie.split(":")[1]: t
    for t in [
        _c("oih:Entity", "OIH model entity", "Anything that takes part in the OIH mechanism model."),
        _c("oih:ChemicalEntity", "chemical entity", "A drug, ion or other molecular entity.", "oih:Entity", close=("biolink:ChemicalEntity",)),
        _c("oih:Drug", "drug", "A chemical given to a patient.", "oih:ChemicalEntity", close=("biolink:Drug",)),
        _c("oih:DrugClass", "drug class", "A kind of pharmacological agent named by its action rather than by a single compound.", "oih:ChemicalEntity", close=("biolink:ChemicalEntity",)),
        _c("oih:Ion", "ion", "A charged atom or molecule.", "oih:ChemicalEntity", close=("biolink:SmallMolecule",)),
        _c("oih:GeneProduct", "gene product", "A protein or peptide encoded by a gene.", "oih:Entity", close=("biolink:GeneProduct",)),
        _c("oih:Receptor", "receptor", "A gene product or complex that binds a ligand and signals.", "oih:GeneProduct", close=("biolink:Protein",)),
        _c("oih:Mediator", "mediator", "A secreted cytokine, neurotrophic factor or peptide that signals between cells.", "oih:GeneProduct", close=("biolink:Protein",)),
        _c("oih:CellType", "cell type", "A kind of cell.", "oih:Entity", close=("biolink:Cell",)),
        _c("oih:AnatomicalRegion", "anatomical region", "A region of the nervous system.", "oih:Entity", close=("biolink:AnatomicalEntity",)),
        _c("oih:BiologicalProcess", "biological process", "A process in the nervous or immune system.", "oih:Entity", close=("biolink:BiologicalProcess",)),
        _c("oih:Phenotype", "phenotype", "An observable feature of pain or of its dose dependence.", "oih:Entity", close=("biolink:PhenotypicFeature",)),
        _c("oih:Condition", "clinical condition", "A clinical state of a patient.", "oih:Entity", close=("biolink:DiseaseOrPhenotypicFeature",)),
        _c("oih:Disease", "disease", "A disease that changes vulnerability to OIH.", "oih:Condition", close=("biolink:Disease",)),
        _c("oih:Pathway", "pathway", "A named chain of causally linked entities and processes of the model.", "oih:Entity", close=("biolink:Pathway",)),
        _c("oih:Intervention", "intervention", "A clinical action that changes opioid exposure or blocks a mechanism.", "oih:Entity", close=("biolink:Treatment",)),
        _c("oih:DiagnosticProcedure", "diagnostic procedure", "A clinical action done to tell conditions apart.", "oih:Intervention", close=("biolink:Procedure",)),
        _c("oih:ModelQuantity", "model quantity", "A quantity of the illustrative pain model P = P0 - A + H.", "oih:Entity", close=("biolink:NamedThing",)),
        _c("oih:Citation", "citation", "A reference cited in the source text by its problem_id.", close=("IAO:0000013",)),
    ]
}

UP, DOWN = "RO:0002304", "RO:0002305"

#: Relations that ``edges.tsv`` may use, with their sign (0: not causal).
RELATIONS: dict[str, Term] = {
    t.curie: t
    for t in [
        Term("RO:0002411", "causally upstream of", "p is causally upstream of q: p is a cause of q, directly or through intermediates.", characteristics=("transitive",)),
        Term(UP, "causally upstream of, positive effect", "p is causally upstream of q and increases it.", ("RO:0002411", "oih:promotes"), sign=1),
        Term(DOWN, "causally upstream of, negative effect", "p is causally upstream of q and decreases it.", ("RO:0002411",), sign=-1),
        Term("RO:0002629", "directly positively regulates", "p directly increases the activity of q.", (UP,), sign=1),
        Term("RO:0002630", "directly negatively regulates", "p directly decreases the activity of q.", (DOWN,), sign=-1),
        Term("oih:promotes", "promotes (all-positive causal chain)", "p increases q through a chain of causal links each of positive effect; the transitive closure of RO:0002304.", ("RO:0002411",), ("RO:0002304",), ("transitive",)),
        Term("RO:0002436", "molecularly interacts with", "p and q physically interact as molecules."),
        Term("RO:0002200", "has phenotype", "A condition has a characteristic feature."),
        Term("RO:0000057", "has participant", "A process has a participant."),
        Term("RO:0002215", "capable of", "A cell or molecule can carry out a process."),
        Term("BFO:0000050", "part of", "p is part of q."),
        Term("oih:releases", "releases", "A cell secretes a mediator.", close_match=("RO:0002234",)),
        Term("oih:distinguishes", "distinguishes", "A diagnostic procedure tells a condition apart from another.", close_match=("RO:0002610",)),
        Term("oih:predisposes_to", "predisposes to", "A condition makes a patient more vulnerable to another condition.", close_match=("RO:0003302",)),
    ]
}

#: Actions that ``interventions.tsv`` may use: sub-properties of oih:targets.
ACTIONS: dict[str, Term] = {
    t.curie.split(":")[1]: t
    for t in [
        Term("oih:agonist_of", "agonist of", "The agent binds and activates the target.", ("oih:targets",), ("RO:0018027",), sign=1),
        Term("oih:antagonist_of", "antagonist of", "The agent binds and blocks the target.", ("oih:targets",), ("RO:0018029",), sign=-1),
        Term("oih:inhibitor_of", "inhibitor of", "The agent inhibits the target process.", ("oih:targets",), ("RO:0002630",), sign=-1),
        Term("oih:reduces", "reduces", "The intervention lowers the target quantity.", ("oih:targets",), ("RO:0002305",), sign=-1),
        Term("oih:increases", "increases", "The intervention raises the target quantity.", ("oih:targets",), ("RO:0002304",), sign=1),
        Term("oih:involves", "involves", "The intervention uses the agent (e.g. rotation to methadone); it then targets what the agent targets.", close_match=("RO:0000057",), sign=1),
    ]
}

#: Relations of the reasoning layer (not used directly in rows).
REASONING: dict[str, Term] = {
    t.curie: t
    for t in [
        Term("oih:targets", "targets", "An agent or intervention acts on an entity.", close_match=("RO:0002436",)),
        Term("oih:part_of_pathway", "part of pathway", "An entity or process takes part in a pathway.", close_match=("BFO:0000050", "RO:0002331")),
        Term("oih:targets_pathway", "targets pathway", "An agent or intervention targets something that is part of the pathway: targets o part_of_pathway.", close_match=("RO:0002436",)),
    ]
}

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
