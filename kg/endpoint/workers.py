"""Run SPARQL queries in worker processes that can be stopped, bounded, and replaced when they die.

This module owns query isolation. pyoxigraph has no query timeout of its own
and a running query cannot be interrupted from Python, so :class:`QueryPool`
keeps a few worker processes, each holding its own store, and sends each
query to an idle one over a pipe, awaiting the answer on the caller's asyncio
event loop (no thread per query; the pipe's end there is a
:class:`kg.endpoint.channel.Channel`):

* a query that runs past the deadline gets :class:`QueryTimeout`; its worker
  is killed and replaced while the others keep serving;
* a worker that dies (killed, or over its memory limit, ``RLIMIT_AS``) is seen
  at once through its process sentinel: the caller gets :class:`WorkerDied`
  (the query is not retried, since it may be what killed it) and the worker
  is replaced; a worker found dead while idle is replaced before use;
* when every worker is busy a query waits its client's turn
  (:class:`kg.endpoint.fairshare.FairShare`: a queue per client served round robin, and
  ``reserve`` more workers kept for clients whose queries do not run long), at
  most ``queue_wait`` seconds and ``per_client`` queries per client, else
  :class:`PoolBusy` (the HTTP layer answers 503 with ``Retry-After``);
* a job is a query by default (``run``), or any picklable function of the
  worker's store (TRAPI answers, plots): heavy work shares the same workers
  and the same turns, away from the server's event loop;
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from functools import partial
from multiprocessing.connection import wait
from typing import Any

from kg.endpoint.channel import Channel
from kg.endpoint.fairshare import FairShare, ShareFull
from kg.endpoint.worker import (Answer, AnswerTooLarge, PoolBusy, QueryFailed, QueryTimeout, WorkerDied, die_with_parent,
                       pickle_error, worker_main)

log = logging.getLogger("oihkg.workers")

__all__ = ["QueryTimeout", "QueryFailed", "WorkerDied", "AnswerTooLarge", "PoolBusy", "Answer", "QueryPool", "pickle_error", "die_with_parent"]


class _Worker:
    """One worker process and the parent's end of its pipe. Made on the pool's spawner thread (and killed there, or by
    :meth:`QueryPool.close`)."""

    def __init__(self, ctx, factory, run, memory_mb: int | None, reserved: bool = False):
        self.reserved = reserved  # kept for clients whose queries do not run long (kg.endpoint.fairshare)
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(factory, run, child, os.getpid(), memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.channel: Channel | None = None  # the pipe on the event loop, from the first job on

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has opened its store (:class:`WorkerDied` if it dies or takes longer); before its
        first job only (then the event loop reads the pipe)."""
        if self.ready or self.channel is not None:
            return
        if not wait([self.conn, self.proc.sentinel], timeout) or not self.conn.poll():
            raise WorkerDied("a query worker did not start")
        status, _ = self.conn.recv()
        self.ready = status == "ready"

    def alive(self) -> bool:
        """Whether the process still runs: its pipe's end is open (a dead worker's end closes; :meth:`Channel.gone`
        peeks at the socket, so a death while idle is seen before the loop reads it), or before the first job, by its
        sentinel (``is_alive`` asks ``waitpid``, which says "running" once the server's event loop, uvloop, has reaped
        the dead child itself)."""
        if self.channel is not None:
            return not self.channel.gone()
        return not wait([self.proc.sentinel], 0)

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


class _Demoted(Exception):
    """A job was stopped in the short lane to make room for a light client; it runs again in the general lane."""


_DIED = "the query worker died while running the query (killed, or over its memory limit); it was replaced"


class QueryPool:
    """Query workers with a per-query deadline, fair turns across clients, a lane for short work and a memory limit.

    The pool lives on one asyncio event loop (the server's): :meth:`run` sends a job down an idle worker's pipe and
    awaits the pipe's readiness on the loop itself, with no thread per query; a job that finds every worker busy
    waits for its client's turn (:class:`kg.endpoint.fairshare.FairShare`). Only starting and killing workers happen on a
    thread of the pool's own.

    Parameters
    ----------
    factory : callable
        Picklable, called once in each worker to open its store.
    run : callable
        Picklable ``run(store, *args) -> Answer``, called in the worker for a job without a function of its own.
    workers : int
        How many jobs may run at once, from any client.
    timeout : float
        Seconds a job may run before its worker is killed and replaced.
    queue_wait : float
        Seconds a job may wait for its turn before :class:`PoolBusy`.
    per_client : int, optional
        Most jobs one client may have waiting (default 64); more get :class:`PoolBusy` at once.
    memory_mb : int, optional
        Address-space limit of each worker (``RLIMIT_AS``), in MiB; none when omitted.
    max_answer : int, optional
        Most bytes of one answer the pool reads from a worker; a larger one is not read (:class:`AnswerTooLarge`).
    reserve : int
        Workers more, kept for clients whose jobs have not run longer than ``long_after`` seconds lately (a client
        looping slow queries waits for one of the ``workers``; everyone else's short queries still run).
    long_after : float
        Seconds after which a running job makes its client heavy (for a minute).
    """

    def __init__(self, factory: Callable[[], Any], run: Callable[..., Answer], workers: int = 2, timeout: float = 30.0,
                 queue_wait: float = 20.0, per_client: int | None = None, memory_mb: int | None = None,
                 max_answer: int | None = None, reserve: int = 0, long_after: float = 1.0):
        self._ctx = mp.get_context("spawn")
        self._factory, self._run, self._memory = factory, run, memory_mb
        self.timeout, self.max_answer = timeout, max_answer
        self.size, self.reserve = max(1, workers), max(0, reserve)
        self.share = FairShare(per_client=per_client or 64, wait=queue_wait, long_after=long_after)
        self.share.on_wait = self._make_room
        self._short: dict[_Worker, tuple[float, asyncio.Future]] = {}  # jobs running in the short lane
        self._all: list[_Worker] = []
        self._closed = False
        self._starting: set = set()  # replacements being started on the spawner thread
        # Linux sends PR_SET_PDEATHSIG when the *thread* that forked a worker ends: every worker is started from this
        # one long-lived thread, never from a request's thread
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-worker-spawner")
        for k in range(self.size + self.reserve):
            w = self._spawner.submit(self._new, k >= self.size).result()
            self._all.append(w)
            self.share.release(w)

    def _new(self, reserved: bool = False) -> _Worker:
        return _Worker(self._ctx, self._factory, self._run, self._memory, reserved)

    @property
    def pids(self) -> list[int]:
        """The process ids of the current workers."""
        return [w.proc.pid for w in self._all]

    def warm_up(self, timeout: float = 120.0) -> None:
        """Block until every worker has opened its store."""
        for w in list(self._all):
            w.wait_ready(timeout)

    async def run(self, *args: Any, client: str | None = None, fn: Callable[..., Any] | None = None,
                  timeout: float | None = None) -> Any:
        """Run one job in a worker in ``client``'s turn; return its answer, or raise at the deadline (``timeout``, the
        pool's by default) or the worker's death. The job is ``fn(store, *args)`` (a picklable function) or, without
        ``fn``, a query: ``run(store, *args)``. A job still running in the short lane after ``long_after`` seconds
        while a light client waits is stopped there and run again, from the start, in the general lane (queries only
        read; a job with its own ``fn`` is never stopped so).

        Raises
        ------
        PoolBusy
            The client already has its most jobs waiting, or no worker became free in its turn within the queue wait.
        QueryTimeout
            The job outlived the deadline; its worker was replaced.
        WorkerDied
            The worker died while running the job; it was replaced.
        AnswerTooLarge
            The answer is longer than ``max_answer`` bytes; it was not read, and the worker was replaced.
        Exception
            Whatever the job raised in the worker, as itself (e.g. :class:`kg.store.QuerySyntaxError`), or
            :class:`QueryFailed` with its type and message when it does not pickle.
        """
        who, demotable = client or "", fn is None  # a job (TRAPI, a plot) opens the graph once: never demoted
        while True:
            worker = await self._checkout(who)
            try:
                status, value = await self._ask(worker, (fn, args), who, timeout or self.timeout, demotable)
            except _Demoted:  # stopped in the short lane for a light client: run again in the general lane, once
                demotable = False
                continue
            break
        self.share.release(worker)
        if status == "error":
            raise pickle.loads(value)
        return value

    async def _checkout(self, client: str) -> _Worker:
        """A live worker in ``client``'s turn; a dead one is replaced and the turn goes on."""
        while True:
            try:
                worker = await self.share.acquire(client)
            except ShareFull as exc:
                raise PoolBusy(str(exc)) from None
            if worker.alive():
                return worker
            self._replace(worker)

    @staticmethod
    async def _channel(worker: _Worker) -> Channel:
        """The worker's pipe on the running loop, made on its first job (again should the loop have changed)."""
        channel = worker.channel
        if channel is None or channel.loop is not asyncio.get_running_loop():
            if channel is not None:
                channel.abandon()
            worker.channel = channel = await Channel.open(worker.conn)
        return channel

    async def _ask(self, worker: _Worker, job: tuple, client: str, timeout: float, demotable: bool) -> tuple[str, Any]:
        """Send one job to ``worker`` and await its reply, timed for ``client``'s share (from the send: a worker still
        starting does not make its client heavy); on any failure, or when the job is demoted from the short lane
        (:class:`_Demoted`), the worker is replaced, then it is raised."""
        loop = asyncio.get_running_loop()
        try:
            channel = await self._channel(worker)
            if not worker.ready:
                status, _ = await channel.receive(loop.time() + max(1.0, timeout) + 60.0,
                                                  WorkerDied("a query worker did not start"))
                worker.ready = status == "ready"
            channel.send(job)
            started, heavy = loop.time(), self.share.timer(client)
            late = QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")  # or other job
            reply = channel.receive(loop.time() + timeout, late, self.max_answer)
            try:
                if not (worker.reserved and demotable):
                    return await reply
                return await self._in_short_lane(worker, reply)
            finally:
                heavy.cancel()
                self.share.ran(client, loop.time() - started)
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerDied(_DIED) from None
        except BaseException:
            self._replace(worker)
            raise

    async def _in_short_lane(self, worker: _Worker, reply) -> tuple[str, Any]:
        """Await ``reply`` from a short-lane worker unless the job is demoted first (:meth:`_make_room`)."""
        loop = asyncio.get_running_loop()
        demote = loop.create_future()
        self._short[worker] = (loop.time(), demote)
        check = loop.call_later(self.share.long_after, lambda: self.share.light_waiting() and self._make_room())
        task = asyncio.ensure_future(reply)
        try:
            await asyncio.wait({task, demote}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            check.cancel()
            self._short.pop(worker, None)
            if not task.done():
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        if task.cancelled():
            raise _Demoted
        return task.result()

    def _make_room(self) -> None:
        """A light client waits: demote the job that has run longest in the short lane, if one has run long."""
        now = asyncio.get_running_loop().time()
        running = [(started, demote) for started, demote in self._short.values() if not demote.done()]
        if running:
            started, demote = min(running, key=lambda r: r[0])
            if now - started >= self.share.long_after:
                demote.set_result(None)

    def _replace(self, worker: _Worker | None, reserved: bool = False) -> None:
        """Kill ``worker`` and start another in its place (in its lane), on the spawner thread; the new one joins the
        pool (and is handed to a waiting job) when it has started. Should starting fail, it is tried again a second
        later."""
        loop = asyncio.get_running_loop()
        if worker is not None:
            self._all = [w for w in self._all if w is not worker]
            self.share.discard(worker)
            reserved = worker.reserved
            if worker.channel is not None:
                worker.channel.abandon()

        def swap() -> _Worker:
            if worker is not None:
                worker.kill()
            return self._new(reserved)

        def adopt(done) -> None:
            self._starting.discard(done)
            if self._closed:  # close() kills what was started
                return
            if done.exception() is not None:
                log.error("a query worker could not be started (%s); trying again in 1 s", done.exception())
                loop.call_later(1.0, self._replace, None, reserved)
                return
            fresh = done.result()
            self._all.append(fresh)
            self.share.release(fresh)

        if not self._closed:
            started = self._spawner.submit(swap)
            self._starting.add(started)
            started.add_done_callback(partial(_on_loop, loop, adopt))

    def close(self) -> None:
        """Stop every worker; a job still waiting for one gets :class:`PoolBusy`."""
        self._closed = True
        workers, self._all = self._all, []
        self.share.close("the server is stopping")
        for w in workers:
            if w.channel is not None:
                w.channel.abandon()
            try:
                os.set_blocking(w.conn.fileno(), True)  # the loop's transport had made the shared pipe non-blocking
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
