"""The schema wing: namespaces, CURIE handling, the schema (TBox) of the OIH model, and the one mapping table.

The curated rows in ``ontology/src`` name entities by CURIE and give each a
``type`` from :data:`CLASSES`; edges name a relation from :data:`RELATIONS`
and interventions an action from :data:`ACTIONS`. Everything the build and
the reasoner need to know about the schema lives here, so the TSV files stay
the only hand-edited model data. Its modules:

* :mod:`kg.schema.namespaces` — the namespaces, graph names and prefix map
  (:data:`CONVERTER`), and :func:`expand` / :func:`compress` between CURIEs and IRIs;
* :mod:`kg.schema.terms` — :class:`Term`, the entity classes (:data:`CLASSES`,
  :data:`KINDS`, :data:`DEFINED_CLASSES`) and the entities the code names by CURIE;
* :mod:`kg.schema.relations` — the relations (:data:`RELATIONS`, :data:`ACTIONS`,
  :data:`REASONING`, drug-class membership) and :func:`relation`;
* :mod:`kg.schema.evidence` — the evidence types, their strength and the annotation properties;
* :mod:`kg.schema.mapping` — the one mapping table: each class carries its Biolink
  category and map category (:data:`MAP_CATEGORIES` gives colour and shape), each
  relation its RO id, sign and Biolink predicate; exports and the map read them from
  here (:func:`biolink_category`, :func:`biolink_predicate`, :func:`map_category`), and
  :func:`check_mappings` makes an unmapped term a build error;
* :mod:`kg.schema.contexts` — the exposure and the conditions in which a statement holds.

Every public name of the modules but :mod:`kg.schema.contexts` is re-exported here, so ``schema.X`` reaches it.
"""

from __future__ import annotations

from kg.schema.evidence import (
    ANNOTATIONS,
    ECO_CURATOR,
    ECO_TRACEABLE,
    ECO_UNCITED,
    EVIDENCE_STRENGTH,
    EVIDENCE_TYPES,
    evidence_strength,
    weakest,
)
from kg.schema.mapping import MAP_CATEGORIES, MapStyle, biolink_category, biolink_predicate, check_mappings, map_category
from kg.schema.namespaces import (
    CONVERTER,
    GRAPH_ASSERTED,
    GRAPH_INFERRED,
    OBO,
    OBOINOWL,
    OIH,
    ONTOLOGY_IRI,
    SKOS,
    compress,
    expand,
)
from kg.schema.relations import (
    ACTIONS,
    MEMBER_OF,
    MEMBERSHIP,
    NOT_ASSERTABLE,
    REASONING,
    RELATIONS,
    SCHEMA_TERMS,
    SPECIFIC,
    TRAVERSED,
    relation,
)
from kg.schema.terms import (
    CLASSES,
    COMPONENT_A,
    COMPONENT_H,
    DEFINED_CLASSES,
    KINDS,
    NET_PAIN,
    NMDA_RECEPTOR,
    OPIOID_DOSE,
    PATHWAY_GLIAL,
    PATHWAY_MOR,
    Term,
    entity_class,
    kind_of,
    member_class,
)

__all__ = [
    # namespaces
    "OIH", "OBO", "OBOINOWL", "SKOS", "GRAPH_ASSERTED", "GRAPH_INFERRED", "ONTOLOGY_IRI", "CONVERTER", "expand", "compress",
    # terms
    "Term", "KINDS", "CLASSES", "DEFINED_CLASSES", "member_class", "kind_of", "entity_class",
    "PATHWAY_MOR", "PATHWAY_GLIAL", "NMDA_RECEPTOR", "COMPONENT_A", "COMPONENT_H", "NET_PAIN", "OPIOID_DOSE",
    # relations
    "RELATIONS", "NOT_ASSERTABLE", "SPECIFIC", "TRAVERSED", "MEMBER_OF", "MEMBERSHIP", "ACTIONS", "REASONING",
    "SCHEMA_TERMS", "relation",
    # evidence
    "ECO_TRACEABLE", "ECO_CURATOR", "ECO_UNCITED", "EVIDENCE_TYPES", "EVIDENCE_STRENGTH", "evidence_strength", "weakest",
    "ANNOTATIONS",
    # mapping
    "MapStyle", "MAP_CATEGORIES", "map_category", "biolink_category", "biolink_predicate", "check_mappings",
]
