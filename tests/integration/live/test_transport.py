"""The websocket protocol `jitspace serve` runs (jitspace/live/transport.py), on a real
uvicorn server and socket: a burst of messages leaves in one write, in order, and nothing
sent overtakes it (a close) or is lost to a client that went away."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
import websockets
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from jitspace.live.transport import CoalescingWebSocketProtocol
from tests.support import free_port

BURST = [f'{{"n":{n}}}' for n in range(5)]
# what each server's sockets wrote, by protocol class, in the order written
WRITES: dict[str, list[bytes]] = {}
SENT_AFTER_GONE: list[str] = []
SENT_TO_A_STUCK_CLIENT: list[int] = []
BIG = "x" * 1_000_000


def counting(protocol: type[WebSocketsSansIOProtocol]) -> type[WebSocketsSansIOProtocol]:
    """The protocol, with every write to its socket recorded (asyncio's transports, unlike
    uvloop's, take a wrapped `write`)."""

    class Counting(protocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport: Any) -> None:
            writes = WRITES.setdefault(protocol.__name__, [])
            write = transport.write

            def recorded(data: bytes) -> None:
                writes.append(bytes(data))
                write(data)

            transport.write = recorded
            super().connection_made(transport)

    return Counting


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """On /burst: five messages at once, then, once asked, a close. On /close: two
    messages and the close in the same turn. On /stuck: 1 MB messages without end. On /gone:
    a message after the client left."""
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    if scope["path"] == "/burst":
        for text in BURST:
            await send({"type": "websocket.send", "text": text})
        await receive()  # the client's word that it has them all
        await send({"type": "websocket.close", "code": 4000})
    elif scope["path"] == "/close":
        await send({"type": "websocket.send", "text": "one"})
        await send({"type": "websocket.send", "bytes": b"two"})
        await send({"type": "websocket.close", "code": 4001, "reason": "done"})
    elif scope["path"] == "/stuck":
        with contextlib.suppress(OSError):  # (until the client goes)
            for n in range(1, 501):  # 500 MB, to a client that reads nothing
                await send({"type": "websocket.send", "text": BIG})
                SENT_TO_A_STUCK_CLIENT.append(n)
    elif scope["path"] == "/gone":
        while (await receive())["type"] != "websocket.disconnect":
            pass
        try:
            await send({"type": "websocket.send", "text": "too late"})
        except OSError as error:  # uvicorn's ClientDisconnected
            SENT_AFTER_GONE.append(type(error).__name__)


@pytest.fixture(params=[CoalescingWebSocketProtocol, WebSocketsSansIOProtocol])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A server with the protocol (and, to show the test can tell, uvicorn's own)."""
    protocol = request.param
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        loop="asyncio",
        log_level="warning",
        ws=counting(protocol),
        ws_per_message_deflate=False,
    )
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    WRITES.clear()
    SENT_AFTER_GONE.clear()
    SENT_TO_A_STUCK_CLIENT.clear()
    yield f"ws://127.0.0.1:{port}", protocol.__name__
    served.should_exit = True
    thread.join(timeout=10)


def test_a_burst_leaves_in_one_write_and_in_order(server: tuple[str, str]) -> None:
    url, name = server

    async def run() -> tuple[list[Any], int | None]:
        async with websockets.connect(f"{url}/burst", compression=None) as socket:
            got = [await socket.recv() for _ in BURST]
            await socket.send("thanks")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await socket.recv()
            return got, closed.value.rcvd.code if closed.value.rcvd else None

    got, code = asyncio.run(run())
    assert got == BURST
    assert code == 4000
    frames = [w for w in WRITES[name] if b'{"n":' in w]
    if name == CoalescingWebSocketProtocol.__name__:
        assert len(frames) == 1
        assert all(text.encode() in frames[0] for text in BURST)
    else:  # uvicorn's own: a write per message
        assert len(frames) == len(BURST)


def test_a_close_does_not_overtake_what_was_sent_before_it(server: tuple[str, str]) -> None:
    url, _ = server

    async def run() -> tuple[list[Any], int | None, str | None]:
        async with websockets.connect(f"{url}/close", compression=None) as socket:
            got = [await socket.recv(), await socket.recv()]
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await socket.recv()
            frame = closed.value.rcvd
            return got, frame.code if frame else None, frame.reason if frame else None

    assert asyncio.run(run()) == (["one", b"two"], 4001, "done")


def test_sending_to_a_client_that_left_fails_as_uvicorn_says(server: tuple[str, str]) -> None:
    url, _ = server

    async def run() -> None:
        async with websockets.connect(f"{url}/gone", compression=None):
            pass

    asyncio.run(run())
    deadline = time.monotonic() + 10
    while not SENT_AFTER_GONE and time.monotonic() < deadline:
        time.sleep(0.02)
    assert SENT_AFTER_GONE == ["ClientDisconnected"]


def test_a_client_that_reads_nothing_makes_the_sender_wait(server: tuple[str, str]) -> None:
    url, _ = server
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as client:
        key = base64.b64encode(os.urandom(16)).decode()
        client.sendall(
            f"GET /stuck HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        deadline = time.monotonic() + 10
        while not SENT_TO_A_STUCK_CLIENT and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(2)  # time enough to send all 500, were nothing holding the sender back
        # the socket's buffers hold a few MB: the sender waits for the client, and what
        # it sent is not piling up in the server's memory
        assert 0 < len(SENT_TO_A_STUCK_CLIENT) < 50
