"""Benchmark: the light read routes of this tree's server against an older commit's, side by side in one run, with wrk.

Each tree's API (the older commit checked out into a temporary ``git worktree``) is started by the harness on
127.0.0.1 with one uvicorn worker on the embedded store, loaded by ``wrk`` (Debian's package; ``scripts/setup.sh
--bench`` installs it) with 2 threads and 50 connections for ``--seconds`` per route, and stopped. Each route cycles
through many distinct requests (every entity, searches for the start of every label, many path questions), as a
client working through the graph would send. Rows: requests per second, p50 and p99 latency, non-2xx answers and
socket errors, and the ratio new ÷ old.

Usage::

    .venv/bin/python bench/bench_routes.py [--old 4f3972c] [--seconds 8]
"""

from __future__ import annotations

import argparse
import itertools
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, old_worktree, start_app, stop  # noqa: E402

from kg import OIHKG  # noqa: E402


def _requests() -> dict[str, list[str]]:
    """The distinct requests of each route, from the graph itself."""
    kg = OIHKG.open()
    rows = kg.query("graph-nodes")
    curies = sorted({r["curie"] for r in rows})
    labels = sorted({r["label"] for r in rows})
    g = kg.causal_graph()
    sources = [n for n in curies if g.out_degree(n)][:12]
    targets = [n for n in curies if g.in_degree(n)][-12:]
    mediators = ["HGNC:11892", "HGNC:5992", "HGNC:1033", "TNF-α", "BDNF"]
    return {
        "/health": ["/health"],
        "/search": [f"/search?q={quote(label[:k])}" for label in labels for k in (3, 5)],
        "/entities/{id}": [f"/entities/{quote(c, safe='')}" for c in curies],
        "/paths": [f"/paths?source={quote(s)}&target={quote(t)}&max_length=6" for s, t in itertools.product(sources, targets)],
        "/queries/releases-mediator": [f"/queries/releases-mediator?mediator={quote(m)}" for m in mediators],
    }


def _lua(paths: list[str], folder: Path, accept: str | None = None) -> Path:
    """A wrk script that GETs ``paths`` in turn (with ``Accept: accept`` if given), each thread from its own place in
    the list."""
    script = folder / f"requests-{abs(hash((tuple(paths), accept)))}.lua"
    listed = ",\n".join('  "' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    headers = f", {{['Accept'] = '{accept}'}}" if accept else ""
    script.write_text(f"paths = {{\n{listed}\n}}\ni = 0\nsetup = function(thread) thread:set('i', math.random(#paths)) end\n"
                      f"request = function()\n  i = (i % #paths) + 1\n  return wrk.format('GET', paths[i]{headers})\nend\n")
    return script


def _wrk(base: str, script: Path, seconds: float, connections: int = 50) -> dict[str, float]:
    """Run wrk (2 threads) with a request script; req/s, p50 and p99 in ms, and errors (non-2xx and socket)."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", str(script), base],
                         capture_output=True, text=True, timeout=seconds + 60, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]

    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    total, took = int(m.group(1)), float(m.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(3)]
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0
    sock = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    # answered requests only: a refusal (503 busy, 429) is fast and must not count as throughput
    return {"rps": (total - non2xx) / took, "p50": ms("50"), "p99": ms("99"), "errors": non2xx + sock}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="4f3972c", help="the commit to compare with")
    ap.add_argument("--seconds", type=float, default=8.0)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: run `bash scripts/setup.sh --bench` (installs Debian's wrk)")
    requests = _requests()
    results: dict[tuple[str, str], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="oihkg-routes-") as tmp:
        folder = Path(tmp)
        scripts = {route: _lua(paths, folder) for route, paths in requests.items()}
        with old_worktree(args.old, folder) as old_tree:
            for name, tree in (("old", old_tree), ("new", ROOT)):
                proc, base = start_app(tree, f"server of {tree}")
                try:
                    for route, script in scripts.items():
                        results[(route, name)] = _wrk(base, script, args.seconds)
                finally:
                    stop(proc)
    print(f"\nLight routes, one uvicorn worker, wrk -t2 -c50 -d{args.seconds:g}s, old = {args.old}, new = this tree")
    head = (f"{'route':<28}{'distinct':>9}{'old req/s':>11}{'new req/s':>11}{'new/old':>9}{'old p50':>9}{'new p50':>9}"
            f"{'old p99':>9}{'new p99':>9}{'old err':>8}{'new err':>8}")
    print(head)
    print("-" * len(head))
    for route, paths in requests.items():
        o, n = results[(route, "old")], results[(route, "new")]
        print(f"{route:<28}{len(paths):>9}{o['rps']:>11.0f}{n['rps']:>11.0f}{n['rps'] / o['rps']:>8.1f}x{o['p50']:>9.2f}"
              f"{n['p50']:>9.2f}{o['p99']:>9.2f}{n['p99']:>9.2f}{int(o['errors']):>8}{int(n['errors']):>8}")
    print("latency in ms; err: non-2xx answers and socket errors (wrk's 2 s timeout); goal: >= 3x old on each light route")


if __name__ == "__main__":
    main()
