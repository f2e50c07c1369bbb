"""The worker process's side of :mod:`kg.endpoint.workers`: its main loop, how it dies with its parent, and what travels back.

A worker opens its store once, then answers jobs from its pipe until the pipe closes: each job is a function of the
store (or the pool's default, a query) and its arguments; the answer, or the failure pickled without its traceback
(:func:`pickle_error`), goes back down the pipe. The failures the pool raises are in :mod:`kg.errors`, which both sides
import.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from kg.errors import QueryTimeout, QueryFailed, WorkerDied, AnswerTooLarge, PoolBusy

__all__ = ["QueryTimeout", "QueryFailed", "WorkerDied", "AnswerTooLarge", "PoolBusy", "Answer", "pickle_error",
           "die_with_parent", "limit_memory", "worker_main"]


@dataclass(frozen=True)
class Answer:
    """A serialized query result.

    ``kind`` is ``solutions``, ``boolean`` or ``graph``; ``body`` is the bytes
    in ``media_type``.
    """

    kind: str
    media_type: str
    body: bytes


def pickle_error(exc: Exception) -> bytes:
    """``exc`` pickled here, on the worker's own thread: the pickle carries its type and message but not its traceback,
    so no frame (holding, say, a pyoxigraph iterator, which must be freed on the thread that made it) leaves the
    thread. An exception that does not pickle becomes a :class:`QueryFailed` naming its type."""
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)
        return data
    except Exception:  # noqa: BLE001 - any pickling failure
        return pickle.dumps(QueryFailed(f"{type(exc).__name__}: {exc}"))


def die_with_parent(parent: int) -> None:
    """Exit when the parent process goes: at once on Linux (PR_SET_PDEATHSIG), and by polling everywhere."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass
    if os.getppid() != parent:  # the parent died before the signal was set
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()


def limit_memory(megabytes: int | None) -> None:
    if megabytes:
        import resource

        limit = megabytes * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(factory: Callable[[], Any], run: Callable[..., Answer], conn, parent: int, memory_mb: int | None) -> None:
    """A worker's life: open the store, say ready, then answer jobs until the pipe closes."""
    die_with_parent(parent)
    limit_memory(memory_mb)
    store = factory()
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the parent closed its end: nothing more to do
            return
        if job is None:
            return
        fn, args = job
        try:
            reply = ("ok", (fn or run)(store, *args))
        except MemoryError:
            reply = ("error", pickle.dumps(WorkerDied(f"the query needed more than the worker's {memory_mb} MB")))
        except Exception as exc:  # noqa: BLE001 - every error goes back to the caller, typed when it pickles
            reply = ("error", pickle_error(exc))
        conn.send(reply)
