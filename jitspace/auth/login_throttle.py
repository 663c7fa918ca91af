"""Password guessing is slowed down: too many failed logins for one username, or from one
client address, and further logins for it are refused until the window has passed.

The failures are counted in PostgreSQL, so every app process of a deployment sees the same
counts. Each attempt is written as a failure *before* its password is checked (and removed
by its success), under a lock on its username and client: parallel guesses cannot slip
past the limit while their passwords are being checked.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

import asyncpg

from jitspace.settings import Settings

# the defaults of the settings (see Settings)
WINDOW = timedelta(minutes=15)
PER_USERNAME = 5
PER_CLIENT = 20
# old failures are deleted at most this often by each process
PRUNE_EVERY = 60.0
# the first key of the advisory locks that serialise attempts on one username / one client
USERNAME_LOCK, CLIENT_LOCK = 0x4A495455, 0x4A495443

SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    username text NOT NULL,
    client text NULL
);
CREATE INDEX IF NOT EXISTS login_failures_username ON login_failures (username, at);
CREATE INDEX IF NOT EXISTS login_failures_client ON login_failures (client, at);
"""

# seconds until the limit's oldest failure that still counts leaves the window (NULL: under
# the limit): the n-th newest failure in the window exists only if there are n of them
_WAIT = """
SELECT extract(epoch FROM at + $2::interval - now()) FROM login_failures
WHERE {column} = $1 AND at > now() - $2::interval ORDER BY at DESC OFFSET $3 - 1 LIMIT 1
"""


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int, reason: str) -> None:
        super().__init__(f"{reason}: try again in {retry_after} seconds")
        self.retry_after = retry_after
        self.reason = reason


class LoginThrottle:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        per_username: int = PER_USERNAME,
        per_client: int = PER_CLIENT,
        window: timedelta = WINDOW,
    ) -> None:
        self.pool = pool
        self.per_username = per_username
        self.per_client = per_client
        self.window = window
        self._pruned = 0.0

    @classmethod
    def from_settings(cls, pool: asyncpg.Pool, settings: Settings) -> LoginThrottle:
        return cls(
            pool,
            per_username=settings.login_failures_per_username,
            per_client=settings.login_failures_per_client,
            window=timedelta(seconds=settings.login_failure_window_seconds),
        )

    async def admit(self, username: str, client: str | None) -> None:
        """Count this attempt as a failure until it succeeds; refuse it if the username or
        the client has failed too often lately."""
        async with self.pool.acquire() as conn, conn.transaction():
            # always the username first, then the client: no two attempts wait on each other
            await conn.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext($2))", USERNAME_LOCK, username
            )
            if client is not None:
                await conn.execute(
                    "SELECT pg_advisory_xact_lock($1, hashtext($2))", CLIENT_LOCK, client
                )
            wait = await conn.fetchval(
                _WAIT.format(column="username"), username, self.window, self.per_username
            )
            if wait is not None:
                raise TooManyAttempts(
                    _seconds(wait), f"{self.per_username} failed logins for this username"
                )
            if client is not None:
                wait = await conn.fetchval(
                    _WAIT.format(column="client"), client, self.window, self.per_client
                )
                if wait is not None:
                    raise TooManyAttempts(
                        _seconds(wait), f"{self.per_client} failed logins from this address"
                    )
            await conn.execute(
                "INSERT INTO login_failures (username, client) VALUES ($1, $2)", username, client
            )
        await self._prune()

    async def succeeded(self, username: str) -> None:
        """A success resets the username's count (and so takes its failures off its client's)."""
        await self.pool.execute("DELETE FROM login_failures WHERE username = $1", username)

    async def _prune(self) -> None:
        now = time.monotonic()
        if now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        await self.pool.execute(
            "DELETE FROM login_failures WHERE at < now() - $1::interval", self.window
        )


def _seconds(wait: float) -> int:
    # at least one second: a Retry-After of 0 would invite an immediate retry
    return max(1, math.ceil(float(wait)))
