"""ASGI middleware of the HTTP API: a request-body limit, a check that a JSON body is Unicode text, security headers
on every response (a failure's 500 included), and the light routes' answers kept per store checksum.

All are plain ASGI (no per-request thread): the body limit answers 413 as soon
as ``Content-Length`` or the bytes received pass the limit, before any route
reads the body; a JSON body is read once and checked before the route parses
it; the headers are added to each response start; a kept answer is sent
without reaching a route.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict

from starlette.exceptions import HTTPException

from kg.errors import TRAPIError
from kg.translator import refusal

__all__ = ["AnswerCache", "BodyLimit", "JSONText", "SecurityHeaders", "SECURITY_HEADERS", "CSP", "lone_surrogate"]

#: What the pages need and no more: their own scripts and styles (inlined), data: and blob: images (PNG export).
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", CSP.encode()),
]


async def _send_json(send, status: int, detail: str, headers: list | None = None) -> None:
    """Send ``{"detail": detail}`` with ``status``."""
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every HTTP response; answer a failure no handler took (a bug) with a JSON 500
    that has them too, then let it reach the server's log with its traceback."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in SECURITY_HEADERS if h[0] not in present]
            await send(message)

        try:
            return await self.app(scope, receive, with_headers)
        except Exception:
            if not started:
                await _send_json(send, 500, "the server failed to answer this request; the failure is in its log",
                                 SECURITY_HEADERS)
            raise


#: A JSON escape: a \\uXXXX code unit (its hex digits captured) or any other backslash escape.
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
#: Content types whose body is not JSON, and so is not checked.
_NOT_JSON = (b"application/x-www-form-urlencoded", b"multipart/form-data", b"application/sparql-query",
             b"application/sparql-update")


def lone_surrogate(body: bytes) -> tuple[int, str] | None:
    """The byte offset and text of the first ``\\uD800``-``\\uDFFF`` escape of a JSON text that is not half of a
    surrogate pair (a high one followed at once by a low one), or None. JSON parsers in Python accept one, but it is no
    Unicode character: it can be neither written as UTF-8 nor answered.

    Examples
    --------
    >>> lone_surrogate(rb'{"a": ["\\ud800"]}'), lone_surrogate(rb'["\\ud83d\\ude00", "\\\\ud800"]')
    ((8, '\\\\ud800'), None)
    """
    if b"\\u" not in body:
        return None
    high = None  # the escape of a high surrogate waiting for its low half
    for m in _ESCAPE.finditer(body):
        unit = int(m.group(1), 16) if m.group(1) else None
        if high is not None:
            if unit is not None and 0xDC00 <= unit <= 0xDFFF and m.start() == high.end():
                high = None
                continue
            break
        if unit is not None and 0xD800 <= unit <= 0xDBFF:
            high = m
        elif unit is not None and 0xDC00 <= unit <= 0xDFFF:
            return m.start(), m.group(0).decode("ascii")
    return (high.start(), high.group(0).decode("ascii")) if high is not None else None


class JSONText:
    """Answer 400 to a request whose JSON body holds a lone UTF-16 surrogate escape (:func:`lone_surrogate`), before a
    route parses it: such a string could reach a route and then fail every answer that quotes it.

    A body with no content type or any but a form's or a SPARQL query's (the TRAPI route reads any) is read whole
    (the body limit, outside, bounds it), checked, and handed to the route as it came.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        # the first Content-Type, as Starlette reads it (a second one must not slip a JSON body past the check)
        kind = next((v for k, v in scope.get("headers", []) if k == b"content-type"), b"").split(b";")[0].strip().lower()
        if kind in _NOT_JSON:
            return await self.app(scope, receive, send)
        chunks, message = [], {"more_body": True}
        while message.get("more_body"):
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return await self.app(scope, _replay([message]), send)
            chunks.append(message.get("body", b""))
        body = b"".join(chunks)
        found = lone_surrogate(body)
        if found is not None:
            at, escape = found
            return await _send_json(send, 400, f"the JSON body holds a lone UTF-16 surrogate ({escape} at byte {at}), "
                                               "which is no Unicode character: send the text as UTF-8, or a character "
                                               "outside the Basic Multilingual Plane as a surrogate pair")
        return await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)


def _replay(messages: list, then=None):
    """A ``receive`` that gives ``messages`` first, then what ``then`` gives (a disconnect once the body is read)."""

    async def receive():
        if messages:
            return messages.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive


class _TooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException, so FastAPI's body parsing lets it through as a 413."""

    def __init__(self, max_body: int):
        super().__init__(413, f"the request body is larger than {max_body} bytes")


class BodyLimit:
    """Answer 413 to a request whose body is larger than ``max_body`` bytes, by its header or as it streams in, and
    414 to one whose query string is."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body

    async def _refuse(self, send, status: int = 413, what: str = "request body", path: str = "") -> None:
        sentence = f"the {what} is larger than {self.max_body} bytes"
        # a TRAPI client reads any answer of /trapi/ as a TRAPI Response
        answer = refusal(TRAPIError(status, "QueryTooLarge", sentence)) if path.startswith("/trapi/") else {"detail": sentence}
        body = json.dumps(answer).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if len(scope.get("query_string", b"")) > self.max_body:  # below the HTTP parser's own bound, when that is lower
            return await self._refuse(send, 414, "query string", path)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await self._refuse(send, path=path)
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge(self.max_body)
            return message

        async def tracking(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking)
        except _TooLarge:
            if not started:
                await self._refuse(send, path=path)


class AnswerCache:
    """Keep the answers of the light read routes and answer a repeated request from memory (plain ASGI).

    Every answer of these routes depends only on the request and on what the store holds, and an embedded store
    cannot change under a running server, so a ``200`` answer to a ``GET`` of a path under ``prefixes`` is kept under
    its method, path, query string and ``Accept`` header, beside the store's checksum (``app.state.checksum``, which the
    lifespan takes from :meth:`kg.OIHKG.about`, and leaves None for a remote endpoint, whose data may change: then
    nothing is kept). A repeat is sent from memory without a thread, a route or response validation, marked
    ``x-oihkg-cache: hit``. Bounded: at most ``max_items`` answers and ``max_bytes`` bytes in all (counted with their
    headers and keys), least recently used dropped first. An answer bigger than ``max_answer`` bytes, streamed, not
    200, or marked ``Cache-Control: no-store`` (a path search cut by its time budget) is answered and not kept, and so
    is any answer to a query string longer than ``max_query`` bytes.
    """

    def __init__(self, app, prefixes: tuple[str, ...] = ("/search", "/entities/", "/edges", "/paths", "/queries",
                                                          "/interventions", "/observations"),
                 max_items: int = 4096, max_bytes: int = 64 * 2**20, max_answer: int = 2**20, max_query: int = 2048):
        self.app, self.prefixes = app, prefixes
        self.max_items, self.max_bytes, self.max_answer, self.max_query = max_items, max_bytes, max_answer, max_query
        self._kept: OrderedDict[tuple, tuple[list, bytes]] = OrderedDict()
        self._size = 0

    def _key(self, scope) -> tuple | None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefixes):
            return None
        checksum = getattr(getattr(scope.get("app"), "state", None), "checksum", None)
        if checksum is None or len(scope.get("query_string", b"")) > self.max_query:
            return None  # not started, a store whose data may change (an endpoint), or a query string too long to keep
        accept = next((v for k, v in scope.get("headers", []) if k == b"accept"), b"")
        return checksum, scope["path"], scope.get("query_string", b""), accept

    @staticmethod
    def _cost(key: tuple, headers: list, body: bytes) -> int:
        """Bytes an entry holds: body, headers, key, and a fixed overhead."""
        return len(body) + sum(len(k) + len(v) for k, v in headers) + sum(len(str(x)) for x in key) + 256

    def _keep(self, key: tuple, headers: list, body: bytes) -> None:
        if key in self._kept:
            return
        self._kept[key] = (headers, body)
        self._size += self._cost(key, headers, body)
        while self._kept and (len(self._kept) > self.max_items or self._size > self.max_bytes):
            old, (old_headers, dropped) = self._kept.popitem(last=False)
            self._size -= self._cost(old, old_headers, dropped)

    async def __call__(self, scope, receive, send):
        key = self._key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            headers, body = kept
            await send({"type": "http.response.start", "status": 200, "headers": [*headers, (b"x-oihkg-cache", b"hit")]})
            await send({"type": "http.response.body", "body": body})
            return None
        start: dict = {}
        chunks: list[bytes] = []
        keep = True

        async def recording(message):
            nonlocal keep
            if message["type"] == "http.response.start":
                start.update(message)
                no_store = any(k.lower() == b"cache-control" and b"no-store" in v.lower() for k, v in message.get("headers", []))
                keep = message["status"] == 200 and not no_store  # a route marks an answer it must not keep
                message = {**message, "headers": [*message.get("headers", []), (b"x-oihkg-cache", b"miss")]}
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if message.get("more_body") or sum(map(len, chunks)) > self.max_answer:
                    keep = False
                elif start:
                    self._keep(key, list(start.get("headers", [])), b"".join(chunks))
            await send(message)

        return await self.app(scope, receive, recording)
