"""Row validation: read the curated TSV files into a validated :class:`Model`, naming each bad row's file and line.

This module owns the sources' shape and the checks on them: one pydantic
model per file's row, the model's dataclasses (:class:`Entity`,
:class:`Edge`, :class:`Citation`, :class:`Observation`), the source text's
citation rule (:class:`SeedText`), and :func:`load_model`, which reports every
problem at once (:class:`BuildError`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kg import schema
from kg.errors import BuildError

__all__ = [
    "SOURCE_FILES",
    "Problem",
    "BuildError",
    "EntityRow",
    "EdgeRow",
    "InterventionRow",
    "ObservationRow",
    "CitationRow",
    "Entity",
    "Edge",
    "Citation",
    "Observation",
    "Model",
    "SeedText",
    "normalize_text",
    "read_tsv",
    "load_model",
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
        return _one_of(v, sorted(schema.CLASSES), "type")

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
        return _one_of(v, list(schema.EVIDENCE_TYPES), "ECO code")


class EdgeRow(_EvidenceRow):
    """A row of ``edges.tsv``: a signed statement, optionally true only in a ``context`` (a condition)."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("subject", "predicate", "object", "sign", "context", "citations", "evidence_type", "quote", "note")

    subject: Curie
    predicate: Curie
    object: Curie
    context: Annotated[str, Field(pattern=r"^$|" + _CURIE)] = ""


class InterventionRow(_EvidenceRow):
    """A row of ``interventions.tsv``."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("intervention", "action", "target", "sign", "context", "citations", "evidence_type", "quote",
                                          "note")

    intervention: Curie
    action: str
    target: Curie
    context: Annotated[str, Field(pattern=r"^$|" + _CURIE)] = ""


class ObservationRow(_EvidenceRow):
    """A row of ``observations.tsv``: a statement of the text as an outcome the model must reproduce.

    ``kind`` is ``path``, ``perturb``, ``fact``, ``class``, ``simulate`` or ``members``; ``expected`` says what must hold
    (see :mod:`kg.mechanism.observations`). ``sign`` is the polarity of the statement: +1 for something that must
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


#: The kinds of observation :mod:`kg.mechanism.observations` can check.
OBSERVATION_KINDS = ("path", "perturb", "fact", "class", "simulate", "members")


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
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(name, line, f"not UTF-8: byte 0x{data[exc.start]:02x} at column {column}"))
        return
    with io.StringIO(text, newline="") as fh:
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
    loader = _Loader(SeedText(seed.read_text(encoding="utf-8")) if seed else None)
    loader.citations(src / "evidence.tsv")
    loader.entities(src / "entities.tsv")
    loader.edges(src / "edges.tsv")
    loader.interventions(src / "interventions.tsv")
    loader.observations(src / "observations.tsv")
    if loader.problems:
        raise BuildError(loader.problems)
    return loader.model


class _Loader:
    """Reads the source files in order (citations and entities first: the rows after refer to them), gathering
    every problem instead of stopping at the first."""

    def __init__(self, text: SeedText | None):
        self.text = text
        self.model = Model()
        self.problems: list[Problem] = []
        self.seen: dict[tuple, int] = {}  # statement -> first line, across edges.tsv and interventions.tsv

    def problem(self, where: tuple[str, int], message: str) -> None:
        self.problems.append(Problem(*where, message))

    def citations(self, path: Path) -> None:
        text, model = self.text, self.model
        for line, row in read_tsv(path, CitationRow, self.problems):
            if row.citation in model.citations:
                self.problem((path.name, line), f"duplicate citation {row.citation}")
            sections = tuple(_split(row.section))
            model.citations[row.citation] = Citation(row.citation, sections, row.topic)
            if text is not None and set(sections) != text.sections.get(row.citation, set()):
                found = " | ".join(sorted(text.sections.get(row.citation, set()))) or "none"
                self.problem((path.name, line), f"section: problem_id {row.citation} is cited in: {found}")

    def entities(self, path: Path) -> None:
        entities = self.model.entities
        self._entity_rows(path)
        self._not_empty(path, len(entities), "entity")

    def _entity_rows(self, path: Path) -> None:
        entities = self.model.entities
        for line, row in read_tsv(path, EntityRow, self.problems):
            if row.id in entities:
                self.problem((path.name, line), f"duplicate id {row.id} (first on line {entities[row.id].line})")
                continue
            entities[row.id] = Entity(row.id, row.label, row.type, tuple(_split(row.synonyms)), row.definition,
                                      tuple(_split(row.xrefs)), tuple(_split(row.pathways)), line)
        for ent in entities.values():
            where = (path.name, ent.line)
            for pw in ent.pathways:
                target = entities.get(pw)
                if target is None:
                    self.problem(where, f"pathways: unknown id {pw}")
                elif target.type != "Pathway":
                    self.problem(where, f"pathways: {pw} is a {target.type}, not a Pathway")
            for curie in (ent.id, *ent.xrefs):
                if schema.CONVERTER.expand(curie) is None:
                    self.problem(where, f"unknown CURIE prefix in {curie}")

    def evidence(self, where: tuple[str, int], row) -> tuple[str, ...]:
        """Check a row's citations, evidence type and quote; return its citations."""
        cites = tuple(_split(row.citations))
        for c in cites:
            if c not in self.model.citations:
                self.problem(where, f"citations: {c} is not in evidence.tsv")
        if row.evidence_type == schema.ECO_UNCITED and cites:
            self.problem(where, f"citations: {schema.ECO_UNCITED} (no traceable reference) takes no citation")
        if row.evidence_type == schema.ECO_TRACEABLE and not cites:
            self.problem(where, f"citations: {schema.ECO_TRACEABLE} needs the citation of the quoted sentence")
        if self.text is not None:
            self._quote(where, row.quote, cites)
        return cites

    def _quote(self, where: tuple[str, int], quote: str, cites: tuple[str, ...]) -> None:
        found = self.text.occurrences(quote)
        own = found[0] if found else None
        if own is None:
            self.problem(where, f"quote not found in the source text: {quote[:60]!r}")
        elif any(f != own for f in found):
            self.problem(where, f"quote occurs {len(found)} times, in sentences citing different sources; quote more of it")
        elif set(cites) != own:
            said = ", ".join(sorted(own)) or "nothing (use ECO:0000303 or ECO:0000305 and no citation)"
            self.problem(where, f"citations: the quoted sentence cites {said}, the row gives {', '.join(cites) or 'none'}")

    def kind(self, curie: str) -> str | None:
        ent = self.model.entities.get(curie)
        return schema.kind_of(ent.type) if ent else None

    def edge(self, where: tuple[str, int], row, subj: str, pred: str, obj: str, term: schema.Term | None,
             context: str = "") -> Edge:
        """Check one statement (ends, sign, domain and range, context) and make it an :class:`Edge`."""
        for role, curie in (("subject", subj), ("object", obj)):
            if curie not in self.model.entities:
                self.problem(where, f"{role}: unknown id {curie}")
        if subj == obj:  # a self-loop says nothing and would make every path through it a cycle
            self.problem(where, f"object: {obj} is the subject too (a self-loop); name another entity or drop the row")
        sign, relation_sign = (int(row.sign) if row.sign else None), (term.sign if term is not None else 0)
        if relation_sign and sign != relation_sign:
            self.problem(where, f"sign: {pred} has sign {relation_sign:+d}, row says {row.sign or 'nothing'}")
        elif not relation_sign and sign is not None:
            self.problem(where, f"sign: {pred} has no sign; leave the column empty")
        if term is not None:
            self._kinds(where, subj, pred, obj, term)
        if context and context not in self.model.entities:
            self.problem(where, f"context: unknown id {context}")
        elif context and self.kind(context) not in ("condition", "context"):
            self.problem(where, f"context: {context} is neither an exposure context nor a condition")
        return Edge(subj, pred, obj, sign, self.evidence(where, row), row.evidence_type, row.quote, row.note, *where, context)

    def _kinds(self, where: tuple[str, int], subj: str, pred: str, obj: str, term: schema.Term) -> None:
        """The relation's domain and range, and no fallback relation where an RO relation of the same sign fits."""
        ks, ko = self.kind(subj), self.kind(obj)
        if not (ks and ko):
            return
        if not term.fits(ks, ko):
            self.problem(where, f"predicate: {pred} ({term.label}) links {'/'.join(term.domain) or 'anything'} to "
                                f"{'/'.join(term.range) or 'anything'}; {subj} is a {ks} and {obj} a {ko}")
        elif term.fallback:
            fits = [t.curie for t in schema.RELATIONS.values() if t.sign == term.sign and not t.fallback and t.fits(ks, ko)
                    and t.domain and t.range and t.curie not in schema.TRAVERSED and t.curie not in schema.SPECIFIC]
            if fits:
                self.problem(where, f"predicate: use {' or '.join(fits)} for a {ks} and a {ko}, not {pred}")

    def _first(self, where: tuple[str, int], key: tuple, what: str) -> bool:
        """Record a statement's first line; False (and a problem) for a repeat."""
        if key in self.seen:
            self.problem(where, f"duplicate {what} (first on line {self.seen[key]})")
            return False
        self.seen[key] = where[1]
        return True

    def _not_empty(self, path: Path, rows: int, what: str) -> None:
        if rows == 0 and path.is_file() and not any(p.file == path.name for p in self.problems):
            self.problem((path.name, 1), f"no rows: the model needs at least one {what}")

    def edges(self, path: Path) -> None:
        before = len(self.model.edges)
        self._edge_rows(path)
        self._not_empty(path, len(self.model.edges) - before, "edge")

    def _edge_rows(self, path: Path) -> None:
        for line, row in read_tsv(path, EdgeRow, self.problems):
            where, key = (path.name, line), (row.subject, row.predicate, row.object)
            if not self._first(where, (*key, row.context), "edge"):
                continue
            if row.predicate == schema.MEMBER_OF:
                self._membership(where, row)
                self.model.edges.append(self.edge(where, row, *key, None))
                continue
            term = schema.RELATIONS.get(row.predicate)
            if term is None or term.curie in schema.NOT_ASSERTABLE:
                self.problem(where, f"predicate: {row.predicate} is not an assertable relation")
                continue
            if row.context and not term.sign:
                self.problem(where, f"context: only a signed statement can hold in a context; {row.predicate} has no sign")
            self.model.edges.append(self.edge(where, row, *key, term, row.context))

    def _membership(self, where: tuple[str, int], row) -> None:
        sub, cls = self.model.entities.get(row.subject), self.model.entities.get(row.object)
        if cls is not None and cls.type != "DrugClass":
            self.problem(where, f"object: {row.object} is a {cls.type}; {schema.MEMBER_OF} takes a DrugClass")
        if sub is not None and (sub.type == "DrugClass" or schema.kind_of(sub.type) != "material"):
            self.problem(where, f"subject: {row.subject} is a {sub.type}; only a drug is a member of a drug class")

    def interventions(self, path: Path) -> None:
        for line, row in read_tsv(path, InterventionRow, self.problems):
            where, term = (path.name, line), schema.ACTIONS.get(row.action)
            if term is None:
                self.problem(where, f"action: unknown action {row.action!r}; expected one of {', '.join(schema.ACTIONS)}")
                continue
            key = (row.intervention, term.curie, row.target)
            if self._first(where, (*key, row.context), "intervention row"):
                self.model.interventions.append(self.edge(where, row, *key, term, row.context))

    def observations(self, path: Path) -> None:
        ids: dict[str, int] = {}
        for line, row in read_tsv(path, ObservationRow, self.problems):
            where = (path.name, line)
            if row.id in ids:
                self.problem(where, f"duplicate id {row.id} (first on line {ids[row.id]})")
                continue
            ids[row.id] = line
            self.model.observations.append(Observation(
                row.id, row.kind, row.subject, row.relation, row.object, row.expected, row.sign == "-1",
                self.evidence(where, row), row.evidence_type, row.quote, row.note, line))
