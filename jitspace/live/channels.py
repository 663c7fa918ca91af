"""Channels shared by every process: Litestar's asyncpg LISTEN/NOTIFY backend, made resilient.

Litestar's `AsyncPgChannelsBackend` delivers (tests/integration/live/test_channels.py proves
it across two connections), but it opens a connection per publish and never notices that
its LISTEN connection died: notifications would stop without an error. This backend keeps
one publishing connection, checks the listening one every few seconds, and on failure
reconnects, LISTENs again on every subscribed channel and tells its owner, who catches up
from the log. Notifications may still be missed in between; readers poll as a backstop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from uuid import UUID

import asyncpg
import msgspec
from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend

logger = logging.getLogger(__name__)
# the event log's own NOTIFY channel (eventsourcing names it after the table)
LOG_CHANNEL = "jitspace_events"


def channel_of(investigation_id: UUID) -> str:
    """The investigation's channel name (a PostgreSQL identifier: 63 bytes at most)."""
    return f"jit_{investigation_id.hex}"


class LogMoved(msgspec.Struct, tag="log", frozen=True):
    """The worker applied the investigation's events up to `position` to the read models."""

    position: int


class VerdictsMoved(msgspec.Struct, tag="verdicts", frozen=True):
    """A deadline passed: the items' cells of the admissibility matrix were evaluated again
    (no event marks it; jitspace/live/deadlines.py)."""

    evidence_ids: list[str]


class PresenceBeat(msgspec.Struct, tag="presence", frozen=True):
    """Who looks at the investigation through one app process (ephemeral, never logged)."""

    process: str
    viewers: list[tuple[str, str]]  # (user id, username)
    ttl: float


ChannelMessage = LogMoved | PresenceBeat | VerdictsMoved
# NOTIFY payloads are limited to 8,000 bytes: messages name positions, never documents
MAX_PAYLOAD = 7900


class ResilientAsyncPgBackend(AsyncPgChannelsBackend):
    def __init__(self, dsn: str, *, keepalive_seconds: float = 5.0) -> None:
        super().__init__(dsn=dsn)
        self._dsn = dsn
        self._keepalive = keepalive_seconds
        self._publisher: asyncpg.Connection | None = None
        self._publish_lock = asyncio.Lock()
        self._watchdog: asyncio.Task[None] | None = None
        self.on_reconnect: list[Callable[[], Awaitable[None] | None]] = []
        self.reconnects = 0

    async def on_startup(self) -> None:
        await super().on_startup()
        self._watchdog = asyncio.create_task(self._watch(), name="jitspace-channels-watchdog")

    async def on_shutdown(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        if self._publisher is not None:
            with contextlib.suppress(Exception):
                await self._publisher.close()
        with contextlib.suppress(Exception):
            await super().on_shutdown()

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        if len(data) > MAX_PAYLOAD:
            msg = f"a channel message is {len(data)} bytes; NOTIFY takes under 8,000"
            raise ValueError(msg)
        text = data.decode()
        async with self._publish_lock:
            for attempt in (1, 2):
                try:
                    if self._publisher is None or self._publisher.is_closed():
                        self._publisher = await asyncpg.connect(self._dsn)
                    for channel in channels:
                        await self._publisher.execute("SELECT pg_notify($1, $2)", channel, text)
                    return
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    if self._publisher is not None:
                        # not close(): it waits on a connection that may be gone bad
                        self._publisher.terminate()
                    self._publisher = None
                    if attempt == 2:
                        raise

    async def _watch(self) -> None:
        """Probe the LISTEN connection; replace it (and re-LISTEN) when it stops answering."""
        while True:
            await asyncio.sleep(self._keepalive)
            try:
                # under the lock LISTEN and UNLISTEN take: one connection runs one operation
                # at a time, and a probe beside a LISTEN would fail it (and look like a loss)
                async with self._listener_lock:
                    await self._listener_conn.fetchval("SELECT 1", timeout=self._keepalive)
                continue
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                logger.warning("the channel listener connection is lost; reconnecting")
            try:
                await self._reconnect()
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                logger.warning("could not reconnect the channel listener; trying again")
                continue
            self.reconnects += 1
            for hook in self.on_reconnect:
                result = hook()
                if result is not None:
                    await result

    async def _reconnect(self) -> None:
        async with self._listener_lock:
            old = self._listener_conn
            self._listener_conn = await asyncpg.connect(self._dsn)
            old.terminate()
            for channel in self._subscribed_channels:
                await self._listener_conn.add_listener(channel, self._listener)
