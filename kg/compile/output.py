"""Serialisation: write the ontology as ``oih.owl`` (RDF/XML) and ``oih.ttl`` (Turtle), byte-stably, or nothing at all.

This module owns the release artifacts of the build: :func:`serialize` gives
stable bytes for the same model, and :func:`build` runs the whole step —
mapping table check, row validation, ontology building, and the two files
written together through temporary names.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import owlready2 as ow
import rdflib

from kg import schema
from kg.compile.load import load_model
from kg.compile.ontology import build_ontology
from kg.compile.rdfxml import rdfxml
from kg.compile.rows import Problem
from kg.config import Paths, artifact_mode, default_paths, writable
from kg.errors import BuildError

__all__ = ["serialize", "BuildResult", "build"]


#: The prefixes of both files.
_PREFIXES = {"oih": schema.OIH, "obo": schema.OBO, "oboInOwl": schema.OBOINOWL, "skos": schema.SKOS, "owl": rdflib.OWL,
             "rdfs": rdflib.RDFS, "xsd": rdflib.XSD, "hgnc": rdflib.Namespace("https://identifiers.org/hgnc:")}


def serialize(onto: ow.Ontology, axioms: str = "") -> tuple[bytes, bytes, int]:
    """Return the ontology plus ``axioms`` (N-Triples) as ``(RDF/XML, Turtle, triple count)``, stable across runs.

    owlready2 writes N-Triples (blank nodes numbered in creation order, which
    the build keeps fixed); rdflib re-serializes them in sorted order as Turtle,
    and :func:`kg.compile.rdfxml.rdfxml` as RDF/XML, so both files hold the same
    graph (an axiom annotation on a class expression points at the axiom's own
    blank node in each).
    """
    buf = io.BytesIO()
    onto.save(file=buf, format="ntriples")
    # owlready2 numbers blank nodes in creation order, and the build creates
    # everything in a fixed order, so the labels are already stable.
    nt = buf.getvalue().decode("utf-8") + axioms
    labels = {m: rdflib.BNode(f"b{m}") for m in set(re.findall(r"_:(\w+)", nt))}
    canon = rdflib.Graph()
    canon.parse(data=nt, format="nt", bnode_context=labels)
    out = rdflib.Graph()
    for prefix, ns in _PREFIXES.items():
        out.bind(prefix, ns, override=True)
    for s, p, o in sorted(canon, key=lambda t: tuple(x.n3() for x in t)):
        if isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.string:
            o = rdflib.Literal(str(o))
        out.add((s, p, o))
    ttl = out.serialize(format="turtle").encode("utf-8")
    return rdfxml(out, {p: str(ns) for p, ns in _PREFIXES.items()}), ttl, len(out)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: counts and the written files."""

    entities: int
    edges: int
    interventions: int
    citations: int
    triples: int
    files: tuple[Path, ...]
    digest: str


def build(paths: Paths | None = None, seed: Path | None = None) -> BuildResult:
    """Validate the sources and write ``oih.owl`` and ``oih.ttl``.

    Nothing is written when validation fails: both files are written to
    temporary names first and moved into place together.

    Parameters
    ----------
    paths : Paths, optional
        Source and output folders; :func:`kg.config.default_paths` by default.
    seed : Path, optional
        The source text, for the quote checks.

    Raises
    ------
    BuildError
        When any source row is invalid.
    kg.config.ReadOnlyModel
        ``paths.out`` is the installed package's own model.
    """
    paths = writable(paths or default_paths())
    unmapped = schema.check_mappings()
    if unmapped:
        raise BuildError([Problem("kg/schema/mapping.py", 0, m) for m in unmapped])
    model = load_model(paths.src, seed)
    xml, ttl, triples = serialize(*build_ontology(model))
    paths.out.mkdir(parents=True, exist_ok=True)
    written = []
    tmp_files = []
    try:
        for target, data in ((paths.owl, xml), (paths.ttl, ttl)):
            fd, tmp = tempfile.mkstemp(dir=paths.out, prefix=f".{target.name}.")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, artifact_mode())
            tmp_files.append((tmp, target))
        for tmp, target in tmp_files:
            os.replace(tmp, target)
            written.append(target)
    finally:
        for tmp, _ in tmp_files:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return BuildResult(
        entities=len(model.entities),
        edges=len(model.edges),
        interventions=len(model.interventions),
        citations=len(model.citations),
        triples=triples,
        files=tuple(written),
        digest=hashlib.sha256(xml).hexdigest(),
    )
