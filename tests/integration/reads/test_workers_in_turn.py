"""Workers in turn: two `jitspace worker` processes on one database; the one holding the
workers' lock works, the other waits and takes over when the first is killed (SIGKILL), and
the read models and the live feed hold every event exactly once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.live import Watcher, token_of
from tests.processes import Process, cluster_env, workers_lock_holders
from tests.support import Jit, free_port, fresh_database, investigation_on, log_of

# generous: a waiting worker tries the lock every second
TAKEOVER_DEADLINE = 10.0


@dataclass
class Deployment:
    database_url: str
    first: Process
    second: Process
    app: Process

    def lock_holders(self) -> list[str]:
        """The `application_name` of each session holding the workers' lock."""
        return workers_lock_holders(self.database_url)

    def cut_lock_connection(self, worker: Process) -> None:
        """The server ends the worker's lock session, as a failover or a network cut would."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name LIKE %s",
                (f"jitspace worker %:{worker.pid}",),
            )


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    url = fresh_database(database_url, "workers")
    env = cluster_env(url, tmp_path)
    first = Process("worker", env, tmp_path / "first.log")
    second = Process("worker", env, tmp_path / "second.log")
    app = Process("serve", {**env, "JITSPACE_RUN_PROJECTIONS": "false"}, tmp_path / "app.log")
    app.port = free_port()
    try:
        for process in (first, second, app):  # one at a time: the first start makes the tables
            process.start()
        yield Deployment(url, first, second, app)
    finally:
        for process in (app, second, first):
            process.stop()


@pytest.fixture
def team(deployment: Deployment) -> Iterator[Jit]:
    with investigation_on(deployment.app.url, deployment.database_url) as jit:
        yield jit


async def create_tasks(jit: Jit, titles: list[str]) -> None:
    for title in titles:
        response = await asyncio.to_thread(
            jit.leader.post, jit.path("/tasks"), json={"title": title}
        )
        assert response.status_code == 201, response.text


async def until(done: object, deadline: float, what: str) -> None:
    while not done():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"not by the deadline: {what}"
        await asyncio.sleep(0.1)


async def task_titles_become(jit: Jit, expected: list[str]) -> list[str]:
    """The task board's titles, once they are `expected` (or as they are after 30 s)."""
    titles: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = await asyncio.to_thread(jit.leader.get, jit.path("/tasks"))
        titles = sorted(t["title"] for t in response.json())
        if titles == sorted(expected):
            break
        await asyncio.sleep(0.2)
    return titles


def assert_exactly_the_log(jit: Jit, watcher: Watcher) -> None:
    log = [{"type": "event", "event": e} for e in log_of(jit.leader, jit.id)]
    assert [m["event"]["position"] for m in watcher.events] == [m["event"]["position"] for m in log]
    assert watcher.events == log


async def test_one_worker_works_and_the_other_takes_over_when_it_is_killed(
    deployment: Deployment, team: Jit
) -> None:
    first, second = deployment.first, deployment.second
    # Given two workers: the first started works, the second waits
    assert first.works and not second.works
    assert deployment.lock_holders() == [f"jitspace worker {_host()}:{first.pid}"]
    async with Watcher([deployment.app.url], team.id, token_of(team.leader)) as watcher:
        before = [f"Before {n}" for n in range(10)]
        await create_tasks(team, before)
        assert await task_titles_become(team, before) == sorted(before)

        # When the working worker is killed (no goodbye to PostgreSQL) while the team works
        first.kill()
        killed_at = time.monotonic()
        after = [f"After {n}" for n in range(10)]
        await create_tasks(team, after)

        # Then the waiting worker takes over by the deadline, and holds the lock alone
        await until(lambda: second.works, killed_at + TAKEOVER_DEADLINE, "the second worker works")
        assert deployment.lock_holders() == [f"jitspace worker {_host()}:{second.pid}"]
        # and the read models hold every task exactly once
        assert await task_titles_become(team, before + after) == sorted(before + after)
        # and the live feed announced every event once, in order
        await watcher.reach(log_of(team.leader, team.id)[-1]["position"])
    assert_exactly_the_log(team, watcher)


async def test_a_worker_that_loses_its_lock_connection_stops_working(
    deployment: Deployment, team: Jit
) -> None:
    first, second = deployment.first, deployment.second
    before = [f"Before {n}" for n in range(5)]
    await create_tasks(team, before)
    assert await task_titles_become(team, before) == sorted(before)

    # When the server ends the working worker's lock session (the worker itself lives on)
    deployment.cut_lock_connection(first)
    cut_at = time.monotonic()

    # Then it says it stopped working, and one worker holds the lock again (the other, or
    # this one if it tried first)
    await until(
        lambda: "stopped working" in first.log.read_text() and len(deployment.lock_holders()) == 1,
        cut_at + TAKEOVER_DEADLINE,
        "the first worker stopped and a worker took the lock",
    )
    assert first.popen is not None and first.popen.poll() is None  # it waits or works again
    names = {f"jitspace worker {_host()}:{worker.pid}" for worker in (first, second)}
    assert set(deployment.lock_holders()) <= names
    # and the tasks recorded since are applied once, by the worker that works now
    after = [f"After {n}" for n in range(5)]
    await create_tasks(team, after)
    assert await task_titles_become(team, before + after) == sorted(before + after)


def test_a_server_keeping_the_read_models_does_not_run_beside_a_worker(
    deployment: Deployment, tmp_path: Path
) -> None:
    # Given a worker that works: a `serve` left to keep the read models itself
    # (JITSPACE_RUN_PROJECTIONS on, the default) refuses to start, saying what to change
    env = cluster_env(deployment.database_url, tmp_path)
    stray = Process("serve", env, tmp_path / "stray.log", free_port())
    with pytest.raises(RuntimeError, match="did not start"):
        stray.start(timeout=30)
    said = stray.log.read_text()
    assert "JITSPACE_RUN_PROJECTIONS=false" in said
    assert f"jitspace worker {_host()}:{deployment.first.pid}" in said
    assert deployment.lock_holders() == [f"jitspace worker {_host()}:{deployment.first.pid}"]


def test_a_worker_waits_while_a_server_keeps_the_read_models(
    database_url: str, tmp_path: Path
) -> None:
    # Given a `serve` that keeps the read models itself on its database
    url = fresh_database(database_url, "sole_server")
    env = cluster_env(url, tmp_path)
    server = Process("serve", env, tmp_path / "server.log", free_port())
    worker = Process("worker", env, tmp_path / "worker.log")
    try:
        server.start()
        # When a worker starts beside it, it waits: the server holds the workers' lock
        worker.start()
        assert not worker.works
        assert "waiting" in worker.log.read_text()
        # and takes over when the server stops
        server.stop()
        deadline = time.monotonic() + TAKEOVER_DEADLINE
        while not worker.works:
            assert time.monotonic() < deadline, "the worker did not take over"
            time.sleep(0.1)
    finally:
        worker.stop()
        server.stop()


def _host() -> str:
    import socket

    return socket.gethostname()
