"""Workers in turn: any number of `jitspace worker` may run; the one that holds the workers'
lock works (keeps the read models, announces the log, signs checkpoints, sweeps files), the
others wait and take over when it stops.

The lock is a session-level PostgreSQL advisory lock, held on a connection of its own for as
long as the worker works. PostgreSQL drops it with the session, however the worker ended
(SIGKILL included), and a waiting worker takes it at its next attempt. If the working
worker loses its lock connection, it stops working at once: another may hold the lock by
then. Even in that short overlap nothing is applied twice: the projections are tracked (an
event's rows and its tracking record are one transaction), so a takeover resumes from the
tracking position of each projection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator

import asyncpg

logger = logging.getLogger("jitspace.worker")
# the workers' lock, one per database ("JITspace" in ASCII)
WORKERS_LOCK = 0x4A49_5473_7061_6365
# pg_locks shows a bigint advisory key as its two halves
LOCK_HALVES = (WORKERS_LOCK >> 32, WORKERS_LOCK & 0xFFFF_FFFF)


def worker_name() -> str:
    """How this worker is named in the log and in pg_stat_activity (`application_name`)."""
    return f"jitspace worker {socket.gethostname()}:{os.getpid()}"[:63]


class WorkersLock:
    """The workers' lock, taken by this worker on a connection of its own."""

    def __init__(self, database_url: str, attempt_seconds: float) -> None:
        self.database_url = database_url
        self.attempt_seconds = attempt_seconds
        self.name = worker_name()
        # the last attempt found the lock held by another worker (this one waits in turn);
        # False while the database does not answer
        self.waiting = False
        self._connection: asyncpg.Connection | None = None

    async def take(self, stop: asyncio.Event) -> bool:
        """Wait until this worker holds the lock (True) or `stop` is set (False), trying
        again every `attempt_seconds`."""
        said_waiting = False
        while not stop.is_set():
            try:
                held = await self._try()
                self.waiting = not held
                if held:
                    return True
                if not said_waiting:
                    logger.info(
                        "projection worker waiting: another worker works (%s); this one "
                        "takes over when it stops",
                        await self._holder() or "it holds the workers' lock",
                    )
                    said_waiting = True
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                self.waiting = False
                logger.warning("could not try the workers' lock (%s); trying again", error)
                await self._close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.attempt_seconds)
        return False

    async def take_now(self) -> bool:
        """Take the lock if no one holds it (True), without waiting."""
        try:
            return await self._try()
        except BaseException:
            await self._close()
            raise

    async def holder(self) -> str | None:
        """Who holds the lock, as PostgreSQL names its session (None if it cannot say)."""
        try:
            return await self._holder()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return None

    async def lost(self) -> None:
        """Return when the lock connection is lost (the lock with it): checked every
        `attempt_seconds`, each check given as long again to answer."""
        while True:
            await asyncio.sleep(self.attempt_seconds)
            connection = self._connection
            try:
                if connection is None or connection.is_closed():
                    raise ConnectionError("the lock connection is closed")
                held = await asyncio.wait_for(
                    connection.fetchval(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND pid = pg_backend_pid() AND granted "
                        "AND classid = $1 AND objid = $2 AND objsubid = 1",
                        *LOCK_HALVES,
                    ),
                    max(self.attempt_seconds, 1.0),
                )
                if not held:
                    raise ConnectionError("the lock is no longer held")
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                logger.error("projection worker lost the workers' lock: %s", error)
                await self._close()
                return

    async def release(self) -> None:
        """Let another worker take over at once (closing the session drops the lock)."""
        await self._close()

    async def _try(self) -> bool:
        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(
                self.database_url, server_settings={"application_name": self.name}
            )
        held = await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", WORKERS_LOCK)
        return bool(held)

    async def _holder(self) -> str | None:
        """The name of the worker that holds the lock, if PostgreSQL lets this one see it."""
        assert self._connection is not None
        name: str | None = await self._connection.fetchval(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1",
            *LOCK_HALVES,
        )
        return name or None

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            try:
                await asyncio.wait_for(connection.close(), 5)
            except Exception:
                connection.terminate()


class WorkerWorks(Exception):
    """A process that would keep the read models itself finds a worker doing it."""


@contextlib.asynccontextmanager
async def kept_by_this_process(database_url: str) -> AsyncIterator[None]:
    """For a `jitspace serve` that keeps the read models itself (JITSPACE_RUN_PROJECTIONS on
    an external database): hold the workers' lock while it runs, so a worker started beside it
    waits, and refuse to start beside a worker that works."""
    lock = WorkersLock(database_url, attempt_seconds=1.0)
    lock.name = f"jitspace serve {socket.gethostname()}:{os.getpid()}"[:63]
    if not await lock.take_now():
        holder = await lock.holder()
        await lock.release()
        raise WorkerWorks(
            f"{holder or 'a projection worker'} keeps the read models of this database: "
            "start jitspace serve with JITSPACE_RUN_PROJECTIONS=false beside workers"
        )
    try:
        yield
    finally:
        await lock.release()
