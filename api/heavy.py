"""Heavy answers (exports, the map, plots) computed once per key, one at a time, and kept.

CPU-bound work in a thread holds the GIL in turn with every other thread, so
many concurrent exports would starve the light routes. :class:`HeavyCache`
runs at most ``concurrency`` heavy computations at once, lets concurrent
requests for the same key wait for the one computation (single flight), and
keeps the answers in a bounded LRU: the store does not change under a
running server, so an answer stays right for the server's life.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

__all__ = ["HeavyCache"]


class HeavyCache:
    """Bounded, single-flight cache of heavy answers.

    Parameters
    ----------
    max_items : int
        Answers kept, least recently used dropped first.
    max_bytes : int
        Total size kept.
    concurrency : int
        Heavy computations that may run at once.
    """

    def __init__(self, max_items: int = 128, max_bytes: int = 256 * 2**20, concurrency: int = 1):
        self.max_items, self.max_bytes = max_items, max_bytes
        self._slots = threading.BoundedSemaphore(concurrency)
        self._guard = threading.Lock()
        self._keys: dict[Hashable, threading.Lock] = {}
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0

    def _hit(self, key: Hashable) -> bytes | None:
        with self._guard:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            return None

    def get(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The answer for ``key``, computed by ``compute`` at most once while it is kept."""
        hit = self._hit(key)
        if hit is not None:
            return hit
        with self._guard:
            lock = self._keys.setdefault(key, threading.Lock())
        with lock:
            hit = self._hit(key)
            if hit is not None:
                return hit
            with self._slots:
                value = compute()
            with self._guard:
                self._kept[key] = value
                self._size += len(value)
                while self._kept and (len(self._kept) > self.max_items or self._size > self.max_bytes):
                    _, dropped = self._kept.popitem(last=False)
                    self._size -= len(dropped)
                self._keys.pop(key, None)
            return value
