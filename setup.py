"""The package build's one extra step: put what an installed oihkg needs inside it.

The repository keeps the model and the queries at its top level (``ontology/``, ``queries/``) and the SPARQL editor's
browser assets out of git (``api/static/package-lock.json`` names them). A wheel carries them all: the curated TSVs,
the release artifacts and the named queries under ``kg/_data`` (read by :func:`kg.config.project_root`), and the
editor's assets under ``api/static``, installed from the lockfile with ``npm ci`` when the checkout has no current
copy. An editable install reads them from the checkout instead. Everything else is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: (folder of the repository, glob, folder inside the package)
MODEL = [("ontology/src", "*.tsv", "kg/_data/ontology/src"), ("ontology", "oih*.owl", "kg/_data/ontology"),
         ("ontology", "oih*.ttl", "kg/_data/ontology"), ("queries", "*.rq", "kg/_data/queries"),
         ("queries/checks", "*.rq", "kg/_data/queries/checks")]
EDITOR = Path("node_modules/@zazuko/yasgui/build")  # the editor's assets, under api/static
SERVED = ("yasgui.min.js", "yasgui.min.css")  # the files of it the server serves (api.routers.sparql.EDITOR_ASSETS)


def _editor_assets(static: Path, work: Path) -> Path:
    """The editor's built assets: the checkout's when installed from the current lockfile, else ``npm ci`` anew in
    ``work`` (a temporary folder the caller removes)."""
    stamp = static / "node_modules" / ".oihkg-stamp"
    lock = static / "package-lock.json"
    if (static / EDITOR).is_dir() and stamp.is_file():
        import hashlib

        if stamp.read_text().strip() == hashlib.sha256(lock.read_bytes()).hexdigest():
            return static / EDITOR
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(static / name, work / name)
    subprocess.run(["npm", "ci", "--prefix", str(work), "--ignore-scripts", "--omit=dev", "--no-audit", "--no-fund",
                    "--prefer-offline", "--loglevel=error"], check=True)
    return work / EDITOR


class BuildWithModel(build_py):
    """``build_py``, then the model, the queries and the editor's assets copied into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the checkout itself
            return
        lib = Path(self.build_lib)
        for folder, pattern, into in MODEL:
            files = sorted((ROOT / folder).glob(pattern))
            if not files:
                raise SystemExit(f"setup.py: nothing matches {folder}/{pattern}; the package would lack its model")
            (lib / into).mkdir(parents=True, exist_ok=True)
            for f in files:
                self.copy_file(str(f), str(lib / into / f.name))
        target = lib / "api" / "static" / EDITOR
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="oihkg-npm-") as work:
            assets = _editor_assets(ROOT / "api" / "static", Path(work))
            for name in SERVED:
                self.copy_file(str(assets / name), str(target / name))


setup(cmdclass={"build_py": BuildWithModel})
