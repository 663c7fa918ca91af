"""The websocket protocol `jitspace serve` runs: uvicorn's, on the `websockets` library's
sans-I/O core, with one change: what an application sends in one turn of the event loop
leaves in one write.

A viewer woken by a burst of events sends them one ASGI message each, without waiting in
between (nothing makes it wait while the socket takes data). Stock uvicorn writes each
frame to the socket at once: one system call per message per viewer, half of an app
process's time with 1,000 viewers. Here the frames gather in the connection's buffer and
leave together at the end of the turn, in order, as the same bytes on the wire; a viewer
with five new events costs one write instead of five. Whatever else writes (a pong, a
close, a keepalive ping) takes the gathered frames along first, so nothing overtakes them.
A message waits no longer than the rest of the turn it was sent in, and no more than
`FLUSH_AT` bytes wait: beyond, they are written at once, so that a client that stops
reading fills the socket's buffer and the sender waits (uvicorn's backpressure), instead of
frames piling up in memory within one turn.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState

# bytes of frames held back in one turn before they are written anyway (asyncio's default
# high-water mark of a transport's buffer)
FLUSH_AT = 64 * 1024


class CoalescingWebSocketProtocol(WebSocketsSansIOProtocol):
    _flush_scheduled = False
    _held = 0  # bytes of payload sent since the last write

    async def send(self, message: Any) -> None:
        if message["type"] != "websocket.send" or not self._open():
            await super().send(message)
            return
        await self.writable.wait()  # (returns at once unless the socket's buffer is full)
        if not self._open():  # it closed while we waited: as uvicorn would say
            await super().send(message)
            return
        data = message.get("bytes")
        if data is None:
            data = message.get("text", "").encode()
            send = self.conn.send_text
        else:
            send = self.conn.send_binary
        try:
            send(data)
        except InvalidState:
            raise ClientDisconnected from None
        self._held += len(data)
        if self._held >= FLUSH_AT:
            self._flush()  # may pause writing: the next send then waits for the client
        elif not self._flush_scheduled:
            self._flush_scheduled = True
            self.loop.call_soon(self._flush)

    def _open(self) -> bool:
        return (
            self.handshake_complete
            and not self.disconnected
            and not self.close_sent
            and self.initial_response is None
        )

    def _flush(self) -> None:
        self._flush_scheduled = False
        self._held = 0
        output = self.conn.data_to_send()
        if output and not self.transport.is_closing():
            self.transport.write(b"".join(output))
