"""Every typed failure of ``kg``, in one table, and what a failure's sentence may echo of its input.

The failures are the classes below; each module raises them and ``api.errors`` maps this one table to HTTP statuses.
Messages name what they refuse (``no entity has the id, label or synonym 'X'``), and ``X`` is the client's input,
which may be as large as the request allows. :func:`clip` cuts every long run of the message (a quoted value, or
characters without a space) to its first :data:`QUOTE` characters and bounds the whole message; :func:`clip_data`
does so for every string of a JSON-like value (a list of validation errors, a TRAPI query graph echoed with a
refusal). Both also write a lone UTF-16 surrogate, which no JSON encoder can write as UTF-8, as its ``\\udXXX``
escape, so an error answer can always be sent.

Examples
--------
>>> clip("no entity has the id, label or synonym '" + "x" * 5000 + "'")[-30:]
"xxxxxxxxx…' (5,000 characters)"
>>> len(clip("no entity has the id, label or synonym '" + "x" * 5000 + "'"))
161
>>> clip("a short message stays as it is")
'a short message stays as it is'
>>> clip_data({"detail": ["\\ud800"]})
{'detail': ['\\\\ud800']}
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["QUOTE", "LONGEST", "ECHO_BYTES", "clip", "clip_data", "without_credentials", "ReadOnlyModel", "BuildError",
           "InconsistentOntologyError", "NoFixpoint", "UnknownContextError", "StoreError", "EndpointError",
           "EndpointTimeout", "QueryError", "QuerySyntaxError", "ResultTooLarge", "WrongQueryForm",
           "QueryFileError", "SparqlSyntaxError", "UnknownEntity", "AmbiguousEntity", "NotAcceptable",
           "ServiceRefused", "ExtensionRefused", "QueryTimeout", "QueryFailed", "WorkerDied",
           "AnswerTooLarge", "PoolBusy", "ShareFull", "LoadError", "ModelInputError", "UnknownFormat",
           "TRAPIError", "VirtuosoError"]

#: Most characters of one quoted value (or one run without a space) a message echoes.
QUOTE = 100
#: Most characters of a whole message.
LONGEST = 2000
#: Largest structure (as JSON) an error answer echoes, such as a TRAPI query graph.
ECHO_BYTES = 16_384
#: Nesting deeper than this is not echoed.
_DEPTH = 64
#: A quoted value, or a run without a space, longer than QUOTE.
_LONG = re.compile(r"""(['"])([^'"]{%d,}?)\1|\S{%d,}""" % (QUOTE + 1, QUOTE + 1))


def _cut(match: re.Match) -> str:
    quote, inner = match.group(1), match.group(2)
    if quote:
        return f"{quote}{inner[:QUOTE]}…{quote} ({len(inner):,} characters)"
    return f"{match.group(0)[:QUOTE]}… ({len(match.group(0)):,} characters)"


def clip(text: str, longest: int = LONGEST) -> str:
    """``text`` with each quoted value or run without a space longer than :data:`QUOTE` cut to its first
    :data:`QUOTE` characters (its length said), at most ``longest`` characters in all, lone surrogates escaped."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > QUOTE:
        text = _LONG.sub(_cut, text)
    if len(text) > longest:
        text = f"{text[:longest]}… ({len(text) - longest:,} more characters)"
    return text


def clip_data(value: Any, depth: int = 0) -> Any:
    """``value`` with every string (keys included) passed through :func:`clip`; lists, tuples and dicts followed
    :data:`_DEPTH` levels deep (deeper ones answered as None)."""
    if isinstance(value, str):
        return clip(value)
    if depth > _DEPTH:
        return None
    if isinstance(value, dict):
        return {clip(str(k)): clip_data(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clip_data(v, depth + 1) for v in value]
    return value


#: The user name and password of a URL (its authority up to the last ``@``), wherever a URL starts in a text.
_CREDENTIALS = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s@]*(?::[^/?#\s@]*)?@")


def without_credentials(text: str) -> str:
    """``text`` with the user name and password of every URL in it removed: what a message about an endpoint shows.

    >>> without_credentials("SPARQL endpoint http://u:p@host:7878/query unreachable")
    'SPARQL endpoint http://host:7878/query unreachable'
    """
    return _CREDENTIALS.sub(r"\1", str(text))


# The failures, lowest layer first: the model's files, the reasoner, contexts, the store, named queries, the
# SPARQL endpoint and its workers, merging, the simulator, exports and TRAPI.

class ReadOnlyModel(Exception):
    """A command would write into the model installed with the package; it names ``oihkg init`` instead."""


class BuildError(Exception):
    """Raised when the curated sources are invalid; carries every problem found (each a
    :class:`kg.compile.rows.Problem`)."""

    def __init__(self, problems: Iterable[object]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InconsistentOntologyError(Exception):
    """The ontology is inconsistent or has unsatisfiable classes.

    ``axioms`` lists, in readable form, the axioms that together cause it.
    """

    def __init__(self, message: str, axioms: list[str]):
        self.axioms = axioms
        super().__init__(message + ("\n  " + "\n  ".join(axioms) if axioms else ""))


class NoFixpoint(RuntimeError):
    """The rules still derived new triples after the most rounds allowed."""


class UnknownContextError(ValueError):
    """A context named by a client is none of the model's contexts."""


class StoreError(Exception):
    """The backend could not answer: the query failed while running."""


class EndpointError(StoreError):
    """The SPARQL endpoint behind a :class:`RemoteStore` failed: unreachable, an HTTP error, an answer that does not parse.

    Its message never shows a URL's user name or password (it reaches clients: /health, 502 and 504 answers)."""

    def __init__(self, message: str = ""):
        super().__init__(without_credentials(message))


class EndpointTimeout(EndpointError):
    """The SPARQL endpoint behind a :class:`RemoteStore` did not answer in time."""


class QueryError(ValueError):
    """The query cannot run as given: a dataset IRI that is no IRI, a bound variable outside the projection, or a
    query the endpoint refused (its 400); the message says which."""


class QuerySyntaxError(QueryError):
    """SPARQL the backend's parser refuses; the message is the parser's."""


class ResultTooLarge(Exception):
    """The result has more rows (or triples) than the limit the caller set."""


class WrongQueryForm(TypeError):
    """A query of one form was given where another is needed (e.g. an ASK to :meth:`Store.select`)."""


class QueryFileError(ValueError):
    """A named query file has a bad header or bad SPARQL; the message names the file."""


class SparqlSyntaxError(QuerySyntaxError):
    """SPARQL that does not parse; ``line`` and ``column`` locate the problem."""

    def __init__(self, message: str, line: int, column: int, source: str = "query"):
        self.line, self.column, self.source = line, column, source
        super().__init__(f"{source}: SPARQL syntax error at line {line}, column {column}: {message}")


class UnknownEntity(LookupError):
    """No entity has the given CURIE, IRI, label or synonym."""


class AmbiguousEntity(LookupError):
    """A label or synonym names several entities; ``candidates`` lists ``(curie, label)``."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]):
        self.name, self.candidates = name, candidates
        listed = ", ".join(f"{c} ({lab})" for c, lab in candidates)
        super().__init__(f"{name!r} names several entities: {listed}")

    def __reduce__(self):  # travels whole from a worker process (kg.endpoint.workers)
        return type(self), (self.name, self.candidates)


class NotAcceptable(Exception):
    """No media type of the result kind satisfies the Accept header."""


class ServiceRefused(QueryError):
    """The query has a SERVICE clause to an endpoint the operator did not allow: the server makes no outbound request."""


class ExtensionRefused(QueryError):
    """Behind an endpoint, the query calls a function by IRI that is no XSD cast, or uses a vendor's pragma: such a
    function may be the endpoint's own (Virtuoso's ``bif:http_get`` fetches a URL), so it is not passed on."""


class QueryTimeout(Exception):
    """The query ran longer than the pool's deadline and was stopped."""


class QueryFailed(Exception):
    """The query raised in the worker with an exception that could not travel back as itself."""


class WorkerDied(Exception):
    """The worker running the query died (killed, or over its memory limit); it was replaced."""


class AnswerTooLarge(Exception):
    """The answer the worker sent is larger than the pool accepts; its worker was replaced, the answer never read."""


class PoolBusy(Exception):
    """Every worker (or every worker this client may use) stayed busy for the whole queue wait."""


class ShareFull(Exception):
    """The client's queue (or the whole queue) is full, or the request waited its longest for a slot."""


class LoadError(ValueError):
    """A file ``oihkg load`` cannot read; the message names the file and, for a bad row, its line."""


class ModelInputError(ValueError):
    """A scenario names something the graph cannot use there; ``field`` is the offending input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field

    def __reduce__(self):  # travels whole from a worker process (kg.endpoint.workers)
        return type(self), (self.field, str(self))


class UnknownFormat(KeyError):
    """An export format this module has no writer for; the message names the known ones."""

    def __str__(self) -> str:
        return str(self.args[0])


class TRAPIError(Exception):
    """A request TRAPI refuses: the HTTP status, a TRAPI log code and a sentence saying why.

    Parameters
    ----------
    status : int
        400 for an invalid query, 413 for one over the limits, 501 for an operation not implemented.
    code : str
        The TRAPI log code, e.g. ``QueryNotTraversable`` or ``UnsupportedOperation``.
    message : str
        What is wrong, for a person.
    """

    def __init__(self, status: int, code: str, message: str):
        super().__init__(clip(message))  # a long value of the query is quoted as a short prefix (:func:`clip`)
        self.status, self.code, self.message = status, code, clip(message)


class VirtuosoError(RuntimeError):
    """A local Virtuoso did not start, or a load into it failed; the message says which and where its log is."""
