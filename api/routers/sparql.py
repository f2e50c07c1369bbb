"""GET, POST /sparql: the SPARQL 1.1 Protocol, read-only, with content negotiation and a query deadline; a browser
gets the query editor (YASGUI, installed from npm at setup and served from here), fed by /sparql/completions."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, unquote_to_bytes

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.routing import APIRoute
from starlette.datastructures import URL

from api import errors
from api.deps import KG, client_key, client_of
from api.middleware import SECURITY_HEADERS
from api.schemas import SPARQL_EXAMPLE
from kg.endpoint import prefers_html, service_description

router = APIRouter(tags=["sparql"])
log = logging.getLogger("oihkg.sparql")

RESPONSES = {
    200: {"description": "results (JSON, XML, CSV, TSV) or a graph (Turtle, N-Triples, RDF/XML, JSON-LD), generic types "
                         "answered as Oxigraph answers them (application/json: JSON results or JSON-LD; text/plain: CSV "
                         "or N-Triples); a service description in Turtle without a query",
          "content": {m: {} for m in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                      "text/tab-separated-values", "text/turtle", "application/n-triples",
                                      "application/rdf+xml", "application/ld+json")}},
    400: {"description": "malformed SPARQL: the parser's message"},
    403: {"description": "updates are refused: the endpoint is read-only"},
    406: {"description": "no acceptable result format"},
    413: {"description": "the result has more rows than the configured row limit, or more bytes than the answer limit"},
    500: {"description": "the query failed while running"},
    502: {"description": "the SPARQL endpoint behind this server failed"},
    503: {"description": "the query ran longer than the configured timeout and was stopped, its worker died, or every "
                         "worker stayed busy (with Retry-After)"},
    504: {"description": "the SPARQL endpoint behind this server did not answer in time"},
}
#: The answer of /sparql depends on Accept (a page for a browser, results or a graph otherwise).
VARY = {"Vary": "Accept"}


async def _run(request: Request, query: str, accept: str | None, dg: list[str], ng: list[str]) -> Response:
    base = str(request.url.replace(query="", fragment=""))  # relative IRIs are read against it, as Oxigraph reads them
    return await _answer(request.app.state, query, accept, dg, ng, base, client_of(request))


async def _answer(state, query: str, accept: str | None, dg: list[str], ng: list[str], base: str,
                  client: str | None) -> Response:
    """One query run in ``client``'s turn at the workers, answered: the results, or its failure as the API answers
    failures (a typed one by :func:`api.errors.answer`; any other logged, and a 500 in the same shape)."""
    try:
        ans = await state.endpoint.query(query, accept, dg, ng, base, client)
    except tuple(errors.STATUS) as exc:
        return errors.answer(exc)
    except Exception:  # noqa: BLE001 - an untyped failure: logged, and answered in the API's error shape
        log.exception("SPARQL query failed")
        return errors.refused(HTTPException(500, "the query failed inside the server"))
    return Response(ans.body, media_type=ans.media_type, headers=VARY)


async def fast_lane(app, scope, receive, send) -> bool:
    """Answer the common ``/sparql`` request straight from the ASGI scope; False (nothing sent) for any other.

    The common request is a GET with one ``query``, no ``update``, parameters in UTF-8, no ``Origin`` (CORS) and an
    ``Accept`` that does not ask for the editor: what pipelines send many times a second. Routing, the framework's
    and the app's middleware, request and response objects cost the event loop about 40 % of its CPU per such query
    (``bench/bench_sparql.py``); this answers it as :func:`sparql_get` does — the same query run, the same answer,
    the same failures (:func:`api.errors.answer`), :data:`api.middleware.SECURITY_HEADERS` — and leaves anything
    else, and the OpenAPI route, to the framework.
    """
    if scope["method"] != "GET" or scope["path"] != "/sparql" or not hasattr(app.state, "endpoint"):
        return False
    raw = scope.get("query_string", b"")
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return False  # the route says which parameter is not UTF-8
    names = [k for k, _ in pairs]
    accept = origin = host = None
    for k, v in scope["headers"]:
        if k == b"accept":
            accept = v.decode("latin-1")
        elif k == b"origin":
            origin = v
        elif k == b"host":
            host = v.decode("latin-1")
    if names.count("query") != 1 or "update" in names or origin is not None or prefers_html(accept):
        return False
    params: dict[str, list[str]] = {}
    for k, v in pairs:
        params.setdefault(k, []).append(v)
    # the request's URL, as Starlette's request.url gives it to the route: relative IRIs are read against it
    base = (f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}" if host
            else str(URL(scope=scope).replace(query="", fragment="")))
    response = await _answer(app.state, params["query"][0], accept, params.get("default-graph-uri", []),
                             params.get("named-graph-uri", []), base,
                             client_key(scope["client"][0] if scope.get("client") else None))
    present = {k for k, _ in response.raw_headers}
    response.raw_headers += [h for h in SECURITY_HEADERS if h[0] not in present]  # what the middleware would add
    await response(scope, receive, send)
    return True


def _refuse_update() -> None:
    raise HTTPException(403, "this SPARQL endpoint is read-only; updates are refused")


#: The protocol's own parameters, which must be UTF-8 (others, such as a tracking tag, are not read).
PROTOCOL_PARAMS = (b"query", b"default-graph-uri", b"named-graph-uri")


def _strict(request: Request, form: dict[str, list[str]] | None = None) -> None:
    """The protocol's rules that a lenient parse would hide: one query, and the protocol's parameters in UTF-8
    (400 otherwise)."""
    for part in request.scope.get("query_string", b"").split(b"&"):
        name, _, value = part.partition(b"=")
        if unquote_to_bytes(name.replace(b"+", b" ")) not in PROTOCOL_PARAMS:
            continue
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, f"the {name.decode('latin-1')!r} parameter is not UTF-8 (percent-encode the UTF-8 "
                                     "bytes)") from None
    queries = len(request.query_params.getlist("query")) + len((form or {}).get("query", []))
    if queries > 1:
        raise HTTPException(400, f"the request gives {queries} queries; give exactly one 'query' parameter")


_EDITOR = Path(__file__).resolve().parent.parent / "editor"
#: Where ``npm ci`` put the editor's assets: api/static of the source tree (scripts/setup.sh), or OIHKG_STATIC.
STATIC = Path(os.environ.get("OIHKG_STATIC") or Path(__file__).resolve().parent.parent / "static")
_YASGUI = STATIC / "node_modules" / "@zazuko" / "yasgui" / "build"
NOT_INSTALLED = (f"the SPARQL editor's assets are not installed in {STATIC}: run `bash scripts/setup.sh` (npm ci in "
                 "api/static), or point OIHKG_STATIC at a folder where `npm ci` ran")
#: The editor's files: its own page, script and style, and YASGUI's build (installed by scripts/setup.sh with npm ci).
EDITOR_ASSETS = {
    "editor.js": (_EDITOR / "editor.js", "text/javascript"),
    "editor.css": (_EDITOR / "editor.css", "text/css"),
    "yasgui.min.js": (_YASGUI / "yasgui.min.js", "text/javascript"),
    "yasgui.min.css": (_YASGUI / "yasgui.min.css", "text/css"),
}


def _editor_page() -> HTMLResponse:
    if not all(path.is_file() for path, _ in EDITOR_ASSETS.values()):
        raise HTTPException(503, NOT_INSTALLED)
    return HTMLResponse((_EDITOR / "editor.html").read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache", **VARY})


@router.get("/sparql/editor/{name}", include_in_schema=False)
async def editor_asset(name: str) -> FileResponse:
    """One file of the query editor: its own script and style, or YASGUI's (from npm, never a CDN)."""
    if name not in EDITOR_ASSETS:
        raise HTTPException(404, f"the editor has no file {name[:80]!r}")
    path, media = EDITOR_ASSETS[name]
    if not path.is_file():
        raise HTTPException(503, NOT_INSTALLED)
    return FileResponse(path, media_type=media, headers={"Cache-Control": "no-cache"})


@router.get("/sparql/completions")
async def completions(request: Request, kg: KG) -> Response:
    """What the query editor completes and offers, read from the served graph: ``prefixes``, ``entities`` (id, IRI,
    the term as SPARQL writes it, label, synonyms, type), ``schema`` (classes and relations) and ``examples`` (the
    named queries, their parameters as a VALUES block to edit). Read from the store once per server (the catalog
    keeps it) and answered with an ETag that is a digest of the answer, so it changes with the store and a browser
    fetches it again only then."""
    body = await request.app.state.heavy.get(("completions",), lambda: json.dumps(kg.completions()).encode())
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    asked = [t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")]
    if etag in asked or "*" in asked:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag, "Cache-Control": "no-cache"})


class ProtocolRoute(APIRoute):
    """A route whose endpoint takes the request alone and reads the SPARQL protocol's parameters itself.

    FastAPI resolves, converts and validates an endpoint's declared parameters on every request; for ``/sparql``, a
    route taken by pipelines many times a second, that work cost a third of its throughput (the mix of
    ``bench/bench_sparql.py``: 681 req/s with it, 909 without). The parameters are documented in the OpenAPI schema
    through ``openapi_extra`` instead, and the protocol's rules are checked by hand (:func:`_strict`). No dependency
    runs for these routes: one declared on the route or its router is refused at start; the app declares none.
    """

    def get_route_handler(self):
        if self.dependencies or self.dependant.dependencies:  # they would be skipped: refuse at start, not per request
            raise TypeError(f"{self.path}: a ProtocolRoute runs no dependency; declare none on it or on its router")
        endpoint = self.endpoint

        async def handle(request: Request) -> Response:
            return await endpoint(request)

        return handle


#: The routes of the protocol itself; registered before every other router (:func:`api.main.create_app`).
protocol = APIRouter(tags=["sparql"], route_class=ProtocolRoute)


def _param(name: str, where: str, description: str, many: bool = False, example: str | None = None) -> dict:
    schema = {"type": "array", "items": {"type": "string"}} if many else {"type": "string"}
    return {"name": name, "in": where, "required": False, "description": description, "schema": schema,
            **({"style": "form", "explode": True} if many else {}), **({"example": example} if example else {})}


GRAPH_PARAMS = [_param("default-graph-uri", "query", "a graph of the default graph (repeat for more); the union of "
                       "the served graphs when absent", many=True),
                _param("named-graph-uri", "query", "a graph that GRAPH may reach (repeat for more)", many=True),
                _param("Accept", "header", "the result or graph format wanted; text/html first asks for the editor")]


@protocol.get("/sparql", response_class=Response, responses=RESPONSES, openapi_extra={"parameters": [
    _param("query", "query", "the SPARQL query", example=SPARQL_EXAMPLE), *GRAPH_PARAMS, _param("update", "query", "refused")]})
async def sparql_get(request: Request) -> Response:
    """Query by GET; without ``query``, the service description; a browser (``Accept`` ranking ``text/html`` first)
    gets the query editor, with the query of the URL in it."""
    params = request.query_params
    if "update" in params:
        _refuse_update()
    _strict(request)
    accept = request.headers.get("accept")
    if prefers_html(accept):
        return _editor_page()
    query = params.get("query")
    if query is None:
        return Response(service_description(str(request.url_for("sparql_get"))), media_type="text/turtle", headers=VARY)
    return await _run(request, query, accept, params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))


@protocol.post("/sparql", response_class=Response, responses=RESPONSES, openapi_extra={
    "parameters": GRAPH_PARAMS,
    "requestBody": {"content": {
        "application/sparql-query": {"schema": {"type": "string"}, "example": SPARQL_EXAMPLE},
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "query": {"type": "string"}, "default-graph-uri": {"type": "string"}, "named-graph-uri": {"type": "string"}},
            "required": ["query"]}, "example": {"query": SPARQL_EXAMPLE}},
    }}})
async def sparql_post(request: Request) -> Response:
    """Query by POST, form-encoded (``query=``) or directly (``application/sparql-query``); updates are refused."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/sparql-update":
        _refuse_update()
    if ctype not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise HTTPException(415, "POST application/sparql-query or application/x-www-form-urlencoded")
    try:
        body = (await request.body()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(400, f"the request body is not UTF-8 (byte {exc.start}): send the query as UTF-8") from None
    dg, ng = request.query_params.getlist("default-graph-uri"), request.query_params.getlist("named-graph-uri")
    if ctype == "application/sparql-query":
        _strict(request, {"query": [body]})
        query = body
    else:
        form = parse_qs(body, keep_blank_values=True, errors="surrogateescape")
        for name in PROTOCOL_PARAMS:
            for value in form.get(name.decode(), []):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise HTTPException(400, f"the form's {name.decode()!r} field is not UTF-8 (percent-encode the UTF-8 "
                                             "bytes)") from None
        if "update" in form:
            _refuse_update()
        _strict(request, form)
        if "query" not in form:
            raise HTTPException(400, "the form has no 'query' field")
        query = form["query"][0]
        dg += form.get("default-graph-uri", [])
        ng += form.get("named-graph-uri", [])
    return await _run(request, query, request.headers.get("accept"), dg, ng)
