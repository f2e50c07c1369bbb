"""Timing helpers shared by the benchmarks: bounded loops and percentiles, in milliseconds."""

from __future__ import annotations

import time


def timed(fn, runs: int, budget: float) -> list[float]:
    """Call ``fn`` at most ``runs`` times or until ``budget`` seconds have passed; each call's time in ms."""
    out: list[float] = []
    stop = time.perf_counter() + budget
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() > stop:
            break
    return out


def percentile(xs: list[float], q: float) -> float:
    """The ``q`` quantile of ``xs`` (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
