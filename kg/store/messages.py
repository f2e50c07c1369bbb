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
from difflib import get_close_matches
from pathlib import Path

from kg import schema
from kg.store.text import parse_tree, undeclared_prefixes

__all__ = ["cannot_open", "projection", "unasked", "syntax", "located"]

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
    """The parser's ``message`` for ``query`` as one sentence a person can act on, with its position (``error at
    LINE:COLUMN:``): for a prefix the query does not declare (the parser says so, if at all, with a list of every
    character it expected, 600 characters long), the prefix named where it is first used, with its PREFIX line when
    the server knows the prefix; for a first word that is no query form, the form meant; for a list of what the parser
    expected, its words and signs alone, on one line. Any other message as given."""
    if not query.strip():
        return "error at 1:1: the query is empty; write a SELECT, CONSTRUCT, DESCRIBE or ASK query"
    missing = undeclared_prefixes(query)
    form = _FORM.match(query)
    if form and form["word"].upper() in _FORMS or form and missing and missing[0][0] < form.start("word"):
        form = None  # the form is right, or the prefix comes first
    if missing and not form:
        at, prefix = missing[0]
        known = schema.CONVERTER.prefix_map.get(prefix) if prefix else None
        return (f"error at {_position(query, at)}: the prefix {prefix}: is not declared; "
                + (f"add PREFIX {prefix}: <{known}> before the query" if known
                   else f"add a PREFIX {prefix}: <…> line for it before the query"))
    if form:
        meant = get_close_matches(form["word"].upper(), _FORMS, n=1)
        return (f"error at {_position(query, form.start('word'))}: {form['word'][:40]} is not a query form; a query "
                f"starts with SELECT, CONSTRUCT, DESCRIBE or ASK" + (f" (did you mean {meant[0]}?)" if meant else ""))
    return _one_line(query, message)


#: The prologue, then the first word: the query's form (or an update's verb), where the parser would read it.
#: Possessive throughout: whitespace, a comment (to its line's end) or a declaration is read once and never given
#: back, so text that is no prologue fails at once (a nested ``(\s+)*`` backtracks exponentially on a run of spaces) and
#: no word is taken from inside a comment.
_FORM = re.compile(r"(?:\s++|#[^\n]*+|(?i:BASE)\s*+<[^<>]*+>|(?i:PREFIX)\s++[\w.-]*+:\s*+<[^<>]*+>)*+(?P<word>[A-Za-z]\w*)")
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_AT = re.compile(r"^error at (\d+):(\d+): ([\s\S]*)$")
#: Of a list of what the parser expected, what a person reads: a keyword, or a sign in quotes.
_TOKEN = re.compile(r'^(?:[A-Za-z][A-Za-z_]*|"(?:[^"\\]|\\.)+")$')


def located(said: str) -> tuple[int, int, str] | None:
    """``(line, column, the rest)`` of a message that starts ``error at LINE:COLUMN:``, or None.

    >>> located("error at 2:7: expected WHERE")
    (2, 7, 'expected WHERE')
    """
    found = _AT.match(said)
    return (int(found[1]), int(found[2]), found[3]) if found else None


def _position(query: str, at: int) -> str:
    """``LINE:COLUMN`` of an offset in the query, both from 1."""
    return f"{query.count(chr(10), 0, at) + 1}:{at - (query.rfind(chr(10), 0, at) + 1) + 1}"


def _one_line(query: str, message: str) -> str:
    """A parser's message on one line: a long list of what it expected, its character classes above all, as its
    words and signs (a few of them) and where the query stopped being read."""
    found = located(message)
    if not found or ("\n" not in message and len(message) <= 120):  # short: without the "[_]" (anything else)
        return " ".join(message.replace(", [_]", "").replace("expected [_]", "unexpected text").split())
    line, col, said = found
    head, _, listed = said.partition("expected one of ")
    if not listed:
        return " ".join(f"error at {line}:{col}: {said}".split())[:200]
    items = [i.strip() for i in re.split(r""",\s+(?=[\w"\['])""", " ".join(listed.split()))]
    words = [i for i in items if _TOKEN.match(i) and i != "Prefix"]
    named = "one of " * (len(words) > 1) + ", ".join(words[:6]) + (", …" if len(words) > 6 else "")
    named += (" or a name or term" if len(words) < len(items) else "") if named else "a name or term"
    lines = query.split("\n")
    rest = "\n".join(lines[line - 1:])[col - 1:] if 0 < line <= len(lines) else ""
    where = f"near {' '.join(rest.split())[:20]!r}" if rest.strip() else "at the end of the query"
    return f"error at {line}:{col}: expected {named}, {where}"
