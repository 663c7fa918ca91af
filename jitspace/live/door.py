"""The door of a process's live feed: the sockets that have connected and are not admitted yet.

A socket has a place here from its connection until it is admitted (then it takes a viewer's
seat, jitspace/live/feed.py) or turned away; its hello must come within `hello_timeout`.
The places are bounded, so that sockets that never speak cannot use up the process's
memory, tasks and connections. When every place is taken, a newcomer takes the place of the
socket that has been silent longest: a client sends its hello as soon as it has connected,
so keeping viewers out would take a flood of new sockets in the moment a real client takes
to say hello, not a few sockets held open.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator


class NoRoom(Exception):
    """Every place is taken by a socket whose hello is being checked: try again later."""


class Arrival:
    """One socket at the door."""

    __slots__ = ("deadline", "turned_away")

    def __init__(self) -> None:
        # while it waits for its hello: when it must have come (a newcomer may move it to now)
        self.deadline: asyncio.Timeout | None = None
        self.turned_away = False


class Door:
    def __init__(self, places: int, hello_timeout: float) -> None:
        self.places = places
        self.hello_timeout = hello_timeout
        self.arrivals: dict[Arrival, None] = {}  # (an ordered set: the oldest first)

    @contextlib.contextmanager
    def enter(self) -> Iterator[Arrival]:
        """A place for one more socket while the block runs; NoRoom if none can be made."""
        if len(self.arrivals) >= self.places:
            self._turn_away_the_longest_silent()
        arrival = Arrival()
        self.arrivals[arrival] = None
        try:
            yield arrival
        finally:
            self.arrivals.pop(arrival, None)

    @contextlib.asynccontextmanager
    async def hello(self, arrival: Arrival) -> AsyncIterator[None]:
        """The wait for the hello: TimeoutError once `hello_timeout` has passed, or at once
        when a newcomer needs the place (then `arrival.turned_away`)."""
        async with asyncio.timeout(self.hello_timeout) as deadline:
            arrival.deadline = deadline
            try:
                yield
            finally:
                arrival.deadline = None

    def _turn_away_the_longest_silent(self) -> None:
        # (a walk over at most `places` sockets, and only when the door is full)
        silent = next((a for a in self.arrivals if a.deadline is not None), None)
        if silent is None or silent.deadline is None:
            raise NoRoom
        del self.arrivals[silent]
        silent.turned_away = True
        silent.deadline.reschedule(asyncio.get_running_loop().time())
