"""Benchmark: the server under abuse, this tree side by side with an older commit, then a soak of this tree.

Both servers (``oihkg serve`` on the embedded store, 127.0.0.1, 2 query workers,
a 10 s query timeout, default settings otherwise) are started by the harness — the older commit from a
temporary ``git worktree`` — and stopped afterwards. Every load loop is bounded
in count and time. Rows:

1. **light routes during a heavy storm**: 8 clients fetch ``/export/jsonld`` and
   ``/simulate/plot.png`` (varied parameters) while one client times ``/health``
   and ``/search``: p50, p99, non-2xx;
2. **normal SPARQL while two cartesian queries run** (sent by another client,
   from 127.0.0.2): p50, p99 and non-2xx of a small SELECT;
3. **after a worker is killed**: seconds until a query is answered again (the
   worker killed while idle, then while running a query);
4. **soak** (this tree only, ``--soak`` seconds): light and heavy routes, slow
   queries and a killed worker together; non-2xx on the light routes, the
   server's memory (itself and its workers) at start and end, and the processes
   left after the server is killed.

Usage::

    .venv/bin/python bench/bench_server.py [--old 52de32d] [--seconds 15] [--soak 60]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, old_worktree, start_app, stop  # noqa: E402
from timing import percentile  # noqa: E402

SLOW_Q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMALL_Q = "SELECT ?l WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> <http://www.w3.org/2000/01/rdf-schema#label> ?l }"


class Server:
    """``oihkg serve`` of one source tree, on a free port."""

    def __init__(self, tree: Path, name: str, **settings: str):
        self.name = name
        self.proc, self.base = start_app(
            tree, name, seconds=180, log_level="error", stderr=subprocess.DEVNULL, interval=0.3,
            env={"OIHKG_QUERY_WORKERS": "2", "OIHKG_QUERY_TIMEOUT": "10",
                 **{f"OIHKG_{k.upper()}": v for k, v in settings.items()}})

    def workers(self) -> list[int]:
        out = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            try:
                for c in (task / "children").read_text().split():
                    if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text(errors="replace"):
                        out.append(int(c))
            except OSError:
                pass
        return out

    def rss_mb(self) -> float:
        total = 0
        for pid in [self.proc.pid, *self.workers()]:
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except OSError:
                pass
        return total / 2**20

    def stop(self) -> None:
        stop(self.proc, 15)


#: Background load comes from another loopback address, so the server sees it as another client.
OTHER_CLIENT = "127.0.0.2"


def _loop(stop: threading.Event, fn, limit: int = 10_000) -> None:
    with httpx.Client(timeout=60, transport=httpx.HTTPTransport(local_address=OTHER_CLIENT)) as client:
        for _ in range(limit):
            if stop.is_set():
                return
            try:
                fn(client)
            except httpx.HTTPError:
                pass


def _timed(base: str, requests: list, seconds: float, limit: int = 5000) -> dict:
    """Send ``requests`` (method, path, kwargs) round robin for ``seconds``; latencies and non-2xx."""
    times, bad = [], 0
    stop = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(limit):
            method, path, kw = requests[i % len(requests)]
            t0 = time.perf_counter()
            try:
                ok = client.request(method, path, **kw).status_code < 300
            except httpx.HTTPError:
                ok = False
            times.append((time.perf_counter() - t0) * 1000)
            bad += not ok
            if time.monotonic() > stop:
                break
    return {"n": len(times), "p50": percentile(times, 0.5), "p99": percentile(times, 0.99), "bad": bad}


def _with_background(base: str, background: list, measured: list, seconds: float) -> dict:
    stop = threading.Event()
    threads = [threading.Thread(target=_loop, args=(stop, fn), daemon=True) for fn in background]
    for t in threads:
        t.start()
    time.sleep(1.0)
    try:
        return _timed(base, measured, seconds)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=70)


def storm(server: Server, seconds: float) -> dict:
    def export(client):
        client.get(f"{server.base}/export/jsonld")

    def plot(client):
        client.get(f"{server.base}/simulate/plot.png", params={"dose": random.choice([5, 10, 20, 40]), "exposure": 30})

    return _with_background(server.base, [export] * 4 + [plot] * 4,
                            [("GET", "/health", {}), ("GET", "/search", {"params": {"q": "ketamine"}})], seconds)


def cartesian(server: Server, seconds: float) -> dict:
    def slow(client):
        client.get(f"{server.base}/sparql", params={"query": SLOW_Q})

    return _with_background(server.base, [slow, slow], [("GET", "/sparql", {"params": {"query": SMALL_Q}})], seconds)


def _until_answered(base: str, limit: float = 60) -> float:
    t0 = time.monotonic()
    with httpx.Client(timeout=limit) as client:
        while time.monotonic() - t0 < limit:
            try:
                if client.get(f"{base}/sparql", params={"query": SMALL_Q}).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
    return time.monotonic() - t0


def killed(server: Server) -> dict:
    """Seconds until a query is answered after killing an idle worker, and after killing a worker mid-query."""
    for pid in server.workers():
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    idle = _until_answered(server.base)
    def hold():
        try:
            httpx.get(f"{server.base}/sparql", params={"query": SLOW_Q}, timeout=60)
        except httpx.HTTPError:
            pass

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    time.sleep(1.0)
    t0 = time.monotonic()
    for pid in server.workers():
        os.kill(pid, signal.SIGKILL)
    holder.join(timeout=60)
    busy = time.monotonic() - t0
    return {"idle": idle, "busy": busy}


def soak(server: Server, seconds: float) -> dict:
    start_rss = server.rss_mb()
    stop = threading.Event()

    def heavy(client):
        client.get(f"{server.base}/export/{random.choice(['jsonld', 'ttl', 'graphml'])}")
        client.get(f"{server.base}/simulate/plot.svg", params={"dose": random.randint(1, 60)})

    def slow(client):
        client.get(f"{server.base}/sparql", params={"query": SLOW_Q})

    def killer(_client):
        time.sleep(seconds / 3)
        for pid in server.workers()[:1]:
            os.kill(pid, signal.SIGKILL)

    threads = [threading.Thread(target=_loop, args=(stop, fn, n), daemon=True) for fn, n in ((heavy, 10**6), (slow, 10**6), (killer, 2))]
    for t in threads:
        t.start()
    light = _timed(server.base, [("GET", "/health", {}), ("GET", "/search", {"params": {"q": "TLR4"}}),
                                 ("GET", "/entities/ketamine", {}), ("GET", "/sparql", {"params": {"query": SMALL_Q}})],
                   seconds, limit=100_000)
    stop.set()
    for t in threads:
        t.join(timeout=70)
    end_rss = server.rss_mb()
    children = [server.proc.pid, *server.workers()]
    server.proc.kill()
    server.proc.wait(timeout=10)
    time.sleep(3)
    left = [p for p in children[1:] if Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]
    return {**light, "rss_start": start_rss, "rss_end": end_rss, "orphans": len(left)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="52de32d", help="the commit to compare with (default: the tree before issue 14)")
    ap.add_argument("--seconds", type=float, default=15.0, help="length of each measured row")
    ap.add_argument("--soak", type=float, default=60.0, help="length of the soak")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="oihkg-old-") as tmp, old_worktree(args.old, Path(tmp)) as old_tree:
        for name, tree in ((f"old ({args.old})", old_tree), ("new (this tree)", ROOT)):
            server = Server(tree, name)
            try:
                s, c = storm(server, args.seconds), cartesian(server, args.seconds)
                k = killed(server)
                rows.append((name, s, c, k))
            finally:
                server.stop()
    head = (f"{'server':<22} | {'light routes in a heavy storm':^30} | {'normal SPARQL, 2 cartesian running':^34} | "
            f"{'answered after a kill (s)':^26}")
    sub = f"{'':<22} | {'p50 ms':>8} {'p99 ms':>9} {'non-2xx':>9}  | {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  | {'idle':>10} {'mid-query':>13}"
    print(head)
    print(sub)
    print("-" * len(sub))
    for name, s, c, k in rows:
        print(f"{name:<22} | {s['p50']:>8.1f} {s['p99']:>9.1f} {s['bad']:>6}/{s['n']:<3}| {c['n']:>6} {c['p50']:>8.1f} "
              f"{c['p99']:>8.1f} {c['bad']:>8}  | {k['idle']:>10.2f} {k['busy']:>13.2f}")
    if args.soak > 0:
        server = Server(ROOT, "soak")
        r = soak(server, args.soak)
        print(f"\nsoak, this tree, {args.soak:g} s (heavy routes, cartesian queries, a worker killed at {args.soak / 3:g} s): "
              f"light routes {r['n']} requests, {r['bad']} non-2xx, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms; "
              f"memory {r['rss_start']:.0f} -> {r['rss_end']:.0f} MB; {r['orphans']} processes left after kill -9")


if __name__ == "__main__":
    main()
