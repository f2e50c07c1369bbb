"""Shared fixtures: the repository's artifacts, the seed text, the tiny fixture ontology, the opened graph (``kg``),
the servers (``api_server`` and the others) and a client of the server (``http``).

The free port, the polling of a server until it answers and its stop are bench/harness.py's, loaded here by its path
under the name the benchmarks import it by (``harness``), so a test module may ``from harness import ...`` too.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kg.config import Paths, default_paths, default_seed


HARNESS = Path(__file__).resolve().parent.parent / "bench" / "harness.py"


def _load_harness():
    """bench/harness.py as the module ``harness`` (bench/ is not a package), loaded once."""
    loaded = sys.modules.get("harness")
    if loaded is not None and getattr(loaded, "__file__", None) == str(HARNESS):
        return loaded
    spec = importlib.util.spec_from_file_location("harness", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules["harness"] = module
    spec.loader.exec_module(module)
    return module


harness = _load_harness()

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


#: Fixtures that start a server or a browser, or run HermiT on a whole ontology: a test using one is ``slow``.
SLOW_FIXTURES = {"api_server", "remote_api_server", "oxigraph_server", "remote_kg", "virtuoso_server", "virtuoso_kg",
                 "virtuoso_api_server", "virtuoso_script", "http", "sparql_http", "browser", "open_page",
                 "start_server", "reasoned", "planted", "planted_kg"}


def pytest_collection_modifyitems(config, items):
    """Mark ``slow`` every test that uses a slow fixture or runs the command line (``test_cli_*``, each run opening
    its own store), so ``pytest -m "not slow"`` is the fast lane; other slow tests carry the mark themselves."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.name.startswith("test_cli_"):
            item.add_marker(pytest.mark.slow)


def _wait_until_up(proc, url: str, seconds: float, what: str, log: Path | None = None, **params) -> None:
    """Poll ``url`` until it answers 200; fail the test run if ``proc`` exits or the time runs out."""
    try:
        harness.wait_until_up(proc, url, seconds, what, params=params or None, log=log)
    except harness.NotUp as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory, repo_paths):
    """A real Oxigraph SPARQL server (PyPI ``oxigraph``) on 127.0.0.1, loaded with the artifacts."""
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "oxigraph"
    if not exe.exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph') is not installed")
    port = harness.free_port()
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(proc, f"{base}/query", 30, "oxigraph server", query="ASK {}")
    yield {"query": f"{base}/query", "store": f"{base}/store"}
    harness.stop(proc)


@pytest.fixture(scope="session")
def remote_kg(oxigraph_server):
    """An :class:`kg.OIHKG` over the real Oxigraph server, with the artifacts uploaded to it."""
    from kg import OIHKG

    return OIHKG.open(endpoint=oxigraph_server["query"], graph_store=oxigraph_server["store"])


VIRTUOSO_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "virtuoso.py"


def need_virtuoso() -> None:
    """Skip without Virtuoso, unless ``OIHKG_REQUIRE_VIRTUOSO`` is set (``make test``, which installs it): then fail,
    so a broken install cannot pass as skipped tests."""
    if shutil.which("virtuoso-t") is None:
        if os.environ.get("OIHKG_REQUIRE_VIRTUOSO"):
            pytest.fail("Virtuoso is not installed, and OIHKG_REQUIRE_VIRTUOSO asks for it (bash scripts/setup.sh --virtuoso)")
        pytest.skip("Virtuoso is not installed (bash scripts/setup.sh --virtuoso installs it)")


@pytest.fixture(scope="session")
def virtuoso_script() -> tuple[Path, object, object]:
    """``scripts/virtuoso.py``, a function giving a free 127.0.0.1 port, and :func:`need_virtuoso`, for a test that
    runs the script itself."""
    return VIRTUOSO_SCRIPT, harness.free_port, need_virtuoso


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A real Virtuoso (Debian's ``virtuoso-opensource-7-bin``) on 127.0.0.1, started and bulk-loaded with the
    artifacts by ``scripts/virtuoso.py`` as a user would, with a 5 s query time limit; stopped by it at the end."""
    import subprocess
    import sys

    need_virtuoso()
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = harness.free_port(), harness.free_port()
    try:
        started = subprocess.run([sys.executable, str(VIRTUOSO_SCRIPT), "start", "--dir", str(folder), "--http-port",
                                  str(http_port), "--sql-port", str(sql_port), "--query-seconds", "5", "--memory-gib",
                                  "0.5"], capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        subprocess.run([sys.executable, str(VIRTUOSO_SCRIPT), "stop", "--dir", str(folder)], capture_output=True, timeout=60)
        pytest.fail("scripts/virtuoso.py start did not finish within 240 s")
    if started.returncode != 0:
        pytest.fail(f"scripts/virtuoso.py start failed: {started.stderr}")
    yield {"query": f"http://127.0.0.1:{http_port}/sparql", "dir": folder, "sql_port": sql_port}
    subprocess.run([sys.executable, str(VIRTUOSO_SCRIPT), "stop", "--dir", str(folder)], capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def virtuoso_kg(virtuoso_server):
    """An :class:`kg.OIHKG` over the real Virtuoso, its graphs bulk-loaded by the script."""
    from kg import OIHKG

    return OIHKG.open(endpoint=virtuoso_server["query"])


@pytest.fixture(scope="session")
def virtuoso_api_server(tmp_path_factory, virtuoso_server):
    """A real ``oihkg serve --endpoint`` in front of Virtuoso."""
    yield from _serve(tmp_path_factory, "--endpoint", virtuoso_server["query"])


def _launch(tmp_path_factory, *extra: str, env: dict | None = None):
    """Start ``oihkg serve`` on a free 127.0.0.1 port with ``extra`` options; wait until /health answers.

    Returns ``(process, base URL, log file)``.
    """
    import os
    import subprocess
    import sys

    port = harness.free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "oihkg"), "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
        stdout=log.open("w"), stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(proc, f"{base}/health", 90, "oihkg serve", log)
    return proc, base, log


def _serve(tmp_path_factory, *extra: str):
    """Serve with 3 query workers (so one client may run two queries at once), a 2 s SPARQL timeout and a 1000-row
    limit; yield the base URL."""
    proc, base, _ = _launch(tmp_path_factory, "--query-timeout", "2", "--result-limit", "1000", "--query-workers", "3", *extra)
    yield base
    harness.stop(proc)


@pytest.fixture()
def start_server(tmp_path_factory):
    """Start ``oihkg serve`` with extra options (``start_server("--query-workers", "1")``); each is stopped at the end.

    Returns the base URL; the process is ``start_server.procs[-1]``, its log ``start_server.log``.
    """
    procs: list = []

    def start(*extra: str, env: dict | None = None) -> str:
        proc, base, start.log = _launch(tmp_path_factory, *extra, env=env)
        procs.append(proc)
        return base

    start.procs = procs
    yield start
    for proc in procs:
        harness.stop(proc)


@pytest.fixture(scope="session")
def api_server(tmp_path_factory):
    """A real ``oihkg serve`` (uvicorn) on the embedded store; yields its base URL."""
    yield from _serve(tmp_path_factory)


@pytest.fixture(scope="module")
def http(api_server, request):
    """A client of ``api_server``, one per test module; its timeout is 60 s, or the module's ``HTTP_TIMEOUT``."""
    import httpx

    with httpx.Client(base_url=api_server, timeout=getattr(request.module, "HTTP_TIMEOUT", 60)) as client:
        yield client


@pytest.fixture(scope="module")
def kg():
    """The graph opened on the repository's artifacts (:meth:`kg.OIHKG.open`), one per test module."""
    from kg import OIHKG

    return OIHKG.open()


@pytest.fixture(scope="session")
def remote_api_server(tmp_path_factory, remote_kg, oxigraph_server):
    """A real ``oihkg serve --endpoint`` in front of the Oxigraph server (the artifacts uploaded by ``remote_kg``)."""
    yield from _serve(tmp_path_factory, "--endpoint", oxigraph_server["query"])


CHROMIUM = Path(os.environ.get("OIHKG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (Playwright never downloads a browser here); one per test module, since
    Playwright's sync API keeps an event loop running in this thread while it is open."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run `bash scripts/setup.sh --browser` (installs Debian's chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class BrowserPage:
    """A loaded page with the requests it tried outside 127.0.0.1 (aborted) and its console errors."""

    def __init__(self, page, external, errors):
        self.page, self.external, self.errors = page, external, errors

    def js(self, expr: str):
        return self.page.evaluate(expr)

    def clean(self):
        assert self.external == [], f"external requests attempted: {self.external}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture()
def open_page(browser):
    """Open a URL in a new 1400×900 context, every request to a host other than 127.0.0.1 (or a scheme other than
    file/data/blob) aborted and recorded, and wait until the JavaScript expression ``ready`` is true; each context is
    closed at the end."""
    contexts = []

    def _open(url: str, ready: str, seconds: float = 90) -> BrowserPage:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        external: list[str] = []
        errors: list[str] = []

        def guard(route):
            u = urlsplit(route.request.url)
            if u.scheme in ("file", "data", "blob") or u.hostname == "127.0.0.1":
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        # polled with evaluate (run by the devtools protocol): wait_for_function compiles its predicate in the page,
        # which the served pages' Content-Security-Policy forbids, as it should
        deadline = time.monotonic() + seconds
        while not page.evaluate(f"() => {ready}"):
            assert time.monotonic() < deadline, f"{url} was not ready within {seconds:g} s"
            page.wait_for_timeout(100)
        return BrowserPage(page, external, errors)

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def map_file(tmp_path_factory):
    """The map file written by the real `oihkg map` command."""
    import subprocess

    out = tmp_path_factory.mktemp("map") / "map.html"
    res = subprocess.run([str(Path(sys.executable).parent / "oihkg"), "map", "-o", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return out
