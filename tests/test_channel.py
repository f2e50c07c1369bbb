"""The pool's end of a worker's pipe: multiprocessing's framing read as it arrives, failures as the pool expects them."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import pickle
import struct

import pytest

from kg.endpoint.channel import Channel
from kg.endpoint.worker import AnswerTooLarge, QueryTimeout


class _Transport:
    """What a channel asks of its transport: written bytes kept, reading paused or not."""

    def __init__(self) -> None:
        self.written, self.paused = b"", False

    def write(self, data: bytes) -> None:
        self.written += data

    def pause_reading(self) -> None:
        self.paused = True

    def is_closing(self) -> bool:
        return False


def _frame(obj) -> bytes:
    data = pickle.dumps(obj)
    return struct.pack("!i", len(data)) + data


def _channel() -> Channel:
    channel = Channel()
    channel.connection_made(_Transport())
    return channel


async def _later(seconds: float, fn, *args) -> None:
    await asyncio.sleep(seconds)
    fn(*args)


def test_a_message_arriving_byte_by_byte_is_handed_over_once_whole_and_the_next_waits_its_turn():
    async def scenario():
        channel, loop = _channel(), asyncio.get_running_loop()
        data = _frame(("ok", "first")) + _frame(("ok", "second"))

        async def trickle():
            for k in range(len(data)):
                channel.data_received(data[k:k + 1])
                await asyncio.sleep(0)

        task = asyncio.ensure_future(trickle())
        first = await channel.receive(loop.time() + 5, QueryTimeout("late"))
        second = await channel.receive(loop.time() + 5, QueryTimeout("late"))
        await task
        return first, second, channel.buf

    assert asyncio.run(scenario()) == (("ok", "first"), ("ok", "second"), bytearray())


def test_a_message_over_the_limit_fails_from_its_header_and_reading_stops():
    async def scenario():
        channel, loop = _channel(), asyncio.get_running_loop()
        channel.data_received(_frame(("ok", "x" * 1000))[:10])  # the header and a little of the body
        with pytest.raises(AnswerTooLarge, match="larger than 500 bytes"):
            await channel.receive(loop.time() + 5, QueryTimeout("late"), limit=500)
        return channel.transport.paused

    assert asyncio.run(scenario()) is True


def test_a_worker_gone_mid_answer_or_before_fails_the_wait_with_eof():
    async def scenario():
        channel, loop = _channel(), asyncio.get_running_loop()
        channel.data_received(_frame(("ok", "partial"))[:7])
        asyncio.ensure_future(_later(0.05, channel.eof_received))
        with pytest.raises(EOFError):
            await channel.receive(loop.time() + 5, QueryTimeout("late"))
        with pytest.raises(EOFError):  # and every wait after
            await channel.receive(loop.time() + 5, QueryTimeout("late"))
        return channel.closed

    assert asyncio.run(scenario()) is True


def test_no_answer_by_the_deadline_raises_what_the_pool_gave():
    async def scenario():
        channel, loop = _channel(), asyncio.get_running_loop()
        with pytest.raises(QueryTimeout, match="stopped"):
            await channel.receive(loop.time() + 0.05, QueryTimeout("the query ran longer than 0.05 s and was stopped"))
        return channel.waiter

    assert asyncio.run(scenario()) is None


def test_what_the_channel_writes_a_multiprocessing_connection_reads():
    reader, writer = mp.Pipe(duplex=False)
    channel = _channel()
    channel.send((None, ("ASK {}", "application/json")))
    try:
        os.write(writer.fileno(), channel.transport.written)
        assert reader.recv() == (None, ("ASK {}", "application/json"))
    finally:
        reader.close()
        writer.close()


def _dead(pid: int, seconds: float = 10.0) -> None:
    """Wait until ``pid`` has exited whole, at most ``seconds``: its main thread a zombie and no other thread left (a
    killed process's main thread turns zombie while its other threads still exit, holding its files open), or gone."""
    import time
    from pathlib import Path

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            zombie = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
            if zombie and os.listdir(f"/proc/{pid}/task") == [str(pid)]:
                return
        except (FileNotFoundError, IndexError):
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} did not exit")


@pytest.mark.parametrize("new_loop", [False, True])
def test_a_worker_killed_while_idle_is_replaced_before_the_next_job_without_waiting_for_the_loop(new_loop):
    """The next job, at once on the same loop (or on a new one, whose channel never saw the old one's end), is answered
    by a replacement, not failed on the dead worker."""
    import signal
    from functools import partial

    import uvloop

    from kg.endpoint.protocol import answer
    from kg.store import open_store
    from kg.endpoint.workers import QueryPool

    ask = ("ASK {}", None, None, None, 10)
    pool = QueryPool(partial(open_store, "oxigraph:memory"), answer, workers=1, timeout=30)
    try:
        pool.warm_up()

        async def first_then_kill():
            await pool.run(*ask)
            victim = pool.pids[0]
            os.kill(victim, signal.SIGKILL)
            _dead(victim)
            if not new_loop:
                return victim, (await pool.run(*ask)).kind
            return victim, None

        victim, kind = uvloop.run(first_then_kill())
        if new_loop:
            kind = uvloop.run(pool.run(*ask)).kind
        assert kind == "boolean" and victim not in pool.pids
    finally:
        pool.close()
