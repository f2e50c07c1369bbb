"""RDF terms and rows as plain, JSON-ready values: what every read of :class:`kg.catalog.Catalog` answers with.

IRIs become CURIEs where a prefix matches, typed literals numbers or bools, and the
columns a named query builds with ``GROUP_CONCAT`` come in a stable order.
"""

from __future__ import annotations

from typing import Any

from kg import schema
from kg.store import Literal, NamedNode, Row

__all__ = ["plain", "plain_row"]


def plain(term) -> Any:
    """A JSON-ready Python value for an RDF term: IRIs as CURIEs where a prefix matches, typed literals as numbers or bools.

    Examples
    --------
    >>> plain(NamedNode("http://purl.obolibrary.org/obo/CHEBI_6121")), plain(Literal("3", datatype=NamedNode(
    ...     "http://www.w3.org/2001/XMLSchema#integer")))
    ('CHEBI:6121', 3)
    """
    if isinstance(term, NamedNode):
        return schema.compress(term.value)
    if isinstance(term, Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt == "boolean":
            return term.value == "true"
        if dt in {"integer", "int", "long"}:
            return int(term.value)
        if dt in {"decimal", "double", "float"}:
            return float(term.value)
        return term.value
    return str(term)


#: Columns the named queries build with GROUP_CONCAT, whose order SPARQL leaves open: sorted here.
_CONCAT = {"problemIds": " ", "citations": " ", "synonyms": "|", "xrefs": "|", "types": "|", "classes": "; "}


def plain_row(row: Row) -> dict[str, Any]:
    """A row of plain values (:func:`plain`), with GROUP_CONCAT columns in a stable order; one that concatenated
    nothing is absent, as Oxigraph leaves it (Virtuoso answers the empty string)."""
    out = {k: plain(v) for k, v in row.items()}
    for k, sep in _CONCAT.items():
        if isinstance(out.get(k), str):
            out[k] = sep.join(sorted(x for x in out[k].split(sep) if x))
            if not out[k]:
                del out[k]
    return out
