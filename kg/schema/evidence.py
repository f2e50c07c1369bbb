"""Evidence: the ECO types a row may give, how strong each is, and the annotation properties of entities and evidence."""

from __future__ import annotations

__all__ = [
    "ECO_TRACEABLE",
    "ECO_CURATOR",
    "ECO_UNCITED",
    "EVIDENCE_TYPES",
    "EVIDENCE_STRENGTH",
    "evidence_strength",
    "weakest",
    "ANNOTATIONS",
]

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
