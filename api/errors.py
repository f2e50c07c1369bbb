"""kg's typed failures as HTTP answers: one table, used by the app's exception handlers and by /sparql.

Each class answers its status and its own sentence; the more specific class comes first in :data:`STATUS`, and busy
answers say when to retry. Every error answer, these and FastAPI's own (an ``HTTPException``, a refused request),
passes through :func:`kg.errors.clip`: a long value of the client's input is echoed as a short prefix, never whole.
"""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.status import HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED

from api.heavy import HeavyBusy
from kg.errors import (LONGEST, AnswerTooLarge, EndpointError, EndpointTimeout, NotAcceptable, PoolBusy, QueryError,
                       QueryTimeout, ResultTooLarge, StoreError, UnknownContextError, UnknownEntity, WorkerDied, clip,
                       clip_data)

__all__ = ["STATUS", "status_of", "answer", "refused", "invalid", "install"]

#: Status of each typed failure, the more specific class first.
STATUS = {UnknownEntity: 404, UnknownContextError: 422, QueryError: 400, NotAcceptable: 406, ResultTooLarge: 413, AnswerTooLarge: 413, EndpointTimeout: 504, EndpointError: 502,
          StoreError: 500, QueryTimeout: 503, WorkerDied: 503, PoolBusy: 503, HeavyBusy: 503}
#: Seconds a client should wait before retrying, for the failures that mean "busy".
RETRY_AFTER = {PoolBusy: "2", HeavyBusy: "5"}


def status_of(exc: Exception) -> int:
    """The status of a typed failure (a class of :data:`STATUS` or a subclass)."""
    return next(code for cls, code in STATUS.items() if isinstance(exc, cls))


def answer(exc: Exception) -> JSONResponse:
    """The JSON answer ``{"detail": sentence}`` with the failure's status, and ``Retry-After`` when busy."""
    retry = next((v for cls, v in RETRY_AFTER.items() if isinstance(exc, cls)), None)
    return JSONResponse({"detail": clip(str(exc), LONGEST)}, status_code=status_of(exc),
                        headers={"Retry-After": retry} if retry else None)


def refused(exc: HTTPException) -> Response:
    """FastAPI's answer to an ``HTTPException`` (its status, detail and headers), every string of the detail clipped."""
    if exc.status_code in (HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return JSONResponse({"detail": clip_data(exc.detail)}, status_code=exc.status_code, headers=exc.headers)


def invalid(exc: RequestValidationError) -> JSONResponse:
    """422 for a request the route's types refuse: each error's type, location, message and input (a string, or the
    repr of anything else; at most 20 errors), every string clipped, so a huge input is never echoed whole."""
    found = [{k: clip_data(v if k != "input" or isinstance(v, str) else repr(v)) for k, v in e.items()
              if k not in ("ctx", "url")} for e in exc.errors()[:20]]
    return JSONResponse({"detail": found}, status_code=422)


def install(app) -> None:
    """Answer every class of :data:`STATUS` raised by a route with :func:`answer`, an ``HTTPException`` with
    :func:`refused` and a refused request with :func:`invalid`."""

    async def handler(_request, exc):
        return answer(exc)

    for cls in STATUS:
        app.add_exception_handler(cls, handler)

    async def http_handler(_request, exc):
        return refused(exc)

    async def invalid_handler(_request, exc):
        return invalid(exc)

    app.add_exception_handler(HTTPException, http_handler)
    app.add_exception_handler(RequestValidationError, invalid_handler)
