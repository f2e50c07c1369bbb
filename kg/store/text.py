"""What a query's text says, read by rdflib's SPARQL grammar and checked by pyoxigraph's parser: the store's one reader
of SPARQL text.

The store runs a query as the SPARQL 1.1 Protocol says with what this module reads: the dataset a query declares
itself (:func:`declares_dataset`: its ``FROM`` and ``FROM NAMED`` hold when the request names none), the functions it
calls by IRI (:func:`functions`; one the engine lacks evaluates as an error, :func:`unsupported_functions`), and its
relative IRIs, read against the request's URL as the Oxigraph server reads them (:func:`as_run`). Nothing here
queries a store; every reading is cheap on the usual path (a word, not a parse, decides whether rdflib is asked, or
the engine's refusal does).

Where the text is read by its tokens rather than parsed, one lexer reads it (:data:`LEXEME`): for the prefixes a
query uses without declaring them (:func:`undeclared_prefixes`) and for where a ``VALUES`` block opens its outer
group (:func:`kg.store.shape.bind_values`), so strings, IRIs and comments hide the same text from both.

Examples
--------
>>> declares_dataset("SELECT * FROM <http://ex/g> { ?s ?p ?o }"), declares_dataset("SELECT * { ?s <urn:from> ?o }")
(True, False)
>>> functions("PREFIX : <http://ex/> BASE <http://b/> SELECT (:f(1) AS ?x) (<g>(2) AS ?y) {}")
['http://b/g', 'http://ex/f']
>>> as_run("SELECT (<a> AS ?x) {}", "http://127.0.0.1:8000/sparql")
'BASE <http://127.0.0.1:8000/sparql>\\nSELECT (<a> AS ?x) {}'
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin

import pyoxigraph as ox

__all__ = ["LEXEME", "parse_tree", "parse_strict", "projection", "parse_algebra", "collect", "functions", "declares_dataset", "unsupported_functions", "as_run",
           "undeclared_prefixes", "with_prefixes"]


#: SPARQL's tokens as far as this wing reads them, the one lexer of every reading of a query's text: what may hide a
#: colon, a ``WHERE {`` or a brace without being one (a comment, a string, an IRI); text in angle brackets that is no
#: IRI by SPARQL's grammar (``rough_iri``: an IRI with a character IRIREF forbids, which a message still reads as
#: one, or ``<`` and ``>`` as comparisons, whose text a parse reads again from past the ``<``); a PREFIX declaration
#: (``declared``); the ``WHERE`` keyword opening a group (``where``); a brace (``brace``); a prefixed name's prefix
#: (``used``: not a variable's, a blank node's or an IRI scheme's colon). A string left open ends with its line (or
#: the query, when long), so it is read once, never again from each of its characters.
LEXEME = re.compile("|".join((
    r"#[^\n]*",
    r"'''(?:[^'\\]|\\[\s\S]?|'(?!''))*+(?:'''|\Z)", r'"""(?:[^"\\]|\\[\s\S]?|"(?!""))*+(?:"""|\Z)',
    r"'(?:[^'\\\n]|\\.)*+(?:'|(?=\n)|\Z)", r'"(?:[^"\\\n]|\\.)*+(?:"|(?=\n)|\Z)',
    r'<[^<>"{}|^`\\\x00-\x20]*>', r"(?P<rough_iri><[^<>\s]*>)",
    r"(?i:\bPREFIX\s+)(?P<declared>(?:[A-Za-z][\w.-]*)?):",
    r"(?<![\w:?$])(?P<where>(?i:WHERE))\s*\{", r"(?P<brace>[{}])",
    r"(?<![\w?$:.-])(?P<used>(?:[A-Za-z][\w.-]*)?):")))


def undeclared_prefixes(query: str) -> list[tuple[int, str]]:
    """The prefixes the query uses without declaring them, each with where it is first used (an offset in the query),
    in order of first use: read by SPARQL's tokens as far as prefixes go, without a parse, so a query that does not
    parse is read too.

    Examples
    --------
    >>> undeclared_prefixes("PREFIX a: <http://a/> SELECT * { ?s a:b 'x:y' ; rdfs:label <urn:q:r> ; zz:x _:b }")
    [(48, 'rdfs'), (71, 'zz')]
    """
    declared, used = set(), {}
    for m in LEXEME.finditer(query):
        if m["declared"] is not None:
            declared.add(m["declared"])
        elif m["used"] is not None:
            used.setdefault(m["used"], m.start("used"))
    return sorted((at, prefix) for prefix, at in used.items() if prefix not in declared)


def with_prefixes(query: str, known: dict[str, str]) -> str:
    """The query with a declaration of each prefix of ``known`` (prefix → namespace) that it uses without declaring,
    all on one line before it, as the SPARQL editor declares them before a query leaves; the query itself when it
    needs none. A prefix the query declares is never replaced, and one it does not use is never added.

    Examples
    --------
    >>> known = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#"}
    >>> print(with_prefixes("SELECT ?l { ?s rdfs:label ?l }", known))
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?l { ?s rdfs:label ?l }
    >>> with_prefixes("PREFIX rdfs: <urn:x#> SELECT ?l { ?s rdfs:label ?l }", known)
    'PREFIX rdfs: <urn:x#> SELECT ?l { ?s rdfs:label ?l }'
    """
    add = [f"PREFIX {prefix}: <{known[prefix]}>" for _, prefix in undeclared_prefixes(query) if prefix in known]
    return " ".join(add) + "\n" + query if add else query


@lru_cache(maxsize=1024)
def parse_tree(text: str):
    """rdflib's parse tree of a query (every FILTER kept, unlike its algebra), or None when rdflib cannot read it (a
    syntax it lacks); kept for the last 1,024 texts. Read it, never change it: it is shared."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(text)
    except Exception:  # noqa: BLE001 - any failure of the other parser means "unknown", not an error
        return None


def parse_strict(text: str):
    """rdflib's parse tree of a query, raising pyparsing's ``ParseException`` (its line and column) when it does not
    parse: for a named query file, whose error must say where."""
    from rdflib.plugins.sparql.parser import parseQuery

    return parseQuery(text)


def projection(tree) -> frozenset[str] | None:
    """The variables a SELECT's parse tree (:func:`parse_strict`) projects, or None for a query of another form."""
    from rdflib.plugins.sparql.algebra import translateQuery

    algebra = translateQuery(tree).algebra
    return frozenset(str(v) for v in algebra.get("PV") or []) if algebra.name == "SelectQuery" else None


def parse_algebra(query: str):
    """rdflib's algebra of the query (prefixes resolved), or None when rdflib cannot read it."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return translateQuery(parseQuery(query)).algebra
    except Exception:  # noqa: BLE001 - the other parser's failure: unknown
        return None


def collect(node, name: str, key: str) -> list:
    """``node[key]`` of every parse-tree or algebra node called ``name`` under ``node``, in document order."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: list = []
    seen: set[int] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            if item.name == name:
                found.append(item.get(key))
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple, set)):
            stack.extend(reversed(list(item)))
    return found


def _field(node, key: str) -> str:
    """A parse-tree node's field, "" when absent (rdflib's ``CompValue.get`` answers a missing key with its name)."""
    return str(node[key]) if key in node else ""


def _prologue(tree) -> tuple[dict[str, str], str]:
    """The prefixes a query declares and its base, each declaration read against the base in force where it stands."""
    prefixes: dict[str, str] = {}
    base = ""
    for decl in tree[0]:
        iri = urljoin(base, _field(decl, "iri")) if base else _field(decl, "iri")
        if decl.name == "Base":
            base = iri
        elif decl.name == "PrefixDecl":
            prefixes[_field(decl, "prefix")] = iri
    return prefixes, base


def functions(query: str) -> list[str] | None:
    """The IRIs of the functions the query calls by name anywhere, a FILTER inside ``EXISTS`` included (prefixes, the
    empty one too, and ``BASE`` resolved; ``prefix:local`` as written when the prefix is not declared), or None when
    rdflib cannot read it.

    Examples
    --------
    >>> functions('PREFIX b: <bif:> SELECT (b:http_get("x") AS ?x) (STR(1) AS ?y) { FILTER NOT EXISTS { FILTER(<f>(1)) } }')
    ['bif:http_get', 'f']
    """
    from rdflib.plugins.sparql.parserutils import CompValue

    tree = parse_tree(query)
    if tree is None:
        return None
    prefixes, base = _prologue(tree)
    named = []
    for iri in collect(tree[1], "Function", "iri"):
        if isinstance(iri, CompValue):  # a prefixed name
            prefix, local = _field(iri, "prefix"), _field(iri, "localname")
            named.append(prefixes[prefix] + local if prefix in prefixes else f"{prefix}:{local}")
        else:
            named.append(urljoin(base, str(iri)) if base else str(iri))
    return sorted(set(named))


#: Where a dataset clause may stand: the keyword, or a ``\\u`` escape that might spell it.
_MAY_DECLARE = re.compile(r"\bfrom\b|\\u|\\U", re.IGNORECASE)


def declares_dataset(query: str) -> bool:
    """Whether the query names its own dataset (``FROM`` or ``FROM NAMED``), by rdflib's grammar; False when it cannot
    (no such word, or a syntax rdflib lacks): the served graphs are then its dataset."""
    if not _MAY_DECLARE.search(query):
        return False
    tree = parse_tree(query)
    return tree is not None and "datasetClause" in tree[1]


@lru_cache(maxsize=256)
def _native(iri: str) -> bool:
    """Whether pyoxigraph evaluates the function itself (the XSD casts): asked once per IRI, on an empty store."""
    try:
        ox.Store().query(f"SELECT (<{iri}>(1) AS ?x) {{}}")
    except RuntimeError:  # "The custom function <…> is not supported"
        return False
    except SyntaxError:  # no IRI: the query fails on its own
        return True
    return True


def _unsupported(*_args) -> None:
    """An extension function the engine lacks: every call is an error, as SPARQL evaluates one it does not know."""
    return None


def unsupported_functions(query: str) -> dict:
    """pyoxigraph's ``custom_functions`` for the functions the query calls that it lacks, each answering an error
    (a FILTER on it is false, a BIND leaves its variable unbound), so the query runs as SPARQL says instead of being
    refused; empty when the query calls none. The store asks only once pyoxigraph has refused the query, so the
    usual query is never parsed twice.

    Examples
    --------
    >>> list(unsupported_functions("SELECT (<http://ex/f>(1) AS ?x) (<http://www.w3.org/2001/XMLSchema#integer>(1) AS ?y) {}"))
    [<NamedNode value=http://ex/f>]
    """
    found = []
    for iri in functions(query) or []:
        try:
            found.append(ox.NamedNode(iri))
        except ValueError:  # no IRI (an undeclared prefix): the query fails on its own
            continue
    return {n: _unsupported for n in found if not _native(n.value)}


#: An IRI reference without a scheme (relative), or a word that may make a query fetch when run (never probed).
_RELATIVE = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\"{}|^`\\\x00-\x20]*>")
_OUTBOUND = re.compile(r"service", re.IGNORECASE)
_ERROR_AT = re.compile(r"^error at (\d+):")


def _unescaped(query: str) -> str:
    """The query with its ``\\u`` and ``\\U`` escapes read, by rdflib (SPARQL reads them before anything else)."""
    if "\\u" not in query and "\\U" not in query:
        return query
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        return expandUnicodeEscapes(query)
    except ValueError:  # an escape that is no character: the parsers refuse the query themselves
        return query


def _is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI, by pyoxigraph's reading."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def as_run(query: str, base: str | None = None, check: bool = False) -> str:
    """The query as the server runs it: with ``BASE <base>`` first when it has relative IRIs that pyoxigraph's parser
    reads only so (the Oxigraph server reads them against the request's URL, ``base`` here); as given otherwise.

    The query is parsed here only when it may hold a relative IRI, or with ``check`` (a query sent on to an endpoint,
    which then sees the standard syntax the embedded store takes). The parse runs the query on an empty store, which
    is cheap, and never one that may name a SERVICE (pyoxigraph would call it): such a query is returned as given.

    Raises
    ------
    SyntaxError
        pyoxigraph's message (its line counted in the query as given) when the query was parsed and does not parse.
    """
    if base is not None and not _is_iri(base):
        base = None  # a request's URL that is no IRI (a stray Host header) resolves nothing
    read = _unescaped(query)  # as both parsers read it, escapes first
    if _OUTBOUND.search(query) or _OUTBOUND.search(read) or not (check or (base and _RELATIVE.search(read))):
        return query
    for text in (query, f"BASE <{base}>\n{query}") if base else (query,):
        try:
            ox.Store().query(text)
        except SyntaxError as exc:
            error = exc
            continue
        except RuntimeError:  # parsed; the engine refuses something else (a binding, a function's arity)
            pass
        return text
    if base:  # the message of the parse with the base, whose line is one past the query's own
        raise SyntaxError(_ERROR_AT.sub(lambda m: f"error at {int(m[1]) - 1}:", str(error)))
    raise error
