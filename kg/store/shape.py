"""What a query's text makes of its answer and its parameters: its form, the columns it binds to tests alone, the row
limit it sets itself, and where a ``VALUES`` block binds a parameter without touching what it says.

Read by rdflib's SPARQL grammar (:func:`kg.store.text.parse_tree`) and the wing's one lexer
(:data:`kg.store.text.LEXEME`), which tells strings, IRIs and comments from the keywords and braces around them.

Examples
--------
>>> query_form("SELECT * { ?s ?p ?o }"), own_limit("SELECT * { ?s ?p ?o } LIMIT 3")
('solutions', 3)
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.errors import QueryError
from kg.store.results import Term
from kg.store.text import LEXEME, parse_tree

__all__ = ["query_form", "boolean_columns", "own_limit", "bind_values"]


def query_form(text: str) -> str | None:
    """The kind of result a query gives (``solutions``, ``boolean``, ``graph``) by rdflib's SPARQL grammar; None when
    rdflib cannot tell (a syntax it lacks): the endpoint then decides.

    Examples
    --------
    >>> query_form("PREFIX select: <x:> ask { ?s select:p ?o }"), query_form("DESCRIBE <x:y>"), query_form("NOT SPARQL")
    ('boolean', 'graph', None)
    """
    tree = parse_tree(text)
    name = tree[1].name if tree is not None else None
    return {"SelectQuery": "solutions", "AskQuery": "boolean", "ConstructQuery": "graph", "DescribeQuery": "graph"}.get(name)


#: Parse-tree nodes that only pass their one operand through when they carry no operator.
_WRAPPERS = {"ConditionalOrExpression", "ConditionalAndExpression", "RelationalExpression", "AdditiveExpression",
             "MultiplicativeExpression"}
#: Of those, the ones whose operator makes a boolean: ``||``, ``&&`` and the comparisons (not ``+ - * /``).
_LOGICAL = {"ConditionalOrExpression", "ConditionalAndExpression", "RelationalExpression"}
#: Operators and built-in calls whose value is always an xsd:boolean.
_TESTS = {"UnaryNot", "Builtin_EXISTS", "Builtin_NOTEXISTS", "Builtin_BOUND", "Builtin_isIRI", "Builtin_isURI",
          "Builtin_isBLANK", "Builtin_isLITERAL", "Builtin_isNUMERIC", "Builtin_sameTerm", "Builtin_REGEX",
          "Builtin_CONTAINS", "Builtin_STRSTARTS", "Builtin_STRENDS", "Builtin_LANGMATCHES"}
#: Patterns that bind variables to data: triples, VALUES, a GRAPH or SERVICE name.
_DATA_SITES = {"TriplesBlock", "InlineData", "InlineDataOneVar", "InlineDataFull", "GraphGraphPattern",
               "ServiceGraphPattern"}


def _is_test(expr) -> bool:
    """Whether an expression of rdflib's parse tree always gives an xsd:boolean."""
    from rdflib import Literal as RdfLiteral
    from rdflib.namespace import XSD
    from rdflib.plugins.sparql.parserutils import CompValue

    while isinstance(expr, CompValue) and expr.name in _WRAPPERS:
        if "op" in expr or ("other" in expr and expr["other"]):  # an operator (CompValue.get answers a missing key)
            return expr.name in _LOGICAL
        expr = expr["expr"]
    if isinstance(expr, RdfLiteral):
        return expr.datatype == XSD.boolean
    return isinstance(expr, CompValue) and expr.name in _TESTS


@lru_cache(maxsize=1024)
def _shape(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The variables a query binds only to boolean tests, and every variable it assigns (``BIND`` or ``AS``)."""
    from pyparsing import ParseResults
    from rdflib.term import Variable as RdfVariable
    from rdflib.plugins.sparql.parserutils import CompValue

    sites: dict[str, set[bool]] = {}
    assigned: set[str] = set()

    def walk(node, in_data: bool) -> None:
        if isinstance(node, CompValue):
            var = {"Bind": "var", "vars": "evar"}.get(node.name)
            if var in node and "expr" in node:
                assigned.add(str(node[var]))
                sites.setdefault(str(node[var]), set()).add(_is_test(node["expr"]))
            for value in node.values():
                walk(value, in_data or node.name in _DATA_SITES)
        elif isinstance(node, (list, ParseResults)):
            for value in node:
                walk(value, in_data)
        elif in_data and isinstance(node, RdfVariable):
            sites.setdefault(str(node), set()).add(False)  # bound to data too: may be anything

    tree = parse_tree(text)
    if tree is not None:
        walk(tree, False)
    return frozenset(v for v, kinds in sites.items() if kinds == {True}), frozenset(assigned)


def boolean_columns(text: str) -> frozenset[str]:
    """The variables a query binds (``BIND`` or ``(expr AS ?v)``) to boolean tests only — ``true``, ``EXISTS``, a
    comparison, ``&&`` — and to nothing else (no triple pattern, ``VALUES`` or other expression). Virtuoso 7 answers
    those as the integers 1 and 0, which :class:`RemoteStore` turns back into booleans. Empty when rdflib cannot read
    the query.

    Examples
    --------
    >>> sorted(boolean_columns("SELECT ?a (1 < ?n AS ?b) (?n - 1 AS ?c) WHERE { BIND(NOT EXISTS { ?s ?p ?o } AS ?a) }"))
    ['a', 'b']
    """
    return _shape(text)[0]


#: The query's own row limit, when its text ends with it: the outermost query's (a subquery's closes inside braces, and
#: nothing but a VALUES block or a comment may follow a LIMIT, which this does not take).
_OWN_LIMIT = re.compile(r"\bLIMIT\s+(\d+)(?:\s+OFFSET\s+\d+)?\s*$", re.IGNORECASE)


def own_limit(text: str) -> int | None:
    """The row limit a query sets itself, when its text ends with ``LIMIT n`` (and an OFFSET); None otherwise.

    >>> own_limit("SELECT ?s { ?s ?p ?o } LIMIT 100"), own_limit("SELECT ?s { ?s ?p ?o } OFFSET 5 LIMIT 7 ")
    (100, 7)
    >>> own_limit("SELECT ?s { { SELECT ?s { ?s ?p ?o } LIMIT 1 } ?s ?q ?r }"), own_limit("SELECT * {} LIMIT 2 # x")
    (None, None)
    >>> own_limit("SELECT * { ?s ?p ?o }\\n# LIMIT 5")  # a comment is no limit
    """
    m = _OWN_LIMIT.search(text)
    if not m or "#" in text[text.rfind("\n", 0, m.start()) + 1:m.start()]:  # maybe a comment: count the rows
        return None
    return int(m[1])


def _values_block(bindings: dict[str, Term]) -> str:
    """A ``VALUES`` clause binding each variable to one RDF term.

    The terms are written by pyoxigraph in N-Triples syntax, which escapes
    every character that could end the term, so the value stays data.

    Examples
    --------
    >>> from pyoxigraph import Literal
    >>> _values_block({"x": Literal('a" } ; DROP ALL #')})
    'VALUES (?x) { ("a\\\\" } ; DROP ALL #") }'
    """
    names = sorted(bindings)
    vars_ = " ".join(f"?{n}" for n in names)
    vals = " ".join(str(bindings[n]) for n in names)
    return f"VALUES ({vars_}) {{ ({vals}) }}"


_CONSTRUCT_WHERE = re.compile(r"(?<![\w:?$])CONSTRUCT\s*$", re.IGNORECASE)


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """The query with ``bindings`` as a ``VALUES`` block opening its outer ``WHERE`` group (outside every brace), so
    every endpoint binds them before it groups, orders or slices (Virtuoso 7 applies a trailing ``VALUES`` after
    ``LIMIT``); as a trailing block when the query has no outer ``WHERE`` keyword, or is a ``CONSTRUCT WHERE``.

    Raises
    ------
    QueryError
        A bound variable is one the query assigns itself (``BIND`` or ``AS``).

    Examples
    --------
    >>> from pyoxigraph import NamedNode
    >>> bind_values('PREFIX w: <urn:w> SELECT ?x WHERE { ?x w:WHERE "WHERE {" } LIMIT 1', {"x": NamedNode("urn:a")})
    'PREFIX w: <urn:w> SELECT ?x WHERE { VALUES (?x) { (<urn:a>) } ?x w:WHERE "WHERE {" } LIMIT 1'
    """
    clash = sorted(set(bindings) & _shape(text)[1])
    if clash:
        raise QueryError(f"?{clash[0]} is assigned in the query (BIND or AS), so it cannot also be given a value")
    depth, at = 0, 0
    while m := LEXEME.search(text, at):
        at = m.start() + 1 if m["rough_iri"] else m.end()  # no IRI: its "<" is a comparison, read on past it
        if m["where"] and depth == 0:
            if _CONSTRUCT_WHERE.search(text, 0, m.start()):
                break  # CONSTRUCT WHERE { … }: that group is the template too
            return f"{text[:m.end()]} {_values_block(bindings)}{text[m.end():]}"
        if m["where"] or m["brace"] == "{":
            depth += 1
        elif m["brace"] == "}":
            depth -= 1
    return f"{text.rstrip()}\n{_values_block(bindings)}"

