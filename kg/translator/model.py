"""The Biolink model as the ``biolink-model`` package ships it: classes, slots, their closures, and the model said in it.

This module owns reading Biolink. The schema comes from
``biolink_model/schema/biolink_model.yaml`` inside the installed package (never
from the network, which is where ``bmt`` fetches it by default); it is parsed
once per process (:func:`schema`). :func:`category`, :func:`predicate` and
their closures (:func:`ancestors`, :func:`predicate_ancestors`,
:func:`value_ancestors`, :func:`inverse`, :func:`canonical`) read it;
:func:`check` says which Biolink names of the mapping table in
:mod:`kg.schema` the model lacks, or has deprecated, or keeps only as mixins;
the tests require it to say nothing. :func:`node_category` and
:func:`statement` say an entity and a relation of the model in Biolink (a
category refined by identifier prefix; a canonical predicate with its
qualifiers). The served graph said that way is :mod:`kg.translator.graph`.

Examples
--------
>>> version().count(".") == 2
True
>>> check()
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg import schema as vocab  # as vocab: this module's own schema() is the Biolink schema

__all__ = [
    "schema",
    "version",
    "category",
    "predicate",
    "ancestors",
    "predicate_ancestors",
    "inverse",
    "symmetric",
    "canonical",
    "id_prefixes",
    "node_category",
    "value_ancestors",
    "Statement",
    "statement",
    "DIRECTED",
    "check",
]


@cache
def schema() -> dict:
    """The packaged Biolink schema (YAML, as a dict), parsed once."""
    import yaml

    text = resources.files("biolink_model").joinpath("schema/biolink_model.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def version() -> str:
    """The version of the packaged Biolink model, e.g. ``4.4.6``."""
    return str(schema()["version"])


def _words(curie: str) -> str:
    """A Biolink CURIE's element name as the schema spells it: ``biolink:SmallMolecule`` → ``small molecule``."""
    name = curie.split(":", 1)[1]
    return name.replace("_", " ") if "_" in name or name.islower() else re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def category(curie: str) -> dict | None:
    """The schema's class for a category CURIE, or None."""
    return schema()["classes"].get(_words(curie))


def predicate(curie: str) -> dict | None:
    """The schema's slot for a predicate CURIE, or None when it is no predicate (a slot under ``related to``)."""
    slots = schema()["slots"]
    name = _words(curie)
    node, seen = name, set()
    while node and node not in seen:
        if node == "related to":
            return slots[name]
        seen.add(node)
        node = slots.get(node, {}).get("is_a")
    return None


def _class_curie(name: str) -> str:
    """A class name as the schema spells it → its CURIE: ``gene or gene product`` → ``biolink:GeneOrGeneProduct``."""
    return "biolink:" + "".join(w[:1].upper() + w[1:] for w in name.split())


def _slot_curie(name: str) -> str:
    return "biolink:" + name.replace(" ", "_")


def _closure(table: dict, name: str, to_curie) -> frozenset[str]:
    out, todo = set(), [name]
    while todo:
        node = todo.pop()
        if node in out or node not in table:
            continue
        out.add(node)
        todo += [table[node].get("is_a"), *(table[node].get("mixins") or [])]
    return frozenset(to_curie(n) for n in out)


@cache
def ancestors(curie: str) -> frozenset[str]:
    """A category and every category above it, through ``is_a`` and mixins; empty for a name the model lacks.

    A query for any of them matches a node of this category (TRAPI matches descendants).

    Examples
    --------
    >>> {"biolink:ChemicalEntity", "biolink:NamedThing"} <= ancestors("biolink:Drug")
    True
    >>> "biolink:GeneOrGeneProduct" in ancestors("biolink:Gene")
    True
    """
    return _closure(schema()["classes"], _words(curie), _class_curie)


@cache
def predicate_ancestors(curie: str) -> frozenset[str]:
    """A predicate and every predicate above it (``is_a`` and mixins, up to ``related_to``); empty if it is none.

    Examples
    --------
    >>> sorted(predicate_ancestors("biolink:regulates"))
    ['biolink:affects', 'biolink:interacts_with', 'biolink:regulates', 'biolink:related_to', 'biolink:related_to_at_instance_level']
    """
    if predicate(curie) is None:
        return frozenset()
    return frozenset(p for p in _closure(schema()["slots"], _words(curie), _slot_curie) if predicate(p) is not None)


@cache
def _inverses() -> dict[str, str]:
    out = {}
    for name, slot in schema()["slots"].items():
        if slot.get("inverse"):
            out[_slot_curie(name)] = _slot_curie(slot["inverse"])
            out.setdefault(_slot_curie(slot["inverse"]), _slot_curie(name))
    return out


def inverse(curie: str) -> str | None:
    """The inverse of a predicate, or None.

    Examples
    --------
    >>> inverse("biolink:participates_in"), inverse("biolink:has_participant")
    ('biolink:has_participant', 'biolink:participates_in')
    """
    return _inverses().get(curie)


def symmetric(curie: str) -> bool:
    """Whether a predicate is symmetric (``related_to``, ``interacts_with``...)."""
    return bool((predicate(curie) or {}).get("symmetric"))


def _is_canonical(curie: str) -> bool:
    return bool(((predicate(curie) or {}).get("annotations") or {}).get("canonical_predicate"))


def canonical(curie: str) -> tuple[str, bool]:
    """The canonical form of a predicate and whether subject and object swap to use it.

    Translator tools expect edges in the canonical direction: ``participates_in`` is said as ``has_participant``
    from the other end.

    Examples
    --------
    >>> canonical("biolink:participates_in"), canonical("biolink:affects")
    (('biolink:has_participant', True), ('biolink:affects', False))
    """
    inv = inverse(curie)
    if not _is_canonical(curie) and inv and _is_canonical(inv):
        return inv, True
    return curie, False


def id_prefixes(curie: str) -> tuple[str, ...]:
    """The identifier prefixes Biolink lists for a category (empty for one that lists none)."""
    return tuple((category(curie) or {}).get("id_prefixes") or ())


def node_category(term, curie: str) -> str:
    """The Biolink category of an entity of schema class ``term`` (a :class:`kg.schema.Term`) named ``curie``.

    The class's category, unless the identifier's prefix is not one it lists and one of the class's alternatives
    (``biolink_alt``) lists it: the mu-opioid receptor, named by its HGNC gene id, is a ``biolink:Gene``.

    Examples
    --------
    >>> from kg import schema as vocab
    >>> node_category(vocab.CLASSES["Receptor"], "HGNC:8156"), node_category(vocab.CLASSES["Receptor"], "GO:0017146")
    ('biolink:Gene', 'biolink:MacromolecularComplex')
    >>> node_category(vocab.CLASSES["Receptor"], "oih:some_receptor")
    'biolink:Protein'
    """
    prefix = curie.split(":", 1)[0]
    if prefix in id_prefixes(term.biolink):
        return term.biolink
    return next((alt for alt in term.biolink_alt if prefix in id_prefixes(alt)), term.biolink)


def value_ancestors(qualifier: str, value: str) -> frozenset[str]:
    """A qualifier value and the values above it: ``upregulated`` is an ``increased``; for ``qualified_predicate``
    the predicate's ancestors.

    Examples
    --------
    >>> sorted(value_ancestors("biolink:object_direction_qualifier", "upregulated"))
    ['increased', 'upregulated']
    """
    name = qualifier.split(":", 1)[-1].replace("_", " ")
    if name == "qualified predicate":
        return predicate_ancestors(value) or frozenset({value})
    enum = schema()["enums"].get((schema()["slots"].get(name) or {}).get("range") or "", {})
    values = enum.get("permissible_values") or {}
    out, node = set(), value
    while node and node not in out:
        out.add(node)
        node = (values.get(node) or {}).get("is_a")
    return frozenset(out)


#: Predicates whose edges say in which direction the subject changes the object (a qualified ``causes``).
DIRECTED = frozenset({"biolink:affects", "biolink:regulates"})


@dataclass(frozen=True)
class Statement:
    """A relation of the model said in Biolink: predicate, qualifiers, and whether subject and object swap."""

    predicate: str
    qualifiers: tuple[tuple[str, str], ...]
    flipped: bool


def statement(term, sign: int) -> Statement:
    """How an edge of relation ``term`` (a :class:`kg.schema.Term`) with ``sign`` is said in Biolink.

    Signed ``affects`` and ``regulates`` edges carry ``qualified_predicate: biolink:causes`` and an
    ``object_direction_qualifier`` (increased or decreased), with the relation's own qualifiers (an antagonist's
    mechanism and aspect); a non-canonical predicate is turned round to its canonical inverse.

    Examples
    --------
    >>> from kg import schema as vocab
    >>> s = statement(vocab.ACTIONS["antagonist_of"], -1)
    >>> s.predicate, dict(s.qualifiers)["biolink:object_direction_qualifier"], dict(s.qualifiers)["biolink:causal_mechanism_qualifier"]
    ('biolink:affects', 'decreased', 'antagonism')
    >>> statement(vocab.RELATIONS["RO:0000056"], 1)
    Statement(predicate='biolink:has_participant', qualifiers=(), flipped=True)
    """
    pred, flipped = canonical(term.biolink)
    qualifiers: list[tuple[str, str]] = []
    if pred in DIRECTED and sign:
        qualifiers.append(("biolink:qualified_predicate", "biolink:causes"))
        qualifiers += [("biolink:" + k, v) for k, v in term.qualifiers]
        qualifiers.append(("biolink:object_direction_qualifier", "increased" if sign > 0 else "decreased"))
    return Statement(pred, tuple(qualifiers), flipped)


def _enum_has(qualifier: str, value: str) -> bool:
    enum = (schema()["slots"].get(qualifier.replace("_", " ")) or {}).get("range") or ""
    return value in ((schema()["enums"].get(enum) or {}).get("permissible_values") or {})


def check() -> list[str]:
    """What the mapping table of :mod:`kg.schema` names that the packaged Biolink model lacks, deprecates, or keeps
    only as a mixin (a category must be a class instances can have)."""
    problems = []
    for term in vocab.CLASSES.values():
        found = category(term.biolink)
        if found is None:
            problems.append(f"{term.curie}: Biolink {version()} has no class {term.biolink}")
        elif found.get("deprecated") or found.get("mixin"):
            problems.append(f"{term.curie}: {term.biolink} is {'deprecated' if found.get('deprecated') else 'a mixin'}")
        for alt in term.biolink_alt:
            if category(alt) is None or category(alt).get("mixin") or category(alt).get("deprecated"):
                problems.append(f"{term.curie}: alternative category {alt} is not a usable Biolink {version()} class")
    relations = [*vocab.RELATIONS.values(), *vocab.ACTIONS.values(), *vocab.REASONING.values(), vocab.MEMBERSHIP]
    for term in relations:
        for qualifier, value in term.qualifiers:
            if not _enum_has(qualifier, value):
                problems.append(f"{term.curie}: Biolink {version()} has no {qualifier} value {value!r}")
        found = predicate(term.biolink)
        if found is None:
            problems.append(f"{term.curie}: Biolink {version()} has no predicate {term.biolink}")
        elif found.get("deprecated"):
            problems.append(f"{term.curie}: {term.biolink} is deprecated")
    return problems
