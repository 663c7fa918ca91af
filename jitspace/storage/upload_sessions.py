"""Upload sessions: a large file sent in parts, each checked, resumed after a dropped
connection where it stopped (jitspace/services/uploads.py assembles and records it).

A session belongs to the member who opened it, for one evidence item; it knows the file's
name, type, size and (if the client gave it) SHA-256, and which parts the store holds, each
with its own SHA-256. Every process of a deployment sees the same sessions (PostgreSQL), so
a part may arrive at any replica. A session lasts as long as the blob sweep leaves files
no record claims (a day): its parts are never swept while it is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID, uuid4

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS upload_sessions (
    upload_id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    investigation_id uuid NOT NULL,
    evidence_id uuid NOT NULL,
    name text NOT NULL,
    media_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text,
    part_size bigint NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS upload_parts (
    upload_id uuid NOT NULL REFERENCES upload_sessions ON DELETE CASCADE,
    number int NOT NULL,
    storage_key text NOT NULL,
    sha256 text NOT NULL,
    size bigint NOT NULL,
    PRIMARY KEY (upload_id, number)
);
"""


class Wanted(Protocol):
    """The file a session is opened for."""

    @property
    def name(self) -> str: ...
    @property
    def media_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha256(self) -> str | None: ...


@dataclass(frozen=True)
class UploadPart:
    number: int  # from 1
    storage_key: str
    sha256: str
    size: int


@dataclass(frozen=True)
class UploadSession:
    upload_id: UUID
    user_id: UUID
    investigation_id: UUID
    evidence_id: UUID
    name: str
    media_type: str
    size: int
    sha256: str | None
    part_size: int
    expires_at: datetime
    parts: tuple[UploadPart, ...] = ()

    @property
    def part_count(self) -> int:
        return -(-self.size // self.part_size)

    def expected_size(self, number: int) -> int:
        """How many bytes part `number` holds (the last one the rest)."""
        return min(self.part_size, self.size - (number - 1) * self.part_size)

    @property
    def missing(self) -> list[int]:
        have = {part.number for part in self.parts}
        return [n for n in range(1, self.part_count + 1) if n not in have]

    @property
    def received_bytes(self) -> int:
        return sum(part.size for part in self.parts)


class UploadSessions:
    def __init__(self, pool: asyncpg.Pool, lifetime: timedelta) -> None:
        self.pool = pool
        self.lifetime = lifetime

    async def open(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        file: Wanted,
        part_size: int,
    ) -> UploadSession:
        """A new session of the user's, for `file` in parts of `part_size` bytes."""
        upload_id = uuid4()
        await self.pool.execute(
            "INSERT INTO upload_sessions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
            "now() + $10::interval)",
            upload_id,
            user_id,
            investigation_id,
            evidence_id,
            file.name,
            file.media_type,
            file.size,
            file.sha256,
            part_size,
            self.lifetime,
        )
        found = await self.find(upload_id, user_id)
        assert found is not None
        return found

    async def find(self, upload_id: UUID, user_id: UUID) -> UploadSession | None:
        """The user's open session, with the parts received; None for anyone else's, or
        one that expired or ended."""
        row = await self.pool.fetchrow(
            "SELECT * FROM upload_sessions WHERE upload_id = $1 AND user_id = $2 "
            "AND expires_at > now()",
            upload_id,
            user_id,
        )
        if row is None:
            return None
        parts = await self.pool.fetch(
            "SELECT number, storage_key, sha256, size FROM upload_parts "
            "WHERE upload_id = $1 ORDER BY number",
            upload_id,
        )
        return UploadSession(
            **{k: row[k] for k in row.keys()},  # noqa: SIM118 (asyncpg records)
            parts=tuple(UploadPart(**dict(part)) for part in parts),
        )

    async def keep_part(self, upload_id: UUID, part: UploadPart) -> None:
        """Record a part the store holds in full (a part sent again replaces the first)."""
        await self.pool.execute(
            "INSERT INTO upload_parts VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (upload_id, number) DO UPDATE SET storage_key = excluded.storage_key, "
            "sha256 = excluded.sha256, size = excluded.size",
            upload_id,
            part.number,
            part.storage_key,
            part.sha256,
            part.size,
        )

    async def end(self, upload_id: UUID) -> None:
        """Forget the session (completed or cancelled); what the store holds of its parts is
        claimed by no record, and swept."""
        await self.pool.execute("DELETE FROM upload_sessions WHERE upload_id = $1", upload_id)
        await self.pool.execute("DELETE FROM upload_sessions WHERE expires_at < now()")
