"""Mutation testing of the curated model: can the observations tell a wrong model from the right one?

Each mutant changes one curated row: it **drops** a row of ``edges.tsv`` or ``interventions.tsv`` or one pathway
membership of ``entities.tsv``; it **inverts** a signed row (the same statement with the opposite sign, in the
relation or action of that sign the build accepts for the two kinds; a relation with no opposite, such as
*capable of*, is not inverted); or it moves a statement of a context to every context (**uncontext**) or to the
other exposure (**recontext**: acute to chronic, chronic to acute). The mutant's sources are built, reasoned over in every context (HermiT, without
explanations) and opened as an embedded store, and the text's observations are checked against it. A mutant is
**killed** when an observation no longer holds, or when the build or the reasoner refuses it; it **survives**
when every observation still holds. The score is the share killed.

Examples
--------
>>> ms = mutants(default_paths().src)
>>> {m.kind for m in ms} == {"drop", "invert", "uncontext", "recontext"} and len(ms) > 150
True
>>> next(m for m in ms if m.kind == "invert" and m.file == "interventions.tsv").describe()[:24]
'invert interventions.tsv'
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from kg.schema import contexts
from kg import schema
from kg.compile import SOURCE_FILES, BuildError, build
from kg.config import Paths, default_paths

__all__ = ["Mutant", "Outcome", "MutationReport", "mutants", "run_mutant", "mutate"]


@dataclass(frozen=True)
class Mutant:
    """One change to one curated row: ``kind`` is ``drop``, ``invert``, ``uncontext`` or ``recontext``; ``value`` is
    the new predicate (invert), the new context (recontext) or the pathway dropped (a membership)."""

    kind: str
    file: str
    line: int
    row: tuple[str, ...]
    value: str = ""

    def describe(self) -> str:
        what = f"{self.row[0]} {self.row[1]} {self.row[2]}" if self.file != "entities.tsv" else f"{self.row[0]} part of {self.value}"
        change = {"invert": f" -> {self.value}", "uncontext": f" (in {self.row[4]}) in every context",
                  "recontext": f" (in {self.row[4]}) -> in {self.value}"}.get(self.kind, "")
        return f"{self.kind} {self.file}:{self.line} {what}{change}"


@dataclass(frozen=True)
class Outcome:
    """What became of a mutant: ``killed`` by ``by`` (observation ids, or ``build``/``reason`` when refused)."""

    mutant: Mutant
    killed: bool
    by: tuple[str, ...] = ()
    detail: str = ""


@dataclass
class MutationReport:
    """Every mutant's outcome, and the score (share killed)."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(o.killed for o in self.outcomes) / len(self.outcomes) if self.outcomes else 1.0

    @property
    def survivors(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.killed]

    def as_dict(self) -> dict:
        return {"mutants": len(self.outcomes), "killed": sum(o.killed for o in self.outcomes), "score": round(self.score, 4),
                "survivors": [o.mutant.describe() for o in self.survivors],
                "outcomes": [{"mutant": o.mutant.describe(), "killed": o.killed, "by": list(o.by), "detail": o.detail}
                             for o in self.outcomes]}


def _table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _opposite(predicate: str, subject_kind: str | None, object_kind: str | None, actions: bool) -> str | None:
    """The relation (or action name) of the opposite sign that fits the two kinds, as the build would take it."""
    if actions:
        term = schema.ACTIONS.get(predicate)
        pool = list(schema.ACTIONS.items())
    else:
        term = schema.RELATIONS.get(predicate)
        pool = [(c, t) for c, t in schema.RELATIONS.items() if c not in schema.NOT_ASSERTABLE]
    if term is None or not term.sign or term.curie in schema.TRAVERSED:
        return None
    for name, t in pool:
        if t.sign == -term.sign and t.curie not in schema.TRAVERSED and t.fits(subject_kind or "", object_kind or "") \
                and (t.fallback == term.fallback or not t.fallback):
            return name
    return None


def mutants(src: Path) -> list[Mutant]:
    """Every mutant of the curated sources in ``src``: each row dropped, each signed row inverted, each membership dropped."""
    kinds = {r[0]: schema.kind_of(r[2]) for r in _table(src / "entities.tsv")[1:] if len(r) > 2 and r[2] in schema.CLASSES}
    out: list[Mutant] = []
    for name, actions in (("edges.tsv", False), ("interventions.tsv", True)):
        rows = _table(src / name)
        for line, row in enumerate(rows[1:], start=2):
            if not row or not row[0] or row[0].startswith("#"):
                continue
            out.append(Mutant("drop", name, line, tuple(row)))
            flipped = _opposite(row[1], kinds.get(row[0]), kinds.get(row[2]), actions)
            if flipped:
                out.append(Mutant("invert", name, line, tuple(row), flipped))
            if row[4]:  # a statement of a context: said of every context, or of the other exposure
                out.append(Mutant("uncontext", name, line, tuple(row)))
                if row[4] in _SWAP:
                    out.append(Mutant("recontext", name, line, tuple(row), _SWAP[row[4]]))
    for line, row in enumerate(_table(src / "entities.tsv")[1:], start=2):
        for pathway in filter(None, (row[6] if len(row) > 6 else "").split("|")):
            out.append(Mutant("drop", "entities.tsv", line, tuple(row), pathway))
    return out


#: The exposure a ``recontext`` mutant moves a statement to.
_SWAP = {contexts.ACUTE: contexts.CHRONIC, contexts.CHRONIC: contexts.ACUTE}


def _write(src: Path, dest: Path, m: Mutant) -> None:
    """Copy the sources to ``dest`` with the mutant's one change."""
    for name in SOURCE_FILES:
        shutil.copy(src / name, dest / name)
    rows = _table(src / m.file)
    row = list(rows[m.line - 1])
    if m.file == "entities.tsv":
        row[6] = "|".join(p for p in row[6].split("|") if p != m.value)
        rows[m.line - 1] = row
    elif m.kind == "drop":
        del rows[m.line - 1]
    elif m.kind in ("uncontext", "recontext"):
        row[4] = m.value
        rows[m.line - 1] = row
    else:
        row[1] = m.value
        row[3] = "-1" if row[3] == "+1" else "+1"
        rows[m.line - 1] = row
    (dest / m.file).write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")


def run_mutant(m: Mutant, src: Path, seed: Path | None = None) -> Outcome:
    """Build, reason over and check one mutant in a folder of its own (removed afterwards)."""
    from kg.catalog import Catalog
    from kg.mechanism.engine import Engine
    from kg.mechanism.observations import check, load
    from kg.reason import InconsistentOntologyError, reason
    from kg.store import open_store

    observations = load(Paths(src=src, out=src))
    with tempfile.TemporaryDirectory(prefix="oihkg-mutant-") as tmp:
        paths = Paths(src=Path(tmp) / "src", out=Path(tmp) / "out")
        paths.src.mkdir()
        paths.out.mkdir()
        _write(src, paths.src, m)
        try:
            build(paths, seed)
        except BuildError as exc:
            return Outcome(m, True, ("build",), str(exc).splitlines()[-1][:200])
        try:
            reason(paths, verify=False, explain=False)
        except (InconsistentOntologyError, RuntimeError) as exc:
            return Outcome(m, True, ("reason",), str(exc).splitlines()[0][:200])
        store = open_store("oxigraph:memory", paths)
        try:
            report = check(Engine(Catalog(store)), observations)
        finally:
            store.close()
        failed = tuple(r.observation.id for r in report.results if r.status != "holds")
        return Outcome(m, bool(failed), failed, "" if failed else "every observation still holds")


def mutate(paths: Paths | None = None, seed: Path | None = None, only: Iterable[Mutant] | None = None, jobs: int = 2,
           progress: Callable[[Outcome], None] | None = None) -> MutationReport:
    """Run every mutant (or ``only`` these) of the curated sources, ``jobs`` at a time in worker processes.

    Parameters
    ----------
    paths : Paths, optional
        Where the curated sources are (``paths.src``); nothing there is changed.
    seed : Path, optional
        The source text, for the build's quote checks.
    jobs : int
        Worker processes (1: in this process).
    progress : callable, optional
        Called with each outcome as it comes.
    """
    src = (paths or default_paths()).src
    todo = list(only) if only is not None else mutants(src)
    report = MutationReport()
    if jobs <= 1:
        for m in todo:
            report.outcomes.append(run_mutant(m, src, seed))
            if progress:
                progress(report.outcomes[-1])
        return report
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        for outcome in pool.map(run_mutant, todo, [src] * len(todo), [seed] * len(todo)):
            report.outcomes.append(outcome)
            if progress:
                progress(outcome)
    return report
