"""Paths, settings and versions shared by the ``kg`` modules.

The model (``ontology/``: the curated TSVs and the release artifacts) and the named queries (``queries/``) are read from
the *project*: a folder made by ``oihkg init`` and named by ``OIHKG_PROJECT`` (the CLI's ``--project``), else the
checkout the code runs from, else the copy an installed package carries (``kg/_data``, put there when the wheel is
built; read-only). ``OIHKG_SRC`` and ``OIHKG_OUT`` point single folders elsewhere, so tests and tools can use a
fixture ontology without touching the release artifacts.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from kg.errors import ReadOnlyModel

__all__ = ["PACKAGED", "Paths", "artifact_mode", "REPO_ROOT", "ReadOnlyModel", "default_paths", "default_seed", "installed_model",
           "project_root", "queries_dir", "shipped_queries_dir", "shipped_root", "versions", "writable"]

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The model and queries a built package carries (written by ``setup.py``'s build step; absent in a checkout).
PACKAGED = Path(__file__).resolve().parent / "_data"


def installed_model() -> bool:
    """Whether the code runs from an installed package that carries its own model (not from a checkout)."""
    return (PACKAGED / "ontology").is_dir()


def project_root() -> Path:
    """The folder holding ``ontology/`` and ``queries/``: ``OIHKG_PROJECT``, else the checkout, else the installed model.

    Examples
    --------
    >>> (project_root() / "queries").is_dir()
    True
    """
    env = os.environ.get("OIHKG_PROJECT")
    if env:
        return Path(env).expanduser().resolve()
    return shipped_root()


def queries_dir() -> Path:
    """The named queries' folder of the project (:func:`project_root`)."""
    return project_root() / "queries"


def shipped_root() -> Path:
    """The model and queries that come with the code (the checkout's, or the installed package's), whatever the
    project."""
    return PACKAGED if installed_model() else REPO_ROOT


def shipped_queries_dir() -> Path:
    """The named queries that come with the code (:func:`shipped_root`)."""
    return shipped_root() / "queries"


def writable(paths: Paths) -> Paths:
    """``paths``, checked before the model is written to ``paths.out`` (the sources are only read).

    Raises
    ------
    ReadOnlyModel
        ``paths.out`` is the installed package's own model, which is never written (a copy is: ``oihkg init``).
    """
    if paths.out.resolve().is_relative_to(PACKAGED.resolve()):
        raise ReadOnlyModel("the model installed with oihkg is read-only: copy it with `oihkg init DIR`, then "
                            "`oihkg build --project DIR` (or give --out)")
    return paths


def artifact_mode() -> int:
    """The mode of a written artifact: readable by all, as the umask allows (a temporary file's own is owner-only)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


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
    """Return the project's paths (:func:`project_root`), honouring ``OIHKG_SRC`` and ``OIHKG_OUT``.

    Examples
    --------
    >>> default_paths().owl.name
    'oih.owl'
    """
    out = Path(os.environ.get("OIHKG_OUT", project_root() / "ontology"))
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
