"""The door of the live feed: a bounded number of sockets before their hello is checked."""

from __future__ import annotations

import asyncio

import pytest

from jitspace.live.door import Door, NoRoom


async def test_a_full_door_lets_the_longest_silent_go_never_one_being_checked() -> None:
    door = Door(places=2, hello_timeout=60)

    async def silent() -> bool:
        """A socket that never says hello: whether it was turned away for a newcomer."""
        with door.enter() as arrival:
            try:
                async with door.hello(arrival):
                    await asyncio.Event().wait()
            except TimeoutError:
                return arrival.turned_away
        return False

    # Given two silent sockets that fill the door
    first = asyncio.create_task(silent())
    await asyncio.sleep(0)
    second = asyncio.create_task(silent())
    await asyncio.sleep(0)
    # When a newcomer arrives (and its hello is being checked), the first one gives way
    with door.enter():
        assert await first is True
        assert not second.done()
        # and the next newcomer takes the second's place
        with door.enter():
            assert await second is True
            # Then, with every place held by a socket being checked, there is no room
            with pytest.raises(NoRoom), door.enter():
                pass
    assert door.arrivals == {}


async def test_a_silent_socket_is_let_go_after_the_hello_timeout() -> None:
    door = Door(places=5, hello_timeout=0.01)
    with door.enter() as arrival, pytest.raises(TimeoutError):
        async with door.hello(arrival):
            await asyncio.Event().wait()
    assert not arrival.turned_away
