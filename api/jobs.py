"""Heavy work the query workers run for the HTTP API (:class:`kg.endpoint.workers.QueryPool` jobs): TRAPI answers and plots.

Each job is a function of the worker's own store, sent by reference to a worker process, so it runs in a client's
turn like a SPARQL query (:mod:`kg.endpoint.fairshare`), under the same memory limit and a deadline (the SPARQL timeout, at
least :data:`DEADLINE`), and away from the server's event loop. The knowledge graph over a worker's store is opened at the first job that needs it and kept for the
worker's life (the store does not change under a running server); not before, since a worker stopped at a query's
deadline is replaced at once, and preparing each replacement would cost a core under a client looping slow queries.
"""

from __future__ import annotations

import json
import math
from typing import Any

from kg import OIHKG
from kg import plot as draw
from kg.errors import TRAPIError
from kg.translator import refusal

__all__ = ["trapi", "plot", "DEADLINE"]

#: Seconds a job may run at least, whatever the SPARQL timeout: a worker's first job opens the graph (about 1.5 s).
DEADLINE = 30.0

_OPEN: dict[int, OIHKG] = {}  # the graph over this worker's store, by the store's id


def _kg(store) -> OIHKG:
    if id(store) not in _OPEN:
        _OPEN.clear()  # a worker has one store
        _OPEN[id(store)] = OIHKG(store)
    return _OPEN[id(store)]


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:40]} is too large a number")
    return value


def _parse(raw: bytes) -> Any:
    """The body as JSON, or :class:`TRAPIError` (400) for bytes that are not: bad UTF-8, bad syntax, NaN or Infinity,
    a number too large for a float, nesting too deep to read."""
    try:
        return json.loads(raw, parse_constant=_not_json, parse_float=_finite)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = "it nests too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        raise TRAPIError(400, "InvalidJSON", f"the body is not JSON: {reason}") from None


def trapi(store, raw: bytes) -> tuple[int, bytes]:
    """A TRAPI answer to the request body ``raw`` as ``(status, JSON bytes)``: 200 with the response, or the TRAPI
    error response of a refused query (400 for a body that is not JSON, 413, 501) with its status. The body is read
    here, not in the server: a waiting request holds its bytes only, and reading it costs the server nothing."""
    body = None
    try:
        body = _parse(raw)
        return 200, json.dumps(_kg(store).trapi.query(body)).encode()
    except TRAPIError as exc:
        return exc.status, json.dumps(refusal(exc, body)).encode()


def plot(store, scenario: dict[str, Any], fmt: str) -> bytes:
    """The simulation of ``scenario`` (keywords of :meth:`kg.OIHKG.simulate`) drawn as ``fmt`` (png or svg); a bad
    scenario raises as :meth:`kg.OIHKG.simulate` does (the exceptions travel back whole)."""
    return draw(_kg(store).simulate(**scenario), fmt)
