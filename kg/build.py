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
    "Model",
    "BuildResult",
    "normalize_text",
    "load_model",
    "build_ontology",
    "serialize",
    "build",
]

SOURCE_FILES = ("entities.tsv", "edges.tsv", "interventions.tsv", "evidence.tsv")
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
        if v not in vocab.CLASSES:
            raise ValueError(f"unknown type {v!r}; expected one of {', '.join(sorted(vocab.CLASSES))}")
        return v

    @field_validator("xrefs", "pathways")
    @classmethod
    def _curie_list(cls, v: str) -> str:
        for item in _split(v):
            if not re.match(_CURIE, item):
                raise ValueError(f"{item!r} is not a CURIE")
        return v


class _EvidenceRow(_Row):
    sign: str
    citations: str = Field(min_length=1)
    evidence_type: Curie
    quote: str = Field(min_length=1, max_length=MAX_QUOTE)
    note: str = ""

    @field_validator("sign")
    @classmethod
    def _sign(cls, v: str) -> str:
        if v not in {"+1", "-1"}:
            raise ValueError(f"sign must be +1 or -1, not {v!r}")
        return v

    @field_validator("citations")
    @classmethod
    def _citations(cls, v: str) -> str:
        for item in _split(v):
            if not item.isdigit():
                raise ValueError(f"citation {item!r} is not a problem_id number")
        return v


class EdgeRow(_EvidenceRow):
    """A row of ``edges.tsv``."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("subject", "predicate", "object", "sign", "citations", "evidence_type", "quote", "note")

    subject: Curie
    predicate: Curie
    object: Curie


class InterventionRow(_EvidenceRow):
    """A row of ``interventions.tsv``."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("intervention", "action", "target", "sign", "citations", "evidence_type", "quote", "note")

    intervention: Curie
    action: str
    target: Curie


class CitationRow(_Row):
    """A row of ``evidence.tsv``."""

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

    ``predicate`` is a CURIE of :data:`kg.vocab.RELATIONS` or :data:`kg.vocab.ACTIONS`.
    """

    subject: str
    predicate: str
    object: str
    sign: int
    citations: tuple[str, ...]
    evidence_type: str
    quote: str
    note: str
    file: str
    line: int


@dataclass(frozen=True)
class Citation:
    """A citation of the source text, by its ``problem_id``."""

    id: str
    section: str
    topic: str


@dataclass
class Model:
    """The whole validated curated model."""

    entities: dict[str, Entity] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    interventions: list[Edge] = field(default_factory=list)
    citations: dict[str, Citation] = field(default_factory=dict)

    @property
    def all_edges(self) -> list[Edge]:
        """Causal/structural edges followed by intervention edges."""
        return self.edges + self.interventions


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


def _paragraphs(seed_text: str) -> list[tuple[str, set[str]]]:
    out = []
    for para in re.split(r"\n\s*\n", seed_text):
        out.append((normalize_text(para), set(re.findall(r"\[@problem_id:(\d+)\]", para))))
    return out


def _read_tsv(path: Path, model_cls: type[BaseModel], problems: list[Problem]):
    """Yield ``(line, row)`` for each valid row; record a problem for each bad one."""
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
                    problems.append(Problem(name, lineno, f"{col}: {err['msg']}"))


def load_model(src: Path, seed: Path | None = None) -> Model:
    """Read and validate the curated sources.

    Parameters
    ----------
    src : Path
        Folder with the four TSV files.
    seed : Path, optional
        The source text. When given, every quote must occur in it (after
        :func:`normalize_text`) and every citation of a row must be cited in
        the paragraph the quote comes from; without it these checks are skipped.

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

    for line, row in _read_tsv(src / "evidence.tsv", CitationRow, problems):
        if row.citation in model.citations:
            problems.append(Problem("evidence.tsv", line, f"duplicate citation {row.citation}"))
        model.citations[row.citation] = Citation(row.citation, row.section, row.topic)

    for line, row in _read_tsv(src / "entities.tsv", EntityRow, problems):
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

    paragraphs = _paragraphs(seed.read_text(encoding="utf-8")) if seed else None

    def edge_of(name, line, row, subj, pred, obj, sign_expected):
        where = (name, line)
        for role, curie in (("subject", subj), ("object", obj)):
            if curie not in model.entities:
                problems.append(Problem(*where, f"{role}: unknown id {curie}"))
        sign = int(row.sign)
        if sign_expected and sign != sign_expected:
            problems.append(Problem(*where, f"sign: {pred} has sign {sign_expected:+d}, row says {row.sign}"))
        cites = tuple(_split(row.citations))
        for c in cites:
            if c not in model.citations:
                problems.append(Problem(*where, f"citations: {c} is not in evidence.tsv"))
        if row.evidence_type not in {"ECO:0000304", "ECO:0000305"}:
            problems.append(Problem(*where, f"evidence_type: {row.evidence_type} is not a supported ECO code"))
        if paragraphs is not None:
            quote = normalize_text(row.quote)
            found = [ids for text, ids in paragraphs if quote in text]
            if not found:
                problems.append(Problem(*where, f"quote not found in the source text: {row.quote[:60]!r}"))
            else:
                cited_nearby = set().union(*found)
                for c in cites:
                    if c not in cited_nearby:
                        problems.append(Problem(*where, f"citations: {c} is not cited in the quote's paragraph"))
        return Edge(subj, pred, obj, sign, cites, row.evidence_type, row.quote, row.note, name, line)

    seen: dict[tuple[str, str, str], int] = {}
    for line, row in _read_tsv(src / "edges.tsv", EdgeRow, problems):
        term = vocab.RELATIONS.get(row.predicate)
        if term is None or row.predicate in {"RO:0002411", "oih:promotes"}:
            problems.append(Problem("edges.tsv", line, f"predicate: {row.predicate} is not an assertable relation"))
            continue
        key = (row.subject, row.predicate, row.object)
        if key in seen:
            problems.append(Problem("edges.tsv", line, f"duplicate edge (first on line {seen[key]})"))
            continue
        seen[key] = line
        model.edges.append(edge_of("edges.tsv", line, row, *key, term.sign))

    for line, row in _read_tsv(src / "interventions.tsv", InterventionRow, problems):
        term = vocab.ACTIONS.get(row.action)
        if term is None:
            problems.append(Problem("interventions.tsv", line, f"action: unknown action {row.action!r}; expected one of {', '.join(vocab.ACTIONS)}"))
            continue
        key = (row.intervention, term.curie, row.target)
        if key in seen:
            problems.append(Problem("interventions.tsv", line, f"duplicate intervention row (first on line {seen[key]})"))
            continue
        seen[key] = line
        model.interventions.append(edge_of("interventions.tsv", line, row, *key, term.sign))

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

    The ontology holds the schema (classes, relations, property chain,
    transitivity, disjointness, defined classes), one individual per entity
    with label, definition, synonyms, xrefs and pathway membership, one
    object-property assertion per edge with its evidence as OWL axiom
    annotations, and closure axioms on what each intervention targets and
    on which pathways each target is part of (documented closed-world
    assumption of the curation, see ``docs/reasoning.md``).
    """
    world = world or ow.World()
    b = _Builder(world)
    onto = b.onto
    props: dict[str, object] = {}
    for key, curie in vocab.ANNOTATIONS.items():
        props[key] = b.make(curie, ow.AnnotationProperty)

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

    # relations
    rels: dict[str, ow.ObjectPropertyClass] = {}
    all_terms = {**vocab.RELATIONS, **vocab.REASONING, **{t.curie: t for t in vocab.ACTIONS.values()}}
    order = ["RO:0002411", "oih:promotes"] + [c for c in all_terms if c not in ("RO:0002411", "oih:promotes")]
    order = sorted(order, key=lambda c: (c not in ("RO:0002411", "oih:promotes", "oih:targets"), c != "RO:0002411"))
    for curie in order:
        rels[curie] = b.make(curie, ow.ObjectProperty)
    for curie in order:
        term, prop = all_terms[curie], rels[curie]
        _annotate_term(b, prop, term, props)
        for parent in term.parents:
            prop.is_a.append(rels[parent])
        if "transitive" in term.characteristics:
            prop.is_a.append(ow.TransitiveProperty)
        if term.sign:
            props["sign"][prop] = [term.sign]
    targets, part_of = rels["oih:targets"], rels["oih:part_of_pathway"]
    rels["oih:targets_pathway"].property_chain.append(ow.PropertyChain([targets, part_of]))
    targets.property_chain.append(ow.PropertyChain([rels["oih:involves"], targets]))
    ow.AllDisjoint([rels["oih:agonist_of"], rels["oih:antagonist_of"]])

    # citations and evidence types
    for cid, cit in sorted(model.citations.items()):
        ind = b.individual(f"oih:citation/{cid}", classes["Citation"])
        ind.label = [f"problem_id:{cid}"]
        props["problem_id"][ind] = [cid]
        props["section"][ind] = [cit.section]
        props["definition"][ind] = [cit.topic]
    for eco, label in (("ECO:0000304", "author statement supported by traceable reference used in manual assertion"),
                       ("ECO:0000305", "curator inference used in manual assertion")):
        _ref(b, eco).label = [label]

    # entities
    inds: dict[str, ow.Thing] = {}
    for curie, ent in model.entities.items():
        ind = b.individual(curie, classes[ent.type])
        ind.label = [ent.label]
        props["definition"][ind] = [ent.definition]
        props["id"][ind] = [curie]
        props["synonym"][ind] = list(ent.synonyms)
        props["xref"][ind] = list(ent.xrefs)
        inds[curie] = ind
    for curie, ent in model.entities.items():
        for pw in ent.pathways:
            part_of[inds[curie]].append(inds[pw])

    # edges, each with its evidence as axiom annotations
    for edge in model.all_edges:
        prop = rels[edge.predicate]
        s, o = inds[edge.subject], inds[edge.object]
        prop[s].append(o)
        props["citation"][s, prop, o] = [b.cache[f"oih:citation/{c}"] for c in edge.citations]
        props["quote"][s, prop, o] = [edge.quote]
        props["evidence_type"][s, prop, o] = [b.cache[edge.evidence_type]]
        props["sign"][s, prop, o] = [edge.sign]
        if edge.note:
            ow.comment[s, prop, o] = [edge.note]

    _reasoning_axioms(model, b, classes, rels, inds)
    return onto


def _reasoning_axioms(model, b, classes, rels, inds) -> None:
    """Defined classes and closure axioms that make the reasoner's derivations logical."""
    targets, part_of, tp = rels["oih:targets"], rels["oih:part_of_pathway"], rels["oih:targets_pathway"]
    promotes = rels["oih:promotes"]
    pathways = [inds[c] for c, e in model.entities.items() if e.type == "Pathway"]
    needed = (vocab.PATHWAY_MOR, vocab.COMPONENT_A, vocab.COMPONENT_H, vocab.PATHWAY_GLIAL, vocab.NMDA_RECEPTOR)
    absent = [c for c in needed if c not in inds]
    if absent:
        raise BuildError([Problem("entities.tsv", 0, f"the reasoning axioms need entity {c}, which is missing") for c in absent])
    mor, comp_a, comp_h = inds[vocab.PATHWAY_MOR], inds[vocab.COMPONENT_A], inds[vocab.COMPONENT_H]
    if len(pathways) > 1:
        ow.AllDifferent(pathways)
    definition_prop = b.cache[vocab.ANNOTATIONS["definition"]]

    def defined(curie, label, definition, expr):
        parent = classes["Pathway"] if curie.endswith("Pathway") else classes["Entity"]
        cls = b.make(curie, parent)
        cls.label = [label]
        definition_prop[cls] = [definition]
        cls.equivalent_to.append(expr)
        return cls

    pro = defined(
        "oih:PronociceptivePathway", "pronociceptive pathway",
        "A pathway with a mechanistic part (not a model quantity such as the dose, which feeds every pathway) that promotes, through an all-positive causal chain, the hyperalgesic component H.",
        classes["Pathway"] & ow.Inverse(part_of).some(ow.Not(classes["ModelQuantity"]) & promotes.value(comp_h)),
    )
    defined(
        "oih:AnalgesicPathway", "analgesic pathway",
        "A pathway with a mechanistic part (not a model quantity such as the dose, which feeds every pathway) that promotes, through an all-positive causal chain, the analgesic effect A.",
        classes["Pathway"] & ow.Inverse(part_of).some(ow.Not(classes["ModelQuantity"]) & promotes.value(comp_a)),
    )
    targeting = defined(
        "oih:PronociceptivePathwayTargetingIntervention", "intervention targeting a pronociceptive pathway",
        "An agent or intervention that targets something that is part of a pronociceptive pathway.",
        tp.some(pro),
    )
    defined(
        "oih:GlialTargetingIntervention", "glial-targeting intervention",
        "An agent or intervention that targets the glial neuroinflammatory pathway.",
        tp.value(inds[vocab.PATHWAY_GLIAL]),
    )
    defined(
        "oih:NMDATargetingIntervention", "NMDA-targeting intervention",
        "An agent or intervention that acts on the NMDA receptor.",
        targets.value(inds[vocab.NMDA_RECEPTOR]),
    )
    defined(
        "oih:AnalgesiaSparingAntiHyperalgesicIntervention", "analgesia-sparing anti-hyperalgesic intervention",
        "An intervention that targets a pronociceptive pathway and targets only things that are not part of the "
        "mu-opioid receptor analgesic pathway, so it can reduce H without acting on A.",
        targeting & targets.only(part_of.only(ow.Not(ow.OneOf([mor])))),
    )

    # closure: what each intervention targets (directly or through what it involves) ...
    direct: dict[str, set[str]] = {}
    for e in model.interventions:
        direct.setdefault(e.subject, set())
    for e in model.interventions:
        if e.predicate != "oih:involves":
            direct[e.subject].add(e.object)
    closed = {k: set(v) for k, v in direct.items()}
    for e in model.interventions:
        if e.predicate == "oih:involves":
            closed[e.subject] |= direct.get(e.object, set())
    for agent, objs in sorted(closed.items()):
        members = [inds[o] for o in sorted(objs)]
        inds[agent].is_a.append(targets.only(ow.OneOf(members)) if members else targets.only(ow.Nothing))
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
