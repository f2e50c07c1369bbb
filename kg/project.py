"""A project of one's own: the model and the named queries copied where a user may curate them (``oihkg init``).

A project is a folder with the layout of the repository's model: ``ontology/src/*.tsv`` (the curated rows and the
text's observations), the release artifacts in ``ontology/`` and the named queries in ``queries/``. ``oihkg build
--project DIR`` rebuilds it, and every other command reads it when given ``--project`` (or ``OIHKG_PROJECT``); its
named queries add to (or replace, by name) those shipped with the code, so the tools' own are never missing. An
installed package never writes its own copy (:func:`kg.config.writable`); a project is made instead, in a folder the
user names or in the platform's user data folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.config import project_root, shipped_queries_dir, shipped_root

__all__ = ["SOURCES", "default_location", "init_project", "check_project"]

#: The curated sources a project needs, in ``ontology/src``.
SOURCES = ("entities.tsv", "edges.tsv", "interventions.tsv", "evidence.tsv", "observations.tsv")
_ARTIFACTS = ("oih.owl", "oih.ttl", "oih-inferred.ttl")


def default_location() -> Path:
    """Where ``oihkg init`` puts a project when given no folder: ``project`` in the platform's user data folder.

    Examples
    --------
    >>> default_location().name
    'project'
    """
    from platformdirs import user_data_path

    return user_data_path("oihkg", appauthor=False) / "project"


def init_project(dest: Path | None = None, source: Path | None = None) -> Path:
    """Copy the model and the named queries of ``source`` (default: the running project, :func:`kg.config.project_root`,
    or the model shipped with the code when that is no project yet) into ``dest`` (default: :func:`default_location`), ready for ``oihkg build --project DEST``; return ``dest``.

    Raises
    ------
    FileExistsError
        ``dest`` exists and is not an empty folder: nothing of it is overwritten.
    """
    if source is None:  # the running project; the shipped model when that names no project yet (it may be dest)
        try:
            source = check_project(project_root())
        except FileNotFoundError:
            source = shipped_root()
    source = check_project(source)
    dest = (dest or default_location()).expanduser().resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} already exists and is not an empty folder; give a new or empty one")
    made = not dest.exists()
    try:
        (dest / "ontology" / "src").mkdir(parents=True, exist_ok=True)
        for name in SOURCES:
            shutil.copy2(source / "ontology" / "src" / name, dest / "ontology" / "src" / name)
        for name in _ARTIFACTS:
            if (source / "ontology" / name).is_file():
                shutil.copy2(source / "ontology" / name, dest / "ontology" / name)
        queries = source / "queries" if (source / "queries").is_dir() else shipped_queries_dir()
        shutil.copytree(queries, dest / "queries", ignore=shutil.ignore_patterns("*~", ".*"))
    except BaseException:  # nothing half made is left: the folder is as it was (gone, or empty)
        if made:
            shutil.rmtree(dest, ignore_errors=True)
        else:
            for child in dest.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        raise
    return dest


def check_project(folder: Path) -> Path:
    """``folder`` resolved, once it is a project (its curated sources present).

    Raises
    ------
    FileNotFoundError
        A sentence naming what is missing and how to make a project.
    """
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"no project folder {folder}; make one with `oihkg init {folder}`")
    missing = [f"ontology/src/{name}" for name in SOURCES if not (folder / "ontology" / "src" / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{folder} is not an oihkg project: it has no {missing[0]} "
                                f"(make one with `oihkg init DIR`)")
    return folder
