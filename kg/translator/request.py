"""Reading a TRAPI request: validating the body, its limits, and its query graph's nodes and edges.

This module owns what a request may ask and cost. :func:`validate` checks a
body with the TRAPI models of ``reasoner-pydantic`` and the workflow against
:data:`OPERATIONS`, raising :class:`kg.errors.TRAPIError` for one this provider
refuses; :class:`Limits` bounds one query; :func:`query_node` and
:func:`query_edge` read a query graph's node and edge into a :class:`QNode`
(the graph's nodes it may bind, through xrefs and drug-class members) and a
:class:`QEdge` (the predicates it matches either way, its qualifier sets),
checking categories, predicates and constraints against the Biolink model
(:mod:`kg.translator.model`). Matching them against the graph is
:mod:`kg.translator.matching`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.translator import context as trapi_context, model as biolink
from kg.translator.context import QualifierSet
from kg.translator.refusals import MAX_DEPTH, TRAPIError, depth, with_path_constraints
from kg.translator.refusals import log as _log

if TYPE_CHECKING:
    from kg.mechanism.engine import Engine
    from kg.translator.graph import BiolinkGraph

__all__ = ["OPERATIONS", "Limits", "QNode", "QEdge", "validate", "check_category", "check_predicate", "check_constraints",
           "query_node", "query_edge"]

#: The workflow operations answered; any other is refused with 501.
OPERATIONS = ("lookup",)


@dataclass(frozen=True)
class Limits:
    """What one TRAPI query may cost.

    Attributes
    ----------
    max_ids : int
        Ids per query node (TRAPI's ``batch_size_limit``; more is 413).
    max_edges : int
        Query edges (more is 413).
    max_results : int
        Results; an answer is cut there with a ``WARNING`` log.
    max_pairs : int
        Pathfinder (source, target) pairs after the ids are resolved (more is 413).
    max_paths : int
        Paths per Pathfinder pair.
    max_path_length : int
        Edges per Pathfinder path.
    seconds : float
        Time for one query; an answer is cut there with a ``WARNING`` log.
    regex_seconds : float
        Time for one ``matches`` constraint on one value.
    """

    max_ids: int = 1000
    max_edges: int = 10
    max_results: int = 5000
    max_pairs: int = 25
    max_paths: int = 50
    max_path_length: int = 6
    seconds: float = 10.0
    regex_seconds: float = 0.05


@dataclass
class QNode:
    key: str
    candidates: dict[str, set[str]] | None  # node id -> the query ids it matches (itself, as an xref, as a member); None: any
    categories: frozenset[str]
    constraints: list[dict]
    is_set: bool
    required: frozenset[str]  # set_interpretation ALL: the query ids every result must bind
    set_id: str | None  # set_interpretation ALL/MANY with member_ids: the set's own id

    def query_id(self, nid: str) -> str | None:
        """The ``query_id`` of a binding: the set's id, or the query id a node matched through when not itself."""
        if self.set_id:
            return self.set_id
        origins = (self.candidates or {}).get(nid, set())
        return None if not origins or nid in origins else min(origins)


@dataclass
class QEdge:
    key: str
    subject: str
    object: str
    forward: frozenset[str]
    reverse: frozenset[str]
    qualifier_sets: list[QualifierSet]
    constraints: list[dict]


def _where(errors: list[dict], pathfinder: bool, most: int = 5) -> list[str]:
    """Pydantic's errors as ``place: problem``, without the validators' own names, and only for the kind of query
    graph sent (a union's other branch would only add noise)."""
    branch = "PathfinderQueryGraph]" if pathfinder else " QueryGraph]"
    out = []
    for e in errors:
        parts = [str(p) for p in e["loc"]]
        if any(p.endswith("QueryGraph]") and not p.endswith(branch) for p in parts):
            continue
        place = ".".join(p for p in parts if not p.startswith("function-"))
        out.append(f"{place}: {e['msg']}")
    return list(dict.fromkeys(out))[:most]


def validate(request: Any) -> dict:
    """The message of a TRAPI ``Query`` body, checked: a valid TRAPI query, the workflow answered, a query graph
    with nodes and either edges or paths."""
    from pydantic import ValidationError
    from reasoner_pydantic import Query

    if not isinstance(request, dict):
        raise TRAPIError(400, "InvalidRequest", "the body must be a JSON object with a 'message'")
    if depth(request) > MAX_DEPTH:
        raise TRAPIError(400, "InvalidQuery", f"the body nests deeper than {MAX_DEPTH} levels")
    message = request.get("message")
    qg = message.get("query_graph") if isinstance(message, dict) else None
    paths = qg.get("paths") if isinstance(qg, dict) else None
    checked = with_path_constraints(request)  # a path's constraints: optional in TRAPI 1.6, required by reasoner-pydantic 6
    try:
        Query.model_validate(checked)
    except RecursionError:
        raise TRAPIError(400, "InvalidQuery", "the body nests too deeply") from None
    except ValidationError as exc:
        where = "; ".join(_where(exc.errors(), isinstance(paths, dict)))
        raise TRAPIError(400, "InvalidQuery", f"the body is not a valid TRAPI query: {where}") from None
    for op in request.get("workflow") or []:
        if op.get("id") not in OPERATIONS:
            raise TRAPIError(501, "UnsupportedOperation",
                             f"workflow operation {op.get('id')!r} is not supported; supported: {', '.join(OPERATIONS)}")
    message = checked["message"]
    qg = message.get("query_graph")
    if not qg:
        raise TRAPIError(400, "QueryGraphMissing", "the message has no query_graph")
    if qg.get("paths") is not None and qg.get("edges"):
        raise TRAPIError(400, "QueryNotTraversable", "a query graph has edges or paths, not both")
    return message


def check_category(where: str, c: str) -> str:
    """A query's category ``c``, if the Biolink model has it (400 if not); ``where`` says where it was asked."""
    if biolink.category(c) is None:
        raise TRAPIError(400, "UnsupportedCategory", f"{where}: {c} is not a Biolink {biolink.version()} category")
    return c


def check_predicate(where: str, p: str) -> str:
    """A query's predicate ``p``, if the Biolink model has it (400 if not)."""
    if biolink.predicate(p) is None:
        raise TRAPIError(400, "UnsupportedPredicate", f"{where}: {p} is not a Biolink {biolink.version()} predicate")
    return p


def check_constraints(where: str, constraints: list[dict], offered: frozenset[str]) -> list[dict]:
    """A query's attribute constraints, if each names an attribute type ``offered`` (400 if not)."""
    unknown = sorted({c["id"] for c in constraints} - offered)
    if unknown:
        raise TRAPIError(400, "UnsupportedConstraint", f"{where}: no attribute {', '.join(unknown)} to constrain; "
                                                       f"offered: {', '.join(sorted(offered))}")
    return constraints


def query_node(key: str, q: dict, logs: list[dict], *, graph: BiolinkGraph, limits: Limits, offered: frozenset[str]) -> QNode:
    """Query node ``key`` read against the graph: the nodes its ids bind (directly, as an xref, as a drug class's
    member), its categories and constraints (``offered``: the attribute types nodes carry); unknown properties and ids
    are logged."""
    g = graph
    known = {"ids", "categories", "set_interpretation", "member_ids", "constraints", "is_set"}
    for extra in sorted(set(q) - known):
        logs.append(_log("WARNING", f"query node {key}: property {extra!r} is not recognised and was ignored"))
    categories = frozenset(check_category(f"query node {key}", c) for c in q.get("categories") or ())
    set_kind = q.get("set_interpretation") or "BATCH"
    ids, set_id = list(q.get("ids") or []), None
    if set_kind in ("ALL", "MANY") and q.get("member_ids"):  # ids names the set, member_ids its members
        ids, set_id = list(q["member_ids"]), (q.get("ids") or [None])[0]
    if len(ids) > limits.max_ids:
        raise TRAPIError(413, "BatchSizeExceeded", f"query node {key} has {len(ids)} ids; at most {limits.max_ids}")
    candidates = None
    if ids:
        candidates, unknown = defaultdict(set), []
        direct = {qid for qid in ids if qid in g.nodes}
        for qid in direct:  # what the client named directly binds as itself
            candidates[qid].add(qid)
        for qid in ids:
            for nid in g.xref_index.get(qid, ()):
                candidates[nid].add(qid)
            if qid not in direct and qid not in g.xref_index:
                unknown.append(qid)
        expand = list(candidates)
        while expand:  # a drug class's members are its descendants, matched through what the class matched
            nid = expand.pop()
            for member in g.members.get(nid, ()):
                if not candidates[nid] <= candidates[member]:
                    candidates[member] |= candidates[nid] - ({member} if member in direct else set())
                    expand.append(member)
        candidates = dict(candidates)
        if unknown:
            shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
            logs.append(_log("WARNING", f"query node {key}: {shown} not in this graph", "UnknownCurie"))
    constraints = check_constraints(f"query node {key}", list(q.get("constraints") or []), offered)
    return QNode(key, candidates, frozenset() if ids else categories, constraints,
                  bool(q.get("is_set")) or set_kind in ("ALL", "MANY"), frozenset(ids) if set_kind == "ALL" else frozenset(),
                  set_id)


def query_edge(key: str, q: dict, qnodes: dict, logs: list[dict], *, engine: Engine, offered: frozenset[str]) -> QEdge:
    """Query edge ``key`` read: its predicates (with their inverses and the symmetric ones for the reverse
    direction), its qualifier sets (contexts read by ``engine``), its constraints (``offered``: the attribute types
    edges carry); what it cannot match is logged."""
    for end in ("subject", "object"):
        if q[end] not in qnodes:
            raise TRAPIError(400, "QueryNotTraversable", f"query edge {key}: its {end} {q[end]!r} is not a node of the query graph")
    known = {"subject", "object", "predicates", "knowledge_type", "attribute_constraints", "qualifier_constraints"}
    for extra in sorted(set(q) - known):
        logs.append(_log("WARNING", f"query edge {key}: property {extra!r} is not recognised and was ignored"))
    predicates = [check_predicate(f"query edge {key}", p) for p in q.get("predicates") or ["biolink:related_to"]]
    reverse = {biolink.inverse(p) for p in predicates if biolink.inverse(p)} | {p for p in predicates if biolink.symmetric(p)}
    sets = [[(c["qualifier_type_id"], c["qualifier_value"]) for c in s.get("qualifier_set") or []]
            for s in q.get("qualifier_constraints") or []]
    sets = [s for s in sets if s]
    for t in sorted({t for s in sets for t, _ in s}):
        if not _is_qualifier(t):
            logs.append(_log("WARNING", f"query edge {key}: {t} is not a Biolink {biolink.version()} qualifier; no edge has it"))
    sets, problems = trapi_context.qualifier_sets(sets, engine)
    logs += [_log("WARNING", f"query edge {key}: {p}") for p in problems]
    if any(s.others for s in sets) and any(biolink.canonical(p)[1] for p in predicates):
        logs.append(_log("WARNING", f"query edge {key}: qualifier constraints are matched in the query edge's own direction "
                                    "only, so edges found through an inverse predicate are left out"))
    if q.get("knowledge_type") == "inferred":
        logs.append(_log("INFO", f"query edge {key}: inferred answers come from the curated edges and the reasoner's "
                                 "entailments (knowledge_level logical_entailment)"))
    constraints = check_constraints(f"query edge {key}", list(q.get("attribute_constraints") or []), offered)
    return QEdge(key, q["subject"], q["object"], frozenset(predicates), frozenset(reverse), sets, constraints)


def _is_qualifier(curie: str) -> bool:
    """Whether a CURIE names a Biolink qualifier slot."""
    slots = biolink.schema()["slots"]
    name, seen = curie.split(":", 1)[-1].replace("_", " "), set()
    if name in slots and name.endswith(" qualifier"):  # some qualifiers are association slots by is_a
        return True
    while name and name not in seen:
        if name == "qualifier":
            return True
        seen.add(name)
        name = (slots.get(name) or {}).get("is_a")
    return False
