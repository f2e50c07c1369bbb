"""TRAPI over the same model: the graph said in Biolink, lookups over it, Pathfinder, and the meta knowledge graph.

This module owns the Biolink view of the served graph and the Translator
Reasoner API. :class:`BiolinkGraph` turns a :class:`kg.catalog.Catalog`'s
entities and edges into Biolink nodes and edges through the one mapping table
(:mod:`kg.vocab`, read with :mod:`kg.biolink`): categories by the entity's class
and identifier prefix, predicates in their canonical direction, signed causal
edges as ``affects`` / ``regulates`` qualified by ``causes`` and a direction, the
evidence (citations, the quote, the ECO code, the RO predicate) as attributes,
curated edges as ``knowledge_assertion`` / ``manual_agent`` and the reasoner's as
``logical_entailment`` / ``automated_agent`` with their explanation as a support
graph. The KGX export writes the same nodes and edges (:mod:`kg.export`), so the
two never disagree.

:class:`TRAPI` answers ``POST /query`` bodies: one-hop and multi-hop query graphs
whose node ids and categories and edge predicates match their descendants (a drug
class's members, Biolink's sub-categories and sub-predicates, and inverses),
qualifier and attribute constraints, set-valued nodes, and TRAPI 1.6 Pathfinder
queries answered from the signed path engine (:mod:`kg.paths`). Requests are
validated with the TRAPI models of ``reasoner-pydantic``; a bad one raises
:class:`TRAPIError` carrying the HTTP status and TRAPI log entries.

Examples
--------
>>> from kg.catalog import Catalog
>>> from kg.engine import Engine
>>> from kg.store import open_store
>>> trapi = TRAPI(Engine(Catalog(open_store())))
>>> qg = {"nodes": {"drug": {"categories": ["biolink:ChemicalEntity"]}, "nmda": {"ids": ["GO:0017146"]}},
...       "edges": {"e": {"subject": "drug", "object": "nmda", "predicates": ["biolink:affects"]}}}
>>> answer = trapi.query({"message": {"query_graph": qg}})
>>> "CHEBI:6121" in {b["id"] for r in answer["message"]["results"] for b in r["node_bindings"]["drug"]}
True
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kg import biolink, vocab

if TYPE_CHECKING:
    from kg.catalog import Catalog
    from kg.engine import Engine

__all__ = [
    "TRAPI_VERSION",
    "INFORES",
    "OPERATIONS",
    "Limits",
    "TRAPIError",
    "Node",
    "Edge",
    "BiolinkGraph",
    "TRAPI",
]

#: The TRAPI version answers are written in; 1.6 messages (Pathfinder) are accepted too.
TRAPI_VERSION = "1.5.0"
#: This resource's Translator Information Resource id.
INFORES = "infores:oihkg"
#: The workflow operations answered; any other is refused with 501.
OPERATIONS = ("lookup",)

_REASONING_SIGN = {"oih:promotes": 1, "oih:activates": 1, "oih:inhibits": -1, "oih:drives_pathway": 1,
                   "oih:inhibits_pathway": -1}
_CITATION = "oih:citation/"


@dataclass(frozen=True)
class Limits:
    """What one TRAPI query may cost: ids per query node, query edges, results, Pathfinder paths, seconds."""

    max_ids: int = 1000
    max_edges: int = 10
    max_results: int = 5000
    max_paths: int = 50
    max_path_length: int = 6
    seconds: float = 10.0


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
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _log(level: str, message: str, code: str | None = None) -> dict:
    entry = {"timestamp": datetime.now(timezone.utc).isoformat(), "level": level, "message": message}
    return {**entry, "code": code} if code else entry


def _attr(type_id: str, value: Any, **extra: Any) -> dict:
    return {"attribute_type_id": type_id, "value": value, **{k: v for k, v in extra.items() if v is not None}}


@dataclass(frozen=True)
class Node:
    """An entity said in Biolink: its CURIE, name, most specific category, and annotations."""

    id: str
    name: str
    category: str
    xrefs: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    definition: str | None = None

    def trapi(self) -> dict:
        """The TRAPI knowledge-graph node."""
        attrs = [_attr("biolink:xref", list(self.xrefs))] if self.xrefs else []
        attrs += [_attr("biolink:synonym", list(self.synonyms))] if self.synonyms else []
        attrs += [_attr("biolink:description", self.definition)] if self.definition else []
        return {"name": self.name, "categories": [self.category], "attributes": attrs}


@dataclass
class Edge:
    """An edge said in Biolink, in its canonical direction, with the model's evidence and the reasoner's support."""

    id: str
    subject: str
    predicate: str
    object: str
    qualifiers: tuple[tuple[str, str], ...]
    relation: str
    relation_label: str
    sign: int
    inferred: bool
    citations: tuple[str, ...] = ()
    quote: str = ""
    evidence_type: str = ""
    context: str | None = None
    via: str | None = None
    support: str | None = None

    @property
    def knowledge_level(self) -> str:
        return "logical_entailment" if self.inferred else "knowledge_assertion"

    @property
    def agent_type(self) -> str:
        return "automated_agent" if self.inferred else "manual_agent"

    @property
    def publications(self) -> list[str]:
        return [_CITATION + c for c in self.citations]

    def attributes(self) -> list[dict]:
        """The TRAPI attributes: knowledge level, agent type, RO predicate, citations, quote, ECO code, sign, context."""
        out = [_attr("biolink:knowledge_level", self.knowledge_level), _attr("biolink:agent_type", self.agent_type),
               _attr("biolink:original_predicate", self.relation, original_attribute_name="relation",
                     description=self.relation_label)]
        if self.citations:
            out.append(_attr("biolink:publications", self.publications, description="problem_id citations of the source text"))
        if self.quote:
            out.append(_attr("biolink:supporting_text", [self.quote]))
        if self.evidence_type:
            out.append(_attr("biolink:has_evidence", [self.evidence_type]))
        if self.sign:
            out.append(_attr("oih:sign", self.sign, description="+1: more of the subject, more of the object; -1: less"))
        if self.context:
            out.append(_attr("oih:context", self.context, description="the condition under which the statement holds"))
        if self.via:
            out.append(_attr("oih:via", self.via, description="said of this drug class, so it holds for its members"))
        if self.support:
            out.append(_attr("biolink:support_graphs", [self.support]))
        return out

    def trapi(self) -> dict:
        """The TRAPI knowledge-graph edge."""
        out = {"subject": self.subject, "predicate": self.predicate, "object": self.object,
               "sources": [{"resource_id": INFORES, "resource_role": "primary_knowledge_source"}],
               "attributes": self.attributes()}
        if self.qualifiers:
            out["qualifiers"] = [{"qualifier_type_id": t, "qualifier_value": v} for t, v in self.qualifiers]
        return out


def _edge_id(*key: Any) -> str:
    return "oihkg:" + hashlib.blake2b(json.dumps(key).encode(), digest_size=6).hexdigest()


@dataclass
class BiolinkGraph:
    """The served graph in Biolink: nodes by CURIE, edges by id, support graphs, and the indexes queries need.

    Build with :meth:`from_catalog`.
    """

    nodes: dict[str, Node]
    edges: dict[str, Edge]
    aux: dict[str, dict] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    xref_index: dict[str, set[str]] = field(default_factory=dict)
    incident: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> BiolinkGraph:
        """Every entity and every edge of the catalog (asserted and inferred), plus each premise an inferred edge's
        explanation names, with the support graphs."""
        return _Builder(catalog).build()

    def node(self, curie: str) -> Node:
        """The node for a CURIE; an entity of a foreign graph (no card) is a ``biolink:NamedThing``."""
        return self.nodes.get(curie) or Node(curie, curie, "biolink:NamedThing")

    def support_closure(self, edge_ids) -> tuple[set[str], set[str]]:
        """The edges and support graphs that explain ``edge_ids``, transitively (premises of premises)."""
        edges, graphs, todo = set(), set(), list(edge_ids)
        while todo:
            eid = todo.pop()
            if eid in edges:
                continue
            edges.add(eid)
            aux = self.edges[eid].support
            if aux and aux not in graphs:
                graphs.add(aux)
                todo += self.aux[aux]["edges"]
        return edges, graphs

    def message_graphs(self, edge_ids, node_ids=()) -> tuple[dict, dict]:
        """The TRAPI ``knowledge_graph`` and ``auxiliary_graphs`` holding ``edge_ids``, their support and their ends."""
        edges, graphs = self.support_closure(edge_ids)
        nodes = set(node_ids) | {n for e in edges for n in (self.edges[e].subject, self.edges[e].object)}
        kg = {"nodes": {n: self.node(n).trapi() for n in sorted(nodes)},
              "edges": {e: self.edges[e].trapi() for e in sorted(edges)}}
        return kg, {g: self.aux[g] for g in sorted(graphs)}


class _Builder:
    """Builds a :class:`BiolinkGraph` from a catalog (one use)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.nodes: dict[str, Node] = {}
        self.edges: dict[str, Edge] = {}
        self.by_triple: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self.aux: dict[str, dict] = {}

    def build(self) -> BiolinkGraph:
        for card in self.catalog.cards().values():
            try:
                term = vocab.entity_class(card.get("types", []))
            except KeyError:
                continue
            self.nodes[card["id"]] = Node(card["id"], card["label"], biolink.node_category(term, card["id"]),
                                          tuple(card.get("xrefs", ())), tuple(card.get("synonyms", ())), card.get("definition"))
        for row in self.catalog.edges():
            self._add(row["subject"], row["predicate"], row["object"], bool(row["inferred"]), sign=row.get("sign"),
                      citations=row.get("citations") or (), quote=row.get("quote") or "",
                      evidence_type=row.get("evidenceType") or "", context=row.get("context"), via=row.get("via"))
        self.inferences = {(r["subject"], r["predicate"], r["object"]): r for r in self.catalog.query("inference-explanations")}
        todo = [e for e in self.edges.values() if e.inferred]
        while todo:
            edge = todo.pop()
            todo += self._support(edge)
        members: dict[str, set[str]] = defaultdict(set)
        for e in self.edges.values():
            if e.relation == vocab.MEMBER_OF:
                members[e.object].add(e.subject)
        xrefs: dict[str, set[str]] = defaultdict(set)
        for n in self.nodes.values():
            for x in n.xrefs:
                xrefs[x].add(n.id)
        incident: dict[str, list[str]] = defaultdict(list)
        for e in self.edges.values():
            incident[e.subject].append(e.id)
            if e.object != e.subject:
                incident[e.object].append(e.id)
        return BiolinkGraph(self.nodes, self.edges, self.aux, dict(members), dict(xrefs), dict(incident))

    def _add(self, s: str, relation: str, o: str, inferred: bool, sign=None, citations=(), quote="", evidence_type="",
             context=None, via=None) -> Edge | None:
        try:
            term = vocab.relation(relation)
        except KeyError:
            return None  # a relation of a foreign graph: not said in Biolink
        sign = int(sign) if sign not in (None, "") else _REASONING_SIGN.get(relation, term.sign)
        st = biolink.statement(term, sign)
        subject, obj = (o, s) if st.flipped else (s, o)
        eid = _edge_id(s, relation, o, inferred, context)
        if eid in self.edges:
            return self.edges[eid]
        edge = Edge(eid, subject, st.predicate, obj, st.qualifiers, relation, term.label, sign, inferred,
                    tuple(sorted(citations)), quote, evidence_type, context, via)
        self.edges[eid] = edge
        self.by_triple[(s, relation, o)].append(eid)
        return edge

    def _find(self, s: str, relation: str, o: str, citations=()) -> Edge | None:
        """The edge for a premise triple: an existing one (asserted first), else a new one (inferred when the reasoner
        inferred it, else asserted: a pathway membership curated in the entity rows)."""
        found = [self.edges[e] for e in self.by_triple.get((s, relation, o), [])]
        if found:
            return min(found, key=lambda e: (e.inferred, e.context is not None))
        return self._add(s, relation, o, (s, relation, o) in self.inferences, citations=citations)

    def _premise(self, p: dict) -> Edge | None:
        kind = p.get("kind")
        if kind == "triple":
            return self._find(p["subject"], p["predicate"], p["object"])
        if kind == "type" and p["object"].startswith("oih:class/"):
            return self._find(p["subject"], vocab.MEMBER_OF, "oih:" + p["object"].removeprefix("oih:class/"))
        if kind == "class statement" and p["subject"].startswith("oih:class/"):
            return self._find("oih:" + p["subject"].removeprefix("oih:class/"), p["predicate"], p["object"],
                              citations=p.get("citations") or ())
        return None

    def _support(self, edge: Edge) -> list[Edge]:
        """Attach the edge's explanation as a support graph; return the new inferred premise edges to explain."""
        s, o = (edge.object, edge.subject) if biolink.canonical(vocab.relation(edge.relation).biolink)[1] else (edge.subject, edge.object)
        inference = self.inferences.get((s, edge.relation, o))
        if inference is None or edge.support:
            return []
        before = set(self.edges)
        premises = json.loads(inference["explanation"])
        ids = []
        for p in premises:
            found = self._premise(p)
            if found is not None and found.id != edge.id and found.id not in ids:
                ids.append(found.id)
        if not ids:
            return []
        aux = "support:" + edge.id.removeprefix("oihkg:")
        axioms = [p["axiom"] for p in premises if p.get("axiom")]
        self.aux[aux] = {"edges": ids, "attributes": [
            _attr("oih:rule", inference["rule"], description="the reasoner's rule that joins the premises"),
            *([_attr("oih:axioms", axioms, description="the ontology's axioms used, in OWL functional syntax")] if axioms else []),
            _attr("biolink:agent_type", "automated_agent"),
            _attr("biolink:knowledge_level", "logical_entailment"),
        ]}
        edge.support = aux
        return [self.edges[e] for e in set(self.edges) - before if self.edges[e].inferred]


@dataclass
class _QNode:
    key: str
    candidates: dict[str, str | None] | None  # node id -> the query id it matched through; None: any node
    categories: frozenset[str]
    constraints: list[dict]
    is_set: bool


@dataclass
class _QEdge:
    key: str
    subject: str
    object: str
    forward: frozenset[str]
    reverse: frozenset[str]
    qualifier_sets: list[list[tuple[str, str]]]
    constraints: list[dict]


def _compare(op: str, have: Any, want: Any) -> bool:
    values = have if isinstance(have, (list, tuple)) else [have]
    for v in values:
        try:
            if op == "==" and (v == want or str(v) == str(want)):
                return True
            if op == "===" and have == want:
                return True
            if op == ">" and float(v) > float(want):
                return True
            if op == "<" and float(v) < float(want):
                return True
            if op == "matches" and re.search(str(want), str(v)):
                return True
        except (TypeError, ValueError, re.error):
            continue
    return False


def _satisfies(attributes: list[dict], constraints: list[dict]) -> bool:
    for c in constraints:
        hit = any(a["attribute_type_id"] == c["id"] and _compare(c["operator"], a["value"], c["value"]) for a in attributes)
        if hit == bool(c.get("not", False)):
            return False
    return True


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


class TRAPI:
    """The TRAPI knowledge provider over one engine: ``query`` and ``meta_knowledge_graph``; the Biolink graph is built
    once per store and kept.

    Parameters
    ----------
    engine : kg.engine.Engine
        The mechanism engine (Pathfinder uses its signed paths; everything else its catalog).
    limits : Limits, optional
        What one query may cost.
    """

    def __init__(self, engine: Engine, limits: Limits | None = None):
        self.engine = engine
        self.limits = limits or Limits()

    @cached_property
    def graph(self) -> BiolinkGraph:
        """The served graph in Biolink, built on first use."""
        return BiolinkGraph.from_catalog(self.engine.catalog)

    # -- the meta knowledge graph
    def meta_knowledge_graph(self) -> dict:
        """Every (subject category, predicate, object category) the graph holds, with its qualifiers and attributes,
        the id prefixes of each category, and the counts (``counts``, beside the TRAPI fields)."""
        g = self.graph
        prefixes: dict[str, set[str]] = defaultdict(set)
        node_counts: dict[str, int] = defaultdict(int)
        for n in g.nodes.values():
            prefixes[n.category].add(n.id.split(":", 1)[0])
            node_counts[n.category] += 1
        triples: dict[tuple[str, str, str], dict] = {}
        for e in g.edges.values():
            s, o = g.node(e.subject), g.node(e.object)
            prefixes[s.category].add(s.id.split(":", 1)[0])
            prefixes[o.category].add(o.id.split(":", 1)[0])
            t = triples.setdefault((s.category, e.predicate, o.category), {"count": 0, "qualifiers": defaultdict(set), "attributes": set()})
            t["count"] += 1
            for qt, qv in e.qualifiers:
                t["qualifiers"][qt].add(qv)
            t["attributes"] |= {a["attribute_type_id"] for a in e.attributes()}
        edges = []
        for (s, p, o), t in sorted(triples.items()):
            meta = {"subject": s, "predicate": p, "object": o, "knowledge_types": ["lookup"],
                    "attributes": [{"attribute_type_id": a, "constraint_use": True, "constraint_name": a.split(":", 1)[1]}
                                   for a in sorted(t["attributes"])]}
            if t["qualifiers"]:
                meta["qualifiers"] = [{"qualifier_type_id": q, "applicable_values": sorted(v)} for q, v in sorted(t["qualifiers"].items())]
            edges.append(meta)
        return {
            "nodes": {c: {"id_prefixes": sorted(p)} for c, p in sorted(prefixes.items())},
            "edges": edges,
            "counts": {"nodes": dict(sorted(node_counts.items())),
                       "edges": [{"subject": s, "predicate": p, "object": o, "count": t["count"]} for (s, p, o), t in sorted(triples.items())]},
            "biolink_version": biolink.version(),
            "schema_version": TRAPI_VERSION,
        }

    # -- queries
    def query(self, request: dict) -> dict:
        """Answer a TRAPI ``Query`` body (a dict) with a TRAPI ``Response`` (a dict).

        Raises
        ------
        TRAPIError
            400 for a body that is no valid TRAPI query or a query graph this provider cannot traverse, 413 for one over
            the limits, 501 for a workflow operation other than ``lookup``.
        """
        message = self._validate(request)
        qg = message["query_graph"]
        logs: list[dict] = []
        if qg.get("paths"):
            results, edge_ids, aux, status = self._pathfinder(qg, logs)
        else:
            results, edge_ids, status = self._lookup(qg, logs)
            aux = {}
        node_ids = {b["id"] for r in results for bs in r["node_bindings"].values() for b in bs}
        kg, support = self.graph.message_graphs(edge_ids, node_ids)
        logs.append(_log("INFO", f"{len(results)} results, {len(kg['edges'])} edges"))
        return {
            "message": {"query_graph": qg, "knowledge_graph": kg, "results": results, "auxiliary_graphs": {**support, **aux}},
            "logs": logs, "status": status, "description": f"{len(results)} results from {INFORES}",
            "schema_version": TRAPI_VERSION, "biolink_version": biolink.version(),
        }

    def _validate(self, request: Any) -> dict:
        from pydantic import ValidationError
        from reasoner_pydantic import Query

        if not isinstance(request, dict):
            raise TRAPIError(400, "InvalidRequest", "the body must be a JSON object with a 'message'")
        checked = request
        paths = ((request.get("message") or {}).get("query_graph") or {}).get("paths") if isinstance(request.get("message"), dict) else None
        if isinstance(paths, dict):  # TRAPI 1.6 makes a path's constraints optional; reasoner-pydantic 6 requires the key
            checked = json.loads(json.dumps(request))
            for qp in checked["message"]["query_graph"]["paths"].values():
                if isinstance(qp, dict):
                    qp.setdefault("constraints", None)
        try:
            Query.model_validate(checked)
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
        if qg.get("paths") and qg.get("edges"):
            raise TRAPIError(400, "QueryNotTraversable", "a query graph has edges or paths, not both")
        return message

    # -- lookup
    def _qnode(self, key: str, q: dict, logs: list[dict]) -> _QNode:
        g = self.graph
        known = {"ids", "categories", "set_interpretation", "member_ids", "constraints", "is_set"}
        for extra in sorted(set(q) - known):
            logs.append(_log("WARNING", f"query node {key}: property {extra!r} is not recognised and was ignored"))
        categories = frozenset(q.get("categories") or ())
        for c in categories:
            if biolink.category(c) is None:
                raise TRAPIError(400, "UnsupportedCategory", f"query node {key}: {c} is not a Biolink {biolink.version()} category")
        set_kind = q.get("set_interpretation") or "BATCH"
        is_set = bool(q.get("is_set")) or set_kind in ("ALL", "MANY")
        ids = list(q.get("ids") or [])
        if set_kind in ("ALL", "MANY") and q.get("member_ids"):
            ids = list(q["member_ids"])
            via = {i: (q.get("ids") or [None])[0] for i in ids}
        else:
            via = {i: None for i in ids}
        if len(ids) > self.limits.max_ids:
            raise TRAPIError(413, "BatchSizeExceeded", f"query node {key} has {len(ids)} ids; at most {self.limits.max_ids}")
        candidates = None
        if ids:
            candidates = {}
            for qid in ids:
                hits = ({qid} if qid in g.nodes else set()) | g.xref_index.get(qid, set())
                if not hits:
                    logs.append(_log("WARNING", f"query node {key}: {qid} is not in this graph", "UnknownCurie"))
                todo = list(hits)
                while todo:  # a drug class's members are its descendants
                    nid = todo.pop()
                    if nid in candidates:
                        continue
                    candidates[nid] = via[qid] if nid == qid else (via[qid] or qid)
                    todo += g.members.get(nid, ())
        return _QNode(key, candidates, frozenset() if ids else categories, list(q.get("constraints") or []), is_set)

    def _qedge(self, key: str, q: dict, qnodes: dict, logs: list[dict]) -> _QEdge:
        for end in ("subject", "object"):
            if q[end] not in qnodes:
                raise TRAPIError(400, "QueryNotTraversable", f"query edge {key}: its {end} {q[end]!r} is not a node of the query graph")
        known = {"subject", "object", "predicates", "knowledge_type", "attribute_constraints", "qualifier_constraints"}
        for extra in sorted(set(q) - known):
            logs.append(_log("WARNING", f"query edge {key}: property {extra!r} is not recognised and was ignored"))
        predicates = list(q.get("predicates") or ["biolink:related_to"])
        for p in predicates:
            if biolink.predicate(p) is None:
                raise TRAPIError(400, "UnsupportedPredicate", f"query edge {key}: {p} is not a Biolink {biolink.version()} predicate")
        reverse = {biolink.inverse(p) for p in predicates if biolink.inverse(p)} | {p for p in predicates if biolink.symmetric(p)}
        sets = [[(c["qualifier_type_id"], c["qualifier_value"]) for c in s.get("qualifier_set") or []]
                for s in q.get("qualifier_constraints") or []]
        if q.get("knowledge_type") == "inferred":
            logs.append(_log("INFO", f"query edge {key}: inferred answers come from the curated edges and the reasoner's "
                                     "entailments (knowledge_level logical_entailment)"))
        return _QEdge(key, q["subject"], q["object"], frozenset(predicates), frozenset(reverse), [s for s in sets if s],
                      list(q.get("attribute_constraints") or []))

    def _node_ok(self, qn: _QNode, nid: str) -> bool:
        if qn.candidates is not None and nid not in qn.candidates:
            return False
        node = self.graph.node(nid)
        if qn.categories and not (biolink.ancestors(node.category) & qn.categories):
            return False
        return not qn.constraints or _satisfies(node.trapi()["attributes"], qn.constraints)

    def _orientations(self, qe: _QEdge, e: Edge) -> list[tuple[str, str]]:
        """How a KG edge binds a query edge: ``(subject node, object node)`` for each orientation that matches."""
        if qe.constraints and not _satisfies(e.attributes(), qe.constraints):
            return []
        have = biolink.predicate_ancestors(e.predicate)
        if qe.qualifier_sets:
            quals = dict(e.qualifiers)
            ok = any(all(t in quals and v in biolink.value_ancestors(t, quals[t]) for t, v in s) for s in qe.qualifier_sets)
            return [(e.subject, e.object)] if ok and have & qe.forward else []
        out = [(e.subject, e.object)] if have & qe.forward else []
        if have & qe.reverse and (e.object, e.subject) not in out:
            out.append((e.object, e.subject))
        return out

    def _lookup(self, qg: dict, logs: list[dict]) -> tuple[list[dict], set[str], str]:
        qnodes = {k: self._qnode(k, v, logs) for k, v in qg["nodes"].items()}
        if not qnodes:
            raise TRAPIError(400, "QueryNotTraversable", "the query graph has no nodes")
        if len(qg.get("edges") or {}) > self.limits.max_edges:
            raise TRAPIError(413, "QueryTooLarge", f"the query graph has {len(qg['edges'])} edges; at most {self.limits.max_edges}")
        qedges = [self._qedge(k, v, qnodes, logs) for k, v in (qg.get("edges") or {}).items()]
        touched = {n for qe in qedges for n in (qe.subject, qe.object)}
        if qedges and set(qnodes) - touched:
            lone = ", ".join(sorted(set(qnodes) - touched))
            raise TRAPIError(400, "QueryNotTraversable", f"query node(s) {lone} are not joined to the rest of the query graph by any edge")
        order = self._order(qnodes, qedges)
        if order is None:
            raise TRAPIError(400, "QueryNotTraversable", "the query graph is not connected: every edge must join the others")
        deadline = time.monotonic() + self.limits.seconds
        grouped: dict[tuple, dict] = {}
        truncated = False
        for nb, eb in self._bindings(qnodes, order, deadline):
            key = tuple((k, nb[k]) for k in sorted(qnodes) if not qnodes[k].is_set)
            slot = grouped.setdefault(key, {"nodes": defaultdict(set), "edges": defaultdict(set)})
            for k, v in nb.items():
                slot["nodes"][k].add(v)
            for k, v in eb.items():
                slot["edges"][k].add(v)
            if len(grouped) > self.limits.max_results or time.monotonic() > deadline:
                truncated = True
                break
        if truncated:
            logs.append(_log("WARNING", f"the answer was cut at {len(grouped)} results or {self.limits.seconds:g} s; "
                                        "pin more query nodes to narrow it", "ResultsTruncated"))
        results, edge_ids = [], set()
        for slot in grouped.values():
            bindings = {k: [{"id": nid, "attributes": [], **({"query_id": qnodes[k].candidates[nid]}
                                                              if qnodes[k].candidates and qnodes[k].candidates.get(nid) else {})}
                            for nid in sorted(ids)] for k, ids in slot["nodes"].items()}
            edge_bindings = {k: [{"id": e, "attributes": []} for e in sorted(ids)] for k, ids in slot["edges"].items()}
            edge_ids |= {e for ids in slot["edges"].values() for e in ids}
            results.append({"node_bindings": bindings, "analyses": [{"resource_id": INFORES, "edge_bindings": edge_bindings}]})
        return results, edge_ids, "Success"

    @staticmethod
    def _order(qnodes: dict[str, _QNode], qedges: list[_QEdge]) -> list[_QEdge] | None:
        """Query edges in a joinable order, starting from pinned nodes; None when the graph falls apart."""
        if not qedges:
            return []
        remaining = list(qedges)
        pinned = {k for k, q in qnodes.items() if q.candidates is not None}
        start = next((qe for qe in remaining if {qe.subject, qe.object} & pinned), remaining[0])
        order, bound = [start], {start.subject, start.object}
        remaining.remove(start)
        while remaining:
            nxt = next((qe for qe in remaining if {qe.subject, qe.object} & bound), None)
            if nxt is None:
                return None
            order.append(nxt)
            bound |= {nxt.subject, nxt.object}
            remaining.remove(nxt)
        return order

    def _bindings(self, qnodes: dict[str, _QNode], order: list[_QEdge], deadline: float) -> Iterator[tuple[dict, dict]]:
        """Every consistent binding of query nodes to nodes and query edges to edges (a backtracking join)."""
        g = self.graph
        if not order:
            for key, qn in qnodes.items():
                pool = qn.candidates if qn.candidates is not None else g.nodes
                for nid in sorted(pool):
                    if self._node_ok(qn, nid):
                        yield {key: nid}, {}
            return
        steps = 0

        def extend(i: int, nb: dict, eb: dict) -> Iterator[tuple[dict, dict]]:
            nonlocal steps
            if i == len(order):
                yield dict(nb), dict(eb)
                return
            qe = order[i]
            if qe.subject in nb:
                pool = g.incident.get(nb[qe.subject], [])
            elif qe.object in nb:
                pool = g.incident.get(nb[qe.object], [])
            elif qnodes[qe.subject].candidates is not None:
                pool = [e for n in qnodes[qe.subject].candidates for e in g.incident.get(n, [])]
            elif qnodes[qe.object].candidates is not None:
                pool = [e for n in qnodes[qe.object].candidates for e in g.incident.get(n, [])]
            else:
                pool = list(g.edges)
            for eid in dict.fromkeys(pool):
                steps += 1
                if steps % 1000 == 0 and time.monotonic() > deadline:
                    return
                for s, o in self._orientations(qe, g.edges[eid]):
                    if nb.get(qe.subject, s) != s or nb.get(qe.object, o) != o:
                        continue
                    if qe.subject == qe.object and s != o:
                        continue
                    if not (self._node_ok(qnodes[qe.subject], s) and self._node_ok(qnodes[qe.object], o)):
                        continue
                    added = [k for k in (qe.subject, qe.object) if k not in nb]
                    nb.update({qe.subject: s, qe.object: o})
                    eb[qe.key] = eid
                    yield from extend(i + 1, nb, eb)
                    for k in added:
                        del nb[k]
                    del eb[qe.key]

        yield from extend(0, {}, {})

    # -- Pathfinder
    def _pathfinder(self, qg: dict, logs: list[dict]) -> tuple[list[dict], set[str], dict, str]:
        g = self.graph
        if len(qg["paths"]) != 1:
            raise TRAPIError(400, "QueryNotTraversable", "a Pathfinder query graph has exactly one path")
        (pkey, qp), = qg["paths"].items()
        ends = {}
        for end in ("subject", "object"):
            key = qp.get(end)
            if key not in qg["nodes"]:
                raise TRAPIError(400, "QueryNotTraversable", f"path {pkey}: its {end} {key!r} is not a node of the query graph")
            qn = self._qnode(key, qg["nodes"][key], logs)
            if qn.candidates is None:
                raise TRAPIError(400, "QueryNotTraversable", f"path {pkey}: Pathfinder needs both ends pinned by ids; {key} has none")
            ends[end] = (key, [n for n, via in qn.candidates.items() if via is None or n in g.xref_index.get(via, ())])
        predicates = frozenset(qp.get("predicates") or ["biolink:related_to"])
        for p in predicates:
            if biolink.predicate(p) is None:
                raise TRAPIError(400, "UnsupportedPredicate", f"path {pkey}: {p} is not a Biolink {biolink.version()} predicate")
        constraints = [frozenset(c.get("intermediate_categories") or ()) for c in qp.get("constraints") or []]
        (skey, sources), (okey, targets) = ends["subject"], ends["object"]
        results, edge_ids, aux = [], set(), {}
        for s in sources:
            for t in targets:
                found = self.engine.paths(s, t, max_length=self.limits.max_path_length, limit=self.limits.max_paths * 4)
                if not found.paths:
                    logs.append(_log("INFO", f"no path from {s} to {t}: {found.message}", found.status.value))
                analyses = []
                for path in found.paths:
                    steps = [self._path_edge(step) for step in path.edges]
                    if any(e is None for e in steps):
                        continue
                    if not all(biolink.predicate_ancestors(e.predicate) & predicates for e in steps):
                        continue
                    middle = [g.node(n).category for n in path.nodes[1:-1]]
                    if not all(any(biolink.ancestors(c) & cats for c in middle) for cats in constraints):
                        continue
                    pid = "path:" + hashlib.blake2b(json.dumps([e.id for e in steps]).encode(), digest_size=6).hexdigest()
                    aux[pid] = {"edges": [e.id for e in steps], "attributes": [
                        _attr("oih:sign", path.sign, original_attribute_name="net_sign",
                              description="the net sign of the path: the product of its edges' signs (+1 raises the target, -1 lowers it)"),
                        _attr("oih:path_length", path.length),
                        _attr("oih:nodes", list(path.nodes), description="the path's nodes in order"),
                    ]}
                    edge_ids |= {e.id for e in steps}
                    analyses.append({"resource_id": INFORES, "path_bindings": {pkey: [{"id": pid}]},
                                     "score": round(1.0 / path.length, 4), "scoring_method": "1 / path length"})
                    if len(analyses) >= self.limits.max_paths:
                        break
                if analyses:
                    results.append({"node_bindings": {skey: [{"id": s, "attributes": []}], okey: [{"id": t, "attributes": []}]},
                                    "analyses": analyses})
        return results, edge_ids, aux, "Success"

    def _path_edge(self, step: dict) -> Edge | None:
        """The knowledge-graph edge a step of a signed path stands for."""
        term = vocab.relation(step["relation"])
        flipped = biolink.canonical(term.biolink)[1]
        s, o = (step["object"], step["subject"]) if flipped else (step["subject"], step["object"])
        g = self.graph
        hits = [g.edges[i] for i in g.incident.get(s, ()) if g.edges[i].subject == s and g.edges[i].object == o
                and g.edges[i].relation == step["relation"] and g.edges[i].inferred == bool(step["inferred"])]
        return min(hits, key=lambda e: e.context is not None) if hits else None
