"""kg's typed failures as HTTP answers: one table, used by the app's exception handlers and by /sparql.

Each class answers its status and its own sentence (none quotes more than a few hundred characters of the
client's input); the more specific class comes first in :data:`STATUS`, and busy answers say when to retry.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from api.heavy import HeavyBusy
from kg.contexts import UnknownContextError
from kg.sparql import NotAcceptable
from kg.store import (
    EndpointError,
    EndpointTimeout,
    QueryError,
    ResultTooLarge,
    StoreError,
)
from kg.workers import AnswerTooLarge, PoolBusy, QueryTimeout, WorkerDied

__all__ = ["STATUS", "status_of", "answer", "install"]

#: Status of each typed failure, the more specific class first.
STATUS = {UnknownContextError: 422, QueryError: 400, NotAcceptable: 406, ResultTooLarge: 413, AnswerTooLarge: 413, EndpointTimeout: 504, EndpointError: 502,
          StoreError: 500, QueryTimeout: 503, WorkerDied: 503, PoolBusy: 503, HeavyBusy: 503}
#: Seconds a client should wait before retrying, for the failures that mean "busy".
RETRY_AFTER = {PoolBusy: "2", HeavyBusy: "5"}
#: Longest message answered.
LONGEST = 2000


def status_of(exc: Exception) -> int:
    """The status of a typed failure (a class of :data:`STATUS` or a subclass)."""
    return next(code for cls, code in STATUS.items() if isinstance(exc, cls))


def answer(exc: Exception) -> JSONResponse:
    """The JSON answer ``{"detail": sentence}`` with the failure's status, and ``Retry-After`` when busy."""
    retry = next((v for cls, v in RETRY_AFTER.items() if isinstance(exc, cls)), None)
    return JSONResponse({"detail": str(exc)[:LONGEST]}, status_code=status_of(exc),
                        headers={"Retry-After": retry} if retry else None)


def install(app) -> None:
    """Answer every class of :data:`STATUS` raised by a route with :func:`answer`."""

    async def handler(_request, exc):
        return answer(exc)

    for cls in STATUS:
        app.add_exception_handler(cls, handler)
