"""Run SPARQL queries in worker processes that can be stopped, bounded, and replaced when they die.

This module owns query isolation. pyoxigraph has no query timeout of its own
and a running query cannot be interrupted from Python, so :class:`QueryPool`
keeps a few worker processes, each holding its own store, and sends each
query to an idle one over a pipe, awaiting the answer on the caller's asyncio
event loop (no thread per query):

* a query that runs past the deadline gets :class:`QueryTimeout`; its worker
  is killed and replaced while the others keep serving;
* a worker that dies (killed, or over its memory limit, ``RLIMIT_AS``) is seen
  at once through its process sentinel: the caller gets :class:`WorkerDied`
  (the query is not retried, since it may be what killed it) and the worker
  is replaced; a worker found dead while idle is replaced before use;
* when every worker is busy a query waits at most ``queue_wait`` seconds, then
  gets :class:`PoolBusy` (the HTTP layer answers 503 with ``Retry-After``);
  one client may hold at most ``per_client`` workers at once, so one client's
  slow queries cannot take them all;
* a worker exits when its parent dies (a watchdog thread, and on Linux
  ``PR_SET_PDEATHSIG``), so a ``kill -9`` of the server leaves no orphan. Pipes
  carry the messages, so no semaphore is left behind either.

Results travel back serialized (SPARQL JSON/XML/CSV/TSV or an RDF syntax),
so the parent never touches the worker's store; failures travel pickled
without their traceback (:func:`pickle_error`).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import os
import pickle
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from functools import partial
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

log = logging.getLogger("oihkg.workers")

__all__ = ["QueryTimeout", "QueryFailed", "WorkerDied", "AnswerTooLarge", "PoolBusy", "Answer", "QueryPool", "pickle_error", "die_with_parent"]


class QueryTimeout(Exception):
    """The query ran longer than the pool's deadline and was stopped."""


class QueryFailed(Exception):
    """The query raised in the worker with an exception that could not travel back as itself."""


class WorkerDied(Exception):
    """The worker running the query died (killed, or over its memory limit); it was replaced."""


class AnswerTooLarge(Exception):
    """The answer the worker sent is larger than the pool accepts; its worker was replaced, the answer never read."""


class PoolBusy(Exception):
    """Every worker (or every worker this client may use) stayed busy for the whole queue wait."""


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


def _limit_memory(megabytes: int | None) -> None:
    if megabytes:
        import resource

        limit = megabytes * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(factory: Callable[[], Any], run: Callable[..., Answer], conn, parent: int, memory_mb: int | None) -> None:
    die_with_parent(parent)
    _limit_memory(memory_mb)
    store = factory()
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the parent closed its end: nothing more to do
            return
        if job is None:
            return
        try:
            reply = ("ok", run(store, *job))
        except MemoryError:
            reply = ("error", pickle.dumps(WorkerDied(f"the query needed more than the worker's {memory_mb} MB")))
        except Exception as exc:  # noqa: BLE001 - every error goes back to the caller, typed when it pickles
            reply = ("error", pickle_error(exc))
        conn.send(reply)


class _Worker:
    """One worker process and the parent's end of its pipe. Made on the pool's spawner thread (and killed there, or by
    :meth:`QueryPool.close`)."""

    def __init__(self, ctx, factory, run, memory_mb: int | None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(factory, run, child, os.getpid(), memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has opened its store (:class:`WorkerDied` if it dies or takes longer)."""
        if self.ready:
            return
        if not wait([self.conn, self.proc.sentinel], timeout) or not self.conn.poll():
            raise WorkerDied("a query worker did not start")
        status, _ = self.conn.recv()
        self.ready = status == "ready"

    def alive(self) -> bool:
        return self.proc.is_alive()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


def _on_loop(loop: asyncio.AbstractEventLoop, callback: Callable[[Any], None], arg: Any) -> None:
    """Call ``callback(arg)`` on ``loop`` from another thread; nothing once the loop is closed (then the pool's
    :meth:`QueryPool.close` kills what was started)."""
    try:
        loop.call_soon_threadsafe(callback, arg)
    except RuntimeError:
        pass


_DIED = "the query worker died while running the query (killed, or over its memory limit); it was replaced"


class QueryPool:
    """A fixed number of query workers with a per-query deadline, a queue wait, a per-client share and a memory limit.

    The pool lives on one asyncio event loop (the server's): :meth:`run` sends a query down an idle worker's pipe and
    awaits the pipe's readiness on the loop itself, with no thread per query; a query that finds every worker busy
    waits for one to be handed over. Only starting and killing workers happen on a thread of the pool's own.

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
    queue_wait : float
        Seconds a query may wait for a free worker before :class:`PoolBusy`.
    per_client : int, optional
        Most workers one client may hold at once (default: all but one, at least one).
    memory_mb : int, optional
        Address-space limit of each worker (``RLIMIT_AS``), in MiB; none when omitted.
    max_answer : int, optional
        Most bytes of one answer the pool reads from a worker; a larger one is not read (:class:`AnswerTooLarge`).
    """

    def __init__(self, factory: Callable[[], Any], run: Callable[..., Answer], workers: int = 2, timeout: float = 30.0,
                 queue_wait: float = 2.0, per_client: int | None = None, memory_mb: int | None = None,
                 max_answer: int | None = None):
        self._ctx = mp.get_context("spawn")
        self._factory, self._run, self._memory = factory, run, memory_mb
        self.timeout, self.queue_wait, self.max_answer = timeout, queue_wait, max_answer
        self.size = max(1, workers)
        self.per_client = per_client or max(1, self.size - 1)
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future] = deque()
        self._all: list[_Worker] = []
        self._clients: dict[str, int] = {}
        self._closed = False
        self._starting: set = set()  # replacements being started on the spawner thread
        # Linux sends PR_SET_PDEATHSIG when the *thread* that forked a worker ends: every worker is started from this
        # one long-lived thread, never from a request's thread
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-worker-spawner")
        for _ in range(self.size):
            w = self._spawner.submit(self._new).result()
            self._all.append(w)
            self._idle.append(w)

    def _new(self) -> _Worker:
        return _Worker(self._ctx, self._factory, self._run, self._memory)

    @property
    def pids(self) -> list[int]:
        """The process ids of the current workers."""
        return [w.proc.pid for w in self._all]

    def warm_up(self, timeout: float = 120.0) -> None:
        """Block until every worker has opened its store."""
        for w in list(self._all):
            w.wait_ready(timeout)

    @contextmanager
    def _share(self, client: str | None):
        """Hold one of ``client``'s shares of the workers; :class:`PoolBusy` if the client already holds them all."""
        if client is None:
            yield
            return
        held = self._clients.get(client, 0)
        if held >= self.per_client:
            raise PoolBusy(f"this client already runs {held} queries at once, the most it may")
        self._clients[client] = held + 1
        try:
            yield
        finally:
            self._clients[client] -= 1
            if not self._clients[client]:
                del self._clients[client]

    async def run(self, *args: Any, client: str | None = None) -> Answer:
        """Run one query in an idle worker; return its answer, or raise at the deadline or the worker's death.

        Raises
        ------
        PoolBusy
            No worker became free within the queue wait, or ``client`` already holds its share.
        QueryTimeout
            The query outlived the deadline; its worker was replaced.
        WorkerDied
            The worker died while running the query; it was replaced.
        AnswerTooLarge
            The answer is longer than ``max_answer`` bytes; it was not read, and the worker was replaced.
        Exception
            Whatever the query raised in the worker, as itself (e.g. :class:`kg.store.QuerySyntaxError`), or
            :class:`QueryFailed` with its type and message when it does not pickle.
        """
        with self._share(client):
            worker = await self._checkout()
            status, value = await self._ask(worker, args)
            self._release(worker)
        if status == "error":
            raise pickle.loads(value)
        return value

    async def _checkout(self) -> _Worker:
        """An idle, live worker within the queue wait; a dead one found idle is replaced."""
        while self._idle:
            worker = self._idle.popleft()
            if worker.alive():
                return worker
            self._replace(worker)
        handed = asyncio.get_running_loop().create_future()
        self._waiters.append(handed)
        try:
            async with asyncio.timeout(self.queue_wait):
                worker = await handed
        except BaseException as exc:
            if handed.done() and not handed.cancelled():  # handed over just as the wait ended: pass it on
                self._release(handed.result())
            handed.cancel()
            with suppress(ValueError):  # not left in the queue until the next release
                self._waiters.remove(handed)
            if isinstance(exc, TimeoutError):
                raise PoolBusy(f"all {self.size} query workers stayed busy for {self.queue_wait:g} s") from None
            raise
        if worker.alive():
            return worker
        self._replace(worker)
        return await self._checkout()

    def _release(self, worker: _Worker) -> None:
        """Hand a free worker to the longest waiting query, or keep it idle."""
        while self._waiters:
            handed = self._waiters.popleft()
            if not handed.done():
                handed.set_result(worker)
                return
        self._idle.append(worker)

    async def _readable(self, worker: _Worker, timeout: float) -> bool:
        """Wait on the loop until the worker's pipe has data or the worker exits; False after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        ready = loop.create_future()

        def fire() -> None:
            if not ready.done():
                ready.set_result(True)

        fds = (worker.conn.fileno(), worker.proc.sentinel)
        for fd in fds:
            loop.add_reader(fd, fire)
        try:
            async with asyncio.timeout(max(0.0, timeout)):
                return await ready
        except TimeoutError:
            return False
        finally:
            for fd in fds:
                loop.remove_reader(fd)

    async def _receive(self, worker: _Worker, deadline: float, late: Exception, limit: int | None = None) -> Any:
        """One message from the worker (multiprocessing's framing: a 4-byte length, or -1 and an 8-byte length, then
        the pickle), read without blocking the loop however large it is; ``late`` is raised at ``deadline`` (the
        loop's clock). :class:`AnswerTooLarge` for a message longer than ``limit``, before reading it."""
        loop = asyncio.get_running_loop()
        fd = worker.conn.fileno()
        os.set_blocking(fd, False)

        async def read(n: int) -> bytearray:
            got, woke = bytearray(n), False
            view = memoryview(got)
            done = 0
            while done < n:
                try:
                    step = os.readv(fd, [view[done:]])
                except BlockingIOError:
                    if woke and not worker.alive():  # woken by the worker's exit, with nothing more to read
                        raise EOFError from None
                    woke = await self._readable(worker, deadline - loop.time())
                    if not woke:
                        raise late from None
                    continue
                if not step:
                    raise EOFError
                done += step
            view.release()
            return got

        (size,) = struct.unpack("!i", await read(4))
        if size == -1:
            (size,) = struct.unpack("!Q", await read(8))
        if limit is not None and size > limit:
            raise AnswerTooLarge(f"the answer is larger than {limit:,} bytes; add a LIMIT or select less")
        return pickle.loads(await read(size))  # read into one buffer, unpickled in place

    async def _ask(self, worker: _Worker, args: tuple) -> tuple[str, Any]:
        """Send one query to ``worker`` and await its reply; on any failure the worker is replaced, then it is raised."""
        loop = asyncio.get_running_loop()
        try:
            if not worker.ready:
                status, _ = await self._receive(worker, loop.time() + max(1.0, self.timeout) + 60.0,
                                                WorkerDied("a query worker did not start"))
                worker.ready = status == "ready"
            os.set_blocking(worker.conn.fileno(), True)
            worker.conn.send(args)  # the worker waits on its end of the pipe, so this does not stall the loop
            late = QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            return await self._receive(worker, loop.time() + self.timeout, late, self.max_answer)
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerDied(_DIED) from None
        except BaseException:
            self._replace(worker)
            raise

    def _replace(self, worker: _Worker | None) -> None:
        """Kill ``worker`` and start another in its place, on the spawner thread; the new one joins the pool (and is
        handed to a waiting query) when it has started. Should starting fail, it is tried again a second later."""
        loop = asyncio.get_running_loop()
        if worker is not None:
            self._all = [w for w in self._all if w is not worker]

        def swap() -> _Worker:
            if worker is not None:
                worker.kill()
            return self._new()

        def adopt(done) -> None:
            self._starting.discard(done)
            if self._closed:  # close() kills what was started
                return
            if done.exception() is not None:
                log.error("a query worker could not be started (%s); trying again in 1 s", done.exception())
                loop.call_later(1.0, self._replace, None)
                return
            fresh = done.result()
            self._all.append(fresh)
            self._release(fresh)

        if not self._closed:
            started = self._spawner.submit(swap)
            self._starting.add(started)
            started.add_done_callback(partial(_on_loop, loop, adopt))

    def close(self) -> None:
        """Stop every worker; a query still waiting for one gets :class:`PoolBusy`."""
        self._closed = True
        workers, self._all = self._all, []
        for handed in self._waiters:
            if not handed.done():
                handed.set_exception(PoolBusy("the server is stopping"))
        self._waiters.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):  # a dead worker's pipe is closed
                pass
            w.proc.join(timeout=2)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=5)
            w.conn.close()
        self._spawner.shutdown(wait=True)  # a replacement being started finishes starting, and is killed here
        for started in self._starting:
            if started.exception() is None:
                started.result().kill()
        self._starting.clear()
