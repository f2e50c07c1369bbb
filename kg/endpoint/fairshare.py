"""Fair sharing of a few workers among many clients: a queue per client, served in turn, and a lane for short work.

This module owns who runs next. :class:`FairShare` hands free slots (any objects with a ``reserved`` flag: the
query workers of :mod:`kg.endpoint.workers`) to waiting requests, on one asyncio event loop:

* each client has its own first-in first-out queue, and a freed slot goes to the next client in turn (round robin):
  a client with twenty connections gets no more slots than a client with one while both wait, and every slot while
  it is alone (nothing is held back from a lone client);
* a client's queue is bounded (``per_client`` requests waiting) and so is the whole (``total``); beyond them, or
  after ``wait`` seconds in the queue, a request gets :class:`ShareFull` (the HTTP layer answers 503 with
  Retry-After): excess work waits its turn, and is refused only when the queue is full;
* *reserved* slots are a lane for short work. A client whose work ran longer than ``long_after`` seconds (now, or
  within the last ``remember`` seconds) is *heavy* and waits for an unreserved slot, so clients looping slow
  queries share the unreserved slots among themselves while the reserved ones stay free for everyone else's short
  queries. A light client uses any slot, the unreserved ones first.

Examples
--------
>>> import asyncio
>>> class Slot:
...     reserved = False
>>> async def demo():
...     share = FairShare()
...     share.release(Slot())
...     slot = await share.acquire("10.0.0.1")
...     waiting = asyncio.ensure_future(share.acquire("10.0.0.2"))
...     await asyncio.sleep(0)
...     share.release(slot)
...     return (await waiting) is slot
>>> asyncio.run(demo())
True
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from contextlib import suppress
from typing import Any
from kg.errors import ShareFull

__all__ = ["FairShare", "ShareFull"]


class FairShare:
    """Round-robin hand-over of free slots to per-client queues, with a lane of reserved slots for light clients.

    Parameters
    ----------
    per_client : int
        Most requests one client may have waiting.
    total : int
        Most requests waiting in all.
    wait : float
        Seconds a request may wait for a slot.
    long_after : float
        Seconds after which running work makes its client heavy.
    remember : float
        Seconds a client stays heavy after its last long work.
    clock : callable
        Monotonic seconds (the tests pass their own).
    """

    def __init__(self, per_client: int = 64, total: int = 256, wait: float = 20.0, long_after: float = 1.0,
                 remember: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.per_client, self.total, self.wait = per_client, total, wait
        self.long_after, self.remember, self._clock = long_after, remember, clock
        self._idle: deque[Any] = deque()
        self._queues: OrderedDict[str, deque[asyncio.Future]] = OrderedDict()  # the turn order: first is next
        self._heavy_until: dict[str, float] = {}
        #: Called when a light client's request has to wait: the owner may make room in the short lane (kg.endpoint.workers
        #: stops a job that has run long there and runs it again in the general lane).
        self.on_wait: Callable[[], None] | None = None

    # -- who is heavy
    def heavy(self, client: str) -> bool:
        """Whether ``client``'s work ran long recently (or runs long now)."""
        return self._heavy_until.get(client, 0.0) > self._clock()

    def ran(self, client: str, seconds: float) -> None:
        """Note that work of ``client`` has run ``seconds`` so far; past ``long_after`` the client is heavy for
        ``remember`` seconds more."""
        if seconds < self.long_after:
            return
        now = self._clock()
        if len(self._heavy_until) > 4096:  # forget the clients no longer heavy
            self._heavy_until = {c: t for c, t in self._heavy_until.items() if t > now}
        self._heavy_until[client] = now + self.remember

    def timer(self, client: str) -> asyncio.TimerHandle:
        """Mark ``client`` heavy if the work it starts now is still running after ``long_after`` seconds (cancel the
        handle when the work ends, then call :meth:`ran` with its duration)."""
        return asyncio.get_running_loop().call_later(self.long_after, self.ran, client, self.long_after)

    # -- slots
    @property
    def waiting(self) -> int:
        """Requests waiting for a slot."""
        return sum(len(q) for q in self._queues.values())

    def light_waiting(self) -> bool:
        """Whether a light client has a request waiting (one a reserved slot would serve)."""
        return any(not self.heavy(c) and any(not f.done() for f in q) for c, q in self._queues.items())

    def _usable(self, slot: Any, client: str) -> bool:
        return not getattr(slot, "reserved", False) or not self.heavy(client)

    def _take_idle(self, client: str) -> Any | None:
        """An idle slot ``client`` may use, unreserved first (the reserved ones stay free for short work)."""
        for reserved in (False, True):
            for slot in self._idle:
                if bool(getattr(slot, "reserved", False)) == reserved and self._usable(slot, client):
                    self._idle.remove(slot)
                    return slot
        return None

    def discard(self, slot: Any) -> None:
        """Forget an idle ``slot`` (its worker died)."""
        with suppress(ValueError):
            self._idle.remove(slot)

    def release(self, slot: Any) -> None:
        """Hand ``slot`` to the next client in turn that may use it (its longest-waiting request), or keep it idle."""
        for client in list(self._queues):
            queue = self._queues[client]
            while queue and queue[0].done():  # given up (timed out or disconnected)
                queue.popleft()
            if not queue:
                del self._queues[client]
                continue
            if not self._usable(slot, client):
                continue
            handed = queue.popleft()
            if queue:
                self._queues.move_to_end(client)  # served: its next request waits for the others' turns
            else:
                del self._queues[client]
            handed.set_result(slot)
            return
        self._idle.append(slot)

    async def acquire(self, client: str | None) -> Any:
        """A slot for ``client``: an idle one it may use at once, or one handed over in its turn.

        Raises
        ------
        ShareFull
            The client already has ``per_client`` requests waiting, ``total`` wait in all, or this one waited
            ``wait`` seconds.
        """
        client = client or ""
        slot = self._take_idle(client)
        if slot is not None:
            return slot
        queue = self._queues.get(client)
        if queue is not None and len(queue) >= self.per_client:
            raise ShareFull(f"this client already has {len(queue)} requests waiting, the most it may; try again later")
        if self.waiting >= self.total:
            raise ShareFull(f"{self.total} requests are waiting already; try again later")
        handed = asyncio.get_running_loop().create_future()
        self._queues.setdefault(client, deque()).append(handed)
        if self.on_wait is not None and not self.heavy(client):
            self.on_wait()
        try:
            async with asyncio.timeout(self.wait):
                return await handed
        except BaseException as exc:
            if handed.done() and not handed.cancelled() and handed.exception() is None:  # handed over as the wait ended
                self.release(handed.result())
            handed.cancel()
            queue = self._queues.get(client)
            if queue is not None:  # not left to count against the client until the next release
                with suppress(ValueError):
                    queue.remove(handed)
                if not queue:
                    del self._queues[client]
            if isinstance(exc, TimeoutError):
                raise ShareFull(f"no worker was free for this client's turn within {self.wait:g} s; try again later") from None
            raise

    def close(self, reason: str) -> list[Any]:
        """Fail every waiting request with :class:`ShareFull` (``reason``); return the idle slots, now forgotten."""
        for queue in self._queues.values():
            for handed in queue:
                if not handed.done():
                    handed.set_exception(ShareFull(reason))
        self._queues.clear()
        idle, self._idle = list(self._idle), deque()
        return idle
