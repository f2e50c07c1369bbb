"""RDF/XML that keeps every blank node one node: the writer of ``oih.owl``.

owlready2's RDF/XML writer nests a blank node's description at every place
that names it, so a node named twice is read back as two nodes. An annotated
axiom whose target is a class expression names that expression twice (the
``rdfs:subClassOf`` triple and the ``owl:annotatedTarget`` of its
``owl:Axiom``), and the annotation would then point at a copy, not at the
axiom. :func:`rdfxml` nests a blank node only where it is named once and gives
any other an ``rdf:nodeID``, so the file holds exactly the graph's triples. The
output depends only on the triples and the prefixes: subjects come grouped by
their OWL kind and sorted, each one's properties sorted.

Examples
--------
>>> import rdflib
>>> g = rdflib.Graph().parse(data='''
...     @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix ex: <https://example.org/> .
...     ex:A a owl:Class ; <http://www.w3.org/2000/01/rdf-schema#subClassOf> _:r .
...     _:r a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:b .
...     [] a owl:Axiom ; owl:annotatedSource ex:A ; owl:annotatedTarget _:r ; ex:note "cited" .
...     ''', format="turtle")
>>> xml = rdfxml(g, {"ex": "https://example.org/", "owl": str(rdflib.OWL), "rdfs": str(rdflib.RDFS)})
>>> xml.count(b"<owl:Restriction")
1
>>> from rdflib.compare import isomorphic
>>> isomorphic(g, rdflib.Graph().parse(data=xml, format="xml"))
True
"""

from __future__ import annotations

import re
from collections import Counter
from xml.sax.saxutils import escape, quoteattr

import rdflib
from rdflib import OWL, RDF, BNode, Literal, URIRef

__all__ = ["rdfxml"]

#: The order of top-level descriptions, by OWL kind (as owlready2 writes them); anything else comes last.
KINDS = (OWL.Ontology, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.AllDisjointProperties,
         OWL.Class, OWL.AllDisjointClasses, OWL.NamedIndividual, OWL.AllDifferent)
_NCNAME = re.compile(r"[A-Za-z_][\w.\-]*\Z")


def _key(term) -> str:
    return term.n3()


def _node_id(node: BNode) -> str:
    """A blank node's ``rdf:nodeID`` (an XML name: its label, prefixed with ``b`` when that is not one)."""
    return str(node) if _NCNAME.match(node) else f"b{node}"


class _Writer:
    """One use: the graph's triples as RDF/XML lines."""

    def __init__(self, graph: rdflib.Graph, prefixes: dict[str, str]):
        self.g = graph
        self.prefixes = dict(prefixes, rdf=str(RDF))
        self.by_ns = sorted(((ns, p) for p, ns in self.prefixes.items()), key=lambda x: -len(x[0]))
        self.used: set[str] = {"rdf"}
        self.refs = Counter(o for o in graph.objects() if isinstance(o, BNode))
        self.nested = {b for b, n in self.refs.items() if n == 1 and (b, None, None) in graph}
        self.lines: list[str] = []

    def qname(self, iri: URIRef, strict: bool = True) -> str | None:
        """``prefix:local`` for an IRI; a new ``nsN`` prefix when none fits (``strict``), else None."""
        for ns, prefix in self.by_ns:
            if iri.startswith(ns) and _NCNAME.match(iri[len(ns):]):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(ns):]}"
        if not strict:
            return None
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        if not _NCNAME.match(iri[cut:]):
            raise ValueError(f"{iri} cannot be written as an RDF/XML property name")
        prefix = next(f"ns{i}" for i in range(1, len(self.prefixes) + 2) if f"ns{i}" not in self.prefixes)
        self.prefixes[prefix] = iri[:cut]
        self.by_ns = sorted(((ns, p) for p, ns in self.prefixes.items()), key=lambda x: -len(x[0]))
        return self.qname(iri)

    def element(self, node) -> tuple[str, URIRef | None]:
        """The element name of a description and the type it says: its OWL kind, else a type with a prefix, else
        ``rdf:Description`` (saying none)."""
        types = sorted((t for t in self.g.objects(node, RDF.type) if isinstance(t, URIRef)), key=_key)
        kind = next((t for t in KINDS if t in types), None)
        for t in [kind, *types] if kind else types:
            if name := self.qname(t, strict=False):
                return name, t
        return "rdf:Description", None

    def describe(self, node, depth: int) -> None:
        pad, (name, said) = "  " * depth, self.element(node)
        if isinstance(node, URIRef):
            about = f" rdf:about={quoteattr(str(node))}"
        else:  # a blank node nested where it is named, or named by its id
            about = "" if node in self.nested or not self.refs[node] else f' rdf:nodeID="{_node_id(node)}"'
        props = sorted(((p, o) for p, o in self.g.predicate_objects(node) if not (p == RDF.type and o == said)),
                       key=lambda po: (_key(po[0]), _key(po[1])))
        if not props:
            self.lines.append(f"{pad}<{name}{about}/>")
            return
        self.lines.append(f"{pad}<{name}{about}>")
        for p, o in props:
            self.property(self.qname(p), o, depth + 1)
        self.lines.append(f"{pad}</{name}>")

    def property(self, p: str, o, depth: int) -> None:
        pad = "  " * depth
        if isinstance(o, Literal):
            attrs = f' xml:lang="{o.language}"' if o.language else (f" rdf:datatype={quoteattr(str(o.datatype))}" if o.datatype else "")
            self.lines.append(f"{pad}<{p}{attrs}>{escape(str(o), {chr(13): '&#13;'})}</{p}>")
        elif isinstance(o, URIRef):
            self.lines.append(f"{pad}<{p} rdf:resource={quoteattr(str(o))}/>")
        elif o not in self.nested:
            self.lines.append(f'{pad}<{p} rdf:nodeID="{_node_id(o)}"/>')
        elif (items := self.collection(o)) is not None:
            self.lines.append(f'{pad}<{p} rdf:parseType="Collection">')
            for item in items:
                if isinstance(item, URIRef):
                    self.lines.append(f"{pad}  <rdf:Description rdf:about={quoteattr(str(item))}/>")
                else:
                    self.describe(item, depth + 1)
            self.lines.append(f"{pad}</{p}>")
        else:
            self.lines.append(f"{pad}<{p}>")
            self.describe(o, depth + 1)
            self.lines.append(f"{pad}</{p}>")

    def collection(self, node) -> list | None:
        """The items of an RDF list that ``rdf:parseType="Collection"`` can say (each list node named once, with only
        ``rdf:first`` and ``rdf:rest``, each item an IRI or a blank node named once), else None."""
        items = []
        while node != RDF.nil:
            props = sorted(p for p, _ in self.g.predicate_objects(node)) if node in self.nested else []
            if props != [RDF.first, RDF.rest]:
                return None
            item = self.g.value(node, RDF.first)
            if not (isinstance(item, URIRef) or item in self.nested):
                return None
            items.append(item)
            node = self.g.value(node, RDF.rest)
        return items

    def write(self) -> bytes:
        self._reach()
        rank = {k: i for i, k in enumerate(KINDS)}
        tops = {s for s in self.g.subjects() if s not in self.nested}
        order = sorted(tops, key=lambda s: (min((rank.get(t, len(KINDS)) for t in self.g.objects(s, RDF.type)), default=len(KINDS)),
                                            isinstance(s, BNode), _key(s)))
        for s in order:
            self.describe(s, 1)
            self.lines.append("")
        head = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
        head += [f"    xmlns:{p}={quoteattr(self.prefixes[p])}" for p in sorted(self.used)]
        head[-1] += ">"
        return "\n".join([*head, "", *self.lines, "</rdf:RDF>", ""]).encode("utf-8")

    def _reach(self) -> None:
        """Keep nested only the blank nodes reached from a top-level description (a cycle of blank nodes named once
        each would otherwise be written nowhere)."""
        while True:
            seen, todo = set(), [s for s in self.g.subjects() if s not in self.nested]
            while todo:
                for o in self.g.objects(todo.pop()):
                    if o in self.nested and o not in seen:
                        seen.add(o)
                        todo.append(o)
            lost = self.nested - seen
            if not lost:
                return
            self.nested.discard(min(lost, key=_key))


def rdfxml(graph: rdflib.Graph, prefixes: dict[str, str]) -> bytes:
    """Write ``graph`` as RDF/XML: a blank node named once nested where it is named, one named more than once
    described once and named by its ``rdf:nodeID``.

    Parameters
    ----------
    graph : rdflib.Graph
        The triples.
    prefixes : dict of str to str
        Namespace prefixes for element names (prefix → namespace IRI); a property outside them gets ``nsN``.

    Returns
    -------
    bytes
        UTF-8 RDF/XML, the same bytes for the same triples and prefixes.
    """
    return _Writer(graph, prefixes).write()
