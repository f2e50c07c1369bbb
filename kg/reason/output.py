"""Output: the inferred graph with an ``oih:Inference`` node per triple, and :func:`reason`, the whole step.

This module owns ``ontology/oih-inferred.ttl``: :func:`reason` infers and
explains (:mod:`kg.reason.explain`), verifies (:mod:`kg.reason.verify`) and
writes the inferred triples with their explanations (:func:`inferred_graph`),
or nothing when the ontology is inconsistent.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef

from kg.schema import contexts
from kg import schema
from kg.config import Paths, artifact_mode, default_paths, writable
from kg.reason.context import used_contexts
from kg.reason.explain import Inference
from kg.reason.hermit import run_hermit_together
from kg.reason.infer import collect, prepare
from kg.reason.verify import verify_explanations

__all__ = ["ReasonResult", "inferred_graph", "reason"]


def _all_contexts(paths: Paths, say: Callable[[str], None],
                  explain: bool) -> tuple[rdflib.Graph, list[Inference], list[Inference], float]:
    """HermiT over what holds in every context, and once per context the qualified statements name; return the
    asserted graph, the inferences of every context, what the contexts add (each fact once, under its most general
    contexts), the seconds HermiT took (the two runs' seconds added, though they overlap; saving the worlds and applying
    HermiT's answers included).

    The worlds go to two JVMs at once (:func:`kg.reason.hermit.run_hermit_together`): every context and the first
    context in one, which answers first, the other contexts in the second, whose run overlaps the collection of the
    first one's answers. A context run keeps only what the run over every context did not find.
    """
    asserted = rdflib.Graph().parse(paths.owl, format="xml")
    names = used_contexts(asserted)
    runs = [(None, *prepare(paths.owl, asserted=asserted))]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = []
            for k, context in enumerate(names):
                copy = rdflib.Graph()
                copy += asserted
                runs.append((context, *prepare(paths.owl, context, copy)))
                if k == 0 or k == len(names) - 1:
                    group = runs[:2] if k == 0 else runs[2:]
                    jobs.append((group, pool.submit(run_hermit_together, [w for _, w, _ in group])))
            if not names:
                jobs.append((runs, pool.submit(run_hermit_together, [runs[0][1]])))
            say(f"running HermiT in every context and in {len(names)} contexts" if names else "running HermiT")
            seconds, everywhere, known, done = 0.0, [], set(), []
            for group, job in jobs:  # the run over every context is in the first group, and first in it
                seconds += job.result()
                for context, world, graph in group:
                    if context is None:
                        say("collecting inferred triples")
                        everywhere = collect(world, asserted, explain=explain)
                        known = {i.triple for i in everywhere}
                    else:
                        index = _evidence_index(graph) if explain else {}
                        done.append((context, [_weakest(i, index) for i in collect(world, graph, known, explain)]))
    finally:  # a run that failed (an inconsistent context) leaves worlds uncollected: close them (mutation runs many)
        for _, world, _ in runs:
            world.close()
    index = _evidence_index(asserted) if explain else {}
    inferences = [_weakest(i, index) for i in everywhere]
    holds: dict = {}
    for context, new in done:
        for i in new:
            holds.setdefault(i.triple, {})[context] = i
    out = []
    for triple, by_context in sorted(holds.items()):
        for context in sorted(by_context):
            if not any(c != context and c in contexts.closure(context) for c in by_context):
                out.append(replace(by_context[context], context=context))
    return asserted, inferences, out, seconds


def _evidence_index(asserted: rdflib.Graph) -> dict[tuple[str, str, str], str]:
    """The evidence type (ECO CURIE) of each asserted statement: property assertions, memberships, and a drug class's
    statements (``SubClassOf(class, property value object)``, keyed as ``class property object``)."""
    eco, out = URIRef(schema.expand("oih:evidence_type")), {}
    for ax in asserted.subjects(RDF.type, OWL.Axiom):
        s, p, o, kind = (asserted.value(ax, x) for x in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget, eco))
        if kind is None:
            continue
        if p == RDFS.subClassOf and isinstance(o, BNode):
            p, o = asserted.value(o, OWL.onProperty), asserted.value(o, OWL.hasValue)
        key, kind = (str(s), str(p), str(o)), schema.compress(str(kind))
        out[key] = schema.weakest((out.get(key, kind), kind))
    return out


def _weakest(inf: Inference, index: dict[tuple[str, str, str], str]) -> Inference:
    """``inf`` with the weakest evidence type of the asserted statements its explanation names."""
    return replace(inf, evidence=schema.weakest(index.get((st.subject, st.predicate, st.object), "") for st in inf.explanation.steps
                                               if st.kind in ("triple", "type", "class statement")))


@dataclass(frozen=True)
class ReasonResult:
    """What a reasoner run produced."""

    inferences: tuple[Inference, ...]
    verified: int
    path: Path | None
    seconds_reasoning: float


def inferred_graph(inferences: list[Inference]) -> rdflib.Graph:
    """The inferred triples plus one ``oih:Inference`` node each, explaining it.

    Each node has ``rdf:subject``/``rdf:predicate``/``rdf:object`` (the
    inferred triple), ``oih:rule``, ``oih:premise`` links to reified asserted
    premises, ``oih:explanation`` holding the whole explanation as JSON,
    ``oih:weakest_evidence`` (the weakest evidence type of its asserted premises)
    and, for a triple that holds only in a context, ``oih:context`` (then the
    bare triple is not in the graph).
    """
    g = rdflib.Graph()
    g.bind("oih", schema.OIH)
    g.bind("obo", schema.OBO)
    for inf in inferences:
        s, p, o = (URIRef(x) for x in inf.triple)
        if not inf.context:  # a triple that holds only in a context is said only through its inference node
            g.add((s, p, o))
        h = hashlib.sha1(" ".join((*inf.triple, inf.context) if inf.context else inf.triple).encode()).hexdigest()[:16]
        node = schema.OIH[f"inference/{h}"]
        g.add((node, RDF.type, schema.OIH.Inference))
        if inf.context:
            g.add((node, schema.OIH.context, URIRef(schema.expand(inf.context))))
        if inf.evidence:
            g.add((node, schema.OIH.weakest_evidence, URIRef(schema.expand(inf.evidence))))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))
        g.add((node, schema.OIH.rule, Literal(inf.explanation.rule)))
        g.add((node, schema.OIH.explanation, Literal(json.dumps([st.as_dict() for st in inf.explanation.steps], ensure_ascii=False))))
        for st in inf.explanation.steps:
            if st.kind in ("triple", "type"):
                ph = hashlib.sha1(" ".join((st.subject, st.predicate, st.object)).encode()).hexdigest()[:16]
                prem = schema.OIH[f"premise/{ph}"]
                g.add((node, schema.OIH.premise, prem))
                g.add((prem, RDF.type, RDF.Statement))
                g.add((prem, RDF.subject, URIRef(st.subject)))
                g.add((prem, RDF.predicate, URIRef(st.predicate)))
                g.add((prem, RDF.object, URIRef(st.object)))
    return g


def reason(
    paths: Paths | None = None,
    verify: bool = True,
    progress: Callable[[str], None] | None = None,
    explain: bool = True,
) -> ReasonResult:
    """Reason over the built ontology and write ``oih-inferred.ttl``.

    HermiT runs once over the statements that hold in every context, then once per context the qualified
    statements name (:func:`kg.reason.context.used_contexts`); what a context adds is kept with the most general
    contexts it holds in (a fact of chronic exposure is not repeated for OIH, which implies it).

    Parameters
    ----------
    paths : Paths, optional
        Where ``oih.owl`` is and ``oih-inferred.ttl`` goes.
    verify : bool
        Re-derive every inference, of every context, from its explanation (two more HermiT runs per group of contexts
        that may hold together).
    explain : bool
        Explain each inference (without, nothing is verified: for mutation runs, which only count what holds).
    progress : callable, optional
        Called with a short message at each stage.

    Raises
    ------
    InconsistentOntologyError
        Nothing is written then.
    kg.config.ReadOnlyModel
        ``paths.out`` is the installed package's own model.
    """
    paths = writable(paths or default_paths())  # checked before the reasoner runs
    say = progress or (lambda _msg: None)
    asserted, inferences, contextual, seconds = _all_contexts(paths, say, explain)
    inferences += contextual
    verified = 0
    if verify and explain:
        say(f"verifying {len(inferences)} explanations")
        verified = verify_explanations(inferences, asserted)
    say("writing inferred triples")
    ttl = inferred_graph(inferences).serialize(format="turtle").encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=paths.out, prefix=".oih-inferred.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(ttl)
    os.chmod(tmp, artifact_mode())
    os.replace(tmp, paths.inferred)
    return ReasonResult(tuple(inferences), verified, paths.inferred, seconds)
