"""Heavy answers (exports, the map, plots, TRAPI answers) computed once per key and kept.

CPU-bound work in a thread holds the GIL in turn with every other thread, and a
request waiting for it in a thread holds one of the threads the light routes
need. :class:`HeavyCache` is used from ``async`` routes: a waiting request holds
no thread; at most ``concurrency`` computations run at once (in a thread), or a
computation is a job of the query workers (:mod:`kg.endpoint.workers`: TRAPI answers and
plots run there, in their client's turn, away from the event loop); at
most ``max_waiting`` distinct answers may wait for their turn, and one that
waits longer than ``wait`` seconds gets :class:`HeavyBusy` (503 with
Retry-After); concurrent requests for the same key share one computation
(single flight); answers are kept in a bounded LRU, since the store does not
change under a running server.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["HeavyCache", "HeavyBusy"]


class HeavyBusy(Exception):
    """Too many heavy answers are being made; the client should retry later."""


class HeavyCache:
    """Bounded, single-flight cache of heavy answers, for ``async`` routes.

    Parameters
    ----------
    max_items : int
        Answers kept, least recently used dropped first.
    max_bytes : int
        Total size kept.
    concurrency : int
        Heavy computations that may run at once.
    max_waiting : int
        Distinct answers that may wait for a turn; more get :class:`HeavyBusy` at once.
    wait : float
        Seconds an answer may wait for its turn.
    what : str
        What the answers are, for the busy message.
    """

    def __init__(self, max_items: int = 128, max_bytes: int = 256 * 2**20, concurrency: int = 1, max_waiting: int = 8,
                 wait: float = 30.0, what: str = "heavy answers (exports, maps, plots)"):
        self.max_items, self.max_bytes, self.max_waiting, self.wait, self.what = max_items, max_bytes, max_waiting, wait, what
        self._slots = asyncio.Semaphore(concurrency)
        self._flights: dict[Hashable, asyncio.Future] = {}
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0

    def _keep(self, key: Hashable, value: bytes) -> None:
        self._kept[key] = value
        self._size += len(value)
        while self._kept and (len(self._kept) > self.max_items or self._size > self.max_bytes):
            _, dropped = self._kept.popitem(last=False)
            self._size -= len(dropped)

    async def _in_thread(self, compute: Callable[[], bytes]) -> bytes:
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            raise HeavyBusy(f"this answer waited {self.wait:g} s for its turn; try again shortly") from None
        try:
            return await asyncio.to_thread(compute)
        finally:
            self._slots.release()

    async def get(self, key: Hashable, compute: Callable[[], Any], keep: Callable[[bytes], bool] | None = None) -> bytes:
        """The answer for ``key``, computed by ``compute`` at most once while it is kept: in a thread, one of at most
        ``concurrency`` at once, or, for a coroutine function (a job of the query workers, which take turns fairly),
        awaited as it is. An answer for which ``keep`` says False (one cut short, say) is answered but not kept.

        Raises
        ------
        HeavyBusy
            Too many answers wait for their turn, or this one waited too long.
        """
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        if key in self._flights:
            return await asyncio.shield(self._flights[key])
        if len(self._flights) >= self.max_waiting:
            raise HeavyBusy(f"{len(self._flights)} {self.what} are being made; try again shortly")
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            if asyncio.iscoroutinefunction(compute):  # a worker's job: the pool gives it its turn and bounds it
                value = await compute()
            else:
                value = await self._in_thread(compute)
            if keep is None or keep(value):
                self._keep(key, value)
            flight.set_result(value)
            return value
        except BaseException as exc:
            flight.set_exception(exc)
            flight.exception()  # retrieved: a flight nobody else awaited raises no "never retrieved" warning
            raise
        finally:
            self._flights.pop(key, None)
