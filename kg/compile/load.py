"""Loading: :func:`load_model` reads the curated files in order and checks the rows against each other and the text.

The checks span rows: ids and statements are unique, the ends of an edge exist and fit its relation's domain and
range, a sign agrees with the relation's, a quote occurs in the source text and a row cites what its sentence
cites (:class:`~kg.compile.seed.SeedText`). Every problem is reported at once (:class:`BuildError`).
"""

from __future__ import annotations

from pathlib import Path

from kg import schema
from kg.compile.model import Citation, Edge, Entity, Model, Observation
from kg.compile.rows import CitationRow, EdgeRow, EntityRow, InterventionRow, ObservationRow, Problem, read_tsv, split_values
from kg.compile.seed import SeedText
from kg.errors import BuildError

__all__ = [
    "load_model",
]

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
            sections = tuple(split_values(row.section))
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
            entities[row.id] = Entity(row.id, row.label, row.type, tuple(split_values(row.synonyms)), row.definition,
                                      tuple(split_values(row.xrefs)), tuple(split_values(row.pathways)), line)
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
        cites = tuple(split_values(row.citations))
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
