"""Contexts: the exposure and the conditions in which a statement holds.

OIH is a paradox in time: the same drug relieves pain when given once and
amplifies it when given for weeks. A curated row may hold only in a context:
an exposure (:data:`ACUTE` administration, :data:`CHRONIC` exposure) or a
condition that qualifies a statement (OIH, tolerance). A row without one holds
in every context. A context implies broader ones (OIH and tolerance arise
under chronic exposure, :data:`BROADER`), and some exclude each other
(:data:`EXCLUDES`: acute against chronic; OIH against tolerance, the two
readings a test taper tells apart). A chain of statements, such as a path,
holds where all of its statements hold together (:func:`joint`), and nowhere
when two of them exclude each other.

Examples
--------
>>> sorted(closure("oih:oih"))
['oih:chronic_exposure', 'oih:oih']
>>> joint(["", "oih:chronic_exposure", "oih:oih"]) == closure("oih:oih")
True
>>> joint(["oih:acute_administration", "oih:oih"]) is None
True
>>> holds_in("oih:chronic_exposure", "oih:oih"), holds_in("oih:oih", "oih:chronic_exposure")
(True, False)
>>> most_specific(closure("oih:oih"))
('oih:oih',)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from kg.errors import UnknownContextError

__all__ = ["ACUTE", "CHRONIC", "BROADER", "EXCLUDES", "closure", "joint", "excluded", "holds_in", "most_specific", "reasoning_contexts",
           "UnknownContextError"]

ACUTE = "oih:acute_administration"
CHRONIC = "oih:chronic_exposure"

#: Each context and the broader contexts it implies: OIH and opioid tolerance arise under chronic exposure
#: ("long-term opioid use leads to a heightened sensitivity to pain"; tolerance is a drug effect that "wanes over time").
BROADER: dict[str, tuple[str, ...]] = {"oih:oih": (CHRONIC,), "oih:opioid_tolerance": (CHRONIC,)}

#: Pairs of contexts that cannot hold together: a drug given once is not a drug given for weeks, and the test taper
#: tells OIH (pain falls) from tolerance (pain rises). The second is an exclusion of *statements*, the two readings of
#: dP/dD the taper tells apart; a patient's tolerance (the ED50 shift) and H act together in the pain model.
EXCLUDES: frozenset[frozenset[str]] = frozenset({frozenset({ACUTE, CHRONIC}), frozenset({"oih:oih", "oih:opioid_tolerance"})})


@cache
def closure(context: str) -> frozenset[str]:
    """``context`` and every context it implies (empty for the empty context, which holds everywhere)."""
    if not context:
        return frozenset()
    out = {context}
    for broader in BROADER.get(context, ()):
        out |= closure(broader)
    return frozenset(out)


def joint(contexts: Iterable[str]) -> frozenset[str] | None:
    """Where statements of these contexts hold together: the union of their closures, or None when two exclude
    each other (no path may join them)."""
    out: frozenset[str] = frozenset()
    for c in contexts:
        out |= closure(c)
    return None if excluded(out) else out


def excluded(closed: frozenset[str]) -> bool:
    """Whether a set of contexts (closed under :func:`closure`) holds two that exclude each other."""
    return any(pair <= closed for pair in EXCLUDES)


def holds_in(statement_context: str, context: str | None) -> bool:
    """Whether a statement of ``statement_context`` holds in ``context`` (every statement holds when no context is
    asked for; a statement without a context holds in all)."""
    return not context or not statement_context or statement_context in closure(context)


def most_specific(contexts: Iterable[str]) -> tuple[str, ...]:
    """The contexts that no other of ``contexts`` implies: how a joint context is named (OIH, not OIH and chronic)."""
    cs = set(contexts)
    return tuple(sorted(c for c in cs if not any(c != d and c in closure(d) for d in cs)))


def reasoning_contexts(used: Iterable[str]) -> tuple[str, ...]:
    """The contexts a reasoner runs in: every context the rows use, and what they imply, exposures first."""
    out: set[str] = set()
    for c in used:
        out |= closure(c)
    return tuple(sorted(out, key=lambda c: (c not in (ACUTE, CHRONIC), c)))
