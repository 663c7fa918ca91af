"""Helpers of the live-feed tests and benchmark: a client that records what it receives."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from jitspace.live.client import LiveClient, Rejected
from tests.support import Person


def token_of(person: Person) -> str:
    """The bearer token a member's HTTP client signs in with, for their feed to say hello."""
    return person.client.headers["Authorization"].removeprefix("Bearer ")


class Watcher:
    """A LiveClient running in the background, keeping every message it receives."""

    def __init__(
        self, base_urls: Sequence[str], investigation_id: str, token: str, *, after: int = 0
    ) -> None:
        self.client = LiveClient(base_urls, investigation_id, token, after=after)
        self.messages: list[dict[str, Any]] = []
        self.received_at: list[float] = []
        self.rejected: Rejected | None = None
        self.task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    @property
    def positions(self) -> list[int]:
        return [m["event"]["position"] for m in self.events]

    @property
    def events(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == "event"]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == kind]

    async def __aenter__(self) -> Watcher:
        self.task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _run(self) -> None:
        try:
            async for message in self.client.messages():
                self.messages.append(message)
                self.received_at.append(time.monotonic())
                self._changed.set()
        except Rejected as rejected:
            self.rejected = rejected
            self._changed.set()

    async def until(self, done: Any, timeout: float = 15.0, what: str = "") -> None:
        """Wait until `done()` is true (checked at each message), or fail after `timeout`."""
        deadline = time.monotonic() + timeout
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what or done}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))

    async def caught_up(self, timeout: float = 15.0, what: str = "caught_up") -> None:
        """Wait until the feed says it has sent what the log held (`caught_up`)."""
        await self.until(lambda: self.of_type("caught_up"), timeout, what)

    async def reach(self, position: int, timeout: float = 15.0) -> None:
        await self.until(
            lambda: bool(self.positions) and self.positions[-1] >= position,
            timeout,
            f"position {position} (have {self.positions[-1:] or 'none'})",
        )


@contextlib.asynccontextmanager
async def watching(
    base_urls: Sequence[str], investigation_id: str, *people: Person
) -> AsyncIterator[list[Watcher]]:
    """A watcher of the investigation's feed for each person, in order, each caught up with
    the log before the block runs; all stopped after it."""
    async with contextlib.AsyncExitStack() as stack:
        watchers = [
            await stack.enter_async_context(Watcher(base_urls, investigation_id, token_of(p)))
            for p in people
        ]
        for watcher in watchers:
            await watcher.caught_up()
        yield watchers
