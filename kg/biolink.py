"""The Biolink model as the ``biolink-model`` package ships it: its version, classes and predicates, read offline.

This module owns reading Biolink. The schema comes from
``biolink_model/schema/biolink_model.yaml`` inside the installed package (never
from the network, which is where ``bmt`` fetches it by default); it is parsed
once per process. :func:`check` says which Biolink names of the mapping table
in :mod:`kg.vocab` the model lacks, or has deprecated, or keeps only as
mixins; the tests require it to say nothing.

Examples
--------
>>> version().count(".") == 2
True
>>> check()
[]
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

__all__ = ["schema", "version", "category", "predicate", "check"]


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


def check() -> list[str]:
    """What the mapping table of :mod:`kg.vocab` names that the packaged Biolink model lacks, deprecates, or keeps
    only as a mixin (a category must be a class instances can have)."""
    from kg import vocab

    problems = []
    for term in vocab.CLASSES.values():
        found = category(term.biolink)
        if found is None:
            problems.append(f"{term.curie}: Biolink {version()} has no class {term.biolink}")
        elif found.get("deprecated") or found.get("mixin"):
            problems.append(f"{term.curie}: {term.biolink} is {'deprecated' if found.get('deprecated') else 'a mixin'}")
    relations = [*vocab.RELATIONS.values(), *vocab.ACTIONS.values(), *vocab.REASONING.values(), vocab.MEMBERSHIP]
    for term in relations:
        found = predicate(term.biolink)
        if found is None:
            problems.append(f"{term.curie}: Biolink {version()} has no predicate {term.biolink}")
        elif found.get("deprecated"):
            problems.append(f"{term.curie}: {term.biolink} is deprecated")
    return problems
