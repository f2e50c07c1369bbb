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
"""

from __future__ import annotations

from pathlib import Path

from kg.sparql_text import parse_tree

__all__ = ["cannot_open", "projection", "unasked"]

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
