"""The parent's end of a query worker's pipe, on the server's event loop (:mod:`kg.endpoint.workers`).

This module owns the pool's side of the wire: :class:`Channel` writes jobs and reads answers in
multiprocessing's framing, which the worker's own ``Connection`` (:mod:`kg.endpoint.worker`) speaks.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import socket
import struct
from typing import Any

from kg.endpoint.worker import AnswerTooLarge

__all__ = ["Channel"]


class Channel(asyncio.Protocol):
    """The parent's end of a worker's pipe on the event loop: jobs written and answers read in multiprocessing's
    framing (a 4-byte length, or -1 and an 8-byte length, then the pickle) through one transport that stays
    registered, so a job costs one write and, most often, one read — no reader added and removed per job, no switch
    between blocking and non-blocking. A worker's death closes its end: the awaited answer fails with EOFError."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiter: asyncio.Future | None = None
        self.limit: int | None = None
        self.closed = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.sock: socket.socket | None = None

    @classmethod
    async def open(cls, conn) -> Channel:
        """A channel on the running loop over a duplicate of ``conn``'s socket (``conn`` stays usable for
        :meth:`QueryPool.close`)."""
        sock = socket.socket(fileno=os.dup(conn.fileno()))
        _, channel = await asyncio.get_running_loop().connect_accepted_socket(cls, sock)
        channel.loop, channel.sock = asyncio.get_running_loop(), sock
        return channel

    def connection_made(self, transport) -> None:
        """Keep the transport the loop made for the socket."""
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        """Add what the worker wrote; hand the awaited message over if it is whole."""
        self.buf += data
        self._deliver()

    def eof_received(self) -> bool:
        """The worker's end closed (it exited or died): the wait fails, and the transport closes."""
        self.connection_lost(None)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        """The pipe is gone: the awaited message, and every later one, fails with EOFError."""
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(EOFError())

    def gone(self) -> bool:
        """Whether the worker's end is closed, asked of the socket itself (one peek), so a worker that died while idle
        is seen before the loop has read its end of file, and on a channel whose loop has ended."""
        if self.closed:
            return True
        try:
            return self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:  # open, nothing to read: the worker waits for a job
            return False
        except OSError:
            return True

    def send(self, obj: Any) -> None:
        """Write one job (multiprocessing's framing); EOFError when the pipe is already closed.

        Raises
        ------
        EOFError
            The worker's end, or this one, is closed (uvloop would raise RuntimeError on a closed transport).
        """
        if self.closed or self.transport.is_closing():
            raise EOFError("the worker's pipe is closed")
        data = pickle.dumps(obj)
        head = struct.pack("!i", len(data)) if len(data) <= 0x7FFFFFFF else struct.pack("!iQ", -1, len(data))
        self.transport.write(head + data)

    async def receive(self, deadline: float, late: Exception, limit: int | None = None) -> Any:
        """The next message from the worker, awaited on the loop.

        Raises
        ------
        Exception
            ``late``, at ``deadline`` (the loop's clock).
        AnswerTooLarge
            For a message longer than ``limit`` bytes, from its header (reading then pauses).
        EOFError
            Once the worker is gone, or for a message that does not unpickle.
        """
        loop = asyncio.get_running_loop()
        self.waiter, self.limit = loop.create_future(), limit
        waiter = self.waiter
        self._deliver()
        if self.closed and not waiter.done():
            waiter.set_exception(EOFError())
        timer = loop.call_at(deadline, lambda: waiter.done() or waiter.set_exception(late))
        try:
            return await waiter
        finally:
            timer.cancel()
            self.waiter = None

    def _deliver(self) -> None:
        """Hand the awaited message over once it is whole."""
        waiter, buf = self.waiter, self.buf
        if waiter is None or waiter.done() or len(buf) < 4:
            return
        (size,), head = struct.unpack_from("!i", buf), 4
        if size == -1:
            if len(buf) < 12:
                return
            (size,), head = struct.unpack_from("!Q", buf, 4), 12
        if self.limit is not None and size > self.limit:
            self.transport.pause_reading()  # the worker is replaced: read no more of it
            waiter.set_exception(AnswerTooLarge(f"the answer is larger than {self.limit:,} bytes; add a LIMIT or select less"))
            return
        if len(buf) < head + size:
            return
        with memoryview(buf) as view:  # unpickled in place
            try:
                value = pickle.loads(view[head:head + size])
            except Exception as exc:  # noqa: BLE001 - a broken message fails the job, as a dead worker would
                value, failed = None, exc
            else:
                failed = None
        del buf[:head + size]
        if failed is not None:
            waiter.set_exception(EOFError(str(failed)))
        else:
            waiter.set_result(value)

    def abandon(self) -> None:
        """Close the transport and its socket (a duplicate of the worker's pipe), on whatever loop it was made.

        The socket shares its open file description with the worker's ``Connection``, which the loop made non-blocking
        for good: :meth:`kg.endpoint.workers.QueryPool.close` sets it back to blocking before its last message."""
        self.closed = True
        if self.loop is None or self.loop.is_closed():  # nothing will run the transport's close: close the socket here
            self.sock.close()
        else:
            self.transport.abort()
