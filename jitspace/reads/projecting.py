"""The projections that keep the read models: how each is started, stopped, and started
again after a failure (with a delay that doubles), resuming from its tracking position."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

from anyio import to_thread
from eventsourcing.application import Application
from eventsourcing.projection import ProjectionRunner

from jitspace.reads.supervision import (
    Stall,
    caught_up_past,
    naming_failed_events,
    retry_delay,
    stall_after,
    stop_runner,
)
from jitspace.settings import Settings
from projections import admissibility, custody
from projections.registers import RegistersView, WorkspaceRegisters

logger = logging.getLogger(__name__)
# a projection reads the log and writes its rows one event at a time: two connections do
PROJECTION_POOL = {"POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2"}


class Runners(Protocol):
    """What holds the running projections: each runner by name (an attribute), the
    projections waiting to be started again, and the settings of the retries."""

    settings: Settings
    stalls: dict[str, Stall]


async def restart_stopped_projections(
    runtime: Runners, starts: dict[str, Callable[[], ProjectionRunner[Any, Any]]]
) -> None:
    """Start again a projection whose thread failed (an event it could not apply, its LISTEN
    connection cut, the database restarted), after a delay that doubles with each failure:
    it resumes from its tracking position, applying each event once."""
    loop = asyncio.get_running_loop()
    first = runtime.settings.projection_retry_first_seconds
    longest = runtime.settings.projection_retry_max_seconds
    while True:
        await asyncio.sleep(min(first, 1.0))
        for name, start in starts.items():
            runner: ProjectionRunner[Any, Any] | None = getattr(runtime, name)
            stall = runtime.stalls.get(name)
            if runner is not None and not runner.is_interrupted.is_set():
                if stall is not None and await _recovered(runner, stall):
                    logger.warning("the %s projection got past its failure", name)
                    del runtime.stalls[name]
                continue
            attempts = stall.attempts if stall is not None else 0
            if runner is not None:  # it has just failed: stop it and everything it holds
                error = await to_thread.run_sync(stop_runner, runner)
                setattr(runtime, name, None)
                attempts += 1
                stall = stall_after(
                    name, error, attempts, loop.time(), retry_delay(attempts, first, longest)
                )
                if stall.position is None and runtime.stalls.get(name) is not None:
                    stall.position = runtime.stalls[name].position
                runtime.stalls[name] = stall
                logger.error("%s", stall.describe(loop.time()), exc_info=error)
                continue
            if stall is None or loop.time() < stall.retry_at:
                continue
            try:
                await to_thread.run_sync(start_projection, runtime, name, start)
            except Exception as error:
                attempts += 1
                runtime.stalls[name] = stall_after(
                    name, error, attempts, loop.time(), retry_delay(attempts, first, longest)
                )
                logger.exception("could not start the %s projection", name)


async def _recovered(runner: ProjectionRunner[Any, Any], stall: Stall) -> bool:
    if stall.position is None:  # no event at fault: running again is recovering
        return True
    try:
        return await to_thread.run_sync(caught_up_past, runner, stall.position)
    except Exception:
        return False


def projection_starts(
    application: type[Application[Any]], env: dict[str, str]
) -> dict[str, Callable[[], ProjectionRunner[Any, Any]]]:
    """How to start each projection of the application's log, by the name of its runner in
    the Runtime."""
    return {
        "projections": lambda: start_projections(
            application, env, WorkspaceRegisters, RegistersView
        ),
        "custody": lambda: start_projections(
            application, env | PROJECTION_POOL, custody.CustodyChains, custody.CustodyView
        ),
        "admissibility": lambda: start_projections(
            application,
            env | PROJECTION_POOL,
            admissibility.AdmissibilityMatrix,
            admissibility.AdmissibilityView,
        ),
    }


def start_projection(
    runtime: Runners, name: str, start: Callable[[], ProjectionRunner[Any, Any]]
) -> None:
    # set in the thread that started it, so a runner started while the runtime shuts down is
    # still the one stop_projection stops
    setattr(runtime, name, start())


def stop_projection(runtime: Runners, name: str) -> None:
    """Stop the projection's current runner: the last one started, however often restarted."""
    runner: ProjectionRunner[Any, Any] | None = getattr(runtime, name)
    if runner is not None and (error := stop_runner(runner)) is not None:
        logger.warning("the %s projection had stopped: %s", name, error)


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def start_projections(
    application: type[Application[Any]],
    env: dict[str, str],
    projection_class: type[Any],
    view_class: type[Any],
) -> ProjectionRunner[Any, Any]:
    runner: ProjectionRunner[Any, Any] = ProjectionRunner(
        application_class=application,
        projection_class=naming_failed_events(projection_class),
        view_class=view_class,
        env=env,
    )
    return runner.__enter__()
