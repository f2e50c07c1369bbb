"""The compile wing: build the asserted OWL ontology from the curated rows (rows → ontology → output).

``ontology/src/*.tsv`` are the only hand-edited model files. The build has
three parts (and an RDF/XML writer, :mod:`kg.compile.rdfxml`):

* row validation, in four modules: :mod:`kg.compile.rows` — one pydantic model per
  file's row and :func:`read_tsv`, each bad row a :class:`Problem` with its file and
  line; :mod:`kg.compile.model` — the validated :class:`Model` and its dataclasses
  (:class:`Entity`, :class:`Edge`, :class:`Citation`, :class:`Observation`);
  :mod:`kg.compile.seed` — the source text's citation rule (:class:`SeedText`,
  :func:`normalize_text`); :mod:`kg.compile.load` — :func:`load_model`, which reads
  the files, checks the rows against each other and the text, and reports every
  problem at once (:class:`BuildError`);
* :mod:`kg.compile.ontology` — :func:`build_ontology` turns the rows into an
  owlready2 ontology holding the schema of :mod:`kg.schema`, the entities, the
  evidence-annotated edges and the closure axioms the reasoner needs;
* :mod:`kg.compile.output` — :func:`build` writes ``oih.owl`` (RDF/XML, by
  :mod:`kg.compile.rdfxml`) and ``oih.ttl`` (Turtle) byte-stably, or nothing at
  all when a row is bad.

The names below are the package's public interface.
"""

from kg.compile.load import load_model
from kg.compile.model import Citation, Edge, Entity, Model, Observation
from kg.compile.ontology import build_ontology
from kg.compile.output import BuildResult, build, serialize
from kg.compile.rows import SOURCE_FILES, Problem, read_tsv
from kg.compile.seed import SeedText, normalize_text
from kg.errors import BuildError

__all__ = [
    "SOURCE_FILES", "Problem", "read_tsv",  # rows
    "Entity", "Edge", "Citation", "Observation", "Model",  # model
    "SeedText", "normalize_text",  # seed
    "BuildError", "load_model",  # load
    "build_ontology",  # ontology
    "BuildResult", "serialize", "build",  # output
]
