"""What happened at the doors: failed and throttled logins, refused tokens and access, logouts.

An append-only table, apart from the event log: these are facts about the system, not about
an investigation's work, and an attacker's guesses must not grow the investigations' chains.
A failure to write here never changes the answer to the request that caused it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

logger = logging.getLogger(__name__)
# a slow database must not hold a refused request for long
RECORD_TIMEOUT = 5.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS security_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    kind text NOT NULL,
    user_id uuid NULL,
    investigation_id uuid NULL,
    client text NULL,
    detail text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS security_log_kind ON security_log (kind, id);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'security_log_append_only') THEN
        CREATE OR REPLACE FUNCTION security_log_append_only() RETURNS trigger
            LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''the security log is append-only''; END';
        CREATE TRIGGER security_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
            ON security_log FOR EACH STATEMENT EXECUTE FUNCTION security_log_append_only();
    END IF;
END $$;
"""
# processes of a deployment start together: one of them creates the schema at a time
SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(hashtext('jitspace security_log schema'))"


class SecurityEntry(msgspec.Struct, frozen=True):
    at: datetime
    kind: str
    user_id: UUID | None
    investigation_id: UUID | None
    client: str | None
    detail: str


class SecurityLog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def create_tables(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(SCHEMA_LOCK)
            await conn.execute(SCHEMA)

    async def record(
        self,
        kind: str,
        *,
        user_id: UUID | None = None,
        investigation_id: UUID | None = None,
        client: str | None = None,
        detail: str = "",
    ) -> None:
        """Append an entry; an error is logged, never raised (the request goes on as it was)."""
        try:
            await self.pool.execute(
                "INSERT INTO security_log (kind, user_id, investigation_id, client, detail) "
                "VALUES ($1, $2, $3, $4, $5)",
                kind,
                user_id,
                investigation_id,
                client,
                detail,
                timeout=RECORD_TIMEOUT,
            )
        except Exception:
            logger.exception("could not write %s to the security log (%s)", kind, detail)

    async def recent(self, limit: int = 100, *, kind: str | None = None) -> list[SecurityEntry]:
        """The newest entries first (of one kind, if given)."""
        rows = await self.pool.fetch(
            "SELECT at, kind, user_id, investigation_id, client, detail FROM security_log "
            "WHERE $1::text IS NULL OR kind = $1 ORDER BY id DESC LIMIT $2",
            kind,
            limit,
        )
        return [SecurityEntry(**dict(row)) for row in rows]
