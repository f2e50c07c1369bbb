"""The text's claims checked against the model, the way INDRA's model checker tests a model.

``ontology/src/observations.tsv`` lists each qualitative statement of the source
text as an expected outcome, with its citation and quote (validated by
:func:`kg.compile.load_model` like every curated row). A row's ``sign`` is its
polarity: +1 for something the model must say, -1 for a negative expectation,
something it must not say. Kinds:

``path``
    ``subject`` → ``object``: a signed causal path exists; ``expected`` is ``+``,
    ``-`` or ``any``; ``relation`` may give the longest length (default 8).

Any kind but ``simulate`` may end its ``relation`` with ``in CONTEXT`` (``6 in
chronic exposure``, ``in OIH``): the path or perturbation follows only the
statements that hold in that context, and a fact or class holds when it holds
in every context or is asserted or derived in that context (or one it implies).
``perturb``
    ``subject`` is ``inhibit:X``, ``activate:X`` or ``knockout:X`` (several
    separated by ``;``); ``expected`` is ``A=down; H=unchanged`` (components A, H, P or
    any entity) with directions up, down, unchanged, ambiguous.
``fact``
    ``subject relation object`` is in the graph, asserted or inferred (``expected``
    ``true``, ``asserted`` or ``inferred``); ``relation`` may end with
    ``in CONDITION`` for a statement that holds only in that context.
``class``
    ``subject`` is an instance of the class ``object`` (``expected`` ``true``).
``members``
    ``subject`` is a pathway, ``object`` the entities the text's account of it
    names (``|``-separated); ``expected`` ``exactly`` (no other member) or
    ``include``.
``simulate``
    ``subject`` is a scenario (``k=v; k=v``, with ``interventions=a, b``,
    ``profile=x`` and ``context=acute``), ``relation`` a measure (``classification``, ``test_taper``,
    ``oih_threshold_dose``, ``ed50``, or A, H, P, dA_dD, dH_dD, dP_dD at the
    current dose); ``expected`` is a value (``OIH``, ``tolerance``, ``analgesia``, ``falls``,
    ``rises``) or a comparison (``<``, ``>``, ``=``) with ``object``: another
    scenario (``default`` for none), ``@measure`` (another measure of the same
    scenario) or a number.

:func:`check` returns a :class:`Report`: each observation ``holds`` or is
``contradicted`` (or an ``error`` when it names something the graph lacks),
with the path, effect, derivation or values that decide it.

Examples
--------
>>> from kg import OIHKG
>>> report = check(OIHKG.open().engine)
>>> report.counts()["contradicted"], report.counts()["holds"] > 90
(0, True)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.schema import contexts
from kg import schema
from kg.compile import Observation, load_model
from kg.config import Paths, default_paths
from kg.present.notebook import ReportTable

if TYPE_CHECKING:
    from kg.mechanism.engine import Engine

__all__ = ["Result", "Report", "load", "check", "check_one"]

_MEASURES = {"A", "H", "P", "dA_dD", "dH_dD", "dP_dD"}


@dataclass
class Result:
    """One observation checked: ``status`` is ``holds``, ``contradicted`` or ``error``."""

    observation: Observation
    status: str
    detail: str
    evidence: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the observation, its status, and what decided it."""
        o = self.observation
        return {"id": o.id, "kind": o.kind, "subject": o.subject, "relation": o.relation, "object": o.object,
                "expected": o.expected, "negative": o.negative, "status": self.status, "detail": self.detail,
                "evidence": self.evidence, "citations": list(o.citations), "evidence_type": o.evidence_type,
                "quote": o.quote, "note": o.note}


@dataclass
class Report(ReportTable):
    """Every observation's result, in the order of the file; in a notebook, a table of one row per observation
    (:mod:`kg.present.notebook`)."""

    results: list[Result]

    def counts(self) -> dict[str, int]:
        """How many observations hold, are contradicted, or could not be checked; how many are negative."""
        out = {"observations": len(self.results), "holds": 0, "contradicted": 0, "error": 0,
               "negative": sum(r.observation.negative for r in self.results)}
        for r in self.results:
            out[r.status] += 1
        return out

    @property
    def ok(self) -> bool:
        """Whether every observation holds."""
        return all(r.status == "holds" for r in self.results)

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts(), "results": [r.as_dict() for r in self.results]}


def load(paths: Paths | None = None) -> list[Observation]:
    """The observations of ``ontology/src/observations.tsv``, validated (:class:`kg.compile.BuildError` if not)."""
    return load_model((paths or default_paths()).src).observations


def check(engine: Engine, observations: list[Observation] | None = None) -> Report:
    """Check every observation (default: the repository's) against an :class:`kg.mechanism.engine.Engine`, embedded or remote."""
    observations = load() if observations is None else observations
    return Report([check_one(engine, o) for o in observations])


def check_one(engine: Engine, o: Observation) -> Result:
    """Check one observation; a name the graph does not know gives status ``error``, never an exception."""
    from kg.mechanism.model import ModelInputError
    from kg.catalog.queries import AmbiguousEntity, UnknownEntity

    try:
        met, detail, evidence = _CHECKS[o.kind](engine, o)
    except (UnknownEntity, AmbiguousEntity, ModelInputError, ValueError, KeyError) as exc:
        return Result(o, "error", f"cannot check: {exc}")
    holds = met != o.negative
    if o.negative:
        detail = ("the model does not say it, as expected: " if holds else "the model says what the text rules out: ") + detail
    return Result(o, "holds" if holds else "contradicted", detail, evidence)


# --------------------------------------------------------------------------- kinds


def _in(relation: str) -> tuple[str, str | None]:
    """A relation column and the context it names after ``in`` (``"6 in chronic exposure"``, ``"in OIH"``)."""
    head, sep, context = relation.partition("in ") if relation.startswith("in ") else relation.partition(" in ")
    return head.strip(), (context.strip() or None) if sep else None


def _path(engine, o: Observation):
    length, context = _in(o.relation)
    length = int(length) if length else 8
    if o.expected not in {"+", "-", "any"}:
        raise ValueError(f"a path expects +, - or any, not {o.expected!r}")
    sign = {"+": 1, "-": -1, "any": None}[o.expected]
    res = engine.paths(o.subject, o.object, max_length=length, sign=sign, limit=3, context=context)
    if res.status.value == "unknown_node":
        raise KeyError(res.message)
    shown = [" ".join(_arrow(p)) for p in res.paths]
    if res.paths:
        return True, f"path {shown[0]}", [p.as_dict() for p in res.paths]
    return False, f"no {'' if sign is None else o.expected + ' '}path from {res.source} to {res.target} ({res.message})", []


def _arrow(path) -> list[str]:
    out = [path.nodes[0]]
    for e in path.edges:
        out += ["->" if e["sign"] > 0 else "-|", e["object"]]
    return out


def _perturb(engine, o: Observation):
    kinds: dict[str, list[str]] = {"inhibit": [], "activate": [], "knockout": []}
    for item in _items(o.subject):
        kind, _, name = item.partition(":")
        if kind not in kinds or not name:
            raise ValueError(f"a perturbation is inhibit:X, activate:X or knockout:X, not {item!r}")
        kinds[kind].append(name.strip())
    res = engine.perturb(**kinds, context=_in(o.relation)[1])
    summary = res.summary()
    seen, ok = [], True
    for item in _items(o.expected):
        what, _, want = (x.strip() for x in item.partition("="))
        node = {"A": schema.COMPONENT_A, "H": schema.COMPONENT_H, "P": schema.NET_PAIN}.get(what) or engine.catalog.curie(what)
        got = summary[what] if what in summary else (res.effects[node].direction if node in res.effects else "unchanged")
        seen.append(f"{what} {got}")
        ok &= got == want
    examples = {n: e.examples for n, e in res.effects.items() if n in (schema.COMPONENT_A, schema.COMPONENT_H, schema.NET_PAIN)}
    return ok, "; ".join(seen), [examples]


def _bound(engine, name: str, **iris: str) -> list[dict]:
    """Rows of a named query with IRIs bound as RDF terms (never pasted into the query text), values as strings."""
    return [{k: str(v.value) for k, v in r.items()} for r in engine.catalog.rows(name, **iris)]


def _graph_fact(engine, o: Observation, s: str, p: str, obj: str, text: str):
    if o.expected not in {"true", "asserted", "inferred"}:
        raise ValueError(f"a fact expects true, asserted or inferred, not {o.expected!r}")
    rows = _bound(engine, "fact-status", subject=s, predicate=p, object=obj)
    asserted = any(r["asserted"] == "true" for r in rows)
    inferred = any(r["inferred"] == "true" for r in rows)
    met = {"asserted": asserted, "inferred": inferred, "true": asserted or inferred}[o.expected]
    how = "asserted" if asserted else "inferred" if inferred else "absent"
    evidence = [{"rule": r["rule"], "explanation": json.loads(r["explanation"])} for r in rows if r.get("explanation")]
    return met, f"{text}: {how}", evidence


def _fact(engine, o: Observation):
    resolve = engine.catalog.resolve
    rel, context = _in(o.relation)
    return _in_context(engine, o, resolve(o.subject), schema.expand(rel), resolve(o.object), context,
                       f"{o.subject} {o.relation} {o.object}")


def _class(engine, o: Observation):
    return _in_context(engine, o, engine.catalog.resolve(o.subject), "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                       schema.expand(o.object), _in(o.relation)[1], f"{o.subject} a {o.object}" + (f" {o.relation}" if o.relation else ""))


def _in_context(engine, o: Observation, s: str, p: str, obj: str, context: str | None, text: str):
    """A fact that holds in every context, or (given ``context``) one asserted or derived in it or a broader one."""
    met, detail, evidence = _graph_fact(engine, o, s, p, obj, text)
    if not context or met:
        return met, detail, evidence
    c = schema.expand(engine.context(context))
    held = {c} | {schema.expand(x) for x in contexts.closure(schema.compress(c))}
    rows = [r for r in _bound(engine, "contextual-fact", subject=s, predicate=p, object=obj) if r["context"] in held]
    rows = [r for r in rows if o.expected == "true" or (r["inferred"] == "true") == (o.expected == "inferred")]
    how = ("inferred" if any(r["inferred"] == "true" for r in rows) else "asserted") if rows else "absent"
    return bool(rows), f"{text}: {how} in {schema.compress(c)}", [
        {"context": schema.compress(r["context"]), "rule": r.get("rule"), "explanation": json.loads(r["explanation"])}
        if r.get("explanation") else {"context": schema.compress(r["context"])} for r in rows]


def _scenario(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in _items(text):
        if item == "default":
            continue
        key, _, value = (x.strip() for x in item.partition("="))
        if key == "interventions":
            out[key] = [v.strip() for v in value.split(",") if v.strip()]
        elif key in ("profile", "context"):
            out[key] = value
        else:
            out[key] = float(value)
    return out


def _measure(result, name: str) -> Any:
    if name in _MEASURES:
        return result.at_dose[name]
    if name == "test_taper":
        return "falls" if result.test_taper["delta_P"] < 0 else "rises"
    if name in {"classification", "oih_threshold_dose", "ed50"}:
        value = getattr(result, name)
        return math.inf if value is None else value
    raise ValueError(f"unknown measure {name!r}")


def _simulate(engine, o: Observation):
    result = engine.simulate(**_scenario(o.subject))
    got = _measure(result, o.relation)
    if o.expected not in {"<", ">", "="}:
        return str(got) == o.expected, f"{o.relation} = {got}", [{"scenario": o.subject or "default", o.relation: got}]
    if o.object.startswith("@"):
        other, where = _measure(result, o.object[1:]), f"{o.object[1:]} of the same scenario"
    else:
        try:
            other, where = float(o.object), "the number"
        except ValueError:
            other, where = _measure(engine.simulate(**_scenario(o.object or "default")), o.relation), f"scenario {o.object or 'default'}"
    met = {"<": got < other, ">": got > other, "=": math.isclose(got, other, rel_tol=1e-9, abs_tol=1e-12)}[o.expected]
    return met, f"{o.relation} = {got:.4g} {o.expected}? {other:.4g} ({where})", [{"value": got, "reference": other}]


def _items(text: str) -> list[str]:
    return [x.strip() for x in text.split(";") if x.strip()]


def _members(engine, o: Observation):
    if o.expected not in {"exactly", "include"}:
        raise ValueError(f"members expects exactly or include, not {o.expected!r}")
    pathway = engine.catalog.curie(o.subject)
    want = {engine.catalog.curie(x.strip()) for x in o.object.split("|") if x.strip()}
    got = {r["member"] for r in engine.catalog.query("pathway-members", pathway=pathway)}
    missing, extra = sorted(want - got), sorted(got - want)
    met = not missing and (o.expected == "include" or not extra)
    detail = f"{pathway}: " + ("; ".join(filter(None, (f"missing {', '.join(missing)}" if missing else "",
                                                        f"also {', '.join(extra)}" if extra and o.expected == "exactly" else "")))
                               or "the members the text names")
    return met, detail, [{"members": sorted(got)}]


_CHECKS = {"path": _path, "perturb": _perturb, "fact": _fact, "class": _class, "simulate": _simulate, "members": _members}
