"""Answer SPARQL 1.1 Protocol requests: run once, negotiate the result format, serialize.

This module owns the protocol's side of a query: :func:`answer` runs in a
:class:`kg.endpoint.workers.QueryPool` worker (so a long query can be stopped), takes
the typed result of :meth:`kg.store.Store.query` (the same on every backend,
with the row limit applied), picks the best media type of that result's kind
with ``python-mimeparse`` (generic ones such as ``application/json`` read as
pyoxigraph reads them) and returns an :class:`kg.endpoint.workers.Answer`. Relative IRIs
are read against the request's URL; a query's own ``FROM`` holds when the
request names no dataset (:mod:`kg.store.text` reads the text). Failures
stay typed (:class:`NotAcceptable` here; :class:`kg.store.QuerySyntaxError`,
:class:`kg.store.ResultTooLarge`, :class:`kg.store.StoreError` from the store),
so the HTTP layer maps classes to status codes.

Examples
--------
>>> from kg.store import open_store
>>> ans = answer(open_store(), "ASK { ?s ?p ?o }", "application/sparql-results+xml", None, None, 10)
>>> ans.kind, ans.media_type
('boolean', 'application/sparql-results+xml')
"""

from __future__ import annotations

import re
from functools import lru_cache

import mimeparse
from pyoxigraph import QueryResultsFormat, RdfFormat

from kg.store import messages as store_messages
from kg.store.text import as_run, collect, functions, parse_algebra
from kg.store import GRAPH_TYPES, RESULT_TYPES, QueryError, QuerySyntaxError, ResultTooLarge, Store
from kg.endpoint.workers import Answer
from kg.errors import NotAcceptable, ServiceRefused, ExtensionRefused

__all__ = ["RESULT_TYPES", "GRAPH_TYPES", "ALIASES", "NotAcceptable", "ServiceRefused", "ExtensionRefused", "negotiate",
           "prefers_html", "services", "functions", "check_services", "check_extensions", "answer", "service_description"]


@lru_cache(maxsize=256)
def services(query: str) -> list[str] | None:
    """The endpoints of the query's SERVICE clauses, prefixes resolved (``?var`` for a variable one), or None when rdflib
    cannot read the query.

    Examples
    --------
    >>> services("PREFIX e: <http://ex/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }"), services("ASK {}")
    (['http://ex/x'], [])
    """
    algebra = parse_algebra(query)
    if algebra is None:
        return None
    found = collect(algebra, "ServiceGraphPattern", "term")
    return [f"?{t}" if t.__class__.__name__ == "Variable" else str(t) for t in found]


_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Virtuoso's namespaces of built-in functions and SQL procedures, which are refused wherever they stand.
_VENDOR_NS = re.compile(r"\b(?:bif|sql):", re.IGNORECASE)
#: What an unreadable query may hide: a call of a function by IRI, a pragma.
_VENDOR = re.compile(r">\s*\(|^\s*define\b", re.IGNORECASE | re.MULTILINE)


def check_extensions(query: str) -> None:
    """Refuse, for a query sent on to an endpoint, what could make the endpoint run its own functions (Virtuoso's
    ``bif:http_get`` fetches a URL): ``\\u`` escapes (rdflib reads them everywhere, Virtuoso only in strings, so the
    two would see different queries), any mention of ``bif:`` or ``sql:``, any call of a function by IRI other than
    an XSD cast (standard SPARQL has no other; every FILTER is searched, inside ``EXISTS`` too), and, in a query rdflib
    cannot read, a call by IRI or a leading ``define`` pragma.

    Raises
    ------
    ExtensionRefused
        Naming the function, or saying why the query could not be checked.
    """
    if _ESCAPE.search(query):
        raise ExtensionRefused("\\u escapes are not passed on to an endpoint, which may read them otherwise than this "
                               "server's check: write the characters themselves")
    if _VENDOR_NS.search(query):
        raise ExtensionRefused("the endpoint's own function namespaces (bif:, sql:) are not passed on: an endpoint's own "
                               "functions may fetch or run code")
    called = functions(query)
    if called is None:
        if _VENDOR.search(query):
            raise ExtensionRefused("the query could not be checked for calls of the endpoint's own functions or "
                                   "pragmas (a function IRI, define), which this server does not pass on")
        return
    foreign = [f for f in called if not f.startswith(_XSD)]
    if foreign:
        raise ExtensionRefused(f"the function <{foreign[0][:200]}> is not passed on to the endpoint: only SPARQL's own "
                               "functions and XSD casts are (an endpoint's own functions may fetch or run code)")


#: An IRI reference: no space, quote or brace can occur in one, so no SERVICE clause can hide in it.
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_SERVICE = re.compile(r"(?<![A-Za-z0-9_:?$])service(?![A-Za-z0-9_:-])", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _mentions(text: str) -> int:
    """How many times ``service`` stands as a word in ``text`` outside IRIs, its ``\\u`` escapes read either way."""
    expanded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    return max(len(_SERVICE.findall(_IRIREF.sub("", t))) for t in (text, expanded))


def check_services(query: str, allowed: tuple[str, ...] = ()) -> None:
    """Refuse a query whose SERVICE clauses name an endpoint outside ``allowed`` (a variable one is never allowed).

    The clauses are found with rdflib's parser; the query runs on another parser, so the check does not trust the
    first alone: a query where the word ``service`` stands (outside IRIs, ``\\u`` escapes read either way) more often
    than rdflib found clauses — in a string, say — is refused too, as is one rdflib cannot read that mentions it.

    Raises
    ------
    ServiceRefused
        Naming the clause, or saying why the query could not be checked.
    """
    mentions = _mentions(query)
    if not mentions:
        return
    found = services(query)
    if found is None:
        raise ServiceRefused("the query mentions SERVICE but could not be checked for SERVICE clauses; "
                             "no outbound request is made on a query's behalf")
    refused = [s for s in found if s not in allowed]
    if refused:
        raise ServiceRefused(f"SERVICE <{refused[0][:200]}> is refused: no outbound request is made on a query's behalf "
                             "(a server's operator may allow endpoints with oihkg serve --allow-service)")
    if mentions > len(found):
        raise ServiceRefused("the query has the word SERVICE outside its SERVICE clauses (in a string or a name?), so it "
                             "cannot be checked for outbound requests; none is made on a query's behalf")


#: Generic media types a client may ask for, each answered in the format pyoxigraph reads it as, as the Oxigraph
#: server answers it: ``application/json`` as SPARQL JSON results or JSON-LD, ``text/plain`` as CSV or N-Triples,
#: ``application/xml`` as SPARQL XML results or RDF/XML.
ALIASES = ("application/json", "text/plain", "application/xml", "text/xml", "text/json", "text/tsv")


def _canonical(media: str, offered: tuple[str, ...] | list[str]) -> str | None:
    """The one of ``offered`` that pyoxigraph reads ``media`` as (results or a graph), or None."""
    for fmt in (QueryResultsFormat.from_media_type(media), RdfFormat.from_media_type(media)):
        media_type = fmt.media_type.split(";")[0] if fmt is not None else None  # "text/csv; charset=utf-8"
        if media_type in offered:
            return media_type
    return None


def negotiate(accept: str | None, offered: tuple[str, ...] | list[str]) -> str:
    """The best of ``offered`` (preferred first, then :data:`ALIASES` of them) for an ``Accept`` header, as one of
    ``offered``; :class:`NotAcceptable` if none.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    'application/sparql-results+xml'
    >>> negotiate("application/json", RESULT_TYPES), negotiate("application/json", GRAPH_TYPES)
    ('application/sparql-results+json', 'application/ld+json')
    >>> negotiate("text/plain", RESULT_TYPES), negotiate("text/plain", GRAPH_TYPES)
    ('text/csv', 'application/n-triples')
    """
    if not accept or accept.strip() in {"*/*", ""}:
        return offered[0]
    return _negotiate(accept, tuple(offered))


@lru_cache(maxsize=512)
def _negotiate(accept: str, offered: tuple[str, ...]) -> str:
    """:func:`negotiate`, kept per header: a client sends the same ``Accept`` with each query, and reading it costs a
    third of a short query's Python work (a refusal is not kept, and asked again)."""
    candidates = [*offered, *(a for a in ALIASES if _canonical(a, offered))]
    try:
        best = mimeparse.best_match(list(reversed(candidates)), accept)
    except ValueError:
        raise QueryError(f"the Accept header {accept[:200]!r} is malformed") from None
    if not best:
        raise NotAcceptable(f"none of {', '.join(offered)} is acceptable to 'Accept: {accept[:200]}'")
    return best if best in offered else _canonical(best, offered)


def prefers_html(accept: str | None) -> bool:
    """Whether an ``Accept`` header asks for a page (a browser) rather than results or a graph: it names
    ``text/html`` and ranks it above every SPARQL result and graph type. A client that names no type, or ``*/*``,
    gets results as before.

    Examples
    --------
    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers_html("application/sparql-results+json,*/*;q=0.9"), prefers_html("*/*"), prefers_html(None)
    (False, False, False)
    >>> prefers_html("application/sparql-results+json, text/html"), prefers_html("TEXT/HTML")  # a tie is not a browser
    (False, True)
    """
    accept = (accept or "").lower()
    if "text/html" not in accept:
        return False
    try:
        offered = (*RESULT_TYPES, *GRAPH_TYPES, *ALIASES)
        return mimeparse.quality("text/html", accept) > max(mimeparse.quality(t, accept) for t in offered)
    except ValueError:
        return False


def answer(store: Store, query: str, accept: str | None, default_graphs: list[str] | None,
           named_graphs: list[str] | None, limit: int, allowed_services: tuple[str, ...] = (),
           max_bytes: int | None = None, base: str | None = None) -> Answer:
    """Run ``query`` once on ``store`` and serialize it in the best acceptable format; at most ``limit`` rows (or
    triples) and ``max_bytes`` bytes.

    A SERVICE clause to an endpoint outside ``allowed_services`` is refused before anything runs. Relative IRIs are
    read against ``base`` (the request's URL, as the Oxigraph server reads them). A query sent on to an endpoint must
    parse as the embedded store parses it (every backend takes and refuses the same syntax) and call no function of
    the endpoint's own (:func:`check_extensions`). The query's own dataset (``FROM``, ``FROM NAMED``) holds unless
    ``default_graphs`` or ``named_graphs`` are given (SPARQL 1.1 Protocol).

    Raises
    ------
    kg.store.QuerySyntaxError
        The parser's message, for malformed SPARQL.
    kg.store.ResultTooLarge
        More than ``limit`` rows or triples, or more than ``max_bytes`` bytes.
    ServiceRefused
        A SERVICE clause the operator did not allow.
    NotAcceptable, kg.store.StoreError
    """
    check_services(query, allowed_services)
    remote = store.selector.startswith("sparql:")
    if remote:
        check_extensions(query)
    try:
        query = as_run(query, base, check=remote)
    except SyntaxError as exc:
        raise QuerySyntaxError(store_messages.syntax(query, str(exc))) from None
    kind, media, body = store.answer(query, lambda offered: negotiate(accept, offered), default_graphs=default_graphs,
                                     named_graphs=named_graphs, limit=limit)
    if max_bytes is not None and len(body) > max_bytes:
        raise ResultTooLarge(f"the answer is larger than {max_bytes:,} bytes; add a LIMIT or select less")
    return Answer(kind, media, body)


def service_description(endpoint_url: str) -> str:
    """A SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    formats = " ,\n        ".join(
        f"<http://www.w3.org/ns/formats/{f}>" for f in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                                         "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD"))
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{endpoint_url}> a sd:Service ;
    rdfs:label "oihkg SPARQL endpoint (read-only)" ;
    sd:endpoint <{endpoint_url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat {formats} ;
    sd:defaultDataset [
        a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ; rdfs:comment "union of the asserted, inferred and merged (oihkg load) graphs" ] ;
        sd:namedGraph [ a sd:NamedGraph ; sd:name <https://w3id.org/oihkg/graph/asserted> ] ,
                      [ a sd:NamedGraph ; sd:name <https://w3id.org/oihkg/graph/inferred> ]
    ] .
"""
