"""kg.endpoint.fairshare: clients take turns at the workers, excess waits in a bounded queue, slow clients leave the short lane."""

from __future__ import annotations

import asyncio

import pytest

from kg.endpoint.fairshare import FairShare, ShareFull


class Slot:
    def __init__(self, name: str, reserved: bool = False):
        self.name, self.reserved = name, reserved

    def __repr__(self) -> str:
        return self.name


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def _settle():
    for _ in range(3):
        await asyncio.sleep(0)


def test_free_slots_go_round_robin_across_clients_not_to_whoever_asked_most():
    async def scenario():
        share = FairShare()
        slot = Slot("w")
        share.release(slot)
        assert await share.acquire("busy") is slot  # alone: it gets the slot at once
        order = []

        async def ask(client):
            got = await share.acquire(client)
            order.append(client)
            share.release(got)

        tasks = [asyncio.ensure_future(ask("busy")) for _ in range(5)] + [asyncio.ensure_future(ask("quiet"))]
        await _settle()
        share.release(slot)
        await asyncio.gather(*tasks)
        return order

    order = asyncio.run(scenario())
    assert order[:2] == ["busy", "quiet"], "the quiet client is served second, not after the busy client's five"
    assert order.count("busy") == 5


def test_a_clients_queue_and_the_whole_queue_are_bounded_and_a_wait_ends():
    async def scenario():
        share = FairShare(per_client=2, total=3, wait=0.2)
        waiting = [asyncio.ensure_future(share.acquire("a")) for _ in range(2)]
        await _settle()
        with pytest.raises(ShareFull, match="2 requests waiting"):
            await share.acquire("a")
        other = asyncio.ensure_future(share.acquire("b"))
        await _settle()
        with pytest.raises(ShareFull, match="3 requests are waiting"):
            await share.acquire("c")
        for task in [*waiting, other]:
            with pytest.raises(ShareFull, match="within 0.2 s"):
                await task
        assert share.waiting == 0  # nothing left counting against anyone
        slot = Slot("w")
        share.release(slot)
        assert await share.acquire("a") is slot

    asyncio.run(scenario())


def test_a_heavy_client_never_gets_the_reserved_slot_and_a_light_one_gets_it_at_once():
    async def scenario():
        clock = Clock()
        share = FairShare(long_after=1.0, remember=60.0, clock=clock)
        general, short = Slot("general"), Slot("short", reserved=True)
        share.release(short)
        share.release(general)
        assert await share.acquire("slow") is general  # the general slot first, even for a light client
        share.ran("slow", 5.0)
        assert share.heavy("slow") and not share.heavy("quick")
        heavy_wait = asyncio.ensure_future(share.acquire("slow"))
        await _settle()
        assert not heavy_wait.done(), "the short lane is not for a heavy client"
        assert await share.acquire("quick") is short
        share.release(short)  # handed back: the heavy client still may not have it
        await _settle()
        assert not heavy_wait.done()
        share.release(general)
        assert await heavy_wait is general
        clock.now = 61.0  # a minute later the client is light again
        assert not share.heavy("slow")
        assert await share.acquire("slow") is short

    asyncio.run(scenario())


def test_work_still_running_past_long_after_makes_its_client_heavy():
    async def scenario():
        share = FairShare(long_after=0.05)
        handle = share.timer("looping")
        await asyncio.sleep(0.1)
        handle.cancel()
        quick = share.timer("quick")
        quick.cancel()  # ended in time
        await asyncio.sleep(0.1)
        return share.heavy("looping"), share.heavy("quick")

    assert asyncio.run(scenario()) == (True, False)


def test_a_request_given_up_while_waiting_passes_its_slot_on():
    async def scenario():
        share = FairShare()
        gone = asyncio.ensure_future(share.acquire("gone"))
        stays = asyncio.ensure_future(share.acquire("stays"))
        await _settle()
        gone.cancel()
        await _settle()
        slot = Slot("w")
        share.release(slot)
        assert await stays is slot
        closing = asyncio.ensure_future(share.acquire("late"))
        await _settle()
        assert share.close("the server is stopping") == []
        with pytest.raises(ShareFull, match="stopping"):
            await closing

    asyncio.run(scenario())
