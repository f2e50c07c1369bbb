"""Validate the curated rows and build the asserted OWL ontology.

``ontology/src/*.tsv`` are the only hand-edited model files. :func:`load_model`
reads and validates them (every problem is reported with its file and line);
:func:`build_ontology` turns the rows into an owlready2 ontology holding the
schema of :mod:`kg.vocab`, the entities, the evidence-annotated edges and the
closure axioms the reasoner needs; :func:`build` writes ``oih.owl`` (RDF/XML)
and ``oih.ttl`` (Turtle) byte-stably, or nothing at all when a row is bad.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, ClassVar

import owlready2 as ow
import rdflib
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kg import vocab
from kg.config import Paths, default_paths

__all__ = [
    "Problem",
    "BuildError",
    "Entity",
    "Edge",
    "Citation",
    "Observation",
    "Model",
    "SeedText",
    "read_tsv",
    "BuildResult",
    "normalize_text",
    "load_model",
    "build_ontology",
    "serialize",
    "build",
]

SOURCE_FILES = ("entities.tsv", "edges.tsv", "interventions.tsv", "evidence.tsv", "observations.tsv")
MAX_QUOTE = 300
_CURIE = r"^[A-Za-z][A-Za-z0-9_.]*:[A-Za-z0-9_.\-]+$"


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one source row.

    Parameters
    ----------
    file : str
        The source file's name, e.g. ``edges.tsv``.
    line : int
        The 1-based line number in that file (the header is line 1).
    message : str
        What is wrong, naming the column where one is at fault.
    """

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class BuildError(Exception):
    """Raised when the curated sources are invalid; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------- rows

Curie = Annotated[str, Field(pattern=_CURIE)]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()] if value else []


def _one_of(value: str, allowed, what: str) -> str:
    """``value`` if it is one of ``allowed``, else a ValueError naming them."""
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    return value


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EntityRow(_Row):
    """A row of ``entities.tsv``."""

    id: Curie
    label: str = Field(min_length=1)
    type: str
    synonyms: str = ""
    definition: str = Field(min_length=1)
    xrefs: str = ""
    pathways: str = ""

    @field_validator("type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        return _one_of(v, sorted(vocab.CLASSES), "type")

    @field_validator("xrefs", "pathways")
    @classmethod
    def _curie_list(cls, v: str) -> str:
        for item in _split(v):
            if not re.match(_CURIE, item):
                raise ValueError(f"{item!r} is not a CURIE")
        return v


class _EvidenceRow(_Row):
    sign: str = ""
    citations: str = ""
    evidence_type: Curie
    quote: str = Field(min_length=1, max_length=MAX_QUOTE)
    note: str = ""

    @field_validator("sign")
    @classmethod
    def _sign(cls, v: str) -> str:
        if v not in {"+1", "-1", ""}:
            raise ValueError(f"sign must be +1, -1 or empty (a relation without a sign), not {v!r}")
        return v

    @field_validator("citations")
    @classmethod
    def _citations(cls, v: str) -> str:
        for item in _split(v):
            if not item.isdigit():
                raise ValueError(f"citation {item!r} is not a problem_id number")
        return v

    @field_validator("evidence_type")
    @classmethod
    def _eco(cls, v: str) -> str:
        return _one_of(v, list(vocab.EVIDENCE_TYPES), "ECO code")


class EdgeRow(_EvidenceRow):
    """A row of ``edges.tsv``: a signed statement, optionally true only in a ``context`` (a condition)."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("subject", "predicate", "object", "sign", "context", "citations", "evidence_type", "quote", "note")

    subject: Curie
    predicate: Curie
    object: Curie
    context: Annotated[str, Field(pattern=r"^$|" + _CURIE)] = ""


class InterventionRow(_EvidenceRow):
    """A row of ``interventions.tsv``."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("intervention", "action", "target", "sign", "citations", "evidence_type", "quote", "note")

    intervention: Curie
    action: str
    target: Curie


class ObservationRow(_EvidenceRow):
    """A row of ``observations.tsv``: a statement of the text as an outcome the model must reproduce.

    ``kind`` is ``path``, ``perturb``, ``fact``, ``class`` or ``simulate``; ``expected`` says what must hold
    (see :mod:`kg.observations`). ``sign`` is the polarity of the statement: +1 for something that must
    hold, -1 for a negative expectation (something the model must not say).
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("id", "kind", "subject", "relation", "object", "expected", "sign", "citations",
                                          "evidence_type", "quote", "note")

    id: str = Field(pattern=r"^O\d{2,3}$")
    kind: str
    subject: str = ""
    relation: str = ""
    object: str = ""
    expected: str = Field(min_length=1)

    @field_validator("sign")
    @classmethod
    def _polarity(cls, v: str) -> str:
        if v not in {"+1", "-1"}:
            raise ValueError(f"sign must be +1 (must hold) or -1 (must not hold), not {v!r}")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _one_of(v, OBSERVATION_KINDS, "kind")


#: The kinds of observation :mod:`kg.observations` can check.
OBSERVATION_KINDS = ("path", "perturb", "fact", "class", "simulate")


class CitationRow(_Row):
    """A row of ``evidence.tsv``; ``section`` lists every section that cites it, separated by ``|``."""

    citation: str = Field(pattern=r"^\d+$")
    section: str = Field(min_length=1)
    topic: str = Field(min_length=1)


# --------------------------------------------------------------------------- model


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

    ``predicate`` is a CURIE of :data:`kg.vocab.RELATIONS` or :data:`kg.vocab.ACTIONS`, or
    :data:`kg.vocab.MEMBER_OF` for a drug's membership of a drug class. ``context`` is the
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
            if e.predicate == vocab.MEMBER_OF:
                out.setdefault(e.subject, []).append(e.object)
        return out


def normalize_text(text: str) -> str:
    """Reduce the source text's markup so quotes can be matched against it.

    Markdown links ``[text](@entry_id:N)`` keep their text, citation markers
    ``[@problem_id:N]`` and emphasis asterisks are dropped, the typographic
    apostrophe becomes ``'`` and runs of whitespace become one space. LaTeX is
    kept as written.

    Examples
    --------
    >>> normalize_text("a [central sensitization](@entry_id:177629) **here** [@problem_id:1].")
    'a central sensitization here.'
    """
    text = re.sub(r"\[([^\]]*)\]\(@entry_id:\d+\)", r"\1", text)
    text = re.sub(r"\s*\[@problem_id:\d+\]", "", text)
    text = text.replace("*", "").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip()


_MARKER = re.compile(r"\[@problem_id:(\d+)\]")
#: A sentence ends at . ! or ? followed by space, unless the period closes a common abbreviation.
_SENTENCE_END = re.compile(r"(?<![ (]e\.g)(?<![ (]i\.e)(?<![ (]vs)(?<![ (]cf)(?<![ (]Dr)(?<![ (]al)(?<=[.!?])\s+(?=\S)")


class SeedText:
    """The source text cut into paragraphs and sentences, with the citations each sentence carries.

    A sentence's citations are the markers inside it; a sentence without one takes those of the next
    sentence of its paragraph that has markers (the citation closing a run of sentences), or else those
    of the previous one; a paragraph without markers is uncited. Headings (``#`` lines) name the section
    of what follows.

    Examples
    --------
    >>> t = SeedText("## S\\n\\nA is B, e.g. here. C is D [@problem_id:1]. E is F.\\n\\nG is H.")
    >>> t.locate("A is B, e.g. here"), t.locate("E is F"), t.locate("G is H"), t.locate("nowhere")
    ({'1'}, {'1'}, set(), None)
    >>> t.sections["1"]
    {'S'}
    """

    def __init__(self, text: str):
        self.paragraphs: list[tuple[str, list[tuple[int, int, frozenset[str]]]]] = []
        self.sections: dict[str, set[str]] = {}
        section = ""
        for raw in re.split(r"\n\s*\n", text):
            lines = raw.strip().splitlines()
            while lines and lines[0].startswith("#"):
                section = normalize_text(lines.pop(0).lstrip("#"))
            raw_sentences = _SENTENCE_END.split("\n".join(lines))
            if not any(x.strip() for x in raw_sentences):
                continue
            own = [frozenset(_MARKER.findall(x)) for x in raw_sentences]
            sentences = [normalize_text(x) for x in raw_sentences]
            cited = [i for i, c in enumerate(own) if c]
            spans, pos = [], 0
            for i, sentence in enumerate(sentences):
                later = [j for j in cited if j >= i]
                earlier = [j for j in cited if j < i]
                cites = own[later[0]] if later else own[earlier[-1]] if earlier else frozenset()
                spans.append((pos, pos + len(sentence), cites))
                pos += len(sentence) + 1
                for c in own[i]:
                    self.sections.setdefault(c, set()).add(section)
            self.paragraphs.append((" ".join(sentences), spans))

    def occurrences(self, quote: str) -> list[set[str]]:
        """The citations of the sentences each occurrence of a quote spans (empty list: the text does not contain it)."""
        q, out = normalize_text(quote), []
        for text, spans in self.paragraphs:
            at = text.find(q)
            while at >= 0 and q:
                end = at + len(q)
                out.append(set().union(*(c for lo, hi, c in spans if lo < end and hi > at)))
                at = text.find(q, at + 1)
        return out

    def locate(self, quote: str) -> set[str] | None:
        """The citations of the sentences a quote spans, or None when the text does not contain it."""
        found = self.occurrences(quote)
        return found[0] if found else None


def read_tsv(path: Path, model_cls: type[BaseModel], problems: list[Problem]):
    """Yield ``(line, row)`` for each valid row of a curated TSV file; record a :class:`Problem` for each bad one.

    ``model_cls`` is a pydantic model whose ``COLUMNS`` (or fields) name the header's columns in order.
    Blank lines and lines starting with ``#`` are skipped.
    """
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, 0, f"missing source file {path}"))
        return
    expected = list(getattr(model_cls, "COLUMNS", model_cls.model_fields))
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != expected:
            problems.append(Problem(name, 1, f"header must be {expected!r}, got {header!r}"))
            return
        for lineno, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells) or cells[0].startswith("#"):
                continue
            if len(cells) != len(expected):
                problems.append(Problem(name, lineno, f"expected {len(expected)} tab-separated columns, got {len(cells)}"))
                continue
            try:
                yield lineno, model_cls(**dict(zip(expected, cells)))
            except ValidationError as exc:
                for err in exc.errors():
                    col = ".".join(str(x) for x in err["loc"]) or "row"
                    problems.append(Problem(name, lineno, f"{col}: {err['msg'].removeprefix('Value error, ')}"))


def load_model(src: Path, seed: Path | None = None) -> Model:
    """Read and validate the curated sources.

    Parameters
    ----------
    src : Path
        Folder with the five TSV files (:data:`SOURCE_FILES`).
    seed : Path, optional
        The source text. When given, every quote must occur in it (after
        :func:`normalize_text`), a row must cite exactly the citations of the
        sentences its quote spans (:class:`SeedText`), an uncited sentence must
        be given as ECO:0000303 or ECO:0000305 without citations, and each
        citation's sections must be those that cite it; without the text these
        checks are skipped.

    Returns
    -------
    Model
        The validated rows.

    Raises
    ------
    BuildError
        Listing every problem, each with file, line and message.
    """
    problems: list[Problem] = []
    model = Model()
    text = SeedText(seed.read_text(encoding="utf-8")) if seed else None

    for line, row in read_tsv(src / "evidence.tsv", CitationRow, problems):
        if row.citation in model.citations:
            problems.append(Problem("evidence.tsv", line, f"duplicate citation {row.citation}"))
        sections = tuple(_split(row.section))
        model.citations[row.citation] = Citation(row.citation, sections, row.topic)
        if text is not None and set(sections) != text.sections.get(row.citation, set()):
            found = " | ".join(sorted(text.sections.get(row.citation, set()))) or "none"
            problems.append(Problem("evidence.tsv", line, f"section: problem_id {row.citation} is cited in: {found}"))

    for line, row in read_tsv(src / "entities.tsv", EntityRow, problems):
        if row.id in model.entities:
            first = model.entities[row.id].line
            problems.append(Problem("entities.tsv", line, f"duplicate id {row.id} (first on line {first})"))
            continue
        model.entities[row.id] = Entity(
            row.id, row.label, row.type, tuple(_split(row.synonyms)), row.definition,
            tuple(_split(row.xrefs)), tuple(_split(row.pathways)), line,
        )
    for ent in model.entities.values():
        for pw in ent.pathways:
            target = model.entities.get(pw)
            if target is None:
                problems.append(Problem("entities.tsv", ent.line, f"pathways: unknown id {pw}"))
            elif target.type != "Pathway":
                problems.append(Problem("entities.tsv", ent.line, f"pathways: {pw} is a {target.type}, not a Pathway"))
        for curie in (ent.id, *ent.xrefs):
            if vocab.CONVERTER.expand(curie) is None:
                problems.append(Problem("entities.tsv", ent.line, f"unknown CURIE prefix in {curie}"))

    def evidence(where, row) -> tuple[str, ...]:
        """Check a row's citations, evidence type and quote; return its citations."""
        cites = tuple(_split(row.citations))
        for c in cites:
            if c not in model.citations:
                problems.append(Problem(*where, f"citations: {c} is not in evidence.tsv"))
        if row.evidence_type == vocab.ECO_UNCITED and cites:
            problems.append(Problem(*where, f"citations: {vocab.ECO_UNCITED} (no traceable reference) takes no citation"))
        if row.evidence_type == vocab.ECO_TRACEABLE and not cites:
            problems.append(Problem(*where, f"citations: {vocab.ECO_TRACEABLE} needs the citation of the quoted sentence"))
        if text is not None:
            found = text.occurrences(row.quote)
            own = found[0] if found else None
            if own is None:
                problems.append(Problem(*where, f"quote not found in the source text: {row.quote[:60]!r}"))
            elif any(f != own for f in found):
                problems.append(Problem(*where, f"quote occurs {len(found)} times, in sentences citing different sources; quote more of it"))
            elif set(cites) != own:
                said = ", ".join(sorted(own)) or "nothing (use ECO:0000303 or ECO:0000305 and no citation)"
                problems.append(Problem(*where, f"citations: the quoted sentence cites {said}, the row gives {', '.join(cites) or 'none'}"))
        return cites

    def kind(curie: str) -> str | None:
        ent = model.entities.get(curie)
        return vocab.kind_of(ent.type) if ent else None

    def edge_of(name, line, row, subj, pred, obj, term: vocab.Term | None, context=""):
        where = (name, line)
        for role, curie in (("subject", subj), ("object", obj)):
            if curie not in model.entities:
                problems.append(Problem(*where, f"{role}: unknown id {curie}"))
        sign = int(row.sign) if row.sign else None
        relation_sign = term.sign if term is not None else 0
        if relation_sign and sign != relation_sign:
            problems.append(Problem(*where, f"sign: {pred} has sign {relation_sign:+d}, row says {row.sign or 'nothing'}"))
        elif not relation_sign and sign is not None:
            problems.append(Problem(*where, f"sign: {pred} has no sign; leave the column empty"))
        ks, ko = kind(subj), kind(obj)
        if term is not None and ks and ko:
            if not term.fits(ks, ko):
                problems.append(Problem(*where, f"predicate: {pred} ({term.label}) links {'/'.join(term.domain) or 'anything'} to "
                                                f"{'/'.join(term.range) or 'anything'}; {subj} is a {ks} and {obj} a {ko}"))
            elif term.fallback:
                fits = [t.curie for t in vocab.RELATIONS.values() if t.sign == term.sign and not t.fallback and t.fits(ks, ko)
                        and t.domain and t.range and t.curie not in vocab.TRAVERSED]
                if fits:
                    problems.append(Problem(*where, f"predicate: use {' or '.join(fits)} for a {ks} and a {ko}, not {pred}"))
        if context and model.entities.get(context, None) is None:
            problems.append(Problem(*where, f"context: unknown id {context}"))
        elif context and kind(context) != "condition":
            problems.append(Problem(*where, f"context: {context} is not a condition"))
        return Edge(subj, pred, obj, sign, evidence(where, row), row.evidence_type, row.quote, row.note, name, line, context)

    seen: dict[tuple, int] = {}
    for line, row in read_tsv(src / "edges.tsv", EdgeRow, problems):
        key = (row.subject, row.predicate, row.object)
        if (*key, row.context) in seen:
            problems.append(Problem("edges.tsv", line, f"duplicate edge (first on line {seen[(*key, row.context)]})"))
            continue
        seen[(*key, row.context)] = line
        if row.predicate == vocab.MEMBER_OF:
            sub, cls = model.entities.get(row.subject), model.entities.get(row.object)
            if cls is not None and cls.type != "DrugClass":
                problems.append(Problem("edges.tsv", line, f"object: {row.object} is a {cls.type}; {vocab.MEMBER_OF} takes a DrugClass"))
            if sub is not None and (sub.type == "DrugClass" or vocab.kind_of(sub.type) != "material"):
                problems.append(Problem("edges.tsv", line, f"subject: {row.subject} is a {sub.type}; only a drug is a member of a drug class"))
            model.edges.append(edge_of("edges.tsv", line, row, *key, None))
            continue
        term = vocab.RELATIONS.get(row.predicate)
        if term is None or term.curie in vocab.NOT_ASSERTABLE:
            problems.append(Problem("edges.tsv", line, f"predicate: {row.predicate} is not an assertable relation"))
            continue
        if row.context and not term.sign:
            problems.append(Problem("edges.tsv", line, f"context: only a signed statement can hold in a context; {row.predicate} has no sign"))
        model.edges.append(edge_of("edges.tsv", line, row, *key, term, row.context))

    for line, row in read_tsv(src / "interventions.tsv", InterventionRow, problems):
        term = vocab.ACTIONS.get(row.action)
        if term is None:
            problems.append(Problem("interventions.tsv", line, f"action: unknown action {row.action!r}; expected one of {', '.join(vocab.ACTIONS)}"))
            continue
        key = (row.intervention, term.curie, row.target)
        if key in seen:
            problems.append(Problem("interventions.tsv", line, f"duplicate intervention row (first on line {seen[key]})"))
            continue
        seen[key] = line
        model.interventions.append(edge_of("interventions.tsv", line, row, *key, term))

    ids: dict[str, int] = {}
    for line, row in read_tsv(src / "observations.tsv", ObservationRow, problems):
        if row.id in ids:
            problems.append(Problem("observations.tsv", line, f"duplicate id {row.id} (first on line {ids[row.id]})"))
            continue
        ids[row.id] = line
        model.observations.append(Observation(
            row.id, row.kind, row.subject, row.relation, row.object, row.expected, row.sign == "-1",
            evidence(("observations.tsv", line), row), row.evidence_type, row.quote, row.note, line))

    if problems:
        raise BuildError(problems)
    return model


# --------------------------------------------------------------------------- ontology


def _split_iri(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    return iri[:cut], iri[cut:]


class _Builder:
    """Create owlready2 entities by CURIE in their proper namespaces."""

    def __init__(self, world: ow.World):
        self.world = world
        self.onto = world.get_ontology(vocab.ONTOLOGY_IRI)
        self.cache: dict[str, object] = {}

    def ns(self, iri: str):
        base, name = _split_iri(iri)
        return self.onto.get_namespace(base), name

    def make(self, curie: str, kind):
        """Return the class or property ``curie``, creating it as a subclass of ``kind`` if new."""
        if curie in self.cache:
            return self.cache[curie]
        ns, name = self.ns(vocab.expand(curie))
        with ns:
            ent = types.new_class(name, (kind,))
        self.cache[curie] = ent
        return ent

    def individual(self, curie: str, cls):
        if curie in self.cache:
            return self.cache[curie]
        ns, name = self.ns(vocab.expand(curie))
        ent = cls(name, namespace=ns)
        self.cache[curie] = ent
        return ent


def _annotate_term(b: _Builder, ent, term: vocab.Term, props) -> None:
    ent.label = [term.label]
    props["definition"][ent] = [term.definition]
    props["id"][ent] = [term.curie]
    for m in term.close_match:
        props["close_match"][ent] = props["close_match"][ent] + [_ref(b, m)]


def _ref(b: _Builder, curie: str):
    """An IRI-valued annotation target, declared as an individual of nothing."""
    if curie in b.cache:
        return b.cache[curie]
    ns, name = b.ns(vocab.expand(curie))
    ent = ow.Thing(name, namespace=ns)
    b.cache[curie] = ent
    return ent


def build_ontology(model: Model, world: ow.World | None = None) -> ow.Ontology:
    """Turn a validated :class:`Model` into an owlready2 ontology.

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
    """
    world = world or ow.World()
    b = _Builder(world)
    onto = b.onto
    props: dict[str, object] = {}
    for key, curie in vocab.ANNOTATIONS.items():
        props[key] = b.make(curie, ow.AnnotationProperty)
    for key in ("subject", "predicate", "object"):
        props[key] = b.make(f"oih:qualified_{key}", ow.AnnotationProperty)

    # ontology header
    onto.metadata.comment = [
        "OIH knowledge graph: entities and signed causal edges of opioid-induced hyperalgesia, curated "
        "from one review article; every edge carries its citation (problem_id), a supporting quote and an "
        "ECO evidence type. Quantities of the pain model are illustrative."
    ]
    onto.metadata.label = ["oihkg: opioid-induced hyperalgesia ontology"]

    # classes
    classes: dict[str, ow.ThingClass] = {}
    for key, term in vocab.CLASSES.items():
        parent = classes[term.parents[0].split(":")[1]] if term.parents else ow.Thing
        cls = b.make(term.curie, parent)
        _annotate_term(b, cls, term, props)
        classes[key] = cls

    top = [c for k, c in classes.items() if vocab.CLASSES[k].parents == ("oih:Entity",)]
    ow.AllDisjoint(top)
    qualified = b.make("oih:QualifiedStatement", ow.Thing)
    qualified.label = ["qualified statement"]
    props["definition"][qualified] = ["A signed statement of the source text that holds only in a context (a condition), "
                                      "e.g. a test taper lowers pain in OIH; kept apart so the reasoner derives nothing from it."]

    # relations
    rels: dict[str, ow.ObjectPropertyClass] = {}
    all_terms = {**vocab.RELATIONS, **vocab.REASONING, **{t.curie: t for t in vocab.ACTIONS.values()}}
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
    part_of = rels["oih:part_of_pathway"]
    for via, into in (("oih:activates", "oih:drives_pathway"), ("oih:inhibits", "oih:inhibits_pathway")):
        rels[into].property_chain.append(ow.PropertyChain([rels[via], part_of]))
    # a clinical action brings in what the agent it involves inhibits (rotation: methadone's NMDA block), not its agonism
    rels["oih:inhibits"].property_chain.append(ow.PropertyChain([rels["oih:involves"], rels["oih:inhibits"]]))
    ow.AllDisjoint([rels[vocab.ACTIONS["agonist_of"].curie], rels[vocab.ACTIONS["antagonist_of"].curie]])

    # citations and evidence types
    for cid, cit in sorted(model.citations.items()):
        ind = b.individual(f"oih:citation/{cid}", classes["Citation"])
        ind.label = [f"problem_id:{cid}"]
        props["problem_id"][ind] = [cid]
        props["section"][ind] = list(cit.sections)
        props["definition"][ind] = [cit.topic]
    for eco, label in vocab.EVIDENCE_TYPES.items():
        _ref(b, eco).label = [label]

    # entities, and the class of members of each drug class
    inds: dict[str, ow.Thing] = {}
    member_classes: dict[str, ow.ThingClass] = {}
    for curie, ent in model.entities.items():
        ind = b.individual(curie, classes[ent.type])
        ind.label = [ent.label]
        props["definition"][ind] = [ent.definition]
        props["id"][ind] = [curie]
        props["synonym"][ind] = list(ent.synonyms)
        props["xref"][ind] = list(ent.xrefs)
        inds[curie] = ind
        if ent.type == "DrugClass":
            cls = b.make(vocab.member_class(curie), classes["ChemicalEntity"])
            cls.label = [f"{ent.label} (class)"]
            props["definition"][cls] = [f"The members of the drug class {ent.label}: what the source text says of the drug "
                                        f"class ({curie}, which stands for an unspecified member) holds for each of them."]
            for x in ent.xrefs:
                props["close_match"][cls] = props["close_match"][cls] + [_ref(b, x)]
            member_classes[curie] = cls
            ind.is_a.append(cls)
    for curie, ent in model.entities.items():
        for pw in ent.pathways:
            part_of[inds[curie]].append(inds[pw])

    def annotate(key, edge: Edge) -> None:
        """Put an edge's evidence on ``key``: an axiom ``(source, property, target)`` or a qualified statement."""
        props["citation"][key] = [b.cache[f"oih:citation/{c}"] for c in edge.citations]
        props["quote"][key] = [edge.quote]
        props["evidence_type"][key] = [b.cache[edge.evidence_type]]
        if edge.sign is not None:
            props["sign"][key] = [edge.sign]
        if edge.note:
            ow.comment[key] = [edge.note]

    # edges, each with its evidence as axiom annotations
    for edge in model.all_edges:
        s, o = inds[edge.subject], inds[edge.object]
        if edge.predicate == vocab.MEMBER_OF:
            cls = member_classes[edge.object]
            s.is_a.append(cls)
            annotate((s, ow.rdf_type, cls), edge)
            continue
        prop = rels[edge.predicate]
        if edge.context:
            digest = hashlib.sha1(f"{edge.subject} {edge.predicate} {edge.object} {edge.context}".encode()).hexdigest()[:12]
            st = b.individual(f"oih:statement/{digest}", qualified)
            props["subject"][st], props["predicate"][st], props["object"][st] = [s], [prop], [o]
            props["context"][st] = [inds[edge.context]]
            annotate(st, edge)
            continue
        prop[s].append(o)
        annotate((s, prop, o), edge)
        if edge.subject in member_classes:
            restriction = prop.value(o)
            member_classes[edge.subject].is_a.append(restriction)
            annotate((member_classes[edge.subject], ow.rdfs_subclassof, restriction), edge)

    _reasoning_axioms(model, b, classes, rels, inds)
    return onto


def _reasoning_axioms(model, b, classes, rels, inds) -> None:
    """Defined classes and closure axioms that make the reasoner's derivations logical."""
    targets, part_of = rels["oih:targets"], rels["oih:part_of_pathway"]
    promotes = rels["oih:promotes"]
    pathways = [inds[c] for c, e in model.entities.items() if e.type == "Pathway"]
    needed = (vocab.PATHWAY_MOR, vocab.COMPONENT_A, vocab.COMPONENT_H, vocab.PATHWAY_GLIAL, vocab.NMDA_RECEPTOR, vocab.OPIOID_DOSE)
    absent = [c for c in needed if c not in inds]
    if absent:
        raise BuildError([Problem("entities.tsv", 0, f"the reasoning axioms need entity {c}, which is missing") for c in absent])
    mor, comp_a, comp_h = inds[vocab.PATHWAY_MOR], inds[vocab.COMPONENT_A], inds[vocab.COMPONENT_H]
    if len(pathways) > 1:
        ow.AllDifferent(pathways)
    definition_prop = b.cache[vocab.ANNOTATIONS["definition"]]

    def defined(curie, expr):
        term = vocab.DEFINED_CLASSES[curie]
        cls = b.make(curie, classes[term.parents[0].split(":")[1]])
        cls.label = [term.label]
        definition_prop[cls] = [term.definition]
        cls.equivalent_to.append(expr)
        return cls

    def mechanistic():
        return ow.Not(classes["ModelQuantity"])

    agent, dose = classes["PharmacologicalAgent"], inds[vocab.OPIOID_DOSE]
    pro = defined("oih:PronociceptivePathway",
                  classes["Pathway"] & ow.Inverse(part_of).some(mechanistic() & promotes.value(comp_h)))
    defined("oih:AnalgesicPathway", classes["Pathway"] & ow.Inverse(part_of).some(mechanistic() & promotes.value(comp_a)))
    defined("oih:PronociceptivePathwayTargetingIntervention", agent & rels["oih:targets_pathway"].some(pro))
    anti = defined("oih:AntiHyperalgesicAgent", agent & rels["oih:inhibits_pathway"].some(pro))
    defined("oih:ProHyperalgesicAgent", agent & rels["oih:drives_pathway"].some(pro))
    defined("oih:GlialTargetingIntervention", agent & rels["oih:inhibits_pathway"].value(inds[vocab.PATHWAY_GLIAL]))
    defined("oih:NMDATargetingIntervention", agent & rels["oih:inhibits"].value(inds[vocab.NMDA_RECEPTOR]))
    defined("oih:AnalgesiaSparingAntiHyperalgesicIntervention", anti & targets.only(part_of.only(ow.Not(ow.OneOf([mor])))))
    strategy = defined("oih:DoseStrategy", classes["Intervention"] & targets.value(dose))
    defined("oih:DoseReducingStrategy", strategy & rels["oih:reduces"].value(dose))
    defined("oih:DoseIncreasingStrategy", strategy & rels["oih:increases"].value(dose))

    # closure: what each agent targets (its own rows, its drug classes' rows, and through what it involves) ...
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
    # ... and which pathways each target is part of.
    for obj in sorted(set().union(*closed.values())):
        pws = [inds[p] for p in model.entities[obj].pathways]
        inds[obj].is_a.append(part_of.only(ow.OneOf(pws)) if pws else part_of.only(ow.Nothing))


# --------------------------------------------------------------------------- output


def serialize(onto: ow.Ontology) -> tuple[bytes, bytes]:
    """Return the ontology as ``(RDF/XML, Turtle)`` bytes, stable across runs.

    owlready2 writes N-Triples (blank nodes numbered in creation order, which
    the build keeps fixed); rdflib re-serializes them in sorted order.
    """
    buf = io.BytesIO()
    onto.save(file=buf, format="ntriples")
    # owlready2 numbers blank nodes in creation order, and the build creates
    # everything in a fixed order, so the labels are already stable.
    nt = buf.getvalue().decode("utf-8")
    labels = {m: rdflib.BNode(f"b{m}") for m in set(re.findall(r"_:(\w+)", nt))}
    canon = rdflib.Graph()
    canon.parse(data=nt, format="nt", bnode_context=labels)
    out = rdflib.Graph()
    for prefix, ns in (("oih", vocab.OIH), ("obo", vocab.OBO), ("oboInOwl", vocab.OBOINOWL), ("skos", vocab.SKOS),
                       ("owl", rdflib.OWL), ("rdfs", rdflib.RDFS), ("xsd", rdflib.XSD),
                       ("hgnc", rdflib.Namespace("https://identifiers.org/hgnc:"))):
        out.bind(prefix, ns, override=True)
    for s, p, o in sorted(canon, key=lambda t: tuple(x.n3() for x in t)):
        if isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.string:
            o = rdflib.Literal(str(o))
        out.add((s, p, o))
    ttl = out.serialize(format="turtle").encode("utf-8")
    # rdflib's RDF/XML writer walks hash-ordered sets; owlready2 writes in
    # insertion order, so a fresh world loaded from sorted triples is stable.
    nt = "".join(sorted(out.serialize(format="nt").splitlines(keepends=True)))
    world = ow.World()
    onto2 = world.get_ontology(vocab.ONTOLOGY_IRI).load(fileobj=io.BytesIO(nt.encode("utf-8")), format="ntriples")
    xml_buf = io.BytesIO()
    onto2.save(file=xml_buf, format="rdfxml")
    world.close()
    return xml_buf.getvalue(), ttl


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: counts and the written files."""

    entities: int
    edges: int
    interventions: int
    citations: int
    triples: int
    files: tuple[Path, ...]
    digest: str


def build(paths: Paths | None = None, seed: Path | None = None) -> BuildResult:
    """Validate the sources and write ``oih.owl`` and ``oih.ttl``.

    Nothing is written when validation fails: both files are written to
    temporary names first and moved into place together.

    Parameters
    ----------
    paths : Paths, optional
        Source and output folders; :func:`kg.config.default_paths` by default.
    seed : Path, optional
        The source text, for the quote checks.

    Raises
    ------
    BuildError
        When any source row is invalid.
    """
    paths = paths or default_paths()
    model = load_model(paths.src, seed)
    onto = build_ontology(model)
    xml, ttl = serialize(onto)
    paths.out.mkdir(parents=True, exist_ok=True)
    written = []
    tmp_files = []
    try:
        for target, data in ((paths.owl, xml), (paths.ttl, ttl)):
            fd, tmp = tempfile.mkstemp(dir=paths.out, prefix=f".{target.name}.")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            tmp_files.append((tmp, target))
        for tmp, target in tmp_files:
            os.replace(tmp, target)
            written.append(target)
    finally:
        for tmp, _ in tmp_files:
            if os.path.exists(tmp):
                os.unlink(tmp)
    triples = len(rdflib.Graph().parse(data=ttl.decode("utf-8"), format="turtle"))
    return BuildResult(
        entities=len(model.entities),
        edges=len(model.edges),
        interventions=len(model.interventions),
        citations=len(model.citations),
        triples=triples,
        files=tuple(written),
        digest=hashlib.sha256(xml).hexdigest(),
    )
