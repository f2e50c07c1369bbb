"""Build the asserted OWL ontology from the curated rows.

``ontology/src/*.tsv`` are the only hand-edited model files. The build has
three parts, one module each (and an RDF/XML writer, :mod:`kg.compile.rdfxml`):

* :mod:`kg.compile.rows` — row validation: :func:`load_model` reads and validates
  the files, reporting every problem with its file and line;
* :mod:`kg.compile.ontology` — :func:`build_ontology` turns the rows into an
  owlready2 ontology holding the schema of :mod:`kg.schema`, the entities, the
  evidence-annotated edges and the closure axioms the reasoner needs;
* :mod:`kg.compile.output` — :func:`build` writes ``oih.owl`` (RDF/XML, by
  :mod:`kg.compile.rdfxml`) and ``oih.ttl`` (Turtle) byte-stably, or nothing at
  all when a row is bad.

The names below are the package's public interface.
"""

from kg.compile.ontology import build_ontology
from kg.compile.output import BuildResult, build, serialize
from kg.compile.rows import (
    SOURCE_FILES,
    BuildError,
    Citation,
    Edge,
    Entity,
    Model,
    Observation,
    Problem,
    SeedText,
    load_model,
    normalize_text,
    read_tsv,
)

__all__ = [
    "SOURCE_FILES",
    "Problem",
    "BuildError",
    "Entity",
    "Edge",
    "Citation",
    "Observation",
    "Model",
    "SeedText",
    "read_tsv",
    "BuildResult",
    "normalize_text",
    "load_model",
    "build_ontology",
    "serialize",
    "build",
]
