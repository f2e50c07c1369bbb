"""The validated model: the dataclasses the rows become (:class:`Entity`, :class:`Edge`, :class:`Citation`,
:class:`Observation`) and :class:`Model`, which holds them all."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg import schema

__all__ = [
    "Entity",
    "Edge",
    "Citation",
    "Observation",
    "Model",
]

@dataclass(frozen=True)
class Entity:
    """A validated entity: a standard or minted identifier with its annotations."""

    id: str
    label: str
    type: str
    synonyms: tuple[str, ...]
    definition: str
    xrefs: tuple[str, ...]
    pathways: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Edge:
    """A validated, evidence-carrying edge (from ``edges.tsv`` or ``interventions.tsv``).

    ``predicate`` is a CURIE of :data:`kg.schema.RELATIONS` or :data:`kg.schema.ACTIONS`, or
    :data:`kg.schema.MEMBER_OF` for a drug's membership of a drug class. ``context`` is the
    condition (a CURIE) in which alone the statement holds, or empty.
    """

    subject: str
    predicate: str
    object: str
    sign: int | None  # None for a relation without a sign (part of, has phenotype, drug-class membership, ...)
    citations: tuple[str, ...]
    evidence_type: str
    quote: str
    note: str
    file: str
    line: int
    context: str = ""


@dataclass(frozen=True)
class Citation:
    """A citation of the source text, by its ``problem_id``, with the sections that cite it."""

    id: str
    sections: tuple[str, ...]
    topic: str


@dataclass(frozen=True)
class Observation:
    """A statement of the text as an expected outcome (a row of ``observations.tsv``)."""

    id: str
    kind: str
    subject: str
    relation: str
    object: str
    expected: str
    negative: bool
    citations: tuple[str, ...]
    evidence_type: str
    quote: str
    note: str
    line: int


@dataclass
class Model:
    """The whole validated curated model."""

    entities: dict[str, Entity] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    interventions: list[Edge] = field(default_factory=list)
    citations: dict[str, Citation] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)

    @property
    def all_edges(self) -> list[Edge]:
        """Causal/structural edges followed by intervention edges."""
        return self.edges + self.interventions

    @property
    def members(self) -> dict[str, list[str]]:
        """The drug classes each drug is asserted a member of (a drug class is a member of its own class)."""
        out: dict[str, list[str]] = {c: [c] for c, e in self.entities.items() if e.type == "DrugClass"}
        for e in self.edges:
            if e.predicate == schema.MEMBER_OF:
                out.setdefault(e.subject, []).append(e.object)
        return out
