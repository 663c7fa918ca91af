"""The projection worker's announcer: after the read models hold an event, tell its channel.

It follows the log itself (woken by the log's NOTIFY, polling as a backstop), waits until
every tracked projection has applied what it read, then publishes one small message per
investigation, `{"type": "log", "position": N}`: "the log of this investigation moved to N".
App processes then read the events from the log; a lost message costs at most one polling
interval, never an event. After a restart it starts again from where the projections were.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import msgspec
from litestar.channels import ChannelsPlugin

from jitspace.live.channels import LOG_CHANNEL, LogMoved, channel_of
from jitspace.reads.queries import EVENTS_TABLE, Queries

logger = logging.getLogger(__name__)
BATCH = 1000
# how long to wait for the read models before announcing anyway (the log is the truth)
PROJECTION_WAIT = 2.0


async def announce_log(queries: Queries, channels: ChannelsPlugin, poll_seconds: float) -> None:
    wake = asyncio.Event()
    position = await queries.tracked_position()
    while True:
        try:
            async with channels.start_subscription([LOG_CHANNEL]) as subscriber:

                async def listen() -> None:
                    async for _ in subscriber.iter_events():
                        wake.set()

                listening = asyncio.create_task(listen())
                try:
                    while True:
                        position = await _announce_new(queries, channels, position)
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(wake.wait(), poll_seconds)
                        wake.clear()
                finally:
                    listening.cancel()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("could not announce the log's progress; trying again")
            await asyncio.sleep(poll_seconds)


async def _announce_new(queries: Queries, channels: ChannelsPlugin, position: int) -> int:
    while True:
        rows = await queries.pool.fetch(
            f"SELECT notification_id, investigation_id FROM {EVENTS_TABLE} "  # noqa: S608
            "WHERE notification_id > $1 ORDER BY notification_id LIMIT $2",
            position,
            BATCH,
        )
        if not rows:
            return position
        head = rows[-1]["notification_id"]
        await queries.wait_tracked(head, PROJECTION_WAIT)
        latest = {row["investigation_id"]: row["notification_id"] for row in rows}
        for investigation_id, moved_to in latest.items():
            await channels.wait_published(
                msgspec.json.encode(LogMoved(moved_to)), channel_of(investigation_id)
            )
        position = head
        if len(rows) < BATCH:
            return position
