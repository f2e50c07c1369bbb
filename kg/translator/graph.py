"""The served graph said in Biolink: :class:`BiolinkGraph`, its :class:`Node` and :class:`Edge`, built from the catalog.

This module owns saying the served graph in Biolink (:mod:`kg.translator.model`
says each entity and relation): evidence as attributes, curated edges as
``knowledge_assertion`` / ``manual_agent``, the reasoner's as
``logical_entailment`` / ``automated_agent`` with their explanations as support
graphs, and a statement that holds only in a context (asserted, or derived
there) with Biolink's context qualifier (:mod:`kg.translator.context`). TRAPI
(:mod:`kg.translator.trapi`) and the KGX export (:mod:`kg.outputs.export`) both
read it, so they never disagree.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.schema import contexts
from kg.translator import context as trapi_context
from kg.translator.model import node_category, statement
from kg import schema as vocab

if TYPE_CHECKING:
    from kg.catalog import Catalog

__all__ = ["INFORES", "attribute", "Node", "Edge", "BiolinkGraph"]

#: This resource's Translator Information Resource id: the primary knowledge source of every edge.
INFORES = "infores:oihkg"
#: Signs of the reasoning relations that have one (the transitive all-positive chain, and activation or inhibition).
#: "Drives" and "inhibits pathway" (acts on *some* part of it) say no direction of the whole pathway: unsigned.
_REASONING_SIGN = {"oih:promotes": 1, "oih:activates": 1, "oih:inhibits": -1}
_UNSIGNED = frozenset({"oih:drives_pathway", "oih:inhibits_pathway", "oih:targets_pathway"})
_CITATION = "oih:citation/"


def attribute(type_id: str, value: Any, **extra: Any) -> dict:
    """A TRAPI attribute; keyword fields given as None are left out."""
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

    def attributes(self) -> list[dict]:
        """The TRAPI attributes: xrefs, synonyms, definition."""
        attrs = [attribute("biolink:xref", list(self.xrefs))] if self.xrefs else []
        attrs += [attribute("biolink:synonym", list(self.synonyms))] if self.synonyms else []
        return attrs + ([attribute("biolink:description", self.definition)] if self.definition else [])

    def trapi(self) -> dict:
        """The TRAPI knowledge-graph node."""
        return {"name": self.name, "categories": [self.category], "attributes": self.attributes()}


@dataclass
class Edge:
    """A statement of the model said in Biolink, in Biolink's canonical direction, with its evidence.

    ``source`` is the statement's own (subject, object), which ``subject``/``object`` turn round when the Biolink
    predicate is the canonical inverse of the relation's; ``sign`` belongs to that own direction, so a turned-round
    edge does not say it.
    """

    id: str
    subject: str
    predicate: str
    object: str
    qualifiers: tuple[tuple[str, str], ...]
    relation: str
    relation_label: str
    sign: int
    inferred: bool
    source: tuple[str, str]
    citations: tuple[str, ...] = ()
    quote: str = ""
    evidence_type: str = ""
    context: str | None = None
    via: str | None = None
    support: str | None = None

    @property
    def flipped(self) -> bool:
        """Whether subject and object are the statement's own, turned round."""
        return self.source != (self.subject, self.object)

    @property
    def knowledge_level(self) -> str:
        return "logical_entailment" if self.inferred else "knowledge_assertion"

    @property
    def agent_type(self) -> str:
        return "automated_agent" if self.inferred else "manual_agent"

    @property
    def publications(self) -> list[str]:
        return [_CITATION + c for c in self.citations]

    @property
    def said_sign(self) -> int:
        """The sign as the Biolink edge can say it: 0 when the edge is turned round."""
        return 0 if self.flipped else self.sign

    def attributes(self) -> list[dict]:
        """The TRAPI attributes: knowledge level, agent type, RO predicate, citations, the ECO code with the quote as its
        ``supporting_text``, sign, context."""
        out = [attribute("biolink:knowledge_level", self.knowledge_level), attribute("biolink:agent_type", self.agent_type),
               attribute("biolink:original_predicate", self.relation, original_attribute_name="relation",
                         description=self.relation_label + (" (said the other way round)" if self.flipped else ""))]
        if self.citations:
            out.append(attribute("biolink:publications", self.publications, description="problem_id citations of the source text"))
        quote = [attribute("biolink:supporting_text", [self.quote], description="the source text's sentence")] if self.quote else None
        if self.evidence_type:
            out.append(attribute("biolink:has_evidence", [self.evidence_type], attributes=quote))
        elif quote:
            out += quote
        if self.said_sign:
            out.append(attribute("oih:sign", self.said_sign, description="+1: more of the subject, more of the object; -1: less"))
        if self.context:
            out.append(attribute("oih:context", self.context, description="the condition under which the statement holds"))
        if self.via:
            out.append(attribute("oih:via", self.via, description="said of this drug class, so it holds for its members"))
        if self.support:
            out.append(attribute("biolink:support_graphs", [self.support]))
        return out

    def trapi(self) -> dict:
        """The TRAPI knowledge-graph edge."""
        out = {"subject": self.subject, "predicate": self.predicate, "object": self.object,
               "sources": [{"resource_id": INFORES, "resource_role": "primary_knowledge_source"}],
               "attributes": self.attributes()}
        if self.qualifiers:
            out["qualifiers"] = [{"qualifier_type_id": t, "qualifier_value": v} for t, v in self.qualifiers]
        return out


def _preferred(edges: list[Edge]) -> Edge | None:
    """Of the edges of one statement, the asserted one before the inferred, the one without a context first."""
    return min(edges, key=lambda e: (e.inferred, e.context is not None)) if edges else None


def _edge_id(*key: Any) -> str:
    return "oihkg:" + hashlib.blake2b(json.dumps(key).encode(), digest_size=6).hexdigest()


@dataclass
class BiolinkGraph:
    """The served graph in Biolink: nodes by CURIE, edges by id, support graphs, and the indexes queries need.

    Build with :meth:`from_catalog`; TRAPI answers (:mod:`kg.translator.trapi`) and the KGX export (:mod:`kg.outputs.export`) read it.
    """

    nodes: dict[str, Node]
    edges: dict[str, Edge]
    aux: dict[str, dict] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    xref_index: dict[str, set[str]] = field(default_factory=dict)
    incident: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> BiolinkGraph:
        """Every entity, every edge of the catalog (asserted and inferred), every pathway membership, and each premise
        an inferred edge's explanation names, with the explanations as support graphs."""
        return _Builder(catalog).build()

    def node(self, curie: str) -> Node:
        """The node for a CURIE; an entity of a foreign graph (no card) is a ``biolink:NamedThing``."""
        return self.nodes.get(curie) or Node(curie, curie, "biolink:NamedThing")

    def statement(self, s: str, relation: str, o: str, inferred: bool | None = None, context: str | None = None) -> Edge | None:
        """The edge of a statement in its own direction (the asserted one first, then the one without context); with
        ``context`` (``""``: none) the one of that context."""
        hits = [self.edges[i] for i in self.incident.get(s, ()) if self.edges[i].source == (s, o)
                and self.edges[i].relation == relation and (inferred is None or self.edges[i].inferred == inferred)
                and (context is None or (self.edges[i].context or "") == context)]
        return _preferred(hits)

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
        self.by_statement: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self.aux: dict[str, dict] = {}
        self.inferences: dict[tuple[str, str, str], dict[str | None, dict]] = defaultdict(dict)  # by statement, by context

    def build(self) -> BiolinkGraph:
        for card in self.catalog.cards().values():
            try:
                term = vocab.entity_class(card.get("types", []))
            except KeyError:
                continue
            self.nodes[card["id"]] = Node(card["id"], card["label"], node_category(term, card["id"]),
                                          tuple(card.get("xrefs", ())), tuple(card.get("synonyms", ())), card.get("definition"))
        for row in self.catalog.edges():
            self._add(row["subject"], row["predicate"], row["object"], bool(row["inferred"]), sign=row.get("sign"),
                      citations=row.get("citations") or (), quote=row.get("quote") or "",
                      evidence_type=row.get("evidenceType") or "", context=row.get("context"), via=row.get("via"))
        contextual = trapi_context.contextual_facts(self.catalog)
        derived_in_context = {(r["subject"], r["predicate"], r["object"], r["rule"], r["explanation"]) for r in contextual}
        for r in self.catalog.query("inference-explanations"):  # every derivation; those of a context come again below
            if (r["subject"], r["predicate"], r["object"], r["rule"], r["explanation"]) not in derived_in_context:
                self.inferences[(r["subject"], r["predicate"], r["object"])][None] = r
        for r in contextual:
            self.inferences[(r["subject"], r["predicate"], r["object"])][r["context"]] = r
        for r in contextual:  # what holds only in a context, with no bare triple: a drug's inherited statement keeps its class's evidence
            via = trapi_context.drug_class(r)
            said = self._existing(via, r["predicate"], r["object"], r["context"]) if via else None
            self._add(r["subject"], r["predicate"], r["object"], True, context=r["context"], via=via,
                      **({"sign": said.sign, "citations": said.citations, "quote": said.quote, "evidence_type": said.evidence_type}
                         if said else {}))
        pathways = [n.id for n in self.nodes.values() if n.category == vocab.CLASSES["Pathway"].biolink]
        for pathway in pathways:
            for row in self.catalog.query("pathway-members", pathway=pathway):
                self._find(row["member"], "oih:part_of_pathway", pathway)
        todo = [e for e in self.edges.values() if e.inferred]
        while todo:
            todo += self._support(todo.pop())
        members: dict[str, set[str]] = defaultdict(set)
        xrefs: dict[str, set[str]] = defaultdict(set)
        incident: dict[str, list[str]] = defaultdict(list)
        for e in self.edges.values():
            if e.relation == vocab.MEMBER_OF:
                members[e.source[1]].add(e.source[0])
            incident[e.subject].append(e.id)
            if e.object != e.subject:
                incident[e.object].append(e.id)
        for n in self.nodes.values():
            for x in n.xrefs:
                xrefs[x].add(n.id)
        return BiolinkGraph(self.nodes, self.edges, self.aux, dict(members), dict(xrefs), dict(incident))

    def _add(self, s: str, relation: str, o: str, inferred: bool, sign=None, citations=(), quote="", evidence_type="",
             context=None, via=None) -> Edge | None:
        try:
            term = vocab.relation(relation)
        except KeyError:
            return None  # a relation of a foreign graph: not said in Biolink
        if relation in _UNSIGNED:
            sign = 0
        elif sign in (None, ""):
            sign = _REASONING_SIGN.get(relation, term.sign)
        st = statement(term, int(sign))
        eid = _edge_id(s, relation, o, inferred, context)
        if eid in self.edges:
            return self.edges[eid]
        subject, obj = (o, s) if st.flipped else (s, o)
        edge = Edge(eid, subject, st.predicate, obj, st.qualifiers + trapi_context.qualifiers(context), relation, term.label,
                    int(sign), inferred, (s, o),
                    tuple(sorted(citations)), quote, evidence_type, context, via)
        self.edges[eid] = edge
        self.by_statement[(s, relation, o)].append(eid)
        return edge

    def _existing(self, s: str, relation: str, o: str, context: str | None = None) -> Edge | None:
        """The edge of a statement that holds in ``context`` (any when None), the asserted one first."""
        found = [self.edges[e] for e in self.by_statement.get((s, relation, o), [])]
        return _preferred([e for e in found if contexts.holds_in(e.context or "", context)])

    def _find(self, s: str, relation: str, o: str, citations=(), context: str | None = None) -> Edge | None:
        """The edge of a statement that holds in ``context``: an existing one (asserted first), else a new one:
        inferred when the reasoner inferred it (in every context, or in one that holds there), else a statement the
        curators gave outside the edge rows (a pathway membership)."""
        found = self._existing(s, relation, o, context) or self._existing(s, relation, o)
        if found:
            return found
        derived = self.inferences.get((s, relation, o), {})
        held = None if None in derived else next((c for c in sorted(derived) if contexts.holds_in(c, context)), min(derived, default=None))
        return self._add(s, relation, o, bool(derived), citations=citations, evidence_type="" if derived else vocab.ECO_CURATOR,
                         context=held)

    def _premise(self, p: dict, context: str | None) -> Edge | None:
        kind = p.get("kind")
        if kind == "triple":
            return self._find(p["subject"], p["predicate"], p["object"], context=context)
        if kind == "type" and p["object"].startswith("oih:class/"):
            return self._find(p["subject"], vocab.MEMBER_OF, "oih:" + p["object"].removeprefix("oih:class/"))
        if kind == "class statement" and p["subject"].startswith("oih:class/"):
            return self._find("oih:" + p["subject"].removeprefix("oih:class/"), p["predicate"], p["object"],
                              citations=p.get("citations") or (), context=context)
        return None

    def _support(self, edge: Edge) -> list[Edge]:
        """Attach the edge's explanation (the one of its context) as a support graph; return the new inferred premise
        edges to explain."""
        inference = self.inferences.get((edge.source[0], edge.relation, edge.source[1]), {}).get(edge.context)
        if inference is None or edge.support:
            return []
        before = set(self.edges)
        premises = json.loads(inference["explanation"])
        ids: list[str] = []
        for p in premises:
            found = self._premise(p, edge.context)
            if found is not None and found.id != edge.id and found.id not in ids:
                ids.append(found.id)
        if not ids:
            return []
        aux = "support:" + edge.id.removeprefix("oihkg:")
        axioms = [p["axiom"] for p in premises if p.get("axiom")]
        self.aux[aux] = {"edges": ids, "attributes": [
            attribute("oih:rule", inference["rule"], description="the reasoner's rule that joins the premises"),
            *([attribute("oih:axioms", axioms, description="the ontology's axioms used, in OWL functional syntax")] if axioms else []),
            attribute("biolink:agent_type", "automated_agent"),
            attribute("biolink:knowledge_level", "logical_entailment"),
        ]}
        edge.support = aux
        return [self.edges[e] for e in set(self.edges) - before if self.edges[e].inferred]
