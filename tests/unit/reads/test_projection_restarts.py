"""A projection restarted after a failure is stopped once at shutdown, as is each runner
it replaced, and each runner's connections are closed."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, cast

from jitspace.bootstrap import Runtime
from jitspace.reads.projecting import (
    cancel_and_wait,
    restart_stopped_projections,
    stop_projection,
)
from jitspace.settings import Settings


class Datastore:
    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


class Runner:
    """Stands in for a ProjectionRunner: counts how often it was stopped."""

    def __init__(self) -> None:
        self.is_interrupted = threading.Event()
        self.exits = 0
        self.view = type("View", (), {"datastore": Datastore()})()

    def __exit__(self, *exc_info: object) -> None:
        self.exits += 1


def test_each_runner_is_stopped_once_however_often_the_projection_restarts() -> None:
    first = Runner()
    started: list[Runner] = []

    def start() -> Any:
        started.append(Runner())
        return started[-1]

    settings = Settings(projection_retry_first_seconds=0.01, projection_retry_max_seconds=0.02)
    runtime = cast(
        Runtime,
        type("Runtime", (), {"projections": first, "settings": settings, "stalls": {}})(),
    )

    async def run() -> None:
        supervisor = asyncio.create_task(
            restart_stopped_projections(runtime, {"projections": start})
        )
        # Given a projection whose thread failed twice, and was started again each time
        for restarts in (1, 2):
            (started[-1] if started else first).is_interrupted.set()
            while len(started) < restarts:
                await asyncio.sleep(0.05)
        # When the runtime shuts down
        await cancel_and_wait(supervisor)
        stop_projection(runtime, "projections")

    asyncio.run(run())

    # Then every runner was stopped exactly once
    assert len(started) == 2
    assert [r.exits for r in (first, *started)] == [1, 1, 1]
    assert [r.view.datastore.closed for r in (first, *started)] == [1, 1, 1]
    assert cast(Any, runtime.projections) is started[-1]
