"""The SPARQL 1.1 endpoint's door: :class:`Endpoint`, the query workers over the store, each query guarded and
answered by the protocol.

The wing's modules: :mod:`kg.endpoint.protocol` (run a query once, refuse what it may not reach — a SERVICE not
allowed, a vendor's function behind an endpoint —, negotiate the format, serialize; the service description),
:mod:`kg.endpoint.workers` (the pool of worker processes that can be stopped, bounded and replaced),
:mod:`kg.endpoint.worker` (a worker's side), :mod:`kg.endpoint.channel` (the parent's end of a worker's pipe),
:mod:`kg.endpoint.fairshare` (clients served in turn, a short lane) and :mod:`kg.endpoint.preflight` (what
``oihkg serve`` checks before it starts). The HTTP API and the CLI reach the endpoint through this module only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from kg.endpoint.preflight import serve_problem
from kg.endpoint.protocol import answer, check_services, prefers_html, service_description
from kg.endpoint.workers import Answer, QueryPool, die_with_parent
from kg.errors import StoreError
from kg.store import open_store

__all__ = ["Endpoint", "Answer", "check_services", "prefers_html", "service_description", "serve_problem",
           "die_with_parent"]


class Endpoint:
    """Query workers over the store ``selector`` names, answering SPARQL 1.1 Protocol requests and other jobs.

    Each worker opens the store itself: the same endpoint, the same on-disk store read-only, or its own in-memory copy
    of the artifacts. A query waits for its client's turn (``per_client`` waiting at most, ``queue_wait`` seconds),
    runs at most ``timeout`` seconds in a worker of at most ``memory_mb`` MiB, and answers at most ``result_limit`` rows
    and ``answer_bytes`` bytes; a SERVICE clause may call only ``allow_service``. ``reserve`` workers more are kept
    for clients whose queries have not run long lately (:mod:`kg.endpoint.fairshare`).
    """

    def __init__(self, selector: str, *, workers: int = 2, timeout: float = 30.0, queue_wait: float = 20.0,
                 per_client: int = 64, reserve: int = 1, memory_mb: int | None = 4096, result_limit: int = 10_000,
                 answer_bytes: int = 256 * 2**20, allow_service: tuple[str, ...] = (), endpoint_timeout: float = 30.0):
        self.selector = selector
        self.result_limit, self.answer_bytes, self.allow_service = result_limit, answer_bytes, tuple(allow_service)
        read_only = selector.startswith("oxigraph:") and selector != "oxigraph:memory"
        factory = partial(open_store, spec=selector, read_only=read_only, timeout=endpoint_timeout)
        self.pool = QueryPool(factory, answer, workers=workers, timeout=timeout, queue_wait=queue_wait,
                              per_client=per_client, reserve=reserve, memory_mb=memory_mb,
                              max_answer=answer_bytes + 4096)  # the answer and its pickle's frame

    def warm_up(self) -> None:
        """Start every worker now and wait until each has opened its store."""
        self.pool.warm_up()

    async def query(self, query: str, accept: str | None, default_graphs: list[str] | None,
                    named_graphs: list[str] | None, base: str | None, client: str | None = None) -> Answer:
        """One SPARQL query answered in ``client``'s turn: the body and its media type (:func:`protocol.answer`), or its
        typed failure (:mod:`kg.errors`)."""
        return await self.pool.run(query, accept, default_graphs or None, named_graphs or None, self.result_limit,
                                   self.allow_service, self.answer_bytes, base, client=client)

    async def job(self, fn: Callable[..., Any], *args: Any, client: str | None = None,
                  timeout: float | None = None) -> Any:
        """``fn(store, *args)`` run by a worker in ``client``'s turn, bounded as a query is (``timeout`` instead of the
        query timeout when given): for heavy answers such as TRAPI's and plots."""
        return await self.pool.run(*args, client=client, fn=fn, timeout=timeout)

    async def watch(self, answered: Callable[[], None], failed: Callable[[StoreError], None], every: float = 10.0,
                    timeout: float = 3.0) -> None:
        """Every ``every`` seconds, ASK the remote endpoint with a ``timeout``: ``answered()`` (in a thread) when it
        answers, ``failed(exc)`` when it does not. Runs until cancelled."""
        probe = open_store(self.selector, timeout=timeout)
        try:
            while True:
                try:
                    await asyncio.to_thread(probe.ask, "ASK {}")
                    await asyncio.to_thread(answered)
                except StoreError as exc:
                    failed(exc)
                await asyncio.sleep(every)
        finally:
            probe.close()

    def close(self) -> None:
        """Stop every worker."""
        self.pool.close()
