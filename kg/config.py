"""Paths, settings and versions shared by the ``kg`` modules.

Every path has a default relative to the repository and can be overridden
by an environment variable, so tests and tools can point the pipeline at a
fixture ontology without touching the release artifacts.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["Paths", "REPO_ROOT", "default_paths", "default_seed", "versions"]

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    """Where the curated sources and the generated artifacts live.

    Parameters
    ----------
    src : Path
        Folder holding ``entities.tsv``, ``edges.tsv``, ``interventions.tsv``
        and ``evidence.tsv``.
    out : Path
        Folder receiving ``oih.owl``, ``oih.ttl`` and ``oih-inferred.ttl``.
    """

    src: Path
    out: Path

    @property
    def owl(self) -> Path:
        """The asserted ontology in RDF/XML."""
        return self.out / "oih.owl"

    @property
    def ttl(self) -> Path:
        """The asserted ontology in Turtle."""
        return self.out / "oih.ttl"

    @property
    def inferred(self) -> Path:
        """The inferred triples, each with its explanation, in Turtle."""
        return self.out / "oih-inferred.ttl"


def default_paths() -> Paths:
    """Return the repository's paths, honouring ``OIHKG_SRC`` and ``OIHKG_OUT``.

    Examples
    --------
    >>> default_paths().owl.name
    'oih.owl'
    """
    out = Path(os.environ.get("OIHKG_OUT", REPO_ROOT / "ontology"))
    src = Path(os.environ.get("OIHKG_SRC", out / "src"))
    return Paths(src=src, out=out)


def default_seed() -> Path | None:
    """Return the source text if it is present beside the repository.

    The seed article is not part of the project; checks that need its whole
    text read it from ``../shared/seed/`` (or ``OIHKG_SEED``) and are skipped
    when it is absent.
    """
    env = os.environ.get("OIHKG_SEED")
    if env:
        return Path(env)
    seed_dir = REPO_ROOT.parent / "shared" / "seed"
    found = sorted(seed_dir.glob("*.txt")) if seed_dir.is_dir() else []
    return found[0] if found else None


@cache
def versions() -> dict[str, str]:
    """The versions of Python and of the packages that shape the answers, read once per process.

    Examples
    --------
    >>> sorted(versions())[:3]
    ['biolink-model', 'fastapi', 'networkx']
    """
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("oihkg", "pyoxigraph", "owlready2", "rdflib", "fastapi", "networkx", "biolink-model"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out
