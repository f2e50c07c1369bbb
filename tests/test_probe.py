"""What a hostile probe found (issue 27, section 4), each as the probe met it: real servers, real stores, real signals.

Bad input gets a 4xx with a sentence (never a 500, never an echo of a huge input) or a one-line CLI message without a
traceback, and the store is intact after any failure; what a killed load leaves is cleaned by the next load or open.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from harness import free_port, stop, wait_until_up  # bench/harness.py, loaded by tests/conftest.py

from kg.compile import BuildError, build
from kg.store import ASSERTED, INFERRED, EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
OIHKG = Path(sys.executable).parent / "oihkg"
FOREIGN = Path(__file__).parent / "fixtures" / "foreign_sparql.py"
SECURITY = ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy")

pytestmark = pytest.mark.slow


def _cli(*args, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``oihkg`` with ``args`` (bounded), as a user would."""
    return subprocess.run([str(OIHKG), *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, **(env or {})})


def _one_line_error(run: subprocess.CompletedProcess) -> str:
    """The command failed with one line on stderr starting ``error:``, and no traceback anywhere; returns the line."""
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "Traceback" not in out, out
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), out
    return lines[0]


def _small(path: Path, n: int = 1) -> Path:
    path.write_text(f'<http://example.org/s{n}> <http://example.org/p> "o{n}" .\n', encoding="utf-8")
    return path


def _store_with_one_graph(tmp_path: Path) -> Path:
    """A store folder holding the curated graphs and one merged graph, ``small``, made by ``oihkg load``."""
    store = tmp_path / "store"
    run = _cli("load", _small(tmp_path / "small.nt"), "--store", store)
    assert run.returncode == 0, run.stderr
    return store


def _loaded(store: Path) -> list[str]:
    record = json.loads((store / "oihkg-record.json").read_text(encoding="utf-8"))
    return sorted(g["graph"].rsplit("/", 1)[-1] for g in record["loaded"])


def _curated_answers(store: Path) -> list:
    """A named query over the curated graph through the store, as the CLI opens it: the store works."""
    run = _cli("query", "pathways-for-intervention", "-p", "intervention=ketamine", "--store", store, "-f", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


# ---------------------------------------------------------------- 1. a lone surrogate in a JSON body

SURROGATES = [rb'{"inhibit": ["\ud800"]}', rb'{"activate": ["morphine"], "context": "\udc00"}',
              rb'{"interventions": ["\ud800"]}', rb'{"\ud800": 1}', rb'{"dose": "\udbff\u0041"}',
              rb'{"message": {"query_graph": {"nodes": {"n": {"ids": ["\ud800x\udc00"]}}, "edges": {}}}}']


def test_a_lone_surrogate_in_any_json_body_is_a_4xx_sentence_with_the_security_headers(http):
    spec = http.get("/openapi.json").json()
    routes = [path for path, ops in spec["paths"].items()
              if "application/json" in ops.get("post", {}).get("requestBody", {}).get("content", {})]
    assert {"/perturb", "/simulate", "/trapi/query"} <= set(routes)
    for route in routes:
        for body in SURROGATES:
            for headers in ({"content-type": "application/json"}, {},  # FastAPI reads a body without a type as JSON
                            [("content-type", "application/json"), ("content-type", "multipart/form-data")]):  # the first
                r = http.post(route, content=body, headers=headers)
                assert 400 <= r.status_code < 500, (route, body, r.status_code, r.text[:300])
                assert all(h in r.headers for h in SECURITY), (route, body, dict(r.headers))
                detail = r.json()["detail"]
                assert isinstance(detail, str) and "surrogate" in detail and "\n" not in detail and len(detail) < 300


def test_a_surrogate_pair_or_an_escaped_backslash_is_not_refused(http):
    for body in (rb'{"inhibit": ["\ud83d\ude00"]}', rb'{"inhibit": ["\\ud800"]}'):
        r = http.post("/perturb", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 404 and "surrogate" not in r.text, r.text  # an unknown name, said as such


# ---------------------------------------------------------------- 2, 5, 9b: a server on a store whose record lists the curated graphs as pending


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    """A store whose record lists the curated graphs as ``pending`` (as a hostile or broken writer could), served by
    a real ``oihkg serve --store``; yields (base URL, store folder, the curated counts before)."""
    store = tmp_path_factory.mktemp("tampered") / "oih-store"
    opened = EmbeddedStore(None, store)
    counts = opened.counts()
    opened.close()
    del opened
    record = json.loads((store / "oihkg-record.json").read_text(encoding="utf-8"))
    record["pending"] = [ASSERTED.value, INFERRED.value]
    (store / "oihkg-record.json").write_text(json.dumps(record), encoding="utf-8")
    port = free_port()
    log = store.parent / "serve.log"
    proc = subprocess.Popen([str(OIHKG), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store),
                             "--query-workers", "1"], stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{base}/health", 90, "oihkg serve", log=log, any_status=True)  # it may start degraded
        yield base, store, counts
    finally:
        stop(proc, 15)


def test_a_record_listing_the_curated_graphs_as_pending_does_not_drop_them(tampered):
    base, store, counts = tampered
    health = httpx.get(f"{base}/health", timeout=30).json()
    assert health["status"] == "ok", health
    assert health["triples"]["asserted"] == counts["asserted"] > 0 and health["triples"]["inferred"] == counts["inferred"]
    assert any(hit["id"] == "CHEBI:6121" for hit in httpx.get(f"{base}/search", params={"q": "ketamine"}, timeout=30).json())
    assert json.loads((store / "oihkg-record.json").read_text(encoding="utf-8"))["pending"] == []


def test_health_names_the_store_folder_not_its_path_on_the_server(tampered):
    base, store, _ = tampered
    r = httpx.get(f"{base}/health", timeout=30)
    assert r.json()["selector"] == "oxigraph:oih-store"
    assert str(store.parent) not in r.text and str(ROOT) not in r.text


def test_load_into_a_store_a_server_holds_says_so_in_a_sentence(tampered, tmp_path):
    base, store, counts = tampered
    line = _one_line_error(_cli("load", _small(tmp_path / "more.nt"), "--store", store))
    assert "in use by another process" in line and "stop" in line, line
    assert "LOCK" not in line and "IO error" not in line, line
    health = httpx.get(f"{base}/health", timeout=30).json()
    assert health["status"] == "ok" and health["triples"]["asserted"] == counts["asserted"]


# ---------------------------------------------------------------- 3. no error body echoes a huge input

BIG = "x" * 60_000
HUGE_CATEGORY = {"message": {"query_graph": {
    "nodes": {"a": {"categories": ["biolink:" + "Q" * 100_000]}, "b": {"ids": ["CHEBI:6121"]}},
    "edges": {"e": {"subject": "a", "object": "b"}}}}}
ECHOES = [
    ("GET", "/paths", {"params": {"source": BIG, "target": "ketamine"}}, 404),
    ("GET", "/edges", {"params": {"subject": BIG}}, 404),
    ("GET", "/queries/" + "z" * 6000, {}, 404),
    ("GET", "/entities/" + "y" * 6000, {}, 404),
    ("POST", "/trapi/query", {"json": HUGE_CATEGORY}, 400),
    ("POST", "/simulate", {"json": {BIG: 1}}, 422),
    ("POST", "/perturb", {"json": {"inhibit": ["ketamine"], BIG: 1, "context": BIG}}, 422),
    ("GET", "/simulate/plot.svg", {"params": {"gain": BIG}}, 422),
]


@pytest.mark.parametrize("method, path, kwargs, status", ECHOES, ids=[f"{m} {p[:20]}" for m, p, _, _ in ECHOES])
def test_an_error_quotes_a_short_prefix_of_a_huge_input(http, method, path, kwargs, status):
    r = http.request(method, path, **kwargs)
    assert r.status_code == status, r.text[:300]
    assert len(r.content) < 4000, f"{len(r.content)} bytes answered"
    for run in ("x" * 101, "y" * 101, "z" * 101, "Q" * 101):
        assert run not in r.text
    assert all(h in r.headers for h in SECURITY)


# ---------------------------------------------------------------- 4. what a killed load leaves is cleaned


def _scratch(*places: Path) -> list[Path]:
    return [p for place in places for p in place.glob("oihkg-load-*")]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_load_killed_with_sigkill_leaves_nothing_once_the_next_load_runs(tmp_path):
    tmp = tmp_path / "tmp"  # the load's own temporary folder, so nothing of other runs is counted
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    store = _store_with_one_graph(tmp_path)
    before = _size(store)
    big = tmp_path / "big_edges.tsv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("subject\tpredicate\tobject\n")
        fh.writelines(f"HGNC:{i}\tbiolink:related_to\tHGNC:{i + 1}\n" for i in range(200_000))
    proc = subprocess.Popen([str(OIHKG), "load", str(big), "--store", str(store)], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not list(store.glob("bulk-*.sst")):  # converted, and bulk-loading: kill it there
            assert proc.poll() is None, "the load ended before it could be killed"
            assert time.monotonic() < deadline, "the load did not reach its bulk load within 240 s"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert list(store.glob("bulk-*.sst")) and _scratch(store, tmp), "the kill left nothing behind: nothing is tested"
    again = _cli("load", _small(tmp_path / "small2.nt", 2), "--store", store, env=env)
    assert again.returncode == 0, again.stderr
    assert list(store.glob("bulk-*.sst")) == [] and _scratch(store, tmp) == []
    assert _loaded(store) == ["small", "small2"]  # the killed graph is gone, the others are whole
    assert _curated_answers(store)
    assert _size(store) < before + 20 * 2**20, f"{_size(store) / 2**20:.0f} MiB left for a store of {before / 2**20:.0f} MiB"


def test_a_stray_bulk_file_and_a_dead_scratch_folder_are_removed_when_the_store_opens(tmp_path):
    store = _store_with_one_graph(tmp_path)
    stray = store / "bulk-123456789012345678901234567890.sst"  # what a full disk leaves half way through a bulk load
    stray.write_bytes(os.urandom(1 << 20))
    dead = store / "oihkg-load-dead0001"  # a scratch folder whose process is gone: its owner file is not locked
    dead.mkdir()
    (dead / ".owner").touch()
    (dead / "0.nt").write_bytes(b"x" * (1 << 20))
    assert _curated_answers(store)  # an open, as any command makes it
    assert not stray.exists() and not dead.exists()
    assert _loaded(store) == ["small"]


SCRATCH_HOLDER = """
import sys, time
from kg.store.leftovers import scratch
with scratch(sys.argv[1]) as folder:
    print(folder, flush=True)
    time.sleep(120)
"""


def test_a_scratch_folder_is_swept_only_once_its_process_is_dead(tmp_path):
    from kg.store.leftovers import sweep_scratch

    proc = subprocess.Popen([sys.executable, "-c", SCRATCH_HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    try:
        folder = Path(proc.stdout.readline().strip())
        assert folder.is_dir()
        assert sweep_scratch(tmp_path) == [] and folder.is_dir()  # alive: kept
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert sweep_scratch(tmp_path) == [folder] and not folder.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        proc.stdout.close()


# ---------------------------------------------------------------- 6. a zip bomb


def test_a_kgx_zip_that_unpacks_past_the_limit_is_refused_naming_it(tmp_path):
    store = _store_with_one_graph(tmp_path)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("bomb_edges.tsv", "w") as fh:  # streamed: 10 MB of the same row
            fh.write(b"subject\tpredicate\tobject\n")
            for _ in range(100):
                fh.write(b"HGNC:1\tbiolink:related_to\tHGNC:2\n" * 3000)
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("bomb_edges.tsv").file_size > 100 * bomb.stat().st_size
    line = _one_line_error(_cli("load", bomb, "--store", store))
    assert "bomb.zip" in line and "100 times" in line and "GB" in line, line
    assert _loaded(store) == ["small"] and _curated_answers(store)


# ---------------------------------------------------------------- 7. a self-loop edge


def test_build_refuses_a_self_loop_edge_naming_file_and_line(tiny, tiny_seed):
    path = tiny.src / "edges.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[6].split("\t")  # line 7: opioid dose -> opioid; make it opioid dose -> opioid dose
    cells[2] = cells[0]
    lines[6] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(tiny, tiny_seed)
    hits = [p for p in info.value.problems if (p.file, p.line) == ("edges.tsv", 7) and "self-loop" in p.message]
    assert hits, [str(p) for p in info.value.problems]
    assert str(hits[0]).startswith("edges.tsv:7: ") and "\n" not in str(hits[0])
    assert not tiny.owl.exists() and not tiny.ttl.exists()


# ---------------------------------------------------------------- 8. serve on a bad store


@pytest.mark.parametrize("bad", ["a file", "held by another process", "an unreadable record"])
def test_serve_on_a_bad_store_fails_in_one_line_without_a_traceback(tmp_path, bad):
    held = None
    if bad == "a file":
        store = tmp_path / "not-a-store"
        store.write_text("hello", encoding="utf-8")
    elif bad == "held by another process":
        store = tmp_path / "held"
        held = EmbeddedStore(None, store)  # this test's process holds it open for writing
    else:
        store = tmp_path / "broken"
        EmbeddedStore(None, store).close()
        (store / "oihkg-record.json").write_text("{", encoding="utf-8")
    try:
        line = _one_line_error(_cli("serve", "--port", free_port(), "--store", store, timeout=120))
    finally:
        if held is not None:
            held.close()
    assert str(store) in line, line


# ---------------------------------------------------------------- 9. unclear messages


@pytest.fixture()
def foreign_endpoint():
    """A real SPARQL endpoint that is not over an oihkg store (tests/fixtures/foreign_sparql.py)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(FOREIGN), str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_until_up(proc, url, 30, "the foreign endpoint", any_status=True)
        yield url
    finally:
        stop(proc, 15)


@pytest.mark.parametrize("command", [("query", "all-edges"), ("paths", "ketamine", "OIH")], ids=["query", "paths"])
def test_an_endpoint_that_is_not_an_oihkg_store_is_said_so(foreign_endpoint, command):
    line = _one_line_error(_cli(*command, "--endpoint", foreign_endpoint, timeout=120))
    assert "'graph'" not in line and foreign_endpoint in line and "check the URL" in line, line


def test_loading_a_folder_says_it_is_a_folder(tmp_path):
    store = _store_with_one_graph(tmp_path)
    folder = tmp_path / "kgx"
    folder.mkdir()
    (folder / "x_edges.tsv").write_text("subject\tpredicate\tobject\nHGNC:1\tbiolink:related_to\tHGNC:2\n", encoding="utf-8")
    line = _one_line_error(_cli("load", folder, "--store", store))
    assert "is a folder" in line and "no such file" not in line and "edges.tsv" in line, line
    assert _loaded(store) == ["small"]


def test_an_endpoints_credentials_never_reach_a_client(tmp_path):
    """A failing endpoint's message names it without its user name and password (it reaches /health and 502/504)."""
    from kg.store import EndpointError, StoreError, open_store

    store = open_store("sparql:http://alice:s3cret@127.0.0.1:9/query", timeout=2)
    with pytest.raises(StoreError) as info:
        store.query("ASK {}")
    assert isinstance(info.value, EndpointError) and "s3cret" not in str(info.value) and "alice" not in str(info.value)
    assert "127.0.0.1:9/query" in str(info.value)
