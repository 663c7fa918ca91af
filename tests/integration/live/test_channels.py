"""The channel backend proved end to end, and the feed's backpressure, on the real database.

Litestar has an open report of its PostgreSQL channel backends not delivering; these tests
show the asyncpg one delivering between two connections (as between two processes), and
delivering again after its LISTEN connection is cut by the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, NamedTuple
from uuid import UUID

import asyncpg
import pytest
from litestar.channels import ChannelsPlugin

from domain.values import Role
from jitspace.auth.identity import Identity, User
from jitspace.live.channels import ResilientAsyncPgBackend
from jitspace.live.feed import LOGGED_OUT, Closed, LiveFeed, Viewer, subscription
from jitspace.reads.queries import Queries
from jitspace.reads.withholding import Audience
from tests.support import Jit, log_of, pool_of

FR_LEADER = Audience("FR", Role.JIT_LEADER)


async def first_message(subscriber: object, timeout: float = 10) -> bytes:
    async def first() -> bytes:
        async for message in subscriber.iter_events():
            return bytes(message)
        raise AssertionError("the subscription ended")

    return await asyncio.wait_for(first(), timeout)


@pytest.fixture
async def two_plugins(database_url: str) -> AsyncIterator[tuple[ChannelsPlugin, ChannelsPlugin]]:
    publisher = ChannelsPlugin(
        backend=ResilientAsyncPgBackend(database_url), arbitrary_channels_allowed=True
    )
    listener = ChannelsPlugin(
        backend=ResilientAsyncPgBackend(database_url, keepalive_seconds=0.2),
        arbitrary_channels_allowed=True,
    )
    async with publisher, listener:
        yield publisher, listener


async def test_a_message_published_on_one_connection_reaches_a_listener_on_another(
    two_plugins: tuple[ChannelsPlugin, ChannelsPlugin],
) -> None:
    publisher, listener = two_plugins
    async with listener.start_subscription(["jit_proof"]) as subscriber:
        await publisher.wait_published(b'{"type":"log","position":7}', "jit_proof")
        assert await first_message(subscriber) == b'{"type":"log","position":7}'


async def test_after_its_listen_connection_is_cut_the_backend_listens_again(
    two_plugins: tuple[ChannelsPlugin, ChannelsPlugin], database_url: str
) -> None:
    publisher, listener = two_plugins
    backend = listener._backend
    assert isinstance(backend, ResilientAsyncPgBackend)
    async with listener.start_subscription(["jit_cut"]) as subscriber:
        # When the server cuts the LISTEN connection
        pid = backend._listener_conn.get_server_pid()
        connection = await asyncpg.connect(database_url)
        await connection.execute("SELECT pg_terminate_backend($1)", pid)
        await connection.close()
        for _ in range(50):
            if backend.reconnects:
                break
            await asyncio.sleep(0.1)
        # Then it has reconnected and LISTENs on the channel again
        assert backend.reconnects == 1
        await publisher.wait_published(b'{"type":"log","position":8}', "jit_cut")
        assert await first_message(subscriber) == b'{"type":"log","position":8}'


async def test_a_publish_that_fails_leaves_no_connection_open(
    two_plugins: tuple[ChannelsPlugin, ChannelsPlugin],
) -> None:
    publisher, _ = two_plugins
    backend = publisher._backend
    assert isinstance(backend, ResilientAsyncPgBackend)
    await backend.publish(b'{"type":"log","position":9}', ["jit_before"])
    connections = [backend._publisher]
    connect = asyncpg.connect

    async def counted(*args: object, **kwargs: object) -> asyncpg.Connection:
        connections.append(await connect(*args, **kwargs))
        return connections[-1]

    # When a publish fails on its connection, and again on a new one
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(asyncpg, "connect", counted)
        with pytest.raises(asyncpg.PostgresError):
            await backend.publish(b'{"type":"log","position":9}', [""])  # no such channel name

    # Then neither connection is left open
    assert len(connections) == 2
    assert all(c is not None and c.is_closed() for c in connections)


class LeadersFeed(NamedTuple):
    feed: LiveFeed
    leader: User
    head: int  # the log's position when the feed was made


@asynccontextmanager
async def leaders_feed(
    jit: Jit, database_url: str, channels: ChannelsPlugin, **options: Any
) -> AsyncIterator[LeadersFeed]:
    """A feed over `channels` that polls every 0.05 s (`options` as LiveFeed takes them),
    the JIT's leader as a user, and the log's head; the feed and its pool closed after."""
    async with pool_of(database_url, 2) as pool:
        feed = LiveFeed(Queries(pool), channels, poll_seconds=0.05, **options)
        try:
            user = await Identity(pool, timedelta(hours=1)).find(jit.leader.username)
            assert user is not None
            yield LeadersFeed(feed, user, log_of(jit.leader, jit.id)[-1]["position"])
        finally:
            await feed.close()


@asynccontextmanager
async def watching(*coroutines: Coroutine[Any, Any, Any]) -> AsyncIterator[list[asyncio.Task[Any]]]:
    """The coroutines running as tasks, cancelled (and awaited) on the way out."""
    tasks = [asyncio.create_task(coroutine) for coroutine in coroutines]
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_stuck_client_overflows_and_resumes_from_the_log_the_others_unaffected(
    jit: Jit, database_url: str, two_plugins: tuple[ChannelsPlugin, ChannelsPlugin]
) -> None:
    # Given a feed whose viewers hold 3 messages, a stuck viewer and a prompt one
    _, channels = two_plugins
    gate = asyncio.Event()
    stuck_sent: list[str] = []
    prompt_sent: list[str] = []

    async def stuck_send(text: str) -> None:
        if '"caught_up"' not in text and '"presence"' not in text and not gate.is_set():
            await gate.wait()
        stuck_sent.append(text)

    async def prompt_send(text: str) -> None:
        prompt_sent.append(text)

    async def allowed(fresh: bool) -> Audience:
        return FR_LEADER

    async with leaders_feed(jit, database_url, channels, queue_size=3, recheck_seconds=30) as live:
        stuck = Viewer(live.leader, FR_LEADER, live.head, 3)
        prompt = Viewer(live.leader, FR_LEADER, live.head, 3)
        async with watching(
            live.feed.watch(UUID(jit.id), stuck, stuck_send, allowed),
            live.feed.watch(UUID(jit.id), prompt, prompt_send, allowed),
        ):
            while not stuck.live or not prompt.live:
                await asyncio.sleep(0.01)
            # When the team records 10 events while one viewer does not read
            for n in range(10):
                response = await asyncio.to_thread(
                    jit.leader.post, jit.path("/tasks"), json={"title": f"Burst {n}"}
                )
                assert response.status_code == 201
            new_head = log_of(jit.leader, jit.id)[-1]["position"]
            while prompt.position < new_head:
                await asyncio.sleep(0.01)
            # Then the prompt viewer had them all while the stuck one overflowed
            assert stuck.overflows >= 1 and len(stuck.pending) <= 3
            gate.set()
            while stuck.position < new_head:
                await asyncio.sleep(0.01)
    # and once unstuck, it was told, and resumed from the log: every event once, in order
    expected = [e["position"] for e in log_of(jit.leader, jit.id) if e["position"] > live.head]
    assert positions(prompt_sent) == expected
    assert positions(stuck_sent) == expected
    assert any('"overflow"' in text for text in stuck_sent)


def positions(sent: list[str]) -> list[int]:
    import json

    return [m["event"]["position"] for m in map(json.loads, sent) if m["type"] == "event"]


async def test_a_client_that_reads_nothing_is_closed_as_too_slow_the_others_unaffected(
    jit: Jit, database_url: str, two_plugins: tuple[ChannelsPlugin, ChannelsPlugin]
) -> None:
    # Given a feed that gives a send 0.3 s, a viewer whose sends never finish, and a prompt one
    _, channels = two_plugins
    prompt_sent: list[str] = []

    async def never(text: str) -> None:
        await asyncio.Event().wait()

    async def prompt_send(text: str) -> None:
        prompt_sent.append(text)

    async def allowed(fresh: bool) -> Audience:
        return FR_LEADER

    async with leaders_feed(
        jit, database_url, channels, queue_size=10, recheck_seconds=30, send_timeout=0.3
    ) as live:
        stuck = Viewer(live.leader, FR_LEADER, live.head, 10)
        prompt = Viewer(live.leader, FR_LEADER, live.head, 10)
        serving = live.feed.watch(UUID(jit.id), prompt, prompt_send, allowed)
        async with watching(serving) as [served]:
            # When the stuck viewer's first send hangs
            with pytest.raises(Closed) as closed:
                await asyncio.wait_for(live.feed.watch(UUID(jit.id), stuck, never, allowed), 10)
            # Then its session ends as too slow, and the prompt viewer is still served
            assert closed.value.code == 4408
            assert not served.done() and prompt.live


async def test_membership_is_checked_again_on_a_clock_however_busy_the_feed(
    jit: Jit, database_url: str, two_plugins: tuple[ChannelsPlugin, ChannelsPlugin]
) -> None:
    # Given a feed that checks its viewers every 0.2 s, and a viewer logged out meanwhile
    _, channels = two_plugins

    async def send(text: str) -> None:
        pass

    async def logged_out(fresh: bool) -> Audience:
        raise LOGGED_OUT

    async with leaders_feed(
        jit, database_url, channels, queue_size=100, recheck_seconds=0.2
    ) as live:
        viewer = Viewer(live.leader, FR_LEADER, live.head, 100)

        async def busy() -> None:  # something to send every 20 ms, never a quiet 0.2 s
            while True:
                viewer.offer(None)
                await asyncio.sleep(0.02)

        async with watching(busy()):
            # When it watches a feed that is never quiet
            with pytest.raises(Closed) as closed:
                await asyncio.wait_for(live.feed.watch(UUID(jit.id), viewer, send, logged_out), 10)
            # Then it is closed as logged out all the same
            assert closed.value.code == 4401


async def test_readers_stopped_while_they_listen_leave_the_connection_usable(
    two_plugins: tuple[ChannelsPlugin, ChannelsPlugin],
) -> None:
    """Viewers come and go fast: a reader stopped in the middle of its LISTEN or UNLISTEN
    must not leave the process's one listening connection busy (every later subscription
    would fail), nor stay subscribed."""
    publisher, listener = two_plugins
    backend = listener._backend
    assert isinstance(backend, ResilientAsyncPgBackend)

    async def reader(channel: str) -> None:
        async with subscription(listener, channel) as subscriber:
            async for _ in subscriber.iter_events():
                pass

    for round_ in range(20):
        tasks = [asyncio.create_task(reader(f"jit_churn_{round_}_{n}")) for n in range(8)]
        await asyncio.sleep(0.001 * round_)  # stopped at a different point each round
        for task in tasks:
            task.cancel()
        done, pending = await asyncio.wait(tasks, timeout=10)
        assert not pending, "a stopped reader did not end"
        assert all(task.cancelled() for task in done)
    # every LISTEN was undone, and a new subscription still hears what is published
    for _ in range(50):
        if not any(c.startswith("jit_churn_") for c in backend._subscribed_channels):
            break
        await asyncio.sleep(0.1)
    assert not any(c.startswith("jit_churn_") for c in backend._subscribed_channels)
    async with subscription(listener, "jit_after_churn") as subscriber:
        await publisher.wait_published(b'{"type":"log","position":9}', "jit_after_churn")
        assert await first_message(subscriber) == b'{"type":"log","position":9}'
