"""The one mapping table: each class's Biolink and map category, each relation's Biolink predicate.

Exports and the map read them from here (:func:`biolink_category`, :func:`biolink_predicate`,
:func:`map_category`; :data:`MAP_CATEGORIES` gives colour and shape), and :func:`check_mappings`
makes an unmapped term a build error.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.schema.relations import ACTIONS, MEMBERSHIP, REASONING, RELATIONS, relation
from kg.schema.terms import CLASSES, entity_class

__all__ = [
    "MapStyle",
    "MAP_CATEGORIES",
    "map_category",
    "biolink_category",
    "biolink_predicate",
    "check_mappings",
]

@dataclass(frozen=True)
class MapStyle:
    """How the mechanism map draws an entity category: fill colour, vis.js shape and legend label."""

    colour: str
    shape: str
    legend: str


#: The map's categories, each named by the ``map_category`` of the classes of :data:`CLASSES`.
MAP_CATEGORIES: dict[str, MapStyle] = {
    "receptor": MapStyle("#e6550d", "diamond", "receptor"),
    "mediator": MapStyle("#fd8d3c", "dot", "mediator"),
    "cell": MapStyle("#31a354", "hexagon", "cell type"),
    "region": MapStyle("#756bb1", "square", "anatomical region"),
    "process": MapStyle("#6baed6", "ellipse", "biological process"),
    "phenotype": MapStyle("#de2d26", "star", "phenotype"),
    "condition": MapStyle("#c51b8a", "triangleDown", "condition"),
    "drug": MapStyle("#3182bd", "triangle", "drug / drug class"),
    "intervention": MapStyle("#238b45", "box", "intervention"),
    "chemical": MapStyle("#969696", "dot", "chemical"),
    "pathway": MapStyle("#fdae6b", "box", "pathway"),
    "quantity": MapStyle("#bdbdbd", "square", "model quantity"),
    "other": MapStyle("#d9d9d9", "dot", "other"),
}


def map_category(types) -> str:
    """The map category of an entity with these types (:func:`entity_class`)."""
    return entity_class(types).map_category


def biolink_category(types) -> str:
    """The Biolink category of an entity with these types (:func:`entity_class`).

    Examples
    --------
    >>> biolink_category(["oih:Intervention"]), biolink_category(["oih:DiagnosticProcedure", "oih:Intervention"])
    ('biolink:Treatment', 'biolink:Procedure')
    """
    return entity_class(types).biolink


def biolink_predicate(curie: str) -> str:
    """The Biolink predicate of a relation CURIE (:func:`relation`); ``KeyError`` for one the schema lacks."""
    return relation(curie).biolink


def check_mappings() -> list[str]:
    """What the mapping table lacks: each class without a Biolink category or a known map category, each relation
    without a Biolink predicate. The build refuses to run while the list is not empty.

    Examples
    --------
    >>> check_mappings()
    []
    """
    problems = [f"class {t.curie} has no Biolink category" for t in CLASSES.values() if not t.biolink.startswith("biolink:")]
    problems += [f"class {t.curie} has map category {t.map_category!r}, not one of {', '.join(MAP_CATEGORIES)}"
                 for t in CLASSES.values() if t.map_category not in MAP_CATEGORIES]
    relations = [*RELATIONS.values(), *ACTIONS.values(), *REASONING.values(), MEMBERSHIP]
    problems += [f"relation {t.curie} has no Biolink predicate" for t in relations if not t.biolink.startswith("biolink:")]
    return problems
