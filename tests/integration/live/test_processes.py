"""The live feed across real processes: two app processes and the projection worker.

Each test ends by comparing, event by event, what every client received with the log.
Processes are killed with SIGKILL mid-stream: no shutdown, no goodbye.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.live import Watcher
from tests.processes import Cluster
from tests.support import Jit, People, fresh_database, log_of, open_investigation


@pytest.fixture(scope="module")
def cluster(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    url = fresh_database(database_url, "live")
    with Cluster(url, tmp_path_factory.mktemp("cluster")) as running:
        running.database_url = url  # type: ignore[attr-defined]
        yield running


@pytest.fixture
def team(cluster: Cluster) -> Iterator[Jit]:
    people = People(cluster.a.url, cluster.database_url)  # type: ignore[attr-defined]
    yield open_investigation(people)
    for person in people.made:
        person.client.close()


def token(jit: Jit) -> str:
    return jit.investigator.client.headers["Authorization"].removeprefix("Bearer ")


async def command(jit: Jit, title: str) -> None:
    """A task created through process A (run off the loop: the clients keep reading)."""
    response = await asyncio.to_thread(jit.leader.post, jit.path("/tasks"), json={"title": title})
    assert response.status_code == 201, response.text


def assert_exactly_the_log(jit: Jit, *watchers: Watcher) -> None:
    log = [{"type": "event", "event": e} for e in log_of(jit.leader, jit.id)]
    for watcher in watchers:
        assert [m["event"]["position"] for m in watcher.events] == [
            m["event"]["position"] for m in log
        ]
        assert watcher.events == log


async def test_a_command_sent_to_process_a_reaches_a_client_of_process_b(
    cluster: Cluster, team: Jit
) -> None:
    async with Watcher([cluster.b.url], team.id, token(team)) as on_b:
        await on_b.caught_up()
        await command(team, "Sent to A")
        await on_b.reach(log_of(team.leader, team.id)[-1]["position"])
    assert on_b.events[-1]["event"]["data"]["title"] == "Sent to A"
    assert_exactly_the_log(team, on_b)


async def test_the_worker_killed_mid_stream_and_restarted(cluster: Cluster, team: Jit) -> None:
    async with (
        Watcher([cluster.a.url], team.id, token(team)) as on_a,
        Watcher([cluster.b.url], team.id, token(team)) as on_b,
    ):
        for n in range(30):
            if n == 10:
                cluster.worker.kill()
            if n == 20:
                await asyncio.to_thread(cluster.worker.start)
            await command(team, f"Task {n}")
        head = log_of(team.leader, team.id)[-1]["position"]
        await on_a.reach(head)
        await on_b.reach(head)
    assert_exactly_the_log(team, on_a, on_b)
    # and the restarted worker applied each event to the read models once
    tasks = team.leader.get(team.path("/tasks")).json()
    assert sorted(t["title"] for t in tasks) == sorted(f"Task {n}" for n in range(30))


async def test_an_app_process_killed_while_clients_are_connected(
    cluster: Cluster, team: Jit
) -> None:
    # Given clients of process B that fall back to A when B goes away
    watchers = [Watcher([cluster.b.url, cluster.a.url], team.id, token(team)) for _ in range(3)]
    for watcher in watchers:
        await watcher.__aenter__()
    try:
        for n in range(30):
            if n == 10:
                cluster.b.kill()
            await command(team, f"Task {n}")
        head = log_of(team.leader, team.id)[-1]["position"]
        for watcher in watchers:
            await watcher.reach(head)
    finally:
        for watcher in watchers:
            await watcher.stop()
        await asyncio.to_thread(cluster.b.start)
    assert all(w.client.connections >= 2 for w in watchers)
    assert_exactly_the_log(team, *watchers)


async def test_the_feed_survives_its_listening_connections_being_cut(
    cluster: Cluster, team: Jit
) -> None:
    async with Watcher([cluster.b.url], team.id, token(team)) as on_b:
        for n in range(20):
            if n == 5:  # every LISTEN connection of every process, cut by the server
                await asyncio.to_thread(cut_listeners, cluster)
            await command(team, f"Task {n}")
        await on_b.reach(log_of(team.leader, team.id)[-1]["position"])
    assert_exactly_the_log(team, on_b)
    # and the worker's projections, cut too, started again and kept the read models
    expected = sorted(f"Task {n}" for n in range(20))
    for _ in range(100):
        titles = sorted(t["title"] for t in team.leader.get(team.path("/tasks")).json())
        if titles == expected:
            break
        await asyncio.sleep(0.2)
    assert titles == expected


async def test_a_client_reconnecting_with_its_last_position(cluster: Cluster, team: Jit) -> None:
    first = Watcher([cluster.b.url], team.id, token(team))
    async with first:
        for n in range(5):
            await command(team, f"Before {n}")
        await first.reach(log_of(team.leader, team.id)[-1]["position"])
    # When it is away while the team works, then comes back with its last position
    for n in range(5):
        await command(team, f"Away {n}")
    async with Watcher([cluster.a.url], team.id, token(team), after=first.client.position) as again:
        for n in range(5):
            await command(team, f"Back {n}")
        await again.reach(log_of(team.leader, team.id)[-1]["position"])
    # Then the two sessions together hold the log exactly
    joined = Watcher([], team.id, "")
    joined.messages = first.events + again.events
    assert_exactly_the_log(team, joined)


def cut_listeners(cluster: Cluster) -> None:
    import psycopg

    with psycopg.connect(cluster.database_url, autocommit=True) as conn:  # type: ignore[attr-defined]
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND query LIKE 'LISTEN%'"
        )
