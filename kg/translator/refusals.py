"""TRAPI refusals: :func:`refusal`, the TRAPI ``Response`` that says a :class:`kg.errors.TRAPIError`.

A query this provider refuses (400, 413, 501) is still answered in TRAPI: an
``ERROR`` log with the code, ``status`` and ``description``, and the request's
query graph echoed back. A TRAPI client reads that body with the TRAPI models
(``reasoner-pydantic``), so the echo must be a valid TRAPI query graph itself:
a Pathfinder path sent without ``constraints`` (optional in TRAPI 1.6, a
required key in reasoner-pydantic 6) is echoed with ``constraints: null``, as
the query is read (:func:`with_path_constraints`), and a query graph that is no
valid TRAPI (the reason the query was refused, e.g. a node with an empty
``ids`` list) is left out (``query_graph: null``), the log saying what is
wrong with it (:func:`echo`).

Examples
--------
>>> bad = {"message": {"query_graph": {"nodes": {"a": {"ids": []}}, "edges": {}}}}
>>> body = refusal(TRAPIError(400, "InvalidQuery", "ids may not be empty"), bad)
>>> body["message"]["query_graph"] is None, body["logs"][0]["level"], body["status"]
(True, 'ERROR', 'InvalidQuery')
>>> path = {"message": {"query_graph": {"nodes": {"a": {"ids": ["X:1"]}, "b": {}}, "paths": {"p": {"subject": "a", "object": "b"}}}}}
>>> refusal(TRAPIError(400, "QueryNotTraversable", "b has no ids"), path)["message"]["query_graph"]["paths"]
{'p': {'subject': 'a', 'object': 'b', 'constraints': None}}
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from kg.translator import model as biolink
from kg.errors import ECHO_BYTES, TRAPIError

__all__ = ["TRAPI_VERSION", "PATHFINDER_VERSION", "MAX_DEPTH", "TRAPIError", "refusal", "log", "depth", "with_path_constraints", "echo"]

#: The TRAPI version lookups are answered in; 1.6 messages are accepted, and Pathfinder (a 1.6 query) answered in 1.6.
TRAPI_VERSION = "1.5.0"
PATHFINDER_VERSION = "1.6.0"
#: How deep a request's JSON may nest (a query graph needs about 10 levels).
MAX_DEPTH = 64


def log(level: str, message: str, code: str | None = None) -> dict:
    """A TRAPI log entry, stamped now."""
    entry = {"timestamp": datetime.now(timezone.utc).isoformat(), "level": level, "message": message}
    return {**entry, "code": code} if code else entry


def depth(value: Any) -> int:
    """How deep a JSON value nests, counted without recursion (and not past ``MAX_DEPTH + 1``)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        v, d = todo.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                todo += [(x, d + 1) for x in (v.values() if isinstance(v, dict) else v)]
    return deepest


def with_path_constraints(request: Any) -> Any:
    """The request with ``constraints: null`` on each Pathfinder path that names none (a copy), or the request itself
    when its query graph has no paths."""
    message = request.get("message") if isinstance(request, dict) else None
    qg = message.get("query_graph") if isinstance(message, dict) else None
    if not isinstance(qg, dict) or not isinstance(qg.get("paths"), dict):
        return request
    checked = json.loads(json.dumps(request))
    for qp in checked["message"]["query_graph"]["paths"].values():
        if isinstance(qp, dict):
            qp.setdefault("constraints", None)
    return checked


def echo(request: Any) -> dict | None:
    """The request's query graph as a refusal echoes it: as read (:func:`with_path_constraints`) when that is a valid
    TRAPI query graph, else None."""
    from pydantic import ValidationError
    from reasoner_pydantic import Message

    message = request.get("message") if isinstance(request, dict) else None
    qg = message.get("query_graph") if isinstance(message, dict) else None
    if not isinstance(qg, dict) or depth(qg) > MAX_DEPTH:
        return None
    try:
        if len(json.dumps(qg)) > ECHO_BYTES:  # a huge query graph is not echoed back, nor validated first
            return None
        qg = with_path_constraints({"message": {"query_graph": qg}})["message"]["query_graph"]
        Message.model_validate({"query_graph": qg})
    except (ValidationError, ValueError, TypeError, RecursionError):
        return None
    return qg


def refusal(exc: TRAPIError, request: Any = None) -> dict:
    """The refusal ``exc`` as a valid TRAPI response: the query graph as :func:`echo` gives it, an ERROR log with the
    code, and the sentence as ``description`` and ``detail`` (the API's error field)."""
    return {"message": {"query_graph": echo(request)},
            "logs": [log("ERROR", exc.message, exc.code)], "status": exc.code, "description": exc.message,
            "detail": exc.message, "schema_version": TRAPI_VERSION, "biolink_version": biolink.version()}
