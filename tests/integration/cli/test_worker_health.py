"""`jitspace worker --health-port`: the probes of a process that serves no API. Live while
it answers; ready while it works, or waits in turn on a database that answers."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from jitspace.settings import Settings
from tests.processes import Process, cluster_env, jitspace
from tests.support import free_port, fresh_database

# generous: a waiting worker tries the lock every second
TAKEOVER_DEADLINE = 10.0


def probe(port: int, path: str) -> tuple[int, dict[str, str]]:
    answer = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5)
    return answer.status_code, answer.json()


def worker(env: dict[str, str], log: Path) -> tuple[Process, int]:
    port = free_port()
    return Process("worker", env, log, args=("--health-port", str(port))), port


def test_two_workers_answer_their_probes_one_working_one_waiting(
    settings: Settings, tmp_path: Path
) -> None:
    env = cluster_env(fresh_database(settings.database_url, "probes"), tmp_path)
    (first, first_port), (second, second_port) = (
        worker(env, tmp_path / "first.log"),
        worker(env, tmp_path / "second.log"),
    )
    try:
        first.start()
        second.start()
        # Then both are live, the first works and the second waits: both ready
        assert probe(first_port, "/health/live") == (200, {"status": "ok"})
        assert probe(second_port, "/health/live") == (200, {"status": "ok"})
        assert probe(first_port, "/health/ready") == (200, {"status": "working"})
        assert probe(second_port, "/health/ready") == (200, {"status": "waiting"})
        assert probe(first_port, "/schema")[0] == 404
        # and each serves what it counts to this host (no metrics token is set here)
        scraped = httpx.get(f"http://127.0.0.1:{first_port}/metrics", timeout=5)
        assert scraped.status_code == 200
        assert scraped.headers["content-type"].startswith("text/plain")
        assert "# TYPE jitspace_retention_items_total counter" in scraped.text

        # When the working one is killed, the waiting one says it works once it took over
        first.kill()
        deadline = time.monotonic() + TAKEOVER_DEADLINE
        while probe(second_port, "/health/ready")[1] != {"status": "working"}:
            assert time.monotonic() < deadline, "the second worker did not take over"
            time.sleep(0.1)
    finally:
        second.stop()
        first.stop()


def test_a_worker_whose_health_port_is_taken_says_so_and_exits(
    settings: Settings, tmp_path: Path
) -> None:
    env = cluster_env(fresh_database(settings.database_url, "probes"), tmp_path)
    first, port = worker(env, tmp_path / "first.log")
    try:
        first.start()
        taken = jitspace("worker", "--health-port", str(port), env=env)
    finally:
        first.stop()
    assert taken.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in taken.stderr
    assert "give another --health-port" in taken.stderr
