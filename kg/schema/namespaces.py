"""Namespaces and CURIE handling: the prefixes every identifier of the graph is written with.

:data:`CONVERTER` holds the one prefix map (OBO PURLs for OBO ontologies, identifiers.org for the rest);
:func:`expand` and :func:`compress` turn a CURIE into its IRI and back. The graph names of the asserted and the
inferred statements and the ontology's IRI live here too.
"""

from __future__ import annotations

from functools import lru_cache

import curies
from rdflib import Namespace, URIRef

__all__ = [
    "OIH",
    "OBO",
    "OBOINOWL",
    "SKOS",
    "GRAPH_ASSERTED",
    "GRAPH_INFERRED",
    "ONTOLOGY_IRI",
    "CONVERTER",
    "expand",
    "compress",
]

OIH = Namespace("https://w3id.org/oihkg/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ONTOLOGY_IRI = "https://w3id.org/oihkg/oih.owl"
GRAPH_ASSERTED = URIRef("https://w3id.org/oihkg/graph/asserted")
GRAPH_INFERRED = URIRef("https://w3id.org/oihkg/graph/inferred")

_OBO_PREFIXES = ("RO", "BFO", "GO", "CL", "UBERON", "CHEBI", "MONDO", "HP", "NCIT", "ECO", "IAO")

#: Prefix map: OBO PURLs for OBO ontologies, identifiers.org for the rest.
CONVERTER = curies.Converter.from_prefix_map(
    {
        "oih": str(OIH),
        **{p: f"http://purl.obolibrary.org/obo/{p}_" for p in _OBO_PREFIXES},
        "HGNC": "https://identifiers.org/hgnc:",
        "UniProtKB": "https://identifiers.org/uniprot:",
        "NCBIGene": "https://identifiers.org/ncbigene:",
        "MESH": "https://identifiers.org/mesh:",
        "biolink": "https://w3id.org/biolink/vocab/",
        "oboInOwl": str(OBOINOWL),
        "skos": str(SKOS),
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "dcterms": "http://purl.org/dc/terms/",
    }
)


def expand(curie: str) -> str:
    """Return the IRI of a CURIE, or raise ``ValueError`` for an unknown prefix.

    Examples
    --------
    >>> expand("CHEBI:6121")
    'http://purl.obolibrary.org/obo/CHEBI_6121'
    >>> expand("HGNC:8156")
    'https://identifiers.org/hgnc:8156'
    >>> expand("oih:on_cell")
    'https://w3id.org/oihkg/on_cell'
    """
    iri = CONVERTER.expand(curie)
    if iri is None:
        raise ValueError(f"unknown CURIE prefix in {curie!r}")
    return iri


@lru_cache(maxsize=1 << 18)
def compress(iri: str) -> str:
    """Return the CURIE of an IRI, or the IRI itself when no prefix matches (memoised: the prefix trie is slow, and a
    large merged graph names the same entities many times).

    Examples
    --------
    >>> compress("http://purl.obolibrary.org/obo/GO_0017146")
    'GO:0017146'
    """
    return CONVERTER.compress(str(iri)) or str(iri)
