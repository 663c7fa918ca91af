"""What happened at the doors: failed and throttled logins, refused tokens and access, logouts,
and what administrators did to users (who did what to whom).

An append-only table, apart from the event log: these are facts about the system, not about
an investigation's work, and an attacker's guesses must not grow the investigations' chains.
A failure to write here never changes the answer to the request that caused it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum
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
-- the user an entry is about, when that is not its actor (an administrator's change)
ALTER TABLE security_log ADD COLUMN IF NOT EXISTS subject_id uuid NULL;
CREATE INDEX IF NOT EXISTS security_log_investigation ON security_log (investigation_id, id)
    WHERE investigation_id IS NOT NULL;
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


class SecurityKind(StrEnum):
    """What an entry records."""

    LOGIN_FAILED = "login_failed"  # unknown username or wrong password; a refused provider login
    LOGIN_THROTTLED = "login_throttled"  # too many failures
    LOGIN_DISABLED = "login_disabled"  # the right password of a disabled user
    # unknown, expired, revoked, or a disabled user's
    TOKEN_REFUSED = "token_refused"  # noqa: S105 (a kind of entry)
    ACCESS_REFUSED = "access_refused"  # a signed-in user refused by the guard or a rule
    LOGOUT = "logout"
    UNCLAIMED_FILE_REMOVED = "unclaimed_file_removed"  # by the blob sweep
    # an administrator's changes (or the command line's: no actor)
    USER_ADDED = "user_added"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a kind of entry)
    IDENTITY_LINKED = "identity_linked"
    ADMINISTRATOR_GRANTED = "administrator_granted"
    ADMINISTRATOR_WITHDRAWN = "administrator_withdrawn"


class SecurityEntry(msgspec.Struct, frozen=True):
    at: datetime
    kind: str
    user_id: UUID | None
    investigation_id: UUID | None
    client: str | None
    detail: str
    subject_id: UUID | None = None


class NamedEntry(msgspec.Struct, frozen=True):
    """An entry as a page shows it: with its position and the names of the people in it."""

    id: int
    at: datetime
    kind: str
    user_id: UUID | None
    user_name: str | None
    subject_id: UUID | None
    subject_name: str | None
    investigation_id: UUID | None
    client: str | None
    detail: str


class Filter(msgspec.Struct, frozen=True):
    """Which entries a page holds: of one investigation, of one kind, with one user as actor
    or subject, at or after `since` and before `until`, older than the entry `before`."""

    investigation_id: UUID | None = None
    kind: SecurityKind | None = None
    user_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = None


class EntryPage(msgspec.Struct, frozen=True):
    entries: list[NamedEntry]
    # the `before` of the next (older) page; None at the oldest
    next_before: int | None


class SecurityLog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def record(
        self,
        kind: SecurityKind | str,
        *,
        user_id: UUID | None = None,
        investigation_id: UUID | None = None,
        client: str | None = None,
        detail: str = "",
        subject_id: UUID | None = None,
    ) -> None:
        """Append an entry; an error is logged, never raised (the request goes on as it was)."""
        try:
            await self.pool.execute(
                "INSERT INTO security_log "
                "(kind, user_id, investigation_id, client, detail, subject_id) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                kind,
                user_id,
                investigation_id,
                client,
                detail,
                subject_id,
                timeout=RECORD_TIMEOUT,
            )
        except Exception:
            logger.exception("could not write %s to the security log (%s)", kind, detail)

    async def recent(self, limit: int = 100, *, kind: str | None = None) -> list[SecurityEntry]:
        """The newest entries first (of one kind, if given)."""
        rows = await self.pool.fetch(
            "SELECT at, kind, user_id, investigation_id, client, detail, subject_id "
            "FROM security_log "
            "WHERE $1::text IS NULL OR kind = $1 ORDER BY id DESC LIMIT $2",
            kind,
            limit,
        )
        return [SecurityEntry(**dict(row)) for row in rows]

    async def page(self, where: Filter, limit: int = 50) -> EntryPage:
        """The newest entries the filter holds, `limit` at most, with the people's names."""
        rows = await self.pool.fetch(
            "SELECT l.id, l.at, l.kind, l.user_id, a.display_name AS user_name, l.subject_id, "
            "s.display_name AS subject_name, l.investigation_id, l.client, l.detail "
            "FROM security_log l LEFT JOIN users a ON a.user_id = l.user_id "
            "LEFT JOIN users s ON s.user_id = l.subject_id "
            "WHERE ($1::uuid IS NULL OR l.investigation_id = $1) "
            "AND ($2::text IS NULL OR l.kind = $2) "
            "AND ($3::uuid IS NULL OR l.user_id = $3 OR l.subject_id = $3) "
            "AND ($4::timestamptz IS NULL OR l.at >= $4) "
            "AND ($5::timestamptz IS NULL OR l.at < $5) "
            "AND ($6::bigint IS NULL OR l.id < $6) "
            "ORDER BY l.id DESC LIMIT $7",
            where.investigation_id,
            where.kind,
            where.user_id,
            where.since,
            where.until,
            where.before,
            limit + 1,
        )
        entries = [NamedEntry(**dict(row)) for row in rows[:limit]]
        return EntryPage(entries, next_before=entries[-1].id if len(rows) > limit else None)
