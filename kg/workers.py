"""Run SPARQL queries in worker processes that can be stopped on a deadline.

pyoxigraph has no query timeout of its own and a running query cannot be
interrupted from Python, so :class:`QueryPool` keeps a few worker processes,
each holding its own store, sends each query to an idle one, and kills and
replaces a worker whose query runs past the deadline. The caller gets a
:class:`QueryTimeout`; the other workers keep serving.

Results travel back serialized (SPARQL JSON/XML/CSV/TSV or an RDF syntax),
so the parent never touches the worker's store.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["QueryTimeout", "QueryFailed", "Answer", "QueryPool", "pickle_error"]


class QueryTimeout(Exception):
    """The query ran longer than the pool's deadline and was stopped."""


class QueryFailed(Exception):
    """The query raised in the worker with an exception that could not travel back as itself."""


@dataclass(frozen=True)
class Answer:
    """A serialized query result.

    ``kind`` is ``solutions``, ``boolean`` or ``graph``; ``body`` is the bytes
    in ``media_type``.
    """

    kind: str
    media_type: str
    body: bytes


def _worker_main(factory: Callable[[], Any], run: Callable[..., Answer], inbox, outbox) -> None:
    store = factory()
    outbox.put(("ready", None))
    while True:
        job = inbox.get()
        if job is None:
            return
        try:
            outbox.put(("ok", run(store, *job)))
        except Exception as exc:  # noqa: BLE001 - every error goes back to the caller, typed when it pickles
            outbox.put(("error", pickle_error(exc)))


def pickle_error(exc: Exception) -> bytes:
    """``exc`` pickled here, on the worker's own thread: the pickle carries its type and message but not its traceback,
    so no frame (holding, say, a pyoxigraph iterator, which must be freed on the thread that made it) reaches the
    queue's feeder thread. An exception that does not pickle becomes a :class:`QueryFailed` naming its type."""
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)
        return data
    except Exception:  # noqa: BLE001 - any pickling failure
        return pickle.dumps(QueryFailed(f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx, factory, run):
        self.inbox, self.outbox = ctx.Queue(), ctx.Queue()
        self.proc = ctx.Process(target=_worker_main, args=(factory, run, self.inbox, self.outbox), daemon=True)
        self.proc.start()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if not self.ready:
            status, _ = self.outbox.get(timeout=timeout)
            self.ready = status == "ready"

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(timeout=5)


class QueryPool:
    """A fixed number of query workers with a per-query deadline.

    Parameters
    ----------
    factory : callable
        Picklable, called once in each worker to open its store.
    run : callable
        Picklable ``run(store, *args) -> Answer``, called in the worker.
    workers : int
        How many queries may run at once.
    timeout : float
        Seconds a query may run before its worker is killed and replaced.
    """

    def __init__(self, factory: Callable[[], Any], run: Callable[..., Answer], workers: int = 2, timeout: float = 30.0):
        self._ctx = mp.get_context("spawn")
        self._factory, self._run = factory, run
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(max(1, workers)):
            w = _Worker(self._ctx, factory, run)
            self._all.append(w)
            self._idle.put(w)

    def warm_up(self, timeout: float = 120.0) -> None:
        """Block until every worker has opened its store."""
        for w in list(self._all):
            w.wait_ready(timeout)

    def submit(self, *args: Any) -> Answer:
        """Run one query in an idle worker; block until its answer or the deadline.

        Raises
        ------
        QueryTimeout
            The query outlived the deadline; its worker was replaced.
        Exception
            Whatever the query raised in the worker, as itself (e.g. :class:`kg.store.QuerySyntaxError`), or
            :class:`QueryFailed` with its type and message when it does not pickle.
        """
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"no query worker became free within {self.timeout:g} s") from None
        try:
            worker.wait_ready(max(1.0, deadline - time.monotonic()) + 60.0)
            worker.inbox.put(args)
            status, value = worker.outbox.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            self._replace(worker)
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped") from None
        except BaseException:
            self._replace(worker)
            raise
        self._idle.put(worker)
        if status == "error":
            raise pickle.loads(value)
        return value

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        fresh = _Worker(self._ctx, self._factory, self._run)
        with self._lock:
            self._all = [w for w in self._all if w is not worker] + [fresh]
        self._idle.put(fresh)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            try:
                w.inbox.put(None)
            except Exception:  # noqa: BLE001 - a dead worker's queue may be closed
                pass
            w.proc.join(timeout=2)
            if w.proc.is_alive():
                w.kill()
