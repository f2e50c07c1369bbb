"""What an error message may echo of its input: a short prefix of each long quoted value, never the whole of it.

Error messages name what they refuse (``no entity has the id, label or synonym 'X'``), and ``X`` is the client's
input, which may be as large as the request allows. :func:`clip` cuts every long run of the message (a quoted value,
or characters without a space) to its first :data:`QUOTE` characters and bounds the whole message; :func:`clip_data`
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
from typing import Any

__all__ = ["QUOTE", "LONGEST", "ECHO_BYTES", "clip", "clip_data", "without_credentials"]

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

