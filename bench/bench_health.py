"""Benchmark: ``GET /health`` of this tree's server against the server of an older commit, side by side in one run.

Each tree's app — the older commit is checked out into a temporary ``git
worktree`` — is measured two ways, bounded by ``--requests`` and
``--seconds``:

* **in process**: a Python process of that tree opens the app with its
  lifespan and calls it as uvicorn does (one ASGI ``http`` scope per request)
  — the cost of answering, without a socket or a client's own cost;
* **over HTTP**: the harness starts ``uvicorn --factory api.main:create_app``
  (embedded store, one worker, 127.0.0.1), one client sends requests one
  after the other, and the server is stopped afterwards.

The table gives requests per second, p50 and p99 latency, errors, and the
ratio new ÷ old.

Usage::

    .venv/bin/python bench/bench_health.py [--old ea210aa] [--requests 3000] [--seconds 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, old_worktree, start_app, stop  # noqa: E402
from timing import percentile  # noqa: E402

def _load(base: str, requests: int, seconds: float) -> dict[str, float]:
    """Sequential GET /health, at most ``requests`` of them and at most ``seconds`` long."""
    times, errors = [], 0
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(50):  # warm up
            client.get("/health")
        stop = time.perf_counter() + seconds
        start = time.perf_counter()
        for _ in range(requests):
            t0 = time.perf_counter()
            ok = client.get("/health").status_code == 200
            times.append((time.perf_counter() - t0) * 1000)
            errors += not ok
            if time.perf_counter() > stop:
                break
        elapsed = time.perf_counter() - start
    return {"n": len(times), "rps": len(times) / elapsed, "p50": percentile(times, 0.5), "p99": percentile(times, 0.99),
            "errors": errors}


#: Run in a process of the tree under test: time /health through the ASGI interface, print JSON.
_IN_PROCESS = """
import asyncio, json, sys, time
from api.main import create_app

SCOPE = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
         "path": "/health", "raw_path": b"/health", "query_string": b"", "root_path": "", "headers": [(b"host", b"bench")],
         "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}

async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}

async def call(app):
    status = []
    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])
    await app(dict(SCOPE), receive, send)
    return status[0]

async def main(requests, seconds):
    app = create_app()
    async with app.router.lifespan_context(app):
        for _ in range(50):
            await call(app)
        times, errors = [], 0
        start = time.perf_counter()
        for _ in range(requests):
            t0 = time.perf_counter()
            errors += await call(app) != 200
            times.append((time.perf_counter() - t0) * 1000)
            if time.perf_counter() - start > seconds:
                break
        print(json.dumps({"times": times, "elapsed": time.perf_counter() - start, "errors": errors}))

asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
"""


def _in_process(tree: Path, requests: int, seconds: float) -> dict[str, float]:
    import json

    env = {**os.environ, "PYTHONPATH": str(tree), "OIHKG_OUT": str(tree / "ontology")}
    out = subprocess.run([sys.executable, "-c", _IN_PROCESS, str(requests), str(seconds)], cwd=tree, env=env,
                         capture_output=True, text=True, timeout=300 + seconds, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    times = r["times"]
    return {"n": len(times), "rps": len(times) / r["elapsed"], "p50": percentile(times, 0.5), "p99": percentile(times, 0.99),
            "errors": r["errors"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="ea210aa", help="the commit to compare with (default: the tree before the catalog layer)")
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=15.0)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="oihkg-old-") as tmp, old_worktree(args.old, Path(tmp)) as old_tree:
        results = {}
        for name, tree in ((f"old ({args.old})", old_tree), ("new (this tree)", ROOT)):
            results[("in process", name)] = _in_process(tree, args.requests, args.seconds)
            proc, base = start_app(tree, f"server of {tree}")
            try:
                results[("over HTTP", name)] = _load(base, args.requests, args.seconds)
            finally:
                stop(proc)
    head = (f"{'GET /health, one client, sequential':<12} {'tree':<22} {'requests':>8} {'req/s':>9} {'p50 ms':>8} "
            f"{'p99 ms':>8} {'errors':>6} {'new/old req/s':>14}")
    print(head)
    print("-" * len(head))
    for (how, name), r in sorted(results.items()):
        old = results[(how, f"old ({args.old})")]
        ratio = f"{r['rps'] / old['rps']:14.1f}" if name.startswith("new") else f"{'':>14}"
        print(f"{how:<12} {name:<22} {r['n']:>8} {r['rps']:>9.0f} {r['p50']:>8.3f} {r['p99']:>8.3f} {r['errors']:>6} {ratio}")
    print("\ngoal: /health at least 20x faster than before; 'in process' is the server's own cost, "
          "'over HTTP' adds the socket and this client")


if __name__ == "__main__":
    main()
