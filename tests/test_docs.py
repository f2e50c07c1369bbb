"""The documentation site builds in strict mode (a broken link, anchor or API reference fails it) and holds its pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    "index.html",
    "getting-started/index.html",
    "guide/cli/index.html",
    "guide/python/index.html",
    "guide/http/index.html",
    "guide/sparql/index.html",
    "guide/trapi/index.html",
    "guide/engine/index.html",
    "guide/map/index.html",
    "guide/merging/index.html",
    "model/index.html",
    "model/curation/index.html",
    "model/reasoner/index.html",
    "reasoning/index.html",
    "architecture/index.html",
    "security/index.html",
    "benchmarks/index.html",
    "api/index.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings_handlers.python")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


@pytest.mark.slow
def test_the_site_builds_strictly_with_every_page(site):
    missing = [p for p in PAGES if not (site / p).is_file()]
    assert not missing, missing
    assert "http://127.0.0.1:8000/sparql" in (site / "index.html").read_text(encoding="utf-8")  # the editor, from the home page


@pytest.mark.slow
def test_the_api_reference_documents_the_facade_and_its_results(site):
    api = (site / "api/index.html").read_text(encoding="utf-8")
    for anchor in ("kg.OIHKG", "kg.OIHKG.open", "kg.OIHKG.paths", "kg.OIHKG.simulate", "kg.mechanism.paths.PathResult",
                   "kg.mechanism.perturb.PerturbResult", "kg.mechanism.model.SimulationResult", "kg.mechanism.observations.Report"):
        assert f'id="{anchor}"' in api, anchor
    assert "Parameters" in api and "store_path" in api  # the numpy docstring of OIHKG.open, rendered


@pytest.mark.slow
def test_the_reasoning_page_is_in_the_nav(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="reasoning/"' in home
