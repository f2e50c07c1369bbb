"""Named competency queries: ``queries/*.rq`` files with a parsed header.

Each file begins with comment lines (DESIGN.md §6)::

    # name: interventions-for-pathway
    # description: Interventions that target a pathway, asserted or inferred.
    # param: pathway (IRI) the pathway
    # returns: intervention, interventionLabel, inferred

:func:`load_queries` reads and validates every file at start (a bad header or
bad SPARQL is reported with the file's name, and the parser's line and
column); :meth:`NamedQuery.bind` turns user values (CURIE, IRI, label or
synonym for IRI parameters) into RDF terms; :func:`run` executes on a store.

Examples
--------
>>> qs = load_queries()
>>> qs["interventions-for-pathway"].params[0].name
'pathway'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery

from kg import vocab
from kg.config import REPO_ROOT
from kg.store import Literal, NamedNode, Row, Store, Term

__all__ = [
    "QUERIES_DIR",
    "Param",
    "NamedQuery",
    "QueryFileError",
    "SparqlSyntaxError",
    "UnknownEntity",
    "AmbiguousEntity",
    "check_syntax",
    "parse_query_file",
    "load_queries",
    "Resolver",
    "run",
]

QUERIES_DIR = REPO_ROOT / "queries"
_HEADER = re.compile(r"^#\s*(name|description|param|returns)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*\((IRI|literal)\)\s*(.*)$")


class QueryFileError(ValueError):
    """A named query file has a bad header or bad SPARQL; the message names the file."""


class SparqlSyntaxError(ValueError):
    """SPARQL that does not parse; ``line`` and ``column`` locate the problem."""

    def __init__(self, message: str, line: int, column: int, source: str = "query"):
        self.line, self.column, self.source = line, column, source
        super().__init__(f"{source}: SPARQL syntax error at line {line}, column {column}: {message}")


class UnknownEntity(LookupError):
    """No entity has the given CURIE, IRI, label or synonym."""


class AmbiguousEntity(LookupError):
    """A label or synonym names several entities; ``candidates`` lists ``(curie, label)``."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]):
        self.name, self.candidates = name, candidates
        listed = ", ".join(f"{c} ({lab})" for c, lab in candidates)
        super().__init__(f"{name!r} names several entities: {listed}")


def check_syntax(text: str, source: str = "query") -> None:
    """Parse SPARQL with rdflib's grammar; raise :class:`SparqlSyntaxError` with line and column.

    Examples
    --------
    >>> check_syntax("SELECT ?x WHERE { ?x ?p }")
    Traceback (most recent call last):
    ...
    kg.queries.SparqlSyntaxError: query: SPARQL syntax error at line 1, column 19: ...
    """
    try:
        parseQuery(text)
    except ParseException as exc:
        raise SparqlSyntaxError(exc.msg if hasattr(exc, "msg") else str(exc), exc.lineno, exc.col, source) from None


@dataclass(frozen=True)
class Param:
    """A query parameter: its variable name, kind (``IRI`` or ``literal``) and description."""

    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A parsed ``queries/*.rq`` file."""

    name: str
    description: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    text: str
    path: Path

    def as_dict(self) -> dict:
        """A JSON-ready description (for listings)."""
        return {
            "name": self.name,
            "description": self.description,
            "params": [{"name": p.name, "kind": p.kind, "description": p.description} for p in self.params],
            "returns": list(self.returns),
        }


def parse_query_file(path: Path) -> NamedQuery:
    """Read one named query and validate its header and SPARQL.

    Raises
    ------
    QueryFileError
        Naming the file and what is wrong.
    """
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {"name": [], "description": [], "param": [], "returns": []}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            fields[m.group(1)].append(m.group(2).strip())
    where = path.name
    for key in ("name", "description", "returns"):
        if len(fields[key]) != 1 or not fields[key][0]:
            raise QueryFileError(f"{where}: header needs exactly one '# {key}:' line")
    if fields["name"][0] != path.stem:
        raise QueryFileError(f"{where}: '# name: {fields['name'][0]}' does not match the file name")
    params = []
    for raw in fields["param"]:
        m = _PARAM.match(raw)
        if not m:
            raise QueryFileError(f"{where}: bad '# param:' line {raw!r}; expected 'NAME (IRI|literal) description'")
        params.append(Param(*m.groups()))
    returns = tuple(r.strip() for r in fields["returns"][0].split(",") if r.strip())
    try:
        check_syntax(text, where)
    except SparqlSyntaxError as exc:
        raise QueryFileError(str(exc)) from None
    for p in params:
        if not re.search(rf"\?{p.name}\b", text):
            raise QueryFileError(f"{where}: parameter {p.name!r} does not occur as ?{p.name} in the query")
    return NamedQuery(fields["name"][0], fields["description"][0], tuple(params), returns, text, path)


def load_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query of ``folder`` (default ``queries/``), by name; ``checks/`` is not included."""
    folder = folder or QUERIES_DIR
    return {q.name: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}


class Resolver:
    """Turn a CURIE, IRI, label or synonym into an entity IRI, using the store's names.

    Matching is case-insensitive; a CURIE or IRI wins, then a label, then a
    synonym. A name shared by several entities raises :class:`AmbiguousEntity`.
    """

    def __init__(self, store: Store, queries: dict[str, NamedQuery]):
        rows = store.select(queries["entity-names"].text)
        self.by_name: dict[str, dict[str, tuple[str, str, int]]] = {}
        rank = {"id": 0, "label": 1, "synonym": 2}
        self.curies: dict[str, str] = {}
        for r in rows:
            iri, curie, label = r["entity"].value, r["curie"].value, r["label"].value
            self.curies[iri] = curie
            bucket = self.by_name.setdefault(r["name"].value.casefold(), {})
            k = rank[r["kind"].value]
            if iri not in bucket or k < bucket[iri][2]:
                bucket[iri] = (curie, label, k)

    def resolve(self, name: str) -> str:
        """The IRI of the entity ``name`` designates.

        Raises
        ------
        UnknownEntity, AmbiguousEntity
        """
        name = name.strip()
        if name in self.curies:
            return name
        try:
            iri = vocab.expand(name)
            if iri in self.curies:
                return iri
        except ValueError:
            pass
        bucket = self.by_name.get(name.casefold(), {})
        if not bucket:
            raise UnknownEntity(f"no entity has the id, label or synonym {name!r}")
        best = min(k for _, _, k in bucket.values())
        hits = sorted((iri, c, lab) for iri, (c, lab, k) in bucket.items() if k == best)
        if len(hits) > 1:
            raise AmbiguousEntity(name, [(c, lab) for _, c, lab in hits])
        return hits[0][0]


def _term(param: Param, value: str, resolver: Resolver | None) -> Term:
    if param.kind == "literal":
        return Literal(str(value))
    value = str(value).strip()
    if value.startswith("problem_id:"):
        value = f"oih:citation/{value.split(':', 1)[1]}"
    if resolver is not None:
        try:
            return NamedNode(resolver.resolve(value))
        except UnknownEntity:
            # not an entity: a citation, a term of the schema (a relation or class), or an IRI given in full
            if not (value.startswith(("oih:citation/", "http://", "https://")) or value in vocab.SCHEMA_TERMS):
                raise
    if value.startswith(("http://", "https://")):
        return NamedNode(value)
    return NamedNode(vocab.expand(value))


def run(store: Store, query: NamedQuery, params: dict[str, str] | None = None,
        resolver: Resolver | None = None) -> list[Row]:
    """Run a named query with user-given parameter values.

    Raises
    ------
    ValueError
        A required parameter is missing or an unknown one is given.
    UnknownEntity, AmbiguousEntity
        An IRI parameter names no entity, or several.
    """
    params = dict(params or {})
    known = {p.name for p in query.params}
    extra = set(params) - known
    if extra:
        raise ValueError(f"{query.name}: unknown parameter(s) {', '.join(sorted(extra))}; expected {', '.join(sorted(known)) or 'none'}")
    missing = [p.name for p in query.params if p.name not in params]
    if missing:
        raise ValueError(f"{query.name}: missing parameter(s) {', '.join(missing)}")
    bindings = {p.name: _term(p, params[p.name], resolver) for p in query.params}
    return store.select(query.text, bindings)
