"""The package as a user installs it: the sdist and the wheel built (``python -m build``), the wheel installed into a
fresh virtual environment outside the checkout, and used from another folder: the façade, the CLI, a project of one's
own (``oihkg init``), the server, and the editor and the map in a browser.

The fresh environment gets the wheel alone (``--no-deps``); its dependencies are this environment's, reached by a path
file that adds this environment's site-packages after its own (a path file does not run this environment's editable
finder, so nothing of the checkout can be imported). Nothing is downloaded: the build runs without isolation, and the
editor's assets come from npm's cache (``npm ci --prefer-offline``, as ``scripts/setup.sh`` ran it).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``(venv's bin folder, a working folder outside the checkout, the environment to run it with)``."""
    import tempfile

    tmp = tmp_path_factory.mktemp("install")
    dist = tmp / "dist"
    npm_work = set(Path(tempfile.gettempdir()).glob("oihkg-npm-*"))
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert set(Path(tempfile.gettempdir()).glob("oihkg-npm-*")) <= npm_work  # the editor's npm ci left nothing behind
    wheel = next(dist.glob("oihkg-*.whl"))
    assert next(dist.glob("oihkg-*.tar.gz"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, timeout=300)
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "oihkg-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIHKG_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HOME"] = str(tmp / "home")  # the user data folder of `oihkg init` without a folder
    return venv / "bin", work, env, site


def _run(installed, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    bin_, work, env, _ = installed
    done = subprocess.run([str(bin_ / args[0]), *args[1:]], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    if ok:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return done


def _serve(installed) -> tuple[subprocess.Popen, str]:
    """The installed ``oihkg serve`` on a free 127.0.0.1 port, once /health answers."""
    import socket
    import time

    bin_, work, env, _ = installed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = work / "serve.log"
    proc = subprocess.Popen([str(bin_ / "oihkg"), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=work, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 120
    while True:
        assert proc.poll() is None, log.read_text()[-2000:]
        assert time.monotonic() < deadline, "the installed server did not answer within 120 s"
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(folder).as_posix().encode() + f.read_bytes())
    return h.hexdigest()


def test_the_facade_works_from_the_installed_package_in_another_folder(installed):
    code = ("import kg, json; from kg import OIHKG; g = OIHKG.open(); "
            "print(json.dumps({'file': kg.__file__, 'paths': len(g.paths('morphine', 'hyperalgesia').paths), "
            "'rows': len(g.query('oih-phenotypes'))}))")
    import json

    out = json.loads(_run(installed, "python", "-c", code).stdout.strip().splitlines()[-1])
    assert out["file"].startswith(str(installed[3]))  # the wheel's copy, not the checkout's
    assert out["paths"] > 0 and out["rows"] > 0


def test_the_cli_answers_from_the_installed_package(installed):
    assert "path(s)" in _run(installed, "oihkg", "paths", "morphine", "hyperalgesia").stdout
    assert "row(s)" in _run(installed, "oihkg", "query", "oih-phenotypes").stdout
    checked = _run(installed, "oihkg", "check").stdout
    assert " 0 contradicted" in " ".join(checked.split())


def test_the_installed_model_is_never_written_a_project_is(installed):
    model = installed[3] / "kg" / "_data"
    before = _digest(model)
    refused = _run(installed, "oihkg", "build", "--no-seed", ok=False)
    assert refused.returncode == 2 and "read-only" in refused.stderr and "oihkg init" in refused.stderr
    assert _run(installed, "oihkg", "reason", ok=False).returncode == 2
    project = installed[1] / "my-oih"
    _run(installed, "oihkg", "init", str(project))
    assert sorted(p.name for p in (project / "ontology" / "src").iterdir()) == [
        "edges.tsv", "entities.tsv", "evidence.tsv", "interventions.tsv", "observations.tsv"]
    assert _run(installed, "oihkg", "init", str(project), ok=False).returncode == 2  # nothing overwritten
    (project / "ontology" / "oih.owl").unlink()
    _run(installed, "oihkg", "build", "--project", str(project), "--no-seed")
    _run(installed, "oihkg", "reason", "--project", str(project), "--no-verify")
    assert (project / "ontology" / "oih.owl").stat().st_mode & 0o777 == 0o644  # readable by all, as the umask allows
    refused = _run(installed, "python", "-c", "from kg.config import ReadOnlyModel\nfrom kg.compile import build\n"
                   "try:\n    build()\nexcept ReadOnlyModel as e:\n    print('refused:', e)").stdout
    assert "refused: the model installed with oihkg is read-only" in refused  # from Python too, not only the CLI
    assert " 0 contradicted" in " ".join(_run(installed, "oihkg", "check", "--project", str(project)).stdout.split())
    # the project's own queries are the ones read
    (project / "queries" / "my-receptors.rq").write_text(
        "# name: my-receptors\n# description: every receptor, by label\n# returns: receptor\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?receptor WHERE { ?receptor rdfs:label ?l FILTER(CONTAINS(STR(?l), \"receptor\")) }\n")
    assert "row(s)" in _run(installed, "oihkg", "--project", str(project), "query", "my-receptors").stdout
    assert _run(installed, "oihkg", "query", "my-receptors", ok=False).returncode != 0
    assert _digest(model) == before
    home = _run(installed, "oihkg", "init").stdout  # no folder: the user data folder
    assert str(Path(installed[2]["HOME"])) in home.replace("\n", "")


def test_the_installed_server_serves_the_editor_and_the_map_to_a_browser(installed, open_page):
    proc, base = _serve(installed)
    try:
        assert httpx.get(f"{base}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"}).json()["boolean"] is True
        editor = open_page(f"{base}/sparql", "document.body.dataset.ready === '1'")
        assert editor.js("document.querySelectorAll('.yasgui').length") >= 1
        editor.clean()
        drawn = open_page(f"{base}/map", "Boolean(window.oihMap && window.oihMap.isStabilized())")
        assert drawn.js("window.oihMap.nodes.length") > 20
        drawn.clean()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
