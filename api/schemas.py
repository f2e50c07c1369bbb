"""Response models of the HTTP API (so /openapi.json documents every answer), and the examples /docs offers."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from pydantic import BaseModel, Field

__all__ = ["ObservationResult", "ObservationReport", "Health", "SearchHit", "Edge", "Entity", "Target", "PathwayRef", "Intervention", "PathwayLink",
           "InterventionLink", "Pathway", "QueryInfo", "QueryParam", "QueryResult", "Problem", "PathsAnswer",
           "PerturbAnswer", "SimulationAnswer"]


class Problem(BaseModel):
    """An error: what went wrong, and for ambiguous names the candidates."""

    detail: Any


class Health(BaseModel):
    status: str = Field(description="ok, or degraded when the SPARQL endpoint behind stops answering")
    reason: str | None = Field(None, description="why the status is degraded")
    store: str = Field(description="embedded or the endpoint URL")
    selector: str = Field(description="the store as one selector string: oxigraph:memory, oxigraph:DIR or sparql:URL")
    triples: dict[str, int] = Field(default_factory=dict, description="triples per graph, counted at start (or when the "
                                                                      "endpoint came back)")
    checksum: str | None = Field(None, description="a fingerprint of what the store holds (SHA-256 over the checksums "
                                                  "recorded when its graphs were loaded); answers that depend only on "
                                                  "the store are cached under it")
    loaded: list[dict] = Field(default_factory=list, description="the graphs merged in with `oihkg load`, each kept in "
                                                                  "a named graph of its own: graph (IRI), source (file), "
                                                                  "triples, checksum")
    versions: dict[str, str]
    biolink_version: str = Field(description="the Biolink model (the packaged one) the TRAPI answers and KGX export follow")
    trapi_version: str = Field(description="the TRAPI version of /trapi/query answers")


class SearchHit(BaseModel):
    id: str
    label: str | None
    types: list[str]
    matched: str


class Edge(BaseModel):
    subject: str
    subjectLabel: str
    predicate: str
    predicateLabel: str
    object: str
    objectLabel: str
    sign: int | None = Field(None, description="+1 or -1")
    inferred: bool
    context: str | None = Field(None, description="the condition in which alone the statement holds (e.g. oih:oih), if any")
    via: str | None = Field(None, description="for an edge a drug derives from its drug class: the drug class")
    citations: list[str] = Field(description="problem_id numbers of the source text")
    quote: str | None = None
    evidenceType: str | None = Field(None, description="ECO code")


class Entity(BaseModel):
    id: str
    iri: str
    label: str
    definition: str | None
    synonyms: list[str]
    xrefs: list[str]
    types: list[str]
    edges_out: list[Edge]
    edges_in: list[Edge]


class Target(BaseModel):
    id: str
    label: str
    action: str
    sign: int
    inferred: bool = Field(False, description="derived from the agent's drug class")


class PathwayRef(BaseModel):
    id: str
    label: str
    direction: str = Field(description="drives (activates a part of it) or inhibits (inhibits a part of it)")
    inferred: bool


class Intervention(BaseModel):
    id: str
    label: str
    targets: list[Target]
    pathways: list[PathwayRef]
    classes: list[str]


#: How an agent acts on a pathway, and the context a link holds in (the same in both directions of the link).
Direction = Annotated[str, Field(description="drives (activates a part of it) or inhibits (inhibits a part of it)")]
HoldsIn = Annotated[Optional[str], Field(description="the context (exposure or condition) in which alone it holds, e.g. "
                                                     "oih:chronic_exposure; none: it holds in every context")]


class PathwayLink(BaseModel):
    pathway: str
    label: str
    direction: Direction
    context: HoldsIn = None
    inferred: bool
    rule: str | None = None
    weakest_evidence: str | None = Field(None, description="the weakest evidence the derivation rests on: cited statement of "
                                         "the text, uncited author statement or curator inference")
    explanation: list[dict] | None = Field(None, description="premises and axioms that entail the link")


class InterventionLink(BaseModel):
    intervention: str
    label: str
    direction: Direction
    context: HoldsIn = None
    inferred: bool


class Pathway(BaseModel):
    id: str
    label: str
    pronociceptive: bool
    analgesic: bool


class QueryParam(BaseModel):
    name: str
    kind: str
    description: str


class QueryInfo(BaseModel):
    name: str
    description: str
    params: list[QueryParam]
    returns: list[str]


class QueryResult(BaseModel):
    name: str
    params: dict[str, str]
    rows: list[dict[str, Any]]


class PathEdge(BaseModel):
    subject: str
    subjectLabel: str
    relation: str
    object: str
    objectLabel: str
    sign: int
    inferred: bool
    via: str = Field("", description="the drug class an inherited edge comes from")
    context: str = Field("", description="the context (exposure or condition) in which alone the statement holds; "
                                         "empty: every context")
    inverse_of: str = Field("", description="the asserted relation this step reverses: a cell reached through its own "
                                            "activation (has participant, the inverse of participates in)")
    citations: list[str]
    quote: str
    evidence_type: str = ""


class SignedPathModel(BaseModel):
    nodes: list[str]
    sign: int = Field(description="product of the edge signs")
    length: int
    contexts: list[str] = Field(description="the contexts the path holds in (its statements' contexts, most specific "
                                            "named); empty: every context")
    weakest_evidence: str = Field(description="the weakest evidence the path rests on: cited statement of the text, "
                                              "uncited author statement, curator inference or imported statement")
    edges: list[PathEdge]


class PathsAnswer(BaseModel):
    status: str = Field(description="found or no_path")
    source: str
    target: str
    message: str
    diagnosis: dict | None = Field(None, description="why there is no path, as data: reason unreachable (at any length), "
                                                     "too_long (with shortest_length), wrong_sign (with "
                                                     "other_sign_shortest: nodes, sign, length), not_in_graph (with names) "
                                                     "or out_of_time (with budget); null when paths were found")
    complete: bool = Field(True, description="false when the search's time budget ran out: the paths are the best found "
                                             "by then, and longer or less supported ones may be missing")
    paths: list[SignedPathModel]


class NodeEffect(BaseModel):
    node: str
    label: str
    direction: str = Field(description="up, down, ambiguous (paths of both signs reach it) or unchanged")
    shortest_up: int | None = Field(description="edges of the shortest path that raises it (0 for a node raised itself); "
                                                "null when none does")
    shortest_down: int | None = Field(description="edges of the shortest path that lowers it; null when none does")
    examples: dict[str, list[str]] = Field(description="a shortest walk of each sign from a perturbed node; it repeats a "
                                                       "node when only going round a feedback loop gives that sign")


class PerturbAnswer(BaseModel):
    inhibit: list[str]
    activate: list[str]
    knockout: list[str]
    unknown: list[str]
    inert: list[str] = Field(default_factory=list, description="perturbed nodes with no causal edge out (a region, a pathway, an "
                                                               "end point): they move nothing")
    summary: dict[str, str] = Field(description="direction of A (analgesia), H (hyperalgesic component) and P (net pain)")
    effects: list[NodeEffect]


class SimulationAnswer(BaseModel):
    note: str = Field(description="the parameters are illustrative, not clinical data")
    params: dict[str, Any]
    interventions: list[str]
    profile: dict[str, Any] | None = Field(None, description="the patient profile: how the condition moves A and H, and the factors "
                                                             "applied to Emax and the gains")
    applied: list[dict[str, Any]] = Field(description="what each intervention changed, and through which target and pathway")
    gains: dict[str, float]
    emax: float
    ed50: float = Field(description="ED50 after the tolerance shift")
    curves: dict[str, list[float]] = Field(description="dose, P, A, H, dA_dD, dH_dD, dP_dD")
    prescribed_dose: float
    dose: float = Field(description="the operating dose after dose-changing interventions")
    at_dose: dict[str, float]
    classification: str = Field(description="tolerance (dP/dD < 0 after chronic exposure), analgesia (dP/dD < 0 after one "
                                            "dose), OIH (dP/dD > 0) or indeterminate")
    oih_threshold_dose: float | None
    test_taper: dict[str, Any]
    baseline: dict[str, float] | None = Field(description="the operating point without interventions")
    context: str = Field(description="how the drug was given: oih:chronic_exposure or oih:acute_administration")


class ObservationResult(BaseModel):
    id: str
    kind: str = Field(description="path, perturb, fact, class or simulate")
    subject: str
    relation: str
    object: str
    expected: str
    negative: bool = Field(description="a negative expectation: holds when the model does not say it")
    status: str = Field(description="holds, contradicted, or error (names something the graph lacks)")
    detail: str = Field(description="the path, effect, derivation or values that decide it")
    evidence: list[Any]
    citations: list[str]
    evidence_type: str
    quote: str
    note: str


class ObservationReport(BaseModel):
    counts: dict[str, int]
    results: list[ObservationResult]


# -- the examples /docs offers: each runs unmodified (tests/test_openapi_examples.py sends every one of them)


def _example(summary: str, value: Any) -> dict:
    """One named example of a request body or parameter, as OpenAPI writes it."""
    return {"summary": summary, "value": value}


SIMULATE_EXAMPLES = {
    "ketamine": _example("30 mg for 12 weeks, with ketamine added", {"dose": 30, "exposure": 12, "interventions": ["ketamine"]}),
    "profile": _example("The same exposure in a patient with fibromyalgia", {"dose": 30, "exposure": 12, "profile": "fibromyalgia"}),
    "acute": _example("One dose (acute administration): analgesia, no tolerance", {"dose": 10, "context": "acute"}),
    "gains": _example("Only the glial pathway raises hyperalgesia",
                      {"default_gain": 0, "gains": {"oih:glial_neuroinflammatory_pathway": 0.5}}),
}
PERTURB_EXAMPLES = {
    "tlr4": _example("Inhibit TLR4 (the glial route of OIH)", {"inhibit": ["TLR4"]}),
    "morphine": _example("Give morphine under chronic exposure", {"activate": ["morphine"], "context": "chronic exposure"}),
}
SEARCH_EXAMPLES = {"mor": _example("The mu opioid receptor by a synonym", "μOR"), "ketamine": _example("A drug", "ketam")}
ENTITY_EXAMPLES = {"ketamine": _example("Ketamine by its CHEBI identifier", "CHEBI:6121"),
                   "name": _example("An entity by its label", "microglial cell")}
INTERVENTION_EXAMPLES = {"ketamine": _example("Ketamine", "ketamine"), "morphine": _example("Morphine", "CHEBI:17303")}
PATHWAY_EXAMPLES = {"glial": _example("The glial neuroinflammatory pathway", "oih:glial_neuroinflammatory_pathway")}
SOURCE_EXAMPLES = {"morphine": _example("Morphine", "morphine")}
TARGET_EXAMPLES = {"hyperalgesia": _example("Hyperalgesia", "hyperalgesia")}
QUERY_NAME_EXAMPLES = {"matrix": _example("Each intervention with the pathways it drives or inhibits", "intervention-pathway-matrix"),
                       "phenotypes": _example("The phenotypes of OIH", "oih-phenotypes")}
EXPORT_FORMAT_EXAMPLES = {"turtle": _example("The graph in Turtle", "ttl")}
SPARQL_EXAMPLE = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                  "SELECT ?label WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> rdfs:label ?label }")
