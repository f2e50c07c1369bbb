"""ASGI middleware of the HTTP API: a request-body limit and security headers on every response.

Both are plain ASGI (no per-request thread or body copy): the body limit
answers 413 as soon as ``Content-Length`` or the bytes received pass the limit,
before any route reads the body; the headers are added to each response start.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException

__all__ = ["BodyLimit", "SecurityHeaders", "SECURITY_HEADERS", "CSP"]

#: What the pages need and no more: their own scripts and styles (inlined), data: and blob: images (PNG export).
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", CSP.encode()),
]


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in SECURITY_HEADERS if h[0] not in present]
            await send(message)

        return await self.app(scope, receive, with_headers)


class _TooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException, so FastAPI's body parsing lets it through as a 413."""

    def __init__(self, max_body: int):
        super().__init__(413, f"the request body is larger than {max_body} bytes")


class BodyLimit:
    """Answer 413 to a request whose body is larger than ``max_body`` bytes, by its header or as it streams in."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body

    async def _refuse(self, send) -> None:
        body = json.dumps({"detail": f"the request body is larger than {self.max_body} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await self._refuse(send)
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
                await self._refuse(send)
