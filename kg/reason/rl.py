"""OWL 2 RL materialisation for large instance graphs; HermiT stays the reasoner of the curated ontology.

HermiT (:mod:`kg.reason.hermit`) decides the whole of OWL 2 DL and explains each inference, but its property
realisation grows quadratically with the individuals. For an instance graph merged beside the schema (thousands of
drugs, genes, processes), :func:`materialise` computes a forward-chaining closure with a library built for OWL 2
RL: ``reasonable`` (Rust) runs the W3C OWL 2 RL/RDF rules it implements. Its README lists those it does not:
``prp-spo2`` (property chains, which the schema's ``drives_pathway`` / ``inhibits_pathway`` axioms are) runs here as a
SPARQL ``CONSTRUCT`` per chain in pyoxigraph, and the two alternate until nothing new comes; ``prp-key``, ``cls-oo``
(``owl:oneOf``), ``cls-maxc2``, ``cls-maxqc3/4`` and ``eq-ref`` are not run, and no consistency rule is checked (a
contradiction is not reported: HermiT's ``oihkg reason`` does that). On the curated graph the closure gives the same
intervention → pathway facts as HermiT (a test compares them), and only class memberships HermiT also derives.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL

from kg import schema
from kg.progress import Progress, Reading
from kg.errors import LoadError, NoFixpoint

__all__ = ["RLResult", "Closure", "materialise", "closure", "read_graph", "pathway_facts", "NoFixpoint"]

_PATHWAY_LINKS = {str(schema.OIH) + "drives_pathway": "drives", str(schema.OIH) + "inhibits_pathway": "inhibits"}


@dataclass(frozen=True)
class RLResult:
    """The closure (input and derived triples), how many rounds of the two rule sets it took, and the seconds."""

    graph: rdflib.Graph
    rounds: int
    seconds: float

    def derived(self, given: rdflib.Graph) -> rdflib.Graph:
        """The triples of the closure that ``given`` lacks."""
        return self.graph - given


def _chains(graph: rdflib.Graph) -> list[tuple[str, list[str]]]:
    """Every ``owl:propertyChainAxiom``: the property, and its chain of IRIs (chains holding anything else are left
    out: OWL 2 allows only object properties there)."""
    found = []
    for prop, head in graph.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(graph, head))
        if isinstance(prop, rdflib.URIRef) and len(steps) >= 2 and all(isinstance(s, rdflib.URIRef) for s in steps):
            found.append((str(prop), [str(s) for s in steps]))
    return sorted(found)


def _chain_rule(prop: str, steps: list[str]) -> str:
    """prp-spo2 for one chain as SPARQL: ``x p1 y1 … yn-1 pn z`` gives ``x prop z``, when the graph lacks it."""
    hops = " . ".join(f"?v{i} <{p}> ?v{i + 1}" for i, p in enumerate(steps))
    last = len(steps)
    return f"CONSTRUCT {{ ?v0 <{prop}> ?v{last} }} WHERE {{ {hops} FILTER NOT EXISTS {{ ?v0 <{prop}> ?v{last} }} }}"


def _ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))) if term.datatype else ox.Literal(str(term))


def _rdflib(term) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language or term.datatype.value == _XSD_STRING:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=term.datatype.value)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _plain(triple: tuple) -> tuple:
    """A triple of ``reasonable``'s with its ``xsd:string`` literal as a plain one (RDF 1.1: the same literal), so it
    matches the input's triple instead of standing beside it."""
    s, p, o = triple
    if isinstance(o, rdflib.Literal) and o.datatype is not None and str(o.datatype) == _XSD_STRING:
        o = rdflib.Literal(str(o))
    return s, p, o


def _apply_chains(triples: Iterable[tuple], rules: list[str]) -> list[tuple]:
    """The triples the chain rules derive from ``triples`` that are not among them, the rules repeated over their own
    output until they add nothing (a recursive chain, such as ``involves ∘ inhibits → inhibits``, walks a path of any
    length here, not one step per round)."""
    if not rules:
        return []
    store = ox.Store()
    store.bulk_extend(ox.Quad(_ox(s), _ox(p), _ox(o)) for s, p, o in triples)
    new: list[tuple] = []
    while True:
        found = {t for rule in rules for t in store.query(rule)}
        if not found:
            return new
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in found)
        new += [(_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)) for t in found]


def materialise(graph: rdflib.Graph, max_rounds: int = 100, on_round: Callable[[int], None] | None = None) -> RLResult:
    """The OWL 2 RL closure of ``graph`` (schema and instances together).

    Each round runs ``reasonable`` over the graph so far, then the property-chain rules (prp-spo2) over its closure
    until they add nothing; a round whose chain rules add nothing ends it.

    Parameters
    ----------
    graph : rdflib.Graph
        The ontology's triples with any instance graph added (not changed here).
    max_rounds : int
        Rounds allowed before :class:`NoFixpoint`.
    on_round : callable, optional
        Called with the round's number as each round ends (progress: the reasoner itself reports nothing).
    """
    import reasonable

    started = time.perf_counter()
    rules = [_chain_rule(prop, steps) for prop, steps in _chains(graph)]
    current: Iterable[tuple] = graph
    for rounds in range(1, max_rounds + 1):
        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(current if isinstance(current, rdflib.Graph) else _graph(current))
        closed = [_plain(t) for t in reasoner.reason()]
        new = _apply_chains(closed, rules)
        if on_round is not None:
            on_round(rounds)
        if not new:
            return RLResult(_graph(closed), rounds, time.perf_counter() - started)
        current = [*closed, *new]
    raise NoFixpoint(f"the OWL 2 RL rules still derived new triples after {max_rounds} rounds")


def read_graph(graph: rdflib.Graph, path: Path, progress: Progress | None = None) -> None:
    """Parse the RDF file at ``path`` into ``graph`` (its format by its ending, as rdflib guesses it), its bytes
    counted in ``progress``: as they are read for N-Triples, which rdflib reads as it parses, and once parsed for
    any other syntax, which rdflib reads whole before parsing."""
    if progress is None:
        graph.parse(path)
        return
    if rdflib.util.guess_format(str(path)) == "nt":
        with path.open("rb") as raw:
            graph.parse(source=Reading(raw, progress), format="nt")
        return
    graph.parse(path)
    progress.advance(path.stat().st_size)


def _graph(triples: Iterable[tuple]) -> rdflib.Graph:
    g = rdflib.Graph()
    for t in triples:
        g.add(t)
    return g


def pathway_facts(graph: rdflib.Graph) -> set[tuple[str, str, str]]:
    """``(agent, "drives" | "inhibits", pathway)`` for every ``drives_pathway`` / ``inhibits_pathway`` triple, as CURIEs."""
    return {(schema.compress(str(s)), _PATHWAY_LINKS[str(p)], schema.compress(str(o)))
            for p in _PATHWAY_LINKS for s, o in graph.subject_objects(rdflib.URIRef(p))
            if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef)}


@dataclass(frozen=True)
class Closure:
    """What ``oihkg materialise`` writes: the derived triples neither the input nor the inferred graph holds, the
    agent → pathway facts of the closure, and the closure's rounds and seconds."""

    derived: rdflib.Graph
    pathway_facts: int
    rounds: int
    seconds: float


def closure(ontology: Path, inferred: Path, files: Iterable[Path] = (), show: str | None = None) -> Closure:
    """The OWL 2 RL closure of the built ontology with instance graphs, less what the input and ``inferred`` hold.

    Progress shows the bytes read, then the rounds (``show`` as :class:`kg.progress.Progress` takes it). A file that
    does not parse raises :class:`kg.errors.LoadError` naming it; a closure that does not settle,
    :class:`kg.errors.NoFixpoint`.
    """
    given = rdflib.Graph()
    inputs = [ontology, *files]
    with Progress("reading the graphs", total=sum(p.stat().st_size for p in inputs if p.is_file()), unit="bytes",
                  show=show) as read:
        for path in inputs:
            try:
                read_graph(given, path, read)
            except Exception as exc:  # noqa: BLE001 - rdflib's parsers raise many kinds; each is a bad input file
                raise LoadError(f"{path}: {exc}") from None
    with Progress("materialising (OWL 2 RL)", unit="rounds", show=show) as rounds:
        result = materialise(given, on_round=lambda n: rounds.update(done=n))
    known = given + (rdflib.Graph().parse(inferred) if inferred.is_file() else rdflib.Graph())
    return Closure(result.derived(known), len(pathway_facts(result.graph)), result.rounds, result.seconds)
