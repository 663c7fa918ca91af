"""The door of the live feed: who takes a viewer's seat, how long a socket may stay silent,
how many silent ones a process holds, and which refusals reach the security log."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import msgspec
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from jitspace.auth.security_log import SecurityEntry, SecurityLog
from jitspace.settings import Settings
from tests.live import Watcher, token_of
from tests.support import Jit, ServerThread, another_server, log_of, pool_of

Serve = Callable[..., ServerThread]


@pytest.fixture
def serve(server: ServerThread, settings: Settings) -> Iterator[Serve]:
    """serve(**settings): another app process of the session's deployment, for this test
    only (the session's server keeps the read models)."""
    with ExitStack() as stack:

        def start(**changes: Any) -> ServerThread:
            return stack.enter_context(another_server(settings, **changes))

        yield start


def feed_url(server: ServerThread, jit: Jit) -> str:
    return server.url.replace("http", "ws", 1) + f"/investigations/{jit.id}/live"


def hello(token: str) -> str:
    return msgspec.json.encode({"type": "hello", "token": token}).decode()


async def closing_of(socket: ClientConnection, timeout: float = 15) -> tuple[int, str]:
    """The close code and reason the server ends `socket` with (sending nothing before)."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), timeout)
    assert closed.value.rcvd is not None, "the connection ended without a close frame"
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def security_log(database_url: str, kind: str) -> list[SecurityEntry]:
    async with pool_of(database_url) as pool:
        return await SecurityLog(pool).recent(1000, kind=kind)


async def test_silent_sockets_take_no_viewer_seat(jit: Jit, serve: Serve) -> None:
    # Given a process that takes 2 viewers, and 3 sockets that connect and say nothing
    small = serve(live_max_viewers=2)
    async with (
        websockets.connect(feed_url(small, jit)),
        websockets.connect(feed_url(small, jit)),
        websockets.connect(feed_url(small, jit)),
        # When two members open the feed
        Watcher([small.url], jit.id, token_of(jit.leader)) as first,
        Watcher([small.url], jit.id, token_of(jit.legal)) as second,
    ):
        # Then both are served at their first try: the seats went to them
        for watcher in (first, second):
            await watcher.caught_up()
            assert watcher.client.connections == 1
        # and a third viewer is still one too many
        async with websockets.connect(feed_url(small, jit)) as third:
            await third.send(hello(token_of(jit.investigator)))
            assert (await closing_of(third))[0] == 1013


async def test_a_socket_without_hello_is_closed_after_the_hello_timeout(
    jit: Jit, serve: Serve
) -> None:
    quick = serve(live_hello_timeout_seconds=0.5)
    async with websockets.connect(feed_url(quick, jit)) as silent:
        assert await closing_of(silent) == (4408, "no hello within 0.5 s")


async def test_a_full_door_lets_a_newcomer_in_in_place_of_the_longest_silent(
    jit: Jit, serve: Serve
) -> None:
    # Given a process that holds 3 sockets before their hello, and 3 silent ones there
    door = serve(live_max_arriving=3)
    async with (
        websockets.connect(feed_url(door, jit)) as oldest,
        websockets.connect(feed_url(door, jit)) as second,
        websockets.connect(feed_url(door, jit)) as third,
    ):
        # (each is at the door once the server answers a ping on it)
        for socket in (oldest, second, third):
            await (await socket.ping())
        # When a member opens the feed
        async with Watcher([door.url], jit.id, token_of(jit.leader)) as member:
            # Then the member is served, and the socket silent longest was let go
            await member.caught_up()
            assert await closing_of(oldest) == (
                4408,
                "no hello yet, and a newcomer needed the place",
            )
            # while the others still wait for their hello
            for socket in (second, third):
                await (await socket.ping())


async def test_a_hello_after_the_last_event_is_refused(jit: Jit, server: ServerThread) -> None:
    head = log_of(jit.leader, jit.id)[-1]["position"]
    async with Watcher([server.url], jit.id, token_of(jit.leader), after=head + 1000) as watcher:
        await watcher.until(lambda: watcher.rejected is not None, what="a refusal")
    assert watcher.rejected is not None and watcher.rejected.code == 4400
    assert (
        watcher.rejected.reason
        == f"bad hello: after {head + 1000} is beyond the last event ({head})"
    )
    assert watcher.messages == []


async def test_refusals_at_the_door_reach_the_security_log_with_the_clients_address(
    jit: Jit, serve: Serve, database_url: str
) -> None:
    # Given a process behind a trusted proxy, and one that trusts no proxy
    proxied = serve(trusted_proxies="127.0.0.1")
    direct = serve()
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    # When a bad token and an outsider knock at each, the proxy naming the client
    for server in (proxied, direct):
        for token, code in (("not-a-token", 4401), (token_of(jit.outsider), 4404)):
            async with websockets.connect(
                feed_url(server, jit), additional_headers=forwarded
            ) as socket:
                await socket.send(hello(token))
                assert (await closing_of(socket))[0] == code
    # Then each refusal is in the security log, with the client's address where a trusted
    # proxy named it, and the peer's where the header came from anyone
    refused_tokens = [
        e
        for e in await security_log(database_url, "token_refused")
        if str(e.investigation_id) == jit.id
    ]
    assert sorted(e.client or "" for e in refused_tokens) == ["127.0.0.1", "203.0.113.7"]
    assert all("live feed" in e.detail for e in refused_tokens)
    outsider = [
        e
        for e in await security_log(database_url, "access_refused")
        if str(e.investigation_id) == jit.id and e.user_id == jit.outsider.user_id
    ]
    assert sorted(e.client or "" for e in outsider) == ["127.0.0.1", "203.0.113.7"]
