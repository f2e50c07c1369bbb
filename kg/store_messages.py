"""What a store says when it cannot open or an endpoint answers something other than what was asked, in a sentence.

:mod:`kg.store` raises its typed errors with these sentences; each says what is wrong and what to do, rather than
pass on RocksDB's ``IO error: While lock file: …/LOCK: Resource temporarily unavailable`` or fail later on a row
without the variable a query asked for.

Examples
--------
>>> cannot_open("/data/s", OSError("IO error: While lock file: /data/s/LOCK: Resource temporarily unavailable"))
'cannot open the store at /data/s: it is in use by another process (a running `oihkg serve` or `oihkg load`); stop that process first, or give another store folder'
>>> unasked("SELECT ?graph ?source WHERE { ?graph ?p ?source }", ("s",))
'answered with the variable ?s, not the ?graph, ?source asked for: it is not a SPARQL 1.1 endpoint (or not one over an oihkg store); check the URL'
>>> unasked("SELECT * WHERE { ?s ?p ?o }", ("x",)) is None
True
>>> syntax("SELECT * WHERE { ?s rdfs:label ?o }", "error at 1:31: expected one of Prefix not found, ['%'], …")
'error at 1:21: the prefix rdfs: is not declared; add PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> before the query'
>>> syntax("PREFIX a: <http://a/> SELECT * { ?s a:b 'x:y' ; zz:x <urn:q:r> }", "error at 1:48: expected OPTIONAL")
'error at 1:49: the prefix zz: is not declared; add a PREFIX zz: <…> line for it before the query'
>>> syntax("PREFIX : <http://a/> SELECT ?s WHERE { ?s :p _:b", "error at 1:47: expected …")
'error at 1:47: expected …'
"""

from __future__ import annotations

import re
from pathlib import Path

from kg import vocab
from kg.sparql_text import parse_tree

__all__ = ["cannot_open", "projection", "unasked", "syntax"]

#: What may hold a colon without being a prefixed name (strings, IRIs, comments), then a PREFIX declaration, then a
#: prefixed name (not a variable's, a blank node's or an IRI scheme's colon): SPARQL's tokens as far as prefixes go.
_LEX = re.compile("|".join((
    r"'''[\s\S]*?'''", r'"""[\s\S]*?"""', r"'(?:[^'\\\n]|\\.)*'", r'"(?:[^"\\\n]|\\.)*"', r"<[^<>\s]*>", r"#[^\n]*",
    r"(?i:\bPREFIX\s+)(?P<declared>(?:[A-Za-z][\w.-]*)?):",
    r"(?<![\w?$:.-])(?P<used>(?:[A-Za-z][\w.-]*)?):")))

#: What RocksDB says when another process (or this one) holds the store's lock.
_LOCKED = ("While lock file", "lock hold by current process", "LOCK: Resource temporarily unavailable")


def cannot_open(location: Path | str | None, exc: OSError) -> str:
    """The sentence for an on-disk (or in-memory) store that failed to open with ``exc``."""
    text = str(exc)
    if location is not None and any(s in text for s in _LOCKED):
        return (f"cannot open the store at {location}: it is in use by another process (a running `oihkg serve` or "
                "`oihkg load`); stop that process first, or give another store folder")
    where = f"at {location}" if location is not None else "in memory"
    return f"cannot open the store {where}: {text.splitlines()[0] if text else type(exc).__name__}"


def projection(query: str) -> tuple[str, ...] | None:
    """The variables a SELECT query projects, by rdflib's parse tree; None for ``SELECT *``, another form, or a query
    rdflib cannot read."""
    tree = parse_tree(query)
    if tree is None or tree[1].name != "SelectQuery" or "projection" not in tree[1]:
        return None
    return tuple(str(p["var"] if "var" in p else p["evar"]) for p in tree[1]["projection"])


def unasked(query: str, variables: tuple[str, ...]) -> str | None:
    """Why an endpoint's answer to ``query`` cannot be its answer (the end of a sentence naming the endpoint): its
    variables share none with those the query projects. None when they do, or when the projection is unknown."""
    asked = projection(query)
    if not asked or set(asked) & set(variables):
        return None
    given = ", ".join(f"?{v}" for v in variables[:5]) or "no variables"
    return (f"answered with the variable{'s' if len(variables) > 1 else ''} {given}, not the "
            f"{', '.join(f'?{v}' for v in asked)} asked for: it is not a SPARQL 1.1 endpoint (or not one over an oihkg "
            "store); check the URL")


def syntax(query: str, message: str) -> str:
    """The parser's ``message`` for ``query``, in a sentence when the query uses a prefix it does not declare (the
    parser says so, if at all, with a list of every character it expected, 600 characters long): the prefix named
    where it is first used, with its PREFIX line when the server knows the prefix. Any other message as given."""
    declared, used = set(), {}
    for m in _LEX.finditer(query):
        if m["declared"] is not None:
            declared.add(m["declared"])
        elif m["used"] is not None:
            used.setdefault(m["used"], m.start("used"))
    missing = [(at, prefix) for prefix, at in used.items() if prefix not in declared]
    if not missing:
        return message
    at, prefix = min(missing)
    line_no = query.count("\n", 0, at) + 1
    col = at - (query.rfind("\n", 0, at) + 1) + 1
    known = vocab.CONVERTER.prefix_map.get(prefix) if prefix else None
    return (f"error at {line_no}:{col}: the prefix {prefix}: is not declared; "
            + (f"add PREFIX {prefix}: <{known}> before the query" if known
               else f"add a PREFIX {prefix}: <…> line for it before the query"))
