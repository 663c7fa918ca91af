"""The composition root: everything a running JITspace needs, built once, closed once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

import asyncpg
from anyio import to_thread
from eventsourcing.projection import ProjectionRunner
from litestar.channels import ChannelsPlugin

from jitspace.auth.administration import Administration
from jitspace.auth.identity import Identity
from jitspace.auth.login_throttle import LoginThrottle
from jitspace.auth.oidc import OidcVerifier
from jitspace.auth.oidc_login import ProviderLogin
from jitspace.auth.security_log import SecurityLog
from jitspace.ledger.checkpoints import Ledger, keep_checkpoints
from jitspace.ledger.eventlog import EventLog
from jitspace.live.channels import ResilientAsyncPgBackend
from jitspace.live.deadlines import revise_passed
from jitspace.live.feed import LiveFeed
from jitspace.live.publisher import announce_log
from jitspace.migrations import Migration, check_schema, migrate
from jitspace.reads.memberships import Memberships
from jitspace.reads.projecting import (
    cancel_and_wait,
    projection_starts,
    restart_stopped_projections,
    start_projection,
    stop_projection,
)
from jitspace.reads.queries import Queries
from jitspace.reads.records import Records
from jitspace.reads.supervision import Stall
from jitspace.services.application import JITspace
from jitspace.services.blob_sweep import SWEEP_EVERY, sweep_blob_store
from jitspace.services.integrity import verify_on_schedule
from jitspace.services.retention_sweep import sweep_on_schedule
from jitspace.services.schedule import every
from jitspace.settings import Settings
from jitspace.storage.blobs import BlobStore
from jitspace.storage.blobs.configured import open_blob_store
from jitspace.storage.database import database_url, eventsourcing_env
from jitspace.storage.upload_sessions import UploadSessions

logger = logging.getLogger(__name__)
# a failed upload's leftovers, and files no record claims, older than this are swept by
# the process that keeps the read models (at start, then hourly); a younger one may be an
# upload still running (or its record on its way) on another replica (64 GiB at 10 MB/s
# takes about two hours), so the cutoff is well above the longest upload
SWEEP_AFTER = timedelta(hours=24)


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
    records: Records
    uploads: UploadSessions
    provider_login: ProviderLogin | None
    projections: ProjectionRunner[Any, Any] | None = None
    custody: ProjectionRunner[Any, Any] | None = None
    admissibility: ProjectionRunner[Any, Any] | None = None
    # projections that failed and wait to be started again, by runner name
    stalls: dict[str, Stall] = field(default_factory=dict)

    @property
    def administration(self) -> Administration:
        """The administrators' changes to users, each written to the security log."""
        return Administration(self.identity, self.security_log)


def migrate_database(settings: Settings) -> list[Migration]:
    """`jitspace migrate`: apply the schema migrations the database lacks."""
    with database_url(settings) as url:
        return migrate_database_at(url, settings)


def migrate_database_at(url: str, settings: Settings) -> list[Migration]:
    """Apply the schema migrations the database at `url` lacks."""
    app = JITspace(env={**eventsourcing_env(url, settings), "CREATE_TABLE": "false"})
    try:
        assert isinstance(app.recorder, EventLog)
        return migrate(url, app.recorder)
    finally:
        app.close()


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with AsyncExitStack() as stack:
        url = await to_thread.run_sync(lambda: stack.enter_context(database_url(settings)))
        env = eventsourcing_env(url, settings)
        # the schema is made and changed by migrations only (jitspace/migrations.py)
        app = await to_thread.run_sync(lambda: JITspace(env={**env, "CREATE_TABLE": "false"}))
        stack.callback(app.close)
        assert isinstance(app.recorder, EventLog)
        log = app.recorder
        if settings.database_url:
            await to_thread.run_sync(check_schema, url)
        else:  # the embedded database belongs to this data folder: it migrates itself
            await to_thread.run_sync(migrate, url, log)
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=settings.pool_size, reset=keep_session
        )
        stack.push_async_callback(pool.close)
        oidc = OidcVerifier.from_settings(settings)
        identity = Identity(
            pool,
            timedelta(seconds=settings.token_ttl_seconds),
            oidc,
            LoginThrottle.from_settings(pool, settings),
        )
        security_log = SecurityLog(pool)
        blobs = await to_thread.run_sync(lambda: open_blob_store(settings))
        # a session lasts while the sweep leaves its parts: they are claimed by no record
        uploads = UploadSessions(pool, lifetime=SWEEP_AFTER)
        if settings.run_projections:  # one process: not every replica, nor a CLI command
            await sweep_blob_store(app, blobs, security_log, SWEEP_AFTER)
            sweeper = asyncio.create_task(
                every(
                    SWEEP_EVERY.total_seconds(),
                    partial(sweep_blob_store, app, blobs, security_log, SWEEP_AFTER),
                    "could not sweep the blob store",
                )
            )
            stack.callback(sweeper.cancel)
        ledger = await to_thread.run_sync(Ledger.from_settings, log, settings)
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
            Memberships(app.investigation, pool, kept_version=app.kept_version),
            Records(app, queries),
            uploads,
            ProviderLogin.from_settings(settings, oidc),
        )
        if settings.run_projections:
            starts = projection_starts(JITspace, env)
            for name, start in starts.items():
                await to_thread.run_sync(start_projection, runtime, name, start)
                stack.callback(stop_projection, runtime, name)
            if settings.checkpoint_interval_seconds > 0:
                task = asyncio.create_task(
                    keep_checkpoints(ledger, settings.checkpoint_interval_seconds)
                )
                stack.callback(task.cancel)
            if settings.evidence_verify_interval_seconds > 0:
                verifier = asyncio.create_task(
                    every(
                        settings.evidence_verify_interval_seconds,
                        partial(
                            verify_on_schedule,
                            app,
                            queries,
                            blobs,
                            identity,
                            settings.evidence_verify_as,
                        ),
                        "could not re-verify the evidence files",
                    )
                )
                stack.push_async_callback(cancel_and_wait, verifier)
            if settings.retention_interval_seconds > 0:
                sweeper = asyncio.create_task(
                    every(
                        settings.retention_interval_seconds,
                        partial(
                            sweep_on_schedule, app, queries, blobs, identity, settings.retention_as
                        ),
                        "could not run the retention sweep",
                    )
                )
                stack.push_async_callback(cancel_and_wait, sweeper)
            if settings.deadline_interval_seconds > 0:
                reviser = asyncio.create_task(
                    every(
                        settings.deadline_interval_seconds,
                        partial(revise_passed, queries),
                        "could not evaluate the cells whose deadline passed again",
                    )
                )
                stack.push_async_callback(cancel_and_wait, reviser)
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
