"""The live feed in one server process: catch-up, live events, refusals, removal, presence."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import msgspec
import pytest
import websockets

from jitspace.settings import Settings
from tests.live import Watcher, token_of, watching
from tests.support import Jit, Person, ServerThread, another_server, log_of, remove_member


@pytest.fixture(scope="module")
def rechecking_server(server: ServerThread, settings: Settings) -> Iterator[ServerThread]:
    """Another process of the app that checks its viewers' tokens every half second (the
    first server keeps the read models)."""
    with another_server(settings, live_recheck_seconds=0.5) as running:
        yield running


def create_task(person: Person, jit: Jit, title: str) -> int:
    response = person.post(jit.path("/tasks"), json={"title": title})
    assert response.status_code == 201, response.text
    return log_of(person, jit.id)[-1]["position"]


async def test_a_member_receives_the_log_then_live_events_each_once_in_order(
    jit: Jit, server: ServerThread
) -> None:
    # Given a member who has seen nothing yet
    async with Watcher([server.url], jit.id, token_of(jit.investigator)) as watcher:
        await watcher.caught_up()
        # When another member creates tasks
        for n in range(5):
            head = create_task(jit.leader, jit, f"Live task {n}")
        await watcher.reach(head)
    # Then the member received exactly the log, each event the document REST returns
    assert watcher.events == [{"type": "event", "event": e} for e in log_of(jit.leader, jit.id)]


async def test_a_member_resuming_from_a_position_receives_only_what_follows(
    jit: Jit, server: ServerThread
) -> None:
    log = log_of(jit.leader, jit.id)
    middle = log[len(log) // 2]["position"]
    async with Watcher([server.url], jit.id, token_of(jit.legal), after=middle) as watcher:
        await watcher.caught_up()
        head = create_task(jit.leader, jit, "After the resume")
        await watcher.reach(head)
    expected = [e["position"] for e in log_of(jit.leader, jit.id) if e["position"] > middle]
    assert watcher.positions == expected
    assert watcher.of_type("caught_up")[0]["position"] == log[-1]["position"]


async def test_outsiders_bad_tokens_and_bad_hellos_are_refused_revealing_nothing(
    jit: Jit, server: ServerThread
) -> None:
    unknown = "00000000-0000-0000-0000-000000000000"
    for investigation, token, code in (
        (jit.id, token_of(jit.outsider), 4404),
        (unknown, token_of(jit.leader), 4404),
        (jit.id, "not-a-token", 4401),
    ):
        async with Watcher([server.url], investigation, token) as watcher:
            await watcher.until(lambda w=watcher: w.rejected is not None, what="a refusal")
        assert watcher.rejected is not None and watcher.rejected.code == code
        assert watcher.messages == []


async def test_a_member_removed_from_the_investigation_stops_receiving_its_events(
    jit: Jit, server: ServerThread
) -> None:
    async with Watcher([server.url], jit.id, token_of(jit.investigator)) as watcher:
        await watcher.caught_up()
        before = create_task(jit.leader, jit, "Seen by the investigator")
        await watcher.reach(before)
        # When the leader removes the investigator, then works on
        remove_member(jit, jit.investigator, "seconded back home", current_version=True)
        create_task(jit.leader, jit, "Not for the investigator")
        await watcher.until(lambda: watcher.rejected is not None, what="disconnection")
    # Then the feed was closed as if the investigation did not exist, with nothing after
    assert watcher.rejected is not None and watcher.rejected.code == 4404
    assert watcher.positions[-1] == before


async def test_presence_shows_who_is_looking_and_forgets_who_left(
    jit: Jit, server: ServerThread
) -> None:
    def names(watcher: Watcher) -> set[str]:
        presence = watcher.of_type("presence")
        return {v["username"] for v in presence[-1]["viewers"]} if presence else set()

    async with Watcher([server.url], jit.id, token_of(jit.leader)) as leader:
        async with Watcher([server.url], jit.id, token_of(jit.legal)):
            both = {jit.leader.username, jit.legal.username}
            await leader.until(lambda: names(leader) == both, what="both present")
        await leader.until(lambda: names(leader) == {jit.leader.username}, what="legal gone")
    await asyncio.sleep(0)


async def test_a_viewer_who_logs_out_stops_receiving_events(
    jit: Jit, rechecking_server: ServerThread
) -> None:
    token = token_of(jit.investigator)
    async with Watcher([rechecking_server.url], jit.id, token) as watcher:
        await watcher.caught_up()
        # When the viewer logs out (through the process that serves the feed)
        logout = httpx.post(
            f"{rechecking_server.url}/auth/logout", headers={"Authorization": f"Bearer {token}"}
        )
        assert logout.status_code == 204, logout.text
        # Then the feed closes as for a bad token, within the recheck interval
        await watcher.until(lambda: watcher.rejected is not None, 5, "disconnection")
    assert watcher.rejected is not None and watcher.rejected.code == 4401


@pytest.fixture(scope="module")
def small_server(server: ServerThread, settings: Settings) -> Iterator[ServerThread]:
    """A process of the app that takes 2 viewers, 2 sockets waiting to become one, and 3
    other connections at once."""
    with another_server(
        settings, live_max_viewers=2, live_max_arriving=2, max_connections=3
    ) as running:
        yield running


async def test_a_full_server_turns_viewers_away_to_another_and_keeps_serving_requests(
    jit: Jit, server: ServerThread, small_server: ServerThread
) -> None:
    # two viewers, caught up, take the server's two places
    async with watching([small_server.url], jit.id, jit.leader, jit.legal):
        # a third viewer is told to try again later (1013), not left hanging
        url = small_server.url.replace("http", "ws") + f"/investigations/{jit.id}/live"
        hello = msgspec.json.encode({"type": "hello", "token": token_of(jit.investigator)})
        async with websockets.connect(url) as third:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await third.send(hello.decode())  # (the server may have closed already)
                await third.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        # a client that knows another server goes there
        async with Watcher(
            [small_server.url, server.url], jit.id, token_of(jit.investigator)
        ) as moved:
            await moved.caught_up(what="caught_up elsewhere")
        # the viewers do not use up the places of requests: the API still answers
        async with httpx.AsyncClient(
            base_url=small_server.url, headers=jit.leader.client.headers
        ) as http:
            answers = await asyncio.gather(*(http.get(jit.path()) for _ in range(2)))
        assert [a.status_code for a in answers] == [200, 200]
    # and once a viewer has gone, the next is let in
    async with Watcher([small_server.url], jit.id, token_of(jit.investigator)) as later:
        await later.caught_up(what="caught_up after a place freed")
