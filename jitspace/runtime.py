"""The composition root: everything a running JITspace needs, built once, closed once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import asyncpg
from anyio import to_thread
from eventsourcing.projection import ProjectionRunner
from litestar.channels import ChannelsPlugin

from jitspace.application import JITspace
from jitspace.blob_sweep import keep_sweeping, sweep_blob_store
from jitspace.blobs import BlobStore
from jitspace.blobs.configured import open_blob_store
from jitspace.database import database_url, eventsourcing_env
from jitspace.eventlog import EventLog
from jitspace.identity import Identity
from jitspace.ledger import Ledger, LogRewritten
from jitspace.live.channels import ResilientAsyncPgBackend
from jitspace.live.feed import LiveFeed
from jitspace.live.publisher import announce_log
from jitspace.login_throttle import LoginThrottle
from jitspace.memberships import Memberships
from jitspace.oidc import OidcVerifier
from jitspace.queries import Queries
from jitspace.security_log import SecurityLog
from jitspace.settings import Settings
from jitspace.supervision import (
    Stall,
    caught_up_past,
    naming_failed_events,
    retry_delay,
    stall_after,
    stop_runner,
)
from projections import admissibility, custody
from projections.registers import TABLES, RegistersView, WorkspaceRegisters

logger = logging.getLogger(__name__)
# a failed upload's leftovers, and files no record claims, older than this are swept by
# the process that keeps the read models (at start, then hourly); a younger one may be an
# upload still running (or its record on its way) on another replica (64 GiB at 10 MB/s
# takes about two hours), so the cutoff is well above the longest upload
SWEEP_AFTER = timedelta(hours=24)
# a projection reads the log and writes its rows one event at a time: two connections do
PROJECTION_POOL = {"POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2"}


@dataclass
class Runtime:
    settings: Settings
    database_url: str
    app: JITspace
    pool: asyncpg.Pool
    identity: Identity
    queries: Queries
    ledger: Ledger
    blobs: BlobStore
    live: LiveFeed
    security_log: SecurityLog
    memberships: Memberships
    projections: ProjectionRunner[Any, Any] | None = None
    custody: ProjectionRunner[Any, Any] | None = None
    admissibility: ProjectionRunner[Any, Any] | None = None
    # projections that failed and wait to be started again, by runner name
    stalls: dict[str, Stall] = field(default_factory=dict)


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with AsyncExitStack() as stack:
        url = await to_thread.run_sync(lambda: stack.enter_context(database_url(settings)))
        env = eventsourcing_env(url, settings)
        app = await to_thread.run_sync(lambda: JITspace(env=env))
        stack.callback(app.close)
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=settings.pool_size, reset=keep_session
        )
        stack.push_async_callback(pool.close)
        identity = Identity(
            pool,
            timedelta(seconds=settings.token_ttl_seconds),
            OidcVerifier.from_settings(settings),
            LoginThrottle.from_settings(pool, settings),
        )
        await identity.create_tables()
        security_log = SecurityLog(pool)
        await security_log.create_tables()
        async with pool.acquire() as conn:
            for statement in (*TABLES, *custody.TABLES, *admissibility.TABLES):
                await conn.execute(statement)
        blobs = await to_thread.run_sync(lambda: open_blob_store(settings))
        if settings.run_projections:  # one process: not every replica, nor a CLI command
            await sweep_blob_store(app, blobs, security_log, SWEEP_AFTER)
            sweeper = asyncio.create_task(keep_sweeping(app, blobs, security_log, SWEEP_AFTER))
            stack.callback(sweeper.cancel)
        assert isinstance(app.recorder, EventLog)
        ledger = await to_thread.run_sync(Ledger.from_settings, app.recorder, settings)
        await to_thread.run_sync(ledger.create_table)
        queries = Queries(pool)
        # channels shared by every process (LISTEN/NOTIFY); the feed reads the log itself
        backend = ResilientAsyncPgBackend(url)
        channels = ChannelsPlugin(
            backend=backend,
            arbitrary_channels_allowed=True,
            subscriber_max_backlog=1000,
            subscriber_backlog_strategy="dropleft",
        )
        await stack.enter_async_context(channels)
        live = LiveFeed(
            queries,
            channels,
            queue_size=settings.live_queue_size,
            poll_seconds=settings.live_poll_seconds,
            recheck_seconds=settings.live_recheck_seconds,
            max_viewers=settings.live_max_viewers,
            max_arriving=settings.live_max_arriving,
            hello_timeout=settings.live_hello_timeout_seconds,
        )
        backend.on_reconnect.append(live.wake_all)
        stack.push_async_callback(live.close)
        runtime = Runtime(
            settings,
            url,
            app,
            pool,
            identity,
            queries,
            ledger,
            blobs,
            live,
            security_log,
            Memberships(app, pool),
        )
        if settings.run_projections:
            starts = projection_starts(env)
            for name, start in starts.items():
                await to_thread.run_sync(start_projection, runtime, name, start)
                stack.callback(stop_projection, runtime, name)
            if settings.checkpoint_interval_seconds > 0:
                task = asyncio.create_task(
                    keep_checkpoints(ledger, settings.checkpoint_interval_seconds)
                )
                stack.callback(task.cancel)
            announcer = asyncio.create_task(
                announce_log(queries, channels, settings.live_poll_seconds)
            )
            stack.callback(announcer.cancel)
            # stopped (and a restart under way finished) before the projections are stopped
            supervisor = asyncio.create_task(restart_stopped_projections(runtime, starts))
            stack.push_async_callback(cancel_and_wait, supervisor)
        yield runtime


async def keep_session(connection: asyncpg.Connection) -> None:
    """Connections of the read pool change no session state (no SET, LISTEN or advisory
    locks), so there is nothing to reset when they go back to the pool: skip the round trip."""


async def restart_stopped_projections(
    runtime: Runtime, starts: dict[str, Callable[[], ProjectionRunner[Any, Any]]]
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


def projection_starts(env: dict[str, str]) -> dict[str, Callable[[], ProjectionRunner[Any, Any]]]:
    """How to start each projection, by the name of its runner in the Runtime."""
    return {
        "projections": lambda: start_projections(env),
        "custody": lambda: start_projections(
            env | PROJECTION_POOL, custody.CustodyChains, custody.CustodyView
        ),
        "admissibility": lambda: start_projections(
            env | PROJECTION_POOL,
            admissibility.AdmissibilityMatrix,
            admissibility.AdmissibilityView,
        ),
    }


def start_projection(
    runtime: Runtime, name: str, start: Callable[[], ProjectionRunner[Any, Any]]
) -> None:
    # set in the thread that started it, so a runner started while the runtime shuts down is
    # still the one stop_projection stops
    setattr(runtime, name, start())


def stop_projection(runtime: Runtime, name: str) -> None:
    """Stop the projection's current runner: the last one started, however often restarted."""
    runner: ProjectionRunner[Any, Any] | None = getattr(runtime, name)
    if runner is not None and (error := stop_runner(runner)) is not None:
        logger.warning("the %s projection had stopped: %s", name, error)


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def keep_checkpoints(ledger: Ledger, interval: float) -> None:
    """Sign the head of the log every `interval` seconds, when it has moved."""
    signed: int | None = None
    while True:
        try:
            head = await to_thread.run_sync(ledger.recorder.max_notification_id)
            if head is not None and head != signed:
                signed = (await to_thread.run_sync(ledger.checkpoint)).fields.position
        except LogRewritten as error:
            logger.error("refusing to sign the log: %s", error)
        except Exception:
            logger.exception("could not sign a checkpoint; trying again later")
        await asyncio.sleep(interval)


def start_projections(
    env: dict[str, str],
    projection_class: type[Any] = WorkspaceRegisters,
    view_class: type[Any] = RegistersView,
) -> ProjectionRunner[Any, Any]:
    runner: ProjectionRunner[Any, Any] = ProjectionRunner(
        application_class=JITspace,
        projection_class=naming_failed_events(projection_class),
        view_class=view_class,
        env=env,
    )
    return runner.__enter__()
