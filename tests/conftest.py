"""Shared fixtures: the repository's artifacts, the seed text, and the tiny fixture ontology."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.config import Paths, default_paths, default_seed

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"


@pytest.fixture(scope="session")
def repo_paths() -> Paths:
    """The committed release artifacts and curated sources."""
    return default_paths()


@pytest.fixture(scope="session")
def seed() -> Path:
    """The source article, read from ../shared/seed/; tests needing it skip without it."""
    path = default_seed()
    if path is None or not path.is_file():
        pytest.skip("source text not found beside the repository (../shared/seed/)")
    return path


@pytest.fixture()
def tiny(tmp_path: Path) -> Paths:
    """A writable copy of the tiny fixture ontology's sources, with its own output folder."""
    src = tmp_path / "src"
    shutil.copytree(TINY / "src", src)
    return Paths(src=src, out=tmp_path / "out")


@pytest.fixture()
def tiny_seed() -> Path:
    """The tiny fixture's own source text."""
    return TINY / "seed.txt"
