"""Named competency queries: ``queries/*.rq`` files with a parsed header.

Each file begins with comment lines (DESIGN.md §6)::

    # name: interventions-for-pathway
    # description: Interventions that target a pathway, asserted or inferred.
    # param: pathway (IRI) the pathway
    # returns: intervention, interventionLabel, inferred

:func:`load_queries` reads and validates every file at start (a bad header or
bad SPARQL is reported with the file's name, and the parser's line and
column); :func:`run` binds user values as RDF terms (an IRI parameter by
CURIE, IRI, or any name the caller's resolver knows) and executes on a store.
This module owns the query files; the entity-name errors (:class:`UnknownEntity`,
:class:`AmbiguousEntity`) are in :mod:`kg.errors`, and resolving names is
:class:`kg.catalog.Catalog`'s.

Examples
--------
>>> qs = load_queries()
>>> qs["interventions-for-pathway"].params[0].name
'pathway'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyparsing import ParseException

from kg.store import messages as store_messages
from kg import schema
from kg.config import queries_dir, shipped_queries_dir
from kg.store.text import as_run, with_prefixes, parse_strict, projection
from kg.store import Literal, NamedNode, Row, Store, Term
from kg.errors import QueryFileError, SparqlSyntaxError, UnknownEntity, AmbiguousEntity

__all__ = [
    "Param",
    "NamedQuery",
    "QueryFileError",
    "SparqlSyntaxError",
    "UnknownEntity",
    "AmbiguousEntity",
    "ready",
    "parse_query_file",
    "load_queries",
    "run",
]

_HEADER = re.compile(r"^#\s*(name|description|param|returns)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*\((IRI|literal)\)\s*(.*)$")


def ready(text: str, source: str = "query") -> str:
    """A query as the SPARQL editor sends it: each well-known prefix it uses without declaring it declared first (the
    prefixes the editor completes, :data:`kg.schema.CONVERTER`: the project's, rdf, rdfs, owl, xsd, skos, dcterms;
    :func:`kg.store.text.with_prefixes`), then read by the store's parser. A query that calls a SERVICE is not read
    here (the parse runs it on an empty store); the store reads it.

    Raises
    ------
    SparqlSyntaxError
        A sentence saying what to change (:func:`kg.store.messages.syntax`) at its line and column in ``text``.
    """
    full = with_prefixes(text, schema.CONVERTER.prefix_map)
    try:
        as_run(full, check=True)
    except SyntaxError as exc:
        said = store_messages.syntax(full, str(exc))
        at = store_messages.located(said)
        line, col, said = (max(1, at[0] - (full != text)), at[1], at[2]) if at else (1, 1, said)
        if not said.startswith("the prefix ") and " is not a query form" not in said:
            try:  # the store's parser says what it expected where it stopped; rdflib's, where that part starts
                parse_strict(text)
            except ParseException as part:
                if (part.lineno, part.col) < (line, col):
                    said, line, col = f"the part that starts here does not parse ({said}, at {line}:{col})", part.lineno, part.col
        raise SparqlSyntaxError(said, line, col, source) from None
    return full


def _parsed(text: str, source: str):
    """rdflib's parse of ``text``; :class:`SparqlSyntaxError` with line and column if it does not parse."""
    try:
        return parse_strict(text)
    except ParseException as exc:
        raise SparqlSyntaxError(exc.msg if hasattr(exc, "msg") else str(exc), exc.lineno, exc.col, source) from None


@dataclass(frozen=True)
class Param:
    """A query parameter: its variable name, kind (``IRI`` or ``literal``) and description."""

    name: str
    kind: str
    description: str

    @property
    def example(self) -> str | None:
        """The first example the description gives after "e.g.": a CURIE, or a name without its quotes.

        Examples
        --------
        >>> Param("mediator", "IRI", 'the mediator, e.g. HGNC:11892 or "TNF-α"').example
        'HGNC:11892'
        >>> Param("subject", "IRI", 'the subject, e.g. "test taper"').example
        'test taper'
        """
        m = re.search(r'e\.g\.\s+(?:"([^"]+)"|([^\s,;]+))', self.description)
        return (m.group(1) or m.group(2)) if m else None


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
    for line in text.splitlines():
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
        parsed = _parsed(text, where)
    except SparqlSyntaxError as exc:
        raise QueryFileError(str(exc)) from None
    for p in params:
        if not re.search(rf"\?{p.name}\b", text):
            raise QueryFileError(f"{where}: parameter {p.name!r} does not occur as ?{p.name} in the query")
    _check_projection(parsed, params, where)
    return NamedQuery(fields["name"][0], fields["description"][0], tuple(params), returns, text, path)


def _check_projection(parsed, params: list[Param], where: str) -> None:
    """A SELECT's parameters must be projected: pyoxigraph binds only projected variables (SEP-0007), and a
    trailing VALUES block binds the same ones, so both backends answer alike."""
    if not params:
        return
    projected = projection(parsed)
    if projected is None:
        return
    for p in params:
        if p.name not in projected:
            raise QueryFileError(f"{where}: parameter {p.name!r} must be in the SELECT projection, as ?{p.name}: "
                                 "parameters are bound as projected variables")


def load_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query of ``folder``, by name; ``checks/`` is not included. By default the queries shipped with the
    code, then the project's (:func:`kg.config.queries_dir`), which add to them or replace them by name.

    Parsed once per process while the files are unchanged (name, size and modification time); a new dict each call.
    """
    folders = [folder] if folder else list(dict.fromkeys((shipped_queries_dir(), queries_dir())))
    files = tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for f in folders for p in sorted(f.glob("*.rq")))
    return dict(_load(files))


@lru_cache(maxsize=8)
def _load(files: tuple[tuple[Path, int, int], ...]) -> tuple[tuple[str, NamedQuery], ...]:
    return tuple((q.name, q) for q in (parse_query_file(p) for p, _, _ in files))


def _term(param: Param, value: str, resolve: Callable[[str], str] | None) -> Term:
    if param.kind == "literal":
        return Literal(str(value))
    value = str(value).strip()
    if value.startswith("problem_id:"):
        value = f"oih:citation/{value.split(':', 1)[1]}"
    if resolve is not None:
        try:
            return NamedNode(resolve(value))
        except UnknownEntity:
            # not an entity: a citation, a term of the schema (a relation or class), or an IRI given in full
            if not (value.startswith(("oih:citation/", "http://", "https://")) or value in schema.SCHEMA_TERMS):
                raise
    if value.startswith(("http://", "https://")):
        return NamedNode(value)
    return NamedNode(schema.expand(value))


def run(store: Store, query: NamedQuery, params: dict[str, str] | None = None,
        resolve: Callable[[str], str] | None = None, limit: int | None = None) -> list[Row]:
    """Run a named query with user-given parameter values, at most ``limit`` rows (:class:`kg.store.ResultTooLarge`
    past it; the query stops reading there).

    ``resolve`` turns an entity name into its IRI (:meth:`kg.catalog.Catalog.resolve`); without it an IRI
    parameter takes a CURIE or an IRI.

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
    bindings = {p.name: _term(p, params[p.name], resolve) for p in query.params}
    return store.select(query.text, bindings, limit)
